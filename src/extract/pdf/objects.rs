//! Bounded access to lopdf objects: reference chains followed a fixed number of hops,
//! stream contents inflated under per-stream and per-document budgets.

use std::cell::Cell;

use lopdf::{Dictionary, Object, Stream};

/// Longest chain of `n 0 R` references followed before giving up (a cycle `1 0 R ->
/// 1 0 R` would otherwise never end).
const MAX_REFERENCE_HOPS: usize = 32;

/// Why a stream's content could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamError {
    /// The stream inflates past the per-stream limit.
    StreamTooLarge,
    /// The document's total of inflated bytes is spent.
    DocumentBudgetSpent,
    /// A filter failed (corrupt data or an unsupported filter).
    Undecodable(String),
}

/// A read-only view of a loaded document with the inflation budget of one extraction.
pub struct Objects<'a> {
    /// The loaded document.
    pub doc: &'a lopdf::Document,
    max_stream_bytes: usize,
    budget_left: Cell<u64>,
}

impl<'a> Objects<'a> {
    /// A view of `doc` that inflates at most `max_stream_bytes` per stream and
    /// `document_budget` bytes in all.
    pub fn new(doc: &'a lopdf::Document, max_stream_bytes: u64, document_budget: u64) -> Objects<'a> {
        Objects {
            doc,
            max_stream_bytes: usize::try_from(max_stream_bytes).unwrap_or(usize::MAX),
            budget_left: Cell::new(document_budget),
        }
    }

    /// Follows references from `object` to a direct object; `Null` for a dangling
    /// reference or a chain longer than [`MAX_REFERENCE_HOPS`].
    pub fn resolve(&self, mut object: &'a Object) -> &'a Object {
        for _ in 0..MAX_REFERENCE_HOPS {
            match object {
                Object::Reference(id) => match self.doc.objects.get(id) {
                    Some(target) => object = target,
                    None => return &Object::Null,
                },
                _ => return object,
            }
        }
        &Object::Null
    }

    /// The dictionary `object` is or refers to (a stream's dictionary included).
    pub fn dict(&self, object: &'a Object) -> Option<&'a Dictionary> {
        match self.resolve(object) {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    /// The stream `object` is or refers to.
    pub fn stream(&self, object: &'a Object) -> Option<&'a Stream> {
        match self.resolve(object) {
            Object::Stream(s) => Some(s),
            _ => None,
        }
    }

    /// `dict[key]`, references followed.
    pub fn get(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
        match dict.get(key).ok().map(|o| self.resolve(o)) {
            Some(Object::Null) | None => None,
            Some(o) => Some(o),
        }
    }

    /// `dict[key]` as a dictionary.
    pub fn get_dict(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
        dict.get(key).ok().and_then(|o| self.dict(o))
    }

    /// `dict[key]` as an array.
    pub fn get_array(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
        match self.get(dict, key) {
            Some(Object::Array(a)) => Some(a),
            _ => None,
        }
    }

    /// `dict[key]` as a name.
    pub fn get_name(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
        match self.get(dict, key) {
            Some(Object::Name(n)) => Some(n),
            _ => None,
        }
    }

    /// `dict[key]` as a number.
    pub fn get_number(&self, dict: &'a Dictionary, key: &[u8]) -> Option<f32> {
        self.get(dict, key).and_then(|o| self.number(o))
    }

    /// `object` as a number (integer or real), references followed; `None` for
    /// non-finite values.
    pub fn number(&self, object: &'a Object) -> Option<f32> {
        match self.resolve(object) {
            Object::Integer(i) => Some(*i as f32),
            Object::Real(r) if r.is_finite() => Some(*r),
            _ => None,
        }
    }

    /// A six-number matrix array, or `None` if `object` is not one.
    pub fn matrix(&self, object: &'a Object) -> Option<[f32; 6]> {
        let Object::Array(items) = self.resolve(object) else { return None };
        if items.len() != 6 {
            return None;
        }
        let mut m = [0.0; 6];
        for (slot, item) in m.iter_mut().zip(items) {
            *slot = self.number(item)?;
        }
        Some(m)
    }

    /// The decoded content of `stream`, charged to the document budget.
    pub fn content(&self, stream: &Stream) -> Result<Vec<u8>, StreamError> {
        let left = self.budget_left.get();
        if left == 0 {
            return Err(StreamError::DocumentBudgetSpent);
        }
        let cap = self.max_stream_bytes.min(usize::try_from(left).unwrap_or(usize::MAX));
        let has_filter = stream.dict.get(b"Filter").is_ok_and(|f| !matches!(f, Object::Null));
        let data = if has_filter {
            match stream.decompressed_content_with_limit(cap) {
                Ok(data) => data,
                Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
                    self.budget_left.set(left.saturating_sub(cap as u64));
                    return Err(if cap < self.max_stream_bytes {
                        StreamError::DocumentBudgetSpent
                    } else {
                        StreamError::StreamTooLarge
                    });
                }
                Err(e) => return Err(StreamError::Undecodable(e.to_string())),
            }
        } else {
            if stream.content.len() > cap {
                return Err(StreamError::StreamTooLarge);
            }
            stream.content.clone()
        };
        self.budget_left.set(left.saturating_sub(data.len() as u64));
        Ok(data)
    }
}
