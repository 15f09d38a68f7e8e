import Foundation
import Testing
@testable import Clientele

/// A number key of the job file, with a section to put it in.
struct NumberKeyCase: Sendable, CustomTestStringConvertible {
    var section: String
    var key: String
    var value: String
    var testDescription: String { "\(section).\(key) = \(value)" }

    static let keys: [(String, String)] = [
        ("run", "max_reject_share"), ("rfm", "margin"), ("churn", "test_share"),
        ("satisfaction", "satisfied_at_least"), ("satisfaction", "loyal_at_least"), ("satisfaction", "promoter_at_least"),
        ("satisfaction", "detractor_at_most"), ("satisfaction", "confidence_level"), ("clv", "monthly_discount_rate"),
    ]
    static let all: [NumberKeyCase] = keys.flatMap { section, key in
        ["nan", "inf", "-inf", "+inf"].map { NumberKeyCase(section: section, key: key, value: $0) }
    }
}

@Suite("Settings: every number is finite, checked before any file is read (exit 64)")
struct ContractNonFiniteSettingsTests {
    @Test("nan, inf and -inf in any number key of the job file are refused with the key named", arguments: NumberKeyCase.all)
    func jobFileNumber(c: NumberKeyCase) throws {
        try withIngestFolder { folder in
            let path = try folder.write("job.toml", "[\(c.section)]\n\(c.key) = \(c.value)\n")
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: path).apply(to: JobConfiguration()) }
            let shown = c.value == "+inf" ? "inf" : c.value
            #expect(error?.description == "\(path): \(c.section).\(c.key) = \(shown): must be a finite number")
            #expect(error?.exitStatus == .usage)
        }
    }

    @Test("a scale with an infinite bound is refused with the key named", arguments: [
        "satisfaction_scale = [1, inf]", "satisfaction_scale = [-inf, 5]", "recommend_scale = [0, inf]",
    ])
    func jobFileScale(line: String) throws {
        try withIngestFolder { folder in
            let path = try folder.write("job.toml", "[interactions]\n\(line)\n")
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: path).apply(to: JobConfiguration()) }
            let key = String(line.prefix { $0 != " " })
            #expect(error?.description.hasPrefix("\(path): interactions.\(key) = [") == true, "\(String(describing: error))")
            #expect(error?.description.hasSuffix("the bounds must be finite numbers, e.g. [1, 5]") == true)
        }
    }

    /// Settings that reach the configuration without the job file (flags, a program using the
    /// library): `validate()` refuses them, naming the job-file key.
    static let configured: [(String, @Sendable (inout JobConfiguration) -> Void)] = [
        ("satisfaction.satisfied_at_least = nan", { $0.satisfaction.satisfiedAtLeast = .nan }),
        ("satisfaction.satisfied_at_least = inf", { $0.satisfaction.analysis.matrix.satisfiedAtLeast = .infinity }),
        ("satisfaction.loyal_at_least = -inf", { $0.satisfaction.analysis.matrix.loyalAtLeast = -.infinity }),
        ("satisfaction.promoter_at_least = nan", { $0.satisfaction.analysis.matrix.promoterAtLeast = .nan }),
        ("satisfaction.detractor_at_most = nan", { $0.satisfaction.analysis.matrix.detractorAtMost = .nan }),
        ("satisfaction.confidence_level = nan", { $0.satisfaction.analysis.correlation.confidenceLevel = .nan }),
        ("churn.test_share = nan", { $0.churn.testShare = .nan }),
        ("clv.monthly_discount_rate = nan", { $0.clv.model.forecast.monthlyDiscountRate = .nan }),
        ("interactions.satisfaction_scale = [1.0, inf]", { $0.interactionColumns.satisfactionScale = 1...Double.infinity }),
        ("max-reject-share = nan", { $0.ingest.maxRejectShare = .nan }),
        ("margin = nan", { $0.rfm.margin = .nan }),
    ]

    @Test("validate() refuses a non-finite number set without the job file, naming the key")
    func validateNumbers() {
        for (prefix, edit) in Self.configured {
            var config = JobConfiguration()
            config.transactions = CSVSource(path: "t.csv")
            edit(&config)
            let error = #expect(throws: ConfigurationError.self, "\(prefix)") { try config.validate() }
            #expect(error?.description.hasPrefix(prefix) == true, "\(String(describing: error))")
            #expect(error?.exitStatus == .usage)
        }
        var config = JobConfiguration()
        config.transactions = CSVSource(path: "t.csv")
        #expect(throws: Never.self) { try config.validate() }
    }

    @Test("clientele run with satisfied_at_least = nan exits 64 with one error line, before writing anything")
    func cliThreshold() throws {
        try withScratch { scratch in
            try scratch.write("job.toml", """
                [transactions]
                path = "\(Package.fixture("rfm/transactions.csv"))"
                [satisfaction]
                satisfied_at_least = nan
                """)
            let r = try CLI.run(["run", "job.toml", "--out", "report"], in: scratch.path)
            #expect(r.status == 64)
            #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)")
            #expect(r.stderr.hasPrefix("error: job.toml: satisfaction.satisfied_at_least = nan: must be a finite number"), "stderr: \(r.stderr)")
            #expect(try entries(scratch.path) == ["job.toml"])
        }
    }

    @Test("the number flags refuse nan and inf with exit 64", arguments: [
        ["--margin", "nan"], ["--margin", "inf"], ["--max-reject-share", "nan"], ["--max-reject-share=-inf"],
    ])
    func cliFlags(flags: [String]) throws {
        try withScratch { scratch in
            let r = try CLI.run(["run", "--transactions", Package.fixture("rfm/transactions.csv"), "--out", "report"] + flags, in: scratch.path)
            #expect(r.status == 64)
            #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)")
            let name = flags[0].dropFirst(2).prefix { $0 != "=" }
            #expect(r.stderr.hasPrefix("error: \(name) = "), "stderr: \(r.stderr)")
            #expect(try entries(scratch.path).isEmpty)
        }
    }
}
