//! Resource limits that keep one hostile document from stalling or exhausting a run.
//!
//! Every limit has a safe default; the CLI can change them. Hitting a limit costs
//! the document concerned a warning or an error, never the run.

use std::time::Duration;

/// Bounds on the work and memory spent on one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Largest document body accepted, in bytes (before any decompression).
    pub max_document_bytes: u64,
    /// Largest size one compressed stream may inflate to.
    pub max_inflated_bytes_per_stream: u64,
    /// Largest total of inflated streams in one document.
    pub max_inflated_bytes_per_document: u64,
    /// Deepest nesting of objects, arrays, Form XObjects or HTML elements followed.
    pub max_nesting_depth: usize,
    /// Pages read from one document; later pages are skipped with a warning.
    pub max_pages: u32,
    /// Blocks kept from one document; later blocks are dropped with a warning.
    pub max_blocks: usize,
    /// Wall-clock time allowed for extracting one document.
    pub time_per_document: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_document_bytes: 64 * 1024 * 1024,
            max_inflated_bytes_per_stream: 64 * 1024 * 1024,
            max_inflated_bytes_per_document: 256 * 1024 * 1024,
            max_nesting_depth: 256,
            max_pages: 2_000,
            max_blocks: 100_000,
            time_per_document: Duration::from_secs(60),
        }
    }
}
