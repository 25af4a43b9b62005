//! Glyphs to text lines: baselines, line fragments (split at wide gaps and column
//! rules), superscripts kept in their line, and words from gaps and space glyphs.

use unicode_normalization::UnicodeNormalization;

use super::rules::Compiled;
use crate::extract::pdf::glyphs::{Glyph, PageGlyphs};

/// One word of a line, with its horizontal extent.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The word's text (ligatures expanded, NFKC applied to presentation forms).
    pub text: String,
    /// Left edge.
    pub x0: f32,
    /// Right edge.
    pub x1: f32,
}

/// One line fragment: words on one baseline with no wide gap between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// 1-based page number.
    pub page: u32,
    /// The words, left to right.
    pub words: Vec<Word>,
    /// Left edge.
    pub x0: f32,
    /// Right edge.
    pub x1: f32,
    /// Baseline (y up).
    pub y: f32,
    /// Dominant font size of the line's glyphs.
    pub size: f32,
    /// Whether most of the line's characters are bold.
    pub bold: bool,
    /// Underline segments drawn under the line's words (links in printed web
    /// pages), as (x0, x1), clipped to the line.
    pub underlines: Vec<(f32, f32)>,
}

impl Line {
    /// The line's text, words joined by single spaces.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for word in &self.words {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&word.text);
        }
        out
    }

    /// Top of the line box (baseline plus an em's ascent).
    pub fn top(&self) -> f32 {
        self.y + self.size * 0.8
    }

    /// Bottom of the line box (baseline minus descent).
    pub fn bottom(&self) -> f32 {
        self.y - self.size * 0.25
    }
}

/// The line fragments of one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageLines {
    /// The fragments, top to bottom and left to right.
    pub lines: Vec<Line>,
    /// Fragments left out, from the bottom of the page, past the limit.
    pub dropped: usize,
}

/// A glyph reduced to what line building needs.
#[derive(Debug, Clone)]
struct Mark {
    text: String,
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    bold: bool,
    space: bool,
}

/// A run of marks on one baseline before words are cut.
#[derive(Debug, Clone)]
struct Fragment {
    marks: Vec<Mark>,
    y: f32,
    size: f32,
}

impl Fragment {
    fn x0(&self) -> f32 {
        self.marks.iter().filter(|m| !m.space).map(|m| m.x0).fold(f32::INFINITY, f32::min)
    }

    fn x1(&self) -> f32 {
        self.marks.iter().filter(|m| !m.space).map(|m| m.x1).fold(f32::NEG_INFINITY, f32::max)
    }
}

/// Builds the line fragments of one page, top to bottom and left to right, at most
/// `max_fragments` of them.
///
/// Only the first `max_fragments` line fragments (from the top) are kept: see
/// [`Limits::max_fragments_per_page`](crate::limits::Limits).
pub fn page_lines(page: &PageGlyphs, rules: &Compiled, max_fragments: usize) -> PageLines {
    glyph_lines(page, page.glyphs.iter(), &page.rules, rules, max_fragments)
}

/// Builds the line fragments of some of `page`'s glyphs (a tagged block's), with
/// the drawn `rules` that may split them, as [`page_lines`] does for a whole page.
pub fn glyph_lines<'g>(
    page: &PageGlyphs,
    glyphs: impl Iterator<Item = &'g Glyph>,
    drawn: &[[f32; 4]],
    rules: &Compiled,
    max_fragments: usize,
) -> PageLines {
    let w = &rules.rules.words;
    let mut marks: Vec<Mark> = glyphs
        .filter(|g| g.size.is_finite() && g.x.is_finite() && g.y.is_finite() && g.width.is_finite() && g.size > 0.0)
        .map(|g| {
            let space = g.text.chars().all(|c| c.is_whitespace() || c == '\u{a0}');
            let text: String = if g.text.chars().any(|c| ('\u{fb00}'..='\u{fb06}').contains(&c)) {
                g.text.nfkc().collect()
            } else {
                g.text.clone()
            };
            let bold = page.fonts.get(usize::from(g.font)).is_some_and(|f| f.bold);
            let (x0, x1) = if g.width >= 0.0 { (g.x, g.x + g.width) } else { (g.x + g.width, g.x) };
            Mark { text, x0, x1, y: g.y, size: g.size, bold, space }
        })
        .collect();
    if marks.is_empty() {
        return PageLines::default();
    }
    // Sort by baseline (top first), then left to right; group baselines.
    marks.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut baselines: Vec<Vec<Mark>> = Vec::new();
    let mut current: Vec<Mark> = Vec::new();
    let mut anchor_y = f32::NAN;
    let mut anchor_size = 0.0f32;
    for mark in marks {
        let tolerance = w.baseline_tolerance_em * anchor_size.max(mark.size);
        if current.is_empty() || (anchor_y - mark.y).abs() <= tolerance {
            if current.is_empty() {
                anchor_y = mark.y;
                anchor_size = mark.size;
            }
            current.push(mark);
        } else {
            baselines.push(std::mem::take(&mut current));
            anchor_y = mark.y;
            anchor_size = mark.size;
            current.push(mark);
        }
    }
    baselines.push(current);

    let vertical_rules: Vec<[f32; 4]> =
        drawn.iter().filter(|r| (r[0] - r[2]).abs() < 2.0 && (r[1] - r[3]).abs() > 10.0).copied().collect();

    for group in &mut baselines {
        group.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        dedupe(group, w.duplicate_tolerance_em);
    }
    let gutters = aligned_gutters(&baselines, &rules.rules.columns);
    let mut fragments: Vec<Fragment> = Vec::new();
    for (group, gutters) in baselines.into_iter().zip(gutters) {
        // Only a line with a gap wide enough to split it needs to be asked whether
        // it is justified.
        let justified = if has_wide_gap(&group, w.fragment_gap_em) { justified_gap(&group, w) } else { None };
        let mut run: Vec<Mark> = Vec::new();
        let mut run_x1 = f32::NEG_INFINITY;
        for mark in group {
            if mark.space {
                if !run.is_empty() {
                    run.push(mark);
                }
                continue;
            }
            let size = mark.size;
            let gap = mark.x0 - run_x1;
            let crosses_rule = vertical_rules.iter().any(|r| {
                let rx = r[0];
                let (ry0, ry1) = (r[1].min(r[3]), r[1].max(r[3]));
                // The rule must pass through the letters' core, not end just above
                // a line set close under a table.
                rx > run_x1 && rx < mark.x0 && mark.y + 0.5 * size >= ry0 && mark.y <= ry1
            });
            let crosses_gutter = gutters.iter().any(|&(g0, g1)| g0 >= run_x1 - 0.5 && g1 <= mark.x0 + 0.5);
            let wide = gap > w.fragment_gap_em * size && !justified.is_some_and(|j| gap <= j);
            if !run.is_empty() && (wide || crosses_rule || crosses_gutter) {
                fragments.push(make_fragment(std::mem::take(&mut run)));
            }
            run_x1 = if run.is_empty() { mark.x1 } else { run_x1.max(mark.x1) };
            run.push(mark);
        }
        if run.iter().any(|m| !m.space) {
            fragments.push(make_fragment(run));
        }
    }
    // Fragments come baseline by baseline from the top: the cut keeps the top of the page.
    let dropped = fragments.len().saturating_sub(max_fragments);
    fragments.truncate(max_fragments);
    merge_scripts(&mut fragments, rules);
    let mut lines: Vec<Line> = fragments.into_iter().filter_map(|f| to_line(page.number, f, rules)).collect();
    merge_markers(&mut lines, rules);
    for line in &mut lines {
        line.underlines = underlines(line, drawn);
    }
    lines.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    PageLines { lines, dropped }
}

/// Whether a baseline's glyphs have a gap wider than `gap_em` of their size.
fn has_wide_gap(group: &[Mark], gap_em: f32) -> bool {
    let mut right = f32::NEG_INFINITY;
    for m in group.iter().filter(|m| !m.space) {
        if right.is_finite() && m.x0 - right > gap_em * m.size {
            return true;
        }
        right = right.max(m.x1);
    }
    false
}

/// The widest word gap of a justified line, when the line is one: at least
/// `justified_min_gaps` word gaps, all within `justified_gap_spread` of their
/// median and none over `justified_max_gap_em`. Gaps that wide on such a line are
/// its word spacing, not the edge of a column.
fn justified_gap(group: &[Mark], w: &super::rules::WordRules) -> Option<f32> {
    let mut gaps: Vec<f32> = Vec::new();
    let mut right = f32::NEG_INFINITY;
    let mut size = 0.0f32;
    for m in group.iter().filter(|m| !m.space) {
        let gap = m.x0 - right;
        if right.is_finite() && gap > w.word_gap_em * m.size {
            gaps.push(gap);
        }
        right = right.max(m.x1);
        size = size.max(m.size);
    }
    if gaps.is_empty() || gaps.len() < w.justified_min_gaps {
        return None;
    }
    let mut sorted = gaps.clone();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2];
    let widest = sorted[sorted.len() - 1];
    let even = sorted.iter().all(|g| (g - median).abs() <= w.justified_gap_spread * median);
    (even && widest <= w.justified_max_gap_em * size).then_some(widest + 0.01)
}

/// A horizontal interval on a page: (left, right).
type Span = (f32, f32);

/// Column gutters too narrow for the gap rule alone: per baseline, the x-intervals
/// that lie in a gap between glyphs on this and the neighbouring baselines, at
/// least `aligned_gap_lines` in a row. Word gaps in justified text are as wide but
/// fall at other places on every line; a gutter stays put.
fn aligned_gutters(baselines: &[Vec<Mark>], columns: &super::rules::ColumnRules) -> Vec<Vec<Span>> {
    let mut out = vec![Vec::new(); baselines.len()];
    // Per baseline: its text's extent and its gaps wide enough to be a gutter.
    let spans: Vec<(f32, f32, Vec<Span>)> = baselines
        .iter()
        .map(|group| {
            let text: Vec<&Mark> = group.iter().filter(|m| !m.space).collect();
            let mut gaps = Vec::new();
            let mut right = f32::NEG_INFINITY;
            for m in &text {
                if right.is_finite() && m.x0 - right >= columns.aligned_gap_em * m.size {
                    gaps.push((right, m.x0));
                }
                right = right.max(m.x1);
            }
            let left = text.first().map_or(f32::INFINITY, |m| m.x0);
            (left, right, gaps)
        })
        .collect();
    if spans.iter().filter(|(_, _, gaps)| !gaps.is_empty()).count() < columns.aligned_gap_lines {
        return out;
    }
    // Candidate x positions: the middle of every gap; each is followed down the page.
    let mut candidates: Vec<f32> =
        spans.iter().flat_map(|(_, _, gaps)| gaps.iter().map(|g| (g.0 + g.1) / 2.0)).collect();
    candidates.sort_by(f32::total_cmp);
    candidates.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    for x in candidates {
        // Baselines whose text spans x: in a gap there (extends the run) or not (ends it).
        let mut run: Vec<(usize, Span)> = Vec::new();
        let flush = |run: &mut Vec<(usize, Span)>, out: &mut Vec<Vec<Span>>| {
            if run.len() >= columns.aligned_gap_lines {
                // The gutter is what all the run's gaps share.
                let lo = run.iter().map(|(_, g)| g.0).fold(f32::NEG_INFINITY, f32::max);
                let hi = run.iter().map(|(_, g)| g.1).fold(f32::INFINITY, f32::min);
                for (index, _) in run.iter() {
                    if !out[*index].iter().any(|&(a, b)| a <= x && x <= b) {
                        out[*index].push((lo, hi));
                    }
                }
            }
            run.clear();
        };
        for (index, (left, right, gaps)) in spans.iter().enumerate() {
            if x <= *left || x >= *right {
                continue;
            }
            match gaps.iter().find(|g| g.0 <= x && x <= g.1) {
                Some(&gap) => run.push((index, gap)),
                None => flush(&mut run, &mut out),
            }
        }
        flush(&mut run, &mut out);
    }
    out
}

/// The horizontal rules just under a line's baseline, clipped to the line, merged
/// where they touch (the two edges of one filled underline count once). The bottom
/// edge of a box drawn round the line (a highlight, a shaded row) is not an
/// underline: its top edge runs above the letters with the same span, and it
/// spans the line itself, not a bar the line is one piece of (a printed web
/// page's menu bar still underlines each of its links).
fn underlines(line: &Line, drawn: &[[f32; 4]]) -> Vec<(f32, f32)> {
    let horizontal = |r: &&[f32; 4]| (r[1] - r[3]).abs() < 1.0;
    let boxed = |r: &[f32; 4]| {
        r[0] >= line.x0 - line.size
            && r[2] <= line.x1 + line.size
            && drawn.iter().filter(horizontal).any(|top| {
                (top[0] - r[0]).abs() < 1.0
                    && (top[2] - r[2]).abs() < 1.0
                    && top[1] >= line.y + 0.5 * line.size
                    && top[1] <= line.y + 2.0 * line.size
            })
    };
    let mut spans: Vec<(f32, f32)> = drawn
        .iter()
        .filter(horizontal)
        .filter(|r| {
            r[1] <= line.y + 0.05 * line.size && r[1] >= line.y - 0.3 * line.size && r[2] > line.x0 && r[0] < line.x1
        })
        .filter(|r| !boxed(r))
        .map(|r| (r[0].max(line.x0), r[2].min(line.x1)))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f32, f32)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 + 0.5 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Drops glyphs drawn twice at the same place (fake bold, shadows).
fn dedupe(group: &mut Vec<Mark>, tolerance_em: f32) {
    let mut kept: Vec<Mark> = Vec::with_capacity(group.len());
    for mark in group.drain(..) {
        let twin = kept.iter().rev().take(4).any(|k| {
            k.text == mark.text
                && !k.space
                && (k.x0 - mark.x0).abs() < tolerance_em * mark.size
                && (k.y - mark.y).abs() < tolerance_em * mark.size
        });
        if !twin {
            kept.push(mark);
        }
    }
    *group = kept;
}

fn make_fragment(mut marks: Vec<Mark>) -> Fragment {
    while marks.last().is_some_and(|m| m.space) {
        marks.pop();
    }
    let (y, size) = dominant(&marks);
    Fragment { marks, y, size }
}

/// The baseline and size of the largest glyphs that make up most of the text.
fn dominant(marks: &[Mark]) -> (f32, f32) {
    let mut sizes: Vec<(f32, usize)> = Vec::new();
    for m in marks.iter().filter(|m| !m.space) {
        let n = m.text.chars().count();
        match sizes.iter_mut().find(|(s, _)| (s - m.size).abs() < 0.05 * m.size) {
            Some(entry) => entry.1 += n,
            None => sizes.push((m.size, n)),
        }
    }
    let size = sizes.iter().max_by_key(|(_, n)| *n).map(|(s, _)| *s).unwrap_or(0.0);
    let y = marks
        .iter()
        .filter(|m| !m.space && (m.size - size).abs() < 0.05 * size)
        .map(|m| m.y)
        .next()
        .unwrap_or_else(|| marks.first().map(|m| m.y).unwrap_or(0.0));
    (y, size)
}

/// Folds superscript and subscript runs into the line they stand beside.
fn merge_scripts(fragments: &mut Vec<Fragment>, rules: &Compiled) {
    let w = &rules.rules.words;
    let mut i = 0;
    while i < fragments.len() {
        let small = &fragments[i];
        let (sx0, sx1, sy, ssize) = (small.x0(), small.x1(), small.y, small.size);
        let host = fragments.iter().enumerate().position(|(j, host)| {
            j != i
                && ssize < w.superscript_size_ratio * host.size
                && sy - host.y <= w.superscript_rise_em * host.size
                && host.y - sy <= w.subscript_drop_em * host.size
                && (sy - host.y).abs() > 0.01
                && sx0 <= host.x1() + w.word_gap_em * 4.0 * host.size
                && sx1 >= host.x0() - w.word_gap_em * 4.0 * host.size
        });
        match host {
            Some(j) => {
                let moved = fragments.remove(i);
                let j = if j > i { j - 1 } else { j };
                fragments[j].marks.extend(moved.marks);
                fragments[j].marks.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            }
            None => i += 1,
        }
    }
}

/// Cuts a fragment's marks into words.
fn to_line(page: u32, fragment: Fragment, rules: &Compiled) -> Option<Line> {
    let w = &rules.rules.words;
    let mut words: Vec<Word> = Vec::new();
    let mut current: Option<Word> = None;
    let mut current_size = 0.0f32;
    let mut bold_chars = 0usize;
    let mut all_chars = 0usize;
    for mark in &fragment.marks {
        if mark.space {
            if let Some(word) = current.take() {
                words.push(word);
            }
            continue;
        }
        let n = mark.text.chars().count();
        all_chars += n;
        if mark.bold {
            bold_chars += n;
        }
        match current.as_mut() {
            Some(word) if mark.x0 - word.x1 <= w.word_gap_em * mark.size.max(current_size) => {
                word.text.push_str(&mark.text);
                word.x1 = word.x1.max(mark.x1);
                current_size = mark.size;
            }
            _ => {
                if let Some(word) = current.take() {
                    words.push(word);
                }
                current = Some(Word { text: mark.text.clone(), x0: mark.x0, x1: mark.x1 });
                current_size = mark.size;
            }
        }
    }
    if let Some(word) = current {
        words.push(word);
    }
    // Text containing its own spaces (some producers show whole strings as one glyph run).
    let words: Vec<Word> = words
        .into_iter()
        .flat_map(|word| {
            if word.text.contains(char::is_whitespace) {
                word.text
                    .split_whitespace()
                    .map(|t| Word { text: t.to_string(), x0: word.x0, x1: word.x1 })
                    .collect::<Vec<_>>()
            } else {
                vec![word]
            }
        })
        .collect();
    let mut words = join_gapped_hyphen(words);
    words.retain(|w| !w.text.is_empty());
    if words.is_empty() {
        return None;
    }
    let x0 = words.iter().map(|w| w.x0).fold(f32::INFINITY, f32::min);
    let x1 = words.iter().map(|w| w.x1).fold(f32::NEG_INFINITY, f32::max);
    Some(Line {
        page,
        words,
        x0,
        x1,
        y: fragment.y,
        size: fragment.size,
        bold: bold_chars * 2 > all_chars,
        underlines: Vec::new(),
    })
}

/// Justified text may draw a line-end hyphen apart from its word ("recog -"): a lone
/// hyphen closing a line after a letter belongs to the word before it.
fn join_gapped_hyphen(mut words: Vec<Word>) -> Vec<Word> {
    let n = words.len();
    if n >= 2 && matches!(words[n - 1].text.as_str(), "-" | "\u{ad}" | "\u{2010}") {
        let before = &words[n - 2].text;
        if before.chars().last().is_some_and(char::is_alphabetic) {
            if let Some(hyphen) = words.pop() {
                let last = &mut words[n - 2];
                last.text.push_str(&hyphen.text);
                last.x1 = hyphen.x1;
            }
        }
    }
    words
}

/// A list marker drawn as its own fragment (bullet or number, then a tab) joins the
/// text fragment that follows it on the same baseline.
fn merge_markers(lines: &mut Vec<Line>, rules: &Compiled) {
    let w = &rules.rules.words;
    let mut i = 0;
    while i < lines.len() {
        let is_marker = lines[i].words.len() == 1 && rules.is_marker(&lines[i].words[0].text);
        if is_marker {
            let (mx1, my, msize) = (lines[i].x1, lines[i].y, lines[i].size);
            let next = lines
                .iter()
                .enumerate()
                .filter(|(j, l)| {
                    *j != i
                        && l.x0 > mx1
                        && l.x0 - mx1 <= w.marker_gap_em * l.size.max(msize)
                        && (l.y - my).abs() <= w.baseline_tolerance_em * 2.0 * l.size.max(msize)
                })
                .min_by(|a, b| a.1.x0.total_cmp(&b.1.x0))
                .map(|(j, _)| j);
            if let Some(j) = next {
                let text_line = lines.remove(j);
                let i = if j < i { i - 1 } else { i };
                let marker = &mut lines[i];
                marker.words.extend(text_line.words);
                marker.x1 = text_line.x1;
                marker.y = text_line.y;
                marker.size = text_line.size;
                marker.bold = text_line.bold;
                continue;
            }
        }
        i += 1;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::extract::pdf::glyphs::{FontInfo, Marked};

    const MAX_FRAGMENTS_PER_PAGE: usize = 3_000;

    /// Lays out `text` as glyphs from `x` on baseline `y`, 0.5 em per character,
    /// with a space glyph for each space.
    pub fn glyph_run(text: &str, x: f32, y: f32, size: f32, font: u16) -> Vec<Glyph> {
        let mut out = Vec::new();
        let mut cx = x;
        for c in text.chars() {
            let width = if c == ' ' { 0.28 * size } else { 0.5 * size };
            out.push(Glyph {
                text: c.to_string(),
                x: cx,
                y,
                width,
                size,
                font,
                invisible: false,
                marked: Marked::Unmarked,
                turn: 0,
            });
            cx += width;
        }
        out
    }

    pub fn page_of(glyphs: Vec<Glyph>) -> PageGlyphs {
        PageGlyphs {
            number: 1,
            bbox: [0.0, 0.0, 595.0, 842.0],
            glyphs,
            fonts: vec![FontInfo::default(), FontInfo { bold: true, ..FontInfo::default() }],
            has_images: false,
            rules: Vec::new(),
        }
    }

    fn texts(page: &PageGlyphs) -> Vec<String> {
        page_lines(page, Compiled::embedded(), MAX_FRAGMENTS_PER_PAGE).lines.iter().map(Line::text).collect()
    }

    #[test]
    fn fragments_past_the_page_limit_are_cut_from_the_bottom() {
        let count = MAX_FRAGMENTS_PER_PAGE + 10;
        let glyphs: Vec<Glyph> =
            (0..count).flat_map(|i| glyph_run("A", 72.0, 100_000.0 - 12.0 * i as f32, 10.0, 0)).collect();
        let out = page_lines(&page_of(glyphs), Compiled::embedded(), MAX_FRAGMENTS_PER_PAGE);
        assert_eq!((out.lines.len(), out.dropped), (MAX_FRAGMENTS_PER_PAGE, 10));
        assert_eq!(out.lines[0].y, 100_000.0);
    }

    #[test]
    fn a_box_round_a_line_is_not_an_underline() {
        let mut highlighted = page_of(glyph_run("highlighted words", 72.0, 700.0, 10.0, 0));
        highlighted.rules = vec![[70.0, 697.0, 158.0, 697.0], [70.0, 709.0, 158.0, 709.0]];
        let lines = page_lines(&highlighted, Compiled::embedded(), MAX_FRAGMENTS_PER_PAGE).lines;
        assert!(lines[0].underlines.is_empty(), "{:?}", lines[0].underlines);

        let mut underlined = page_of(glyph_run("underlined words", 72.0, 700.0, 10.0, 0));
        underlined.rules = vec![[72.0, 698.5, 150.0, 698.5]];
        let lines = page_lines(&underlined, Compiled::embedded(), MAX_FRAGMENTS_PER_PAGE).lines;
        assert_eq!(lines[0].underlines.len(), 1);

        // A menu bar's edges still underline each entry drawn on it.
        let mut on_a_bar = page_of(glyph_run("Contact us", 300.0, 700.0, 10.0, 0));
        on_a_bar.rules = vec![[0.0, 697.0, 595.0, 697.0], [0.0, 709.0, 595.0, 709.0]];
        let lines = page_lines(&on_a_bar, Compiled::embedded(), MAX_FRAGMENTS_PER_PAGE).lines;
        assert_eq!(lines[0].underlines.len(), 1);
    }

    #[test]
    fn words_come_from_space_glyphs_and_gaps() {
        let mut glyphs = glyph_run("Hello world", 72.0, 700.0, 10.0, 0);
        // "again" after a gap of 3 pt and no space glyph.
        glyphs.extend(glyph_run("again", 72.0 + 11.0 * 5.0 + 3.0, 700.0, 10.0, 0));
        assert_eq!(texts(&page_of(glyphs)), ["Hello world again"]);
    }

    #[test]
    fn kerning_does_not_split_words() {
        let mut glyphs = glyph_run("Wo", 72.0, 700.0, 10.0, 0);
        glyphs.extend(glyph_run("rd", 72.0 + 10.0 - 0.8, 700.0, 10.0, 0));
        assert_eq!(texts(&page_of(glyphs)), ["Word"]);
    }

    #[test]
    fn superscripts_stay_in_their_line() {
        let mut glyphs = glyph_run("the 16", 72.0, 700.0, 10.0, 0);
        glyphs.extend(glyph_run("th", 72.0 + 6.0 * 5.0 - 1.2, 703.5, 6.0, 0));
        glyphs.extend(glyph_run(" April", 72.0 + 6.0 * 5.0 + 6.0, 700.0, 10.0, 0));
        assert_eq!(texts(&page_of(glyphs)), ["the 16th April"]);
    }

    #[test]
    fn columns_on_one_baseline_are_separate_fragments() {
        let mut glyphs = glyph_run("left column", 72.0, 700.0, 10.0, 0);
        glyphs.extend(glyph_run("right column", 320.0, 700.0, 10.0, 0));
        assert_eq!(texts(&page_of(glyphs)), ["left column", "right column"]);
    }

    #[test]
    fn bullet_with_tab_joins_its_text() {
        let mut glyphs = glyph_run("•", 80.0, 700.0, 10.0, 0);
        glyphs.extend(glyph_run("Item text", 110.0, 700.0, 10.0, 0));
        assert_eq!(texts(&page_of(glyphs)), ["• Item text"]);
    }

    #[test]
    fn gapped_line_end_hyphen_joins_its_word() {
        let mut glyphs = glyph_run("services, recog", 72.0, 700.0, 10.0, 0);
        glyphs.extend(glyph_run("-", 72.0 + 15.0 * 5.0 + 2.5, 700.0, 10.0, 0));
        assert_eq!(texts(&page_of(glyphs)), ["services, recog-"]);
    }

    #[test]
    fn ligature_presentation_forms_are_expanded() {
        let glyphs = vec![
            Glyph {
                text: "e".into(),
                x: 72.0,
                y: 700.0,
                width: 5.0,
                size: 10.0,
                font: 0,
                invisible: false,
                marked: Marked::Unmarked,
                turn: 0,
            },
            Glyph {
                text: "\u{fb03}".into(),
                x: 77.0,
                y: 700.0,
                width: 8.0,
                size: 10.0,
                font: 0,
                invisible: false,
                marked: Marked::Unmarked,
                turn: 0,
            },
            Glyph {
                text: "cient".into(),
                x: 85.0,
                y: 700.0,
                width: 20.0,
                size: 10.0,
                font: 0,
                invisible: false,
                marked: Marked::Unmarked,
                turn: 0,
            },
        ];
        assert_eq!(texts(&page_of(glyphs)), ["efficient"]);
    }
}
