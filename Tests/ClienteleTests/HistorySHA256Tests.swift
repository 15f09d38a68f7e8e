import Foundation
import Testing
@testable import Clientele

@Suite("SHA256Hasher")
struct HistorySHA256Tests {
    static func digest(_ bytes: [UInt8]) -> String {
        var h = SHA256Hasher()
        h.update(bytes)
        return SHA256Hasher.hex(h.finalize())
    }

    @Test("FIPS 180-4 example messages give the published digests", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func vectors(message: String, expected: String) {
        #expect(Self.digest(Array(message.utf8)) == expected)
    }

    @Test("one million 'a' bytes, fed in uneven pieces, give the published digest")
    func millionA() {
        var h = SHA256Hasher()
        let a = [UInt8](repeating: 0x61, count: 1_000_000)
        var offset = 0, step = 1
        while offset < a.count {
            let end = min(a.count, offset + step)
            a[offset..<end].withUnsafeBytes { h.update($0) }
            offset = end
            step = step * 3 % 1_000 + 1
        }
        #expect(SHA256Hasher.hex(h.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("every length around the padding boundaries agrees whether fed whole or byte by byte")
    func paddingBoundaries() {
        for n in [55, 56, 57, 63, 64, 65, 119, 120, 128] {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var piecewise = SHA256Hasher()
            for b in bytes { piecewise.update([b]) }
            #expect(SHA256Hasher.hex(piecewise.finalize()) == Self.digest(bytes), "length \(n)")
        }
    }

    @Test("a file's hash matches sha256sum")
    func matchesSha256sum() throws {
        let tool = "/usr/bin/sha256sum"
        try #require(FileManager.default.isExecutableFile(atPath: tool), "coreutils' sha256sum is needed for this cross-check")
        try withHistoryFolder { folder in
            let path = folder.join("data.bin")
            var g = SeededGenerator(seed: 11)
            let bytes = (0..<(3 << 20) + 17).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = [path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let (hex, size) = try SHA256Hasher.hash(fileAt: path)
            #expect(size == Int64(bytes.count))
            #expect(output.split(separator: " ").first.map(String.init) == hex)
        }
    }
}
