//! End-to-end HTML extraction over the three sample council pages in
//! corpus/documents: the page furniture of each must be gone, the plan text there,
//! in whole units.

use std::path::PathBuf;

use plansift::document::{BlockKind, Document};
use plansift::extract::{extract, Input};
use plansift::limits::Limits;

fn extract_sample(name: &str) -> Document {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/documents").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let input = Input { bytes: &bytes, content_type: None, name: Some(name) };
    extract(&input, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Asserts no block contains any of `furniture` and some block contains each of `plan`.
fn check(doc: &Document, furniture: &[&str], plan: &[&str]) {
    for block in &doc.blocks {
        for f in furniture {
            assert!(!block.text.contains(f), "furniture {f:?} leaked into block {:?}", block.text);
        }
    }
    for p in plan {
        assert!(doc.blocks.iter().any(|b| b.text.contains(p)), "plan text {p:?} is missing");
    }
}

fn block_with<'a>(doc: &'a Document, start: &str) -> &'a plansift::document::Block {
    doc.blocks.iter().find(|b| b.text.starts_with(start)).unwrap_or_else(|| panic!("no block starts with {start:?}"))
}

#[test]
fn peterborough_windows_1252_page_keeps_only_the_plan() {
    let doc = extract_sample("peterborough.html");
    check(
        &doc,
        &[
            "Skip to main content",
            "Cookies on peterborough.gov.uk",
            "Accept additional cookies",
            "Search this site",
            "Residents",
            "Budgets and spending",
            "Related pages",
            "Corporate strategy",
            "Sand Martin House",
            "PE2 8TY",
            "© Peterborough City Council",
            "Accessibility statement",
            "Facebook",
            "Published:",
        ],
        &[
            "We were runner-up in the \u{2018}most improved council\u{2019} category",
            "We delivered 99% (\u{a3}14.4m) of identified savings in 2023.",
            "Improving the join-up of Central Government departments",
        ],
    );
    assert_eq!(doc.title.as_deref(), Some("Productivity plan"));
    let item = block_with(&doc, "Prevention, Independence and Resilience \u{2013} to help");
    assert_eq!(item.kind, BlockKind::ListItem);
    assert_eq!(item.section, ["Productivity plan", "1. Transforming service design and delivery"]);
    // The link inside the item is kept as text, its URL dropped.
    let with_link = block_with(&doc, "A Transformation Reserve");
    assert!(with_link
        .text
        .contains("The Reserves Policy (opens Democracy Peterborough website - see Appendix D) sets"));
    assert!(!with_link.text.contains("http"));
}

#[test]
fn ne_lincolnshire_page_drops_contents_feedback_and_trailing_cookie_dialog() {
    let doc = extract_sample("ne-lincolnshire.html");
    check(
        &doc,
        &[
            "Skip to content",
            "Bins, waste and recycling",
            "Council tax and benefits",
            "You are here",
            "On this page",
            "Was this page helpful",
            "Last updated",
            "Related pages",
            "Committee meetings",
            "Municipal Offices",
            "DN31 1HU",
            "\u{a9} 2024",
            "Instagram",
            "Your cookie preferences",
            "Accept all",
            "Necessary only",
        ],
        &[
            "The Government is reviewing productivity across all public services",
            "Locally the Council is working with partners to raise awareness",
        ],
    );
    // The contents list repeats the headings' words; they must appear only as headings.
    let backgrounds: Vec<_> = doc.blocks.iter().filter(|b| b.text == "Background").collect();
    assert_eq!(backgrounds.len(), 1);
    assert_eq!(backgrounds[0].kind, BlockKind::Heading);
    assert_eq!(
        block_with(&doc, "Cabinet oversight and endorsement").section,
        [
            "Productivity in Local Government \u{2013} 2024/25 Productivity Plan",
            "Monitoring, governance and oversight",
            "Next steps"
        ]
    );
}

#[test]
fn devon_div_soup_minutes_give_headings_paragraphs_and_the_four_themes() {
    let doc = extract_sample("devon-minutes.html");
    check(
        &doc,
        &[
            "Cookies on this site",
            "Accept all cookies",
            "Committee structure",
            "Browse meetings",
            "Council and democracy",
            "Related pages",
            "Cabinet meetings",
            "Cabinet membership",
            "Print this page",
            "mgPageTitle",
            "enable JavaScript",
            "County Hall",
            "EX2 4QD",
            "\u{a9} Devon County Council",
            "view the full minutes text",
        ],
        &[
            "RESOLVED that the Productivity Plan be approved",
            "the additional allocation of \u{a3}12 million extra funding",
            "requesting the preparation of a \u{201c}Productivity Plan\u{201d}",
        ],
    );
    assert_eq!(doc.title.as_deref(), Some("Productivity Plan"));
    let decision = block_with(&doc, "Decision:");
    assert_eq!((decision.kind, decision.level), (BlockKind::Heading, Some(2)));
    let themes: Vec<&str> =
        doc.blocks.iter().filter(|b| b.kind == BlockKind::ListItem).map(|b| b.text.as_str()).collect();
    assert_eq!(
        themes,
        [
            "How you have transformed the way you design and deliver services to make better use of resources.",
            "How you plan to take advantage of technology and make better use of data to improve decision making, service design and use of resources.",
            "Your plans to reduce wasteful spend within your organisation and systems.",
            "The barriers preventing progress that the Government can help to reduce or remove.",
        ]
    );
}
