import Dispatch

/// Runs `body(0..<count)` on up to `count` threads and returns when all are done.
///
/// The closure may mutate disjoint state per index (callers pass `UnsafeMutableBufferPointer`s
/// whose elements each index owns); it must not touch another index's element.
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    if count <= 1 { if count == 1 { body(0) }; return }
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
    }
}

/// Mutates each element of `items` on its own thread.
func parallelEach<T>(_ items: inout [T], _ body: (Int, inout T) -> Void) {
    items.withUnsafeMutableBufferPointer { buffer in
        let base = buffer
        parallelFor(base.count) { i in body(i, &base[i]) }
    }
}

/// Splits `0..<n` into `parts` contiguous ranges of near-equal size.
func splitRange(_ n: Int, parts: Int) -> [Range<Int>] {
    let p = max(1, min(parts, max(n, 1)))
    return (0..<p).map { k in (n * k / p)..<(n * (k + 1) / p) }
}

/// Carries a value across a concurrency boundary that the caller has made safe by hand
/// (each thread touches only its own index).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
