//! The document model: what every extractor produces and every later stage reads.
//!
//! An extractor turns bytes (HTML, PDF or plain text) into a [`Document`]: an ordered
//! list of [`Block`]s, each a heading, paragraph, list item or table row, with the page
//! it stands on (where the source has pages) and the headings above it. Page
//! furniture (navigation, cookie banners, running headers, page numbers) never
//! becomes a block.

use serde::{Deserialize, Serialize};

/// What kind of structural unit a [`Block`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading; [`Block::level`] says how deep (1 is the document title level).
    Heading,
    /// A paragraph of running text.
    Paragraph,
    /// One item of a bulleted or numbered list (a wrapped item is one block).
    ListItem,
    /// One row of a table, its cells joined with " | ".
    TableRow,
}

impl BlockKind {
    /// The snake_case name used in JSON output and readable listings.
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Heading => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::ListItem => "list_item",
            BlockKind::TableRow => "table_row",
        }
    }
}

/// One structural unit of a document's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// Heading, paragraph, list item or table row.
    pub kind: BlockKind,
    /// Heading level, 1 to 6; `None` for every other kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// The block's text, whitespace collapsed, without list markers' layout.
    pub text: String,
    /// 1-based page number where the source has pages (PDF), else `None`.
    #[serde(default)]
    pub page: Option<u32>,
    /// The texts of the headings this block stands under, outermost first.
    /// Filled by [`Document::assign_sections`]; extractors leave it empty.
    #[serde(default)]
    pub section: Vec<String>,
}

impl Block {
    /// A block of `kind` with `text` and no page, level or section yet.
    pub fn new(kind: BlockKind, text: impl Into<String>) -> Block {
        Block { kind, level: None, text: text.into(), page: None, section: Vec::new() }
    }

    /// A heading block at `level` (clamped to 1..=6).
    pub fn heading(level: u8, text: impl Into<String>) -> Block {
        Block { level: Some(level.clamp(1, 6)), ..Block::new(BlockKind::Heading, text) }
    }

    /// This block with its page number set.
    pub fn on_page(mut self, page: u32) -> Block {
        self.page = Some(page);
        self
    }
}

/// A machine-readable reason why a document's text may be incomplete or doubtful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// Pages carry images but no text layer: the text needs OCR.
    NeedsOcr,
    /// The document yielded no text blocks at all.
    NoText,
    /// A configured limit (size, time, pages, depth) cut extraction short.
    LimitReached,
    /// Part of the document could not be decoded and was skipped.
    PartlyUnreadable,
    /// Characters could not be mapped to Unicode reliably (missing font encoding).
    UnmappedCharacters,
    /// The character encoding was guessed rather than declared.
    EncodingGuessed,
    /// The record was kept from an earlier run because this run could not refresh it.
    Stale,
    /// A tagged PDF's structure tree does not account for the text of some pages
    /// (or of any): those pages were laid out from glyph positions.
    StructureMismatch,
    /// Layout analysis would have left out text of some pages that is not page
    /// furniture; it was put back as plain paragraphs in drawing order, so its
    /// headings, lists and reading order may be wrong.
    TextDropped,
}

/// How a paged document's blocks were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Structure {
    /// From a tagged PDF's structure tree: the document declared its headings,
    /// paragraphs, list items and table rows.
    Tagged,
    /// From glyph positions (the layout engine): the document declares no usable
    /// structure.
    Layout,
}

impl Structure {
    /// The snake_case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Structure::Tagged => "tagged",
            Structure::Layout => "layout",
        }
    }
}

/// A problem met while processing a document that did not stop it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// What kind of problem this is.
    pub code: WarningCode,
    /// A sentence for people, naming what was affected.
    pub message: String,
    /// The pages affected, where that is known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<u32>,
}

impl Warning {
    /// A warning with `code` and `message` that names no pages.
    pub fn new(code: WarningCode, message: impl Into<String>) -> Warning {
        Warning { code, message: message.into(), pages: Vec::new() }
    }
}

/// The structured text of one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The document's title, from HTML `<title>`/`<h1>` or PDF metadata/first heading.
    pub title: Option<String>,
    /// Number of pages, for paged formats.
    pub pages: Option<u32>,
    /// How the blocks were found, for PDFs; `None` for other formats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structure: Option<Structure>,
    /// The blocks in reading order.
    pub blocks: Vec<Block>,
    /// Problems that did not stop extraction.
    pub warnings: Vec<Warning>,
}

impl Document {
    /// Fills every block's [`Block::section`] with the headings above it.
    ///
    /// A heading closes every open heading at its level or deeper; a heading's own
    /// section is the path of its ancestors.
    pub fn assign_sections(&mut self) {
        let mut open: Vec<(u8, String)> = Vec::new();
        for block in &mut self.blocks {
            if block.kind == BlockKind::Heading {
                let level = block.level.unwrap_or(1);
                open.retain(|(l, _)| *l < level);
                block.section = open.iter().map(|(_, t)| t.clone()).collect();
                open.push((level, block.text.clone()));
            } else {
                block.section = open.iter().map(|(_, t)| t.clone()).collect();
            }
        }
    }

    /// The blocks that are running text (everything but headings).
    pub fn text_blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.kind != BlockKind::Heading)
    }
}

/// Collapses runs of whitespace (NBSP included) to single spaces and trims.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c == '\u{a0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_follow_heading_levels() {
        let mut doc = Document {
            blocks: vec![
                Block::heading(1, "Plan"),
                Block::heading(2, "Theme one"),
                Block::new(BlockKind::Paragraph, "a"),
                Block::heading(2, "Barriers"),
                Block::heading(3, "Funding"),
                Block::new(BlockKind::ListItem, "b"),
                Block::heading(2, "Monitoring"),
                Block::new(BlockKind::Paragraph, "c"),
            ],
            ..Document::default()
        };
        doc.assign_sections();
        let sections: Vec<Vec<String>> = doc.blocks.iter().map(|b| b.section.clone()).collect();
        assert_eq!(sections[2], ["Plan", "Theme one"]);
        assert_eq!(sections[4], ["Plan", "Barriers"]);
        assert_eq!(sections[5], ["Plan", "Barriers", "Funding"]);
        assert_eq!(sections[7], ["Plan", "Monitoring"]);
    }

    #[test]
    fn whitespace_collapses_including_nbsp() {
        assert_eq!(collapse_whitespace("  a\u{a0}\u{a0}b\n\tc  "), "a b c");
        assert_eq!(collapse_whitespace(""), "");
    }
}
