//! The kit's porting traits over the C callbacks: flash (`NorFlash`), RNG, clock, counter and
//! device identity. The callback table is checked once (`Port::new`); every call here goes
//! through a function pointer that is known to be non-NULL.
#![allow(unsafe_code)]

use core::ffi::c_void;

use drm_core::platform::{
    Clock, DeviceIdentity, MonotonicCounter, SoftwareIdentity, TryCryptoRng, TryRng,
};
use drm_core::secret::{EccPrivateKey, HmacKey, Secret32};
use embedded_storage::nor_flash::{
    ErrorType, MultiwriteNorFlash, NorFlash, NorFlashErrorKind, ReadNorFlash, check_erase,
    check_read, check_write,
};
use zeroize::Zeroize;

use crate::types::{
    DRM_DEVICE_IDENTITY, DRM_E_INVALIDARG, DRM_FLASH_MAX_STORE_PAGES, DRM_FLASH_MIN_STORE_PAGES,
    DRM_FLASH_STORE_PAGE_SIZE, DRM_OEM_CALLBACKS, DRM_RESULT, DRM_SUCCESS,
};

type ReadFn = unsafe extern "C" fn(*mut c_void, u32, *mut u8, usize) -> DRM_RESULT;
type WriteFn = unsafe extern "C" fn(*mut c_void, u32, *const u8, usize) -> DRM_RESULT;
type EraseFn = unsafe extern "C" fn(*mut c_void, u32) -> DRM_RESULT;
type FillFn = unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> DRM_RESULT;
type U64Fn = unsafe extern "C" fn(*mut c_void, *mut u64) -> DRM_RESULT;
type SignFn = unsafe extern "C" fn(*mut c_void, *const u8, *mut u8) -> DRM_RESULT;
type DeriveFn = unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut u8) -> DRM_RESULT;

/// Longest certificate chain accepted.
pub(crate) const MAX_CHAIN_LEN: usize = 65536;

/// The flash part of the callback table, checked.
#[derive(Clone, Copy)]
pub(crate) struct CFlash {
    user: *mut c_void,
    read: ReadFn,
    write: WriteFn,
    erase: EraseFn,
    page_size: u32,
    capacity: u32,
    pub(crate) multiwrite: bool,
}

impl ErrorType for CFlash {
    type Error = NorFlashErrorKind;
}

fn ok(r: DRM_RESULT) -> Result<(), NorFlashErrorKind> {
    if r >= 0 {
        Ok(())
    } else {
        Err(NorFlashErrorKind::Other)
    }
}

impl ReadNorFlash for CFlash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        check_read(self, offset, bytes.len())?;
        // SAFETY: `read` is the port's non-NULL read callback; `bytes` is a valid writable
        // buffer of `bytes.len()` bytes for the whole call, inside the partition (checked).
        ok(unsafe { (self.read)(self.user, offset, bytes.as_mut_ptr(), bytes.len()) })
    }

    fn capacity(&self) -> usize {
        self.capacity as usize
    }
}

impl NorFlash for CFlash {
    /// The store writes 8-byte aligned multiples of 8 bytes: any part with a granularity of 1,
    /// 2, 4 or 8 bytes takes them.
    const WRITE_SIZE: usize = 8;
    const ERASE_SIZE: usize = DRM_FLASH_STORE_PAGE_SIZE as usize;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        check_erase(self, from, to)?;
        let mut at = from;
        while at < to {
            // SAFETY: `erase` is the port's non-NULL erase callback; `at` is the start of a
            // physical page inside the partition (store pages are whole physical pages).
            ok(unsafe { (self.erase)(self.user, at) })?;
            at = at
                .checked_add(self.page_size)
                .ok_or(NorFlashErrorKind::OutOfBounds)?;
        }
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        check_write(self, offset, bytes.len())?;
        // SAFETY: `write` is the port's non-NULL write callback; `bytes` is valid for reads
        // of `bytes.len()` bytes for the whole call, inside the partition (checked).
        ok(unsafe { (self.write)(self.user, offset, bytes.as_ptr(), bytes.len()) })
    }
}

/// Only chosen at run time (`flash_multiwrite`): the store zeroes in place only when it was
/// formatted or mounted as multiwrite.
impl MultiwriteNorFlash for CFlash {}

/// The RNG callback.
#[derive(Clone, Copy)]
pub(crate) struct CRng {
    user: *mut c_void,
    fill: FillFn,
}

impl TryRng for CRng {
    type Error = drm_core::Error;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        if dst.is_empty() {
            return Ok(());
        }
        // SAFETY: `fill` is the port's non-NULL RNG callback; `dst` is writable for its length.
        let r = unsafe { (self.fill)(self.user, dst.as_mut_ptr(), dst.len()) };
        if r >= 0 {
            Ok(())
        } else {
            dst.zeroize();
            Err(drm_core::Error::Rng)
        }
    }
}

impl TryCryptoRng for CRng {}

/// The clock callback (or none).
#[derive(Clone, Copy)]
pub(crate) struct CClock {
    user: *mut c_void,
    now: Option<U64Fn>,
}

impl Clock for CClock {
    fn now(&self) -> Option<u64> {
        let f = self.now?;
        let mut t = 0u64;
        // SAFETY: `f` is the port's non-NULL clock callback; `t` is a valid u64 to write.
        let r = unsafe { f(self.user, &mut t) };
        (r == DRM_SUCCESS).then_some(t)
    }
}

/// The monotonic counter callbacks.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "monotonic-counter"), allow(dead_code))]
pub(crate) struct CCounter {
    user: *mut c_void,
    read: U64Fn,
    increment: U64Fn,
}

impl CCounter {
    /// The value `f` (one of the two non-NULL counter callbacks) writes.
    fn call(&self, f: U64Fn) -> drm_core::Result<u64> {
        let mut v = 0u64;
        // SAFETY: `f` is one of the port's non-NULL counter callbacks; `v` is a valid u64.
        let r = unsafe { f(self.user, &mut v) };
        platform(r, v)
    }
}

impl MonotonicCounter for CCounter {
    fn read(&mut self) -> drm_core::Result<u64> {
        self.call(self.read)
    }

    fn increment(&mut self) -> drm_core::Result<u64> {
        self.call(self.increment)
    }
}

/// `value` when a porting callback returned a success code, else `drm_core::Error::Platform`.
fn platform<T>(r: DRM_RESULT, value: T) -> drm_core::Result<T> {
    if r >= 0 {
        Ok(value)
    } else {
        Err(drm_core::Error::Platform)
    }
}

/// The caller's certificate chain, borrowed for the context's life (the documented contract of
/// `DRM_DEVICE_IDENTITY.certificate_chain`).
#[derive(Clone, Copy)]
pub(crate) struct Chain {
    ptr: *const u8,
    len: usize,
}

impl AsRef<[u8]> for Chain {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `ptr` is non-NULL and `len` at most `MAX_CHAIN_LEN` (checked at
        // `Drm_Initialize`); the caller keeps the bytes valid and unchanged until
        // `Drm_Uninitialize`, after which no `Chain` exists.
        unsafe { core::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// A device identity in a TEE or secure element, through callbacks.
pub(crate) struct OemIdentity {
    user: *mut c_void,
    chain: Chain,
    level: u32,
    signing_public: [u8; 64],
    encryption_public: [u8; 64],
    sign: SignFn,
    decrypt: SignFn,
    derive: DeriveFn,
}

/// The device identity of a context.
pub(crate) enum Identity {
    /// Keys held by the kit.
    Software(SoftwareIdentity<Chain>),
    /// Keys behind callbacks.
    Oem(OemIdentity),
}

impl DeviceIdentity for Identity {
    type Crypto = drm_core::crypto::backend::DefaultCrypto;
    fn crypto(&self) -> &Self::Crypto {
        &drm_core::crypto::backend::DEFAULT
    }
    fn certificate_chain(&self) -> &[u8] {
        match self {
            Identity::Software(s) => s.certificate_chain(),
            Identity::Oem(o) => o.chain.as_ref(),
        }
    }

    fn security_level(&self) -> u32 {
        match self {
            Identity::Software(s) => s.security_level(),
            Identity::Oem(o) => o.level,
        }
    }

    fn signing_public_key(&self) -> [u8; 64] {
        match self {
            Identity::Software(s) => s.signing_public_key(),
            Identity::Oem(o) => o.signing_public,
        }
    }

    fn encryption_public_key(&self) -> [u8; 64] {
        match self {
            Identity::Software(s) => s.encryption_public_key(),
            Identity::Oem(o) => o.encryption_public,
        }
    }

    fn sign_digest(&self, digest: &[u8; 32]) -> drm_core::Result<[u8; 64]> {
        match self {
            Identity::Software(s) => s.sign_digest(digest),
            Identity::Oem(o) => {
                let mut sig = [0u8; 64];
                // SAFETY: `sign` is the port's non-NULL callback; `digest` is 32 readable bytes
                // and `sig` 64 writable bytes, as its documentation says.
                let r = unsafe { (o.sign)(o.user, digest.as_ptr(), sig.as_mut_ptr()) };
                platform(r, sig)
            }
        }
    }

    fn elgamal_decrypt(&self, ciphertext: &[u8; 128]) -> drm_core::Result<Secret32> {
        match self {
            Identity::Software(s) => s.elgamal_decrypt(ciphertext),
            Identity::Oem(o) => {
                let mut out = [0u8; 32];
                // SAFETY: `decrypt` is the port's non-NULL callback; `ciphertext` is 128
                // readable bytes and `out` 32 writable bytes.
                let r = unsafe { (o.decrypt)(o.user, ciphertext.as_ptr(), out.as_mut_ptr()) };
                let secret = Secret32::from_bytes(out);
                out.zeroize();
                platform(r, secret)
            }
        }
    }

    fn derive_key(&self, purpose: &[u8]) -> drm_core::Result<HmacKey> {
        match self {
            Identity::Software(s) => s.derive_key(purpose),
            Identity::Oem(o) => {
                if purpose.is_empty() {
                    return Err(drm_core::Error::InvalidArgument);
                }
                let mut out = [0u8; 32];
                // SAFETY: `derive` is the port's non-NULL callback; `purpose` is readable for
                // its length and `out` is 32 writable bytes.
                let r = unsafe {
                    (o.derive)(o.user, purpose.as_ptr(), purpose.len(), out.as_mut_ptr())
                };
                let key = HmacKey::from_bytes(out);
                out.zeroize();
                platform(r, key)
            }
        }
    }
}

/// Everything the port supplied, checked.
pub(crate) struct Port {
    pub(crate) flash: CFlash,
    pub(crate) rng: CRng,
    pub(crate) clock: CClock,
    #[cfg_attr(not(feature = "monotonic-counter"), allow(dead_code))]
    pub(crate) counter: Option<CCounter>,
    pub(crate) identity: Identity,
}

/// Checks the callback table; `Err(code)` names the first problem.
pub(crate) fn check(cb: &DRM_OEM_CALLBACKS) -> Result<Port, DRM_RESULT> {
    const INVALID: DRM_RESULT = DRM_E_INVALIDARG;
    let (Some(read), Some(write), Some(erase), Some(fill)) =
        (cb.flash_read, cb.flash_write, cb.flash_erase, cb.rng_fill)
    else {
        return Err(INVALID);
    };
    let page = cb.flash_page_size;
    if !page.is_power_of_two() || !(256..=DRM_FLASH_STORE_PAGE_SIZE).contains(&page) {
        return Err(crate::types::DRM_E_HDS_UNSUPPORTED_FLASH);
    }
    if !matches!(cb.flash_write_size, 1 | 2 | 4 | 8) || cb.flash_multiwrite > 1 {
        return Err(crate::types::DRM_E_HDS_UNSUPPORTED_FLASH);
    }
    let capacity = page
        .checked_mul(cb.flash_page_count)
        .ok_or(crate::types::DRM_E_HDS_UNSUPPORTED_FLASH)?;
    let store_pages = capacity / DRM_FLASH_STORE_PAGE_SIZE;
    if !capacity.is_multiple_of(DRM_FLASH_STORE_PAGE_SIZE)
        || !(DRM_FLASH_MIN_STORE_PAGES..=DRM_FLASH_MAX_STORE_PAGES).contains(&store_pages)
    {
        return Err(crate::types::DRM_E_HDS_UNSUPPORTED_FLASH);
    }
    let user = cb.user;
    let counter = match (cb.counter_read, cb.counter_increment) {
        (None, None) => None,
        (Some(read), Some(increment)) => Some(CCounter {
            user,
            read,
            increment,
        }),
        _ => return Err(INVALID),
    };
    if counter.is_some() != cfg!(feature = "monotonic-counter") {
        return Err(INVALID);
    }
    Ok(Port {
        flash: CFlash {
            user,
            read,
            write,
            erase,
            page_size: page,
            capacity,
            multiwrite: cb.flash_multiwrite == 1,
        },
        rng: CRng { user, fill },
        clock: CClock {
            user,
            now: cb.clock_now,
        },
        counter,
        identity: identity(user, &cb.identity)?,
    })
}

fn identity(user: *mut c_void, id: &DRM_DEVICE_IDENTITY) -> Result<Identity, DRM_RESULT> {
    if id.certificate_chain.is_null()
        || !(1..=MAX_CHAIN_LEN).contains(&id.certificate_chain_len)
        || !matches!(id.security_level, 150 | 2000 | 3000)
    {
        return Err(DRM_E_INVALIDARG);
    }
    let chain = Chain {
        ptr: id.certificate_chain,
        len: id.certificate_chain_len,
    };
    if id.keys.is_null() {
        let (Some(sign), Some(decrypt), Some(derive)) =
            (id.sign_digest, id.elgamal_decrypt, id.derive_key)
        else {
            return Err(DRM_E_INVALIDARG);
        };
        if !drm_core::crypto::is_valid_public_key(&id.signing_public_key)
            || !drm_core::crypto::is_valid_public_key(&id.encryption_public_key)
        {
            return Err(DRM_E_INVALIDARG);
        }
        return Ok(Identity::Oem(OemIdentity {
            user,
            chain,
            level: id.security_level,
            signing_public: id.signing_public_key,
            encryption_public: id.encryption_public_key,
            sign,
            decrypt,
            derive,
        }));
    }
    // SAFETY: `keys` is non-NULL and, as documented, points to a `DRM_DEVICE_KEYS` for the
    // duration of `Drm_Initialize`; it is copied here and not kept.
    let mut keys = unsafe { core::ptr::read_unaligned(id.keys) };
    let made = SoftwareIdentity::new(
        EccPrivateKey::from_bytes(keys.signing_private_key),
        EccPrivateKey::from_bytes(keys.encryption_private_key),
        HmacKey::from_bytes(keys.device_secret),
        chain,
        id.security_level,
    );
    keys.signing_private_key.zeroize();
    keys.encryption_private_key.zeroize();
    keys.device_secret.zeroize();
    made.map(Identity::Software).map_err(|_| DRM_E_INVALIDARG)
}
