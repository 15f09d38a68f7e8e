/// Where `LogisticRegression.newton` stopped: at the fit, or at a β whose pass sums it does not
/// have yet (a distributed fit computes them over every partition, then replays the iterations).
package enum LogisticNewtonOutcome {
    case fitted(LogisticRegressionFit)
    /// The coefficients whose `LogisticPass` sums the next step needs.
    case needs([Double])
}
