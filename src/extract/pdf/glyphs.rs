//! Positioned glyphs: the contract between the content-stream interpreter (which
//! produces them) and the layout engine (which turns them into blocks).

/// One shown glyph (or ligature) with its place on the page.
///
/// Coordinates are in PDF user space of the page after the CTM and text matrix are
/// applied: points, origin at the page's lower-left corner of the MediaBox, y up.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The Unicode text of the glyph: usually one character, several for a
    /// ligature ("ffi"), a space for a space glyph. Never empty.
    pub text: String,
    /// X of the glyph origin (left edge for horizontal writing).
    pub x: f32,
    /// Y of the baseline.
    pub y: f32,
    /// Advance width in user space (already scaled by size, Tz and matrices).
    pub width: f32,
    /// Effective font size in user space (the height an em takes on the page).
    pub size: f32,
    /// Index of the font in [`PageGlyphs::fonts`].
    pub font: u16,
    /// Whether the glyph was drawn invisibly (text render mode 3, e.g. OCR layers).
    pub invisible: bool,
    /// The marked-content sequence the glyph was shown in, which links it to the
    /// document's structure tree in a tagged PDF.
    pub marked: Marked,
    /// Which way the text runs on the page, in quarter turns counter-clockwise
    /// from left-to-right: 0 upright, 1 running up, 2 upside down, 3 running down.
    pub turn: u8,
}

/// Where a glyph stands in a page's marked content (`BDC` ... `EMC`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Marked {
    /// Shown outside any marked-content sequence with an MCID.
    #[default]
    Unmarked,
    /// Shown inside the sequence with this marked-content id: the structure tree's
    /// elements name the ids whose content they hold.
    Content(u32),
    /// Shown inside an `/Artifact` sequence: running headers, footers, page numbers
    /// and decoration that a tagged document says are not content.
    Artifact,
}

/// What the layout engine may want to know about a font.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FontInfo {
    /// The BaseFont name without a subset prefix ("LiberationSans-Bold").
    pub name: String,
    /// Bold by name, weight or flags.
    pub bold: bool,
    /// Italic by name, angle or flags.
    pub italic: bool,
    /// Monospaced.
    pub fixed_pitch: bool,
}

/// All glyphs of one page, in content-stream order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageGlyphs {
    /// 1-based page number.
    pub number: u32,
    /// Page box (MediaBox, or CropBox where set): [x0, y0, x1, y1].
    pub bbox: [f32; 4],
    /// The glyphs, in the order the content stream shows them.
    pub glyphs: Vec<Glyph>,
    /// Fonts referenced by [`Glyph::font`].
    pub fonts: Vec<FontInfo>,
    /// Whether the page paints images covering a substantial area (for OCR detection).
    pub has_images: bool,
    /// Straight lines and rectangle edges drawn on the page (table rules, column
    /// rules), as [x0, y0, x1, y1]; the layout engine may use them.
    pub rules: Vec<[f32; 4]>,
}

impl PageGlyphs {
    /// Turns the page so that most of its text runs left to right: a page whose
    /// text is drawn turned (a landscape listing printed on a portrait page, a
    /// page rotated by its content matrix) is laid out as it is read, with its
    /// glyph positions, rules and box turned the same way. Upright pages, the
    /// usual case, are left as they are.
    pub fn turn_upright(&mut self) {
        let mut turned = [0usize; 4];
        for glyph in &self.glyphs {
            turned[usize::from(glyph.turn % 4)] += glyph.text.chars().count();
        }
        let (turn, count) = turned.iter().enumerate().max_by_key(|(_, n)| **n).map_or((0, 0), |(t, n)| (t, *n));
        if turn == 0 || count * 2 <= self.glyphs.len() {
            return;
        }
        // Turning the page back by `turn` quarter turns makes that text upright.
        let back = |(x, y): (f32, f32)| match turn {
            1 => (y, -x),
            2 => (-x, -y),
            _ => (-y, x),
        };
        for glyph in &mut self.glyphs {
            (glyph.x, glyph.y) = back((glyph.x, glyph.y));
            glyph.turn = (glyph.turn + 4 - turn as u8) % 4;
        }
        let boxed = |[x0, y0, x1, y1]: [f32; 4]| {
            let (a, b) = (back((x0, y0)), back((x1, y1)));
            [a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1)]
        };
        self.bbox = boxed(self.bbox);
        for rule in &mut self.rules {
            *rule = boxed(*rule);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_text_running_up_is_turned_to_read_left_to_right() {
        // Two lines running up the page: the first nearer the left edge.
        let glyph = |text: &str, x: f32, y: f32| Glyph {
            text: text.into(),
            x,
            y,
            width: 6.0,
            size: 10.0,
            font: 0,
            invisible: false,
            marked: Marked::Unmarked,
            turn: 1,
        };
        let mut page = PageGlyphs {
            number: 1,
            bbox: [0.0, 0.0, 595.0, 842.0],
            glyphs: vec![glyph("A", 100.0, 50.0), glyph("B", 100.0, 56.0), glyph("C", 120.0, 50.0)],
            rules: vec![[90.0, 40.0, 90.0, 300.0]],
            ..PageGlyphs::default()
        };
        page.turn_upright();
        let (a, b, c) = (&page.glyphs[0], &page.glyphs[1], &page.glyphs[2]);
        assert!(a.turn == 0 && b.x > a.x && (a.y - b.y).abs() < 0.01, "A then B on one line: {a:?} {b:?}");
        assert!(c.y < a.y, "the line further right comes below: {c:?}");
        assert_eq!(page.bbox, [0.0, -595.0, 842.0, 0.0]);
        assert_eq!(page.rules[0], [40.0, -90.0, 300.0, -90.0], "a vertical rule is now horizontal");

        let mut upright =
            PageGlyphs { glyphs: vec![Glyph { turn: 0, ..glyph("A", 1.0, 2.0) }], ..PageGlyphs::default() };
        upright.turn_upright();
        assert_eq!((upright.glyphs[0].x, upright.glyphs[0].y), (1.0, 2.0));
    }
}
