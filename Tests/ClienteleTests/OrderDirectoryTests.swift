import Testing
@testable import Clientele

@Suite("OrderDirectory: (customer, order key) → order id")
struct OrderDirectoryTests {
    /// Adds `key` for `customer` unless present, like the ingest lane does; returns the order id.
    static func order(_ d: inout OrderDirectory, _ customer: Int32, _ key: String) -> Int32 {
        var key = key
        return key.withUTF8 { raw in
            let bytes = UnsafeRawBufferPointer(raw)
            return d.find(customer: customer, key: bytes) ?? d.add(customer: customer, key: bytes)
        }
    }

    @Test("a key is one order per customer, the same key under two customers is two orders")
    func identity() {
        var d = OrderDirectory(capacity: 4)
        let a1 = Self.order(&d, 0, "o1"), b1 = Self.order(&d, 1, "o1"), a2 = Self.order(&d, 0, "o2")
        #expect([a1, b1, a2] == [0, 1, 2])
        #expect(Self.order(&d, 0, "o1") == a1)
        #expect(Self.order(&d, 1, "o1") == b1)
        #expect(Self.order(&d, 0, "o2") == a2)
        #expect(d.orders == 3)
        #expect(d.withKey(a2) { String(decoding: $0, as: UTF8.self) } == "o2")
    }

    @Test("customers past the list limit keep exact identities, interleaved and revisited in random order",
          arguments: [OrderDirectory.listLimit - 1, OrderDirectory.listLimit, OrderDirectory.listLimit + 1, 300])
    func heavyCustomers(ordersPerCustomer: Int) {
        var d = OrderDirectory(capacity: 16)
        var reference: [String: Int32] = [:]
        var rng = RandomSource(seed: UInt64(ordersPerCustomer))
        for round in 0..<3 {
            for k in 0..<ordersPerCustomer {
                for customer in Int32(0)..<3 {
                    // Revisit keys in a scrambled order after the first round.
                    let j = round == 0 ? k : Int(rng.next() % UInt64(ordersPerCustomer))
                    let key = "ord-\(j)"
                    let id = Self.order(&d, customer, key)
                    let name = "\(customer)/\(key)"
                    if let known = reference[name] { #expect(id == known, "\(name)") } else { reference[name] = id }
                }
            }
        }
        #expect(d.orders == 3 * ordersPerCustomer)
        #expect(Set(reference.values).count == reference.count)
        #expect(Self.order(&d, 2, "absent") == Int32(d.orders - 1))
    }

    @Test("empty and binary keys compare by bytes and length")
    func bytes() {
        var d = OrderDirectory(capacity: 4)
        let keys = ["", "\0", "\0\0", "a", "a\0", "abcdefgh", "abcdefgh\0", "abcdefghi"]
        let ids = keys.map { Self.order(&d, 7, $0) }
        #expect(ids == (0..<Int32(keys.count)).map { $0 })
        #expect(keys.map { Self.order(&d, 7, $0) } == ids)
    }
}
