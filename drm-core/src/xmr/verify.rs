//! Verification: a parsed license bound to the device, its key unwrapped after the signature checks.

use core::fmt;

use zeroize::Zeroizing;

use crate::crypto::backend::{Algorithms, Crypto};
use crate::error::{Error, Result};
use crate::platform::DeviceIdentity;
use crate::secret::{Aes128Key, EccPrivateKey, HmacKey};

use super::parse::{KeyExchangeKeyObject, ParsedLicense};
use super::policy::{KeyExchangePolicy, KxAlgorithm, KxOperation};
use super::{SIG_AES_CMAC, SIG_HMAC_SHA256};

/// The key a verified license carries, unwrapped. Every variant holding secret bytes is a secret
/// type (zeroized on drop, no bytes in `Debug`).
pub enum LicenseKey {
    /// The content key of a content license (key types 1, 3, 5).
    Content(Aes128Key),
    /// AES-128-CBC key exchange key.
    KxAes128Cbc(Aes128Key),
    /// HMAC-SHA256 key exchange key.
    KxHmacSha256(HmacKey),
    /// ECDSA-P256 private scalar (policy: sign), checked to be in `[1, n−1]`.
    KxEcdsaPrivate(EccPrivateKey),
    /// ECDSA-P256 public key `X ‖ Y` (policy: verify), checked to be a point on the curve. Not
    /// secret, but not printed either.
    KxEcdsaPublic([u8; 64]),
}

impl fmt::Debug for LicenseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LicenseKey::Content(_) => "Content(<redacted>)",
            LicenseKey::KxAes128Cbc(_) => "KxAes128Cbc(<redacted>)",
            LicenseKey::KxHmacSha256(_) => "KxHmacSha256(<redacted>)",
            LicenseKey::KxEcdsaPrivate(_) => "KxEcdsaPrivate(<redacted>)",
            LicenseKey::KxEcdsaPublic(_) => "KxEcdsaPublic(<redacted>)",
        })
    }
}

/// A license whose binding and signature have been verified, with its key unwrapped. Made only
/// by [`verify`].
#[derive(Debug)]
pub struct VerifiedLicense<'a> {
    parsed: ParsedLicense<'a>,
    key: LicenseKey,
}

impl<'a> VerifiedLicense<'a> {
    /// The license's fields (now authenticated).
    #[must_use]
    pub const fn license(&self) -> &ParsedLicense<'a> {
        &self.parsed
    }

    /// The unwrapped key.
    #[must_use]
    pub const fn key(&self) -> &LicenseKey {
        &self.key
    }

    /// The content key of a content license; `None` for a KeyExchangeLicense, whose key must only
    /// be used through the key exchange calls.
    #[must_use]
    pub const fn content_key(&self) -> Option<&Aes128Key> {
        match &self.key {
            LicenseKey::Content(key) => Some(key),
            _ => None,
        }
    }

    /// Splits into the fields and the key.
    #[must_use]
    pub fn into_parts(self) -> (ParsedLicense<'a>, LicenseKey) {
        (self.parsed, self.key)
    }
}

/// Verifies a parsed license for `identity` (`PROTOCOL.md` §2, KEY-EXCHANGE-FORMAT §3):
///
/// 1. the ECC device key object equals the identity's encryption public key;
/// 2. `CI ‖ CK` is unwrapped with the identity's encryption key;
/// 3. the AES-128-CMAC signature, keyed with `CI`, verifies over the signed bytes (in constant
///    time);
/// 4. the key is taken: `CK` itself for content licenses and AES-128-CBC key exchange licenses,
///    else the `0x7E02` key object decrypted with `CK` and checked (a private scalar in
///    `[1, n−1]`, a public key on P-256).
///
/// Dates, security level and policy are not checked here (they need a clock and the device).
///
/// # Errors
/// [`Error::NotBound`] (step 1); the identity's error, or [`Error::VerificationFailed`] (steps 2
/// to 4, opaque); [`Error::UnsupportedSignatureType`] for an HMAC-SHA256 signature (type 2: its
/// key is not public, so it cannot be checked), before any key is touched.
pub fn verify<'a, I: DeviceIdentity + ?Sized>(
    parsed: ParsedLicense<'a>,
    identity: &I,
) -> Result<VerifiedLicense<'a>> {
    if *parsed.device_key != identity.encryption_public_key() {
        return Err(Error::NotBound);
    }
    match parsed.signature_type {
        SIG_AES_CMAC => {}
        SIG_HMAC_SHA256 => return Err(Error::UnsupportedSignatureType),
        _ => return Err(Error::Unsupported),
    }
    let (ci, ck) = identity
        .elgamal_decrypt(parsed.content_key.encrypted)?
        .split_aes128();
    let crypto = identity.crypto();
    crypto.cmac_verify(&ci, parsed.signed_bytes(), parsed.signature)?;
    drop(ci);

    let key = match (parsed.key_exchange_policy, parsed.key_exchange_key) {
        (None, _) => LicenseKey::Content(ck),
        (Some(policy), None) if policy.algorithm == KxAlgorithm::AesCbc => {
            LicenseKey::KxAes128Cbc(ck)
        }
        (Some(policy), Some(object)) => unwrap_kx_key(crypto, &policy, &object, &ck)?,
        // The parser refuses a non-AES policy without a key object.
        (Some(_), None) => return Err(Error::LogicBug),
    };
    Ok(VerifiedLicense { parsed, key })
}

/// Decrypts the `0x7E02` key object with `CK` and checks the key (KEY-EXCHANGE-FORMAT §3.1).
pub(super) fn unwrap_kx_key<X: Crypto>(
    crypto: &X,
    policy: &KeyExchangePolicy,
    object: &KeyExchangeKeyObject<'_>,
    ck: &Aes128Key,
) -> Result<LicenseKey> {
    let mut buf = Zeroizing::new([0u8; 64]);
    let plain = buf.get_mut(..object.wrapped.len()).ok_or(Error::LogicBug)?;
    plain.copy_from_slice(object.wrapped);
    crypto
        .aes128_cbc_decrypt(ck, object.iv, plain)
        .map_err(|_| Error::LogicBug)?;
    let plain: &[u8] = plain;
    let bad = Error::VerificationFailed;
    Ok(match (policy.algorithm, policy.operation) {
        (KxAlgorithm::HmacSha256, _) => {
            LicenseKey::KxHmacSha256(HmacKey::try_from_slice(plain).ok_or(Error::LogicBug)?)
        }
        (KxAlgorithm::EcdsaP256, KxOperation::Verify) => {
            let public: [u8; 64] = plain.try_into().map_err(|_| Error::LogicBug)?;
            if !crypto.is_valid_public_key(&public) {
                return Err(bad);
            }
            LicenseKey::KxEcdsaPublic(public)
        }
        (KxAlgorithm::EcdsaP256, _) => {
            let private = EccPrivateKey::try_from_slice(plain).ok_or(Error::LogicBug)?;
            if !crypto.is_valid_private_key(&private) {
                return Err(bad);
            }
            LicenseKey::KxEcdsaPrivate(private)
        }
        (KxAlgorithm::AesCbc, _) => return Err(Error::LogicBug),
    })
}
