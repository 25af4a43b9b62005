//! The check that nothing drawn is lost: after layout analysis, the text each page
//! draws is compared with the text the blocks kept.
//!
//! A page's drawn text is its laid-out lines. Each line is compared by its letters
//! and digits alone (NFKC, lowercase, everything else removed), so a line counts
//! as kept wherever the blocks hold those characters in that order: however the
//! words were split or joined, a word broken at a hyphen joined again, table
//! cells put together with separators. A line is accounted for by the blocks of
//! its page or of the page before (a block is on the page it starts on, so a
//! paragraph that runs on to the next page still accounts for its lines), or by
//! the lines left out as the page's running headers, footers and page numbers. A
//! line removed as navigation counts as accounted too when it is as short as menu
//! entries are (at most `[coverage] navigation_max_line_words` words) and has no
//! sentence punctuation: otherwise it is running text misread as a link list.
//!
//! When the lines not accounted for hold at least `1 - min_kept_share` of a page's
//! drawn words (and the page draws at least `min_page_words`), they are put back
//! as paragraphs after the page's last block, consecutive lines joined, and the
//! page is reported.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use super::furniture::{FurnitureLine, FurnitureReason};
use super::quality::tokens;
use super::rules::CoverageRules;
use crate::document::{Block, BlockKind};

/// One laid-out line as drawn, before any line was removed.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnLine {
    /// 1-based page number.
    pub page: u32,
    /// The line's text.
    pub text: String,
}

/// What the check found and did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Restored {
    /// Pages where text not accounted for was put back, ascending.
    pub pages: Vec<u32>,
    /// Words put back, over all pages.
    pub words: usize,
}

/// The letters and digits of `text`, NFKC-normalised and lowercased: what two
/// renderings of the same words share however they were split into words.
fn letters(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric()).collect()
}

/// Appends `text`'s letters to `pool`, with a separator no letter matches.
fn add(pool: &mut String, text: &str) {
    pool.push_str(&letters(text));
    pool.push('\u{0}');
}

/// Whether a line has the punctuation of running text: a full stop, comma,
/// semicolon or colon before a space or at its end (menu entries have none).
fn reads_as_sentence(text: &str) -> bool {
    let text = text.trim_end();
    text.ends_with('.')
        || text.char_indices().any(|(i, c)| {
            matches!(c, '.' | ',' | ';' | ':') && text[i + c.len_utf8()..].starts_with(char::is_whitespace)
        })
}

/// Whether `source` (letters, as [`add`] makes it) holds the line `text`. A line
/// with right-to-left letters is not checked: it is drawn in visual order and kept
/// in reading order, with its left-to-right runs and ligatures placed by the
/// bidirectional algorithm, so its letters need not appear in either order.
fn holds(source: &str, text: &str) -> bool {
    let wanted = letters(text);
    let right_to_left =
        |c: char| matches!(c, '\u{0590}'..='\u{08ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}');
    wanted.is_empty() || wanted.chars().any(right_to_left) || source.contains(&wanted)
}

/// Checks `blocks` against the `drawn` lines of every page and puts back the text
/// of pages that lost more than the rules allow (see the module documentation).
/// `removed` is every line the layout left out, with its reason.
pub fn restore(
    drawn: &[DrawnLine],
    removed: &[FurnitureLine],
    blocks: &mut Vec<Block>,
    rules: &CoverageRules,
) -> Restored {
    let mut kept: HashMap<u32, String> = HashMap::new();
    for block in blocks.iter() {
        add(kept.entry(block.page.unwrap_or(0)).or_default(), &block.text);
    }
    let mut furniture: HashMap<u32, String> = HashMap::new();
    for line in removed {
        let menu_entry = tokens(&line.text).len() <= rules.navigation_max_line_words && !reads_as_sentence(&line.text);
        if line.reason != FurnitureReason::Navigation || menu_entry {
            add(furniture.entry(line.page).or_default(), &line.text);
        }
    }

    let mut restored = Restored::default();
    let mut start = 0;
    while start < drawn.len() {
        let page = drawn[start].page;
        let end = start + drawn[start..].iter().take_while(|l| l.page == page).count();
        let lines = &drawn[start..end];
        start = end;

        let sources = [kept.get(&page), page.checked_sub(1).and_then(|p| kept.get(&p)), furniture.get(&page)];
        let words: Vec<usize> = lines.iter().map(|l| tokens(&l.text).len()).collect();
        let lost: Vec<bool> =
            lines.iter().map(|line| !sources.iter().flatten().any(|source| holds(source, &line.text))).collect();
        let total: usize = words.iter().sum();
        let missing: usize = words.iter().zip(&lost).filter(|(_, lost)| **lost).map(|(w, _)| w).sum();
        if total < rules.min_page_words || (missing as f32) <= (1.0 - rules.min_kept_share) * total as f32 {
            continue;
        }
        let mut paragraphs: Vec<Block> = Vec::new();
        let mut previous_lost = false;
        for (i, line) in lines.iter().enumerate() {
            if lost[i] {
                match paragraphs.last_mut() {
                    Some(last) if previous_lost => {
                        last.text.push(' ');
                        last.text.push_str(line.text.trim());
                    }
                    _ => paragraphs.push(Block::new(BlockKind::Paragraph, line.text.trim()).on_page(page)),
                }
            }
            previous_lost = lost[i];
        }
        restored.words += missing;
        restored.pages.push(page);
        let at = blocks.iter().rposition(|b| b.page.is_some_and(|p| p <= page)).map_or(0, |i| i + 1);
        blocks.splice(at..at, paragraphs);
    }
    restored
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::pdf::layout::rules::Compiled;

    const BODY: [&str; 4] = [
        "Councils have transformed how residents reach their services by moving",
        "routine requests online and freeing officers for complex cases, while",
        "the shared service with neighbouring districts reduced duplicated back",
        "office work and saved money that now funds early help for families.",
    ];

    fn drawn(page: u32, lines: &[&str]) -> Vec<DrawnLine> {
        lines.iter().map(|t| DrawnLine { page, text: (*t).to_string() }).collect()
    }

    fn check(drawn: &[DrawnLine], removed: &[FurnitureLine], blocks: &mut Vec<Block>) -> Restored {
        restore(drawn, removed, blocks, &Compiled::embedded().rules.coverage)
    }

    fn removed(page: u32, text: &str, reason: FurnitureReason) -> FurnitureLine {
        FurnitureLine { page, text: text.to_string(), reason }
    }

    #[test]
    fn text_the_blocks_lost_comes_back_on_its_page() {
        let mut lines = drawn(1, &BODY[..2]);
        lines.extend(drawn(3, &BODY));
        let mut blocks = vec![
            Block::new(BlockKind::Paragraph, BODY[..2].join(" ")).on_page(1),
            Block::new(BlockKind::Paragraph, BODY[..2].join(" ")).on_page(3),
        ];
        let restored = check(&lines, &[], &mut blocks);
        assert_eq!(restored, Restored { pages: vec![3], words: 21 });
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[2].page, Some(3));
        assert_eq!(blocks[2].text, BODY[2..].join(" "));
    }

    #[test]
    fn running_headers_page_numbers_and_broken_words_are_accounted_for() {
        let mut lines = drawn(1, &["Productivity Plan 2024", "Page 1 of 2"]);
        lines.extend(drawn(1, &["Councils have trans-", "formed how residents reach their services by"]));
        lines.extend(drawn(1, &BODY[1..]));
        let furniture = [
            removed(1, "Productivity Plan 2024", FurnitureReason::Repeated),
            removed(1, "Page 1 of 2", FurnitureReason::PageNumberOrPrintHeader),
        ];
        let text = format!("Councils have transformed how residents reach their services by {}", BODY[1..].join(" "));
        let mut blocks = vec![Block::new(BlockKind::Paragraph, text).on_page(1)];
        assert_eq!(check(&lines, &furniture, &mut blocks), Restored::default());
        assert_eq!(blocks.len(), 1);
    }

    #[test]
    fn a_menu_is_accounted_for_but_running_text_read_as_a_menu_comes_back() {
        let menu = ["Home", "Residents", "Business", "Contact us"];
        let mut lines = drawn(1, &menu);
        lines.extend(drawn(1, &BODY));
        let navigation: Vec<FurnitureLine> = menu.iter().map(|t| removed(1, t, FurnitureReason::Navigation)).collect();
        let mut blocks = vec![Block::new(BlockKind::Paragraph, BODY.join(" ")).on_page(1)];
        assert_eq!(check(&lines, &navigation, &mut blocks), Restored::default());

        // Lines of a paragraph whose highlight boxes were once read as underlines.
        let sentences = [
            "Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy eirmod tempor",
            "invidunt ut labore et dolore magna aliquyam erat, sed diam voluptua. At vero",
            "eos et accusam et justo duo dolores et ea rebum. Stet clita kasd gubergren",
        ];
        let all_navigation: Vec<FurnitureLine> =
            sentences.iter().map(|t| removed(1, t, FurnitureReason::Navigation)).collect();
        let mut blocks = Vec::new();
        let restored = check(&drawn(1, &sentences), &all_navigation, &mut blocks);
        assert_eq!(restored.pages, vec![1]);
        assert_eq!(blocks.len(), 1, "consecutive lines make one paragraph");
        assert_eq!(blocks[0].text, sentences.join(" "));
    }

    #[test]
    fn right_to_left_lines_are_not_put_back_twice() {
        // Kept in reading order; drawn reversed, with the Latin run in place.
        let kept = "هذا نص عربي طويل يذكر Python في وسطه ويستمر حتى نهاية السطر الأول من الفقرة";
        let visual: String = kept
            .split(' ')
            .rev()
            .map(|w| if w == "Python" { w.to_string() } else { w.chars().rev().collect() })
            .collect::<Vec<_>>()
            .join(" ");
        let lines: Vec<DrawnLine> = (0..3).map(|_| DrawnLine { page: 1, text: visual.clone() }).collect();
        let mut blocks = vec![Block::new(BlockKind::Paragraph, [kept, kept, kept].join(" ")).on_page(1)];
        assert_eq!(check(&lines, &[], &mut blocks), Restored::default());
    }

    #[test]
    fn short_pages_are_not_checked() {
        let mut blocks = Vec::new();
        assert_eq!(check(&drawn(1, &["Appendix A"]), &[], &mut blocks), Restored::default());
        assert!(blocks.is_empty());
    }
}
