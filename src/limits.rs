//! Resource limits that keep one hostile document from stalling or exhausting a run.
//!
//! Every limit has a safe default; the CLI can change each of them. Hitting a limit
//! costs the document concerned a warning (what was read is kept) or an error (the
//! document is refused), never the run and never another council's record.

use std::time::Duration;

/// Bounds on the work and memory spent on one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Largest document body accepted, in bytes (before any decompression).
    /// A larger body is refused.
    pub max_document_bytes: u64,
    /// Largest size one compressed PDF stream may inflate to; a stream that would
    /// inflate further is cut there, with a warning.
    pub max_inflated_bytes_per_stream: u64,
    /// Largest total of inflated PDF streams in one document; streams past it are
    /// not read, with a warning.
    pub max_inflated_bytes_per_document: u64,
    /// Deepest nesting of PDF objects followed: Form XObjects drawn inside one
    /// another (at most 32, whatever is set).
    pub max_object_depth: usize,
    /// Pages read from one document; later pages are skipped with a warning.
    pub max_pages: u32,
    /// Blocks (paragraphs, headings, list items, table rows) kept from one
    /// document; later blocks are dropped with a warning.
    pub max_blocks: usize,
    /// Line fragments (runs of text on one line) laid out per PDF page; the rest
    /// of the page is cut, with a warning. Several layout passes compare a page's
    /// fragments with each other: a real page has a few hundred, a hostile one can
    /// put each of 100,000 glyphs on its own line.
    pub max_fragments_per_page: usize,
    /// Attributes kept in one HTML tag; the rest are removed, with a warning.
    /// The HTML parser compares each attribute with every earlier one of its tag;
    /// real pages use a few dozen at most.
    pub max_attributes_per_tag: usize,
    /// Deepest HTML element nesting kept; deeper elements are flattened into
    /// their ancestor (their text is kept), with a warning.
    pub max_html_depth: usize,
    /// Largest HTML page read, in bytes; a larger page is refused (a DOM costs
    /// several times its source in memory).
    pub max_html_bytes: u64,
    /// Wall-clock time allowed for extracting one document. A PDF stops reading
    /// pages at the limit, with a warning; extraction still running past it is
    /// abandoned and the document fails.
    pub time_per_document: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_document_bytes: 64 * 1024 * 1024,
            max_inflated_bytes_per_stream: 64 * 1024 * 1024,
            max_inflated_bytes_per_document: 256 * 1024 * 1024,
            max_object_depth: 32,
            max_pages: 2_000,
            max_blocks: 100_000,
            max_fragments_per_page: 3_000,
            max_attributes_per_tag: 256,
            max_html_depth: 256,
            max_html_bytes: 16 * 1024 * 1024,
            time_per_document: Duration::from_secs(60),
        }
    }
}
