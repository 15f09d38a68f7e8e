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

/// `columns` new arrays of `length` doubles whose elements `fill` writes, each exactly once, through
/// the buffers it is given (all at once, so that one loop can write a row of every column): no
/// zero or NaN pass over memory that is about to be written anyway. `fill` must initialise every
/// element of every buffer; the buffers are valid only during the call.
func writeOnceColumns(_ columns: Int, length: Int,
                      _ fill: ([UnsafeMutableBufferPointer<Double>]) -> Void) -> [[Double]] {
    func open(_ buffers: [UnsafeMutableBufferPointer<Double>]) -> [[Double]] {
        if buffers.count == columns { fill(buffers); return [] }
        var rest = [[Double]]()
        let column = [Double](unsafeUninitializedCapacity: length) { buffer, initialized in
            assert(buffer.count >= length)
            rest = open(buffers + [UnsafeMutableBufferPointer(rebasing: buffer[0..<length])])
            initialized = length
        }
        return [column] + rest
    }
    return open([])
}
