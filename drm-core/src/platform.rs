//! The porting layer: what a device supplies to the kit.
//!
//! Flash comes in as `embedded_storage::nor_flash::NorFlash`; randomness as
//! `rand_core::TryCryptoRng` (re-exported here with `CryptoRng`; the kit's functions take
//! `R: TryCryptoRng + ?Sized` and report a failing generator as `Error::Rng`); the rest are the
//! traits below.

use crate::crypto;
use crate::crypto::backend::{Algorithms, Crypto, DEFAULT, DefaultCrypto};
use crate::error::{Error, Result};
use crate::secret::{EccPrivateKey, HmacKey, Secret32};

pub use rand_core::{CryptoRng, Rng, TryCryptoRng, TryRng};

/// Wall-clock time as the device knows it.
pub trait Clock {
    /// Seconds since 1970-01-01 UTC, or `None` when the device does not know the time.
    fn now(&self) -> Option<u64>;
}

/// The device's identity: its two P-256 key pairs and its certificate chain.
///
/// Behind a trait so that a device can keep the private keys in a TEE or secure element; the
/// kit never sees them. [`SoftwareIdentity`] keeps them in memory (hosts, tests, and devices
/// without key protection).
pub trait DeviceIdentity {
    /// The crypto the kit computes with on this device (its engines, or
    /// [`DefaultCrypto`](crate::crypto::backend::DefaultCrypto)): everything of a flow that is
    /// not done with the identity's own keys below goes through it.
    type Crypto: Crypto;
    /// The device's crypto backend.
    fn crypto(&self) -> &Self::Crypto;
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

/// A [`DeviceIdentity`] that keeps its keys in memory: the signing and encryption private keys,
/// a device secret for [`DeviceIdentity::derive_key`], the certificate chain and the security
/// level. `no_std`; the chain is any byte container (`&'static [u8]`, an array, a `Vec<u8>`).
///
/// For hosts, tests and devices without key protection. It offers no protection of the keys
/// beyond zeroizing them when dropped; a real device should keep them in a TEE or secure
/// element behind its own [`DeviceIdentity`].
pub struct SoftwareIdentity<C: AsRef<[u8]>, X: Crypto = DefaultCrypto> {
    crypto: X,
    signing: EccPrivateKey,
    signing_public: [u8; 64],
    encryption: EccPrivateKey,
    encryption_public: [u8; 64],
    device_secret: HmacKey,
    chain: C,
    security_level: u32,
}

impl<C: AsRef<[u8]>> SoftwareIdentity<C> {
    /// An identity from its parts; the public keys are computed here.
    /// [`Error::InvalidArgument`] when a private key is not a valid P-256 scalar.
    ///
    /// Nothing checks that `chain` certifies these keys: the certificate verifier does that
    /// when the chain is used.
    pub fn new(
        signing: EccPrivateKey,
        encryption: EccPrivateKey,
        device_secret: HmacKey,
        chain: C,
        security_level: u32,
    ) -> Result<Self> {
        let signing_public = crypto::ecc_public_key(&signing)?;
        let encryption_public = crypto::ecc_public_key(&encryption)?;
        Ok(Self {
            crypto: DEFAULT,
            signing,
            signing_public,
            encryption,
            encryption_public,
            device_secret,
            chain,
            security_level,
        })
    }
}

impl<C: AsRef<[u8]>, X: Crypto> SoftwareIdentity<C, X> {
    /// The same identity computing with `crypto` (its own keys included).
    pub fn with_crypto<Y: Crypto>(self, crypto: Y) -> SoftwareIdentity<C, Y> {
        self.rebuild(|chain, _| (chain, crypto))
    }

    /// Replaces the certificate chain (for example once the chain for these keys is issued)
    /// and returns the identity with the new chain.
    pub fn with_chain<D: AsRef<[u8]>>(self, chain: D) -> SoftwareIdentity<D, X> {
        self.rebuild(|_, crypto| (chain, crypto))
    }

    /// The same keys with the chain and the crypto `f` makes of the old ones.
    fn rebuild<D: AsRef<[u8]>, Y: Crypto>(
        self,
        f: impl FnOnce(C, X) -> (D, Y),
    ) -> SoftwareIdentity<D, Y> {
        let Self {
            crypto,
            signing,
            signing_public,
            encryption,
            encryption_public,
            device_secret,
            chain,
            security_level,
        } = self;
        let (chain, crypto) = f(chain, crypto);
        SoftwareIdentity {
            crypto,
            signing,
            signing_public,
            encryption,
            encryption_public,
            device_secret,
            chain,
            security_level,
        }
    }
}

impl<C: AsRef<[u8]>, X: Crypto> core::fmt::Debug for SoftwareIdentity<C, X> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SoftwareIdentity")
            .field("security_level", &self.security_level)
            .field("chain_len", &self.chain.as_ref().len())
            .finish_non_exhaustive()
    }
}

impl<C: AsRef<[u8]>, X: Crypto> DeviceIdentity for SoftwareIdentity<C, X> {
    type Crypto = X;
    fn crypto(&self) -> &X {
        &self.crypto
    }
    fn certificate_chain(&self) -> &[u8] {
        self.chain.as_ref()
    }
    fn security_level(&self) -> u32 {
        self.security_level
    }
    fn signing_public_key(&self) -> [u8; 64] {
        self.signing_public
    }
    fn encryption_public_key(&self) -> [u8; 64] {
        self.encryption_public
    }
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<[u8; 64]> {
        self.crypto.ecdsa_p256_sign_digest(&self.signing, digest)
    }
    fn elgamal_decrypt(&self, ciphertext: &[u8; 128]) -> Result<Secret32> {
        self.crypto.elgamal_decrypt(&self.encryption, ciphertext)
    }
    /// HMAC-SHA256 keyed with the device secret over `purpose`.
    fn derive_key(&self, purpose: &[u8]) -> Result<HmacKey> {
        if purpose.is_empty() {
            return Err(Error::InvalidArgument);
        }
        let mut key = self.crypto.hmac_sha256(&self.device_secret, purpose);
        let derived = HmacKey::from_bytes(key);
        zeroize::Zeroize::zeroize(&mut key);
        Ok(derived)
    }
}
