import ArgumentParser
import Clientele
import Foundation

/// `clientele run`: the nightly job. Flags override the job file; the job file overrides defaults.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Load the exports, compute segments and values, and write the report folder.",
        discussion: """
            Predicted value ([clv] in the job file): model = auto|bg-nbd|mbg-nbd|pareto-nbd (auto by default: \
            fit every model this build has and keep the one with the smallest holdout \
            error, or the smallest BIC without a holdout); interval_draws = 0 (parametric bootstrap \
            draws for the customers.csv columns expected_purchases_low/high and predicted_clv_low/high, \
            e.g. 200; 0, the default, leaves them out); interval_level = 0.9; no_purchase_days = 90 (the p_no_purchase_90d \
            column; 0 turns it off); horizon_months = 12; monthly_discount_rate = 0.01.

            Exit status: 0 success; 64 usage or job-file error; 65 bad input data (or too many \
            rejected rows); 66 input file missing or unreadable; 69 processor lacks x86-64-v3; \
            73 report folder cannot be \
            created; 74 write error; 70 internal error.
            """
    )

    @Argument(help: ArgumentHelp("A TOML job file; every flag below is also a key in it.", valueName: "job.toml"))
    var job: String?

    @Option(help: ArgumentHelp("The transactions export (one row per order line); - reads standard input.", valueName: "path"))
    var transactions: String?

    @Option(help: ArgumentHelp("The interactions export (optional); - reads standard input.", valueName: "path"))
    var interactions: String?

    @Option(help: ArgumentHelp("Report folder, replaced whole by a successful run. (default: clientele-report)", valueName: "dir"))
    var out: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Analysis date. (default: the day after the last transaction)", valueName: "yyyy-mm-dd"))
    var asOf: String?

    @Option(name: .customLong("calibration-end"), help: ArgumentHelp("Last day of the calibration period, inclusive.", valueName: "yyyy-mm-dd"))
    var calibrationEnd: String?

    @Option(name: .customLong("rfm-ties"), help: ArgumentHelp("Tie rule for RFM scores: fill (tied customers share a score, and no score is left empty when a measure has at least as many distinct values as scores), share (tied customers share a quantile score) or split (SQL NTILE). (default: fill)", valueName: "fill|share|split"))
    var rfmTies: String?

    @Option(help: ArgumentHelp("Profit share of revenue for historical CLV. (default: 1)", valueName: "x"))
    var margin: Double?

    @Option(name: .customLong("on-bad-row"), help: ArgumentHelp("fail: stop at the first bad row; skip: set bad rows aside in rejects.csv. (default: fail)", valueName: "fail|skip"))
    var onBadRow: String?

    @Option(name: .customLong("max-reject-share"), help: ArgumentHelp("With skip: fail when more than this share of a file's rows is rejected. (default: 0.01)", valueName: "x"))
    var maxRejectShare: Double?

    @Option(help: ArgumentHelp("Field delimiter of both exports: , ; | or tab. (default: ,)", valueName: "char"))
    var delimiter: String?

    @Option(name: .customLong("date-format"), help: ArgumentHelp("Date layout of both exports: iso, or strptime directives such as %d/%m/%Y. (default: iso)", valueName: "format"))
    var dateFormat: String?

    @Option(help: ArgumentHelp("Text encoding of both exports, converted with iconv: utf-8, gbk, gb18030, latin1, windows-1252, utf-16, … (default: utf-8)", valueName: "name"))
    var encoding: String?

    @Option(help: ArgumentHelp("Decimal separator of numbers in both exports: . or , (default: .)", valueName: "char"))
    var decimal: String?

    @Option(help: ArgumentHelp("Digit-group separator allowed in amounts, as in 4,770.00: , . ' _ or a space. (default: none)", valueName: "char"))
    var thousands: String?

    @Option(name: .customLong("currency-symbol"), help: ArgumentHelp("A currency symbol allowed before or after amounts, e.g. ¥; repeat the flag for several. (default: none)", valueName: "symbol"))
    var currencySymbol: [String] = []

    @Option(help: ArgumentHelp("Number of k-means clusters. (default: 5)", valueName: "n"))
    var k: Int?

    @Option(name: .customLong("k-range"), help: ArgumentHelp("Choose k by silhouette (on a seeded sample of 10,000) within this range, e.g. 2-8.", valueName: "a-b"))
    var kRange: String?

    @Option(name: .customLong("clv-model"), help: ArgumentHelp("Purchase model for predicted value: auto (fit every available model, keep the one with the smallest holdout error), bg-nbd, mbg-nbd or pareto-nbd. (default: auto)", valueName: "auto|bg-nbd|mbg-nbd|pareto-nbd"))
    var clvModel: String?

    @Option(help: ArgumentHelp("Append this run to a SQLite history (created if missing); see `clientele history`.", valueName: "db"))
    var history: String?

    @Option(help: ArgumentHelp("Also write the results to this PostgreSQL database (the job file's [results] url; its schema and table names are kept). Put the password in ~/.pgpass or PGPASSWORD, not in the URL: a command line is visible to other users.", valueName: "url"))
    var results: String?

    @Option(help: ArgumentHelp("Random seed for the kernels that sample. (default: 42)", valueName: "n"))
    var seed: UInt64?

    @Option(help: ArgumentHelp("Threads to use. (default: all cores)", valueName: "n"))
    var threads: Int?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .customLong("raw-csv"), help: """
        write CSV cells as they are; by default text cells that a spreadsheet would run as a formula \
        (starting with = + - @ tab or CR) get a leading '
        """)
    var rawCSV = false

    @Option(help: ArgumentHelp("Summary printed on stdout: text or json. (default: text)", valueName: "text|json"))
    var format: String?

    /// The configuration: defaults, then the job file, then these flags.
    func configuration() throws -> JobConfiguration {
        var config = JobConfiguration()
        if let job { config = try JobFile(path: job).apply(to: config) }
        func parse<T>(_ flag: String, _ value: String?, _ parse: (String) throws(SourceFormat.Invalid) -> T) throws -> T? {
            guard let value else { return nil }
            do { return try parse(value) } catch { throw ConfigurationError.invalid("--\(flag) \(value): \(error.advice)") }
        }
        let delimiter = try parse("delimiter", delimiter, SourceFormat.delimiter)
        let dates: DateFormat? = try dateFormat.map { try DateFormat($0) }
        let encoding = try parse("encoding", encoding, SourceFormat.encoding)
        let decimal = try parse("decimal", decimal, SourceFormat.decimal)
        let thousands = try parse("thousands", thousands, SourceFormat.thousands)
        var symbols: [String]?
        if !currencySymbol.isEmpty {
            do { symbols = try SourceFormat.currencySymbols(currencySymbol) } catch {
                throw ConfigurationError.invalid("--currency-symbol \(currencySymbol.joined(separator: " ")): \(error.advice)")
            }
        }
        /// A flag's path replaces the job file's path or URL; every format setting of the section stays
        /// unless a flag sets it.
        func source(_ path: String?, _ existing: CSVSource?, amounts: Bool) throws -> CSVSource? {
            guard var s = path.map({ CSVSource(path: $0) }) ?? existing else { return nil }
            if let existing, let path { s = existing; s.path = path; s.database = nil }
            if let delimiter { s.dialect.delimiter = delimiter }
            if let dates { s.dateFormat = dates }
            if let encoding { s.encoding = encoding }
            if let decimal { s.decimalSeparator = decimal }
            if amounts {
                if let thousands { s.thousandsSeparator = thousands }
                if let symbols { s.currencySymbols = symbols }
                do { try SourceFormat.checkSeparators(s) } catch { throw ConfigurationError.invalid("--thousands and --decimal (or the job file's transactions.thousands and .decimal): \(error.advice)") }
            }
            return s
        }
        config.transactions = try source(transactions, config.transactions, amounts: true)
        config.interactions = try source(interactions, config.interactions, amounts: false)
        if let out { config.out = out }
        if let asOf {
            guard let day = CalendarDay(iso: asOf) else { throw ConfigurationError.invalid("--as-of \(asOf) is not a date; use YYYY-MM-DD") }
            config.asOf = day
        }
        if let calibrationEnd {
            guard let day = CalendarDay(iso: calibrationEnd) else { throw ConfigurationError.invalid("--calibration-end \(calibrationEnd) is not a date; use YYYY-MM-DD") }
            config.calibrationEnd = day
        }
        if let rfmTies {
            guard let rule = RFMScorer.TieRule(rawValue: rfmTies) else { throw ConfigurationError.invalid("--rfm-ties \(rfmTies): use fill, share or split") }
            config.rfm.ties = rule
        }
        if let margin { config.rfm.margin = margin }
        if let onBadRow {
            guard let policy = BadRowPolicy(rawValue: onBadRow) else { throw ConfigurationError.invalid("--on-bad-row \(onBadRow): use fail or skip") }
            config.ingest.onBadRow = policy
        }
        if let maxRejectShare { config.ingest.maxRejectShare = maxRejectShare }
        if let seed { config.seed = seed }
        if let history { config.history = history }
        if let results {
            guard ConnectionText.isPostgres(results) else {
                throw ConfigurationError.invalid("--results \(ConnectionText.redacted(results)): use a PostgreSQL URL such as postgresql://user@host/db")
            }
            var target = config.results ?? PostgresResultsTarget(url: results)
            target.url = results
            config.results = target
        }
        if let k {
            guard k >= 1, k <= 1000 else { throw ConfigurationError.invalid("--k \(k): must be between 1 and 1000") }
            config.clusters.model.clusters = .fixed(k)
        }
        if let kRange { config.clusters.model.clusters = .silhouette(try parseKRange(kRange, option: "--k-range")) }
        if let clvModel {
            guard let choice = RepeatPurchaseModelChoice(name: clvModel) else {
                throw ConfigurationError.invalid("--clv-model \(clvModel): use one of \(RepeatPurchaseModelChoice.names.joined(separator: ", "))")
            }
            config.clv.model.purchaseModel = choice
        }
        if let threads { config.threads = threads }
        if quiet { config.quiet = true }
        if rawCSV { config.rawCSV = true }
        if let format {
            guard let f = JobConfiguration.SummaryFormat(rawValue: format) else { throw ConfigurationError.invalid("--format \(format): use text or json") }
            config.format = f
        }
        return config
    }

    func run() throws {
        try exitOnError {
            let config = try configuration()
            let outcome = try execute(config)
            if !config.quiet || config.format == .json { try printSummary(outcome, format: config.format) }
        }
    }
}
