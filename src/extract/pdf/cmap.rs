//! CMap programs: ToUnicode maps (codespace ranges, `bfchar`, `bfrange` in both the
//! incrementing and the array form) and embedded encoding CMaps (`cidchar`,
//! `cidrange`) of composite fonts.
//!
//! The parser is a flat token loop: malformed sections are skipped token by token,
//! never fatal, and the number of entries kept is bounded.

use std::collections::HashMap;

/// Most entries (chars plus ranges) kept from one CMap; the rest are ignored.
const MAX_ENTRIES: usize = 200_000;

/// A range of byte sequences of one length that form a valid code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codespace {
    /// Lowest code.
    pub low: u32,
    /// Highest code.
    pub high: u32,
    /// Code length in bytes (1 to 4).
    pub len: u8,
}

#[derive(Debug, Clone)]
enum RangeTarget {
    /// The first code maps to these UTF-16 units; each next code increments the last.
    Incrementing(Vec<u16>),
    /// One string per code.
    Listed(Vec<String>),
}

#[derive(Debug, Clone)]
struct UnicodeRange {
    low: u32,
    high: u32,
    target: RangeTarget,
}

/// A parsed CMap: codespaces, code-to-Unicode entries, code-to-CID entries.
#[derive(Debug, Clone, Default)]
pub struct CMap {
    /// The codespace ranges, in file order.
    pub codespaces: Vec<Codespace>,
    chars: HashMap<u32, String>,
    ranges: Vec<UnicodeRange>,
    cid_chars: HashMap<u32, u32>,
    cid_ranges: Vec<(u32, u32, u32)>,
    /// The name given by `usecmap`, if any (a predefined CMap this one extends).
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    Hex(Vec<u8>),
    Name(&'a [u8]),
    Number(i64),
    Keyword(&'a [u8]),
    ArrayStart,
    ArrayEnd,
}

struct Tokens<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let data = self.data;
        loop {
            while self.pos < data.len() && is_space(data[self.pos]) {
                self.pos += 1;
            }
            let &byte = data.get(self.pos)?;
            match byte {
                b'%' => {
                    while self.pos < data.len() && data[self.pos] != b'\n' && data[self.pos] != b'\r' {
                        self.pos += 1;
                    }
                }
                b'<' if data.get(self.pos + 1) == Some(&b'<') => self.pos += 2,
                b'>' if data.get(self.pos + 1) == Some(&b'>') => self.pos += 2,
                b'<' => {
                    self.pos += 1;
                    let mut digits = Vec::new();
                    while self.pos < data.len() && data[self.pos] != b'>' {
                        if let Some(d) = hex_value(data[self.pos]) {
                            digits.push(d);
                        }
                        self.pos += 1;
                    }
                    self.pos += 1;
                    if digits.len() % 2 == 1 {
                        digits.push(0);
                    }
                    return Some(Token::Hex(digits.chunks(2).map(|p| (p[0] << 4) | p[1]).collect()));
                }
                b'(' => {
                    // Literal strings do not occur in the sections we read; skip them whole.
                    let mut depth = 0usize;
                    while self.pos < data.len() {
                        match data[self.pos] {
                            b'\\' => self.pos += 1,
                            b'(' => depth += 1,
                            b')' => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 {
                                    self.pos += 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                        self.pos += 1;
                    }
                }
                b'[' => {
                    self.pos += 1;
                    return Some(Token::ArrayStart);
                }
                b']' => {
                    self.pos += 1;
                    return Some(Token::ArrayEnd);
                }
                b'{' | b'}' | b'>' | b')' => self.pos += 1,
                b'/' => {
                    let start = self.pos + 1;
                    self.pos = start;
                    while self.pos < data.len() && is_regular(data[self.pos]) {
                        self.pos += 1;
                    }
                    return Some(Token::Name(&data[start..self.pos]));
                }
                _ => {
                    let start = self.pos;
                    while self.pos < data.len() && is_regular(data[self.pos]) {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        self.pos += 1;
                        continue;
                    }
                    let word = &data[start..self.pos];
                    if let Some(n) = std::str::from_utf8(word).ok().and_then(|s| s.parse::<i64>().ok()) {
                        return Some(Token::Number(n));
                    }
                    return Some(Token::Keyword(word));
                }
            }
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_regular(b: u8) -> bool {
    !is_space(b) && !matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn code_of(bytes: &[u8]) -> Option<(u32, u8)> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some((bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)), bytes.len() as u8))
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes.chunks(2).map(|p| if p.len() == 2 { u16::from_be_bytes([p[0], p[1]]) } else { u16::from(p[0]) }).collect()
}

fn utf16_text(bytes: &[u8]) -> String {
    char::decode_utf16(utf16_units(bytes)).map(|r| r.unwrap_or('\u{FFFD}')).collect()
}

impl CMap {
    /// Parses a CMap program; never fails (an unreadable program gives an empty map).
    pub fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let mut tokens = Tokens { data, pos: 0 };
        let mut previous: Option<Token> = None;
        let mut entries = 0usize;
        while let Some(token) = tokens.next() {
            match token {
                Token::Keyword(b"begincodespacerange") => {
                    while let Some(Token::Hex(low)) = tokens.next() {
                        let Some(Token::Hex(high)) = tokens.next() else { break };
                        if let (Some((low, len)), Some((high, _))) = (code_of(&low), code_of(&high)) {
                            cmap.codespaces.push(Codespace { low, high, len });
                        }
                    }
                }
                Token::Keyword(b"beginbfchar") => {
                    while let Some(Token::Hex(source)) = tokens.next() {
                        let target = match tokens.next() {
                            Some(Token::Hex(t)) => utf16_text(&t),
                            Some(Token::Name(n)) => std::str::from_utf8(n)
                                .ok()
                                .and_then(super::encoding::glyph_name_to_unicode)
                                .unwrap_or_default(),
                            _ => break,
                        };
                        if let Some((code, _)) = code_of(&source) {
                            if entries < MAX_ENTRIES && !target.is_empty() {
                                entries += 1;
                                cmap.chars.insert(code, target);
                            }
                        }
                    }
                }
                Token::Keyword(b"beginbfrange") => {
                    while let Some(Token::Hex(low)) = tokens.next() {
                        let Some(Token::Hex(high)) = tokens.next() else { break };
                        let target = match tokens.next() {
                            Some(Token::Hex(t)) => RangeTarget::Incrementing(utf16_units(&t)),
                            Some(Token::ArrayStart) => {
                                let mut items = Vec::new();
                                for item in tokens.by_ref() {
                                    match item {
                                        Token::Hex(t) => items.push(utf16_text(&t)),
                                        Token::Name(n) => items.push(
                                            std::str::from_utf8(n)
                                                .ok()
                                                .and_then(super::encoding::glyph_name_to_unicode)
                                                .unwrap_or_default(),
                                        ),
                                        _ => break,
                                    }
                                }
                                RangeTarget::Listed(items)
                            }
                            _ => break,
                        };
                        if let (Some((low, _)), Some((high, _))) = (code_of(&low), code_of(&high)) {
                            if low <= high && entries < MAX_ENTRIES {
                                entries += 1;
                                cmap.ranges.push(UnicodeRange { low, high, target });
                            }
                        }
                    }
                }
                Token::Keyword(b"begincidchar") => {
                    while let Some(Token::Hex(source)) = tokens.next() {
                        let Some(Token::Number(cid)) = tokens.next() else { break };
                        if let (Some((code, _)), Ok(cid)) = (code_of(&source), u32::try_from(cid)) {
                            if entries < MAX_ENTRIES {
                                entries += 1;
                                cmap.cid_chars.insert(code, cid);
                            }
                        }
                    }
                }
                Token::Keyword(b"begincidrange") => {
                    while let Some(Token::Hex(low)) = tokens.next() {
                        let Some(Token::Hex(high)) = tokens.next() else { break };
                        let Some(Token::Number(cid)) = tokens.next() else { break };
                        if let (Some((low, _)), Some((high, _)), Ok(cid)) =
                            (code_of(&low), code_of(&high), u32::try_from(cid))
                        {
                            if low <= high && entries < MAX_ENTRIES {
                                entries += 1;
                                cmap.cid_ranges.push((low, high, cid));
                            }
                        }
                    }
                }
                Token::Keyword(b"usecmap") => {
                    if let Some(Token::Name(name)) = previous {
                        cmap.parent = Some(String::from_utf8_lossy(name).into_owned());
                    }
                }
                _ => {}
            }
            previous = Some(token);
        }
        cmap
    }

    /// Whether the map has any code-to-Unicode entries.
    pub fn has_unicode(&self) -> bool {
        !self.chars.is_empty() || !self.ranges.is_empty()
    }

    /// Whether the map has any code-to-CID entries.
    pub fn has_cids(&self) -> bool {
        !self.cid_chars.is_empty() || !self.cid_ranges.is_empty()
    }

    /// The Unicode text of `code`, if the map gives one.
    pub fn unicode(&self, code: u32) -> Option<String> {
        if let Some(text) = self.chars.get(&code) {
            return Some(text.clone());
        }
        // Later ranges win over earlier ones, as later definitions override.
        let range = self.ranges.iter().rev().find(|r| r.low <= code && code <= r.high)?;
        let offset = code - range.low;
        match &range.target {
            RangeTarget::Incrementing(units) if units.len() == 1 => {
                let unit = units[0].wrapping_add(u16::try_from(offset).ok()?);
                char::from_u32(u32::from(unit)).map(String::from)
            }
            RangeTarget::Incrementing(units) => {
                let mut units = units.clone();
                let last = units.last_mut()?;
                *last = last.wrapping_add(u16::try_from(offset).ok()?);
                let text: String = char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).collect();
                (!text.is_empty()).then_some(text)
            }
            RangeTarget::Listed(items) => items.get(offset as usize).filter(|t| !t.is_empty()).cloned(),
        }
    }

    /// The CID of `code`, if the map gives one.
    pub fn cid(&self, code: u32) -> Option<u32> {
        if let Some(&cid) = self.cid_chars.get(&code) {
            return Some(cid);
        }
        self.cid_ranges.iter().rev().find(|r| r.0 <= code && code <= r.1).map(|r| r.2 + (code - r.0))
    }

    /// Splits the next code off `bytes` by the codespace ranges: the shortest
    /// sequence that falls in a range of its length. Without codespaces, or when
    /// nothing matches, `default_len` bytes are taken. Returns (code, byte count).
    pub fn next_code(&self, bytes: &[u8], default_len: usize) -> (u32, usize) {
        for len in 1..=4usize.min(bytes.len()) {
            let code = bytes[..len].iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
            if self.codespaces.iter().any(|c| c.len as usize == len && c.low <= code && code <= c.high) {
                return (code, len);
            }
        }
        let len = default_len.clamp(1, 4).min(bytes.len()).max(1);
        let code = bytes.iter().take(len).fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        (code, len.min(bytes.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO_UNICODE: &[u8] = b"/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
3 beginbfchar
<0003> <0020>
<0011> <00660069>
<0012> /endash
endbfchar
2 beginbfrange
<0020> <0022> <0041>
<0030> <0032> [<0078> <D835DC00> <0066006C>]
endbfrange
endcmap";

    #[test]
    fn bfchar_entries_map_single_and_multi_character_targets() {
        let cmap = CMap::parse(TO_UNICODE);
        assert_eq!(cmap.unicode(3).as_deref(), Some(" "));
        assert_eq!(cmap.unicode(0x11).as_deref(), Some("fi"));
        assert_eq!(cmap.unicode(0x12).as_deref(), Some("\u{2013}"));
        assert_eq!(cmap.unicode(0x99), None);
    }

    #[test]
    fn bfrange_increments_and_array_forms() {
        let cmap = CMap::parse(TO_UNICODE);
        assert_eq!(cmap.unicode(0x20).as_deref(), Some("A"));
        assert_eq!(cmap.unicode(0x22).as_deref(), Some("C"));
        assert_eq!(cmap.unicode(0x23), None);
        assert_eq!(cmap.unicode(0x30).as_deref(), Some("x"));
        assert_eq!(cmap.unicode(0x31).as_deref(), Some("\u{1D400}"));
        assert_eq!(cmap.unicode(0x32).as_deref(), Some("fl"));
    }

    #[test]
    fn codespaces_split_mixed_length_codes() {
        let cmap = CMap::parse(
            b"2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange
              1 begincidrange <8140> <817E> 633 endcidrange
              1 begincidchar <41> 34 endcidchar",
        );
        let bytes = [0x41, 0x81, 0x41, 0x42];
        let (code, len) = cmap.next_code(&bytes, 2);
        assert_eq!((code, len), (0x41, 1));
        assert_eq!(cmap.cid(code), Some(34));
        let (code, len) = cmap.next_code(&bytes[1..], 2);
        assert_eq!((code, len), (0x8141, 2));
        assert_eq!(cmap.cid(code), Some(634));
    }

    #[test]
    fn identity_two_byte_default_and_truncated_tail() {
        let cmap = CMap::default();
        assert_eq!(cmap.next_code(&[0x00, 0x41, 0x07], 2), (0x41, 2));
        assert_eq!(cmap.next_code(&[0x07], 2), (0x07, 1));
    }

    #[test]
    fn garbage_does_not_fail() {
        let cmap = CMap::parse(b"beginbfrange <00> [ <0041 endbfrange )))( <<>> begincodespacerange /x");
        assert!(cmap.codespaces.is_empty());
        let cmap = CMap::parse(&[0xff; 100]);
        assert!(!cmap.has_unicode());
    }
}
