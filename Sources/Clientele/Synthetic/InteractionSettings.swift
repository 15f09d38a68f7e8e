/// How customer interactions (support, complaint, survey, marketing contacts) are drawn.
///
/// Each customer has a latent loyalty score ℓ = (E[p] − p) / sd(p), clipped to [−3, 3], where p is
/// their BG/NBD dropout probability and E[p], sd(p) are the Beta(a, b) mean and standard
/// deviation: loyal customers are the ones who stay. A buyer gets
/// Poisson(`perOrder` · orders + `perCustomer`) interactions on days uniform between their first
/// purchase and the end of the window. A contact is a survey, marketing or complaint with the
/// probabilities below (complaints: `complaintProbability.lowerBound + span · σ(−1.5 ℓ)`, so
/// more likely for low loyalty), and support otherwise. Survey answers are
/// satisfaction = clamp(round(`satisfactionMean` + `satisfactionSlope` · ℓ + N(0, `satisfactionNoise`)), 1, 5)
/// and recommend = clamp(round(`recommendMean` + `recommendSlope` · ℓ + N(0, `recommendNoise`)), 0, 10),
/// each blank with its own missing probability; other kinds leave both blank.
/// Orphans: with probability `orphanProbability` a customer number also gets an id `P…` that
/// never bought, with 1 + Poisson(`orphanExtraMean`) interactions anywhere in the window.
public struct InteractionSettings: Sendable, Hashable, Codable {
    /// Expected interactions per order. Default 0.4.
    public var perOrder: Double
    /// Expected interactions per buyer on top of that. Default 0.2.
    public var perCustomer: Double
    /// P(survey). Default 0.30.
    public var surveyProbability: Double
    /// P(marketing). Default 0.25.
    public var marketingProbability: Double
    /// P(complaint) runs from the lower bound (very loyal) to the upper bound (very disloyal).
    /// Default 0.02...0.20.
    public var complaintProbability: ClosedRange<Double>
    /// Default 3.6, 0.8, 0.8.
    public var satisfactionMean: Double
    public var satisfactionSlope: Double
    public var satisfactionNoise: Double
    /// Default 7.0, 1.5, 1.5.
    public var recommendMean: Double
    public var recommendSlope: Double
    public var recommendNoise: Double
    /// P(satisfaction blank on a survey). Default 0.08.
    public var satisfactionMissingProbability: Double
    /// P(recommend blank on a survey). Default 0.15.
    public var recommendMissingProbability: Double
    /// P(a customer number also has an orphan id). Default 0.001.
    public var orphanProbability: Double
    /// Mean extra interactions of an orphan id beyond its first. Default 1.0.
    public var orphanExtraMean: Double

    public init(
        perOrder: Double = 0.4,
        perCustomer: Double = 0.2,
        surveyProbability: Double = 0.30,
        marketingProbability: Double = 0.25,
        complaintProbability: ClosedRange<Double> = 0.02...0.20,
        satisfactionMean: Double = 3.6,
        satisfactionSlope: Double = 0.8,
        satisfactionNoise: Double = 0.8,
        recommendMean: Double = 7.0,
        recommendSlope: Double = 1.5,
        recommendNoise: Double = 1.5,
        satisfactionMissingProbability: Double = 0.08,
        recommendMissingProbability: Double = 0.15,
        orphanProbability: Double = 0.001,
        orphanExtraMean: Double = 1.0
    ) {
        self.perOrder = perOrder
        self.perCustomer = perCustomer
        self.surveyProbability = surveyProbability
        self.marketingProbability = marketingProbability
        self.complaintProbability = complaintProbability
        self.satisfactionMean = satisfactionMean
        self.satisfactionSlope = satisfactionSlope
        self.satisfactionNoise = satisfactionNoise
        self.recommendMean = recommendMean
        self.recommendSlope = recommendSlope
        self.recommendNoise = recommendNoise
        self.satisfactionMissingProbability = satisfactionMissingProbability
        self.recommendMissingProbability = recommendMissingProbability
        self.orphanProbability = orphanProbability
        self.orphanExtraMean = orphanExtraMean
    }
}
