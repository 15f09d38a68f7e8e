import ClienteleKernels

extension HTMLReportInput.CorrelationMatrix {
    /// Spearman's ρ of every satisfaction × loyalty pair over all respondents (survey answers are
    /// ordinal, so the rank correlation is the headline); nil when no pair is defined.
    package init?(report s: SatisfactionReport) {
        let pairs = s.satisfactionMeasures.flatMap { x in s.loyaltyMeasures.map { y in s.pair(x: x, y: y) } }
        guard pairs.contains(where: { $0?.spearmanRho != nil }) else { return nil }
        self.init(method: "Spearman", group: "all respondents", n: s.respondents, rowNames: s.satisfactionMeasures,
                  columnNames: s.loyaltyMeasures, coefficients: pairs.map { $0?.spearmanRho ?? .nan },
                  pValues: pairs.map { $0?.spearmanP ?? .nan })
    }
}

extension HTMLReportInput.QuadrantMatrix {
    /// The Jones & Sasser matrix of `report.satisfaction`, split at its thresholds.
    package init(report s: SatisfactionReport) {
        func count(_ group: LoyaltyGroup) -> Int { s.quadrants.first { $0.group == group.rawValue }?.customers ?? 0 }
        let t = s.thresholds
        self = .satisfactionLoyalty(loyalists: count(.loyalist), mercenaries: count(.mercenary), hostages: count(.hostage),
                                    defectors: count(.defector),
                                    satisfactionSplit: "satisfied: mean CSAT ≥ " + SVGNumber.compact(t.satisfiedAtLeast),
                                    loyaltySplit: "loyal: \(t.loyaltyMeasure) ≥ " + SVGNumber.compact(t.loyalAtLeast))
    }
}
