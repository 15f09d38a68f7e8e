/// Resolves configured column names against a file's header.
package struct HeaderMap {
    package let path: String
    package let names: [String]
    private let positions: [String: [Int]]

    package init(path: String, names: [String]) {
        self.path = path
        self.names = names
        var positions: [String: [Int]] = [:]
        for (i, name) in names.enumerated() { positions[name.lowercased(), default: []].append(i) }
        self.positions = positions
    }

    /// The 0-based index of a required column (matched case-insensitively).
    package func required(_ name: String) throws(IngestError) -> Int {
        guard let index = try optional(name) else {
            throw IngestError.missingColumn(path: path, column: name, header: names)
        }
        return index
    }

    /// The 0-based index of an optional column, `nil` when absent.
    package func optional(_ name: String) throws(IngestError) -> Int? {
        guard let found = positions[name.lowercased()] else { return nil }
        if found.count > 1 { throw IngestError.duplicateColumn(path: path, column: name, positions: found.map { $0 + 1 }) }
        return found[0]
    }
}
