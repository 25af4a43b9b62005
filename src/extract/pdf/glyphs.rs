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
