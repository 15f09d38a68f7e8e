import ClienteleStore

/// `segments.csv`: one row per segment of the map, in report order.
package struct SegmentsCSVWriter {
    package let segments: [RunReport.Segment]
    /// How segment names are written (`CSVCellPolicy`).
    package var cellPolicy: CSVCellPolicy = .neutralizeFormulas

    package init(segments: [RunReport.Segment], cellPolicy: CSVCellPolicy = .neutralizeFormulas) {
        self.segments = segments
        self.cellPolicy = cellPolicy
    }

    package func bytes() -> [UInt8] {
        var b = ByteBuffer()
        b.text("segment,customers,share,revenue,revenue_share,mean_recency_days,mean_frequency,mean_monetary\n")
        for s in segments {
            b.field(s.segment, policy: cellPolicy); b.comma()
            b.int(s.customers); b.comma()
            b.double(s.share); b.comma()
            if let c = CentsLimit.cents(units: s.revenue) { b.cents(c) }; b.comma()
            if let v = s.revenueShare { b.double(v) }; b.comma()
            if let v = s.meanRecencyDays { b.double(v) }; b.comma()
            if let v = s.meanFrequency { b.double(v) }; b.comma()
            if let v = s.meanMonetary { b.double(v) }
            b.newline()
        }
        return b.bytes
    }
}

/// `rejects.csv`: `file, line, column, reason, raw_line`, in file then line order.
package struct RejectsCSVWriter {
    package let rejects: [RejectedRow]
    /// How the file, reason and raw line are written (`CSVCellPolicy`): the raw line is the
    /// input's own text, the likeliest cell to start with `=`.
    package var cellPolicy: CSVCellPolicy = .neutralizeFormulas

    package init(rejects: [RejectedRow], cellPolicy: CSVCellPolicy = .neutralizeFormulas) {
        self.rejects = rejects
        self.cellPolicy = cellPolicy
    }

    package func bytes() -> [UInt8] {
        var b = ByteBuffer()
        b.text("file,line,column,reason,raw_line\n")
        for r in rejects {
            b.field(r.file, policy: cellPolicy); b.comma()
            b.int(r.line); b.comma()
            if let c = r.column { b.int(c) }; b.comma()
            b.field("\(r.reason.rawValue): \(r.columnName.map { "\($0): " } ?? "")\(r.message)", policy: cellPolicy); b.comma()
            b.field(r.rawLine, policy: cellPolicy)
            b.newline()
        }
        return b.bytes
    }
}
