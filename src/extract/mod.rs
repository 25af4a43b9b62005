//! Extraction: document bytes in, structured text ([`Document`]) out.
//!
//! The format is decided from the bytes first (a PDF served as `text/html` is still
//! a PDF), then from the declared content type and file name. Each format has its own
//! module; this one only dispatches and applies the limits common to all formats.

pub mod charset;
pub mod html;
pub mod pdf;
pub mod text;

use thiserror::Error;

use crate::document::{Document, Warning, WarningCode};
use crate::limits::Limits;

/// The document formats plansift reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Portable Document Format.
    Pdf,
    /// An HTML page.
    Html,
    /// Plain text.
    Text,
}

impl Format {
    /// The MIME type plansift records for this format.
    pub fn mime_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Html => "text/html",
            Format::Text => "text/plain",
        }
    }
}

/// The bytes of one document and what its server or file name declared about them.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The raw document body.
    pub bytes: &'a [u8],
    /// The `Content-Type` header, if the document came over HTTP.
    pub content_type: Option<&'a str>,
    /// The URL or file path, used for its extension when the bytes are ambiguous.
    pub name: Option<&'a str>,
}

/// Why a document could not be extracted at all.
#[derive(Debug, Error)]
pub enum ExtractError {
    /// The body is empty.
    #[error("the document is empty (0 bytes)")]
    Empty,
    /// The body is larger than [`Limits::max_document_bytes`].
    #[error("the document is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Body size in bytes.
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// An HTML page is larger than [`Limits::max_html_bytes`].
    #[error("the HTML page is {size} bytes, over the HTML limit of {limit} bytes")]
    HtmlTooLarge {
        /// Page size in bytes.
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// Declared a PDF (by name or content type) but the bytes are something else,
    /// typically an HTML error page behind a dead link.
    #[error("declared a PDF but is not one: it starts with {start:?} (likely an error page or a dead link)")]
    NotAPdf {
        /// The first bytes, made printable.
        start: String,
    },
    /// The PDF could not be read.
    #[error("PDF: {0}")]
    Pdf(#[from] pdf::PdfError),
    /// The document's format is binary and not one plansift reads.
    #[error("unsupported binary format (starts with {start:?})")]
    Unsupported {
        /// The first bytes, made printable.
        start: String,
    },
}

/// Decides the format of `input`: magic bytes first, then declarations.
pub fn detect_format(input: &Input) -> Format {
    let head = &input.bytes[..input.bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Format::Pdf;
    }
    let lowered = String::from_utf8_lossy(head).to_ascii_lowercase();
    let trimmed = lowered.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || trimmed.starts_with("<?xml") && lowered.contains("<html")
        || lowered.contains("<body")
        || lowered.contains("<head")
    {
        return Format::Html;
    }
    if declares_pdf(input) {
        return Format::Pdf;
    }
    let declared_html = input.content_type.is_some_and(|t| t.to_ascii_lowercase().contains("html"))
        || input.name.is_some_and(|n| {
            let n = n.to_ascii_lowercase();
            n.ends_with(".html") || n.ends_with(".htm") || n.ends_with(".aspx") || n.ends_with(".php")
        });
    if declared_html || trimmed.starts_with('<') && lowered.contains("</") {
        Format::Html
    } else {
        Format::Text
    }
}

fn declares_pdf(input: &Input) -> bool {
    input.content_type.is_some_and(|t| t.to_ascii_lowercase().contains("pdf"))
        || input.name.is_some_and(|n| {
            let path = n.split(['?', '#']).next().unwrap_or(n);
            path.to_ascii_lowercase().ends_with(".pdf")
        })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn printable_start(bytes: &[u8]) -> String {
    let head: String = String::from_utf8_lossy(&bytes[..bytes.len().min(40)])
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    head.trim().to_string()
}

/// Extracts the structured text of `input` within `limits`.
///
/// Headings get their section paths filled in; blocks past [`Limits::max_blocks`]
/// are dropped with a warning.
pub fn extract(input: &Input, limits: &Limits) -> Result<Document, ExtractError> {
    if input.bytes.is_empty() {
        return Err(ExtractError::Empty);
    }
    let size = input.bytes.len() as u64;
    if size > limits.max_document_bytes {
        return Err(ExtractError::TooLarge { size, limit: limits.max_document_bytes });
    }
    let format = detect_format(input);
    let mut document = match format {
        Format::Pdf => pdf::extract(input.bytes, limits)?,
        Format::Html if declares_pdf(input) => {
            return Err(ExtractError::NotAPdf { start: printable_start(input.bytes) });
        }
        Format::Html if size > limits.max_html_bytes => {
            return Err(ExtractError::HtmlTooLarge { size, limit: limits.max_html_bytes });
        }
        Format::Html => html::extract(input.bytes, input.content_type, limits),
        Format::Text => {
            if looks_binary(input.bytes) {
                return Err(ExtractError::Unsupported { start: printable_start(input.bytes) });
            }
            text::extract(input.bytes, input.content_type)
        }
    };
    if document.blocks.len() > limits.max_blocks {
        let dropped = document.blocks.len() - limits.max_blocks;
        document.blocks.truncate(limits.max_blocks);
        document.warnings.push(Warning::new(
            WarningCode::LimitReached,
            format!("{dropped} blocks past the limit of {} were dropped", limits.max_blocks),
        ));
    }
    if document.blocks.is_empty() && !document.warnings.iter().any(|w| w.code == WarningCode::NeedsOcr) {
        document.warnings.push(Warning::new(WarningCode::NoText, "the document yielded no text"));
    }
    document.assign_sections();
    Ok(document)
}

/// True when the bytes contain NULs or many control characters: not text at all.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let controls = head.iter().filter(|&&b| b < 0x09 || (0x0e..0x20).contains(&b)).count();
    head.contains(&0) || controls * 10 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(bytes: &'a [u8], content_type: Option<&'a str>, name: Option<&'a str>) -> Input<'a> {
        Input { bytes, content_type, name }
    }

    #[test]
    fn bytes_decide_before_declarations() {
        assert_eq!(detect_format(&input(b"%PDF-1.7\n...", Some("text/html"), Some("a.html"))), Format::Pdf);
        assert_eq!(detect_format(&input(b"<!DOCTYPE html><html>", Some("application/pdf"), None)), Format::Html);
        assert_eq!(detect_format(&input(b"Just words.", None, Some("plan.txt"))), Format::Text);
        assert_eq!(detect_format(&input(b"<p>Hi</p>", None, Some("x.htm"))), Format::Html);
    }

    #[test]
    fn html_named_pdf_is_an_error_not_a_page() {
        let err =
            extract(&input(b"<!DOCTYPE html><title>Not found</title>", None, Some("plan.pdf")), &Limits::default())
                .unwrap_err();
        assert!(matches!(err, ExtractError::NotAPdf { .. }), "{err}");
        assert!(err.to_string().contains("<!DOCTYPE html>"), "{err}");
    }

    #[test]
    fn empty_and_oversized_bodies_are_refused() {
        assert!(matches!(extract(&input(b"", None, None), &Limits::default()), Err(ExtractError::Empty)));
        let limits = Limits { max_document_bytes: 4, ..Limits::default() };
        assert!(matches!(extract(&input(b"hello", None, None), &limits), Err(ExtractError::TooLarge { .. })));
    }

    #[test]
    fn html_over_its_own_limit_is_refused_but_text_of_that_size_is_read() {
        let page = format!("<html><body><p>{}</p></body></html>", "word ".repeat(40));
        let limits = Limits { max_html_bytes: 100, ..Limits::default() };
        let err = extract(&input(page.as_bytes(), Some("text/html"), None), &limits).unwrap_err();
        assert!(matches!(err, ExtractError::HtmlTooLarge { limit: 100, .. }), "{err}");
        assert!(err.to_string().contains("over the HTML limit of 100 bytes"), "{err}");
        let text = "word ".repeat(40);
        assert!(extract(&input(text.as_bytes(), None, Some("a.txt")), &limits).is_ok());
    }

    #[test]
    fn binary_junk_is_unsupported() {
        let err = extract(&input(b"\x00\x01\x02PK\x03\x04binary", None, Some("x.bin")), &Limits::default());
        assert!(matches!(err, Err(ExtractError::Unsupported { .. })));
    }

    #[test]
    fn block_limit_truncates_with_warning() {
        let limits = Limits { max_blocks: 2, ..Limits::default() };
        let doc = extract(&input(b"One.\n\nTwo.\n\nThree.\n\nFour.", None, Some("a.txt")), &limits).unwrap();
        assert_eq!(doc.blocks.len(), 2);
        assert!(doc.warnings.iter().any(|w| w.code == WarningCode::LimitReached));
    }
}
