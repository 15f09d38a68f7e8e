/// Rows per distinct value of a field whose value Clientele does not know, such as an interaction
/// `kind` other than support, complaint, survey, marketing or other: such rows are still used (the
/// kind counts as `other`), and these counts put the values in the report, so a new kind in the
/// export is seen rather than silently folded in.
///
/// Bounded whatever the file: up to `trackedValues` distinct values are counted, each by its first
/// `maximumValueBytes` bytes; rows with a further value are counted in `untrackedRows`.
public struct UnknownValueCounts: Sendable, Equatable {
    /// The most distinct values counted one by one.
    public static let trackedValues = 1_000
    /// Values are counted by their first bytes (a field of megabytes must not be kept whole).
    public static let maximumValueBytes = 128

    /// Rows per value, as written in the file (cut at `maximumValueBytes`).
    public private(set) var rows: [String: Int] = [:]
    /// Rows whose value was not counted by name because `trackedValues` values were already.
    public private(set) var untrackedRows = 0

    public init() {}

    /// Every row counted: `rows` summed, plus `untrackedRows`.
    public var totalRows: Int { rows.values.reduce(untrackedRows, +) }

    /// Adds `count` rows of `value` (the counts of one lane into the file's, lanes in file order).
    package mutating func add(_ value: String, rows count: Int) {
        if rows[value] != nil || rows.count < Self.trackedValues {
            rows[value, default: 0] += count
        } else {
            untrackedRows += count
        }
    }

    package mutating func addUntracked(rows count: Int) { untrackedRows += count }

    /// The `limit` values with the most rows (ties in byte order of the value), and the rows of
    /// all the others, `untrackedRows` included: what the report lists.
    public func listed(limit: Int) -> (values: [(value: String, rows: Int)], otherRows: Int) {
        let sorted = rows.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        let shown = sorted.prefix(max(0, limit)).map { (value: $0.key, rows: $0.value) }
        return (shown, totalRows - shown.reduce(0) { $0 + $1.rows })
    }
}

extension UnknownValueCounts {
    /// `chat: 12, sms: 3, other kinds: 2` (the `limit` values with the most rows, a blank value as
    /// `(blank)`), for a log line; the logger escapes control characters in it.
    public func summary(limit: Int) -> String {
        let (values, others) = listed(limit: limit)
        return (values.map { "\($0.value.isEmpty ? "(blank)" : $0.value): \($0.rows)" } + (others > 0 ? ["other kinds: \(others)"] : []))
            .joined(separator: ", ")
    }
}

/// One lane's `UnknownValueCounts`, kept as interned bytes: no `String` per row on the ingest path.
package struct UnknownValueCounter: Sendable {
    package private(set) var values = KeyInterner(capacity: 16)
    package private(set) var rows: [Int] = []
    package private(set) var untrackedRows = 0

    package init() {}

    /// Counts one row of `value`.
    package mutating func add(_ value: UnsafeRawBufferPointer) {
        let key = UnsafeRawBufferPointer(rebasing: value.prefix(UnknownValueCounts.maximumValueBytes))
        if let id = values.lookup(key) {
            rows[Int(id)] += 1
        } else if values.count < UnknownValueCounts.trackedValues {
            _ = values.intern(key)
            rows.append(1)
        } else {
            untrackedRows += 1
        }
    }

    /// Counts one row whose value is past the tracked ones.
    package mutating func addUntracked() { untrackedRows += 1 }

    /// Adds this lane's counts to `counts`, values in the order the lane first saw them.
    package func merge(into counts: inout UnknownValueCounts) {
        for id in 0..<Int32(values.count) { counts.add(values.string(id), rows: rows[Int(id)]) }
        counts.addUntracked(rows: untrackedRows)
    }
}
