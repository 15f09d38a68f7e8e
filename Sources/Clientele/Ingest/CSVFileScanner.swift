import ClienteleSupport
import ClienteleStore

#if canImport(Glibc)
import Glibc
#endif

/// What a lane does with the records of its share of each block.
package protocol RecordConsumer {
    /// Converts `batch`'s records (tokenised from `buffer`) into columns; lines are
    /// `lineBase + batch.recordLine[i] - 1`. Returns false to stop reading (fail-fast).
    mutating func consume(_ batch: RecordBatch, buffer: UnsafeRawBufferPointer, lineBase: Int) -> Bool
    /// Records a row the tokenizer could not split into fields; false to stop reading (fail-fast).
    mutating func malformed(_ malformation: CSVTokenizer.Malformation, buffer: UnsafeRawBufferPointer, lineBase: Int) -> Bool
}

/// Streams a CSV file in fixed-size blocks and hands each block's records to `lanes` consumers
/// in parallel, one contiguous share each.
///
/// Splitting a block needs the quote state at the split point: one counting pass over the first
/// share gives the quote parity (RFC 4180 quotes come in pairs), and the split is the next line
/// end outside quotes. Lane 0 then checks that its share really ends on a record boundary (a
/// stray literal quote can fool the parity); if not, the block is tokenised sequentially. So the
/// records are exactly those of a sequential scan, whatever the number of lanes.
/// Memory is one block (default 8 MiB) plus one batch per share a block was split into (at most one
/// a lane, and one for a file under 2 MiB), whatever the file size.
package struct CSVFileScanner {
    package var path: String
    package var dialect: CSVDialect
    package var blockSize: Int = 8 << 20
    /// The file's encoding when it is not UTF-8 (converted while read), and the job-file section
    /// that sets it, for messages.
    package var encoding: TextEncoding? = nil
    package var section: String = "transactions"
    /// A PostgreSQL table or query to read instead of `path` (which then names it in messages).
    package var database: DatabaseSource? = nil

    /// `-` names standard input (a pipe, or a file redirected to it), read once from the start.
    package static let standardInput = "-"
    package var isStandardInput: Bool { path == Self.standardInput }

    package struct Header {
        package var names: [String]
        /// 1-based line of the first data record.
        package var firstDataLine: Int
        /// Data records expected in the file, from its size and the first block's line density.
        package var estimatedRecords: Int = 0
    }

    /// Reads the header, lets `prepare` build the lane consumers from it, then streams the rest.
    package func scan<Consumer: RecordConsumer>(lanes laneCount: Int,
                                        prepare: (Header) throws -> [Consumer]) throws -> [Consumer] {
        let fd = database != nil ? -1 : isStandardInput ? STDIN_FILENO : open(path, O_RDONLY)
        if fd < 0 && database == nil {
            let code = errno
            if code == ENOENT { throw IngestError.missingFile(path: path) }
            throw IngestError.unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { if fd >= 0 && !isStandardInput { close(fd) } }
        var fileType = stat()
        let isRegularFile = fd >= 0 && fstat(fd, &fileType) == 0 && (fileType.st_mode & S_IFMT) == S_IFREG
        // A plain regular file is read at offsets on every thread; anything else front to back:
        // a pipe (through zlib, which passes plain bytes through and inflates gzip), a gzip file,
        // or a file in another encoding (converted to UTF-8 after decompression).
        let compressed = database == nil && (!isRegularFile || GzipStream.startsWithMagic(fd))
        let transcoded = encoding.map { !$0.isUTF8 } ?? false
        var stream: (any ByteStream)? = nil
        if compressed || transcoded || database != nil {
            var s: any ByteStream
            if let database { s = try PostgresCopyStream(database) }
            else if compressed { s = try GzipStream(fd: fd, path: path) }
            else { s = DescriptorStream(fd: fd, path: path) }
            if transcoded, let encoding { s = try TranscodingStream(s, encoding: encoding, path: path, section: section) }
            stream = s
        }
        let progress = RunProgress.current
        if let progress, isRegularFile, !compressed { progress.expect(totalBytes: Int(fileType.st_size)) }
        var capacity = max(blockSize, 64)
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        var carry = 0
        /// Bytes of the file read so far.
        var fileOffset = 0
        var lineBase = 1
        var atStart = true
        var lanes: [Consumer] = []
        // One batch per share, made when a block first splits that far (about 0.9 MiB each): a file
        // too small to split needs one, however many lanes were asked for.
        var batches: [RecordBatch] = []
        let tokenizer = CSVTokenizer(dialect: dialect)
        // Quote counts of the pieces just read (regular files, several lanes): `split` sums them.
        var quoteIndex = QuoteIndex()

        while true {
            // Fill the buffer after the carried partial record.
            var filled = carry
            var eof = false
            quoteIndex = QuoteIndex()
            if stream == nil {
                let got: Int
                (got, eof) = try readBlock(fd, at: fileOffset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[carry..<capacity]),
                                           countingQuotes: laneCount > 1 ? dialect.quote : nil, index: &quoteIndex, indexBase: carry)
                filled += got
                fileOffset += got
            } else if let stream {
                // One sequential reader; a converted character needs a few bytes of room.
                if capacity - filled < 64 { try grow(&buffer, &capacity, keeping: filled) }
                while capacity - filled >= 64 {
                    let n = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<capacity]))
                    if n == 0 { eof = true; break }
                    filled += n
                }
            }
            progress?.advance(bytes: filled - carry)
            var start = 0
            if atStart {
                if filled >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
                if filled == start && eof { throw IngestError.emptyFile(path: path) }
            }
            let view = UnsafeRawBufferPointer(buffer)

            if atStart {
                // The header: the first record, tokenised alone.
                let headerBatch = RecordBatch()
                var malformed: [CSVTokenizer.Malformation] = []
                let (outcome, newlines) = tokenizer.tokenize(view, range: start..<filled, firstLine: 1, isFinal: eof,
                                                             into: headerBatch, malformations: &malformed, recordLimit: 1)
                let headerEnd: Int
                switch outcome {
                case .stopped(let at): headerEnd = at
                case .complete: headerEnd = filled
                case .partial:
                    if eof { throw IngestError.emptyFile(path: path) }
                    try grow(&buffer, &capacity, keeping: filled); carry = filled; continue
                }
                if let m = malformed.first {
                    throw IngestError.badRow(RejectedRow(file: path, line: Int(m.line), column: Int(m.column), columnName: nil,
                                                         reason: .malformedCSV, message: "header: " + m.reason, rawLine: ""))
                }
                guard headerBatch.count == 1 else { throw IngestError.emptyFile(path: path) }
                let names = try (0..<headerBatch.fieldCount(0)).map { j throws(IngestError) -> String in
                    let f = headerBatch.fields[Int(headerBatch.recordFields[0]) + j]
                    let raw = UnsafeRawBufferPointer(rebasing: view[Int(f.start)..<Int(f.end)])
                    let bytes = f.hasEscapes ? collapseDoubledQuotes(raw, quote: dialect.quote) : Array(raw)
                    guard let name = String(validating: bytes, as: UTF8.self) else {
                        throw IngestError.headerNotUTF8(path: path, column: j + 1, bytes: Array(bytes.prefix(8)), section: section)
                    }
                    return name.trimmingSpaces()
                }
                lineBase = 1 + Int(newlines)
                var header = Header(names: names, firstDataLine: lineBase)
                var fileInfo = stat()
                if fd >= 0, fstat(fd, &fileInfo) == 0, filled > headerEnd {
                    let sample = min(filled - headerEnd, 1 << 20)
                    let newlines = countBytes(view.baseAddress!.assumingMemoryBound(to: UInt8.self) + headerEnd, sample, 10)
                    header.estimatedRecords = Int(Double(fileInfo.st_size) * Double(max(1, newlines)) / Double(sample))
                }
                lanes = try prepare(header)
                atStart = false
                start = headerEnd
            }

            // Split the block into one share per lane.
            let shares = split(view, start..<filled, lanes: lanes.count, quotes: quoteIndex)
            while batches.count < shares.count { batches.append(RecordBatch(fieldCapacity: 1 << 16, recordCapacity: 1 << 13)) }
            var outcomes = [CSVTokenizer.Outcome](repeating: .complete, count: shares.count)
            var newlineCounts = [Int32](repeating: 0, count: shares.count)
            var malformations = [[CSVTokenizer.Malformation]](repeating: [], count: shares.count)
            for batch in batches { batch.removeAll() }
            outcomes.withUnsafeMutableBufferPointer { outcomesPtr in
                newlineCounts.withUnsafeMutableBufferPointer { newlinesPtr in
                    malformations.withUnsafeMutableBufferPointer { malformedPtr in
                        parallelFor(shares.count) { k in
                            let last = k == shares.count - 1
                            let (outcome, newlines) = tokenizer.tokenize(
                                view, range: shares[k].range, firstLine: 1, isFinal: last && eof,
                                into: batches[k], malformations: &malformedPtr[k])
                            outcomesPtr[k] = outcome
                            newlinesPtr[k] = newlines
                        }
                    }
                }
            }
            // Every share but the last must end exactly on a record boundary.
            if outcomes.dropLast().contains(where: { $0 != .complete }) {
                for k in shares.indices { batches[k].removeAll(); malformations[k].removeAll() }
                let (outcome, newlines) = tokenizer.tokenize(view, range: start..<filled, firstLine: 1, isFinal: eof,
                                                             into: batches[0], malformations: &malformations[0])
                outcomes = [outcome]
                newlineCounts = [newlines]
            }
            // Line numbers where each share starts.
            var shareLineBase = [Int](repeating: lineBase, count: outcomes.count)
            for k in 1..<max(1, outcomes.count) { shareLineBase[k] = shareLineBase[k - 1] + Int(newlineCounts[k - 1]) }

            // Convert, one lane per share; lanes beyond the shares are idle this block.
            let used = outcomes.count
            var flags = [Bool](repeating: true, count: used)
            lanes.withUnsafeMutableBufferPointer { lanesPtr in
                flags.withUnsafeMutableBufferPointer { flagsPtr in
                    parallelFor(used) { k in
                        // Malformed records are reported with the others; under fail-fast the earliest
                        // line wins when the lanes' first errors are merged.
                        var keepGoing = true
                        for m in malformations[k] where !lanesPtr[k].malformed(m, buffer: view, lineBase: shareLineBase[k]) { keepGoing = false }
                        flagsPtr[k] = lanesPtr[k].consume(batches[k], buffer: view, lineBase: shareLineBase[k]) && keepGoing
                    }
                }
            }
            if flags.contains(false) { return lanes }

            // Carry the unfinished last record into the next block.
            let lastLine = shareLineBase[used - 1] + Int(newlineCounts[used - 1])
            switch outcomes[used - 1] {
            case .complete, .stopped:  // no limit is set here, so `.stopped` does not occur
                if eof { return lanes }
                carry = 0
                lineBase = lastLine
            case .partial(let recordStart):
                if eof { return lanes }
                let remaining = filled - recordStart
                memmove(buffer.baseAddress!, buffer.baseAddress! + recordStart, remaining)
                carry = remaining
                lineBase = lastLine
                // A record longer than the whole buffer: make room for it.
                if carry == capacity { try grow(&buffer, &capacity, keeping: carry) }
            }
        }
    }

    /// Bytes read per `pread` piece when a block is filled.
    package static let readPiece = 1 << 20

    /// Fills `destination` from the file at `offset`, in `readPiece` pieces read on every thread
    /// (the copy out of the page cache is a tenth of the scan's work; read on one thread it would
    /// be the scan's serial part). With `countingQuotes`, each piece's quote bytes are counted
    /// while it is in cache and recorded in `index` (offsets `indexBase` + position in
    /// `destination`), so that splitting the block has almost nothing left to count serially.
    /// Returns the bytes read and whether the file ended before `destination` was full. The
    /// pieces depend on the sizes only.
    private func readBlock(_ fd: Int32, at offset: Int, into destination: UnsafeMutableRawBufferPointer,
                           countingQuotes quote: UInt8?, index: inout QuoteIndex, indexBase: Int) throws -> (Int, Bool) {
        let pieces = splitBlocks(destination.count, size: Self.readPiece)
        var got = [Int](repeating: 0, count: pieces.count)
        var failure = [Int32](repeating: 0, count: pieces.count)
        var quotes = [Int](repeating: 0, count: pieces.count)
        quotes.withUnsafeMutableBufferPointer { quotes in
        got.withUnsafeMutableBufferPointer { got in
            failure.withUnsafeMutableBufferPointer { failure in
                parallelFor(pieces.count) { k in
                    var done = 0
                    let piece = pieces[k]
                    while done < piece.count {
                        let n = pread(fd, destination.baseAddress! + piece.lowerBound + done, piece.count - done,
                                      off_t(offset + piece.lowerBound + done))
                        if n < 0 {
                            if errno == EINTR { continue }
                            failure[k] = errno
                            break
                        }
                        if n == 0 { break }
                        done += n
                    }
                    got[k] = done
                    if let quote {
                        quotes[k] = countBytes(destination.baseAddress!.assumingMemoryBound(to: UInt8.self) + piece.lowerBound, done, quote)
                    }
                }
            }
        }}
        // The file is read up to the first short piece (its end, for a regular file).
        var total = 0
        for (k, piece) in pieces.enumerated() {
            if failure[k] != 0 { throw IngestError.unreadable(path: path, reason: String(cString: strerror(failure[k]))) }
            total += got[k]
            if quote != nil { index.add(indexBase + piece.lowerBound..<indexBase + piece.lowerBound + got[k], quotes: quotes[k]) }
            if got[k] < piece.count { return (total, true) }
        }
        return (total, false)
    }

    /// Quote bytes per piece of the buffer, counted while the pieces were read; ranges ascending.
    private struct QuoteIndex {
        private var pieces: [Range<Int>] = []
        private var counts: [Int] = []

        mutating func add(_ piece: Range<Int>, quotes: Int) {
            pieces.append(piece)
            counts.append(quotes)
        }

        /// The quote bytes in `range` of `base`: whole pieces from the index, the rest counted.
        func count(_ range: Range<Int>, in base: UnsafePointer<UInt8>, quote: UInt8, counter: (UnsafePointer<UInt8>, Int, UInt8) -> Int) -> Int {
            var n = 0, position = range.lowerBound
            for (piece, quotes) in zip(pieces, counts) where piece.upperBound > position {
                if piece.lowerBound >= range.upperBound { break }
                if position < piece.lowerBound {
                    n += counter(base + position, piece.lowerBound - position, quote)
                    position = piece.lowerBound
                }
                let end = min(piece.upperBound, range.upperBound)
                n += position == piece.lowerBound && end == piece.upperBound ? quotes : counter(base + position, end - position, quote)
                position = end
                if position == range.upperBound { break }
            }
            if position < range.upperBound { n += counter(base + position, range.upperBound - position, quote) }
            return n
        }
    }

    private struct Share { var range: Range<Int> }

    /// Splits `range` into up to `lanes` shares at line ends outside quotes; the quote parity at
    /// each cut comes from `quotes` (counted while reading) where it covers the bytes.
    private func split(_ view: UnsafeRawBufferPointer, _ range: Range<Int>, lanes: Int, quotes: QuoteIndex) -> [Share] {
        let minShare = 1 << 20
        guard lanes > 1, range.count >= 2 * minShare else { return [Share(range: range)] }
        var shares: [Share] = []
        var start = range.lowerBound
        var quotesBefore = 0
        var scanned = range.lowerBound
        let base = view.baseAddress!.assumingMemoryBound(to: UInt8.self)
        for k in 1..<lanes {
            let target = range.lowerBound + range.count * k / lanes
            guard target > start else { continue }
            quotesBefore &+= quotes.count(scanned..<target, in: base, quote: dialect.quote, counter: countBytes)
            var inQuotes = quotesBefore & 1 == 1
            var i = target
            while i < range.upperBound {
                let c = base[i]
                if c == dialect.quote { inQuotes.toggle() } else if c == 10 && !inQuotes { break }
                i += 1
            }
            guard i < range.upperBound else { break }
            quotesBefore &+= countBytes(base + target, i - target, dialect.quote)
            scanned = i + 1
            shares.append(Share(range: start..<(i + 1)))
            start = i + 1
        }
        shares.append(Share(range: start..<range.upperBound))
        return shares
    }

    /// Counts `byte` in `count` bytes at `p`, 32 bytes per step: a matching lane of the
    /// comparison mask is all ones (−1), so subtracting the mask counts in each byte lane, and the
    /// lanes are widened and summed every 255 steps, before a lane can wrap. About ten times the
    /// speed of eight-byte SWAR. It runs on every thread as the pieces are read; what it still
    /// counts when a block is split (the carried bytes and the part of one piece) is serial.
    private func countBytes(_ p: UnsafePointer<UInt8>, _ count: Int, _ byte: UInt8) -> Int {
        let pattern = SIMD32<UInt8>(repeating: byte)
        var n = 0, i = 0
        while i + 32 <= count {
            var lanes = SIMD32<UInt8>()
            let last = min(count - 32, i + 254 * 32)
            while i <= last {
                let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD32<UInt8>.self)
                lanes &-= unsafeBitCast(v .== pattern, to: SIMD32<UInt8>.self)
                i += 32
            }
            n &+= Int(SIMD32<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        }
        while i < count { n &+= p[i] == byte ? 1 : 0; i += 1 }
        return n
    }

    private func grow(_ buffer: inout UnsafeMutableRawBufferPointer, _ capacity: inout Int, keeping: Int) throws {
        guard capacity < Int(Int32.max) / 2 else {
            throw IngestError.unreadable(path: path, reason: "a single record is larger than 1 GiB; is the quote character right?")
        }
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * 2, alignment: 64)
        bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: keeping)
        buffer.deallocate()
        buffer = bigger
        capacity *= 2
    }
}
