// Gamma-Gamma by passes over buckets of x (issue "Beyond one machine"): the driver holds a few
// numbers per distinct x, asks the buckets for the runs' sums at each γ, and gets the fit of all
// the rows held in one place bit for bit, for any split of the customers and any bucket count.
import Foundation
import Testing
@testable import Clientele

@Suite("partition Gamma-Gamma: passes over buckets of x give the single fit bit for bit")
struct PartitionGammaGammaTests {
    /// Repeat customers by (x, repeat cents), sorted and distinct: x from 1 to 30 (more of the
    /// small ones), spends from a skewed draw, counts mostly 1.
    static func counts(customers: Int, seed: UInt64) -> RepeatSpendCounts {
        var random = RandomSource(seed: seed)
        var rows: [Int32: [Int64: Int64]] = [:]
        for _ in 0..<customers {
            let x = Int32(1 + Int(Double(30) * pow(random.uniform(), 3)))
            let cents = Int64(100 + 40_000 * pow(random.uniform(), 2)) * Int64(x)
            rows[x, default: [:]][cents, default: 0] += 1
        }
        var counts = RepeatSpendCounts()
        for x in rows.keys.sorted() {
            for cents in rows[x]!.keys.sorted() {
                counts.frequency.append(x); counts.repeatCents.append(cents); counts.customers.append(rows[x]![cents]!)
            }
        }
        return counts
    }

    /// `counts`' customers dealt to `parts` partitions, each partition's rows bucketed by x mod
    /// `buckets`, and every partition's share of a bucket merged: what Spark's tasks hold.
    static func buckets(_ counts: RepeatSpendCounts, parts: Int, buckets: Int, seed: UInt64) -> [RepeatSpendCounts] {
        var random = RandomSource(seed: seed)
        var partitions = [RepeatSpendCounts](repeating: RepeatSpendCounts(), count: parts)
        for k in 0..<counts.count {  // in (x, cents) order, so each partition's rows stay sorted
            for _ in 0..<counts.customers[k] {
                let p = random.index(below: parts)
                if partitions[p].frequency.last == counts.frequency[k] && partitions[p].repeatCents.last == counts.repeatCents[k] {
                    partitions[p].customers[partitions[p].count - 1] += 1
                } else {
                    partitions[p].frequency.append(counts.frequency[k]); partitions[p].repeatCents.append(counts.repeatCents[k])
                    partitions[p].customers.append(1)
                }
            }
        }
        var merged: [Int: RepeatSpendCounts] = [:]
        for partition in partitions {
            for (b, share) in PartitionGammaGamma.buckets(partition, buckets: buckets) {
                merged[b] = merged[b].map { $0.merged(with: share) } ?? share
            }
        }
        return merged.keys.sorted().reversed().map { merged[$0]! }
    }

    /// Answers each request from every bucket through the text forms that travel (the request's
    /// line, each answer's JSON file), as `partition clv --gamma-gamma-passes` gets them.
    static func ask(_ buckets: [RepeatSpendCounts], log: Log) -> (PartitionGammaGamma.Request) throws -> [PartitionGammaGamma.Answer] {
        { request in
            log.kinds.append(request.kind)
            let travelled = try PartitionGammaGamma.request(PartitionGammaGamma.line(request))
            return try buckets.map { bucket in
                let answer = try PartitionGammaGamma.answer(travelled, bucket: bucket)
                return try PartitionWorker.exactDecoder().decode(PartitionGammaGamma.Answer.self, from: PartitionWorker.exactEncoder().encode(answer))
            }
        }
    }

    final class Log: @unchecked Sendable { var kinds: [PartitionGammaGamma.Request.Kind] = [] }

    @Test("the estimates, covariance, likelihood, iterations, mean spend and x–m correlation equal the fit on all rows",
          arguments: [(customers: 6_000, parts: 3, buckets: 4), (customers: 60_000, parts: 5, buckets: 3), (customers: 60_000, parts: 2, buckets: 1)])
    func passesEqualTheSingleFit(customers: Int, parts: Int, buckets: Int) throws {
        let counts = Self.counts(customers: customers, seed: UInt64(customers))
        let single = try GammaGamma().fit(try counts.sample())
        let log = Log()
        let remote = try PartitionGammaGamma.remoteRuns(ask: Self.ask(Self.buckets(counts, parts: parts, buckets: buckets, seed: 7), log: log))
        let spread = try GammaGamma().fit(runs: remote.runs)
        try remote.check()
        #expect(spread.parameters == single.parameters)
        #expect(spread.covariance == single.covariance && single.covariance != nil)
        #expect(spread.logLikelihood == single.logLikelihood)
        #expect(spread.iterations == single.iterations && spread.evaluations == single.evaluations)
        #expect(spread.sampleMeanSpend == single.sampleMeanSpend)
        #expect(spread.frequencySpendCorrelation == single.frequencySpendCorrelation && spread.frequencySpendCorrelation.isFinite)
        #expect(spread.customers == Double(customers))
        // The warm start's subsample comes over too once there are enough rows (BGNBD.warmStartPatterns).
        #expect(log.kinds.contains(.strided) == (customers >= BGNBD.warmStartPatterns))
        #expect(log.kinds.first == .summaries && log.kinds.filter { $0 == .summaries }.count == 1)
    }

    @Test("a bucket's answer covers its own x only, and two buckets holding one x are refused")
    func bucketsHoldDisjointRuns() throws {
        let counts = Self.counts(customers: 2_000, seed: 3)
        let buckets = Self.buckets(counts, parts: 2, buckets: 3, seed: 1)
        for bucket in buckets {
            let answer = try PartitionGammaGamma.answer(.init(kind: .summaries), bucket: bucket)
            #expect(Set(answer.frequency.map { Int($0) % 3 }).count == 1)
            #expect(answer.summaries?.reduce(0) { $0 + $1.rows } == Int(bucket.customers.reduce(0, +)))
        }
        let twice = try PartitionGammaGamma.answer(.init(kind: .summaries), bucket: buckets[0])
        #expect(throws: PartitionError.self) { try PartitionGammaGamma.merged([twice, twice]) { $0.summaries } }
    }

    @Test("a request that fails mid-fit is rethrown after it, not turned into an estimate")
    func failedPassIsRethrown() throws {
        let buckets = Self.buckets(Self.counts(customers: 3_000, seed: 5), parts: 2, buckets: 2, seed: 2)
        struct Lost: Error {}
        let answers = Self.ask(buckets, log: Log())
        let remote = try PartitionGammaGamma.remoteRuns { request in
            guard request.kind == .summaries else { throw Lost() }
            return try answers(request)
        }
        _ = try? GammaGamma().fit(runs: remote.runs)
        #expect(throws: Lost.self) { try remote.check() }
    }
}
