//! PDF extraction on layouts councils publish, rendered from texts of our own by
//! `tests/layouts/generate.py` (Word documents exported by LibreOffice, tagged and
//! untagged), against each layout's block list. The floors are what the layout
//! engine and the tagged path must keep; `cargo run --example layouts` prints the
//! per-layout table.

#[path = "layouts/scorer.rs"]
#[allow(dead_code)]
mod scorer;

use plansift::document::Structure;

fn scores(tagged: bool) -> Vec<scorer::Score> {
    let truths = scorer::truths();
    assert!(truths.len() >= 20, "{} layouts in tests/layouts/out", truths.len());
    truths.iter().map(|t| scorer::score(t, tagged)).collect()
}

fn broken(scores: &[scorer::Score]) -> String {
    scores
        .iter()
        .flat_map(|s| s.broken.iter().map(move |b| format!("  {}: {}", s.layout, &b[..b.len().min(90)])))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn tagged_exports_are_read_from_their_structure_tree() {
    let scores = scores(true);
    let table = scorer::table(&scores);
    for s in &scores {
        assert_eq!(s.structure, Some(Structure::Tagged), "{}\n{table}", s.layout);
    }
    let (whole, units, right, headings, furniture) = scorer::totals(&scores, true);
    assert!(whole * 1000 >= units * 995, "{whole}/{units} whole\n{table}\n{}", broken(&scores));
    assert_eq!(right, headings, "headings with the wrong level\n{table}");
    assert_eq!(furniture, 0, "furniture in the output\n{table}");
}

#[test]
fn untagged_exports_keep_paragraphs_whole_and_drop_furniture() {
    let scores = scores(false);
    let table = scorer::table(&scores);
    for s in &scores {
        assert_eq!(s.structure, Some(Structure::Layout), "{}\n{table}", s.layout);
    }
    let (whole, units, right, headings, furniture) = scorer::totals(&scores, false);
    assert!(whole * 1000 >= units * 985, "{whole}/{units} whole\n{table}\n{}", broken(&scores));
    assert!(right * 100 >= headings * 95, "{right}/{headings} headings\n{table}");
    assert_eq!(furniture, 0, "furniture in the output\n{table}");
}

#[test]
fn numbered_questions_are_headings_in_both_exports() {
    let truths: Vec<scorer::Truth> =
        scorer::truths().into_iter().filter(|t| t.layout.starts_with("numbered-questions")).collect();
    assert!(truths.len() >= 2, "{} numbered-questions fixtures", truths.len());
    for truth in &truths {
        for tagged in [true, false] {
            let score = scorer::score(truth, tagged);
            assert_eq!(score.headings_right, score.headings, "{}", scorer::table(std::slice::from_ref(&score)));
        }
    }
}
