/// An RFC 4180 tokenizer over bytes: quoted fields holding delimiters, doubled quotes and line
/// breaks; LF, CRLF and lone CR line ends; blank lines skipped. Hand-written because it is the
/// ingest hot path: it walks a byte buffer once and emits field ranges (DuckDB's CSV scanner
/// design), with no allocation per field.
///
/// Lenient where RFC 4180 is silent and data is common: a quote inside an unquoted field is kept
/// as a literal byte. Strict where silence would lose data: text after a closing quote and an
/// unterminated quoted field are errors.
package struct CSVTokenizer {
    package enum Outcome: Equatable {
        /// Every byte up to the end was consumed into complete records.
        case complete
        /// The buffer ends inside a record that starts at this offset (more input is needed).
        case partial(recordStart: Int)
        /// `recordLimit` records (or malformations) were read; the next one starts at this offset.
        case stopped(at: Int)
    }

    /// A malformed record; tokenising stops at it when `stopOnError` is set, otherwise it is
    /// recorded and the tokenizer resynchronises at the next line end.
    package struct Malformation: Equatable {
        package var line: Int32
        package var column: Int32
        package var recordStart: Int32
        package var recordEnd: Int32
        package var reason: String
    }

    package var dialect: CSVDialect

    /// Tokenises `buffer[range]` into `batch`, numbering lines from `firstLine`.
    ///
    /// When `isFinal` is false a record that runs into the end of the range is left for the next
    /// buffer (`.partial`); when true, an unterminated last line is a complete record, and an
    /// unterminated quoted field is a malformation.
    /// - Returns: the outcome, the number of line breaks consumed, and malformations found.
    package func tokenize(_ buffer: UnsafeRawBufferPointer, range: Range<Int>, firstLine: Int32, isFinal: Bool,
                  into batch: RecordBatch, malformations: inout [Malformation],
                  recordLimit: Int = .max) -> (Outcome, newlines: Int32) {
        var seen = 0
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), !range.isEmpty else {
            return (.complete, 0)
        }
        let delimiter = dialect.delimiter, quote = dialect.quote
        let lf: UInt8 = 10, cr: UInt8 = 13
        var line = firstLine
        var i = range.lowerBound
        let end = range.upperBound

        recordLoop: while i < end {
            let recordStart = i
            let recordLine = line
            // Blank lines are not records.
            if base[i] == lf { line += 1; i += 1; continue }
            if base[i] == cr {
                if i + 1 < end { i += base[i + 1] == lf ? 2 : 1; line += 1; continue }
                if !isFinal { return (.partial(recordStart: recordStart), line - firstLine) }
                i += 1; line += 1; continue
            }
            let firstField = batch.fieldTotal
            var column: Int32 = 1
            fieldLoop: while true {
                if i < end && base[i] == quote {
                    // Quoted field.
                    i += 1
                    let fieldStart = i
                    var escapes = false
                    while true {
                        while i < end && base[i] != quote {
                            if base[i] == lf || (base[i] == cr && (i + 1 >= end || base[i + 1] != lf)) { line += 1 }
                            i += 1
                        }
                        if i >= end {
                            if !isFinal { batch.dropFields(from: firstField); return (.partial(recordStart: recordStart), recordLine - firstLine) }
                            malformations.append(Malformation(line: recordLine, column: column, recordStart: Int32(recordStart), recordEnd: Int32(end),
                                                              reason: "unterminated quoted field (a quote opened here is never closed)"))
                            batch.dropFields(from: firstField)
                            return (.complete, line - firstLine)
                        }
                        // base[i] is a quote: doubled (escaped) or closing?
                        if i + 1 < end && base[i + 1] == quote { escapes = true; i += 2; continue }
                        if i + 1 >= end && !isFinal { batch.dropFields(from: firstField); return (.partial(recordStart: recordStart), recordLine - firstLine) }
                        break
                    }
                    batch.appendField(start: fieldStart, end: i, hasEscapes: escapes)
                    i += 1
                    if i >= end {
                        if !isFinal { batch.dropFields(from: firstField); return (.partial(recordStart: recordStart), recordLine - firstLine) }
                        batch.appendRecord(start: recordStart, end: i, line: recordLine)
                        break recordLoop
                    }
                    let next = base[i]
                    if next == delimiter { i += 1; column += 1; continue fieldLoop }
                    if next == lf || next == cr {
                        batch.appendRecord(start: recordStart, end: i, line: recordLine)
                        if let after = lineEnd(base, i, end, isFinal) {
                            i = after; line += 1; seen += 1
                            if seen >= recordLimit { return (.stopped(at: i), line - firstLine) }
                            continue recordLoop
                        }
                        batch.dropLastRecord()
                        return (.partial(recordStart: recordStart), recordLine - firstLine)
                    }
                    // Text after a closing quote: malformed; skip to the end of the physical line.
                    var j = i
                    while j < end && base[j] != lf && base[j] != cr { j += 1 }
                    if !isFinal && (j >= end || (base[j] == cr && j + 1 >= end)) { batch.dropFields(from: firstField); return (.partial(recordStart: recordStart), recordLine - firstLine) }
                    malformations.append(Malformation(line: line, column: column, recordStart: Int32(recordStart), recordEnd: Int32(j),
                                                      reason: "unexpected character after a closing quote (a quote inside a quoted field must be doubled)"))
                    batch.dropFields(from: firstField)
                    if j >= end { return (.complete, line - firstLine) }
                    guard let after = lineEnd(base, j, end, isFinal) else { return (.partial(recordStart: recordStart), recordLine - firstLine) }
                    i = after; line += 1; seen += 1
                    if seen >= recordLimit { return (.stopped(at: i), line - firstLine) }
                    continue recordLoop
                } else {
                    // Unquoted field: up to the delimiter or line end.
                    let fieldStart = i
                    i = nextSpecial(base, from: i, end: end)
                    batch.appendField(start: fieldStart, end: i, hasEscapes: false)
                    if i >= end {
                        if !isFinal { batch.dropFields(from: firstField); return (.partial(recordStart: recordStart), recordLine - firstLine) }
                        batch.appendRecord(start: recordStart, end: i, line: recordLine)
                        break recordLoop
                    }
                    if base[i] == delimiter { i += 1; column += 1; continue fieldLoop }
                    batch.appendRecord(start: recordStart, end: i, line: recordLine)
                    if let after = lineEnd(base, i, end, isFinal) {
                        i = after; line += 1; seen += 1
                        if seen >= recordLimit { return (.stopped(at: i), line - firstLine) }
                        continue recordLoop
                    }
                    batch.dropLastRecord()
                    return (.partial(recordStart: recordStart), recordLine - firstLine)
                }
            }
        }
        return (.complete, line - firstLine)
    }

    /// The offset of the first delimiter, LF or CR at or after `i` (or `end`).
    ///
    /// SWAR: eight bytes per step with the "has zero byte" bit trick (Mycroft; Anderson's Bit
    /// Twiddling Hacks). The lowest flagged byte is exact (borrows only propagate upwards), which
    /// is the one we need.
    @inline(__always)
    private func nextSpecial(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let d = ones &* UInt64(dialect.delimiter), lf = ones &* 10, cr = ones &* 13
        var i = start
        while i + 8 <= end {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let x = w ^ d, y = w ^ lf, z = w ^ cr
            let hit = ((x &- ones) & ~x | (y &- ones) & ~y | (z &- ones) & ~z) & highs
            if hit != 0 { return i + hit.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end {
            let c = base[i]
            if c == dialect.delimiter || c == 10 || c == 13 { return i }
            i += 1
        }
        return end
    }

    /// The offset after the line end at `i` (LF, CRLF or a lone CR); `nil` when a CR is the last
    /// byte of a non-final buffer (an LF may follow in the next one).
    @inline(__always)
    private func lineEnd(_ base: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ isFinal: Bool) -> Int? {
        if base[i] == 10 { return i + 1 }
        if i + 1 < end { return base[i + 1] == 10 ? i + 2 : i + 1 }
        return isFinal ? i + 1 : nil
    }



}
