//! Built-in encodings read from embedded font programs, for simple fonts that have
//! no ToUnicode map and no complete /Encoding: the code-to-glyph-name table of a
//! Type 1 program (its cleartext `/Encoding` array) or of a CFF (Type1C) program
//! (its encoding and charset). Glyph names then give Unicode as usual.
//!
//! Both readers work on untrusted bytes with explicit bounds checks and no
//! recursion; anything unexpected gives `None`.

use std::sync::OnceLock;

/// Glyph names of the 256 codes; `None` where a code is not encoded.
pub type GlyphNames = [Option<String>; 256];

const CFF_STANDARD_STRINGS: &str = include_str!("data/cff-standard-strings.txt");

fn standard_strings() -> &'static [&'static str] {
    static STRINGS: OnceLock<Vec<&'static str>> = OnceLock::new();
    STRINGS.get_or_init(|| CFF_STANDARD_STRINGS.lines().filter(|l| !l.starts_with('#')).collect())
}

/// The built-in encoding of a Type 1 font program (FontFile), unless it is
/// StandardEncoding (then `None`: the caller's default applies).
pub fn type1_encoding(program: &[u8]) -> Option<GlyphNames> {
    // The encoding lives in the cleartext part, before `eexec`.
    let end = find(program, b"eexec").unwrap_or(program.len());
    let clear = &program[..end];
    let start = find(clear, b"/Encoding")?;
    let rest = &clear[start + 9..];
    let head = &rest[..rest.len().min(40)];
    if find(head, b"StandardEncoding").is_some() {
        return None;
    }
    let mut names: GlyphNames = std::array::from_fn(|_| None);
    let mut found = false;
    let mut tokens = rest.split(|b| b.is_ascii_whitespace()).filter(|t| !t.is_empty()).peekable();
    while let Some(token) = tokens.next() {
        if token == b"readonly" || token == b"def" {
            if found {
                break;
            }
            continue;
        }
        if token != b"dup" {
            continue;
        }
        let Some(code) = tokens.next().and_then(|c| std::str::from_utf8(c).ok()?.parse::<usize>().ok()) else {
            continue;
        };
        let Some(name) = tokens.next().and_then(|n| n.strip_prefix(b"/")) else { continue };
        if tokens.peek() == Some(&&b"put"[..]) {
            if let Some(slot) = names.get_mut(code) {
                *slot = Some(String::from_utf8_lossy(name).into_owned());
                found = true;
            }
        }
    }
    found.then_some(names)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A CFF INDEX: the byte ranges of its items.
struct Index {
    items: Vec<(usize, usize)>,
    end: usize,
}

/// Most items read from one INDEX (fonts have at most 65535 glyphs).
const MAX_INDEX_ITEMS: usize = 65_536;

fn read_index(data: &[u8], pos: usize) -> Option<Index> {
    let count = usize::from(u16::from_be_bytes([*data.get(pos)?, *data.get(pos + 1)?]));
    if count == 0 {
        return Some(Index { items: Vec::new(), end: pos + 2 });
    }
    let off_size = usize::from(*data.get(pos + 2)?);
    if !(1..=4).contains(&off_size) || count > MAX_INDEX_ITEMS {
        return None;
    }
    let offsets_start = pos + 3;
    let data_start = offsets_start + (count + 1) * off_size - 1;
    let offset = |i: usize| -> Option<usize> {
        let at = offsets_start + i * off_size;
        let bytes = data.get(at..at + off_size)?;
        Some(bytes.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b)))
    };
    let mut items = Vec::with_capacity(count);
    for i in 0..count {
        let (a, b) = (offset(i)?, offset(i + 1)?);
        if a > b || data_start + b > data.len() {
            return None;
        }
        items.push((data_start + a, data_start + b));
    }
    let end = data_start + offset(count)?;
    Some(Index { items, end })
}

/// Top DICT entries we need: charset and encoding offsets, CharStrings offset,
/// and whether the font is CID-keyed.
#[derive(Default)]
struct TopDict {
    charset: usize,
    encoding: usize,
    char_strings: Option<usize>,
    cid_keyed: bool,
}

fn read_top_dict(dict: &[u8]) -> TopDict {
    let mut top = TopDict::default();
    let mut operands: Vec<f64> = Vec::new();
    let mut i = 0;
    while i < dict.len() {
        let b0 = dict[i];
        match b0 {
            0..=21 => {
                let op = if b0 == 12 {
                    i += 1;
                    1200 + u16::from(*dict.get(i).unwrap_or(&0))
                } else {
                    u16::from(b0)
                };
                let first = operands.last().copied().unwrap_or(0.0).max(0.0) as usize;
                match op {
                    15 => top.charset = first,
                    16 => top.encoding = first,
                    17 => top.char_strings = Some(first),
                    1230 => top.cid_keyed = true,
                    _ => {}
                }
                operands.clear();
                i += 1;
            }
            28 => {
                let v = i16::from_be_bytes([*dict.get(i + 1).unwrap_or(&0), *dict.get(i + 2).unwrap_or(&0)]);
                operands.push(f64::from(v));
                i += 3;
            }
            29 => {
                let bytes: [u8; 4] = std::array::from_fn(|k| *dict.get(i + 1 + k).unwrap_or(&0));
                operands.push(f64::from(i32::from_be_bytes(bytes)));
                i += 5;
            }
            30 => {
                // A real number: nibbles up to the terminator 0xf. Its value is never an
                // offset, so it is only skipped.
                i += 1;
                while i < dict.len() {
                    let b = dict[i];
                    i += 1;
                    if b & 0x0f == 0x0f || b >> 4 == 0x0f {
                        break;
                    }
                }
                operands.push(0.0);
            }
            32..=246 => {
                operands.push(f64::from(i32::from(b0) - 139));
                i += 1;
            }
            247..=250 => {
                let b1 = i32::from(*dict.get(i + 1).unwrap_or(&0));
                operands.push(f64::from((i32::from(b0) - 247) * 256 + b1 + 108));
                i += 2;
            }
            251..=254 => {
                let b1 = i32::from(*dict.get(i + 1).unwrap_or(&0));
                operands.push(f64::from(-(i32::from(b0) - 251) * 256 - b1 - 108));
                i += 2;
            }
            _ => i += 1,
        }
        if operands.len() > 48 {
            operands.clear();
        }
    }
    top
}

/// The built-in encoding of a CFF (Type1C) font program, as glyph names.
/// `None` for CID-keyed fonts (no glyph names) and unreadable programs.
pub fn cff_encoding(data: &[u8]) -> Option<GlyphNames> {
    let header_size = usize::from(*data.get(2)?);
    let names = read_index(data, header_size)?;
    let top_dicts = read_index(data, names.end)?;
    let strings = read_index(data, top_dicts.end)?;
    let &(a, b) = top_dicts.items.first()?;
    let top = read_top_dict(data.get(a..b)?);
    if top.cid_keyed {
        return None;
    }
    let glyph_count = read_index(data, top.char_strings?)?.items.len();
    let standard = standard_strings();
    let sid_name = |sid: usize| -> Option<String> {
        if sid < standard.len() {
            Some(standard[sid].to_owned())
        } else {
            let &(a, b) = strings.items.get(sid - standard.len())?;
            Some(String::from_utf8_lossy(data.get(a..b)?).into_owned())
        }
    };

    // charset: glyph id -> SID (glyph 0 is .notdef).
    let mut sids: Vec<usize> = vec![0];
    match top.charset {
        0 => sids.extend(1..glyph_count.min(229)),
        1 | 2 => return None,
        offset => {
            let format = *data.get(offset)?;
            let mut pos = offset + 1;
            while sids.len() < glyph_count {
                match format {
                    0 => {
                        sids.push(usize::from(u16::from_be_bytes([*data.get(pos)?, *data.get(pos + 1)?])));
                        pos += 2;
                    }
                    1 | 2 => {
                        let first = usize::from(u16::from_be_bytes([*data.get(pos)?, *data.get(pos + 1)?]));
                        let left = if format == 1 {
                            pos += 3;
                            usize::from(*data.get(pos - 1)?)
                        } else {
                            pos += 4;
                            usize::from(u16::from_be_bytes([*data.get(pos - 2)?, *data.get(pos - 1)?]))
                        };
                        for k in 0..=left {
                            if sids.len() >= glyph_count {
                                break;
                            }
                            sids.push(first + k);
                        }
                    }
                    _ => return None,
                }
            }
        }
    }

    let mut names: GlyphNames = std::array::from_fn(|_| None);
    match top.encoding {
        0 | 1 => {
            // Standard (or Expert) encoding: the PDF side's default applies; but a
            // symbolic font still needs names, so give the standard ones.
            let standard_encoding = super::encoding::BaseEncoding::Standard.glyph_names();
            for (slot, name) in names.iter_mut().zip(standard_encoding) {
                *slot = name.map(str::to_owned);
            }
        }
        offset => {
            let format = *data.get(offset)?;
            let mut pos = offset + 1;
            match format & 0x7f {
                0 => {
                    let count = usize::from(*data.get(pos)?);
                    pos += 1;
                    for gid in 1..=count {
                        let code = usize::from(*data.get(pos)?);
                        pos += 1;
                        if let Some(&sid) = sids.get(gid) {
                            names[code] = sid_name(sid);
                        }
                    }
                }
                1 => {
                    let ranges = usize::from(*data.get(pos)?);
                    pos += 1;
                    let mut gid = 1;
                    for _ in 0..ranges {
                        let first = usize::from(*data.get(pos)?);
                        let left = usize::from(*data.get(pos + 1)?);
                        pos += 2;
                        for code in first..=first + left {
                            if let (Some(slot), Some(&sid)) = (names.get_mut(code), sids.get(gid)) {
                                *slot = sid_name(sid);
                            }
                            gid += 1;
                        }
                    }
                }
                _ => return None,
            }
            if format & 0x80 != 0 {
                let supplements = usize::from(*data.get(pos)?);
                pos += 1;
                for _ in 0..supplements {
                    let code = usize::from(*data.get(pos)?);
                    let sid = usize::from(u16::from_be_bytes([*data.get(pos + 1)?, *data.get(pos + 2)?]));
                    pos += 3;
                    names[code] = sid_name(sid);
                }
            }
        }
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type1_cleartext_encoding_is_read() {
        let program = b"%!PS-AdobeFont-1.0: CMR10\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n\
            dup 11 /ff put\ndup 65 /A put\ndup 123 /endash put\nreadonly def\ncurrentdict end\ncurrentfile eexec\x80\x81";
        let names = type1_encoding(program).expect("an encoding");
        assert_eq!(names[11].as_deref(), Some("ff"));
        assert_eq!(names[65].as_deref(), Some("A"));
        assert_eq!(names[123].as_deref(), Some("endash"));
        assert_eq!(names[66], None);
        assert!(type1_encoding(b"/Encoding StandardEncoding def currentfile eexec").is_none());
    }

    /// A minimal CFF: one font "F", glyphs .notdef, A (SID 34), "zz" (custom
    /// string), encoded as codes 0x41 and 0x80 by a format-0 encoding.
    fn tiny_cff() -> Vec<u8> {
        let mut cff = vec![1, 0, 4, 1];
        // Name INDEX: 1 item "F".
        cff.extend([0, 1, 1, 1, 2, b'F']);
        // Top DICT INDEX placeholder, filled once offsets are known.
        let top_dict_at = cff.len();
        // charset at X, Encoding at Y, CharStrings at Z: each as a 29 (int32) operand.
        let top_len = 3 * 6;
        cff.extend([0, 1, 1, 1, 1 + top_len as u8]);
        let dict_pos = cff.len();
        cff.extend(std::iter::repeat_n(0, top_len));
        // String INDEX: "zz".
        cff.extend([0, 1, 1, 1, 3, b'z', b'z']);
        // Global Subr INDEX: empty.
        cff.extend([0, 0]);
        let charstrings = cff.len();
        cff.extend([0, 3, 1, 1, 2, 3, 4, 14, 14, 14]);
        let charset = cff.len();
        cff.extend([0, 0, 34, 1, 135]); // format 0: SID 34 (A), SID 391 (zz)
        let encoding = cff.len();
        cff.extend([0, 2, 0x41, 0x80]);
        let mut dict = Vec::new();
        for (value, op) in [(charset, 15u8), (encoding, 16), (charstrings, 17)] {
            dict.push(29);
            dict.extend((value as i32).to_be_bytes());
            dict.push(op);
        }
        cff[dict_pos..dict_pos + top_len].copy_from_slice(&dict);
        let _ = top_dict_at;
        cff
    }

    #[test]
    fn cff_encoding_and_charset_give_glyph_names() {
        let names = cff_encoding(&tiny_cff()).expect("readable");
        assert_eq!(names[0x41].as_deref(), Some("A"));
        assert_eq!(names[0x80].as_deref(), Some("zz"));
        assert_eq!(names[0x42], None);
    }

    #[test]
    fn truncated_cff_is_none_not_a_panic() {
        let cff = tiny_cff();
        for len in 0..cff.len() {
            let _ = cff_encoding(&cff[..len]);
        }
        assert!(cff_encoding(&[0xff; 64]).is_none());
    }
}
