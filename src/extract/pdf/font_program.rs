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

/// Most characters taken from one TrueType cmap subtable.
const MAX_CMAP_CHARS: usize = 200_000;

/// Glyph id to Unicode from an embedded TrueType program's Unicode cmap subtable
/// (format 4 or 12), for CID fonts that have no ToUnicode map. The first character
/// mapped to a glyph wins.
pub fn truetype_glyph_unicode(font: &[u8]) -> Option<std::collections::HashMap<u16, char>> {
    let be16 =
        |at: usize| -> Option<usize> { Some(usize::from(u16::from_be_bytes([*font.get(at)?, *font.get(at + 1)?]))) };
    let be32 = |at: usize| -> Option<usize> {
        let b = font.get(at..at + 4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let tables = be16(4)?;
    let cmap = (0..tables.min(256)).find_map(|i| {
        let record = 12 + 16 * i;
        (font.get(record..record + 4)? == b"cmap").then(|| be32(record + 8)).flatten()
    })?;
    let subtables = be16(cmap + 2)?;
    let mut best: Option<(u8, usize)> = None;
    for i in 0..subtables.min(64) {
        let record = cmap + 4 + 8 * i;
        let (platform, encoding) = (be16(record)?, be16(record + 2)?);
        let offset = cmap + be32(record + 4)?;
        let rank = match (platform, encoding) {
            (3, 10) | (0, 4) | (0, 6) => 3,
            (3, 1) | (0, _) => 2,
            _ => continue,
        };
        if best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, offset));
        }
    }
    let (_, table) = best?;
    let mut map = std::collections::HashMap::new();
    let add = |gid: usize, code: usize, map: &mut std::collections::HashMap<u16, char>| {
        if let (Ok(gid), Some(c)) = (u16::try_from(gid), char::from_u32(code as u32)) {
            if gid != 0 && !c.is_control() {
                map.entry(gid).or_insert(c);
            }
        }
    };
    match be16(table)? {
        4 => {
            let segments = be16(table + 6)? / 2;
            let ends = table + 14;
            let starts = ends + 2 * segments + 2;
            let deltas = starts + 2 * segments;
            let range_offsets = deltas + 2 * segments;
            for s in 0..segments {
                let (end, start) = (be16(ends + 2 * s)?, be16(starts + 2 * s)?);
                let delta = be16(deltas + 2 * s)?;
                let range_offset = be16(range_offsets + 2 * s)?;
                if start > end || end == 0xFFFF && start == 0xFFFF {
                    continue;
                }
                for code in start..=end.min(0xFFFE) {
                    let gid = if range_offset == 0 {
                        (code + delta) & 0xFFFF
                    } else {
                        let at = range_offsets + 2 * s + range_offset + 2 * (code - start);
                        match be16(at) {
                            Some(0) | None => continue,
                            Some(g) => (g + delta) & 0xFFFF,
                        }
                    };
                    add(gid, code, &mut map);
                }
            }
        }
        12 => {
            let groups = be32(table + 12)?;
            let mut taken = 0;
            for g in 0..groups.min(MAX_CMAP_CHARS) {
                let at = table + 16 + 12 * g;
                let (first, last, glyph) = (be32(at)?, be32(at + 4)?, be32(at + 8)?);
                for code in first..=last.min(first + MAX_CMAP_CHARS) {
                    add(glyph + (code - first), code, &mut map);
                    taken += 1;
                    if taken > MAX_CMAP_CHARS {
                        return Some(map);
                    }
                }
            }
        }
        _ => return None,
    }
    Some(map)
}

#[cfg(test)]
pub(crate) mod truetype_tests {
    use super::*;

    /// A TrueType skeleton with one table, a (3,1) format-4 cmap mapping 'A'..'C'
    /// to glyphs 10..12 by delta and 'x' to glyph 20 through the glyph array.
    pub(crate) fn tiny_truetype() -> Vec<u8> {
        let mut cmap = vec![0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12];
        let segments: [(u16, u16, i16, u16); 3] =
            [(0x41, 0x43, 10 - 0x41, 0), (0x78, 0x78, 0, 0), (0xFFFF, 0xFFFF, 1, 0)];
        let mut sub = vec![0, 4, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0];
        for s in &segments {
            sub.extend(s.1.to_be_bytes());
        }
        sub.extend([0, 0]);
        for s in &segments {
            sub.extend(s.0.to_be_bytes());
        }
        for s in &segments {
            sub.extend(s.2.to_be_bytes());
        }
        // Range offsets: segment 1 points at the glyph array right after this array.
        sub.extend(0u16.to_be_bytes());
        sub.extend(4u16.to_be_bytes());
        sub.extend(0u16.to_be_bytes());
        sub.extend(20u16.to_be_bytes());
        cmap.extend(sub);
        let mut font = vec![0, 1, 0, 0, 0, 1, 0, 16, 0, 0, 0, 0];
        font.extend(b"cmap");
        font.extend([0, 0, 0, 0]);
        font.extend(28u32.to_be_bytes());
        font.extend((cmap.len() as u32).to_be_bytes());
        font.extend(cmap);
        font
    }

    #[test]
    fn format4_cmap_inverts_to_glyph_unicode() {
        let map = truetype_glyph_unicode(&tiny_truetype()).expect("readable");
        assert_eq!(map.get(&10), Some(&'A'));
        assert_eq!(map.get(&12), Some(&'C'));
        assert_eq!(map.get(&20), Some(&'x'));
        assert_eq!(map.get(&13), None);
    }

    #[test]
    fn truncated_truetype_is_none_or_partial_not_a_panic() {
        let font = tiny_truetype();
        for len in 0..font.len() {
            let _ = truetype_glyph_unicode(&font[..len]);
        }
    }
}
