// churn-bench: the Swift side of Benchmarks/churn/bench_churn.sh.
//
//   churn-bench generate --customers N --seed S [--row-order date|customer] --out DIR
//   churn-bench design --data DIR --out design.csv [--split-seed 1] [--test-share 0.3]
//   churn-bench fit design.csv [--repeat 5]
//
// `design` loads the generated files with the real loaders, derives label and features
// (ChurnFeatures, dates from DIR/parameters.json), splits by ChurnSplit and writes the design matrix
// in the layout of Fixtures/churn/design.csv; it also times the whole kernel (model, baseline,
// evaluation, scoring). `fit` reads a design matrix and times LogisticRegression.fit on its
// training rows (standardisation, Newton iterations, covariance) `repeat` times. Both print one
// JSON object on stdout.
import Clientele
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Clock {
    let wall = DispatchTime.now().uptimeNanoseconds
    let cpu = Clock.cpuSeconds()

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    var elapsed: (wall: Double, cpu: Double) {
        (Double(DispatchTime.now().uptimeNanoseconds - wall) / 1e9, Clock.cpuSeconds() - cpu)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("churn-bench: " + message + "\n").utf8))
    exit(64)
}

func option(_ name: String, in args: [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func printJSON(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
    print(String(decoding: data, as: UTF8.self))
}

func day(_ text: String) -> CalendarDay {
    guard let d = CalendarDay(iso: text) else { fail("bad date \(text)") }
    return d
}

/// The design matrix CSV: customer_id, split, churned, features (monetary with 2 decimals).
func designCSV(_ dataset: ChurnDataset, isTest: [Bool], customers: CustomerIndex) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(dataset.labelled.rows * 64)
    out += Array(("customer_id,split,churned," + dataset.featureNames.joined(separator: ",") + "\n").utf8)
    let x = dataset.labelled
    let monetary = x.names.firstIndex(of: ChurnFeatures.monetaryName)
    for row in 0..<x.rows {
        customers.withKey(dataset.labelledCustomers[row]) { out += $0 }
        out += Array((isTest[row] ? ",test," : ",train,").utf8)
        out.append(dataset.churned[row] ? 49 : 48)
        for j in 0..<x.columns {
            let v = x[row, j]
            out.append(44)
            if j == monetary {
                out += Array(String(format: "%.2f", v).utf8)
            } else if v == v.rounded(), abs(v) < 1e15 {
                out += Array(String(Int64(v)).utf8)
            } else {
                out += Array("\(v)".utf8)
            }
        }
        out.append(10)
    }
    return out
}

/// Parses a design CSV into features, labels and split flags.
func readDesign(_ path: String) -> (ChurnFeatureMatrix, [Bool], [Bool]) {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    let bytes = [UInt8](data)
    var lines = bytes.split(separator: 10, omittingEmptySubsequences: true)
    let header = String(decoding: lines.removeFirst(), as: UTF8.self).split(separator: ",").map(String.init)
    let names = Array(header[3...]).filter { $0 != "probe" }
    let width = names.count
    var values = [Double](), labels = [Bool](), test = [Bool]()
    values.reserveCapacity(lines.count * width)
    for line in lines {
        let fields = line.split(separator: 44, omittingEmptySubsequences: false)
        test.append(fields[1].first == UInt8(ascii: "t") && fields[1].count == 4)
        labels.append(fields[2].first == 49)
        for j in 0..<width {
            guard let v = Double(String(decoding: fields[3 + j], as: UTF8.self)) else { fail("bad number in \(path)") }
            values.append(v)
        }
    }
    return (try! ChurnFeatureMatrix(names: names, rows: labels.count, values: values), labels, test)
}

let args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else { fail("usage: churn-bench generate|design|fit …") }

switch command {
case "generate":
    guard let n = option("--customers", in: args).flatMap(Int.init), let seed = option("--seed", in: args).flatMap(UInt64.init),
          let out = option("--out", in: args) else { fail("generate --customers N --seed S --out DIR") }
    guard let rowOrder = SyntheticRowOrder(rawValue: option("--row-order", in: args) ?? "date") else {
        fail("generate --row-order date|customer")
    }
    let clock = Clock()
    _ = try SyntheticPopulation(customers: n, seed: seed, rowOrder: rowOrder).write(to: URL(fileURLWithPath: out))
    printJSON(["generate_seconds": clock.elapsed.wall])

case "design":
    guard let data = option("--data", in: args), let out = option("--out", in: args) else { fail("design --data DIR --out FILE") }
    let parameters = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: data + "/parameters.json"))) as! [String: Any]
    let end = day(parameters["calibration_end"] as! String), asOf = day(parameters["as_of"] as! String)
    let split = ChurnSplit(testShare: Double(option("--test-share", in: args) ?? "0.3")!, seed: UInt64(option("--split-seed", in: args) ?? "1")!)
    let loadClock = Clock()
    var options = IngestOptions()
    options.lanes = ProcessInfo.processInfo.activeProcessorCount
    let transactions = try TransactionLoader(source: CSVSource(path: data + "/transactions.csv"), options: options).load()
    let interactions = try InteractionLoader(source: CSVSource(path: data + "/interactions.csv"), options: options).load(customers: transactions.customers).table
    let load = loadClock.elapsed
    let featureClock = Clock()
    let features = ChurnFeatures(calibrationEnd: end, asOf: asOf)
    let dataset = try features.run(orders: transactions.orders, interactions: interactions)
    let isTest = split.testFlags(for: dataset.labelledCustomers, in: transactions.customers)
    let featureTime = featureClock.elapsed
    let kernelClock = Clock()
    let fit = try Churn(features: features, split: split).fit(dataset, isTest: isTest)
    let kernel = kernelClock.elapsed
    let rankClock = Clock()
    let values = (0..<transactions.customers.count).map { Double($0 % 1000) }
    let ranking = try fit.scores.riskRanking(values: values)
    let rank = rankClock.elapsed
    try Data(designCSV(dataset, isTest: isTest, customers: transactions.customers)).write(to: URL(fileURLWithPath: out))
    printJSON([
        "customers": transactions.customers.count, "labelled": dataset.labelled.rows, "current": dataset.current.rows,
        "train_rows": fit.trainingRows, "test_rows": fit.testRows, "churn_rate": Double(dataset.churners) / Double(dataset.labelled.rows),
        "load_seconds": load.wall, "features_seconds": featureTime.wall, "features_cpu_seconds": featureTime.cpu,
        "kernel_seconds": kernel.wall, "kernel_cpu_seconds": kernel.cpu, "ranking_seconds": rank.wall, "ranked": ranking.count,
        "test_auc": fit.evaluation.auc, "baseline_test_auc": fit.baselineEvaluation?.auc ?? 0,
        "test_log_loss": fit.evaluation.logLoss, "baseline_test_log_loss": fit.baselineEvaluation?.logLoss ?? 0,
        "test_brier": fit.evaluation.brierScore, "baseline_test_brier": fit.baselineEvaluation?.brierScore ?? 0,
        "iterations": fit.model.iterations, "features": dataset.featureNames, "warnings": fit.warnings,
    ])

case "fit":
    guard args.count >= 2 else { fail("fit design.csv [--repeat R]") }
    let repeats = Int(option("--repeat", in: args) ?? "5")!
    let (x, labels, test) = readDesign(args[1])
    let train = test.indices.filter { !test[$0] }, held = test.indices.filter { test[$0] }
    let trainX = x.selecting(rows: train), testX = x.selecting(rows: held)
    let trainY = train.map { labels[$0] }, testY = held.map { labels[$0] }
    var walls: [Double] = [], cpus: [Double] = []
    var fit: LogisticRegressionFit? = nil
    for _ in 0..<repeats {
        let clock = Clock()
        fit = try LogisticRegression().fit(trainX, labels: trainY)
        let t = clock.elapsed
        walls.append(t.wall)
        cpus.append(t.cpu)
    }
    let model = fit!
    let evalClock = Clock()
    let evaluation = try ChurnEvaluation(labels: testY, probabilities: model.probabilities(testX), baseRate: Double(model.positives) / Double(model.rows))
    let evalTime = evalClock.elapsed
    printJSON([
        "rows": x.rows, "train_rows": trainX.rows, "test_rows": testX.rows, "features": x.names,
        "fit_seconds": walls, "fit_cpu_seconds": cpus, "evaluate_seconds": evalTime.wall,
        "iterations": model.iterations, "converged": model.converged, "coefficients": model.coefficients,
        "standard_errors": model.standardErrors, "log_likelihood": model.logLikelihood,
        "auc": evaluation.auc, "log_loss": evaluation.logLoss, "brier": evaluation.brierScore,
        "threads": ProcessInfo.processInfo.activeProcessorCount, "warnings": model.warnings,
    ])

default:
    fail("unknown command \(command); use generate, design or fit")
}
