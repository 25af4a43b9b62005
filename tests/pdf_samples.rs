//! End-to-end layout quality on the shared sample PDFs: word F1 against the source
//! texts (and against poppler's pdftotext on the same files), no page furniture in
//! the text, columns read in order, hyphenated and ligature words whole, tables
//! read row by row. Skips with a message when `../shared` (or `$PLANSIFT_SHARED`) is absent.

use std::path::PathBuf;

use plansift::document::{Block, BlockKind};
use plansift::extract::pdf::layout::{self, quality};
use plansift::limits::Limits;

/// `../shared/samples` beside the crate, or `$PLANSIFT_SHARED/samples` when set
/// (for worktrees that do not sit beside shared/).
fn samples() -> Option<PathBuf> {
    let shared = std::env::var_os("PLANSIFT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let dir = shared.join("samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} not found (shared data sits beside the repo)", dir.display());
        None
    }
}

fn blocks(samples: &std::path::Path, name: &str) -> Vec<Block> {
    let bytes = std::fs::read(samples.join(format!("pdf/{name}.pdf"))).unwrap();
    let (pages, _) = plansift::extract::pdf::page_glyphs(&bytes, &Limits::default()).unwrap();
    layout::layout(&pages).blocks
}

fn joined(blocks: &[Block]) -> String {
    blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n")
}

fn read(samples: &std::path::Path, path: &str) -> String {
    std::fs::read_to_string(samples.join(path)).unwrap()
}

#[test]
fn word_f1_meets_targets_and_beats_pdftotext() {
    let Some(samples) = samples() else { return };
    for (name, text_name, target) in [
        ("bromsgrove", "bromsgrove", 0.99),
        ("bromsgrove-encrypted", "bromsgrove", 0.99),
        ("ashfield", "ashfield", 0.99),
        ("ne-lincolnshire", "ne-lincolnshire", 0.99),
        ("peterborough", "peterborough", 0.95),
    ] {
        let text = joined(&blocks(&samples, name));
        let reference = read(&samples, &format!("text/{text_name}.txt"));
        let poppler = read(&samples, &format!("pdftotext/{name}.txt"));
        let ours = quality::word_f1(&text, &reference).f1;
        assert!(ours >= target, "{name}: word F1 {ours:.4} < {target}");
        // Against the text as the PDF renders it (the source's scrape artefacts,
        // such as in-text repeats of the running header, left out), we must do at
        // least as well as pdftotext.
        let rendered = quality::without_dropped(&reference, &read(&samples, &format!("src/{text_name}.src")));
        let (ours, theirs) = (quality::word_f1(&text, &rendered).f1, quality::word_f1(&poppler, &rendered).f1);
        assert!(ours >= theirs, "{name}: word F1 {ours:.4} below pdftotext's {theirs:.4}");
        let order = quality::in_order_ratio(&text, &reference);
        assert!(order >= 0.98, "{name}: only {order:.4} of the words in source order");
    }
}

#[test]
fn running_headers_footers_and_page_numbers_stay_out_of_the_text() {
    let Some(samples) = samples() else { return };
    let page_of = regex::Regex::new(r"Page \d+ of \d+").unwrap();
    for block in blocks(&samples, "bromsgrove") {
        assert!(!block.text.contains("Cabinet 17th July 2024"), "running header in {:?}", block.text);
        assert!(!page_of.is_match(&block.text), "page footer in {:?}", block.text);
    }
    let print_date = regex::Regex::new(r"\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}").unwrap();
    let page_count = regex::Regex::new(r"(^|\s)\d/6($|\s)").unwrap();
    for block in blocks(&samples, "peterborough") {
        assert!(!print_date.is_match(&block.text), "print date in {:?}", block.text);
        assert!(!block.text.contains("127.0.0.1"), "print URL in {:?}", block.text);
        assert!(!page_count.is_match(&block.text), "print page count in {:?}", block.text);
        assert_ne!(block.text, "Productivity plan | Peterborough City Council");
    }
    for name in ["ashfield", "ne-lincolnshire"] {
        for block in blocks(&samples, name) {
            assert!(!block.text.chars().all(|c| c.is_ascii_digit()), "{name}: bare page number {:?}", block.text);
        }
    }
}

#[test]
fn two_columns_read_in_order_with_hyphenated_words_whole() {
    let Some(samples) = samples() else { return };
    let text = joined(&blocks(&samples, "ashfield")).replace('\n', " ");
    for sentence in [
        // Ends the left column and continues at the top of the right one.
        "Service reviews are not solely to save money, being also focussed on improving the customer experience and accessibility to services, whilst improving performance.",
        // A real hyphen at a line end stays; broken words join.
        "the investment in modern, cloud-based solutions, with a significant focus on modernising and improving our solution architecture.",
        // LibreOffice draws these line-end hyphens with a gap ("recog -").
        "recognising our priorities for the future",
        "to support the Medium-Term Financial Strategy",
        // Split across the page break and the balanced columns of the last page.
        "East Midlands County Combined Authority region that relate to Ashfield.",
    ] {
        assert!(text.contains(sentence), "missing intact: {sentence}");
    }
    let introduction = text.find("1. Introduction").unwrap();
    let right_column = text.find("being also focussed").unwrap();
    assert!(introduction < right_column, "right column read before the left one");
}

#[test]
fn ligatures_and_tex_hyphenation_come_out_as_whole_words() {
    let Some(samples) = samples() else { return };
    let blocks = blocks(&samples, "ne-lincolnshire");
    let text = joined(&blocks).replace('\n', " ");
    assert!(!text.chars().any(|c| ('\u{fb00}'..='\u{fb06}').contains(&c)));
    let reference = read(&samples, "text/ne-lincolnshire.txt");
    // Every word with a ligature or a line-end break in the PDF is in the reference.
    assert_eq!(quality::word_f1(&text, &reference).f1, 1.0);
    assert!(text.contains("include:"), "lead-in colon lost");
}

#[test]
fn report_details_table_reads_row_by_row() {
    let Some(samples) = samples() else { return };
    let blocks = blocks(&samples, "bromsgrove");
    let rows: Vec<&str> = blocks.iter().filter(|b| b.kind == BlockKind::TableRow).map(|b| b.text.as_str()).collect();
    assert!(rows.contains(&"Portfolio Holder Consulted | Yes"), "rows: {rows:?}");
    assert!(rows
        .contains(&"Relevant Head of Service | Sue Hanley – Chief Executive Pete Carpenter – Deputy Chief Executive"));
    assert!(rows.iter().any(|r| r.starts_with("If you have any questions about this report")));
    let headings: Vec<&str> = blocks.iter().filter(|b| b.kind == BlockKind::Heading).map(|b| b.text.as_str()).collect();
    assert!(headings.contains(&"1. RECOMMENDATIONS"), "headings: {headings:?}");
    // A paragraph split by a page break is one block.
    assert!(blocks.iter().any(|b| b.text.ends_with("Housing and Communities (DLUHC) by the 19th July.")));
}
