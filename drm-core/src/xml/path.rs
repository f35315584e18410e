//! Finding an element by its path of (namespace URI, local name) steps from the root element, and
//! reading its text, attributes or byte span.
//!
//! Every lookup first reads the whole document with a [`Reader`], so a document that is not well
//! formed (or breaks a limit) is an error even when the element comes before the fault.
//!
//! Responses are read in one pass instead: the caller reads the document once and hands every
//! event to a [`Field`] per element path it needs (and an [`Each`] for a repeated element); each
//! records, as the events go by, how many elements it saw at its path and the first one's byte
//! span, one attribute, and text. The checks come after the pass, on what was recorded.

use core::ops::Range;

use crate::error::{Error, Result};
use crate::xml::reader::{Event, QName, RawText, Reader};
use crate::xml::text::decode_append;
use crate::xml::trim_space;

/// One step of a path: (namespace URI, local name); an empty URI means no namespace.
pub type Step<'p> = (&'p str, &'p str);

/// An element found by [`find`], with the reader just after its start tag.
pub struct Found<'a> {
    reader: Reader<'a>,
    start: usize,
}

/// Checks that `input` is a well-formed document within the reader's default limits.
///
/// # Errors
/// The reader's errors.
pub fn validate(input: &[u8]) -> Result<()> {
    Reader::new(input)?.validate()
}

/// The `nth` (from 0, in document order) element at `path`; the first step names the root
/// element. `Ok(None)` when there is no such element.
///
/// # Errors
/// The reader's errors for the whole document; [`Error::InvalidArgument`] for an empty path.
pub fn find<'a>(input: &'a [u8], path: &[Step<'_>], nth: usize) -> Result<Option<Found<'a>>> {
    if path.is_empty() {
        return Err(Error::InvalidArgument);
    }
    validate(input)?;
    let mut reader = Reader::new(input)?;
    let mut at = Matcher::new(path);
    let mut seen = 0usize;
    while let Some(event) = reader.next_event()? {
        match event {
            Event::Start { name, offset } => {
                if at.start(&name, reader.depth()) {
                    if seen == nth {
                        return Ok(Some(Found {
                            reader,
                            start: offset,
                        }));
                    }
                    seen = seen.saturating_add(1);
                }
            }
            Event::End { .. } => {
                at.end(reader.depth());
            }
            Event::Text(_) => {}
        }
    }
    Ok(None)
}

/// The only element at `path`: [`Error::XmlMalformed`] when there is none or more than one (so
/// that what is read below it is what a signature covered).
///
/// # Errors
/// As [`find`]; [`Error::XmlMalformed`].
pub fn find_unique<'a>(input: &'a [u8], path: &[Step<'_>]) -> Result<Found<'a>> {
    if find(input, path, 1)?.is_some() {
        return Err(Error::XmlMalformed);
    }
    find(input, path, 0)?.ok_or(Error::XmlMalformed)
}

/// How many elements are at `path`.
///
/// # Errors
/// As [`find`].
pub fn count(input: &[u8], path: &[Step<'_>]) -> Result<usize> {
    let mut n = 0usize;
    while find(input, path, n)?.is_some() {
        n = n.saturating_add(1);
    }
    Ok(n)
}

impl<'a> Found<'a> {
    /// Byte offset of the element's `<` in the document text ([`Reader::text`]).
    #[must_use]
    pub fn start(&self) -> usize {
        self.start
    }

    /// The value of the element's attribute `{ns}local`.
    #[must_use]
    pub fn attribute(&self, ns: &str, local: &str) -> Option<RawText<'a>> {
        self.reader.attribute(ns, local)
    }

    /// The element's bytes in the document, from its `<` to the end of its end tag.
    ///
    /// # Errors
    /// [`Error::LogicBug`] only (the document was validated).
    pub fn span(mut self) -> Result<Range<usize>> {
        let depth = self.reader.depth();
        while let Some(event) = self.reader.next_event()? {
            if let Event::End { offset, .. } = event
                && self.reader.depth() < depth
            {
                return Ok(self.start..offset);
            }
        }
        Err(Error::LogicBug)
    }

    /// The element's bytes in the document (see [`Self::span`]).
    ///
    /// # Errors
    /// As [`Self::span`].
    pub fn bytes(self) -> Result<&'a [u8]> {
        let text = self.reader.text();
        let span = self.span()?;
        text.as_bytes().get(span).ok_or(Error::LogicBug)
    }

    /// The decoded text of a leaf element (text and CDATA pieces joined, comments dropped), into
    /// `buf`.
    ///
    /// # Errors
    /// [`Error::XmlMalformed`] if the element has child elements; [`Error::BufferTooSmall`].
    pub fn text_into(mut self, buf: &mut [u8]) -> Result<&str> {
        let mut len = 0usize;
        loop {
            match self.reader.next_event()? {
                Some(Event::Text(t)) => len = decode_append(t.chars(), buf, len)?,
                Some(Event::End { .. }) => break,
                Some(Event::Start { .. }) => return Err(Error::XmlMalformed),
                None => return Err(Error::LogicBug),
            }
        }
        let out = buf.get(..len).ok_or(Error::LogicBug)?;
        core::str::from_utf8(out).map_err(|_| Error::LogicBug)
    }

    /// The text of a leaf element when it is one piece that needs no decoding: borrowed from the
    /// document, no copy (base64 payloads). `Ok(None)` otherwise.
    ///
    /// # Errors
    /// [`Error::XmlMalformed`] if the element has child elements.
    pub fn plain_text(mut self) -> Result<Option<&'a str>> {
        let mut piece: Option<RawText<'a>> = None;
        let mut pieces = 0usize;
        loop {
            match self.reader.next_event()? {
                Some(Event::Text(t)) => {
                    piece = Some(t);
                    pieces = pieces.saturating_add(1);
                }
                Some(Event::End { .. }) => break,
                Some(Event::Start { .. }) => return Err(Error::XmlMalformed),
                None => return Err(Error::LogicBug),
            }
        }
        Ok(match (pieces, piece) {
            (0, _) => Some(""),
            (1, Some(t)) => t.as_plain(),
            _ => None,
        })
    }
}

/// `prefix` followed by `tail`, as an array of `N` steps: for path constants only (a length that
/// does not add up fails the build, in const evaluation).
#[allow(clippy::indexing_slicing)] // Const evaluation: an index out of range is a build error.
pub(crate) const fn join<const N: usize>(
    prefix: &[Step<'static>],
    tail: &[Step<'static>],
) -> [Step<'static>; N] {
    assert!(prefix.len() + tail.len() == N, "path length");
    let mut out = [("", ""); N];
    let mut i = 0;
    while i < prefix.len() {
        out[i] = prefix[i];
        i += 1;
    }
    let mut j = 0;
    while j < tail.len() {
        out[i + j] = tail[j];
        j += 1;
    }
    out
}

/// How far the open elements follow a path, event by event ([`find`], [`Field`] and [`Each`]).
#[derive(Clone, Copy)]
struct Matcher<'p> {
    path: &'p [Step<'p>],
    /// Steps of `path` matched by the open elements.
    matched: usize,
}

impl<'p> Matcher<'p> {
    const fn new(path: &'p [Step<'p>]) -> Self {
        Self { path, matched: 0 }
    }

    /// A start tag of `name`, `depth` the element's depth: true when it is at the path.
    fn start(&mut self, name: &QName<'_>, depth: usize) -> bool {
        let step = self.path.get(self.matched);
        if self.matched.saturating_add(1) == depth
            && step.is_some_and(|(ns, local)| name.is(ns, local))
        {
            self.matched = depth;
            return self.matched == self.path.len();
        }
        false
    }

    /// An end tag, `depth` the reader's depth after it: true when it closes the element at the
    /// path.
    fn end(&mut self, depth: usize) -> bool {
        let closes = self.matched == self.path.len() && depth < self.matched;
        if depth < self.matched {
            self.matched = depth;
        }
        closes
    }

    /// Text at `depth` is directly inside the element at the path.
    fn is_leaf_text(&self, depth: usize) -> bool {
        self.matched == self.path.len() && depth == self.path.len()
    }
}

/// The text of one element as one pass saw it: its pieces (text and CDATA runs; comments split
/// them), the last piece, and whether it has a child element.
#[derive(Clone, Copy, Default)]
struct Leaf<'a> {
    pieces: usize,
    piece: Option<RawText<'a>>,
    child: bool,
}

impl<'a> Leaf<'a> {
    fn text(&mut self, t: RawText<'a>) {
        self.pieces = self.pieces.saturating_add(1);
        self.piece = Some(t);
    }

    /// The text when it is one piece that needs no decoding (or empty), borrowed from the
    /// document and trimmed of XML whitespace: base64 and numbers never need references.
    ///
    /// # Errors
    /// [`Error::XmlMalformed`] for a child element or text that needs decoding.
    fn plain(&self) -> Result<&'a str> {
        if self.child {
            return Err(Error::XmlMalformed);
        }
        let text = match (self.pieces, self.piece) {
            (0, _) => "",
            (1, Some(t)) => t.as_plain().ok_or(Error::XmlMalformed)?,
            _ => return Err(Error::XmlMalformed),
        };
        Ok(trim_space(text))
    }
}

/// The elements at one path, followed through one read of a document: how many, and of the
/// first one its byte span, its text (raw, and decoded into `N` bytes when `N` is not 0) and
/// the attribute named at construction.
pub struct Field<'p, 'a, const N: usize = 0> {
    at: Matcher<'p>,
    attribute: Option<Step<'p>>,
    count: usize,
    /// Inside the first element.
    inside: bool,
    start: usize,
    end: Option<usize>,
    leaf: Leaf<'a>,
    value: Option<RawText<'a>>,
    buf: [u8; N],
    len: usize,
    /// The first element's decoded text did not fit `buf`.
    overflow: bool,
}

impl<'p, 'a, const N: usize> Field<'p, 'a, N> {
    /// Follows the elements at `path`.
    #[must_use]
    pub const fn new(path: &'p [Step<'p>]) -> Self {
        Self {
            at: Matcher::new(path),
            attribute: None,
            count: 0,
            inside: false,
            start: 0,
            end: None,
            leaf: Leaf {
                pieces: 0,
                piece: None,
                child: false,
            },
            value: None,
            buf: [0; N],
            len: 0,
            overflow: false,
        }
    }

    /// Follows the elements at `path`, recording the first one's attribute `{ns}local`.
    #[must_use]
    pub const fn with_attribute(path: &'p [Step<'p>], attribute: Step<'p>) -> Self {
        let mut field = Self::new(path);
        field.attribute = Some(attribute);
        field
    }

    /// Follows one event of `reader` (call it for every event, in order). Never inlined: one
    /// copy serves every field, and the frame of a one-pass read stays small.
    #[inline(never)]
    pub fn event<const D: usize, const A: usize, const NS: usize>(
        &mut self,
        event: &Event<'a>,
        reader: &Reader<'a, D, A, NS>,
    ) {
        let depth = reader.depth();
        match event {
            Event::Start { name, offset } => {
                if self.inside {
                    self.leaf.child = true;
                }
                if self.at.start(name, depth) {
                    self.count = self.count.saturating_add(1);
                    self.inside = self.count == 1;
                    if self.inside {
                        self.start = *offset;
                        self.value = self.attribute.and_then(|(ns, l)| reader.attribute(ns, l));
                    }
                }
            }
            Event::End { offset, .. } => {
                if self.at.end(depth) && self.inside {
                    self.inside = false;
                    self.end = Some(*offset);
                }
            }
            Event::Text(t) => {
                if self.inside && self.at.is_leaf_text(depth) {
                    self.leaf.text(*t);
                    if N > 0 {
                        let rest = self.buf.get_mut(self.len..).unwrap_or_default();
                        match t.decode_into(rest) {
                            Ok(piece) => self.len = self.len.saturating_add(piece.len()),
                            Err(_) => self.overflow = true,
                        }
                    }
                }
            }
        }
    }

    /// Elements seen at the path.
    #[must_use]
    pub const fn count(&self) -> usize {
        self.count
    }

    /// The field when exactly one element is at the path (so that what is read below it is
    /// what a signature covered).
    ///
    /// # Errors
    /// [`Error::XmlMalformed`] when there is none or more than one.
    pub fn only(&self) -> Result<&Self> {
        if self.count == 1 {
            Ok(self)
        } else {
            Err(Error::XmlMalformed)
        }
    }

    /// The first element's bytes in `input` (the document read), from its `<` to the end of its
    /// end tag; `None` before it was closed.
    #[must_use]
    pub fn bytes(&self, input: &'a [u8]) -> Option<&'a [u8]> {
        input.get(self.start..self.end?)
    }

    /// The first element's recorded attribute.
    #[must_use]
    pub const fn attribute(&self) -> Option<RawText<'a>> {
        self.value
    }

    /// The first element's text when it is one piece that needs no decoding, borrowed from the
    /// document, trimmed of XML whitespace.
    ///
    /// # Errors
    /// [`Error::XmlMalformed`] when there is no element, it has a child element, or its text
    /// needs decoding.
    pub fn plain_text(&self) -> Result<&'a str> {
        if self.count == 0 {
            return Err(Error::XmlMalformed);
        }
        self.leaf.plain()
    }

    /// The first element's decoded text (text and CDATA pieces joined, comments dropped, up to
    /// `N` bytes), trimmed of XML whitespace; `None` when there is no element, it has a child
    /// element or its text does not fit.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        if self.count == 0 || self.leaf.child || self.overflow {
            return None;
        }
        let text = core::str::from_utf8(self.buf.get(..self.len)?).ok()?;
        Some(trim_space(text))
    }
}

/// A repeated element, followed through one read of a document: the text of each of the first
/// `M` elements at the path (see [`Field::plain_text`]), and how many there were.
pub struct Each<'p, 'a, const M: usize> {
    at: Matcher<'p>,
    count: usize,
    inside: bool,
    leaves: [Leaf<'a>; M],
}

impl<'p, 'a, const M: usize> Each<'p, 'a, M> {
    /// Follows the elements at `path`.
    #[must_use]
    pub fn new(path: &'p [Step<'p>]) -> Self {
        Self {
            at: Matcher::new(path),
            count: 0,
            inside: false,
            leaves: [Leaf::default(); M],
        }
    }

    /// Follows one event of `reader` (call it for every event, in order). Never inlined: one
    /// copy serves every field, and the frame of a one-pass read stays small.
    #[inline(never)]
    pub fn event<const D: usize, const A: usize, const NS: usize>(
        &mut self,
        event: &Event<'a>,
        reader: &Reader<'a, D, A, NS>,
    ) {
        let depth = reader.depth();
        let current = self.count.checked_sub(1);
        match event {
            Event::Start { name, .. } => {
                if self.inside
                    && let Some(leaf) = current.and_then(|i| self.leaves.get_mut(i))
                {
                    leaf.child = true;
                }
                if self.at.start(name, depth) {
                    self.count = self.count.saturating_add(1);
                    self.inside = true;
                }
            }
            Event::End { .. } => {
                if self.at.end(depth) {
                    self.inside = false;
                }
            }
            Event::Text(t) => {
                if self.inside
                    && self.at.is_leaf_text(depth)
                    && let Some(leaf) = current.and_then(|i| self.leaves.get_mut(i))
                {
                    leaf.text(*t);
                }
            }
        }
    }

    /// Elements seen at the path (also beyond `M`).
    #[must_use]
    pub const fn count(&self) -> usize {
        self.count
    }

    /// The `i`th element's text, as [`Field::plain_text`]; `None` for `i` beyond the elements
    /// seen or beyond `M`.
    #[must_use]
    pub fn plain_text(&self, i: usize) -> Option<Result<&'a str>> {
        if i >= self.count {
            return None;
        }
        self.leaves.get(i).map(Leaf::plain)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const DOC: &[u8] = b"<s:E xmlns:s=\"S\"><s:B><R xmlns=\"M\"><L xmlns=\"P\" Id=\"x\">\
<V>1</V><Ls><L2>a&amp;b</L2><L2><![CDATA[c]]>d<!--x-->e</L2></Ls></L></R></s:B></s:E>";

    #[test]
    fn find_text_attribute_span() {
        let l = [("S", "E"), ("S", "B"), ("M", "R"), ("P", "L")];
        let found = find(DOC, &l, 0).unwrap().unwrap();
        assert!(found.attribute("", "Id").unwrap().eq_str("x"));
        let bytes = found.bytes().unwrap();
        assert!(bytes.starts_with(b"<L xmlns=\"P\" Id"));
        assert!(bytes.ends_with(b"</L>"));
        let v = [("S", "E"), ("S", "B"), ("M", "R"), ("P", "L"), ("P", "V")];
        let mut buf = [0u8; 8];
        assert_eq!(
            find(DOC, &v, 0)
                .unwrap()
                .unwrap()
                .text_into(&mut buf)
                .unwrap(),
            "1"
        );
        let item = [
            ("S", "E"),
            ("S", "B"),
            ("M", "R"),
            ("P", "L"),
            ("P", "Ls"),
            ("P", "L2"),
        ];
        assert_eq!(count(DOC, &item).unwrap(), 2);
        let first = find(DOC, &item, 0).unwrap().unwrap();
        assert_eq!(first.plain_text().unwrap(), None);
        let second = find(DOC, &item, 1).unwrap().unwrap();
        assert_eq!(second.text_into(&mut buf).unwrap(), "cde");
        assert!(find(DOC, &item, 2).unwrap().is_none());
        assert_eq!(find_unique(DOC, &item).err(), Some(Error::XmlMalformed));
        assert!(find_unique(DOC, &v).is_ok());
        assert_eq!(
            find_unique(DOC, &[("S", "E"), ("S", "X")]).err(),
            Some(Error::XmlMalformed)
        );
        // Wrong namespace: not found. Not a leaf: malformed.
        assert!(find(DOC, &[("", "E")], 0).unwrap().is_none());
        let not_leaf = find(DOC, &l, 0).unwrap().unwrap();
        assert_eq!(
            not_leaf.text_into(&mut buf).err(),
            Some(Error::XmlMalformed)
        );
        // A broken document is an error even after the element.
        assert_eq!(
            find(b"<a><b>1</b><c></a>", &[("", "a"), ("", "b")], 0).err(),
            Some(Error::XmlMalformed)
        );
    }
}
