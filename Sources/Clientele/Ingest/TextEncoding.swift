#if canImport(Glibc)
import Glibc
#endif

/// The text encoding of an input file (`encoding = "gbk"` in its job-file section). UTF-8 files
/// are read as they are; any other encoding iconv knows (GBK, GB18030, Latin-1, Windows-1252,
/// UTF-16 with a byte-order mark, …) is converted to UTF-8 while the file is read
/// (`TranscodingStream`), so everything after the reader sees UTF-8 bytes.
public struct TextEncoding: Sendable, Equatable, CustomStringConvertible {
    /// The name as the user wrote it, e.g. `gbk`.
    public let name: String

    /// nil when iconv does not know `name`.
    public init?(_ name: String) {
        let trimmed = name.trimmingSpaces()
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        guard let probe = iconv_open("UTF-8", trimmed), probe != iconv_t(bitPattern: -1) else { return nil }
        iconv_close(probe)
        self.name = trimmed
    }

    /// Whether the file is read as it is.
    public var isUTF8: Bool { ["UTF-8", "UTF8"].contains(name.uppercased()) }

    public var description: String { name }
}
