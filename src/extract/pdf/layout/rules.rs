//! The layout thresholds, read from `rules/pdf-layout.toml` (embedded at build time).

use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

/// The embedded rules file.
pub(crate) const EMBEDDED: &str = include_str!("../../../../rules/pdf-layout.toml");

/// Every threshold the layout engine uses; see `rules/pdf-layout.toml` for each one's meaning.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutRules {
    /// Glyphs to words and line fragments.
    pub words: WordRules,
    /// Lines to paragraphs.
    pub paragraphs: ParagraphRules,
    /// Heading detection.
    pub headings: HeadingRules,
    /// List markers.
    pub lists: ListRules,
    /// Column detection.
    pub columns: ColumnRules,
    /// Running headers, footers and page numbers.
    pub furniture: FurnitureRules,
    /// Words broken across lines.
    pub hyphenation: HyphenationRules,
    /// Navigation printed from web pages.
    pub navigation: NavigationRules,
    /// Reading tagged PDFs from their structure tree.
    pub tagged: TaggedRules,
    /// The check that the blocks keep the words the pages draw.
    pub coverage: CoverageRules,
}

/// See `[coverage]` in the rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageRules {
    /// Share of a page's drawn words that the blocks and the page's furniture must
    /// account for; below it, the unaccounted lines are put back.
    pub min_kept_share: f32,
    /// Pages drawing fewer words are not checked.
    pub min_page_words: usize,
    /// Most words in a line removed as navigation that still counts as accounted
    /// for (menu entries are short; running text is not).
    pub navigation_max_line_words: usize,
}

/// See `[navigation]` in the rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NavigationRules {
    /// Fewest separately underlined links that make a block a link list.
    pub min_links: usize,
    /// Share of a block's text width that is underlined in a link list.
    pub min_link_share: f32,
    /// Fewest fragments on one baseline that make a navigation row.
    pub min_row_fragments: usize,
    /// Most words in each fragment of a navigation row.
    pub max_fragment_words: usize,
}

/// See `[words]` in the rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordRules {
    /// Gap (em) above which two glyphs are separate words.
    pub word_gap_em: f32,
    /// Baselines closer than this (em) are one baseline.
    pub baseline_tolerance_em: f32,
    /// Gap (em) that splits a baseline into fragments.
    pub fragment_gap_em: f32,
    /// Widest gap (em) between a list marker and its text.
    pub marker_gap_em: f32,
    /// Highest rise (em) of a superscript kept in its line.
    pub superscript_rise_em: f32,
    /// Deepest drop (em) of a subscript kept in its line.
    pub subscript_drop_em: f32,
    /// Size fraction below which a run counts as a superscript.
    pub superscript_size_ratio: f32,
    /// Distance (em) under which two identical glyphs are one drawn twice.
    pub duplicate_tolerance_em: f32,
    /// Fewest word gaps on a line for it to be read as justified.
    pub justified_min_gaps: usize,
    /// How far (fraction of their median) a justified line's word gaps may differ.
    pub justified_gap_spread: f32,
    /// Widest word gap (em) of a justified line.
    pub justified_max_gap_em: f32,
}

/// See `[paragraphs]` in the rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParagraphRules {
    /// Baseline gap, as a multiple of the line pitch, that starts a paragraph.
    pub paragraph_gap_ratio: f32,
    /// Line pitch (em) assumed when none can be measured.
    pub default_pitch_em: f32,
    /// First-line indent (em) that starts a paragraph.
    pub indent_em: f32,
    /// Relative size change that starts a new block.
    pub size_change_ratio: f32,
    /// How close (em) to the right edge a line must reach to be full.
    pub full_line_slack_em: f32,
}

/// See `[headings]` in the rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadingRules {
    /// Size ratio to body text that makes a heading candidate.
    pub size_ratio: f32,
    /// Most words a bold body-size heading has.
    pub max_words: usize,
    /// Most lines a heading has.
    pub max_lines: usize,
}

/// See `[lists]` in the rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListRules {
    /// Bullet glyphs.
    pub bullets: Vec<String>,
    /// Patterns of numbering tokens.
    pub numbers: Vec<String>,
}

/// See `[columns]` in the rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnRules {
    /// Narrowest gutter (body ems).
    pub min_gutter_em: f32,
    /// Fewest lines on each side of a gutter.
    pub min_column_lines: usize,
    /// Narrowest gap (em) that can be a gutter when it lines up down the page.
    pub aligned_gap_em: f32,
    /// Fewest baselines in a row whose gaps line up for the gap to be a gutter.
    pub aligned_gap_lines: usize,
    /// Narrowest gap (body ems) between the label and value columns of a
    /// borderless table.
    pub key_value_gap_em: f32,
}

/// See `[furniture]` in the rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FurnitureRules {
    /// Height fraction of the top and bottom margin bands.
    pub margin_band_ratio: f32,
    /// Fraction of pages a margin line must repeat on.
    pub repeat_page_ratio: f32,
    /// Patterns of margin lines that are furniture on any page.
    pub patterns: Vec<String>,
}

/// See `[tagged]` in the rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaggedRules {
    /// Share of a page's visible non-artifact characters the tree must hold for the
    /// page to be read from the tree.
    pub min_page_coverage: f32,
    /// Pages with fewer visible non-artifact characters always agree with the tree.
    pub min_page_characters: usize,
    /// Deepest structure-tree nesting followed.
    pub max_depth: usize,
    /// Most structure elements read.
    pub max_elements: usize,
    /// Parts of Producer or Creator names (lowercase) whose tagged PDFs are laid
    /// out from positions (web browsers).
    pub layout_makers: Vec<String>,
}

/// See `[hyphenation]` in the rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HyphenationRules {
    /// Characters that end a line broken inside a word.
    pub hyphens: Vec<String>,
}

/// The rules with their patterns compiled.
#[derive(Debug)]
pub struct Compiled {
    /// The thresholds.
    pub rules: LayoutRules,
    /// `lists.numbers`, compiled.
    pub numbers: Vec<Regex>,
    /// `furniture.patterns`, compiled case-insensitively.
    pub furniture: Vec<Regex>,
}

/// Why a rules file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The TOML did not parse into [`LayoutRules`].
    #[error("rules/pdf-layout.toml: {0}")]
    Toml(#[from] toml::de::Error),
    /// A pattern is not a valid regular expression.
    #[error("rules/pdf-layout.toml: bad pattern {0:?}: {1}")]
    Pattern(String, regex::Error),
}

impl Compiled {
    /// Parses and compiles a rules file's text.
    pub fn parse(text: &str) -> Result<Compiled, RulesError> {
        let rules: LayoutRules = toml::from_str(text)?;
        let compile = |p: &String, ci: bool| {
            let source = if ci { format!("(?i){p}") } else { p.clone() };
            Regex::new(&source).map_err(|e| RulesError::Pattern(p.clone(), e))
        };
        let numbers = rules.lists.numbers.iter().map(|p| compile(p, false)).collect::<Result<_, _>>()?;
        let furniture = rules.furniture.patterns.iter().map(|p| compile(p, true)).collect::<Result<_, _>>()?;
        Ok(Compiled { rules, numbers, furniture })
    }

    /// The embedded rules, parsed once. The file is part of the build and a unit
    /// test parses it, so a failure here is a build defect, never an input problem.
    pub fn embedded() -> &'static Compiled {
        static RULES: OnceLock<Compiled> = OnceLock::new();
        RULES.get_or_init(|| match Compiled::parse(EMBEDDED) {
            Ok(rules) => rules,
            Err(e) => panic!("embedded layout rules are invalid: {e}"),
        })
    }

    /// Whether `token` is a list marker (bullet glyph or item number).
    pub fn is_marker(&self, token: &str) -> bool {
        self.is_bullet(token) || self.numbers.iter().any(|r| r.is_match(token))
    }

    /// Whether a PDF whose Producer or Creator is `maker` is laid out from positions
    /// even when tagged.
    pub fn lays_out_maker(&self, maker: &str) -> bool {
        let maker = maker.to_lowercase();
        self.rules.tagged.layout_makers.iter().any(|part| maker.contains(part.as_str()))
    }

    /// A list item's text without its leading bullet glyph (also one glued to the
    /// first word, "•Item"). An item number ("2.1", "(a)") is kept: readers cite it.
    pub fn without_bullet<'t>(&self, text: &'t str) -> &'t str {
        let text = text.trim_start();
        let Some(first) = text.split_whitespace().next() else { return text };
        if self.is_bullet(first) {
            return text[first.len()..].trim_start();
        }
        match first.chars().next() {
            Some(c) if first.chars().count() > 1 && c != '-' && self.is_bullet(&c.to_string()) => &text[c.len_utf8()..],
            _ => text,
        }
    }

    /// Whether `token` is a bullet glyph.
    pub fn is_bullet(&self, token: &str) -> bool {
        self.rules.lists.bullets.iter().any(|b| b == token)
    }

    /// Whether a margin line's text is furniture by its form alone.
    pub fn is_furniture_text(&self, text: &str) -> bool {
        let text = text.trim();
        self.furniture.iter().any(|r| r.is_match(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_parse() {
        let rules = Compiled::parse(EMBEDDED).unwrap();
        assert!(rules.is_bullet("\u{f0b7}"));
        assert!(rules.is_marker("2.1"));
        assert!(rules.is_marker("1)"));
        assert!(!rules.is_marker("2024"));
        assert!(rules.is_furniture_text("Page 3 of 9"));
        assert!(rules.is_furniture_text("1/6"));
        assert!(rules.is_furniture_text("11/22/26, 8:20 AM"));
        assert!(!rules.is_furniture_text("Cabinet 17th July 2024"));
    }
}
