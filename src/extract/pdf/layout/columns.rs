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
    /// Whether the lines stand inside a drawn box (a sidebar, a case study): a
    /// box is read after the text around it and heads nothing outside it.
    pub boxed: bool,
    /// Boxes drawn on the page beside these lines, as [x0, y0, x1, y1]: text
    /// that wraps around a box ends its lines short beside it without ending a
    /// paragraph.
    pub boxes: Vec<[f32; 4]>,
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
    let boxes = boxes(drawn, &lines);
    let (boxed, lines): (Vec<Line>, Vec<Line>) = lines.into_iter().partition(|l| boxes.iter().any(|b| inside(l, b)));
    order(lines, &page, 0, &mut out);
    for segment in &mut out {
        segment.boxes.clone_from(&boxes);
    }
    for b in &boxes {
        let mut inner = Vec::new();
        order(boxed.iter().filter(|l| inside(l, b)).cloned().collect(), &page, 0, &mut inner);
        for mut segment in inner {
            segment.boxed = true;
            out.push(segment);
        }
    }
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
            let boxes = out[i].boxes.clone();
            out.insert(i + 1, Segment { lines: below, x0, x1, cells: None, boxed: false, boxes });
        }
        let at = out
            .iter()
            .position(|s| s.cells.is_none() && s.lines.first().is_some_and(|l| l.y < top))
            .unwrap_or(out.len());
        let all: Vec<Line> = row.cells.iter().flatten().cloned().collect();
        let x0 = all.iter().map(|l| l.x0).fold(f32::INFINITY, f32::min);
        let x1 = all.iter().map(|l| l.x1).fold(f32::NEG_INFINITY, f32::max);
        out.insert(at, Segment { lines: all, x0, x1, cells: Some(row.cells), boxed: false, boxes: Vec::new() });
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
    let Some((_, c)) = gutter else {
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
        } else if let Some(rows) = key_value_rows(&left, &right, page) {
            for segment in rows {
                match segment.cells {
                    Some(_) => out.push(segment),
                    None => push_segment(segment.lines, out),
                }
            }
        } else {
            order(left, page, depth + 1, out);
            order(right, page, depth + 1, out);
        }
    };
    for line in lines {
        // A left line that runs into the gutter without reaching the right column
        // (a long line below a shorter right column) does not cross it.
        let crosses = line.x0 < c - 0.5 && line.x1 > c + 1.0;
        if crosses {
            flush(&mut pending, out);
            push_segment(vec![line], out);
        } else {
            pending.push(line);
        }
    }
    flush(&mut pending, out);
}

/// Two sides that are the columns of a borderless table rather than columns of
/// text: (nearly) every line has a partner on the other side on its baseline, the
/// left lines are labels of uneven length rather than filled text lines, and the
/// gap between the sides is wide. Each baseline pair is a row.
fn key_value_rows(left: &[Line], right: &[Line], page: &Page) -> Option<Vec<Segment>> {
    let size = page.body_size.max(1.0);
    if right.len() < 2 {
        return None;
    }
    // Left lines above or below the right side (the end of a paragraph before
    // the table) are read on their own, before or after the rows.
    let top = right.iter().map(|l| l.y).fold(f32::NEG_INFINITY, f32::max) + 0.3 * size;
    let bottom = right.iter().map(|l| l.y).fold(f32::INFINITY, f32::min) - 0.3 * size;
    let (beside, outside): (Vec<&Line>, Vec<&Line>) = left.iter().partition(|l| l.y <= top && l.y >= bottom);
    if beside.len() != right.len() {
        return None;
    }
    let partner = |line: &Line| right.iter().position(|o| (o.y - line.y).abs() < 0.3 * size);
    let pairs: Vec<(&Line, usize)> = beside.iter().filter_map(|l| partner(l).map(|j| (*l, j))).collect();
    if pairs.len() != beside.len() {
        return None;
    }
    let left_right = beside.iter().map(|l| l.x1).fold(f32::NEG_INFINITY, f32::max);
    let right_left = right.iter().map(|l| l.x0).fold(f32::INFINITY, f32::min);
    let widest = beside.iter().map(|l| l.x1 - l.x0).fold(0.0, f32::max);
    let short = beside.iter().filter(|l| l.x1 - l.x0 < 0.8 * widest).count();
    let uneven = short * 3 >= beside.len();
    let wide_gap = right_left - left_right >= page.rules.rules.columns.key_value_gap_em * size;
    if !(uneven && wide_gap) {
        return None;
    }
    let mut out = Vec::new();
    push_segment(outside.iter().filter(|l| l.y > top).map(|l| (*l).clone()).collect(), &mut out);
    for (label, j) in pairs {
        let cells = vec![vec![label.clone()], vec![right[j].clone()]];
        let lines: Vec<Line> = cells.iter().flatten().cloned().collect();
        out.push(Segment { x0: label.x0, x1: right[j].x1, lines, cells: Some(cells), boxed: false, boxes: Vec::new() });
    }
    push_segment(outside.iter().filter(|l| l.y < bottom).map(|l| (*l).clone()).collect(), &mut out);
    Some(out)
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
    out.push(Segment { lines, x0, x1, cells: None, boxed: false, boxes: Vec::new() });
}

/// Whether `line` stands inside box `b` (a point of slack on each side).
fn inside(line: &Line, b: &[f32; 4]) -> bool {
    line.x0 >= b[0] - 1.0 && line.x1 <= b[2] + 1.0 && line.bottom() >= b[1] - 1.0 && line.top() <= b[3] + 1.0
}

/// Closed rectangles drawn with four rules that hold text while other text
/// stands beside them: boxed sidebars. A box with nothing beside it (a framed
/// paragraph across the column) is read in its place like any text.
fn boxes(drawn: &[[f32; 4]], lines: &[Line]) -> Vec<[f32; 4]> {
    const SLACK: f32 = 2.0;
    let horizontal: Vec<&[f32; 4]> = drawn.iter().filter(|r| (r[1] - r[3]).abs() < 1.0 && r[2] - r[0] > 20.0).collect();
    let vertical: Vec<&[f32; 4]> = drawn.iter().filter(|r| (r[0] - r[2]).abs() < 1.0 && r[3] - r[1] > 10.0).collect();
    let mut horizontal = horizontal;
    // Top to bottom, so that each top edge meets the nearest bottom edge first.
    horizontal.sort_by(|a, b| b[1].total_cmp(&a[1]));
    let mut found: Vec<[f32; 4]> = Vec::new();
    for (i, top) in horizontal.iter().enumerate() {
        // The smallest rectangle under this top edge: the nearest bottom edge of
        // the same extent with a side rule at both ends.
        let rectangle = horizontal[i + 1..].iter().filter(|b| b[1] < top[1] - 10.0).find_map(|bottom| {
            if (top[0] - bottom[0]).abs() > SLACK || (top[2] - bottom[2]).abs() > SLACK {
                return None;
            }
            let (x0, x1, y0, y1) = (top[0].min(bottom[0]), top[2].max(bottom[2]), bottom[1], top[1]);
            let side =
                |x: f32| vertical.iter().any(|v| (v[0] - x).abs() <= SLACK && v[1] <= y0 + SLACK && v[3] >= y1 - SLACK);
            (side(x0) && side(x1)).then_some([x0, y0, x1, y1])
        });
        let Some(b) = rectangle else { continue };
        let [x0, y0, x1, y1] = b;
        let holds_text = lines.iter().any(|l| inside(l, &b));
        let beside = lines.iter().any(|l| !inside(l, &b) && l.y >= y0 && l.y <= y1 && (l.x1 < x0 || l.x0 > x1));
        // Rectangles inside rectangles (table cells) are not sidebars.
        let nested =
            found.iter().any(|f| f[0] <= x0 + SLACK && f[2] >= x1 - SLACK && f[1] <= y0 + SLACK && f[3] >= y1 - SLACK);
        if holds_text && beside && !nested {
            found.push(b);
        }
    }
    found
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

    #[test]
    fn a_borderless_table_of_labels_and_values_reads_row_by_row() {
        let mut lines = vec![line(50.0, 540.0, 800.0, "A paragraph line across the page before the table")];
        lines.push(line(50.0, 120.0, 788.0, "ends here."));
        for (i, (label, value)) in
            [("Agency and interim staff", "2.4m"), ("Consultancy", "0.6m"), ("EDI spend", "18k")].iter().enumerate()
        {
            let y = 760.0 - 20.0 * i as f32;
            let width = 6.0 * label.len() as f32;
            lines.push(line(50.0, 50.0 + width, y, label));
            lines.push(line(300.0, 330.0, y, value));
        }
        let segments = reading_order(lines, Vec::new(), &[], 10.0, Compiled::embedded());
        let rows: Vec<Vec<String>> = segments
            .iter()
            .filter_map(|s| s.cells.as_ref())
            .map(|cells| cells.iter().map(|c| c.iter().map(Line::text).collect::<Vec<_>>().join(" ")).collect())
            .collect();
        assert_eq!(rows, [["Agency and interim staff", "2.4m"], ["Consultancy", "0.6m"], ["EDI spend", "18k"]]);
        assert_eq!(segments[0].lines.len(), 2, "the paragraph before the table stays one segment");
    }

    #[test]
    fn columns_of_text_are_not_a_borderless_table() {
        let mut lines = Vec::new();
        for i in 0..5 {
            let y = 780.0 - 12.0 * i as f32;
            lines.push(line(50.0, 280.0, y, &format!("L{i}")));
            lines.push(line(300.0, 540.0, y, &format!("R{i}")));
        }
        let segments = reading_order(lines, Vec::new(), &[], 10.0, Compiled::embedded());
        assert!(segments.iter().all(|s| s.cells.is_none()));
    }

    #[test]
    fn a_boxed_sidebar_is_read_after_the_text_beside_it() {
        let mut lines = Vec::new();
        for i in 0..6 {
            let y = 780.0 - 12.0 * i as f32;
            lines.push(line(50.0, 330.0, y, &format!("Body{i}")));
            if i < 4 {
                lines.push(line(380.0, 530.0, y, &format!("Box{i}")));
            }
        }
        let rules = [
            [370.0, 730.0, 540.0, 730.0],
            [370.0, 795.0, 540.0, 795.0],
            [370.0, 730.0, 370.0, 795.0],
            [540.0, 730.0, 540.0, 795.0],
        ];
        let segments = reading_order(lines, Vec::new(), &rules, 10.0, Compiled::embedded());
        let order: Vec<String> = segments.iter().flat_map(|s| s.lines.iter().map(Line::text)).collect();
        assert_eq!(order, ["Body0", "Body1", "Body2", "Body3", "Body4", "Body5", "Box0", "Box1", "Box2", "Box3"]);
        assert!(segments.last().is_some_and(|s| s.boxed));
        assert_eq!(segments[0].boxes.len(), 1);
    }
}
