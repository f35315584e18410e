//! Verification: a parsed license bound to the device, its key unwrapped after the signature checks.

use core::fmt;

use zeroize::Zeroizing;

use crate::crypto::backend::{Algorithms, Crypto};
use crate::error::{Error, Result};
use crate::platform::DeviceIdentity;
use crate::secret::{Aes128Key, EccPrivateKey, HmacKey};

use super::parse::{KeyExchangeKeyObject, Kx, ParsedLicense};
use super::policy::{KeyExchangePolicy, KeyRef, KxAlgorithm, KxOperation};
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
    /// A KeyExchangeLicense of format 2 checked by [`verify`]: binding and signature verified,
    /// none of its keys unwrapped (KEY-EXCHANGE-FORMAT §3.2). [`verify_key`] unwraps one.
    KxWrapped,
}

impl fmt::Debug for LicenseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LicenseKey::Content(_) => "Content(<redacted>)",
            LicenseKey::KxAes128Cbc(_) => "KxAes128Cbc(<redacted>)",
            LicenseKey::KxHmacSha256(_) => "KxHmacSha256(<redacted>)",
            LicenseKey::KxEcdsaPrivate(_) => "KxEcdsaPrivate(<redacted>)",
            LicenseKey::KxEcdsaPublic(_) => "KxEcdsaPublic(<redacted>)",
            LicenseKey::KxWrapped => "KxWrapped",
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
/// 4. the key is taken: `CK` itself for content licenses and AES-128-CBC key exchange licenses
///    of format 1, else the `0x7E02` key object decrypted with `CK` and checked (a private
///    scalar in `[1, n−1]`, a public key on P-256). A KeyExchangeLicense of format 2 has its
///    keys left wrapped ([`LicenseKey::KxWrapped`]): [`verify_key`] unwraps the one named.
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
    verify_selected(parsed, identity, None)
}

/// Verifies a KeyExchangeLicense as [`verify`] does and unwraps the one key `key` names, and no
/// other (KEY-EXCHANGE-FORMAT §2.1, §3.2): the key is found in the parsed license before any
/// cryptography, then binding and signature are checked, then only that key's object is
/// decrypted with `CK` and checked. Works for both formats (a format-1 license holds one key,
/// index 0, whose id is its KID).
///
/// # Errors
/// [`Error::LicenseKeyNotFound`] when the license holds no such key (or is a content license),
/// before anything is decrypted; the errors of [`verify`].
pub fn verify_key<'a, I: DeviceIdentity + ?Sized>(
    parsed: ParsedLicense<'a>,
    identity: &I,
    key: KeyRef,
) -> Result<VerifiedLicense<'a>> {
    verify_selected(parsed, identity, Some(key))
}

/// [`verify`] (`key` `None`) and [`verify_key`] in one body, so that the firmware links one copy
/// of the checks.
fn verify_selected<'a, I: DeviceIdentity + ?Sized>(
    parsed: ParsedLicense<'a>,
    identity: &I,
    key: Option<KeyRef>,
) -> Result<VerifiedLicense<'a>> {
    // The key to unwrap, found before any cryptography: the one named; without a name, the one
    // key of a format-1 license, none of a format-2 license's.
    let named = match (key, parsed.kx) {
        (Some(key), _) => Some(parsed.kx_key(key)?),
        (None, Kx::One { .. }) => Some(parsed.kx_key(KeyRef::FIRST)?),
        (None, _) => None,
    };
    let ck = authenticate(&parsed, identity)?;
    let key = match (named, parsed.kx) {
        (Some(named), _) => kx_key(identity.crypto(), &named.policy, named.object.as_ref(), ck)?,
        (None, Kx::None) => LicenseKey::Content(ck),
        (None, _) => LicenseKey::KxWrapped,
    };
    Ok(VerifiedLicense { parsed, key })
}

/// Steps 1 to 3 of [`verify`]: binding, `CI ‖ CK`, the signature; returns `CK` (`CI` is
/// dropped, zeroized). Always inlined into its one caller: as a frame of its own it added 568
/// bytes to Prepare's stack on the Cortex-M0 (`targets/qemu/scripts/stack-chain`).
#[inline(always)]
fn authenticate<I: DeviceIdentity + ?Sized>(
    parsed: &ParsedLicense<'_>,
    identity: &I,
) -> Result<Aes128Key> {
    check_bound(parsed, identity)?;
    unwrap_ck(
        identity,
        parsed.content_key.encrypted,
        parsed.signed_bytes(),
        parsed.signature,
    )
}

/// The checks of [`authenticate`] that need no secret: the license is bound to this device and
/// signed with AES-128-CMAC.
#[inline(always)]
fn check_bound<I: DeviceIdentity + ?Sized>(parsed: &ParsedLicense<'_>, identity: &I) -> Result<()> {
    if *parsed.device_key != identity.encryption_public_key() {
        return Err(Error::NotBound);
    }
    match parsed.signature_type {
        SIG_AES_CMAC => Ok(()),
        SIG_HMAC_SHA256 => Err(Error::UnsupportedSignatureType),
        _ => Err(Error::Unsupported),
    }
}

/// The secret part of [`authenticate`]: `CI ‖ CK` decrypted with the identity's key, the
/// AES-128-CMAC `signature` of `signed` checked with `CI` (constant time), `CK` returned.
#[inline(always)]
fn unwrap_ck<I: DeviceIdentity + ?Sized>(
    identity: &I,
    encrypted: &[u8; 128],
    signed: &[u8],
    signature: &[u8],
) -> Result<Aes128Key> {
    let (ci, ck) = identity.elgamal_decrypt(encrypted)?.split_aes128();
    identity.crypto().cmac_verify(&ci, signed, signature)?;
    drop(ci);
    Ok(ck)
}

/// One key of a KeyExchangeLicense checked up to its unwrap, still wrapped: what a key store that
/// keeps keys away from the kit (a TEE, a secure element) needs to unwrap it itself. Made by
/// [`wrapped_key`] after the checks that need no secret (the key is in the license, the license
/// is bound to this device and signed with AES-128-CMAC); the signature itself is checked by
/// [`WrappedKey::unwrap`] (its key `CI` is a secret). Holds no secret: only the license's bytes.
#[derive(Clone, Copy, Debug)]
pub struct WrappedKey<'a> {
    encrypted: &'a [u8; 128],
    signed: &'a [u8],
    signature: &'a [u8],
    policy: KeyExchangePolicy,
    object: Option<KeyExchangeKeyObject<'a>>,
}

impl<'a> WrappedKey<'a> {
    /// The content key object's ElGamal ciphertext of `CI ‖ CK` (128 bytes), for the device's
    /// encryption key.
    #[must_use]
    pub const fn encrypted_keys(&self) -> &'a [u8; 128] {
        self.encrypted
    }

    /// The bytes the license's AES-128-CMAC signature covers (keyed with `CI`).
    #[must_use]
    pub const fn signed_bytes(&self) -> &'a [u8] {
        self.signed
    }

    /// The license's AES-128-CMAC signature (16 bytes in a well-formed license).
    #[must_use]
    pub const fn signature(&self) -> &'a [u8] {
        self.signature
    }

    /// The key's algorithm.
    #[must_use]
    pub const fn algorithm(&self) -> KxAlgorithm {
        self.policy.algorithm
    }

    /// The key's one operation.
    #[must_use]
    pub const fn operation(&self) -> KxOperation {
        self.policy.operation
    }

    /// The key object (`0x7E02`: IV and the key wrapped with `CK`); `None` for the AES-128-CBC
    /// key of a format-1 license, which is `CK` itself.
    #[must_use]
    pub const fn key_object(&self) -> Option<KeyExchangeKeyObject<'a>> {
        self.object
    }

    /// The wrapped key from its parts, as a key store receives them (a TEE rebuilding what the
    /// kit sent it): the accessors' values. Nothing is checked here; [`WrappedKey::unwrap`]
    /// checks the signature.
    ///
    /// # Errors
    /// [`Error::Unsupported`] for an algorithm and operation KEY-EXCHANGE-FORMAT §2 does not list.
    pub const fn from_parts(
        encrypted: &'a [u8; 128],
        signed: &'a [u8],
        signature: &'a [u8],
        (algorithm, operation): (KxAlgorithm, KxOperation),
        key_object: Option<(&'a [u8; 16], &'a [u8])>,
    ) -> Result<Self> {
        let policy = match KeyExchangePolicy::new(algorithm, operation) {
            Ok(p) => p,
            Err(e) => return Err(e),
        };
        let object = match key_object {
            Some((iv, wrapped)) => Some(KeyExchangeKeyObject { iv, wrapped }),
            None => None,
        };
        Ok(Self {
            encrypted,
            signed,
            signature,
            policy,
            object,
        })
    }

    /// Unwraps the key in software with `identity`: the same code as [`verify_key`]'s steps 2
    /// to 4 (`CI ‖ CK` decrypted, the signature checked in constant time, the key object
    /// decrypted with `CK` and the key checked).
    ///
    /// # Errors
    /// The identity's error, or [`Error::VerificationFailed`] (opaque).
    pub fn unwrap<I: DeviceIdentity + ?Sized>(&self, identity: &I) -> Result<LicenseKey> {
        let ck = unwrap_ck(identity, self.encrypted, self.signed, self.signature)?;
        kx_key(identity.crypto(), &self.policy, self.object.as_ref(), ck)
    }
}

/// The key `key` names in the KeyExchangeLicense `parsed`, checked as [`verify_key`] checks it
/// before any secret is used (the key is in the license, binding, signature type), and left
/// wrapped: [`WrappedKey::unwrap`] (or a key store's own code) does the rest.
///
/// # Errors
/// [`Error::LicenseKeyNotFound`], [`Error::NotBound`], [`Error::UnsupportedSignatureType`],
/// [`Error::Unsupported`], as [`verify_key`].
pub fn wrapped_key<'a, I: DeviceIdentity + ?Sized>(
    parsed: &ParsedLicense<'a>,
    identity: &I,
    key: KeyRef,
) -> Result<WrappedKey<'a>> {
    let named = parsed.kx_key(key)?;
    check_bound(parsed, identity)?;
    Ok(WrappedKey {
        encrypted: parsed.content_key.encrypted,
        signed: parsed.signed_bytes(),
        signature: parsed.signature,
        policy: named.policy,
        object: named.object,
    })
}

/// The key exchange key of `policy`: `CK` itself when there is no key object (format-1
/// AES-128-CBC), else the key object unwrapped with `CK` (which is then dropped, zeroized).
fn kx_key<X: Crypto>(
    crypto: &X,
    policy: &KeyExchangePolicy,
    object: Option<&KeyExchangeKeyObject<'_>>,
    ck: Aes128Key,
) -> Result<LicenseKey> {
    match object {
        None if policy.algorithm == KxAlgorithm::AesCbc => Ok(LicenseKey::KxAes128Cbc(ck)),
        Some(object) => unwrap_kx_key(crypto, policy, object, &ck),
        // The parser refuses a non-AES policy without a key object.
        None => Err(Error::LogicBug),
    }
}

/// Decrypts the `0x7E02` key object with `CK` and checks the key (KEY-EXCHANGE-FORMAT §3.1).
fn unwrap_kx_key<X: Crypto>(
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
        // Format 2 delivers AES-128-CBC keys in key objects too.
        (KxAlgorithm::AesCbc, _) => {
            LicenseKey::KxAes128Cbc(Aes128Key::try_from_slice(plain).ok_or(Error::LogicBug)?)
        }
    })
}
