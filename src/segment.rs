//! Segmentation: a document's blocks become the numbered paragraphs (units) that
//! are classified, searched for figures and written to the record.
//!
//! Headings are not units: they survive as the `section` path of the units beneath
//! them. Ids are `p1`, `p2`, ... in reading order across every part of a plan.

use crate::document::{BlockKind, Document};

/// One unit of running text: a paragraph, list item or table row.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// Stable id within the council's record, `p1`, `p2`, ... in reading order.
    pub id: String,
    /// Paragraph, list item or table row (never a heading).
    pub kind: BlockKind,
    /// The text, whitespace collapsed.
    pub text: String,
    /// 1-based page number in paged sources.
    pub page: Option<u32>,
    /// The headings above this unit, outermost first.
    pub section: Vec<String>,
    /// Index of the plan part (0 for the first document) this unit comes from.
    pub part: usize,
}

/// Turns the documents of one council's plan, in order, into units.
pub fn segment(parts: &[Document]) -> Vec<Paragraph> {
    let mut paragraphs = Vec::new();
    for (part, document) in parts.iter().enumerate() {
        for block in document.text_blocks() {
            // A unit says something: a paragraph or list item of digits and
            // punctuation alone ("12.", an item number left by a layout table)
            // does not. A table row of figures does.
            let says_something = if block.kind == BlockKind::TableRow {
                block.text.chars().any(char::is_alphanumeric)
            } else {
                block.text.chars().any(char::is_alphabetic)
            };
            if !says_something {
                continue;
            }
            paragraphs.push(Paragraph {
                id: format!("p{}", paragraphs.len() + 1),
                kind: block.kind,
                text: block.text.clone(),
                page: block.page,
                section: block.section.clone(),
                part,
            });
        }
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;

    #[test]
    fn units_are_numbered_across_parts_without_headings() {
        let mut first = Document {
            blocks: vec![Block::heading(1, "Plan"), Block::new(BlockKind::Paragraph, "One.")],
            ..Document::default()
        };
        first.assign_sections();
        let second = Document {
            blocks: vec![Block::new(BlockKind::ListItem, "• Two"), Block::new(BlockKind::Paragraph, "•")],
            ..Document::default()
        };
        let units = segment(&[first, second]);
        assert_eq!(units.len(), 2);
        assert_eq!(
            (units[0].id.as_str(), units[0].section.clone(), units[0].part),
            ("p1", vec!["Plan".to_string()], 0)
        );
        assert_eq!((units[1].id.as_str(), units[1].kind, units[1].part), ("p2", BlockKind::ListItem, 1));
    }
}
