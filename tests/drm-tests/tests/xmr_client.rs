//! The client's XMR parser (`drm_core::xmr`) against licenses built by the simulated license
//! server's builder (`drm_servers::xmr`), which shares no code with it.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use drm_core::Error;
use drm_core::platform::{DeviceIdentity, SoftwareIdentity};
use drm_core::secret::{EccPrivateKey, HmacKey, Secret32};
use drm_core::xmr::{self, KeyType, KxAlgorithm, KxOperation, LicenseKey, ParsedLicense};
use drm_servers::TestRng;
use drm_servers::crypto::KeyPair;
use drm_servers::xmr::{
    BuiltLicense, Defect, KEY_TYPE_AES_CBC, KEY_TYPE_AES_CTR, KEY_TYPE_AES_ECB, KxAlgorithm as A,
    KxOperation as O, LicenseSpec, build_license,
};
use p256::elliptic_curve::point::AffineCoordinates;

const LID: [u8; 16] = [0x11; 16];
const KID: [u8; 16] = [0x22; 16];

fn content_spec() -> LicenseSpec {
    LicenseSpec::content(LID, KID, KEY_TYPE_AES_CBC, [0x33; 16])
}

/// Every algorithm and operation pair the format allows, with a key of the right length.
fn kx_specs(rng: &mut TestRng) -> Vec<LicenseSpec> {
    let public = KeyPair::generate(rng).public().to_vec();
    let private = KeyPair::generate(rng).secret_bytes().to_vec();
    [
        (A::AesCbc, O::Encrypt, vec![0x41; 16]),
        (A::AesCbc, O::Decrypt, vec![0x42; 16]),
        (A::HmacSha256, O::Sign, vec![0x43; 32]),
        (A::HmacSha256, O::Verify, vec![0x44; 32]),
        (A::EcdsaP256, O::Sign, private),
        (A::EcdsaP256, O::Verify, public),
    ]
    .into_iter()
    .map(|(a, o, key)| LicenseSpec::key_exchange(LID, KID, a, o, key))
    .collect()
}

fn build(spec: &LicenseSpec, device: &KeyPair, rng: &mut TestRng) -> BuiltLicense {
    build_license(spec, &device.public(), rng).unwrap()
}

fn with(spec: &LicenseSpec, defect: Defect) -> LicenseSpec {
    let mut s = spec.clone();
    s.defects.push(defect);
    s
}

/// The errors the parser may give.
fn is_parse_error(e: Error) -> bool {
    matches!(
        e,
        Error::Malformed
            | Error::Unsupported
            | Error::UnknownMustUnderstand
            | Error::RequiredObjectMissing
    )
}

fn parse_err(bytes: &[u8]) -> Error {
    ParsedLicense::parse(bytes).unwrap_err()
}

#[test]
fn content_license_fields() {
    let mut rng = TestRng::from_seed(300);
    let device = KeyPair::generate(&mut rng);
    for (key_type, expected) in [
        (KEY_TYPE_AES_CTR, KeyType::AesCtr),
        (KEY_TYPE_AES_ECB, KeyType::AesEcb),
        (KEY_TYPE_AES_CBC, KeyType::AesCbc),
    ] {
        let mut spec = LicenseSpec::content(LID, KID, key_type, [0x33; 16]);
        spec.expiration = Some((1_000, 2_000));
        spec.issue_date = Some(999);
        spec.min_security_level = 2000;
        spec.persistent = false;
        let lic = build(&spec, &device, &mut rng);
        let p = ParsedLicense::parse(&lic.bytes).unwrap();
        assert_eq!(p.rights_id(), &LID);
        assert_eq!(p.lid(), drm_core::ids::Lid::from_bytes(LID));
        assert_eq!(p.kid(), drm_core::ids::Kid::from_bytes(KID));
        assert_eq!(p.kid().as_bytes(), &KID);
        assert_eq!(p.key_type(), expected);
        assert!(!p.is_key_exchange());
        assert_eq!(p.expiration(), Some((1_000, 2_000)));
        assert_eq!(p.issue_date(), Some(999));
        assert!(p.is_time_bound());
        assert_eq!(p.min_security_level(), 2000);
        assert!(!p.is_persistent());
        assert_eq!(p.settings(), xmr::SETTINGS_CANNOT_PERSIST);
        assert!(p.has_playback_policy());
        assert_eq!(p.output_protection(), Some([100, 250, 150, 100, 100]));
        assert_eq!(p.device_key(), &device.public());
        assert_eq!(p.key_exchange_policy(), None);
        assert!(p.key_exchange_key().is_none());
        assert_eq!(p.signature_type(), xmr::SIG_AES_CMAC);
        assert_eq!(p.signature(), &lic.bytes[lic.bytes.len() - 16..]);
        // The signed part is everything but the 12-byte signature header and the 16-byte tag.
        assert_eq!(p.signed_bytes(), &lic.bytes[..lic.bytes.len() - 28]);
        assert_eq!(p.bytes(), lic.bytes.as_slice());
    }
    // The defaults: persistent, no dates, no playback container.
    let mut spec = content_spec();
    spec.playback_container = false;
    let lic = build(&spec, &device, &mut rng);
    let p = ParsedLicense::parse(&lic.bytes).unwrap();
    assert!(p.is_persistent());
    assert_eq!(p.expiration(), None);
    assert_eq!(p.issue_date(), None);
    assert!(!p.is_time_bound());
    assert!(!p.has_playback_policy());
    assert_eq!(p.output_protection(), None);
    assert_eq!(p.min_security_level(), 150);
    // Debug shows no key material.
    let debug = format!("{p:?}");
    assert!(debug.contains("ParsedLicense"), "{debug}");
    assert!(!debug.contains("encrypted"), "{debug}");
}

#[test]
fn key_exchange_license_fields() {
    let mut rng = TestRng::from_seed(301);
    let device = KeyPair::generate(&mut rng);
    for spec in kx_specs(&mut rng) {
        let lic = build(&spec, &device, &mut rng);
        let p = ParsedLicense::parse(&lic.bytes).unwrap();
        let drm_servers::xmr::LicenseKey::KeyExchange {
            algorithm,
            operation,
            key,
        } = &spec.key
        else {
            unreachable!()
        };
        let policy = p.key_exchange_policy().unwrap();
        assert_eq!(policy.algorithm().value(), *algorithm as u16);
        assert_eq!(policy.operation().value(), *operation as u16);
        assert_eq!(policy.key_len(), key.len());
        assert_eq!(p.key_type(), KeyType::KeyExchange);
        assert!(p.is_key_exchange());
        assert!(!p.has_playback_policy());
        match p.key_exchange_key() {
            None => assert_eq!(policy.algorithm(), KxAlgorithm::AesCbc),
            Some(k) => assert_eq!(k.wrapped_key().len(), key.len()),
        }
    }
}

#[test]
fn policy_pairs_outside_the_format_are_unsupported() {
    use KxAlgorithm::*;
    use KxOperation::*;
    let mut valid = 0;
    for a in [AesCbc, HmacSha256, EcdsaP256] {
        for o in [Encrypt, Decrypt, Sign, Verify] {
            let r = xmr::KeyExchangePolicy::new(a, o);
            let expected = matches!(
                (a, o),
                (AesCbc, Encrypt | Decrypt) | (HmacSha256 | EcdsaP256, Sign | Verify)
            );
            assert_eq!(r.is_ok(), expected, "{a:?} {o:?}");
            if let Err(e) = r {
                assert_eq!(e, Error::Unsupported);
            }
            valid += usize::from(expected);
        }
    }
    assert_eq!(valid, 6);
    assert_eq!(
        xmr::KeyExchangePolicy::from_values(0, 1),
        Err(Error::Unsupported)
    );
    assert_eq!(
        xmr::KeyExchangePolicy::from_values(1, 5),
        Err(Error::Unsupported)
    );
}

#[test]
fn unknown_objects_must_understand_refused_optional_skipped() {
    let mut rng = TestRng::from_seed(302);
    let device = KeyPair::generate(&mut rng);
    let unknown = |must_understand| {
        let spec = with(&content_spec(), Defect::UnknownObject { must_understand });
        build(&spec, &device, &mut rng.clone())
    };
    assert_eq!(
        parse_err(&unknown(true).bytes),
        Error::UnknownMustUnderstand
    );
    let lic = unknown(false);
    let p = ParsedLicense::parse(&lic.bytes).unwrap();
    assert_eq!(p.kid().as_bytes(), &KID);
}

#[test]
fn truncated_overlong_short_and_trailing_are_malformed() {
    let mut rng = TestRng::from_seed(303);
    let device = KeyPair::generate(&mut rng);
    for spec in std::iter::once(content_spec()).chain(kx_specs(&mut rng)) {
        let good = build(&spec, &device, &mut rng);
        // Every truncation, from the empty license to one byte short.
        for cut in 0..good.bytes.len() {
            assert_eq!(
                parse_err(&good.bytes[..cut]),
                Error::Malformed,
                "cut to {cut}"
            );
        }
        for defect in [
            Defect::OverlongObject,
            Defect::ShortObject,
            Defect::TrailingBytes,
            Defect::Truncate(1),
        ] {
            let lic = build(&with(&spec, defect.clone()), &device, &mut rng);
            assert_eq!(parse_err(&lic.bytes), Error::Malformed, "{defect:?}");
        }
        // A single trailing byte as well.
        let mut long = good.bytes.clone();
        long.push(0);
        assert_eq!(parse_err(&long), Error::Malformed);
    }
}

#[test]
fn header_version_and_type_overrides() {
    let mut rng = TestRng::from_seed(304);
    let device = KeyPair::generate(&mut rng);
    let good = build(&content_spec(), &device, &mut rng);
    let mut bad = good.bytes.clone();
    bad[0] = b'Y';
    assert_eq!(parse_err(&bad), Error::Malformed);
    let mut bad = good.bytes.clone();
    bad[7] = 2;
    assert_eq!(parse_err(&bad), Error::Unsupported, "XMR version 2");
    for (defect, expected) in [
        (Defect::CipherType(2), Error::Unsupported),
        (Defect::KeyType(9), Error::Unsupported),
        (Defect::SignatureType(7), Error::Unsupported),
        // An HMAC signature type with a 16-byte value: wrong length for its type.
        (Defect::SignatureType(2), Error::Malformed),
        // A content license claiming key type 6 has no key exchange policy.
        (Defect::KeyType(6), Error::RequiredObjectMissing),
        // A key exchange policy in a content license.
        (Defect::AddPolicy(A::AesCbc, O::Encrypt), Error::Malformed),
    ] {
        let lic = build(&with(&content_spec(), defect.clone()), &device, &mut rng);
        assert_eq!(parse_err(&lic.bytes), expected, "{defect:?}");
    }
}

#[test]
fn key_exchange_format_rules() {
    let mut rng = TestRng::from_seed(305);
    let device = KeyPair::generate(&mut rng);
    let specs = kx_specs(&mut rng);
    let hmac = &specs[2];
    let aes = &specs[0];
    for (spec, defect, expected) in [
        (hmac, Defect::PolicyVersion(3), Error::Unsupported),
        // Version 2 is format 2 (a table): read as one, the 6 bytes after the version are a
        // count and a table of the wrong length.
        (hmac, Defect::PolicyVersion(2), Error::Malformed),
        (hmac, Defect::PolicyReserved(9), Error::Malformed),
        (hmac, Defect::NoPolicy, Error::RequiredObjectMissing),
        (hmac, Defect::NoKeyObject, Error::RequiredObjectMissing),
        (hmac, Defect::ExtraKeyObject, Error::Malformed),
        (hmac, Defect::KeyObjectKid([9; 16]), Error::Malformed),
        (hmac, Defect::PlaybackContainer, Error::Malformed),
        (hmac, Defect::KeyType(5), Error::Malformed),
        (aes, Defect::ExtraKeyObject, Error::Malformed),
        (aes, Defect::PlaybackContainer, Error::Malformed),
        (aes, Defect::NoPolicy, Error::RequiredObjectMissing),
        // A policy naming an operation the algorithm does not have.
        (
            aes,
            Defect::AddPolicy(A::AesCbc, O::Sign),
            Error::Unsupported,
        ),
    ] {
        let lic = build(&with(spec, defect.clone()), &device, &mut rng);
        assert_eq!(parse_err(&lic.bytes), expected, "{defect:?}");
    }
    // A key object whose length does not match the policy's key: an ECDSA verify key (64 bytes)
    // delivered for HMAC.
    let mut spec = hmac.clone();
    spec.key = drm_servers::xmr::LicenseKey::KeyExchange {
        algorithm: A::HmacSha256,
        operation: O::Sign,
        key: vec![7; 64],
    };
    let lic = build(&spec, &device, &mut rng);
    assert_eq!(parse_err(&lic.bytes), Error::Malformed);
}

/// Byte edits at known offsets of a content license without dates: outer container at 24, global
/// policy at 32, settings object at 40 (`flags 1, type 0x000D, length 10, value`).
#[test]
fn containment_and_flags() {
    let mut rng = TestRng::from_seed(306);
    let device = KeyPair::generate(&mut rng);
    let good = build(&content_spec(), &device, &mut rng);
    assert_eq!(&good.bytes[40..48], &[0, 1, 0, 0x0D, 0, 0, 0, 10]);
    let edit = |at: usize, value: u8| {
        let mut b = good.bytes.clone();
        b[at] = value;
        parse_err(&b)
    };
    // The settings leaf claims to be a container.
    assert_eq!(edit(41, 3), Error::Malformed);
    // A content key (key material) inside the global policy container.
    assert_eq!(edit(43, 0x0A), Error::Malformed);
    // A global policy container inside the global policy container.
    assert_eq!(edit(43, 0x02), Error::Malformed);
    // A signature inside the global policy container.
    assert_eq!(edit(43, 0x0B), Error::Malformed);
    // The global policy container without its container flag.
    assert_eq!(edit(33, 1), Error::Malformed);
    // The outer container renamed to a global policy container.
    assert_eq!(edit(27, 2), Error::Malformed);
    // An object length below the header length.
    assert_eq!(edit(47, 7), Error::Malformed);
    assert_eq!(edit(47, 0), Error::Malformed);
    // A flag bit that XMR does not define.
    assert_eq!(edit(40, 0x01), Error::Malformed);
    assert_eq!(edit(41, 0x21), Error::Malformed);
    // The signature object (outside the signed bytes) without must-understand.
    let n = good.bytes.len();
    assert_eq!(&good.bytes[n - 28..n - 24], &[0, 1, 0, 0x0B]);
    assert_eq!(edit(n - 27, 0), Error::Malformed);
    assert_eq!(edit(n - 27, 3), Error::Malformed);
    // An unknown must-understand type in place of settings.
    assert_eq!(edit(43, 0xF1), Error::UnknownMustUnderstand);
    // The same without must-understand: skipped, the license still parses.
    let mut b = good.bytes.clone();
    b[41] = 0;
    b[43] = 0xF1;
    assert_eq!(ParsedLicense::parse(&b).unwrap().settings(), 0);
    // Settings is known: its flags do not matter for must-understand.
    let mut b = good.bytes.clone();
    b[41] = 0;
    assert!(ParsedLicense::parse(&b).is_ok());
}

#[test]
fn every_byte_flip_parses_or_fails_typed() {
    let mut rng = TestRng::from_seed(307);
    let device = KeyPair::generate(&mut rng);
    let mut specs = kx_specs(&mut rng);
    specs.push(content_spec());
    for spec in &specs {
        let good = build(spec, &device, &mut rng);
        for at in 0..good.bytes.len() {
            for mask in [0x01, 0x80, 0xFF] {
                let mut b = good.bytes.clone();
                b[at] ^= mask;
                // Must return (never panic); an error is one of the parser's.
                if let Err(e) = ParsedLicense::parse(&b) {
                    assert!(is_parse_error(e), "{e:?} at {at}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Verification: binding, unwrap, CMAC, key delivery.

/// A device identity whose ElGamal decryption is the servers' own (RustCrypto p256 directly), so
/// that the client's verification is checked against independent code.
struct TestIdentity(KeyPair);

impl DeviceIdentity for TestIdentity {
    type Crypto = drm_core::crypto::backend::DefaultCrypto;
    fn crypto(&self) -> &Self::Crypto {
        &drm_core::crypto::backend::DEFAULT
    }
    fn certificate_chain(&self) -> &[u8] {
        &[]
    }
    fn security_level(&self) -> u32 {
        150
    }
    fn signing_public_key(&self) -> [u8; 64] {
        [0; 64]
    }
    fn encryption_public_key(&self) -> [u8; 64] {
        self.0.public()
    }
    fn sign_digest(&self, _: &[u8; 32]) -> Result<[u8; 64], Error> {
        Err(Error::Unsupported)
    }
    fn elgamal_decrypt(&self, ciphertext: &[u8; 128]) -> Result<Secret32, Error> {
        let m = self
            .0
            .elgamal_decrypt(ciphertext)
            .ok_or(Error::VerificationFailed)?;
        Ok(Secret32::from_bytes(m.x().into()))
    }
    fn derive_key(&self, _: &[u8]) -> Result<HmacKey, Error> {
        Err(Error::Unsupported)
    }
}

fn verify_bytes(bytes: &[u8], identity: &impl DeviceIdentity) -> Result<LicenseKey, Error> {
    let parsed = ParsedLicense::parse(bytes)?;
    xmr::verify(parsed, identity).map(|v| v.into_parts().1)
}

/// The key bytes a verified license delivered.
fn key_bytes(key: &LicenseKey) -> Vec<u8> {
    match key {
        LicenseKey::Content(k) | LicenseKey::KxAes128Cbc(k) => k.expose_secret().to_vec(),
        LicenseKey::KxHmacSha256(k) => k.expose_secret().to_vec(),
        LicenseKey::KxEcdsaPrivate(k) => k.expose_secret().to_vec(),
        LicenseKey::KxEcdsaPublic(k) => k.to_vec(),
        // A format-2 license checked by `verify`: no key unwrapped.
        LicenseKey::KxWrapped => Vec::new(),
    }
}

#[test]
fn good_licenses_verify_and_unwrap_to_the_servers_key() {
    let mut rng = TestRng::from_seed(320);
    let device = TestIdentity(KeyPair::generate(&mut rng));
    for key_type in [KEY_TYPE_AES_CTR, KEY_TYPE_AES_ECB, KEY_TYPE_AES_CBC] {
        let chosen: [u8; 16] = rng.array();
        let spec = LicenseSpec::content(LID, KID, key_type, chosen);
        let lic = build(&spec, &device.0, &mut rng);
        let parsed = ParsedLicense::parse(&lic.bytes).unwrap();
        let verified = xmr::verify(parsed, &device).unwrap();
        assert_eq!(verified.content_key().unwrap().expose_secret(), &chosen);
        assert!(matches!(verified.key(), LicenseKey::Content(_)));
        assert_eq!(verified.license().kid().as_bytes(), &KID);
        let debug = format!("{verified:?}");
        assert!(debug.contains("<redacted>"), "{debug}");
        assert!(!debug.contains(&format!("{:?}", &chosen[..4])), "{debug}");
    }
    for spec in kx_specs(&mut rng) {
        let lic = build(&spec, &device.0, &mut rng);
        let parsed = ParsedLicense::parse(&lic.bytes).unwrap();
        let verified = xmr::verify(parsed, &device).unwrap();
        assert!(
            verified.content_key().is_none(),
            "a key exchange key is not a content key"
        );
        let drm_servers::xmr::LicenseKey::KeyExchange { algorithm, key, .. } = &spec.key else {
            unreachable!()
        };
        assert_eq!(&key_bytes(verified.key()), key, "{algorithm:?}");
        let expected_variant = match (algorithm, verified.key()) {
            (A::AesCbc, LicenseKey::KxAes128Cbc(_))
            | (A::HmacSha256, LicenseKey::KxHmacSha256(_)) => true,
            (A::EcdsaP256, LicenseKey::KxEcdsaPrivate(_)) => key.len() == 32,
            (A::EcdsaP256, LicenseKey::KxEcdsaPublic(_)) => key.len() == 64,
            _ => false,
        };
        assert!(expected_variant, "{algorithm:?} gave {:?}", verified.key());
    }
}

/// The device's software identity from a provisioned test device.
fn software_identity(dev: &drm_servers::pki::DeviceIdentity) -> SoftwareIdentity<Vec<u8>> {
    SoftwareIdentity::new(
        EccPrivateKey::from_bytes(dev.signing_key_bytes()),
        EccPrivateKey::from_bytes(dev.encryption_key_bytes()),
        HmacKey::from_bytes([9; 32]),
        dev.chain.clone(),
        dev.security_level,
    )
    .unwrap()
}

#[test]
fn software_identity_verifies_a_server_license() {
    use drm_servers::pki::Authority;
    let mut ca = Authority::from_seed(321);
    let dev = ca.provision_device(drm_servers::pki::SL_2000);
    let identity = software_identity(&dev);
    let mut rng = TestRng::from_seed(322);
    let lic = build(&content_spec(), &dev.encryption, &mut rng);
    let key = verify_bytes(&lic.bytes, &identity).unwrap();
    assert_eq!(key_bytes(&key), vec![0x33; 16]);
}

#[test]
fn every_byte_of_the_license_flipped_is_a_typed_error() {
    let mut rng = TestRng::from_seed(323);
    let device = TestIdentity(KeyPair::generate(&mut rng));
    let mut specs = kx_specs(&mut rng);
    specs.push(content_spec());
    let mut total = 0;
    for spec in &specs {
        let n = build(spec, &device.0, &mut rng).bytes.len();
        // Every byte: the signed part, the signature header and the tag.
        for at in 0..n {
            let lic = build(&with(spec, Defect::TamperByte(at)), &device.0, &mut rng);
            let r = verify_bytes(&lic.bytes, &device);
            let Err(e) = r else {
                panic!("flip at {at} of {n} verified");
            };
            assert!(
                is_parse_error(e) || matches!(e, Error::VerificationFailed | Error::NotBound),
                "{e:?} at {at}"
            );
            total += 1;
        }
    }
    assert!(total > 2000, "{total}");
}

#[test]
fn signature_and_unwrapped_key_failures_are_verification_failed() {
    let mut rng = TestRng::from_seed(324);
    let device = TestIdentity(KeyPair::generate(&mut rng));
    let spec = content_spec();
    let n = build(&spec, &device.0, &mut rng).bytes.len();
    // The tag, the rights id, the KID, the encrypted key.
    for at in [n - 1, n - 16, 8, 23, 110, 124, 200, 251] {
        let lic = build(&with(&spec, Defect::TamperByte(at)), &device.0, &mut rng);
        assert_eq!(
            verify_bytes(&lic.bytes, &device).unwrap_err(),
            Error::VerificationFailed,
            "flip at {at}"
        );
    }
    // Key exchange keys that unwrap to invalid keys: the signature is good, the key is not.
    let order = hex32("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    for (op, key) in [
        (O::Sign, vec![0u8; 32]),
        (O::Sign, order.to_vec()),
        (O::Sign, vec![0xFF; 32]),
        (O::Verify, vec![0u8; 64]),
        (O::Verify, vec![0x01; 64]),
    ] {
        let spec = LicenseSpec::key_exchange(LID, KID, A::EcdsaP256, op, key);
        let lic = build(&spec, &device.0, &mut rng);
        assert_eq!(
            verify_bytes(&lic.bytes, &device).unwrap_err(),
            Error::VerificationFailed,
            "{op:?}"
        );
    }
    // One below the order is a valid scalar.
    let mut max = order;
    max[31] -= 1;
    let spec = LicenseSpec::key_exchange(LID, KID, A::EcdsaP256, O::Sign, max.to_vec());
    let lic = build(&spec, &device.0, &mut rng);
    assert_eq!(
        key_bytes(&verify_bytes(&lic.bytes, &device).unwrap()),
        max.to_vec()
    );
}

fn hex32(s: &str) -> [u8; 32] {
    let v: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    v.try_into().unwrap()
}

#[test]
fn licenses_for_another_device_are_not_bound() {
    let mut rng = TestRng::from_seed(325);
    let device = TestIdentity(KeyPair::generate(&mut rng));
    let other = TestIdentity(KeyPair::generate(&mut rng));
    for spec in std::iter::once(content_spec()).chain(kx_specs(&mut rng)) {
        let lic = build(&spec, &other.0, &mut rng);
        assert_eq!(
            verify_bytes(&lic.bytes, &device).unwrap_err(),
            Error::NotBound
        );
        assert!(verify_bytes(&lic.bytes, &other).is_ok());
        // Naming another key than the one it is wrapped to.
        let lic = build(&with(&spec, Defect::DeviceKeyMismatch), &device.0, &mut rng);
        assert_eq!(
            verify_bytes(&lic.bytes, &device).unwrap_err(),
            Error::NotBound
        );
        // Another device's license edited to name this device: the unwrap gives a wrong CI and
        // the CMAC fails.
        let mut lic = build(&spec, &other.0, &mut rng).bytes;
        let at = lic.windows(64).position(|w| w == other.0.public()).unwrap();
        lic[at..at + 64].copy_from_slice(&device.0.public());
        assert_eq!(
            verify_bytes(&lic, &device).unwrap_err(),
            Error::VerificationFailed
        );
    }
}

/// The `xmr_parse` fuzz target's seeds (written by `examples/write_fuzz_seeds.rs`) are licenses
/// that verify for the target's fixed device, so that its mutations reach the unwrap and the CMAC.
#[test]
fn fuzz_seeds_verify_for_the_fuzz_device() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/xmr_parse");
    let identity = SoftwareIdentity::new(
        EccPrivateKey::from_bytes([0x11; 32]),
        EccPrivateKey::from_bytes([0x5A; 32]),
        HmacKey::from_bytes([0; 32]),
        &[][..],
        150,
    )
    .unwrap();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        verify_bytes(&bytes, &identity).unwrap();
        seen += 1;
    }
    assert!(seen >= 5, "{seen}");
}

/// XMR signature type 2 (HMAC-SHA256): a well-formed license of that type parses (the type is
/// shown), and verification refuses it with its own error, never a generic one, for content and
/// key exchange licenses alike. Its key is not public, so the kit does not guess one.
#[test]
fn hmac_signed_licenses_are_refused_with_their_own_error() {
    use drm_servers::pki::Authority;
    let mut ca = Authority::from_seed(331);
    let dev = ca.provision_device(drm_servers::pki::SL_2000);
    let identity = software_identity(&dev);
    let mut rng = TestRng::from_seed(332);
    let mut specs = vec![content_spec()];
    specs.extend(kx_specs(&mut rng));
    for spec in &specs {
        let good = build(spec, &dev.encryption, &mut rng);
        assert!(verify_bytes(&good.bytes, &identity).is_ok());
        let lic = build(
            &with(spec, Defect::HmacSignature),
            &dev.encryption,
            &mut rng,
        );
        let parsed = ParsedLicense::parse(&lic.bytes).unwrap();
        assert_eq!(parsed.signature_type(), xmr::SIG_HMAC_SHA256);
        assert_eq!(parsed.signature().len(), 32);
        let e = verify_bytes(&lic.bytes, &identity).unwrap_err();
        assert_eq!(e, Error::UnsupportedSignatureType);
        assert_eq!(e.code(), 0x8004_D510);
        assert_ne!(e.code(), Error::Unsupported.code());
    }
}
