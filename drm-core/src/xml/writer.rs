//! A no-alloc XML writer that emits canonical form directly (PROTOCOL §4).
//!
//! Every element it writes is already in the form exclusive XML canonicalisation (without
//! comments) gives it:
//!
//! - start and end tags, never self-closing;
//! - on each start tag, first the namespace declarations the element *visibly uses* (its own
//!   prefix, its attributes' prefixes) that are not already in force from an ancestor written by
//!   this writer, default namespace first, then by prefix; then the attributes ordered by
//!   (namespace URI, local name), unqualified ones first;
//! - text escaped as `&amp;` `&lt;` `&gt;` `&#xD;`, attribute values as `&amp;` `&lt;` `&quot;`
//!   `&#x9;` `&#xA;` `&#xD;`;
//! - no XML declaration except through [`Writer::declaration`] at the very start, and no
//!   whitespace the caller does not write.
//!
//! An element started with [`Writer::start_apex`] is written as if it were the apex of a
//! canonicalisation: it declares every namespace it uses even when an ancestor already did. Its
//! bytes then equal the exclusive canonicalisation of the element inside the whole document, which
//! is what an XML signature digests. [`Writer::begin_digest`] and [`Writer::end_digest`] hash the
//! bytes written in between, on any sink, so a signed element is hashed as it is written.
//!
//! Sinks: [`SliceSink`] (a caller buffer, [`Error::BufferTooSmall`] on overflow) and
//! [`CountingSink`] (only counts, to size the buffer first).

use crate::crypto::Sha256;
use crate::crypto::backend::Hasher;
use crate::error::{Error, Result};
use crate::xml::{is_ncname, is_xml_char, ns};

/// Where a [`Writer`] puts its bytes.
pub trait Sink {
    /// Appends `bytes`, or fails without a partial write.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when they do not fit.
    fn write(&mut self, bytes: &[u8]) -> Result<()>;
    /// Bytes written so far.
    fn len(&self) -> usize;
    /// Whether nothing was written yet.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A sink behind a reference: `Writer<&mut dyn Sink>` lets code that writes the same document
/// on a [`CountingSink`] and on a [`SliceSink`] be compiled once.
impl<T: Sink + ?Sized> Sink for &mut T {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        (**self).write(bytes)
    }
    fn len(&self) -> usize {
        (**self).len()
    }
}

/// A sink over a caller buffer.
#[derive(Debug)]
pub struct SliceSink<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> SliceSink<'b> {
    /// An empty sink over `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, len: 0 }
    }
    /// The bytes written so far.
    #[must_use]
    pub fn written(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
    /// Gives the written part of the buffer back.
    #[must_use]
    pub fn into_written(self) -> &'b mut [u8] {
        let len = self.len;
        self.buf.get_mut(..len).unwrap_or(&mut [])
    }
}

impl Sink for SliceSink<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let end = self
            .len
            .checked_add(bytes.len())
            .ok_or(Error::BufferTooSmall)?;
        let dst = self
            .buf
            .get_mut(self.len..end)
            .ok_or(Error::BufferTooSmall)?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
    fn len(&self) -> usize {
        self.len
    }
}

/// A sink that only counts: run the same writing code on it to learn the size to allocate.
#[derive(Debug, Default, Clone, Copy)]
pub struct CountingSink {
    len: usize,
}

impl CountingSink {
    /// A sink that has counted nothing.
    #[must_use]
    pub const fn new() -> Self {
        Self { len: 0 }
    }
}

impl Sink for CountingSink {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.len = self
            .len
            .checked_add(bytes.len())
            .ok_or(Error::BufferTooSmall)?;
        Ok(())
    }
    fn len(&self) -> usize {
        self.len
    }
}

/// A qualified element or attribute name: a prefix (empty for none), the namespace URI it stands
/// for (empty for no namespace) and the local name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name<'s> {
    /// The prefix written in the tag; empty for the default namespace (elements) or no
    /// namespace (attributes).
    pub prefix: &'s str,
    /// The namespace URI; empty for none.
    pub ns: &'s str,
    /// The local name.
    pub local: &'s str,
}

impl<'s> Name<'s> {
    /// An element in namespace `ns` through the default namespace (no prefix).
    #[must_use]
    pub const fn new(ns: &'s str, local: &'s str) -> Self {
        Self {
            prefix: "",
            ns,
            local,
        }
    }
    /// A name written with `prefix`, bound to `ns`.
    #[must_use]
    pub const fn prefixed(prefix: &'s str, ns: &'s str, local: &'s str) -> Self {
        Self { prefix, ns, local }
    }
}

/// An attribute: name and (unescaped) value. The name lives as long as the writer (its prefix
/// may be declared and remembered); the value only for the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attr<'s, 'v> {
    /// The name.
    pub name: Name<'s>,
    /// The value, unescaped (the writer escapes it).
    pub value: &'v str,
}

impl<'s, 'v> Attr<'s, 'v> {
    /// An attribute in no namespace.
    #[must_use]
    pub const fn new(local: &'s str, value: &'v str) -> Self {
        Self {
            name: Name::new("", local),
            value,
        }
    }
    /// An attribute in the `xml:` namespace (`xml:space`, `xml:lang`).
    #[must_use]
    pub const fn xml(local: &'s str, value: &'v str) -> Self {
        Self {
            name: Name::prefixed("xml", ns::XML, local),
            value,
        }
    }
}

/// A namespace declaration: prefix (empty for the default namespace) and URI.
pub type NsDecl<'s> = (&'s str, &'s str);

/// Most namespace declarations on one start tag.
const MAX_DECLS_PER_TAG: usize = 8;

#[derive(Debug, Clone, Copy)]
struct Frame<'s> {
    name: Name<'s>,
    /// Namespace bindings in force before this element.
    ns_len: usize,
    /// The lookup floor before this element.
    floor: usize,
    /// Whether an apex region begins here.
    apex: bool,
}

const EMPTY_FRAME: Frame<'static> = Frame {
    name: Name::new("", ""),
    ns_len: 0,
    floor: 0,
    apex: false,
};

/// Bytes produced a piece at a time, for [`Writer::base64_from`].
pub trait ByteSource {
    /// Writes the next bytes into the start of `out` (at most `out.len()`) and says how many;
    /// 0 only at the end.
    ///
    /// # Errors
    /// The source's own.
    fn fill(&mut self, out: &mut [u8]) -> Result<usize>;
}

/// A byte iterator as a [`ByteSource`].
#[derive(Debug)]
pub struct FromIter<I>(pub I);

impl<I: Iterator<Item = u8>> ByteSource for FromIter<I> {
    fn fill(&mut self, out: &mut [u8]) -> Result<usize> {
        let mut n = 0usize;
        for slot in out.iter_mut() {
            match self.0.next() {
                Some(b) => {
                    *slot = b;
                    n += 1;
                }
                None => break,
            }
        }
        Ok(n)
    }
}

/// The canonical XML writer. `NS` bounds the namespace bindings in force at once, `DEPTH` the
/// element nesting.
pub struct Writer<'s, S: Sink, const NS: usize = 16, const DEPTH: usize = 24, H: Hasher = Sha256> {
    sink: S,
    bindings: [NsDecl<'s>; NS],
    stack: [Frame<'s>; DEPTH],
    state: State<H>,
}

/// A [`Writer`]'s state but its sink and its two fixed stacks. Its methods write through
/// `&mut dyn Sink` and see the stacks as slices, so the writing code is compiled once for all
/// sinks and bounds, not once per `Writer` type (a counting pass and a writing pass, or two
/// documents with other bounds, would otherwise carry copies of it in a firmware). `H` is the
/// SHA-256 of the device's backend; a firmware has one.
struct State<H> {
    ns_len: usize,
    /// Bindings below this index are invisible (inside an apex region).
    floor: usize,
    depth: usize,
    /// Whether an apex element is open (another apex or extra declarations are refused inside).
    in_apex: bool,
    digest: Option<H>,
}

/// A [`Writer`]'s namespace bindings and open elements, as slices.
struct Stacks<'a, 's> {
    bindings: &'a mut [NsDecl<'s>],
    frames: &'a mut [Frame<'s>],
}

impl<'s, S: Sink, const NS: usize, const DEPTH: usize, H: Hasher> Writer<'s, S, NS, DEPTH, H> {
    /// The writer seen through `&mut dyn Sink` and slices: code that takes a [`WriterRef`] is
    /// compiled once for every sink and bound (a counting pass and a writing pass, or two
    /// documents with other bounds, share it).
    pub fn view(&mut self) -> WriterRef<'_, 's, H> {
        WriterRef {
            state: &mut self.state,
            sink: &mut self.sink,
            bindings: &mut self.bindings,
            frames: &mut self.stack,
        }
    }

    /// A writer at the start of a document.
    ///
    /// Not inlined: the initial arrays are built in this function's frame and moved into the
    /// caller's writer; inlined, they stayed in the caller's frame, unused, as large as the
    /// writer's state (624 bytes more below the Secure Delete challenge's writer on the M4F).
    #[inline(never)]
    pub fn new(sink: S) -> Self {
        Self {
            sink,
            bindings: [("", ""); NS],
            stack: [EMPTY_FRAME; DEPTH],
            state: State {
                ns_len: 0,
                floor: 0,
                depth: 0,
                in_apex: false,
                digest: None,
            },
        }
    }

    /// The sink, to read what was written so far.
    pub fn sink(&self) -> &S {
        &self.sink
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.sink.len()
    }

    /// Whether nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.sink.is_empty()
    }

    /// Whether the document is complete: every element closed and no digest running (what
    /// [`Self::finish`] checks). A writer over `&mut sink` can be checked with it and dropped,
    /// which spares a copy of the writer that moving it into `finish` can cost on the stack.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.state.is_finished()
    }

    /// Ends the document and gives the sink back.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if an element is still open or a digest is running.
    pub fn finish(self) -> Result<S> {
        if !self.is_finished() {
            return Err(Error::InvalidArgument);
        }
        Ok(self.sink)
    }

    /// Writes `<?xml version="1.0" encoding="utf-8"?>`; only as the first thing in the document.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if anything was written before; the sink's error.
    pub fn declaration(&mut self) -> Result<()> {
        self.view().declaration()
    }

    /// Starts hashing every byte written from now on with a fresh `H` (SHA-256).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if a digest is already running.
    pub fn begin_digest(&mut self) -> Result<()>
    where
        H: Default,
    {
        self.begin_digest_with(H::default())
    }

    /// Starts hashing every byte written from now on into `hasher` (a fresh SHA-256 of the
    /// device's backend).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if a digest is already running.
    pub fn begin_digest_with(&mut self, hasher: H) -> Result<()> {
        self.view().begin_digest_with(hasher)
    }

    /// Stops hashing; the SHA-256 of the bytes written since [`Self::begin_digest`].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if no digest is running.
    pub fn end_digest(&mut self) -> Result<[u8; 32]> {
        self.view().end_digest()
    }

    /// Starts an element, canonical relative to the ancestors written by this writer.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an invalid name, prefix, binding or value, or duplicate
    /// attributes; [`Error::XmlTooDeep`] / [`Error::XmlTooLarge`] when the fixed stacks are
    /// full; the sink's error.
    pub fn start(&mut self, name: Name<'s>, attrs: &[Attr<'s, '_>]) -> Result<()> {
        self.view().start(name, attrs)
    }

    /// Starts an element written as the apex of an exclusive canonicalisation: every namespace it
    /// uses is declared on it, whatever its ancestors declared. Use it for a signed element.
    ///
    /// # Errors
    /// As [`Self::start`]; [`Error::InvalidArgument`] inside another apex element, or for an
    /// element in no namespace under a default namespace (it would need `xmlns=""`, which its
    /// canonical form leaves out).
    pub fn start_apex(&mut self, name: Name<'s>, attrs: &[Attr<'s, '_>]) -> Result<()> {
        self.view().start_apex(name, attrs)
    }

    /// Starts an element that also declares `extra` namespaces it does not use itself (the SOAP
    /// envelope declares `xsi` and `xsd`). Such an element is not canonical, so it is refused
    /// inside an apex element. An apex below it is canonical again.
    ///
    /// # Errors
    /// As [`Self::start`]; [`Error::InvalidArgument`] inside an apex element.
    pub fn start_declaring(
        &mut self,
        name: Name<'s>,
        attrs: &[Attr<'s, '_>],
        extra: &[NsDecl<'s>],
    ) -> Result<()> {
        self.view().start_declaring(name, attrs, extra)
    }

    /// Writes text content (escaped).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] outside an element or for a character XML does not allow; the
    /// sink's error.
    pub fn text(&mut self, text: &str) -> Result<()> {
        self.view().text(text)
    }

    /// Writes the base64 (RFC 4648 §4, with padding) of `data` as text, in pieces, without a
    /// buffer for the whole: `data` may chain several slices or be any byte iterator.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] outside an element; the sink's error.
    pub fn base64<I: IntoIterator<Item = u8>>(&mut self, data: I) -> Result<()> {
        self.view().base64(data)
    }

    /// [`Self::base64`] of the bytes `source` produces, taken a piece at a time (a producer that
    /// has its bytes in blocks, such as a cipher, copies them instead of handing them out one by
    /// one).
    ///
    /// # Errors
    /// As [`Self::base64`]; the source's error.
    pub fn base64_from<B: ByteSource + ?Sized>(&mut self, source: &mut B) -> Result<()> {
        self.view().base64_from(source)
    }

    /// Ends the innermost open element.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if none is open; the sink's error.
    pub fn end(&mut self) -> Result<()> {
        self.view().end()
    }

    /// Writes a whole element holding only `text`.
    ///
    /// # Errors
    /// As [`Self::start`] and [`Self::text`].
    pub fn leaf(&mut self, name: Name<'s>, attrs: &[Attr<'s, '_>], text: &str) -> Result<()> {
        self.view().leaf(name, attrs, text)
    }

    /// Writes a whole element with no content (`<x ...></x>`).
    ///
    /// # Errors
    /// As [`Self::start`].
    pub fn empty(&mut self, name: Name<'s>, attrs: &[Attr<'s, '_>]) -> Result<()> {
        self.view().empty(name, attrs)
    }
}

/// What a [`Step`] writes after its end tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Nothing more.
    Close,
    /// A start tag ([`Writer::start`]).
    Start,
    /// An apex start tag ([`Writer::start_apex`]).
    Apex,
    /// A whole element with no content ([`Writer::empty`]).
    Empty,
    /// Text ([`Writer::text`]): the step's `local`.
    Text,
}

/// One step of a fixed sequence of elements, written by [`WriterRef::steps`]: first `close`
/// end tags, then `op` on the element `{ns}local` (no prefix) with `attrs`. A sequence kept as a
/// table of steps, walked by one loop, takes less flash than the calls it stands for.
#[derive(Debug, Clone, Copy)]
pub struct Step<'s> {
    /// End tags written first.
    pub close: u8,
    /// What is written then.
    pub op: Op,
    /// The element's namespace (unused by [`Op::Close`] and [`Op::Text`]).
    pub ns: &'s str,
    /// The element's local name; the text of [`Op::Text`].
    pub local: &'s str,
    /// The element's attributes.
    pub attrs: &'s [Attr<'s, 's>],
}

impl<'s> Step<'s> {
    const fn op(op: Op, ns: &'s str, local: &'s str, attrs: &'s [Attr<'s, 's>]) -> Self {
        Self {
            close: 0,
            op,
            ns,
            local,
            attrs,
        }
    }
    /// Starts `{ns}local` with `attrs`.
    #[must_use]
    pub const fn start(ns: &'s str, local: &'s str, attrs: &'s [Attr<'s, 's>]) -> Self {
        Self::op(Op::Start, ns, local, attrs)
    }
    /// Starts `{ns}local` with `attrs` as an apex.
    #[must_use]
    pub const fn apex(ns: &'s str, local: &'s str, attrs: &'s [Attr<'s, 's>]) -> Self {
        Self::op(Op::Apex, ns, local, attrs)
    }
    /// Writes the empty element `{ns}local` with `attrs`.
    #[must_use]
    pub const fn empty(ns: &'s str, local: &'s str, attrs: &'s [Attr<'s, 's>]) -> Self {
        Self::op(Op::Empty, ns, local, attrs)
    }
    /// Writes `text`.
    #[must_use]
    pub const fn text(text: &'s str) -> Self {
        Self::op(Op::Text, "", text, &[])
    }
    /// Only `n` end tags.
    #[must_use]
    pub const fn close(n: u8) -> Self {
        Self::op(Op::Close, "", "", &[]).after(n)
    }
    /// This step after `n` end tags.
    #[must_use]
    pub const fn after(mut self, n: u8) -> Self {
        self.close = n;
        self
    }
}

/// A [`ByteSource`] that may be unsized, behind a reference that can become `&mut dyn`.
pub(crate) struct Unsized<'a, B: ?Sized>(pub(crate) &'a mut B);

impl<B: ByteSource + ?Sized> ByteSource for Unsized<'_, B> {
    fn fill(&mut self, out: &mut [u8]) -> Result<usize> {
        self.0.fill(out)
    }
}

/// A [`Writer`] borrowed through `&mut dyn Sink`, its stacks as slices ([`Writer::view`]): the
/// same methods, compiled once whatever the writer's sink and bounds. The XML-signature pieces
/// and the challenges take one, so a firmware carries one copy of them.
pub struct WriterRef<'w, 's, H: Hasher = Sha256> {
    state: &'w mut State<H>,
    sink: &'w mut dyn Sink,
    bindings: &'w mut [NsDecl<'s>],
    frames: &'w mut [Frame<'s>],
}

impl<'s, H: Hasher> WriterRef<'_, 's, H> {
    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.sink.len()
    }

    /// Whether nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.sink.is_empty()
    }

    /// As [`Writer::is_finished`].
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.state.is_finished()
    }

    /// As [`Writer::declaration`].
    ///
    /// # Errors
    /// As [`Writer::declaration`].
    pub fn declaration(&mut self) -> Result<()> {
        if !self.sink.is_empty() || self.state.digest.is_some() {
            return Err(Error::InvalidArgument);
        }
        self.state
            .emit(self.sink, b"<?xml version=\"1.0\" encoding=\"utf-8\"?>")
    }

    /// As [`Writer::begin_digest`].
    ///
    /// # Errors
    /// As [`Writer::begin_digest`].
    pub fn begin_digest(&mut self) -> Result<()>
    where
        H: Default,
    {
        self.begin_digest_with(H::default())
    }

    /// As [`Writer::begin_digest_with`].
    ///
    /// # Errors
    /// As [`Writer::begin_digest_with`].
    pub fn begin_digest_with(&mut self, hasher: H) -> Result<()> {
        if self.state.digest.is_some() {
            return Err(Error::InvalidArgument);
        }
        self.state.digest = Some(hasher);
        Ok(())
    }

    /// As [`Writer::end_digest`].
    ///
    /// # Errors
    /// As [`Writer::end_digest`].
    pub fn end_digest(&mut self) -> Result<[u8; 32]> {
        self.state
            .digest
            .take()
            .map(H::finalize)
            .ok_or(Error::InvalidArgument)
    }

    /// As [`Writer::start`].
    ///
    /// # Errors
    /// As [`Writer::start`].
    pub fn start(&mut self, name: Name<'s>, attrs: &[Attr<'s, '_>]) -> Result<()> {
        self.start_declaring(name, attrs, &[])
    }

    /// As [`Writer::start_apex`].
    ///
    /// # Errors
    /// As [`Writer::start_apex`].
    pub fn start_apex(&mut self, name: Name<'s>, attrs: &[Attr<'s, '_>]) -> Result<()> {
        let stacks = Stacks {
            bindings: self.bindings,
            frames: self.frames,
        };
        self.state.open(self.sink, stacks, name, attrs, &[], true)
    }

    /// As [`Writer::start_declaring`].
    ///
    /// # Errors
    /// As [`Writer::start_declaring`].
    pub fn start_declaring(
        &mut self,
        name: Name<'s>,
        attrs: &[Attr<'s, '_>],
        extra: &[NsDecl<'s>],
    ) -> Result<()> {
        let stacks = Stacks {
            bindings: self.bindings,
            frames: self.frames,
        };
        self.state
            .open(self.sink, stacks, name, attrs, extra, false)
    }

    /// As [`Writer::text`].
    ///
    /// # Errors
    /// As [`Writer::text`].
    pub fn text(&mut self, text: &str) -> Result<()> {
        self.state.text(self.sink, text)
    }

    /// As [`Writer::base64`].
    ///
    /// # Errors
    /// As [`Writer::base64`].
    pub fn base64<I: IntoIterator<Item = u8>>(&mut self, data: I) -> Result<()> {
        self.base64_from(&mut FromIter(data.into_iter()))
    }

    /// As [`Writer::base64_from`].
    ///
    /// # Errors
    /// As [`Writer::base64_from`].
    pub fn base64_from<B: ByteSource + ?Sized>(&mut self, source: &mut B) -> Result<()> {
        self.base64_dyn(&mut Unsized(source))
    }

    fn base64_dyn(&mut self, source: &mut dyn ByteSource) -> Result<()> {
        if self.state.depth == 0 {
            return Err(Error::InvalidArgument);
        }
        // 48 input bytes (a multiple of 3) give 64 symbols without padding.
        let mut chunk = [0u8; 48];
        let mut n = 0usize;
        loop {
            let room = chunk.get_mut(n..).ok_or(Error::LogicBug)?;
            let got = source.fill(room)?;
            if got == 0 {
                break;
            }
            n = n
                .checked_add(got)
                .filter(|&m| m <= chunk.len())
                .ok_or(Error::LogicBug)?;
            if n == chunk.len() {
                self.state.base64_chunk(self.sink, &chunk)?;
                n = 0;
            }
        }
        let rest = chunk.get(..n).ok_or(Error::LogicBug)?;
        self.state.base64_chunk(self.sink, rest)
    }

    /// As [`Writer::end`].
    ///
    /// # Errors
    /// As [`Writer::end`].
    pub fn end(&mut self) -> Result<()> {
        self.state.end(self.sink, self.frames)
    }

    /// As [`Writer::leaf`].
    ///
    /// # Errors
    /// As [`Writer::leaf`].
    pub fn leaf(&mut self, name: Name<'s>, attrs: &[Attr<'s, '_>], text: &str) -> Result<()> {
        let stacks = Stacks {
            bindings: self.bindings,
            frames: self.frames,
        };
        self.state.leaf(self.sink, stacks, name, attrs, text)
    }

    /// Writes `steps` in order (see [`Step`]).
    ///
    /// # Errors
    /// As the calls the steps stand for.
    pub fn steps(&mut self, steps: &[Step<'s>]) -> Result<()> {
        for step in steps {
            for _ in 0..step.close {
                self.end()?;
            }
            let name = Name::new(step.ns, step.local);
            match step.op {
                Op::Close => {}
                Op::Start => self.start(name, step.attrs)?,
                Op::Apex => self.start_apex(name, step.attrs)?,
                Op::Empty => self.empty(name, step.attrs)?,
                Op::Text => self.text(step.local)?,
            }
        }
        Ok(())
    }

    /// As [`Writer::empty`].
    ///
    /// # Errors
    /// As [`Writer::empty`].
    pub fn empty(&mut self, name: Name<'s>, attrs: &[Attr<'s, '_>]) -> Result<()> {
        self.start(name, attrs)?;
        self.end()
    }
}
impl<H: Hasher> State<H> {
    fn is_finished(&self) -> bool {
        self.depth == 0 && self.digest.is_none()
    }

    fn emit(&mut self, sink: &mut dyn Sink, bytes: &[u8]) -> Result<()> {
        sink.write(bytes)?;
        if let Some(h) = self.digest.as_mut() {
            h.update(bytes);
        }
        Ok(())
    }

    fn text(&mut self, sink: &mut dyn Sink, text: &str) -> Result<()> {
        if self.depth == 0 || !text.chars().all(is_xml_char) {
            return Err(Error::InvalidArgument);
        }
        self.escaped(sink, text, false)
    }

    /// Writes the base64 of `chunk` (a multiple of 3 bytes but for the last one).
    fn base64_chunk(&mut self, sink: &mut dyn Sink, chunk: &[u8]) -> Result<()> {
        let mut text = [0u8; 64];
        let t = crate::base64::encode(chunk, &mut text)?;
        self.emit(sink, t.as_bytes())
    }

    fn end<'s>(&mut self, sink: &mut dyn Sink, frames: &[Frame<'s>]) -> Result<()> {
        let top = self.depth.checked_sub(1).ok_or(Error::InvalidArgument)?;
        let frame = *frames.get(top).ok_or(Error::LogicBug)?;
        self.emit(sink, b"</")?;
        self.qname(sink, frame.name)?;
        self.emit(sink, b">")?;
        self.depth = top;
        self.ns_len = frame.ns_len;
        self.floor = frame.floor;
        if frame.apex {
            self.in_apex = false;
        }
        Ok(())
    }

    fn leaf<'s>(
        &mut self,
        sink: &mut dyn Sink,
        stacks: Stacks<'_, 's>,
        name: Name<'s>,
        attrs: &[Attr<'s, '_>],
        text: &str,
    ) -> Result<()> {
        let Stacks { bindings, frames } = stacks;
        self.open(sink, Stacks { bindings, frames }, name, attrs, &[], false)?;
        self.text(sink, text)?;
        self.end(sink, frames)
    }

    /// The URI bound to `prefix` in the visible scope ("" when none).
    fn lookup<'s>(&self, bindings: &[NsDecl<'s>], prefix: &str) -> &'s str {
        self.lookup_from(bindings, self.floor, prefix)
    }

    /// The URI bound to `prefix` by the bindings from index `floor` up ("" when none).
    fn lookup_from<'s>(&self, bindings: &[NsDecl<'s>], floor: usize, prefix: &str) -> &'s str {
        let visible = bindings.get(floor..self.ns_len).unwrap_or(&[]);
        visible
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map_or("", |(_, u)| u)
    }

    fn open<'s>(
        &mut self,
        sink: &mut dyn Sink,
        stacks: Stacks<'_, 's>,
        name: Name<'s>,
        attrs: &[Attr<'s, '_>],
        extra: &[NsDecl<'s>],
        apex: bool,
    ) -> Result<()> {
        let Stacks { bindings, frames } = stacks;
        check_element_name(name)?;
        for (i, a) in attrs.iter().enumerate() {
            check_attr(a)?;
            let later = attrs.get(i.saturating_add(1)..).unwrap_or(&[]);
            if later
                .iter()
                .any(|b| b.name.ns == a.name.ns && b.name.local == a.name.local)
            {
                return Err(Error::InvalidArgument);
            }
        }
        for (p, u) in extra {
            check_decl(p, u)?;
        }
        // Inside an apex, extra declarations or a nested apex (which declares again what the
        // outer apex has in force) would make the outer apex non-canonical.
        if self.in_apex && (apex || !extra.is_empty()) {
            return Err(Error::InvalidArgument);
        }
        if self.depth >= frames.len() {
            return Err(Error::XmlTooDeep);
        }
        let frame = Frame {
            name,
            ns_len: self.ns_len,
            floor: self.floor,
            apex,
        };
        if apex {
            self.floor = self.ns_len;
        }
        // Inside an apex, an element in no namespace under an outer default namespace would need
        // `xmlns=""`, which its canonical form leaves out: such a document cannot be canonical.
        if name.prefix.is_empty()
            && name.ns.is_empty()
            && self.lookup(bindings, "").is_empty()
            && !self.lookup_from(bindings, 0, "").is_empty()
            && (apex || self.floor != 0)
        {
            self.floor = frame.floor;
            return Err(Error::InvalidArgument);
        }

        // The declarations to render: visibly used bindings not in force, plus `extra`.
        let mut decls: [NsDecl<'s>; MAX_DECLS_PER_TAG] = [("", ""); MAX_DECLS_PER_TAG];
        let mut n = 0usize;
        let used = core::iter::once((name.prefix, name.ns))
            .chain(
                attrs
                    .iter()
                    .filter(|a| !a.name.prefix.is_empty() && a.name.prefix != "xml")
                    .map(|a| (a.name.prefix, a.name.ns)),
            )
            .chain(extra.iter().copied());
        let mut result = Ok(());
        for (p, u) in used {
            if let Some((_, bound)) = decls.get(..n).unwrap_or(&[]).iter().find(|(q, _)| *q == p) {
                if *bound != u {
                    result = Err(Error::InvalidArgument);
                }
                continue;
            }
            if self.lookup(bindings, p) == u && !extra.contains(&(p, u)) {
                continue;
            }
            let Some(slot) = decls.get_mut(n) else {
                result = Err(Error::XmlTooLarge);
                break;
            };
            *slot = (p, u);
            n = n.saturating_add(1);
        }
        if let Err(e) = result {
            self.floor = frame.floor;
            return Err(e);
        }
        let decls = decls.get_mut(..n).ok_or(Error::LogicBug)?;
        decls.sort_unstable_by(|a, b| a.0.cmp(b.0));
        if self.ns_len.saturating_add(n) > bindings.len() {
            self.floor = frame.floor;
            return Err(Error::XmlTooLarge);
        }

        self.emit(sink, b"<")?;
        self.qname(sink, name)?;
        for (p, u) in decls.iter() {
            // ` xmlns="u"` or ` xmlns:p="u"`, written as an attribute is.
            let decl = if p.is_empty() {
                Name::new("", "xmlns")
            } else {
                Name::prefixed("xmlns", "", p)
            };
            self.attribute(sink, decl, u)?;
        }
        // Attributes in canonical order: by (namespace URI, local name); selection without a
        // scratch array.
        let mut last: Option<(&str, &str)> = None;
        for _ in attrs {
            let next = attrs
                .iter()
                .filter(|a| last.is_none_or(|l| (a.name.ns, a.name.local) > l))
                .min_by(|a, b| (a.name.ns, a.name.local).cmp(&(b.name.ns, b.name.local)))
                .ok_or(Error::LogicBug)?;
            last = Some((next.name.ns, next.name.local));
            self.attribute(sink, next.name, next.value)?;
        }
        self.emit(sink, b">")?;

        for d in decls.iter() {
            let slot = bindings.get_mut(self.ns_len).ok_or(Error::LogicBug)?;
            *slot = *d;
            self.ns_len = self.ns_len.saturating_add(1);
        }
        let slot = frames.get_mut(self.depth).ok_or(Error::LogicBug)?;
        *slot = frame;
        self.depth = self.depth.saturating_add(1);
        if frame.apex {
            self.in_apex = true;
        }
        Ok(())
    }

    /// ` name="value"`, the value escaped.
    fn attribute(&mut self, sink: &mut dyn Sink, name: Name<'_>, value: &str) -> Result<()> {
        self.emit(sink, b" ")?;
        self.qname(sink, name)?;
        self.emit(sink, b"=\"")?;
        self.escaped(sink, value, true)?;
        self.emit(sink, b"\"")
    }

    fn qname(&mut self, sink: &mut dyn Sink, name: Name<'_>) -> Result<()> {
        if !name.prefix.is_empty() {
            self.emit(sink, name.prefix.as_bytes())?;
            self.emit(sink, b":")?;
        }
        self.emit(sink, name.local.as_bytes())
    }

    /// Writes `s` with the canonical escapes for text (`attr` false) or attribute values.
    fn escaped(&mut self, sink: &mut dyn Sink, s: &str, attr: bool) -> Result<()> {
        let bytes = s.as_bytes();
        let mut from = 0usize;
        for (i, b) in bytes.iter().enumerate() {
            let rep: &[u8] = match (b, attr) {
                (b'&', _) => b"&amp;",
                (b'<', _) => b"&lt;",
                (b'>', false) => b"&gt;",
                (b'"', true) => b"&quot;",
                (b'\t', true) => b"&#x9;",
                (b'\n', true) => b"&#xA;",
                (b'\r', _) => b"&#xD;",
                _ => continue,
            };
            self.emit(sink, bytes.get(from..i).ok_or(Error::LogicBug)?)?;
            self.emit(sink, rep)?;
            from = i.saturating_add(1);
        }
        self.emit(sink, bytes.get(from..).ok_or(Error::LogicBug)?)
    }
}

fn check_element_name(name: Name<'_>) -> Result<()> {
    let ok = is_ncname(name.local)
        && (name.prefix.is_empty() || (is_ncname(name.prefix) && !name.ns.is_empty()))
        && !name.prefix.eq_ignore_ascii_case("xml")
        && !name.prefix.eq_ignore_ascii_case("xmlns")
        && name.ns != ns::XML
        && name.ns != ns::XMLNS;
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidArgument)
    }
}

fn check_attr(a: &Attr<'_, '_>) -> Result<()> {
    let n = a.name;
    let name_ok = is_ncname(n.local)
        && if n.prefix.is_empty() {
            n.ns.is_empty() && n.local != "xmlns"
        } else if n.prefix == "xml" {
            n.ns == ns::XML
        } else {
            is_ncname(n.prefix)
                && !n.prefix.eq_ignore_ascii_case("xmlns")
                && !n.prefix.eq_ignore_ascii_case("xml")
                && !n.ns.is_empty()
                && n.ns != ns::XML
                && n.ns != ns::XMLNS
        };
    if name_ok && a.value.chars().all(is_xml_char) {
        Ok(())
    } else {
        Err(Error::InvalidArgument)
    }
}

fn check_decl(prefix: &str, uri: &str) -> Result<()> {
    let ok = (prefix.is_empty() || (is_ncname(prefix) && !uri.is_empty()))
        && !prefix.eq_ignore_ascii_case("xml")
        && !prefix.eq_ignore_ascii_case("xmlns")
        && uri != ns::XML
        && uri != ns::XMLNS
        && uri.chars().all(is_xml_char);
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidArgument)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn written<F: FnOnce(&mut Writer<'static, SliceSink<'_>>) -> Result<()>>(
        buf: &mut [u8],
        f: F,
    ) -> Result<&str> {
        let mut w = Writer::new(SliceSink::new(buf));
        f(&mut w)?;
        let out = w.finish()?.into_written();
        Ok(core::str::from_utf8(out).unwrap())
    }

    #[test]
    fn canonical_order_and_escapes() {
        let mut buf = [0u8; 256];
        let out = written(&mut buf, |w| {
            w.start(
                Name::new("u", "a"),
                &[
                    Attr::xml("space", "preserve"),
                    Attr::new("z", "\"\t\n\r<&>"),
                    Attr::new("Id", "x"),
                ],
            )?;
            w.text("t&<>\r\"'")?;
            w.empty(Name::new("u", "b"), &[])?;
            w.end()
        })
        .unwrap();
        assert_eq!(
            out,
            "<a xmlns=\"u\" Id=\"x\" z=\"&quot;&#x9;&#xA;&#xD;&lt;&amp;>\" xml:space=\"preserve\">\
t&amp;&lt;&gt;&#xD;\"'<b></b></a>"
        );
    }

    #[test]
    fn apex_redeclares_and_prefixes_are_declared_where_used() {
        let mut buf = [0u8; 256];
        let out = written(&mut buf, |w| {
            w.start(Name::new("u", "a"), &[])?;
            w.start_apex(Name::new("u", "b"), &[])?;
            w.start(Name::new("u", "c"), &[])?;
            w.end()?;
            w.end()?;
            w.start(
                Name::prefixed("p", "v", "d"),
                &[Attr {
                    name: Name::prefixed("q", "w", "x"),
                    value: "1",
                }],
            )?;
            w.end()?;
            w.end()
        })
        .unwrap();
        assert_eq!(
            out,
            "<a xmlns=\"u\"><b xmlns=\"u\"><c></c></b>\
<p:d xmlns:p=\"v\" xmlns:q=\"w\" q:x=\"1\"></p:d></a>"
        );
    }

    #[test]
    fn overflow_counting_and_digest() {
        let mut count = Writer::<_>::new(CountingSink::new());
        count.declaration().unwrap();
        count.leaf(Name::new("u", "a"), &[], "hello").unwrap();
        let need = count.finish().unwrap().len();
        let mut buf = [0u8; 128];
        let text = written(&mut buf, |w| {
            w.declaration()?;
            w.begin_digest()?;
            w.leaf(Name::new("u", "a"), &[], "hello")?;
            let d = w.end_digest()?;
            assert_eq!(d, crate::crypto::sha256(b"<a xmlns=\"u\">hello</a>"));
            Ok(())
        })
        .unwrap();
        assert_eq!(text.len(), need);
        for short in 0..need {
            let mut small = [0u8; 128];
            let mut w = Writer::<_>::new(SliceSink::new(&mut small[..short]));
            let r = w
                .declaration()
                .and_then(|()| w.leaf(Name::new("u", "a"), &[], "hello"));
            assert_eq!(r, Err(Error::BufferTooSmall));
        }
    }

    #[test]
    fn base64_in_pieces() {
        let data: [u8; 100] = core::array::from_fn(|i| (i * 7) as u8);
        for len in [0, 1, 2, 3, 47, 48, 49, 96, 100] {
            let mut buf = [0u8; 256];
            let mut expected = [0u8; 256];
            let want = crate::base64::encode(&data[..len], &mut expected).unwrap();
            let out = written(&mut buf, |w| {
                w.start(Name::new("", "a"), &[])?;
                w.base64(data[..len].iter().copied())?;
                w.end()
            })
            .unwrap();
            assert_eq!(&out[3..out.len() - 4], want);
        }
    }

    #[test]
    fn refusals() {
        let mut buf = [0u8; 128];
        let mut w = Writer::<_>::new(SliceSink::new(&mut buf));
        assert_eq!(w.text("x"), Err(Error::InvalidArgument));
        assert_eq!(w.end(), Err(Error::InvalidArgument));
        assert_eq!(
            w.start(Name::new("", "1a"), &[]),
            Err(Error::InvalidArgument)
        );
        assert_eq!(
            w.start(Name::prefixed("p", "", "a"), &[]),
            Err(Error::InvalidArgument)
        );
        assert_eq!(
            w.start(
                Name::new("", "a"),
                &[Attr::new("x", "1"), Attr::new("x", "2")]
            ),
            Err(Error::InvalidArgument)
        );
        assert_eq!(
            w.start(Name::new("", "a"), &[Attr::new("x", "\u{1}")]),
            Err(Error::InvalidArgument)
        );
        w.start_apex(Name::new("u", "a"), &[]).unwrap();
        assert_eq!(
            w.start_declaring(Name::new("u", "b"), &[], &[("x", "y")]),
            Err(Error::InvalidArgument)
        );
        assert_eq!(w.text("\u{FFFF}"), Err(Error::InvalidArgument));
        assert!(!w.is_empty());
        w.end().unwrap();
        // No namespace inside an apex under a default namespace: cannot be canonical.
        let mut w = Writer::<_>::new(CountingSink::new());
        w.start(Name::new("u", "a"), &[]).unwrap();
        assert_eq!(
            w.start_apex(Name::new("", "b"), &[]),
            Err(Error::InvalidArgument)
        );
        w.start_apex(Name::prefixed("p", "v", "b"), &[]).unwrap();
        assert_eq!(
            w.start(Name::new("", "c"), &[]),
            Err(Error::InvalidArgument)
        );
        assert_eq!(
            w.start_apex(Name::new("v", "c"), &[]),
            Err(Error::InvalidArgument)
        );
        // Under an apex that declares a default namespace, `xmlns=""` is canonical.
        w.start(Name::new("w", "c"), &[]).unwrap();
        w.empty(Name::new("", "d"), &[]).unwrap();
        let mut deep = Writer::<_, 4, 2>::new(CountingSink::new());
        deep.start(Name::new("", "a"), &[]).unwrap();
        deep.start(Name::new("", "a"), &[]).unwrap();
        assert_eq!(deep.start(Name::new("", "a"), &[]), Err(Error::XmlTooDeep));
    }
}
