import Foundation
import Testing
@testable import Clientele

/// Interns `text`'s UTF-8 bytes.
private func intern(_ interner: inout KeyInterner, _ text: String, tag: Int32 = 0) -> (id: Int32, isNew: Bool) {
    Array(text.utf8).withUnsafeBytes { interner.intern($0, tag: tag) }
}

private func lookup(_ interner: KeyInterner, _ bytes: [UInt8], tag: Int32 = 0) -> Int32? {
    bytes.withUnsafeBytes { interner.lookup($0, tag: tag) }
}

private func key(_ interner: KeyInterner, _ id: Int32) -> [UInt8] { interner.withKey(id) { Array($0) } }

@Suite("KeyInterner: byte keys to dense ids")
struct IngestKeyInternerTests {
    @Test("ids are dense, in first-seen order; a key seen again keeps its id")
    func denseFirstSeen() {
        var interner = KeyInterner(capacity: 4)
        let results = ["b", "a", "c", "a", "b", "d"].map { intern(&interner, $0) }
        #expect(results.map(\.id) == [0, 1, 2, 1, 0, 3])
        #expect(results.map(\.isNew) == [true, true, true, false, false, true])
        #expect(interner.count == 4)
        #expect((0..<4).map { interner.string($0) } == ["b", "a", "c", "d"])
    }

    @Test("looking up an absent key finds nothing and adds nothing")
    func absent() {
        var interner = KeyInterner()
        _ = intern(&interner, "present")
        #expect(lookup(interner, Array("absent".utf8)) == nil)
        #expect(lookup(interner, Array("presen".utf8)) == nil)
        #expect(lookup(interner, Array("present\0".utf8)) == nil)
        #expect(lookup(interner, []) == nil)
        #expect(lookup(interner, Array("present".utf8)) == 0)
        #expect(interner.count == 1)
    }

    @Test("the same bytes under different tags are different keys")
    func tags() {
        var interner = KeyInterner()
        let ids = [Int32(1), 2, 0, -1, Int32.max].map { intern(&interner, "order-7", tag: $0).id }
        #expect(ids == [0, 1, 2, 3, 4])
        #expect(intern(&interner, "order-7", tag: 2) == (1, false))
        #expect(lookup(interner, Array("order-7".utf8), tag: 3) == nil)
        #expect((0..<5).map { interner.tag(of: $0) } == [1, 2, 0, -1, Int32.max])
    }

    @Test("keys are compared byte for byte: empty, NUL, 0xFF, prefixes, and lengths around the 8-byte words")
    func bytesExactly() {
        var keys: [[UInt8]] = [[], [0], [0, 0], [0xFF], Array("a".utf8), Array("a\0".utf8), Array("A".utf8), Array("é".utf8), Array("e\u{301}".utf8)]
        for length in [7, 8, 9, 15, 16, 17, 24, 25] {
            let base = (0..<length).map { UInt8(truncatingIfNeeded: 65 + $0) }
            keys.append(base)
            keys.append(Array(base.dropLast()) + [base.last! &+ 1])   // differs only in the last byte
            keys.append([base.first! &+ 1] + Array(base.dropFirst()))  // differs only in the first byte
        }
        var interner = KeyInterner(capacity: 2)
        for (k, bytes) in keys.enumerated() {
            let result = bytes.withUnsafeBytes { interner.intern($0) }
            #expect(result == (Int32(k), true), "key \(bytes)")
        }
        for (k, bytes) in keys.enumerated() {
            #expect(lookup(interner, bytes) == Int32(k))
            #expect(key(interner, Int32(k)) == bytes)
        }
    }

    @Test("growing from the smallest table keeps every key and id")
    func growth() {
        var interner = KeyInterner(capacity: 1)
        let n = 50_000
        for i in 0..<n {
            let result = intern(&interner, "customer-\(i)", tag: Int32(i % 3))
            if result != (Int32(i), true) { Issue.record("key \(i) got \(result)"); return }
        }
        #expect(interner.count == n)
        var misses = 0
        for i in stride(from: 0, to: n, by: 7) {
            if lookup(interner, Array("customer-\(i)".utf8), tag: Int32(i % 3)) != Int32(i) { misses += 1 }
            if lookup(interner, Array("customer-\(i)".utf8), tag: Int32(i % 3 + 1)) != nil { misses += 1 }
            if interner.string(Int32(i)) != "customer-\(i)" { misses += 1 }
        }
        #expect(misses == 0)
    }

    @Test("the hash depends on the tag and on every byte")
    func hash() {
        let bytes = Array("0123456789abcdefghij".utf8)
        let h = bytes.withUnsafeBytes { KeyInterner.hash($0, tag: 0) }
        #expect(bytes.withUnsafeBytes { KeyInterner.hash($0, tag: 1) } != h)
        #expect(bytes.withUnsafeBytes { KeyInterner.hash($0, tag: 0) } == h)
        for i in bytes.indices {
            var changed = bytes
            changed[i] ^= 1
            #expect(changed.withUnsafeBytes { KeyInterner.hash($0, tag: 0) } != h, "byte \(i)")
        }
        #expect(Array(bytes.prefix(8)).withUnsafeBytes { KeyInterner.hash($0, tag: 0) }
                != (Array(bytes.prefix(8)) + [0]).withUnsafeBytes { KeyInterner.hash($0, tag: 0) })
    }
}

@Suite("CustomerIndex: customer ids in byte order")
struct IngestCustomerIndexTests {
    /// The customer index of a transactions file with one row per key (keys written quoted).
    static func index(_ keys: [[UInt8]], _ folder: IngestFolder) throws -> CustomerIndex {
        var out = Array("customer_id,order_id,order_date,amount\n".utf8)
        for key in keys { out += referenceField(key, force: true) + Array(",o,2024-01-01,1\n".utf8) }
        return try ingestLoad(try folder.write("t.csv", bytes: out), options: ingestOptions(lanes: 2, blockSize: 97)).customers
    }

    @Test("ids follow the byte order of the keys, a prefix before its extensions; id(of:) finds each and nothing else")
    func sorted() throws {
        let keys = ["b", "a", "ab", "B", "é", "a\0", "10", "9", "Z"]
        try withIngestFolder { folder in
            let index = try Self.index(keys.map { Array($0.utf8) }, folder)
            #expect(index.count == keys.count)
            #expect((0..<Int32(index.count)).map { index.customerID($0) } == ["10", "9", "B", "Z", "a", "a\0", "ab", "b", "é"])
            for k in keys { #expect(index.id(of: k).map { index.customerID($0) } == k) }
            #expect(index.id(of: "c") == nil)
            #expect(index.id(of: "") == nil)
            #expect(Array("ab".utf8).withUnsafeBytes { index.id(of: $0) } == 6)
        }
    }

    @Test("random byte keys sort as [UInt8].lexicographicallyPrecedes does")
    func randomKeys() throws {
        var rng = IngestRandom(seed: 11)
        var keys = Set<[UInt8]>()
        for _ in 0..<3_000 {
            keys.insert((0..<Int.random(in: 1...10, using: &rng)).map { _ in rng.pick([0, 1, 0x41, 0x61, 0x7F, 0x80, 0xFF] as [UInt8]) })
        }
        let shuffled = keys.sorted { $0.lexicographicallyPrecedes($1) }.shuffled(using: &rng)
        try withIngestFolder { folder in
            let index = try Self.index(shuffled, folder)
            let ids = (0..<Int32(index.count)).map { id in index.withKey(id) { Array($0) } }
            #expect(ids == keys.sorted { $0.lexicographicallyPrecedes($1) })
            #expect(shuffled.allSatisfy { key in key.withUnsafeBytes { index.id(of: $0) }.map { index.withKey($0) { Array($0) } } == key })
        }
    }
}
