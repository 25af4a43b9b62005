//! Discovery: from the page a seed names to the plan itself.
//!
//! Links are scored by their text and URL with the weights in
//! `rules/discovery.toml`; the crawler follows the best same-site links first, up
//! to a depth and a page budget. Whether a page *is* the plan is decided from its
//! content: enough running text that mentions the plan, and not mostly links.

use std::sync::OnceLock;

use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use serde::Deserialize;
use url::Url;

use crate::document::collapse_whitespace;

pub(crate) const RULES_TOML: &str = include_str!("../../rules/discovery.toml");

/// The discovery rules, as written in `rules/discovery.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoveryRules {
    /// Link hops followed from the seed page.
    pub max_depth: usize,
    /// Pages fetched per council while looking for the plan.
    pub max_pages: usize,
    /// Lowest score a link needs to be followed.
    pub min_score: i32,
    /// Parts of a multi-part plan fetched at most.
    pub max_parts: usize,
    /// What makes a page the plan.
    pub plan_page: PlanPageRules,
    /// What makes two hosts one site.
    pub site: SiteRules,
    /// Link-text terms and their weights.
    pub text: Vec<TextWeight>,
    /// URL patterns and their weights.
    pub url: Vec<UrlWeight>,
    /// How multi-part plans are recognised.
    pub multipart: MultipartRules,
    #[serde(skip)]
    compiled: Compiled,
}

/// Thresholds for "this page is the plan".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanPageRules {
    /// Phrases (lowercase) of which the running text must contain one.
    pub phrases: Vec<String>,
    /// Fewest words of running text outside links.
    pub min_words: usize,
    /// Largest share of all words that may be link text.
    pub max_link_share: f64,
}

/// Site boundaries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteRules {
    /// Public suffixes of two labels, such as `gov.uk`.
    pub two_label_suffixes: Vec<String>,
}

/// A weighted link-text term.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextWeight {
    /// Lowercase substring looked for in the link text.
    pub term: String,
    /// Added to the score when found.
    pub weight: i32,
}

/// A weighted URL pattern.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlWeight {
    /// Regular expression matched against the lowercased absolute URL.
    pub pattern: String,
    /// Added to the score when it matches.
    pub weight: i32,
}

/// Multi-part recognition rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultipartRules {
    /// Words that mark a list as a contents list.
    pub contents_markers: Vec<String>,
    /// Regular expressions for "next part" link texts.
    pub next_patterns: Vec<String>,
}

#[derive(Debug, Default)]
struct Compiled {
    url: Vec<(Regex, i32)>,
    next: Vec<Regex>,
}

impl DiscoveryRules {
    /// Parses and compiles rules from TOML text.
    pub fn parse(text: &str) -> Result<DiscoveryRules, String> {
        let mut rules: DiscoveryRules = toml::from_str(text).map_err(|e| e.to_string())?;
        let compile = |p: &str| Regex::new(p).map_err(|e| format!("pattern {p:?}: {e}"));
        rules.compiled.url =
            rules.url.iter().map(|w| compile(&w.pattern).map(|r| (r, w.weight))).collect::<Result<_, _>>()?;
        rules.compiled.next = rules.multipart.next_patterns.iter().map(|p| compile(p)).collect::<Result<_, _>>()?;
        Ok(rules)
    }

    /// The rules embedded from `rules/discovery.toml`.
    pub fn embedded() -> &'static DiscoveryRules {
        static RULES: OnceLock<DiscoveryRules> = OnceLock::new();
        RULES.get_or_init(|| match DiscoveryRules::parse(RULES_TOML) {
            Ok(rules) => rules,
            // The file is part of the source tree and covered by a unit test.
            Err(message) => panic!("rules/discovery.toml is invalid: {message}"),
        })
    }

    /// The score of a link with `text` pointing at `url`.
    pub fn score(&self, text: &str, url: &Url) -> i32 {
        let text = text.to_lowercase();
        let address = url.as_str().to_lowercase();
        let by_text: i32 = self.text.iter().filter(|w| text.contains(&w.term)).map(|w| w.weight).sum();
        let by_url: i32 = self.compiled.url.iter().filter(|(r, _)| r.is_match(&address)).map(|(_, w)| w).sum();
        by_text + by_url
    }

    /// True when `text` (a link's text) says "next part".
    pub fn is_next_text(&self, text: &str) -> bool {
        let text = text.trim().to_lowercase();
        self.compiled.next.iter().any(|r| r.is_match(&text))
    }

    /// The site a host belongs to: its last two labels, or three under a two-label
    /// public suffix; an IP address is its own site.
    pub fn site_of<'a>(&self, host: &'a str) -> &'a str {
        if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
            return host;
        }
        let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
        let suffix2 = labels.len() >= 2 && {
            let last_two = labels[labels.len() - 2..].join(".");
            self.site.two_label_suffixes.iter().any(|s| s.eq_ignore_ascii_case(&last_two))
        };
        let keep = if suffix2 { 3 } else { 2 };
        if labels.len() <= keep {
            return host;
        }
        let skip: usize = labels[..labels.len() - keep].iter().map(|l| l.len() + 1).sum();
        &host[skip..]
    }

    /// True when `a` and `b` are on one site (and both http or https).
    pub fn same_site(&self, a: &Url, b: &Url) -> bool {
        match (a.host_str(), b.host_str()) {
            (Some(x), Some(y)) => self.site_of(x).eq_ignore_ascii_case(self.site_of(y)),
            _ => false,
        }
    }
}

/// A link found on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Absolute URL, fragment removed.
    pub url: Url,
    /// The link's text, title and aria-label, whitespace collapsed.
    pub text: String,
}

/// Every followable link of an HTML page in document order: http(s) only,
/// fragments removed, each URL once (first occurrence, texts merged).
pub fn links(html: &Html, base: &Url) -> Vec<Link> {
    let mut found: Vec<Link> = Vec::new();
    let mut index: std::collections::HashMap<Url, usize> = std::collections::HashMap::new();
    let Ok(anchors) = Selector::parse("a[href], area[href]") else { return found };
    for anchor in html.select(&anchors) {
        let Some(url) = resolve_href(anchor, base) else { continue };
        let text = link_text(anchor);
        match index.get(&url) {
            Some(&position) => {
                let existing = &mut found[position];
                if !text.is_empty() && !existing.text.contains(&text) && existing.text.len() < MAX_LINK_TEXT {
                    existing.text.push(' ');
                    existing.text.push_str(&text);
                }
            }
            None => {
                index.insert(url.clone(), found.len());
                found.push(Link { url, text });
            }
        }
    }
    found
}

/// The absolute URL an element's `href` points at, if it is a followable page.
pub fn resolve_href(element: ElementRef, base: &Url) -> Option<Url> {
    let href = element.value().attr("href")?.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let mut url = base.join(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    Some(url)
}

/// An element's visible text plus its title and aria-label.
pub fn link_text(element: ElementRef) -> String {
    let mut text = element.text().collect::<String>();
    for attribute in ["title", "aria-label"] {
        if let Some(value) = element.value().attr(attribute) {
            text.push(' ');
            text.push_str(value);
        }
    }
    collapse_whitespace(&text)
}

/// Longest merged text kept for one link (a URL repeated thousands of times
/// must not grow its text without bound).
const MAX_LINK_TEXT: usize = 1_000;

/// Ancestors looked at to place a text node (in a link, in page furniture);
/// bounds the work on pathologically deep pages.
const MAX_ANCESTORS: usize = 64;

/// Word counts of a page's running text.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PageProfile {
    /// Words outside links (and outside navigation, header, footer, scripts).
    pub text_words: usize,
    /// Words inside links (same exclusions).
    pub link_words: usize,
    /// Whether the running text contains one of the plan phrases.
    pub mentions_plan: bool,
}

/// Elements whose text is never the page's content.
const FURNITURE: &[&str] = &["script", "style", "noscript", "template", "nav", "header", "footer", "head", "aside"];

/// Measures the running text of `html`.
pub fn profile(html: &Html, rules: &DiscoveryRules) -> PageProfile {
    let mut profile = PageProfile::default();
    let mut running = String::new();
    for node in html.root_element().descendants() {
        let Node::Text(text) = node.value() else { continue };
        let mut in_link = false;
        let mut furniture = false;
        for ancestor in node.ancestors().take(MAX_ANCESTORS) {
            if let Some(element) = ancestor.value().as_element() {
                match element.name() {
                    "a" => in_link = true,
                    name if FURNITURE.contains(&name) => {
                        furniture = true;
                        break;
                    }
                    _ => {}
                }
            }
        }
        if furniture {
            continue;
        }
        let words = text.split_whitespace().count();
        if in_link {
            profile.link_words += words;
        } else {
            profile.text_words += words;
            running.push_str(text);
            running.push(' ');
        }
    }
    let running = collapse_whitespace(&running).to_lowercase();
    profile.mentions_plan = rules.plan_page.phrases.iter().any(|p| running.contains(p.as_str()));
    profile
}

/// True when a page with `profile` is the plan rather than a listing or landing page.
pub fn is_plan_page(profile: &PageProfile, rules: &DiscoveryRules) -> bool {
    let total = (profile.text_words + profile.link_words).max(1) as f64;
    profile.mentions_plan
        && profile.text_words >= rules.plan_page.min_words
        && (profile.link_words as f64 / total) <= rules.plan_page.max_link_share
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> &'static DiscoveryRules {
        DiscoveryRules::embedded()
    }

    #[test]
    fn embedded_rules_parse() {
        assert!(DiscoveryRules::parse(RULES_TOML).is_ok());
        assert!(rules().max_depth >= 1);
    }

    #[test]
    fn plan_links_outscore_furniture() {
        let base = Url::parse("https://www.bromsgrove.gov.uk/council/").unwrap();
        let score = |text: &str, href: &str| rules().score(text, &base.join(href).unwrap());
        let plan = score("Productivity Plan 2024 (PDF, 71 KB)", "/media/1234/productivity-plan.pdf");
        let modern_gov = score("Appendix A", "https://moderngov.bromsgrove.gov.uk/documents/s12345/Appendix%20A.pdf");
        let issue = score("Productivity plans", "https://moderngov.bromsgrove.gov.uk/mgIssueHistoryHome.aspx?IId=1");
        let cookies = score("Cookie policy", "/cookies");
        let news = score("News", "/news");
        assert!(plan > issue && issue > rules().min_score, "{plan} {issue}");
        assert!(modern_gov >= rules().min_score, "{modern_gov}");
        assert!(cookies < 0 && news < rules().min_score);
    }

    #[test]
    fn sites_span_subdomains_under_public_suffixes() {
        let r = rules();
        assert_eq!(r.site_of("moderngov.bromsgrove.gov.uk"), "bromsgrove.gov.uk");
        assert_eq!(r.site_of("www.example.com"), "example.com");
        assert_eq!(r.site_of("127.0.0.1"), "127.0.0.1");
        let a = Url::parse("https://www.bromsgrove.gov.uk/a").unwrap();
        let b = Url::parse("https://democracy.bromsgrove.gov.uk/b").unwrap();
        let c = Url::parse("https://www.redditch.gov.uk/b").unwrap();
        assert!(r.same_site(&a, &b) && !r.same_site(&a, &c));
    }

    #[test]
    fn listing_page_is_not_the_plan_but_a_long_plan_page_is() {
        let listing = Html::parse_document(&format!(
            "<main><h1>Productivity plans</h1><p>Our productivity plan is below.</p><ul>{}</ul></main>",
            "<li><a href='x.pdf'>Productivity plan 2024 download the document now please</a></li>".repeat(40)
        ));
        assert!(!is_plan_page(&profile(&listing, rules()), rules()));
        let body = "<p>This productivity plan sets out how we will transform services and use data well.</p>";
        let plan = Html::parse_document(&format!(
            "<nav>{}</nav><main>{}</main>",
            "<a href=a>x</a>".repeat(50),
            body.repeat(30)
        ));
        let measured = profile(&plan, rules());
        assert_eq!(measured.link_words, 0, "navigation is furniture");
        assert!(is_plan_page(&measured, rules()));
    }

    #[test]
    fn links_are_absolute_deduplicated_and_http_only() {
        let html = Html::parse_document(
            "<a href='a.pdf#p2'>Plan</a><a href='a.pdf' title='PDF'>again</a><a href='mailto:x@y'>m</a><a href='#top'>t</a>",
        );
        let found = links(&html, &Url::parse("http://h.example/dir/page.html").unwrap());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].url.as_str(), "http://h.example/dir/a.pdf");
        assert_eq!(found[0].text, "Plan again PDF");
    }
}

#[cfg(test)]
mod sample_pages {
    use super::*;
    use std::path::Path;

    fn measure(path: &Path) -> (PageProfile, bool) {
        let bytes = std::fs::read(path).unwrap();
        let text = crate::extract::charset::decode(&bytes, None, true).text;
        let rules = DiscoveryRules::embedded();
        let measured = profile(&Html::parse_document(&text), rules);
        (measured, is_plan_page(&measured, rules))
    }

    #[test]
    fn published_plan_pages_are_recognised_as_plans() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/documents");
        for name in ["peterborough.html", "ne-lincolnshire.html", "devon-minutes.html"] {
            let (measured, is_plan) = measure(&corpus.join(name));
            assert!(is_plan, "{name}: {measured:?}");
        }
    }

    #[test]
    fn shared_listing_page_is_not_a_plan_and_its_plan_links_are_followed() {
        let listing = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/html/index.html");
        if !listing.exists() {
            eprintln!("skipped: {} not found", listing.display());
            return;
        }
        let (measured, is_plan) = measure(&listing);
        assert!(!is_plan, "{measured:?}");
        let text = std::fs::read_to_string(&listing).unwrap();
        let base = Url::parse("https://plans.example.gov.uk/html/index.html").unwrap();
        let rules = DiscoveryRules::embedded();
        let mut scored: Vec<(i32, String)> = links(&Html::parse_document(&text), &base)
            .into_iter()
            .map(|link| (rules.score(&link.text, &link.url), link.url.path().to_string()))
            .collect();
        scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        assert!(scored[0].1.ends_with(".pdf"), "a plan document ranks first: {scored:?}");
        // Every plan link on the page is worth following, the cabinet report too.
        assert!(scored.iter().all(|(score, _)| *score >= rules.min_score), "{scored:?}");
    }
}
