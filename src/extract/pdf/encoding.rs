//! Simple-font encodings: the standard base encodings (as glyph names), glyph names
//! to Unicode (Adobe Glyph List plus `uniXXXX`/`uXXXX` forms and expanded ligatures),
//! and the widths of the standard 14 fonts.
//!
//! The tables are data files under `data/`, parsed once on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

const GLYPH_LIST: &str = include_str!("data/glyphlist.txt");
const ENCODINGS: &str = include_str!("data/encodings.txt");
const STANDARD14: &str = include_str!("data/standard14.txt");

/// A base encoding a simple font can name (or that it gets by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    /// /StandardEncoding (Adobe standard Latin).
    Standard,
    /// /WinAnsiEncoding (Windows code page 1252).
    WinAnsi,
    /// /MacRomanEncoding.
    MacRoman,
    /// /MacExpertEncoding.
    MacExpert,
    /// The built-in encoding of the Symbol font.
    Symbol,
    /// PDFDocEncoding.
    PdfDoc,
}

impl BaseEncoding {
    /// The encoding a PDF `/BaseEncoding` or `/Encoding` name denotes.
    pub fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        match name {
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            b"MacExpertEncoding" => Some(BaseEncoding::MacExpert),
            b"PDFDocEncoding" => Some(BaseEncoding::PdfDoc),
            _ => None,
        }
    }

    fn table_name(self) -> &'static str {
        match self {
            BaseEncoding::Standard => "STANDARD",
            BaseEncoding::WinAnsi => "WIN_ANSI",
            BaseEncoding::MacRoman => "MAC_ROMAN",
            BaseEncoding::MacExpert => "MAC_EXPERT",
            BaseEncoding::Symbol => "SYMBOL",
            BaseEncoding::PdfDoc => "PDF_DOC",
        }
    }

    /// The glyph names of the 256 codes (`None` where the code is undefined).
    pub fn glyph_names(self) -> &'static [Option<&'static str>; 256] {
        static TABLES: OnceLock<HashMap<&'static str, [Option<&'static str>; 256]>> = OnceLock::new();
        static EMPTY: [Option<&str>; 256] = [None; 256];
        let tables = TABLES.get_or_init(parse_encodings);
        tables.get(self.table_name()).unwrap_or(&EMPTY)
    }
}

fn parse_encodings() -> HashMap<&'static str, [Option<&'static str>; 256]> {
    let mut tables = HashMap::new();
    let mut current: Option<(&str, [Option<&str>; 256])> = None;
    for line in ENCODINGS.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix("= ") {
            if let Some((n, t)) = current.take() {
                tables.insert(n, t);
            }
            current = Some((name, [None; 256]));
        } else if let (Some((_, table)), Some((code, glyph))) = (current.as_mut(), line.split_once(' ')) {
            if let Ok(code) = code.parse::<u8>() {
                table[code as usize] = Some(glyph);
            }
        }
    }
    if let Some((n, t)) = current {
        tables.insert(n, t);
    }
    tables
}

fn glyph_list() -> &'static [(&'static str, String)] {
    static LIST: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut list: Vec<(&str, String)> = GLYPH_LIST
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (name, codes) = l.split_once(';')?;
                let text = codes
                    .split(' ')
                    .filter_map(|h| u32::from_str_radix(h, 16).ok().and_then(char::from_u32))
                    .collect::<String>();
                (!text.is_empty()).then_some((name, text))
            })
            .collect();
        list.sort_by(|a, b| a.0.cmp(b.0));
        list
    })
}

/// The Unicode text of a glyph name, or `None` for names that carry no meaning
/// (`g123`, `cid45`, `.notdef`).
///
/// Follows the Adobe Glyph List specification: a suffix after the first `.` is
/// dropped (`a.sc`), `_` joins components (`f_f_i`), and `uniXXXX...`/`uXXXX[XX]`
/// give code points directly. Ligatures come out as their letters.
pub fn glyph_name_to_unicode(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    if let Some(text) = lookup_component(base) {
        return Some(text);
    }
    if base.contains('_') {
        let mut out = String::new();
        for part in base.split('_') {
            out.push_str(&lookup_component(part)?);
        }
        return (!out.is_empty()).then_some(out);
    }
    None
}

fn lookup_component(name: &str) -> Option<String> {
    let list = glyph_list();
    if let Ok(i) = list.binary_search_by(|(n, _)| (*n).cmp(name)) {
        return Some(list[i].1.clone());
    }
    if let Some(hex) = name.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut units = Vec::with_capacity(hex.len() / 4);
            for chunk in hex.as_bytes().chunks(4) {
                units.push(u16::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?);
            }
            let text: String = char::decode_utf16(units).filter_map(Result::ok).collect();
            return (!text.is_empty()).then_some(text);
        }
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32).map(String::from);
        }
    }
    None
}

/// Widths (1/1000 em) of a standard 14 font by glyph name, if `base_font` names one
/// (or a common alias such as Arial for Helvetica).
pub fn standard14_width(base_font: &str, glyph: &str) -> Option<f32> {
    let family = standard14_family(base_font)?;
    if family == "Courier" {
        return Some(600.0);
    }
    static TABLES: OnceLock<HashMap<&'static str, HashMap<&'static str, f32>>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let mut tables: HashMap<&str, HashMap<&str, f32>> = HashMap::new();
        let mut current = "";
        for line in STANDARD14.lines() {
            if line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix("= ") {
                current = name;
            } else if let Some((glyph, width)) = line.split_once(' ') {
                if let Ok(w) = width.parse::<f32>() {
                    tables.entry(current).or_default().insert(glyph, w);
                }
            }
        }
        tables
    });
    tables.get(family)?.get(glyph).copied()
}

fn standard14_family(base_font: &str) -> Option<&'static str> {
    let lower = base_font.to_ascii_lowercase();
    let bold = lower.contains("bold") || lower.contains("black") || lower.contains("heavy");
    let italic = lower.contains("italic") || lower.contains("oblique");
    let pick = |regular, b, i, bi| match (bold, italic) {
        (false, false) => regular,
        (true, false) => b,
        (false, true) => i,
        (true, true) => bi,
    };
    if lower.starts_with("courier") {
        Some("Courier")
    } else if lower.starts_with("helvetica") || lower.starts_with("arial") {
        Some(pick("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"))
    } else if lower.starts_with("times") {
        Some(pick("Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic"))
    } else if lower.starts_with("symbol") {
        Some("Symbol")
    } else if lower.starts_with("zapfdingbats") {
        Some("ZapfDingbats")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names_map_to_text() {
        assert_eq!(glyph_name_to_unicode("A").as_deref(), Some("A"));
        assert_eq!(glyph_name_to_unicode("endash").as_deref(), Some("\u{2013}"));
        assert_eq!(glyph_name_to_unicode("quoteright").as_deref(), Some("\u{2019}"));
        assert_eq!(glyph_name_to_unicode("bullet").as_deref(), Some("\u{2022}"));
    }

    #[test]
    fn ligatures_come_out_as_letters() {
        assert_eq!(glyph_name_to_unicode("fi").as_deref(), Some("fi"));
        assert_eq!(glyph_name_to_unicode("ffi").as_deref(), Some("ffi"));
        assert_eq!(glyph_name_to_unicode("ffl").as_deref(), Some("ffl"));
        assert_eq!(glyph_name_to_unicode("f_f_i").as_deref(), Some("ffi"));
        assert_eq!(glyph_name_to_unicode("T_h").as_deref(), Some("Th"));
    }

    #[test]
    fn uni_and_u_forms_and_suffixes() {
        assert_eq!(glyph_name_to_unicode("uni00E9").as_deref(), Some("é"));
        assert_eq!(glyph_name_to_unicode("uni00660069").as_deref(), Some("fi"));
        assert_eq!(glyph_name_to_unicode("u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_name_to_unicode("a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_name_to_unicode("g123"), None);
        assert_eq!(glyph_name_to_unicode(".notdef"), None);
    }

    #[test]
    fn base_encodings_differ_where_they_should() {
        assert_eq!(BaseEncoding::WinAnsi.glyph_names()[0x93], Some("quotedblleft"));
        assert_eq!(BaseEncoding::Standard.glyph_names()[0x27], Some("quoteright"));
        assert_eq!(BaseEncoding::WinAnsi.glyph_names()[0x27], Some("quotesingle"));
        assert_eq!(BaseEncoding::MacRoman.glyph_names()[0x8E], Some("eacute"));
        assert_eq!(BaseEncoding::Symbol.glyph_names()[0x61], Some("alpha"));
    }

    #[test]
    fn standard14_widths() {
        assert_eq!(standard14_width("Helvetica", "space"), Some(278.0));
        assert_eq!(standard14_width("Times-Roman", "space"), Some(250.0));
        assert_eq!(standard14_width("Courier-Bold", "W"), Some(600.0));
        assert_eq!(standard14_width("ArialMT", "A"), Some(667.0));
        assert_eq!(standard14_width("LiberationSans", "A"), None);
    }
}
