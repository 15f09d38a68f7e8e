import ArgumentParser
import Clientele
import Foundation

/// `clientele generate`: synthetic exports with known BG/NBD and Gamma-Gamma parameters.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic exports with known parameters.",
        discussion: """
            Writes transactions.csv, interactions.csv and parameters.json into --out. Purchases \
            follow the BG/NBD model (r=0.5, alpha=12, a=1.5, b=3.5, weeks) and order values the \
            Gamma-Gamma model (p=6, q=4, gamma=15); parameters.json records them with the counts \
            and a suggested --as-of and --calibration-end. The same seed and customer count give \
            the same bytes on any number of threads. Rows come in date order by default, as exports \
            do (customer ids scattered); --row-order customer writes each customer's rows together. \
            A customer has Poisson(per-order x orders + per-customer) interactions: about 1.3 with \
            the defaults (2.7 orders a customer), about 3 with --interactions-per-customer 1.9. \
            --purchase-model mbg-nbd adds a dropout chance right after the first purchase (same \
            r, alpha, a, b); --purchase-model pareto-nbd gives exponential lifetimes (r=0.5, \
            alpha=12, s=0.6, beta=60). --r, --alpha, --a, --b, --s, --beta override the model's defaults.
            """
    )

    @Option(help: "Number of customers to generate (at least 1).")
    var customers: Int = 100_000

    @Option(help: "Random seed; the same seed gives the same files.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Directory to write into; created if missing.", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("First day of the observation window.", valueName: "yyyy-mm-dd"))
    var start: String = "2023-01-01"

    @Option(help: "Length of the observation window in weeks; first purchases fall in its first 75%.")
    var weeks: Int = 156

    @Option(help: ArgumentHelp(
        "Row order of both files: date (by purchase or contact date, customer ids scattered, as exports come) or customer (each customer's rows together).",
        valueName: "date|customer"))
    var rowOrder: SyntheticRowOrder = .date

    @Option(help: "Expected interactions per order of a customer.")
    var interactionsPerOrder: Double = InteractionSettings().perOrder

    @Option(help: "Expected interactions per customer on top of the per-order ones.")
    var interactionsPerCustomer: Double = InteractionSettings().perCustomer

    @Option(help: ArgumentHelp("Purchase process: bg-nbd (default), mbg-nbd or pareto-nbd.", valueName: "model"))
    var purchaseModel: RepeatPurchaseModelKind = .bgnbd

    @Option(help: "Purchase-rate Gamma shape r (all models).")
    var r: Double?

    @Option(help: "Purchase-rate Gamma rate alpha, weeks (all models).")
    var alpha: Double?

    @Option(help: "Dropout Beta shape a (bg-nbd, mbg-nbd).")
    var a: Double?

    @Option(help: "Dropout Beta shape b (bg-nbd, mbg-nbd).")
    var b: Double?

    @Option(help: "Lifetime-rate Gamma shape s (pareto-nbd).")
    var s: Double?

    @Option(help: "Lifetime-rate Gamma rate beta, weeks (pareto-nbd).")
    var beta: Double?

    @Option(help: "Threads to use (default: all cores); the output does not depend on it.")
    var threads: Int?

    func run() throws {
        try exitOnError {
            // Checked here rather than in validate() so the message is the one `error:` line.
            guard let startDay = CalendarDay(iso: start) else {
                throw SyntheticError.invalidSetting(name: "start", value: start,
                                                    requirement: "should be a date YYYY-MM-DD, e.g. 2023-01-01")
            }
            var population = SyntheticPopulation(customers: customers, seed: seed, start: startDay)
            population.weeks = weeks
            population.birthWeeks = 0.75 * Double(weeks)
            population.holdoutWeeks = min(26, max(0, weeks / 6))
            population.rowOrder = rowOrder
            population.interactions.perOrder = interactionsPerOrder
            population.interactions.perCustomer = interactionsPerCustomer
            if let threads { population.threads = threads }
            population.purchaseModel = purchaseModel
            if purchaseModel == .paretonbd {
                guard a == nil && b == nil else {
                    throw SyntheticError.invalidSetting(name: a == nil ? "b" : "a", value: "\((a ?? b)!)",
                                                        requirement: "applies to bg-nbd and mbg-nbd; pareto-nbd takes --s and --beta")
                }
                if let r { population.paretoPurchase.r = r }
                if let alpha { population.paretoPurchase.alpha = alpha }
                if let s { population.paretoPurchase.s = s }
                if let beta { population.paretoPurchase.beta = beta }
            } else {
                guard s == nil && beta == nil else {
                    throw SyntheticError.invalidSetting(name: s == nil ? "beta" : "s", value: "\((s ?? beta)!)",
                                                        requirement: "applies to pareto-nbd; \(purchaseModel.rawValue) takes --a and --b")
                }
                if let r { population.purchase.r = r }
                if let alpha { population.purchase.alpha = alpha }
                if let a { population.purchase.a = a }
                if let b { population.purchase.b = b }
            }
            let directory = URL(fileURLWithPath: out, isDirectory: true)
            let clock = ContinuousClock()
            let started = clock.now
            let summary = try population.write(to: directory)
            let seconds = Double((clock.now - started) / .milliseconds(1)) / 1000
            let c = summary.counts
            print("wrote \(directory.path)/{transactions.csv,interactions.csv,parameters.json}: "
                  + "\(c.customers) customers, \(c.orders) orders, \(c.lines) transaction lines (\(c.returns) returns), "
                  + "\(c.interactions) interactions (\(c.orphanIDs) orphan ids); "
                  + "\(rowOrder.rawValue) order; as-of \(summary.asOf), calibration end \(summary.calibrationEnd); "
                  + String(format: "%.2f s", seconds))
        }
    }
}

extension SyntheticRowOrder: ExpressibleByArgument {}
extension RepeatPurchaseModelKind: ExpressibleByArgument {}
