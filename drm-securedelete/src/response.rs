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
use drm_core::xml::path::{self, Step};

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

/// The SessionID of a version-1 Secure Delete response.
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
    path::validate(response)?;
    if let Some(fault) = drm_core::acquire::fault_status(response)? {
        return Err(fault.into());
    }
    let mut buf = [0u8; 32];
    let version = only_text(response, &VERSION, &mut buf)?;
    if version != "1" {
        return Err(Error::InvalidResponse);
    }
    let id = only_text(response, &SESSION_ID, &mut buf)?;
    SessionId::from_base64(id.as_bytes()).map_err(|_| Error::InvalidResponse)
}

/// The trimmed text of the one element at `path`; [`Error::InvalidResponse`] when there is
/// none, more than one, or its text does not fit `buf`.
/// (The document was validated before, so `XmlMalformed` here is about the structure.)
fn only_text<'b>(response: &[u8], path: &[Step<'_>], buf: &'b mut [u8]) -> Result<&'b str> {
    let structure = |e| match e {
        drm_core::Error::BufferTooSmall | drm_core::Error::XmlMalformed => Error::InvalidResponse,
        e => Error::Core(e),
    };
    let found = path::find_unique(response, path).map_err(structure)?;
    let text = found.text_into(buf).map_err(structure)?;
    Ok(text.trim_matches(is_xml_space))
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}
