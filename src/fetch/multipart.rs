//! Multi-part plans: a plan published as a guide over several pages (one per theme)
//! is found either through a contents list naming every part in order, or through
//! "next" links from one part to the following one.

use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::discover::{self, DiscoveryRules};

/// The parts a contents list on this page names, in order, with `page` itself in
/// its place (a contents list often shows the current part as plain text).
///
/// `None` when the page has no contents list of at least two distinct same-site
/// pages.
pub fn contents_parts(html: &Html, page: &Url, rules: &DiscoveryRules) -> Option<Vec<Url>> {
    let lists = Selector::parse("ol, ul").ok()?;
    let items = Selector::parse(":scope > li").ok()?;
    let anchors = Selector::parse("a[href]").ok()?;
    for list in html.select(&lists) {
        if !is_contents_list(list, &rules.multipart.contents_markers) {
            continue;
        }
        let mut parts: Vec<Url> = Vec::new();
        for item in list.select(&items) {
            let target = match item.select(&anchors).next() {
                Some(anchor) => match discover::resolve_href(anchor, page) {
                    Some(url) => url,
                    None => continue,
                },
                None => page.clone(),
            };
            if rules.same_site(&target, page) && !parts.contains(&target) {
                parts.push(target);
            }
        }
        if parts.len() >= 2 && parts.contains(page) {
            return Some(parts);
        }
    }
    None
}

/// The link to the next part, if the page has one: `<link rel=next>`,
/// `<a rel=next>`, or a link whose text says "next".
pub fn next_part(html: &Html, page: &Url, rules: &DiscoveryRules) -> Option<Url> {
    let by_rel = Selector::parse("link[rel~=next][href], a[rel~=next][href]").ok()?;
    let candidate = html.select(&by_rel).find_map(|element| discover::resolve_href(element, page)).or_else(|| {
        let anchors = Selector::parse("a[href]").ok()?;
        html.select(&anchors)
            .filter(|anchor| rules.is_next_text(&anchor.text().collect::<String>()))
            .find_map(|anchor| discover::resolve_href(anchor, page))
    })?;
    (rules.same_site(&candidate, page) && candidate != *page).then_some(candidate)
}

/// True when `list` or one of its containers (up to three levels up) is marked as
/// a table of contents by id, class, aria-label or a heading just before it.
fn is_contents_list(list: ElementRef, markers: &[String]) -> bool {
    let marked = |text: &str| {
        let text = text.to_lowercase();
        markers.iter().any(|m| text.contains(m.as_str()))
    };
    let mut element = Some(list);
    for _ in 0..4 {
        let Some(current) = element else { break };
        let value = current.value();
        let attributes = ["id", "class", "aria-label"].iter().filter_map(|a| value.attr(a)).any(marked);
        let heading_before = current
            .prev_siblings()
            .filter_map(ElementRef::wrap)
            .next()
            .filter(|e| matches!(e.value().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "p" | "span"))
            .is_some_and(|e| marked(&e.text().collect::<String>()));
        if attributes || heading_before {
            return true;
        }
        element = current.parent().and_then(ElementRef::wrap);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> &'static DiscoveryRules {
        DiscoveryRules::embedded()
    }

    #[test]
    fn contents_list_gives_parts_in_order_with_current_page_in_place() {
        let page = Url::parse("http://h.example/plan/data").unwrap();
        let html = Html::parse_document(
            "<nav aria-label='Contents'><ol>\
             <li><a href='/plan/overview'>Overview</a></li>\
             <li>Technology and data</li>\
             <li><a href='/plan/waste'>Waste</a></li>\
             <li><a href='https://elsewhere.example/x'>Elsewhere</a></li></ol></nav>",
        );
        let parts = contents_parts(&html, &page, rules()).unwrap();
        let paths: Vec<&str> = parts.iter().map(Url::path).collect();
        assert_eq!(paths, ["/plan/overview", "/plan/data", "/plan/waste"]);
    }

    #[test]
    fn ordinary_lists_are_not_contents() {
        let page = Url::parse("http://h.example/plan").unwrap();
        let html = Html::parse_document("<ul><li><a href='/a'>A</a></li><li><a href='/b'>B</a></li></ul>");
        assert_eq!(contents_parts(&html, &page, rules()), None);
    }

    #[test]
    fn next_links_by_rel_or_text() {
        let page = Url::parse("http://h.example/plan/1").unwrap();
        let by_text = Html::parse_document("<a href='/plan/0'>Previous</a><a href='/plan/2'>Next: Barriers »</a>");
        assert_eq!(next_part(&by_text, &page, rules()).unwrap().path(), "/plan/2");
        let by_rel = Html::parse_document("<head><link rel='next' href='3'></head>");
        assert_eq!(next_part(&by_rel, &page, rules()).unwrap().path(), "/plan/3");
        let off_site = Html::parse_document("<a href='https://other.example/'>Next</a>");
        assert_eq!(next_part(&off_site, &page, rules()), None);
    }
}
