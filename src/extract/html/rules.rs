//! The boilerplate rules of `rules/html-boilerplate.toml`, parsed once and compiled.
//!
//! The rules are data so that a new council template can be handled by editing the
//! TOML file, not the walker. This module only loads them and answers questions
//! ("is this class furniture?", "is this text a skip link?").

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::{Regex, RegexSet, RegexSetBuilder};
use serde::Deserialize;

pub(crate) const RULES_TOML: &str = include_str!("../../../rules/html-boilerplate.toml");

/// The compiled rules, built on first use.
pub(crate) static RULES: LazyLock<Rules> = LazyLock::new(|| {
    // The file is embedded at build time and checked by a unit test, so failure here
    // is a build defect, never a reaction to document input.
    Rules::parse(RULES_TOML).expect("rules/html-boilerplate.toml is valid (checked by rules::tests)")
});

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    elements: RawElements,
    roles: RawRoles,
    hidden: RawHidden,
    furniture: RawFurniture,
    text: RawText,
    pseudo_heading: RawPseudoHeading,
    root: RootRules,
    tables: TableRules,
    lines: RawLines,
    prune: PruneRules,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElements {
    skip: Vec<String>,
    chrome: Vec<String>,
    inline: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoles {
    skip: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHidden {
    class_tokens: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFurniture {
    class_tokens: Vec<String>,
    class_words: Vec<String>,
    strong_words: Vec<String>,
    link_list_min_share: f64,
    link_list_min_items: usize,
    content_tokens: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    drop_blocks: Vec<String>,
    box_titles: Vec<String>,
    drop_links: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPseudoHeading {
    class_words: Vec<String>,
    max_chars: usize,
    max_words: usize,
    max_words_with_colon: usize,
}

/// Thresholds for choosing the element that holds the main content.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RootRules {
    /// Share of the page's visible text a semantic container must hold to be the root.
    pub min_share: f64,
    /// Own-text length from which a block element counts as a paragraph in scoring.
    pub min_paragraph_chars: usize,
    /// Most text a parent may add when climbing from the best-scoring element.
    pub climb_max_extra_chars: usize,
    /// Largest share of links in the text a parent adds when climbing.
    pub climb_max_link_share: f64,
    /// Largest share of links in dense prose a parent may add (up to doubling the text).
    pub climb_dense_link_share: f64,
    /// A furniture-named element holding a content root's share of the text is kept
    /// only if it holds the densest prose or at least this share of the page's text.
    pub furniture_keep_share: f64,
}

/// Thresholds for pruning link-dense blocks outside the article's body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PruneRules {
    /// Own text from which a block element is a paragraph of prose.
    pub prose_min_chars: usize,
    /// Largest share of links in a paragraph of prose.
    pub prose_max_link_share: f64,
    /// Share of links from which a block outside the body is furniture.
    pub outside_link_share: f64,
    /// Shortest sentence ending in a colon that makes the list after it the text's own.
    pub lead_in_min_chars: usize,
}

/// Thresholds for telling layout tables from data tables.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TableRules {
    /// A cell with more text than this makes its table a layout table.
    pub layout_cell_chars: usize,
    /// A cell holding this many paragraphs (block children with text, or runs of
    /// text parted by a blank line of `<br>`s) makes its table a layout table.
    pub layout_cell_paragraphs: usize,
    /// Rows of an item number (at most `item_number_max_chars`) beside a cell of at
    /// least `item_text_min_chars` make a layout table: minutes set out as a grid.
    pub item_number_max_chars: usize,
    /// See `item_number_max_chars`.
    pub item_text_min_chars: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLines {
    min_marked_lines: usize,
    marker: String,
}

/// How an element named as furniture is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Furniture {
    /// Dropped unless it holds the page's `<h1>`.
    Always,
    /// Dropped unless it holds the `<h1>` or a content root's share of the text.
    UnlessContent,
}

/// The compiled boilerplate rules.
#[derive(Debug)]
pub(crate) struct Rules {
    skip_elements: HashSet<String>,
    chrome_elements: HashSet<String>,
    inline_elements: HashSet<String>,
    skip_roles: HashSet<String>,
    hidden_tokens: HashSet<String>,
    furniture_tokens: HashSet<String>,
    furniture_words: HashSet<String>,
    strong_furniture_words: HashSet<String>,
    /// Link share from which a list is a menu.
    pub link_list_min_share: f64,
    /// Items from which a list of links is a menu.
    pub link_list_min_items: usize,
    content_tokens: HashSet<String>,
    drop_blocks: RegexSet,
    box_titles: RegexSet,
    drop_links: RegexSet,
    pseudo_heading_words: HashSet<String>,
    /// Longest text a pseudo-heading may have.
    pub pseudo_heading_max_chars: usize,
    /// Most words a pseudo-heading may have.
    pub pseudo_heading_max_words: usize,
    /// Most words a pseudo-heading ending in a colon may have; longer ones are lead-ins.
    pub pseudo_heading_max_words_with_colon: usize,
    /// Content-root thresholds.
    pub root: RootRules,
    /// Table thresholds.
    pub tables: TableRules,
    /// Thresholds for pruning inside the content root.
    pub prune: PruneRules,
    /// Lines needed to read `<br>`-separated lines as a list.
    pub min_marked_lines: usize,
    /// A list marker at the start of a line.
    pub marker: Regex,
}

fn lowered_set(items: Vec<String>) -> HashSet<String> {
    items.into_iter().map(|s| s.to_ascii_lowercase()).collect()
}

fn regex_set(patterns: &[String]) -> Result<RegexSet, regex::Error> {
    RegexSetBuilder::new(patterns).case_insensitive(true).build()
}

impl Rules {
    /// Parses and compiles rules from TOML text.
    pub(crate) fn parse(text: &str) -> Result<Rules, String> {
        let raw: RawRules = toml::from_str(text).map_err(|e| format!("html-boilerplate.toml: {e}"))?;
        let compile = |what: &str, patterns: &[String]| {
            regex_set(patterns).map_err(|e| format!("html-boilerplate.toml [text] {what}: {e}"))
        };
        Ok(Rules {
            skip_elements: lowered_set(raw.elements.skip),
            chrome_elements: lowered_set(raw.elements.chrome),
            inline_elements: lowered_set(raw.elements.inline),
            skip_roles: lowered_set(raw.roles.skip),
            hidden_tokens: lowered_set(raw.hidden.class_tokens),
            furniture_tokens: lowered_set(raw.furniture.class_tokens),
            furniture_words: lowered_set(raw.furniture.class_words),
            strong_furniture_words: lowered_set(raw.furniture.strong_words),
            link_list_min_share: raw.furniture.link_list_min_share,
            link_list_min_items: raw.furniture.link_list_min_items,
            content_tokens: lowered_set(raw.furniture.content_tokens),
            drop_blocks: compile("drop_blocks", &raw.text.drop_blocks)?,
            box_titles: compile("box_titles", &raw.text.box_titles)?,
            drop_links: compile("drop_links", &raw.text.drop_links)?,
            pseudo_heading_words: lowered_set(raw.pseudo_heading.class_words),
            pseudo_heading_max_chars: raw.pseudo_heading.max_chars,
            pseudo_heading_max_words: raw.pseudo_heading.max_words,
            pseudo_heading_max_words_with_colon: raw.pseudo_heading.max_words_with_colon,
            root: raw.root,
            tables: raw.tables,
            prune: raw.prune,
            min_marked_lines: raw.lines.min_marked_lines,
            marker: Regex::new(&raw.lines.marker).map_err(|e| format!("html-boilerplate.toml [lines] marker: {e}"))?,
        })
    }

    /// True for elements whose content is never document text.
    pub(crate) fn is_skipped_element(&self, name: &str) -> bool {
        self.skip_elements.contains(name)
    }

    /// True for site-furniture elements kept only when they hold the page's `<h1>`.
    pub(crate) fn is_chrome_element(&self, name: &str) -> bool {
        self.chrome_elements.contains(name)
    }

    /// True for elements that do not break a block.
    pub(crate) fn is_inline_element(&self, name: &str) -> bool {
        self.inline_elements.contains(name)
    }

    /// True for ARIA roles of page furniture.
    pub(crate) fn is_skipped_role(&self, role: &str) -> bool {
        role.split_ascii_whitespace().any(|r| self.skip_roles.contains(&r.to_ascii_lowercase()))
    }

    /// True when a class or id value names a hiding class.
    pub(crate) fn is_hidden_class(&self, value: &str) -> bool {
        tokens(value).any(|t| self.hidden_tokens.contains(&t.to_ascii_lowercase()))
    }

    /// How surely a class or id value names page furniture, if it does.
    pub(crate) fn furniture_class(&self, value: &str) -> Option<Furniture> {
        let mut found = None;
        for token in tokens(value) {
            let words = words_of(token);
            if words.iter().any(|w| self.strong_furniture_words.contains(w)) {
                return Some(Furniture::Always);
            }
            if self.furniture_tokens.contains(&token.to_ascii_lowercase())
                || words.iter().any(|w| self.furniture_words.contains(w))
            {
                found = Some(Furniture::UnlessContent);
            }
        }
        found
    }

    /// True when a class or id value names a content container.
    pub(crate) fn is_content_class(&self, value: &str) -> bool {
        tokens(value).any(|t| self.content_tokens.contains(&t.to_ascii_lowercase()))
    }

    /// True when a class value says "heading" or "title".
    pub(crate) fn is_heading_class(&self, value: &str) -> bool {
        words_of(value).iter().any(|w| self.pseudo_heading_words.contains(w))
    }

    /// True when a block's whole text is furniture (a skip link, a feedback prompt).
    pub(crate) fn is_furniture_text(&self, text: &str) -> bool {
        self.drop_blocks.is_match(text.trim())
    }

    /// True when a heading's text names a box of furniture ("Related pages").
    pub(crate) fn is_box_title(&self, text: &str) -> bool {
        self.box_titles.is_match(text.trim())
    }

    /// True when a link's text is navigation inside running text.
    pub(crate) fn is_furniture_link(&self, text: &str) -> bool {
        self.drop_links.is_match(text.trim())
    }
}

/// The whitespace-separated tokens of a class or id value, original case.
fn tokens(value: &str) -> impl Iterator<Item = &str> {
    value.split_ascii_whitespace()
}

/// Splits an original-case class value into lowercased words, camelCase included.
pub(crate) fn words_of(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in value.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_parse() {
        let rules = Rules::parse(RULES_TOML).unwrap();
        assert!(rules.is_skipped_element("nav"));
        assert!(rules.is_inline_element("strong"));
        assert!(!rules.is_inline_element("div"));
    }

    #[test]
    fn class_words_split_at_camel_case_and_dashes() {
        assert_eq!(words_of("cookieNotice main-menu"), ["cookie", "notice", "main", "menu"]);
        assert_eq!(words_of("mgSubTitle"), ["mg", "sub", "title"]);
    }

    #[test]
    fn furniture_texts_match_whole_blocks_only() {
        let rules = &*RULES;
        assert!(rules.is_furniture_text("Skip to main content"));
        assert!(rules.is_furniture_text("Was this page helpful? Yes No"));
        assert!(rules.is_furniture_text("Published: 04 November 2024"));
        assert!(!rules.is_furniture_text("Published: our plan sets out how we will reduce waste across every service."));
        assert!(rules.is_box_title("Related pages"));
        assert!(rules.is_furniture_link("... view the full minutes text for item 571"));
    }

    #[test]
    fn datelines_bylines_credits_and_story_furniture_are_recognised_in_several_languages() {
        let rules = &*RULES;
        for furniture in [
            "October 9, 2018 at 4:02 pm",
            "Posted: Fri 6:45 PM, Feb 16, 2018 |",
            "Published Monday, November 18, 2019 8:22AM EST",
            "15:23 2019",
            "By Andrew C. McCarthy",
            "Image 2 of 5",
            "(Image credit: Blue Origin)",
            "\u{a9} 2019 Hearst Communications, Inc.",
            "Read more: Budget set for next year",
            "Lesen Sie auch: Die Stadt plant neu",
            "Zurück zur Übersicht",
            "Comments are closed.",
            "Mit Freunden teilen",
            "Anzeige, enthält Affiliate Links",
            "Augusta National/Getty Images",
            "Veröffentlichung: 2. Februar 2022",
            "(Quelle: Foto Steven Vangermain)",
            "Abbildung 4: klassische Schwachschicht.",
        ] {
            assert!(rules.is_furniture_text(furniture), "{furniture:?} should be furniture");
        }
        for text in [
            "By 2025 we will have saved \u{a3}2m.",
            "By working with partners we reduced costs.",
            "12",
            "May",
            "May | 2024 | 12",
            "The plan was approved on 9 October 2018 at the cabinet meeting.",
            "Reuters reported that the council had approved the plan after a long debate in the chamber.",
        ] {
            assert!(!rules.is_furniture_text(text), "{text:?} is text");
        }
        for title in
            ["Ähnliche Beiträge", "Mehr aus Thüringen", "Comments", "3 Comments", "Recent posts", "Lea también"]
        {
            assert!(rules.is_box_title(title), "{title:?} should title a box");
        }
        assert!(!rules.is_box_title("Comments received during the consultation"));
    }
}
