import Foundation
import ClienteleSupport
import ClienteleKernels

/// Gamma-Gamma over partitions without its rows on the driver. Its likelihood has no fixed-size
/// summary, but it reads the repeat customers only through sums over each distinct x's rows
/// (`GammaGammaRuns`). So each partition writes its repeat-spend counts in buckets of x
/// (bucket = x mod B; `summarise --repeat-spend-buckets`), every partition's share of a bucket is
/// merged into one bucket file (`merge-spend`: the rows of each of its x in one place, in (x, m)
/// order), and the driver's fit asks the buckets for the runs' sums at each γ it tries (`Request`,
/// answered by `gamma-gamma-pass` on every bucket; about five passes after the warm start). The
/// driver holds a few numbers per distinct x and the warm start's subsample (about 20 000 rows),
/// whatever the number of customers, and the estimates are the single run's bit for bit.
public enum PartitionGammaGamma {
    static let magic: [UInt8] = Array("CLNTGGS1".utf8)

    /// A partition's repeat-spend counts split into `buckets` by x mod `buckets` (empty ones left out).
    public static func buckets(_ counts: RepeatSpendCounts, buckets: Int) -> [Int: RepeatSpendCounts] {
        var out: [Int: RepeatSpendCounts] = [:]
        for k in 0..<counts.count {
            let b = Int(counts.frequency[k]) % buckets
            out[b, default: RepeatSpendCounts()].append(counts, row: k)
        }
        return out
    }

    public static func encoded(_ counts: RepeatSpendCounts) -> [UInt8] {
        var w = BinaryFields()
        w.bytes = magic
        w.ints(counts.frequency.map(Int64.init)); w.ints(counts.repeatCents); w.ints(counts.customers)
        return w.bytes
    }

    public static func decoded(_ bytes: [UInt8], path: String) throws(PartitionError) -> RepeatSpendCounts {
        guard bytes.starts(with: magic) else { throw .unreadable(path: path, reason: "it does not start with CLNTGGS1") }
        var r = BinaryFields.Reader(bytes: bytes, at: magic.count)
        do {
            var c = RepeatSpendCounts()
            c.frequency = try r.ints().map { Int32(truncatingIfNeeded: $0) }
            c.repeatCents = try r.ints(); c.customers = try r.ints()
            guard r.at == bytes.count, c.frequency.count == c.repeatCents.count, c.frequency.count == c.customers.count else { throw BinaryFields.Short() }
            return c
        } catch {
            throw .unreadable(path: path, reason: "it is cut short or not of this version")
        }
    }

    public static func read(_ path: String) throws -> RepeatSpendCounts { try decoded(PartitionWorker.contents(path), path: path) }

    public static func write(_ counts: RepeatSpendCounts, to path: String) throws {
        let bytes = encoded(counts)
        try PartitionWorker.land(path) { try FileSink.write(bytes, to: $0) }
    }

    /// What the driver's fit asks every bucket for: its runs' summaries, their sums at γ, their
    /// deviations from the means, or the warm start's rows (every `step`-th row of the whole
    /// sample, each run's first row being row `offsets[x]` of it).
    public struct Request: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case summaries, sums, deviations, strided }
        public var kind: Kind
        public var gamma: Double?
        public var order: Int?
        public var meanFrequency: Double?
        public var meanSpend: Double?
        public var step: Int?
        /// Per distinct x (as a string key), the global index of its first row.
        public var offsets: [String: Int]?
    }

    /// One bucket's answer: its runs' x, in ascending order, and what was asked for each.
    public struct Answer: Codable, Sendable, Equatable {
        public var frequency: [Int32] = []
        public var summaries: [GammaGammaRuns.Summary]?
        public var sums: [GammaGammaRuns.Sums]?
        public var deviations: [GammaGammaRuns.Deviations]?
        /// The picked rows: x, m and weight.
        public var rows: [[Double]]?
    }

    /// A request as one line of JSON (shortest round-trip digits: γ reads back to the same bits).
    public static func line(_ request: Request) throws -> String {
        String(decoding: try PartitionWorker.exactEncoder().encode(request), as: UTF8.self)
    }

    public static func request(_ line: String) throws -> Request {
        do { return try PartitionWorker.exactDecoder().decode(Request.self, from: Data(line.utf8)) } catch {
            throw PartitionError.unreadable(path: "--request", reason: "\(error)")
        }
    }

    public static func writeAnswer(_ answer: Answer, to path: String) throws { try PartitionWorker.writeExactJSON(answer, to: path) }

    public static func readAnswer(_ path: String) throws -> Answer { try PartitionWorker.readExactJSON(Answer.self, from: path) }

    /// A bucket's answer, from its rows expanded as the single run holds them (one row of
    /// weight 1 per customer, in (x, m) order: `RepeatSpendCounts.sample`), so every run's sums
    /// are taken over the same rows in the same order.
    public static func answer(_ request: Request, bucket counts: RepeatSpendCounts) throws -> Answer {
        var answer = Answer()
        guard counts.count > 0 else { return answer }
        let sample = try counts.sample()
        let runs = 0..<sample.frequencyValues.count
        answer.frequency = sample.frequencyValues
        switch request.kind {
        case .summaries:
            answer.summaries = runs.map { sample.runSummary($0) }
        case .sums:
            let (gamma, order) = (request.gamma ?? .nan, request.order ?? 0)
            answer.sums = runs.map { sample.runSums($0, gamma: gamma, order: order) }
        case .deviations:
            let (mx, mm) = (request.meanFrequency ?? .nan, request.meanSpend ?? .nan)
            answer.deviations = runs.map { sample.runDeviations($0, meanFrequency: mx, meanSpend: mm) }
        case .strided:
            let step = max(request.step ?? 1, 1)
            var rows: [[Double]] = []
            for k in runs {
                guard let offset = request.offsets?[String(sample.frequencyValues[k])] else { continue }
                let start = sample.runStart[k]
                // Global row offset + j is picked when it is a multiple of step.
                var j = (step - offset % step) % step
                while start + j < sample.runStart[k + 1] {
                    rows.append([Double(sample.frequency[start + j]), sample.spend[start + j], sample.weight[start + j]])
                    j += step
                }
            }
            answer.rows = rows
        }
        return answer
    }

    /// The runs of a sample spread over buckets, answered through `ask` (one answer per bucket,
    /// any order). The first request (the summaries) is made here; a later one that fails makes
    /// the likelihood NaN, and `check` rethrows it after the fit.
    public static func remoteRuns(ask: @escaping (Request) throws -> [Answer]) throws -> (runs: GammaGammaRuns, check: () throws -> Void) {
        final class Failure: @unchecked Sendable { var error: (any Error)? }
        let failure = Failure()
        func each<T>(_ request: Request, count: Int, nan: T, _ pick: (Answer) -> [T]?) -> [T] {
            do { return try merged(ask(request), pick) } catch {
                failure.error = failure.error ?? error
                return [T](repeating: nan, count: count)
            }
        }
        let summaries = try merged(ask(Request(kind: .summaries))) { $0.summaries }
        var offsets: [String: Int] = [:], next = 0
        for s in summaries { offsets[String(s.frequency)] = next; next += s.rows }
        let runs = GammaGammaRuns(
            summaries: summaries, totalWeight: summaries.reduce(0) { $0 + $1.weight },
            sums: { gamma, order in
                each(Request(kind: .sums, gamma: gamma, order: order), count: summaries.count,
                     nan: GammaGammaRuns.Sums(logs: .nan, reciprocals: .nan, reciprocalSquares: .nan)) { (a: Answer) in a.sums }
            },
            deviations: { mx, mm in
                each(Request(kind: .deviations, meanFrequency: mx, meanSpend: mm), count: summaries.count,
                     nan: GammaGammaRuns.Deviations(xx: .nan, mm: .nan, xm: .nan)) { (a: Answer) in a.deviations }
            },
            strided: { [offsets] step in
                var rows: [[Double]] = []
                do { for a in try ask(Request(kind: .strided, step: step, offsets: offsets)) { rows += a.rows ?? [] } } catch {
                    failure.error = failure.error ?? error
                }
                // Each x's rows come from one bucket in m order; x order across the buckets.
                rows.sort { ($0[0], $0[1]) < ($1[0], $1[1]) }
                return (try? RepeatSpendSample(frequency: rows.map { Int($0[0]) }, spend: rows.map { $0[1] }, weight: rows.map { $0[2] }))
                    ?? (try! RepeatSpendSample(frequency: [], spend: []))
            })
        return (runs, { if let error = failure.error { throw error } })
    }

    /// The buckets' values in ascending x (each x is in one bucket).
    static func merged<T>(_ answers: [Answer], _ pick: (Answer) -> [T]?) throws -> [T] {
        var tagged: [(Int32, T)] = []
        for a in answers {
            let values = pick(a) ?? []
            guard values.count == a.frequency.count else {
                throw PartitionError.unreadable(path: "gamma-gamma answer", reason: "\(values.count) values for \(a.frequency.count) runs")
            }
            tagged += zip(a.frequency, values).map { ($0, $1) }
        }
        tagged.sort { $0.0 < $1.0 }
        for i in tagged.indices.dropFirst() where tagged[i].0 == tagged[i - 1].0 {
            throw PartitionError.unreadable(path: "gamma-gamma answers", reason: "x = \(tagged[i].0) is in two buckets")
        }
        return tagged.map(\.1)
    }
}

extension RepeatSpendCounts {
    /// Appends row `k` of `other` (rows stay sorted when appended in order).
    mutating func append(_ other: RepeatSpendCounts, row k: Int) {
        frequency.append(other.frequency[k]); repeatCents.append(other.repeatCents[k]); customers.append(other.customers[k])
    }
}
