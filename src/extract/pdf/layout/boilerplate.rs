//! Navigation in printed web pages: menus, button bars and footer link grids print
//! as rows of several short, widely spaced fragments on one baseline, drawn as links
//! (underlined) or buttons (boxed). Running text never does; table rows of short
//! cells do, but are not links, and rows whose fragments carry figures are kept.

use super::blocks::Draft;
use super::furniture::{FurnitureLine, FurnitureReason};
use super::lines::Line;
use super::rules::NavigationRules;

/// Whether a block is a list of links (menu, breadcrumb, "related pages"): at least
/// `min_links` underline segments covering at least `min_link_share` of its
/// text. An underlined heading has one segment; running text with a few links
/// has a small share.
pub fn is_link_list(draft: &Draft, rules: &NavigationRules) -> bool {
    let links: usize = draft.lines.iter().map(|l| l.underlines.len()).sum();
    let underlined: f32 = draft.lines.iter().flat_map(|l| l.underlines.iter()).map(|(a, b)| b - a).sum();
    let width: f32 = draft.lines.iter().flat_map(|l| l.words.iter()).map(|w| w.x1 - w.x0).sum();
    links >= rules.min_links && width > 0.0 && underlined >= rules.min_link_share * width
}

/// Whether a fragment is drawn as a link or button: underlined, or with rules just
/// above and below it spanning its width.
fn decorated(line: &Line, drawn: &[[f32; 4]]) -> bool {
    if !line.underlines.is_empty() {
        return true;
    }
    let spans = |r: &[f32; 4]| (r[1] - r[3]).abs() < 1.0 && r[0] <= line.x0 + 1.0 && r[2] >= line.x1 - 1.0;
    let above = drawn.iter().any(|r| spans(r) && r[1] >= line.top() - 2.0 && r[1] <= line.top() + line.size);
    let below = drawn.iter().any(|r| spans(r) && r[1] <= line.bottom() + 2.0 && r[1] >= line.bottom() - line.size);
    above && below
}

/// Removes navigation rows from one page's lines (given the page's drawn rules) and
/// returns them.
pub fn remove_navigation_rows(
    lines: &mut Vec<Line>,
    drawn: &[[f32; 4]],
    rules: &NavigationRules,
) -> Vec<FurnitureLine> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match rows.iter_mut().find(|row| (lines[row[0]].y - line.y).abs() < 0.2 * line.size) {
            Some(row) => row.push(i),
            None => rows.push(vec![i]),
        }
    }
    let mut drop = vec![false; lines.len()];
    for row in rows {
        let navigation = row.len() >= rules.min_row_fragments
            && row.iter().all(|&i| {
                let line = &lines[i];
                let text = line.text();
                line.words.len() <= rules.max_fragment_words
                    && !text.ends_with(['.', ',', ';', ':'])
                    && !text.chars().any(|c| c.is_ascii_digit() || c == '£' || c == '%')
            })
            && row.iter().filter(|&&i| decorated(&lines[i], drawn)).count() * 2 >= row.len()
            // Bold boxed cells in a row are a table's header, not a menu.
            && !row.iter().all(|&i| lines[i].bold);
        if navigation {
            for i in row {
                drop[i] = true;
            }
        }
    }
    let mut removed = Vec::new();
    let mut index = 0;
    lines.retain(|line| {
        let keep = !drop[index];
        index += 1;
        if !keep {
            removed.push(FurnitureLine { page: line.page, text: line.text(), reason: FurnitureReason::Navigation });
        }
        keep
    });
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::pdf::layout::lines::Word;

    fn fragment(x0: f32, y: f32, text: &str) -> Line {
        Line {
            underlines: vec![(x0, x0 + 40.0)],
            page: 1,
            words: text.split(' ').map(|t| Word { text: t.into(), x0, x1: x0 + 40.0 }).collect(),
            x0,
            x1: x0 + 40.0,
            y,
            size: 10.0,
            bold: false,
        }
    }

    #[test]
    fn menu_rows_go_and_table_rows_with_figures_stay() {
        let mut lines = vec![
            fragment(50.0, 700.0, "Residents"),
            fragment(150.0, 700.0, "Business"),
            fragment(250.0, 700.0, "Contact us"),
            fragment(50.0, 600.0, "Budget"),
            fragment(150.0, 600.0, "£3.9m"),
            fragment(250.0, 600.0, "2024"),
            fragment(50.0, 500.0, "A sentence of running text."),
        ];
        let removed =
            remove_navigation_rows(&mut lines, &[], &super::super::rules::Compiled::embedded().rules.navigation);
        assert_eq!(removed.len(), 3);
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn rows_of_short_cells_that_are_not_links_stay() {
        let mut lines: Vec<Line> = ["Notice Date", "Company", "City"]
            .iter()
            .enumerate()
            .map(|(i, t)| Line { underlines: Vec::new(), ..fragment(50.0 + 100.0 * i as f32, 700.0, t) })
            .collect();
        assert!(remove_navigation_rows(&mut lines, &[], &super::super::rules::Compiled::embedded().rules.navigation)
            .is_empty());
    }
}
