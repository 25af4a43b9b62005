//! Layout analysis: positioned glyphs ([`PageGlyphs`]) to blocks in reading order.
//!
//! The stages, one module each:
//! 1. [`lines`]: glyphs to words (gaps and space glyphs) and line fragments
//!    (baselines; superscripts kept; wide gaps and column rules split);
//! 2. [`furniture`]: running headers, footers and page numbers removed by
//!    position and repetition; [`boilerplate`]: navigation rows of printed web pages;
//! 3. [`columns`]: reading order, column by column;
//! 4. [`blocks`]: paragraphs, list items and headings, continued paragraphs joined
//!    across columns and pages, [`hyphenation`] resolved.
//!
//! Every threshold is in `rules/pdf-layout.toml`.

pub mod blocks;
pub mod boilerplate;
pub mod columns;
pub mod coverage;
pub mod furniture;
pub mod hyphenation;
pub mod lines;
pub mod quality;
pub mod rules;
pub mod tables;

use std::time::Instant;

use crate::document::Block;
use crate::extract::pdf::glyphs::PageGlyphs;
use crate::limits::Limits;
pub use furniture::{FurnitureLine, FurnitureReason};
use rules::Compiled;

/// The result of layout analysis.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// Headings, paragraphs, list items and table rows in reading order, with pages.
    pub blocks: Vec<Block>,
    /// Lines left out as page furniture or navigation, for inspection.
    pub furniture: Vec<FurnitureLine>,
    /// Pages cut short at the limit of line fragments per page.
    pub cut_pages: Vec<u32>,
    /// Pages left out, wholly or partly, because the deadline passed.
    pub late_pages: Vec<u32>,
    /// Text the layout would have left out that was not furniture, put back as
    /// paragraphs (see [`coverage`]).
    pub restored: coverage::Restored,
}

/// Lays out a document's pages with the embedded rules.
pub fn layout(pages: &[PageGlyphs]) -> Layout {
    layout_with(pages, Compiled::embedded())
}

/// Lays out a document's pages with the given rules.
pub fn layout_with(pages: &[PageGlyphs], rules: &Compiled) -> Layout {
    layout_until(pages, rules, None, Limits::default().max_fragments_per_page)
}

/// Lays out a document's pages with the given rules, leaving out the pages not yet
/// laid out when `deadline` passes (listed in [`Layout::late_pages`]).
///
/// The clock is read between pages, in each per-page stage: one page costs at most
/// what `max_fragments_per_page` fragments cost.
pub fn layout_until(
    pages: &[PageGlyphs],
    rules: &Compiled,
    deadline: Option<Instant>,
    max_fragments_per_page: usize,
) -> Layout {
    let past_deadline = || deadline.is_some_and(|d| Instant::now() > d);
    let mut late_pages = Vec::new();
    let mut cut_pages = Vec::new();
    let mut page_lines: Vec<(Vec<lines::Line>, [f32; 4])> = pages
        .iter()
        .map(|page| {
            if past_deadline() {
                late_pages.push(page.number);
                return (Vec::new(), page.bbox);
            }
            let out = lines::page_lines(page, rules, max_fragments_per_page);
            if out.dropped > 0 {
                cut_pages.push(page.number);
            }
            (out.lines, page.bbox)
        })
        .collect();
    let drawn: Vec<coverage::DrawnLine> = page_lines
        .iter()
        .flat_map(|(lines, _)| lines.iter().map(|l| coverage::DrawnLine { page: l.page, text: l.text() }))
        .collect();
    let mut removed = furniture::remove(&mut page_lines, rules);
    // Ruled tables come out before the navigation-row filter, whose rows of short
    // fragments they would otherwise resemble.
    let mut tables: Vec<Vec<tables::Row>> = Vec::with_capacity(pages.len());
    for ((lines, _), page) in page_lines.iter_mut().zip(pages) {
        if past_deadline() && !lines.is_empty() {
            late_pages.push(page.number);
            lines.clear();
        }
        tables.push(tables::extract(lines, &page.rules));
        removed.extend(boilerplate::remove_navigation_rows(lines, &page.rules, &rules.rules.navigation));
    }
    let body_size = body_size(&page_lines);
    let mut segments = Vec::new();
    for (((lines, _), page), rows) in page_lines.into_iter().zip(pages).zip(tables) {
        if past_deadline() && !(lines.is_empty() && rows.is_empty()) {
            late_pages.push(page.number);
            continue;
        }
        segments.extend(columns::reading_order(lines, rows, &page.rules, body_size, rules));
    }
    late_pages.sort_unstable();
    late_pages.dedup();
    let metrics = blocks::Metrics::measure(&segments);
    let (drafts, links): (Vec<_>, Vec<_>) = blocks::drafts(&segments, &metrics, rules)
        .into_iter()
        .partition(|d| !boilerplate::is_link_list(d, &rules.rules.navigation));
    removed.extend(links.iter().flat_map(|d| {
        d.lines.iter().map(|l| FurnitureLine { page: l.page, text: l.text(), reason: FurnitureReason::Navigation })
    }));
    let drafts = blocks::join_continuations(drafts, &metrics, rules);
    let mut blocks = blocks::finish(&drafts, &metrics, rules);
    let drawn_in_time: Vec<coverage::DrawnLine> =
        drawn.into_iter().filter(|l| late_pages.binary_search(&l.page).is_err()).collect();
    let restored = coverage::restore(&drawn_in_time, &removed, &mut blocks, &rules.rules.coverage);
    Layout { blocks, furniture: removed, cut_pages, late_pages, restored }
}

/// The most common font size over all lines, weighted by characters.
fn body_size(pages: &[(Vec<lines::Line>, [f32; 4])]) -> f32 {
    let mut counts: std::collections::HashMap<i32, usize> = std::collections::HashMap::new();
    for (lines, _) in pages {
        for line in lines {
            let chars: usize = line.words.iter().map(|w| w.text.chars().count()).sum();
            *counts.entry((line.size * 2.0).round() as i32).or_default() += chars;
        }
    }
    counts.into_iter().max_by_key(|(k, n)| (*n, *k)).map_or(10.0, |(k, _)| k as f32 / 2.0)
}

#[cfg(test)]
mod tests {
    use super::lines::tests::{glyph_run, page_of};
    use super::*;
    use crate::document::BlockKind;

    /// Sets `lines` as a left-aligned column at `x`, 12 pt apart from `y` down.
    fn column(lines: &[&str], x: f32, y: f32, font: u16) -> Vec<crate::extract::pdf::glyphs::Glyph> {
        lines.iter().enumerate().flat_map(|(i, t)| glyph_run(t, x, y - 12.0 * i as f32, 10.0, font)).collect()
    }

    #[test]
    fn pages_past_the_deadline_are_left_out_and_listed() {
        let pages = [page_of(column(&["A paragraph of running text on the first page."], 72.0, 700.0, 0))];
        let past = Instant::now().checked_sub(std::time::Duration::from_secs(1));
        let late = layout_until(&pages, Compiled::embedded(), past, 3_000);
        assert!(late.blocks.is_empty() && late.late_pages == [1], "{late:?}");
        let on_time = layout_until(&pages, Compiled::embedded(), None, 3_000);
        assert_eq!(on_time.blocks.len(), 1);
        assert!(on_time.late_pages.is_empty());
    }

    #[test]
    fn paragraphs_split_at_wider_gaps_and_headings_are_found() {
        let mut glyphs = glyph_run("Introduction", 72.0, 760.0, 14.0, 1);
        glyphs.extend(column(&["First paragraph line one goes on", "and ends here."], 72.0, 730.0, 0));
        glyphs.extend(column(&["Second paragraph starts after", "a wider gap."], 72.0, 700.0, 0));
        let out = layout(&[page_of(glyphs)]);
        let kinds: Vec<(BlockKind, &str)> = out.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (BlockKind::Heading, "Introduction"),
                (BlockKind::Paragraph, "First paragraph line one goes on and ends here."),
                (BlockKind::Paragraph, "Second paragraph starts after a wider gap."),
            ]
        );
    }

    #[test]
    fn bullets_make_list_items_and_hyphenated_words_join() {
        let mut glyphs = column(&["Support includes these things in"], 72.0, 760.0, 0);
        glyphs.extend(glyph_run("•", 80.0, 748.0, 10.0, 0));
        glyphs.extend(column(&["a strong commu-", "nity network"], 100.0, 748.0, 0));
        glyphs.extend(glyph_run("•", 80.0, 724.0, 10.0, 0));
        glyphs.extend(column(&["cloud-", "based tools for the cloud and what is based"], 100.0, 724.0, 0));
        let out = layout(&[page_of(glyphs)]);
        let texts: Vec<(BlockKind, &str)> = out.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            texts,
            [
                (BlockKind::Paragraph, "Support includes these things in"),
                (BlockKind::ListItem, "a strong community network"),
                (BlockKind::ListItem, "cloud-based tools for the cloud and what is based"),
            ]
        );
    }

    #[test]
    fn indented_items_without_drawn_bullets_split_at_sentence_ends() {
        let mut glyphs = column(&["We have a range of initiatives:"], 72.0, 760.0, 0);
        glyphs.extend(column(
            &[
                "A savings programme which is",
                "tracked in detail.",
                "We delivered 99% of savings.",
                "It is linked to the programme.",
            ],
            100.0,
            748.0,
            0,
        ));
        let out = layout(&[page_of(glyphs)]);
        let texts: Vec<&str> = out.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "We have a range of initiatives:",
                "A savings programme which is tracked in detail.",
                "We delivered 99% of savings.",
                "It is linked to the programme."
            ]
        );
    }

    #[test]
    fn a_paragraph_continued_on_the_next_page_is_joined() {
        let mut one = page_of(column(
            &["The plans must be returned to the Department for", "Levelling Up, Housing and"],
            72.0,
            700.0,
            0,
        ));
        one.glyphs.extend(glyph_run("Page 1 of 2", 250.0, 40.0, 10.0, 0));
        let mut two = page_of(column(&["Communities by the 19th July."], 72.0, 780.0, 0));
        two.number = 2;
        two.glyphs.extend(glyph_run("Page 2 of 2", 250.0, 40.0, 10.0, 0));
        let out = layout(&[one, two]);
        assert_eq!(out.blocks.len(), 1);
        assert_eq!(
            out.blocks[0].text,
            "The plans must be returned to the Department for Levelling Up, Housing and Communities by the 19th July."
        );
        assert_eq!(out.furniture.len(), 2);
    }
}
