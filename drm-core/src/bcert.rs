//! BCert device certificate chains (`PROTOCOL.md` §3): a zero-copy parser, verification to a
//! configurable root, and key lookup by usage.
//!
//! [`CertificateChain::parse`] checks structure only. [`CertificateChain::verify`] checks every
//! signature, the links between certificates, the public key digests, security levels and,
//! optionally, expiry, and returns a [`VerifiedChain`], the only place the leaf's keys should be
//! trusted from.
//!
//! Errors: [`Error::InvalidCertificate`] for any structural or verification failure,
//! [`Error::UnknownMustUnderstand`] for an unknown attribute marked must-understand,
//! [`Error::KeyNotFound`] when a certificate has no key of the usage asked for.

use core::fmt;

use crate::crypto::backend::{Algorithms, Crypto, DEFAULT};
use crate::error::{Error, Result};
use crate::wire::{self, Reader, exact};

/// `"CHAI"`, the first four bytes of a chain.
pub const CHAIN_MAGIC: [u8; 4] = *b"CHAI";
/// `"CERT"`, the first four bytes of a certificate.
pub const CERT_MAGIC: [u8; 4] = *b"CERT";
/// Length of the chain header.
pub const CHAIN_HEADER_LEN: usize = 20;
/// Length of the certificate header.
pub const CERT_HEADER_LEN: usize = 16;
/// At most this many certificates in a chain.
pub const MAX_CHAIN_CERTS: usize = 6;
/// The chain version this parser reads.
pub const CHAIN_VERSION: u32 = 1;
/// The certificate version this parser reads.
pub const CERT_VERSION: u32 = 1;

/// Attribute flag: must understand.
pub const ATTR_MUST_UNDERSTAND: u16 = 0x0001;
/// Attribute flag: container.
pub const ATTR_CONTAINER: u16 = 0x0002;

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

/// Certificate type: device.
pub const CERT_TYPE_DEVICE: u32 = 2;
/// Certificate type: issuer.
pub const CERT_TYPE_ISSUER: u32 = 4;

/// Key usage: sign (a device's challenge signing key).
pub const USAGE_SIGN: u32 = 1;
/// Key usage: encrypt key (a device's license encryption key).
pub const USAGE_ENCRYPT_KEY: u32 = 2;
/// Key usage: issuer, all kinds.
pub const USAGE_ISSUER_ALL: u32 = 4;
/// Key usage: issuer of device certificates.
pub const USAGE_ISSUER_DEVICE: u32 = 5;
/// Key usage: issuer of PlayReady-certificate signers.
pub const USAGE_ISSUER_SIGNER: u32 = 6;
/// Key usage: sign response (a license server's response signing key).
pub const USAGE_SIGN_RESPONSE: u32 = 0x14;

/// A certificate `expiration` of this value means "never".
pub const NO_EXPIRATION: u32 = u32::MAX;

/// Length of the signature attribute, header included.
const SIGNATURE_ATTR_LEN: usize = 144;
/// Key type of a key entry: ECC-256.
const KEY_TYPE_ECC256: u16 = 1;
/// Length in bits of an ECC-256 key (`X ‖ Y`) and of the issuer key.
const KEY_BITS: u16 = 512;
/// Signature type: ECDSA-P256-SHA256.
const SIG_TYPE_ECDSA_P256: u16 = 1;
/// At most this many keys in a key attribute, and usages per key (a sanity bound).
const MAX_KEYS: u32 = 16;

/// One key of a certificate's key attribute.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CertKey<'a> {
    public: &'a [u8; 64],
    flags: u32,
    usages: &'a [u8],
}

impl<'a> CertKey<'a> {
    /// The public key `X ‖ Y`.
    #[must_use]
    pub const fn public_key(&self) -> &'a [u8; 64] {
        self.public
    }

    /// The key's flags field.
    #[must_use]
    pub const fn flags(&self) -> u32 {
        self.flags
    }

    /// The usages (`USAGE_*`).
    pub fn usages(&self) -> impl Iterator<Item = u32> + 'a {
        self.usages
            .chunks_exact(4)
            .filter_map(|c| c.try_into().ok().map(u32::from_be_bytes))
    }

    /// True when the key lists `usage`.
    #[must_use]
    pub fn has_usage(&self, usage: u32) -> bool {
        self.usages().any(|u| u == usage)
    }
}

impl fmt::Debug for CertKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut usages = [0u32; 4];
        let n = usages
            .iter_mut()
            .zip(self.usages())
            .map(|(s, u)| *s = u)
            .count();
        f.debug_struct("CertKey")
            .field("usages", &usages.get(..n).unwrap_or_default())
            .finish_non_exhaustive()
    }
}

/// The keys of a certificate, in order. Iterates over a key attribute checked by the parser.
#[derive(Clone, Copy, Debug)]
pub struct CertKeys<'a> {
    rest: Reader<'a>,
    left: u32,
}

impl<'a> Iterator for CertKeys<'a> {
    type Item = CertKey<'a>;

    fn next(&mut self) -> Option<CertKey<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        read_key(&mut self.rest).ok()
    }
}

/// Reads one key entry: `type`, `length` (bits), `flags`, `X ‖ Y`, `usage_count`, usages.
fn read_key<'a>(r: &mut Reader<'a>) -> Result<CertKey<'a>> {
    if r.u16()? != KEY_TYPE_ECC256 || r.u16()? != KEY_BITS {
        return Err(Error::InvalidCertificate);
    }
    let flags = r.u32()?;
    let public = r.array::<64>()?;
    let count = r.u32()?;
    if count > MAX_KEYS {
        return Err(Error::InvalidCertificate);
    }
    let len = usize::try_from(count)
        .ok()
        .and_then(|n| n.checked_mul(4))
        .ok_or(Error::InvalidCertificate)?;
    let usages = r.take(len)?;
    Ok(CertKey {
        public,
        flags,
        usages,
    })
}

/// One certificate of a chain, structure checked, signature not yet verified.
#[derive(Clone, Copy)]
pub struct Certificate<'a> {
    bytes: &'a [u8],
    signed_len: usize,
    /// Offset of the basic attribute's payload.
    basic_at: usize,
    /// Offset and length of the key attribute's payload.
    keys_at: usize,
    keys_len: usize,
}

impl fmt::Debug for Certificate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("cert_id", self.cert_id())
            .field("cert_type", &self.cert_type())
            .field("security_level", &self.security_level())
            .field("expiration", &self.expiration())
            .field("keys", &self.keys().count())
            .finish_non_exhaustive()
    }
}

/// Offsets of the basic attribute's fields in its payload.
const BASIC_SECURITY_LEVEL: usize = 16;
const BASIC_FLAGS: usize = 20;
const BASIC_CERT_TYPE: usize = 24;
const BASIC_DIGEST: usize = 28;
const BASIC_EXPIRATION: usize = 60;
const BASIC_CLIENT_ID: usize = 64;
/// Length of the basic attribute's payload.
const BASIC_LEN: usize = 80;
/// Offsets of `r ‖ s` and of the issuer key from the start of the signature attribute.
const SIGNATURE_AT: usize = 12;
const ISSUER_KEY_AT: usize = 80;

/// Returned by accessors only if a parsed certificate were shorter than its parser checked,
/// which cannot happen; it keeps the accessors free of panics.
static ZEROS: [u8; 64] = [0; 64];

fn parse_keys(p: &[u8]) -> Result<u32> {
    exact(p, Error::InvalidCertificate, |r| {
        let count = r.u32()?;
        if count == 0 || count > MAX_KEYS {
            return Err(Error::InvalidCertificate);
        }
        for _ in 0..count {
            read_key(r)?;
        }
        Ok(count)
    })
}

fn parse_signature(p: &[u8]) -> Result<(&[u8; 64], &[u8; 64])> {
    exact(p, Error::InvalidCertificate, |r| {
        if r.u16()? != SIG_TYPE_ECDSA_P256 || r.u16()? != 64 {
            return Err(Error::InvalidCertificate);
        }
        let signature = r.array::<64>()?;
        if r.u32()? != u32::from(KEY_BITS) {
            return Err(Error::InvalidCertificate);
        }
        Ok((signature, r.array::<64>()?))
    })
}

/// Stores `value` in an empty slot; a second occurrence is [`Error::InvalidCertificate`].
fn once<T>(slot: &mut Option<T>, value: T) -> Result<()> {
    wire::once(slot, value, Error::InvalidCertificate)
}

impl<'a> Certificate<'a> {
    /// Parses the certificate at the start of `bytes`; returns it and the bytes after it.
    ///
    /// # Errors
    /// [`Error::InvalidCertificate`] for a structural problem, [`Error::UnknownMustUnderstand`]
    /// for an unknown must-understand attribute.
    pub fn parse(bytes: &'a [u8]) -> Result<(Self, &'a [u8])> {
        let bad = Error::InvalidCertificate;
        let mut r = Reader::new(bytes, bad);
        if *r.array::<4>()? != CERT_MAGIC || r.u32()? != CERT_VERSION {
            return Err(bad);
        }
        let total = usize::try_from(r.u32()?).map_err(|_| bad)?;
        let signed_len = usize::try_from(r.u32()?).map_err(|_| bad)?;
        if signed_len < CERT_HEADER_LEN || signed_len.checked_add(SIGNATURE_ATTR_LEN) != Some(total)
        {
            return Err(bad);
        }
        let (cert, rest) = bytes.split_at_checked(total).ok_or(bad)?;
        let attributes = cert.get(CERT_HEADER_LEN..).ok_or(bad)?;

        let mut basic = None;
        let mut keys = None;
        let mut signature = None;
        let mut r = Reader::new(attributes, bad);
        let mut offset = CERT_HEADER_LEN;
        while !r.is_empty() {
            if signature.is_some() {
                // The signature attribute is the last one.
                return Err(bad);
            }
            let flags = r.u16()?;
            let tag = r.u16()?;
            let len = usize::try_from(r.u32()?).map_err(|_| bad)?;
            let payload = r.take(len.checked_sub(8).ok_or(bad)?)?;
            match tag {
                TAG_BASIC => {
                    if payload.len() != BASIC_LEN {
                        return Err(bad);
                    }
                    once(&mut basic, offset.checked_add(8).ok_or(bad)?)?;
                }
                TAG_KEY => {
                    parse_keys(payload)?;
                    once(
                        &mut keys,
                        (offset.checked_add(8).ok_or(bad)?, payload.len()),
                    )?;
                }
                TAG_SIGNATURE => {
                    // Outside the signed bytes: its flags are fixed so that no byte of a
                    // certificate can change without the certificate being refused.
                    if offset != signed_len
                        || len != SIGNATURE_ATTR_LEN
                        || flags != ATTR_MUST_UNDERSTAND
                    {
                        return Err(bad);
                    }
                    parse_signature(payload)?;
                    once(&mut signature, ())?;
                }
                TAG_DEVICE | TAG_FEATURE | TAG_MANUFACTURER => {}
                _ if flags & ATTR_MUST_UNDERSTAND != 0 => {
                    return Err(Error::UnknownMustUnderstand);
                }
                _ => {}
            }
            offset = offset.checked_add(len).ok_or(bad)?;
        }
        let basic_at = basic.ok_or(bad)?;
        let (keys_at, keys_len) = keys.ok_or(bad)?;
        signature.ok_or(bad)?;
        let cert = Self {
            bytes: cert,
            signed_len,
            basic_at,
            keys_at,
            keys_len,
        };
        Ok((cert, rest))
    }

    /// `N` bytes at `at` (checked by the parser).
    fn array<const N: usize>(&self, at: usize) -> &'a [u8; N] {
        self.bytes
            .get(at..)
            .and_then(<[u8]>::first_chunk::<N>)
            .or_else(|| ZEROS.first_chunk::<N>())
            .unwrap_or(&[0; N])
    }

    /// A big-endian `u32` at `at` (checked by the parser).
    fn u32_at(&self, at: usize) -> u32 {
        u32::from_be_bytes(*self.array::<4>(at))
    }

    /// The certificate's bytes.
    #[must_use]
    pub const fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The bytes the signature covers: the first `signed_length` bytes.
    #[must_use]
    pub fn signed_bytes(&self) -> &'a [u8] {
        self.bytes.get(..self.signed_len).unwrap_or_default()
    }

    /// `cert_id`.
    #[must_use]
    pub fn cert_id(&self) -> &'a [u8; 16] {
        self.array(self.basic_at)
    }

    /// Security level: 150, 2000 or 3000.
    #[must_use]
    pub fn security_level(&self) -> u32 {
        self.u32_at(self.basic_at + BASIC_SECURITY_LEVEL)
    }

    /// The basic attribute's flags.
    #[must_use]
    pub fn flags(&self) -> u32 {
        self.u32_at(self.basic_at + BASIC_FLAGS)
    }

    /// Certificate type (`CERT_TYPE_*`).
    #[must_use]
    pub fn cert_type(&self) -> u32 {
        self.u32_at(self.basic_at + BASIC_CERT_TYPE)
    }

    /// SHA-256 of the certificate's first public key.
    #[must_use]
    pub fn public_key_digest(&self) -> &'a [u8; 32] {
        self.array(self.basic_at + BASIC_DIGEST)
    }

    /// Expiration, seconds since 1970; [`NO_EXPIRATION`] for none.
    #[must_use]
    pub fn expiration(&self) -> u32 {
        self.u32_at(self.basic_at + BASIC_EXPIRATION)
    }

    /// `client_id`.
    #[must_use]
    pub fn client_id(&self) -> &'a [u8; 16] {
        self.array(self.basic_at + BASIC_CLIENT_ID)
    }

    /// The keys of the key attribute, in order.
    #[must_use]
    pub fn keys(&self) -> CertKeys<'a> {
        // Skip the count; the parser checked the entries.
        let end = self.keys_at.saturating_add(self.keys_len);
        let keys = self.bytes.get(self.keys_at..end).unwrap_or_default();
        let mut rest = Reader::new(keys, Error::InvalidCertificate);
        let left = rest.u32().unwrap_or(0);
        CertKeys { rest, left }
    }

    /// The first key that lists `usage`.
    ///
    /// # Errors
    /// [`Error::KeyNotFound`] when no key lists it.
    pub fn key_for_usage(&self, usage: u32) -> Result<&'a [u8; 64]> {
        self.keys()
            .find(|k| k.has_usage(usage))
            .map(|k| k.public)
            .ok_or(Error::KeyNotFound)
    }

    /// The signing key (usage 1).
    ///
    /// # Errors
    /// [`Error::KeyNotFound`].
    pub fn signing_key(&self) -> Result<&'a [u8; 64]> {
        self.key_for_usage(USAGE_SIGN)
    }

    /// The encryption key (usage 2).
    ///
    /// # Errors
    /// [`Error::KeyNotFound`].
    pub fn encryption_key(&self) -> Result<&'a [u8; 64]> {
        self.key_for_usage(USAGE_ENCRYPT_KEY)
    }

    /// The ECDSA signature `r ‖ s` of the signature attribute.
    #[must_use]
    pub fn signature(&self) -> &'a [u8; 64] {
        self.array(self.signed_len + SIGNATURE_AT)
    }

    /// The issuer's public key named by the signature attribute.
    #[must_use]
    pub fn issuer_key(&self) -> &'a [u8; 64] {
        self.array(self.signed_len + ISSUER_KEY_AT)
    }

    /// Checks the signature with the issuer key the certificate names, and that the public key
    /// digest is the SHA-256 of the first key. Not inlined: the P-256 verification's stack frame
    /// then exists only while it runs (Cortex-M0 boards have a few KiB of stack).
    #[inline(never)]
    fn check_signature_and_digest<X: Crypto>(&self, crypto: &X) -> Result<()> {
        let bad = Error::InvalidCertificate;
        crypto
            .ecdsa_p256_verify(self.issuer_key(), self.signed_bytes(), self.signature())
            .map_err(|_| bad)?;
        let first = self.keys().next().ok_or(bad)?;
        if crypto.sha256(first.public) != *self.public_key_digest() {
            return Err(bad);
        }
        Ok(())
    }

    /// True when some key lists an issuer usage (4, 5 or 6) and is `key`.
    fn issues_with(&self, key: &[u8; 64]) -> bool {
        self.keys().any(|k| {
            k.public == key
                && k.usages().any(|u| {
                    matches!(
                        u,
                        USAGE_ISSUER_ALL | USAGE_ISSUER_DEVICE | USAGE_ISSUER_SIGNER
                    )
                })
        })
    }
}

/// A parsed chain, leaf first. Nothing in it is trusted yet: use [`CertificateChain::verify`].
#[derive(Clone, Debug)]
pub struct CertificateChain<'a> {
    bytes: &'a [u8],
    version: u32,
    flags: u32,
    certs: heapless::Vec<Certificate<'a>, MAX_CHAIN_CERTS>,
}

impl<'a> CertificateChain<'a> {
    /// Parses a chain: the header, then exactly `count` certificates (1 to 6) and nothing after.
    ///
    /// # Errors
    /// [`Error::InvalidCertificate`] for a structural problem, [`Error::UnknownMustUnderstand`]
    /// for an unknown must-understand attribute.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let bad = Error::InvalidCertificate;
        let mut r = Reader::new(bytes, bad);
        if *r.array::<4>()? != CHAIN_MAGIC {
            return Err(bad);
        }
        let version = r.u32()?;
        if version != CHAIN_VERSION {
            return Err(bad);
        }
        let total = usize::try_from(r.u32()?).map_err(|_| bad)?;
        let flags = r.u32()?;
        let count = usize::try_from(r.u32()?).map_err(|_| bad)?;
        if total != bytes.len() || count == 0 || count > MAX_CHAIN_CERTS {
            return Err(bad);
        }
        let mut certs = heapless::Vec::new();
        let mut rest = r.rest();
        for _ in 0..count {
            let (cert, after) = Certificate::parse(rest)?;
            certs.push(cert).map_err(|_| Error::LogicBug)?;
            rest = after;
        }
        if !rest.is_empty() {
            return Err(bad);
        }
        Ok(Self {
            bytes,
            version,
            flags,
            certs,
        })
    }

    /// The chain's bytes.
    #[must_use]
    pub const fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Header `version`.
    #[must_use]
    pub const fn version(&self) -> u32 {
        self.version
    }

    /// Header `flags`.
    #[must_use]
    pub const fn flags(&self) -> u32 {
        self.flags
    }

    /// The certificates, leaf first.
    #[must_use]
    pub fn certificates(&self) -> &[Certificate<'a>] {
        &self.certs
    }

    /// The leaf certificate.
    ///
    /// # Errors
    /// [`Error::LogicBug`] never in practice: a parsed chain has at least one certificate.
    pub fn leaf(&self) -> Result<&Certificate<'a>> {
        self.certs.first().ok_or(Error::LogicBug)
    }

    /// Verifies the chain to `root` (`X ‖ Y`): every certificate's signature verifies with the
    /// issuer key its signature attribute names, over its signed bytes; each certificate's
    /// `public_key_digest` is the SHA-256 of its first key; the next certificate up is of issuer
    /// type, lists that issuer key with an issuer usage and has a security level at least the
    /// one below; the top certificate's issuer key is `root`. With `now` (seconds since 1970),
    /// a certificate whose expiration is at or before `now` is refused as well.
    ///
    /// # Errors
    /// [`Error::InvalidCertificate`].
    pub fn verify(self, root: &[u8; 64], now: Option<u64>) -> Result<VerifiedChain<'a>> {
        self.verify_with(&DEFAULT, root, now)
    }

    /// [`Self::verify`] computing with `crypto`.
    ///
    /// # Errors
    /// [`Error::InvalidCertificate`].
    pub fn verify_with<X: Crypto>(
        self,
        crypto: &X,
        root: &[u8; 64],
        now: Option<u64>,
    ) -> Result<VerifiedChain<'a>> {
        self.check(crypto, root, now)?;
        Ok(VerifiedChain(self))
    }

    /// The checks of [`CertificateChain::verify`]. Not inlined, and by reference: on a
    /// Cortex-M0 with a few KiB of stack, no copy of the chain may sit under the P-256 frames.
    #[inline(never)]
    fn check<X: Crypto>(&self, crypto: &X, root: &[u8; 64], now: Option<u64>) -> Result<()> {
        let bad = Error::InvalidCertificate;
        for (i, cert) in self.certs.iter().enumerate() {
            cert.check_signature_and_digest(crypto)?;
            if let Some(now) = now
                && cert.expiration() != NO_EXPIRATION
                && now >= u64::from(cert.expiration())
            {
                return Err(bad);
            }
            match self.certs.get(i.saturating_add(1)) {
                Some(up) => {
                    if up.cert_type() != CERT_TYPE_ISSUER
                        || !up.issues_with(cert.issuer_key())
                        || up.security_level() < cert.security_level()
                    {
                        return Err(bad);
                    }
                }
                None => {
                    if cert.issuer_key() != root {
                        return Err(bad);
                    }
                }
            }
        }
        Ok(())
    }
}

/// A chain verified to a trusted root. Made only by [`CertificateChain::verify`].
#[derive(Clone, Debug)]
pub struct VerifiedChain<'a>(CertificateChain<'a>);

impl<'a> VerifiedChain<'a> {
    /// The chain.
    #[must_use]
    pub const fn chain(&self) -> &CertificateChain<'a> {
        &self.0
    }

    /// The leaf certificate.
    ///
    /// # Errors
    /// [`Error::LogicBug`] never in practice: a verified chain has at least one certificate.
    pub fn leaf(&self) -> Result<&Certificate<'a>> {
        self.0.leaf()
    }

    /// The leaf's first key of `usage`.
    ///
    /// # Errors
    /// [`Error::KeyNotFound`].
    pub fn leaf_key(&self, usage: u32) -> Result<&'a [u8; 64]> {
        self.leaf()?.key_for_usage(usage)
    }

    /// The leaf's security level.
    ///
    /// # Errors
    /// [`Error::LogicBug`] never in practice.
    pub fn security_level(&self) -> Result<u32> {
        Ok(self.leaf()?.security_level())
    }
}
