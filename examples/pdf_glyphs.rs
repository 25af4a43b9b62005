//! Prints the positioned glyphs of a PDF, one line per glyph, for inspecting the
//! interpreter's output: `cargo run --example pdf_glyphs -- FILE [PAGE]`.

use plansift::extract::pdf::page_glyphs;
use plansift::limits::Limits;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: pdf_glyphs FILE [PAGE]");
        std::process::exit(2);
    };
    let only_page: Option<u32> = args.get(2).and_then(|p| p.parse().ok());
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    match page_glyphs(&bytes, &Limits::default()) {
        Ok((pages, warnings)) => {
            for page in pages.iter().filter(|p| only_page.is_none_or(|n| n == p.number)) {
                println!(
                    "page {} bbox {:?} glyphs {} rules {} images {}",
                    page.number,
                    page.bbox,
                    page.glyphs.len(),
                    page.rules.len(),
                    page.has_images
                );
                for (i, font) in page.fonts.iter().enumerate() {
                    println!("  font {i}: {font:?}");
                }
                for g in &page.glyphs {
                    println!(
                        "  {:>8.2} {:>8.2} w {:>6.2} s {:>5.2} f{} {}{:?}",
                        g.x,
                        g.y,
                        g.width,
                        g.size,
                        g.font,
                        if g.invisible { "inv " } else { "" },
                        g.text
                    );
                }
            }
            for w in warnings {
                println!("warning: {:?} {} pages {:?}", w.code, w.message, w.pages);
            }
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
