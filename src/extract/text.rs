//! Plain-text extraction.
//!
//! Paragraphs are split at blank lines; within a blank-line chunk, each line is its
//! own block unless it is a hard wrap of the line before (the line before is long
//! and unfinished, or this line starts in lower case). Bulleted and numbered lines
//! become list items, tab-separated lines table rows, and short title-like lines
//! headings, as the HTML and PDF paths do: a heading is short, reads as a title and
//! is followed by body text. A numbered line is a section heading only when it
//! stands alone ("2. Using technology"), never when it is hard-wrapped into the next
//! line or one of several numbered lines together (a numbered list). Page footers
//! ("Page 2 of 4") and short lines repeated down the document (running headers)
//! are furniture and dropped.

use std::collections::{HashMap, HashSet};
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
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[\s|–—-])page\s+[0-9]{1,4}(?:\s*(?:of|/)\s*[0-9]{1,4})?\s*$|^[0-9]{1,4}\s*(?:of|/)\s*[0-9]{1,4}$|^[0-9]{1,4}$")
        .expect("valid regex")
});

/// Most words a running header or footer line has.
const FURNITURE_MAX_WORDS: usize = 12;
/// How often a short line must recur (digits aside) to count as a running header.
const RUNNING_HEADER_REPEATS: usize = 3;

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
    let furniture = running_lines(&text);
    let mut blocks: Vec<Block> = Vec::new();
    for chunk in text.split("\n\n") {
        let lines: Vec<&str> = chunk.lines().filter(|l| !l.trim().is_empty() && !is_furniture(l, &furniture)).collect();
        let numbered = lines.iter().filter(|l| NUMBERED.is_match(l.trim())).count();
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
            let wrapped = next.is_some_and(|n| continues(&collapse_whitespace(line), BlockKind::Paragraph, n));
            let context = LineContext {
                alone_in_chunk: lines.len() == 1,
                next,
                first: blocks.is_empty(),
                wrapped,
                numbered_run: numbered >= 2,
            };
            current = Some(classify_line(line, &context));
        }
        if let Some(done) = current.take() {
            blocks.push(done);
        }
    }
    blocks.retain(|b| !b.text.is_empty());
    let title = blocks.iter().find(|b| b.kind == BlockKind::Heading).map(|b| b.text.clone());
    Document { title, pages: None, structure: None, blocks, warnings: Vec::new() }
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

/// What a line's neighbours say about it.
struct LineContext<'a> {
    /// The line is the only one of its blank-line chunk.
    alone_in_chunk: bool,
    /// The next line of the chunk.
    next: Option<&'a str>,
    /// No block came before it.
    first: bool,
    /// The next line continues this one (a hard wrap): it is running text.
    wrapped: bool,
    /// Its chunk has several numbered lines: they are a list.
    numbered_run: bool,
}

/// Normalised texts of the short lines that recur down the document (running
/// headers), digits aside so that page and date variants count as one.
fn running_lines(text: &str) -> HashSet<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in text.lines() {
        let key = furniture_key(line);
        if !key.is_empty() && line.split_whitespace().count() <= FURNITURE_MAX_WORDS {
            *counts.entry(key).or_default() += 1;
        }
    }
    counts.into_iter().filter(|(_, n)| *n >= RUNNING_HEADER_REPEATS).map(|(key, _)| key).collect()
}

fn furniture_key(line: &str) -> String {
    let key: String = line.chars().filter(|c| !c.is_ascii_digit()).collect();
    collapse_whitespace(&key).to_lowercase()
}

/// A page footer or number, or a running header: not text of the document.
fn is_furniture(line: &str, running: &HashSet<String>) -> bool {
    let trimmed = line.trim();
    if trimmed.split_whitespace().count() > FURNITURE_MAX_WORDS || trimmed.ends_with(['.', ':', ';', ',']) {
        return false;
    }
    PAGE_NUMBER.is_match(trimmed) || running.contains(&furniture_key(trimmed))
}

fn classify_line(line: &str, context: &LineContext<'_>) -> Block {
    if line.contains('\t') {
        let cells: Vec<String> = line.split('\t').map(collapse_whitespace).filter(|c| !c.is_empty()).collect();
        if cells.len() >= 2 {
            return Block::new(BlockKind::TableRow, cells.join(" | "));
        }
    }
    let text = collapse_whitespace(line);
    let numbered = NUMBERED.is_match(&text);
    let may_be_heading = !(context.wrapped || numbered && context.numbered_run);
    if let Some(level) =
        heading_level(&text, context.alone_in_chunk, context.next, context.first).filter(|_| may_be_heading)
    {
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
    fn numbered_lists_and_wrapped_numbered_lines_are_not_headings() {
        let doc = from_str(
            "2. How we transformed services\n\nThe priorities agreed are:\n\n1. Review our garden waste charging model so that the service fully\n   recovers its costs.\n2. Bring the licensing teams together\n\n3.1 Councils were also asked to report their spend on agency staff and\nconsultants, which we set out below.",
        );
        assert_eq!(
            kinds(&doc),
            [
                (BlockKind::Heading, "2. How we transformed services"),
                (BlockKind::Paragraph, "The priorities agreed are:"),
                (
                    BlockKind::ListItem,
                    "1. Review our garden waste charging model so that the service fully recovers its costs."
                ),
                (BlockKind::ListItem, "2. Bring the licensing teams together"),
                (
                    BlockKind::Paragraph,
                    "3.1 Councils were also asked to report their spend on agency staff and consultants, which we set out below."
                ),
            ]
        );
    }

    #[test]
    fn page_footers_and_running_headers_are_dropped() {
        let page = |n: u32| {
            format!("Cabinet 10 July 2024\n\nParagraph {n} of the report, long enough to be running text.\n\nExample Council | Plan | Page {n} of 3")
        };
        let doc = from_str(&(1..=3).map(page).collect::<Vec<_>>().join("\n\n"));
        let texts: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert!(texts.iter().all(|t| t.starts_with("Paragraph")), "{texts:?}");
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
