//! "Keys never leave": Prepare, Perform and Close with the key kept in the device's key store.
//!
//! A [`KeyVault`] is the device's key store and engine (a TEE, a secure element). The calls of
//! this module check a KeyExchangeLicense with the same code as [`crate::prepare`] and
//! [`crate::bind`] (parse, key type, the key named and its policy, dates, first use, security
//! level, binding, signature type, the anti-rollback clock), then give the vault the key still
//! wrapped ([`WrappedKey`]: the ElGamal ciphertext of `CI ‖ CK`, the signed bytes and the
//! signature, the key object, the algorithm and operation). The vault checks the signature,
//! unwraps and keeps the key, and hands back a [`KeyHandle`]: a small `Copy` id, not the key.
//! A [`VaultContext`] performs through the vault with that handle and releases it on Close or
//! drop. The kit sees wrapped blobs and handles only.
//!
//! The default [`crate::Context`] and its calls are unchanged; this path costs nothing to a
//! firmware that does not call it.
//!
//! [`SoftVault`] is a software vault: the reference for tests and ports, with the same results
//! bit for bit as the default context (it performs with the same code). Its keys are in the
//! vault object, out of the kit's context; where that object lives (and on which stack its code
//! runs) decides whether the kit's memory ever sees them.
//!
//! ```compile_fail,E0599
//! # use drm_keyexchange::vault::{VaultContext, SoftVault};
//! # use drm_keyexchange::AesCbcDecrypt;
//! // A vault decrypt context has no `encrypt` either.
//! fn f<V: drm_keyexchange::vault::KeyVault>(ctx: &VaultContext<'_, AesCbcDecrypt, V>) {
//!     ctx.encrypt(&[0; 16], &mut [0; 16]).ok();
//! }
//! ```

use core::cell::RefCell;
use core::fmt;
use core::marker::PhantomData;

use drm_core::Kid;
use drm_core::crypto::backend::Sha256Engine;
use drm_core::platform::{Clock, DeviceIdentity, MonotonicCounter};
pub use drm_core::xmr::WrappedKey;
use drm_core::xmr::{KeyRef, KxAlgorithm, KxOperation};
use drm_hds::Store;
use embedded_storage::nor_flash::NorFlash;

use crate::calls::{Sink, TrustedTime, Wanted, bind_stored, wrap_key_exchange};
use crate::context::{
    AesCbcDecrypt, AesCbcEncrypt, EcdsaSign, EcdsaVerify, HmacSign, HmacVerify, KeySlot, Operation,
    aes_cbc_decrypt, aes_cbc_encrypt, ecdsa_sign, ecdsa_verify, hmac_sign, hmac_verify, load_key,
};
use crate::error::{Error, Result};
use crate::licenses::FirstUse;

/// An opaque id of a key a [`KeyVault`] holds. Not the key: the vault alone knows what it
/// names. A vault should make handles hard to reuse by mistake (a generation count in it, as
/// [`SoftVault`]'s), so that a released handle is refused rather than naming another key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct KeyHandle(u32);

impl KeyHandle {
    /// A handle from the vault's own number.
    #[must_use]
    pub const fn from_raw(raw: u32) -> Self {
        Self(raw)
    }

    /// The vault's number.
    #[must_use]
    pub const fn raw(self) -> u32 {
        self.0
    }
}

/// The device's key store and engine: it unwraps a KeyExchangeLicense's key, keeps it, and
/// performs with it; the kit holds only the [`KeyHandle`].
///
/// Every method takes `&self`: a vault is a handle on a store that lives elsewhere (a TEE
/// session, a secure element's driver), and several contexts may use one vault at once.
///
/// What an implementation must do:
/// - [`KeyVault::import`]: decrypt `CI ‖ CK` ([`WrappedKey::encrypted_keys`]) with the device's
///   encryption key, check the AES-128-CMAC [`WrappedKey::signature`] over
///   [`WrappedKey::signed_bytes`] with `CI` in constant time (a failure is
///   `drm-core`'s `VerificationFailed`, nothing kept), decrypt the key object with `CK` (or keep
///   `CK` itself when there is none: a format-1 AES-128-CBC key), check the key (a P-256 scalar
///   in `[1, n−1]`, a public key on the curve), and keep it for the one algorithm and operation
///   of the wrapped key. [`WrappedKey::unwrap`] is that code in software.
/// - the operations: refuse a handle it does not hold, or one whose key is for another
///   operation ([`Error::UnknownKeyHandle`]); HMAC verification in constant time.
/// - [`KeyVault::release`]: forget (zeroize) the key; the handle is refused from then on.
pub trait KeyVault {
    /// Unwraps and keeps the key of `key` (see the trait documentation).
    ///
    /// # Errors
    /// `drm-core`'s `VerificationFailed` (a bad signature or key), [`Error::VaultFull`], the
    /// vault's own errors.
    fn import(&self, key: &WrappedKey<'_>) -> Result<KeyHandle>;

    /// AES-128-CBC encryption of `data` in place (no padding) with an encrypt key.
    ///
    /// # Errors
    /// [`Error::UnknownKeyHandle`]; `InvalidArgument` when `data` is not whole blocks.
    fn aes128_cbc_encrypt(&self, handle: KeyHandle, iv: &[u8; 16], data: &mut [u8]) -> Result<()>;

    /// AES-128-CBC decryption of `data` in place (no padding) with a decrypt key.
    ///
    /// # Errors
    /// [`Error::UnknownKeyHandle`]; `InvalidArgument` when `data` is not whole blocks.
    fn aes128_cbc_decrypt(&self, handle: KeyHandle, iv: &[u8; 16], data: &mut [u8]) -> Result<()>;

    /// The HMAC-SHA256 tag of `data` with a sign key.
    ///
    /// # Errors
    /// [`Error::UnknownKeyHandle`].
    fn hmac_sha256_sign(&self, handle: KeyHandle, data: &[u8]) -> Result<[u8; 32]>;

    /// Checks an HMAC-SHA256 `tag` of `data` with a verify key, in constant time.
    ///
    /// # Errors
    /// [`Error::UnknownKeyHandle`]; `VerificationFailed`.
    fn hmac_sha256_verify(&self, handle: KeyHandle, data: &[u8], tag: &[u8]) -> Result<()>;

    /// The ECDSA-P256-SHA256 signature (raw `r ‖ s`, RFC 6979 nonces) of `msg`.
    ///
    /// # Errors
    /// [`Error::UnknownKeyHandle`].
    fn ecdsa_p256_sign(&self, handle: KeyHandle, msg: &[u8]) -> Result<[u8; 64]>;

    /// Checks a raw `r ‖ s` ECDSA-P256-SHA256 `signature` of `msg`.
    ///
    /// # Errors
    /// [`Error::UnknownKeyHandle`]; `VerificationFailed`.
    fn ecdsa_p256_verify(&self, handle: KeyHandle, msg: &[u8], signature: &[u8]) -> Result<()>;

    /// Forgets the key of `handle` (zeroized). A handle not held is ignored.
    fn release(&self, handle: KeyHandle);
}

/// A key exchange context whose key is in a [`KeyVault`]: the same typed operations as
/// [`crate::Context`] (`encrypt` only on [`AesCbcEncrypt`], and so on), performed by the vault.
/// Close ([`VaultContext::close`]) or drop releases the key.
pub struct VaultContext<'v, Op: Operation, V: KeyVault + ?Sized> {
    vault: &'v V,
    handle: KeyHandle,
    kid: Kid,
    op: PhantomData<Op>,
}

impl<Op: Operation, V: KeyVault + ?Sized> VaultContext<'_, Op, V> {
    /// The KID of the license this context is bound to.
    #[must_use]
    pub const fn kid(&self) -> &Kid {
        &self.kid
    }

    /// The vault's handle of the key (not the key).
    #[must_use]
    pub const fn handle(&self) -> KeyHandle {
        self.handle
    }

    /// `Drm_KeyExchange_Close`: the vault releases the key and the context ends.
    pub fn close(self) {
        drop(self);
    }
}

impl<Op: Operation, V: KeyVault + ?Sized> Drop for VaultContext<'_, Op, V> {
    fn drop(&mut self) {
        self.vault.release(self.handle);
    }
}

impl<Op: Operation, V: KeyVault + ?Sized> fmt::Debug for VaultContext<'_, Op, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultContext")
            .field("kid", &self.kid)
            .field("algorithm", &Op::ALGORITHM)
            .field("operation", &Op::OPERATION)
            .field("handle", &self.handle)
            .finish()
    }
}

impl<V: KeyVault + ?Sized> VaultContext<'_, AesCbcEncrypt, V> {
    /// `Perform`: AES-128-CBC encryption of `data` in place, as [`crate::Context::encrypt`].
    ///
    /// # Errors
    /// As [`crate::Context::encrypt`]; the vault's errors.
    #[inline(never)]
    pub fn encrypt(&self, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
        self.vault.aes128_cbc_encrypt(self.handle, iv, data)
    }
}

impl<V: KeyVault + ?Sized> VaultContext<'_, AesCbcDecrypt, V> {
    /// `Perform`: AES-128-CBC decryption of `data` in place, as [`crate::Context::decrypt`].
    ///
    /// # Errors
    /// As [`crate::Context::decrypt`]; the vault's errors.
    #[inline(never)]
    pub fn decrypt(&self, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
        self.vault.aes128_cbc_decrypt(self.handle, iv, data)
    }
}

impl<V: KeyVault + ?Sized> VaultContext<'_, HmacSign, V> {
    /// `Perform`: the HMAC-SHA256 tag of `data`.
    ///
    /// # Errors
    /// The vault's errors.
    #[inline(never)]
    pub fn sign(&self, data: &[u8]) -> Result<[u8; 32]> {
        self.vault.hmac_sha256_sign(self.handle, data)
    }
}

impl<V: KeyVault + ?Sized> VaultContext<'_, HmacVerify, V> {
    /// `Perform`: checks a 32-byte HMAC-SHA256 `tag` of `data` (constant time in the vault).
    ///
    /// # Errors
    /// `VerificationFailed` for a wrong tag; the vault's errors.
    #[inline(never)]
    pub fn verify(&self, data: &[u8], tag: &[u8]) -> Result<()> {
        self.vault.hmac_sha256_verify(self.handle, data, tag)
    }
}

impl<V: KeyVault + ?Sized> VaultContext<'_, EcdsaSign, V> {
    /// `Perform`: the ECDSA-P256-SHA256 signature of `msg` (raw `r ‖ s`).
    ///
    /// # Errors
    /// The vault's errors.
    #[inline(never)]
    pub fn sign(&self, msg: &[u8]) -> Result<[u8; 64]> {
        self.vault.ecdsa_p256_sign(self.handle, msg)
    }
}

impl<V: KeyVault + ?Sized> VaultContext<'_, EcdsaVerify, V> {
    /// `Perform`: checks a raw `r ‖ s` ECDSA-P256-SHA256 `signature` of `msg`.
    ///
    /// # Errors
    /// `VerificationFailed` for a bad signature; the vault's errors.
    #[inline(never)]
    pub fn verify(&self, msg: &[u8], signature: &[u8]) -> Result<()> {
        self.vault.ecdsa_p256_verify(self.handle, msg, signature)
    }
}

/// The vault side of [`bind_stored`]: takes the wrapped key into the vault; the handle is
/// released if the bind fails after.
struct VaultSink<'v, V: KeyVault + ?Sized> {
    vault: &'v V,
    handle: Option<KeyHandle>,
}

impl<V: KeyVault + ?Sized> Sink for VaultSink<'_, V> {
    type Key = KeyHandle;

    fn take<I: DeviceIdentity + ?Sized>(
        &mut self,
        license: &[u8],
        identity: &I,
        time: (TrustedTime, FirstUse),
        wanted: Wanted,
    ) -> Result<(Kid, KeyHandle, bool)> {
        let (kid, wrapped, starts) = wrap_key_exchange(license, identity, time, wanted)?;
        Ok((kid, self.vault.import(&wrapped)?, starts))
    }

    fn keep(&mut self, key: KeyHandle, _: Wanted) -> Result<()> {
        self.handle = Some(key);
        Ok(())
    }

    fn discard(&mut self, key: KeyHandle) {
        self.vault.release(key);
    }

    fn clear(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.vault.release(handle);
        }
    }
}

/// [`crate::prepare`] with the key kept in `vault`: finds the KeyExchangeLicense of `kid` whose
/// first key allows `Op`, checks it as [`crate::prepare`] does (the same code), and has the vault
/// unwrap and keep its key.
///
/// # Errors
/// The errors of [`crate::prepare`]; the vault's ([`KeyVault::import`]). On any error the vault
/// holds no key of this call.
#[inline]
pub fn prepare<'v, Op, V, S, C, const PAGES: usize, H, I, K>(
    vault: &'v V,
    store: &mut Store<S, C, PAGES, H>,
    identity: &I,
    clock: &K,
    kid: &Kid,
) -> Result<VaultContext<'v, Op, V>>
where
    Op: Operation,
    V: KeyVault + ?Sized,
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
    I: DeviceIdentity + ?Sized,
    K: Clock + ?Sized,
{
    prepare_key(vault, store, identity, clock, kid, KeyRef::FIRST)
}

/// [`crate::prepare_key`] with the key kept in `vault` (see [`prepare`]).
///
/// # Errors
/// The errors of [`crate::prepare_key`]; the vault's.
#[inline(never)]
pub fn prepare_key<'v, Op, V, S, C, const PAGES: usize, H, I, K>(
    vault: &'v V,
    store: &mut Store<S, C, PAGES, H>,
    identity: &I,
    clock: &K,
    kid: &Kid,
    key: KeyRef,
) -> Result<VaultContext<'v, Op, V>>
where
    Op: Operation,
    V: KeyVault + ?Sized,
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
    I: DeviceIdentity + ?Sized,
    K: Clock + ?Sized,
{
    let mut sink = VaultSink {
        vault,
        handle: None,
    };
    let wanted = (key, Op::ALGORITHM, Op::OPERATION);
    let kid = bind_stored(&mut sink, store, identity, clock, kid, wanted)?;
    let handle = sink.handle.ok_or(Error::LogicBug)?;
    Ok(VaultContext {
        vault,
        handle,
        kid,
        op: PhantomData,
    })
}

/// [`crate::bind`] with the key kept in `vault`: the license's first key.
///
/// # Errors
/// The errors of [`crate::bind`]; the vault's.
pub fn bind<'v, Op, V, I>(
    vault: &'v V,
    license: &[u8],
    identity: &I,
    now: TrustedTime,
) -> Result<VaultContext<'v, Op, V>>
where
    Op: Operation,
    V: KeyVault + ?Sized,
    I: DeviceIdentity + ?Sized,
{
    bind_key(vault, license, identity, now, KeyRef::FIRST)
}

/// [`crate::bind_key`] with the key kept in `vault`: the key `key` names.
///
/// # Errors
/// The errors of [`crate::bind_key`]; the vault's.
pub fn bind_key<'v, Op, V, I>(
    vault: &'v V,
    license: &[u8],
    identity: &I,
    now: TrustedTime,
    key: KeyRef,
) -> Result<VaultContext<'v, Op, V>>
where
    Op: Operation,
    V: KeyVault + ?Sized,
    I: DeviceIdentity + ?Sized,
{
    let mut sink = VaultSink {
        vault,
        handle: None,
    };
    let wanted = (key, Op::ALGORITHM, Op::OPERATION);
    let (kid, handle, _) = sink.take(license, identity, (now, FirstUse::NotKept), wanted)?;
    Ok(VaultContext {
        vault,
        handle,
        kid,
        op: PhantomData,
    })
}

/// One slot of a [`SoftVault`]: the key (zeroized when released and on drop), what it is for,
/// and the generation its handles carry.
struct Entry {
    slot: KeySlot,
    used: Option<(KxAlgorithm, KxOperation)>,
    generation: u32,
}

/// A software [`KeyVault`]: up to `N` unwrapped keys (`N` ≤ 256) in zeroizing slots inside the
/// vault object, unwrapped with `identity` ([`WrappedKey::unwrap`], the same code as the default
/// path) and performed with its crypto backend and the same code as [`crate::Context`]: the same
/// results bit for bit. The reference for tests and for ports; a real vault keeps the keys
/// where the kit cannot read them.
///
/// A handle is the slot index (low 8 bits) and the slot's generation (the rest), which changes
/// at every release: a released handle is refused ([`Error::UnknownKeyHandle`]), and a full vault
/// refuses an import ([`Error::VaultFull`]).
pub struct SoftVault<'i, I: DeviceIdentity + ?Sized, const N: usize> {
    identity: &'i I,
    entries: RefCell<[Entry; N]>,
}

impl<'i, I: DeviceIdentity + ?Sized, const N: usize> SoftVault<'i, I, N> {
    /// An empty vault unwrapping with `identity`'s device key.
    #[must_use]
    pub fn new(identity: &'i I) -> Self {
        Self {
            identity,
            entries: RefCell::new(core::array::from_fn(|_| Entry {
                slot: KeySlot::new(),
                used: None,
                generation: 0,
            })),
        }
    }

    /// How many keys the vault holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries
            .try_borrow()
            .map_or(0, |e| e.iter().filter(|e| e.used.is_some()).count())
    }

    /// True when the vault holds no key.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when every slot is zero (no key material left: after every handle is released).
    #[must_use]
    pub fn is_clear(&self) -> bool {
        self.entries
            .try_borrow()
            .is_ok_and(|e| e.iter().all(|e| e.slot.is_clear()))
    }

    /// Runs `f` on the slot of `handle`, if it holds a key for `wanted`.
    fn with<T>(
        &self,
        handle: KeyHandle,
        wanted: (KxAlgorithm, KxOperation),
        f: impl FnOnce(&I::Crypto, &KeySlot) -> Result<T>,
    ) -> Result<T> {
        let entries = self.entries.try_borrow().map_err(|_| Error::LogicBug)?;
        let index = usize::from(handle.0.to_le_bytes()[0]);
        let entry = entries.get(index).ok_or(Error::UnknownKeyHandle)?;
        if entry.used != Some(wanted) || entry.generation != handle.0 >> 8 {
            return Err(Error::UnknownKeyHandle);
        }
        f(self.identity.crypto(), &entry.slot)
    }
}

impl<I: DeviceIdentity + ?Sized, const N: usize> KeyVault for SoftVault<'_, I, N> {
    fn import(&self, key: &WrappedKey<'_>) -> Result<KeyHandle> {
        let mut entries = self.entries.try_borrow_mut().map_err(|_| Error::LogicBug)?;
        let (index, entry) = entries
            .iter_mut()
            .enumerate()
            .take(256)
            .find(|(_, e)| e.used.is_none())
            .ok_or(Error::VaultFull)?;
        let index = u32::try_from(index).map_err(|_| Error::LogicBug)?;
        let wanted = (key.algorithm(), key.operation());
        load_key(&mut entry.slot, key.unwrap(self.identity)?, wanted)?;
        entry.used = Some(wanted);
        Ok(KeyHandle(entry.generation << 8 | index))
    }

    fn aes128_cbc_encrypt(&self, handle: KeyHandle, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
        let wanted = (KxAlgorithm::AesCbc, KxOperation::Encrypt);
        self.with(handle, wanted, |x, slot| aes_cbc_encrypt(x, slot, iv, data))
    }

    fn aes128_cbc_decrypt(&self, handle: KeyHandle, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
        let wanted = (KxAlgorithm::AesCbc, KxOperation::Decrypt);
        self.with(handle, wanted, |x, slot| aes_cbc_decrypt(x, slot, iv, data))
    }

    fn hmac_sha256_sign(&self, handle: KeyHandle, data: &[u8]) -> Result<[u8; 32]> {
        let wanted = (KxAlgorithm::HmacSha256, KxOperation::Sign);
        self.with(handle, wanted, |x, slot| hmac_sign(x, slot, data))
    }

    fn hmac_sha256_verify(&self, handle: KeyHandle, data: &[u8], tag: &[u8]) -> Result<()> {
        let wanted = (KxAlgorithm::HmacSha256, KxOperation::Verify);
        self.with(handle, wanted, |x, slot| hmac_verify(x, slot, data, tag))
    }

    fn ecdsa_p256_sign(&self, handle: KeyHandle, msg: &[u8]) -> Result<[u8; 64]> {
        let wanted = (KxAlgorithm::EcdsaP256, KxOperation::Sign);
        self.with(handle, wanted, |x, slot| ecdsa_sign(x, slot, msg))
    }

    fn ecdsa_p256_verify(&self, handle: KeyHandle, msg: &[u8], signature: &[u8]) -> Result<()> {
        let wanted = (KxAlgorithm::EcdsaP256, KxOperation::Verify);
        self.with(handle, wanted, |x, slot| {
            ecdsa_verify(x, slot, msg, signature)
        })
    }

    fn release(&self, handle: KeyHandle) {
        let Ok(mut entries) = self.entries.try_borrow_mut() else {
            return;
        };
        let index = usize::from(handle.0.to_le_bytes()[0]);
        if let Some(entry) = entries.get_mut(index)
            && entry.used.is_some()
            && entry.generation == handle.0 >> 8
        {
            entry.slot.clear();
            entry.used = None;
            entry.generation = entry.generation.wrapping_add(1) & 0x00FF_FFFF;
        }
    }
}

impl<I: DeviceIdentity + ?Sized, const N: usize> fmt::Debug for SoftVault<'_, I, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftVault")
            .field("capacity", &N)
            .field("keys", &self.len())
            .finish_non_exhaustive()
    }
}
