import Foundation
import Testing
@testable import Clientele

/// Exports as they come: another encoding, a currency symbol and thousands separators, gzip,
/// standard input. Each loads to the same customers.csv as its plain UTF-8 twin.
@Suite("exports in other encodings, with currency symbols, compressed or piped", .serialized)
struct ExportFormatsTests {
    /// The plain twin: UTF-8, `.` decimals, no symbol, no grouping; amounts past a thousand,
    /// a return, and a customer id with a non-ASCII letter.
    static let rows: [(customer: String, order: String, day: String, amount: String)] = [
        ("Zoë", "A1", "2024-01-05", "4770.00"), ("Zoë", "A2", "2024-03-09", "1234567.89"),
        ("C2", "B1", "2024-02-11", "12.50"), ("C2", "B2", "2024-02-20", "-12.50"), ("C2", "B3", "2024-05-02", "980.10"),
        ("C3", "C1", "2024-01-30", "2500.00"), ("C4", "D1", "2024-04-14", "7.00"), ("C4", "D2", "2024-06-01", "10999.99"),
        ("C5", "E1", "2024-06-20", "310.00"), ("C6", "F1", "2024-02-02", "45.45"),
    ]

    static func plain() -> String {
        "customer_id,order_id,order_date,amount\n" + rows.map { "\($0.customer),\($0.order),\($0.day),\($0.amount)\n" }.joined()
    }

    /// `4770.00` as `4,770.00` (and `-12.50` as `-12.50`).
    static func grouped(_ amount: String) -> String {
        let negative = amount.hasPrefix("-")
        let parts = amount.drop { $0 == "-" }.split(separator: ".")
        var digits = String(parts[0]), out = ""
        while digits.count > 3 { out = "," + digits.suffix(3) + out; digits.removeLast(3) }
        return (negative ? "-" : "") + digits + out + "." + parts[1]
    }

    static let job = "[run]\nas_of = \"2024-07-01\"\n"

    /// customers.csv of a run of `arguments` in `scratch` (exit 0 expected).
    static func customers(_ arguments: [String], in scratch: ScratchFolder, out: String, input: CLI.Input = .none) throws -> String {
        let r = try CLI.run(["run"] + arguments + ["--out", out, "--quiet"], in: scratch.path, input: input)
        #expect(r.status == 0, "\(r.stderr)")
        return try text(scratch.join(out + "/customers.csv"))
    }

    static func write(_ scratch: ScratchFolder, _ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: scratch.join(name)))
    }

    static func gzip(_ bytes: [UInt8], in scratch: ScratchFolder) throws -> [UInt8] {
        try write(scratch, "gzip-input", bytes: bytes)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", scratch.join("gzip-input")]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return Array(data)
    }

    @Test("a GBK export with Chinese headers mapped in the job file, ￥ amounts with thousands separators, equals its UTF-8 twin")
    func gbk() throws {
        try withScratch { scratch in
            try scratch.write("plain.csv", Self.plain())
            try scratch.write("plain.toml", Self.job)
            let expected = try Self.customers(["plain.toml", "--transactions", "plain.csv"], in: scratch, out: "plain")
            // GBK bytes of 客户编号, 订单号, 下单日期, 金额 and ￥ (written out, not produced by iconv).
            let header: [UInt8] = [0xBF, 0xCD, 0xBB, 0xA7, 0xB1, 0xE0, 0xBA, 0xC5, 0x2C, 0xB6, 0xA9, 0xB5, 0xA5, 0xBA, 0xC5, 0x2C,
                                   0xCF, 0xC2, 0xB5, 0xA5, 0xC8, 0xD5, 0xC6, 0xDA, 0x2C, 0xBD, 0xF0, 0xB6, 0xEE, 0x0A]
            let yuan: [UInt8] = [0xA3, 0xA4]
            var file = header
            for row in Self.rows {
                // Zoë has no GBK form with the same letters: the twin's id is written in Latin letters both ways.
                let id = row.customer == "Zoë" ? "Zoe" : row.customer
                let amount = Self.grouped(row.amount)
                let signed = amount.hasPrefix("-") ? Array("-".utf8) + yuan + Array(amount.dropFirst().utf8) : yuan + Array(amount.utf8)
                file += Array("\"\(id)\",\(row.order),\(row.day),\"".utf8) + signed + Array("\"\n".utf8)
            }
            try Self.write(scratch, "gbk.csv", bytes: file)
            try scratch.write("gbk.toml", Self.job + """
                [transactions]
                path = "gbk.csv"
                encoding = "gbk"
                thousands = ","
                currency_symbol = ["¥", "￥"]

                [transactions.columns]
                customer_id = "客户编号"
                order_id = "订单号"
                order_date = "下单日期"
                amount = "金额"

                """)
            let converted = try Self.customers(["gbk.toml"], in: scratch, out: "gbk")
            #expect(converted == expected.replacingOccurrences(of: "Zoë", with: "Zoe"))
        }
    }

    @Test("Latin-1 and UTF-16 (with a byte-order mark) exports equal their UTF-8 twin, non-ASCII ids included")
    func latin1AndUTF16() throws {
        try withScratch { scratch in
            try scratch.write("plain.csv", Self.plain())
            try scratch.write("job.toml", Self.job)
            let expected = try Self.customers(["job.toml", "--transactions", "plain.csv"], in: scratch, out: "plain")
            #expect(expected.contains("Zoë"))
            let latin1 = Self.plain().unicodeScalars.map { UInt8($0.value) }  // every scalar here is below 256
            try Self.write(scratch, "latin1.csv", bytes: latin1)
            try scratch.write("latin1.toml", Self.job + "[transactions]\npath = \"latin1.csv\"\nencoding = \"latin1\"\n")
            #expect(try Self.customers(["latin1.toml"], in: scratch, out: "latin1") == expected)
            let utf16: [UInt8] = [0xFF, 0xFE] + Self.plain().utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            try Self.write(scratch, "utf16.csv", bytes: utf16)
            try scratch.write("utf16.toml", Self.job + "[transactions]\npath = \"utf16.csv\"\nencoding = \"utf-16\"\n")
            #expect(try Self.customers(["utf16.toml"], in: scratch, out: "utf16") == expected)
        }
    }

    @Test("¥ before or after the sign and thousands separators in a UTF-8 file equal the plain amounts")
    func currencySymbolUTF8() throws {
        try withScratch { scratch in
            try scratch.write("plain.csv", Self.plain())
            try scratch.write("job.toml", Self.job)
            let expected = try Self.customers(["job.toml", "--transactions", "plain.csv"], in: scratch, out: "plain")
            let lines = Self.rows.enumerated().map { i, row -> String in
                let amount = Self.grouped(row.amount)
                let written = amount.hasPrefix("-") ? (i % 2 == 0 ? "-¥" + amount.dropFirst() : "¥" + amount) : "¥" + amount
                return "\(row.customer),\(row.order),\(row.day),\"\(written)\"\n"
            }
            try scratch.write("yen.csv", "customer_id,order_id,order_date,amount\n" + lines.joined())
            try scratch.write("yen.toml", Self.job + "[transactions]\npath = \"yen.csv\"\nthousands = \",\"\ncurrency_symbol = \"¥\"\n")
            #expect(try Self.customers(["yen.toml"], in: scratch, out: "yen") == expected)
        }
    }

    @Test("a .csv.gz export, and gzip through standard input, equal the plain file")
    func gzip() throws {
        try withScratch { scratch in
            try scratch.write("plain.csv", Self.plain())
            try scratch.write("job.toml", Self.job)
            let expected = try Self.customers(["job.toml", "--transactions", "plain.csv"], in: scratch, out: "plain")
            let compressed = try Self.gzip(Array(Self.plain().utf8), in: scratch)
            #expect(compressed.starts(with: [0x1F, 0x8B]))
            try Self.write(scratch, "tx.csv.gz", bytes: compressed)
            #expect(try Self.customers(["job.toml", "--transactions", "tx.csv.gz"], in: scratch, out: "gz") == expected)
            #expect(try Self.customers(["job.toml", "--transactions", "-"], in: scratch, out: "piped", input: .pipe(compressed)) == expected)
            #expect(try Self.customers(["job.toml", "--transactions", "-"], in: scratch, out: "redirected",
                                       input: .file(scratch.join("tx.csv.gz"))) == expected)
        }
    }

    @Test("a truncated .csv.gz is an unreadable input (exit 66), not a short one")
    func truncatedGzip() throws {
        try withScratch { scratch in
            let compressed = try Self.gzip(Array(String(repeating: Self.plain(), count: 1).utf8), in: scratch)
            try Self.write(scratch, "cut.csv.gz", bytes: Array(compressed.prefix(compressed.count - 12)))
            let r = try CLI.run(["run", "--transactions", "cut.csv.gz", "--out", "report"], in: scratch.path)
            #expect(r.status == 66)
            #expect(r.stderr.contains("cut.csv.gz: cannot read: gzip: "), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.join("report")))
        }
    }

    @Test("a GBK file read as UTF-8 is refused at its header, with the bytes escaped and the section to set")
    func gbkReadAsUTF8() throws {
        try withScratch { scratch in
            try Self.write(scratch, "gbk.csv", bytes: [0xBF, 0xCD, 0xBB, 0xA7, 0x2C, 0x61, 0x0A, 0x31, 0x2C, 0x32, 0x0A])
            let r = try CLI.run(["run", "--transactions", "gbk.csv", "--out", "report"], in: scratch.path)
            #expect(r.status == 65)
            #expect(r.stderrLines == [#"error: gbk.csv:1:1: the header is not UTF-8 (bytes \xBF\xCD\xBB\xA7); the file is in another encoding: set encoding = "gbk" (or the file's encoding: "gb18030", "latin1", "windows-1252", "utf-16") under [transactions]"#])
        }
    }

    @Test("bytes invalid in the declared encoding stop the run at their line and byte, escaped")
    func invalidBytes() throws {
        try withScratch { scratch in
            var file = Array("customer_id,order_id,order_date,amount\nC1,A1,2024-01-05,1.00\n".utf8)
            let offset = file.count + 3
            file += Array("C2,".utf8) + [0x81, 0x20] + Array(",2024-01-06,2.00\n".utf8)  // 0x81 0x20: a GBK lead byte without its trail
            try Self.write(scratch, "bad.csv", bytes: file)
            try scratch.write("job.toml", "[transactions]\npath = \"bad.csv\"\nencoding = \"gbk\"\n")
            let r = try CLI.run(["run", "job.toml", "--out", "report"], in: scratch.path)
            #expect(r.status == 65)
            #expect(r.stderr.contains("bad.csv:3: byte \(offset) (\\x81\\x20\\x2C\\x32) is not valid gbk; set encoding under [transactions]"), "\(r.stderr)")
        }
    }

    @Test("amount messages say what to set: thousands for 4,770.00, currency_symbol for ¥4.77, decimal for 12,50")
    func amountHints() throws {
        try withScratch { scratch in
            for (amount, hint) in [("4,770.00", #"set thousands = "," under [transactions] for amounts like 4,770.00"#),
                                   ("¥4.77", #"set currency_symbol = "¥" under [transactions]"#),
                                   ("￥4.77", #"set currency_symbol = "￥" under [transactions]"#),
                                   ("12,50", #"set decimal = "," under [transactions] for amounts like 12,50"#)] {
                try scratch.write("tx.csv", "customer_id,order_id,order_date,amount\nC1,A1,2024-01-05,\"\(amount)\"\n")
                let r = try CLI.run(["run", "--transactions", "tx.csv", "--out", "report"], in: scratch.path)
                #expect(r.status == 65)
                #expect(r.stderr.contains(hint), "\(amount): \(r.stderr)")
            }
        }
    }

    @Test("the flags --encoding, --thousands and --currency-symbol load what the job-file keys load, without a job file")
    func formatFlags() throws {
        try withScratch { scratch in
            try scratch.write("plain.csv", Self.plain())
            try scratch.write("job.toml", Self.job)
            let expected = try Self.customers(["job.toml", "--transactions", "plain.csv"], in: scratch, out: "plain")
            // Latin-1 bytes, ¥ (U+00A5, one Latin-1 byte) before grouped amounts.
            let lines = Self.rows.map { row -> String in
                let amount = Self.grouped(row.amount)
                return "\(row.customer),\(row.order),\(row.day),\"" + (amount.hasPrefix("-") ? "-¥" + amount.dropFirst() : "¥" + amount) + "\"\n"
            }
            let text = "customer_id,order_id,order_date,amount\n" + lines.joined()
            try Self.write(scratch, "latin1.csv", bytes: text.unicodeScalars.map { UInt8($0.value) })
            let flags = ["--encoding", "latin1", "--thousands", ",", "--currency-symbol", "¥", "--currency-symbol", "€"]
            #expect(try Self.customers(["job.toml", "--transactions", "latin1.csv"] + flags, in: scratch, out: "flags") == expected)
            #expect(try Self.customers(["--as-of", "2024-07-01", "--transactions", "latin1.csv"] + flags, in: scratch, out: "nojob") == expected)
        }
    }

    @Test("a --transactions path replaces the job file's path and keeps its encoding, thousands and currency settings")
    func pathFlagKeepsSectionFormat() throws {
        try withScratch { scratch in
            try scratch.write("plain.csv", Self.plain())
            try scratch.write("job.toml", Self.job)
            let expected = try Self.customers(["job.toml", "--transactions", "plain.csv"], in: scratch, out: "plain")
            let lines = Self.rows.map { "\($0.customer),\($0.order),\($0.day),\"¥\(Self.grouped($0.amount))\"\n" }
            let text = "customer_id,order_id,order_date,amount\n" + lines.joined()
            try Self.write(scratch, "nightly.csv", bytes: text.unicodeScalars.map { UInt8($0.value) })
            try scratch.write("latin1.toml", Self.job + """
                [transactions]
                path = "missing-today.csv"
                encoding = "latin1"
                thousands = ","
                currency_symbol = "¥"

                """)
            #expect(try Self.customers(["latin1.toml", "--transactions", "nightly.csv"], in: scratch, out: "kept") == expected)
        }
    }

    @Test("format flags are checked like the job-file keys: an unknown encoding, equal separators, a symbol with digits")
    func formatFlagsChecked() throws {
        try withScratch { scratch in
            try scratch.write("tx.csv", "customer_id,order_id,order_date,amount\nC1,A1,2024-01-05,1.00\n")
            for (flags, message) in [(["--encoding", "klingon-8"], "--encoding klingon-8: not an encoding iconv knows"),
                                     (["--decimal", ",", "--thousands", ","], "separators are both \",\""),
                                     (["--decimal", ";"], "--decimal ;: use \".\" or \",\""),
                                     (["--currency-symbol", "US1"], "--currency-symbol US1: give a symbol such as")] {
                let r = try CLI.run(["run", "--transactions", "tx.csv", "--out", "report"] + flags, in: scratch.path)
                #expect(r.status == 64, "\(flags)")
                #expect(r.stderr.contains(message), "\(flags): \(r.stderr)")
                #expect(!FileManager.default.fileExists(atPath: scratch.join("report")))
            }
        }
    }

    @Test("job-file settings are checked: an unknown encoding, a thousands separator equal to the decimal one")
    func settingsChecked() throws {
        try withScratch { scratch in
            try scratch.write("tx.csv", "customer_id,order_id,order_date,amount\nC1,A1,2024-01-05,1.00\n")
            try scratch.write("a.toml", "[transactions]\npath = \"tx.csv\"\nencoding = \"klingon-8\"\n")
            let a = try CLI.run(["run", "a.toml", "--out", "report"], in: scratch.path)
            #expect(a.status == 64)
            #expect(a.stderr.contains(#"transactions.encoding = "klingon-8": not an encoding iconv knows"#), "\(a.stderr)")
            try scratch.write("b.toml", "[transactions]\npath = \"tx.csv\"\ndecimal = \",\"\nthousands = \",\"\n")
            let b = try CLI.run(["run", "b.toml", "--out", "report"], in: scratch.path)
            #expect(b.status == 64)
            #expect(b.stderr.contains("transactions.thousands and transactions.decimal are both"), "\(b.stderr)")
        }
    }
}

@Suite("CentsParser with thousands separators and currency symbols")
struct CentsParserDecoratedTests {
    static func parse(_ text: String, decimal: Character = ".", thousands: Character? = ",", symbols: [String] = ["¥", "€"]) -> Int64? {
        let parser = CentsParser(decimalSeparator: decimal.asciiValue!, thousandsSeparator: thousands?.asciiValue,
                                 currencySymbols: symbols.map { Array($0.utf8) })
        return Array(text.utf8).withUnsafeBytes { try? parser.parse($0).get() }
    }

    @Test("groups of three after the first group of one to three digits")
    func grouping() {
        #expect(Self.parse("4,770.00") == 477_000)
        #expect(Self.parse("1,234,567.89") == 123_456_789)
        #expect(Self.parse("999") == 99_900)
        #expect(Self.parse("4770") == 477_000, "grouping is allowed, not required")
        #expect(Self.parse("1,23,456.00") == nil)
        #expect(Self.parse("1234,567") == nil)
        #expect(Self.parse("12,34") == nil)
        #expect(Self.parse(",123") == nil)
        #expect(Self.parse("1,234,") == nil)
        #expect(Self.parse("4.770,50", decimal: ",", thousands: ".") == 477_050)
    }

    @Test("one symbol before or after, one sign before or after the symbol, spaces around")
    func symbols() {
        #expect(Self.parse("¥4.77") == 477)
        #expect(Self.parse("-¥4.77") == -477)
        #expect(Self.parse("¥-4.77") == -477)
        #expect(Self.parse(" ¥ 1,000 ") == 100_000)
        #expect(Self.parse("4,77 €", decimal: ",", thousands: ".") == 477)
        #expect(Self.parse("¥¥4.77") == nil)
        #expect(Self.parse("¥4.77¥") == nil)
        #expect(Self.parse("--4.77") == nil)
        #expect(Self.parse("$4.77") == nil, "only the configured symbols")
        #expect(Self.parse("¥4.771") == nil, "sub-cent amounts stay refused")
    }
}
