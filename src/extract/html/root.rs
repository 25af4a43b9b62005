//! Choosing the element that holds a page's main content.
//!
//! Semantic markup wins when it is there and holds a fair share of the page's text:
//! `<main>` or `role="main"` (narrowed to the `<article>` in it that holds the densest
//! prose and the page's `<h1>`), then `<article>`, then a container whose class or id
//! says "content". Pages without any of these (div soup, layout tables) fall back to
//! text-density scoring: the element with the most paragraph text directly inside,
//! widened to its parent while the parent adds little text and that text is not
//! mostly links (a page title just above the content, not a column of links).

use ego_tree::NodeRef;
use scraper::{Html, Node};

use super::analysis::Analysis;
use super::rules::Rules;

/// The content root of the page.
pub(crate) fn choose_root<'a>(html: &'a Html, analysis: &Analysis, rules: &Rules) -> NodeRef<'a, Node> {
    let body = html
        .tree
        .nodes()
        .find(|n| n.value().as_element().is_some_and(|e| e.name() == "body"))
        .unwrap_or_else(|| html.tree.root());
    let body_text = analysis.facts(body.id()).text_len;
    if body_text == 0 {
        return body;
    }
    let min_text = (body_text as f64 * rules.root.min_share).ceil() as usize;
    let readable = |node: &NodeRef<'a, Node>| {
        analysis.facts(node.id()).text_len >= min_text
            && !analysis.is_excluded(node.id())
            && !node.ancestors().any(|a| analysis.is_excluded(a.id()))
    };
    let elements: Vec<NodeRef<'a, Node>> = html.tree.nodes().filter(|n| n.value().is_element()).collect();
    let largest = |matches: &dyn Fn(&scraper::node::Element) -> bool| {
        elements
            .iter()
            .filter(|n| n.value().as_element().is_some_and(matches) && readable(n))
            .max_by_key(|n| analysis.facts(n.id()).text_len)
            .copied()
    };
    if let Some(main) =
        largest(&|e| e.name() == "main" || e.attr("role").is_some_and(|r| r.eq_ignore_ascii_case("main")))
    {
        return article_within(main, analysis, &readable).unwrap_or(main);
    }
    if let Some(article) = largest(&|e| e.name() == "article") {
        return article;
    }
    let is_content = |e: &scraper::node::Element| {
        e.id().is_some_and(|i| rules.is_content_class(i)) || e.attr("class").is_some_and(|c| rules.is_content_class(c))
    };
    if let Some(mut container) = largest(&is_content) {
        // Prefer an inner content container holding nearly all of the outer one's text.
        loop {
            let outer_text = analysis.facts(container.id()).text_len;
            let inner = container.descendants().skip(1).find(|n| {
                n.value().as_element().is_some_and(is_content)
                    && readable(n)
                    && analysis.facts(n.id()).text_len * 10 >= outer_text * 8
            });
            match inner {
                Some(inner) => container = inner,
                None => return container,
            }
        }
    }
    by_text_density(&elements, analysis, rules).unwrap_or(body)
}

/// The `<article>` inside `main` that holds the page's densest prose and every
/// visible `<h1>` of `main`: the story itself, without the teaser lists and
/// "most popular" boxes that share `<main>` with it.
fn article_within<'a>(
    main: NodeRef<'a, Node>,
    analysis: &Analysis,
    readable: &dyn Fn(&NodeRef<'a, Node>) -> bool,
) -> Option<NodeRef<'a, Node>> {
    let is_read = |n: &NodeRef<'a, Node>| {
        !n.ancestors().take_while(|a| a.id() != main.id()).any(|a| analysis.is_excluded(a.id()))
            && !analysis.is_excluded(n.id())
    };
    let densest = main
        .descendants()
        .filter(|n| n.value().is_element() && is_read(n))
        .filter(|n| analysis.facts(n.id()).score > 0.0)
        .max_by(|a, b| analysis.facts(a.id()).score.total_cmp(&analysis.facts(b.id()).score))?;
    let article = densest
        .ancestors()
        .take_while(|a| a.id() != main.id())
        .filter(|a| a.value().as_element().is_some_and(|e| e.name() == "article"))
        .last()
        .or_else(|| densest.value().as_element().is_some_and(|e| e.name() == "article").then_some(densest))?;
    if !readable(&article) {
        return None;
    }
    let h1_outside = main.descendants().any(|n| {
        n.value().as_element().is_some_and(|e| e.name() == "h1")
            && is_read(&n)
            && !n.ancestors().any(|a| a.id() == article.id())
    });
    (!h1_outside).then_some(article)
}

fn by_text_density<'a>(
    elements: &[NodeRef<'a, Node>],
    analysis: &Analysis,
    rules: &Rules,
) -> Option<NodeRef<'a, Node>> {
    let mut best = elements
        .iter()
        .filter(|n| !analysis.is_excluded(n.id()))
        .filter(|n| analysis.facts(n.id()).score > 0.0)
        .max_by(|a, b| analysis.facts(a.id()).score.total_cmp(&analysis.facts(b.id()).score))
        .copied()?;
    while let Some(parent) = best.parent() {
        let is_top = parent.value().as_element().is_none_or(|e| matches!(e.name(), "body" | "html"));
        if is_top {
            break;
        }
        let inner = analysis.facts(best.id());
        let outer = analysis.facts(parent.id());
        let extra = outer.text_len.saturating_sub(inner.text_len);
        let extra_links = outer.link_len.saturating_sub(inner.link_len);
        let mostly_links = extra > 0 && extra_links as f64 > extra as f64 * rules.root.climb_max_link_share;
        // A parent adding little text is the content's own frame (a title above it);
        // one adding dense prose no longer than what we have holds the content's other
        // half (articles split over sibling sections).
        let little = extra <= rules.root.climb_max_extra_chars && !mostly_links;
        let dense_half =
            extra <= inner.text_len && extra_links as f64 <= extra as f64 * rules.root.climb_dense_link_share;
        if !(little || dense_half) {
            break;
        }
        best = parent;
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::html::analysis::analyse;
    use crate::extract::html::rules::RULES;

    fn root_id_of(page: &str) -> Option<String> {
        let html = Html::parse_document(page);
        let analysis = analyse(&html, &RULES);
        let root = choose_root(&html, &analysis, &RULES);
        root.value().as_element().and_then(|e| e.id()).map(str::to_string)
    }

    #[test]
    fn main_element_is_preferred() {
        let page = "<body><div id=side><p>Lots of sidebar words here, many of them.</p></div>\
                    <main id=m><p>The plan sets out our ambitions for the next four years.</p></main></body>";
        assert_eq!(root_id_of(page).as_deref(), Some("m"));
    }

    #[test]
    fn the_story_article_inside_main_is_preferred_to_main_with_its_teasers() {
        let para = "<p>The council agreed its plan after a long debate about shared services and staff.</p>";
        let teaser = "<article class=teaser><h4><a href=/x>Another story</a></h4>\
                      <p>A summary of another story, long enough to read as a paragraph here.</p></article>";
        let page = format!(
            "<body><main id=m><article id=story><h1>Plan agreed</h1>{}</article><div class=list>{}</div></main></body>",
            para.repeat(4),
            teaser.repeat(3)
        );
        assert_eq!(root_id_of(&page).as_deref(), Some("story"));
        // With the page's <h1> outside the article, <main> stays the root.
        let page = format!(
            "<body><main id=m><h1>Plan agreed</h1><article id=story>{}</article></main></body>",
            para.repeat(4)
        );
        assert_eq!(root_id_of(&page).as_deref(), Some("m"));
    }

    #[test]
    fn div_soup_root_skips_the_link_column_before_the_content() {
        let para = "<div class=para>The Council considered the report and agreed the plan, with changes.</div>";
        let page = format!(
            "<body><table><tr><td id=left><div><b>Links</b></div><a href=a>Cabinet meetings</a><br>\
             <a href=b>Cabinet membership</a><br><a href=c>Issue history</a></td>\
             <td id=maincol><div id=wrap><div class=title>Productivity Plan</div><div id=inner>{}</div></div></td>\
             </tr></table></body>",
            para.repeat(6)
        );
        assert_eq!(root_id_of(&page).as_deref(), Some("maincol"));
    }

    #[test]
    fn article_split_over_sibling_sections_is_read_whole() {
        let para = |n: usize| format!("<p>Paragraph {n} of the story, with enough words to count as prose here.</p>");
        let first: String = (0..3).map(para).collect();
        let second: String = (3..9).map(para).collect();
        let page = format!(
            "<body><div id=links><a href=/a>Home</a> <a href=/b>News</a></div>\
             <div id=story><div class=section>{first}</div><div class=section>{second}</div></div></body>"
        );
        assert_eq!(root_id_of(&page).as_deref(), Some("story"));
    }
}
