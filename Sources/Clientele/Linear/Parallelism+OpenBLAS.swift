import CBLAS
import ClienteleSupport
#if canImport(Glibc)
import Glibc
#endif

extension Parallelism {
    /// Runs `body` with `threads` threads available to every parallel loop it reaches.
    ///
    /// OpenBLAS: its own thread pool is turned off (`openblas_set_num_threads(1)`) and its worker
    /// threads stopped (`stopOpenBLASWorkers`) when a scope is bound. Every BLAS/LAPACK call in
    /// Clientele is either on a block that the loops spread over the threads, or k × k; so at
    /// `threads = 1` exactly one thread computes, and at N at most N do (measured: on the
    /// tall-skinny k-means shapes two OpenBLAS threads are about 4× slower than one).
    /// It lives here, not with `Parallelism` in ClienteleSupport, so that only ClienteleLinear
    /// links against BLAS and LAPACK.
    /// - Precondition: `threads >= 1` (`JobConfiguration.validate` checks 1...256 at the door).
    public static func withThreads<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        precondition(threads >= 1, "threads = \(threads) must be >= 1")
        openblas_set_num_threads(1)
        stopOpenBLASWorkers()
        return try $threads.withValue(threads, operation: body)
    }

    /// Stops the worker threads that OpenBLAS's pthread build starts when it is loaded: each
    /// spins on `sched_yield` for about 0.1 s before it sleeps, which at the start of a run takes
    /// a core from ingest (measured: 80 ms of CPU inside the first 90 ms of a two-thread run).
    /// Clientele never calls BLAS on more than one thread; such a call would start them again.
    /// `blas_thread_shutdown_` is looked up at run time, as other builds of the library may lack
    /// it; it returns at once when the workers are already stopped.
    static func stopOpenBLASWorkers() {
        if let shutdown = openBLASShutdown.value { _ = shutdown() }
    }

    private static let openBLASShutdown = UncheckedSendable<(@convention(c) () -> Int32)?>(
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_").map {
            unsafeBitCast($0, to: (@convention(c) () -> Int32).self)
        })
}
