import Foundation
import Testing
@testable import Clientele

/// Fixtures/correlation: 400 generated survey customers with many ties and blanks, and
/// scipy 1.17.1's statistics for every pair and segment (Benchmarks/correlation/correlation_reference.py).
enum CorrelationReference {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/correlation")

    /// Columns of survey-400.csv by name (blank = NaN), and the segment labels.
    static func survey() throws -> (columns: [String: [Double]], segment: [Int32]) {
        let text = try String(contentsOf: directory.appendingPathComponent("survey-400.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        var columns = [String: [Double]]()
        var segment: [Int32] = []
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (name, cell) in zip(header, cells) where name != "segment" {
                columns[name, default: []].append(cell.isEmpty ? .nan : Double(cell)!)
            }
            segment.append(Int32(cells[header.firstIndex(of: "segment")!])!)
        }
        return (columns, segment)
    }

    static func json() throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("scipy_reference.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func number(_ entry: [String: Any], _ key: String) -> Double? { (entry[key] as? NSNumber)?.doubleValue }
}

/// |a − b| ≤ relative × |b|, or both tiny.
func correlationClose(_ a: Double, _ b: Double, relative: Double) -> Bool {
    abs(a - b) <= relative * abs(b) || abs(a - b) < 1e-300
}

@Suite("Correlation against scipy.stats")
struct CorrelationScipyTests {
    static let x = ["satisfaction", "recommend", "complaints", "constant"]
    static let y = ["frequency", "tenure_days", "clv", "distinct"]

    func runAll() throws -> (CorrelationResult, [[String: Any]]) {
        let (columns, segment) = try CorrelationReference.survey()
        let groups = CorrelationGroups(labels: segment, names: ["segment-0", "segment-1", "segment-2", "segment-3"])
        let result = try Correlation().run(x: Self.x.map { CorrelationVariable(name: $0, values: columns[$0]!) },
                                           y: Self.y.map { CorrelationVariable(name: $0, values: columns[$0]!) }, groups: groups)
        return (result, try CorrelationReference.json()["pairs"] as! [[String: Any]])
    }

    @Test("r, rho and tau-b equal scipy to 1e-10 and p-values to 1e-8 relative on every defined pair and segment")
    func definedPairsMatch() throws {
        let (result, reference) = try runAll()
        var checked = 0
        for entry in reference {
            let group = entry["group"] as! String, x = entry["x"] as! String, y = entry["y"] as! String
            let pair = try #require(result.pair(x: x, y: y, group: group))
            #expect(pair.n == (entry["n"] as! NSNumber).intValue, "\(group) \(x)×\(y) n")
            guard let p = pair.pearson.value else { continue }
            let s = try #require(pair.spearman.value), k = try #require(pair.kendall.value)
            let ref = { CorrelationReference.number(entry, $0)! }
            #expect(abs(p.r - ref("pearson_r")) <= 1e-10, "\(group) \(x)×\(y) r")
            #expect(correlationClose(p.pValue, ref("pearson_p"), relative: 1e-8), "\(group) \(x)×\(y) pearson p \(p.pValue) vs \(ref("pearson_p"))")
            #expect(abs(p.confidenceLow - ref("pearson_ci_low")) <= 1e-10 && abs(p.confidenceHigh - ref("pearson_ci_high")) <= 1e-10)
            #expect(abs(s.rho - ref("spearman_rho")) <= 1e-10, "\(group) \(x)×\(y) rho")
            #expect(correlationClose(s.pValue, ref("spearman_p"), relative: 1e-8), "\(group) \(x)×\(y) spearman p \(s.pValue) vs \(ref("spearman_p"))")
            #expect(abs(k.tauB - ref("kendall_tau_b")) <= 1e-10, "\(group) \(x)×\(y) tau")
            #expect(correlationClose(k.pValue, ref("kendall_p"), relative: 1e-8), "\(group) \(x)×\(y) kendall p \(k.pValue) vs \(ref("kendall_p"))")
            checked += 1
        }
        #expect(checked >= 40)
    }

    @Test("a constant column and a two-customer segment are reported as not defined, where scipy gives NaN or r = ±1")
    func undefinedPairs() throws {
        let (result, reference) = try runAll()
        for entry in reference {
            let group = entry["group"] as! String, x = entry["x"] as! String, y = entry["y"] as! String
            let pair = try #require(result.pair(x: x, y: y, group: group))
            if x == "constant" && pair.n >= 3 {
                #expect(pair.pearson == .notDefined(.constant(variable: "constant", value: 3)))
                #expect(CorrelationReference.number(entry, "pearson_r") == nil)  // scipy: NaN
            }
            if group == "segment-3" {
                #expect(pair.n <= 2)
                #expect(pair.pearson.reason == .tooFewPairs(n: pair.n, minimum: 3))
                #expect(pair.kendall.value == nil && pair.spearman.value == nil)
            }
        }
        #expect(NotDefined.tooFewPairs(n: 2, minimum: 3).description == "not defined: n=2 complete pairs, needs at least 3")
    }

    @Test("Kendall's exact p-value (no ties, n ≤ 33 or C·D ≤ 1) and the asymptotic one equal scipy's")
    func exactKendall() throws {
        let (columns, _) = try CorrelationReference.survey()
        let exact = try CorrelationReference.json()["exact_kendall"] as! [[String: Any]]
        for entry in exact {
            let rows = (entry["rows"] as! NSNumber).intValue
            let xs: [Double], ys: [Double]
            if entry["x"] as! String == "arange" {
                xs = (0..<rows).map(Double.init); ys = xs.map { -$0 * $0 * $0 }
            } else {
                xs = Array(columns[entry["x"] as! String]!.prefix(rows)); ys = Array(columns[entry["y"] as! String]!.prefix(rows))
            }
            let auto = try #require(KendallTauB.estimate(x: xs, y: ys).value)
            let asymptotic = try #require(KendallTauB.estimate(x: xs, y: ys, method: .asymptotic).value)
            #expect(abs(auto.tauB - CorrelationReference.number(entry, "kendall_tau_b")!) <= 1e-12)
            #expect(correlationClose(auto.pValue, CorrelationReference.number(entry, "kendall_p")!, relative: 1e-8),
                    "n=\(rows): \(auto.pValue) vs \(CorrelationReference.number(entry, "kendall_p")!)")
            #expect(correlationClose(asymptotic.pValue, CorrelationReference.number(entry, "kendall_p_asymptotic")!, relative: 1e-8))
            #expect(auto.method == (rows <= 33 || abs(auto.tauB) == 1 ? .exact : .asymptotic))
        }
    }

    @Test("the BLAS Pearson matrix equals the one-pair coefficient on pairwise-complete rows")
    func matrixEqualsPairwise() throws {
        let (columns, _) = try CorrelationReference.survey()
        let xs = Self.x.dropLast().map { columns[$0]! }, ys = Self.y.map { columns[$0]! }
        let matrix = PearsonMatrix(x: Array(xs), y: ys)
        for (i, x) in xs.enumerated() {
            for (j, y) in ys.enumerated() {
                let keep = x.indices.filter { !x[$0].isNaN && !y[$0].isNaN }
                let r = PearsonTest.coefficient(x: keep.map { x[$0] }, y: keep.map { y[$0] })
                #expect(abs(matrix.r[i * ys.count + j] - r) <= 1e-12)
                #expect(matrix.n[i * ys.count + j] == keep.count)
            }
        }
    }
}
