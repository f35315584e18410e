//! Challenge builders for the servers' tests, written here by string formatting from the seed's
//! templates (canonical form: no whitespace between elements, no self-closing tags) and signed
//! with p256 and sha2 directly.
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use drm_servers::TestRng;
use drm_servers::crypto::KeyPair;
use drm_servers::soap::{data_plaintext, encrypted_data_element};
use p256::ecdsa::signature::Signer;
use sha2::Digest;

pub const P: &str = "http://schemas.microsoft.com/DRM/2007/03/protocols";
pub const M: &str = "http://schemas.microsoft.com/DRM/2007/03/protocols/messages";
pub const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

pub fn b64(b: &[u8]) -> String {
    B64.encode(b)
}

pub fn unb64(s: &str) -> Vec<u8> {
    B64.decode(s.trim()).unwrap()
}

pub fn signed_info(digest: &[u8]) -> String {
    format!(
        "<SignedInfo xmlns=\"{DSIG}\"><CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"></CanonicalizationMethod><SignatureMethod Algorithm=\"http://schemas.microsoft.com/DRM/2007/03/protocols#ecdsa-sha256\"></SignatureMethod><Reference URI=\"#SignedData\"><DigestMethod Algorithm=\"http://schemas.microsoft.com/DRM/2007/03/protocols#sha256\"></DigestMethod><DigestValue>{}</DigestValue></Reference></SignedInfo>",
        b64(digest)
    )
}

/// The seed's `Signature` element over `signed`, signed with the 32-byte scalar `key`, naming
/// the public key `named` in `KeyInfo`.
pub fn signature(signed: &str, key: &[u8; 32], named: &[u8]) -> String {
    let si = signed_info(&sha2::Sha256::digest(signed.as_bytes()));
    let sk = p256::ecdsa::SigningKey::from_slice(key).unwrap();
    let sig: p256::ecdsa::Signature = sk.sign(si.as_bytes());
    signature_with(&si, &sig.to_bytes(), named)
}

pub fn signature_with(si: &str, sig: &[u8], named: &[u8]) -> String {
    format!(
        "<Signature xmlns=\"{DSIG}\">{si}<SignatureValue>{}</SignatureValue><KeyInfo xmlns=\"{DSIG}\"><KeyValue><ECCKeyValue><PublicKey>{}</PublicKey></ECCKeyValue></KeyValue></KeyInfo></Signature>",
        b64(sig),
        b64(named)
    )
}

pub const ENVELOPE_OPEN: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>";
pub const ENVELOPE_CLOSE: &str = "</soap:Body></soap:Envelope>";

/// The parts of a Secure Delete challenge, so tests can change one and reassemble.
pub struct SdParts {
    pub data: String,
    pub signature: String,
}

impl SdParts {
    pub fn xml(&self) -> String {
        format!(
            "{ENVELOPE_OPEN}<ProcessDeleteLicenseData xmlns=\"{P}\"><challenge><Challenge xmlns=\"{M}\">{}{}</Challenge></challenge></ProcessDeleteLicenseData>{ENVELOPE_CLOSE}",
            self.data, self.signature
        )
    }
}

pub fn delete_license_data(session: &[u8; 16], kids: &[[u8; 16]], encrypted: &str) -> String {
    let kids: String = kids
        .iter()
        .map(|k| format!("<KID>{}</KID>", b64(k)))
        .collect();
    format!(
        "<DeleteLicenseData xmlns=\"{P}\" Id=\"SignedData\"><Version>1</Version><SessionID>{}</SessionID><KIDS>{kids}</KIDS>{encrypted}</DeleteLicenseData>",
        b64(session)
    )
}

/// A Secure Delete challenge as the seed's example, with real keys.
pub fn sd_challenge(
    chain: &[u8],
    signing: &KeyPair,
    server: &[u8; 64],
    session: &[u8; 16],
    kids: &[[u8; 16]],
    rng: &mut TestRng,
) -> SdParts {
    let enc = encrypted_data_element(data_plaintext(chain, &[]).as_bytes(), server, rng).unwrap();
    let data = delete_license_data(session, kids, &enc);
    let signature = signature(&data, &signing.secret_bytes(), &signing.public());
    SdParts { data, signature }
}

/// The parts of a license challenge.
pub struct LaParts {
    pub la: String,
    pub signature: String,
}

impl LaParts {
    pub fn xml(&self) -> String {
        format!(
            "{ENVELOPE_OPEN}<AcquireLicense xmlns=\"{P}\"><challenge><Challenge xmlns=\"{M}\">{}{}</Challenge></challenge></AcquireLicense>{ENVELOPE_CLOSE}",
            self.la, self.signature
        )
    }
}

/// An AcquireLicense challenge (PROTOCOL §6) asking for `kids`, with real keys.
pub fn la_challenge(
    chain: &[u8],
    signing: &KeyPair,
    server: &[u8; 64],
    kids: &[[u8; 16]],
    nonce: &[u8; 16],
    rng: &mut TestRng,
) -> LaParts {
    let plaintext = data_plaintext(
        chain,
        &["KeyExchange", "KeyExchangeMultiple", "SecureDelete"],
    );
    let enc = encrypted_data_element(plaintext.as_bytes(), server, rng).unwrap();
    let kids: String = kids
        .iter()
        .map(|k| format!("<KID ALGID=\"AESCTR\" VALUE=\"{}\"></KID>", b64(k)))
        .collect();
    let la = format!(
        "<LA xmlns=\"{P}\" Id=\"SignedData\" xml:space=\"preserve\"><Version>1</Version><ContentHeader><WRMHEADER xmlns=\"http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader\" version=\"4.2.0.0\"><DATA><PROTECTINFO><KIDS>{kids}</KIDS></PROTECTINFO></DATA></WRMHEADER></ContentHeader><CLIENTINFO><CLIENTVERSION>10.0.16384.10011</CLIENTVERSION></CLIENTINFO><LicenseNonce>{}</LicenseNonce><ClientTime>1700000000</ClientTime>{enc}</LA>",
        b64(nonce)
    );
    let signature = signature(&la, &signing.secret_bytes(), &signing.public());
    LaParts { la, signature }
}
