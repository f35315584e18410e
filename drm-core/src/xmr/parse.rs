//! The zero-copy parser: structure, containment, must-understand and every known object's layout.

use core::fmt;

use crate::error::{Error, Result};
use crate::ids::{Kid, Lid};
use crate::wire::{self, Reader, exact};

use super::policy::{KeyExchangePolicy, KeyType, KxAlgorithm};
use super::{
    CIPHER_ECC256, CURVE_P256, DEVICE_KEY_LEN, ENCRYPTED_KEY_LEN, FLAG_CONTAINER,
    FLAG_MUST_UNDERSTAND, KNOWN_FLAGS, KX_POLICY_VERSION, KX_WRAP_AES_CBC, MAGIC, NO_END,
    OBJ_CONTENT_KEY, OBJ_ECC_DEVICE_KEY, OBJ_EXPIRATION, OBJ_EXPIRATION_AFTER_FIRST_USE,
    OBJ_GLOBAL_POLICY, OBJ_ISSUE_DATE, OBJ_KEY_EXCHANGE_KEY, OBJ_KEY_EXCHANGE_POLICY,
    OBJ_KEY_MATERIAL, OBJ_OUTER, OBJ_OUTPUT_PROTECTION, OBJ_PLAYBACK_POLICY, OBJ_REMOVAL_DATE,
    OBJ_SECURITY_LEVEL, OBJ_SETTINGS, OBJ_SIGNATURE, OBJECT_HEADER_LEN, SETTINGS_CANNOT_PERSIST,
    SIG_AES_CMAC, SIG_HMAC_SHA256, VERSION,
};

/// The content key object (`0x000A`), still wrapped.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ContentKeyObject<'a> {
    pub(super) kid: &'a [u8; 16],
    pub(super) key_type: KeyType,
    pub(super) encrypted: &'a [u8; 128],
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
    pub(super) iv: &'a [u8; 16],
    pub(super) wrapped: &'a [u8],
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

/// A license whose structure has been checked. Nothing in it is authenticated: use [`verify`](super::verify).
#[derive(Clone, Copy)]
pub struct ParsedLicense<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) signed_len: usize,
    pub(super) rights_id: &'a [u8; 16],
    pub(super) settings: u16,
    pub(super) issue_date: Option<u32>,
    pub(super) expiration: Option<(u32, u32)>,
    pub(super) expiration_after_first_use: Option<u32>,
    pub(super) removal_date: Option<u32>,
    pub(super) min_security_level: u16,
    pub(super) has_playback_policy: bool,
    pub(super) output_protection: Option<[u16; 5]>,
    pub(super) content_key: ContentKeyObject<'a>,
    pub(super) device_key: &'a [u8; 64],
    pub(super) key_exchange_policy: Option<KeyExchangePolicy>,
    pub(super) key_exchange_key: Option<KeyExchangeKeyObject<'a>>,
    pub(super) signature_type: u16,
    pub(super) signature: &'a [u8],
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
pub(super) struct Object<'a> {
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
pub(super) struct Objects<'a>(Reader<'a>);

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
pub(super) const fn home(ty: u16) -> Option<(u16, bool)> {
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
pub(super) fn once<T>(slot: &mut Option<T>, value: T) -> Result<()> {
    wire::once(slot, value, Error::Malformed)
}

/// Everything collected while walking the objects.
#[derive(Default)]
pub(super) struct Collected<'a> {
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

pub(super) fn parse_content_key(p: &[u8]) -> Result<ContentKeyObject<'_>> {
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

pub(super) fn parse_device_key(p: &[u8]) -> Result<&[u8; 64]> {
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

pub(super) fn parse_kx_policy(p: &[u8]) -> Result<KeyExchangePolicy> {
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

pub(super) fn parse_kx_key(p: &[u8]) -> Result<(&[u8; 16], KeyExchangeKeyObject<'_>)> {
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

pub(super) fn parse_signature(p: &[u8]) -> Result<(u16, &[u8])> {
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
