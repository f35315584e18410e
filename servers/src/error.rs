//! Why a server refused a request.

use core::fmt;

/// Why a simulated server refused a request. Every refusal is also answered with a SOAP fault
/// whose `StatusCode` is [`ServerError::status`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerError {
    /// Not well-formed XML, a DTD, or a document over the size limit.
    Xml(String),
    /// Well-formed, but not the structure of the protocol (element, namespace, attribute, value).
    Structure(String),
    /// A signed element is not in canonical form (its bytes differ from its exclusive
    /// canonicalisation).
    NotCanonical(&'static str),
    /// `DigestValue` is not the SHA-256 of the signed element.
    Digest,
    /// `SignatureValue` does not verify with the key in `KeyInfo`.
    Signature,
    /// `EncryptedData` could not be decrypted (wrong server key, bad padding, bad point).
    Decrypt,
    /// The certificate chain is malformed or does not verify to the trusted root.
    Chain(String),
    /// `KeyInfo`'s key is not the signing key of the chain's leaf certificate.
    KeyMismatch,
    /// The request was valid but the server's policy refused it (or was told to fault).
    Refused(u32),
    /// The server's records could not be read or written (its database); nothing changed.
    Storage(String),
    /// A license was to be issued of a kind the client did not announce it can use: the feature
    /// named (`KeyExchange`, `KeyExchangeMultiple`) is missing from its challenge's `Features`.
    FeatureNotAnnounced(&'static str),
}

/// PlayReady server status: internal error (`DRM_E_SERVER_INTERNAL_ERROR`).
pub const STATUS_INTERNAL_ERROR: u32 = 0x8004_C600;
/// PlayReady server status: invalid message (`DRM_E_SERVER_INVALID_MESSAGE`).
pub const STATUS_INVALID_MESSAGE: u32 = 0x8004_C601;
/// PlayReady server status: service-specific refusal (`DRM_E_SERVER_SERVICE_SPECIFIC`).
pub const STATUS_SERVICE_SPECIFIC: u32 = 0x8004_C604;

impl ServerError {
    /// The status code sent in the fault for this refusal.
    #[must_use]
    pub fn status(&self) -> u32 {
        match self {
            Self::Refused(code) => *code,
            Self::Storage(_) => STATUS_INTERNAL_ERROR,
            Self::FeatureNotAnnounced(_) => STATUS_SERVICE_SPECIFIC,
            _ => STATUS_INVALID_MESSAGE,
        }
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Xml(m) => write!(f, "malformed XML: {m}"),
            Self::Structure(m) => write!(f, "unexpected structure: {m}"),
            Self::NotCanonical(what) => write!(f, "{what} is not in canonical form"),
            Self::Digest => f.write_str("digest mismatch"),
            Self::Signature => f.write_str("signature verification failed"),
            Self::Decrypt => f.write_str("EncryptedData could not be decrypted"),
            Self::Chain(m) => write!(f, "certificate chain rejected: {m}"),
            Self::KeyMismatch => f.write_str("KeyInfo key is not the leaf's signing key"),
            Self::Refused(code) => write!(f, "refused with status 0x{code:08X}"),
            Self::Storage(m) => write!(f, "server records: {m}"),
            Self::FeatureNotAnnounced(name) => {
                write!(f, "the client did not announce the feature {name}")
            }
        }
    }
}

impl std::error::Error for ServerError {}
