import ClienteleSupport

/// A stable least-significant-digit radix sort of 64-bit keys carrying 32-bit ids, on every thread.
///
/// Each pass counts the digits of fixed blocks of rows in parallel, turns the counts into
/// per-(digit, block) starting slots in digit-then-block order, and lets every block scatter its
/// rows to its own slots in parallel: the classic parallel LSD radix sort (Satish, Harris &
/// Garland 2009, "Designing efficient sorting algorithms for manycore GPUs"). Rows of a block keep
/// their order and blocks keep theirs, so every pass is exactly the serial stable pass and the
/// result does not depend on the thread count. Only the bits in which the keys differ are sorted.
/// Hand-written because RFM scoring and the churn rankings sort 10⁶ rows on their hot path.
/// - Complexity: O(n × passes) work; n words of scratch for the keys and for the ids.
package enum ParallelRadixSort {
    /// Rows per block of a pass: fixed, so the blocks never depend on the thread count.
    package static let blockRows = 65_536

    /// Sorts `keys` ascending, moving `ids` with them; equal keys keep their order.
    /// - Parameter digitBits: bits a pass (8: 256 counters a block; 11: 2,048).
    package static func sort(keys: inout [UInt64], ids: inout [Int32], digitBits: Int = 8) {
        let n = keys.count
        precondition(ids.count == n, "ParallelRadixSort: \(ids.count) ids for \(n) keys")
        guard n > 1 else { return }
        let blocks = splitBlocks(n, size: blockRows)
        let bounds = keys.withUnsafeBufferPointer { keys in
            parallelBlocks(n, size: blockRows) { block -> (low: UInt64, high: UInt64) in
                var low = UInt64.max, high = UInt64.min
                for i in block { low = min(low, keys[i]); high = max(high, keys[i]) }
                return (low, high)
            }
        }
        let low = bounds.map(\.low).min()!, high = bounds.map(\.high).max()!
        let varying = 64 - (low ^ high).leadingZeroBitCount  // bits above are shared by all keys
        let radix = 1 << digitBits, mask = UInt64(radix - 1)
        // Every pass writes all n elements of the outputs before they are read, so they start
        // uninitialised: zero-filling 12 bytes a row would be a serial pass of its own.
        var keysOut = [UInt64](unsafeUninitializedCapacity: n) { _, count in count = n }
        var idsOut = [Int32](unsafeUninitializedCapacity: n) { _, count in count = n }
        var slots = [Int](repeating: 0, count: blocks.count * radix)
        var shift = 0
        while shift < varying {
            let s = UInt64(shift)
            keys.withUnsafeBufferPointer { key in
                ids.withUnsafeBufferPointer { id in
                    keysOut.withUnsafeMutableBufferPointer { keyOut in
                        idsOut.withUnsafeMutableBufferPointer { idOut in
                            slots.withUnsafeMutableBufferPointer { slots in
                                Self.startingSlots(slots, blocks: blocks, stride: radix, digits: radix) { Int((key[$0] >> s) & mask) }
                                parallelFor(blocks.count) { b in
                                    let next = UnsafeMutableBufferPointer(rebasing: slots[(b * radix)..<((b + 1) * radix)])
                                    for i in blocks[b] {
                                        let k = key[i], digit = Int((k >> s) & mask), to = next[digit]
                                        keyOut[to] = k; idOut[to] = id[i]
                                        next[digit] = to &+ 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keysOut)
            swap(&ids, &idsOut)
            shift += digitBits
        }
    }
}

extension ParallelRadixSort {
    /// One pass's starting slots: every fixed block counts its rows' digits (`digit(row)`, in
    /// `0..<digits`) in parallel into `slots[b × stride ..< b × stride + digits]`, and the counts
    /// become starting slots in digit-then-block order, the serial stable pass's.
    @inline(__always)
    static func startingSlots(_ slots: UnsafeMutableBufferPointer<Int>, blocks: [Range<Int>], stride: Int, digits: Int,
                              digit: (Int) -> Int) {
        parallelFor(blocks.count) { b in
            let counts = UnsafeMutableBufferPointer(rebasing: slots[(b * stride)..<(b * stride + digits)])
            counts.update(repeating: 0)
            for i in blocks[b] { counts[digit(i)] &+= 1 }
        }
        var total = 0
        for d in 0..<digits {
            for b in 0..<blocks.count {
                let c = slots[b * stride + d]
                slots[b * stride + d] = total
                total += c
            }
        }
    }
}

/// The stable order of signed keys (`stableOrder(byKeys:)`), with the keys in that order.
/// - Returns: ids `0..<keys.count` ordered by `(keys[id], id)`, and the keys in that order.
package func parallelStableOrder(byKeys keys: [Int64]) -> (order: [Int32], sortedKeys: [Int64]) {
    let n = keys.count
    // Flip the sign bit so unsigned order equals signed order.
    // Filled in parallel below (no serial zero-fill first).
    var flipped = [UInt64](unsafeUninitializedCapacity: n) { _, count in count = n }
    var ids = [Int32](unsafeUninitializedCapacity: n) { _, count in count = n }
    flipped.withUnsafeMutableBufferPointer { flipped in
        ids.withUnsafeMutableBufferPointer { ids in
            parallelRanges(n, size: ParallelRadixSort.blockRows) { block in
                for i in block { flipped[i] = UInt64(bitPattern: keys[i]) ^ (1 << 63); ids[i] = Int32(i) }
            }
        }
    }
    ParallelRadixSort.sort(keys: &flipped, ids: &ids)
    let sorted = [Int64](unsafeUninitializedCapacity: n) { out, count in
        flipped.withUnsafeBufferPointer { flipped in
            parallelRanges(n, size: ParallelRadixSort.blockRows) { block in
                for i in block { out[i] = Int64(bitPattern: flipped[i] ^ (1 << 63)) }
            }
        }
        count = n
    }
    return (ids, sorted)
}
