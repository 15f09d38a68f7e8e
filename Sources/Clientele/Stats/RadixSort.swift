/// A stable least-significant-digit radix sort of ids by signed 64-bit keys.
///
/// Hand-written because it is on the scoring hot path: 8-bit digits, passes whose digit is the
/// same for every key are skipped, so small-range keys (recency, frequency) take two or three
/// passes. Stability makes equal keys keep ascending id order, which is exactly NTILE's
/// "then customer_id" tie rule.
/// - Complexity: O(n × passes), passes ≤ 8.
/// - Returns: ids `0..<keys.count` ordered by `(keys[id], id)`.
package func stableOrder(byKeys keys: [Int64]) -> [Int32] {
    let n = keys.count
    var ids = [Int32](repeating: 0, count: n)
    guard n > 0 else { return ids }
    // Flip the sign bit so unsigned order equals signed order.
    let flipped = keys.map { UInt64(bitPattern: $0) ^ (1 << 63) }
    var lo = UInt64.max, hi = UInt64.min
    for k in flipped { lo = min(lo, k); hi = max(hi, k) }
    for i in 0..<n { ids[i] = Int32(i) }
    var scratch = [Int32](repeating: 0, count: n)
    var counts = [Int](repeating: 0, count: 256)
    for pass in 0..<8 {
        let shift = UInt64(pass * 8)
        // Skip a digit that no key differs in: within [lo, hi] that is when lo and hi agree above it.
        if (lo >> shift) == (hi >> shift) { break }
        for b in 0..<256 { counts[b] = 0 }
        ids.withUnsafeBufferPointer { src in
            flipped.withUnsafeBufferPointer { k in
                for i in 0..<n { counts[Int((k[Int(src[i])] >> shift) & 0xFF)] += 1 }
                var total = 0
                for b in 0..<256 { let c = counts[b]; counts[b] = total; total += c }
                scratch.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<n {
                        let id = src[i]
                        let digit = Int((k[Int(id)] >> shift) & 0xFF)
                        dst[counts[digit]] = id
                        counts[digit] += 1
                    }
                }
            }
        }
        swap(&ids, &scratch)
    }
    return ids
}
