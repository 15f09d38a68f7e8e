import Foundation

/// How wide text will be drawn, and text cut to fit a width.
///
/// Charts lay out their label bands from these widths, so the model is an upper bound: each
/// Unicode scalar gets the widest advance its class has in the report's fonts — DejaVu Sans
/// (regular and bold) for Latin, Noto Sans CJK / WenQuanYi for CJK. The table is hand-written
/// because no font metrics are available offline; its numbers were measured in headless Chromium
/// (`getComputedTextLength`), and `Tests/browser/measure_text.sh` checks real report pages with it.
extension SVGText {
    /// Advance of `u` in em: `bold` for `font-weight="bold"`, which DejaVu draws up to 19 % wider.
    package static func emWidth(_ u: Unicode.Scalar, bold: Bool = false) -> Double {
        let v = u.value
        if v < 0x80 { return asciiWidth(u, bold: bold) }
        switch u.properties.generalCategory {
        // Combining accents, enclosing marks, zero-width space/joiners, BOM, variation selectors.
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if isEastAsianWide(v) { return 1.0 }
        // Regional indicators draw a flag in pairs (Noto Color Emoji: 1.25 em) or two letters (0.6 each).
        if (0x1F1E6...0x1F1FF).contains(v) { return 0.65 }
        // Pictographs: 1.25 em in Noto Color Emoji, up to 1.6 em in the fallback fonts without it.
        if (0x1F000...0x1FAFF).contains(v) || (0x2600...0x27BF).contains(v) { return 1.6 }
        // Latin letters with diacritics are as wide as their base letter (é as e, Ä as A).
        if (0xC0...0x24F).contains(v),
           let base = String(Character(u)).decomposedStringWithCanonicalMapping.unicodeScalars.first, base.value < 0x80, base != u {
            return asciiWidth(base, bold: bold)
        }
        // Other letters of Latin-1 and Latin Extended-A (ß, ø, ł; the widest: Œ 1.07 em, bold 1.17).
        if (0xC0...0x17F).contains(v) { return bold ? 1.17 : 1.07 }
        // Common symbols of Latin-1 (± ×), dashes, quotes, ellipsis, bullets, arrows, − ≈ ≠ ≤ ≥: at most 1 em.
        if (0xA0...0xBF).contains(v) || v == 0xD7 || v == 0xF7 || (0x2010...0x2027).contains(v) || (0x2190...0x21FF).contains(v)
            || [0x2212, 0x2248, 0x2260, 0x2264, 0x2265].contains(v) {
            return bold ? 1.09 : 1.0
        }
        // Greek and Cyrillic letters (the widest are archaic Cyrillic ones: Ѽ 1.18 em, bold 1.41).
        if (0x370...0x4FF).contains(v) { return bold ? 1.41 : 1.18 }
        // Anything else, up to the widest DejaVu glyph outside ligatures (‱, 1.74 em; bold 1.89).
        return bold ? 1.9 : 1.75
    }

    /// Printable ASCII by class; the widest member of each class in DejaVu Sans, regular / bold.
    private static func asciiWidth(_ u: Unicode.Scalar, bold: Bool) -> Double {
        switch u {
        case "m", "w", "M", "W", "@", "%": return bold ? 1.11 : 1.0   // W 0.99, bold 1.10
        case "f", "i", "j", "l", "r", "t", "I", "J": return bold ? 0.50 : 0.42   // r 0.41; bold 0.49
        case "A"..."Z": return bold ? 0.85 : 0.79                     // O, Q 0.79; bold 0.85
        case "0"..."9": return bold ? 0.70 : 0.64                     // 0.636; bold 0.696
        case "a"..."z": return bold ? 0.72 : 0.64                     // b, d, g, p, q 0.635; bold 0.716
        case " ": return bold ? 0.35 : 0.32
        case ".", ",", ":", ";", "'", "\"", "!", "|", "(", ")", "[", "]", "/", "\\", "-":
            return bold ? 0.53 : 0.46                                 // " 0.46; bold 0.52
        case "\t": return bold ? 0.35 : 0.32                          // collapsed to a space
        default: return u.value < 0x20 || u.value == 0x7F ? 0 : (bold ? 0.88 : 0.84)   // # + < = > ~ 0.84; bold & 0.87; ` _ 0.5
        }
    }

    /// East Asian Wide and Fullwidth: CJK ideographs and punctuation, kana, Hangul, fullwidth forms
    /// (without the Hangul tone marks U+302E and U+302F, 1.25 em).
    private static func isEastAsianWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x302D, 0x3030...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Width of `s` in user units at `fontSize`: the sum of its scalars' `emWidth`, never less than drawn.
    package static func width(_ s: String, fontSize: Double, weight: SVGCanvas.Weight = .normal) -> Double {
        let bold = weight == .bold
        var em = 0.0
        for u in s.unicodeScalars { em += emWidth(u, bold: bold) }
        return em * fontSize
    }

    /// `s` cut on a Character boundary so that it, with "…" appended when cut, is at most `maxWidth`
    /// wide; a flag or an accented letter is kept whole or dropped whole. "" when not even "…" fits.
    package static func truncated(_ s: String, maxWidth: Double, fontSize: Double, weight: SVGCanvas.Weight = .normal) -> String {
        if width(s, fontSize: fontSize, weight: weight) <= maxWidth { return s }
        let room = maxWidth - width("…", fontSize: fontSize, weight: weight)
        guard room >= 0 else { return "" }
        var used = 0.0
        var kept = ""
        for c in s {
            let w = width(String(c), fontSize: fontSize, weight: weight)
            if used + w > room { break }
            used += w
            kept.append(c)
        }
        // No dangling space before the ellipsis.
        while kept.last?.isWhitespace == true { kept.removeLast() }
        return kept + "…"
    }
}
