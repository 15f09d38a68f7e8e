import ClienteleLinear

extension ChurnError {
    /// Runs one LAPACK step of the churn model (`Cholesky` in ClienteleLinear); an argument error
    /// that LAPACK reports becomes `lapackFailure` (exit status 70: a bug, not bad data).
    package static func lapack<T>(_ step: () throws(LAPACKFailure) -> T) throws(ChurnError) -> T {
        do { return try step() } catch { throw .lapackFailure(routine: error.routine, info: error.info) }
    }
}
