//! License acquisition, client side (PROTOCOL §6): the `AcquireLicense` challenge and the
//! processing of the server's response.
//!
//! **Challenge.** [`write_challenge`] writes, into a caller buffer and without allocation:
//!
//! ```text
//! soap:Envelope (xmlns:soap, xmlns:xsd, xmlns:xsi) / soap:Body / AcquireLicense / challenge /
//!   Challenge (messages namespace) /
//!     LA (Id="SignedData", xml:space="preserve"):
//!       Version 1, ContentHeader/WRMHEADER (the KIDs asked for), CLIENTINFO/CLIENTVERSION,
//!       LicenseNonce (16 random bytes), ClientTime, EncryptedData
//!     Signature over LA, signed with the device signing key
//! ```
//!
//! The encrypted `Data` holds the device's certificate chain and the features the client
//! announces (`docs/KEY-EXCHANGE-FORMAT.md` §4). `LA` and `SignedInfo` are written in canonical
//! form and hashed as they are written.
//!
//! Project choices where PROTOCOL is silent: the content header is a `WRMHEADER` version
//! `4.3.0.0` with one `KID VALUE="base64"` per KID and no `ALGID` (optional from 4.3); the
//! client version is [`CLIENT_VERSION`] unless the caller names another.
//!
//! **Response.** [`process_response`] reads the response with the bounded reader. A SOAP fault
//! becomes [`Error::SoapFault`] with its `StatusCode`. Otherwise the server's certificate chain
//! (`SigningCertificateChain`) is verified to the caller's trusted root, the `Signature` over
//! `LicenseResponse` is checked with the chain leaf's sign-response key (usage `0x14`), the
//! `LicenseNonce` must be the challenge's (the kit requires it: without it a recorded response
//! could be replayed), and the licenses are decoded into the caller's buffer and returned as
//! byte slices. They are **not** verified here: each is an XMR license for the caller to verify
//! with the device's keys and store.

use crate::bcert::{CertificateChain, USAGE_SIGN_RESPONSE};
use crate::crypto::Sha256;
use crate::crypto::backend::{Algorithms, Crypto, DEFAULT, Hasher, Sha256Engine};
use crate::error::{Error, Result};
use crate::ids::{Kid, SessionId};
use crate::platform::DeviceIdentity;
use crate::xml::dsig::{self, Encrypted, SignatureFields, SignaturePaths, SignedParts};
use crate::xml::ns;
use crate::xml::path::{self, Each, Field, Step};
use crate::xml::reader::{Event, Limits, Reader};
use crate::xml::writer::{
    Attr, CountingSink, Name, Sink, SliceSink, Step as WStep, Writer, WriterRef,
};
use rand_core::TryCryptoRng;

/// The PlayReady header namespace of `WRMHEADER`.
pub const NS_WRMHEADER: &str = "http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader";
/// The `WRMHEADER` version written.
pub const WRMHEADER_VERSION: &str = "4.3.0.0";
/// The default `CLIENTINFO/CLIENTVERSION`: this kit's version.
pub const CLIENT_VERSION: &str = "0.1.0.0";
/// Most KIDs in one challenge.
pub const MAX_KIDS: usize = 16;
/// Most licenses one response may carry.
pub const MAX_LICENSES: usize = 16;

/// The features a client announces (`docs/KEY-EXCHANGE-FORMAT.md` §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// KeyExchangeLicenses can be used (`KeyExchange`).
    pub key_exchange: bool,
    /// KeyExchangeLicenses of several keys can be used (`KeyExchangeMultiple`, PlayReady 4.6;
    /// format 2 of `docs/KEY-EXCHANGE-FORMAT.md`).
    pub key_exchange_multiple: bool,
    /// Secure Delete is supported (`SecureDelete`).
    pub secure_delete: bool,
}

impl Features {
    /// Everything this kit supports.
    pub const ALL: Features = Features {
        key_exchange: true,
        key_exchange_multiple: true,
        secure_delete: true,
    };

    fn names(self) -> impl Iterator<Item = &'static str> {
        [
            (self.key_exchange, "KeyExchange"),
            (self.key_exchange_multiple, "KeyExchangeMultiple"),
            (self.secure_delete, "SecureDelete"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
    }
}

/// What to ask for.
#[derive(Debug, Clone, Copy)]
pub struct ChallengeParams<'p> {
    /// The KIDs of the content (1 to [`MAX_KIDS`]).
    pub kids: &'p [Kid],
    /// The public key `X‖Y` the data is encrypted to: [`dsig::WMRM_SERVER_PUBLIC_KEY`] for the
    /// real service, a test server's key in tests.
    pub server_key: &'p [u8; 64],
    /// `ClientTime`: the device's time in seconds since 1970 (0 when it does not know).
    pub client_time: u64,
    /// `CLIENTVERSION` ([`CLIENT_VERSION`] by default).
    pub client_version: &'p str,
    /// The features announced.
    pub features: Features,
}

impl<'p> ChallengeParams<'p> {
    /// Parameters with the default client version and every feature.
    #[must_use]
    pub const fn new(kids: &'p [Kid], server_key: &'p [u8; 64], client_time: u64) -> Self {
        Self {
            kids,
            server_key,
            client_time,
            client_version: CLIENT_VERSION,
            features: Features::ALL,
        }
    }
}

/// Buffer sizes [`write_challenge`] needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChallengeSizes {
    /// The work buffer (the encrypted `Data` plaintext and its padding).
    pub work: usize,
    /// The challenge itself.
    pub challenge: usize,
}

/// What the caller keeps between the challenge and the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingAcquisition {
    /// The challenge's `LicenseNonce`, which the response must echo.
    pub nonce: [u8; 16],
}

/// The sizes of the buffers for a challenge with `params` from a device whose certificate chain
/// is `chain_len` bytes long.
///
/// # Errors
/// [`Error::InvalidArgument`] for bad parameters.
pub fn challenge_sizes(params: &ChallengeParams<'_>, chain_len: usize) -> Result<ChallengeSizes> {
    check_params(&DEFAULT, params)?;
    let mut count = CountingSink::new();
    write_document::<Sha256>(&mut count, &mut |w| {
        write_plaintext(
            w,
            &mut core::iter::repeat_n(0u8, chain_len),
            params.features,
        )
    })?;
    let plaintext = count.len();
    let work = dsig::padded_len(plaintext);
    let encrypted = Encrypted {
        wrapped_key: [0; 128],
        iv: [0; 16],
        len: work,
    };
    let mut count = CountingSink::new();
    write_document(&mut count, &mut |w| {
        write_envelope(
            w,
            params,
            &[0; 16],
            &encrypted,
            None,
            &[0; 64],
            &mut |_| Ok([0; 64]),
            &Sha256::new,
        )
    })?;
    Ok(ChallengeSizes {
        work,
        challenge: count.len(),
    })
}

/// Writes an `AcquireLicense` challenge into `out` (see the module documentation), using `work`
/// for the encrypted data. Returns what to keep for the response and the challenge bytes.
///
/// # Errors
/// [`Error::InvalidArgument`] for bad parameters (no KIDs, more than [`MAX_KIDS`], a server key
/// that is not a point, an invalid client version); [`Error::BufferTooSmall`] (see
/// [`challenge_sizes`]); [`Error::Rng`]; the identity's signing error.
pub fn write_challenge<'o, I, R>(
    params: &ChallengeParams<'_>,
    identity: &I,
    rng: &mut R,
    work: &mut [u8],
    out: &'o mut [u8],
) -> Result<(PendingAcquisition, &'o [u8])>
where
    I: DeviceIdentity + ?Sized,
    R: TryCryptoRng + ?Sized,
{
    let mut sink = SliceSink::new(out);
    let pending = write_challenge_to(params, identity, rng, work, &mut sink)?;
    Ok((pending, sink.into_written()))
}

/// [`write_challenge`] streaming the challenge into `sink` instead of a buffer (a file, a
/// socket, a radio): the challenge ([`ChallengeSizes::challenge`] bytes) is never held whole,
/// only `work` ([`ChallengeSizes::work`]) is needed. The bytes are the ones [`write_challenge`]
/// writes. On an error the sink may hold part of a challenge: the caller discards it.
///
/// # Errors
/// As [`write_challenge`]; the sink's errors.
pub fn write_challenge_to<I, R>(
    params: &ChallengeParams<'_>,
    identity: &I,
    rng: &mut R,
    work: &mut [u8],
    sink: &mut dyn Sink,
) -> Result<PendingAcquisition>
where
    I: DeviceIdentity + ?Sized,
    R: TryCryptoRng + ?Sized,
{
    let crypto = identity.crypto();
    check_params(crypto, params)?;
    let mut nonce = [0u8; 16];
    rng.try_fill_bytes(&mut nonce).map_err(|_| Error::Rng)?;

    let mut plain_sink = SliceSink::new(work);
    write_document::<Sha256>(&mut plain_sink, &mut |w| {
        write_plaintext(
            w,
            &mut identity.certificate_chain().iter().copied(),
            params.features,
        )
    })?;
    let plaintext_len = plain_sink.len();
    let encrypted = dsig::encrypt_in_place(crypto, work, plaintext_len, params.server_key, rng)?;
    let ciphertext = work.get(..encrypted.len).ok_or(Error::LogicBug)?;

    write_document(sink, &mut |w| {
        write_envelope(
            w,
            params,
            &nonce,
            &encrypted,
            Some(ciphertext),
            &identity.signing_public_key(),
            &mut |digest| identity.sign_digest(digest),
            &|| crypto.sha().hasher(),
        )
    })?;
    Ok(PendingAcquisition { nonce })
}

/// Runs `write` on a fresh writer over `sink` and checks that the document is complete: one
/// copy for the four documents of an acquisition (the plaintext and the envelope, each counted
/// and written), the writer built in this frame instead of each caller's.
#[inline(never)]
fn write_document<'s, H: Hasher>(
    sink: &mut dyn Sink,
    write: &mut dyn FnMut(&mut WriterRef<'_, 's, H>) -> Result<()>,
) -> Result<()> {
    let mut w = Writer::<'s, &mut dyn Sink, 16, 24, H>::new(sink);
    write(&mut w.view())?;
    finished(&w)
}

/// [`Writer::finish`]'s check without moving the writer: a move copies the whole writer (its
/// 1.1 KB of state with the default bounds) into the caller's frame.
fn finished<H: Hasher>(w: &Writer<'_, &mut dyn Sink, 16, 24, H>) -> Result<()> {
    if w.is_finished() {
        Ok(())
    } else {
        Err(Error::InvalidArgument)
    }
}

fn check_params<X: Crypto>(crypto: &X, params: &ChallengeParams<'_>) -> Result<()> {
    let version_ok = !params.client_version.is_empty()
        && params
            .client_version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if params.kids.is_empty() || params.kids.len() > MAX_KIDS || !version_ok {
        return Err(Error::InvalidArgument);
    }
    if !crypto.is_valid_public_key(params.server_key) {
        return Err(Error::InvalidArgument);
    }
    Ok(())
}

/// `<Data><CertificateChains><CertificateChain> base64 </CertificateChain></CertificateChains>
/// <Features><Feature Name="…"></Feature>…</Features></Data>` (PROTOCOL §6).
///
/// The writing functions of the challenge take a `Writer<&mut dyn Sink>` and byte iterators as
/// `&mut dyn Iterator`: the counting pass and the writing pass share one compiled copy of them.
fn write_plaintext(
    w: &mut WriterRef<'_, 'static>,
    chain: &mut dyn Iterator<Item = u8>,
    features: Features,
) -> Result<()> {
    w.start(Name::new("", "Data"), &[])?;
    w.start(Name::new("", "CertificateChains"), &[])?;
    w.start(Name::new("", "CertificateChain"), &[])?;
    w.text(" ")?;
    w.base64(chain)?;
    w.text(" ")?;
    w.end()?;
    w.end()?;
    if features.names().next().is_some() {
        w.start(Name::new("", "Features"), &[])?;
        for name in features.names() {
            w.empty(Name::new("", "Feature"), &[Attr::new("Name", name)])?;
        }
        w.end()?;
    }
    w.end()
}

/// The whole challenge. `ciphertext` is `None` when only counting (zeros of the same length).
#[allow(clippy::too_many_arguments)]
fn write_envelope<'p, H: Hasher>(
    w: &mut WriterRef<'_, 'p, H>,
    params: &ChallengeParams<'p>,
    nonce: &[u8; 16],
    encrypted: &Encrypted,
    ciphertext: Option<&[u8]>,
    signing_public_key: &[u8; 64],
    sign: &mut dyn FnMut(&[u8; 32]) -> Result<[u8; 64]>,
    new_hasher: &dyn Fn() -> H,
) -> Result<()> {
    dsig::write_challenge_opening(w, "AcquireLicense")?;

    w.begin_digest_with(new_hasher())?;
    w.steps(&LA_HEADER)?;
    for kid in params.kids {
        let mut b64 = [0u8; crate::ids::BASE64_LEN];
        let value = kid.write_base64(&mut b64);
        w.empty(h("KID"), &[Attr::new("VALUE", value)])?;
    }
    // KIDS, PROTECTINFO, DATA, WRMHEADER, ContentHeader.
    w.steps(&[pr("CLIENTINFO").after(5), pr("CLIENTVERSION")])?;
    w.text(params.client_version)?;
    w.steps(&[pr("LicenseNonce").after(2)])?;
    w.base64(nonce.iter().copied())?;
    w.steps(&[pr("ClientTime").after(1)])?;
    let mut digits = [0u8; 20];
    w.text(decimal(params.client_time, &mut digits)?)?;
    w.end()?;
    let iv = encrypted.iv.iter().copied();
    let (mut real, mut zeros);
    let data: &mut dyn Iterator<Item = u8> = match ciphertext {
        Some(c) => {
            real = iv.chain(c.iter().copied());
            &mut real
        }
        None => {
            zeros = iv.chain(core::iter::repeat_n(0u8, encrypted.len));
            &mut zeros
        }
    };
    dsig::write_encrypted_data(w, &encrypted.wrapped_key, data)?;
    w.end()?;
    let digest = w.end_digest()?;
    dsig::write_signature(w, new_hasher(), &digest, signing_public_key, sign)?;
    // Challenge, challenge, AcquireLicense, Body, Envelope.
    w.steps(&[WStep::close(5)])
}

const fn pr(local: &'static str) -> WStep<'static> {
    WStep::start(ns::PROTOCOLS, local, &[])
}

const fn h(local: &'static str) -> Name<'static> {
    Name::new(NS_WRMHEADER, local)
}

/// `LA` up to `KIDS`.
static LA_HEADER: [WStep<'static>; 8] = [
    WStep::apex(
        ns::PROTOCOLS,
        "LA",
        &[
            Attr::new("Id", dsig::SIGNED_ID),
            Attr::xml("space", "preserve"),
        ],
    ),
    pr("Version"),
    WStep::text("1"),
    pr("ContentHeader").after(1),
    WStep::start(
        NS_WRMHEADER,
        "WRMHEADER",
        &[Attr::new("version", WRMHEADER_VERSION)],
    ),
    WStep::start(NS_WRMHEADER, "DATA", &[]),
    WStep::start(NS_WRMHEADER, "PROTECTINFO", &[]),
    WStep::start(NS_WRMHEADER, "KIDS", &[]),
];

/// `(value / 10, value % 10)` by long division in 16-bit steps, with 32-bit divisions only: a
/// 64-bit division links compiler-builtins' `u64_div_rem` (780 bytes of `fp_all`, M4F "z").
fn div10(value: u64) -> (u64, u8) {
    let mut quotient = 0u64;
    let mut rem = 0u32;
    for shift in [48u32, 32, 16, 0] {
        // rem < 10, so this fits in 20 bits.
        let part = (rem << 16) | ((value >> shift) as u32 & 0xFFFF);
        quotient |= u64::from(part / 10) << shift;
        rem = part % 10;
    }
    (quotient, rem as u8)
}

/// `value` in decimal, into `buf`.
fn decimal(mut value: u64, buf: &mut [u8; 20]) -> Result<&str> {
    let mut start = buf.len();
    loop {
        start = start.checked_sub(1).ok_or(Error::LogicBug)?;
        let (quotient, digit) = div10(value);
        *buf.get_mut(start).ok_or(Error::LogicBug)? = b'0' + digit;
        value = quotient;
        if value == 0 {
            break;
        }
    }
    core::str::from_utf8(buf.get(start..).ok_or(Error::LogicBug)?).map_err(|_| Error::LogicBug)
}

/// The licenses of a verified response, decoded into the caller's buffer.
#[derive(Debug)]
pub struct AcquiredLicenses<'o> {
    buf: &'o [u8],
    ends: [usize; MAX_LICENSES],
    count: usize,
    response_id: Option<SessionId>,
}

impl<'o> AcquiredLicenses<'o> {
    /// Number of licenses.
    #[must_use]
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the response carried no license.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The `i`th license's XMR bytes (not verified).
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&'o [u8]> {
        if i >= self.count {
            return None;
        }
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(prev) => *self.ends.get(prev)?,
            None => 0,
        };
        self.buf.get(start..end)
    }

    /// The licenses' XMR bytes, in the response's order.
    pub fn iter(&self) -> impl Iterator<Item = &'o [u8]> + '_ {
        (0..self.count).filter_map(|i| self.get(i))
    }

    /// The response's `ResponseID` (16 bytes), which the kit's servers also use as the Secure
    /// Delete session id of the persistent licenses in the response; `None` when absent.
    #[must_use]
    pub fn response_id(&self) -> Option<SessionId> {
        self.response_id
    }
}

const ENVELOPE: Step<'static> = (ns::SOAP, "Envelope");
const BODY: Step<'static> = (ns::SOAP, "Body");
const FAULT: [Step<'static>; 3] = [ENVELOPE, BODY, (ns::SOAP, "Fault")];
const STATUS: [Step<'static>; 6] = path::join(
    &FAULT,
    &[("", "detail"), ("", "Exception"), ("", "StatusCode")],
);
const RESPONSE: [Step<'static>; 5] = [
    ENVELOPE,
    BODY,
    (ns::PROTOCOLS, "AcquireLicenseResponse"),
    (ns::PROTOCOLS, "AcquireLicenseResult"),
    (ns::MESSAGES, "Response"),
];
const fn p(local: &'static str) -> Step<'static> {
    (ns::PROTOCOLS, local)
}
const fn d(local: &'static str) -> Step<'static> {
    (ns::DSIG, local)
}
const LICENSE_RESPONSE: [Step<'static>; 6] = path::join(&RESPONSE, &[p("LicenseResponse")]);
const CHAIN: [Step<'static>; 7] = path::join(&LICENSE_RESPONSE, &[p("SigningCertificateChain")]);
const VERSION: [Step<'static>; 7] = path::join(&LICENSE_RESPONSE, &[p("Version")]);
const NONCE: [Step<'static>; 7] = path::join(&LICENSE_RESPONSE, &[p("LicenseNonce")]);
const RESPONSE_ID: [Step<'static>; 7] = path::join(&LICENSE_RESPONSE, &[p("ResponseID")]);
const LICENSES: [Step<'static>; 7] = path::join(&LICENSE_RESPONSE, &[p("Licenses")]);
const LICENSE: [Step<'static>; 8] = path::join(&LICENSES, &[p("License")]);
const SIGNATURE: [Step<'static>; 6] = path::join(&RESPONSE, &[d("Signature")]);
const SIGNED_INFO: [Step<'static>; 7] = path::join(&SIGNATURE, &[d("SignedInfo")]);
const C14N: [Step<'static>; 8] = path::join(&SIGNED_INFO, &[d("CanonicalizationMethod")]);
const METHOD: [Step<'static>; 8] = path::join(&SIGNED_INFO, &[d("SignatureMethod")]);
const REFERENCE: [Step<'static>; 8] = path::join(&SIGNED_INFO, &[d("Reference")]);
const DIGEST_METHOD: [Step<'static>; 9] = path::join(&REFERENCE, &[d("DigestMethod")]);
const DIGEST: [Step<'static>; 9] = path::join(&REFERENCE, &[d("DigestValue")]);
const SIGNATURE_VALUE: [Step<'static>; 7] = path::join(&SIGNATURE, &[d("SignatureValue")]);
const SIGNATURE_PATHS: SignaturePaths<'static> = SignaturePaths {
    signed_info: &SIGNED_INFO,
    c14n: &C14N,
    method: &METHOD,
    reference: &REFERENCE,
    digest_method: &DIGEST_METHOD,
    digest: &DIGEST,
    value: &SIGNATURE_VALUE,
};

/// The reader of responses: depth, attributes per element and namespace bindings in scope. The
/// deepest element of a response is at depth 9 (`DigestMethod`); a smaller reader than the
/// default keeps a small Cortex-M0 stack in mind (drm-securedelete's responses use the same).
type ResponseReader<'a> = Reader<'a, 16, 8, 16>;

/// A SOAP fault's elements, as one read of a response sees them.
struct FaultFields<'a> {
    fault: Field<'static, 'a>,
    status: Field<'static, 'a, 24>,
}

impl<'a> FaultFields<'a> {
    const fn new() -> Self {
        Self {
            fault: Field::new(&FAULT),
            status: Field::new(&STATUS),
        }
    }

    fn event(&mut self, event: &Event<'a>, reader: &ResponseReader<'a>) {
        self.fault.event(event, reader);
        self.status.event(event, reader);
    }

    /// The fault's error, if the document was one.
    fn error(&self) -> Option<Error> {
        (self.fault.count() > 0).then(|| Error::SoapFault {
            status: self.status.text().and_then(parse_status).unwrap_or(0),
        })
    }
}

/// Everything [`process_response`] reads of a response, recorded in one read of it.
struct ResponseFields<'a> {
    fault: FaultFields<'a>,
    license_response: Field<'static, 'a>,
    chain: Field<'static, 'a>,
    version: Field<'static, 'a>,
    nonce: Field<'static, 'a>,
    response_id: Field<'static, 'a>,
    licenses: Field<'static, 'a>,
    license: Each<'static, 'a, MAX_LICENSES>,
    signature: SignatureFields<'static, 'a>,
}

/// What [`process_response`] needs of a response, taken from [`ResponseFields`] after the read:
/// each check's outcome, in a few words per element, so that the read's state (the reader, the
/// fields) is gone before the chain and the signature are verified. The checks' errors are
/// raised in [`process_response`], in its order.
struct Parts<'a> {
    fault: Option<Error>,
    license_response: Result<()>,
    chain: Result<&'a str>,
    signature: Result<SignedParts<'a>>,
    version: Result<&'a str>,
    nonce: Result<[u8; 16]>,
    response_id: Result<Option<[u8; 16]>>,
    licenses: Result<()>,
    /// `License` elements seen (also beyond [`MAX_LICENSES`]).
    count: usize,
    license: [Result<&'a str>; MAX_LICENSES],
}

impl<'a> Parts<'a> {
    /// Reads `response` once and keeps what the checks need. Never inlined: the reader and
    /// the fields live in this frame only.
    #[inline(never)]
    fn read(response: &'a [u8]) -> Result<Self> {
        let mut f = ResponseFields::new();
        f.read(response)?;
        let mut license = [Err(Error::XmlTooLarge); MAX_LICENSES];
        for (i, slot) in license.iter_mut().enumerate() {
            if let Some(text) = f.license.plain_text(i) {
                *slot = text;
            }
        }
        Ok(Self {
            fault: f.fault.error(),
            license_response: f.license_response.only().map(|_| ()),
            chain: dsig::leaf_text(&f.chain),
            signature: f.signature.parts(response),
            version: dsig::leaf_text(&f.version),
            nonce: dsig::leaf_base64(&f.nonce),
            response_id: if f.response_id.count() > 0 {
                dsig::leaf_base64(&f.response_id).map(Some)
            } else {
                Ok(None)
            },
            licenses: f.licenses.only().map(|_| ()),
            count: f.license.count(),
            license,
        })
    }
}

impl<'a> ResponseFields<'a> {
    /// Fields for every element [`process_response`] reads.
    fn new() -> Self {
        Self {
            fault: FaultFields::new(),
            license_response: Field::new(&LICENSE_RESPONSE),
            chain: Field::new(&CHAIN),
            version: Field::new(&VERSION),
            nonce: Field::new(&NONCE),
            response_id: Field::new(&RESPONSE_ID),
            licenses: Field::new(&LICENSES),
            license: Each::new(&LICENSE),
            signature: SignatureFields::new(&LICENSE_RESPONSE, &SIGNATURE_PATHS),
        }
    }

    /// Reads `response` once, to its end (a document that is not well formed, or breaks a
    /// reader limit, is an error wherever the fault is), in place (no copy of the fields).
    fn read(&mut self, response: &'a [u8]) -> Result<()> {
        let f = self;
        let mut reader = ResponseReader::with_limits(response, Limits::DEFAULT)?;
        while let Some(event) = reader.next_event()? {
            f.fault.event(&event, &reader);
            for field in [
                &mut f.license_response,
                &mut f.chain,
                &mut f.version,
                &mut f.nonce,
                &mut f.response_id,
                &mut f.licenses,
            ] {
                field.event(&event, &reader);
            }
            f.license.event(&event, &reader);
            f.signature.event(&event, &reader);
        }
        Ok(())
    }
}

/// If the response is a SOAP fault, its error: [`Error::SoapFault`] with the
/// `detail/Exception/StatusCode` (written `0x…` in hex or as a decimal, negative values as their
/// 32-bit two's complement; 0 when absent or unreadable).
///
/// # Errors
/// The reader's errors for a document that is not well formed.
pub fn fault_status(response: &[u8]) -> Result<Option<Error>> {
    let mut fields = FaultFields::new();
    let mut reader = ResponseReader::with_limits(response, Limits::DEFAULT)?;
    while let Some(event) = reader.next_event()? {
        fields.event(&event, &reader);
    }
    Ok(fields.error())
}

/// The status code of a SOAP fault's `StatusCode` text: hexadecimal with `0x`, or a decimal
/// `i32`/`u32` (a negative HRESULT is its two's complement); `None` otherwise. For readers that
/// find the `StatusCode` element themselves (drm-securedelete's one-pass response reader).
#[must_use]
pub fn parse_status(text: &str) -> Option<u32> {
    let t = crate::xml::trim_space(text);
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16).ok();
    }
    let v: i64 = t.parse().ok()?;
    if (i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&v) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(v as u32)
    } else {
        None
    }
}

/// Decodes base64 `text` into `dst`: [`Error::BufferTooSmall`] when it does not fit, any other
/// flaw [`Error::XmlMalformed`]. The number of bytes written.
fn decode_into(text: &str, dst: &mut [u8]) -> Result<usize> {
    crate::base64::decode(text.as_bytes(), dst)
        .map(|d| d.len())
        .map_err(|e| {
            if e == Error::BufferTooSmall {
                e
            } else {
                Error::XmlMalformed
            }
        })
}

/// Processes an `AcquireLicenseResponse` (see the module documentation): `pending` from
/// [`write_challenge`], the trusted root of the server's chain (`X‖Y`), the current time if
/// known (for the chain's expirations), and `out` for the decoded licenses (it also holds the
/// server's chain while it is checked).
///
/// The response is read once ([`path::Field`]); the checks below run on what that read recorded.
///
/// # Errors
/// [`Error::SoapFault`] for a fault; [`Error::InvalidCertificate`] / [`Error::KeyNotFound`] for
/// the server's chain; [`Error::VerificationFailed`] for a digest, signature or nonce that does
/// not match; [`Error::XmlMalformed`] and the reader's errors for anything else not as expected;
/// [`Error::BufferTooSmall`] when `out` is too small; [`Error::XmlTooLarge`] for more than
/// [`MAX_LICENSES`] licenses.
pub fn process_response<'o>(
    response: &[u8],
    pending: &PendingAcquisition,
    root: &[u8; 64],
    now: Option<u64>,
    out: &'o mut [u8],
) -> Result<AcquiredLicenses<'o>> {
    process_response_with(&DEFAULT, response, pending, root, now, out)
}

/// [`process_response`] computing with `crypto` (the device's backend: `identity.crypto()`).
///
/// # Errors
/// As [`process_response`].
pub fn process_response_with<'o, X: Crypto>(
    crypto: &X,
    response: &[u8],
    pending: &PendingAcquisition,
    root: &[u8; 64],
    now: Option<u64>,
    out: &'o mut [u8],
) -> Result<AcquiredLicenses<'o>> {
    let f = Parts::read(response)?;
    if let Some(fault) = f.fault {
        return Err(fault);
    }
    // Exactly one of each, so that everything read below is inside what the signature covers.
    f.license_response?;

    // The server's chain, verified to the root; its sign-response key. Then the signature.
    let key = server_key(crypto, f.chain?, root, now, out)?;
    f.signature?.verify_with(crypto, &key)?;

    if f.version? != "1" {
        return Err(Error::Unsupported);
    }
    let nonce = f.nonce.map_err(|_| Error::VerificationFailed)?;
    if !crate::crypto::constant_time_eq(&nonce, &pending.nonce) {
        return Err(Error::VerificationFailed);
    }
    let response_id = f.response_id?.map(SessionId::from_bytes);

    // The licenses, decoded one after another into `out`.
    f.licenses?;
    let mut ends = [0usize; MAX_LICENSES];
    let mut at = 0usize;
    for i in 0..f.count {
        let text = f
            .license
            .get(i)
            .copied()
            .unwrap_or(Err(Error::XmlTooLarge))?;
        let slot = ends.get_mut(i).ok_or(Error::XmlTooLarge)?;
        let dst = out.get_mut(at..).ok_or(Error::BufferTooSmall)?;
        at = at
            .checked_add(decode_into(text, dst)?)
            .ok_or(Error::BufferTooSmall)?;
        *slot = at;
    }
    Ok(AcquiredLicenses {
        buf: out,
        ends,
        count: f.count,
        response_id,
    })
}

/// The sign-response key of the server's chain `text` (base64), decoded into `out` and verified
/// to `root`. Never inlined (see [`Parts::read`]).
#[inline(never)]
fn server_key<X: Crypto>(
    crypto: &X,
    text: &str,
    root: &[u8; 64],
    now: Option<u64>,
    out: &mut [u8],
) -> Result<[u8; 64]> {
    let chain_len = decode_into(text, out)?;
    let chain_bytes = out.get(..chain_len).ok_or(Error::LogicBug)?;
    Ok(*CertificateChain::parse(chain_bytes)?
        .verify_with(crypto, root, now)?
        .leaf_key(USAGE_SIGN_RESPONSE)?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn status_codes_and_decimals() {
        assert_eq!(parse_status("0x8004c601"), Some(0x8004_C601));
        assert_eq!(parse_status(" 0X8004C601\n"), Some(0x8004_C601));
        assert_eq!(parse_status("-2147024809"), Some(0x8007_0057));
        assert_eq!(parse_status("12"), Some(12));
        assert_eq!(parse_status("0x1234567890"), None);
        assert_eq!(parse_status("nope"), None);
        let mut buf = [0u8; 20];
        assert_eq!(decimal(0, &mut buf).unwrap(), "0");
        assert_eq!(decimal(u64::MAX, &mut buf).unwrap(), "18446744073709551615");
        assert_eq!(decimal(1_700_000_000, &mut buf).unwrap(), "1700000000");
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for v in [0, 9, 10, 65_535, 65_536, 1 << 32, u64::MAX - 1, u64::MAX] {
            assert_eq!(div10(v), (v / 10, (v % 10) as u8), "{v}");
        }
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            assert_eq!(div10(x), (x / 10, (x % 10) as u8), "{x}");
        }
    }

    #[test]
    fn faults_map_to_soap_fault() {
        let fault = b"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
<s:Fault><faultcode>s:Server</faultcode><faultstring>x</faultstring><detail><Exception>\
<StatusCode>0x8004c601</StatusCode></Exception></detail></s:Fault></s:Body></s:Envelope>";
        assert_eq!(
            fault_status(fault).unwrap(),
            Some(Error::SoapFault {
                status: 0x8004_C601
            })
        );
        let bare = b"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
<s:Fault><faultstring>x</faultstring></s:Fault></s:Body></s:Envelope>";
        assert_eq!(
            fault_status(bare).unwrap(),
            Some(Error::SoapFault { status: 0 })
        );
        let pending = PendingAcquisition { nonce: [0; 16] };
        let mut out = [0u8; 64];
        assert_eq!(
            process_response(fault, &pending, &[0; 64], None, &mut out).err(),
            Some(Error::SoapFault {
                status: 0x8004_C601
            })
        );
    }
}
