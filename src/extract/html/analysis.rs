//! The passes over the parsed page that decide what is furniture and measure text.
//!
//! For every element they record whether it is read at all (hidden content and
//! furniture are not), how much visible text and link text it holds, and a
//! text-density score used to find the content of pages without `<main>`. Each pass
//! walks the tree with an explicit stack, so a deeply nested page cannot overflow
//! the call stack.

use std::collections::{HashMap, HashSet};

use ego_tree::iter::Edge;
use ego_tree::NodeId;
use scraper::node::Element;
use scraper::{Html, Node};

use super::rules::{Furniture, Rules};

/// What the analysis learned about one element.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// Not read: hidden, furniture, or inside a furniture box.
    pub excluded: bool,
    /// Characters of visible, non-furniture text inside (whitespace not counted).
    pub text_len: usize,
    /// The part of `text_len` inside links.
    pub link_len: usize,
    /// Links (`<a>` elements) inside, furniture left out.
    pub link_count: usize,
    /// Text directly in this block element, not in a nested block (inline elements
    /// such as links included): a paragraph's own words.
    pub own_text_len: usize,
    /// Text-density score from the paragraphs directly inside.
    pub score: f64,
}

/// The analysis of a whole page.
#[derive(Debug, Default)]
pub(crate) struct Analysis {
    facts: HashMap<NodeId, Facts>,
    /// Elements marked for exclusion before they were reached (a list after a
    /// "Related pages" heading).
    pending: HashSet<NodeId>,
    /// The page has an `<h1>` outside furniture.
    pub has_h1: bool,
}

impl Analysis {
    /// What was learned about `id` (defaults for text nodes and unknown ids).
    pub(crate) fn facts(&self, id: NodeId) -> Facts {
        self.facts.get(&id).cloned().unwrap_or_default()
    }

    /// True when the element is not to be read.
    pub(crate) fn is_excluded(&self, id: NodeId) -> bool {
        self.pending.contains(&id) || self.facts.get(&id).is_some_and(|f| f.excluded)
    }

    /// Marks an element as not to be read (pruning inside the content root).
    pub(crate) fn exclude(&mut self, id: NodeId) {
        self.pending.insert(id);
    }
}

/// Class and id names that a page's own `<style>` hides with `display:none`.
#[derive(Debug, Default)]
struct HiddenByCss {
    classes: HashSet<String>,
    ids: HashSet<String>,
}

impl HiddenByCss {
    fn from_page(html: &Html) -> HiddenByCss {
        let mut hidden = HiddenByCss::default();
        for node in html.tree.nodes() {
            if node.value().as_element().is_some_and(|e| e.name() == "style") {
                let css: String = node.children().filter_map(|c| c.value().as_text().map(|t| t.to_string())).collect();
                hidden.read_stylesheet(&css);
            }
        }
        hidden
    }

    /// Records the simple `.class` and `#id` selectors of top-level rules that hide.
    /// Rules inside `@media` and other at-rules are skipped: they hide only on some
    /// screens, and the text is there on the others.
    fn read_stylesheet(&mut self, css: &str) {
        let css = strip_css_comments(css);
        let mut rest = css.as_str();
        while let Some(open) = rest.find('{') {
            let selector = rest[..open].trim();
            let after = &rest[open + 1..];
            if selector.starts_with('@') {
                rest = skip_block(after);
                continue;
            }
            let close = after.find('}').unwrap_or(after.len());
            let declarations: String =
                after[..close].chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
            if declarations.contains("display:none") || declarations.contains("visibility:hidden") {
                for one in selector.split(',').map(str::trim) {
                    let simple =
                        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                    if let Some(class) = one.strip_prefix('.').filter(|s| simple(s)) {
                        self.classes.insert(class.to_string());
                    } else if let Some(id) = one.strip_prefix('#').filter(|s| simple(s)) {
                        self.ids.insert(id.to_string());
                    }
                }
            }
            rest = after.get(close + 1..).unwrap_or("");
        }
    }

    fn hides(&self, element: &Element) -> bool {
        element.classes().any(|c| self.classes.contains(c)) || element.id().is_some_and(|id| self.ids.contains(id))
    }
}

fn strip_css_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start + 2..].find("*/").map_or("", |end| &rest[start + 2 + end + 2..]);
    }
    out.push_str(rest);
    out
}

/// The text after the block that `after` (just past a `{`) opens, nested braces included.
fn skip_block(after: &str) -> &str {
    let mut depth = 1usize;
    for (i, c) in after.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &after[i + 1..];
                }
            }
            _ => {}
        }
    }
    ""
}

/// True when the element itself is hidden from readers.
pub(crate) fn is_hidden(element: &Element, rules: &Rules) -> bool {
    if element.attr("hidden").is_some_and(|v| !v.eq_ignore_ascii_case("until-found")) {
        return true;
    }
    if element.attr("aria-hidden").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return true;
    }
    if element.name() == "input" && element.attr("type").is_some_and(|t| t.eq_ignore_ascii_case("hidden")) {
        return true;
    }
    if let Some(style) = element.attr("style") {
        let style: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    element.attr("class").is_some_and(|c| rules.is_hidden_class(c))
}

/// Whether the element is furniture by its name, role, class or id (before the checks
/// that it does not hold the page's `<h1>` or its content).
fn furniture(element: &Element, rules: &Rules) -> Option<Furniture> {
    // Page wrappers carry state classes ("cookies-not-set", "nav-open") that say
    // nothing about their content.
    if matches!(element.name(), "html" | "body" | "main") {
        return None;
    }
    let found = furniture_by_markup(element, rules);
    if element.name() == "form" {
        // ASP.NET pages wrap the whole page in one <form>.
        return found.map(|_| Furniture::UnlessContent);
    }
    found
}

fn furniture_by_markup(element: &Element, rules: &Rules) -> Option<Furniture> {
    if element.attr("role").is_some_and(|r| rules.is_skipped_role(r)) {
        return Some(Furniture::Always);
    }
    let by_class = element.attr("class").and_then(|c| rules.furniture_class(c));
    let by_id = element.id().and_then(|i| rules.furniture_class(i));
    let by_name = rules.is_chrome_element(element.name()).then_some(Furniture::UnlessContent);
    [by_class, by_id, by_name].into_iter().flatten().min_by_key(|f| match f {
        Furniture::Always => 0,
        Furniture::UnlessContent => 1,
    })
}

/// Containers that are never treated as a furniture box around a box title.
fn is_page_level(name: &str) -> bool {
    matches!(name, "html" | "body" | "main" | "article" | "form")
}

/// True for a list that a sentence of the text introduces ("Read the plan's
/// appendices:"): the text's own list of links, not a menu.
fn is_introduced_list(node: ego_tree::NodeRef<'_, Node>, name: &str, analysis: &Analysis, rules: &Rules) -> bool {
    if !matches!(name, "ul" | "ol") {
        return false;
    }
    let Some(previous) = node.prev_siblings().find(|s| s.value().is_element()) else { return false };
    let is_text_block = previous.value().as_element().is_some_and(|e| matches!(e.name(), "p" | "div"));
    if !is_text_block || analysis.is_excluded(previous.id()) {
        return false;
    }
    let text = super::walker::visible_text(previous, analysis, rules);
    text.ends_with(':') && text.chars().count() >= rules.prune.lead_in_min_chars
}

fn is_heading_name(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

struct Open {
    id: NodeId,
    name: String,
    block: bool,
    link: bool,
    /// Excluded by its own attributes: nothing inside is counted.
    hard_excluded: bool,
    furniture: Option<Furniture>,
    box_title_candidate: bool,
    text_len: usize,
    link_len: usize,
    /// Links (`<a>` elements) inside, furniture left out.
    link_count: usize,
    own_text_len: usize,
    contains_h1: bool,
    /// A child was a box title: this element is the box.
    holds_box_title: bool,
    score: f64,
}

/// Largest text a furniture box may hold; a bigger "box" is content with a stray title
/// unless it is mostly links.
const MAX_BOX_CHARS: usize = 1500;
/// Share of links from which a big box under a box title ("Breaking news") is furniture.
const BOX_LINK_SHARE: f64 = 0.3;
/// Analyses the page under `html`'s root.
///
/// Two passes: the first measures text with only hidden content left out; the second
/// applies the furniture rules, except to elements that hold a content root's share
/// of the page's non-link text (a layout wrapper called "l-sidebar-fixed" or
/// "content-with-sidebar" still holds the article).
pub(crate) fn analyse(html: &Html, rules: &Rules) -> Analysis {
    let css = HiddenByCss::from_page(html);
    let raw = analyse_pass(html, rules, &css, None);
    analyse_pass(html, rules, &css, Some(&raw))
}

fn analyse_pass(html: &Html, rules: &Rules, css: &HiddenByCss, raw: Option<&Analysis>) -> Analysis {
    let page_non_link = raw.map_or(0, |raw| {
        html.tree.nodes().find(|n| n.value().as_element().is_some_and(|e| e.name() == "body")).map_or(0, |body| {
            let facts = raw.facts(body.id());
            facts.text_len.saturating_sub(facts.link_len)
        })
    });
    // The element the raw pass scores as the densest prose, and its ancestors: a
    // furniture-named wrapper is the page's content only if it holds that prose (a
    // sidebar of teasers can hold a third of a short article's page).
    let densest_line: HashSet<NodeId> = raw
        .and_then(|raw| {
            html.tree
                .nodes()
                .filter(|n| n.value().is_element() && !raw.is_excluded(n.id()))
                .filter(|n| raw.facts(n.id()).score > 0.0)
                .max_by(|a, b| raw.facts(a.id()).score.total_cmp(&raw.facts(b.id()).score))
        })
        .map(|best| std::iter::once(best).chain(best.ancestors()).map(|n| n.id()).collect())
        .unwrap_or_default();
    let holds_page_content = |id: NodeId| {
        raw.is_some_and(|raw| {
            let facts = raw.facts(id);
            let share = facts.text_len.saturating_sub(facts.link_len) as f64 / page_non_link.max(1) as f64;
            page_non_link > 0
                && share >= rules.root.min_share
                && (densest_line.contains(&id) || share >= rules.root.furniture_keep_share)
        })
    };
    let mut analysis = Analysis::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut hard_excluded_depth = 0usize;
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Text(text) => {
                    if hard_excluded_depth > 0 {
                        continue;
                    }
                    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
                    let in_link = stack.iter().any(|o| o.link);
                    if let Some(top) = stack.last_mut() {
                        top.text_len += chars;
                        if in_link {
                            top.link_len += chars;
                        }
                    }
                    if let Some(block) = stack.iter_mut().rev().find(|o| o.block) {
                        block.own_text_len += chars;
                    }
                }
                Node::Element(element) => {
                    let name = element.name().to_ascii_lowercase();
                    let hard = hard_excluded_depth > 0
                        || analysis.pending.contains(&node.id())
                        || rules.is_skipped_element(&name)
                        || is_hidden(element, rules)
                        || css.hides(element);
                    if hard {
                        hard_excluded_depth += 1;
                    }
                    stack.push(Open {
                        id: node.id(),
                        block: !rules.is_inline_element(&name),
                        link: name == "a",
                        hard_excluded: hard,
                        furniture: raw.and(furniture(element, rules)),
                        box_title_candidate: is_heading_name(&name)
                            || element.attr("class").is_some_and(|c| rules.is_heading_class(c)),
                        name,
                        text_len: 0,
                        link_len: 0,
                        link_count: 0,
                        own_text_len: 0,
                        contains_h1: false,
                        holds_box_title: false,
                        score: 0.0,
                    });
                }
                _ => {}
            },
            Edge::Close(node) => {
                if !node.value().is_element() {
                    continue;
                }
                let Some(open) = stack.pop() else { continue };
                if open.hard_excluded {
                    hard_excluded_depth -= 1;
                    analysis.facts.insert(open.id, Facts { excluded: true, ..Facts::default() });
                    continue;
                }
                let is_h1 = open.name == "h1";
                let contains_h1 = open.contains_h1 || is_h1;
                let mut excluded = match open.furniture {
                    _ if contains_h1 => false,
                    Some(Furniture::Always) => true,
                    Some(Furniture::UnlessContent) => !holds_page_content(open.id),
                    None => false,
                };
                if raw.is_some() && !excluded {
                    let items = if matches!(open.name.as_str(), "ul" | "ol") {
                        node.children().filter(|c| c.value().as_element().is_some_and(|e| e.name() == "li")).count()
                    } else if matches!(open.name.as_str(), "div" | "p" | "section") {
                        open.link_count
                    } else {
                        0
                    };
                    excluded = items >= rules.link_list_min_items
                        && open.text_len > 0
                        && open.link_len as f64 >= open.text_len as f64 * rules.link_list_min_share
                        && !is_introduced_list(node, &open.name, &analysis, rules);
                }
                let mut box_title = false;
                if raw.is_some() && !excluded && open.box_title_candidate && open.text_len <= 60 {
                    let text = super::walker::visible_text(node, &analysis, rules);
                    if rules.is_box_title(&text) {
                        excluded = true;
                        box_title = true;
                    }
                }
                if open.holds_box_title {
                    excluded = true;
                }
                if let (true, Some(raw)) = (box_title, raw) {
                    // The box is the title's parent when it is small, or a box of links
                    // that is not the page's content; otherwise only what the title
                    // introduces (the next list or block of links) goes.
                    // A box starts with its title: a title after text of its parent (a
                    // "Comments" heading at the end of a short story) only heads what follows.
                    let opens_parent = node.prev_siblings().all(|s| {
                        s.value().as_text().is_none_or(|t| t.trim().is_empty()) && raw.facts(s.id()).text_len == 0
                    });
                    let parent_is_box = opens_parent
                        && stack.last().is_some_and(|parent| {
                            let facts = raw.facts(parent.id);
                            !is_page_level(&parent.name)
                                && (facts.text_len <= MAX_BOX_CHARS
                                    || (!holds_page_content(parent.id)
                                        && facts.link_len as f64 >= facts.text_len as f64 * BOX_LINK_SHARE))
                        });
                    if parent_is_box {
                        if let Some(parent) = stack.last_mut() {
                            parent.holds_box_title = true;
                        }
                    } else if let Some(next) = node.next_siblings().find(|s| s.value().is_element()) {
                        let facts = raw.facts(next.id());
                        let is_list = next.value().as_element().is_some_and(|e| matches!(e.name(), "ul" | "ol" | "dl"));
                        if is_list || facts.link_len as f64 >= facts.text_len as f64 * BOX_LINK_SHARE {
                            analysis.pending.insert(next.id());
                        }
                    }
                }
                if excluded {
                    analysis.facts.insert(open.id, Facts { excluded: true, ..Facts::default() });
                    continue;
                }
                if is_h1 {
                    analysis.has_h1 = true;
                }
                let mut score = open.score;
                let len = stack.len();
                if open.block && open.own_text_len >= rules.root.min_paragraph_chars {
                    let contribution = 1.0 + (open.own_text_len as f64 / 100.0).min(3.0);
                    if let Some(parent) = stack.last_mut() {
                        parent.score += contribution;
                    }
                    if len >= 2 {
                        stack[len - 2].score += contribution / 2.0;
                    }
                }
                if open.text_len > 0 {
                    score *= 1.0 - open.link_len as f64 / open.text_len as f64;
                }
                analysis.facts.insert(
                    open.id,
                    Facts {
                        excluded: false,
                        text_len: open.text_len,
                        link_len: open.link_len,
                        link_count: open.link_count + usize::from(open.link),
                        own_text_len: open.own_text_len,
                        score,
                    },
                );
                if let Some(parent) = stack.last_mut() {
                    parent.text_len += open.text_len;
                    parent.link_len += open.link_len;
                    parent.link_count += open.link_count + usize::from(open.link);
                    parent.contains_h1 |= contains_h1;
                }
            }
        }
    }
    analysis
}
