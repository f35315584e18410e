//! The device of the key exchange vectors (`keyexchange_vectors.rs`, included by the parent
//! module) as a device whose keys stay in ROM (or a secure element) would implement the identity:
//! a zero-sized handle, no key copied into RAM until an operation needs it. On the Cortex-M0 (a
//! small stack) this keeps about 240 bytes of keys out of every test frame. Shared by the
//! `keyexchange` suite (`bin/keyexchange.rs`) and the bench operations (`bench/ops.rs`), each of
//! which includes this file as a module.

use drm_core::crypto;
use drm_core::platform::DeviceIdentity;
use drm_core::secret::{EccPrivateKey, HmacKey, Secret32};

use super::{CHAIN, ENCRYPTION_KEY, ENCRYPTION_PUBLIC, SIGNING_KEY, SIGNING_PUBLIC};

/// See the module documentation.
pub struct RomIdentity;

impl DeviceIdentity for RomIdentity {
    type Crypto = drm_core::crypto::backend::DefaultCrypto;
    fn crypto(&self) -> &Self::Crypto {
        &drm_core::crypto::backend::DEFAULT
    }
    fn certificate_chain(&self) -> &[u8] {
        &CHAIN
    }
    fn security_level(&self) -> u32 {
        2000
    }
    fn signing_public_key(&self) -> [u8; 64] {
        SIGNING_PUBLIC
    }
    fn encryption_public_key(&self) -> [u8; 64] {
        ENCRYPTION_PUBLIC
    }
    fn sign_digest(&self, digest: &[u8; 32]) -> drm_core::Result<[u8; 64]> {
        crypto::ecdsa_p256_sign_digest(&EccPrivateKey::from_bytes(SIGNING_KEY), digest)
    }
    fn elgamal_decrypt(&self, ciphertext: &[u8; 128]) -> drm_core::Result<Secret32> {
        crypto::elgamal_decrypt(&EccPrivateKey::from_bytes(ENCRYPTION_KEY), ciphertext)
    }
    fn derive_key(&self, purpose: &[u8]) -> drm_core::Result<HmacKey> {
        Ok(HmacKey::from_bytes(crypto::hmac_sha256(
            &HmacKey::from_bytes([7; 32]),
            purpose,
        )))
    }
}
