//! Reading order within a page: column sections read column by column.
//!
//! A page is read top to bottom. Where lines stand side by side with a clear
//! vertical gutter between them (a column layout, a sidebar), the stretch of the
//! page between two lines that cross the gutter is a column section: its left side
//! is read before its right side, each side again split the same way (bounded depth).

use super::lines::Line;
use super::rules::Compiled;
use super::tables;

/// Deepest nesting of column splits (columns inside columns).
const MAX_DEPTH: usize = 4;

/// A run of lines to be read top to bottom, as one column stretch.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// The lines, top to bottom.
    pub lines: Vec<Line>,
    /// Left edge of the column the lines stand in.
    pub x0: f32,
    /// Right edge of the column the lines stand in.
    pub x1: f32,
    /// For a table row: its cells' lines, left to right (`lines` then holds them all).
    pub cells: Option<Vec<Vec<Line>>>,
}

/// Orders one page's lines into segments in reading order, with the page's table
/// rows (from [`tables::extract`]) placed where they stand.
///
/// `drawn` are the page's drawn rules; a vertical rule in a gutter (a column rule)
/// confirms columns that have too few lines to be recognised by their text alone.
pub fn reading_order(
    lines: Vec<Line>,
    rows: Vec<tables::Row>,
    drawn: &[[f32; 4]],
    body_size: f32,
    rules: &Compiled,
) -> Vec<Segment> {
    let mut out = Vec::new();
    let page = Page { drawn, body_size, rules };
    order(lines, &page, 0, &mut out);
    // Table rows go before the first segment that starts below them.
    for row in rows {
        let top = row.top();
        // A segment running past the table is cut where the table stands.
        if let Some(i) = out.iter().position(|s| {
            s.cells.is_none()
                && s.lines.first().is_some_and(|l| l.y >= top)
                && s.lines.last().is_some_and(|l| l.y < top)
        }) {
            let below: Vec<Line> = out[i].lines.iter().filter(|l| l.y < top).cloned().collect();
            out[i].lines.retain(|l| l.y >= top);
            let (x0, x1) = (out[i].x0, out[i].x1);
            out.insert(i + 1, Segment { lines: below, x0, x1, cells: None });
        }
        let at = out
            .iter()
            .position(|s| s.cells.is_none() && s.lines.first().is_some_and(|l| l.y < top))
            .unwrap_or(out.len());
        let all: Vec<Line> = row.cells.iter().flatten().cloned().collect();
        let x0 = all.iter().map(|l| l.x0).fold(f32::INFINITY, f32::min);
        let x1 = all.iter().map(|l| l.x1).fold(f32::NEG_INFINITY, f32::max);
        out.insert(at, Segment { lines: all, x0, x1, cells: Some(row.cells) });
    }
    out
}

/// What every level of the column split needs to know about the page.
struct Page<'a> {
    drawn: &'a [[f32; 4]],
    body_size: f32,
    rules: &'a Compiled,
}

fn order(mut lines: Vec<Line>, page: &Page, depth: usize, out: &mut Vec<Segment>) {
    lines.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    if lines.is_empty() {
        return;
    }
    let gutter = if depth < MAX_DEPTH { find_gutter(&lines, page) } else { None };
    let Some((a, c)) = gutter else {
        push_segment(lines, out);
        return;
    };
    // Walk top to bottom: lines crossing the gutter stand alone; runs of lines
    // between them form column sections read left side first.
    let mut pending: Vec<Line> = Vec::new();
    let flush = |pending: &mut Vec<Line>, out: &mut Vec<Segment>| {
        if pending.is_empty() {
            return;
        }
        let (left, right): (Vec<Line>, Vec<Line>) = std::mem::take(pending).into_iter().partition(|l| l.x1 <= c);
        if left.is_empty() || right.is_empty() {
            push_segment(if left.is_empty() { right } else { left }, out);
        } else {
            order(left, page, depth + 1, out);
            order(right, page, depth + 1, out);
        }
    };
    for line in lines {
        let crosses = line.x0 < c - 0.5 && line.x1 > a + 0.5;
        if crosses {
            flush(&mut pending, out);
            push_segment(vec![line], out);
        } else {
            pending.push(line);
        }
    }
    flush(&mut pending, out);
}

/// Appends `lines` as a segment, or to the previous segment when both share a column.
fn push_segment(lines: Vec<Line>, out: &mut Vec<Segment>) {
    if lines.is_empty() {
        return;
    }
    let x0 = lines.iter().map(|l| l.x0).fold(f32::INFINITY, f32::min);
    let x1 = lines.iter().map(|l| l.x1).fold(f32::NEG_INFINITY, f32::max);
    if let Some(last) = out.last_mut().filter(|s| s.cells.is_none()) {
        let same_page = last.lines.first().map(|l| l.page) == lines.first().map(|l| l.page);
        let overlap = x1.min(last.x1) - x0.max(last.x0);
        let last_bottom = last.lines.last().map_or(f32::NEG_INFINITY, |l| l.y);
        let first_top = lines.first().map_or(f32::INFINITY, |l| l.y);
        if same_page && overlap > 0.5 * (x1 - x0).min(last.x1 - last.x0) && first_top < last_bottom {
            last.lines.extend(lines);
            last.x0 = last.x0.min(x0);
            last.x1 = last.x1.max(x1);
            return;
        }
    }
    out.push(Segment { lines, x0, x1, cells: None });
}

/// Finds a column gutter `(a, c)`: `c` is the left edge shared by the lines of a
/// right-hand column, `a` the rightmost end of the lines left of it. The gutter must
/// be wide enough, have enough lines on both sides that stand beside each other
/// vertically, and be crossed by fewer lines than stand beside it.
fn find_gutter(lines: &[Line], page: &Page) -> Option<(f32, f32)> {
    let c_rules = &page.rules.rules.columns;
    let min_gutter = c_rules.min_gutter_em * page.body_size;
    let region_x0 = lines.iter().map(|l| l.x0).fold(f32::INFINITY, f32::min);
    let region_x1 = lines.iter().map(|l| l.x1).fold(f32::NEG_INFINITY, f32::max);
    let width = region_x1 - region_x0;
    if width <= 0.0 {
        return None;
    }
    let mut starts: Vec<f32> = lines.iter().map(|l| l.x0).collect();
    starts.sort_by(f32::total_cmp);
    starts.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    let mut best: Option<(usize, f32, f32)> = None;
    for &c in &starts {
        if c < region_x0 + 0.15 * width {
            continue;
        }
        let right: Vec<&Line> = lines.iter().filter(|l| l.x0 >= c - 1.0).collect();
        let left: Vec<&Line> = lines.iter().filter(|l| l.x1 <= c && l.x0 < c - 1.0).collect();
        if right.is_empty() || left.is_empty() {
            continue;
        }
        // The two sides must stand beside each other, not one above the other; the
        // gutter's left edge is where the left lines beside the right column end
        // (short lines above or below the columns do not narrow it).
        let (r_top, r_bottom) = span(&right);
        let left: Vec<&Line> = left.into_iter().filter(|l| l.y <= r_top + l.size && l.y >= r_bottom - l.size).collect();
        if left.is_empty() {
            continue;
        }
        let a = left.iter().map(|l| l.x1).fold(f32::NEG_INFINITY, f32::max);
        if c - a < min_gutter {
            continue;
        }
        let ruled = page.drawn.iter().any(|r| {
            (r[0] - r[2]).abs() < 2.0 && r[0] > a && r[0] < c && r[1].min(r[3]) <= r_top && r[1].max(r[3]) >= r_bottom
        });
        let needed = if ruled { 1 } else { c_rules.min_column_lines };
        if right.len() < needed || left.len() < needed {
            continue;
        }
        let crossing =
            lines.iter().filter(|l| l.x0 < c - 1.0 && l.x1 > a + 0.5 && l.y <= r_top && l.y >= r_bottom).count();
        let (l_top, l_bottom) = span(&left);
        let shared = l_top.min(r_top) - l_bottom.max(r_bottom);
        if shared <= 0.0 {
            continue;
        }
        let beside = left.iter().filter(|l| l.y <= r_top && l.y >= r_bottom).count()
            + right.iter().filter(|l| l.y <= l_top && l.y >= l_bottom).count();
        if beside < 2 * needed || crossing * 2 > beside {
            continue;
        }
        if best.is_none_or(|(b, _, _)| beside > b) {
            best = Some((beside, a, c));
        }
    }
    best.map(|(_, a, c)| (a, c))
}

fn span(lines: &[&Line]) -> (f32, f32) {
    let top = lines.iter().map(|l| l.y).fold(f32::NEG_INFINITY, f32::max);
    let bottom = lines.iter().map(|l| l.y).fold(f32::INFINITY, f32::min);
    (top, bottom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::pdf::layout::lines::Word;

    fn line(x0: f32, x1: f32, y: f32, text: &str) -> Line {
        Line {
            page: 1,
            words: vec![Word { text: text.into(), x0, x1 }],
            x0,
            x1,
            y,
            size: 10.0,
            bold: false,
            underlines: Vec::new(),
        }
    }

    #[test]
    fn two_columns_under_a_full_width_top_read_column_by_column() {
        let mut lines = vec![line(50.0, 540.0, 800.0, "top")];
        for i in 0..5 {
            let y = 780.0 - 12.0 * i as f32;
            lines.push(line(50.0, 280.0, y, &format!("L{i}")));
            lines.push(line(300.0, 540.0, y, &format!("R{i}")));
        }
        lines.push(line(50.0, 540.0, 600.0, "bottom"));
        let segments = reading_order(lines, Vec::new(), &[], 10.0, Compiled::embedded());
        let order: Vec<String> = segments.iter().flat_map(|s| s.lines.iter().map(Line::text)).collect();
        assert_eq!(order, ["top", "L0", "L1", "L2", "L3", "L4", "R0", "R1", "R2", "R3", "R4", "bottom"]);
    }

    #[test]
    fn single_column_stays_in_one_segment() {
        let lines: Vec<Line> =
            (0..6).map(|i| line(50.0, 300.0 + 40.0 * (i % 2) as f32, 700.0 - 12.0 * i as f32, "x")).collect();
        assert_eq!(reading_order(lines, Vec::new(), &[], 10.0, Compiled::embedded()).len(), 1);
    }
}
