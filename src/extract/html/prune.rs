//! Pruning inside the content root, by position.
//!
//! The article's body runs from its first paragraph of prose to its last. What stands
//! outside that span and is mostly links (a "Recent posts" list, a tag cloud, a row of
//! share links, a teaser list after the story) is furniture the content root happened
//! to enclose; inside the span the same block is the text's own (a list of documents
//! the plan links to), so it stays. Thresholds are in `[prune]` of
//! `rules/html-boilerplate.toml`.

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::Node;

use super::analysis::Analysis;
use super::rules::Rules;

struct Placed {
    id: NodeId,
    open: usize,
    close: usize,
}

/// Marks as excluded the link-dense blocks of `root` before its first paragraph of
/// prose or after its last one.
pub(crate) fn prune(root: NodeRef<'_, Node>, analysis: &mut Analysis, rules: &Rules) {
    let placed = place_elements(root, analysis, rules);
    let is_prose = |p: &Placed| {
        let facts = analysis.facts(p.id);
        facts.own_text_len >= rules.prune.prose_min_chars
            && (facts.link_len as f64) <= facts.text_len as f64 * rules.prune.prose_max_link_share
    };
    let prose: Vec<&Placed> = placed.iter().filter(|p| is_prose(p)).collect();
    let (Some(first), Some(last)) = (prose.first(), prose.iter().max_by_key(|p| p.close)) else { return };
    let (body_start, body_end) = (first.open, last.close);
    let mut drop = Vec::new();
    let mut inside_dropped: Option<usize> = None;
    for p in &placed {
        if inside_dropped.is_some_and(|close| p.open < close) {
            continue;
        }
        let outside = p.close < body_start || p.open > body_end;
        if !outside || p.id == root.id() {
            continue;
        }
        let facts = analysis.facts(p.id);
        let link_dense = facts.link_count > 0
            && facts.text_len > 0
            && facts.link_len as f64 >= facts.text_len as f64 * rules.prune.outside_link_share;
        if link_dense && !holds_h1(root.tree().get(p.id)) {
            drop.push(p.id);
            inside_dropped = Some(p.close);
        }
    }
    for id in drop {
        analysis.exclude(id);
    }
}

/// The block elements under `root` that are read, in document order, with the
/// positions of their start and end in the walk.
fn place_elements(root: NodeRef<'_, Node>, analysis: &Analysis, rules: &Rules) -> Vec<Placed> {
    let mut placed: Vec<Placed> = Vec::new();
    let mut open_at: Vec<(NodeId, usize, Option<usize>)> = Vec::new();
    let mut skip: Option<NodeId> = None;
    for (position, edge) in root.traverse().enumerate() {
        match edge {
            Edge::Open(node) => {
                let Some(element) = node.value().as_element() else { continue };
                if skip.is_some() {
                    continue;
                }
                if node.id() != root.id()
                    && (analysis.is_excluded(node.id()) || rules.is_skipped_element(element.name()))
                {
                    skip = Some(node.id());
                    continue;
                }
                let slot = (!rules.is_inline_element(element.name())).then(|| {
                    placed.push(Placed { id: node.id(), open: position, close: position });
                    placed.len() - 1
                });
                open_at.push((node.id(), position, slot));
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                    continue;
                }
                if skip.is_some() || !node.value().is_element() {
                    continue;
                }
                if let Some((_, _, Some(slot))) = open_at.pop() {
                    placed[slot].close = position;
                }
            }
        }
    }
    placed
}

fn holds_h1(node: Option<NodeRef<'_, Node>>) -> bool {
    node.is_some_and(|n| n.descendants().any(|d| d.value().as_element().is_some_and(|e| e.name() == "h1")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::html::analysis::analyse;
    use crate::extract::html::rules::RULES;
    use crate::extract::html::walker::walk;
    use scraper::Html;

    fn texts_of(page: &str) -> Vec<String> {
        let html = Html::parse_document(page);
        let mut analysis = analyse(&html, &RULES);
        let root = html.tree.nodes().find(|n| n.value().as_element().is_some_and(|e| e.name() == "body"));
        let root = root.expect("a body");
        prune(root, &mut analysis, &RULES);
        walk(root, &analysis, &RULES).into_iter().map(|b| b.text).collect()
    }

    const PROSE: &str = "<p>The council will share its back-office services with two neighbours from April, \
        saving money and keeping every front-line service open.</p>";

    #[test]
    fn a_link_list_after_the_last_paragraph_is_dropped() {
        let page = format!(
            "<body>{PROSE}{PROSE}<div><div><a href=/a>Mayor opens the new bridge</a> 19 Nov</div>\
             <div><a href=/b>Budget consultation begins</a> 18 Nov</div></div></body>"
        );
        let texts = texts_of(&page);
        assert_eq!(texts.len(), 2, "{texts:?}");
    }

    #[test]
    fn a_link_dense_block_between_paragraphs_is_kept() {
        let page = format!(
            "<body>{PROSE}<div><a href=/a>Budget 2024</a> and <a href=/b>the council plan</a></div>{PROSE}</body>"
        );
        let texts = texts_of(&page);
        assert!(texts.iter().any(|t| t == "Budget 2024 and the council plan"), "{texts:?}");
    }

    #[test]
    fn short_text_after_the_article_that_is_not_links_is_kept() {
        let page = format!("<body>{PROSE}<p>Contact: finance team, 01234 567890</p></body>");
        let texts = texts_of(&page);
        assert!(texts.iter().any(|t| t.starts_with("Contact:")), "{texts:?}");
    }

    #[test]
    fn a_linked_title_before_the_article_is_kept() {
        let page =
            format!("<body><h1><a href=/story>Plan approved</a></h1><div><a href=/news>News</a></div>{PROSE}</body>");
        let texts = texts_of(&page);
        assert_eq!(texts.first().map(String::as_str), Some("Plan approved"), "{texts:?}");
        assert!(!texts.iter().any(|t| t == "News"), "{texts:?}");
    }
}
