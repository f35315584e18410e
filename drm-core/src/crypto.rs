//! Cryptography over RustCrypto: the only module that names RustCrypto types.

use hmac::{KeyInit, Mac};
use sha2::Digest;

use crate::error::{Error, Result};
use crate::secret::HmacKey;

/// SHA-256 of `data`.
#[must_use]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}

/// Streaming SHA-256.
#[derive(Clone, Default)]
pub struct Sha256(sha2::Sha256);

impl Sha256 {
    /// A fresh hash.
    #[must_use]
    pub fn new() -> Self {
        Self(sha2::Sha256::new())
    }
    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    /// The digest.
    #[must_use]
    pub fn finalize(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// Streaming HMAC-SHA256 (RFC 2104).
#[derive(Clone)]
pub struct HmacSha256(hmac::Hmac<sha2::Sha256>);

impl HmacSha256 {
    /// A MAC keyed with `key`.
    #[must_use]
    pub fn new(key: &HmacKey) -> Self {
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(key.expose_secret());
        let mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new(&block.into());
        zeroize::Zeroize::zeroize(&mut block);
        Self(mac)
    }
    /// A MAC keyed with a key of any length (RFC 2104 rules).
    pub fn new_from_slice(key: &[u8]) -> Result<Self> {
        <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key)
            .map(Self)
            .map_err(|_| Error::InvalidArgument)
    }
    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    /// The 32-byte tag.
    #[must_use]
    pub fn finalize(self) -> [u8; 32] {
        self.0.finalize().into_bytes().into()
    }
    /// Checks `tag` (full 32 bytes) in constant time.
    pub fn verify(self, tag: &[u8]) -> Result<()> {
        self.0
            .verify_slice(tag)
            .map_err(|_| Error::VerificationFailed)
    }
}
