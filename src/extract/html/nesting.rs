//! Bounds element nesting and attribute counts before the HTML parser sees the page.
//!
//! html5ever's tree builder scans its stack of open elements for many start tags, so
//! a page of 100,000 nested `<div>`s takes time quadratic in the depth (minutes, not
//! milliseconds). This pre-pass counts nesting with a light tag scanner and removes
//! the tags (never the text) of elements nested deeper than the limit, so the text
//! of a hostile page still comes out, just flatter.
//!
//! html5ever's tokenizer also compares every new attribute name with each earlier
//! one of its tag, so one tag with 200,000 attributes takes minutes too: attributes
//! past the limit ([`Limits::max_attributes_per_tag`](crate::limits::Limits)) in a
//! tag are removed.

use std::borrow::Cow;

/// Elements with no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose end tag is optional and that close themselves when a sibling opens;
/// counting them would turn every old page of unclosed `<p>`s into "deep nesting".
const SELF_CLOSING_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rb", "rt", "rtc", "rp",
    "colgroup", "caption", "html", "head", "body",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"];

/// A page made safe for the parser, and what was changed.
#[derive(Debug)]
pub(crate) struct Bounded<'a> {
    /// The page, borrowed when nothing was removed.
    pub page: Cow<'a, str>,
    /// Tags nested deeper than the limit were removed.
    pub flattened: bool,
    /// Attributes past the limit in a tag were removed.
    pub attributes_cut: bool,
}

/// The page with tags nested deeper than `max_depth` removed, and attributes past
/// `max_attributes` in any one tag.
///
/// An element past the limit that `hides(name, lowercased tag)` says is hidden or
/// furniture goes whole, content included: removing only its tags would show its text.
pub(crate) fn bound_nesting<'a>(
    html: &'a str,
    max_depth: usize,
    max_attributes: usize,
    hides: &dyn Fn(&str, &str) -> bool,
) -> Bounded<'a> {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut flattened = false;
    let mut attributes_cut = false;
    // Byte ranges to leave out, in order and not overlapping.
    let mut dropped: Vec<(usize, usize)> = Vec::new();
    // Start offset and outer depth of an element being removed with its content.
    let mut removing: Option<(usize, usize)> = None;
    let mut i = 0;
    while let Some(offset) = memchr_lt(&bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, start + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = find(bytes, start + 2, b">").map_or(bytes.len(), |e| e + 1);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b':'))
            .map_or(bytes.len(), |p| name_start + p);
        if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let tag_end = tag_end(bytes, name_end);
        let name = html[name_start..name_end].to_ascii_lowercase();
        let self_closed = tag_end >= 2 && bytes[tag_end - 2] == b'/';
        // Raw-text elements hold no elements, so they never deepen the tree; their tags
        // must survive or a deep page's scripts would turn into text.
        let counted = !VOID.contains(&name.as_str())
            && !SELF_CLOSING_SIBLINGS.contains(&name.as_str())
            && !RAW_TEXT.contains(&name.as_str());
        if counted && !self_closed {
            if closing {
                let beyond = depth > max_depth;
                depth = depth.saturating_sub(1);
                match removing {
                    Some((from, outer)) if depth <= outer => {
                        dropped.push((from, tag_end));
                        removing = None;
                    }
                    Some(_) => {}
                    None if beyond => dropped.push((start, tag_end)),
                    None => {}
                }
            } else {
                depth += 1;
                if depth > max_depth && removing.is_none() {
                    if hides(&name, &html[start..tag_end].to_ascii_lowercase()) {
                        removing = Some((start, depth - 1));
                    } else {
                        dropped.push((start, tag_end));
                    }
                }
            }
        }
        flattened |= dropped.last().is_some_and(|&(from, _)| from == start) || removing.is_some();
        i = tag_end;
        let whole_tag_goes = dropped.last().is_some_and(|&(_, end)| end > start) || removing.is_some();
        if !whole_tag_goes {
            if let Some((cut, end)) = excess_attributes(bytes, name_end, max_attributes) {
                dropped.push((cut, end));
                attributes_cut = true;
                // The parser's tag may end after the scanner's: nothing in it is a tag.
                i = i.max(end);
            }
        }
        if !closing && RAW_TEXT.contains(&name.as_str()) {
            i = find_end_tag(bytes, i, name.as_bytes());
        }
    }
    if let Some((from, _)) = removing {
        dropped.push((from, bytes.len()));
        flattened = true;
    }
    if dropped.is_empty() {
        return Bounded { page: Cow::Borrowed(html), flattened, attributes_cut };
    }
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for (start, end) in dropped {
        out.push_str(&html[copied..start]);
        copied = end;
    }
    out.push_str(&html[copied..]);
    Bounded { page: Cow::Owned(out), flattened, attributes_cut }
}

/// States of html5ever's tokenizer inside a tag, after `<` and the first letter of
/// the name (HTML's tokenization states of the same names).
#[derive(Clone, Copy)]
enum TagState {
    TagName,
    BeforeAttributeName,
    AttributeName,
    AfterAttributeName,
    BeforeAttributeValue,
    DoubleQuotedValue,
    SingleQuotedValue,
    UnquotedValue,
    AfterQuotedValue,
    SelfClosingStartTag,
}

/// For a tag whose name starts before `from`, with more than `max_attributes`
/// attributes: the range from the first attribute too many up to the tag's `>` (or
/// the end of the page). Follows html5ever's states exactly, so that what is left
/// is never more than the limit as the parser counts.
fn excess_attributes(bytes: &[u8], from: usize, max_attributes: usize) -> Option<(usize, usize)> {
    use TagState::*;
    let space = |b: u8| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    let mut state = TagName;
    let mut count = 0usize;
    let mut cut = None;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        let mut new_attribute = false;
        state = match state {
            TagName | BeforeAttributeName | AttributeName | AfterAttributeName | UnquotedValue | AfterQuotedValue
            | SelfClosingStartTag
                if b == b'>' =>
            {
                return cut.map(|cut| (cut, i));
            }
            BeforeAttributeValue if b == b'>' => return cut.map(|cut| (cut, i)),
            TagName | AttributeName | UnquotedValue | AfterQuotedValue if space(b) => {
                if matches!(state, AttributeName) {
                    AfterAttributeName
                } else {
                    BeforeAttributeName
                }
            }
            TagName | BeforeAttributeName | AttributeName | AfterAttributeName | AfterQuotedValue if b == b'/' => {
                SelfClosingStartTag
            }
            TagName => TagName,
            BeforeAttributeName | AfterAttributeName if space(b) => state,
            AttributeName | AfterAttributeName if b == b'=' => BeforeAttributeValue,
            AttributeName => AttributeName,
            // A new attribute starts here; after a quoted value or a stray '/' the
            // character is reconsumed as the start of one.
            BeforeAttributeName | AfterAttributeName | AfterQuotedValue | SelfClosingStartTag => {
                new_attribute = true;
                AttributeName
            }
            BeforeAttributeValue if space(b) => BeforeAttributeValue,
            BeforeAttributeValue if b == b'"' => DoubleQuotedValue,
            BeforeAttributeValue if b == b'\'' => SingleQuotedValue,
            BeforeAttributeValue => UnquotedValue,
            DoubleQuotedValue if b == b'"' => AfterQuotedValue,
            SingleQuotedValue if b == b'\'' => AfterQuotedValue,
            DoubleQuotedValue | SingleQuotedValue | UnquotedValue => state,
        };
        if new_attribute {
            count += 1;
            if count == max_attributes + 1 {
                cut = Some(i);
            }
        }
        i += 1;
    }
    cut.map(|cut| (cut, bytes.len()))
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| from + p)
}

/// Index just past the `>` closing a tag whose name ends at `from`, skipping quoted
/// attribute values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (offset, &b) in bytes[from..].iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return from + offset + 1,
            None => {}
        }
    }
    bytes.len()
}

/// Index of the `</name` that ends a raw-text element starting at `from`.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(p) = find(bytes, i, b"</") {
        let candidate = &bytes[p + 2..];
        if candidate.len() >= name.len() && candidate[..name.len()].eq_ignore_ascii_case(name) {
            return p;
        }
        i = p + 2;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX_ATTRIBUTES: usize = 256;

    fn hides(name: &str, tag: &str) -> bool {
        name == "nav" || tag.contains("hidden")
    }

    #[test]
    fn shallow_pages_are_untouched() {
        let page = "<html><body><div><p>One<p>Two</div><script>if (a<b) {}</script></body></html>";
        let out = bound_nesting(page, 3, MAX_ATTRIBUTES, &hides);
        assert!(!out.flattened && !out.attributes_cut);
        assert!(matches!(out.page, Cow::Borrowed(_)));
    }

    #[test]
    fn deep_tags_are_removed_but_text_kept() {
        let page = "<div><div><div><div>deep</div></div></div></div><p>after</p>";
        let out = bound_nesting(page, 2, MAX_ATTRIBUTES, &hides);
        assert!(out.flattened && !out.attributes_cut);
        assert_eq!(out.page, "<div><div>deep</div></div><p>after</p>");
    }

    #[test]
    fn deep_scripts_and_styles_keep_their_tags() {
        let page = "<div><div><div><script>var x = '<div>';</script><style>p{}</style>text</div></div></div>";
        let out = bound_nesting(page, 1, MAX_ATTRIBUTES, &hides);
        assert!(out.flattened);
        assert_eq!(out.page, "<div><script>var x = '<div>';</script><style>p{}</style>text</div>");
    }

    #[test]
    fn deep_hidden_elements_go_with_their_content() {
        let page = "<div><div><div hidden><b>secret</b><div>more</div></div><p>shown</p></div></div><p>after</p>";
        let out = bound_nesting(page, 2, MAX_ATTRIBUTES, &hides);
        assert!(out.flattened);
        assert_eq!(out.page, "<div><div><p>shown</p></div></div><p>after</p>");
    }

    #[test]
    fn tags_inside_comments_and_scripts_do_not_count() {
        let page = "<!-- <div><div><div> --><script>'<div><div><div>'</script><div>x</div>";
        assert!(!bound_nesting(page, 1, MAX_ATTRIBUTES, &hides).flattened);
    }

    fn tag_with(attributes: usize, separator: &str) -> String {
        let names: Vec<String> = (0..attributes).map(|i| format!("a{i}=\"v>{i}\"")).collect();
        format!("<p {}>text</p>", names.join(separator))
    }

    #[test]
    fn attributes_past_the_limit_are_cut_up_to_the_tag_end() {
        let page = tag_with(MAX_ATTRIBUTES + 50, " ");
        let out = bound_nesting(&page, 10, MAX_ATTRIBUTES, &hides);
        assert!(out.attributes_cut && !out.flattened);
        assert_eq!(out.page, tag_with(MAX_ATTRIBUTES, " ").replacen("\">text", "\" >text", 1));
        let fine = tag_with(MAX_ATTRIBUTES, " ");
        assert!(matches!(bound_nesting(&fine, 10, MAX_ATTRIBUTES, &hides).page, Cow::Borrowed(_)));
    }

    #[test]
    fn attributes_count_as_the_parser_counts_them() {
        // No spaces between quoted values, '/' between names, and an end tag: each
        // still starts a new attribute for html5ever.
        for page in [tag_with(MAX_ATTRIBUTES + 1, ""), {
            let names: Vec<String> = (0..=MAX_ATTRIBUTES).map(|i| format!("a{i}")).collect();
            format!("<p {}>text</p>", names.join("/"))
        }] {
            assert!(bound_nesting(&page, 10, MAX_ATTRIBUTES, &hides).attributes_cut, "{page:.60}");
        }
        let closing: Vec<String> = (0..=MAX_ATTRIBUTES).map(|i| format!("a{i}")).collect();
        assert!(bound_nesting(&format!("<p>x</p {}>", closing.join(" ")), 10, MAX_ATTRIBUTES, &hides).attributes_cut);
    }
}
