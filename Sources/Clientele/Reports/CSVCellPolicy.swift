/// How the CSV writers write a text cell that comes from data (customer ids, segment names, rejected
/// lines, file paths): a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, tab or carriage
/// return as a formula (CSV or formula injection, CWE-1236).
///
/// `.neutralizeFormulas`, the default, follows OWASP's CSV-injection guidance: such a cell gets a
/// leading `'`, which spreadsheets read as "text, not a formula", and is always quoted, quotes inside
/// doubled (RFC 4180): `=1+1` → `"'=1+1"`, `-1` → `"'-1"`. Every other cell is written as before, and
/// numbers Clientele formats itself (a negative amount such as `-12.50`) never pass through here.
/// `.raw` writes data as it is, for programs that read the files back (`--raw-csv`, `[run] raw_csv`).
/// - Reference: OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
public enum CSVCellPolicy: Sendable, Equatable {
    case neutralizeFormulas
    case raw

    /// `.raw` when `rawCSV` is set (the job file's `[run] raw_csv`, the CLI's `--raw-csv`).
    public init(rawCSV: Bool) { self = rawCSV ? .raw : .neutralizeFormulas }

    /// Whether a cell starting with byte `lead` would run as a formula: `=` `+` `-` `@` tab CR.
    @inline(__always) package static func isFormulaLead(_ lead: UInt8) -> Bool {
        // One word holds bits 9 (tab), 13 (CR), 43 (+), 45 (-) and 61 (=); `@` is 64.
        lead == 64 || (lead < 64 && (0x2000_2800_0000_2200 as UInt64) &>> UInt64(lead) & 1 != 0)
    }
}

extension ByteSink {
    /// A CSV text cell from data, written under `policy`: as `field(_:)` does, except that under
    /// `.neutralizeFormulas` a cell that would run as a formula is written `"'…"`. Only the first
    /// byte is tested, so the hot path (a customer id per row) pays one compare, nearly never taken.
    @inline(__always) package mutating func field(_ raw: UnsafeRawBufferPointer, policy: CSVCellPolicy) {
        if policy == .neutralizeFormulas, let lead = raw.first, CSVCellPolicy.isFormulaLead(lead) {
            neutralizedField(raw)
        } else {
            field(raw)
        }
    }

    package mutating func field(_ s: String, policy: CSVCellPolicy) {
        var s = s
        s.withUTF8 { field(UnsafeRawBufferPointer($0), policy: policy) }
    }

    /// `"'`, the cell with its quotes doubled, then `"`: OWASP's quoted, quote-prefixed form.
    private mutating func neutralizedField(_ raw: UnsafeRawBufferPointer) {
        byte(34); byte(39)
        for c in raw { if c == 34 { byte(34) }; byte(c) }
        byte(34)
    }
}
