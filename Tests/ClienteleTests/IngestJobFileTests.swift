import Foundation
import Testing
@testable import Clientele

/// A job file that is wrong in one way, and what the error must say after `PATH: `.
struct JobFileErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var toml: String
    var reason: String
    var testDescription: String { name }

    static let unknownKeys: [JobFileErrorCase] = [
        .init(name: "an unknown section", toml: "[input]\npath = \"t.csv\"\n",
              reason: "unknown key \"input\"; known keys here: transactions, interactions, results, run, rfm, clv, clusters, churn, satisfaction"),
        .init(name: "a misspelt run key", toml: "[run]\noutt = \"reports\"\n",
              reason: "unknown key \"run.outt\"; known keys here: out, as_of, calibration_end, on_bad_row, max_reject_share, seed, threads, quiet, format, history, raw_csv, currency, currency_decimals, top_at_risk"),
        .init(name: "an unknown transactions key", toml: "[transactions]\npath = \"t.csv\"\ncharset = \"latin1\"\n",
              reason: "unknown key \"transactions.charset\"; known keys here: path, url, table, query, delimiter, date_format, decimal, thousands, currency_symbol, encoding, amount_from, columns"),
        .init(name: "an unknown transactions column", toml: "[transactions.columns]\ncustomer = \"Kunde\"\n",
              reason: "unknown key \"transactions.columns.customer\"; known keys here: customer_id, order_id, order_date, amount, quantity, unit_price"),
        .init(name: "an unknown interactions column", toml: "[interactions.columns]\ndate = \"Datum\"\n",
              reason: "unknown key \"interactions.columns.date\"; known keys here: customer_id, interaction_date, channel, kind, satisfaction, recommend"),
        .init(name: "an unknown rfm key", toml: "[rfm]\ntie = \"split\"\n",
              reason: "unknown key \"rfm.tie\"; known keys here: ties, quantiles, monetary, margin, segments, actions, frequency_breaks"),
    ]

    static let badValues: [JobFileErrorCase] = [
        .init(name: "an unknown bad-row policy", toml: "[run]\non_bad_row = \"ignore\"\n", reason: "run.on_bad_row = \"ignore\": use \"fail\" or \"skip\""),
        .init(name: "a date that is not a date", toml: "[run]\nas_of = \"yesterday\"\n", reason: "run.as_of must be a date like 2026-01-31"),
        .init(name: "a string for threads", toml: "[run]\nthreads = \"two\"\n", reason: "run.threads must be an integer"),
        .init(name: "a negative seed", toml: "[run]\nseed = -1\n", reason: "run.seed = -1: must be ≥ 0"),
        .init(name: "an unknown summary format", toml: "[run]\nformat = \"xml\"\n", reason: "run.format = \"xml\": use \"text\" or \"json\""),
        .init(name: "a two-character delimiter", toml: "[transactions]\ndelimiter = \";;\"\n",
              reason: "transactions.delimiter = \";;\": use one character such as \",\" \";\" \"|\" or \"tab\""),
        .init(name: "a decimal separator other than point or comma", toml: "[transactions]\ndecimal = \"'\"\n",
              reason: "transactions.decimal = \"'\": use \".\" or \",\""),
        .init(name: "an unusable date format", toml: "[interactions]\ndate_format = \"%d/%m\"\n",
              reason: "interactions.date_format: date format \"%d/%m\": needs %Y (or %y), %m and %d; use iso or strptime directives %Y %m %d %H %M %S"),
        .init(name: "an unknown amount source", toml: "[transactions]\namount_from = \"price\"\n",
              reason: "transactions.amount_from = \"price\": use \"amount\" or \"quantity*unit_price\""),
        .init(name: "a reversed scale", toml: "[interactions]\nsatisfaction_scale = [5, 1]\n",
              reason: "interactions.satisfaction_scale must be [low, high], e.g. [1, 5]"),
        .init(name: "an unknown tie rule", toml: "[rfm]\nties = \"random\"\n", reason: "rfm.ties = \"random\": use \"fill\", \"share\" or \"split\""),
        .init(name: "a section that is a value", toml: "run = 3\n", reason: "\"run\" must be a table ([run])"),
        .init(name: "an unknown cluster feature", toml: "[clusters]\nfeatures = [\"recency\"]\n",
              reason: "clusters.features: \"recency\" is not a feature; use recency_days, frequency, monetary, tenure_days, mean_order_value, repeat_rate, complaints, mean_satisfaction, mean_recommend"),
        .init(name: "an unknown churn feature", toml: "[churn]\nfeatures = [\"recency_days\"]\n",
              reason: "churn.features: \"recency_days\" is not an extra feature; use mean_order_value, repeat_rate, mean_recommend, support_contacts, interactions"),
        .init(name: "an unknown transform", toml: "[clusters]\ntransform = \"log\"\n", reason: "clusters.transform = \"log\": use \"log1p\" or \"none\""),
        .init(name: "promoters below detractors", toml: "[satisfaction]\npromoter_at_least = 5\n",
              reason: "satisfaction.detractor_at_most = 6.0 must be below promoter_at_least = 5.0"),
        .init(name: "a confidence level of 95", toml: "[satisfaction]\nconfidence_level = 95\n",
              reason: "satisfaction.confidence_level = 95.0: must be between 0 and 1 (e.g. 0.95)"),
    ]
}

@Suite("JobFile: a TOML job file on top of the defaults, under the flags")
struct IngestJobFileTests {
    static let everyKey = """
        [transactions]
        path = "exports/transactions.csv"
        delimiter = ";"
        date_format = "%d.%m.%Y %H:%M"
        decimal = ","
        amount_from = "quantity*unit_price"
        [transactions.columns]
        customer_id = "Kundennummer"
        order_id = "Beleg"
        order_date = "Datum"
        amount = "Betrag"
        quantity = "Menge"
        unit_price = "Einzelpreis"

        [interactions]
        path = "/data/contacts.tsv"
        delimiter = "tab"
        date_format = "%Y%m%d"
        decimal = "."
        satisfaction_scale = [0, 10]
        recommend_scale = [1.5, 7]
        [interactions.columns]
        customer_id = "Kunde"
        interaction_date = "Wann"
        channel = "Kanal"
        kind = "Art"
        satisfaction = "Zufriedenheit"
        recommend = "Empfehlung"

        [run]
        out = "reports/nightly"
        as_of = 2026-01-01
        calibration_end = "2025-06-30"
        on_bad_row = "skip"
        max_reject_share = 0.05
        seed = 7
        threads = 3
        quiet = true
        format = "json"
        raw_csv = true

        [rfm]
        ties = "split"
        quantiles = 3
        monetary = "mean"
        margin = 0.3
        [churn]
        features = ["mean_order_value", "support_contacts"]

        [clusters]
        features = ["tenure_days", "repeat_rate", "mean_order_value"]
        transform = "none"

        [satisfaction]
        enabled = false
        satisfied_at_least = 9
        loyal_at_least = 3
        promoter_at_least = 10
        detractor_at_most = 5
        kendall = false
        confidence_level = 0.9

        [rfm.segments]
        1 = ["Low", "Low", "Mid"]
        2 = ["Low", "Mid", "High"]
        3 = ["Mid", "High", "High"]

        """

    @Test("a job file sets every key")
    func everyKeySet() throws {
        try withIngestFolder { folder in
            let path = try folder.write("nightly.toml", Self.everyKey)
            let config = try JobFile(path: path).apply(to: JobConfiguration())

            let t = try #require(config.transactions)
            #expect(t.path == folder.path + "/exports/transactions.csv")
            #expect(t.dialect == CSVDialect(delimiter: UInt8(ascii: ";")))
            #expect(t.dateFormat == .pattern("%d.%m.%Y %H:%M"))
            #expect(t.decimalSeparator == UInt8(ascii: ","))
            var columns = TransactionColumns()
            columns.customerID = "Kundennummer"; columns.orderID = "Beleg"; columns.orderDate = "Datum"
            columns.amount = "Betrag"; columns.quantity = "Menge"; columns.unitPrice = "Einzelpreis"
            columns.amountFromQuantityTimesUnitPrice = true
            #expect(config.transactionColumns == columns)

            let i = try #require(config.interactions)
            #expect(i.path == "/data/contacts.tsv")
            #expect(i.dialect.delimiter == 9)
            #expect(i.dateFormat == .pattern("%Y%m%d"))
            #expect(i.decimalSeparator == UInt8(ascii: "."))
            var interactionColumns = InteractionColumns()
            interactionColumns.customerID = "Kunde"; interactionColumns.interactionDate = "Wann"; interactionColumns.channel = "Kanal"
            interactionColumns.kind = "Art"; interactionColumns.satisfaction = "Zufriedenheit"; interactionColumns.recommend = "Empfehlung"
            interactionColumns.satisfactionScale = 0...10
            interactionColumns.recommendScale = 1.5...7
            #expect(config.interactionColumns == interactionColumns)

            #expect(config.out == folder.path + "/reports/nightly")
            #expect(config.asOf == CalendarDay(iso: "2026-01-01"))
            #expect(config.calibrationEnd == CalendarDay(iso: "2025-06-30"))
            #expect(config.ingest.onBadRow == .skip)
            #expect(config.ingest.maxRejectShare == 0.05)
            #expect(config.seed == 7)
            #expect(config.threads == 3)
            #expect(config.quiet)
            #expect(config.format == .json)
            #expect(config.rawCSV)

            #expect(config.rfm.ties == .split)
            #expect(config.rfm.quantiles == 3)
            #expect(config.rfm.monetary == .mean)
            #expect(config.rfm.margin == 0.3)
            #expect(config.rfm.segments == (try SegmentMap(rows: [["Low", "Low", "Mid"], ["Low", "Mid", "High"], ["Mid", "High", "High"]])))
            #expect(config.clusters.features.features == [.tenureDays, .repeatRate, .meanOrderValue])
            #expect(config.clusters.features.transform == .none)
            #expect(config.churn.extraFeatures == [.meanOrderValue, .supportContacts])
            #expect(!config.satisfaction.enabled)
            #expect(config.satisfaction.satisfiedAtLeast == 9)
            let analysis = config.satisfaction.resolved(scale: config.interactionColumns.satisfactionScale)
            #expect(analysis.matrix.satisfiedAtLeast == 9 && analysis.matrix.loyalAtLeast == 3)
            #expect(analysis.matrix.promoterAtLeast == 10 && analysis.matrix.detractorAtMost == 5)
            #expect(!analysis.correlation.includeKendall && analysis.correlation.confidenceLevel == 0.9)
            #expect(throws: Never.self) { try config.validate() }
        }
    }

    @Test("without satisfied_at_least, satisfied means three quarters up the CSAT scale: 4 on 1–5, 7.5 on 0–10")
    func satisfiedDefault() {
        let settings = SatisfactionSettings()
        #expect(settings.resolved(scale: 1...5).matrix.satisfiedAtLeast == 4)
        #expect(settings.resolved(scale: 0...10).matrix.satisfiedAtLeast == 7.5)
    }

    @Test("an unknown key is an error that names it and lists the known ones (exit 64)", arguments: JobFileErrorCase.unknownKeys)
    func unknownKey(c: JobFileErrorCase) throws {
        try withIngestFolder { folder in
            let path = try folder.write("job.toml", c.toml)
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: path).apply(to: JobConfiguration()) }
            #expect(error == .jobFile(path: path, line: nil, column: nil, reason: c.reason))
            #expect(error?.description == "\(path): \(c.reason)")
            #expect(error?.exitStatus == .usage)
            #expect(error?.exitStatus.rawValue == 64)
        }
    }

    @Test("a bad value is an error that names the key and says what to write (exit 64)", arguments: JobFileErrorCase.badValues)
    func badValue(c: JobFileErrorCase) throws {
        try withIngestFolder { folder in
            let path = try folder.write("job.toml", c.toml)
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: path).apply(to: JobConfiguration()) }
            #expect(error?.description == "\(path): \(c.reason)")
            #expect(error?.exitStatus == .usage)
        }
    }

    @Test("a TOML syntax error names the line (exit 64); a missing job file is an input error (exit 66)")
    func syntaxError() throws {
        try withIngestFolder { folder in
            let path = try folder.write("job.toml", "[run]\nseed = 7\nout = \n")
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: path).apply(to: JobConfiguration()) }
            guard case .jobFile(let p, let line, _, _) = error else { Issue.record("expected .jobFile, got \(String(describing: error))"); return }
            #expect(p == path)
            #expect(line == 3)
            #expect(error?.description.hasPrefix("\(path):3:") == true)
            #expect(error?.exitStatus == .usage)

            let missing = folder.join("missing.toml")
            let noFile = #expect(throws: ConfigurationError.self) { try JobFile(path: missing).apply(to: JobConfiguration()) }
            #expect(noFile?.description.hasPrefix("\(missing): no such file") == true)
            #expect(noFile?.exitStatus == .noInput)
        }
    }

    @Test("the job file overrides the base only where it sets a key; flags then override the job file")
    func layering() throws {
        try withIngestFolder { folder in
            let path = try folder.write("job.toml", """
                [transactions]
                path = "t.csv"
                delimiter = ";"
                [run]
                out = "/reports/job"
                on_bad_row = "skip"
                threads = 1

                """)
            var base = JobConfiguration()
            base.seed = 99
            base.out = "/reports/base"
            base.rfm.margin = 0.5
            var config = try JobFile(path: path).apply(to: base)
            #expect(config.seed == 99)
            #expect(config.rfm.margin == 0.5)
            #expect(config.out == "/reports/job")
            #expect(config.ingest.onBadRow == .skip)
            #expect(config.ingest.maxRejectShare == IngestOptions().maxRejectShare)

            // The flags, applied the way `clientele run` applies them after the job file.
            config.out = "/reports/flag"
            config.ingest.onBadRow = .fail
            let fromFile = try #require(config.transactions)
            config.transactions = CSVSource(path: "/elsewhere/t.csv", dialect: fromFile.dialect, dateFormat: fromFile.dateFormat,
                                            decimalSeparator: fromFile.decimalSeparator)
            #expect(config.out == "/reports/flag")
            #expect(config.ingest.onBadRow == .fail)
            #expect(config.threads == 1)
            #expect(config.transactions?.path == "/elsewhere/t.csv")
            #expect(config.transactions?.dialect.delimiter == UInt8(ascii: ";"))

            // A second job file on top keeps what the first set and it does not.
            let second = try folder.write("second.toml", "[transactions]\ndecimal = \",\"\n")
            let layered = try JobFile(path: second).apply(to: try JobFile(path: path).apply(to: base))
            #expect(layered.transactions?.path == folder.path + "/t.csv")
            #expect(layered.transactions?.dialect.delimiter == UInt8(ascii: ";"))
            #expect(layered.transactions?.decimalSeparator == UInt8(ascii: ","))
        }
    }

    @Test("relative paths resolve against the job file's folder; absolute paths stay as written")
    func relativePaths() throws {
        try withIngestFolder { folder in
            try FileManager.default.createDirectory(atPath: folder.join("jobs"), withIntermediateDirectories: true)
            let path = try folder.write("jobs/nightly.toml", """
                [transactions]
                path = "../exports/t.csv"
                [interactions]
                path = "/abs/i.csv"
                [run]
                out = "out/report"

                """)
            let config = try JobFile(path: path).apply(to: JobConfiguration())
            #expect(config.transactions?.path == folder.path + "/jobs/../exports/t.csv")
            #expect(config.interactions?.path == "/abs/i.csv")
            #expect(config.out == folder.path + "/jobs/out/report")
            #expect(Clientele.folder(of: "nightly.toml") == "")
            #expect(Clientele.folder(of: "jobs/nightly.toml") == "jobs")
            #expect(Clientele.folder(of: "/etc/clientele/nightly.toml") == "/etc/clientele")
        }
    }

    @Test("the fixture job file describes the European fixture export, which then loads")
    func europeanFixture() throws {
        let config = try JobFile(path: ingestFixture("csv/european.toml")).apply(to: JobConfiguration())
        let source = try #require(config.transactions)
        #expect(source.path == ingestFixture("csv/european.csv"))
        let loaded = try TransactionLoader(source: source, columns: config.transactionColumns, options: ingestOptions()).load()
        let summaries = ingestSummaries(loaded)
        #expect(loaded.hasOrderID)
        #expect(summaries.keys.map { String(decoding: $0, as: UTF8.self) }.sorted() == ["K-001", "K-002", "Müller; Söhne"])
        #expect(summaries[Array("K-001".utf8)] == IngestCustomerSummary(orders: 2, netCents: 2_998 + 1_250 - 1_250, firstDay: ingestDay("2024-03-05"),
                                                                         lastDay: ingestDay("2024-04-01"), lines: 3))
        #expect(summaries[Array("K-002".utf8)]?.netCents == 100_000)
        #expect(summaries[Array("Müller; Söhne".utf8)]?.netCents == 4_200)
        #expect(loaded.lastDay == CalendarDay(iso: "2024-04-02"))
    }
}
