import Dispatch
import Synchronization

/// How many threads Clientele's loops may use: the one setting behind `--threads` / `[run] threads`.
///
/// `Run` binds it once, from `JobConfiguration.threads`, around the whole job
/// (`Parallelism.$threads.withValue(config.threads) { … }`); every parallel loop of every kernel
/// and writer (`parallelFor`, `parallelEach`, `parallelBlocks`) reads it, so no kernel can forget
/// it and none carries a thread count of its own. Outside such a scope it is 1: a kernel called
/// directly runs on the caller's thread unless the caller binds more.
///
/// It is a task-local value, so concurrent tests that bind different counts do not see each
/// other's; threads that the loops start do not inherit it, so a loop nested inside a parallel
/// loop runs serially on its worker (no oversubscription).
///
/// Results never depend on it: work is cut into blocks whose boundaries depend on the data size
/// only, and reductions add the blocks' partial results in block order.
///
/// Binding a scope (`withThreads`, in ClienteleLinear next to the BLAS wrappers) also turns
/// OpenBLAS's own thread pool off.
public enum Parallelism {
    @TaskLocal public static var threads: Int = 1
}

/// Runs `body(i)` for every `i` in `0..<count` on up to `Parallelism.threads` threads and returns
/// when all are done. Workers take the next index from a shared counter, so a thread that the OS
/// pauses holds up one index, not a share of them.
///
/// The closure may mutate disjoint state per index (callers pass `UnsafeMutableBufferPointer`s
/// whose elements each index owns); it must not touch another index's element. What an index
/// computes must not depend on which thread runs it.
@inlinable package func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    let threads = min(count, Parallelism.threads)
    if threads <= 1 {
        let token = traceParallelEnter()
        for i in 0..<count { body(i) }
        traceParallelLeave(token)
        return
    }
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < count else { break }
                shared.value(i)
            }
        }
    }
}

/// The blocks `0..<n` is cut into for a parallel pass: `size` elements each (the last may be
/// shorter). They depend on `n` and `size` only, never on the thread count.
@inlinable package func splitBlocks(_ n: Int, size: Int) -> [Range<Int>] {
    precondition(size >= 1, "block size \(size) must be >= 1")
    return stride(from: 0, to: n, by: size).map { $0..<min(n, $0 + size) }
}

/// Runs `body(range)` for each block of `0..<n` (`splitBlocks(n, size:)`) on up to
/// `Parallelism.threads` threads and returns the blocks' results in block order.
@inlinable package func parallelBlocks<T>(_ n: Int, size: Int, _ body: (Range<Int>) -> T) -> [T] {
    let blocks = splitBlocks(n, size: size)
    var results = [T?](repeating: nil, count: blocks.count)
    parallelEach(&results) { b, out in out = body(blocks[b]) }
    return results.map { $0! }
}

/// The indices of `0..<n` for which `isIncluded` holds, ascending, found on every thread: each
/// fixed block of `size` indices counts its own, then writes them from its offset.
@inlinable package func parallelIndices(_ n: Int, size: Int = 65_536, where isIncluded: (Int) -> Bool) -> [Int] {
    let blocks = splitBlocks(n, size: size)
    let counts = parallelBlocks(n, size: size) { block in block.reduce(0) { $0 + (isIncluded($1) ? 1 : 0) } }
    var starts = [Int](repeating: 0, count: blocks.count + 1)
    for b in blocks.indices { starts[b + 1] = starts[b] + counts[b] }
    return [Int](unsafeUninitializedCapacity: starts[blocks.count]) { out, count in
        let base = out
        parallelFor(blocks.count) { b in
            var to = starts[b]
            for i in blocks[b] where isIncluded(i) { base[to] = i; to += 1 }
        }
        count = starts[blocks.count]
    }
}

/// Runs `body(range)` for each block of `0..<n` on up to `Parallelism.threads` threads, for
/// passes that write each element of a range into buffers the caller owns.
@inlinable package func parallelRanges(_ n: Int, size: Int, _ body: (Range<Int>) -> Void) {
    let blocks = splitBlocks(n, size: size)
    parallelFor(blocks.count) { body(blocks[$0]) }
}

/// Mutates each element of `items` on its own thread.
@inlinable package func parallelEach<T>(_ items: inout [T], _ body: (Int, inout T) -> Void) {
    items.withUnsafeMutableBufferPointer { buffer in
        let base = buffer
        parallelFor(base.count) { i in body(i, &base[i]) }
    }
}

/// Splits `0..<n` into `parts` contiguous ranges of near-equal size.
@inlinable package func splitRange(_ n: Int, parts: Int) -> [Range<Int>] {
    let p = max(1, min(parts, max(n, 1)))
    return (0..<p).map { k in (n * k / p)..<(n * (k + 1) / p) }
}

/// Carries a value across a concurrency boundary that the caller has made safe by hand
/// (each thread touches only its own index).
@usableFromInline package struct UncheckedSendable<T>: @unchecked Sendable {
    @usableFromInline package let value: T
    @inlinable package init(_ value: T) { self.value = value }
}

/// `columns` new arrays of `length` doubles whose elements `fill` writes, each exactly once, through
/// the buffers it is given (all at once, so that one loop can write a row of every column): no
/// zero or NaN pass over memory that is about to be written anyway. `fill` must initialise every
/// element of every buffer; the buffers are valid only during the call.
@inlinable package func writeOnceColumns(_ columns: Int, length: Int,
                      _ fill: ([UnsafeMutableBufferPointer<Double>]) -> Void) -> [[Double]] {
    writeOnceColumns(of: Double.self, columns, length: length, fill)
}

/// `writeOnceColumns` for columns of any plain (bitwise-copyable) element type.
@inlinable package func writeOnceColumns<T: BitwiseCopyable>(of type: T.Type, _ columns: Int, length: Int,
                                          _ fill: ([UnsafeMutableBufferPointer<T>]) -> Void) -> [[T]] {
    func open(_ buffers: [UnsafeMutableBufferPointer<T>]) -> [[T]] {
        if buffers.count == columns { fill(buffers); return [] }
        var rest = [[T]]()
        let column = [T](unsafeUninitializedCapacity: length) { buffer, initialized in
            assert(buffer.count >= length)
            rest = open(buffers + [UnsafeMutableBufferPointer(rebasing: buffer[0..<length])])
            initialized = length
        }
        return [column] + rest
    }
    return open([])
}

/// Runs `first` on the calling thread and `second` on a thread of its own beside it, both with
/// `Parallelism.threads` for their loops, and returns both results (or the first error, of
/// `first` before `second`); with one thread, `first` then `second`. For independent steps whose
/// serial parts (a line search, a small reduction) would leave a core idle: the other step takes
/// it. Each step computes what it computes alone, so results do not depend on it.
package func beside<A, B>(_ first: () throws -> A, _ second: () throws -> B) throws -> (A, B) {
    let threads = Parallelism.threads
    guard threads > 1 else { return (try first(), try second()) }
    return try withoutActuallyEscaping(second) { second in
        let task = UncheckedSendable(second)
        let outcome = BesideOutcome<B>()
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) {
            // Task-local values do not cross threads: the step binds the thread count again.
            Parallelism.$threads.withValue(threads) { outcome.result = Result { try task.value() } }
        }
        let a = Result { try first() }
        done.wait()
        return (try a.get(), try outcome.result!.get())
    }
}

/// The second step's result, read by the calling thread after `DispatchGroup.wait()`.
private final class BesideOutcome<B>: @unchecked Sendable {
    var result: Result<B, any Error>?
}
