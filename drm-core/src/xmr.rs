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

use core::fmt;

use zeroize::Zeroizing;

use crate::crypto;
use crate::error::{Error, Result};
use crate::ids::{Kid, Lid};
use crate::platform::DeviceIdentity;
use crate::secret::{Aes128Key, EccPrivateKey, HmacKey};
use crate::wire::{self, Reader, exact};

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
const KNOWN_FLAGS: u16 = FLAG_MUST_UNDERSTAND
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
/// [`Error::UnsupportedSignatureType`]).
pub const SIG_HMAC_SHA256: u16 = 2;
/// An expiration `end` of this value means "no end".
pub const NO_END: u32 = u32::MAX;

/// Length of the ElGamal-wrapped key `C1 ‖ C2`.
const ENCRYPTED_KEY_LEN: u16 = 128;
/// Length of the ECC device key `X ‖ Y`.
const DEVICE_KEY_LEN: u16 = 64;
/// Curve of the ECC device key: P-256.
const CURVE_P256: u16 = 1;
/// Version of the key exchange policy object.
const KX_POLICY_VERSION: u16 = 1;
/// Wrap algorithm of the key exchange key object: AES-128-CBC, no padding, keyed with `CK`.
const KX_WRAP_AES_CBC: u16 = 1;

/// The symmetric key type of the content key object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum KeyType {
    /// 1: AES-128-CTR content key.
    AesCtr,
    /// 3: AES-128-ECB content key.
    AesEcb,
    /// 5: AES-128-CBC content key.
    AesCbc,
    /// 6: a key exchange key (KeyExchangeLicense).
    KeyExchange,
}

impl KeyType {
    /// The value in the content key object.
    #[must_use]
    pub const fn value(self) -> u16 {
        match self {
            KeyType::AesCtr => 1,
            KeyType::AesEcb => 3,
            KeyType::AesCbc => 5,
            KeyType::KeyExchange => 6,
        }
    }

    /// The key type of `value`; [`Error::Unsupported`] for any other.
    pub const fn from_value(value: u16) -> Result<Self> {
        match value {
            1 => Ok(KeyType::AesCtr),
            3 => Ok(KeyType::AesEcb),
            5 => Ok(KeyType::AesCbc),
            6 => Ok(KeyType::KeyExchange),
            _ => Err(Error::Unsupported),
        }
    }
}

/// Key exchange algorithm (KEY-EXCHANGE-FORMAT §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum KxAlgorithm {
    /// 1: AES-128-CBC, no padding, caller IV.
    AesCbc,
    /// 2: HMAC-SHA256.
    HmacSha256,
    /// 3: ECDSA-P256-SHA256.
    EcdsaP256,
}

impl KxAlgorithm {
    /// The value in the policy object.
    #[must_use]
    pub const fn value(self) -> u16 {
        match self {
            KxAlgorithm::AesCbc => 1,
            KxAlgorithm::HmacSha256 => 2,
            KxAlgorithm::EcdsaP256 => 3,
        }
    }
}

/// Key exchange operation (KEY-EXCHANGE-FORMAT §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum KxOperation {
    /// 1: encrypt.
    Encrypt,
    /// 2: decrypt.
    Decrypt,
    /// 3: sign (for HMAC: compute a tag).
    Sign,
    /// 4: verify (for HMAC: check a tag).
    Verify,
}

impl KxOperation {
    /// The value in the policy object.
    #[must_use]
    pub const fn value(self) -> u16 {
        match self {
            KxOperation::Encrypt => 1,
            KxOperation::Decrypt => 2,
            KxOperation::Sign => 3,
            KxOperation::Verify => 4,
        }
    }
}

/// The key exchange policy object (`0x7E01`): the one algorithm and operation the license's key
/// may be used for. Only the valid pairs of KEY-EXCHANGE-FORMAT §2 can be represented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct KeyExchangePolicy {
    algorithm: KxAlgorithm,
    operation: KxOperation,
}

impl KeyExchangePolicy {
    /// The policy for `algorithm` and `operation`; [`Error::Unsupported`] for a pair that
    /// KEY-EXCHANGE-FORMAT §2 does not list.
    pub const fn new(algorithm: KxAlgorithm, operation: KxOperation) -> Result<Self> {
        let valid = matches!(
            (algorithm, operation),
            (
                KxAlgorithm::AesCbc,
                KxOperation::Encrypt | KxOperation::Decrypt
            ) | (
                KxAlgorithm::HmacSha256 | KxAlgorithm::EcdsaP256,
                KxOperation::Sign | KxOperation::Verify
            )
        );
        if valid {
            Ok(Self {
                algorithm,
                operation,
            })
        } else {
            Err(Error::Unsupported)
        }
    }

    /// Decodes the values of the policy object; [`Error::Unsupported`] for unknown values or an
    /// invalid pair.
    pub const fn from_values(algorithm: u16, operation: u16) -> Result<Self> {
        let algorithm = match algorithm {
            1 => KxAlgorithm::AesCbc,
            2 => KxAlgorithm::HmacSha256,
            3 => KxAlgorithm::EcdsaP256,
            _ => return Err(Error::Unsupported),
        };
        let operation = match operation {
            1 => KxOperation::Encrypt,
            2 => KxOperation::Decrypt,
            3 => KxOperation::Sign,
            4 => KxOperation::Verify,
            _ => return Err(Error::Unsupported),
        };
        Self::new(algorithm, operation)
    }

    /// The algorithm.
    #[must_use]
    pub const fn algorithm(&self) -> KxAlgorithm {
        self.algorithm
    }

    /// The one allowed operation.
    #[must_use]
    pub const fn operation(&self) -> KxOperation {
        self.operation
    }

    /// Length of the key the client receives: 16 (AES), 32 (HMAC, ECDSA private scalar) or 64
    /// (ECDSA public `X ‖ Y`).
    #[must_use]
    pub const fn key_len(&self) -> usize {
        match (self.algorithm, self.operation) {
            (KxAlgorithm::AesCbc, _) => 16,
            (KxAlgorithm::EcdsaP256, KxOperation::Verify) => 64,
            _ => 32,
        }
    }
}

/// The content key object (`0x000A`), still wrapped.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ContentKeyObject<'a> {
    kid: &'a [u8; 16],
    key_type: KeyType,
    encrypted: &'a [u8; 128],
}

impl<'a> ContentKeyObject<'a> {
    /// The key id.
    #[must_use]
    pub const fn kid(&self) -> &'a [u8; 16] {
        self.kid
    }

    /// The key type.
    #[must_use]
    pub const fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The ElGamal ciphertext `C1 ‖ C2` of `CI ‖ CK` (cipher type 3).
    #[must_use]
    pub const fn encrypted_key(&self) -> &'a [u8; 128] {
        self.encrypted
    }
}

impl fmt::Debug for ContentKeyObject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContentKeyObject")
            .field("kid", &Kid::from_bytes(*self.kid))
            .field("key_type", &self.key_type)
            .finish_non_exhaustive()
    }
}

/// The key exchange key object (`0x7E02`), still wrapped with `CK`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyExchangeKeyObject<'a> {
    iv: &'a [u8; 16],
    wrapped: &'a [u8],
}

impl<'a> KeyExchangeKeyObject<'a> {
    /// The CBC initialisation vector.
    #[must_use]
    pub const fn iv(&self) -> &'a [u8; 16] {
        self.iv
    }

    /// `AES-128-CBC-Encrypt(CK, iv, key)`: 32 or 64 bytes.
    #[must_use]
    pub const fn wrapped_key(&self) -> &'a [u8] {
        self.wrapped
    }
}

impl fmt::Debug for KeyExchangeKeyObject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyExchangeKeyObject")
            .field("key_len", &self.wrapped.len())
            .finish_non_exhaustive()
    }
}

/// A license whose structure has been checked. Nothing in it is authenticated: use [`verify`].
#[derive(Clone, Copy)]
pub struct ParsedLicense<'a> {
    bytes: &'a [u8],
    signed_len: usize,
    rights_id: &'a [u8; 16],
    settings: u16,
    issue_date: Option<u32>,
    expiration: Option<(u32, u32)>,
    expiration_after_first_use: Option<u32>,
    removal_date: Option<u32>,
    min_security_level: u16,
    has_playback_policy: bool,
    output_protection: Option<[u16; 5]>,
    content_key: ContentKeyObject<'a>,
    device_key: &'a [u8; 64],
    key_exchange_policy: Option<KeyExchangePolicy>,
    key_exchange_key: Option<KeyExchangeKeyObject<'a>>,
    signature_type: u16,
    signature: &'a [u8],
}

impl fmt::Debug for ParsedLicense<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedLicense")
            .field("len", &self.bytes.len())
            .field("lid", &self.lid())
            .field("content_key", &self.content_key)
            .field("settings", &self.settings)
            .field("expiration", &self.expiration)
            .field("min_security_level", &self.min_security_level)
            .field("key_exchange_policy", &self.key_exchange_policy)
            .finish_non_exhaustive()
    }
}

/// One object: its flags, type and payload.
#[derive(Clone, Copy)]
struct Object<'a> {
    flags: u16,
    ty: u16,
    payload: &'a [u8],
}

impl Object<'_> {
    const fn must_understand(&self) -> bool {
        self.flags & FLAG_MUST_UNDERSTAND != 0
    }

    const fn is_container(&self) -> bool {
        self.flags & FLAG_CONTAINER != 0
    }

    /// Length of the object with its header.
    const fn total_len(&self) -> usize {
        self.payload.len().saturating_add(OBJECT_HEADER_LEN)
    }
}

/// The objects of a container's payload, which they must consume exactly.
struct Objects<'a>(Reader<'a>);

impl<'a> Objects<'a> {
    fn new(payload: &'a [u8]) -> Self {
        Self(Reader::new(payload, Error::Malformed))
    }
}

impl<'a> Iterator for Objects<'a> {
    type Item = Result<Object<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let item = (|| {
            let flags = self.0.u16()?;
            let ty = self.0.u16()?;
            let len = usize::try_from(self.0.u32()?).map_err(|_| Error::Malformed)?;
            let payload_len = len.checked_sub(OBJECT_HEADER_LEN).ok_or(Error::Malformed)?;
            let payload = self.0.take(payload_len)?;
            Ok(Object { flags, ty, payload })
        })();
        if item.is_err() {
            // Stop after the first error.
            self.0 = Reader::new(&[], Error::Malformed);
        }
        Some(item)
    }
}

/// Where a known object may appear: `Some((parent, is_container))`; `None` for an unknown type.
/// The outer container's parent is the license itself, written as type 0.
const fn home(ty: u16) -> Option<(u16, bool)> {
    match ty {
        OBJ_OUTER => Some((0, true)),
        OBJ_GLOBAL_POLICY | OBJ_PLAYBACK_POLICY | OBJ_KEY_MATERIAL => Some((OBJ_OUTER, true)),
        OBJ_SIGNATURE => Some((OBJ_OUTER, false)),
        OBJ_SETTINGS
        | OBJ_EXPIRATION
        | OBJ_ISSUE_DATE
        | OBJ_EXPIRATION_AFTER_FIRST_USE
        | OBJ_SECURITY_LEVEL
        | OBJ_REMOVAL_DATE
        | OBJ_KEY_EXCHANGE_POLICY => Some((OBJ_GLOBAL_POLICY, false)),
        OBJ_OUTPUT_PROTECTION => Some((OBJ_PLAYBACK_POLICY, false)),
        OBJ_CONTENT_KEY | OBJ_ECC_DEVICE_KEY | OBJ_KEY_EXCHANGE_KEY => {
            Some((OBJ_KEY_MATERIAL, false))
        }
        _ => None,
    }
}

/// Stores `value` in an empty slot; a second occurrence is [`Error::Malformed`].
fn once<T>(slot: &mut Option<T>, value: T) -> Result<()> {
    wire::once(slot, value, Error::Malformed)
}

/// Everything collected while walking the objects.
#[derive(Default)]
struct Collected<'a> {
    global: Option<()>,
    playback: Option<()>,
    key_material: Option<()>,
    settings: Option<u16>,
    issue_date: Option<u32>,
    expiration: Option<(u32, u32)>,
    expiration_after_first_use: Option<u32>,
    removal_date: Option<u32>,
    min_security_level: Option<u16>,
    output_protection: Option<[u16; 5]>,
    content_key: Option<ContentKeyObject<'a>>,
    device_key: Option<&'a [u8; 64]>,
    key_exchange_policy: Option<KeyExchangePolicy>,
    /// The KID the key object names, and the object.
    key_exchange_key: Option<(&'a [u8; 16], KeyExchangeKeyObject<'a>)>,
    /// Signature type, value, and the signature object's total length.
    signature: Option<(u16, &'a [u8], usize)>,
}

impl<'a> Collected<'a> {
    /// Walks the children of container `parent`.
    fn walk(&mut self, parent: u16, payload: &'a [u8]) -> Result<()> {
        for object in Objects::new(payload) {
            let object = object?;
            if self.signature.is_some() {
                // The signature is the last object of the outer container (and so of the
                // license): nothing may follow it.
                return Err(Error::Malformed);
            }
            if object.flags & !KNOWN_FLAGS != 0 {
                return Err(Error::Malformed);
            }
            let Some((home, container)) = home(object.ty) else {
                if object.must_understand() {
                    return Err(Error::UnknownMustUnderstand);
                }
                continue;
            };
            if home != parent || container != object.is_container() {
                return Err(Error::Malformed);
            }
            if container {
                let slot = match object.ty {
                    OBJ_GLOBAL_POLICY => &mut self.global,
                    OBJ_PLAYBACK_POLICY => &mut self.playback,
                    OBJ_KEY_MATERIAL => &mut self.key_material,
                    _ => return Err(Error::LogicBug),
                };
                once(slot, ())?;
                self.walk(object.ty, object.payload)?;
            } else {
                self.leaf(object)?;
            }
        }
        Ok(())
    }

    /// Parses one known leaf object.
    fn leaf(&mut self, object: Object<'a>) -> Result<()> {
        let p = object.payload;
        let m = Error::Malformed;
        match object.ty {
            OBJ_SETTINGS => once(&mut self.settings, exact(p, m, Reader::u16)?),
            OBJ_ISSUE_DATE => once(&mut self.issue_date, exact(p, m, Reader::u32)?),
            OBJ_REMOVAL_DATE => once(&mut self.removal_date, exact(p, m, Reader::u32)?),
            OBJ_EXPIRATION_AFTER_FIRST_USE => once(
                &mut self.expiration_after_first_use,
                exact(p, m, Reader::u32)?,
            ),
            OBJ_SECURITY_LEVEL => once(&mut self.min_security_level, exact(p, m, Reader::u16)?),
            OBJ_EXPIRATION => {
                let dates = exact(p, m, |r| Ok((r.u32()?, r.u32()?)))?;
                once(&mut self.expiration, dates)
            }
            OBJ_OUTPUT_PROTECTION => {
                let levels = exact(p, m, |r| {
                    Ok([r.u16()?, r.u16()?, r.u16()?, r.u16()?, r.u16()?])
                })?;
                once(&mut self.output_protection, levels)
            }
            OBJ_CONTENT_KEY => once(&mut self.content_key, parse_content_key(p)?),
            OBJ_ECC_DEVICE_KEY => once(&mut self.device_key, parse_device_key(p)?),
            OBJ_KEY_EXCHANGE_POLICY => once(&mut self.key_exchange_policy, parse_kx_policy(p)?),
            OBJ_KEY_EXCHANGE_KEY => once(&mut self.key_exchange_key, parse_kx_key(p)?),
            OBJ_SIGNATURE => {
                // The signature object is outside the signed bytes: its flags are fixed so that
                // no byte of the license can change without the license being refused.
                if object.flags != FLAG_MUST_UNDERSTAND {
                    return Err(Error::Malformed);
                }
                let (ty, value) = parse_signature(p)?;
                once(&mut self.signature, (ty, value, object.total_len()))
            }
            _ => Err(Error::LogicBug),
        }
    }
}

fn parse_content_key(p: &[u8]) -> Result<ContentKeyObject<'_>> {
    exact(p, Error::Malformed, |r| {
        let kid = r.array::<16>()?;
        let key_type = KeyType::from_value(r.u16()?)?;
        if r.u16()? != CIPHER_ECC256 {
            return Err(Error::Unsupported);
        }
        if r.u16()? != ENCRYPTED_KEY_LEN {
            return Err(Error::Malformed);
        }
        let encrypted = r.array::<128>()?;
        Ok(ContentKeyObject {
            kid,
            key_type,
            encrypted,
        })
    })
}

fn parse_device_key(p: &[u8]) -> Result<&[u8; 64]> {
    exact(p, Error::Malformed, |r| {
        if r.u16()? != CURVE_P256 {
            return Err(Error::Unsupported);
        }
        if r.u16()? != DEVICE_KEY_LEN {
            return Err(Error::Malformed);
        }
        r.array::<64>()
    })
}

fn parse_kx_policy(p: &[u8]) -> Result<KeyExchangePolicy> {
    exact(p, Error::Malformed, |r| {
        let version = r.u16()?;
        let algorithm = r.u16()?;
        let operation = r.u16()?;
        let reserved = r.u16()?;
        if version != KX_POLICY_VERSION {
            return Err(Error::Unsupported);
        }
        if reserved != 0 {
            return Err(Error::Malformed);
        }
        KeyExchangePolicy::from_values(algorithm, operation)
    })
}

fn parse_kx_key(p: &[u8]) -> Result<(&[u8; 16], KeyExchangeKeyObject<'_>)> {
    exact(p, Error::Malformed, |r| {
        let kid = r.array::<16>()?;
        if r.u16()? != KX_WRAP_AES_CBC {
            return Err(Error::Unsupported);
        }
        let key_len = usize::from(r.u16()?);
        if key_len != 32 && key_len != 64 {
            return Err(Error::Malformed);
        }
        let iv = r.array::<16>()?;
        let wrapped = r.take(key_len)?;
        Ok((kid, KeyExchangeKeyObject { iv, wrapped }))
    })
}

fn parse_signature(p: &[u8]) -> Result<(u16, &[u8])> {
    exact(p, Error::Malformed, |r| {
        let ty = r.u16()?;
        let len = r.u16()?;
        let expected = match ty {
            SIG_AES_CMAC => 16,
            SIG_HMAC_SHA256 => 32,
            _ => return Err(Error::Unsupported),
        };
        if len != expected {
            return Err(Error::Malformed);
        }
        Ok((ty, r.take(usize::from(len))?))
    })
}

impl<'a> ParsedLicense<'a> {
    /// Parses a license. Structure only; see the module documentation for what is checked.
    ///
    /// # Errors
    /// [`Error::Malformed`] for a truncated, overlong, misplaced or duplicated object, trailing
    /// bytes, or a broken key exchange rule; [`Error::UnknownMustUnderstand`];
    /// [`Error::RequiredObjectMissing`]; [`Error::Unsupported`] for another XMR version, key type,
    /// cipher, curve, signature type or key exchange algorithm.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, Error::Malformed);
        if *r.array::<4>()? != MAGIC {
            return Err(Error::Malformed);
        }
        if r.u32()? != VERSION {
            return Err(Error::Unsupported);
        }
        let rights_id = r.array::<16>()?;

        // Exactly one object after the header: the outer container.
        let mut top = Objects::new(r.rest());
        let outer = top.next().ok_or(Error::Malformed)??;
        if top.next().is_some() {
            return Err(Error::Malformed);
        }
        if outer.ty != OBJ_OUTER || !outer.is_container() || outer.flags & !KNOWN_FLAGS != 0 {
            return Err(Error::Malformed);
        }
        let mut c = Collected::default();
        c.walk(OBJ_OUTER, outer.payload)?;

        let missing = Error::RequiredObjectMissing;
        c.global.ok_or(missing)?;
        c.key_material.ok_or(missing)?;
        let (signature_type, signature, signature_len) = c.signature.ok_or(missing)?;
        let content_key = c.content_key.ok_or(missing)?;
        let device_key = c.device_key.ok_or(missing)?;
        let min_security_level = c.min_security_level.ok_or(missing)?;

        // KEY-EXCHANGE-FORMAT §2 and §3.
        let key_exchange_key = if content_key.key_type == KeyType::KeyExchange {
            let policy = c.key_exchange_policy.ok_or(missing)?;
            if c.playback.is_some() {
                return Err(Error::Malformed);
            }
            match (policy.algorithm, c.key_exchange_key) {
                (KxAlgorithm::AesCbc, None) => None,
                (KxAlgorithm::AesCbc, Some(_)) => return Err(Error::Malformed),
                (_, None) => return Err(missing),
                (_, Some((kid, object))) => {
                    if kid != content_key.kid || object.wrapped.len() != policy.key_len() {
                        return Err(Error::Malformed);
                    }
                    Some(object)
                }
            }
        } else {
            if c.key_exchange_policy.is_some() || c.key_exchange_key.is_some() {
                return Err(Error::Malformed);
            }
            None
        };

        // The outer container is the last object and the signature its last child, so the
        // signature object ends the license.
        let signed_len = bytes
            .len()
            .checked_sub(signature_len)
            .ok_or(Error::LogicBug)?;
        Ok(Self {
            bytes,
            signed_len,
            rights_id,
            settings: c.settings.unwrap_or(0),
            issue_date: c.issue_date,
            expiration: c.expiration,
            expiration_after_first_use: c.expiration_after_first_use,
            removal_date: c.removal_date,
            min_security_level,
            has_playback_policy: c.playback.is_some(),
            output_protection: c.output_protection,
            content_key,
            device_key,
            key_exchange_policy: c.key_exchange_policy,
            key_exchange_key,
            signature_type,
            signature,
        })
    }

    /// The whole license.
    #[must_use]
    pub const fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The bytes the signature covers: from offset 0 up to the signature object.
    #[must_use]
    pub fn signed_bytes(&self) -> &'a [u8] {
        self.bytes.get(..self.signed_len).unwrap_or_default()
    }

    /// The rights id of the header, as it is on the wire.
    #[must_use]
    pub const fn rights_id(&self) -> &'a [u8; 16] {
        self.rights_id
    }

    /// The license id: the header's rights id.
    #[must_use]
    pub const fn lid(&self) -> Lid {
        Lid::from_bytes(*self.rights_id)
    }

    /// The key id of the content key object.
    #[must_use]
    pub const fn kid(&self) -> Kid {
        Kid::from_bytes(*self.content_key.kid)
    }

    /// The key type of the content key object.
    #[must_use]
    pub const fn key_type(&self) -> KeyType {
        self.content_key.key_type
    }

    /// True for a KeyExchangeLicense (key type 6): usable only through the key exchange calls.
    #[must_use]
    pub fn is_key_exchange(&self) -> bool {
        self.content_key.key_type == KeyType::KeyExchange
    }

    /// The content key object.
    #[must_use]
    pub const fn content_key(&self) -> &ContentKeyObject<'a> {
        &self.content_key
    }

    /// The settings bits (`SETTINGS_*`); 0 when the license has no settings object.
    #[must_use]
    pub const fn settings(&self) -> u16 {
        self.settings
    }

    /// True unless the settings say "cannot persist".
    #[must_use]
    pub const fn is_persistent(&self) -> bool {
        self.settings & SETTINGS_CANNOT_PERSIST == 0
    }

    /// The issue date, seconds since 1970.
    #[must_use]
    pub const fn issue_date(&self) -> Option<u32> {
        self.issue_date
    }

    /// `(begin, end)` of the expiration object: `begin` 0 means no begin, `end` [`NO_END`] means
    /// no end. `None` when the license has no expiration object.
    #[must_use]
    pub const fn expiration(&self) -> Option<(u32, u32)> {
        self.expiration
    }

    /// Seconds of validity after the first use.
    #[must_use]
    pub const fn expiration_after_first_use(&self) -> Option<u32> {
        self.expiration_after_first_use
    }

    /// The removal date, seconds since 1970.
    #[must_use]
    pub const fn removal_date(&self) -> Option<u32> {
        self.removal_date
    }

    /// True when the license carries any time-bound object (expiration with a begin or an end,
    /// expiration after first use, or a removal date).
    #[must_use]
    pub const fn is_time_bound(&self) -> bool {
        let dated = match self.expiration {
            Some((begin, end)) => begin != 0 || end != NO_END,
            None => false,
        };
        dated || self.expiration_after_first_use.is_some() || self.removal_date.is_some()
    }

    /// The minimum security level of the client (150, 2000, 3000).
    #[must_use]
    pub const fn min_security_level(&self) -> u16 {
        self.min_security_level
    }

    /// True when the license has a playback policy container.
    #[must_use]
    pub const fn has_playback_policy(&self) -> bool {
        self.has_playback_policy
    }

    /// The five output protection levels, in the order of the object.
    #[must_use]
    pub const fn output_protection(&self) -> Option<[u16; 5]> {
        self.output_protection
    }

    /// The ECC device key `X ‖ Y` the license is bound to.
    #[must_use]
    pub const fn device_key(&self) -> &'a [u8; 64] {
        self.device_key
    }

    /// The key exchange policy (KeyExchangeLicenses only).
    #[must_use]
    pub const fn key_exchange_policy(&self) -> Option<KeyExchangePolicy> {
        self.key_exchange_policy
    }

    /// The key exchange key object (KeyExchangeLicenses whose algorithm is not AES-128-CBC).
    #[must_use]
    pub const fn key_exchange_key(&self) -> Option<KeyExchangeKeyObject<'a>> {
        self.key_exchange_key
    }

    /// The signature type (`SIG_*`).
    #[must_use]
    pub const fn signature_type(&self) -> u16 {
        self.signature_type
    }

    /// The signature value.
    #[must_use]
    pub const fn signature(&self) -> &'a [u8] {
        self.signature
    }
}

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
    crypto::cmac_verify(&ci, parsed.signed_bytes(), parsed.signature)?;
    drop(ci);

    let key = match (parsed.key_exchange_policy, parsed.key_exchange_key) {
        (None, _) => LicenseKey::Content(ck),
        (Some(policy), None) if policy.algorithm == KxAlgorithm::AesCbc => {
            LicenseKey::KxAes128Cbc(ck)
        }
        (Some(policy), Some(object)) => unwrap_kx_key(&policy, &object, &ck)?,
        // The parser refuses a non-AES policy without a key object.
        (Some(_), None) => return Err(Error::LogicBug),
    };
    Ok(VerifiedLicense { parsed, key })
}

/// Decrypts the `0x7E02` key object with `CK` and checks the key (KEY-EXCHANGE-FORMAT §3.1).
fn unwrap_kx_key(
    policy: &KeyExchangePolicy,
    object: &KeyExchangeKeyObject<'_>,
    ck: &Aes128Key,
) -> Result<LicenseKey> {
    let mut buf = Zeroizing::new([0u8; 64]);
    let plain = buf.get_mut(..object.wrapped.len()).ok_or(Error::LogicBug)?;
    plain.copy_from_slice(object.wrapped);
    crypto::aes128_cbc_decrypt(ck, object.iv, plain).map_err(|_| Error::LogicBug)?;
    let plain: &[u8] = plain;
    let bad = Error::VerificationFailed;
    Ok(match (policy.algorithm, policy.operation) {
        (KxAlgorithm::HmacSha256, _) => {
            LicenseKey::KxHmacSha256(HmacKey::try_from_slice(plain).ok_or(Error::LogicBug)?)
        }
        (KxAlgorithm::EcdsaP256, KxOperation::Verify) => {
            let public: [u8; 64] = plain.try_into().map_err(|_| Error::LogicBug)?;
            if !crypto::is_valid_public_key(&public) {
                return Err(bad);
            }
            LicenseKey::KxEcdsaPublic(public)
        }
        (KxAlgorithm::EcdsaP256, _) => {
            let private = EccPrivateKey::try_from_slice(plain).ok_or(Error::LogicBug)?;
            crypto::ecc_public_key(&private).map_err(|_| bad)?;
            LicenseKey::KxEcdsaPrivate(private)
        }
        (KxAlgorithm::AesCbc, _) => return Err(Error::LogicBug),
    })
}
