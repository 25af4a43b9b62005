//! Character-set decoding for HTML and plain text.
//!
//! Order of precedence, as browsers do it: a byte-order mark, then the charset of
//! the HTTP `Content-Type` header, then (for HTML) a `<meta charset>` or
//! `<meta http-equiv="Content-Type">` in the first 1024 bytes, then detection.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How the encoding of a text was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    /// A byte-order mark.
    Bom,
    /// The HTTP `Content-Type` header.
    HttpHeader,
    /// A `<meta>` declaration in the document.
    Meta,
    /// Guessed from the bytes.
    Detected,
}

/// A decoded text and how its encoding was chosen.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, with malformed sequences replaced by U+FFFD.
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Where the encoding came from.
    pub source: EncodingSource,
}

/// The charset parameter of a `Content-Type` header value, if any.
pub fn charset_from_content_type(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches(['"', '\'']))
    })
}

/// The charset named by a `<meta charset>` or `<meta http-equiv>` tag in the document's
/// first 1024 bytes (the HTML standard's pre-scan window).
pub fn charset_from_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(start) = rest.find("<meta") {
        let after = &rest[start + 5..];
        let end = after.find('>').unwrap_or(after.len());
        let tag = &after[..end];
        if let Some(pos) = tag.find("charset") {
            let value = tag[pos + 7..].trim_start();
            if let Some(value) = value.strip_prefix('=') {
                let value = value.trim_start().trim_start_matches(['"', '\'']);
                let label: String =
                    value.chars().take_while(|c| !matches!(c, '"' | '\'' | ';' | ' ' | '/' | '>')).collect();
                if let Some(encoding) = Encoding::for_label(label.as_bytes()) {
                    // A page that says UTF-16 in ASCII-compatible bytes cannot be UTF-16.
                    return Some(if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                        UTF_8
                    } else {
                        encoding
                    });
                }
            }
        }
        rest = &after[end..];
    }
    None
}

/// Decodes `bytes`, honouring a BOM, the HTTP header's charset, then (if `is_html`) a
/// `<meta>` declaration, then detection with chardetng.
pub fn decode(bytes: &[u8], http_content_type: Option<&str>, is_html: bool) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded { text: text.into_owned(), encoding, source: EncodingSource::Bom };
    }
    let declared = http_content_type
        .and_then(charset_from_content_type)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .map(|e| (e, EncodingSource::HttpHeader))
        .or_else(|| if is_html { charset_from_meta(bytes).map(|e| (e, EncodingSource::Meta)) } else { None });
    let (encoding, source) = declared.unwrap_or_else(|| (detect(bytes), EncodingSource::Detected));
    // WHATWG maps the ISO-8859-1 label to windows-1252, which encoding_rs already does.
    let (text, _, _) = encoding.decode(bytes);
    Decoded { text: text.into_owned(), encoding, source }
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"uk"), chardetng::Utf8Detection::Allow);
    if guess == encoding_rs::REPLACEMENT {
        WINDOWS_1252
    } else {
        guess
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_beats_meta() {
        let html = b"<html><head><meta charset=\"windows-1252\"></head><body>caf\xc3\xa9</body></html>";
        let decoded = decode(html, Some("text/html; charset=UTF-8"), true);
        assert_eq!(decoded.source, EncodingSource::HttpHeader);
        assert!(decoded.text.contains("caf\u{e9}"));
    }

    #[test]
    fn meta_windows_1252_decodes_smart_quotes() {
        let html = b"<html><head><meta charset=\"windows-1252\"></head><body>\x93plan\x94 \x96 \xa3</body></html>";
        let decoded = decode(html, Some("text/html"), true);
        assert_eq!(decoded.encoding, WINDOWS_1252);
        assert!(decoded.text.contains("\u{201c}plan\u{201d} \u{2013} \u{a3}"), "{}", decoded.text);
    }

    #[test]
    fn http_equiv_meta_is_read() {
        let html = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"><p>\xe9";
        assert_eq!(charset_from_meta(html), Some(WINDOWS_1252));
    }

    #[test]
    fn undeclared_latin1_is_detected() {
        let decoded = decode(b"<p>The caf\xe9 costs \xa35</p>", None, true);
        assert_eq!(decoded.source, EncodingSource::Detected);
        assert!(decoded.text.contains("caf\u{e9}"), "{}", decoded.text);
    }

    #[test]
    fn bom_wins() {
        let decoded = decode(b"\xEF\xBB\xBFhello", Some("text/plain; charset=windows-1252"), false);
        assert_eq!(decoded.source, EncodingSource::Bom);
        assert_eq!(decoded.text, "hello");
    }
}
