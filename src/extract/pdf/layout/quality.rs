//! Word-level quality measures for extracted text, used by the `pdf_quality`
//! example and the sample tests.
//!
//! Both texts are tokenised the same way: Unicode NFKC, lowercase, curly quotes
//! and dashes folded to ASCII, split at whitespace (NBSP included), and each token
//! trimmed of leading and trailing characters that are not letters or digits;
//! empty tokens (bare punctuation, bullets) are dropped. Word F1 compares the two
//! token **multisets**: matches = Σ min(count in output, count in reference) over
//! distinct tokens, precision = matches / output tokens, recall = matches /
//! reference tokens, F1 their harmonic mean. Order is measured separately by
//! [`in_order_ratio`].

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

/// Splits `text` into normalised word tokens (see the module documentation).
pub fn tokens(text: &str) -> Vec<String> {
    let folded: String = text
        .nfkc()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2013}' | '\u{2014}' | '\u{2212}' | '\u{2010}' => '-',
            '\u{a0}' => ' ',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split_whitespace()
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Precision, recall and F1 of an output against a reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordScore {
    /// Matched tokens over output tokens.
    pub precision: f64,
    /// Matched tokens over reference tokens.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// Word-multiset F1 of `output` against `reference`.
pub fn word_f1(output: &str, reference: &str) -> WordScore {
    let out = tokens(output);
    let reference = tokens(reference);
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for t in &reference {
        *counts.entry(t.as_str()).or_default() += 1;
    }
    let mut matched = 0usize;
    for t in &out {
        if let Some(n) = counts.get_mut(t.as_str()) {
            if *n > 0 {
                *n -= 1;
                matched += 1;
            }
        }
    }
    let precision = if out.is_empty() { 0.0 } else { matched as f64 / out.len() as f64 };
    let recall = if reference.is_empty() { 0.0 } else { matched as f64 / reference.len() as f64 };
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    WordScore { precision, recall, f1 }
}

/// The share of reference tokens that appear in the output in the same order: the
/// longest common subsequence of the token lists over the reference length.
pub fn in_order_ratio(output: &str, reference: &str) -> f64 {
    let a = tokens(output);
    let b = tokens(reference);
    if b.is_empty() {
        return 0.0;
    }
    // Row-by-row LCS, O(len(a) * len(b)) time and O(len(b)) memory.
    let mut row = vec![0u32; b.len() + 1];
    for x in &a {
        let mut diagonal = 0u32;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y { diagonal + 1 } else { above.max(row[j]) };
            diagonal = above;
        }
    }
    f64::from(row[b.len()]) / b.len() as f64
}

/// The reference text as rendered in a sample PDF: `text` without the lines that
/// the sample's annotated source (`samples/src/NAME.src`, `tag<TAB>text` per line)
/// tags `drop` (scrape artefacts such as in-text repeats of a running header,
/// which the PDF never shows as body text). Each dropped line removes one occurrence.
pub fn without_dropped(text: &str, annotated_source: &str) -> String {
    let mut out = text.to_string();
    for line in annotated_source.lines() {
        if let Some(dropped) = line.strip_prefix("drop\t") {
            let dropped = dropped.trim();
            if let Some(at) = out.find(dropped).filter(|_| !dropped.is_empty()) {
                out.replace_range(at..at + dropped.len(), " ");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_fold_case_quotes_and_punctuation() {
        assert_eq!(tokens("The Council’s “plan” – • e\u{fb03}cient,"), ["the", "council's", "plan", "efficient"]);
    }

    #[test]
    fn f1_counts_repeated_words_once_each() {
        let score = word_f1("a a b", "a b c");
        assert!((score.precision - 2.0 / 3.0).abs() < 1e-9);
        assert!((score.recall - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(word_f1("x", "").f1, 0.0);
    }

    #[test]
    fn dropped_lines_leave_the_reference_once_each() {
        let src = "header\tCabinet\ndrop\tCabinet\np\tText";
        assert_eq!(tokens(&without_dropped("Cabinet Text Cabinet", src)), ["text", "cabinet"]);
    }

    #[test]
    fn order_ratio_sees_swapped_columns() {
        assert_eq!(in_order_ratio("a b c d", "a b c d"), 1.0);
        assert_eq!(in_order_ratio("c d a b", "a b c d"), 0.5);
    }
}
