//! Fonts as the interpreter needs them: how to split a string into character codes,
//! what Unicode text and what advance width each code has, and a few style facts.
//!
//! Simple fonts (Type1, MMType1, TrueType, Type3) take one byte per code; their text
//! comes from the ToUnicode CMap, else from the encoding's glyph names (base encoding
//! plus /Differences). Composite (Type0) fonts split codes by their encoding CMap
//! (Identity-H/V: two bytes) and get text from ToUnicode, or from the code itself for
//! the predefined UCS-2/UTF-16 CMaps.

use std::collections::HashMap;

use lopdf::{Dictionary, Object};

use super::cmap::{CMap, Codespace};
use super::encoding::{self, BaseEncoding};
use super::font_program;
use super::glyphs::FontInfo;
use super::objects::Objects;

/// Most entries read from a /W or /Widths array.
const MAX_WIDTH_ENTRIES: usize = 100_000;

/// Width, in 1/1000 text space units, assumed for a glyph whose width nobody gives.
const FALLBACK_WIDTH: f32 = 500.0;

/// A font, ready to decode strings.
#[derive(Debug)]
pub struct Font {
    /// Name and style facts for the layout engine.
    pub info: FontInfo,
    kind: FontKind,
    to_unicode: Option<CMap>,
    /// Text-space units per width unit: 1/1000 except for Type3 (FontMatrix).
    width_scale: f32,
    /// Vertical writing mode (Identity-V and other -V CMaps).
    pub vertical: bool,
}

#[derive(Debug)]
enum FontKind {
    Simple {
        /// Text of each code from the encoding (ToUnicode applied on top at decode).
        texts: Vec<Option<String>>,
        widths: Vec<f32>,
    },
    Composite {
        /// The encoding CMap when it is embedded or has a known byte structure.
        encoding: Box<CMap>,
        /// Codes are Unicode UTF-16 units (Uni*-UCS2-*, Uni*-UTF16-*).
        code_is_unicode: bool,
        /// CID to Unicode through the embedded TrueType cmap, when there is no
        /// ToUnicode map (CIDFontType2 only).
        cid_unicode: Option<HashMap<u32, char>>,
        widths: CidWidths,
    },
}

#[derive(Debug, Default)]
struct CidWidths {
    default: f32,
    single: HashMap<u32, f32>,
    ranges: Vec<(u32, u32, f32)>,
}

impl CidWidths {
    fn get(&self, cid: u32) -> f32 {
        if let Some(&w) = self.single.get(&cid) {
            return w;
        }
        self.ranges.iter().find(|r| r.0 <= cid && cid <= r.1).map(|r| r.2).unwrap_or(self.default)
    }
}

/// One decoded character code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Code {
    /// The code value.
    pub code: u32,
    /// How many bytes it took.
    pub len: usize,
}

impl Font {
    /// Reads a font dictionary. Never fails: what cannot be read falls back to
    /// defaults, and undecodable codes show up later as unmapped.
    pub fn load(objects: &Objects, dict: &Dictionary) -> Font {
        let subtype = objects.get_name(dict, b"Subtype").unwrap_or(b"Type1");
        let base_font =
            objects.get_name(dict, b"BaseFont").map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default();
        let to_unicode = objects
            .get(dict, b"ToUnicode")
            .and_then(|o| match o {
                Object::Stream(s) => objects.content(s).ok(),
                _ => None,
            })
            .map(|data| CMap::parse(&data))
            .filter(CMap::has_unicode);
        if subtype == b"Type0" {
            Font::load_composite(objects, dict, base_font, to_unicode)
        } else {
            Font::load_simple(objects, dict, subtype, base_font, to_unicode)
        }
    }

    fn load_simple(
        objects: &Objects,
        dict: &Dictionary,
        subtype: &[u8],
        base_font: String,
        to_unicode: Option<CMap>,
    ) -> Font {
        let descriptor = objects.get_dict(dict, b"FontDescriptor");
        let is_true_type = subtype == b"TrueType";
        let lower = base_font.to_ascii_lowercase();

        let default_base = if lower.contains("symbol") {
            BaseEncoding::Symbol
        } else if is_true_type {
            BaseEncoding::WinAnsi
        } else {
            BaseEncoding::Standard
        };
        let mut names: [Option<String>; 256] = std::array::from_fn(|_| None);
        let fill = |names: &mut [Option<String>; 256], base: BaseEncoding| {
            for (slot, name) in names.iter_mut().zip(base.glyph_names()) {
                *slot = name.map(str::to_owned);
            }
        };
        let encoding = dict.get(b"Encoding").ok().map(|o| objects.resolve(o));
        let named_base = match encoding {
            Some(Object::Name(name)) => BaseEncoding::from_name(name),
            Some(Object::Dictionary(enc)) => objects.get_name(enc, b"BaseEncoding").and_then(BaseEncoding::from_name),
            _ => None,
        };
        // Without a ToUnicode map or a named base encoding, the font program's own
        // encoding is the truth (pdfTeX and Ghostscript subsets rely on it).
        let builtin = if to_unicode.is_none() && named_base.is_none() {
            descriptor.and_then(|d| builtin_encoding(objects, d))
        } else {
            None
        };
        match (named_base, builtin) {
            (Some(base), _) => fill(&mut names, base),
            (None, Some(builtin)) => names = builtin,
            // A symbolic font whose program we cannot read: its codes are most often
            // plain Latin-1 positions (pdftotext reads them so too).
            (None, None) => fill(&mut names, default_base),
        }
        if let Some(Object::Dictionary(enc)) = encoding {
            apply_differences(objects, enc, &mut names);
        }

        let texts: Vec<Option<String>> =
            names.iter().map(|n| n.as_deref().and_then(encoding::glyph_name_to_unicode)).collect();

        let first_char = objects.get_number(dict, b"FirstChar").unwrap_or(0.0).max(0.0) as usize;
        let missing = descriptor.and_then(|d| objects.get_number(d, b"MissingWidth")).unwrap_or(0.0);
        let mut widths = vec![f32::NAN; 256];
        if let Some(array) = objects.get_array(dict, b"Widths") {
            for (i, w) in array.iter().take(MAX_WIDTH_ENTRIES).enumerate() {
                if let (Some(slot), Some(w)) = (widths.get_mut(first_char + i), objects.number(w)) {
                    *slot = w;
                }
            }
        }
        for (code, slot) in widths.iter_mut().enumerate() {
            if slot.is_nan() {
                *slot = names[code]
                    .as_deref()
                    .and_then(|g| encoding::standard14_width(&base_font, g))
                    .unwrap_or(if missing > 0.0 { missing } else { FALLBACK_WIDTH });
            }
        }

        let width_scale = if subtype == b"Type3" {
            dict.get(b"FontMatrix").ok().and_then(|m| objects.matrix(m)).map(|m| m[0].abs()).unwrap_or(0.001)
        } else {
            0.001
        };
        Font {
            info: font_info(objects, &base_font, descriptor),
            kind: FontKind::Simple { texts, widths },
            to_unicode,
            width_scale,
            vertical: false,
        }
    }

    fn load_composite(objects: &Objects, dict: &Dictionary, base_font: String, to_unicode: Option<CMap>) -> Font {
        let descendant =
            objects.get_array(dict, b"DescendantFonts").and_then(|a| a.first()).and_then(|o| objects.dict(o));
        let descriptor = descendant.and_then(|d| objects.get_dict(d, b"FontDescriptor"));

        let mut encoding = CMap::default();
        let mut code_is_unicode = false;
        let mut vertical = false;
        match dict.get(b"Encoding").ok().map(|o| objects.resolve(o)) {
            Some(Object::Name(name)) => {
                let name = String::from_utf8_lossy(name);
                vertical = name.ends_with("-V");
                code_is_unicode = name.starts_with("Uni") && (name.contains("UCS2") || name.contains("UTF16"));
                encoding.codespaces = predefined_codespaces(&name);
            }
            Some(Object::Stream(stream)) => {
                if let Ok(data) = objects.content(stream) {
                    encoding = CMap::parse(&data);
                }
                vertical = objects.get_number(&stream.dict, b"WMode").is_some_and(|w| w == 1.0);
            }
            _ => {}
        }

        let mut widths = CidWidths {
            default: descendant.and_then(|d| objects.get_number(d, b"DW")).unwrap_or(1000.0),
            ..CidWidths::default()
        };
        if let Some(w) = descendant.and_then(|d| objects.get_array(d, b"W")) {
            read_cid_widths(objects, w, &mut widths);
        }

        let cid_unicode = match (&to_unicode, descendant) {
            (None, Some(descendant)) if !code_is_unicode => truetype_cid_unicode(objects, descendant, descriptor),
            _ => None,
        };
        Font {
            info: font_info(objects, &base_font, descriptor),
            kind: FontKind::Composite { encoding: Box::new(encoding), code_is_unicode, cid_unicode, widths },
            to_unicode,
            width_scale: 0.001,
            vertical,
        }
    }

    /// Splits the next code off the front of `bytes` (which must not be empty).
    pub fn next_code(&self, bytes: &[u8]) -> Code {
        match &self.kind {
            FontKind::Simple { .. } => Code { code: u32::from(bytes[0]), len: 1 },
            FontKind::Composite { encoding, .. } => {
                let (code, len) = encoding.next_code(bytes, 2);
                Code { code, len }
            }
        }
    }

    /// The Unicode text of `code`, or `None` when the font gives no way to know it.
    pub fn text(&self, code: Code) -> Option<String> {
        if let Some(text) = self.to_unicode.as_ref().and_then(|m| m.unicode(code.code)) {
            return Some(text);
        }
        match &self.kind {
            FontKind::Simple { texts, .. } => texts.get(code.code as usize).cloned().flatten(),
            FontKind::Composite { code_is_unicode: true, .. } => {
                char::from_u32(code.code).filter(|c| !c.is_control() || *c == ' ').map(String::from)
            }
            FontKind::Composite { encoding, cid_unicode: Some(map), .. } => {
                let cid = if encoding.has_cids() { encoding.cid(code.code)? } else { code.code };
                map.get(&cid).map(|c| c.to_string())
            }
            FontKind::Composite { .. } => None,
        }
    }

    /// The advance of `code` in text space units (before font size and Tz).
    pub fn width(&self, code: Code) -> f32 {
        let w = match &self.kind {
            FontKind::Simple { widths, .. } => widths.get(code.code as usize).copied().unwrap_or(FALLBACK_WIDTH),
            FontKind::Composite { encoding, widths, .. } => {
                let cid = if encoding.has_cids() { encoding.cid(code.code).unwrap_or(0) } else { code.code };
                widths.get(cid)
            }
        };
        w * self.width_scale
    }
}

/// CID to Unicode for a CIDFontType2 without ToUnicode: CIDToGIDMap (Identity or
/// a stream of big-endian glyph ids), then the TrueType program's cmap inverted.
fn truetype_cid_unicode(
    objects: &Objects,
    descendant: &Dictionary,
    descriptor: Option<&Dictionary>,
) -> Option<HashMap<u32, char>> {
    let Some(Object::Stream(program)) = descriptor.and_then(|d| objects.get(d, b"FontFile2")) else {
        return None;
    };
    let glyph_unicode = font_program::truetype_glyph_unicode(&objects.content(program).ok()?)?;
    let mut map = HashMap::with_capacity(glyph_unicode.len());
    match objects.get(descendant, b"CIDToGIDMap") {
        Some(Object::Stream(stream)) => {
            let data = objects.content(stream).ok()?;
            for (cid, pair) in data.chunks_exact(2).enumerate() {
                if let Some(&c) = glyph_unicode.get(&u16::from_be_bytes([pair[0], pair[1]])) {
                    map.insert(cid as u32, c);
                }
            }
        }
        _ => map.extend(glyph_unicode.into_iter().map(|(gid, c)| (u32::from(gid), c))),
    }
    Some(map)
}

/// The encoding built into the embedded Type 1 or CFF program, if readable.
fn builtin_encoding(objects: &Objects, descriptor: &Dictionary) -> Option<[Option<String>; 256]> {
    if let Some(Object::Stream(program)) = objects.get(descriptor, b"FontFile") {
        return font_program::type1_encoding(&objects.content(program).ok()?);
    }
    if let Some(Object::Stream(program)) = objects.get(descriptor, b"FontFile3") {
        if objects.get_name(&program.dict, b"Subtype") == Some(b"Type1C") {
            return font_program::cff_encoding(&objects.content(program).ok()?);
        }
    }
    None
}

fn apply_differences(objects: &Objects, encoding: &Dictionary, names: &mut [Option<String>; 256]) {
    let Some(differences) = objects.get_array(encoding, b"Differences") else { return };
    let mut code: usize = 0;
    for item in differences.iter().take(MAX_WIDTH_ENTRIES) {
        match objects.resolve(item) {
            Object::Integer(i) => code = usize::try_from(*i).unwrap_or(usize::MAX),
            Object::Name(name) => {
                if let Some(slot) = names.get_mut(code) {
                    *slot = Some(String::from_utf8_lossy(name).into_owned());
                }
                code = code.saturating_add(1);
            }
            _ => {}
        }
    }
}

fn read_cid_widths(objects: &Objects, array: &[Object], widths: &mut CidWidths) {
    let mut i = 0;
    let mut entries = 0;
    while i < array.len() && entries < MAX_WIDTH_ENTRIES {
        let Some(first) = objects.number(&array[i]) else {
            i += 1;
            continue;
        };
        let first = first.max(0.0) as u32;
        match array.get(i + 1).map(|o| objects.resolve(o)) {
            Some(Object::Array(list)) => {
                for (k, w) in list.iter().enumerate().take(MAX_WIDTH_ENTRIES) {
                    if let Some(w) = objects.number(w) {
                        widths.single.insert(first.saturating_add(k as u32), w);
                        entries += 1;
                    }
                }
                i += 2;
            }
            Some(_) => {
                let last = array.get(i + 1).and_then(|o| objects.number(o));
                let w = array.get(i + 2).and_then(|o| objects.number(o));
                if let (Some(last), Some(w)) = (last, w) {
                    widths.ranges.push((first, last.max(0.0) as u32, w));
                    entries += 1;
                }
                i += 3;
            }
            None => break,
        }
    }
}

/// Byte structure of the predefined CMaps we cannot read: Identity and UCS-2 take
/// two bytes; the Shift-JIS and EUC-style CJK CMaps take one byte below their lead
/// bytes and two from them.
fn predefined_codespaces(name: &str) -> Vec<Codespace> {
    let two = |low, high| Codespace { low, high, len: 2 };
    let one = |low, high| Codespace { low, high, len: 1 };
    if name.contains("RKSJ") {
        vec![one(0x00, 0x80), one(0xA0, 0xDF), two(0x8140, 0x9FFC), two(0xE040, 0xFCFC)]
    } else if name.contains("EUC") || name.contains("GBK") || name.contains("B5") || name.contains("GBpc") {
        vec![one(0x00, 0x80), two(0x8140, 0xFEFE)]
    } else if name.contains("UTF16") {
        vec![two(0x0000, 0xD7FF), two(0xE000, 0xFFFF), Codespace { low: 0xD800_0000, high: 0xDBFF_FFFF, len: 4 }]
    } else {
        vec![two(0x0000, 0xFFFF)]
    }
}

fn font_info(objects: &Objects, base_font: &str, descriptor: Option<&Dictionary>) -> FontInfo {
    let name = match base_font.split_once('+') {
        Some((prefix, rest)) if prefix.len() == 6 && prefix.bytes().all(|b| b.is_ascii_uppercase()) => rest,
        _ => base_font,
    };
    let lower = name.to_ascii_lowercase();
    let flags = descriptor.and_then(|d| objects.get_number(d, b"Flags")).unwrap_or(0.0) as u32;
    let weight = descriptor.and_then(|d| objects.get_number(d, b"FontWeight")).unwrap_or(0.0);
    let angle = descriptor.and_then(|d| objects.get_number(d, b"ItalicAngle")).unwrap_or(0.0);
    let style_part = lower.rsplit(['-', ',']).next().unwrap_or(&lower);
    FontInfo {
        name: name.to_owned(),
        bold: ["bold", "black", "heavy", "semibold", "demi"].iter().any(|w| lower.contains(w))
            || ["bd", "blk", "hv", "sb"].iter().any(|w| style_part.ends_with(w) && style_part != lower)
            || weight >= 600.0
            || flags & (1 << 18) != 0,
        italic: lower.contains("italic")
            || lower.contains("oblique")
            || (style_part.ends_with("it") && style_part != lower)
            || angle.abs() > 0.5
            || flags & (1 << 6) != 0,
        fixed_pitch: flags & 1 != 0 || lower.contains("mono") || lower.contains("courier"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Stream};

    fn load(doc: &lopdf::Document, font: Dictionary) -> Font {
        let objects = Objects::new(doc, 1 << 20, 1 << 24);
        Font::load(&objects, &font)
    }

    fn decode(font: &Font, bytes: &[u8]) -> String {
        let mut out = String::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let code = font.next_code(rest);
            out.push_str(&font.text(code).unwrap_or_else(|| "\u{FFFD}".into()));
            rest = &rest[code.len..];
        }
        out
    }

    #[test]
    fn differences_override_the_base_encoding_by_glyph_name() {
        let doc = lopdf::Document::with_version("1.5");
        let font = load(
            &doc,
            dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "ABCDEF+LMRoman10-Regular",
                "Encoding" => dictionary! {
                    "Type" => "Encoding",
                    "Differences" => vec![11.into(), "ff".into(), "fi".into(), "fl".into(), "ffi".into(),
                        123.into(), "endash".into(), 39.into(), "quoteright".into()],
                },
            },
        );
        assert_eq!(decode(&font, b"e\x0bect \x0cne \x0dow o\x0ece"), "effect fine flow office");
        assert_eq!(decode(&font, b"A{B'"), "A\u{2013}B\u{2019}");
        assert_eq!(font.info.name, "LMRoman10-Regular");
    }

    #[test]
    fn named_base_encodings_and_standard14_widths() {
        let doc = lopdf::Document::with_version("1.5");
        let font = load(
            &doc,
            dictionary! {"Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica-Bold",
            "Encoding" => "WinAnsiEncoding"},
        );
        assert_eq!(decode(&font, b"\x93caf\xe9\x94 \x80"), "\u{201c}café\u{201d} €");
        assert!(font.info.bold);
        let space = font.next_code(b" ");
        assert!((font.width(space) - 0.278).abs() < 1e-6);
    }

    #[test]
    fn cid_truetype_without_to_unicode_uses_the_program_cmap() {
        let mut doc = lopdf::Document::with_version("1.5");
        let program = doc.add_object(Stream::new(dictionary! {}, font_program::truetype_tests::tiny_truetype()));
        let descriptor = doc.add_object(dictionary! { "Type" => "FontDescriptor", "FontFile2" => program });
        let descendant = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "X", "FontDescriptor" => descriptor,
        });
        let font = load(
            &doc,
            dictionary! {"Type" => "Font", "Subtype" => "Type0", "BaseFont" => "X",
            "Encoding" => "Identity-H", "DescendantFonts" => vec![descendant.into()]},
        );
        assert_eq!(decode(&font, &[0, 10, 0, 11, 0, 20, 0, 99]), "ABx\u{FFFD}");
    }

    #[test]
    fn style_facts_come_from_name_suffixes() {
        let objects_doc = lopdf::Document::with_version("1.5");
        let objects = Objects::new(&objects_doc, 1, 1);
        assert!(font_info(&objects, "NKDKGI+HelveticaNeueLTCom-Bd", None).bold);
        assert!(!font_info(&objects, "HelveticaNeueLTPro-Md", None).bold);
        assert!(font_info(&objects, "Arial,BoldIt", None).italic);
        assert!(!font_info(&objects, "Bandit", None).italic);
        assert_eq!(font_info(&objects, "ABCDEF+Carlito", None).name, "Carlito");
    }

    #[test]
    fn widths_array_with_first_char() {
        let doc = lopdf::Document::with_version("1.5");
        let font = load(
            &doc,
            dictionary! {"Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Foo",
            "FirstChar" => 65, "LastChar" => 66, "Widths" => vec![700.into(), 300.into()]},
        );
        assert!((font.width(Code { code: 66, len: 1 }) - 0.3).abs() < 1e-6);
        assert!((font.width(Code { code: 67, len: 1 }) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn composite_identity_font_uses_to_unicode_and_w_widths() {
        let mut doc = lopdf::Document::with_version("1.5");
        let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0001> <0048> <0002> <0069> endbfchar";
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
        let descendant = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "AAAAAA+Arial-BoldMT",
            "DW" => 1000, "W" => vec![1.into(), vec![722.into(), 278.into()].into(), 5.into(), 9.into(), 250.into()],
        });
        let font = load(
            &doc,
            dictionary! {"Type" => "Font", "Subtype" => "Type0", "BaseFont" => "AAAAAA+Arial-BoldMT",
            "Encoding" => "Identity-H", "DescendantFonts" => vec![descendant.into()],
            "ToUnicode" => to_unicode},
        );
        assert_eq!(decode(&font, &[0, 1, 0, 2, 0, 7]), "Hi\u{FFFD}");
        assert!((font.width(Code { code: 2, len: 2 }) - 0.278).abs() < 1e-6);
        assert!((font.width(Code { code: 7, len: 2 }) - 0.25).abs() < 1e-6);
        assert!((font.width(Code { code: 99, len: 2 }) - 1.0).abs() < 1e-6);
        assert!(font.info.bold);
        assert!(!font.vertical);
    }
}
