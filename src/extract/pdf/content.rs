//! The content-stream interpreter: runs a page's operators and yields positioned
//! glyphs, image coverage and straight rules.
//!
//! It tracks what text placement depends on (CTM with a bounded q/Q stack, text and
//! text line matrices, Tc, Tw, Tz, TL, Ts, Tf, Tr) and follows Form XObjects with
//! their own matrix and resources, bounded in depth and guarded against cycles. It
//! does not render: colours, clipping, shading and Type3 glyph procedures are ignored.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::time::Instant;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Object, ObjectId};

use super::font::Font;
use super::glyphs::{Glyph, Marked, PageGlyphs};
use super::objects::{Objects, StreamError};

/// A 2-D affine matrix [a b c d e f], row-vector convention as in the PDF spec.
pub type Matrix = [f32; 6];

/// The identity matrix.
pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n`: the matrix that maps a point first through `m`, then through `n`.
pub fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

/// Most operations run on one page (Form XObjects included) before it is cut short.
const MAX_OPERATIONS_PER_PAGE: usize = 5_000_000;
/// Operations between two looks at the clock.
const CLOCK_EVERY: usize = 2048;
/// Most graphics states saved (q) at once in one content stream.
const MAX_SAVED_STATES: usize = 1024;
/// Most rules kept per page.
const MAX_RULES: usize = 20_000;
/// Most pending path segments kept before a painting operator.
const MAX_PATH_SEGMENTS: usize = 20_000;
/// An image covering this share of the page counts as a page image.
const IMAGE_AREA_SHARE: f32 = 0.1;
/// Most glyphs kept per page (a hostile page can show millions).
const MAX_GLYPHS_PER_PAGE: usize = 500_000;
/// Deepest marked-content nesting tracked; deeper sequences are counted, not kept.
const MAX_MARKED_DEPTH: usize = 256;

/// A font as the interpreter holds it: loaded once per document.
pub type FontCache = HashMap<FontKey, Rc<Font>>;

/// Identifies a font dictionary across pages: by object id, or by address for a
/// direct dictionary (stable while the document is borrowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FontKey {
    /// An indirect font object.
    Object(ObjectId),
    /// A direct dictionary inside a resource dictionary.
    Address(usize),
}

/// What went wrong or was cut short on a page, for warnings.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PageReport {
    /// Glyphs whose code had no Unicode mapping.
    pub unmapped_glyphs: usize,
    /// Glyphs shown with no font set (Tj before Tf) or an unknown font name.
    pub glyphs_without_font: usize,
    /// Content that could not be read (bad filters, syntax errors), described.
    pub unreadable: Vec<String>,
    /// A limit (time, depth, size, count) stopped part of the page.
    pub limit_reached: Option<String>,
}

#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    font: Option<(Rc<Font>, u16)>,
    font_size: f32,
    char_spacing: f32,
    word_spacing: f32,
    horizontal_scale: f32,
    leading: f32,
    rise: f32,
    render_mode: i64,
}

impl GraphicsState {
    fn new(ctm: Matrix) -> GraphicsState {
        GraphicsState {
            ctm,
            font: None,
            font_size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            render_mode: 0,
        }
    }
}

/// Interprets the content of one page.
pub struct PageInterpreter<'a, 'c> {
    objects: &'a Objects<'a>,
    fonts: &'c mut FontCache,
    page_fonts: HashMap<FontKey, u16>,
    page: PageGlyphs,
    report: PageReport,
    max_depth: usize,
    deadline: Instant,
    operations: usize,
    stopped: bool,
    form_stack: Vec<FormKey>,
    // Path under construction, in user space.
    path: Vec<[f32; 4]>,
    current_point: (f32, f32),
    subpath_start: (f32, f32),
    page_area: f32,
    largest_image_share: f32,
    seen_rules: HashSet<[i32; 4]>,
    // Open marked-content sequences (BMC/BDC), innermost last, what each marks,
    // and how many past the bound were only counted.
    marked: Vec<Marked>,
    marked_uncounted: usize,
    current_mark: Marked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormKey {
    Object(ObjectId),
    Address(usize),
}

impl<'a, 'c> PageInterpreter<'a, 'c> {
    /// An interpreter for page `number` with box `bbox`, sharing the document's
    /// font cache, following Form XObjects `max_depth` deep, stopping at `deadline`.
    pub fn new(
        objects: &'a Objects<'a>,
        fonts: &'c mut FontCache,
        number: u32,
        bbox: [f32; 4],
        max_depth: usize,
        deadline: Instant,
    ) -> Self {
        let page_area = ((bbox[2] - bbox[0]) * (bbox[3] - bbox[1])).abs().max(1.0);
        PageInterpreter {
            objects,
            fonts,
            page_fonts: HashMap::new(),
            page: PageGlyphs { number, bbox, ..PageGlyphs::default() },
            report: PageReport::default(),
            max_depth,
            deadline,
            operations: 0,
            stopped: false,
            form_stack: Vec::new(),
            path: Vec::new(),
            current_point: (0.0, 0.0),
            subpath_start: (0.0, 0.0),
            page_area,
            largest_image_share: 0.0,
            seen_rules: HashSet::new(),
            marked: Vec::new(),
            marked_uncounted: 0,
            current_mark: Marked::Unmarked,
        }
    }

    /// Runs the page's content (already concatenated) with `resources`, then
    /// returns the glyphs and what went wrong.
    pub fn run_page(mut self, content: &[u8], resources: Option<&'a Dictionary>) -> (PageGlyphs, PageReport) {
        let mut state = GraphicsState::new(IDENTITY);
        self.run(content, resources, &mut state);
        self.page.has_images = self.largest_image_share >= IMAGE_AREA_SHARE;
        self.page.turn_upright();
        (self.page, self.report)
    }

    fn limit(&mut self, what: impl Into<String>) {
        self.stopped = true;
        if self.report.limit_reached.is_none() {
            self.report.limit_reached = Some(what.into());
        }
    }

    fn run(&mut self, content: &[u8], resources: Option<&'a Dictionary>, gs: &mut GraphicsState) {
        let mut stack: Vec<GraphicsState> = Vec::new();
        let mut unsaved = 0usize;
        let mut text_matrix = IDENTITY;
        let mut line_matrix = IDENTITY;
        for operation in Content::decode_iter(content) {
            if self.stopped {
                return;
            }
            self.operations += 1;
            if self.operations.is_multiple_of(CLOCK_EVERY) && Instant::now() > self.deadline {
                self.limit("time limit per document reached");
                return;
            }
            if self.operations > MAX_OPERATIONS_PER_PAGE {
                self.limit(format!("more than {MAX_OPERATIONS_PER_PAGE} content operations on one page"));
                return;
            }
            let operation = match operation {
                Ok(op) => op,
                Err(e) => {
                    self.report.unreadable.push(format!("content stream syntax error: {e}"));
                    return;
                }
            };
            let Operation { operator, operands } = &operation;
            let n = |i: usize| operands.get(i).and_then(number).unwrap_or(0.0);
            match operator.as_str() {
                "q" => {
                    if stack.len() < MAX_SAVED_STATES {
                        stack.push(gs.clone());
                    } else {
                        // Past the bound, saves are counted, not kept, so that the
                        // matching restores still pair up.
                        unsaved += 1;
                    }
                }
                "Q" => {
                    if unsaved > 0 {
                        unsaved -= 1;
                    } else if let Some(saved) = stack.pop() {
                        *gs = saved;
                    }
                }
                "cm" => {
                    if let Some(m) = matrix_operands(operands) {
                        gs.ctm = multiply(&m, &gs.ctm);
                    }
                }
                "BT" => {
                    text_matrix = IDENTITY;
                    line_matrix = IDENTITY;
                }
                "ET" => {}
                "Tc" => gs.char_spacing = n(0),
                "Tw" => gs.word_spacing = n(0),
                "Tz" => gs.horizontal_scale = n(0) / 100.0,
                "TL" => gs.leading = n(0),
                "Ts" => gs.rise = n(0),
                "Tr" => gs.render_mode = n(0) as i64,
                "Tf" => {
                    gs.font_size = n(1);
                    gs.font = match operands.first() {
                        Some(Object::Name(name)) => self.font(resources, name),
                        _ => None,
                    };
                }
                "Td" => {
                    line_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &line_matrix);
                    text_matrix = line_matrix;
                }
                "TD" => {
                    gs.leading = -n(1);
                    line_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &line_matrix);
                    text_matrix = line_matrix;
                }
                "Tm" => {
                    if let Some(m) = matrix_operands(operands) {
                        line_matrix = m;
                        text_matrix = m;
                    }
                }
                "T*" => {
                    line_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &line_matrix);
                    text_matrix = line_matrix;
                }
                "Tj" => {
                    if let Some(Object::String(bytes, _)) = operands.first() {
                        self.show(gs, &mut text_matrix, bytes);
                    }
                }
                "'" | "\"" => {
                    if operator == "\"" {
                        gs.word_spacing = n(0);
                        gs.char_spacing = n(1);
                    }
                    line_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &line_matrix);
                    text_matrix = line_matrix;
                    if let Some(Object::String(bytes, _)) = operands.last() {
                        self.show(gs, &mut text_matrix, bytes);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = operands.first() {
                        for item in items {
                            match item {
                                Object::String(bytes, _) => self.show(gs, &mut text_matrix, bytes),
                                other => {
                                    if let Some(adjust) = number(other) {
                                        let amount = -adjust / 1000.0 * gs.font_size;
                                        let vertical = gs.font.as_ref().is_some_and(|(f, _)| f.vertical);
                                        let (tx, ty) =
                                            if vertical { (0.0, amount) } else { (amount * gs.horizontal_scale, 0.0) };
                                        text_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, tx, ty], &text_matrix);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    if let Some(Object::Name(name)) = operands.first() {
                        self.do_xobject(resources, name, gs);
                    }
                }
                "BMC" | "BDC" => self.begin_marked(operator == "BDC", operands, resources),
                "EMC" => self.end_marked(),
                "BI" => self.image(&gs.ctm),
                "m" => {
                    let p = apply(&gs.ctm, n(0), n(1));
                    self.current_point = p;
                    self.subpath_start = p;
                }
                "l" => {
                    let p = apply(&gs.ctm, n(0), n(1));
                    self.segment(self.current_point, p);
                    self.current_point = p;
                }
                "c" => self.current_point = apply(&gs.ctm, n(4), n(5)),
                "v" | "y" => self.current_point = apply(&gs.ctm, n(2), n(3)),
                "h" => {
                    self.segment(self.current_point, self.subpath_start);
                    self.current_point = self.subpath_start;
                }
                "re" => self.rectangle(&gs.ctm, n(0), n(1), n(2), n(3)),
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                    if operator == "s" || operator == "b" || operator == "b*" {
                        self.segment(self.current_point, self.subpath_start);
                    }
                    self.paint_path();
                }
                "n" => self.path.clear(),
                _ => {}
            }
        }
    }

    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<(Rc<Font>, u16)> {
        let fonts = resources.and_then(|r| self.objects.get_dict(r, b"Font"))?;
        let entry = fonts.get(name).ok()?;
        let key = match entry {
            Object::Reference(id) => FontKey::Object(*id),
            other => FontKey::Address(other as *const Object as usize),
        };
        let font = match self.fonts.get(&key) {
            Some(font) => font.clone(),
            None => {
                let dict = self.objects.dict(entry)?;
                let font = Rc::new(Font::load(self.objects, dict));
                self.fonts.insert(key, font.clone());
                font
            }
        };
        let next_index = self.page.fonts.len();
        let index = match self.page_fonts.get(&key) {
            Some(&i) => i,
            None => {
                let i = u16::try_from(next_index).unwrap_or(u16::MAX);
                if next_index <= usize::from(u16::MAX) {
                    self.page.fonts.push(font.info.clone());
                }
                self.page_fonts.insert(key, i);
                i
            }
        };
        Some((font, index))
    }

    fn show(&mut self, gs: &GraphicsState, text_matrix: &mut Matrix, bytes: &[u8]) {
        let Some((font, font_index)) = gs.font.clone() else {
            self.report.glyphs_without_font += bytes.len();
            return;
        };
        let size = gs.font_size;
        let scale = gs.horizontal_scale;
        let invisible = gs.render_mode == 3 || gs.render_mode == 7;
        let mut rest = bytes;
        while !rest.is_empty() {
            let code = font.next_code(rest);
            rest = &rest[code.len.min(rest.len())..];
            let w0 = font.width(code);
            let render = multiply(&[size * scale, 0.0, 0.0, size, 0.0, gs.rise], &multiply(text_matrix, &gs.ctm));
            let spacing =
                if code.len == 1 && code.code == 32 { gs.char_spacing + gs.word_spacing } else { gs.char_spacing };
            let text = match font.text(code) {
                Some(t) => Some(t),
                None => {
                    self.report.unmapped_glyphs += 1;
                    Some("\u{FFFD}".to_owned())
                }
            };
            if let Some(text) = text.filter(|t| t.chars().any(|c| !c.is_control())) {
                if self.page.glyphs.len() < MAX_GLYPHS_PER_PAGE {
                    let x_scale = render[0].hypot(render[1]);
                    let turn = if render[0].abs() >= render[1].abs() {
                        if render[0] >= 0.0 {
                            0
                        } else {
                            2
                        }
                    } else if render[1] > 0.0 {
                        1
                    } else {
                        3
                    };
                    self.page.glyphs.push(Glyph {
                        text,
                        x: render[4],
                        y: render[5],
                        width: w0 * x_scale,
                        size: render[2].hypot(render[3]),
                        font: font_index,
                        invisible,
                        marked: self.current_mark,
                        turn,
                    });
                } else {
                    self.limit(format!("more than {MAX_GLYPHS_PER_PAGE} glyphs on one page"));
                    return;
                }
            }
            let (tx, ty) = if font.vertical { (0.0, -size + spacing) } else { ((w0 * size + spacing) * scale, 0.0) };
            *text_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, tx, ty], text_matrix);
        }
    }

    fn do_xobject(&mut self, resources: Option<&'a Dictionary>, name: &[u8], gs: &GraphicsState) {
        let Some(entry) = resources.and_then(|r| self.objects.get_dict(r, b"XObject")).and_then(|x| x.get(name).ok())
        else {
            return;
        };
        let Some(stream) = self.objects.stream(entry) else { return };
        match self.objects.get_name(&stream.dict, b"Subtype") {
            Some(b"Image") => self.image(&gs.ctm),
            Some(b"Form") => {
                let key = match entry {
                    Object::Reference(id) => FormKey::Object(*id),
                    other => FormKey::Address(other as *const Object as usize),
                };
                if self.form_stack.contains(&key) {
                    self.report.unreadable.push("a Form XObject draws itself (cycle skipped)".into());
                    return;
                }
                if self.form_stack.len() >= self.max_depth {
                    self.report.limit_reached.get_or_insert_with(|| "Form XObjects nested too deep".into());
                    return;
                }
                let data = match self.objects.content(stream) {
                    Ok(d) => d,
                    Err(e) => {
                        self.stream_error(e);
                        return;
                    }
                };
                let matrix = stream.dict.get(b"Matrix").ok().and_then(|m| self.objects.matrix(m)).unwrap_or(IDENTITY);
                let form_resources = self.objects.get_dict(&stream.dict, b"Resources").or(resources);
                let mut inner = gs.clone();
                inner.ctm = multiply(&matrix, &gs.ctm);
                self.form_stack.push(key);
                self.run(&data, form_resources, &mut inner);
                self.form_stack.pop();
            }
            _ => {}
        }
    }

    /// Opens a marked-content sequence. An `/Artifact` tag marks everything inside it
    /// as furniture; otherwise an MCID (inline, or in the named /Properties entry)
    /// links what is inside to the structure tree. MCIDs inside Form XObjects
    /// number the form's own content, not the page's, so they are not taken.
    fn begin_marked(&mut self, with_properties: bool, operands: &[Object], resources: Option<&'a Dictionary>) {
        if self.marked.len() >= MAX_MARKED_DEPTH {
            self.marked_uncounted += 1;
            return;
        }
        let tag = match operands.first() {
            Some(Object::Name(name)) => name.as_slice(),
            _ => b"",
        };
        let mark = if tag == b"Artifact" {
            Marked::Artifact
        } else if with_properties && self.form_stack.is_empty() {
            let mcid: Option<&Object> = match operands.get(1) {
                Some(Object::Dictionary(inline)) => inline.get(b"MCID").ok(),
                Some(Object::Name(name)) => resources
                    .and_then(|r| self.objects.get_dict(r, b"Properties"))
                    .and_then(|p| p.get(name).ok())
                    .and_then(|entry| self.objects.dict(entry))
                    .and_then(|p| self.objects.get(p, b"MCID")),
                _ => None,
            };
            mcid.and_then(|id| match id {
                Object::Integer(i) => u32::try_from(*i).ok(),
                _ => None,
            })
            .map_or(self.current_mark, Marked::Content)
        } else {
            self.current_mark
        };
        // An artifact stays one whatever is opened inside it.
        let mark = if self.current_mark == Marked::Artifact { Marked::Artifact } else { mark };
        self.marked.push(mark);
        self.current_mark = mark;
    }

    fn end_marked(&mut self) {
        if self.marked_uncounted > 0 {
            self.marked_uncounted -= 1;
            return;
        }
        self.marked.pop();
        self.current_mark = self.marked.last().copied().unwrap_or(Marked::Unmarked);
    }

    /// Records an image painted in the unit square under `ctm`.
    fn image(&mut self, ctm: &Matrix) {
        let corners = [apply(ctm, 0.0, 0.0), apply(ctm, 1.0, 0.0), apply(ctm, 0.0, 1.0), apply(ctm, 1.0, 1.0)];
        let [bx0, by0, bx1, by1] = self.page.bbox;
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for (x, y) in corners {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        let width = (x1.min(bx0.max(bx1)) - x0.max(bx0.min(bx1))).max(0.0);
        let height = (y1.min(by0.max(by1)) - y0.max(by0.min(by1))).max(0.0);
        let share = width * height / self.page_area;
        if share.is_finite() && share > self.largest_image_share {
            self.largest_image_share = share;
        }
    }

    pub(crate) fn stream_error(&mut self, error: StreamError) {
        match error {
            StreamError::StreamTooLarge => {
                self.report.limit_reached.get_or_insert_with(|| "a stream inflates past the per-stream limit".into());
            }
            StreamError::DocumentBudgetSpent => {
                self.limit("the document's inflated-bytes budget is spent");
            }
            StreamError::Undecodable(e) => self.report.unreadable.push(format!("undecodable stream: {e}")),
        }
    }

    fn segment(&mut self, from: (f32, f32), to: (f32, f32)) {
        if self.path.len() < MAX_PATH_SEGMENTS {
            self.path.push([from.0, from.1, to.0, to.1]);
        }
    }

    fn rectangle(&mut self, ctm: &Matrix, x: f32, y: f32, w: f32, h: f32) {
        let p = [apply(ctm, x, y), apply(ctm, x + w, y), apply(ctm, x + w, y + h), apply(ctm, x, y + h)];
        self.current_point = p[0];
        self.subpath_start = p[0];
        let area = ((p[1].0 - p[0].0).hypot(p[1].1 - p[0].1)) * ((p[3].0 - p[0].0).hypot(p[3].1 - p[0].1));
        // A page-sized rectangle is a background or a clip, not a rule.
        if area > 0.8 * self.page_area {
            return;
        }
        for i in 0..4 {
            self.segment(p[i], p[(i + 1) % 4]);
        }
    }

    fn paint_path(&mut self) {
        for [x0, y0, x1, y1] in self.path.drain(..) {
            let straight = (y0 - y1).abs() < 0.5 || (x0 - x1).abs() < 0.5;
            let long_enough = (x1 - x0).hypot(y1 - y0) >= 1.0;
            if straight
                && long_enough
                && self.page.rules.len() < MAX_RULES
                && [x0, y0, x1, y1].iter().all(|v| v.is_finite())
            {
                let rule = [x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)];
                // Adjacent table cells draw their shared edges twice; keep one.
                let key = rule.map(|v| (v * 10.0).round() as i32);
                if self.seen_rules.insert(key) {
                    self.page.rules.push(rule);
                }
            }
        }
    }
}

fn number(object: &Object) -> Option<f32> {
    match object {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn matrix_operands(operands: &[Object]) -> Option<Matrix> {
    if operands.len() < 6 {
        return None;
    }
    let mut m = [0.0; 6];
    for (slot, o) in m.iter_mut().zip(&operands[operands.len() - 6..]) {
        *slot = number(o)?;
    }
    Some(m)
}
