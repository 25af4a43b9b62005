//! The DOM walker: turns the content root into blocks.
//!
//! Text runs on across inline elements (`<b>bold</b>word` stays "boldword") and
//! breaks only where a block element opens or closes, so "About" and "Cabinet" in
//! two `<div>`s stay apart. `<br>` breaks lines; lines of one block become separate
//! blocks (a list when they carry list markers) unless a line plainly continues the
//! sentence before it. Data tables become one block per row with cells joined by
//! " | "; layout tables are read as plain containers. The walk uses the tree's own
//! edge iterator, never recursion, so nesting depth cannot overflow the stack.

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::node::Element;
use scraper::Node;

use super::analysis::Analysis;
use super::rules::Rules;
use crate::document::{collapse_whitespace, Block, BlockKind};

/// Marks a `<br>` (or a newline in `<pre>`) in the text being gathered.
const LINE_BREAK: char = '\n';

/// The visible text under `node`, furniture and hidden parts left out, blocks joined
/// by spaces, whitespace collapsed. For short elements (titles, link texts).
pub(crate) fn visible_text(node: NodeRef<'_, Node>, analysis: &Analysis, rules: &Rules) -> String {
    let mut out = String::new();
    let mut skip: Option<NodeId> = None;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) => {
                if skip.is_some() {
                    continue;
                }
                match n.value() {
                    Node::Text(t) => out.push_str(t),
                    Node::Element(e) => {
                        if n.id() != node.id() && (analysis.is_excluded(n.id()) || rules.is_skipped_element(e.name())) {
                            skip = Some(n.id());
                        } else if !rules.is_inline_element(e.name()) {
                            out.push(' ');
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(n) => {
                if skip == Some(n.id()) {
                    skip = None;
                } else if skip.is_none() && n.value().as_element().is_some_and(|e| !rules.is_inline_element(e.name())) {
                    out.push(' ');
                }
            }
        }
    }
    collapse_whitespace(&out)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Context {
    /// A block container (div, p, section, layout table parts): text is a paragraph.
    Paragraph,
    /// A list item.
    ListItem,
    /// A heading at this level.
    Heading(u8),
    /// A data table.
    DataTable,
    /// A row of a data table.
    Row,
    /// A cell of a data-table row.
    Cell,
    /// Preformatted text: newlines are line breaks.
    Pre,
}

struct Walker<'r> {
    analysis: &'r Analysis,
    rules: &'r Rules,
    blocks: Vec<Block>,
    text: String,
    contexts: Vec<(NodeId, Context)>,
    row: Vec<String>,
    cell_depth: usize,
    pre_depth: usize,
    last_real_level: u8,
    emitted_level_one: bool,
}

/// The blocks of the subtree under `root`.
pub(crate) fn walk(root: NodeRef<'_, Node>, analysis: &Analysis, rules: &Rules) -> Vec<Block> {
    let mut walker = Walker {
        analysis,
        rules,
        blocks: Vec::new(),
        text: String::new(),
        contexts: Vec::new(),
        row: Vec::new(),
        cell_depth: 0,
        pre_depth: 0,
        last_real_level: 1,
        emitted_level_one: false,
    };
    let mut skip: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(text) => walker.push_text(text),
                    Node::Element(element) => {
                        if node.id() != root.id() && walker.is_skipped(node, element) {
                            skip = Some(node.id());
                        } else {
                            walker.open(node, element);
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                } else if skip.is_none() {
                    if let Some(element) = node.value().as_element() {
                        walker.close(node, element);
                    }
                }
            }
        }
    }
    walker.flush();
    walker.blocks
}

/// Drops headings that head nothing: followed by a heading of the same or a higher
/// rank, or by nothing ("Related articles" whose box was furniture). A lead-in
/// sentence left at the end stays: a truncated document ends that way too.
pub(crate) fn drop_orphans(blocks: &mut Vec<Block>) {
    let mut kept: Vec<Block> = Vec::with_capacity(blocks.len());
    for block in std::mem::take(blocks).into_iter().rev() {
        let heads_nothing = block.kind == BlockKind::Heading
            && kept.last().is_none_or(|next| {
                next.kind == BlockKind::Heading && next.level.unwrap_or(6) <= block.level.unwrap_or(6)
            });
        if !heads_nothing {
            kept.push(block);
        }
    }
    kept.reverse();
    *blocks = kept;
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

impl Walker<'_> {
    fn is_skipped(&self, node: NodeRef<'_, Node>, element: &Element) -> bool {
        if self.analysis.is_excluded(node.id()) || self.rules.is_skipped_element(element.name()) {
            return true;
        }
        if element.name() == "a" && self.analysis.facts(node.id()).text_len <= 80 {
            let text = visible_text(node, self.analysis, self.rules);
            return self.rules.is_furniture_link(&text);
        }
        false
    }

    fn in_cell(&self) -> bool {
        self.cell_depth > 0
    }

    fn push_text(&mut self, text: &str) {
        if self.pre_depth > 0 {
            self.text.extend(text.chars().map(|c| {
                if c == '\n' {
                    LINE_BREAK
                } else if c.is_whitespace() {
                    ' '
                } else {
                    c
                }
            }));
        } else {
            self.text.extend(text.chars().map(|c| if c.is_whitespace() { ' ' } else { c }));
        }
    }

    fn open(&mut self, node: NodeRef<'_, Node>, element: &Element) {
        let name = element.name();
        if name == "br" {
            let in_heading = matches!(self.current_kind(), Context::Heading(_));
            self.text.push(if self.in_cell() || in_heading { ' ' } else { LINE_BREAK });
            return;
        }
        if self.rules.is_inline_element(name) {
            return;
        }
        if self.in_cell() {
            self.text.push(' ');
            return;
        }
        self.flush();
        let context = if let Some(level) = heading_level(name) {
            self.last_real_level = level;
            if level == 1 {
                self.emitted_level_one = true;
            }
            Context::Heading(level)
        } else {
            match name {
                "li" => Context::ListItem,
                "pre" => Context::Pre,
                "table" if self.is_data_table(node, element) => Context::DataTable,
                "tr" if self.current_kind() == Context::DataTable => {
                    self.row.clear();
                    Context::Row
                }
                "td" | "th" if self.current_kind() == Context::Row => Context::Cell,
                _ => match self.pseudo_heading_level(node, element) {
                    Some(level) => Context::Heading(level),
                    None => Context::Paragraph,
                },
            }
        };
        match context {
            Context::Cell => self.cell_depth += 1,
            Context::Pre => self.pre_depth += 1,
            _ => {}
        }
        self.contexts.push((node.id(), context));
    }

    fn close(&mut self, node: NodeRef<'_, Node>, element: &Element) {
        let name = element.name();
        if name == "br" || self.rules.is_inline_element(name) {
            return;
        }
        let closes_context = self.contexts.last().is_some_and(|(id, _)| *id == node.id());
        if !closes_context {
            if self.in_cell() {
                self.text.push(' ');
            }
            return;
        }
        let Some((_, context)) = self.contexts.pop() else { return };
        match context {
            Context::Cell => {
                self.cell_depth -= 1;
                let cell = collapse_whitespace(&std::mem::take(&mut self.text));
                if !cell.is_empty() {
                    self.row.push(cell);
                }
            }
            Context::Row => {
                let cells = std::mem::take(&mut self.row);
                self.text.clear();
                if !cells.is_empty() {
                    self.push_block(Block::new(BlockKind::TableRow, cells.join(" | ")));
                }
            }
            _ => {
                // The text belongs to the context just closed: put it back for the flush.
                self.contexts.push((node.id(), context));
                self.flush();
                self.contexts.pop();
                if context == Context::Pre {
                    self.pre_depth -= 1;
                }
            }
        }
    }

    /// The innermost context that decides the kind of block the current text becomes.
    fn current_kind(&self) -> Context {
        self.contexts
            .iter()
            .rev()
            .map(|(_, c)| *c)
            .find(|c| !matches!(c, Context::Paragraph | Context::Pre))
            .unwrap_or(Context::Paragraph)
    }

    fn flush(&mut self) {
        if self.in_cell() {
            return;
        }
        let raw = std::mem::take(&mut self.text);
        if raw.trim().is_empty() {
            return;
        }
        match self.current_kind() {
            Context::Heading(level) => {
                let text = collapse_whitespace(&raw.replace(LINE_BREAK, " "));
                self.push_block(Block::heading(level, text));
            }
            Context::ListItem => self.push_lines(&raw, BlockKind::ListItem),
            _ => self.push_lines(&raw, BlockKind::Paragraph),
        }
    }

    /// Splits text at line breaks into blocks of `kind`; marked lines become list items.
    fn push_lines(&mut self, raw: &str, kind: BlockKind) {
        let mut lines: Vec<String> = Vec::new();
        let mut after_blank = true;
        for line in raw.split(LINE_BREAK).map(collapse_whitespace) {
            if line.is_empty() {
                after_blank = true;
                continue;
            }
            let continues = !after_blank
                && lines.last().is_some_and(|previous| {
                    !previous.ends_with(['.', '!', '?', ':', ';'])
                        && line.chars().next().is_some_and(char::is_lowercase)
                        && !self.rules.marker.is_match(&line)
                });
            match lines.last_mut() {
                Some(previous) if continues => {
                    previous.push(' ');
                    previous.push_str(&line);
                }
                _ => lines.push(line),
            }
            after_blank = false;
        }
        let marked = lines.iter().filter(|l| self.rules.marker.is_match(l)).count();
        let as_list = lines.len() > 1 && marked >= self.rules.min_marked_lines;
        for line in lines {
            if as_list && self.rules.marker.is_match(&line) {
                let item = self.rules.marker.replace(&line, "").into_owned();
                self.push_block(Block::new(BlockKind::ListItem, item));
            } else {
                self.push_block(Block::new(kind, line));
            }
        }
    }

    fn push_block(&mut self, block: Block) {
        if !block.text.chars().any(char::is_alphanumeric) || self.rules.is_furniture_text(&block.text) {
            return;
        }
        self.blocks.push(block);
    }

    /// A table of data (one block per row) rather than a layout grid.
    fn is_data_table(&self, table: NodeRef<'_, Node>, element: &Element) -> bool {
        if element
            .attr("role")
            .is_some_and(|r| r.eq_ignore_ascii_case("presentation") || r.eq_ignore_ascii_case("none"))
        {
            return false;
        }
        let rules = &self.rules.tables;
        let mut rows_with_columns = 0;
        let mut item_rows = 0;
        for node in table.descendants().skip(1) {
            let Some(e) = node.value().as_element() else { continue };
            match e.name() {
                "table" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "form" => return false,
                "td" | "th" if self.analysis.facts(node.id()).text_len > rules.layout_cell_chars => {
                    return false;
                }
                "td" | "th" if self.paragraphs_in(node) >= rules.layout_cell_paragraphs => return false,
                "tr" => {
                    let cells: Vec<NodeRef<'_, Node>> = node
                        .children()
                        .filter(|c| c.value().as_element().is_some_and(|e| matches!(e.name(), "td" | "th")))
                        .collect();
                    if cells.len() >= 2 {
                        rows_with_columns += 1;
                        let lengths: Vec<usize> = cells.iter().map(|c| self.analysis.facts(c.id()).text_len).collect();
                        let numbered = cells.first().is_some_and(|c| {
                            let text = visible_text(*c, self.analysis, self.rules);
                            text.chars().count() <= rules.item_number_max_chars
                                && text.chars().any(|ch| ch.is_ascii_digit())
                        });
                        if numbered && lengths[1..].iter().any(|&n| n >= rules.item_text_min_chars) {
                            item_rows += 1;
                        }
                    }
                }
                _ => {}
            }
        }
        rows_with_columns > 0 && item_rows < rows_with_columns
    }

    /// Paragraphs in a table cell: block children holding text, or runs of text
    /// parted by two line breaks in a row.
    fn paragraphs_in(&self, cell: NodeRef<'_, Node>) -> usize {
        let blocks = cell
            .children()
            .filter(|c| {
                c.value().as_element().is_some_and(|e| !self.rules.is_inline_element(e.name()) && e.name() != "br")
                    && self.analysis.facts(c.id()).text_len > 0
            })
            .count();
        let mut breaks = 1;
        let mut previous_was_break = false;
        let mut text_since_break = false;
        for child in cell.children() {
            match child.value() {
                Node::Element(e) if e.name() == "br" => {
                    if previous_was_break && text_since_break {
                        breaks += 1;
                        text_since_break = false;
                    }
                    previous_was_break = true;
                }
                Node::Text(t) if t.trim().is_empty() => {}
                _ => {
                    previous_was_break = false;
                    text_since_break = true;
                }
            }
        }
        blocks.max(if text_since_break || breaks > 1 { breaks } else { 0 })
    }

    /// The heading level of a short, all-bold (or heading-classed) block of div soup.
    fn pseudo_heading_level(&mut self, node: NodeRef<'_, Node>, element: &Element) -> Option<u8> {
        if !matches!(element.name(), "div" | "p" | "section" | "header") {
            return None;
        }
        let facts = self.analysis.facts(node.id());
        if facts.text_len == 0 || facts.text_len > self.rules.pseudo_heading_max_chars {
            return None;
        }
        let heading_class = element.attr("class").is_some_and(|c| self.rules.is_heading_class(c));
        if !heading_class && !self.all_text_bold(node) {
            return None;
        }
        let has_structure = node.descendants().any(|d| {
            d.value().as_element().is_some_and(|e| {
                matches!(e.name(), "ul" | "ol" | "li" | "table" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
            })
        });
        if has_structure {
            return None;
        }
        let text = visible_text(node, self.analysis, self.rules);
        let words = text.split_whitespace().count();
        let max_words = if text.ends_with(':') {
            self.rules.pseudo_heading_max_words_with_colon
        } else {
            self.rules.pseudo_heading_max_words
        };
        if text.is_empty() || words > max_words || text.ends_with(['.', '!', '?', ';', ',']) {
            return None;
        }
        let is_title = element.attr("class").is_some_and(|c| super::rules::words_of(c).iter().any(|w| w == "title"));
        if is_title && !self.analysis.has_h1 && !self.emitted_level_one {
            self.emitted_level_one = true;
            return Some(1);
        }
        Some(self.last_real_level.saturating_add(1).clamp(2, 6))
    }

    /// True when every visible text node under `node` is inside `<b>` or `<strong>`.
    fn all_text_bold(&self, node: NodeRef<'_, Node>) -> bool {
        let mut any = false;
        for d in node.descendants() {
            let Some(text) = d.value().as_text() else { continue };
            if text.trim().is_empty() {
                continue;
            }
            let bold = d
                .ancestors()
                .take_while(|a| a.id() != node.id())
                .any(|a| a.value().as_element().is_some_and(|e| matches!(e.name(), "b" | "strong")));
            if !bold {
                return false;
            }
            any = true;
        }
        any
    }
}
