import ClienteleSupport

/// A least-significant-digit radix sort of 64-bit values by a band of their bits, on every thread.
///
/// Meant for packed records: put the sort key in the high bits and a payload (a row index) in
/// the low bits, and sort by the key bits alone. Sequential access only (no indirection through
/// an index array), 11-bit digits, passes only over `keyBits`. Each pass is the parallel stable
/// pass of `ParallelRadixSort` (fixed blocks count their digits in parallel, then scatter to
/// their own slots), so equal keys keep their input order (and so ascending payloads when the
/// input was in payload order) and the result never depends on the thread count.
/// - Complexity: O(n · ⌈keyBits.count / 11⌉) time, n extra values of memory.
public func radixSortPacked(_ values: inout [UInt64], keyBits: Range<Int>) {
    let n = values.count
    guard n > 1, !keyBits.isEmpty else { return }
    precondition(keyBits.lowerBound >= 0 && keyBits.upperBound <= 64, "keyBits must lie in 0..<64")
    let blocks = splitBlocks(n, size: ParallelRadixSort.blockRows)
    // Every pass writes all n elements before they are read: no zero-fill pass first.
    var scratch = [UInt64](unsafeUninitializedCapacity: n) { _, count in count = n }
    let digitBits = 11, radix = 1 << digitBits
    var slots = [Int](repeating: 0, count: blocks.count * radix)
    var shift = keyBits.lowerBound
    while shift < keyBits.upperBound {
        let width = min(digitBits, keyBits.upperBound - shift)
        let digits = 1 << width, mask = UInt64(digits - 1), s = UInt64(shift)
        values.withUnsafeBufferPointer { src in
            scratch.withUnsafeMutableBufferPointer { dst in
                slots.withUnsafeMutableBufferPointer { slots in
                    ParallelRadixSort.startingSlots(slots, blocks: blocks, stride: radix, digits: digits) { Int((src[$0] >> s) & mask) }
                    parallelFor(blocks.count) { b in
                        let next = UnsafeMutableBufferPointer(rebasing: slots[(b * radix)..<(b * radix + digits)])
                        for i in blocks[b] {
                            let v = src[i], digit = Int((v >> s) & mask), to = next[digit]
                            dst[to] = v
                            next[digit] = to &+ 1
                        }
                    }
                }
            }
        }
        swap(&values, &scratch)
        shift += width
    }
}
