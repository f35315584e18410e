//! Bound key exchange contexts: `Perform` and `Close` (type-state).
//!
//! A [`Context<'s, Op>`] is made only by [`crate::prepare`] (or [`crate::bind`]) after every check
//! of the KeyExchangeLicense passed. Its type says the one thing it can do: a
//! [`Context<AesCbcDecrypt>`] has a `decrypt` method and nothing else, so a call the license does
//! not allow is a compile error, not a run-time refusal. The unwrapped key lives in a [`KeySlot`]
//! the caller owns (no allocation; the slot is borrowed for the life of the context), and is
//! zeroized when the context is closed ([`Context::close`]) or dropped. There is no accessor for
//! the key: nothing in this crate hands key bytes out.
//!
//! ```compile_fail,E0599
//! # use drm_keyexchange::{AesCbcDecryptor};
//! // A decrypt context has no `encrypt`: illegal sequences do not compile.
//! fn f(ctx: &AesCbcDecryptor<'_>, iv: &[u8; 16], data: &mut [u8]) {
//!     ctx.encrypt(iv, data).ok();
//! }
//! ```
//!
//! ```compile_fail,E0599
//! # use drm_keyexchange::{HmacVerifier};
//! // An HMAC verify context cannot sign.
//! fn f(ctx: &HmacVerifier<'_>) -> [u8; 32] {
//!     ctx.sign(b"data")
//! }
//! ```
//!
//! ```compile_fail,E0382
//! # use drm_keyexchange::{EcdsaSigner};
//! // A context is gone after Close: it cannot perform again.
//! fn f(ctx: EcdsaSigner<'_>) {
//!     ctx.close();
//!     ctx.sign(b"data").ok();
//! }
//! ```
//!
//! ```compile_fail,E0502
//! # use drm_keyexchange::{KeySlot, AesCbcEncryptor};
//! # fn prepare(slot: &mut KeySlot) -> AesCbcEncryptor<'_> { unimplemented!() }
//! // While a context lives, its key slot cannot be read, not even for the zeroization check.
//! let mut slot = KeySlot::new();
//! let ctx = prepare(&mut slot);
//! let _ = slot.is_clear();
//! ctx.close();
//! ```
//!
//! ```compile_fail,E0451
//! # use drm_keyexchange::{KeySlot, Context, AesCbcEncrypt};
//! // A context cannot be made from raw key bytes: its fields are private.
//! fn f(slot: &mut KeySlot) -> Context<'_, AesCbcEncrypt> {
//!     Context { slot, kid: drm_core::Kid::NIL, crypto: drm_core::crypto::backend::RustCrypto, op: core::marker::PhantomData }
//! }
//! ```
//!
//! ```compile_fail,E0616
//! # use drm_keyexchange::{KeySlot};
//! // The slot has no accessor for its bytes.
//! fn f(slot: &KeySlot) -> &[u8] { &slot.bytes }
//! ```

use core::fmt;
use core::marker::PhantomData;

use drm_core::Kid;
use drm_core::crypto::backend::{Algorithms, Crypto, DefaultCrypto};
use drm_core::secret::{Aes128Key, EccPrivateKey, HmacKey};
use drm_core::xmr::{KxAlgorithm, KxOperation, LicenseKey};
use zeroize::Zeroize;

use crate::error::{Error, Result};

/// Largest key a context holds: a P-256 public key `X ‖ Y`.
const MAX_KEY_LEN: usize = 64;

/// Caller-owned memory for the one key of a [`Context`].
///
/// Firmware keeps it where it wants (stack, a static cell); the context borrows it mutably for
/// its whole life, so nothing else can touch it meanwhile. It has no accessor for its bytes.
/// [`KeySlot::is_clear`] says whether every byte is zero: it is how the tests check that Close
/// and drop leave no key behind, and it tells nothing about a key (it cannot be called while a
/// context holds the slot).
pub struct KeySlot {
    bytes: [u8; MAX_KEY_LEN],
}

impl KeySlot {
    /// An empty (all-zero) slot.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            bytes: [0; MAX_KEY_LEN],
        }
    }

    /// True when every byte of the slot is zero (no key material left in it).
    #[must_use]
    pub fn is_clear(&self) -> bool {
        self.bytes.iter().fold(0u8, |acc, b| acc | b) == 0
    }

    /// Copies `key` into the start of the slot (the rest is zero).
    fn load(&mut self, key: &[u8]) -> Result<()> {
        self.bytes.zeroize();
        let dst = self.bytes.get_mut(..key.len()).ok_or(Error::LogicBug)?;
        dst.copy_from_slice(key);
        Ok(())
    }

    /// Zeroizes the whole slot.
    pub(crate) fn clear(&mut self) {
        self.bytes.zeroize();
    }

    fn head<const N: usize>(&self) -> Result<&[u8; N]> {
        self.bytes.first_chunk::<N>().ok_or(Error::LogicBug)
    }
}

impl Default for KeySlot {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for KeySlot {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for KeySlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeySlot(<redacted>)")
    }
}

mod sealed {
    pub trait Sealed {}
}

/// One algorithm plus operation a KeyExchangeLicense may allow (KEY-EXCHANGE-FORMAT §2). Sealed:
/// the six marker types of this module are all there is.
pub trait Operation: sealed::Sealed {
    /// The algorithm.
    const ALGORITHM: KxAlgorithm;
    /// The operation.
    const OPERATION: KxOperation;
    /// Length of the key in the slot.
    #[doc(hidden)]
    const KEY_LEN: usize;
}

macro_rules! operation {
    ($(#[$meta:meta])* $name:ident, $alias:ident, $alg:ident, $op:ident, $len:expr) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {}
        impl sealed::Sealed for $name {}
        impl Operation for $name {
            const ALGORITHM: KxAlgorithm = KxAlgorithm::$alg;
            const OPERATION: KxOperation = KxOperation::$op;
            const KEY_LEN: usize = $len;
        }
        #[doc = concat!("A context that can only do [`", stringify!($name), "`].")]
        pub type $alias<'s, X = DefaultCrypto> = Context<'s, $name, X>;
    };
}

operation!(
    /// AES-128-CBC encryption, no padding, caller IV.
    AesCbcEncrypt,
    AesCbcEncryptor,
    AesCbc,
    Encrypt,
    16
);
operation!(
    /// AES-128-CBC decryption, no padding, caller IV.
    AesCbcDecrypt,
    AesCbcDecryptor,
    AesCbc,
    Decrypt,
    16
);
operation!(
    /// HMAC-SHA256: compute a tag.
    HmacSign,
    HmacSigner,
    HmacSha256,
    Sign,
    32
);
operation!(
    /// HMAC-SHA256: check a tag (constant time).
    HmacVerify,
    HmacVerifier,
    HmacSha256,
    Verify,
    32
);
operation!(
    /// ECDSA-P256-SHA256 signing (RFC 6979 nonces, raw `r ‖ s`).
    EcdsaSign,
    EcdsaSigner,
    EcdsaP256,
    Sign,
    32
);
operation!(
    /// ECDSA-P256-SHA256 verification (raw `r ‖ s`).
    EcdsaVerify,
    EcdsaVerifier,
    EcdsaP256,
    Verify,
    64
);

/// Moves a verified key into `slot` for the operation `wanted` (not the `Op` type: compiled
/// once). A key of another kind is a [`Error::LogicBug`] and leaves the slot clear.
pub(crate) fn load_key(
    slot: &mut KeySlot,
    key: LicenseKey,
    wanted: (KxAlgorithm, KxOperation),
) -> Result<()> {
    let loaded = match (&key, wanted.0, wanted.1) {
        (LicenseKey::KxAes128Cbc(k), KxAlgorithm::AesCbc, _) => slot.load(k.expose_secret()),
        (LicenseKey::KxHmacSha256(k), KxAlgorithm::HmacSha256, _) => slot.load(k.expose_secret()),
        (LicenseKey::KxEcdsaPrivate(k), KxAlgorithm::EcdsaP256, KxOperation::Sign) => {
            slot.load(k.expose_secret())
        }
        (LicenseKey::KxEcdsaPublic(k), KxAlgorithm::EcdsaP256, KxOperation::Verify) => slot.load(k),
        _ => Err(Error::LogicBug),
    };
    drop(key);
    if loaded.is_err() {
        slot.clear();
    }
    loaded
}

/// A key exchange context bound to one KeyExchangeLicense, able to do `Op` only.
///
/// `Perform` is the method named after the operation (`encrypt`, `decrypt`, `sign`, `verify`),
/// callable as often as wanted; `Close` is [`Context::close`] (or dropping the context). Both
/// zeroize the key slot.
///
/// `X` is the crypto it performs with: the identity's ([`DeviceIdentity::crypto`]).
///
/// [`DeviceIdentity::crypto`]: drm_core::platform::DeviceIdentity::crypto
pub struct Context<'s, Op: Operation, X: Crypto = DefaultCrypto> {
    slot: &'s mut KeySlot,
    kid: Kid,
    crypto: X,
    op: PhantomData<Op>,
}

impl<'s, Op: Operation, X: Crypto> Context<'s, Op, X> {
    /// Moves the verified key into `slot`. The caller has checked that the license's policy is
    /// `Op`; a key of another kind is a [`Error::LogicBug`] (and the slot is left clear).
    pub(crate) fn new(slot: &'s mut KeySlot, kid: Kid, key: LicenseKey, crypto: X) -> Result<Self> {
        load_key(slot, key, (Op::ALGORITHM, Op::OPERATION))?;
        Ok(Self::loaded(slot, kid, crypto))
    }

    /// The context over a slot [`load_key`] filled for `Op`.
    pub(crate) fn loaded(slot: &'s mut KeySlot, kid: Kid, crypto: X) -> Self {
        Self {
            slot,
            kid,
            crypto,
            op: PhantomData,
        }
    }

    /// The KID of the license this context is bound to.
    #[must_use]
    pub const fn kid(&self) -> &Kid {
        &self.kid
    }

    /// `Drm_KeyExchange_Close`: zeroizes the key and ends the context.
    pub fn close(self) {
        drop(self);
    }
}

impl<Op: Operation, X: Crypto> Drop for Context<'_, Op, X> {
    fn drop(&mut self) {
        self.slot.bytes.zeroize();
    }
}

impl<Op: Operation, X: Crypto> fmt::Debug for Context<'_, Op, X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("kid", &self.kid)
            .field("algorithm", &Op::ALGORITHM)
            .field("operation", &Op::OPERATION)
            .finish_non_exhaustive()
    }
}

impl<X: Crypto> Context<'_, AesCbcEncrypt, X> {
    /// `Perform`: AES-128-CBC encryption of `data` in place, no padding, with the caller's `iv`.
    ///
    /// # Errors
    /// [`Error::Core`] with [`drm_core::Error::InvalidArgument`] when `data.len()` is not a
    /// multiple of 16 (`data` unchanged).
    #[inline(never)]
    pub fn encrypt(&self, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
        aes_cbc_encrypt(&self.crypto, self.slot, iv, data)
    }
}

impl<X: Crypto> Context<'_, AesCbcDecrypt, X> {
    /// `Perform`: AES-128-CBC decryption of `data` in place, no padding, with the caller's `iv`.
    ///
    /// # Errors
    /// [`Error::Core`] with [`drm_core::Error::InvalidArgument`] when `data.len()` is not a
    /// multiple of 16 (`data` unchanged).
    #[inline(never)]
    pub fn decrypt(&self, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
        aes_cbc_decrypt(&self.crypto, self.slot, iv, data)
    }
}

impl<X: Crypto> Context<'_, HmacSign, X> {
    /// `Perform`: the HMAC-SHA256 tag of `data`.
    ///
    /// # Errors
    /// Only [`Error::LogicBug`] (never expected).
    #[inline(never)]
    pub fn sign(&self, data: &[u8]) -> Result<[u8; 32]> {
        hmac_sign(&self.crypto, self.slot, data)
    }
}

impl<X: Crypto> Context<'_, HmacVerify, X> {
    /// `Perform`: checks a 32-byte HMAC-SHA256 `tag` of `data`, in constant time.
    ///
    /// # Errors
    /// [`Error::Core`] with [`drm_core::Error::VerificationFailed`] for a wrong tag (or a tag
    /// that is not 32 bytes).
    #[inline(never)]
    pub fn verify(&self, data: &[u8], tag: &[u8]) -> Result<()> {
        hmac_verify(&self.crypto, self.slot, data, tag)
    }
}

impl<X: Crypto> Context<'_, EcdsaSign, X> {
    /// `Perform`: the ECDSA-P256-SHA256 signature of `msg` (raw `r ‖ s`, RFC 6979 nonces).
    ///
    /// # Errors
    /// [`Error::LogicBug`] if the slot does not hold a valid scalar (it was checked at bind).
    #[inline(never)]
    pub fn sign(&self, msg: &[u8]) -> Result<[u8; 64]> {
        ecdsa_sign(&self.crypto, self.slot, msg)
    }
}

impl<X: Crypto> Context<'_, EcdsaVerify, X> {
    /// `Perform`: checks a raw `r ‖ s` ECDSA-P256-SHA256 `signature` of `msg`.
    ///
    /// # Errors
    /// [`Error::Core`] with [`drm_core::Error::VerificationFailed`] for a bad signature.
    #[inline(never)]
    pub fn verify(&self, msg: &[u8], signature: &[u8]) -> Result<()> {
        ecdsa_verify(&self.crypto, self.slot, msg, signature)
    }
}

// Perform on a loaded slot: the one code of every operation, for [`Context`] and for
// [`crate::vault::SoftVault`] (so both give the same bytes).

/// AES-128-CBC encryption with the slot's key (see [`Context::encrypt`]).
pub(crate) fn aes_cbc_encrypt<X: Crypto>(
    crypto: &X,
    slot: &KeySlot,
    iv: &[u8; 16],
    data: &mut [u8],
) -> Result<()> {
    let key = Aes128Key::from_bytes(*slot.head::<16>()?);
    crypto.aes128_cbc_encrypt(&key, iv, data)?;
    Ok(())
}

/// AES-128-CBC decryption with the slot's key (see [`Context::decrypt`]).
pub(crate) fn aes_cbc_decrypt<X: Crypto>(
    crypto: &X,
    slot: &KeySlot,
    iv: &[u8; 16],
    data: &mut [u8],
) -> Result<()> {
    let key = Aes128Key::from_bytes(*slot.head::<16>()?);
    crypto.aes128_cbc_decrypt(&key, iv, data)?;
    Ok(())
}

/// The HMAC-SHA256 tag of `data` with the slot's key.
pub(crate) fn hmac_sign<X: Crypto>(crypto: &X, slot: &KeySlot, data: &[u8]) -> Result<[u8; 32]> {
    let key = HmacKey::from_bytes(*slot.head::<32>()?);
    Ok(crypto.hmac_sha256(&key, data))
}

/// Checks an HMAC-SHA256 `tag` of `data` with the slot's key, in constant time.
pub(crate) fn hmac_verify<X: Crypto>(
    crypto: &X,
    slot: &KeySlot,
    data: &[u8],
    tag: &[u8],
) -> Result<()> {
    let mut mac = crypto.hmac(&HmacKey::from_bytes(*slot.head::<32>()?));
    mac.update(data);
    mac.verify(tag)?;
    Ok(())
}

/// The ECDSA-P256-SHA256 signature of `msg` with the slot's private scalar.
pub(crate) fn ecdsa_sign<X: Crypto>(crypto: &X, slot: &KeySlot, msg: &[u8]) -> Result<[u8; 64]> {
    let key = EccPrivateKey::from_bytes(*slot.head::<32>()?);
    crypto
        .ecdsa_p256_sign(&key, msg)
        .map_err(|_| Error::LogicBug)
}

/// Checks an ECDSA-P256-SHA256 `signature` of `msg` with the slot's public key.
pub(crate) fn ecdsa_verify<X: Crypto>(
    crypto: &X,
    slot: &KeySlot,
    msg: &[u8],
    signature: &[u8],
) -> Result<()> {
    crypto.ecdsa_p256_verify(slot.head::<64>()?, msg, signature)?;
    Ok(())
}
