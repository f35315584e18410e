//! XMR licenses: a zero-copy parser and the verification that turns a parsed license into a
//! verified one (`PROTOCOL.md` §2, `docs/KEY-EXCHANGE-FORMAT.md`).
//!
//! [`ParsedLicense::parse`] checks structure only: exact containment (each object's length fits
//! its container exactly, containers nest only where §2 allows, nothing trails the outer
//! container), must-understand (an unknown must-understand object is refused, an unknown optional
//! one skipped), the payload layout of every known object, and the rules of the key exchange
//! format. Flag bits outside the five of §2 are refused, and the signature object, which is not
//! covered by the signature, must have exactly the flags `0x0001`: no byte of a license can
//! change without the license being refused. Nothing in a [`ParsedLicense`] is trusted yet.
//!
//! [`verify`] checks that the license is bound to the device, unwraps `CI ‖ CK` with the device's
//! encryption key, checks the AES-128-CMAC signature over the signed bytes, and only then unwraps
//! the key. A [`VerifiedLicense`] can only be made by [`verify`]; its key is a secret type.
//!
//! Dates, the minimum security level and the key exchange policy are exposed, not enforced: they
//! need a clock and the device's context (`drm-keyexchange`).
//!
//! The format's constants live here; the policy types in `policy`, the parser in `parse`, the
//! verification in `verify`.
//!
//! A KeyExchangeLicense of format 2 holds up to [`MAX_KX_KEYS`] keys, each with its own policy
//! (KEY-EXCHANGE-FORMAT §2.1). [`ParsedLicense::kx_key`] finds one by [`KeyRef`] (index or key
//! id) without decrypting anything; [`verify_key`] unwraps that key only, and [`verify`]
//! checks such a license (binding, signature) without unwrapping any of its keys.

mod parse;
mod policy;
mod verify;

pub use parse::{ContentKeyObject, KeyExchangeKeyObject, KxKey, ParsedLicense};
pub use policy::{KeyExchangePolicy, KeyRef, KeyType, KxAlgorithm, KxOperation};
pub use verify::{LicenseKey, VerifiedLicense, WrappedKey, verify, verify_key, wrapped_key};

/// `"XMR\0"`, the first four bytes of every license.
pub const MAGIC: [u8; 4] = *b"XMR\0";
/// The XMR version this parser reads.
pub const VERSION: u32 = 3;
/// Length of the license header: magic, version, rights id.
pub const HEADER_LEN: usize = 24;
/// Length of an object header: flags, type, length.
pub const OBJECT_HEADER_LEN: usize = 8;

/// Object flag: must understand.
pub const FLAG_MUST_UNDERSTAND: u16 = 0x0001;
/// Object flag: container (the payload is child objects).
pub const FLAG_CONTAINER: u16 = 0x0002;
/// Object flag: allow external parse.
pub const FLAG_ALLOW_EXTERNAL_PARSE: u16 = 0x0004;
/// Object flag: best effort.
pub const FLAG_BEST_EFFORT: u16 = 0x0008;
/// Object flag: has secure state.
pub const FLAG_SECURE_STATE: u16 = 0x0010;

/// Every flag bit this parser knows; an object with any other bit set is malformed.
pub(super) const KNOWN_FLAGS: u16 = FLAG_MUST_UNDERSTAND
    | FLAG_CONTAINER
    | FLAG_ALLOW_EXTERNAL_PARSE
    | FLAG_BEST_EFFORT
    | FLAG_SECURE_STATE;

/// Outer container.
pub const OBJ_OUTER: u16 = 0x0001;
/// Global policy container.
pub const OBJ_GLOBAL_POLICY: u16 = 0x0002;
/// Playback policy container.
pub const OBJ_PLAYBACK_POLICY: u16 = 0x0004;
/// Output protection levels.
pub const OBJ_OUTPUT_PROTECTION: u16 = 0x0005;
/// Key material container.
pub const OBJ_KEY_MATERIAL: u16 = 0x0009;
/// Content key.
pub const OBJ_CONTENT_KEY: u16 = 0x000A;
/// Signature.
pub const OBJ_SIGNATURE: u16 = 0x000B;
/// Settings.
pub const OBJ_SETTINGS: u16 = 0x000D;
/// Expiration (begin, end).
pub const OBJ_EXPIRATION: u16 = 0x0012;
/// Issue date.
pub const OBJ_ISSUE_DATE: u16 = 0x0013;
/// ECC device key.
pub const OBJ_ECC_DEVICE_KEY: u16 = 0x002A;
/// Expiration after first use.
pub const OBJ_EXPIRATION_AFTER_FIRST_USE: u16 = 0x0030;
/// Minimum security level.
pub const OBJ_SECURITY_LEVEL: u16 = 0x0034;
/// Removal date.
pub const OBJ_REMOVAL_DATE: u16 = 0x0050;
/// The project's key exchange policy object (KEY-EXCHANGE-FORMAT §1). Remap here.
pub const OBJ_KEY_EXCHANGE_POLICY: u16 = 0x7E01;
/// The project's key exchange key object (KEY-EXCHANGE-FORMAT §1). Remap here.
pub const OBJ_KEY_EXCHANGE_KEY: u16 = 0x7E02;

/// Settings bit: cannot persist.
pub const SETTINGS_CANNOT_PERSIST: u16 = 0x0001;
/// Settings bit: allow backup/restore.
pub const SETTINGS_ALLOW_BACKUP_RESTORE: u16 = 0x0004;
/// Settings bit: base license.
pub const SETTINGS_BASE_LICENSE: u16 = 0x0010;
/// Settings bit: cannot bind.
pub const SETTINGS_CANNOT_BIND: u16 = 0x0040;
/// Settings bit: temporary store only.
pub const SETTINGS_TEMP_STORE_ONLY: u16 = 0x0080;

/// Cipher type of the content key: ECC-256 ElGamal.
pub const CIPHER_ECC256: u16 = 3;
/// Signature type: AES-128-CMAC.
pub const SIG_AES_CMAC: u16 = 1;
/// Signature type: HMAC-SHA256 (parsed; [`verify`] refuses it with
/// [`Error::UnsupportedSignatureType`](crate::Error::UnsupportedSignatureType)).
pub const SIG_HMAC_SHA256: u16 = 2;
/// An expiration `end` of this value means "no end".
pub const NO_END: u32 = u32::MAX;

/// Length of the ElGamal-wrapped key `C1 ‖ C2`.
pub(super) const ENCRYPTED_KEY_LEN: u16 = 128;
/// Length of the ECC device key `X ‖ Y`.
pub(super) const DEVICE_KEY_LEN: u16 = 64;
/// Curve of the ECC device key: P-256.
pub(super) const CURVE_P256: u16 = 1;
/// Most keys one KeyExchangeLicense of format 2 holds (KEY-EXCHANGE-FORMAT §2.1).
pub const MAX_KX_KEYS: usize = 8;
// The parser keeps one bit per key index in a u16.
const _: () = assert!(MAX_KX_KEYS < 16);

/// Version of the key exchange policy object of format 1 (one key).
pub(super) const KX_POLICY_VERSION: u16 = 1;
/// Version of the key exchange policy object of format 2 (a table of keys).
pub(super) const KX_POLICY_VERSION_MULTI: u16 = 2;
/// Length of one entry of the format-2 policy table.
pub(super) const KX_TABLE_ENTRY_LEN: usize = 24;
/// Wrap algorithm of the key exchange key object: AES-128-CBC, no padding, keyed with `CK`.
pub(super) const KX_WRAP_AES_CBC: u16 = 1;
