import ClienteleSupport
import ClienteleStats
import ClienteleStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SyntheticPopulation {
    /// Everything drawn for customer `number` (1…`customers`), exactly as `write(to:)` writes it.
    /// Throws `SyntheticError.invalidSetting` for a bad configuration or number.
    public func customer(_ number: Int) throws -> SyntheticCustomer {
        try validate()
        guard number >= 1 && number <= customers else {
            throw SyntheticError.invalidSetting(name: "customer number", value: "\(number)",
                                                requirement: "should be in 1...\(customers)")
        }
        var customer = SyntheticCustomer()
        SyntheticPlan(self).simulate(number: number, into: &customer)
        return customer
    }
}

/// A validated `SyntheticPopulation` with its samplers and cumulative tables built once.
///
/// `simulate` fixes the order of draws on a customer's stream, which is part of the output
/// contract: λ, p, ν, birth, preferred channel; then per purchase its gap, its order (value,
/// channel, lines, return) and the dropout coin; then interactions, then the orphan id.
package struct SyntheticPlan: Sendable {
    package let population: SyntheticPopulation
    private let purchaseRate: GammaSampler
    private let dropoutA: GammaSampler
    private let dropoutB: GammaSampler
    private let spendRate: GammaSampler
    private let orderValue: GammaSampler
    private let lineCounts: [Double]
    private let quantities: [Double]
    private let orderChannels: [Double]
    private let interactionChannels: [[Double]]
    private let dropoutMean: Double
    private let dropoutSD: Double
    private let windowWeeks: Double
    private let lastDayOffset: Int

    /// The largest order value in cents (10^13, i.e. 10^11 money units); draws above it are capped.
    package static let maximumOrderCents = 10_000_000_000_000

    /// Interaction channel probabilities (phone, email, chat, store, web) per kind
    /// (support, complaint, survey, marketing).
    package static let interactionChannelProbabilities: [[Double]] = [
        [0.35, 0.20, 0.25, 0.15, 0.05],
        [0.40, 0.30, 0.15, 0.10, 0.05],
        [0.10, 0.60, 0.00, 0.00, 0.30],
        [0.00, 0.70, 0.00, 0.00, 0.30],
    ]

    /// Assumes `population.validate()` has passed.
    package init(_ population: SyntheticPopulation) {
        self.population = population
        let bgnbd = population.purchase, pareto = population.paretoPurchase
        if population.purchaseModel == .paretonbd {
            // λ ~ Gamma(r, alpha); `dropoutA` draws the lifetime rate μ ~ Gamma(s, beta).
            purchaseRate = GammaSampler(shape: pareto.r, rate: pareto.alpha)
            dropoutA = GammaSampler(shape: pareto.s, rate: pareto.beta)
        } else {
            purchaseRate = GammaSampler(shape: bgnbd.r, rate: bgnbd.alpha)
            dropoutA = GammaSampler(shape: bgnbd.a)
        }
        dropoutB = GammaSampler(shape: bgnbd.b)
        spendRate = GammaSampler(shape: population.spend.q, rate: population.spend.gamma)
        orderValue = GammaSampler(shape: population.spend.p)
        lineCounts = Self.cumulative(population.lines.lineCountProbabilities)
        quantities = Self.cumulative(population.lines.quantityProbabilities)
        orderChannels = Self.cumulative(population.lines.channelProbabilities)
        interactionChannels = Self.interactionChannelProbabilities.map(Self.cumulative)
        if population.purchaseModel == .paretonbd {
            dropoutMean = pareto.s / pareto.beta
            dropoutSD = pareto.s.squareRoot() / pareto.beta
        } else {
            let (a, b) = (bgnbd.a, bgnbd.b)
            dropoutMean = a / (a + b)
            dropoutSD = (a * b / ((a + b) * (a + b) * (a + b + 1))).squareRoot()
        }
        windowWeeks = Double(population.weeks)
        lastDayOffset = 7 * population.weeks - 1
    }

    package static func cumulative(_ probabilities: [Double]) -> [Double] {
        var total = 0.0
        var result = probabilities.map { total += $0; return total }
        result[result.count - 1] = 1  // rounding must not leave a gap at the top
        return result
    }

    /// Draws customer `number` into `customer`, reusing its arrays' storage.
    package func simulate(number: Int, into customer: inout SyntheticCustomer) {
        var random = RandomSource(seed: population.seed, stream: UInt64(number))
        customer.number = number
        customer.orders.removeAll(keepingCapacity: true)
        customer.lines.removeAll(keepingCapacity: true)
        customer.interactions.removeAll(keepingCapacity: true)
        customer.orphanInteractions.removeAll(keepingCapacity: true)

        // Latent draws: λ ~ Gamma(r, alpha), p ~ Beta(a, b) (Pareto/NBD: μ ~ Gamma(s, beta)),
        // ν ~ Gamma(q, gamma).
        let model = population.purchaseModel
        let lambda = purchaseRate.next(using: &random)
        let dropout = model == .paretonbd ? dropoutA.next(using: &random) : random.beta(dropoutA, dropoutB)
        let nu = spendRate.next(using: &random)
        customer.purchaseRate = lambda
        customer.dropoutProbability = dropout
        customer.spendRate = nu
        customer.loyalty = dropoutSD > 0 ? min(3, max(-3, (dropoutMean - dropout) / dropoutSD)) : 0
        customer.birthWeek = random.uniform() * population.birthWeeks
        let preferredChannel = random.categorical(cumulative: orderChannels)

        // BG/NBD (Fader, Hardie & Lee 2005, §3, assumptions i–v): Poisson purchases at rate λ from
        // the first purchase on; after each repeat purchase, inactive for good with probability p.
        // The first purchase carries no dropout chance, so P(no repeat in (0, t] | λ) = e^{−λt}, the
        // x = 0 term of the paper's individual likelihood.
        // MBG/NBD (Batislam, Denizel & Filiztekin 2007): the same, with a dropout coin right after
        // the first purchase too. Pareto/NBD (Schmittlein, Morrison & Colombo 1987): an
        // exponential lifetime at rate μ = `dropout` from the first purchase, drawn before the
        // purchase gaps; Poisson purchases at rate λ until the lifetime or the window ends.
        var t = customer.birthWeek
        customer.isActiveAtEnd = true
        appendOrder(at: t, nu: nu, preferredChannel: preferredChannel, &random, &customer)
        switch model {
        case .bgnbd, .mbgnbd:
            if model == .mbgnbd && random.uniform() < dropout { customer.isActiveAtEnd = false; break }
            while true {
                t += random.exponential(rate: lambda)
                if !(t < windowWeeks) { break }
                appendOrder(at: t, nu: nu, preferredChannel: preferredChannel, &random, &customer)
                if random.uniform() < dropout { customer.isActiveAtEnd = false; break }
            }
        case .paretonbd:
            let death = t + random.exponential(rate: dropout)
            let end = min(death, windowWeeks)
            while true {
                t += random.exponential(rate: lambda)
                if !(t < end) { break }
                appendOrder(at: t, nu: nu, preferredChannel: preferredChannel, &random, &customer)
            }
            customer.isActiveAtEnd = !(death < windowWeeks)
        }

        appendInteractions(&random, &customer)
        if random.uniform() < population.interactions.orphanProbability {
            appendOrphanInteractions(&random, &customer)
        }
    }

    /// One order: Gamma-Gamma value z ~ Gamma(p, ν) in cents, its channel, lines and any return.
    private func appendOrder(at week: Double, nu: Double, preferredChannel: Int,
                             _ random: inout RandomSource, _ customer: inout SyntheticCustomer) {
        let settings = population.lines
        let value = orderValue.next(using: &random) / nu * 100
        let net = value.isFinite ? max(1, min(Self.maximumOrderCents, Int(value.rounded()))) : Self.maximumOrderCents
        let channel = random.uniform() < settings.preferredChannelProbability
            ? preferredChannel : random.categorical(cumulative: orderChannels)
        var lineCount = random.categorical(cumulative: lineCounts) + 1
        var refund = 0
        if random.uniform() < settings.returnProbability {
            let lower = settings.refundFraction.lowerBound
            let fraction = lower + (settings.refundFraction.upperBound - lower) * random.uniform()
            refund = max(1, Int((Double(net) * fraction).rounded()))
        }
        let positive = net + refund
        lineCount = min(lineCount, positive)

        // Flat Dirichlet split of `positive` cents by stick-breaking: with m lines left, the next
        // takes a Beta(1, m − 1) share, 1 − U^{1/(m−1)}, of what remains; each line gets 1 cent more.
        let firstLine = customer.lines.count
        var remaining = positive - lineCount
        for k in 0..<lineCount {
            let linesLeft = lineCount - k
            var share = remaining
            if linesLeft > 1 {
                let fraction = 1 - pow(random.uniform(), 1 / Double(linesLeft - 1))
                share = min(remaining, Int(Double(remaining) * fraction))
            }
            remaining -= share
            let quantity = random.categorical(cumulative: quantities) + 1
            let u = random.uniform()
            let product = 1 + min(settings.products - 1, Int(Double(settings.products) * u * u))
            customer.lines.append(.init(amountCents: 1 + share, quantity: quantity, product: product))
        }
        if refund > 0 {
            let returned = customer.lines[firstLine + random.index(below: lineCount)].product
            customer.lines.append(.init(amountCents: -refund, quantity: -1, product: returned))
        }
        let offset = min(lastDayOffset, Int(week * 7))
        customer.orders.append(.init(
            week: week, day: population.start.adding(days: offset), netCents: net, refundCents: refund,
            channel: SyntheticCustomer.OrderChannel(rawValue: channel)!,
            lines: firstLine..<customer.lines.count))
    }

    /// Poisson(perOrder · orders + perCustomer) contacts between the first purchase and the end.
    private func appendInteractions(_ random: inout RandomSource, _ customer: inout SyntheticCustomer) {
        let settings = population.interactions
        let count = random.poisson(mean: settings.perOrder * Double(customer.orders.count) + settings.perCustomer)
        let first = Int(customer.orders[0].day.daysSinceEpoch - population.start.daysSinceEpoch)
        for _ in 0..<count {
            let offset = first + random.index(below: lastDayOffset - first + 1)
            customer.interactions.append(drawInteraction(offset: offset, loyalty: customer.loyalty, &random))
        }
        Self.sortByDay(&customer.interactions)
    }

    /// An id `P…` that never bought: 1 + Poisson(orphanExtraMean) contacts anywhere in the window,
    /// with a loyalty score of its own, N(0, 1) clipped to [−3, 3].
    private func appendOrphanInteractions(_ random: inout RandomSource, _ customer: inout SyntheticCustomer) {
        let loyalty = min(3, max(-3, random.standardNormal()))
        let count = 1 + random.poisson(mean: population.interactions.orphanExtraMean)
        for _ in 0..<count {
            let offset = random.index(below: lastDayOffset + 1)
            customer.orphanInteractions.append(drawInteraction(offset: offset, loyalty: loyalty, &random))
        }
        Self.sortByDay(&customer.orphanInteractions)
    }

    private func drawInteraction(offset: Int, loyalty: Double,
                                 _ random: inout RandomSource) -> SyntheticCustomer.Interaction {
        let settings = population.interactions
        let complaintRange = settings.complaintProbability
        let complaint = complaintRange.lowerBound
            + (complaintRange.upperBound - complaintRange.lowerBound) / (1 + exp(1.5 * loyalty))
        let u = random.uniform()
        let kind: SyntheticCustomer.InteractionKind
        if u < settings.surveyProbability {
            kind = .survey
        } else if u < settings.surveyProbability + settings.marketingProbability {
            kind = .marketing
        } else if u < settings.surveyProbability + settings.marketingProbability + complaint {
            kind = .complaint
        } else {
            kind = .support
        }
        let channel = random.categorical(cumulative: interactionChannels[kind.rawValue])
        var satisfaction: Int?
        var recommend: Int?
        if kind == .survey {
            let s = settings.satisfactionMean + settings.satisfactionSlope * loyalty
                + settings.satisfactionNoise * random.standardNormal()
            let r = settings.recommendMean + settings.recommendSlope * loyalty
                + settings.recommendNoise * random.standardNormal()
            if random.uniform() >= settings.satisfactionMissingProbability { satisfaction = Self.clamp(s, 1, 5) }
            if random.uniform() >= settings.recommendMissingProbability { recommend = Self.clamp(r, 0, 10) }
        }
        return .init(day: population.start.adding(days: offset),
                     channel: SyntheticCustomer.InteractionChannel(rawValue: channel)!,
                     kind: kind, satisfaction: satisfaction, recommend: recommend)
    }

    private static func clamp(_ x: Double, _ low: Int, _ high: Int) -> Int {
        let rounded = x.rounded()
        return rounded <= Double(low) ? low : rounded >= Double(high) ? high : Int(rounded)
    }

    /// Stable insertion sort by day: lists are short (a handful of contacts).
    private static func sortByDay(_ items: inout [SyntheticCustomer.Interaction]) {
        guard items.count > 1 else { return }
        for i in 1..<items.count {
            let item = items[i]
            var j = i
            while j > 0 && items[j - 1].day > item.day { items[j] = items[j - 1]; j -= 1 }
            items[j] = item
        }
    }
}
