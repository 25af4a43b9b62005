//! Damaged PDFs: a small valid file (fonts, ToUnicode, a Form XObject, compressed
//! streams) and a tagged fixture (structure tree, marked content) are mutated
//! deterministically (bytes flipped, ranges cut or repeated, truncated) and every
//! mutant must come back from extraction as Ok or Err, with no panic escaping and
//! within the time limit.

use std::time::{Duration, Instant};

use lopdf::{dictionary, Object, Stream};
use plansift::extract::pdf::{extract, page_glyphs};
use plansift::limits::Limits;

fn base_pdf() -> Vec<u8> {
    let mut doc = lopdf::Document::with_version("1.5");
    let to_unicode = doc.add_object(Stream::new(
        dictionary! {},
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0001> <0040> <0041> endbfrange"
            .to_vec(),
    ));
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "X", "W" => vec![1.into(), vec![500.into(), 600.into()].into()],
    });
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "X", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![descendant.into()], "ToUnicode" => to_unicode,
    });
    let simple_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman",
        "Encoding" => dictionary! { "Differences" => vec![1.into(), "fi".into(), "endash".into()] },
    });
    let fonts = dictionary! { "F1" => simple_font, "F2" => cid_font };
    let mut form = Stream::new(
        dictionary! { "Subtype" => "Form", "Resources" => dictionary! { "Font" => fonts.clone() } },
        b"BT /F1 12 Tf 72 600 Td (Form \x01nd \x02 text) Tj ET".to_vec(),
    );
    let _ = form.compress();
    let form = doc.add_object(form);
    let mut content = Stream::new(
        dictionary! {},
        b"q 1 0 0 1 0 0 cm BT /F1 12 Tf 72 700 Td [(Hello) -250 (world)] TJ T* /F2 10 Tf <000100020003> Tj ET Q /X1 Do 72 90 m 500 90 l S"
            .to_vec(),
    );
    let _ = content.compress();
    let contents = doc.add_object(content);
    let pages_id = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => contents,
        "Resources" => dictionary! { "Font" => fonts, "XObject" => dictionary! { "X1" => form } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("writes to memory");
    bytes
}

/// xorshift: deterministic, so a failing mutant can be reproduced by its index.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(base: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len());
        match rng.below(5) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => bytes[at] = b"()<>[]/{}0 9RobjstreamTjTJ"[rng.below(26)],
            2 => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(64)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => bytes.truncate(at.max(1)),
        }
        if bytes.is_empty() {
            bytes.push(b'%');
        }
    }
    bytes
}

#[test]
fn the_unmutated_file_reads() {
    let (pages, _) = page_glyphs(&base_pdf(), &Limits::default()).expect("reads");
    let text: String = pages[0].glyphs.iter().map(|g| g.text.as_str()).collect();
    assert!(text.contains("Helloworld") && text.contains("ABC") && text.contains("Form find – text"), "{text}");
}

#[test]
fn mutated_files_end_without_panic_and_in_time() {
    let base = base_pdf();
    let limits = Limits { time_per_document: Duration::from_secs(5), ..Limits::default() };
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    for index in 0..400 {
        let mutant = mutate(&base, &mut rng);
        let started = Instant::now();
        let _ = page_glyphs(&mutant, &limits);
        let _ = extract(&mutant, &limits);
        assert!(started.elapsed() < Duration::from_secs(20), "mutant {index} took {:?}", started.elapsed());
    }
}

/// A tagged fixture (structure tree, marked content, artifacts) with every stream
/// decompressed, so that mutations reach the tree and the BDC/EMC operators.
fn tagged_pdf() -> Vec<u8> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/layouts/out/lists-and-numbering-sans.tagged.pdf");
    let mut doc = lopdf::Document::load(&path).expect("the fixture reads");
    doc.decompress();
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("writes to memory");
    bytes
}

#[test]
fn mutated_tagged_files_end_without_panic_and_in_time() {
    let base = tagged_pdf();
    let document = extract(&base, &Limits::default()).expect("the decompressed fixture reads");
    assert_eq!(document.structure, Some(plansift::document::Structure::Tagged));
    let limits = Limits { time_per_document: Duration::from_secs(5), ..Limits::default() };
    let mut rng = Rng(0x7a99_ed00_5eed_0042);
    for index in 0..300 {
        let mutant = mutate(&base, &mut rng);
        let started = Instant::now();
        let _ = extract(&mutant, &limits);
        assert!(started.elapsed() < Duration::from_secs(20), "mutant {index} took {:?}", started.elapsed());
    }
}
