//! Plain-text extraction.
//!
//! Paragraphs are split at blank lines; within a blank-line chunk, each line is its
//! own block unless it is a hard wrap of the line before (the line before is long
//! and unfinished, or this line starts in lower case). Bulleted and numbered lines
//! become list items, tab-separated lines table rows, and short title-like lines
//! headings.

use std::sync::LazyLock;

use regex::Regex;

use super::charset;
use crate::document::{collapse_whitespace, Block, BlockKind, Document, Warning, WarningCode};

/// Leading bullet glyphs plansift recognises as list markers.
const BULLETS: &[char] = &['•', '·', '▪', '◦', '●', '‣', '∙', '-', '*', '–', '—', '\u{f0b7}', '\u{f0a7}', 'o'];

static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]|\(?[a-z][.)]|\([ivx]{1,5}\)|[ivx]{1,5}[.)])\s+\S")
        .expect("valid regex")
});
static SECTION_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]{1,2})((?:\.[0-9]{1,2})*)\.?\s+\S").expect("valid regex"));

/// Extracts blocks from plain text `bytes`; the charset comes from `content_type`,
/// else a BOM, else detection.
pub fn extract(bytes: &[u8], content_type: Option<&str>) -> Document {
    let decoded = charset::decode(bytes, content_type, false);
    let mut document = from_str(&decoded.text);
    if decoded.source == charset::EncodingSource::Detected && decoded.encoding != encoding_rs::UTF_8 {
        document.warnings.push(Warning::new(
            WarningCode::EncodingGuessed,
            format!("no charset declared; decoded as {}", decoded.encoding.name()),
        ));
    }
    document
}

/// Extracts blocks from already-decoded text.
pub fn from_str(text: &str) -> Document {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut blocks: Vec<Block> = Vec::new();
    for chunk in text.split("\n\n") {
        let lines: Vec<&str> = chunk.lines().filter(|l| !l.trim().is_empty()).collect();
        let mut current: Option<Block> = None;
        for (i, raw) in lines.iter().enumerate() {
            let line = raw.trim_matches(|c: char| c.is_whitespace() && c != '\t');
            let next = lines.get(i + 1).map(|l| l.trim());
            if let Some(block) = current.as_mut() {
                if continues(&block.text, block.kind, line) {
                    block.text.push(' ');
                    block.text.push_str(&collapse_whitespace(line));
                    continue;
                }
            }
            if let Some(done) = current.take() {
                blocks.push(done);
            }
            current = Some(classify_line(line, lines.len() == 1, next, blocks.is_empty()));
        }
        if let Some(done) = current.take() {
            blocks.push(done);
        }
    }
    blocks.retain(|b| !b.text.is_empty());
    let title = blocks.iter().find(|b| b.kind == BlockKind::Heading).map(|b| b.text.clone());
    Document { title, pages: None, blocks, warnings: Vec::new() }
}

/// Whether `line` is a hard-wrapped continuation of a block whose text so far is `text`.
fn continues(text: &str, kind: BlockKind, line: &str) -> bool {
    if kind == BlockKind::Heading || kind == BlockKind::TableRow || line.contains('\t') {
        return false;
    }
    if list_marker_len(line).is_some() {
        return false;
    }
    let starts_lower = line.chars().next().is_some_and(char::is_lowercase);
    let unfinished = !text.ends_with(['.', ':', ';', '!', '?']);
    let last_line_len = text.len();
    starts_lower && unfinished
        || unfinished && last_line_len >= 60 && text.ends_with(|c: char| c.is_alphanumeric() || c == ',')
}

fn classify_line(line: &str, alone_in_chunk: bool, next: Option<&str>, first: bool) -> Block {
    if line.contains('\t') {
        let cells: Vec<String> = line.split('\t').map(collapse_whitespace).filter(|c| !c.is_empty()).collect();
        if cells.len() >= 2 {
            return Block::new(BlockKind::TableRow, cells.join(" | "));
        }
    }
    let text = collapse_whitespace(line);
    if let Some(level) = heading_level(&text, alone_in_chunk, next, first) {
        return Block::heading(level, text);
    }
    if list_marker_len(&text).is_some() {
        return Block::new(BlockKind::ListItem, text);
    }
    Block::new(BlockKind::Paragraph, text)
}

/// Byte length of a leading list marker (bullet or number plus space), if any.
pub fn list_marker_len(text: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    let (_, first) = chars.next()?;
    if BULLETS.contains(&first) {
        let (pos, after) = chars.next()?;
        if after.is_whitespace() && (first != 'o' || text.len() > 2) {
            return Some(pos + after.len_utf8());
        }
        return None;
    }
    NUMBERED.find(text).map(|m| m.end() - 1)
}

/// The heading level of a title-like line, or `None` when it reads as running text.
fn heading_level(text: &str, alone_in_chunk: bool, next: Option<&str>, first: bool) -> Option<u8> {
    let words = text.split_whitespace().count();
    if text.is_empty() || words > 14 || text.len() > 100 {
        return None;
    }
    if text.ends_with(['.', ',', ';', ':']) {
        return None;
    }
    let starts_upper = text.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_uppercase);
    if !starts_upper {
        return None;
    }
    if let Some(caps) = SECTION_NUMBER.captures(text) {
        let depth = caps.get(2).map_or(0, |m| m.as_str().matches('.').count());
        return Some((2 + depth as u8).min(6));
    }
    if BULLETS.iter().any(|b| text.starts_with(*b) && text[b.len_utf8()..].starts_with(' ')) {
        return None;
    }
    // A lone short line, or one followed by a clearly longer line, is title-like.
    let followed_by_text = next.is_some_and(|n| n.len() > text.len() * 2 && n.len() > 60);
    if alone_in_chunk || followed_by_text {
        return Some(if first { 1 } else { 2 });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(doc: &Document) -> Vec<(BlockKind, &str)> {
        doc.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect()
    }

    #[test]
    fn blank_lines_bullets_numbers_and_headings() {
        let doc = from_str(
            "Productivity plan 2024\n\nOur plan sets out what we have done to improve services across the district.\n\n1. Introduction\n\nWe did things.\nThe plan summarises:\n- What we achieved\n• Future focus\n2) A numbered item that is long enough to be an item.",
        );
        assert_eq!(
            kinds(&doc),
            [
                (BlockKind::Heading, "Productivity plan 2024"),
                (BlockKind::Paragraph, "Our plan sets out what we have done to improve services across the district."),
                (BlockKind::Heading, "1. Introduction"),
                (BlockKind::Paragraph, "We did things."),
                (BlockKind::Paragraph, "The plan summarises:"),
                (BlockKind::ListItem, "- What we achieved"),
                (BlockKind::ListItem, "• Future focus"),
                (BlockKind::ListItem, "2) A numbered item that is long enough to be an item."),
            ]
        );
        assert_eq!(doc.blocks[0].level, Some(1));
        assert_eq!(doc.blocks[2].level, Some(2));
    }

    #[test]
    fn hard_wrapped_lines_join() {
        let doc = from_str(
            "The council has undertaken a range of activities in recent years to\nimprove productivity and efficiency, and it will continue to do so\nthrough its transformation programme.",
        );
        assert_eq!(doc.blocks.len(), 1);
        assert!(doc.blocks[0].text.contains("years to improve productivity"));
    }

    #[test]
    fn tab_rows_are_table_rows() {
        let doc = from_str("Wards Affected\t\tAll\nPortfolio Holder Consulted\t\tYes");
        assert_eq!(
            kinds(&doc),
            [(BlockKind::TableRow, "Wards Affected | All"), (BlockKind::TableRow, "Portfolio Holder Consulted | Yes")]
        );
    }

    #[test]
    fn windows_1252_text_decodes() {
        let doc = extract(b"The council\x92s plan costs \xa35m \x96 approved.", None);
        assert_eq!(doc.blocks[0].text, "The council\u{2019}s plan costs \u{a3}5m \u{2013} approved.");
        assert!(doc.warnings.iter().any(|w| w.code == WarningCode::EncodingGuessed));
    }
}
