//! The XML-signature and XML-encryption pieces the client's challenges share (PROTOCOL §4, §6):
//! writing `EncryptedData` and `Signature` in canonical form, and checking a server's signed
//! response element.
//!
//! Challenge side:
//! - [`write_challenge_opening`]: the envelope both challenges open with, up to `Challenge`.
//! - [`encrypt_in_place`] then [`write_encrypted_data`]: choose a random point `P`, `IV‖key` is
//!   its x coordinate, the key is ElGamal-encrypted to the server's key, the data is
//!   `IV ‖ AES-128-CBC(key, IV, PKCS#7(plaintext))`.
//! - [`write_signature`] (or its two halves, [`write_signed_info`] and [`write_signature_end`]):
//!   `SignedInfo` (written as an apex, hashed as it is written) with the
//!   seed's method URIs and the digest of the signed element, `SignatureValue` (raw `r‖s` over the
//!   SHA-256 of `SignedInfo`), `KeyInfo` with the signing public key.
//!
//! Response side: [`SignatureFields`] follows a `Signature` element and the element it signs
//! through the one read of a response, then checks them, given the key that must have signed.

use crate::base64;
use crate::crypto::backend::{Algorithms, Crypto, DEFAULT, Hasher};
use crate::crypto::constant_time_eq;
use crate::error::{Error, Result};
use crate::xml::ns;
use crate::xml::path::{Field, Step as PathStep};
use crate::xml::reader::{Event, RawText, Reader};
use crate::xml::writer::{Attr, ByteSource, FromIter, Name, Step, Unsized, WriterRef};
use rand_core::TryCryptoRng;

/// `CanonicalizationMethod` algorithm (the seed's example).
pub const ALG_C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
/// `SignatureMethod` algorithm: ECDSA-P256-SHA256, raw `r‖s`.
pub const ALG_ECDSA_SHA256: &str =
    "http://schemas.microsoft.com/DRM/2007/03/protocols#ecdsa-sha256";
/// `DigestMethod` algorithm: SHA-256.
pub const ALG_SHA256: &str = "http://schemas.microsoft.com/DRM/2007/03/protocols#sha256";
/// `EncryptedData` `EncryptionMethod`: AES-128-CBC.
pub const ALG_AES128_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
/// `EncryptedKey` `EncryptionMethod`: ElGamal on P-256.
pub const ALG_ECC256: &str = "http://schemas.microsoft.com/DRM/2007/03/protocols#ecc256";
/// `EncryptedData` `Type`.
pub const TYPE_ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";
/// The `KeyName` of the server key.
pub const KEY_NAME: &str = "WMRMServer";
/// The `Id` of the signed element, which the `Reference` names as `#SignedData`.
pub const SIGNED_ID: &str = "SignedData";

/// The production `WMRMServer` public key `X‖Y` (PROTOCOL §4). Challenges are encrypted to a key
/// the caller chooses; this is the one for the real service.
pub const WMRM_SERVER_PUBLIC_KEY: [u8; 64] = [
    0xc8, 0xb6, 0xaf, 0x16, 0xee, 0x94, 0x1a, 0xad, 0xaa, 0x53, 0x89, 0xb4, 0xaf, 0x2c, 0x10, 0xe3,
    0x56, 0xbe, 0x42, 0xaf, 0x17, 0x5e, 0xf3, 0xfa, 0xce, 0x93, 0x25, 0x4e, 0x7b, 0x0b, 0x3d, 0x9b,
    0x98, 0x2b, 0x27, 0xb5, 0xcb, 0x23, 0x41, 0x32, 0x6e, 0x56, 0xaa, 0x85, 0x7d, 0xbf, 0xd5, 0xc6,
    0x34, 0xce, 0x2c, 0xf9, 0xea, 0x74, 0xfc, 0xa8, 0xf2, 0xaf, 0x59, 0x57, 0xef, 0xee, 0xa5, 0x62,
];

/// The result of [`encrypt_in_place`]: the wrapped key and the IV; the ciphertext is in the
/// caller's buffer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Encrypted {
    /// ElGamal encryption of the point to the server key (`C1‖C2`).
    pub wrapped_key: [u8; 128],
    /// The IV, first half of the point's x coordinate (public: it is sent).
    pub iv: [u8; 16],
    /// Length of the ciphertext (the padded plaintext).
    pub len: usize,
}

impl core::fmt::Debug for Encrypted {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Encrypted").field("len", &self.len).finish()
    }
}

/// Length of the ciphertext for a plaintext of `len` bytes (PKCS#7 always pads, 1 to 16 bytes).
#[must_use]
pub const fn padded_len(len: usize) -> usize {
    (len / 16 + 1) * 16
}

/// Encrypts `buf[..len]` in place for `server_key` (PROTOCOL §4): a random point's x coordinate
/// gives `IV ‖ key`; the buffer needs room for the padding ([`padded_len`]).
///
/// # Errors
/// [`Error::InvalidArgument`] if `server_key` is not a P-256 point or `len > buf.len()`;
/// [`Error::BufferTooSmall`]; [`Error::Rng`].
pub fn encrypt_in_place<X: Crypto, R: TryCryptoRng + ?Sized>(
    crypto: &X,
    buf: &mut [u8],
    len: usize,
    server_key: &[u8; 64],
    rng: &mut R,
) -> Result<Encrypted> {
    if !crypto.is_valid_public_key(server_key) {
        return Err(Error::InvalidArgument);
    }
    let (x, wrapped_key) = crypto.elgamal_encrypt_random_point(server_key, rng)?;
    let (iv_key, key) = x.split_aes128();
    let iv = *iv_key.expose_secret();
    let len = crypto.aes128_cbc_encrypt_pkcs7(&key, &iv, buf, len)?;
    Ok(Encrypted {
        wrapped_key,
        iv,
        len,
    })
}

/// Writes `EncryptedData` (PROTOCOL §4, the seed's structure) with the wrapped key and the data
/// `IV ‖ ciphertext` given as bytes (so a counting pass can give placeholders of the same
/// length).
///
/// # Errors
/// The writer's errors.
pub fn write_encrypted_data<'s, I: IntoIterator<Item = u8>, H: Hasher>(
    w: &mut WriterRef<'_, 's, H>,
    wrapped_key: &[u8; 128],
    iv_and_ciphertext: I,
) -> Result<()> {
    write_encrypted_data_from(w, wrapped_key, &mut FromIter(iv_and_ciphertext.into_iter()))
}

/// [`write_encrypted_data`] with `IV ‖ ciphertext` from a [`ByteSource`] (a cipher that hands
/// out whole blocks).
///
/// # Errors
/// The writer's and the source's errors.
pub fn write_encrypted_data_from<'s, B: ByteSource + ?Sized, H: Hasher>(
    w: &mut WriterRef<'_, 's, H>,
    wrapped_key: &[u8; 128],
    iv_and_ciphertext: &mut B,
) -> Result<()> {
    encrypted_data(w, wrapped_key, &mut Unsized(iv_and_ciphertext))
}

/// [`write_encrypted_data_from`] through `&mut dyn`: one copy for every source (the counting
/// pass's placeholders and the cipher).
#[inline(never)]
fn encrypted_data<'s, H: Hasher>(
    w: &mut WriterRef<'_, 's, H>,
    wrapped_key: &[u8; 128],
    iv_and_ciphertext: &mut dyn ByteSource,
) -> Result<()> {
    w.steps(&ENCRYPTED_KEY)?;
    w.base64(wrapped_key.iter().copied())?;
    w.steps(&CIPHER_DATA)?;
    w.base64_from(iv_and_ciphertext)?;
    w.steps(&[Step::close(3)])
}

const fn e(local: &'static str) -> Step<'static> {
    Step::start(ns::XMLENC, local, &[])
}

const fn d(local: &'static str) -> Step<'static> {
    Step::start(ns::DSIG, local, &[])
}

/// `EncryptedData` up to the wrapped key's `CipherValue`.
static ENCRYPTED_KEY: [Step<'static>; 10] = [
    Step::start(
        ns::XMLENC,
        "EncryptedData",
        &[Attr::new("Type", TYPE_ELEMENT)],
    ),
    Step::empty(
        ns::XMLENC,
        "EncryptionMethod",
        &[Attr::new("Algorithm", ALG_AES128_CBC)],
    ),
    d("KeyInfo"),
    e("EncryptedKey"),
    Step::empty(
        ns::XMLENC,
        "EncryptionMethod",
        &[Attr::new("Algorithm", ALG_ECC256)],
    ),
    d("KeyInfo"),
    d("KeyName"),
    Step::text(KEY_NAME),
    e("CipherData").after(2),
    e("CipherValue"),
];

/// From the end of the wrapped key to the data's `CipherValue`.
static CIPHER_DATA: [Step<'static>; 2] = [
    // CipherValue, CipherData, EncryptedKey, KeyInfo.
    e("CipherData").after(4),
    e("CipherValue"),
];

/// Writes the `Signature` element over a signed element whose SHA-256 (of its canonical bytes)
/// is `digest`: `sign` receives the SHA-256 of the canonical `SignedInfo` and returns the raw
/// `r‖s` ECDSA-P256 signature (a device identity's `sign_digest`).
///
/// The opening both challenges share (PROTOCOL §4, §6): the XML declaration, then
/// `soap:Envelope` (declaring `xsi` and `xsd`) / `soap:Body` / `{protocols}operation` /
/// `challenge` / `{messages}Challenge`, left open for the signed element. Five elements to close.
///
/// # Errors
/// The writer's errors.
pub fn write_challenge_opening<'s, H: Hasher>(
    w: &mut WriterRef<'_, 's, H>,
    operation: &'s str,
) -> Result<()> {
    w.declaration()?;
    w.start_declaring(
        Name::prefixed("soap", ns::SOAP, "Envelope"),
        &[],
        &[("xsi", ns::XSI), ("xsd", ns::XSD)],
    )?;
    w.start(Name::prefixed("soap", ns::SOAP, "Body"), &[])?;
    w.start(Name::new(ns::PROTOCOLS, operation), &[])?;
    w.steps(&[
        Step::start(ns::PROTOCOLS, "challenge", &[]),
        Step::start(ns::MESSAGES, "Challenge", &[]),
    ])
}

/// The same as [`write_signed_info`], `sign`, then [`write_signature_end`]. A caller short of
/// stack calls those itself, to sign outside the frame that writes (the Secure Delete challenge
/// does).
///
/// # Errors
/// The writer's errors; `sign`'s error.
pub fn write_signature<'s, H: Hasher>(
    w: &mut WriterRef<'_, 's, H>,
    hasher: H,
    digest: &[u8; 32],
    signing_public_key: &[u8; 64],
    sign: &mut dyn FnMut(&[u8; 32]) -> Result<[u8; 64]>,
) -> Result<()> {
    let info_digest = write_signed_info(w, hasher, digest)?;
    let signature = sign(&info_digest)?;
    write_signature_end(w, &signature, signing_public_key)
}

/// The first half of [`write_signature`]: opens `Signature` and writes `SignedInfo` (an apex,
/// hashed as it is written) over the signed element's `digest`. Returns the SHA-256 of the
/// canonical `SignedInfo`, the digest to sign; `hasher` is a fresh SHA-256 to compute it with.
///
/// # Errors
/// The writer's errors.
pub fn write_signed_info<'s, H: Hasher>(
    w: &mut WriterRef<'_, 's, H>,
    hasher: H,
    digest: &[u8; 32],
) -> Result<[u8; 32]> {
    w.steps(&[d("Signature")])?;
    w.begin_digest_with(hasher)?;
    w.steps(&SIGNED_INFO)?;
    w.base64(digest.iter().copied())?;
    w.steps(&[Step::close(3)])?;
    w.end_digest()
}

/// `SignedInfo` up to `DigestValue`.
static SIGNED_INFO: [Step<'static>; 6] = [
    Step::apex(ns::DSIG, "SignedInfo", &[]),
    Step::empty(
        ns::DSIG,
        "CanonicalizationMethod",
        &[Attr::new("Algorithm", ALG_C14N)],
    ),
    Step::empty(
        ns::DSIG,
        "SignatureMethod",
        &[Attr::new("Algorithm", ALG_ECDSA_SHA256)],
    ),
    Step::start(ns::DSIG, "Reference", &[Attr::new("URI", "#SignedData")]),
    Step::empty(
        ns::DSIG,
        "DigestMethod",
        &[Attr::new("Algorithm", ALG_SHA256)],
    ),
    d("DigestValue"),
];

/// The second half of [`write_signature`]: `SignatureValue` (the raw `r‖s` `signature` of the
/// digest [`write_signed_info`] returned), `KeyInfo` with the signing public key, and the end of
/// `Signature`.
///
/// # Errors
/// The writer's errors.
pub fn write_signature_end<'s, H: Hasher>(
    w: &mut WriterRef<'_, 's, H>,
    signature: &[u8; 64],
    signing_public_key: &[u8; 64],
) -> Result<()> {
    w.steps(&[d("SignatureValue")])?;
    w.base64(signature.iter().copied())?;
    w.steps(&KEY_INFO)?;
    w.base64(signing_public_key.iter().copied())?;
    // PublicKey, ECCKeyValue, KeyValue, KeyInfo, Signature.
    w.steps(&[Step::close(5)])
}

/// After `SignatureValue`'s text, up to `PublicKey`. The seed's example declares the namespace
/// on `KeyInfo` again; an apex does that.
static KEY_INFO: [Step<'static>; 4] = [
    Step::apex(ns::DSIG, "KeyInfo", &[]).after(1),
    d("KeyValue"),
    d("ECCKeyValue"),
    d("PublicKey"),
];

/// The paths of a `Signature` element's parts, below the response-specific path of the
/// `Signature` element (build them with the crate's path constants).
pub struct SignaturePaths<'p> {
    /// `Signature/SignedInfo`.
    pub signed_info: &'p [PathStep<'p>],
    /// `Signature/SignedInfo/CanonicalizationMethod`.
    pub c14n: &'p [PathStep<'p>],
    /// `Signature/SignedInfo/SignatureMethod`.
    pub method: &'p [PathStep<'p>],
    /// `Signature/SignedInfo/Reference`.
    pub reference: &'p [PathStep<'p>],
    /// `Signature/SignedInfo/Reference/DigestMethod`.
    pub digest_method: &'p [PathStep<'p>],
    /// `Signature/SignedInfo/Reference/DigestValue`.
    pub digest: &'p [PathStep<'p>],
    /// `Signature/SignatureValue`.
    pub value: &'p [PathStep<'p>],
}

/// A response's `Signature` element and the element it signs, followed through the one read of
/// the response ([`Self::event`] for every event), then checked with [`Self::parts`] and
/// [`SignedParts::verify`].
pub struct SignatureFields<'p, 'a> {
    signed: Field<'p, 'a>,
    signed_info: Field<'p, 'a>,
    c14n: Field<'p, 'a>,
    method: Field<'p, 'a>,
    reference: Field<'p, 'a>,
    digest_method: Field<'p, 'a>,
    digest: Field<'p, 'a>,
    value: Field<'p, 'a>,
}

impl<'p, 'a> SignatureFields<'p, 'a> {
    /// Follows the element at `signed` (its `Id` recorded) and the signature at `paths`.
    #[must_use]
    pub const fn new(signed: &'p [PathStep<'p>], paths: &SignaturePaths<'p>) -> Self {
        Self {
            signed: Field::with_attribute(signed, ("", "Id")),
            signed_info: Field::new(paths.signed_info),
            c14n: Field::with_attribute(paths.c14n, ("", "Algorithm")),
            method: Field::with_attribute(paths.method, ("", "Algorithm")),
            reference: Field::with_attribute(paths.reference, ("", "URI")),
            digest_method: Field::with_attribute(paths.digest_method, ("", "Algorithm")),
            digest: Field::new(paths.digest),
            value: Field::new(paths.value),
        }
    }

    /// Follows one event of `reader`.
    pub fn event<const D: usize, const A: usize, const NS: usize>(
        &mut self,
        event: &Event<'a>,
        reader: &Reader<'a, D, A, NS>,
    ) {
        for field in [
            &mut self.signed,
            &mut self.signed_info,
            &mut self.c14n,
            &mut self.method,
            &mut self.reference,
            &mut self.digest_method,
            &mut self.digest,
            &mut self.value,
        ] {
            field.event(event, reader);
        }
    }

    /// The signature's parts (PROTOCOL §6) in `input`, the document read, checked for structure:
    /// every element named below must be the only one at its path (so nothing outside what was
    /// hashed can be read later); the signed element has `Id="SignedData"`; the `Signature` has
    /// the seed's method URIs and a `Reference` to `#SignedData`. [`SignedParts::verify`] checks
    /// the digest and the signature.
    ///
    /// # Errors
    /// [`Error::XmlMalformed`] for a missing or different structure.
    pub fn parts(&self, input: &'a [u8]) -> Result<SignedParts<'a>> {
        let signed = self.signed.only()?;
        expect_attr(signed.attribute(), SIGNED_ID)?;
        let signed = signed.bytes(input).ok_or(Error::XmlMalformed)?;
        expect_attr(self.c14n.only()?.attribute(), ALG_C14N)?;
        expect_attr(self.method.only()?.attribute(), ALG_ECDSA_SHA256)?;
        expect_attr(self.reference.only()?.attribute(), "#SignedData")?;
        expect_attr(self.digest_method.only()?.attribute(), ALG_SHA256)?;
        let digest = leaf_base64(&self.digest)?;
        let value = leaf_base64(&self.value)?;
        let info = self
            .signed_info
            .only()?
            .bytes(input)
            .ok_or(Error::XmlMalformed)?;
        Ok(SignedParts {
            signed,
            info,
            digest,
            value,
        })
    }
}

/// What a response's signature covers and says, as [`SignatureFields::parts`] found it.
pub struct SignedParts<'a> {
    signed: &'a [u8],
    info: &'a [u8],
    digest: [u8; 32],
    value: [u8; 64],
}

impl SignedParts<'_> {
    /// Checks that `DigestValue` is the SHA-256 of the signed element's bytes as they stand in
    /// the document and that `SignatureValue` verifies over the bytes of `SignedInfo` with
    /// `public_key`.
    ///
    /// The bytes are hashed as they stand: a server must send both elements in canonical form
    /// (as this kit's challenges do), which is what an exclusive canonicalisation of them gives.
    /// Never inlined: its frame (and the verification's) is not live beside the reading's.
    ///
    /// # Errors
    /// [`Error::VerificationFailed`] when the digest or the signature does not verify.
    pub fn verify(&self, public_key: &[u8; 64]) -> Result<()> {
        self.verify_with(&DEFAULT, public_key)
    }

    /// [`Self::verify`] computing with `crypto`.
    ///
    /// # Errors
    /// [`Error::VerificationFailed`] when the digest or the signature does not verify.
    #[inline(never)]
    pub fn verify_with<X: Crypto>(&self, crypto: &X, public_key: &[u8; 64]) -> Result<()> {
        if !constant_time_eq(&self.digest, &crypto.sha256(self.signed)) {
            return Err(Error::VerificationFailed);
        }
        crypto.ecdsa_p256_verify(public_key, self.info, &self.value)
    }
}

/// The text of the only element of `field`, trimmed of XML whitespace, borrowed from the
/// document. Base64 and numbers never need references, so text with references is
/// [`Error::XmlMalformed`], as is a missing or repeated element.
pub(crate) fn leaf_text<'a>(field: &Field<'_, 'a>) -> Result<&'a str> {
    field.only()?.plain_text()
}

/// The base64 text of the only element of `field`, exactly `N` bytes.
pub(crate) fn leaf_base64<const N: usize>(field: &Field<'_, '_>) -> Result<[u8; N]> {
    base64::decode_array(leaf_text(field)?.as_bytes()).map_err(|_| Error::XmlMalformed)
}

fn expect_attr(found: Option<RawText<'_>>, value: &str) -> Result<()> {
    if found.is_some_and(|v| v.eq_str(value)) {
        Ok(())
    } else {
        Err(Error::XmlMalformed)
    }
}
