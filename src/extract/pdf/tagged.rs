//! Blocks of a tagged PDF: the structure tree says what each block is and in which
//! order blocks are read; the glyphs say what text each holds.
//!
//! A page is read from the tree only when the tree accounts for its text (the
//! `[tagged]` rules: the share of the page's visible non-artifact characters that
//! the tree's marked content holds). A page the tree does not account for is laid
//! out from glyph positions instead, and named in a warning. Text the tree leaves
//! out on a page it does account for (drawn, neither tagged nor an artifact) is laid
//! out too and kept beside the page's other blocks: nothing drawn is lost.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use super::glyphs::{Glyph, Marked, PageGlyphs};
use super::layout::{self, blocks, coverage, hyphenation, lines, rules::Compiled};
use super::structure::{ContentRef, Role, StructTree};
use crate::document::{Block, BlockKind};

/// What reading a document from its structure tree gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaggedLayout {
    /// The blocks in reading order.
    pub blocks: Vec<Block>,
    /// How many of [`TaggedLayout::blocks`] the tree declared (the rest were laid
    /// out from positions).
    pub tree_blocks: usize,
    /// Pages with text that the tree does not account for: laid out from positions.
    pub mismatched_pages: Vec<u32>,
    /// Pages cut at the fragment limit or left out at the deadline, by the layout
    /// engine.
    pub cut_pages: Vec<u32>,
    /// Pages the layout engine did not reach before the deadline.
    pub late_pages: Vec<u32>,
    /// Text of the laid-out pages that layout would have left out, put back.
    pub restored: layout::coverage::Restored,
}

/// A declared block with its lines, before its text is put together.
struct Draft {
    role: Role,
    page: u32,
    lines: Vec<lines::Line>,
    cells: Vec<Vec<lines::Line>>,
}

/// Reads `pages` as `tree` declares them, laying out from positions what the tree
/// does not account for.
pub fn read(
    tree: &StructTree,
    pages: &[PageGlyphs],
    rules: &Compiled,
    deadline: Option<Instant>,
    max_fragments_per_page: usize,
) -> TaggedLayout {
    let referenced: HashSet<ContentRef> = tree.blocks.iter().flat_map(|b| b.content.iter().copied()).collect();
    let agreeing: HashSet<u32> =
        pages.iter().filter(|p| tree_accounts_for(p, &referenced, rules)).map(|p| p.number).collect();
    // Each piece of marked content's glyphs, in content order.
    let mut content: HashMap<ContentRef, Vec<&Glyph>> = HashMap::new();
    for page in pages.iter().filter(|p| agreeing.contains(&p.number)) {
        for glyph in &page.glyphs {
            if let Marked::Content(mcid) = glyph.marked {
                content.entry(ContentRef { page: page.number, mcid }).or_default().push(glyph);
            }
        }
    }
    let by_number: HashMap<u32, &PageGlyphs> = pages.iter().map(|p| (p.number, p)).collect();
    // Each piece of marked content is laid out on its own and the pieces follow
    // in the tree's order: a paragraph that runs on into the next column, or
    // flows around a box, reads in order rather than by position.
    let word_gap_em = rules.rules.words.word_gap_em;
    let lines_of = |refs: &[ContentRef]| -> Vec<lines::Line> {
        let mut out: Vec<lines::Line> = Vec::new();
        for r in refs.iter().filter(|r| agreeing.contains(&r.page)) {
            let (Some(glyphs), Some(page)) = (content.get(r), by_number.get(&r.page)) else { continue };
            for line in lines::glyph_lines(page, glyphs.iter().copied(), &[], rules, max_fragments_per_page).lines {
                append_line(&mut out, line, word_gap_em);
            }
        }
        out
    };
    let drafts: Vec<Draft> = tree
        .blocks
        .iter()
        .filter_map(|block| {
            let page = block.content.iter().find(|r| agreeing.contains(&r.page))?.page;
            let cells: Vec<Vec<lines::Line>> = block.cells.iter().map(|c| lines_of(c)).collect();
            let lines = if cells.is_empty() { lines_of(&block.content) } else { Vec::new() };
            Some(Draft { role: block.role, page, lines, cells })
        })
        .collect();
    let hyphens = &rules.rules.hyphenation.hyphens;
    let vocabulary = blocks::vocabulary(
        drafts.iter().flat_map(|d| std::iter::once(d.lines.as_slice()).chain(d.cells.iter().map(Vec::as_slice))),
        hyphens,
    );
    let mut tagged_blocks: Vec<Block> = Vec::with_capacity(drafts.len());
    for draft in &drafts {
        let text_of = |lines: &[lines::Line]| {
            crate::document::collapse_whitespace(
                &blocks::joined_words(lines, &vocabulary, hyphens, hyphenation::join_declared).join(" "),
            )
        };
        let block = match draft.role {
            Role::TableRow => {
                let cells: Vec<String> = draft.cells.iter().map(|c| text_of(c)).filter(|t| !t.is_empty()).collect();
                Block::new(BlockKind::TableRow, cells.join(" | "))
            }
            Role::Heading(level) => Block::heading(level, text_of(&draft.lines)),
            Role::ListItem => Block::new(BlockKind::ListItem, rules.without_bullet(&text_of(&draft.lines)).to_string()),
            Role::Paragraph => Block::new(BlockKind::Paragraph, text_of(&draft.lines)),
        };
        if block.text.chars().any(char::is_alphanumeric) {
            tagged_blocks.push(block.on_page(draft.page));
        }
    }
    if tagged_blocks.is_empty() {
        // The tree accounts for no text: the caller lays the whole document out.
        return TaggedLayout::default();
    }
    let residual = residual_pages(pages, &agreeing, &referenced);
    let laid_out = layout::layout_until(&residual, rules, deadline, max_fragments_per_page);
    let mismatched_pages: Vec<u32> = pages
        .iter()
        .filter(|p| !agreeing.contains(&p.number) && p.glyphs.iter().any(|g| g.marked != Marked::Artifact))
        .map(|p| p.number)
        .collect();
    let extra: Vec<Block> = laid_out.blocks.into_iter().filter(|b| b.text.chars().any(char::is_alphanumeric)).collect();
    let tree_blocks = tagged_blocks.len();
    let mut blocks = merge_by_page(tagged_blocks, extra);
    // The tree may place less than its pages draw (content it names but does not
    // hold, pieces missing from a block): the same check as after layout, over
    // every page's visible text that is not an artifact.
    let drawn: Vec<coverage::DrawnLine> = pages
        .iter()
        .filter(|page| laid_out.late_pages.binary_search(&page.number).is_err())
        .flat_map(|page| {
            let visible = page.glyphs.iter().filter(|g| g.marked != Marked::Artifact);
            lines::glyph_lines(page, visible, &page.rules, rules, max_fragments_per_page)
                .lines
                .into_iter()
                .map(|l| coverage::DrawnLine { page: l.page, text: l.text() })
        })
        .collect();
    let mut restored = coverage::restore(&drawn, &laid_out.furniture, &mut blocks, &rules.rules.coverage);
    restored.words += laid_out.restored.words;
    restored.pages.extend(laid_out.restored.pages);
    restored.pages.sort_unstable();
    restored.pages.dedup();
    TaggedLayout {
        tree_blocks,
        blocks,
        mismatched_pages,
        cut_pages: laid_out.cut_pages,
        late_pages: laid_out.late_pages,
        restored,
    }
}

/// Whether the tree's marked content holds enough of the page's visible text.
fn tree_accounts_for(page: &PageGlyphs, referenced: &HashSet<ContentRef>, rules: &Compiled) -> bool {
    let (mut text, mut claimed) = (0usize, 0usize);
    for glyph in &page.glyphs {
        let chars = glyph.text.chars().filter(|c| !c.is_whitespace()).count();
        match glyph.marked {
            Marked::Artifact => {}
            Marked::Content(mcid) if referenced.contains(&ContentRef { page: page.number, mcid }) => {
                text += chars;
                claimed += chars;
            }
            _ => text += chars,
        }
    }
    let tagged = &rules.rules.tagged;
    text < tagged.min_page_characters || claimed as f32 >= tagged.min_page_coverage * text as f32
}

/// The glyphs the tree does not place: every non-artifact glyph of a page it does
/// not account for, and the untagged ones of a page it does.
fn residual_pages(pages: &[PageGlyphs], agreeing: &HashSet<u32>, referenced: &HashSet<ContentRef>) -> Vec<PageGlyphs> {
    pages
        .iter()
        .filter_map(|page| {
            let from_tree = agreeing.contains(&page.number);
            let left_over = |g: &&Glyph| match g.marked {
                Marked::Artifact => false,
                Marked::Content(mcid) if from_tree => !referenced.contains(&ContentRef { page: page.number, mcid }),
                _ => true,
            };
            // Most pages read from the tree leave nothing over: nothing is copied.
            if !page.glyphs.iter().filter(left_over).any(|g| g.text.chars().any(char::is_alphanumeric)) {
                return None;
            }
            Some(PageGlyphs {
                number: page.number,
                bbox: page.bbox,
                glyphs: page.glyphs.iter().filter(left_over).cloned().collect(),
                fonts: page.fonts.clone(),
                has_images: page.has_images,
                // Rules drawn on a page read from the tree belong to its tables,
                // whose text the tree placed.
                rules: if from_tree { Vec::new() } else { page.rules.clone() },
            })
        })
        .collect()
}

/// Puts each laid-out block after the tree's blocks of its page and before those of
/// later pages.
fn merge_by_page(tree: Vec<Block>, laid_out: Vec<Block>) -> Vec<Block> {
    if laid_out.is_empty() {
        return tree;
    }
    let mut out = Vec::with_capacity(tree.len() + laid_out.len());
    let mut extra = laid_out.into_iter().peekable();
    for block in tree {
        let page = block.page.unwrap_or(0);
        while extra.peek().is_some_and(|e| e.page.unwrap_or(0) < page) {
            out.extend(extra.next());
        }
        out.push(block);
    }
    out.extend(extra);
    out
}

/// Adds `line` after `lines`; a line that goes on from where the last one ends
/// (the next piece of marked content on the same baseline) continues it, and a
/// word cut between the two pieces is joined again.
fn append_line(lines: &mut Vec<lines::Line>, mut line: lines::Line, word_gap_em: f32) {
    if let Some(last) = lines.last_mut() {
        let size = last.size.max(line.size);
        let same_baseline = last.page == line.page && (last.y - line.y).abs() <= 0.2 * size;
        let gap = line.x0 - last.x1;
        if same_baseline && gap > -0.5 * size && gap < 1.0 * size {
            let mut words = line.words.drain(..);
            if gap < word_gap_em * size {
                if let (Some(tail), Some(first)) = (last.words.last_mut(), words.next()) {
                    tail.text.push_str(&first.text);
                    tail.x1 = first.x1;
                }
            }
            last.words.extend(words);
            last.x1 = last.x1.max(line.x1);
            return;
        }
    }
    lines.push(line);
}

#[cfg(test)]
mod tests {
    use lopdf::{dictionary, Document as PdfDocument, Object, Stream};

    use crate::document::{BlockKind, Structure, WarningCode};
    use crate::extract::pdf::extract;
    use crate::limits::Limits;

    /// A one-page tagged PDF: `content` shows text with Helvetica as /F1, and the
    /// structure tree's root has the kids `tree` builds (given the page's id).
    fn tagged_pdf(content: &str, tree: impl FnOnce(&mut PdfDocument, lopdf::ObjectId) -> Vec<Object>) -> Vec<u8> {
        let mut doc = PdfDocument::with_version("1.7");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
        });
        let contents = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
        let pages_id = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => contents,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
                "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            }),
        );
        let kids = tree(&mut doc, page);
        let root = doc.add_object(dictionary! { "Type" => "StructTreeRoot", "K" => kids });
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog", "Pages" => pages_id, "StructTreeRoot" => root,
            "MarkInfo" => dictionary! { "Marked" => true },
        });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).expect("writes to memory");
        bytes
    }

    fn element(doc: &mut PdfDocument, kind: &str, page: lopdf::ObjectId, kids: Vec<Object>) -> Object {
        doc.add_object(dictionary! { "Type" => "StructElem", "S" => kind, "Pg" => page, "K" => kids }).into()
    }

    /// Text shown at (`x`, `y`) inside marked content `mcid` (or an artifact).
    fn shown(mcid: Option<i64>, x: i32, y: i32, text: &str) -> String {
        match mcid {
            Some(id) => format!("/P <</MCID {id}>> BDC BT /F1 10 Tf {x} {y} Td ({text}) Tj ET EMC\n"),
            None => format!("/Artifact BMC BT /F1 10 Tf {x} {y} Td ({text}) Tj ET EMC\n"),
        }
    }

    const BODY: &str = "Most enquiries are now resolved at the first point of contact";

    #[test]
    fn the_tree_gives_kinds_levels_and_order_and_artifacts_are_dropped() {
        // Drawn out of reading order on purpose: the tree says what comes first.
        let mut content = shown(Some(1), 72, 600, BODY);
        content += &shown(Some(0), 72, 700, "Transforming services");
        content += &shown(Some(2), 90, 560, "1.");
        content += &shown(Some(3), 110, 560, "A shared back office");
        content += &shown(Some(4), 72, 500, "Agency spend");
        content += &shown(Some(5), 300, 500, "1.2m");
        content += &shown(None, 300, 40, "Northbridge District Council 1");
        let bytes = tagged_pdf(&content, |doc, page| {
            let heading = element(doc, "H2", page, vec![0.into()]);
            let paragraph = element(doc, "P", page, vec![1.into()]);
            let label = element(doc, "Lbl", page, vec![2.into()]);
            let body = element(doc, "LBody", page, vec![3.into()]);
            let item = element(doc, "LI", page, vec![label, body]);
            let list = element(doc, "L", page, vec![item]);
            let first = element(doc, "TD", page, vec![4.into()]);
            let second = element(doc, "TD", page, vec![5.into()]);
            let row = element(doc, "TR", page, vec![first, second]);
            let table = element(doc, "Table", page, vec![row]);
            vec![element(doc, "Document", page, vec![heading, paragraph, list, table])]
        });
        let document = extract(&bytes, &Limits::default()).expect("reads");
        assert_eq!(document.structure, Some(Structure::Tagged));
        let blocks: Vec<(BlockKind, Option<u8>, &str)> =
            document.blocks.iter().map(|b| (b.kind, b.level, b.text.as_str())).collect();
        assert_eq!(
            blocks,
            [
                (BlockKind::Heading, Some(2), "Transforming services"),
                (BlockKind::Paragraph, None, BODY),
                (BlockKind::ListItem, None, "1. A shared back office"),
                (BlockKind::TableRow, None, "Agency spend | 1.2m"),
            ]
        );
        assert!(document.warnings.is_empty(), "{:?}", document.warnings);
    }

    #[test]
    fn a_paragraph_split_over_pieces_reads_in_tree_order_and_untagged_text_is_kept() {
        // One paragraph in two pieces, the second drawn higher (a column to the
        // right); a line drawn with no tag at all must not be lost.
        let mut content = shown(Some(0), 72, 500, "The first half of a sentence that goes on");
        content += &shown(Some(1), 320, 650, "and the second half of it, to the end of the page.");
        content += "BT /F1 10 Tf 72 300 Td (A note) Tj ET\n";
        let bytes = tagged_pdf(&content, |doc, page| vec![element(doc, "P", page, vec![0.into(), 1.into()])]);
        let document = extract(&bytes, &Limits::default()).expect("reads");
        let texts: Vec<&str> = document.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            ["The first half of a sentence that goes on and the second half of it, to the end of the page.", "A note"]
        );
        assert_eq!(document.structure, Some(Structure::Tagged));
    }

    #[test]
    fn a_tree_that_does_not_account_for_the_page_falls_back_with_a_warning() {
        // The tree names one short heading; the page's body is untagged.
        let mut content = shown(Some(0), 72, 700, "Plan");
        for (i, line) in [BODY, "and a second line of the same paragraph goes on", "to end here."].iter().enumerate() {
            content += &format!("BT /F1 10 Tf 72 {} Td ({line}) Tj ET\n", 680 - 12 * i as i32);
        }
        let bytes = tagged_pdf(&content, |doc, page| vec![element(doc, "H1", page, vec![0.into()])]);
        let document = extract(&bytes, &Limits::default()).expect("reads");
        assert_eq!(document.structure, Some(Structure::Layout));
        let warning = document.warnings.iter().find(|w| w.code == WarningCode::StructureMismatch).expect("warning");
        assert!(warning.message.contains("no page"), "{}", warning.message);
        assert!(document.blocks.iter().any(|b| b.text.contains("to end here.")), "{:?}", document.blocks);
    }

    #[test]
    fn a_tree_with_a_cycle_ends() {
        let content = shown(Some(0), 72, 700, BODY);
        let bytes = tagged_pdf(&content, |doc, page| {
            let id = doc.new_object_id();
            doc.objects.insert(
                id,
                Object::Dictionary(
                    dictionary! { "S" => "Div", "Pg" => page, "K" => vec![Object::Reference(id), 0.into()] },
                ),
            );
            vec![Object::Reference(id)]
        });
        let document = extract(&bytes, &Limits::default()).expect("reads");
        assert_eq!(document.blocks.len(), 1, "{:?}", document.blocks);
        assert_eq!(document.blocks[0].text, BODY);
    }

    #[test]
    fn a_tree_nested_past_the_bound_stops_with_a_warning_and_keeps_the_text() {
        let content = shown(Some(0), 72, 700, BODY);
        let bytes = tagged_pdf(&content, |doc, page| {
            // 5,000 nested groups around the one paragraph, and junk kids beside them.
            let mut inner = element(doc, "P", page, vec![0.into()]);
            for _ in 0..5_000 {
                inner = element(doc, "Div", page, vec![inner, Object::Real(1.5), "Junk".into(), 99.into()]);
            }
            vec![inner]
        });
        let document = extract(&bytes, &Limits::default()).expect("reads");
        let limit = document.warnings.iter().find(|w| w.code == WarningCode::LimitReached).expect("warning");
        assert!(limit.message.contains("nested deeper"), "{}", limit.message);
        assert!(document.blocks.iter().any(|b| b.text == BODY), "{:?}", document.blocks);
    }
}
