//! Reading a Secure Delete response (PROTOCOL §4, the seed's example):
//!
//! ```text
//! soap:Envelope / soap:Body / ProcessDeleteLicenseDataResponse (protocols)
//!   / ProcessDeleteLicenseDataResult / Response (messages)
//!   / DeleteLicenseResponse (protocols) / Version, SessionID
//! ```
//!
//! or a SOAP `Fault`. The document is read with `drm-core`'s bounded reader (no DTD, no entity
//! declarations, depth and size limits) after a length check of its own.

use drm_core::SessionId;
use drm_core::xml::ns;
use drm_core::xml::path::Step;
use drm_core::xml::reader::{Event, Limits, Reader};

use crate::error::{Error, Result};

/// Largest response accepted, in bytes. The seed's response with a SessionID is about 600
/// bytes; a fault with a long message stays far below this.
pub const MAX_RESPONSE_LEN: usize = 8 * 1024;

const ENVELOPE: Step<'static> = (ns::SOAP, "Envelope");
const BODY: Step<'static> = (ns::SOAP, "Body");

const VERSION: [Step<'static>; 7] = [
    ENVELOPE,
    BODY,
    (ns::PROTOCOLS, "ProcessDeleteLicenseDataResponse"),
    (ns::PROTOCOLS, "ProcessDeleteLicenseDataResult"),
    (ns::MESSAGES, "Response"),
    (ns::PROTOCOLS, "DeleteLicenseResponse"),
    (ns::PROTOCOLS, "Version"),
];
const SESSION_ID: [Step<'static>; 7] = [
    ENVELOPE,
    BODY,
    (ns::PROTOCOLS, "ProcessDeleteLicenseDataResponse"),
    (ns::PROTOCOLS, "ProcessDeleteLicenseDataResult"),
    (ns::MESSAGES, "Response"),
    (ns::PROTOCOLS, "DeleteLicenseResponse"),
    (ns::PROTOCOLS, "SessionID"),
];

/// The reader's limits for a response: depth, attributes per element, namespace bindings in
/// scope. The response's deepest element is at depth 7 (6 in a fault); a smaller reader than
/// drm-core's default keeps a small Cortex-M0 stack in mind.
type ResponseReader<'a> = Reader<'a, 16, 8, 16>;

const FAULT: [Step<'static>; 3] = [ENVELOPE, BODY, (ns::SOAP, "Fault")];
const STATUS: [Step<'static>; 6] = [
    ENVELOPE,
    BODY,
    (ns::SOAP, "Fault"),
    ("", "detail"),
    ("", "Exception"),
    ("", "StatusCode"),
];

/// The SessionID of a version-1 Secure Delete response.
///
/// The document is read once, with a reader of its own limits (`ResponseReader`), collecting
/// the elements below as it goes.
///
/// # Errors
/// - [`drm_core::Error::XmlTooLarge`] (as [`Error::Core`]) above [`MAX_RESPONSE_LEN`] bytes or a
///   reader limit; `XmlTooDeep`, `XmlForbidden` (a DTD), `XmlMalformed` from the reader;
/// - [`Error::SoapFault`] for a SOAP fault, with its status code (`drm_core::acquire::fault_status`);
/// - [`Error::InvalidResponse`] when the document is not one response of version 1 with one
///   SessionID of 16 bytes.
pub fn parse(response: &[u8]) -> Result<SessionId> {
    if response.len() > MAX_RESPONSE_LEN {
        return Err(Error::Core(drm_core::Error::XmlTooLarge));
    }
    let mut reader = ResponseReader::with_limits(response, Limits::DEFAULT)?;
    let mut version = Field::<32>::new(&VERSION);
    let mut session = Field::<32>::new(&SESSION_ID);
    let mut status = Field::<24>::new(&STATUS);
    let mut fault = Field::<0>::new(&FAULT);
    while let Some(event) = reader.next_event()? {
        let depth = reader.depth();
        version.event(&event, depth);
        session.event(&event, depth);
        status.event(&event, depth);
        fault.event(&event, depth);
    }
    if fault.count > 0 {
        let status = status
            .first_text()
            .and_then(drm_core::acquire::parse_status)
            .unwrap_or(0);
        return Err(Error::SoapFault { status });
    }
    if version.only_text()? != "1" {
        return Err(Error::InvalidResponse);
    }
    SessionId::from_base64(session.only_text()?.as_bytes()).map_err(|_| Error::InvalidResponse)
}

/// The elements at one path, and the text of the first (decoded, up to `N` bytes).
struct Field<'p, const N: usize> {
    path: &'p [Step<'p>],
    /// Steps of `path` matched by the open elements.
    matched: usize,
    /// Elements found at `path`.
    count: usize,
    /// Inside the first one.
    inside: bool,
    /// The first one's text does not fit, or it has a child element.
    bad: bool,
    buf: [u8; N],
    len: usize,
}

impl<'p, const N: usize> Field<'p, N> {
    fn new(path: &'p [Step<'p>]) -> Self {
        Self {
            path,
            matched: 0,
            count: 0,
            inside: false,
            bad: false,
            buf: [0; N],
            len: 0,
        }
    }

    /// Follows one reader event; `depth` is the reader's depth after it.
    fn event(&mut self, event: &Event<'_>, depth: usize) {
        match event {
            Event::Start { name, .. } => {
                if self.inside {
                    self.bad = true;
                }
                let step = self.path.get(self.matched);
                if self.matched.saturating_add(1) == depth
                    && step.is_some_and(|(ns, local)| name.is(ns, local))
                {
                    self.matched = depth;
                    if self.matched == self.path.len() {
                        self.count = self.count.saturating_add(1);
                        self.inside = self.count == 1;
                    }
                }
            }
            Event::End { .. } => {
                if depth < self.matched {
                    self.matched = depth;
                    self.inside = false;
                }
            }
            Event::Text(t) => {
                if self.inside && depth == self.path.len() {
                    let rest = self.buf.get_mut(self.len..).unwrap_or_default();
                    match t.decode_into(rest) {
                        Ok(piece) => self.len = self.len.saturating_add(piece.len()),
                        Err(_) => self.bad = true,
                    }
                }
            }
        }
    }

    /// The first element's trimmed text, if it has one that fits and no child element.
    fn first_text(&self) -> Option<&str> {
        if self.count == 0 || self.bad {
            return None;
        }
        let text = core::str::from_utf8(self.buf.get(..self.len)?).ok()?;
        Some(text.trim_matches(is_xml_space))
    }

    /// The only element's trimmed text: [`Error::InvalidResponse`] when there is none, more
    /// than one, or its text does not fit or has a child element.
    fn only_text(&self) -> Result<&str> {
        if self.count != 1 {
            return Err(Error::InvalidResponse);
        }
        self.first_text().ok_or(Error::InvalidResponse)
    }
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}
