import ClienteleKernels
import ClienteleReports

extension PartitionWorker {
    /// report.json's satisfaction section (and so correlations.csv) of a run spread over machines,
    /// from the satisfaction pass's merged statistics and sums (`satisfactionReport`): the counts,
    /// quadrants and NPS the single run reports, Pearson and Spearman of every pair it computes
    /// from the merged value counts (the single run's to 1e-9), and Kendall's τ-b of group "all"
    /// from the documented sample, with its standard error (`kendallSample`). The pairs with
    /// p_alive and predicted_clv need every respondent's prediction ranked and are not computed
    /// (`notDistributed` says so).
    public static func satisfactionRunReport(_ config: JobConfiguration, statistics: PartitionStatistics,
                                             sums: SatisfactionSums) throws -> SatisfactionReport {
        let p = try satisfactionReport(config, statistics: statistics, sums: sums)
        let st = statistics.satisfaction
        func nps(_ n: PartitionSatisfactionReport.NPS) -> SatisfactionReport.NPS {
            .init(respondents: Int(n.respondents), promoters: Int(n.promoters), passives: Int(n.passives), detractors: Int(n.detractors),
                  score: n.score)
        }
        var pairs = p.correlations
        for k in p.kendall.pairs {
            guard let i = pairs.firstIndex(where: { $0.group == CorrelationResult.allGroup && $0.x == k.x && $0.y == k.y }),
                  pairs[i].notDefined == nil, let tau = k.tauB else { continue }
            pairs[i].kendallTauB = tau
            pairs[i].kendallP = k.pValue
            pairs[i].kendallStandardError = k.standardError
            pairs[i].kendallN = k.n
        }
        let x = PartitionSatisfaction.xNames, y = PartitionSatisfaction.yNames
        var report = SatisfactionReport(
            respondents: Int(p.respondents), satisfactionRespondents: Int(p.satisfactionRespondents),
            recommendRespondents: Int(p.recommendRespondents), complaints: Int(st.complaints), customersWithComplaints: Int(st.complainers),
            meanSatisfaction: st.x[0].n > 0 ? st.x[0].mean : nil,
            thresholds: .init(satisfiedAtLeast: st.satisfiedAtLeast, loyaltyMeasure: "frequency", loyalAtLeast: st.loyalAtLeast,
                              promoterAtLeast: st.promoterAtLeast, detractorAtMost: st.detractorAtMost),
            classified: Int(p.classified),
            quadrants: p.quadrants.map {
                .init(group: $0.group, title: $0.title, customers: Int($0.customers), share: $0.share, meanSatisfaction: $0.meanSatisfaction,
                      meanLoyalty: $0.meanLoyalty, nps: nps($0.nps))
            },
            nps: nps(p.nps), npsBySegment: (p.npsBySegment ?? []).map { .init(segment: $0.segment, customers: Int($0.customers), nps: nps($0.nps)) },
            confidenceLevel: p.confidenceLevel, satisfactionMeasures: x,
            loyaltyMeasures: statistics.settings.calibrationEnd == nil ? y.filter { $0 != "retained_in_holdout" } : y,
            correlations: pairs)
        report.kendallSample = .init(respondents: p.kendall.sample, sampleFraction: p.kendall.sampleFraction,
                                     rule: "respondents whose customer_id's FNV-1a 64-bit hash is below 2^60 (1/16); group all only")
        report.notDistributed = "the pairs with p_alive and predicted_clv (they rank every respondent's prediction) are not computed in a run spread over partitions (scripts/spark-run)"
        return report
    }
}
