//! XMR and BCert suite: licenses and a device chain built at build time by the simulated servers
//! (`build.rs`, `drm_servers`), parsed, verified and unwrapped by drm-core on the target; and an
//! ElGamal round trip.
#![no_std]
#![no_main]

use drm_board::harness::TestResult;
use drm_board::testing::InsecureTestRng;
use drm_board::{check, check_eq};
use drm_core::Error;
use drm_core::bcert::{self, CertificateChain, VerifiedChain};
use drm_core::crypto;
use drm_core::platform::{DeviceIdentity, SoftwareIdentity};
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_core::xmr::{self, LicenseKey, ParsedLicense};

include!(concat!(env!("OUT_DIR"), "/xmr_vectors.rs"));

drm_board::suite!(
    xmr_content_license_parse_verify_unwrap,
    xmr_key_exchange_license_unwraps_the_hmac_key,
    xmr_tampered_license_is_refused,
    xmr_license_for_another_device_is_not_bound,
    bcert_chain_verifies_and_yields_the_leaf_keys,
    bcert_chain_to_another_root_is_refused,
    elgamal_round_trip,
);

fn identity() -> Result<SoftwareIdentity<&'static [u8]>, &'static str> {
    SoftwareIdentity::new(
        EccPrivateKey::from_bytes(SIGNING_KEY),
        EccPrivateKey::from_bytes(ENCRYPTION_KEY),
        HmacKey::from_bytes([7; 32]),
        &CHAIN[..],
        2000,
    )
    .map_err(|_| "identity")
}

fn xmr_content_license_parse_verify_unwrap() -> TestResult {
    let device = identity()?;
    check_eq!(device.encryption_public_key(), ENCRYPTION_PUBLIC);
    let parsed = ParsedLicense::parse(&CONTENT_LICENSE).map_err(|_| "parse")?;
    check!(!parsed.is_key_exchange());
    check_eq!(parsed.device_key(), &ENCRYPTION_PUBLIC);
    let verified = xmr::verify(parsed, &device).map_err(|_| "verify")?;
    let key = verified.content_key().ok_or("no content key")?;
    check!(key.expose_secret() == &CONTENT_KEY, "content key");
    Ok(())
}

fn xmr_key_exchange_license_unwraps_the_hmac_key() -> TestResult {
    let device = identity()?;
    let parsed = ParsedLicense::parse(&HMAC_LICENSE).map_err(|_| "parse")?;
    let policy = parsed.key_exchange_policy().ok_or("no policy")?;
    check_eq!(policy.algorithm(), xmr::KxAlgorithm::HmacSha256);
    check_eq!(policy.operation(), xmr::KxOperation::Sign);
    let verified = xmr::verify(parsed, &device).map_err(|_| "verify")?;
    check!(verified.content_key().is_none(), "not a content key");
    let LicenseKey::KxHmacSha256(key) = verified.key() else {
        return Err("not an HMAC key");
    };
    check!(key.expose_secret() == &HMAC_KEY, "HMAC key");
    Ok(())
}

fn xmr_tampered_license_is_refused() -> TestResult {
    let device = identity()?;
    let mut license = CONTENT_LICENSE;
    // The rights id (signed), then the last byte of the CMAC tag.
    for at in [8, license.len() - 1] {
        let byte = license.get_mut(at).ok_or("index")?;
        *byte ^= 0x01;
        let parsed = ParsedLicense::parse(&license).map_err(|_| "parse")?;
        check_eq!(
            xmr::verify(parsed, &device).map(drop),
            Err(Error::VerificationFailed)
        );
        let byte = license.get_mut(at).ok_or("index")?;
        *byte ^= 0x01;
    }
    // Cut short: malformed.
    let short = CONTENT_LICENSE.get(..100).ok_or("index")?;
    check_eq!(ParsedLicense::parse(short).map(drop), Err(Error::Malformed));
    Ok(())
}

fn xmr_license_for_another_device_is_not_bound() -> TestResult {
    let other = SoftwareIdentity::new(
        EccPrivateKey::from_bytes(SIGNING_KEY),
        EccPrivateKey::from_bytes(SIGNING_KEY),
        HmacKey::from_bytes([7; 32]),
        &CHAIN[..],
        2000,
    )
    .map_err(|_| "identity")?;
    let parsed = ParsedLicense::parse(&CONTENT_LICENSE).map_err(|_| "parse")?;
    check_eq!(xmr::verify(parsed, &other).map(drop), Err(Error::NotBound));
    Ok(())
}

fn bcert_chain_verifies_and_yields_the_leaf_keys() -> TestResult {
    // Verification and the checks are in functions of their own: on the Cortex-M0 (a small
    // stack) the checks' logging frame must not be live during the P-256 verifications.
    let verified = verify_chain()?;
    check_leaf_keys(&verified)
}

#[inline(never)]
fn verify_chain() -> Result<VerifiedChain<'static>, &'static str> {
    let chain = CertificateChain::parse(&CHAIN).map_err(|_| "parse")?;
    chain.verify(&ROOT, None).map_err(|_| "verify")
}

#[inline(never)]
fn check_leaf_keys(verified: &VerifiedChain<'_>) -> TestResult {
    check_eq!(verified.security_level(), Ok(2000));
    check_eq!(
        verified.leaf_key(bcert::USAGE_ENCRYPT_KEY),
        Ok(&ENCRYPTION_PUBLIC)
    );
    check_eq!(verified.leaf_key(bcert::USAGE_SIGN), Ok(&SIGNING_PUBLIC));
    check_eq!(
        verified.leaf_key(bcert::USAGE_SIGN_RESPONSE).map(drop),
        Err(Error::KeyNotFound)
    );
    Ok(())
}

fn bcert_chain_to_another_root_is_refused() -> TestResult {
    let mut wrong_root = ROOT;
    wrong_root[63] ^= 0x01;
    let chain = CertificateChain::parse(&CHAIN).map_err(|_| "parse")?;
    check_eq!(
        chain.verify(&wrong_root, None).map(drop),
        Err(Error::InvalidCertificate)
    );
    Ok(())
}

fn elgamal_round_trip() -> TestResult {
    let device = identity()?;
    let mut rng = InsecureTestRng::seeded(0xE1_6A_3A);
    let message = crypto::random_point_x(&mut rng).map_err(|_| "point")?;
    let ciphertext =
        crypto::elgamal_encrypt(&ENCRYPTION_PUBLIC, &message, &mut rng).map_err(|_| "encrypt")?;
    let decrypted = device.elgamal_decrypt(&ciphertext).map_err(|_| "decrypt")?;
    check!(decrypted.expose_secret() == &message, "round trip");
    // The other key does not decrypt it.
    let key = EccPrivateKey::from_bytes(SIGNING_KEY);
    let wrong = crypto::elgamal_decrypt(&key, &ciphertext).map_err(|_| "decrypt")?;
    check!(wrong.expose_secret() != &message, "wrong key");
    Ok(())
}
