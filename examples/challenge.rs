//! Prints the classifier's figures on the challenge set (`tests/challenge/`):
//! `cargo run --release --example challenge [-- --errors] [RULES.toml]`.

#[path = "../tests/challenge/scorer.rs"]
#[allow(dead_code)]
mod scorer;

use plansift::classify::{Classifier, Rules};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_errors = args.iter().any(|a| a == "--errors");
    let classifier = match args.iter().find(|a| !a.starts_with("--")) {
        Some(path) => Rules::from_path(std::path::Path::new(path)).and_then(Classifier::new),
        None => Classifier::builtin(),
    };
    let classifier = match classifier {
        Ok(c) => c,
        Err(e) => {
            eprintln!("challenge: {e}");
            std::process::exit(2);
        }
    };
    let items = scorer::read_items();
    let challenge = scorer::score_items(&classifier, &items);
    print!("{}", scorer::to_text(&challenge));
    if show_errors {
        for (id, text, gold, predicted) in &challenge.errors {
            println!("{id}\t{gold}\t=> {predicted}\t{text}");
        }
    }
    let documents = scorer::score_documents(&classifier);
    println!("synthetic documents:");
    print!("{}", documents.to_text());
}
