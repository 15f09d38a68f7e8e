import CBLAS
import ClienteleSupport

extension Parallelism {
    /// Runs `body` with `threads` threads available to every parallel loop it reaches.
    ///
    /// OpenBLAS: its own thread pool is turned off (`openblas_set_num_threads(1)`) when a scope is
    /// bound. Every BLAS/LAPACK call in Clientele is either on a block that the loops spread over
    /// the threads, or k × k; so at `threads = 1` exactly one thread computes, and at N at most
    /// N do (PLATFORM.md: on these tall-skinny shapes OpenBLAS's pool is slower than one thread).
    /// It lives here, not with `Parallelism` in ClienteleSupport, so that only ClienteleLinear
    /// links against BLAS and LAPACK.
    /// - Precondition: `threads >= 1` (`JobConfiguration.validate` checks 1...256 at the door).
    public static func withThreads<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        precondition(threads >= 1, "threads = \(threads) must be >= 1")
        openblas_set_num_threads(1)
        return try $threads.withValue(threads, operation: body)
    }
}
