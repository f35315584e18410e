//! Finding an element by its path of (namespace URI, local name) steps from the root element, and
//! reading its text, attributes or byte span.
//!
//! Every lookup first reads the whole document with a [`Reader`], so a document that is not well
//! formed (or breaks a limit) is an error even when the element comes before the fault.

use core::ops::Range;

use crate::error::{Error, Result};
use crate::xml::reader::{Event, RawText, Reader};
use crate::xml::text::decode_append;

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
    let mut matched = 0usize;
    let mut seen = 0usize;
    while let Some(event) = reader.next_event()? {
        match event {
            Event::Start { name, offset } => {
                let depth = reader.depth();
                let step = path.get(matched);
                if matched.saturating_add(1) == depth
                    && step.is_some_and(|(ns, local)| name.is(ns, local))
                {
                    matched = depth;
                    if matched == path.len() {
                        if seen == nth {
                            return Ok(Some(Found {
                                reader,
                                start: offset,
                            }));
                        }
                        seen = seen.saturating_add(1);
                    }
                }
            }
            Event::End { .. } => {
                if reader.depth() < matched {
                    matched = reader.depth();
                }
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
