/// An in-place least-significant-digit radix sort of 64-bit values by a band of their bits.
///
/// Meant for packed records: put the sort key in the high bits and a payload (a row index) in
/// the low bits, and sort by the key bits alone. Sequential access only (no indirection through
/// an index array), 11-bit digits, passes only over `keyBits`. Stable, so equal keys keep their
/// input order (and so ascending payloads when the input was in payload order).
/// - Complexity: O(n · ⌈keyBits.count / 11⌉) time, n extra values of memory.
public func radixSortPacked(_ values: inout [UInt64], keyBits: Range<Int>) {
    let n = values.count
    guard n > 1, !keyBits.isEmpty else { return }
    precondition(keyBits.lowerBound >= 0 && keyBits.upperBound <= 64, "keyBits must lie in 0..<64")
    var scratch = [UInt64](repeating: 0, count: n)
    var counts = [Int](repeating: 0, count: 2048)
    var shift = keyBits.lowerBound
    while shift < keyBits.upperBound {
        let width = min(11, keyBits.upperBound - shift)
        let mask = UInt64((1 << width) - 1)
        let s = UInt64(shift)
        for b in 0..<(1 << width) { counts[b] = 0 }
        values.withUnsafeBufferPointer { src in
            for v in src { counts[Int((v >> s) & mask)] += 1 }
            var total = 0
            for b in 0..<(1 << width) { let c = counts[b]; counts[b] = total; total += c }
            scratch.withUnsafeMutableBufferPointer { dst in
                for v in src {
                    let d = Int((v >> s) & mask)
                    dst[counts[d]] = v
                    counts[d] += 1
                }
            }
        }
        swap(&values, &scratch)
        shift += width
    }
}
