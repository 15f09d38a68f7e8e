/// Ids `0..<keys.count` ordered by `(keys[id], id)`: the stable order of signed 64-bit keys.
///
/// Stability makes equal keys keep ascending id order, which is exactly NTILE's "then
/// customer_id" tie rule. Sorted by `ParallelRadixSort` (passes whose digit is the same for every
/// key are skipped, so small-range keys take two or three passes), on every thread.
/// - Complexity: O(n × passes), passes ≤ 8.
package func stableOrder(byKeys keys: [Int64]) -> [Int32] {
    parallelStableOrder(byKeys: keys).order
}
