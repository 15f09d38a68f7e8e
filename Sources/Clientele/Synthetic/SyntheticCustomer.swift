import ClienteleStore

/// Everything the generator drew for one customer number: the latent BG/NBD and Gamma-Gamma
/// values, the orders with their lines, the interactions, and any orphan id's interactions.
///
/// `SyntheticPopulation.customer(_:)` returns it, so tests can compare the latent draws with
/// their distributions and the written rows with the draws. Weeks count from the window start.
public struct SyntheticCustomer: Sendable, Hashable {
    /// Customer number, 1-based; the id is `C` and this number zero-padded.
    public var number: Int
    /// λ: purchase rate while active, purchases a week (BG/NBD).
    public var purchaseRate: Double
    /// p: probability of becoming inactive after each repeat purchase (BG/NBD).
    public var dropoutProbability: Double
    /// ν: Gamma-Gamma spend rate; the expected order value is `spend.p / ν`.
    public var spendRate: Double
    /// The loyalty score ℓ that drives survey answers and complaints (see `InteractionSettings`).
    public var loyalty: Double
    /// Time of the first purchase, weeks (uniform over the birth window).
    public var birthWeek: Double
    /// Whether the customer is still active at the end of the window.
    public var isActiveAtEnd: Bool
    /// Orders in time order; the first is the birth purchase.
    public var orders: [Order]
    /// All order lines; order k owns `orders[k].lines`.
    public var lines: [Line]
    /// Interactions in date order.
    public var interactions: [Interaction]
    /// Interactions of the orphan id `P…` with the same number, usually none.
    public var orphanInteractions: [Interaction]

    /// One order: a BG/NBD purchase with a Gamma-Gamma net value.
    public struct Order: Sendable, Hashable {
        /// Purchase time, weeks since the window start.
        public var week: Double
        /// Calendar day: start + ⌊7 · week⌋.
        public var day: CalendarDay
        /// Net value in cents (the Gamma-Gamma draw rounded to cents, at least 1).
        public var netCents: Int
        /// Refunded cents on the return line, 0 when the order has none.
        public var refundCents: Int
        public var channel: OrderChannel
        /// Indices into `lines`; positive lines first, then the return line if any.
        public var lines: Range<Int>
    }

    /// One transaction line.
    public struct Line: Sendable, Hashable {
        /// Line amount in cents; negative on a return line.
        public var amountCents: Int
        /// Quantity; −1 on a return line.
        public var quantity: Int
        /// Product number, 1-based; the id is `P` and this number zero-padded to 4 digits or more.
        public var product: Int
    }

    /// One contact with the customer.
    public struct Interaction: Sendable, Hashable {
        public var day: CalendarDay
        public var channel: InteractionChannel
        public var kind: InteractionKind
        /// CSAT 1–5 on surveys; nil when blank.
        public var satisfaction: Int?
        /// Likelihood to recommend 0–10 on surveys; nil when blank.
        public var recommend: Int?
    }

    public enum OrderChannel: Int, Sendable, Hashable, CaseIterable {
        case web, store, app
        public var name: StaticString {
            switch self {
            case .web: "web"
            case .store: "store"
            case .app: "app"
            }
        }
    }

    public enum InteractionChannel: Int, Sendable, Hashable, CaseIterable {
        case phone, email, chat, store, web
        public var name: StaticString {
            switch self {
            case .phone: "phone"
            case .email: "email"
            case .chat: "chat"
            case .store: "store"
            case .web: "web"
            }
        }
    }

    public enum InteractionKind: Int, Sendable, Hashable, CaseIterable {
        case support, complaint, survey, marketing
        public var name: StaticString {
            switch self {
            case .support: "support"
            case .complaint: "complaint"
            case .survey: "survey"
            case .marketing: "marketing"
            }
        }
    }

    package init() {
        number = 0
        purchaseRate = 0
        dropoutProbability = 0
        spendRate = 0
        loyalty = 0
        birthWeek = 0
        isActiveAtEnd = true
        orders = []
        lines = []
        interactions = []
        orphanInteractions = []
    }
}
