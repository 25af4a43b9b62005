//! The structure tree of a tagged PDF, read into the blocks it declares.
//!
//! A tagged PDF (Word and LibreOffice export one when asked, and public-sector
//! accessibility rules ask for it) says in its `/StructTreeRoot` which content is a
//! heading, a paragraph, a list item or a table cell, in reading order. The page's
//! content stream marks that content with MCIDs (see [`Marked`](super::glyphs::Marked));
//! this module walks the tree and lists, per declared block, the `(page, MCID)`
//! pairs whose glyphs make it. Turning those into text is [`super::tagged`]'s job.
//!
//! The walk is bounded: depth, element count and the document's deadline, and every
//! indirect element is visited once (a tree with a cycle ends).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use lopdf::{Dictionary, Object, ObjectId};

use super::objects::Objects;

/// Most /RoleMap hops followed from a custom structure type to a standard one.
const MAX_ROLE_HOPS: usize = 8;
/// Elements visited between two looks at the clock.
const CLOCK_EVERY: usize = 1024;

/// One piece of marked content: the glyphs of `page` shown under `mcid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentRef {
    /// 1-based page number.
    pub page: u32,
    /// The marked-content id on that page.
    pub mcid: u32,
}

/// What a declared block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `H1`-`H6` (level as declared), `H` and `Title`.
    Heading(u8),
    /// `P` and every other block-level element that holds text.
    Paragraph,
    /// `LI` (its `Lbl` marker and `LBody`) and `TOCI`.
    ListItem,
    /// `TR`: its cells in [`StructBlock::cells`].
    TableRow,
}

/// One block the structure tree declares, with the marked content that makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructBlock {
    /// What the block is.
    pub role: Role,
    /// The content, in tree order (for a table row: every cell's, in order).
    pub content: Vec<ContentRef>,
    /// For a table row, each cell's content; empty otherwise.
    pub cells: Vec<Vec<ContentRef>>,
}

/// The blocks a structure tree declares, in its reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StructTree {
    /// Declared blocks in reading order.
    pub blocks: Vec<StructBlock>,
    /// Why the walk stopped early (a bound was reached), if it did.
    pub cut_short: Option<String>,
    /// Structure elements visited.
    pub elements: usize,
}

/// How an element's type is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Groups blocks: its children are read as blocks of their own.
    Grouping,
    /// A block: everything under it (but nested lists and tables) is its text.
    Block(Role),
    /// Text inside a block (`Span`, `Link`, `LBody` ...); standing alone among
    /// blocks it makes a paragraph of its own.
    Inline,
    /// Not content (`Artifact` elements, annotations' placeholders).
    Skipped,
}

fn kind_of(standard: &[u8]) -> Kind {
    match standard {
        b"Document" | b"DocumentFragment" | b"Part" | b"Art" | b"Sect" | b"Div" | b"NonStruct" | b"Private"
        | b"BlockQuote" | b"TOC" | b"Index" | b"L" | b"Table" | b"THead" | b"TBody" | b"TFoot" | b"Aside" | b"Form" => {
            Kind::Grouping
        }
        b"H" | b"Title" => Kind::Block(Role::Heading(1)),
        b"H1" => Kind::Block(Role::Heading(1)),
        b"H2" => Kind::Block(Role::Heading(2)),
        b"H3" => Kind::Block(Role::Heading(3)),
        b"H4" => Kind::Block(Role::Heading(4)),
        b"H5" => Kind::Block(Role::Heading(5)),
        b"H6" => Kind::Block(Role::Heading(6)),
        b"P" | b"Caption" | b"BibEntry" | b"Figure" | b"Formula" | b"FENote" => Kind::Block(Role::Paragraph),
        b"LI" | b"TOCI" => Kind::Block(Role::ListItem),
        b"TR" => Kind::Block(Role::TableRow),
        b"Artifact" | b"Annot" => Kind::Skipped,
        _ => Kind::Inline,
    }
}

/// Bounds of one walk.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Deepest nesting followed.
    pub max_depth: usize,
    /// Most elements visited.
    pub max_elements: usize,
    /// When to stop.
    pub deadline: Instant,
}

/// Reads the structure tree of `doc`, or `None` when it has none (or an empty one
/// that was read to its end).
pub fn read(objects: &Objects, bounds: Bounds) -> Option<StructTree> {
    let catalog = objects.doc.catalog().ok()?;
    let root = objects.get_dict(catalog, b"StructTreeRoot")?;
    let pages: HashMap<ObjectId, u32> = objects.doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let role_map = objects.get_dict(root, b"RoleMap");
    let mut walk = Walk {
        objects,
        pages,
        role_map,
        bounds,
        visited: HashSet::new(),
        tree: StructTree::default(),
        loose: Vec::new(),
        nested: Vec::new(),
        block: None,
    };
    let kids = root.get(b"K").ok()?;
    walk.children(kids, None, 0, &mut Sink::Grouping);
    walk.flush_loose();
    // An empty tree says nothing; one cut short says why its pages were laid out.
    (!walk.tree.blocks.is_empty() || walk.tree.cut_short.is_some()).then_some(walk.tree)
}

/// Where the content found under an element goes.
enum Sink {
    /// Among blocks: loose content becomes a paragraph of its own.
    Grouping,
    /// Inside a block (or a table cell): content is its text.
    Content(Vec<ContentRef>),
    /// Inside a table row: each cell collects its own content.
    Row(Vec<Vec<ContentRef>>),
}

struct Walk<'a, 'o> {
    objects: &'o Objects<'a>,
    pages: HashMap<ObjectId, u32>,
    role_map: Option<&'a Dictionary>,
    bounds: Bounds,
    visited: HashSet<ObjectId>,
    tree: StructTree,
    // Content met among blocks, waiting to become one paragraph.
    loose: Vec<ContentRef>,
    // Groups (lists, tables, boxes) met inside a block, read as blocks once the
    // block is done.
    nested: Vec<(&'a Object, Option<u32>, usize)>,
    // The block being read, if any.
    block: Option<Role>,
}

impl<'a> Walk<'a, '_> {
    fn stopped(&self) -> bool {
        self.tree.cut_short.is_some()
    }

    fn stop(&mut self, why: String) {
        self.tree.cut_short.get_or_insert(why);
    }

    /// The standard type an element's `/S` maps to through the /RoleMap.
    fn standard_type(&self, element: &'a Dictionary) -> &'a [u8] {
        let mut name: &'a [u8] = self.objects.get_name(element, b"S").unwrap_or(b"");
        for _ in 0..MAX_ROLE_HOPS {
            if !matches!(kind_of(name), Kind::Inline) {
                break;
            }
            match self.role_map.and_then(|m| self.objects.get_name(m, name)) {
                Some(mapped) if mapped != name => name = mapped,
                _ => break,
            }
        }
        name
    }

    fn page_of(&self, dict: &'a Dictionary, inherited: Option<u32>) -> Option<u32> {
        match dict.get(b"Pg") {
            Ok(Object::Reference(id)) => self.pages.get(id).copied().or(inherited),
            _ => inherited,
        }
    }

    /// Reads the `/K` entry `kids` of an element on `page` into `sink`.
    fn children(&mut self, kids: &'a Object, page: Option<u32>, depth: usize, sink: &mut Sink) {
        match kids {
            Object::Array(items) => {
                for item in items {
                    if self.stopped() {
                        return;
                    }
                    self.child(item, page, depth, sink);
                }
            }
            other => self.child(other, page, depth, sink),
        }
    }

    fn child(&mut self, kid: &'a Object, page: Option<u32>, depth: usize, sink: &mut Sink) {
        match kid {
            Object::Integer(mcid) => {
                if let (Some(page), Ok(mcid)) = (page, u32::try_from(*mcid)) {
                    self.content(ContentRef { page, mcid }, sink);
                }
            }
            Object::Reference(id) => {
                if !self.visited.insert(*id) {
                    return;
                }
                if let Some(dict) = self.objects.dict(kid) {
                    self.dictionary(dict, page, depth, sink);
                }
            }
            Object::Dictionary(dict) => self.dictionary(dict, page, depth, sink),
            _ => {}
        }
    }

    fn dictionary(&mut self, dict: &'a Dictionary, page: Option<u32>, depth: usize, sink: &mut Sink) {
        match self.objects.get_name(dict, b"Type") {
            // Marked content in a Form XObject (/Stm) numbers the form's content,
            // which the interpreter does not link; its glyphs count as untagged.
            Some(b"MCR") if dict.get(b"Stm").is_err() => {
                let page = self.page_of(dict, page);
                let mcid = self.objects.get(dict, b"MCID").and_then(|o| match o {
                    Object::Integer(i) => u32::try_from(*i).ok(),
                    _ => None,
                });
                if let (Some(page), Some(mcid)) = (page, mcid) {
                    self.content(ContentRef { page, mcid }, sink);
                }
            }
            Some(b"MCR") | Some(b"OBJR") => {}
            _ => self.element(dict, page, depth, sink),
        }
    }

    fn content(&mut self, content: ContentRef, sink: &mut Sink) {
        match sink {
            Sink::Grouping => self.loose.push(content),
            Sink::Content(refs) => refs.push(content),
            // Content directly in a row, outside any cell, is a cell of its own.
            Sink::Row(cells) => cells.push(vec![content]),
        }
    }

    fn element(&mut self, element: &'a Dictionary, page: Option<u32>, depth: usize, sink: &mut Sink) {
        if depth >= self.bounds.max_depth {
            self.stop(format!("the structure tree is nested deeper than {} elements", self.bounds.max_depth));
            return;
        }
        self.tree.elements += 1;
        if self.tree.elements > self.bounds.max_elements {
            self.stop(format!("the structure tree has more than {} elements", self.bounds.max_elements));
            return;
        }
        if self.tree.elements.is_multiple_of(CLOCK_EVERY) && Instant::now() > self.bounds.deadline {
            self.stop("time limit per document reached while reading the structure tree".into());
            return;
        }
        let page = self.page_of(element, page);
        let Ok(kids) = element.get(b"K") else { return };
        let standard = self.standard_type(element);
        let kind = kind_of(standard);
        let is_cell = matches!(standard, b"TD" | b"TH");
        match (kind, &mut *sink) {
            (Kind::Skipped, _) => {}
            (Kind::Grouping, Sink::Grouping) => {
                self.flush_loose();
                self.children(kids, page, depth + 1, sink);
                self.flush_loose();
            }
            // A group inside a block (a nested list, a table, a text box anchored
            // in a paragraph) is read after the block, as blocks of its own.
            // A table row keeps all its cells' text, whatever groups hold it.
            (Kind::Grouping, Sink::Content(_) | Sink::Row(_)) if self.block != Some(Role::TableRow) => {
                self.nested.push((kids, page, depth + 1));
            }
            (Kind::Block(role), Sink::Grouping) => {
                self.flush_loose();
                let mut inner = if role == Role::TableRow { Sink::Row(Vec::new()) } else { Sink::Content(Vec::new()) };
                let nested_before = self.nested.len();
                let outer = self.block.replace(role);
                self.children(kids, page, depth + 1, &mut inner);
                self.block = outer;
                self.push_block(role, inner);
                let nested: Vec<_> = self.nested.drain(nested_before..).collect();
                for (kids, page, depth) in nested {
                    self.children(kids, page, depth, &mut Sink::Grouping);
                    self.flush_loose();
                }
            }
            (_, Sink::Row(cells)) if is_cell || !matches!(kind, Kind::Inline) => {
                let mut cell = Sink::Content(Vec::new());
                self.children(kids, page, depth + 1, &mut cell);
                if let Sink::Content(refs) = cell {
                    if !refs.is_empty() {
                        cells.push(refs);
                    }
                }
            }
            // Inline content among blocks, and anything inside a block or cell,
            // adds to where it stands.
            _ => self.children(kids, page, depth + 1, sink),
        }
    }

    fn push_block(&mut self, role: Role, sink: Sink) {
        let (content, cells) = match sink {
            Sink::Content(refs) => (refs, Vec::new()),
            Sink::Row(cells) => (cells.concat(), cells),
            Sink::Grouping => return,
        };
        if !content.is_empty() {
            self.tree.blocks.push(StructBlock { role, content, cells });
        }
    }

    fn flush_loose(&mut self) {
        if !self.loose.is_empty() {
            let content = std::mem::take(&mut self.loose);
            self.tree.blocks.push(StructBlock { role: Role::Paragraph, content, cells: Vec::new() });
        }
    }
}
