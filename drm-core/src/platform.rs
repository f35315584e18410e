//! The porting layer: what a device supplies to the kit.
//!
//! Flash comes in as `embedded_storage::nor_flash::NorFlash`; randomness as
//! `rand_core::CryptoRng` (re-exported here); the rest are the traits below.

use crate::error::Result;
use crate::secret::{HmacKey, Secret32};

pub use rand_core::{CryptoRng, Rng};

/// Wall-clock time as the device knows it.
pub trait Clock {
    /// Seconds since 1970-01-01 UTC, or `None` when the device does not know the time.
    fn now(&self) -> Option<u64>;
}

/// The device's identity: its two P-256 key pairs and its certificate chain.
///
/// Behind a trait so that a device can keep the private keys in a TEE or secure element; the
/// kit never sees them. A software implementation for hosts lives in `drm-target-host`.
pub trait DeviceIdentity {
    /// The device's BCert chain, leaf first, as bytes.
    fn certificate_chain(&self) -> &[u8];
    /// The device's security level (150, 2000 or 3000), as in its leaf certificate.
    fn security_level(&self) -> u32;
    /// The uncompressed public signing key `X ‖ Y` (usage 1 in the leaf).
    fn signing_public_key(&self) -> [u8; 64];
    /// The uncompressed public encryption key `X ‖ Y` (usage 2 in the leaf); licenses are
    /// wrapped to it.
    fn encryption_public_key(&self) -> [u8; 64];
    /// ECDSA-P256 with the signing key over a SHA-256 digest; the raw signature `r ‖ s`.
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<[u8; 64]>;
    /// ElGamal decryption (PROTOCOL §2) of a 128-byte `C1 ‖ C2` with the encryption key: the x
    /// coordinate of `M = C2 − d·C1`.
    fn elgamal_decrypt(&self, ciphertext: &[u8; 128]) -> Result<Secret32>;
    /// A device-bound key for `purpose` (for example the store's integrity key). The same
    /// device and purpose always give the same key; different purposes give unrelated keys.
    fn derive_key(&self, purpose: &[u8]) -> Result<HmacKey>;
}

/// A monotonic counter that survives reboots and cannot be rolled back (OTP fuses, RPMB, a
/// secure element). Anchors the store against the restore of a whole older flash image.
pub trait MonotonicCounter {
    /// The current value.
    fn read(&mut self) -> Result<u64>;
    /// Adds one and returns the new value. Must be durable before it returns.
    fn increment(&mut self) -> Result<u64>;
}
