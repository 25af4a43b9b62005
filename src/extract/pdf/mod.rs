//! PDF extraction through lopdf.

use thiserror::Error;

use super::text;
use crate::document::Document;
use crate::limits::Limits;

/// Why a PDF could not be read.
#[derive(Debug, Error)]
pub enum PdfError {
    /// lopdf could not parse the file.
    #[error("cannot parse the file: {0}")]
    Parse(String),
}

/// Extracts paragraphs with page numbers from a PDF.
pub fn extract(bytes: &[u8], _limits: &Limits) -> Result<Document, PdfError> {
    let pdf = lopdf::Document::load_mem(bytes).map_err(|e| PdfError::Parse(e.to_string()))?;
    let pages = pdf.get_pages();
    let mut document = Document { pages: Some(pages.len() as u32), ..Document::default() };
    for &number in pages.keys() {
        let page_text = pdf.extract_text(&[number]).unwrap_or_default();
        let page = text::from_str(&page_text);
        document.blocks.extend(page.blocks.into_iter().map(|b| b.on_page(number)));
    }
    Ok(document)
}
