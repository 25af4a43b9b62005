//! PDF extraction: lopdf parses the file, our own content-stream interpreter turns
//! each page into positioned glyphs ([`page_glyphs`]), and the glyphs become blocks:
//! as the document's structure tree declares them where it is tagged (`structure`
//! reads the tree, `tagged` builds the blocks, page by page where the tree accounts
//! for the page's text), else by [`layout`] analysis of their positions.
//!
//! Everything that touches document bytes runs inside `catch_unwind`, so a panic in
//! lopdf on a fuzzed file becomes a [`PdfError`]; our own recursion (Form XObjects,
//! reference chains, the page tree's inherited attributes) is bounded explicitly.

mod cmap;
mod content;
mod encoding;
mod encryption;
mod font;
mod font_program;
pub mod glyphs;
pub mod layout;
mod objects;
mod structure;
mod tagged;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use lopdf::{Dictionary, Object, ObjectId};
use thiserror::Error;

use self::content::{FontCache, PageInterpreter, PageReport};
use self::glyphs::PageGlyphs;
use self::objects::{Objects, StreamError};
use crate::document::{Block, BlockKind, Document, Structure, Warning, WarningCode};
use crate::limits::Limits;

/// Longest chain of /Parent links followed for inherited page attributes.
const MAX_PAGE_TREE_DEPTH: usize = 64;
/// Unmapped glyphs that always earn a warning (fewer do when they are 1% of all).
const MIN_UNMAPPED_GLYPHS: usize = 20;
/// Deepest Form XObject nesting followed, whatever the configured nesting limit.
const MAX_FORM_DEPTH: usize = 32;

/// Why a PDF could not be read.
#[derive(Debug, Error)]
pub enum PdfError {
    /// lopdf could not parse the file.
    #[error("cannot parse the file: {0}")]
    Parse(String),
    /// The file is encrypted and does not open with an empty password: the
    /// message names the scheme and why (password, handler, damage).
    #[error("encrypted with {0}")]
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
        let read = read_blocks(&doc, &pages, limits, started, &mut warnings);
        let (blocks, late_pages, cut_pages) = (read.blocks, read.late_pages, read.cut_pages);
        let restored = read.restored;
        document.structure = Some(read.structure);
        if !late_pages.is_empty() {
            warnings.push(Warning {
                pages: late_pages,
                ..Warning::new(WarningCode::LimitReached, "time limit reached: these pages were not laid out")
            });
        }
        if !cut_pages.is_empty() {
            warnings.push(Warning {
                pages: cut_pages,
                ..Warning::new(
                    WarningCode::LimitReached,
                    format!(
                        "pages with more than {0} separate runs of text were cut after the first {0}",
                        limits.max_fragments_per_page
                    ),
                )
            });
        }
        if !restored.pages.is_empty() {
            warnings.push(Warning {
                pages: restored.pages,
                ..Warning::new(
                    WarningCode::TextDropped,
                    format!(
                        "layout analysis left out {} words that are not page furniture; they are kept as plain paragraphs in drawing order",
                        restored.words
                    ),
                )
            });
        }
        document.blocks = blocks;
        document.title = info_title(&doc).or_else(|| first_heading(&document.blocks));
        document.warnings = warnings;
        Ok(document)
    })
}

/// A document's blocks and how they were found.
struct Read {
    blocks: Vec<Block>,
    structure: Structure,
    late_pages: Vec<u32>,
    cut_pages: Vec<u32>,
    restored: layout::coverage::Restored,
}

/// Reads the blocks from the structure tree where the PDF is tagged and the tree
/// accounts for its pages, else lays the pages out from glyph positions; says in
/// `warnings` why a tree was not used where there was one.
fn read_blocks(
    doc: &lopdf::Document,
    pages: &[PageGlyphs],
    limits: &Limits,
    started: Instant,
    warnings: &mut Vec<Warning>,
) -> Read {
    let rules = layout::rules::Compiled::embedded();
    let deadline = started.checked_add(limits.time_per_document);
    let objects = Objects::new(doc, 0, 0);
    let bounds = structure::Bounds {
        max_depth: rules.rules.tagged.max_depth,
        max_elements: rules.rules.tagged.max_elements,
        deadline: deadline.unwrap_or_else(|| started + Duration::from_secs(100 * 365 * 24 * 3600)),
    };
    let browser_made = [b"Producer".as_slice(), b"Creator"]
        .iter()
        .any(|key| info_string(doc, key).is_some_and(|maker| rules.lays_out_maker(&maker)));
    let tree = if browser_made { None } else { structure::read(&objects, bounds) };
    if let Some(tree) = &tree {
        if let Some(why) = &tree.cut_short {
            warnings.push(Warning::new(
                WarningCode::LimitReached,
                format!("{why}: the rest of the document was laid out from positions"),
            ));
        }
        let tagged = tagged::read(tree, pages, rules, deadline, limits.max_fragments_per_page);
        if tagged.tree_blocks > 0 {
            if !tagged.mismatched_pages.is_empty() {
                warnings.push(Warning {
                    pages: tagged.mismatched_pages,
                    ..Warning::new(
                        WarningCode::StructureMismatch,
                        "the structure tree does not account for the text of these pages: they were laid out from glyph positions",
                    )
                });
            }
            return Read {
                blocks: tagged.blocks,
                structure: Structure::Tagged,
                late_pages: tagged.late_pages,
                cut_pages: tagged.cut_pages,
                restored: tagged.restored,
            };
        }
        warnings.push(Warning::new(
            WarningCode::StructureMismatch,
            "the structure tree accounts for the text of no page: the document was laid out from glyph positions",
        ));
    }
    let layout = layout::layout_until(pages, rules, deadline, limits.max_fragments_per_page);
    Read {
        blocks: layout.blocks,
        structure: Structure::Layout,
        late_pages: layout.late_pages,
        cut_pages: layout.cut_pages,
        restored: layout.restored,
    }
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
        doc.decrypt("").map_err(|e| PdfError::Encrypted(encryption::failure(&doc, Some(&e))))?;
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
        // lopdf leaves an encrypted file it could not open with the empty password
        // without readable objects: say so rather than "no pages".
        if doc.trailer.get(b"Encrypt").is_ok() {
            return Err(PdfError::Encrypted(encryption::failure(doc, None)));
        }
        return Err(PdfError::NoPages);
    }
    let objects = Objects::new(doc, limits.max_inflated_bytes_per_stream, limits.max_inflated_bytes_per_document);
    // A limit too large to add to the clock (`--time-limit` takes any number of
    // seconds) is no limit; a century stands in for it.
    let deadline = started
        .checked_add(limits.time_per_document)
        .unwrap_or_else(|| started + Duration::from_secs(100 * 365 * 24 * 3600));
    let max_depth = limits.max_object_depth.clamp(1, MAX_FORM_DEPTH);
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
            tally.note_unreadable("a page object is not a dictionary");
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
    glyphs: usize,
    unreadable: Vec<u32>,
    unreadable_reasons: Vec<String>,
    limited: Vec<u32>,
    limit_reasons: Vec<String>,
    needs_ocr: Vec<u32>,
}

impl Tally {
    fn add(&mut self, page: &PageGlyphs, report: &PageReport) {
        self.glyphs += page.glyphs.len();
        if report.unmapped_glyphs > 0 {
            self.unmapped.push(page.number);
            self.unmapped_glyphs += report.unmapped_glyphs;
        }
        if !report.unreadable.is_empty() || report.glyphs_without_font > 0 {
            self.unreadable.push(page.number);
            for reason in &report.unreadable {
                self.note_unreadable(reason);
            }
            if report.glyphs_without_font > 0 {
                self.note_unreadable("text shown with a font the page does not define was skipped");
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

    fn note_unreadable(&mut self, reason: &str) {
        if !self.unreadable_reasons.iter().any(|r| r == reason) && self.unreadable_reasons.len() < 3 {
            self.unreadable_reasons.push(reason.to_owned());
        }
    }

    fn into_warnings(self, warnings: &mut Vec<Warning>) {
        if !self.needs_ocr.is_empty() {
            warnings.push(Warning {
                pages: self.needs_ocr,
                ..Warning::new(WarningCode::NeedsOcr, "pages are images without a text layer; their text needs OCR")
            });
        }
        // A stray unmapped dingbat is noise; warn when a real share of the text is lost.
        let unmapped_matters =
            self.unmapped_glyphs >= MIN_UNMAPPED_GLYPHS || self.unmapped_glyphs * 100 >= self.glyphs.max(1);
        if !self.unmapped.is_empty() && unmapped_matters {
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

/// The document information dictionary's `key` entry, decoded.
fn info_string(doc: &lopdf::Document, key: &[u8]) -> Option<String> {
    let objects = Objects::new(doc, 0, 0);
    let info = doc.trailer.get(b"Info").ok().and_then(|o| objects.dict(o))?;
    let Some(Object::String(bytes, _)) = objects.get(info, key) else { return None };
    Some(decode_text_string(bytes))
}

fn info_title(doc: &lopdf::Document) -> Option<String> {
    let title = crate::document::collapse_whitespace(&info_string(doc, b"Title")?);
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

#[cfg(test)]
mod tests {
    use super::glyphs::Glyph;
    use super::*;
    use lopdf::{dictionary, Stream};

    /// A one-page PDF showing `content` with Helvetica as /F1; `extra` may add
    /// resources (XObjects) to the page's resource dictionary.
    fn pdf_with(content: &[u8], extra: impl FnOnce(&mut lopdf::Document, &mut Dictionary)) -> Vec<u8> {
        let mut doc = lopdf::Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
        });
        let mut resources = dictionary! { "Font" => dictionary! { "F1" => font } };
        extra(&mut doc, &mut resources);
        let contents = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        let pages_id = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => contents, "Resources" => resources,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
                "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).expect("writes to memory");
        bytes
    }

    fn pdf(content: &[u8]) -> Vec<u8> {
        pdf_with(content, |_, _| {})
    }

    fn glyphs_of(bytes: &[u8]) -> (Vec<Glyph>, Vec<Warning>) {
        let (mut pages, warnings) = page_glyphs(bytes, &Limits::default()).expect("test PDF reads");
        (pages.remove(0).glyphs, warnings)
    }

    fn text_of(glyphs: &[Glyph]) -> String {
        glyphs.iter().map(|g| g.text.as_str()).collect()
    }

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 0.01
    }

    #[test]
    fn tj_offsets_move_the_next_glyph_by_thousandths_of_the_size() {
        let (glyphs, _) = glyphs_of(&pdf(b"BT /F1 10 Tf 100 700 Td [(AB) -1000 (C)] TJ ET"));
        assert_eq!(text_of(&glyphs), "ABC");
        // Helvetica A and B are 667/1000 wide; -1000 moves right by one em (10).
        assert!(close(glyphs[1].x, 106.67), "{:?}", glyphs[1]);
        assert!(close(glyphs[2].x, 100.0 + 6.67 + 6.67 + 10.0), "{:?}", glyphs[2]);
        assert!(close(glyphs[0].y, 700.0) && close(glyphs[0].size, 10.0));
    }

    #[test]
    fn ctm_text_matrix_and_horizontal_scale_combine() {
        let (glyphs, _) = glyphs_of(&pdf(b"q 2 0 0 2 10 20 cm BT /F1 10 Tf 50 Tz 1 0 0 1 5 5 Tm (AB) Tj ET Q"));
        assert!(close(glyphs[0].x, 20.0) && close(glyphs[0].y, 30.0), "{:?}", glyphs[0]);
        assert!(close(glyphs[0].size, 20.0));
        // Advance: 0.667 * 10 * 0.5 (Tz) in text space, doubled by the CTM.
        assert!(close(glyphs[1].x, 20.0 + 6.67), "{:?}", glyphs[1]);
        assert!(close(glyphs[0].width, 6.67));
    }

    #[test]
    fn q_and_big_q_restore_the_ctm() {
        let (glyphs, _) = glyphs_of(&pdf(b"q 3 0 0 3 0 0 cm Q BT /F1 10 Tf 100 100 Td (A) Tj ET"));
        assert!(close(glyphs[0].x, 100.0) && close(glyphs[0].size, 10.0));
    }

    #[test]
    fn thousands_of_nested_saves_keep_text_and_pair_restores() {
        let mut content = b"1 0 0 1 7 0 cm ".to_vec();
        content.extend(b"q ".repeat(5000));
        content.extend(b"2 0 0 2 0 0 cm ");
        content.extend(b"Q ".repeat(5000));
        content.extend(b"BT /F1 10 Tf (A) Tj ET");
        let (glyphs, warnings) = glyphs_of(&pdf(&content));
        assert_eq!(text_of(&glyphs), "A");
        assert!(close(glyphs[0].x, 7.0) && close(glyphs[0].size, 10.0), "{:?}", glyphs[0]);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn page_tree_and_reference_cycles_end() {
        let mut doc = lopdf::Document::load_mem(&pdf(b"BT /F1 10 Tf (A) Tj ET")).expect("reads");
        let page_id = doc.page_iter().next().expect("a page");
        let pages_id = doc.catalog().and_then(|c| c.get(b"Pages")).and_then(Object::as_reference).expect("pages");
        let loop_a = doc.new_object_id();
        let loop_b = doc.new_object_id();
        doc.objects.insert(loop_a, Object::Reference(loop_b));
        doc.objects.insert(loop_b, Object::Reference(loop_a));
        if let Ok(Object::Dictionary(pages)) = doc.get_object_mut(pages_id) {
            pages.set("Kids", vec![page_id.into(), pages_id.into()]);
            pages.set("Parent", pages_id);
        }
        if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page_id) {
            page.set("Rotate", loop_a);
            page.remove(b"Resources");
        }
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).expect("writes");
        // Either outcome is fine; ending (no hang, no stack overflow) is the point.
        let _ = page_glyphs(&bytes, &Limits::default());
        let _ = extract(&bytes, &Limits::default());
    }

    #[test]
    fn word_spacing_applies_to_single_byte_spaces_only_and_char_spacing_to_all() {
        let (glyphs, _) = glyphs_of(&pdf(b"BT /F1 10 Tf 5 Tw 1 Tc 0 0 Td (A B) Tj ET"));
        assert_eq!(text_of(&glyphs), "A B");
        assert!(close(glyphs[1].x, 6.67 + 1.0));
        // space: 0.278 * 10 + Tc 1 + Tw 5
        assert!(close(glyphs[2].x, 6.67 + 1.0 + 2.78 + 1.0 + 5.0), "{:?}", glyphs[2]);
    }

    #[test]
    fn quote_operators_move_to_the_next_line_and_show() {
        let (glyphs, _) = glyphs_of(&pdf(b"BT /F1 10 Tf 12 TL 100 700 Td (A) Tj (B) ' 3 1 (C) \" ET"));
        assert_eq!(text_of(&glyphs), "ABC");
        assert!(close(glyphs[1].x, 100.0) && close(glyphs[1].y, 688.0));
        assert!(close(glyphs[2].y, 676.0));
    }

    #[test]
    fn text_in_an_undefined_font_is_reported() {
        let (glyphs, warnings) = glyphs_of(&pdf(b"BT /F9 10 Tf (A) Tj ET"));
        assert!(glyphs.is_empty());
        assert!(warnings.iter().any(|w| w.code == WarningCode::PartlyUnreadable && w.pages == [1]), "{warnings:?}");
    }

    #[test]
    fn page_and_time_limits_cut_with_a_warning() {
        let bytes = pdf(b"BT /F1 10 Tf (A) Tj ET");
        let limits = Limits { max_pages: 0, ..Limits::default() };
        let (pages, warnings) = page_glyphs(&bytes, &limits).expect("reads");
        assert!(pages.is_empty());
        assert!(warnings.iter().any(|w| w.code == WarningCode::LimitReached), "{warnings:?}");
        let limits = Limits { time_per_document: std::time::Duration::ZERO, ..Limits::default() };
        let (pages, warnings) = page_glyphs(&bytes, &limits).expect("reads");
        assert!(pages.is_empty());
        let limit = warnings.iter().find(|w| w.code == WarningCode::LimitReached).expect("warning");
        assert_eq!(limit.pages, [1]);
    }

    #[test]
    fn a_time_limit_past_the_clock_range_is_no_limit() {
        let limits = Limits { time_per_document: std::time::Duration::MAX, ..Limits::default() };
        let document = extract(&pdf(b"BT /F1 10 Tf (A) Tj ET"), &limits).expect("reads");
        assert_eq!(document.blocks.len(), 1);
        assert!(document.warnings.is_empty(), "{:?}", document.warnings);
    }

    #[test]
    fn render_mode_three_marks_glyphs_invisible() {
        let (glyphs, _) = glyphs_of(&pdf(b"BT /F1 10 Tf 3 Tr (A) Tj 0 Tr (B) Tj ET"));
        assert!(glyphs[0].invisible && !glyphs[1].invisible);
    }

    #[test]
    fn lines_and_thin_rectangles_become_rules() {
        let (mut pages, _) = page_glyphs(
            &pdf(b"100 100 m 300 100 l S 100 100 m 300 100 l S 50 50 0.5 200 re f 0 0 612 792 re f 10 10 m 40 30 l S"),
            &Limits::default(),
        )
        .expect("reads");
        let rules = std::mem::take(&mut pages[0].rules);
        assert_eq!(rules.iter().filter(|r| **r == [100.0, 100.0, 300.0, 100.0]).count(), 1, "{rules:?}");
        assert!(rules.iter().any(|r| close(r[0], 50.0) && close(r[3], 250.0) && close(r[2], 50.0)));
        assert!(!rules.iter().any(|r| close(r[2], 612.0)), "page background is not a rule");
        assert!(!rules.iter().any(|r| close(r[0], 10.0)), "diagonal is not a rule");
    }

    /// LibreOffice Writer paints a white box behind every line of text, as wide as
    /// the line; those boxes are not underlines, so the paragraph is not a link
    /// list (all of its words were once dropped as navigation).
    #[test]
    fn text_on_white_boxes_is_kept() {
        let lines = [
            "Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy",
            "eirmod tempor invidunt ut labore et dolore magna aliquyam erat, sed diam",
            "voluptua. At vero eos et accusam et justo duo dolores et ea rebum. Stet",
            "clita kasd gubergren, no sea takimata sanctus est Lorem ipsum dolor sit.",
        ];
        let shown = |i: usize, line: &str| format!("BT 56.8 {} Td /F1 10 Tf ({line}) Tj ET\n", 700.0 - 13.5 * i as f32);
        let bare: String = lines.iter().enumerate().map(|(i, l)| shown(i, l)).collect();
        let (glyphs, _) = glyphs_of(&pdf(bare.as_bytes()));
        let mut boxed = String::new();
        for (i, line) in lines.iter().enumerate() {
            let y = 700.0 - 13.5 * i as f32;
            let right = glyphs.iter().filter(|g| close(g.y, y)).map(|g| g.x + g.width).fold(0.0, f32::max);
            boxed.push_str(&format!("1 1 1 rg 56.7 {:.2} {:.2} 11.6 re f* q 0 0 0 rg ", y - 2.35, right - 56.7));
            boxed.push_str(&shown(i, line));
            boxed.push_str("Q\n");
        }
        let document = extract(&pdf(boxed.as_bytes()), &Limits::default()).expect("reads");
        let text: String = document.blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join(" ");
        assert_eq!(document.blocks.len(), 1, "{:?}", document.blocks);
        assert!(text.starts_with("Lorem ipsum") && text.ends_with("dolor sit."), "{text}");
        assert!(document.warnings.is_empty(), "kept by layout, not put back: {:?}", document.warnings);
    }

    /// a2ps and landscape listings print their text turned a quarter on a
    /// portrait page; it once came out a letter per line.
    #[test]
    fn text_drawn_turned_reads_in_lines() {
        let content = b"BT /F1 10 Tf 0 1 -1 0 100 100 Tm (Beautiful is better than ugly.) Tj \
                        0 1 -1 0 114 100 Tm (Explicit is better than implicit.) Tj ET";
        let document = extract(&pdf(content), &Limits::default()).expect("reads");
        let text: Vec<&str> = document.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(text.join(" "), "Beautiful is better than ugly. Explicit is better than implicit.", "{text:?}");
    }

    #[test]
    fn form_xobjects_draw_with_their_matrix_and_a_self_reference_stops() {
        let bytes = pdf_with(b"q 1 0 0 1 100 0 cm /X1 Do Q", |doc, resources| {
            let form_id = doc.new_object_id();
            let form = Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 0.into(), 50.into()],
                    "Resources" => dictionary! {
                        "Font" => resources.get(b"Font").expect("font").clone(),
                        "XObject" => dictionary! { "X1" => form_id },
                    },
                },
                b"BT /F1 10 Tf (A) Tj ET /X1 Do".to_vec(),
            );
            doc.objects.insert(form_id, Object::Stream(form));
            resources.set("XObject", dictionary! { "X1" => form_id });
        });
        let (glyphs, warnings) = glyphs_of(&bytes);
        assert_eq!(text_of(&glyphs), "A");
        assert!(close(glyphs[0].x, 100.0) && close(glyphs[0].y, 50.0), "{:?}", glyphs[0]);
        assert!(warnings.iter().any(|w| w.code == WarningCode::PartlyUnreadable), "{warnings:?}");
    }

    #[test]
    fn deep_form_nesting_is_cut_at_the_depth_limit() {
        let bytes = pdf_with(b"/X0 Do", |doc, resources| {
            let fonts = resources.get(b"Font").expect("font").clone();
            let ids: Vec<ObjectId> = (0..100).map(|_| doc.new_object_id()).collect();
            for (i, id) in ids.iter().enumerate() {
                let mut xobjects = Dictionary::new();
                if let Some(next) = ids.get(i + 1) {
                    xobjects.set("X0", *next);
                }
                let form = Stream::new(
                    dictionary! { "Subtype" => "Form", "Resources" => dictionary! { "Font" => fonts.clone(), "XObject" => xobjects } },
                    b"BT /F1 10 Tf (A) Tj ET /X0 Do".to_vec(),
                );
                doc.objects.insert(*id, Object::Stream(form));
            }
            resources.set("XObject", dictionary! { "X0" => ids[0] });
        });
        let (glyphs, warnings) = glyphs_of(&bytes);
        assert_eq!(glyphs.len(), MAX_FORM_DEPTH);
        assert!(warnings.iter().any(|w| w.code == WarningCode::LimitReached), "{warnings:?}");
    }

    #[test]
    fn a_decompression_bomb_is_refused_with_a_warning() {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let mut content = b"BT /F1 10 Tf (A) Tj ET\n".to_vec();
        content.resize(8 * 1024 * 1024, b' ');
        encoder.write_all(&content).expect("compresses");
        let compressed = encoder.finish().expect("compresses");
        let mut doc = lopdf::Document::load_mem(&pdf(b"")).expect("reads");
        let page_id = doc.page_iter().next().expect("a page");
        let contents = doc.get_page_contents(page_id)[0];
        doc.objects.insert(
            contents,
            Object::Stream(Stream::new(dictionary! { "Filter" => "FlateDecode" }, compressed).with_compression(false)),
        );
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).expect("writes");
        let limits = Limits { max_inflated_bytes_per_stream: 1024 * 1024, ..Limits::default() };
        let (pages, warnings) = page_glyphs(&bytes, &limits).expect("reads");
        assert!(pages[0].glyphs.is_empty());
        assert!(warnings.iter().any(|w| w.code == WarningCode::LimitReached), "{warnings:?}");
        // Within the limit the same stream reads.
        let (pages, _) = page_glyphs(&bytes, &Limits::default()).expect("reads");
        assert_eq!(text_of(&pages[0].glyphs), "A");
    }

    #[test]
    fn image_only_page_needs_ocr() {
        let bytes = pdf_with(b"q 612 0 0 792 0 0 cm /Im0 Do Q", |doc, resources| {
            let image = doc.add_object(Stream::new(
                dictionary! { "Subtype" => "Image", "Width" => 1, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray" },
                vec![0x80],
            ));
            resources.set("XObject", dictionary! { "Im0" => image });
        });
        let document = extract(&bytes, &Limits::default()).expect("reads");
        let ocr = document.warnings.iter().find(|w| w.code == WarningCode::NeedsOcr).expect("needs_ocr warning");
        assert_eq!(ocr.pages, [1]);
    }

    #[test]
    fn undecodable_codes_are_counted() {
        let bytes = pdf_with(b"BT /F2 10 Tf <00410042> Tj ET", |doc, resources| {
            let descendant = doc.add_object(dictionary! { "Subtype" => "CIDFontType2", "BaseFont" => "X" });
            let font = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "X", "Encoding" => "Identity-H",
                "DescendantFonts" => vec![descendant.into()],
            });
            if let Ok(Object::Dictionary(fonts)) = resources.get_mut(b"Font") {
                fonts.set("F2", font);
            }
        });
        let (glyphs, warnings) = glyphs_of(&bytes);
        assert_eq!(glyphs.len(), 2);
        let unmapped = warnings.iter().find(|w| w.code == WarningCode::UnmappedCharacters).expect("warning");
        assert!(unmapped.message.starts_with("2 glyphs"), "{}", unmapped.message);
    }

    #[test]
    fn garbage_and_non_pdfs_give_errors_not_panics() {
        assert!(matches!(
            page_glyphs(b"<!DOCTYPE html><html>not found</html>", &Limits::default()),
            Err(PdfError::Parse(_))
        ));
        let mut bytes = pdf(b"BT /F1 10 Tf (A) Tj ET");
        bytes.truncate(bytes.len() / 2);
        let _ = page_glyphs(&bytes, &Limits::default());
        let mut noise = b"%PDF-1.7\n".to_vec();
        noise.extend((0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
        let _ = page_glyphs(&noise, &Limits::default());
    }

    #[test]
    fn deeply_nested_content_arrays_do_not_overflow_the_stack() {
        let mut content = b"BT /F1 10 Tf ".to_vec();
        content.extend(std::iter::repeat_n(b'[', 100_000));
        content.extend(b"(A) TJ ET");
        let _ = page_glyphs(&pdf(&content), &Limits::default());
    }

    #[test]
    fn info_title_is_used_when_meaningful() {
        assert_eq!(decode_text_string(b"\xfe\xff\x00P\x00l\x00a\x00n"), "Plan");
        assert_eq!(decode_text_string(b"Caf\xe9 \x8dx\x8e"), "Café \u{201c}x\u{201d}");
    }
}
