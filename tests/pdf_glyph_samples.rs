//! The PDF interpreter on the shared sample plans (`../shared/samples/pdf`): every
//! producer's text must come out of the glyphs, whatever its font technology.
//! Skipped with a message when the shared directory is absent.

use std::path::PathBuf;

use plansift::document::WarningCode;
use plansift::extract::pdf::{page_glyphs, PdfError};
use plansift::limits::Limits;

fn sample(name: &str) -> Option<Vec<u8>> {
    let shared = std::env::var_os("PLANSIFT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let path = shared.join("samples/pdf").join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(_) => {
            println!("skipped: {} is absent", path.display());
            None
        }
    }
}

/// All glyph text of a document, one string per page.
fn page_texts(bytes: &[u8]) -> Vec<String> {
    let (pages, _) = page_glyphs(bytes, &Limits::default()).expect("sample reads");
    pages.iter().map(|p| p.glyphs.iter().map(|g| g.text.as_str()).collect()).collect()
}

#[test]
fn pdftex_type1_fonts_without_to_unicode_decode_by_glyph_names() {
    let Some(bytes) = sample("ne-lincolnshire.pdf") else { return };
    let (pages, warnings) = page_glyphs(&bytes, &Limits::default()).expect("reads");
    assert_eq!(pages.len(), 6);
    let text: String = pages.iter().flat_map(|p| p.glyphs.iter().map(|g| g.text.as_str())).collect();
    assert!(!text.contains('\u{FFFD}'), "unmapped glyphs");
    // Ligature glyphs /ffi /fi /ff and /endash come out as letters and a dash.
    for word in ["efficiency", "significant", "effectiveness", "Government–2024/25"] {
        assert!(text.contains(word), "missing {word}");
    }
    assert!(warnings.iter().all(|w| w.code != WarningCode::UnmappedCharacters));
}

#[test]
fn libreoffice_and_chrome_fonts_decode_through_to_unicode() {
    for (name, words) in [
        ("ashfield.pdf", &["Productivityplan2024/2025", "ASHFIELDDISTRICTCOUNCIL"][..]),
        ("bromsgrove.pdf", &["Cabinet17thJuly2024"][..]),
        ("peterborough.pdf", &["Peterborough"][..]),
    ] {
        let Some(bytes) = sample(name) else { return };
        let joined: String = page_texts(&bytes).concat().replace(' ', "");
        for word in words {
            assert!(joined.contains(word), "{name}: missing {word}");
        }
        assert!(!joined.contains('\u{FFFD}'), "{name}: unmapped glyphs");
    }
}

#[test]
fn aes256_encrypted_file_opens_with_the_empty_password_and_matches_the_plain_one() {
    let (Some(plain), Some(encrypted)) = (sample("bromsgrove.pdf"), sample("bromsgrove-encrypted.pdf")) else {
        return;
    };
    assert_eq!(page_texts(&encrypted), page_texts(&plain));
}

#[test]
fn scanned_page_needs_ocr_and_broken_files_fail_clearly() {
    let Some(scanned) = sample("scanned-ashfield-p1.pdf") else { return };
    let (pages, warnings) = page_glyphs(&scanned, &Limits::default()).expect("reads");
    assert!(pages[0].has_images && pages[0].glyphs.is_empty());
    assert!(warnings.iter().any(|w| w.code == WarningCode::NeedsOcr && w.pages == [1]));

    let Some(truncated) = sample("broken-truncated.pdf") else { return };
    match page_glyphs(&truncated, &Limits::default()) {
        Err(PdfError::Parse(message)) => assert!(message.contains("truncated"), "{message}"),
        other => panic!("expected a parse error naming truncation, got {other:?}"),
    }
    let Some(html) = sample("not-a-pdf.pdf") else { return };
    assert!(page_glyphs(&html, &Limits::default()).is_err());
}
