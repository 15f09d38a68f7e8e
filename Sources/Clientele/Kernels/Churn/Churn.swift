import ClienteleSupport
import ClienteleStore

/// Churn early warning (docs/definitions.md, "Churn"): label and features, a deterministic
/// train/test split, a logistic regression fitted on the training rows, an honest evaluation on
/// the test rows beside a recency-only baseline, and every current customer scored.
///
/// ```swift
/// let churn = Churn(features: ChurnFeatures(calibrationEnd: e, asOf: a))
/// let fit = try churn.fit(ChurnInput(orders: loaded.orders, interactions: interactions.table,
///                                    customers: loaded.customers))
/// fit.model.terms              // churn_model.csv
/// fit.evaluation.auc           // vs fit.baselineEvaluation?.auc
/// try fit.scores.riskRanking(values: clv)   // churn_risk.csv
/// ```
///
/// The initialiser only stores settings; `fit` validates them and the data.
public struct Churn: Sendable {
    /// Label and feature definitions, dates and extra columns.
    public var features: ChurnFeatures
    /// The estimator (penalty, iterations, threads); the baseline uses the same settings.
    public var regression: LogisticRegression
    /// The train/test split (test share 0.3, seed 1 by default).
    public var split: ChurnSplit
    /// Most points kept on each ROC curve (≥ 2). Default 201.
    public var rocPointLimit: Int
    /// The ROC chart's default number of points.
    public static let defaultROCPointLimit = 201

    public init(features: ChurnFeatures, regression: LogisticRegression = LogisticRegression(),
                split: ChurnSplit = ChurnSplit(), rocPointLimit: Int = Churn.defaultROCPointLimit) {
        self.features = features
        self.regression = regression
        self.split = split
        self.rocPointLimit = rocPointLimit
    }

    /// The name of the baseline's only feature.
    public static let baselineFeature = ChurnFeatures.recencyName

    /// Builds the dataset, splits it, fits the model and the recency-only baseline on the training
    /// rows, evaluates both on the test rows, and scores every current customer.
    ///
    /// A baseline that cannot be fitted (e.g. recency alone separates the classes) is left out
    /// with a note; the model's own errors are thrown.
    /// - Throws: `ChurnError` (see its exit statuses): settings (64), data that cannot support
    ///   the model or its evaluation (65), wrong-length inputs (70).
    public func fit(_ input: ChurnInput) throws(ChurnError) -> ChurnFit {
        try split.validate()
        try regression.validate()
        guard rocPointLimit >= 2 else { throw .invalidSetting(name: "rocPointLimit", value: "\(rocPointLimit)", requirement: "should be >= 2") }
        guard input.customers.count == input.orders.customerCount else {
            throw .lengthMismatch(name: "customer index", count: input.customers.count, expected: input.orders.customerCount)
        }
        let dataset = try features.run(orders: input.orders, interactions: input.interactions)
        let isTest = split.testFlags(for: dataset.labelledCustomers, in: input.customers)
        return try fit(dataset, isTest: isTest)
    }

    /// The same from a dataset and a test flag per labelled row (for callers that build either
    /// themselves).
    public func fit(_ dataset: ChurnDataset, isTest: [Bool]) throws(ChurnError) -> ChurnFit {
        guard isTest.count == dataset.labelled.rows else {
            throw .lengthMismatch(name: "test flags", count: isTest.count, expected: dataset.labelled.rows)
        }
        let (trainRows, testRows) = Self.partition(isTest)
        let k = dataset.featureNames.count + 1
        guard !testRows.isEmpty else { throw .tooFewRows(part: "test", rows: 0, parameters: 1) }
        guard trainRows.count >= k else { throw .tooFewRows(part: "training", rows: trainRows.count, parameters: k) }
        let trainX = dataset.labelled.selecting(rows: trainRows), testX = dataset.labelled.selecting(rows: testRows)
        let trainY = trainRows.map { dataset.churned[$0] }, testY = testRows.map { dataset.churned[$0] }

        RunProgress.current?.step("model")
        let model = try regression.fit(trainX, labels: trainY)
        let baseRate = Double(model.positives) / Double(model.rows)
        let testProbabilities = try model.probabilities(testX)
        var notes = dataset.notes
        RunProgress.current?.step("recency-only baseline")
        let columns = [Self.baselineFeature]
        let baseline = Result { () throws(ChurnError) in
            let b = try regression.fit(trainX.selecting(columns: columns), labels: trainY)
            return (fit: b, probabilities: try b.probabilities(testX.selecting(columns: columns)))
        }
        // The two evaluations (sorts and sums on one thread each) run side by side.
        var evaluations = [Result<ChurnEvaluation, ChurnError>?](repeating: nil, count: 2)
        parallelEach(&evaluations) { which, out in
            out = Result { () throws(ChurnError) in
                if which == 0 {
                    return try ChurnEvaluation(labels: testY, probabilities: testProbabilities, baseRate: baseRate,
                                               rocPointLimit: rocPointLimit)
                }
                return try ChurnEvaluation(labels: testY, probabilities: try baseline.get().probabilities, baseRate: baseRate,
                                           rocPointLimit: rocPointLimit)
            }
        }
        let evaluation = try evaluations[0]!.get()
        var baselineFit: LogisticRegressionFit? = nil, baselineEvaluation: ChurnEvaluation? = nil
        switch (baseline, evaluations[1]!) {
        case (.success(let b), .success(let e)): baselineFit = b.fit; baselineEvaluation = e
        case (.failure(let error), _), (_, .failure(let error)): notes.append("recency-only baseline left out: \(error.description)")
        }
        let scores = ChurnScores(customers: dataset.currentCustomers, probabilities: try model.probabilities(dataset.current),
                                 customerCount: dataset.customerCount)
        return ChurnFit(model: model, evaluation: evaluation, baseline: baselineFit, baselineEvaluation: baselineEvaluation,
                        scores: scores, featureNames: dataset.featureNames, labelledCustomers: dataset.labelled.rows,
                        labelledChurners: dataset.churners, trainingRows: trainRows.count, testRows: testRows.count,
                        satisfactionFill: dataset.satisfactionFill, notes: notes, settings: self)
    }
}

extension Churn {
    /// Training and test rows (ascending) from one flag per row, in one parallel pass per side:
    /// each block's rows are counted, then written at the block's offset.
    package static func partition(_ isTest: [Bool]) -> (train: [Int], test: [Int]) {
        let blocks = splitBlocks(isTest.count, size: 65_536)
        let tests = parallelBlocks(isTest.count, size: 65_536) { range in range.reduce(0) { $0 + (isTest[$1] ? 1 : 0) } }
        var testStart = [Int](repeating: 0, count: blocks.count)
        for b in blocks.indices.dropFirst() { testStart[b] = testStart[b - 1] + tests[b - 1] }
        let testCount = tests.reduce(0, +)
        var train = [Int](repeating: 0, count: isTest.count - testCount), test = [Int](repeating: 0, count: testCount)
        train.withUnsafeMutableBufferPointer { train in
            test.withUnsafeMutableBufferPointer { test in
                let shared = UncheckedSendable((train, test))
                parallelFor(blocks.count) { b in
                    var t = testStart[b], r = blocks[b].lowerBound - testStart[b]
                    for i in blocks[b] {
                        if isTest[i] { shared.value.1[t] = i; t += 1 } else { shared.value.0[r] = i; r += 1 }
                    }
                }
            }
        }
        return (train, test)
    }
}

/// The tables the churn kernel reads.
public struct ChurnInput: Sendable {
    public var orders: OrderTable
    /// `nil` when there is no interactions file (complaints and satisfaction are then left out).
    public var interactions: InteractionTable?
    /// The customer index: its customer_id bytes drive the split.
    public var customers: CustomerIndex

    public init(orders: OrderTable, interactions: InteractionTable?, customers: CustomerIndex) {
        self.orders = orders
        self.interactions = interactions
        self.customers = customers
    }
}
