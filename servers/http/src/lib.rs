#![doc = include_str!("../README.md")]
// Tests may unwrap and index: a panic there is a failed test, which is what it should be.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod client;
pub mod records;
pub mod server;
pub use server::sim;

pub use client::{Client, ClientError, SoapReply};
pub use server::{Config, Limits, Running, ServerKeys, StartError, Stats, start};

/// The license server's path (PlayReady's license servers are reached at `rightsmanager.asmx`).
pub const LICENSE_PATH: &str = "/rightsmanager.asmx";
/// The Secure Delete server's path (not public: the project's choice).
pub const SECURE_DELETE_PATH: &str = "/securedelete.asmx";
/// `SOAPAction` of a license acquisition.
pub const ACTION_ACQUIRE_LICENSE: &str =
    "http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense";
/// `SOAPAction` of a Secure Delete challenge (not public: the protocols namespace and the body
/// element's name, as for `AcquireLicense`).
pub const ACTION_SECURE_DELETE: &str =
    "http://schemas.microsoft.com/DRM/2007/03/protocols/ProcessDeleteLicenseData";
/// The content type of requests and responses.
pub const SOAP_CONTENT_TYPE: &str = "text/xml; charset=utf-8";
/// Largest request body read (and response body a [`Client`] reads): the servers' own limit,
/// [`drm_servers::soap::MAX_REQUEST`] (1 MiB).
pub const MAX_BODY: usize = drm_servers::soap::MAX_REQUEST;
/// The simulation's header telling what a request did (not PlayReady's).
pub const OUTCOME_HEADER: &str = "x-drm-sim-outcome";

/// Lower-case hex.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes of hex digits (either case); `None` for an odd length or a non-digit.
#[must_use]
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|p| {
            let d = std::str::from_utf8(p).ok()?;
            u8::from_str_radix(d, 16).ok()
        })
        .collect()
}
