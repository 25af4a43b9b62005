//! HTML extraction: the main content of a page as blocks.

use scraper::{ElementRef, Html, Selector};

use super::charset;
use crate::document::{collapse_whitespace, Block, BlockKind, Document};
use crate::limits::Limits;

/// Extracts the main content of an HTML page.
pub fn extract(bytes: &[u8], content_type: Option<&str>, _limits: &Limits) -> Document {
    let decoded = charset::decode(bytes, content_type, true);
    let html = Html::parse_document(&decoded.text);
    let mut blocks = Vec::new();
    let selector = Selector::parse("h1, h2, h3, h4, h5, h6, p, li, tr").expect("valid selector");
    for element in html.select(&selector) {
        let text = collapse_whitespace(&element.text().collect::<String>());
        if text.is_empty() {
            continue;
        }
        let name = element.value().name();
        blocks.push(match name {
            "li" => Block::new(BlockKind::ListItem, text),
            "tr" => Block::new(BlockKind::TableRow, text),
            "p" => Block::new(BlockKind::Paragraph, text),
            _ => Block::heading(name[1..].parse().unwrap_or(2), text),
        });
    }
    let title = Selector::parse("title")
        .ok()
        .and_then(|s| html.select(&s).next().map(|t: ElementRef| collapse_whitespace(&t.text().collect::<String>())));
    Document { title, pages: None, blocks, warnings: Vec::new() }
}
