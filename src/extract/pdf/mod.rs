//! PDF extraction: lopdf parses the file, our own content-stream interpreter turns
//! each page into positioned glyphs ([`page_glyphs`]), and the glyphs become blocks.
//!
//! Everything that touches document bytes runs inside `catch_unwind`, so a panic in
//! lopdf on a fuzzed file becomes a [`PdfError`]; our own recursion (Form XObjects,
//! reference chains, the page tree's inherited attributes) is bounded explicitly.

mod cmap;
mod content;
mod encoding;
mod font;
pub mod glyphs;
pub mod layout;
mod objects;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use lopdf::{Dictionary, Object, ObjectId};
use thiserror::Error;

use self::content::{FontCache, PageInterpreter, PageReport};
use self::glyphs::PageGlyphs;
use self::objects::{Objects, StreamError};
use crate::document::{Block, BlockKind, Document, Warning, WarningCode};
use crate::limits::Limits;

/// Longest chain of /Parent links followed for inherited page attributes.
const MAX_PAGE_TREE_DEPTH: usize = 64;
/// Deepest Form XObject nesting followed, whatever the configured nesting limit.
const MAX_FORM_DEPTH: usize = 32;

/// Why a PDF could not be read.
#[derive(Debug, Error)]
pub enum PdfError {
    /// lopdf could not parse the file.
    #[error("cannot parse the file: {0}")]
    Parse(String),
    /// The file is encrypted and does not open with an empty password.
    #[error("encrypted and needs a password: {0}")]
    Encrypted(String),
    /// The file has no page that could be found.
    #[error("no pages found (the page tree is missing or broken)")]
    NoPages,
    /// The parser failed in an unexpected way on this file (a panic was caught).
    #[error("the PDF parser failed on this file: {0}")]
    ParserFailure(String),
}

/// Interprets every page (up to [`Limits::max_pages`]) of the PDF in `bytes` into
/// positioned glyphs, with warnings for what was skipped or could not be decoded.
pub fn page_glyphs(bytes: &[u8], limits: &Limits) -> Result<(Vec<PageGlyphs>, Vec<Warning>), PdfError> {
    guarded(|| {
        let started = Instant::now();
        let doc = load(bytes, limits)?;
        let mut warnings = Vec::new();
        let pages = interpret(&doc, limits, started, &mut warnings)?;
        Ok((pages, warnings))
    })
}

/// Extracts paragraphs with page numbers from a PDF.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Document, PdfError> {
    guarded(|| {
        let started = Instant::now();
        let doc = load(bytes, limits)?;
        let mut warnings = Vec::new();
        let pages = interpret(&doc, limits, started, &mut warnings)?;
        let mut document = Document { pages: Some(page_count(&doc)), ..Document::default() };
        document.blocks = layout::layout(&pages).blocks;
        document.title = info_title(&doc).or_else(|| first_heading(&document.blocks));
        document.warnings = warnings;
        Ok(document)
    })
}

fn guarded<T>(work: impl FnOnce() -> Result<T, PdfError>) -> Result<T, PdfError> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(PdfError::ParserFailure(message))
        }
    }
}

fn load(bytes: &[u8], limits: &Limits) -> Result<lopdf::Document, PdfError> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(usize::try_from(limits.max_inflated_bytes_per_stream).unwrap_or(usize::MAX)),
        ..lopdf::LoadOptions::default()
    };
    let mut doc = match lopdf::Document::load_mem_with_options(bytes, options.clone()) {
        Ok(doc) => doc,
        // A damaged cross-reference table: rebuild it by scanning for objects.
        Err(first) => {
            lopdf::Document::load_mem_with_options(bytes, lopdf::LoadOptions { force_reconstruct: true, ..options })
                .map_err(|_| PdfError::Parse(describe_load_failure(bytes, &first)))?
        }
    };
    if doc.is_encrypted() {
        doc.decrypt("").map_err(|e| PdfError::Encrypted(e.to_string()))?;
    }
    Ok(doc)
}

fn describe_load_failure(bytes: &[u8], error: &lopdf::Error) -> String {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let truncated = !tail.windows(5).any(|w| w == b"%%EOF");
    if truncated {
        format!("{error} (the file has no %%EOF marker: it looks truncated)")
    } else {
        error.to_string()
    }
}

fn page_count(doc: &lopdf::Document) -> u32 {
    doc.page_iter().count() as u32
}

fn interpret(
    doc: &lopdf::Document,
    limits: &Limits,
    started: Instant,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<PageGlyphs>, PdfError> {
    let page_ids: Vec<ObjectId> = doc.page_iter().collect();
    if page_ids.is_empty() {
        return Err(PdfError::NoPages);
    }
    let objects = Objects::new(doc, limits.max_inflated_bytes_per_stream, limits.max_inflated_bytes_per_document);
    let deadline = started + limits.time_per_document;
    let max_depth = limits.max_nesting_depth.clamp(1, MAX_FORM_DEPTH);
    let mut fonts = FontCache::new();
    let mut pages = Vec::with_capacity(page_ids.len().min(limits.max_pages as usize));
    let mut tally = Tally::default();
    for (index, &page_id) in page_ids.iter().enumerate() {
        let number = index as u32 + 1;
        if number > limits.max_pages {
            warnings.push(Warning::new(
                WarningCode::LimitReached,
                format!("only the first {} of {} pages were read", limits.max_pages, page_ids.len()),
            ));
            break;
        }
        if Instant::now() > deadline {
            warnings.push(Warning {
                pages: (number..=page_ids.len() as u32).collect(),
                ..Warning::new(WarningCode::LimitReached, "time limit reached: the remaining pages were not read")
            });
            break;
        }
        let Ok(page) = doc.get_dictionary(page_id) else {
            tally.unreadable.push(number);
            continue;
        };
        let bbox = page_box(&objects, page);
        let resources = inherited(&objects, page, b"Resources").and_then(|r| objects.dict(r));
        let mut interpreter = PageInterpreter::new(&objects, &mut fonts, number, bbox, max_depth, deadline);
        let data = match page_content(&objects, page) {
            Ok(data) => data,
            Err(e) => {
                interpreter.stream_error(e);
                Vec::new()
            }
        };
        let (glyphs, report) = interpreter.run_page(&data, resources);
        tally.add(&glyphs, &report);
        pages.push(glyphs);
    }
    tally.into_warnings(warnings);
    Ok(pages)
}

/// Per-document collection of page problems, turned into one warning per kind.
#[derive(Default)]
struct Tally {
    unmapped: Vec<u32>,
    unmapped_glyphs: usize,
    unreadable: Vec<u32>,
    unreadable_reasons: Vec<String>,
    limited: Vec<u32>,
    limit_reasons: Vec<String>,
    needs_ocr: Vec<u32>,
}

impl Tally {
    fn add(&mut self, page: &PageGlyphs, report: &PageReport) {
        if report.unmapped_glyphs > 0 {
            self.unmapped.push(page.number);
            self.unmapped_glyphs += report.unmapped_glyphs;
        }
        if !report.unreadable.is_empty() {
            self.unreadable.push(page.number);
            for reason in &report.unreadable {
                if !self.unreadable_reasons.contains(reason) && self.unreadable_reasons.len() < 3 {
                    self.unreadable_reasons.push(reason.clone());
                }
            }
        }
        if let Some(reason) = &report.limit_reached {
            self.limited.push(page.number);
            if !self.limit_reasons.contains(reason) {
                self.limit_reasons.push(reason.clone());
            }
        }
        let has_text = page.glyphs.iter().any(|g| g.text.chars().any(|c| !c.is_whitespace()));
        if page.has_images && !has_text {
            self.needs_ocr.push(page.number);
        }
    }

    fn into_warnings(self, warnings: &mut Vec<Warning>) {
        if !self.needs_ocr.is_empty() {
            warnings.push(Warning {
                pages: self.needs_ocr,
                ..Warning::new(WarningCode::NeedsOcr, "pages are images without a text layer; their text needs OCR")
            });
        }
        if !self.unmapped.is_empty() {
            warnings.push(Warning {
                pages: self.unmapped,
                ..Warning::new(
                    WarningCode::UnmappedCharacters,
                    format!(
                        "{} glyphs have no Unicode mapping in their font and were replaced by U+FFFD",
                        self.unmapped_glyphs
                    ),
                )
            });
        }
        if !self.unreadable.is_empty() {
            warnings.push(Warning {
                pages: self.unreadable,
                ..Warning::new(
                    WarningCode::PartlyUnreadable,
                    format!("page content could not be fully read: {}", self.unreadable_reasons.join("; ")),
                )
            });
        }
        if !self.limited.is_empty() {
            warnings.push(Warning {
                pages: self.limited,
                ..Warning::new(WarningCode::LimitReached, self.limit_reasons.join("; "))
            });
        }
    }
}

/// `page[key]`, or the nearest ancestor's in the page tree.
fn inherited<'a>(objects: &Objects<'a>, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..MAX_PAGE_TREE_DEPTH {
        if let Some(value) = objects.get(node, key) {
            return Some(value);
        }
        node = objects.get_dict(node, b"Parent")?;
    }
    None
}

fn page_box(objects: &Objects, page: &Dictionary) -> [f32; 4] {
    let read = |key: &[u8]| -> Option<[f32; 4]> {
        let Object::Array(items) = inherited(objects, page, key)? else { return None };
        if items.len() != 4 {
            return None;
        }
        let v: Vec<f32> = items.iter().filter_map(|o| objects.number(o)).collect();
        (v.len() == 4).then(|| [v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3])])
    };
    read(b"CropBox").or_else(|| read(b"MediaBox")).unwrap_or([0.0, 0.0, 612.0, 792.0])
}

fn page_content(objects: &Objects, page: &Dictionary) -> Result<Vec<u8>, StreamError> {
    let Some(contents) = objects.get(page, b"Contents") else { return Ok(Vec::new()) };
    match contents {
        Object::Stream(stream) => objects.content(stream),
        Object::Array(parts) => {
            let mut data = Vec::new();
            let mut first_error = None;
            for part in parts {
                match objects.stream(part).map(|s| objects.content(s)) {
                    Some(Ok(bytes)) => {
                        data.extend_from_slice(&bytes);
                        data.push(b'\n');
                    }
                    Some(Err(e)) => {
                        first_error.get_or_insert(e);
                    }
                    None => {}
                }
            }
            match first_error {
                Some(e) if data.is_empty() => Err(e),
                _ => Ok(data),
            }
        }
        _ => Ok(Vec::new()),
    }
}

fn info_title(doc: &lopdf::Document) -> Option<String> {
    let objects = Objects::new(doc, 0, 0);
    let info = doc.trailer.get(b"Info").ok().and_then(|o| objects.dict(o))?;
    let Some(Object::String(bytes, _)) = objects.get(info, b"Title") else { return None };
    let title = crate::document::collapse_whitespace(&decode_text_string(bytes));
    let lower = title.to_ascii_lowercase();
    let meaningless = title.chars().filter(|c| c.is_alphanumeric()).count() < 3
        || lower.starts_with("microsoft word")
        || lower.starts_with("untitled")
        || [".doc", ".docx", ".pdf", ".odt", ".rtf", ".indd", ".tex"].iter().any(|ext| lower.ends_with(ext));
    (!meaningless).then_some(title)
}

/// A PDF text string: UTF-16BE with a BOM, UTF-8 with a BOM, else PDFDocEncoding.
fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units = rest.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]]));
        return char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).collect();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    let names = encoding::BaseEncoding::PdfDoc.glyph_names();
    bytes
        .iter()
        .map(|&b| match names[b as usize].and_then(encoding::glyph_name_to_unicode) {
            Some(text) => text,
            None => char::from(b).to_string(),
        })
        .collect()
}

fn first_heading(blocks: &[Block]) -> Option<String> {
    blocks.iter().take(20).find(|b| b.kind == BlockKind::Heading).map(|b| b.text.clone())
}
