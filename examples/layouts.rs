//! Prints how plansift extracts the generated layout fixtures (`tests/layouts/`):
//! per layout and export (tagged, untagged), paragraphs whole, headings with the
//! right level, furniture blocks; `--broken` lists the units that did not come out
//! whole.
//!
//! Run: `cargo run --release --example layouts [--broken]`

#[path = "../tests/layouts/scorer.rs"]
mod scorer;

fn main() {
    let show_broken = std::env::args().any(|a| a == "--broken");
    let mut scores = Vec::new();
    for truth in scorer::truths() {
        for tagged in [true, false] {
            scores.push(scorer::score(&truth, tagged));
        }
    }
    print!("{}", scorer::table(&scores));
    if show_broken {
        for s in &scores {
            for unit in &s.broken {
                println!("broken {} {}: {}", s.layout, if s.tagged { "tagged" } else { "untagged" }, unit);
            }
        }
    }
}
