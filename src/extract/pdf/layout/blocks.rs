//! Lines in reading order to blocks: paragraphs from line spacing, indentation,
//! size and weight; list items from markers; headings from size, weight and
//! numbering; paragraphs continued across columns and pages joined.

use std::collections::HashMap;

use super::columns::Segment;
use super::hyphenation::{self, Vocabulary};
use super::lines::Line;
use super::rules::Compiled;
use crate::document::{Block, BlockKind};

/// A block under construction: its lines and what kind it is.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The lines, in reading order.
    pub lines: Vec<Line>,
    /// Whether the first line starts with a list marker.
    pub marker: bool,
    /// Whether the first token of the block is a bullet glyph.
    pub bullet: bool,
    /// Left edge of the text after any marker, for continuation lines.
    pub text_left: f32,
    /// Whether this draft ended a segment (column or page bottom).
    pub ends_segment: bool,
    /// For a table row: the cells' lines, left to right.
    pub cells: Option<Vec<Vec<Line>>>,
    /// Whether the draft stands in a drawn box: never a heading, never joined.
    pub boxed: bool,
}

/// Measurements of the whole document the block rules compare against.
#[derive(Debug, Clone)]
pub struct Metrics {
    /// The most common font size, weighted by characters.
    pub body_size: f32,
    /// The most common baseline pitch per size (size in half points -> pitch).
    pitch: HashMap<i32, f32>,
}

fn size_key(size: f32) -> i32 {
    (size * 2.0).round() as i32
}

impl Metrics {
    /// Measures body size and line pitches over all segments.
    pub fn measure(segments: &[Segment]) -> Metrics {
        let mut sizes: HashMap<i32, usize> = HashMap::new();
        let mut gaps: HashMap<i32, HashMap<i32, usize>> = HashMap::new();
        for segment in segments {
            for line in &segment.lines {
                let chars: usize = line.words.iter().map(|w| w.text.chars().count()).sum();
                *sizes.entry(size_key(line.size)).or_default() += chars;
            }
            for pair in segment.lines.windows(2) {
                let d = pair[0].y - pair[1].y;
                if size_key(pair[0].size) == size_key(pair[1].size) && d > 0.5 * pair[0].size && d < 3.0 * pair[0].size
                {
                    *gaps.entry(size_key(pair[0].size)).or_default().entry((d * 4.0).round() as i32).or_default() += 1;
                }
            }
        }
        let body = sizes.iter().max_by_key(|(k, n)| (**n, **k)).map_or(10.0, |(k, _)| *k as f32 / 2.0);
        let pitch = gaps
            .into_iter()
            .filter_map(|(k, hist)| {
                // The smallest frequent gap is the in-paragraph pitch.
                let total: usize = hist.values().sum();
                let mut entries: Vec<(i32, usize)> = hist.into_iter().collect();
                entries.sort();
                let best = entries.iter().max_by_key(|(_, n)| *n)?;
                let floor = entries.iter().find(|(_, n)| *n * 4 >= best.1 && *n * 10 >= total.min(10)).unwrap_or(best);
                Some((k, floor.0 as f32 / 4.0))
            })
            .collect();
        Metrics { body_size: body, pitch }
    }

    fn pitch(&self, size: f32, rules: &Compiled) -> f32 {
        // Sizes with too few lines to measure take the body text's leading.
        let body_leading = self.pitch.get(&size_key(self.body_size)).map(|p| p / self.body_size);
        self.pitch
            .get(&size_key(size))
            .copied()
            .unwrap_or(body_leading.unwrap_or(rules.rules.paragraphs.default_pitch_em) * size)
    }
}

/// Whether a line opens with a list marker, and the x where its text starts.
fn marker_of(line: &Line, rules: &Compiled) -> Option<(bool, f32)> {
    let first = line.words.first()?;
    let second = line.words.get(1)?;
    let token = first.text.as_str();
    let bullet = rules.is_bullet(token);
    if !bullet && !rules.is_marker(token) {
        // A bullet glyph drawn against its word ("•Item").
        let mut chars = token.chars();
        let head = chars.next()?.to_string();
        if rules.is_bullet(&head) && !matches!(head.as_str(), "-" | "–" | "—" | "*") && chars.next().is_some() {
            return Some((true, first.x0));
        }
        return None;
    }
    // Dashes and asterisks also occur at the start of wrapped lines: only a tab-like
    // gap after them makes them bullets.
    let gap = second.x0 - first.x1;
    if matches!(token, "-" | "–" | "—" | "*") && gap < 0.4 * line.size {
        return None;
    }
    Some((bullet, second.x0))
}

fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['"', '\'', ')', ']', '’', '”']);
    trimmed.ends_with(['.', '!', '?', ':', ';'])
}

/// Groups each segment's lines into drafts.
pub fn drafts(segments: &[Segment], metrics: &Metrics, rules: &Compiled) -> Vec<Draft> {
    let p = &rules.rules.paragraphs;
    let mut out: Vec<Draft> = Vec::new();
    for segment in segments {
        if let Some(cells) = &segment.cells {
            out.push(Draft {
                lines: segment.lines.clone(),
                marker: false,
                bullet: false,
                text_left: segment.x0,
                ends_segment: true,
                cells: Some(cells.clone()),
                boxed: false,
            });
            continue;
        }
        let mut current: Option<Draft> = None;
        let joined;
        let segment = match join_justified_fragments(&segment.lines, rules) {
            Some(lines) => {
                joined = Segment { lines, cells: None, boxes: segment.boxes.clone(), ..*segment };
                &joined
            }
            None => segment,
        };
        let segment_left = segment.lines.iter().map(|l| l.x0).fold(f32::INFINITY, f32::min);
        for (i, line) in segment.lines.iter().enumerate() {
            let marker = marker_of(line, rules);
            let start_new = match (&current, i) {
                (None, _) | (_, 0) => true,
                (Some(draft), _) => {
                    let prev = &segment.lines[i - 1];
                    let size = prev.size.max(line.size);
                    let d = prev.y - line.y;
                    let pitch = metrics.pitch(prev.size, rules);
                    let size_changed = (prev.size - line.size).abs() > p.size_change_ratio * size;
                    let gap_break = d > p.paragraph_gap_ratio * pitch + 0.5 || d < 0.3 * size;
                    let weight_changed = prev.bold != line.bold;
                    let indent = line.x0 - draft.text_left;
                    // Beside a box, lines end short (box on the right) or start
                    // late (box on the left) without ending the paragraph.
                    let box_beside = |l: &Line, right: bool| {
                        segment.boxes.iter().find(|b| {
                            l.y >= b[1] - size && l.y <= b[3] + size && if right { l.x1 < b[0] } else { l.x0 > b[2] }
                        })
                    };
                    let indented = indent > p.indent_em * line.size
                        && indent < 6.0 * line.size
                        && draft.lines.len() > 1
                        && box_beside(line, false).is_none();
                    let dedented = draft.bullet && line.x0 < draft.text_left - p.indent_em * line.size;
                    // The column's right edge near here: from up to three lines on
                    // either side, not past a line of another size (a heading, and
                    // the wider text above it, do not widen a column below it).
                    let same_size = |l: &Line| (l.size - line.size).abs() <= p.size_change_ratio * size;
                    let mut lo = i;
                    while lo > 0 && i - lo < 3 && same_size(&segment.lines[lo - 1]) {
                        lo -= 1;
                    }
                    let mut hi = i + 1;
                    while hi < segment.lines.len() && hi - i < 3 && same_size(&segment.lines[hi]) {
                        hi += 1;
                    }
                    let local_right = segment.lines[lo..hi].iter().map(|l| l.x1).fold(f32::NEG_INFINITY, f32::max);
                    // Text wraps short of a box beside it, by a gap of an em or so.
                    let local_right =
                        box_beside(prev, true).map_or(local_right, |b| local_right.min(b[0] - 1.5 * size));
                    // The line before ended early although this line's first word
                    // would have fitted: the author broke the line.
                    let first_width = line.words.first().map_or(0.0, |w| w.x1 - w.x0);
                    let short_prev = prev.x1 + first_width + 0.6 * size < local_right - 0.5
                        && line.x0 < prev.x1
                        && !hyphenation::ends_in_break(
                            prev.words.last().map_or("", |w| w.text.as_str()),
                            &rules.rules.hyphenation.hyphens,
                        );
                    // Lists whose bullets are drawn as shapes (web pages printed by
                    // browsers) show only as indented text: there a sentence ending
                    // a line and a capital starting the next one start a new item.
                    let unmarked_list = !draft.marker
                        && line.x0 > segment_left + p.indent_em * line.size
                        && prev.text().trim_end().ends_with(['.', '!', '?', ')'])
                        && line.words.first().and_then(|w| w.text.chars().next()).is_some_and(char::is_uppercase);
                    marker.is_some()
                        || unmarked_list
                        || size_changed
                        || gap_break
                        || weight_changed
                        || indented
                        || dedented
                        || short_prev
                }
            };
            if start_new {
                if let Some(draft) = current.take() {
                    out.push(draft);
                }
                let (is_marker, is_bullet, text_left) = match marker {
                    Some((bullet, left)) => (true, bullet, left),
                    None => (false, false, line.x0),
                };
                current = Some(Draft {
                    lines: vec![line.clone()],
                    marker: is_marker,
                    bullet: is_bullet,
                    text_left,
                    ends_segment: false,
                    cells: None,
                    boxed: segment.boxed,
                });
            } else if let Some(draft) = current.as_mut() {
                if !draft.marker {
                    draft.text_left = draft.text_left.min(line.x0);
                }
                draft.lines.push(line.clone());
            }
        }
        if let Some(mut draft) = current.take() {
            draft.ends_segment = true;
            out.push(draft);
        }
    }
    out
}

/// Joins the fragments of one justified line: a line of few words stretched to a
/// narrow column can have gaps wide enough to split it. Fragments on one baseline,
/// of one size, that together run from the column's left edge to its right edge
/// are one line.
fn join_justified_fragments(lines: &[Line], rules: &Compiled) -> Option<Vec<Line>> {
    let p = &rules.rules.paragraphs;
    let same_size = |a: &Line, b: &Line| (a.size - b.size).abs() <= p.size_change_ratio * a.size.max(b.size);
    let on_one_baseline = |a: &Line, b: &Line| (b.y - a.y).abs() < 0.3 * a.size && same_size(a, b) && b.x0 > a.x1;
    // Most segments have no line in pieces: nothing is copied for them.
    if !lines.windows(2).any(|w| on_one_baseline(&w[0], &w[1])) {
        return None;
    }
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let first = &lines[i];
        let mut end = i + 1;
        while end < lines.len()
            && (lines[end].y - first.y).abs() < 0.3 * first.size
            && on_one_baseline(&lines[end - 1], &lines[end])
        {
            end += 1;
        }
        if end > i + 1 {
            let column = lines.iter().filter(|l| same_size(first, l));
            let (left, right) =
                column.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), l| (lo.min(l.x0), hi.max(l.x1)));
            let last = &lines[end - 1];
            if first.x0 <= left + 0.5 * first.size && last.x1 >= right - 0.5 * first.size {
                let mut line = first.clone();
                for piece in &lines[i + 1..end] {
                    line.words.extend(piece.words.iter().cloned());
                    line.underlines.extend(piece.underlines.iter().copied());
                }
                line.x1 = last.x1;
                out.push(line);
                i = end;
                continue;
            }
        }
        out.push(first.clone());
        i += 1;
    }
    Some(out)
}

/// The text of a draft's lines in order, before hyphenation is resolved.
fn raw_text(draft: &Draft) -> String {
    draft.lines.iter().map(Line::text).collect::<Vec<_>>().join(" ")
}

/// Whether a draft looks like a heading: larger or bold, short, not a sentence.
fn is_heading(draft: &Draft, metrics: &Metrics, rules: &Compiled) -> bool {
    let h = &rules.rules.headings;
    if draft.cells.is_some() || draft.bullet || draft.boxed || draft.lines.len() > h.max_lines {
        return false;
    }
    let text = raw_text(draft);
    if !text.chars().any(char::is_alphabetic) || text.trim_end().ends_with(':') {
        return false;
    }
    let size = draft.lines.iter().map(|l| l.size).fold(0.0, f32::max);
    let words = text.split_whitespace().count();
    let large = size >= h.size_ratio * metrics.body_size;
    let bold = draft.lines.iter().all(|l| l.bold);
    // A numbered line set wholly in bold or large heads what follows even when it
    // is a long sentence: plans answer the letter's numbered questions under them
    // ("2. How do you plan to take advantage of technology ...").
    let numbered =
        draft.marker && text.split_whitespace().next().is_some_and(|t| t.starts_with(|c: char| c.is_ascii_digit()));
    if numbered && (bold || large) && words <= h.max_words * 2 {
        return true;
    }
    // A sentence set large is a lead paragraph, not a heading.
    if text.trim_end().ends_with('.') && words > h.max_words / 2 {
        return false;
    }
    (large && words <= h.max_words * 2) || (bold && words <= h.max_words && !text.trim_end().ends_with('.'))
}

/// Joins drafts that continue across a column or page break.
pub fn join_continuations(drafts: Vec<Draft>, metrics: &Metrics, rules: &Compiled) -> Vec<Draft> {
    let p = &rules.rules.paragraphs;
    let mut out: Vec<Draft> = Vec::new();
    let mut previous_ended_segment = false;
    for draft in drafts {
        let joinable = previous_ended_segment
            && !draft.marker
            && draft.cells.is_none()
            && !draft.boxed
            && out.last().is_some_and(|prev| prev.cells.is_none() && !prev.boxed)
            && out.last().is_some_and(|prev| {
                let prev_line = prev.lines.last();
                let next_line = draft.lines.first();
                let (Some(a), Some(b)) = (prev_line, next_line) else { return false };
                let prev_text = a.text();
                let next_starts_lower =
                    b.words.first().and_then(|w| w.text.chars().next()).is_some_and(char::is_lowercase);
                !is_heading(prev, metrics, rules)
                    && !is_heading(&draft, metrics, rules)
                    && (a.size - b.size).abs() <= p.size_change_ratio * a.size.max(b.size)
                    && a.bold == b.bold
                    && (!ends_sentence(&prev_text) || next_starts_lower)
            });
        previous_ended_segment = draft.ends_segment;
        if joinable {
            if let Some(prev) = out.last_mut() {
                prev.lines.extend(draft.lines);
                prev.ends_segment = draft.ends_segment;
                continue;
            }
        }
        out.push(draft);
    }
    out
}

/// The words seen whole in these blocks' lines: every word not at either side of a
/// line-end hyphen, the evidence [`hyphenation::join`] decides from.
pub fn vocabulary<'l>(blocks: impl Iterator<Item = &'l [Line]>, hyphens: &[String]) -> Vocabulary {
    let mut vocabulary = Vocabulary::default();
    for lines in blocks {
        let mut after_break = false;
        for line in lines {
            let n = line.words.len();
            for (k, word) in line.words.iter().enumerate() {
                let breaks = k + 1 == n && hyphenation::ends_in_break(&word.text, hyphens);
                if !(breaks || (k == 0 && after_break)) {
                    vocabulary.add(&word.text);
                }
            }
            after_break = line.words.last().is_some_and(|w| hyphenation::ends_in_break(&w.text, hyphens));
        }
    }
    vocabulary
}

/// A way of joining a word broken at a line-end hyphen ([`hyphenation::join`] or
/// [`hyphenation::join_declared`]).
pub type Join = fn(&str, &str, &Vocabulary) -> String;

/// The words of one block's lines in order, a word broken at a line-end hyphen
/// joined again by `join`.
pub fn joined_words(lines: &[Line], vocabulary: &Vocabulary, hyphens: &[String], join: Join) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        for (k, word) in line.words.iter().enumerate() {
            let broken = index > 0 && k == 0 && tokens.last().is_some_and(|t| hyphenation::ends_in_break(t, hyphens));
            if broken {
                if let Some(head) = tokens.pop() {
                    tokens.push(join(&head, &word.text, vocabulary));
                    continue;
                }
            }
            tokens.push(word.text.clone());
        }
    }
    tokens
}

/// Turns drafts into blocks: kinds, heading levels and text with line-end
/// hyphenation resolved.
pub fn finish(drafts: &[Draft], metrics: &Metrics, rules: &Compiled) -> Vec<Block> {
    let hyphens = &rules.rules.hyphenation.hyphens;
    let vocabulary = vocabulary(drafts.iter().map(|d| d.lines.as_slice()), hyphens);
    let heading_sizes = {
        let mut sizes: Vec<i32> = drafts
            .iter()
            .filter(|d| is_heading(d, metrics, rules))
            .map(|d| size_key(d.lines.iter().map(|l| l.size).fold(0.0, f32::max)))
            .collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        sizes.dedup();
        sizes
    };
    let mut blocks = Vec::new();
    for draft in drafts {
        let page = draft.lines.first().map_or(1, |l| l.page);
        if let Some(cells) = &draft.cells {
            let texts: Vec<String> = cells
                .iter()
                .map(|cell| {
                    crate::document::collapse_whitespace(&cell.iter().map(Line::text).collect::<Vec<_>>().join(" "))
                })
                .filter(|t| !t.is_empty())
                .collect();
            if !texts.is_empty() {
                blocks.push(Block::new(BlockKind::TableRow, texts.join(" | ")).on_page(page));
            }
            continue;
        }
        let mut tokens = joined_words(&draft.lines, &vocabulary, hyphens, hyphenation::join);
        if draft.bullet && !tokens.is_empty() {
            let first = tokens.remove(0);
            if !rules.is_bullet(&first) {
                // "•Item": the bullet is glued to the word.
                let rest: String = first.chars().skip(1).collect();
                if !rest.is_empty() {
                    tokens.insert(0, rest);
                }
            }
        }
        let text = crate::document::collapse_whitespace(&tokens.join(" "));
        if text.is_empty() {
            continue;
        }
        let block = if is_heading(draft, metrics, rules) {
            let size = size_key(draft.lines.iter().map(|l| l.size).fold(0.0, f32::max));
            let rank = heading_sizes.iter().position(|s| *s == size).unwrap_or(heading_sizes.len());
            let dots = text.split_whitespace().next().map_or(0, |t| {
                if rules.numbers.iter().any(|r| r.is_match(t)) {
                    t.trim_end_matches('.').matches('.').count()
                } else {
                    0
                }
            });
            // Size ranks already order the levels; numbering ("2.1") says how deep at least.
            Block::heading((rank + 1).max(dots + 1).min(6) as u8, text)
        } else if draft.marker {
            Block::new(BlockKind::ListItem, text)
        } else {
            Block::new(BlockKind::Paragraph, text)
        };
        blocks.push(block.on_page(page));
    }
    blocks
}
