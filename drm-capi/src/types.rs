//! The C types and constants of the header (`include/drm_capi.h`), generated from here by
//! cbindgen. Names follow PlayReady's C API (`DRM_RESULT`, `DRM_ID`, `DRM_E_*`).

#![allow(non_camel_case_types)]

use core::ffi::c_void;

/// A PlayReady result code: 0 (`DRM_SUCCESS`) or another non-negative value on success, a negative
/// value (top bit set) on failure. Test it with `DRM_SUCCEEDED(x)` / `DRM_FAILED(x)`.
pub type DRM_RESULT = i32;

/// Success.
pub const DRM_SUCCESS: DRM_RESULT = 0;
/// Success with nothing done (a license verified but not persistent, so not stored).
pub const DRM_S_FALSE: DRM_RESULT = 1;
/// A pointer is NULL, a length is zero, huge or inconsistent, an enum value is unknown, or a
/// callback table is incomplete (PlayReady `DRM_E_INVALIDARG`).
pub const DRM_E_INVALIDARG: DRM_RESULT = 0x8007_0057_u32 as DRM_RESULT;
/// An output buffer is NULL or too small: the length it needs was written to the length
/// argument (PlayReady `DRM_E_BUFFERTOOSMALL`).
pub const DRM_E_BUFFERTOOSMALL: DRM_RESULT = 0x8007_007A_u32 as DRM_RESULT;
/// A signature, MAC or digest did not verify (PlayReady `DRM_E_INVALID_SIGNATURE`); also a
/// Key Exchange verify operation whose tag or signature is wrong.
pub const DRM_E_INVALID_SIGNATURE: DRM_RESULT = 0x8004_80CF_u32 as DRM_RESULT;
/// No license for this KID in the store (PlayReady `DRM_E_LICENSE_NOT_FOUND`).
pub const DRM_E_LICENSE_NOT_FOUND: DRM_RESULT = 0x8004_C013_u32 as DRM_RESULT;
/// The KeyExchangeLicense holds no key of that index or key id (`Drm_KeyExchange_PrepareKey`;
/// the kit's code, drm-core's `LicenseKeyNotFound`).
pub const DRM_E_LICENSE_KEY_NOT_FOUND: DRM_RESULT = 0x8004_D511_u32 as DRM_RESULT;
/// The license has expired (PlayReady `DRM_E_LICENSE_EXPIRED`).
pub const DRM_E_LICENSE_EXPIRED: DRM_RESULT = 0x8004_C009_u32 as DRM_RESULT;
/// The clock is not set or was rolled back and the license is time-bound
/// (PlayReady `DRM_E_CLOCK_NOT_SET`).
pub const DRM_E_CLOCK_NOT_SET: DRM_RESULT = 0x8004_C05B_u32 as DRM_RESULT;
/// The store (or one of its buckets) is full (PlayReady `DRM_E_DST_STORE_FULL`).
pub const DRM_E_DST_STORE_FULL: DRM_RESULT = 0x8004_C01D_u32 as DRM_RESULT;
/// The store failed its integrity check (PlayReady `DRM_E_DST_CORRUPTED`).
pub const DRM_E_DST_CORRUPTED: DRM_RESULT = 0x8004_C026_u32 as DRM_RESULT;
/// No store on the flash: blank, foreign, formatted with another key or a cut format.
pub const DRM_E_HDS_NOT_FORMATTED: DRM_RESULT = 0x8004_D602_u32 as DRM_RESULT;
/// The flash geometry is not supported by the store.
pub const DRM_E_HDS_UNSUPPORTED_FLASH: DRM_RESULT = 0x8004_D603_u32 as DRM_RESULT;
/// A flash callback failed; the store reloads its state from the flash before its next use.
pub const DRM_E_HDS_FLASH: DRM_RESULT = 0x8004_D607_u32 as DRM_RESULT;
/// The monotonic counter callback failed.
pub const DRM_E_HDS_COUNTER: DRM_RESULT = 0x8004_D608_u32 as DRM_RESULT;
/// The flash holds a store of another format version (refused, not formatted over).
pub const DRM_E_HDS_FORMAT_VERSION: DRM_RESULT = 0x8004_D609_u32 as DRM_RESULT;
/// An older whole flash image was restored (needs the `monotonic-counter` build).
pub const DRM_E_HDS_ROLLBACK: DRM_RESULT = 0x8004_D601_u32 as DRM_RESULT;
/// The RNG callback failed.
pub const DRM_E_RNG: DRM_RESULT = 0x8004_D50E_u32 as DRM_RESULT;
/// A device identity, clock or other porting callback failed.
pub const DRM_E_PLATFORM: DRM_RESULT = 0x8004_D50F_u32 as DRM_RESULT;
/// The KeyExchangeLicense allows another algorithm or operation.
pub const DRM_E_KX_OPERATION_NOT_ALLOWED: DRM_RESULT = 0x8004_D701_u32 as DRM_RESULT;
/// A content license was asked for a Key Exchange operation.
pub const DRM_E_KX_NOT_KEY_EXCHANGE_LICENSE: DRM_RESULT = 0x8004_D702_u32 as DRM_RESULT;
/// Not a version-1 Secure Delete response for a pending session
/// (PlayReady `DRM_E_INVALID_SECURE_DELETE_RESPONSE`).
pub const DRM_E_INVALID_SECURE_DELETE_RESPONSE: DRM_RESULT = 0x8004_DFA0_u32 as DRM_RESULT;
/// No Secure Delete session record with this id.
pub const DRM_E_SD_SESSION_NOT_FOUND: DRM_RESULT = 0x8004_D802_u32 as DRM_RESULT;
/// The session was already removed (generate its challenge again instead).
pub const DRM_E_SD_SESSION_PENDING: DRM_RESULT = 0x8004_D803_u32 as DRM_RESULT;
/// The session was not removed yet: it has no challenge.
pub const DRM_E_SD_SESSION_NOT_PENDING: DRM_RESULT = 0x8004_D804_u32 as DRM_RESULT;
/// An internal invariant did not hold (a bug in the kit, reported instead of a panic).
pub const DRM_E_LOGIC: DRM_RESULT = 0x8004_D5FF_u32 as DRM_RESULT;

/// The context is not initialised: never passed to `Drm_Initialize`, used after
/// `Drm_Uninitialize`, or moved/copied after `Drm_Initialize` (a context must stay where it was
/// initialised).
pub const DRM_E_CAPI_NOT_INITIALIZED: DRM_RESULT = 0x8004_D901_u32 as DRM_RESULT;
/// A call on a context that is already inside a call (a callback called back into the kit with
/// the same context, or two threads share it).
pub const DRM_E_CAPI_BUSY: DRM_RESULT = 0x8004_D902_u32 as DRM_RESULT;
/// The call needs the store: call `Drm_Store_Open`, `Drm_Store_Mount` or `Drm_Store_Format` first.
pub const DRM_E_CAPI_STORE_NOT_OPEN: DRM_RESULT = 0x8004_D903_u32 as DRM_RESULT;
/// No Key Exchange context is open: `Drm_KeyExchange_Prepare` was not called, or `Close` was.
pub const DRM_E_CAPI_KX_NOT_OPEN: DRM_RESULT = 0x8004_D904_u32 as DRM_RESULT;
/// A Key Exchange context is already open on this DRM context: `Drm_KeyExchange_Close` it first.
pub const DRM_E_CAPI_KX_ALREADY_OPEN: DRM_RESULT = 0x8004_D905_u32 as DRM_RESULT;
/// `Drm_LicenseAcq_ProcessResponse` without a challenge generated before it.
pub const DRM_E_CAPI_NO_CHALLENGE: DRM_RESULT = 0x8004_D906_u32 as DRM_RESULT;
/// `Drm_LicenseAcq_ProcessResponse` before `Drm_SetServerKeys` named the license server's root.
pub const DRM_E_CAPI_NO_SERVER_ROOT: DRM_RESULT = 0x8004_D907_u32 as DRM_RESULT;

/// Bytes of a `DRM_CONTEXT`.
pub const DRM_CONTEXT_SIZE: usize = 3072;
/// `DRM_CONTEXT_SIZE` in 64-bit words.
pub const DRM_CONTEXT_WORDS: usize = 384;
/// Alignment of a `DRM_CONTEXT` in bytes.
pub const DRM_CONTEXT_ALIGN: usize = 8;
/// The store's page: the unit it erases. A physical flash page must divide it (1 KiB, 2 KiB and
/// 4 KiB parts are erased page by page, several callbacks per store page).
pub const DRM_FLASH_STORE_PAGE_SIZE: u32 = 4096;
/// Most store pages (`flash_page_size * flash_page_count / DRM_FLASH_STORE_PAGE_SIZE`).
pub const DRM_FLASH_MAX_STORE_PAGES: u32 = 32;
/// Fewest store pages.
pub const DRM_FLASH_MIN_STORE_PAGES: u32 = 4;
/// Most KIDs in one license challenge.
pub const DRM_MAX_KIDS_PER_CHALLENGE: u32 = 16;
/// Most licenses in one license response.
pub const DRM_MAX_LICENSES_PER_RESPONSE: usize = 16;

/// `Drm_Store_Open` mounted an existing store.
pub const DRM_STORE_MOUNTED: u32 = 0;
/// `Drm_Store_Open` found the flash blank and formatted it.
pub const DRM_STORE_FORMATTED_BLANK: u32 = 1;

/// Key Exchange algorithm: AES-128-CBC, no padding, caller IV.
pub const DRM_KX_ALG_AES128_CBC: u32 = 1;
/// Key Exchange algorithm: HMAC-SHA256.
pub const DRM_KX_ALG_HMAC_SHA256: u32 = 2;
/// Key Exchange algorithm: ECDSA-P256-SHA256, raw `r || s` signatures.
pub const DRM_KX_ALG_ECDSA_P256: u32 = 3;
/// Key Exchange operation: encrypt.
pub const DRM_KX_OP_ENCRYPT: u32 = 1;
/// Key Exchange operation: decrypt.
pub const DRM_KX_OP_DECRYPT: u32 = 2;
/// Key Exchange operation: sign (HMAC: compute a tag).
pub const DRM_KX_OP_SIGN: u32 = 3;
/// Key Exchange operation: verify (HMAC: check a tag).
pub const DRM_KX_OP_VERIFY: u32 = 4;
/// `Drm_KeyExchange_PrepareKey`'s `key_index` when the key is named by its key id.
pub const DRM_KX_KEY_INDEX_NONE: u32 = 0xFFFF_FFFF;

/// A 16-byte identifier as on the wire (PlayReady `DRM_ID`): KIDs, LIDs, Secure Delete
/// session ids.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DRM_ID {
    /// The bytes.
    pub rgb: [u8; 16],
}

/// A key id (content key, KeyExchangeLicense).
pub type DRM_KID = DRM_ID;
/// A license id.
pub type DRM_LID = DRM_ID;

/// The caller-allocated DRM context: opaque, `DRM_CONTEXT_SIZE` bytes aligned to
/// `DRM_CONTEXT_ALIGN`. It must not be moved or copied between `Drm_Initialize` and
/// `Drm_Uninitialize` (the kit finds out and answers `DRM_E_CAPI_NOT_INITIALIZED`), and used by
/// one thread at a time.
#[repr(C)]
pub struct DRM_CONTEXT {
    /// Opaque storage.
    pub opaque: [u64; DRM_CONTEXT_WORDS],
}

/// Reads `len` bytes at byte `offset` of the flash partition into `buf`. Any offset and length.
pub type DRM_OEM_FLASH_READ = Option<
    unsafe extern "C" fn(user: *mut c_void, offset: u32, buf: *mut u8, len: usize) -> DRM_RESULT,
>;
/// Programs `len` bytes at `offset` (NOR: clears bits only). The kit writes 8-byte aligned
/// multiples of 8 bytes, only to erased bytes unless `flash_multiwrite` is set. Returns when the
/// bytes are programmed.
pub type DRM_OEM_FLASH_WRITE = Option<
    unsafe extern "C" fn(user: *mut c_void, offset: u32, buf: *const u8, len: usize) -> DRM_RESULT,
>;
/// Erases the physical page that starts at byte `offset` (to `0xFF`). Returns when it is erased.
pub type DRM_OEM_FLASH_ERASE =
    Option<unsafe extern "C" fn(user: *mut c_void, offset: u32) -> DRM_RESULT>;
/// Fills `buf` with `len` bytes from a cryptographically secure generator.
pub type DRM_OEM_RNG_FILL =
    Option<unsafe extern "C" fn(user: *mut c_void, buf: *mut u8, len: usize) -> DRM_RESULT>;
/// Writes the time in seconds since 1970-01-01 UTC and returns `DRM_SUCCESS`; any other result
/// means "time not known".
pub type DRM_OEM_CLOCK_NOW =
    Option<unsafe extern "C" fn(user: *mut c_void, seconds: *mut u64) -> DRM_RESULT>;
/// Monotonic counter: read the value, or add one (durably) and write the new value.
pub type DRM_OEM_COUNTER =
    Option<unsafe extern "C" fn(user: *mut c_void, value: *mut u64) -> DRM_RESULT>;
/// ECDSA-P256 with the device signing key over a 32-byte SHA-256 digest; writes the 64-byte
/// raw signature `r || s`.
pub type DRM_OEM_SIGN_DIGEST = Option<
    unsafe extern "C" fn(user: *mut c_void, digest: *const u8, signature: *mut u8) -> DRM_RESULT,
>;
/// ElGamal decryption of a 128-byte `C1 || C2` with the device encryption key; writes the
/// 32-byte x coordinate of `C2 - d*C1`.
pub type DRM_OEM_ELGAMAL_DECRYPT = Option<
    unsafe extern "C" fn(
        user: *mut c_void,
        ciphertext: *const u8,
        plaintext: *mut u8,
    ) -> DRM_RESULT,
>;
/// A 32-byte device-bound key for `purpose` (the same for the same device and purpose, on every
/// boot and after firmware updates: the store key is `derive_key("hds")`).
pub type DRM_OEM_DERIVE_KEY = Option<
    unsafe extern "C" fn(
        user: *mut c_void,
        purpose: *const u8,
        purpose_len: usize,
        key: *mut u8,
    ) -> DRM_RESULT,
>;

/// Device private keys held by the kit (bring-up, tests, devices without key protection).
/// `Drm_Initialize` copies them into the context (zeroized by `Drm_Uninitialize`); the caller
/// may wipe its copy afterwards.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct DRM_DEVICE_KEYS {
    /// The signing private key (leaf key usage 1), 32 bytes big-endian.
    pub signing_private_key: [u8; 32],
    /// The encryption private key (leaf key usage 2), 32 bytes big-endian.
    pub encryption_private_key: [u8; 32],
    /// The secret `derive_key` is HMAC-SHA256 keyed with.
    pub device_secret: [u8; 32],
}

/// The device identity: its certificate chain and either its private keys (`keys`) or callbacks
/// into a TEE or secure element (`keys` NULL; the three callbacks and both public keys set).
#[repr(C)]
pub struct DRM_DEVICE_IDENTITY {
    /// The BCert chain, leaf first. Not copied: it must stay valid and unchanged until
    /// `Drm_Uninitialize`.
    pub certificate_chain: *const u8,
    /// Bytes of the chain (1 to 65536).
    pub certificate_chain_len: usize,
    /// The device's security level (150, 2000 or 3000), as in its leaf certificate.
    pub security_level: u32,
    /// Software keys, or NULL to use the callbacks below.
    pub keys: *const DRM_DEVICE_KEYS,
    /// With callbacks: the uncompressed public signing key `X || Y` (leaf usage 1).
    pub signing_public_key: [u8; 64],
    /// With callbacks: the uncompressed public encryption key `X || Y` (leaf usage 2).
    pub encryption_public_key: [u8; 64],
    /// With callbacks: signs a digest with the signing key.
    pub sign_digest: DRM_OEM_SIGN_DIGEST,
    /// With callbacks: ElGamal decryption with the encryption key.
    pub elgamal_decrypt: DRM_OEM_ELGAMAL_DECRYPT,
    /// With callbacks: a device-bound key per purpose.
    pub derive_key: DRM_OEM_DERIVE_KEY,
}

/// What the port supplies: C function pointers and the `user` cookie passed to each of them.
/// `Drm_Initialize` checks every field and copies the table (it may be on the caller's stack).
#[repr(C)]
pub struct DRM_OEM_CALLBACKS {
    /// Passed as the first argument of every callback.
    pub user: *mut c_void,
    /// Physical erase page in bytes: a power of two from 256 to `DRM_FLASH_STORE_PAGE_SIZE`.
    pub flash_page_size: u32,
    /// Physical pages of the partition the store owns; the partition is
    /// `DRM_FLASH_MIN_STORE_PAGES` to `DRM_FLASH_MAX_STORE_PAGES` store pages.
    pub flash_page_count: u32,
    /// Write granularity of the part: 1, 2, 4 or 8 bytes.
    pub flash_write_size: u32,
    /// 1 when a programmed word may be programmed again to clear more bits (no ECC on flash
    /// words): deleted records are zeroed in place instead of compacted. Else 0.
    pub flash_multiwrite: u32,
    /// Required.
    pub flash_read: DRM_OEM_FLASH_READ,
    /// Required.
    pub flash_write: DRM_OEM_FLASH_WRITE,
    /// Required.
    pub flash_erase: DRM_OEM_FLASH_ERASE,
    /// Required.
    pub rng_fill: DRM_OEM_RNG_FILL,
    /// Optional (NULL: the time is never known; time-bound licenses are refused).
    pub clock_now: DRM_OEM_CLOCK_NOW,
    /// Monotonic counter, read. Both counter callbacks are required with the kit built with
    /// its `monotonic-counter` feature, and must both be NULL without it.
    pub counter_read: DRM_OEM_COUNTER,
    /// Monotonic counter, increment.
    pub counter_increment: DRM_OEM_COUNTER,
    /// The device identity.
    pub identity: DRM_DEVICE_IDENTITY,
}

/// The servers' keys (`Drm_SetServerKeys`). Until it is called, challenges are encrypted to the
/// production WMRM server key and license responses are refused (no trusted root).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct DRM_SERVER_KEYS {
    /// The license server's public key `X || Y` license challenges are encrypted to.
    pub license_server_key: [u8; 64],
    /// The trusted root `X || Y` of the license server's certificate chain.
    pub license_server_root: [u8; 64],
    /// The Secure Delete server's public key `X || Y` its challenges are encrypted to.
    pub secure_delete_server_key: [u8; 64],
}

/// What `Drm_Store_GetInfo` reports.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct DRM_STORE_INFO {
    /// Store pages (root, spare and buckets).
    pub pages: u32,
    /// Buckets (pages minus two).
    pub buckets: u32,
    /// Sequence number of the last commit.
    pub commit_seq: u64,
    /// Lowest erase count of a page.
    pub erase_min: u32,
    /// Highest erase count of a page.
    pub erase_max: u32,
    /// Largest data one slot holds.
    pub max_slot_len: u32,
    /// 1 when the store zeroes deleted records in place (multiwrite flash).
    pub multiwrite: u32,
}

/// One license in the store (`Drm_Store_EnumerateLicenses`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct DRM_LICENSE_ENTRY {
    /// Its KID.
    pub kid: DRM_KID,
    /// Its LID.
    pub lid: DRM_LID,
    /// Bytes of the license.
    pub length: u32,
}

/// What happened to one license of a response.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct DRM_LICENSE_STATUS {
    /// Its KID (zero when it did not parse).
    pub kid: DRM_KID,
    /// Its LID (zero when it did not parse).
    pub lid: DRM_LID,
    /// 1 for a KeyExchangeLicense.
    pub key_exchange: u32,
    /// `DRM_SUCCESS`: verified and stored; `DRM_S_FALSE`: verified, not persistent, not stored;
    /// a failure code: refused.
    pub result: DRM_RESULT,
}

/// What `Drm_LicenseAcq_ProcessResponse` did.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DRM_LICENSE_RESPONSE {
    /// The response's `ResponseID`: the Secure Delete session its stored licenses belong to.
    pub session_id: DRM_ID,
    /// 1 when the response had a `ResponseID` (the licenses were stored with a session record).
    pub has_session_id: u32,
    /// Licenses in the response (entries of `licenses`).
    pub license_count: u32,
    /// Licenses stored.
    pub stored_count: u32,
    /// One entry per license, in the response's order.
    pub licenses: [DRM_LICENSE_STATUS; DRM_MAX_LICENSES_PER_RESPONSE],
}
