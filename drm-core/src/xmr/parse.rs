//! The zero-copy parser: structure, containment, must-understand and every known object's layout.

use core::fmt;

use crate::error::{Error, Result};
use crate::ids::{Kid, Lid};
use crate::wire::{self, Reader, exact};

use super::policy::{KeyExchangePolicy, KeyRef, KeyType, KxAlgorithm};
use super::{
    CIPHER_ECC256, CURVE_P256, DEVICE_KEY_LEN, ENCRYPTED_KEY_LEN, FLAG_CONTAINER,
    FLAG_MUST_UNDERSTAND, KNOWN_FLAGS, KX_POLICY_VERSION, KX_POLICY_VERSION_MULTI,
    KX_TABLE_ENTRY_LEN, KX_WRAP_AES_CBC, MAGIC, MAX_KX_KEYS, NO_END, OBJ_CONTENT_KEY,
    OBJ_ECC_DEVICE_KEY, OBJ_EXPIRATION, OBJ_EXPIRATION_AFTER_FIRST_USE, OBJ_GLOBAL_POLICY,
    OBJ_ISSUE_DATE, OBJ_KEY_EXCHANGE_KEY, OBJ_KEY_EXCHANGE_POLICY, OBJ_KEY_MATERIAL, OBJ_OUTER,
    OBJ_OUTPUT_PROTECTION, OBJ_PLAYBACK_POLICY, OBJ_REMOVAL_DATE, OBJ_SECURITY_LEVEL, OBJ_SETTINGS,
    OBJ_SIGNATURE, OBJECT_HEADER_LEN, SETTINGS_CANNOT_PERSIST, SIG_AES_CMAC, SIG_HMAC_SHA256,
    VERSION,
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

    /// `AES-128-CBC-Encrypt(CK, iv, key)`: 32 or 64 bytes (16 too in format 2).
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

/// One key of a KeyExchangeLicense as the parser found it, still wrapped: its index, its key id,
/// its policy and its key object (KEY-EXCHANGE-FORMAT §2.1, §3). Made by
/// [`ParsedLicense::kx_key`]; nothing in it is authenticated until the license is verified.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KxKey<'a> {
    pub(super) index: u16,
    pub(super) id: &'a [u8; 16],
    pub(super) policy: KeyExchangePolicy,
    /// `None` only for the AES-128-CBC key of a format-1 license, which is `CK` itself.
    pub(super) object: Option<KeyExchangeKeyObject<'a>>,
}

impl<'a> KxKey<'a> {
    /// The key's index in the policy table (`0` for the key of a format-1 license).
    #[must_use]
    pub const fn index(&self) -> u16 {
        self.index
    }

    /// The key's id (the content key object's KID for the key of a format-1 license).
    #[must_use]
    pub const fn id(&self) -> Kid {
        Kid::from_bytes(*self.id)
    }

    /// The key's one algorithm and operation.
    #[must_use]
    pub const fn policy(&self) -> KeyExchangePolicy {
        self.policy
    }

    /// The key object that delivers the key; `None` for the AES-128-CBC key of a format-1
    /// license (the ElGamal-wrapped `CK` is that key).
    #[must_use]
    pub const fn key_object(&self) -> Option<KeyExchangeKeyObject<'a>> {
        self.object
    }
}

impl fmt::Debug for KxKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KxKey")
            .field("index", &self.index)
            .field("id", &self.id())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// The key exchange part of a parsed license.
#[derive(Clone, Copy)]
pub(super) enum Kx<'a> {
    /// A content license.
    None,
    /// Format 1: one policy, and the key object unless the algorithm is AES-128-CBC.
    One {
        policy: KeyExchangePolicy,
        object: Option<KeyExchangeKeyObject<'a>>,
    },
    /// Format 2: the checked policy table (`count` entries of [`KX_TABLE_ENTRY_LEN`] bytes) and
    /// the key material container's payload, where each entry's key object is.
    Table {
        count: u16,
        entries: &'a [u8],
        material: &'a [u8],
    },
}

/// The policy object as parsed: format 1's one policy, or format 2's table.
#[derive(Clone, Copy)]
pub(super) enum PolicyObject<'a> {
    One(KeyExchangePolicy),
    Table { count: u16, entries: &'a [u8] },
}

/// One entry of a format-2 policy table.
struct Entry<'a> {
    index: u16,
    policy: KeyExchangePolicy,
    id: &'a [u8; 16],
}

/// The entries of a format-2 policy table whose length was checked.
fn entries(table: &[u8]) -> impl Iterator<Item = Result<Entry<'_>>> {
    table.chunks(KX_TABLE_ENTRY_LEN).map(parse_entry)
}

/// The entry of a format-2 table that `key` names, if any.
fn find_entry(table: &[u8], key: KeyRef) -> Result<Option<Entry<'_>>> {
    for entry in entries(table) {
        let entry = entry?;
        if key.names(entry.index, entry.id) {
            return Ok(Some(entry));
        }
    }
    Ok(None)
}

/// Decodes one 24-byte table entry (its index is checked against the count by the caller).
fn parse_entry(p: &[u8]) -> Result<Entry<'_>> {
    exact(p, Error::Malformed, |r| {
        let index = r.u16()?;
        let algorithm = r.u16()?;
        let operation = r.u16()?;
        let reserved = r.u16()?;
        let id = r.array::<16>()?;
        if reserved != 0 {
            return Err(Error::Malformed);
        }
        let policy = KeyExchangePolicy::from_values(algorithm, operation)?;
        Ok(Entry { index, policy, id })
    })
}

/// The key objects (`0x7E02`) of a key material container's payload, parsed: `(kid, object)`.
fn key_objects(
    material: &[u8],
) -> impl Iterator<Item = Result<(&[u8; 16], KeyExchangeKeyObject<'_>)>> {
    Objects::new(material).filter_map(|object| match object {
        Ok(o) if o.ty == OBJ_KEY_EXCHANGE_KEY => Some(parse_kx_key(o.payload)),
        Ok(_) => None,
        Err(e) => Some(Err(e)),
    })
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
    pub(super) kx: Kx<'a>,
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
            .field("kx_format", &self.kx_format())
            .field("kx_key_count", &self.kx_key_count())
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
    /// The key material container's payload (format 2 finds its key objects there).
    material: &'a [u8],
    settings: Option<u16>,
    issue_date: Option<u32>,
    expiration: Option<(u32, u32)>,
    expiration_after_first_use: Option<u32>,
    removal_date: Option<u32>,
    min_security_level: Option<u16>,
    output_protection: Option<[u16; 5]>,
    content_key: Option<ContentKeyObject<'a>>,
    device_key: Option<&'a [u8; 64]>,
    key_exchange_policy: Option<PolicyObject<'a>>,
    /// The KID the first key object names, and the object.
    key_exchange_key: Option<(&'a [u8; 16], KeyExchangeKeyObject<'a>)>,
    /// How many key objects there are (format 1 allows one, format 2 one per table entry).
    key_exchange_keys: usize,
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
                if object.ty == OBJ_KEY_MATERIAL {
                    self.material = object.payload;
                }
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
            OBJ_KEY_EXCHANGE_KEY => {
                let key = parse_kx_key(p)?;
                if self.key_exchange_keys >= MAX_KX_KEYS {
                    // More key objects than any policy can name.
                    return Err(Error::Malformed);
                }
                self.key_exchange_keys = self.key_exchange_keys.saturating_add(1);
                self.key_exchange_key.get_or_insert(key);
                Ok(())
            }
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

pub(super) fn parse_kx_policy(p: &[u8]) -> Result<PolicyObject<'_>> {
    let mut r = Reader::new(p, Error::Malformed);
    match r.u16()? {
        KX_POLICY_VERSION => exact(r.rest(), Error::Malformed, |r| {
            let algorithm = r.u16()?;
            let operation = r.u16()?;
            let reserved = r.u16()?;
            if reserved != 0 {
                return Err(Error::Malformed);
            }
            KeyExchangePolicy::from_values(algorithm, operation).map(PolicyObject::One)
        }),
        KX_POLICY_VERSION_MULTI => parse_kx_table(r.rest()),
        _ => Err(Error::Unsupported),
    }
}

/// The format-2 policy table after its version (KEY-EXCHANGE-FORMAT §2.1): the count, the exact
/// length, then every entry (valid pair, reserved 0, index below the count and not repeated, key
/// id not repeated).
fn parse_kx_table(p: &[u8]) -> Result<PolicyObject<'_>> {
    let mut r = Reader::new(p, Error::Malformed);
    let count = r.u16()?;
    if count == 0 {
        return Err(Error::Malformed);
    }
    if usize::from(count) > MAX_KX_KEYS {
        return Err(Error::Unsupported);
    }
    let table = r.rest();
    if Some(table.len()) != usize::from(count).checked_mul(KX_TABLE_ENTRY_LEN) {
        return Err(Error::Malformed);
    }
    // Indices seen, one bit each (count <= MAX_KX_KEYS <= 16).
    let mut seen = 0u16;
    for (n, entry) in entries(table).enumerate() {
        let entry = entry?;
        let bit = 1u16.checked_shl(u32::from(entry.index)).unwrap_or(0);
        if entry.index >= count || seen & bit != 0 {
            return Err(Error::Malformed);
        }
        seen |= bit;
        // The key id is the last 16 bytes of an entry (already-checked entries: no re-parse).
        if table
            .chunks(KX_TABLE_ENTRY_LEN)
            .take(n)
            .any(|earlier| earlier.get(8..) == Some(entry.id.as_slice()))
        {
            return Err(Error::Malformed);
        }
    }
    Ok(PolicyObject::Table {
        count,
        entries: table,
    })
}

/// Checks the key objects of a format-2 license against its table (KEY-EXCHANGE-FORMAT §3.2):
/// each names an entry (else `Malformed`, a key without a policy), has that entry's key length
/// (`Malformed`) and is that entry's only one (`Malformed`); every entry has one
/// (`RequiredObjectMissing`, a policy without a key).
fn check_kx_table(table: &[u8], count: u16, material: &[u8]) -> Result<()> {
    let mut seen = 0u16;
    for key in key_objects(material) {
        let (kid, object) = key?;
        let entry =
            find_entry(table, KeyRef::Id(Kid::from_bytes(*kid)))?.ok_or(Error::Malformed)?;
        let bit = 1u16
            .checked_shl(u32::from(entry.index))
            .ok_or(Error::LogicBug)?;
        if seen & bit != 0 || object.wrapped.len() != entry.policy.key_len() {
            return Err(Error::Malformed);
        }
        seen |= bit;
    }
    let all = 1u16
        .checked_shl(u32::from(count))
        .and_then(|b| b.checked_sub(1))
        .ok_or(Error::LogicBug)?;
    if seen != all {
        return Err(Error::RequiredObjectMissing);
    }
    Ok(())
}

pub(super) fn parse_kx_key(p: &[u8]) -> Result<(&[u8; 16], KeyExchangeKeyObject<'_>)> {
    exact(p, Error::Malformed, |r| {
        let kid = r.array::<16>()?;
        if r.u16()? != KX_WRAP_AES_CBC {
            return Err(Error::Unsupported);
        }
        let key_len = usize::from(r.u16()?);
        if !matches!(key_len, 16 | 32 | 64) {
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

/// The key object of a format-1 license (KEY-EXCHANGE-FORMAT §3): none for AES-128-CBC, exactly
/// one naming the content key's KID, of the policy's key length, for the other algorithms.
fn format1_key<'a>(
    policy: &KeyExchangePolicy,
    content_key: &ContentKeyObject<'a>,
    c: &Collected<'a>,
) -> Result<Option<KeyExchangeKeyObject<'a>>> {
    if c.key_exchange_keys > 1 {
        return Err(Error::Malformed);
    }
    match (policy.algorithm, c.key_exchange_key) {
        (KxAlgorithm::AesCbc, None) => Ok(None),
        (KxAlgorithm::AesCbc, Some(_)) => Err(Error::Malformed),
        (_, None) => Err(Error::RequiredObjectMissing),
        (_, Some((kid, object))) => {
            if kid != content_key.kid || object.wrapped.len() != policy.key_len() {
                return Err(Error::Malformed);
            }
            Ok(Some(object))
        }
    }
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
        let kx = if content_key.key_type == KeyType::KeyExchange {
            let policy = c.key_exchange_policy.ok_or(missing)?;
            if c.playback.is_some() {
                return Err(Error::Malformed);
            }
            match policy {
                PolicyObject::One(policy) => Kx::One {
                    policy,
                    object: format1_key(&policy, &content_key, &c)?,
                },
                PolicyObject::Table { count, entries } => {
                    check_kx_table(entries, count, c.material)?;
                    Kx::Table {
                        count,
                        entries,
                        material: c.material,
                    }
                }
            }
        } else {
            if c.key_exchange_policy.is_some() || c.key_exchange_key.is_some() {
                return Err(Error::Malformed);
            }
            Kx::None
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
            kx,
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

    /// The key exchange format of a KeyExchangeLicense: `1` (one key) or `2` (a policy table,
    /// KEY-EXCHANGE-FORMAT §2.1); `None` for a content license.
    #[must_use]
    pub const fn kx_format(&self) -> Option<u16> {
        match self.kx {
            Kx::None => None,
            Kx::One { .. } => Some(KX_POLICY_VERSION),
            Kx::Table { .. } => Some(KX_POLICY_VERSION_MULTI),
        }
    }

    /// How many keys the KeyExchangeLicense holds (1 in format 1, up to [`MAX_KX_KEYS`] in
    /// format 2); 0 for a content license.
    #[must_use]
    pub const fn kx_key_count(&self) -> usize {
        match self.kx {
            Kx::None => 0,
            Kx::One { .. } => 1,
            Kx::Table { count, .. } => count as usize,
        }
    }

    /// The key `key` names, still wrapped. Only the key objects are looked at; nothing is
    /// decrypted.
    ///
    /// # Errors
    /// [`Error::LicenseKeyNotFound`] when the license holds no such key (or is a content
    /// license); [`Error::LogicBug`] if the license is not as the parser checked it.
    pub fn kx_key(&self, key: KeyRef) -> Result<KxKey<'a>> {
        match self.kx {
            Kx::None => Err(Error::LicenseKeyNotFound),
            Kx::One { policy, object } => {
                if key.names(0, self.content_key.kid) {
                    Ok(KxKey {
                        index: 0,
                        id: self.content_key.kid,
                        policy,
                        object,
                    })
                } else {
                    Err(Error::LicenseKeyNotFound)
                }
            }
            Kx::Table {
                entries: table,
                material,
                ..
            } => {
                let entry = find_entry(table, key)
                    .map_err(|_| Error::LogicBug)?
                    .ok_or(Error::LicenseKeyNotFound)?;
                let (_, object) = key_objects(material)
                    .find(|k| k.as_ref().is_ok_and(|(kid, _)| *kid == entry.id))
                    .ok_or(Error::LogicBug)?
                    .map_err(|_| Error::LogicBug)?;
                Ok(KxKey {
                    index: entry.index,
                    id: entry.id,
                    policy: entry.policy,
                    object: Some(object),
                })
            }
        }
    }

    /// The keys of the KeyExchangeLicense in index order, still wrapped (none for a content
    /// license).
    pub fn kx_keys(&self) -> impl Iterator<Item = KxKey<'a>> + use<'a> {
        let license = *self;
        (0..self.kx_key_count())
            .filter_map(move |i| license.kx_key(KeyRef::Index(u16::try_from(i).ok()?)).ok())
    }

    /// The policy of the first key (index 0) of a KeyExchangeLicense: the one policy of a
    /// format-1 license. `None` for a content license. See [`kx_key`](Self::kx_key) for the
    /// other keys of a format-2 license.
    #[must_use]
    pub fn key_exchange_policy(&self) -> Option<KeyExchangePolicy> {
        self.kx_key(KeyRef::FIRST).ok().map(|k| k.policy)
    }

    /// The key object of the first key (index 0) of a KeyExchangeLicense; `None` for a content
    /// license and for a format-1 AES-128-CBC license (whose key is `CK` itself).
    #[must_use]
    pub fn key_exchange_key(&self) -> Option<KeyExchangeKeyObject<'a>> {
        self.kx_key(KeyRef::FIRST).ok().and_then(|k| k.object)
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
