//! Cryptography over RustCrypto: the only module that names RustCrypto types.
//!
//! - Hashes and MACs: [`sha256`], [`Sha256`], [`hmac_sha256`], [`HmacSha256`],
//!   [`aes128_cmac`], [`Cmac`], [`cmac_verify`].
//! - AES-128: [`aes128_encrypt_block`], [`aes128_decrypt_block`], CBC without padding
//!   ([`aes128_cbc_encrypt`], [`aes128_cbc_decrypt`]; [`Aes128CbcEncryptor`] block by block)
//!   and with PKCS#7
//!   ([`aes128_cbc_encrypt_pkcs7`], [`aes128_cbc_decrypt_pkcs7`]).
//! - P-256: keys ([`ecc_public_key`], [`ecc_generate_key`]), ECDSA-P256-SHA256 with raw `r‖s`
//!   signatures ([`ecdsa_p256_sign`], [`ecdsa_p256_verify`] and their `_digest` forms), and
//!   ElGamal as PROTOCOL §2 describes it ([`elgamal_encrypt`], [`elgamal_decrypt`],
//!   [`point_from_x`], [`random_point_x`], [`elgamal_encrypt_random_point`]).
//! - [`constant_time_eq`] for MACs, digests and anything else secret-dependent.
//!
//! Public keys and points are `X‖Y` (64 bytes, big-endian coordinates) as on the wire; private
//! keys are [`EccPrivateKey`](crate::secret::EccPrivateKey). Every verification failure is the
//! one opaque [`Error::VerificationFailed`].

mod aes_modes;
mod ecc;

use hmac::{KeyInit, Mac};
use sha2::Digest;
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};
use crate::secret::HmacKey;

pub use aes_modes::{
    Aes128CbcEncryptor, Cmac, aes128_cbc_decrypt, aes128_cbc_decrypt_pkcs7, aes128_cbc_encrypt,
    aes128_cbc_encrypt_pkcs7, aes128_cmac, aes128_decrypt_block, aes128_encrypt_block, cmac_verify,
};
#[cfg(feature = "p256-cm4")]
pub use ecc::reference;
pub use ecc::{
    P256_BACKEND, ecc_generate_key, ecc_public_key, ecdsa_p256_sign, ecdsa_p256_sign_digest,
    ecdsa_p256_verify, ecdsa_p256_verify_digest, elgamal_decrypt, elgamal_encrypt,
    elgamal_encrypt_random_point, is_valid_private_key, is_valid_public_key, point_from_x,
    random_point_x, random_point_x_with_suffix,
};

/// Constant-time equality of two byte strings. The lengths are treated as public: strings of
/// different lengths compare unequal at once.
#[must_use]
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

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

/// HMAC-SHA256 of `data` under `key`.
#[must_use]
pub fn hmac_sha256(key: &HmacKey, data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new(key);
    mac.update(data);
    mac.finalize()
}

/// Streaming HMAC-SHA256 (RFC 2104).
#[derive(Clone)]
pub struct HmacSha256(hmac::Hmac<sha2::Sha256>);

impl HmacSha256 {
    /// A MAC keyed with `key`.
    #[must_use]
    pub fn new(key: &HmacKey) -> Self {
        // HMAC zero-pads keys shorter than the 64-byte block (RFC 2104 §2), so a 32-byte key
        // padded to one block is the same key.
        let mut block = [0u8; 64];
        for (dst, src) in block.iter_mut().zip(key.expose_secret()) {
            *dst = *src;
        }
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
