/// The stable order of `stableOrder(byKeys:)`, sorted on every thread, with the keys in that order.
///
/// Each least-significant-digit pass counts the digits of fixed blocks of rows in parallel, turns
/// the counts into per-(digit, block) starting slots in digit-then-block order, and lets every
/// block scatter its rows to its own slots in parallel: the classic parallel LSD radix sort (as in
/// Satish, Harris & Garland 2009, "Designing efficient sorting algorithms for manycore GPUs").
/// Rows of a block keep their order and blocks keep theirs, so the sort is stable and its result
/// does not depend on the thread count. Keys travel with the ids, so every pass reads both
/// sequentially; hand-written because it is the serial part of RFM scoring otherwise.
/// - Complexity: O(n × passes) work, passes ≤ 8 (digits no key differs in are skipped); memory
///   24 bytes a row (keys and ids, twice).
/// - Returns: ids `0..<keys.count` ordered by `(keys[id], id)`, and the keys in that order.
func parallelStableOrder(byKeys keys: [Int64]) -> (order: [Int32], sortedKeys: [Int64]) {
    let n = keys.count
    guard n > 0 else { return ([], []) }
    let blocks = splitBlocks(n, size: radixBlockRows)
    // Flip the sign bit so unsigned order equals signed order; find the digits that differ.
    var key = [UInt64](repeating: 0, count: n), id = [Int32](repeating: 0, count: n)
    let ranges = key.withUnsafeMutableBufferPointer { key in
        id.withUnsafeMutableBufferPointer { id in
            parallelBlocks(n, size: radixBlockRows) { block -> (lo: UInt64, hi: UInt64) in
                var lo = UInt64.max, hi = UInt64.min
                for i in block {
                    let k = UInt64(bitPattern: keys[i]) ^ (1 << 63)
                    key[i] = k; id[i] = Int32(i)
                    lo = min(lo, k); hi = max(hi, k)
                }
                return (lo, hi)
            }
        }
    }
    let lo = ranges.map(\.lo).min()!, hi = ranges.map(\.hi).max()!
    var keyOut = [UInt64](repeating: 0, count: n), idOut = [Int32](repeating: 0, count: n)
    var slots = [Int](repeating: 0, count: blocks.count * 256)
    for pass in 0..<8 {
        let shift = UInt64(pass * 8)
        if (lo >> shift) == (hi >> shift) { break }
        key.withUnsafeBufferPointer { key in
            id.withUnsafeBufferPointer { id in
                keyOut.withUnsafeMutableBufferPointer { keyOut in
                    idOut.withUnsafeMutableBufferPointer { idOut in
                        slots.withUnsafeMutableBufferPointer { slots in
                            // Counts per block.
                            parallelFor(blocks.count) { b in
                                let counts = UnsafeMutableBufferPointer(rebasing: slots[(b * 256)..<((b + 1) * 256)])
                                counts.update(repeating: 0)
                                for i in blocks[b] { counts[Int((key[i] >> shift) & 0xFF)] += 1 }
                            }
                            // Starting slots: digit by digit, block by block.
                            var total = 0
                            for digit in 0..<256 {
                                for b in 0..<blocks.count {
                                    let c = slots[b * 256 + digit]
                                    slots[b * 256 + digit] = total
                                    total += c
                                }
                            }
                            // Scatter, each block into its own slots.
                            parallelFor(blocks.count) { b in
                                let next = UnsafeMutableBufferPointer(rebasing: slots[(b * 256)..<((b + 1) * 256)])
                                for i in blocks[b] {
                                    let digit = Int((key[i] >> shift) & 0xFF)
                                    let to = next[digit]
                                    keyOut[to] = key[i]; idOut[to] = id[i]
                                    next[digit] = to + 1
                                }
                            }
                        }
                    }
                }
            }
        }
        swap(&key, &keyOut)
        swap(&id, &idOut)
    }
    let sorted = [Int64](unsafeUninitializedCapacity: n) { out, count in
        key.withUnsafeBufferPointer { key in
            parallelRanges(n, size: radixBlockRows) { block in
                for i in block { out[i] = Int64(bitPattern: key[i] ^ (1 << 63)) }
            }
        }
        count = n
    }
    return (id, sorted)
}

/// Rows per block of `parallelStableOrder`: fixed, so the blocks never depend on the thread count.
let radixBlockRows = 1 << 16
