//! The provisioning authority: a test root, an issuer, BCert device and server chains
//! (PROTOCOL §3), and a chain parser and verifier for the servers' own needs.
//!
//! Layout written here (all integers big-endian):
//!
//! - chain: `"CHAI"`, `version` (1), `total_length` (with the 20-byte header), `flags` (0),
//!   `count`, then the certificates, leaf first;
//! - certificate: `"CERT"`, `version` (1), `total_length`, `signed_length`, then the attributes
//!   basic (tag 1), key (tag 6), any extra attributes, and last the 144-byte signature attribute
//!   (tag 8), which starts at `signed_length`;
//! - the signature is ECDSA-P256-SHA256 (raw `r‖s`) over the first `signed_length` bytes of the
//!   certificate, by the issuer's key, which the attribute also carries.

use crate::Id16;
use crate::crypto::{KeyPair, PublicKeyBytes, ecdsa_verify, sha256};
use crate::rng::TestRng;
use crate::wire::{Reader, len32, put_u16, put_u32};

/// Key usage: sign (a device's challenge signing key).
pub const USAGE_SIGN: u32 = 1;
/// Key usage: encrypt key (a device's license encryption key).
pub const USAGE_ENCRYPT_KEY: u32 = 2;
/// Key usage: issuer, all kinds (the test issuer's key).
pub const USAGE_ISSUER_ALL: u32 = 4;
/// Key usage: sign response (a license server's response signing key).
pub const USAGE_SIGN_RESPONSE: u32 = 0x14;

/// Certificate type: device.
pub const CERT_TYPE_DEVICE: u32 = 2;
/// Certificate type: issuer.
pub const CERT_TYPE_ISSUER: u32 = 4;
/// Certificate type of the server leaf. PROTOCOL names only 2 and 4; 11 ("server" in public
/// readers of the format) is the project's choice.
pub const CERT_TYPE_SERVER: u32 = 11;

/// Attribute tag: basic information.
pub const TAG_BASIC: u16 = 1;
/// Attribute tag: device information.
pub const TAG_DEVICE: u16 = 4;
/// Attribute tag: features.
pub const TAG_FEATURE: u16 = 5;
/// Attribute tag: keys.
pub const TAG_KEY: u16 = 6;
/// Attribute tag: manufacturer.
pub const TAG_MANUFACTURER: u16 = 7;
/// Attribute tag: signature.
pub const TAG_SIGNATURE: u16 = 8;

/// Attribute flag: must understand.
pub const ATTR_MUST_UNDERSTAND: u16 = 1;

/// Security level 150: test and development.
pub const SL_150: u32 = 150;
/// Security level 2000: hardened software.
pub const SL_2000: u32 = 2000;
/// Security level 3000: hardware TEE.
pub const SL_3000: u32 = 3000;

/// At most this many certificates in a chain (PROTOCOL §3).
pub const MAX_CHAIN_CERTS: usize = 6;

const SIGNATURE_ATTR_LEN: usize = 144;
const BASIC_ATTR_LEN: usize = 88;

/// One key of a certificate's key attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertKey {
    /// `X‖Y`.
    pub public: PublicKeyBytes,
    /// The key's flags field.
    pub flags: u32,
    /// The usages (`USAGE_*`).
    pub usages: Vec<u32>,
}

/// An attribute written as given, for certificates with extra or odd content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAttribute {
    /// `ATTR_MUST_UNDERSTAND` and/or 2 (container).
    pub flags: u16,
    /// The tag.
    pub tag: u16,
    /// The payload, without the 8-byte header.
    pub payload: Vec<u8>,
}

/// Everything that goes into one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSpec {
    /// `cert_id`.
    pub cert_id: Id16,
    /// `security_level`.
    pub security_level: u32,
    /// Basic `flags`.
    pub flags: u32,
    /// `cert_type` (`CERT_TYPE_*`).
    pub cert_type: u32,
    /// `expiration` (`0xFFFFFFFF`: none).
    pub expiration: u32,
    /// `client_id`.
    pub client_id: Id16,
    /// The keys; the first one's SHA-256 is the basic attribute's `public_key_digest`.
    pub keys: Vec<CertKey>,
    /// Attributes written after the key attribute, before the signature.
    pub extra_attributes: Vec<RawAttribute>,
}

fn put_attr(out: &mut Vec<u8>, flags: u16, tag: u16, payload: &[u8]) {
    put_u16(out, flags);
    put_u16(out, tag);
    put_u32(out, len32(payload.len() + 8));
    out.extend_from_slice(payload);
}

/// Builds one certificate and signs it with `issuer`.
#[must_use]
pub fn build_cert(spec: &CertSpec, issuer: &KeyPair) -> Vec<u8> {
    let mut attrs = Vec::new();

    let mut basic = Vec::with_capacity(BASIC_ATTR_LEN - 8);
    basic.extend_from_slice(&spec.cert_id);
    put_u32(&mut basic, spec.security_level);
    put_u32(&mut basic, spec.flags);
    put_u32(&mut basic, spec.cert_type);
    let digest = spec
        .keys
        .first()
        .map(|k| sha256(&k.public))
        .unwrap_or_default();
    basic.extend_from_slice(&digest);
    put_u32(&mut basic, spec.expiration);
    basic.extend_from_slice(&spec.client_id);
    put_attr(&mut attrs, ATTR_MUST_UNDERSTAND, TAG_BASIC, &basic);

    let mut keys = Vec::new();
    put_u32(&mut keys, len32(spec.keys.len()));
    for key in &spec.keys {
        put_u16(&mut keys, 1); // ECC-256
        put_u16(&mut keys, 512); // bits
        put_u32(&mut keys, key.flags);
        keys.extend_from_slice(&key.public);
        put_u32(&mut keys, len32(key.usages.len()));
        for usage in &key.usages {
            put_u32(&mut keys, *usage);
        }
    }
    put_attr(&mut attrs, ATTR_MUST_UNDERSTAND, TAG_KEY, &keys);

    for extra in &spec.extra_attributes {
        put_attr(&mut attrs, extra.flags, extra.tag, &extra.payload);
    }

    let signed_length = 16 + attrs.len();
    let total_length = signed_length + SIGNATURE_ATTR_LEN;
    let mut cert = Vec::with_capacity(total_length);
    cert.extend_from_slice(b"CERT");
    put_u32(&mut cert, 1);
    put_u32(&mut cert, len32(total_length));
    put_u32(&mut cert, len32(signed_length));
    cert.extend_from_slice(&attrs);

    let signature = issuer.sign(&cert);
    let mut sig = Vec::with_capacity(SIGNATURE_ATTR_LEN - 8);
    put_u16(&mut sig, 1); // ECDSA-P256-SHA256
    put_u16(&mut sig, 64);
    sig.extend_from_slice(&signature);
    put_u32(&mut sig, 512);
    sig.extend_from_slice(&issuer.public());
    put_attr(&mut cert, ATTR_MUST_UNDERSTAND, TAG_SIGNATURE, &sig);
    cert
}

/// Builds a chain from certificates, leaf first.
#[must_use]
pub fn build_chain(certs: &[&[u8]]) -> Vec<u8> {
    let body: usize = certs.iter().map(|c| c.len()).sum();
    let mut out = Vec::with_capacity(20 + body);
    out.extend_from_slice(b"CHAI");
    put_u32(&mut out, 1);
    put_u32(&mut out, len32(20 + body));
    put_u32(&mut out, 0);
    put_u32(&mut out, len32(certs.len()));
    for cert in certs {
        out.extend_from_slice(cert);
    }
    out
}

/// A provisioned device: its chain and its two private keys, from which the client side builds
/// its software identity. `Debug` prints no private key.
#[derive(Clone)]
pub struct DeviceIdentity {
    /// The BCert chain: device leaf, then the issuer.
    pub chain: Vec<u8>,
    /// The leaf's `cert_id`: how the servers know the device.
    pub cert_id: Id16,
    /// The leaf's security level.
    pub security_level: u32,
    /// The signing key (usage 1), signs challenges.
    pub signing: KeyPair,
    /// The encryption key (usage 2), licenses are wrapped to it.
    pub encryption: KeyPair,
}

impl core::fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeviceIdentity")
            .field("cert_id", &crate::crypto::hex(&self.cert_id))
            .field("security_level", &self.security_level)
            .field("chain_len", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl DeviceIdentity {
    /// The signing private scalar, 32 bytes big-endian.
    #[must_use]
    pub fn signing_key_bytes(&self) -> [u8; 32] {
        self.signing.secret_bytes()
    }

    /// The encryption private scalar, 32 bytes big-endian.
    #[must_use]
    pub fn encryption_key_bytes(&self) -> [u8; 32] {
        self.encryption.secret_bytes()
    }
}

/// A provisioned license server: its chain (leaf key of usage 0x14) and the key that signs its
/// responses.
#[derive(Debug, Clone)]
pub struct ServerIdentity {
    /// The BCert chain: server leaf, then the issuer.
    pub chain: Vec<u8>,
    /// The response signing key (usage 0x14).
    pub signing: KeyPair,
}

/// The test provisioning authority: a root key (the trusted root of the tests) and one issuer
/// certificate (type 4) signed by it, which signs device and server leaves.
#[derive(Debug, Clone)]
pub struct Authority {
    root: KeyPair,
    issuer: KeyPair,
    issuer_cert: Vec<u8>,
    rng: TestRng,
}

impl Authority {
    /// A new authority drawing its keys from `rng`.
    pub fn new(mut rng: TestRng) -> Self {
        let root = KeyPair::generate(&mut rng);
        let issuer = KeyPair::generate(&mut rng);
        let spec = CertSpec {
            cert_id: rng.array(),
            security_level: SL_3000,
            flags: 0,
            cert_type: CERT_TYPE_ISSUER,
            expiration: u32::MAX,
            client_id: [0; 16],
            keys: vec![CertKey {
                public: issuer.public(),
                flags: 0,
                usages: vec![USAGE_ISSUER_ALL],
            }],
            extra_attributes: Vec::new(),
        };
        let issuer_cert = build_cert(&spec, &root);
        Self {
            root,
            issuer,
            issuer_cert,
            rng,
        }
    }

    /// A deterministic authority: the same seed gives the same root, issuer and leaves.
    #[must_use]
    pub fn from_seed(seed: u64) -> Self {
        Self::new(TestRng::from_seed(seed))
    }

    /// The trusted root public key `X‖Y` that chains verify to.
    #[must_use]
    pub fn root_public_key(&self) -> PublicKeyBytes {
        self.root.public()
    }

    /// The root key pair (for tests that build odd chains).
    #[must_use]
    pub fn root(&self) -> &KeyPair {
        &self.root
    }

    /// The issuer key pair (for tests that build odd leaves).
    #[must_use]
    pub fn issuer(&self) -> &KeyPair {
        &self.issuer
    }

    /// The issuer certificate (type 4), signed by the root.
    #[must_use]
    pub fn issuer_certificate(&self) -> &[u8] {
        &self.issuer_cert
    }

    /// Signs `leaf` with the issuer key and returns the chain `[leaf, issuer]`.
    #[must_use]
    pub fn chain_for(&self, leaf: &CertSpec) -> Vec<u8> {
        let cert = build_cert(leaf, &self.issuer);
        build_chain(&[&cert, &self.issuer_cert])
    }

    /// Provisions a device at `security_level` (150, 2000 or 3000): a signing key (usage 1) and an
    /// encryption key (usage 2) in a type-2 leaf signed by the issuer.
    pub fn provision_device(&mut self, security_level: u32) -> DeviceIdentity {
        let signing = KeyPair::generate(&mut self.rng);
        let encryption = KeyPair::generate(&mut self.rng);
        let cert_id: Id16 = self.rng.array();
        let spec = CertSpec {
            cert_id,
            security_level,
            flags: 0,
            cert_type: CERT_TYPE_DEVICE,
            expiration: u32::MAX,
            client_id: self.rng.array(),
            keys: vec![
                CertKey {
                    public: signing.public(),
                    flags: 0,
                    usages: vec![USAGE_SIGN],
                },
                CertKey {
                    public: encryption.public(),
                    flags: 0,
                    usages: vec![USAGE_ENCRYPT_KEY],
                },
            ],
            extra_attributes: Vec::new(),
        };
        DeviceIdentity {
            chain: self.chain_for(&spec),
            cert_id,
            security_level,
            signing,
            encryption,
        }
    }

    /// Provisions a license server: a leaf with one key of usage 0x14 (sign response).
    pub fn provision_server(&mut self) -> ServerIdentity {
        let signing = KeyPair::generate(&mut self.rng);
        let spec = CertSpec {
            cert_id: self.rng.array(),
            security_level: SL_3000,
            flags: 0,
            cert_type: CERT_TYPE_SERVER,
            expiration: u32::MAX,
            client_id: [0; 16],
            keys: vec![CertKey {
                public: signing.public(),
                flags: 0,
                usages: vec![USAGE_SIGN_RESPONSE],
            }],
            extra_attributes: Vec::new(),
        };
        ServerIdentity {
            chain: self.chain_for(&spec),
            signing,
        }
    }

    /// The authority's random source (to draw more test material from the same seed).
    pub fn rng(&mut self) -> &mut TestRng {
        &mut self.rng
    }
}

/// A parsed certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCert {
    /// `cert_id`.
    pub cert_id: Id16,
    /// `security_level`.
    pub security_level: u32,
    /// Basic `flags`.
    pub flags: u32,
    /// `cert_type`.
    pub cert_type: u32,
    /// `public_key_digest`.
    pub public_key_digest: [u8; 32],
    /// `expiration`.
    pub expiration: u32,
    /// `client_id`.
    pub client_id: Id16,
    /// The keys of the key attribute.
    pub keys: Vec<CertKey>,
    /// The tags of every attribute, in order.
    pub tags: Vec<u16>,
    /// `signed_length`.
    pub signed_length: usize,
    /// The signature `r‖s`.
    pub signature: [u8; 64],
    /// The issuer key named by the signature attribute.
    pub issuer_key: PublicKeyBytes,
}

impl ParsedCert {
    /// The first key that lists `usage`.
    #[must_use]
    pub fn key_with_usage(&self, usage: u32) -> Option<&PublicKeyBytes> {
        self.keys
            .iter()
            .find(|k| k.usages.contains(&usage))
            .map(|k| &k.public)
    }
}

/// A parsed chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedChain {
    /// Header `version`.
    pub version: u32,
    /// Header `flags`.
    pub flags: u32,
    /// The certificates, leaf first.
    pub certs: Vec<ParsedCert>,
}

/// What a server needs to know of a device, from a verified chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// The leaf's `cert_id`.
    pub cert_id: Id16,
    /// The leaf's security level.
    pub security_level: u32,
    /// The signing key (usage 1).
    pub signing_key: PublicKeyBytes,
    /// The encryption key (usage 2).
    pub encryption_key: PublicKeyBytes,
}

fn err(msg: impl Into<String>) -> String {
    msg.into()
}

/// Parses one certificate at the start of `bytes`; returns it and its length. Structure only: the
/// signature is checked by [`verify_chain`].
///
/// # Errors
/// A description of the first structural problem.
pub fn parse_cert(bytes: &[u8]) -> Result<(ParsedCert, usize), String> {
    let mut r = Reader(bytes);
    if r.take(4) != Some(b"CERT".as_slice()) {
        return Err(err("certificate magic is not CERT"));
    }
    let version = r.u32().ok_or("truncated certificate header")?;
    if version != 1 {
        return Err(format!("certificate version {version}"));
    }
    let total = r.u32().ok_or("truncated certificate header")? as usize;
    let signed = r.u32().ok_or("truncated certificate header")? as usize;
    if total < 16 || total > bytes.len() || signed < 16 || signed + SIGNATURE_ATTR_LEN != total {
        return Err(format!("certificate lengths total={total} signed={signed}"));
    }
    let body = bytes
        .get(16..total)
        .ok_or("certificate runs past the chain")?;

    let mut basic = None;
    let mut keys = None;
    let mut signature = None;
    let mut tags = Vec::new();
    let mut r = Reader(body);
    let mut offset = 16usize;
    while !r.is_empty() {
        let flags = r.u16().ok_or("truncated attribute header")?;
        let tag = r.u16().ok_or("truncated attribute header")?;
        let len = r.u32().ok_or("truncated attribute header")? as usize;
        let payload = len
            .checked_sub(8)
            .and_then(|n| r.take(n))
            .ok_or(format!("attribute {tag} length {len}"))?;
        tags.push(tag);
        match tag {
            TAG_BASIC => basic = Some(parse_basic(payload)?),
            TAG_KEY => keys = Some(parse_keys(payload)?),
            TAG_SIGNATURE => {
                if offset != signed || len != SIGNATURE_ATTR_LEN {
                    return Err(err("signature attribute is not the last 144 bytes"));
                }
                signature = Some(parse_signature(payload)?);
            }
            TAG_DEVICE | TAG_FEATURE | TAG_MANUFACTURER => {}
            _ if flags & ATTR_MUST_UNDERSTAND != 0 => {
                return Err(format!("unknown must-understand attribute {tag}"));
            }
            _ => {}
        }
        offset += len;
    }
    let b = basic.ok_or("no basic attribute")?;
    let keys = keys.ok_or("no key attribute")?;
    let (sig, issuer_key) = signature.ok_or("no signature attribute")?;
    let cert = ParsedCert {
        cert_id: b.cert_id,
        security_level: b.security_level,
        flags: b.flags,
        cert_type: b.cert_type,
        public_key_digest: b.digest,
        expiration: b.expiration,
        client_id: b.client_id,
        keys,
        tags,
        signed_length: signed,
        signature: sig,
        issuer_key,
    };
    Ok((cert, total))
}

struct Basic {
    cert_id: Id16,
    security_level: u32,
    flags: u32,
    cert_type: u32,
    digest: [u8; 32],
    expiration: u32,
    client_id: Id16,
}

fn parse_basic(payload: &[u8]) -> Result<Basic, String> {
    let mut r = Reader(payload);
    let basic = (|| {
        Some(Basic {
            cert_id: r.array()?,
            security_level: r.u32()?,
            flags: r.u32()?,
            cert_type: r.u32()?,
            digest: r.array()?,
            expiration: r.u32()?,
            client_id: r.array()?,
        })
    })()
    .ok_or("truncated basic attribute")?;
    if !r.is_empty() {
        return Err(err("trailing bytes in basic attribute"));
    }
    Ok(basic)
}

fn parse_keys(payload: &[u8]) -> Result<Vec<CertKey>, String> {
    let mut r = Reader(payload);
    let count = r.u32().ok_or("truncated key attribute")?;
    if count == 0 || count > 16 {
        return Err(format!("key count {count}"));
    }
    let mut keys = Vec::new();
    for _ in 0..count {
        let key_type = r.u16().ok_or("truncated key")?;
        let bits = r.u16().ok_or("truncated key")?;
        if key_type != 1 || bits != 512 {
            return Err(format!("key type {key_type} of {bits} bits"));
        }
        let flags = r.u32().ok_or("truncated key")?;
        let public: PublicKeyBytes = r.array().ok_or("truncated key")?;
        let n = r.u32().ok_or("truncated key")?;
        if n > 16 {
            return Err(format!("usage count {n}"));
        }
        let usages = (0..n)
            .map(|_| r.u32())
            .collect::<Option<Vec<_>>>()
            .ok_or("truncated usages")?;
        keys.push(CertKey {
            public,
            flags,
            usages,
        });
    }
    if !r.is_empty() {
        return Err(err("trailing bytes in key attribute"));
    }
    Ok(keys)
}

fn parse_signature(payload: &[u8]) -> Result<([u8; 64], PublicKeyBytes), String> {
    let mut r = Reader(payload);
    let sig_type = r.u16().ok_or("truncated signature")?;
    let size = r.u16().ok_or("truncated signature")?;
    if sig_type != 1 || size != 64 {
        return Err(format!("signature type {sig_type} size {size}"));
    }
    let sig = r.array::<64>().ok_or("truncated signature")?;
    let bits = r.u32().ok_or("truncated signature")?;
    if bits != 512 {
        return Err(format!("issuer key of {bits} bits"));
    }
    let key = r.array::<64>().ok_or("truncated signature")?;
    Ok((sig, key))
}

/// Parses a chain (structure only).
///
/// # Errors
/// A description of the first structural problem.
pub fn parse_chain(bytes: &[u8]) -> Result<ParsedChain, String> {
    let mut r = Reader(bytes);
    if r.take(4) != Some(b"CHAI".as_slice()) {
        return Err(err("chain magic is not CHAI"));
    }
    let (Some(version), Some(total), Some(flags), Some(count)) =
        (r.u32(), r.u32(), r.u32(), r.u32())
    else {
        return Err(err("truncated chain header"));
    };
    if total as usize != bytes.len() {
        return Err(format!(
            "chain total_length {total} for {} bytes",
            bytes.len()
        ));
    }
    if count == 0 || count as usize > MAX_CHAIN_CERTS {
        return Err(format!("chain of {count} certificates"));
    }
    let mut certs = Vec::new();
    let mut rest = r.rest();
    for _ in 0..count {
        let (cert, len) = parse_cert(rest)?;
        certs.push(cert);
        rest = rest.get(len..).ok_or("certificate runs past the chain")?;
    }
    if !rest.is_empty() {
        return Err(err("trailing bytes after the last certificate"));
    }
    Ok(ParsedChain {
        version,
        flags,
        certs,
    })
}

/// Parses a chain and verifies it to `root` (PROTOCOL §3): each certificate's signature verifies
/// with the issuer key its signature attribute names, over its first `signed_length` bytes; the
/// next certificate up is of issuer type and lists that key; the top certificate's issuer key is
/// `root`; each `public_key_digest` is the SHA-256 of the certificate's first key.
///
/// # Errors
/// A description of the first problem.
pub fn verify_chain(bytes: &[u8], root: &PublicKeyBytes) -> Result<ParsedChain, String> {
    let chain = parse_chain(bytes)?;
    let mut rest = bytes.get(20..).ok_or("truncated chain")?;
    for (i, cert) in chain.certs.iter().enumerate() {
        let total = rest.get(8..12).and_then(|b| <[u8; 4]>::try_from(b).ok());
        let total = total
            .map(u32::from_be_bytes)
            .ok_or("truncated certificate")? as usize;
        let raw = rest.get(..total).ok_or("truncated certificate")?;
        rest = rest.get(total..).ok_or("truncated certificate")?;
        let signed = raw
            .get(..cert.signed_length)
            .ok_or("truncated certificate")?;
        if !ecdsa_verify(&cert.issuer_key, signed, &cert.signature) {
            return Err(format!("certificate {i}: signature does not verify"));
        }
        let Some(first) = cert.keys.first() else {
            return Err(format!("certificate {i}: no key"));
        };
        if sha256(&first.public) != cert.public_key_digest {
            return Err(format!("certificate {i}: public key digest mismatch"));
        }
        match chain.certs.get(i + 1) {
            Some(up) => {
                if up.cert_type != CERT_TYPE_ISSUER {
                    return Err(format!("certificate {} is not of issuer type", i + 1));
                }
                if !up.keys.iter().any(|k| k.public == cert.issuer_key) {
                    return Err(format!(
                        "certificate {} does not list its issuer key",
                        i + 1
                    ));
                }
            }
            None => {
                if cert.issuer_key != *root {
                    return Err(err("the top certificate is not issued by the trusted root"));
                }
            }
        }
    }
    Ok(chain)
}

/// Verifies a device chain to `root` and returns what a server needs of its leaf: a type-2
/// certificate with a signing (usage 1) and an encryption (usage 2) key.
///
/// # Errors
/// A description of the first problem.
pub fn verify_device_chain(bytes: &[u8], root: &PublicKeyBytes) -> Result<DeviceInfo, String> {
    let chain = verify_chain(bytes, root)?;
    let leaf = chain.certs.first().ok_or("empty chain")?;
    if leaf.cert_type != CERT_TYPE_DEVICE {
        return Err(format!("leaf is of type {}, not device", leaf.cert_type));
    }
    let signing_key = *leaf
        .key_with_usage(USAGE_SIGN)
        .ok_or("leaf has no signing key")?;
    let encryption_key = *leaf
        .key_with_usage(USAGE_ENCRYPT_KEY)
        .ok_or("leaf has no encryption key")?;
    Ok(DeviceInfo {
        cert_id: leaf.cert_id,
        security_level: leaf.security_level,
        signing_key,
        encryption_key,
    })
}

#[cfg(test)]
mod tests;
