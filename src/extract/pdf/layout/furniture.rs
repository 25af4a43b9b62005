//! Page furniture: running headers and footers, page numbers and print headers,
//! found by their position in the page margins and their repetition across pages.

use std::collections::HashMap;

use super::lines::Line;
use super::rules::Compiled;

/// A line left out of the text because it is page furniture.
#[derive(Debug, Clone, PartialEq)]
pub struct FurnitureLine {
    /// 1-based page number.
    pub page: u32,
    /// The line's text.
    pub text: String,
    /// Why it was judged furniture.
    pub reason: FurnitureReason,
}

/// Why a line was judged furniture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FurnitureReason {
    /// It repeats, digits aside, in the same margin of many pages.
    Repeated,
    /// It has the form of a page number, print date or URL and stands in a margin.
    PageNumberOrPrintHeader,
    /// It is a row of short, widely spaced fragments: a printed web page's menu,
    /// button bar or footer links.
    Navigation,
}

/// The key under which margin lines are compared across pages: digits folded, so
/// "Page 2 of 8" and "Page 3 of 8" match.
fn repeat_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_ascii_digit() { '#' } else { c.to_ascii_lowercase() })
        .collect()
}

/// Which margin band a line is in, if any: `Some(true)` top, `Some(false)` bottom.
fn band(line: &Line, page_box: [f32; 4], ratio: f32) -> Option<bool> {
    let height = page_box[3] - page_box[1];
    if height <= 0.0 {
        return None;
    }
    if line.bottom() >= page_box[3] - ratio * height {
        Some(true)
    } else if line.top() <= page_box[1] + ratio * height {
        Some(false)
    } else {
        None
    }
}

/// The top line of a page, when it stands in the top band with a gap of at least
/// three of its line heights to the next line, is neither bold nor larger than
/// that line, and does not end like a sentence: `(y, x0)`.
fn lone_header(lines: &[Line], page_box: [f32; 4], band_ratio: f32) -> Option<(f32, f32)> {
    let mut by_height: Vec<&Line> = lines.iter().collect();
    by_height.sort_by(|a, b| b.y.total_cmp(&a.y));
    let (first, next) = (by_height.first()?, by_height.get(1)?);
    let in_band = band(first, page_box, band_ratio) == Some(true);
    let apart = first.y - next.y >= 3.0 * first.size;
    let sentence = first.text().trim_end().ends_with(['.', ',', ';', ':']);
    // A bold or larger line standing alone at the top is the document's title.
    (in_band && apart && !sentence && !first.bold && first.size <= next.size * 1.05).then_some((first.y, first.x0))
}

/// Splits each page's lines into text and furniture.
///
/// `pages` holds each page's lines and page box. A margin line is furniture when its
/// digit-folded text recurs in the same band (within a few points vertically) on at
/// least `repeat_page_ratio` of the pages (and on two pages at least), or when its
/// text has the form of a page number, print date or URL.
pub fn remove(pages: &mut [(Vec<Line>, [f32; 4])], rules: &Compiled) -> Vec<FurnitureLine> {
    let f = &rules.rules.furniture;
    let mut counts: HashMap<(bool, String), Vec<(u32, f32)>> = HashMap::new();
    for (lines, page_box) in pages.iter() {
        for line in lines {
            if let Some(top) = band(line, *page_box, f.margin_band_ratio) {
                let entry = counts.entry((top, repeat_key(&line.text()))).or_default();
                if !entry.iter().any(|(p, _)| *p == line.page) {
                    entry.push((line.page, line.y));
                }
            }
        }
    }
    let page_count = pages.len();
    let needed = ((page_count as f32) * f.repeat_page_ratio).ceil().max(2.0) as usize;
    let mut removed = Vec::new();
    for (lines, page_box) in pages.iter_mut() {
        // On a document too short for repetition to tell, a running header is the
        // top line of the page standing apart from the text below it, no larger
        // than that text.
        let header_alone = if page_count <= 1 { lone_header(lines, *page_box, f.margin_band_ratio) } else { None };
        let judge = |line: &Line| -> Option<FurnitureReason> {
            let top = band(line, *page_box, f.margin_band_ratio)?;
            let text = line.text();
            if header_alone.is_some_and(|(y, x0)| y == line.y && x0 == line.x0) {
                return Some(FurnitureReason::Repeated);
            }
            // "<Council name> 3" at the foot of page 3.
            let words: Vec<&str> = text.split_whitespace().collect();
            if !top && words.len() >= 2 && words.len() <= 12 && words.last() == Some(&line.page.to_string().as_str()) {
                return Some(FurnitureReason::PageNumberOrPrintHeader);
            }
            let key = repeat_key(&text);
            // Digits-only lines (dates, figures) repeat in tables; they count only
            // by their form (page number, print date).
            let repeated = key.chars().any(char::is_alphabetic)
                && counts.get(&(top, key)).is_some_and(|seen| {
                    seen.iter().filter(|(_, y)| (y - line.y).abs() <= 2.0 * line.size.max(1.0)).count() >= needed
                });
            if repeated {
                Some(FurnitureReason::Repeated)
            } else if rules.is_furniture_text(&text) {
                Some(FurnitureReason::PageNumberOrPrintHeader)
            } else {
                None
            }
        };
        // Furniture is peeled from the page edges inwards: the first line that is
        // not furniture protects everything behind it (table rows near the margins).
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by(|&a, &b| lines[b].y.total_cmp(&lines[a].y).then(lines[a].x0.total_cmp(&lines[b].x0)));
        let mut drop = vec![None; lines.len()];
        for &i in &order {
            match judge(&lines[i]) {
                Some(reason) => drop[i] = Some(reason),
                None => break,
            }
        }
        for &i in order.iter().rev() {
            if drop[i].is_some() {
                continue;
            }
            match judge(&lines[i]) {
                Some(reason) => drop[i] = Some(reason),
                None => break,
            }
        }
        let mut index = 0;
        lines.retain(|line| {
            let reason = drop[index];
            index += 1;
            match reason {
                Some(reason) => {
                    removed.push(FurnitureLine { page: line.page, text: line.text(), reason });
                    false
                }
                None => true,
            }
        });
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::pdf::layout::lines::Word;

    fn line(page: u32, y: f32, text: &str) -> Line {
        Line {
            page,
            words: text.split(' ').map(|t| Word { text: t.into(), x0: 100.0, x1: 120.0 }).collect(),
            x0: 100.0,
            x1: 300.0,
            y,
            size: 10.0,
            bold: false,
            underlines: Vec::new(),
        }
    }

    #[test]
    fn running_header_and_page_numbers_are_removed() {
        let bbox = [0.0, 0.0, 595.0, 842.0];
        let mut pages: Vec<(Vec<Line>, [f32; 4])> = (1..=3)
            .map(|p| {
                (
                    vec![
                        line(p, 810.0, "Cabinet 17th July 2024"),
                        line(p, 500.0, "Body text that stays"),
                        line(p, 30.0, &format!("Page {p} of 3")),
                    ],
                    bbox,
                )
            })
            .collect();
        pages[0].0.insert(0, line(1, 790.0, "A title only on page one"));
        let removed = remove(&mut pages, Compiled::embedded());
        assert_eq!(removed.len(), 6);
        assert_eq!(
            pages[0].0.iter().map(Line::text).collect::<Vec<_>>(),
            ["A title only on page one", "Body text that stays"]
        );
    }

    #[test]
    fn a_lone_page_number_is_removed_even_on_one_page() {
        let mut pages = vec![(vec![line(1, 500.0, "Text"), line(1, 40.0, "2")], [0.0, 0.0, 595.0, 842.0])];
        let removed = remove(&mut pages, Compiled::embedded());
        assert_eq!(removed[0].reason, FurnitureReason::PageNumberOrPrintHeader);
        assert_eq!(pages[0].0.len(), 1);
    }

    #[test]
    fn a_one_page_document_loses_its_running_header_and_council_footer() {
        let bbox = [0.0, 0.0, 595.0, 842.0];
        let mut pages = vec![(
            vec![
                line(1, 815.0, "Northbridge District Council Productivity Plan"),
                line(1, 760.0, "Our plan in brief"),
                line(1, 740.0, "Body text that stays."),
                line(1, 30.0, "Northbridge District Council 1"),
            ],
            bbox,
        )];
        let removed = remove(&mut pages, Compiled::embedded());
        assert_eq!(removed.len(), 2, "{removed:?}");
        assert_eq!(
            pages[0].0.iter().map(Line::text).collect::<Vec<_>>(),
            ["Our plan in brief", "Body text that stays."]
        );
    }

    #[test]
    fn a_first_line_that_is_a_sentence_or_a_bold_title_is_not_a_header() {
        let bbox = [0.0, 0.0, 595.0, 842.0];
        let mut pages = vec![(vec![line(1, 815.0, "The plan was approved."), line(1, 760.0, "Body text.")], bbox)];
        assert!(remove(&mut pages, Compiled::embedded()).is_empty());
        let title = Line { bold: true, ..line(1, 815.0, "Productivity Plan") };
        let mut pages = vec![(vec![title, line(1, 760.0, "Body text.")], bbox)];
        assert!(remove(&mut pages, Compiled::embedded()).is_empty());
    }
}
