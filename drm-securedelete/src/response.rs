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
use drm_core::xml::path::{Field, Step};
use drm_core::xml::reader::{Limits, Reader};

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
/// the elements below as it goes (`drm_core::xml::path::Field`, as the acquisition response).
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
        version.event(&event, &reader);
        session.event(&event, &reader);
        status.event(&event, &reader);
        fault.event(&event, &reader);
    }
    if fault.count() > 0 {
        let status = status
            .text()
            .and_then(drm_core::acquire::parse_status)
            .unwrap_or(0);
        return Err(Error::SoapFault { status });
    }
    if only_text(&version)? != "1" {
        return Err(Error::InvalidResponse);
    }
    SessionId::from_base64(only_text(&session)?.as_bytes()).map_err(|_| Error::InvalidResponse)
}

/// The only element's decoded, trimmed text: [`Error::InvalidResponse`] when there is none,
/// more than one, or its text does not fit or has a child element.
fn only_text<'f, const N: usize>(field: &'f Field<'_, '_, N>) -> Result<&'f str> {
    if field.count() != 1 {
        return Err(Error::InvalidResponse);
    }
    field.text().ok_or(Error::InvalidResponse)
}
