import Foundation
import Testing
@testable import Clientele

@Suite("Shortest round-trip decimals without allocation")
struct ReportShortestDecimalTests {
    static func text(_ x: Double) -> String {
        var bytes = [UInt8](repeating: 0, count: ShortestDecimal.maxLength)
        let n = bytes.withUnsafeMutableBufferPointer { ShortestDecimal.write(x, to: $0.baseAddress!) }
        return String(decoding: bytes[..<n], as: UTF8.self)
    }

    @Test("equals Double.description on random values and bit patterns around the fast range and next to powers of ten and two, and reads back exactly")
    func randomValues() {
        var g = SeededGenerator(seed: 12)
        var mismatches: [Double] = []
        for i in 0..<1_000_000 {
            let magnitude = Double.random(in: -5...16, using: &g)
            var x = pow(10, magnitude)
            if i % 3 == 0 { x = -x }
            if i % 7 == 0 { x = (x * 1000).rounded() / 1000 }  // short decimals, the common case
            let t = Self.text(x)
            if t != x.description || Double(t) != x { mismatches.append(x) }
        }
        // Every bit pattern is as likely: all significands, exponents across the fast range and beyond.
        for _ in 0..<500_000 {
            let x = Double(sign: Bool.random(using: &g) ? .minus : .plus, exponentBitPattern: UInt.random(in: 1000...1080, using: &g),
                           significandBitPattern: UInt64.random(in: 0..<(1 << 52), using: &g))
            let t = Self.text(x)
            if t != x.description || Double(t) != x { mismatches.append(x) }
        }
        // Neighbours of powers of ten and two, where the decimal exponent and the gap below change.
        for e in -5...16 {
            for base in [pow(10, Double(e)), pow(2, Double(e) * 3.3)] {
                var x = base.nextDown.nextDown
                for _ in 0..<5 {
                    if Self.text(x) != x.description || Double(Self.text(x)) != x { mismatches.append(x) }
                    x = x.nextUp
                }
            }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5).map { "\($0.description) → \(Self.text($0))" })")
    }

    @Test("hand-picked values: integers, powers of two and ten, the range's edges, zero and non-finite values")
    func edges() {
        let cases: [Double] = [1, 3, 0.5, 0.25, 0.1, 0.3, 2.0 / 3, 1e-4, 0.00010000000000000002, 9.999999999999999e14, 1e15, 123456789012345.6,
                               0.16346606414029768, 4.0, 3.6666666666666665, 0.0001220703125, 1024, 4503599627370496, -0.0, 0, 1e-5, Double.leastNonzeroMagnitude,
                               .greatestFiniteMagnitude, .infinity, .nan, 7.5, 100, 0.9999999999999999, 1.0000000000000002]
        for x in cases { #expect(Self.text(x) == x.description, "\(x.description)") }
    }
}
