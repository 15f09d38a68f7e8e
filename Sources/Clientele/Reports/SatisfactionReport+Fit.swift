import ClienteleKernels

extension SatisfactionReport {
    /// The report of a satisfaction–loyalty analysis over the scored `customers` (a mapping of its
    /// values; only the respondent counts are summed here).
    package init(_ result: SatisfactionLoyaltyAnalysisResult, customers: [Int32]) {
        let m = result.measures
        var satisfied = 0, recommended = 0, complaints = 0, complainers = 0, csatSum = 0.0
        for c in customers.lazy.map(Int.init) {
            if m.satisfactionAnswers[c] > 0 { satisfied += 1; csatSum += m.meanSatisfaction[c] }
            if m.recommendAnswers[c] > 0 { recommended += 1 }
            if m.complaints[c] > 0 { complaints += Int(m.complaints[c]); complainers += 1 }
        }
        respondents = result.respondents
        satisfactionRespondents = satisfied
        recommendRespondents = recommended
        self.complaints = complaints
        customersWithComplaints = complainers
        meanSatisfaction = satisfied > 0 ? csatSum / Double(satisfied) : nil
        let s = result.settings.matrix
        thresholds = Thresholds(satisfiedAtLeast: s.satisfiedAtLeast, loyaltyMeasure: "frequency", loyalAtLeast: s.loyalAtLeast,
                                promoterAtLeast: s.promoterAtLeast, detractorAtMost: s.detractorAtMost)
        let g = result.groups
        classified = g.quadrants.reduce(0) { $0 + $1.customers }
        quadrants = g.quadrants.map {
            Quadrant(group: $0.group.rawValue, title: $0.group.displayName, customers: $0.customers, share: $0.share,
                     meanSatisfaction: finite($0.meanSatisfaction), meanLoyalty: finite($0.meanLoyalty), nps: NPS($0.nps))
        }
        nps = NPS(g.nps)
        npsBySegment = g.npsByGroup.map { SegmentNPS(segment: $0.group, customers: $0.customers, nps: NPS($0.nps)) }
        confidenceLevel = result.correlations.settings.confidenceLevel
        satisfactionMeasures = result.correlations.xNames
        loyaltyMeasures = result.correlations.yNames
        correlations = result.correlations.tables.flatMap { table in table.pairs.map { Pair(group: table.group, $0) } }
    }
}

extension SatisfactionReport.NPS {
    package init(_ s: NetPromoterScore) {
        self.init(respondents: s.respondents, promoters: s.promoters, passives: s.passives, detractors: s.detractors, score: s.score)
    }
}

extension SatisfactionReport.Pair {
    package init(group: String, _ p: CorrelationPair) {
        self.init(group: group, x: p.x, y: p.y, n: p.n,
                  pearsonR: p.pearson.value?.r, pearsonP: p.pearson.value?.pValue,
                  pearsonCILow: p.pearson.value?.confidenceLow, pearsonCIHigh: p.pearson.value?.confidenceHigh,
                  spearmanRho: p.spearman.value?.rho, spearmanP: p.spearman.value?.pValue,
                  kendallTauB: p.kendall.value?.tauB, kendallP: p.kendall.value?.pValue,
                  notDefined: (p.pearson.reason ?? p.spearman.reason ?? p.kendall.reason)?.description)
    }
}
