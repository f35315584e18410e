//! The server-side XMR license builder (PROTOCOL §2 and `docs/KEY-EXCHANGE-FORMAT.md`).
//!
//! A license is written as:
//!
//! ```text
//! header  "XMR\0" | version 3 | rights_id (LID)
//! 0x0001 outer container (flags 3)
//!   0x0002 global policy container (flags 3)
//!     0x000D settings          u16: 0 persistent, 0x0001 cannot persist
//!     0x0013 issue date        u32            (if set)
//!     0x0012 expiration        begin, end     (if set)
//!     0x0030 expiration after first use  u32 seconds (if set)
//!     0x0034 security level    u16 minimum
//!     0x7E01 key exchange policy (key exchange licenses; format 2: the table of keys)
//!   0x0004 playback policy container (flags 3, content licenses unless turned off)
//!     0x0005 output protection levels 5 × u16
//!   0x0009 key material container (flags 3)
//!     0x000A content key       kid, key_type, cipher_type 3, 128, C1‖C2
//!     0x002A ECC device key    curve 1, 64, X‖Y of the device encryption key
//!     0x7E02 key exchange key  (format 1: unless the algorithm is AES-128-CBC;
//!                               format 2: one per key, in the order of the table)
//!   0x000B signature           type 1, 16, AES-128-CMAC keyed with CI
//! ```
//!
//! Every leaf object has flags 1 (must understand); containers have flags 3. Objects are written
//! in this order; the format does not require an order inside a container except that the
//! signature comes last.

use p256::AffinePoint;

use crate::Id16;
use crate::crypto::{
    KeyPair, PublicKeyBytes, aes_cbc_encrypt_nopad, cmac_aes128, hmac_sha256, point_from_bytes,
    wrap_key,
};
use crate::rng::TestRng;
use crate::wire::{len16, len32, put_u16, put_u32};

/// Object flag: must understand.
pub const FLAG_MUST_UNDERSTAND: u16 = 0x0001;
/// Object flag: container.
pub const FLAG_CONTAINER: u16 = 0x0002;

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
/// Expiration after first use: u32 seconds from the first use (PROTOCOL §2).
pub const OBJ_EXPIRATION_AFTER_FIRST_USE: u16 = 0x0030;
/// ECC device key.
pub const OBJ_ECC_DEVICE_KEY: u16 = 0x002A;
/// Minimum security level.
pub const OBJ_SECURITY_LEVEL: u16 = 0x0034;
/// The project's key exchange policy object (KEY-EXCHANGE-FORMAT §1).
pub const OBJ_KEY_EXCHANGE_POLICY: u16 = 0x7E01;
/// The project's key exchange key object (KEY-EXCHANGE-FORMAT §1).
pub const OBJ_KEY_EXCHANGE_KEY: u16 = 0x7E02;
/// `policy_version` of a format-1 key exchange policy (one key).
pub const KX_POLICY_VERSION: u16 = 1;
/// `policy_version` of a format-2 key exchange policy (a table of keys, KEY-EXCHANGE-FORMAT §2.1).
pub const KX_POLICY_VERSION_MULTI: u16 = 2;
/// Most keys of a format-2 license (KEY-EXCHANGE-FORMAT §2.1).
pub const MAX_KX_KEYS: usize = 8;
/// The object type [`Defect::UnknownObject`] adds: unknown to every reader.
pub const OBJ_UNKNOWN_FOR_TESTS: u16 = 0x00F0;

/// Settings bit: cannot persist.
pub const SETTINGS_CANNOT_PERSIST: u16 = 0x0001;

/// Key type: AES-128-CTR.
pub const KEY_TYPE_AES_CTR: u16 = 1;
/// Key type: AES-128-ECB.
pub const KEY_TYPE_AES_ECB: u16 = 3;
/// Key type: AES-128-CBC.
pub const KEY_TYPE_AES_CBC: u16 = 5;
/// Key type: key exchange.
pub const KEY_TYPE_KEY_EXCHANGE: u16 = 6;
/// Cipher type: ECC-256 ElGamal.
pub const CIPHER_ECC256: u16 = 3;
/// Signature type: AES-128-CMAC.
pub const SIG_AES_CMAC: u16 = 1;
/// Signature type: HMAC-SHA256 (PROTOCOL §3).
pub const SIG_HMAC_SHA256: u16 = 2;

/// Key exchange algorithm (KEY-EXCHANGE-FORMAT §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KxAlgorithm {
    /// AES-128-CBC, no padding, caller IV.
    AesCbc = 1,
    /// HMAC-SHA256.
    HmacSha256 = 2,
    /// ECDSA-P256-SHA256.
    EcdsaP256 = 3,
}

/// Key exchange operation the client may perform (KEY-EXCHANGE-FORMAT §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KxOperation {
    /// Encrypt.
    Encrypt = 1,
    /// Decrypt.
    Decrypt = 2,
    /// Sign.
    Sign = 3,
    /// Verify.
    Verify = 4,
}

/// The key a license carries, as the client will receive it.
#[derive(Clone, PartialEq, Eq)]
pub enum LicenseKey {
    /// A content key (key type 1, 3 or 5).
    Content {
        /// `KEY_TYPE_AES_CTR`, `KEY_TYPE_AES_ECB` or `KEY_TYPE_AES_CBC`.
        key_type: u16,
        /// The 16-byte content key.
        key: [u8; 16],
    },
    /// A key exchange key (key type 6) with its one allowed operation.
    KeyExchange {
        /// The algorithm.
        algorithm: KxAlgorithm,
        /// The one operation the client may perform.
        operation: KxOperation,
        /// The key the client receives: 16 bytes (AES), 32 (HMAC, ECDSA private scalar) or
        /// 64 (ECDSA public `X‖Y`).
        key: Vec<u8>,
    },
    /// A format-2 KeyExchangeLicense (key type 6): several keys, each with its own policy
    /// (KEY-EXCHANGE-FORMAT §2.1). Written as given, in this order (tests give duplicate or
    /// out-of-range indices on purpose).
    KeyExchangeMulti {
        /// The keys: the table entries and their key objects.
        keys: Vec<KxKeySpec>,
    },
}

/// One key of a format-2 KeyExchangeLicense: its table entry and the key its object delivers.
#[derive(Clone, PartialEq, Eq)]
pub struct KxKeySpec {
    /// `key_index` of the table entry.
    pub index: u16,
    /// `key_id` of the entry, and the `kid` of its key object.
    pub id: Id16,
    /// The algorithm.
    pub algorithm: KxAlgorithm,
    /// The one operation the client may perform with this key.
    pub operation: KxOperation,
    /// The key the client receives (16, 32 or 64 bytes).
    pub key: Vec<u8>,
}

impl KxKeySpec {
    /// Key `index`, with key id `id`, for `algorithm` and `operation`, delivering `key`.
    #[must_use]
    pub fn new(
        index: u16,
        id: Id16,
        algorithm: KxAlgorithm,
        operation: KxOperation,
        key: Vec<u8>,
    ) -> Self {
        Self {
            index,
            id,
            algorithm,
            operation,
            key,
        }
    }
}

impl core::fmt::Debug for KxKeySpec {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "KxKeySpec {{ index: {}, {:?}, {:?}, {} bytes }}",
            self.index,
            self.algorithm,
            self.operation,
            self.key.len()
        )
    }
}

impl core::fmt::Debug for LicenseKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Content { key_type, .. } => write!(f, "Content {{ key_type: {key_type} }}"),
            Self::KeyExchange {
                algorithm,
                operation,
                key,
            } => {
                write!(
                    f,
                    "KeyExchange {{ {algorithm:?}, {operation:?}, {} bytes }}",
                    key.len()
                )
            }
            Self::KeyExchangeMulti { keys } => write!(f, "KeyExchangeMulti {keys:?}"),
        }
    }
}

/// A deliberate flaw, for the client's refusal tests.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Defect {
    /// An object of type [`OBJ_UNKNOWN_FOR_TESTS`] in the global policy container, covered by the
    /// signature; with must-understand the license is unusable, without it is skipped.
    UnknownObject {
        /// Set the must-understand flag.
        must_understand: bool,
    },
    /// After signing, XOR `0x01` into the byte at this offset (taken modulo the length).
    TamperByte(usize),
    /// The ECC device key object names another key than the one the content key is wrapped to.
    DeviceKeyMismatch,
    /// The content key object's length claims 4 more bytes than it has: it runs past its parent.
    OverlongObject,
    /// The security level object has a 1-byte payload (too short for its u16).
    ShortObject,
    /// After signing, cut this many bytes off the end.
    Truncate(usize),
    /// After signing, append bytes after the outer container.
    TrailingBytes,
    /// The signature object claims this signature type.
    SignatureType(u16),
    /// A well-formed HMAC-SHA256 signature object (type 2, 32 bytes: HMAC-SHA256 over the signed
    /// bytes keyed with the content integrity key). Which key PlayReady uses for type 2 is not
    /// public (PROTOCOL §3), so the client refuses such a license with its own error.
    HmacSignature,
    /// The content key object claims this cipher type.
    CipherType(u16),
    /// The content key object claims this key type (e.g. a policy object in a non-6 license).
    KeyType(u16),
    /// Key exchange policy object: this `policy_version`.
    PolicyVersion(u16),
    /// Key exchange policy object: this `reserved` value.
    PolicyReserved(u16),
    /// Leave out the key exchange policy object.
    NoPolicy,
    /// Add a key exchange policy object (to a content license).
    AddPolicy(KxAlgorithm, KxOperation),
    /// Leave out the key exchange key object (`0x7E02`).
    NoKeyObject,
    /// Add a second `0x7E02` object (or a first one to an AES-128-CBC license).
    ExtraKeyObject,
    /// The `0x7E02` object names this KID.
    KeyObjectKid(Id16),
    /// Add a playback policy container with output protection levels (to a key exchange license).
    PlaybackContainer,
    /// Format 2: write this `key_count` in the policy table instead of the number of keys.
    TableCount(u16),
    /// Format 2: append this many zero bytes to the policy table (its length no longer matches
    /// its count).
    TableExtraBytes(usize),
    /// Format 2: leave out the key object of the key at this position of the spec (a policy
    /// without a key).
    DropKeyObject(usize),
    /// Format 2: add a key object (32 bytes, wrapped with `CK`) whose `kid` names no entry (a key
    /// without a policy).
    StrayKeyObject(Id16),
    /// Format 2: add a second key object for the key at this position of the spec.
    DuplicateKeyObject(usize),
}

/// Everything that goes into one license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseSpec {
    /// The license id (XMR rights id).
    pub lid: Id16,
    /// The key id.
    pub kid: Id16,
    /// The key and what it is for.
    pub key: LicenseKey,
    /// `(begin, end)` of the expiration object; `None`: no expiration object.
    pub expiration: Option<(u32, u32)>,
    /// Seconds of the expiration-after-first-use object (`0x0030`, PROTOCOL §2); `None`: none.
    pub expiration_after_first_use: Option<u32>,
    /// Issue date; `None`: no issue date object.
    pub issue_date: Option<u32>,
    /// The minimum security level of the client.
    pub min_security_level: u16,
    /// Persistent (settings 0) or not (settings "cannot persist").
    pub persistent: bool,
    /// Write a playback policy container in content licenses.
    pub playback_container: bool,
    /// Deliberate flaws.
    pub defects: Vec<Defect>,
}

impl LicenseSpec {
    /// A persistent, non-expiring content license for `kid`, minimum security level 150.
    #[must_use]
    pub fn content(lid: Id16, kid: Id16, key_type: u16, key: [u8; 16]) -> Self {
        Self {
            lid,
            kid,
            key: LicenseKey::Content { key_type, key },
            expiration: None,
            expiration_after_first_use: None,
            issue_date: None,
            min_security_level: 150,
            persistent: true,
            playback_container: true,
            defects: Vec::new(),
        }
    }

    /// A persistent, non-expiring KeyExchangeLicense for `kid`, minimum security level 150.
    #[must_use]
    pub fn key_exchange(
        lid: Id16,
        kid: Id16,
        algorithm: KxAlgorithm,
        operation: KxOperation,
        key: Vec<u8>,
    ) -> Self {
        Self {
            key: LicenseKey::KeyExchange {
                algorithm,
                operation,
                key,
            },
            playback_container: false,
            ..Self::content(lid, kid, KEY_TYPE_KEY_EXCHANGE, [0; 16])
        }
    }

    /// A persistent, non-expiring format-2 KeyExchangeLicense for `kid` holding `keys`, minimum
    /// security level 150.
    #[must_use]
    pub fn key_exchange_multi(lid: Id16, kid: Id16, keys: Vec<KxKeySpec>) -> Self {
        Self {
            key: LicenseKey::KeyExchangeMulti { keys },
            playback_container: false,
            ..Self::content(lid, kid, KEY_TYPE_KEY_EXCHANGE, [0; 16])
        }
    }

    fn has(&self, wanted: &Defect) -> bool {
        self.defects.contains(wanted)
    }
}

/// A built license and its two keys (for tests that check it by hand).
#[derive(Clone, PartialEq, Eq)]
pub struct BuiltLicense {
    /// The XMR bytes.
    pub bytes: Vec<u8>,
    /// The content-integrity key: the CMAC key.
    pub ci: [u8; 16],
    /// The wrapped 16-byte key: the content key, the AES key exchange key, or the key-wrapping
    /// key of the `0x7E02` objects.
    pub ck: [u8; 16],
}

impl core::fmt::Debug for BuiltLicense {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BuiltLicense")
            .field("len", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

struct Obj {
    flags: u16,
    ty: u16,
    body: Body,
    /// Added to the length field (negative or positive), for malformed licenses.
    len_adjust: i64,
}

enum Body {
    Leaf(Vec<u8>),
    Children(Vec<Obj>),
}

impl Obj {
    fn leaf(ty: u16, payload: Vec<u8>) -> Self {
        Self {
            flags: FLAG_MUST_UNDERSTAND,
            ty,
            body: Body::Leaf(payload),
            len_adjust: 0,
        }
    }

    fn container(ty: u16, children: Vec<Obj>) -> Self {
        Self {
            flags: FLAG_MUST_UNDERSTAND | FLAG_CONTAINER,
            ty,
            body: Body::Children(children),
            len_adjust: 0,
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        let start = out.len();
        put_u16(out, self.flags);
        put_u16(out, self.ty);
        put_u32(out, 0);
        match &self.body {
            Body::Leaf(payload) => out.extend_from_slice(payload),
            Body::Children(children) => children.iter().for_each(|c| c.write(out)),
        }
        let len = i64::from(len32(out.len() - start)) + self.len_adjust;
        let len = u32::try_from(len).unwrap_or(0).to_be_bytes();
        if let Some(field) = out.get_mut(start + 4..start + 8) {
            field.copy_from_slice(&len);
        }
    }
}

fn u16s(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// The key exchange policy to write.
enum Policy {
    /// Format 1: algorithm and operation.
    One(u16, u16),
    /// Format 2: the keys of the table.
    Table(Vec<KxKeySpec>),
}

/// The payload of a format-2 policy object (KEY-EXCHANGE-FORMAT §2.1): version, count, then one
/// 24-byte entry per key (index, algorithm, operation, reserved, key id), with the spec's table
/// defects.
fn policy_table(
    spec: &LicenseSpec,
    keys: &[KxKeySpec],
    version: Option<u16>,
    reserved: u16,
) -> Vec<u8> {
    let count = spec
        .defects
        .iter()
        .find_map(|d| match d {
            Defect::TableCount(c) => Some(*c),
            _ => None,
        })
        .unwrap_or(len16(keys.len()));
    let mut p = u16s(&[version.unwrap_or(KX_POLICY_VERSION_MULTI), count]);
    for k in keys {
        p.extend(u16s(&[
            k.index,
            k.algorithm as u16,
            k.operation as u16,
            reserved,
        ]));
        p.extend_from_slice(&k.id);
    }
    for d in &spec.defects {
        if let Defect::TableExtraBytes(n) = d {
            p.extend(std::iter::repeat_n(0u8, *n));
        }
    }
    p
}

fn kx_key_object(kid: &Id16, ck: &[u8; 16], key: &[u8], rng: &mut TestRng) -> Result<Obj, String> {
    let iv: [u8; 16] = rng.array();
    let wrapped = aes_cbc_encrypt_nopad(ck, &iv, key).ok_or(format!(
        "a {}-byte key is not a whole number of blocks",
        key.len()
    ))?;
    let mut p = Vec::with_capacity(36 + key.len());
    p.extend_from_slice(kid);
    put_u16(&mut p, 1); // AES-128-CBC, no padding, keyed with CK
    put_u16(&mut p, len16(key.len()));
    p.extend_from_slice(&iv);
    p.extend_from_slice(&wrapped);
    Ok(Obj::leaf(OBJ_KEY_EXCHANGE_KEY, p))
}

/// Builds a license bound to the device encryption key `device_key` (`X‖Y`).
///
/// # Errors
/// When `device_key` is not a P-256 point, or a key exchange key has a length that is not a whole
/// number of AES blocks (16 for AES-128-CBC).
pub fn build_license(
    spec: &LicenseSpec,
    device_key: &PublicKeyBytes,
    rng: &mut TestRng,
) -> Result<BuiltLicense, String> {
    let recipient: AffinePoint =
        point_from_bytes(device_key).ok_or("the device key is not a P-256 point")?;

    // The wrapped 16-byte key, the key type, the policy and key objects.
    let mut key_objects = Vec::new();
    let (ck, mut key_type, mut policy) = match &spec.key {
        LicenseKey::Content { key_type, key } => (*key, *key_type, None),
        LicenseKey::KeyExchange {
            algorithm,
            operation,
            key,
        } => {
            let ck: [u8; 16] = if *algorithm == KxAlgorithm::AesCbc {
                key.as_slice()
                    .try_into()
                    .map_err(|_| "an AES-128-CBC key is 16 bytes")?
            } else {
                let ck = rng.array();
                if !spec.has(&Defect::NoKeyObject) {
                    key_objects.push(kx_key_object(&spec.kid, &ck, key, rng)?);
                }
                ck
            };
            (
                ck,
                KEY_TYPE_KEY_EXCHANGE,
                Some(Policy::One(*algorithm as u16, *operation as u16)),
            )
        }
        LicenseKey::KeyExchangeMulti { keys } => {
            // CK only wraps: every key, AES included, has its own key object (§3.2).
            let ck: [u8; 16] = rng.array();
            for (n, k) in keys.iter().enumerate() {
                if !spec.has(&Defect::DropKeyObject(n)) && !spec.has(&Defect::NoKeyObject) {
                    key_objects.push(kx_key_object(&k.id, &ck, &k.key, rng)?);
                }
                if spec.has(&Defect::DuplicateKeyObject(n)) {
                    key_objects.push(kx_key_object(&k.id, &ck, &k.key, rng)?);
                }
            }
            (ck, KEY_TYPE_KEY_EXCHANGE, Some(Policy::Table(keys.clone())))
        }
    };
    let (mut policy_version, mut reserved) = (None, 0u16);
    for defect in &spec.defects {
        match defect {
            Defect::NoPolicy => policy = None,
            Defect::AddPolicy(a, o) => policy = Some(Policy::One(*a as u16, *o as u16)),
            Defect::KeyType(t) => key_type = *t,
            Defect::PolicyVersion(v) => policy_version = Some(*v),
            Defect::StrayKeyObject(id) => {
                let extra: [u8; 32] = rng.array();
                key_objects.push(kx_key_object(id, &ck, &extra, rng)?);
            }
            Defect::PolicyReserved(r) => reserved = *r,
            Defect::ExtraKeyObject => {
                let extra: [u8; 32] = rng.array();
                key_objects.push(kx_key_object(&spec.kid, &ck, &extra, rng)?);
            }
            Defect::KeyObjectKid(kid) => {
                for obj in &mut key_objects {
                    if let Body::Leaf(p) = &mut obj.body
                        && let Some(field) = p.get_mut(..16)
                    {
                        field.copy_from_slice(kid);
                    }
                }
            }
            _ => {}
        }
    }

    // Global policy.
    let mut global = Vec::new();
    let settings = if spec.persistent {
        0
    } else {
        SETTINGS_CANNOT_PERSIST
    };
    global.push(Obj::leaf(OBJ_SETTINGS, settings.to_be_bytes().to_vec()));
    if let Some(date) = spec.issue_date {
        global.push(Obj::leaf(OBJ_ISSUE_DATE, date.to_be_bytes().to_vec()));
    }
    if let Some((begin, end)) = spec.expiration {
        let mut p = begin.to_be_bytes().to_vec();
        p.extend_from_slice(&end.to_be_bytes());
        global.push(Obj::leaf(OBJ_EXPIRATION, p));
    }
    if let Some(seconds) = spec.expiration_after_first_use {
        global.push(Obj::leaf(
            OBJ_EXPIRATION_AFTER_FIRST_USE,
            seconds.to_be_bytes().to_vec(),
        ));
    }
    let level = if spec.has(&Defect::ShortObject) {
        vec![0x01]
    } else {
        spec.min_security_level.to_be_bytes().to_vec()
    };
    global.push(Obj::leaf(OBJ_SECURITY_LEVEL, level));
    match policy {
        Some(Policy::One(algorithm, operation)) => global.push(Obj::leaf(
            OBJ_KEY_EXCHANGE_POLICY,
            u16s(&[
                policy_version.unwrap_or(KX_POLICY_VERSION),
                algorithm,
                operation,
                reserved,
            ]),
        )),
        Some(Policy::Table(keys)) => global.push(Obj::leaf(
            OBJ_KEY_EXCHANGE_POLICY,
            policy_table(spec, &keys, policy_version, reserved),
        )),
        None => {}
    }
    for defect in &spec.defects {
        if let Defect::UnknownObject { must_understand } = defect {
            let mut obj = Obj::leaf(OBJ_UNKNOWN_FOR_TESTS, vec![0xAB; 6]);
            obj.flags = if *must_understand {
                FLAG_MUST_UNDERSTAND
            } else {
                0
            };
            global.push(obj);
        }
    }

    let mut outer = vec![Obj::container(OBJ_GLOBAL_POLICY, global)];
    let is_content = matches!(spec.key, LicenseKey::Content { .. });
    if (is_content && spec.playback_container) || spec.has(&Defect::PlaybackContainer) {
        let opl = Obj::leaf(OBJ_OUTPUT_PROTECTION, u16s(&[100, 250, 150, 100, 100]));
        outer.push(Obj::container(OBJ_PLAYBACK_POLICY, vec![opl]));
    }

    // Key material.
    let (encrypted, ci) = wrap_key(&recipient, &ck, rng);
    let cipher_type = spec
        .defects
        .iter()
        .find_map(|d| {
            if let Defect::CipherType(c) = d {
                Some(*c)
            } else {
                None
            }
        })
        .unwrap_or(CIPHER_ECC256);
    let mut p = spec.kid.to_vec();
    put_u16(&mut p, key_type);
    put_u16(&mut p, cipher_type);
    put_u16(&mut p, len16(encrypted.len()));
    p.extend_from_slice(&encrypted);
    let mut content_key = Obj::leaf(OBJ_CONTENT_KEY, p);
    if spec.has(&Defect::OverlongObject) {
        content_key.len_adjust = 4;
    }
    let named_key = if spec.has(&Defect::DeviceKeyMismatch) {
        KeyPair::generate(rng).public()
    } else {
        *device_key
    };
    let mut p = Vec::with_capacity(68);
    put_u16(&mut p, 1); // P-256
    put_u16(&mut p, 64);
    p.extend_from_slice(&named_key);
    let mut material = vec![content_key, Obj::leaf(OBJ_ECC_DEVICE_KEY, p)];
    material.append(&mut key_objects);
    outer.push(Obj::container(OBJ_KEY_MATERIAL, material));

    // Signature, filled in below.
    let sig_type = spec
        .defects
        .iter()
        .find_map(|d| {
            if let Defect::SignatureType(t) = d {
                Some(*t)
            } else {
                None
            }
        })
        .unwrap_or(SIG_AES_CMAC);
    let hmac = spec.defects.contains(&Defect::HmacSignature);
    let (sig_type, sig_len) = if hmac {
        (SIG_HMAC_SHA256, 32)
    } else {
        (sig_type, 16)
    };
    let mut p = Vec::with_capacity(4 + sig_len);
    put_u16(&mut p, sig_type);
    put_u16(&mut p, sig_len as u16);
    p.extend_from_slice(&vec![0; sig_len]);
    outer.push(Obj::leaf(OBJ_SIGNATURE, p));

    let mut bytes = Vec::with_capacity(512);
    bytes.extend_from_slice(b"XMR\0");
    put_u32(&mut bytes, 3);
    bytes.extend_from_slice(&spec.lid);
    Obj::container(OBJ_OUTER, outer).write(&mut bytes);

    let signed_len = bytes.len().saturating_sub(12 + sig_len);
    let signed = bytes.get(..signed_len).unwrap_or_default();
    let tag = if hmac {
        hmac_sha256(&ci, signed).to_vec()
    } else {
        cmac_aes128(&ci, signed).to_vec()
    };
    if let Some(slot) = bytes.get_mut(signed_len + 12..) {
        slot.copy_from_slice(&tag);
    }

    for defect in &spec.defects {
        match defect {
            Defect::TamperByte(at) => {
                let n = bytes.len();
                if let Some(b) = bytes.get_mut(at % n) {
                    *b ^= 0x01;
                }
            }
            Defect::Truncate(n) => bytes.truncate(bytes.len().saturating_sub(*n)),
            Defect::TrailingBytes => bytes.extend_from_slice(&[0; 8]),
            _ => {}
        }
    }
    Ok(BuiltLicense { bytes, ci, ck })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{aes_cbc_decrypt_nopad, ct_eq};
    use p256::elliptic_curve::point::AffineCoordinates;

    fn be16(b: &[u8], at: usize) -> u16 {
        u16::from_be_bytes(b[at..at + 2].try_into().unwrap())
    }
    fn be32(b: &[u8], at: usize) -> u32 {
        u32::from_be_bytes(b[at..at + 4].try_into().unwrap())
    }
    /// Unwraps `encrypted_key` with the device key: x(C2 − d·C1) = CI‖CK.
    fn unwrap(device: &KeyPair, enc: &[u8]) -> ([u8; 16], [u8; 16]) {
        let x = device.elgamal_decrypt(enc).unwrap().x();
        (x[..16].try_into().unwrap(), x[16..].try_into().unwrap())
    }

    #[test]
    fn content_license_decoded_by_hand() {
        let mut rng = TestRng::from_seed(20);
        let device = KeyPair::generate(&mut rng);
        let mut spec = LicenseSpec::content([0x11; 16], [0x22; 16], KEY_TYPE_AES_CTR, [0x33; 16]);
        spec.expiration = Some((1_000, 2_000));
        spec.issue_date = Some(999);
        spec.min_security_level = 2000;
        let lic = build_license(&spec, &device.public(), &mut rng).unwrap();
        let b = &lic.bytes;
        assert_eq!(b.len(), 384);
        assert_eq!(&b[..8], b"XMR\0\0\0\0\x03");
        assert_eq!(&b[8..24], &[0x11; 16]);
        assert_eq!((be16(b, 24), be16(b, 26), be32(b, 28)), (3, OBJ_OUTER, 360));
        assert_eq!(
            (be16(b, 32), be16(b, 34), be32(b, 36)),
            (3, OBJ_GLOBAL_POLICY, 56)
        );
        assert_eq!(
            (be16(b, 40), be16(b, 42), be32(b, 44), be16(b, 48)),
            (1, OBJ_SETTINGS, 10, 0)
        );
        assert_eq!((be16(b, 52), be32(b, 54)), (OBJ_ISSUE_DATE, 12));
        assert_eq!(be32(b, 58), 999);
        assert_eq!(
            (be16(b, 64), be32(b, 70), be32(b, 74)),
            (OBJ_EXPIRATION, 1_000, 2_000)
        );
        assert_eq!(
            (be16(b, 80), be32(b, 82), be16(b, 86)),
            (OBJ_SECURITY_LEVEL, 10, 2000)
        );
        assert_eq!(
            (be16(b, 88), be16(b, 90), be32(b, 92)),
            (3, OBJ_PLAYBACK_POLICY, 26)
        );
        assert_eq!((be16(b, 98), be32(b, 100)), (OBJ_OUTPUT_PROTECTION, 18));
        assert_eq!(
            (be16(b, 114), be16(b, 116), be32(b, 118)),
            (3, OBJ_KEY_MATERIAL, 242)
        );
        assert_eq!(
            (be16(b, 122), be16(b, 124), be32(b, 126)),
            (1, OBJ_CONTENT_KEY, 158)
        );
        assert_eq!(&b[130..146], &[0x22; 16]);
        assert_eq!(
            (be16(b, 146), be16(b, 148), be16(b, 150)),
            (KEY_TYPE_AES_CTR, CIPHER_ECC256, 128)
        );
        let (ci, ck) = unwrap(&device, &b[152..280]);
        assert_eq!((ci, ck), (lic.ci, [0x33; 16]));
        assert_eq!(
            (be16(b, 282), be32(b, 284), be16(b, 288), be16(b, 290)),
            (OBJ_ECC_DEVICE_KEY, 76, 1, 64)
        );
        assert_eq!(&b[292..356], &device.public());
        assert_eq!(
            (be16(b, 356), be16(b, 358), be32(b, 360)),
            (1, OBJ_SIGNATURE, 28)
        );
        assert_eq!((be16(b, 364), be16(b, 366)), (SIG_AES_CMAC, 16));
        // The CMAC, recomputed over everything before the signature object.
        assert!(ct_eq(&cmac_aes128(&ci, &b[..356]), &b[368..384]));
        // Non-persistent: settings say "cannot persist".
        spec.persistent = false;
        let lic = build_license(&spec, &device.public(), &mut rng).unwrap();
        assert_eq!(be16(&lic.bytes, 48), SETTINGS_CANNOT_PERSIST);
    }

    #[test]
    fn key_exchange_hmac_license_decoded_by_hand() {
        let mut rng = TestRng::from_seed(21);
        let device = KeyPair::generate(&mut rng);
        let key: Vec<u8> = (0..32).collect();
        let spec = LicenseSpec::key_exchange(
            [1; 16],
            [2; 16],
            KxAlgorithm::HmacSha256,
            KxOperation::Sign,
            key.clone(),
        );
        let lic = build_license(&spec, &device.public(), &mut rng).unwrap();
        let b = &lic.bytes;
        assert_eq!(b.len(), 422);
        assert_eq!((be16(b, 34), be32(b, 36)), (OBJ_GLOBAL_POLICY, 44));
        assert_eq!(
            (be16(b, 60), be16(b, 62), be32(b, 64)),
            (1, OBJ_KEY_EXCHANGE_POLICY, 16)
        );
        assert_eq!(
            &b[68..76],
            &[0, 1, 0, 2, 0, 3, 0, 0],
            "version 1, HMAC, sign, reserved 0"
        );
        assert_eq!(
            (be16(b, 76), be16(b, 78), be32(b, 80)),
            (3, OBJ_KEY_MATERIAL, 318)
        );
        assert_eq!(be16(b, 108), KEY_TYPE_KEY_EXCHANGE);
        let (ci, ck) = unwrap(&device, &b[114..242]);
        assert_eq!(ck, lic.ck);
        assert_eq!(
            (be16(b, 318), be16(b, 320), be32(b, 322)),
            (1, OBJ_KEY_EXCHANGE_KEY, 76)
        );
        assert_eq!(&b[326..342], &[2; 16]);
        assert_eq!((be16(b, 342), be16(b, 344)), (1, 32));
        let iv: [u8; 16] = b[346..362].try_into().unwrap();
        assert_eq!(aes_cbc_decrypt_nopad(&ck, &iv, &b[362..394]).unwrap(), key);
        assert_eq!(be16(b, 396), OBJ_SIGNATURE);
        assert!(ct_eq(&cmac_aes128(&ci, &b[..394]), &b[406..422]));
    }

    #[test]
    fn aes_key_exchange_license_has_no_key_object_and_ck_is_the_key() {
        let mut rng = TestRng::from_seed(22);
        let device = KeyPair::generate(&mut rng);
        let spec = LicenseSpec::key_exchange(
            [1; 16],
            [3; 16],
            KxAlgorithm::AesCbc,
            KxOperation::Decrypt,
            vec![0x5A; 16],
        );
        let lic = build_license(&spec, &device.public(), &mut rng).unwrap();
        assert_eq!(lic.ck, [0x5A; 16]);
        assert_eq!(lic.bytes.len(), 422 - 76);
        assert!(
            !lic.bytes
                .windows(2)
                .any(|w| w == OBJ_KEY_EXCHANGE_KEY.to_be_bytes())
        );
        // A 32-byte key is refused for AES-128-CBC.
        let mut bad = spec.clone();
        bad.key = LicenseKey::KeyExchange {
            algorithm: KxAlgorithm::AesCbc,
            operation: KxOperation::Decrypt,
            key: vec![0; 32],
        };
        assert!(build_license(&bad, &device.public(), &mut rng).is_err());
        assert!(
            build_license(&spec, &[0u8; 64], &mut rng).is_err(),
            "device key not a point"
        );
    }

    #[test]
    fn defects_do_what_they_say() {
        let mut rng = TestRng::from_seed(23);
        let device = KeyPair::generate(&mut rng);
        let base = LicenseSpec::content([1; 16], [2; 16], KEY_TYPE_AES_CBC, [3; 16]);
        let with = |d: Defect, rng: &mut TestRng| {
            let mut s = base.clone();
            s.defects.push(d);
            build_license(&s, &device.public(), rng).unwrap()
        };
        let good = build_license(&base, &device.public(), &mut rng).unwrap();
        let n = good.bytes.len();
        let cmac_ok = |l: &BuiltLicense| {
            let len = l.bytes.len();
            ct_eq(
                &cmac_aes128(&l.ci, &l.bytes[..len - 28]),
                &l.bytes[len - 16..],
            )
        };
        assert!(cmac_ok(&good));

        // Unknown object: signed, in the global policy, flags as asked.
        for mu in [true, false] {
            let l = with(
                Defect::UnknownObject {
                    must_understand: mu,
                },
                &mut rng,
            );
            assert_eq!(l.bytes.len(), n + 14);
            assert!(cmac_ok(&l));
            let at = l
                .bytes
                .windows(2)
                .position(|w| w == OBJ_UNKNOWN_FOR_TESTS.to_be_bytes())
                .unwrap();
            assert_eq!(be16(&l.bytes, at - 2), u16::from(mu));
        }
        // Tampered byte: CMAC no longer matches.
        let l = with(Defect::TamperByte(140), &mut rng);
        assert!(!cmac_ok(&l));
        // Device key mismatch: the key still unwraps with the real key, but 0x002A names another.
        let l = with(Defect::DeviceKeyMismatch, &mut rng);
        assert_eq!(unwrap(&device, &l.bytes[124..252]).1, [3; 16]);
        assert_eq!(&good.bytes[264..328], &device.public());
        assert_ne!(&l.bytes[264..328], &device.public());
        assert!(cmac_ok(&l));
        // Overlong: the content key object claims 4 bytes more than it has.
        let l = with(Defect::OverlongObject, &mut rng);
        assert_eq!(be32(&l.bytes, 98), 162);
        assert_eq!(be32(&l.bytes, 90), 242, "its parent's length is unchanged");
        // Short object: the security level payload is 1 byte.
        let l = with(Defect::ShortObject, &mut rng);
        assert_eq!(be32(&l.bytes, 44), 10);
        assert_eq!(
            (be16(&l.bytes, 52), be32(&l.bytes, 54)),
            (OBJ_SECURITY_LEVEL, 9)
        );
        // Truncated and trailing.
        assert_eq!(with(Defect::Truncate(5), &mut rng).bytes.len(), n - 5);
        assert_eq!(with(Defect::TrailingBytes, &mut rng).bytes.len(), n + 8);
        // Type overrides.
        let l = with(Defect::CipherType(2), &mut rng);
        assert_eq!(be16(&l.bytes, 120), 2);
        let l = with(Defect::SignatureType(2), &mut rng);
        assert_eq!(be16(&l.bytes, n - 20), 2);
        // A policy in a content license.
        let l = with(
            Defect::AddPolicy(KxAlgorithm::AesCbc, KxOperation::Encrypt),
            &mut rng,
        );
        assert!(
            l.bytes
                .windows(2)
                .any(|w| w == OBJ_KEY_EXCHANGE_POLICY.to_be_bytes())
        );
    }

    #[test]
    fn key_exchange_defects() {
        let mut rng = TestRng::from_seed(24);
        let device = KeyPair::generate(&mut rng);
        let base = LicenseSpec::key_exchange(
            [1; 16],
            [2; 16],
            KxAlgorithm::EcdsaP256,
            KxOperation::Verify,
            KeyPair::generate(&mut rng).public().to_vec(),
        );
        let good = build_license(&base, &device.public(), &mut rng).unwrap();
        let count = |b: &[u8], ty: u16| {
            // Object headers with flags 1 and this type.
            b.windows(4)
                .filter(|w| *w == [0, 1, (ty >> 8) as u8, ty as u8])
                .count()
        };
        assert_eq!(count(&good.bytes, OBJ_KEY_EXCHANGE_KEY), 1);
        assert_eq!(count(&good.bytes, OBJ_KEY_EXCHANGE_POLICY), 1);
        let with = |d: Defect, rng: &mut TestRng| {
            let mut s = base.clone();
            s.defects.push(d);
            build_license(&s, &device.public(), rng).unwrap().bytes
        };
        assert_eq!(
            count(&with(Defect::NoPolicy, &mut rng), OBJ_KEY_EXCHANGE_POLICY),
            0
        );
        assert_eq!(
            count(&with(Defect::NoKeyObject, &mut rng), OBJ_KEY_EXCHANGE_KEY),
            0
        );
        assert_eq!(
            count(
                &with(Defect::ExtraKeyObject, &mut rng),
                OBJ_KEY_EXCHANGE_KEY
            ),
            2
        );
        assert_eq!(
            count(
                &with(Defect::PlaybackContainer, &mut rng),
                OBJ_OUTPUT_PROTECTION
            ),
            1
        );
        let b = with(Defect::PolicyVersion(2), &mut rng);
        assert_eq!(&b[68..76], &[0, 2, 0, 3, 0, 4, 0, 0]);
        let b = with(Defect::PolicyReserved(9), &mut rng);
        assert_eq!(&b[68..76], &[0, 1, 0, 3, 0, 4, 0, 9]);
        let b = with(Defect::KeyType(5), &mut rng);
        assert_eq!(be16(&b, 108), 5);
        let b = with(Defect::KeyObjectKid([9; 16]), &mut rng);
        assert_eq!(&b[326..342], &[9; 16]);
    }

    #[test]
    fn multi_key_license_decoded_by_hand() {
        let mut rng = TestRng::from_seed(25);
        let device = KeyPair::generate(&mut rng);
        let verify_key = KeyPair::generate(&mut rng).public().to_vec();
        let keys = vec![
            KxKeySpec::new(
                0,
                [0xA0; 16],
                KxAlgorithm::AesCbc,
                KxOperation::Encrypt,
                vec![0x11; 16],
            ),
            KxKeySpec::new(
                1,
                [0xA1; 16],
                KxAlgorithm::HmacSha256,
                KxOperation::Verify,
                vec![0x22; 32],
            ),
            KxKeySpec::new(
                2,
                [0xA2; 16],
                KxAlgorithm::EcdsaP256,
                KxOperation::Verify,
                verify_key,
            ),
        ];
        let spec = LicenseSpec::key_exchange_multi([1; 16], [2; 16], keys.clone());
        let lic = build_license(&spec, &device.public(), &mut rng).unwrap();
        let b = &lic.bytes;
        // Global policy: settings (10), security level (10), the policy table (8 + 4 + 3 × 24).
        assert_eq!(
            (be16(b, 34), be32(b, 36)),
            (OBJ_GLOBAL_POLICY, 8 + 10 + 10 + 84)
        );
        assert_eq!(
            (be16(b, 60), be16(b, 62), be32(b, 64)),
            (1, OBJ_KEY_EXCHANGE_POLICY, 84)
        );
        assert_eq!((be16(b, 68), be16(b, 70)), (2, 3), "version 2, three keys");
        for (n, k) in keys.iter().enumerate() {
            let e = 72 + 24 * n;
            assert_eq!(
                (be16(b, e), be16(b, e + 2), be16(b, e + 4), be16(b, e + 6)),
                (k.index, k.algorithm as u16, k.operation as u16, 0)
            );
            assert_eq!(&b[e + 8..e + 24], &k.id);
        }
        // Key material: content key, device key, then one key object per key, AES included.
        let material = 144;
        assert_eq!((be16(b, material + 2)), OBJ_KEY_MATERIAL);
        let ck_at = material + 8 + 8 + 22;
        assert_eq!(be16(b, material + 8 + 8 + 16), KEY_TYPE_KEY_EXCHANGE);
        let (ci, ck) = unwrap(&device, &b[ck_at..ck_at + 128]);
        assert_eq!(ck, lic.ck);
        let mut at = material + 8 + 158 + 76;
        for k in &keys {
            assert_eq!(
                (be16(b, at), be16(b, at + 2), be32(b, at + 4)),
                (1, OBJ_KEY_EXCHANGE_KEY, len32(44 + k.key.len()))
            );
            assert_eq!(&b[at + 8..at + 24], &k.id);
            assert_eq!(
                (be16(b, at + 24), usize::from(be16(b, at + 26))),
                (1, k.key.len())
            );
            let iv: [u8; 16] = b[at + 28..at + 44].try_into().unwrap();
            let wrapped = &b[at + 44..at + 44 + k.key.len()];
            assert_eq!(aes_cbc_decrypt_nopad(&ck, &iv, wrapped).unwrap(), k.key);
            at += 44 + k.key.len();
        }
        assert_eq!(be16(b, at + 2), OBJ_SIGNATURE);
        assert_eq!(at + 28, b.len());
        assert!(ct_eq(&cmac_aes128(&ci, &b[..at]), &b[at + 12..]));

        // The table defects.
        let with = |d: Defect, rng: &mut TestRng| {
            let mut s = spec.clone();
            s.defects.push(d);
            build_license(&s, &device.public(), rng).unwrap().bytes
        };
        let b = with(Defect::TableCount(9), &mut rng);
        assert_eq!((be32(&b, 64), be16(&b, 70)), (84, 9));
        let b = with(Defect::TableExtraBytes(3), &mut rng);
        assert_eq!((be32(&b, 64), be16(&b, 70)), (87, 3));
        let objects = |b: &[u8]| b.windows(4).filter(|w| *w == [0, 1, 0x7E, 0x02]).count();
        assert_eq!(objects(&lic.bytes), 3);
        assert_eq!(objects(&with(Defect::DropKeyObject(1), &mut rng)), 2);
        assert_eq!(objects(&with(Defect::DuplicateKeyObject(1), &mut rng)), 4);
        let b = with(Defect::StrayKeyObject([0xEE; 16]), &mut rng);
        assert_eq!(objects(&b), 4);
        assert!(b.windows(16).any(|w| w == [0xEE; 16]));
    }
}
