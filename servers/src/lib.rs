//! Simulated PlayReady servers and provisioning authority: what the kit's tests and the host
//! simulation (`drm-sim`) run the client against.
//!
//! This crate is the independent counterpart the client crates are tested against. Everything in
//! it is written from the protocol facts (`shared/PROTOCOL.md`, `docs/KEY-EXCHANGE-FORMAT.md` and
//! the seed documents), with RustCrypto crates, `roxmltree` and `base64` used directly. It does not
//! use `drm-core`'s crypto, XMR, BCert or XML code: a test that checks the client with the client's
//! own code proves nothing.
//!
//! - [`pki`]: a test root, an issuer and BCert chains for devices and servers; a chain parser and
//!   verifier for the servers' own needs.
//! - [`xmr`]: an XMR license builder (content licenses and KeyExchangeLicenses), with options to
//!   break licenses on purpose.
//! - [`license_server`]: reads an `AcquireLicense` challenge and answers with licenses or a fault;
//!   keeps every key exchange key so tests can run the inverse operation.
//! - [`secure_delete`]: reads a Secure Delete challenge and answers; can answer wrongly on demand.
//! - [`backend`]: state shared by the two servers (each device's live persistent licenses, the
//!   sessions they were issued in).
//!
//! All of it allocates freely (`std`); none of it may panic on a malformed request: a bad request
//! gets a SOAP fault and a typed [`ServerError`].
//!
//! This is test code. It is not audited and must never hold a production key.

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

pub mod backend;
pub mod crypto;
pub mod error;
pub mod license_server;
pub mod pki;
pub mod rng;
pub mod secure_delete;
pub mod soap;
mod wire;
pub mod xmr;

pub use backend::Backend;
pub use error::ServerError;
pub use rng::TestRng;

/// A 16-byte identifier as it is on the wire (KID, LID, SessionID): PROTOCOL §1.
pub type Id16 = [u8; 16];
