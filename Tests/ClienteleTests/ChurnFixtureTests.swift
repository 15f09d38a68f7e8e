import Foundation
import Testing
@testable import Clientele

// Shared helpers of the Churn* suites (names start with `churn`/`Churn`), and the suite that pins
// the committed design matrix Fixtures/churn/design.csv to the library's feature builder.
//
// Fixtures/churn/design.csv is written by this file when CHURN_WRITE_FIXTURES=1:
//   CHURN_WRITE_FIXTURES=1 swift test --scratch-path .build-churn --filter ChurnDesignFixtureTests
// then Benchmarks/churn/churn_reference.py computes Fixtures/churn/reference.json from it.

/// A generated population loaded through the real loaders: orders, interactions, customer index.
struct ChurnGenerated: Sendable {
    let population: SyntheticPopulation
    let transactions: TransactionLoader.Loaded
    let interactions: InteractionTable

    var input: ChurnInput { ChurnInput(orders: transactions.orders, interactions: interactions, customers: transactions.customers) }
    var features: ChurnFeatures { ChurnFeatures(calibrationEnd: population.calibrationEnd, asOf: population.asOf) }

    init(customers: Int, seed: UInt64) throws {
        population = SyntheticPopulation(customers: customers, seed: seed)
        let files = try population.render()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-churn-\(customers)-\(seed)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let transactionsPath = folder.appendingPathComponent("transactions.csv").path
        let interactionsPath = folder.appendingPathComponent("interactions.csv").path
        try Data(files.transactions).write(to: URL(fileURLWithPath: transactionsPath))
        try Data(files.interactions).write(to: URL(fileURLWithPath: interactionsPath))
        transactions = try TransactionLoader(source: CSVSource(path: transactionsPath)).load()
        interactions = try InteractionLoader(source: CSVSource(path: interactionsPath)).load(customers: transactions.customers).table
    }

    /// 3,000 customers, seed 2026: the population behind Fixtures/churn/design.csv.
    static let fixture = Result { try ChurnGenerated(customers: 3_000, seed: 2026) }
    /// 20,000 customers, seed 7: the "beats the baseline" population.
    static let large = Result { try ChurnGenerated(customers: 20_000, seed: 7) }
}

/// A file under Fixtures/churn (found from this source file).
func churnFixturePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/churn/" + name).path
}

/// The probe score of design.csv: σ((recency − 200) / 60) rounded to a multiple of 0.05, so it has
/// heavy ties and exact 0 and 1 (clipped by log loss).
func churnProbe(recency: Double) -> Double {
    let s = 1 / (1 + exp(-(recency - 200) / 60))
    let stretched = min(1, max(0, (s * 20).rounded() / 20 * 1.25 - 0.1))
    return (stretched * 100).rounded() / 100
}

/// The design-matrix CSV of a dataset: one labelled customer a row, with its split side and label.
func churnDesignCSV(_ dataset: ChurnDataset, isTest: [Bool], customers: CustomerIndex) -> String {
    var out = "customer_id,split,churned," + dataset.featureNames.joined(separator: ",") + ",probe\n"
    let x = dataset.labelled
    let recency = x.names.firstIndex(of: ChurnFeatures.recencyName)!
    for row in 0..<x.rows {
        var fields = [customers.customerID(dataset.labelledCustomers[row]), isTest[row] ? "test" : "train", dataset.churned[row] ? "1" : "0"]
        for j in 0..<x.columns {
            let v = x[row, j]
            if x.names[j] == ChurnFeatures.monetaryName {
                fields.append(String(format: "%.2f", v))
            } else if v == v.rounded(), abs(v) < 1e15 {
                fields.append(String(Int64(v)))
            } else {
                fields.append("\(v)")
            }
        }
        fields.append("\(churnProbe(recency: x[row, recency]))")
        out += fields.joined(separator: ",") + "\n"
    }
    return out
}

/// Fixtures/churn/design.csv parsed: split, labels, features and the probe column.
struct ChurnDesignFixture: Sendable {
    let customerIDs: [String]
    let isTest: [Bool]
    let churned: [Bool]
    let features: ChurnFeatureMatrix
    let probe: [Double]

    static let shared = Result { try ChurnDesignFixture(path: churnFixturePath("design.csv")) }

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let featureNames = Array(header[3..<(header.count - 1)])
        var ids: [String] = [], test: [Bool] = [], churned: [Bool] = [], values: [Double] = [], probe: [Double] = []
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            ids.append(f[0])
            test.append(f[1] == "test")
            churned.append(f[2] == "1")
            for j in 3..<(f.count - 1) { values.append(Double(f[j])!) }
            probe.append(Double(f[f.count - 1])!)
        }
        customerIDs = ids
        isTest = test
        self.churned = churned
        features = try ChurnFeatureMatrix(names: featureNames, rows: ids.count, values: values)
        self.probe = probe
    }

    func rows(test: Bool) -> [Int] { isTest.indices.filter { isTest[$0] == test } }
}

/// The generated dataset and split behind the design fixture.
func churnFixtureDataset() throws -> (ChurnGenerated, ChurnDataset, [Bool]) {
    let generated = try ChurnGenerated.fixture.get()
    let dataset = try generated.features.run(orders: generated.transactions.orders, interactions: generated.interactions)
    let isTest = ChurnSplit().testFlags(for: dataset.labelledCustomers, in: generated.transactions.customers)
    return (generated, dataset, isTest)
}

@Suite("Churn design fixture")
struct ChurnDesignFixtureTests {
    @Test("the committed design matrix is what ChurnFeatures and ChurnSplit build from the generated population")
    func designMatchesLibrary() throws {
        let (generated, dataset, isTest) = try churnFixtureDataset()
        let csv = churnDesignCSV(dataset, isTest: isTest, customers: generated.transactions.customers)
        let path = churnFixturePath("design.csv")
        if ProcessInfo.processInfo.environment["CHURN_WRITE_FIXTURES"] == "1" {
            try csv.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(committed == csv)
        #expect(dataset.labelled.rows == 3_000 || dataset.labelled.rows > 2_900)
    }

    @Test("the fixture has both classes on both sides of the split and about 30 % test rows")
    func fixtureShape() throws {
        let fixture = try ChurnDesignFixture.shared.get()
        let test = fixture.rows(test: true), train = fixture.rows(test: false)
        #expect(Double(test.count) / Double(fixture.isTest.count) > 0.27)
        #expect(Double(test.count) / Double(fixture.isTest.count) < 0.33)
        for rows in [test, train] {
            let churners = rows.filter { fixture.churned[$0] }.count
            #expect(churners > 0 && churners < rows.count)
        }
        #expect(fixture.features.names == ChurnFeatures.defaultNames)
        #expect(fixture.probe.contains(0) && fixture.probe.contains(1))
    }
}
