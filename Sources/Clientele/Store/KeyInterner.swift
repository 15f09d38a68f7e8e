#if canImport(Glibc)
import Glibc
#endif

/// Interns byte-string keys (optionally qualified by an `Int32` tag) into dense `Int32` ids.
///
/// Hand-written because it sits on the ingest hot path: keys are copied once into a byte
/// arena, the table is open addressing with linear probing over stored hashes, and lookups
/// compare bytes with `memcmp`; no `String` is ever built. Ids are assigned 0, 1, 2, … in
/// first-seen order. The tag lets one interner hold composite keys such as (customer, order_id).
/// - Complexity: expected O(key length) per `intern` / `lookup`.
public struct KeyInterner: Sendable {
    /// Key bytes, back to back.
    @usableFromInline package var arena: [UInt8] = []
    /// Start of key `i` in `arena`; key `i` ends at `offsets[i + 1]`.
    @usableFromInline package var offsets: [Int] = [0]
    /// The tag of each key.
    @usableFromInline package var tags: [Int32] = []
    /// Each slot holds the key's upper 32 hash bits and `id + 1` (0 marks an empty slot), so a
    /// probe rejects other keys without touching the arena: one cache line per probe.
    @usableFromInline var slots: [UInt64]
    @usableFromInline var mask: Int

    /// The number of distinct keys.
    public var count: Int { tags.count }

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        arena.reserveCapacity(capacity * 10)
        offsets.reserveCapacity(capacity + 1)
        tags.reserveCapacity(capacity)
    }

    /// The id of `(tag, key)`, inserting it when new; `isNew` tells which.
    @inlinable @inline(__always)
    public mutating func intern(_ key: UnsafeRawBufferPointer, tag: Int32 = 0) -> (id: Int32, isNew: Bool) {
        intern(key, tag: tag, hash: KeyInterner.hash(key, tag: tag))
    }

    /// `intern(_:tag:)` with the key's hash already computed: `hash` must be
    /// `KeyInterner.hash(key, tag: tag)` (the partitioned ingest hashes each key once, to route it).
    @inlinable @inline(__always)
    package mutating func intern(_ key: UnsafeRawBufferPointer, tag: Int32 = 0, hash: UInt64) -> (id: Int32, isNew: Bool) {
        let (found, slot) = probe(key, tag: tag, hash: hash)
        if let found { return (found, false) }
        let id = Int32(tags.count)
        arena.append(contentsOf: key)
        offsets.append(arena.count)
        tags.append(tag)
        slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(id + 1)
        if tags.count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// The id of `(tag, key)`, or `nil` when it was never interned.
    @inlinable @inline(__always)
    public func lookup(_ key: UnsafeRawBufferPointer, tag: Int32 = 0) -> Int32? {
        probe(key, tag: tag, hash: KeyInterner.hash(key, tag: tag)).id
    }

    /// `lookup(_:tag:)` with `hash` = `KeyInterner.hash(key, tag: tag)` already computed.
    @inlinable @inline(__always)
    package func lookup(_ key: UnsafeRawBufferPointer, tag: Int32 = 0, hash: UInt64) -> Int32? {
        probe(key, tag: tag, hash: hash).id
    }


    /// Calls `body` with the bytes of key `id`.
    @inlinable public func withKey<R>(_ id: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = offsets[Int(id)], end = offsets[Int(id) + 1]
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// The tag key `id` was interned with.
    public func tag(of id: Int32) -> Int32 { tags[Int(id)] }

    /// The key as a `String` (for reports and messages, not for hot paths).
    public func string(_ id: Int32) -> String {
        withKey(id) { String(decoding: $0, as: UTF8.self) }
    }

    /// The key's id if present, and the slot where the probe ended (the empty slot to fill when absent).
    @inline(__always)
    @inlinable func probe(_ key: UnsafeRawBufferPointer, tag: Int32, hash: UInt64) -> (id: Int32?, slot: Int) {
        let check = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let entry = slots[slot]
                if entry == 0 { return (nil, slot) }
                if entry & 0xFFFF_FFFF_0000_0000 == check {
                    let id = Int(entry & 0xFFFF_FFFF) - 1
                    if tags[id] == tag {
                        let start = offsets[id], length = offsets[id + 1] - start
                        if length == key.count
                            && (length == 0 || arena.withUnsafeBytes { bytesEqual($0.baseAddress! + start, key.baseAddress!, length) }) {
                            return (Int32(id), slot)
                        }
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Doubles the table, rehashing keys from the arena (one sequential pass).
    @usableFromInline mutating func grow() {
        let size = slots.count * 2
        var table = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        arena.withUnsafeBytes { arena in
            table.withUnsafeMutableBufferPointer { table in
                for id in 0..<tags.count {
                    let key = UnsafeRawBufferPointer(rebasing: arena[offsets[id]..<offsets[id + 1]])
                    let hash = KeyInterner.hash(key, tag: tags[id])
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    while table[slot] != 0 { slot = (slot + 1) & mask }
                    table[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(id + 1)
                }
            }
        }
        slots = table
        self.mask = mask
    }

    /// A 64-bit hash of `(tag, key)`: 8-byte words through a multiply–xorshift mix
    /// (the wyhash/murmur finaliser family), then a final avalanche.
    @inlinable @inline(__always)
    public static func hash(_ key: UnsafeRawBufferPointer, tag: Int32) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* (UInt64(UInt32(bitPattern: tag)) &+ UInt64(key.count) &+ 1)
        var i = 0
        let n = key.count
        guard let base = key.baseAddress else { return mix(h) }
        while i + 8 <= n {
            let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = mix(h ^ word) &+ 0x6A09_E667_F3BC_C909
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift; shift += 8; i += 1 }
            h = mix(h ^ tail)
        }
        return mix(h)
    }

    /// The murmur3 64-bit finaliser.
    @inlinable @inline(__always)
    package static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z = (z ^ (z >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return z ^ (z >> 33)
    }
}

/// Whether `n` bytes at `a` and `b` are equal: 8-byte words, then the tail. Inlined where keys
/// are compared on hot paths (most keys are shorter than 16 bytes, where a `memcmp` call costs more).
@inlinable @inline(__always)
package func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}
