import ClienteleSupport

/// Why `clientele generate` failed: a bad setting (exit 64), an output that cannot be created
/// (73) or a write that failed (74). Each message names the setting or the path.
public enum SyntheticError: ClienteleError, Equatable {
    /// A configuration value out of range: `customers=0 should be >= 1`.
    case invalidSetting(name: String, value: String, requirement: String)
    /// The output directory is missing and cannot be created, or is not a directory.
    case cannotCreateDirectory(path: String, reason: String)
    /// An output file (or its temporary file) cannot be opened or put in place.
    case cannotCreateFile(path: String, reason: String)
    /// Writing or closing an output file failed (disk full, I/O error).
    case writeFailed(path: String, reason: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidSetting: .usage
        case .cannotCreateDirectory, .cannotCreateFile: .cantCreate
        case .writeFailed: .ioError
        }
    }

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, requirement):
            "generate: \(name)=\(value) \(requirement)"
        case let .cannotCreateDirectory(path, reason):
            "\(path): cannot create the output directory: \(reason); choose another --out"
        case let .cannotCreateFile(path, reason):
            "\(path): cannot create the file: \(reason); check permissions or choose another --out"
        case let .writeFailed(path, reason):
            "\(path): write failed: \(reason); check free space; no partial file was left in place"
        }
    }
}
