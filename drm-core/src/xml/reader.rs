//! A bounded, no-alloc XML pull reader for SOAP responses and faults.
//!
//! - The input is a caller slice; it must be UTF-8 of at most [`Limits::max_document`] bytes
//!   holding only characters XML allows.
//! - Fixed-size stacks: `DEPTH` open elements ([`Error::XmlTooDeep`] beyond), `ATTRS` attributes on
//!   one start tag and `NS` namespace bindings in force ([`Error::XmlTooLarge`] beyond); names
//!   longer than [`Limits::max_name`] are [`Error::XmlTooLarge`].
//! - Refused with [`Error::XmlForbidden`]: a DTD (`<!DOCTYPE`), entity declarations and any other
//!   markup declaration, processing instructions other than the XML declaration, and references
//!   to entities other than the five predefined ones. With no DTD there is nothing to expand, so
//!   entity bombs cannot start.
//! - Namespaces are resolved: each element and attribute comes with its namespace URI.
//! - Text is handed out raw ([`RawText`]) and decoded on demand (predefined entities, character
//!   references, line-end and attribute-value normalisation); every reference was checked while
//!   reading, so decoding cannot fail. CDATA sections come as text; comments are skipped.
//! - Any other departure from well-formedness is [`Error::XmlMalformed`]. Once an error is
//!   returned the reader keeps returning it. Nothing panics on any input.

use crate::error::{Error, Result};
use crate::xml::text::parse_reference;
pub use crate::xml::text::{Chars, RawText, TextKind};
use crate::xml::{is_name_char, is_ncname, is_xml_char, ns};

/// Run-time limits of a [`Reader`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest document in bytes.
    pub max_document: usize,
    /// Longest element or attribute name (with prefix), in bytes.
    pub max_name: usize,
}

impl Limits {
    /// The default: documents up to 256 KiB, names up to 128 bytes.
    pub const DEFAULT: Limits = Limits {
        max_document: 256 * 1024,
        max_name: 128,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Default bound on element nesting.
pub const DEFAULT_DEPTH: usize = 32;
/// Default bound on attributes of one start tag.
pub const DEFAULT_ATTRS: usize = 16;
/// Default bound on namespace bindings in force at once.
pub const DEFAULT_NS: usize = 32;

/// A namespace-resolved name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QName<'a> {
    /// The prefix as written (empty for none).
    pub prefix: &'a str,
    /// The local name.
    pub local: &'a str,
    /// The namespace URI (empty raw text for none).
    pub ns: RawText<'a>,
}

impl QName<'_> {
    /// Whether this is `{ns}local` (`ns` empty: no namespace).
    #[must_use]
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.local == local && self.ns.eq_str(ns)
    }
}

/// An attribute of the current start tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// Its name; an unprefixed attribute has no namespace.
    pub name: QName<'a>,
    /// Its value.
    pub value: RawText<'a>,
}

/// What the reader found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// A start tag (also for an empty-element tag, which is followed by its [`Event::End`]).
    /// Its attributes are available from [`Reader::attributes`] until the next event.
    Start {
        /// The element's name.
        name: QName<'a>,
        /// Byte offset of its `<`.
        offset: usize,
    },
    /// An end tag.
    End {
        /// The element's name.
        name: QName<'a>,
        /// Byte offset just after its `>`.
        offset: usize,
    },
    /// Character data or a CDATA section inside the root element.
    Text(RawText<'a>),
}

#[derive(Debug, Clone, Copy)]
struct Frame<'a> {
    qname: &'a str,
    ns_len: usize,
}

#[derive(Debug, Clone, Copy)]
struct RawAttr<'a> {
    qname: &'a str,
    value: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Prolog,
    Content,
    Epilog,
    Done,
}

/// The pull reader. See the module documentation.
pub struct Reader<
    'a,
    const DEPTH: usize = DEFAULT_DEPTH,
    const ATTRS: usize = DEFAULT_ATTRS,
    const NS: usize = DEFAULT_NS,
> {
    input: &'a str,
    pos: usize,
    limits: Limits,
    state: State,
    failed: Option<Error>,
    stack: [Frame<'a>; DEPTH],
    depth: usize,
    bindings: [(&'a str, RawText<'a>); NS],
    ns_len: usize,
    attrs: [RawAttr<'a>; ATTRS],
    attr_count: usize,
    /// An empty-element tag whose end event is still to come (its offset).
    pending_end: Option<usize>,
}

impl<'a> Reader<'a> {
    /// A reader with the default limits.
    ///
    /// # Errors
    /// As [`Reader::with_limits`].
    pub fn new(input: &'a [u8]) -> Result<Self> {
        Self::with_limits(input, Limits::DEFAULT)
    }
}

impl<'a, const DEPTH: usize, const ATTRS: usize, const NS: usize> Reader<'a, DEPTH, ATTRS, NS> {
    /// A reader over `input` with `limits`.
    ///
    /// # Errors
    /// [`Error::XmlTooLarge`] over the size limit; [`Error::XmlMalformed`] if it is not UTF-8 or
    /// holds a character XML does not allow.
    pub fn with_limits(input: &'a [u8], limits: Limits) -> Result<Self> {
        if input.len() > limits.max_document {
            return Err(Error::XmlTooLarge);
        }
        let text = core::str::from_utf8(input).map_err(|_| Error::XmlMalformed)?;
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        if !text.chars().all(is_xml_char) {
            return Err(Error::XmlMalformed);
        }
        Ok(Self {
            input: text,
            pos: 0,
            limits,
            state: State::Prolog,
            failed: None,
            stack: [Frame {
                qname: "",
                ns_len: 0,
            }; DEPTH],
            depth: 0,
            bindings: [("", RawText::EMPTY); NS],
            ns_len: 0,
            attrs: [RawAttr {
                qname: "",
                value: "",
            }; ATTRS],
            attr_count: 0,
            pending_end: None,
        })
    }

    /// Current nesting depth (open elements).
    #[must_use]
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The document text the reader works on (the input without a byte order mark); event
    /// offsets index into it.
    #[must_use]
    pub fn text(&self) -> &'a str {
        self.input
    }

    /// The next event; `Ok(None)` at the end of a well-formed document.
    ///
    /// # Errors
    /// See the module documentation; the same error again on every later call.
    pub fn next_event(&mut self) -> Result<Option<Event<'a>>> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let r = self.step();
        if let Err(e) = r {
            self.failed = Some(e);
        }
        r
    }

    /// The attributes of the last start tag (empty after any other event).
    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'a>> + '_ {
        self.attrs
            .get(..self.attr_count)
            .unwrap_or(&[])
            .iter()
            .filter(|a| !is_ns_decl(a.qname))
            .filter_map(|a| self.resolve_attr(a).ok())
    }

    /// The value of attribute `{ns}local` of the last start tag.
    #[must_use]
    pub fn attribute(&self, ns: &str, local: &str) -> Option<RawText<'a>> {
        self.attributes()
            .find(|a| a.name.is(ns, local))
            .map(|a| a.value)
    }

    /// Reads to the end of the document, checking that all of it is well formed.
    ///
    /// # Errors
    /// As [`Self::next_event`].
    pub fn validate(mut self) -> Result<()> {
        while self.next_event()?.is_some() {}
        Ok(())
    }

    fn rest(&self) -> &'a str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn advance(&mut self, n: usize) -> Result<()> {
        let pos = self.pos.checked_add(n).ok_or(Error::LogicBug)?;
        if pos > self.input.len() {
            return Err(Error::LogicBug);
        }
        self.pos = pos;
        Ok(())
    }

    fn skip_ws(&mut self) -> usize {
        let rest = self.rest();
        let n = rest.len() - rest.trim_start_matches(is_ws).len();
        self.pos = self.pos.saturating_add(n);
        n
    }

    fn step(&mut self) -> Result<Option<Event<'a>>> {
        self.attr_count = 0;
        if let Some(offset) = self.pending_end.take() {
            return self.close_top(offset).map(Some);
        }
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::Prolog | State::Epilog => {
                    if self.state == State::Prolog && self.pos == 0 {
                        self.xml_declaration()?;
                    }
                    self.skip_ws();
                    let rest = self.rest();
                    if rest.is_empty() {
                        if self.state == State::Epilog {
                            self.state = State::Done;
                            return Ok(None);
                        }
                        return Err(Error::XmlMalformed);
                    }
                    if rest.starts_with("<!--") {
                        self.comment()?;
                    } else if rest.starts_with("<?") || rest.starts_with("<!") {
                        return Err(forbidden_or_malformed(rest));
                    } else if rest.starts_with('<') && self.state == State::Prolog {
                        return self.start_tag().map(Some);
                    } else {
                        return Err(Error::XmlMalformed);
                    }
                }
                State::Content => {
                    let rest = self.rest();
                    if rest.starts_with("</") {
                        return self.end_tag().map(Some);
                    } else if rest.starts_with("<!--") {
                        self.comment()?;
                    } else if let Some(body) = rest.strip_prefix("<![CDATA[") {
                        let end = find_ascii(body, b"]]>").ok_or(Error::XmlMalformed)?;
                        let raw = body.get(..end).ok_or(Error::LogicBug)?;
                        self.advance(end.saturating_add(12))?;
                        return Ok(Some(Event::Text(RawText {
                            raw,
                            kind: TextKind::CData,
                        })));
                    } else if rest.starts_with("<?") || rest.starts_with("<!") {
                        return Err(forbidden_or_malformed(rest));
                    } else if rest.starts_with('<') {
                        return self.start_tag().map(Some);
                    } else if rest.is_empty() {
                        return Err(Error::XmlMalformed);
                    } else {
                        let end = rest.find('<').ok_or(Error::XmlMalformed)?;
                        let raw = rest.get(..end).ok_or(Error::LogicBug)?;
                        if find_ascii(raw, b"]]>").is_some() {
                            return Err(Error::XmlMalformed);
                        }
                        check_references(raw)?;
                        self.advance(end)?;
                        return Ok(Some(Event::Text(RawText {
                            raw,
                            kind: TextKind::Text,
                        })));
                    }
                }
            }
        }
    }

    /// `<?xml version="1.0" ...?>` at the very start.
    fn xml_declaration(&mut self) -> Result<()> {
        let rest = self.rest();
        let Some(body) = rest.strip_prefix("<?xml") else {
            return Ok(());
        };
        if !body.starts_with(is_ws) {
            // `<?xml-stylesheet` and the like are processing instructions.
            return Err(Error::XmlForbidden);
        }
        let end = find_ascii(body, b"?>").ok_or(Error::XmlMalformed)?;
        let decl = body.get(..end).ok_or(Error::LogicBug)?.trim_matches(is_ws);
        check_declaration(decl)?;
        self.advance(end.saturating_add(7))
    }

    fn comment(&mut self) -> Result<()> {
        let body = self.rest().get(4..).ok_or(Error::LogicBug)?;
        let dashes = find_ascii(body, b"--").ok_or(Error::XmlMalformed)?;
        if body
            .get(dashes.saturating_add(2)..)
            .and_then(|s| s.chars().next())
            != Some('>')
        {
            return Err(Error::XmlMalformed);
        }
        self.advance(dashes.saturating_add(7))
    }

    fn name(&mut self) -> Result<&'a str> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(is_name_char(c) || c == ':'))
            .unwrap_or(rest.len());
        let name = rest.get(..len).ok_or(Error::LogicBug)?;
        if name.len() > self.limits.max_name {
            return Err(Error::XmlTooLarge);
        }
        if !is_qname(name) {
            return Err(Error::XmlMalformed);
        }
        self.advance(len)?;
        Ok(name)
    }

    fn start_tag(&mut self) -> Result<Event<'a>> {
        let offset = self.pos;
        self.advance(1)?;
        let qname = self.name()?;
        let mut count = 0usize;
        let empty = loop {
            let ws = self.skip_ws();
            let rest = self.rest();
            if rest.starts_with('>') {
                self.advance(1)?;
                break false;
            }
            if rest.starts_with("/>") {
                self.advance(2)?;
                break true;
            }
            if ws == 0 || rest.is_empty() {
                return Err(Error::XmlMalformed);
            }
            let aname = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return Err(Error::XmlMalformed);
            }
            self.advance(1)?;
            self.skip_ws();
            let rest = self.rest();
            let quote = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return Err(Error::XmlMalformed),
            };
            let body = rest.get(1..).ok_or(Error::LogicBug)?;
            let end = body.find(quote).ok_or(Error::XmlMalformed)?;
            let value = body.get(..end).ok_or(Error::LogicBug)?;
            if value.contains('<') {
                return Err(Error::XmlMalformed);
            }
            check_references(value)?;
            self.advance(end.saturating_add(2))?;
            let attrs = self.attrs.get(..count).unwrap_or(&[]);
            if attrs.iter().any(|a| a.qname == aname) {
                return Err(Error::XmlMalformed);
            }
            let slot = self.attrs.get_mut(count).ok_or(Error::XmlTooLarge)?;
            *slot = RawAttr {
                qname: aname,
                value,
            };
            count = count.saturating_add(1);
        };
        if self.depth >= DEPTH {
            return Err(Error::XmlTooDeep);
        }
        let frame = Frame {
            qname,
            ns_len: self.ns_len,
        };
        self.attr_count = count;
        self.bind_namespaces()?;
        let name = self.resolve(qname, true)?;
        self.check_unique_attrs()?;
        let slot = self.stack.get_mut(self.depth).ok_or(Error::LogicBug)?;
        *slot = frame;
        self.depth = self.depth.saturating_add(1);
        self.state = State::Content;
        if empty {
            self.pending_end = Some(self.pos);
        }
        Ok(Event::Start { name, offset })
    }

    fn bind_namespaces(&mut self) -> Result<()> {
        for i in 0..self.attr_count {
            let a = *self.attrs.get(i).ok_or(Error::LogicBug)?;
            let prefix = if a.qname == "xmlns" {
                ""
            } else if let Some(p) = a.qname.strip_prefix("xmlns:") {
                p
            } else {
                continue;
            };
            let uri = RawText {
                raw: a.value,
                kind: TextKind::Attribute,
            };
            let is_xml_uri = uri.eq_str(ns::XML);
            let bad = prefix == "xmlns"
                || uri.eq_str(ns::XMLNS)
                || (prefix == "xml") != is_xml_uri
                || (!prefix.is_empty() && uri.chars().next().is_none());
            if bad {
                return Err(Error::XmlMalformed);
            }
            let slot = self
                .bindings
                .get_mut(self.ns_len)
                .ok_or(Error::XmlTooLarge)?;
            *slot = (prefix, uri);
            self.ns_len = self.ns_len.saturating_add(1);
        }
        Ok(())
    }

    /// Splits and resolves a qualified name; `element` selects the default-namespace rule.
    fn resolve(&self, qname: &'a str, element: bool) -> Result<QName<'a>> {
        let (prefix, local) = qname.split_once(':').unwrap_or(("", qname));
        if prefix.is_empty() && !element {
            return Ok(QName {
                prefix,
                local,
                ns: RawText::EMPTY,
            });
        }
        if prefix == "xml" {
            return Ok(QName {
                prefix,
                local,
                ns: RawText {
                    raw: ns::XML,
                    kind: TextKind::Text,
                },
            });
        }
        if prefix == "xmlns" {
            return Err(Error::XmlMalformed);
        }
        let bound = self
            .bindings
            .get(..self.ns_len)
            .unwrap_or(&[])
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map(|(_, u)| *u);
        match bound {
            Some(ns) => Ok(QName { prefix, local, ns }),
            None if prefix.is_empty() => Ok(QName {
                prefix,
                local,
                ns: RawText::EMPTY,
            }),
            None => Err(Error::XmlMalformed),
        }
    }

    fn resolve_attr(&self, a: &RawAttr<'a>) -> Result<Attribute<'a>> {
        Ok(Attribute {
            name: self.resolve(a.qname, false)?,
            value: RawText {
                raw: a.value,
                kind: TextKind::Attribute,
            },
        })
    }

    /// No two attributes with the same expanded name; every prefix bound.
    fn check_unique_attrs(&self) -> Result<()> {
        let attrs = self.attrs.get(..self.attr_count).unwrap_or(&[]);
        for (i, a) in attrs.iter().enumerate() {
            if is_ns_decl(a.qname) {
                continue;
            }
            let name = self.resolve_attr(a)?.name;
            for b in attrs.get(..i).unwrap_or(&[]) {
                if is_ns_decl(b.qname) {
                    continue;
                }
                let other = self.resolve_attr(b)?.name;
                if other.local == name.local && other.ns.chars().eq(name.ns.chars()) {
                    return Err(Error::XmlMalformed);
                }
            }
        }
        Ok(())
    }

    fn end_tag(&mut self) -> Result<Event<'a>> {
        self.advance(2)?;
        let qname = self.name()?;
        self.skip_ws();
        if !self.rest().starts_with('>') {
            return Err(Error::XmlMalformed);
        }
        self.advance(1)?;
        let top = self.depth.checked_sub(1).ok_or(Error::XmlMalformed)?;
        let frame = self.stack.get(top).ok_or(Error::LogicBug)?;
        if frame.qname != qname {
            return Err(Error::XmlMalformed);
        }
        self.close_top(self.pos)
    }

    fn close_top(&mut self, offset: usize) -> Result<Event<'a>> {
        let top = self.depth.checked_sub(1).ok_or(Error::LogicBug)?;
        let frame = *self.stack.get(top).ok_or(Error::LogicBug)?;
        let name = self.resolve(frame.qname, true)?;
        self.depth = top;
        self.ns_len = frame.ns_len;
        if top == 0 {
            self.state = State::Epilog;
        }
        Ok(Event::End { name, offset })
    }
}

/// The byte offset of the first `needle` (ASCII) in `hay`: `str::find` with a string pattern,
/// without its two-way searcher. That searcher and the panic path it links in (`str` slicing's
/// `slice_error_fail`, with `char` and `Range` Debug formatting and Unicode tables) cost 6,704
/// bytes of flash (`fp_all`, M4F "z"); the needles here are 2 or 3 bytes long.
/// An ASCII byte never occurs inside a multi-byte UTF-8 sequence, so the offset found is a
/// character boundary, the same one `str::find` returns.
fn find_ascii(hay: &str, needle: &[u8]) -> Option<usize> {
    let hay = hay.as_bytes();
    (0..hay.len()).find(|&i| hay.get(i..).is_some_and(|rest| rest.starts_with(needle)))
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn is_ns_decl(qname: &str) -> bool {
    qname == "xmlns" || qname.starts_with("xmlns:")
}

fn forbidden_or_malformed(rest: &str) -> Error {
    // Processing instructions, DTDs and other declarations (`<!` and an upper-case keyword) are
    // refused as such; anything else after `<!` is broken markup.
    let declaration = rest
        .strip_prefix("<!")
        .and_then(|s| s.chars().next())
        .is_some_and(|c| c.is_ascii_uppercase());
    if rest.starts_with("<?") || declaration {
        Error::XmlForbidden
    } else {
        Error::XmlMalformed
    }
}

fn check_references(raw: &str) -> Result<()> {
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        let from = rest.get(at..).ok_or(Error::LogicBug)?;
        let (_, used) = parse_reference(from)?;
        rest = from.get(used..).ok_or(Error::LogicBug)?;
    }
    Ok(())
}

/// `version="1.x"` then optional `encoding` (UTF-8 only) and `standalone`, in that order.
fn check_declaration(decl: &str) -> Result<()> {
    let mut rest = decl;
    let mut expected: &[&str] = &["version", "encoding", "standalone"];
    let mut first = true;
    while !rest.is_empty() {
        let (name, after) = rest.split_once('=').ok_or(Error::XmlMalformed)?;
        let name = name.trim_matches(is_ws);
        let pos = expected
            .iter()
            .position(|e| *e == name)
            .ok_or(Error::XmlMalformed)?;
        if first && pos != 0 {
            return Err(Error::XmlMalformed);
        }
        first = false;
        expected = expected.get(pos.saturating_add(1)..).unwrap_or(&[]);
        let after = after.trim_start_matches(is_ws);
        let quote = after.chars().next().ok_or(Error::XmlMalformed)?;
        if quote != '"' && quote != '\'' {
            return Err(Error::XmlMalformed);
        }
        let body = after.get(1..).ok_or(Error::XmlMalformed)?;
        let end = body.find(quote).ok_or(Error::XmlMalformed)?;
        let value = body.get(..end).ok_or(Error::LogicBug)?;
        let ok = match name {
            "version" => value.starts_with("1.") && value.len() > 2,
            "encoding" => value.eq_ignore_ascii_case("utf-8"),
            _ => value == "yes" || value == "no",
        };
        if !ok {
            return Err(Error::XmlMalformed);
        }
        rest = body.get(end.saturating_add(1)..).ok_or(Error::LogicBug)?;
        let trimmed = rest.trim_start_matches(is_ws);
        if !trimmed.is_empty() && trimmed.len() == rest.len() {
            return Err(Error::XmlMalformed);
        }
        rest = trimmed;
    }
    if first {
        return Err(Error::XmlMalformed);
    }
    Ok(())
}

fn is_qname(s: &str) -> bool {
    match s.split_once(':') {
        Some((p, l)) => is_ncname(p) && is_ncname(l),
        None => is_ncname(s),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;

    fn all(xml: &str) -> Result<usize> {
        let mut r = Reader::new(xml.as_bytes())?;
        let mut n = 0;
        while r.next_event()?.is_some() {
            n += 1;
        }
        Ok(n)
    }

    #[test]
    fn events_and_names() {
        let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><!-- c --><p:a xmlns:p=\"u\" x='1'>\
t&amp;&#x41;&#66;<b xmlns=\"v\"/><![CDATA[<&>]]></p:a><!-- d -->\n";
        let mut r = Reader::new(xml.as_bytes()).unwrap();
        let Some(Event::Start { name, offset }) = r.next_event().unwrap() else {
            panic!()
        };
        assert!(name.is("u", "a"));
        assert_eq!(&xml[offset..offset + 3], "<p:");
        assert!(r.attribute("", "x").unwrap().eq_str("1"));
        assert_eq!(r.attributes().count(), 1);
        let Some(Event::Text(t)) = r.next_event().unwrap() else {
            panic!()
        };
        let mut buf = [0u8; 16];
        assert_eq!(t.decode_into(&mut buf).unwrap(), "t&AB");
        assert_eq!(t.as_plain(), None);
        let Some(Event::Start { name, .. }) = r.next_event().unwrap() else {
            panic!()
        };
        assert!(name.is("v", "b"));
        let Some(Event::End { name, .. }) = r.next_event().unwrap() else {
            panic!()
        };
        assert!(name.is("v", "b"));
        let Some(Event::Text(t)) = r.next_event().unwrap() else {
            panic!()
        };
        assert_eq!(t.as_plain(), Some("<&>"));
        let Some(Event::End { name, offset }) = r.next_event().unwrap() else {
            panic!()
        };
        assert!(name.is("u", "a"));
        assert_eq!(&xml[offset - 6..offset], "</p:a>");
        assert_eq!(r.next_event().unwrap(), None);
        assert_eq!(r.next_event().unwrap(), None);
    }

    #[test]
    fn refusals() {
        for (xml, e) in [
            ("<!DOCTYPE a><a/>", Error::XmlForbidden),
            ("<a>&foo;</a>", Error::XmlForbidden),
            ("<?pi x?><a/>", Error::XmlForbidden),
            ("<a><?pi?></a>", Error::XmlForbidden),
            ("<a><!ENTITY x 'y'></a>", Error::XmlForbidden),
            ("<a>", Error::XmlMalformed),
            ("<a></b>", Error::XmlMalformed),
            ("<a/><b/>", Error::XmlMalformed),
            ("text", Error::XmlMalformed),
            ("", Error::XmlMalformed),
            ("<a x='1' x='2'/>", Error::XmlMalformed),
            (
                "<a xmlns:p='u' xmlns:q='u' p:x='1' q:x='2'/>",
                Error::XmlMalformed,
            ),
            ("<p:a/>", Error::XmlMalformed),
            ("<a>&#0;</a>", Error::XmlMalformed),
            ("<a>&#xD800;</a>", Error::XmlMalformed),
            ("<a>&amp</a>", Error::XmlMalformed),
            ("<a>]]></a>", Error::XmlMalformed),
            ("<a><!-- a -- b --></a>", Error::XmlMalformed),
            ("<a x='<'/>", Error::XmlMalformed),
            ("<a x='1'y='2'/>", Error::XmlMalformed),
            ("<a>\u{1}</a>", Error::XmlMalformed),
            ("<a xmlns:p=''/>", Error::XmlMalformed),
            ("<a xmlns:xml='u'/>", Error::XmlMalformed),
            ("<?xml version='2'?><a/>", Error::XmlMalformed),
            (" <?xml version='1.0'?><a/>", Error::XmlForbidden),
        ] {
            assert_eq!(all(xml), Err(e), "{xml}");
        }
        assert_eq!(all("<a xmlns:p='u' xmlns:q='v' p:x='1' q:x='2'/>"), Ok(2));
    }

    #[test]
    fn limits() {
        let mut deep = [0u8; 3 * 40 + 4 * 40];
        let mut n = 0;
        for _ in 0..40 {
            deep[n..n + 3].copy_from_slice(b"<a>");
            n += 3;
        }
        for _ in 0..40 {
            deep[n..n + 4].copy_from_slice(b"</a>");
            n += 4;
        }
        let mut r = Reader::new(&deep).unwrap();
        let mut result = Ok(());
        loop {
            match r.next_event() {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        assert_eq!(result, Err(Error::XmlTooDeep));
        let small: Result<Reader<'_>> = Reader::with_limits(
            b"<a/>",
            Limits {
                max_document: 3,
                max_name: 8,
            },
        );
        assert_eq!(small.err(), Some(Error::XmlTooLarge));
        let long = [b'a'; 200];
        let mut doc = [0u8; 203];
        doc[0] = b'<';
        doc[1..201].copy_from_slice(&long);
        doc[201..].copy_from_slice(b"/>");
        assert_eq!(
            Reader::new(&doc).unwrap().validate(),
            Err(Error::XmlTooLarge)
        );
        let attrs = "<a a0='' a1='' a2='' a3='' a4='' a5='' a6='' a7='' a8='' a9='' b0='' b1='' b2='' b3='' b4='' b5='' b6=''/>";
        assert_eq!(all(attrs), Err(Error::XmlTooLarge));
    }
}
