import ClienteleSupport
import ClienteleStore

/// The deterministic train/test split: a customer is a test row when a hash of its customer_id
/// bytes and the seed, read as a uniform number in [0, 1), falls below `testShare`.
///
/// h = mix(FNV-1a-64(customer_id bytes) ⊕ mix(seed)), u = ⌊h / 2¹¹⌋ · 2⁻⁵³, test ⇔ u < testShare,
/// where FNV-1a-64 is Fowler–Noll–Vo 1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) and
/// mix(x) is SplitMix64's output for state x: x + 0x9e3779b97f4a7c15 through its finaliser
/// (Steele, Lea & Flood 2014). A customer's side depends only on
/// its own id and the seed: not on the other customers, the input order or the thread count, so
/// the same customer stays on the same side as history grows. The formula is part of the
/// contract: changing it changes every reported evaluation.
public struct ChurnSplit: Sendable, Hashable {
    /// Expected share of test rows, in (0, 1). Default 0.3.
    public var testShare: Double
    /// Seed: the same seed gives the same split.
    public var seed: UInt64

    public init(testShare: Double = 0.3, seed: UInt64 = 1) {
        self.testShare = testShare
        self.seed = seed
    }

    /// Checks `testShare` ∈ (0, 1).
    /// - Throws: `ChurnError.invalidSetting` (exit 64).
    public func validate() throws(ChurnError) {
        guard testShare > 0, testShare < 1 else {
            throw .invalidSetting(name: "testShare", value: "\(testShare)", requirement: "should be in (0, 1) (exclusive)")
        }
    }

    /// The uniform number in [0, 1) that places `key` (customer_id bytes).
    public func position(of key: UnsafeRawBufferPointer) -> Double {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let mixed = Self.mix(h ^ Self.mix(seed))
        return Double(mixed >> 11) * 0x1.0p-53
    }

    /// Whether the customer with these customer_id bytes is a test row.
    public func isTest(_ key: UnsafeRawBufferPointer) -> Bool { position(of: key) < testShare }

    /// Whether `customerID` (UTF-8) is a test row.
    public func isTest(customerID: String) -> Bool {
        var id = customerID
        return id.withUTF8 { isTest(UnsafeRawBufferPointer($0)) }
    }

    /// Test flags for `customers` (ids into `index`).
    public func testFlags(for customers: [Int32], in index: CustomerIndex) -> [Bool] {
        writeOnceColumns(of: Bool.self, 1, length: customers.count) { out in
            let flags = out[0]
            parallelRanges(customers.count, size: 65_536) { range in
                for r in range { flags[r] = index.withKey(customers[r]) { isTest($0) } }
            }
        }[0]
    }

    /// SplitMix64's output for state `value`: the golden-gamma step, then its finaliser (variant 13 of
    /// Stafford's mixers). A bijection on 64-bit words.
    @inline(__always)
    package static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
