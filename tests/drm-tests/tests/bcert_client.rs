//! The client's BCert parser and chain verifier (`drm_core::bcert`) against chains built by the
//! simulated provisioning authority (`drm_servers::pki`), which shares no code with it.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use drm_core::Error;
use drm_core::bcert::{self, CertificateChain};
use drm_servers::crypto::KeyPair;
use drm_servers::pki::{
    ATTR_MUST_UNDERSTAND, Authority, CERT_TYPE_DEVICE, CERT_TYPE_ISSUER, CertKey, CertSpec,
    RawAttribute, SL_150, SL_2000, SL_3000, USAGE_ENCRYPT_KEY, USAGE_ISSUER_ALL, USAGE_SIGN,
    USAGE_SIGN_RESPONSE, build_cert, build_chain,
};

fn be32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

fn verify(chain: &[u8], root: &[u8; 64]) -> Result<(), Error> {
    CertificateChain::parse(chain)?.verify(root, None).map(drop)
}

fn device_spec(keys: Vec<CertKey>) -> CertSpec {
    CertSpec {
        cert_id: [7; 16],
        security_level: SL_150,
        flags: 0,
        cert_type: CERT_TYPE_DEVICE,
        expiration: u32::MAX,
        client_id: [8; 16],
        keys,
        extra_attributes: Vec::new(),
    }
}

fn key(public: [u8; 64], usage: u32) -> CertKey {
    CertKey {
        public,
        flags: 0,
        usages: vec![usage],
    }
}

#[test]
fn device_chains_verify_and_keys_are_found_by_usage() {
    let mut ca = Authority::from_seed(400);
    let root = ca.root_public_key();
    for sl in [SL_150, SL_2000, SL_3000] {
        let dev = ca.provision_device(sl);
        let chain = CertificateChain::parse(&dev.chain).unwrap();
        assert_eq!(chain.certificates().len(), 2);
        assert_eq!(chain.version(), 1);
        let verified = chain.verify(&root, Some(2_000_000_000)).unwrap();
        let leaf = verified.leaf().unwrap();
        assert_eq!(leaf.cert_id(), &dev.cert_id);
        assert_eq!(leaf.security_level(), sl);
        assert_eq!(verified.security_level().unwrap(), sl);
        assert_eq!(leaf.cert_type(), bcert::CERT_TYPE_DEVICE);
        assert_eq!(leaf.expiration(), bcert::NO_EXPIRATION);
        assert_eq!(leaf.signing_key().unwrap(), &dev.signing.public());
        assert_eq!(leaf.encryption_key().unwrap(), &dev.encryption.public());
        assert_eq!(
            verified.leaf_key(bcert::USAGE_SIGN).unwrap(),
            &dev.signing.public()
        );
        assert_eq!(
            verified.leaf_key(bcert::USAGE_ENCRYPT_KEY).unwrap(),
            &dev.encryption.public()
        );
        assert_eq!(
            verified.leaf_key(bcert::USAGE_SIGN_RESPONSE),
            Err(Error::KeyNotFound)
        );
        let keys: Vec<_> = leaf.keys().collect();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].usages().collect::<Vec<_>>(), vec![USAGE_SIGN]);
        assert_eq!(
            keys[1].usages().collect::<Vec<_>>(),
            vec![USAGE_ENCRYPT_KEY]
        );
        // The issuer certificate is the one the authority made.
        let issuer = &verified.chain().certificates()[1];
        assert_eq!(issuer.bytes(), ca.issuer_certificate());
        assert_eq!(issuer.cert_type(), bcert::CERT_TYPE_ISSUER);
        assert_eq!(issuer.issuer_key(), &root);
        assert_eq!(leaf.issuer_key(), &ca.issuer().public());
        // Debug prints no key.
        let debug = format!("{verified:?}");
        assert!(debug.contains("Certificate"), "{debug}");
    }
}

#[test]
fn server_chain_has_only_the_sign_response_key() {
    let mut ca = Authority::from_seed(401);
    let server = ca.provision_server();
    let chain = CertificateChain::parse(&server.chain).unwrap();
    let verified = chain.verify(&ca.root_public_key(), None).unwrap();
    assert_eq!(
        verified.leaf_key(USAGE_SIGN_RESPONSE).unwrap(),
        &server.signing.public()
    );
    let leaf = verified.leaf().unwrap();
    assert_eq!(leaf.signing_key(), Err(Error::KeyNotFound));
    assert_eq!(leaf.encryption_key(), Err(Error::KeyNotFound));
}

#[test]
fn wrong_root_and_foreign_issuer_are_refused() {
    let mut ca = Authority::from_seed(402);
    let other = Authority::from_seed(403);
    let dev = ca.provision_device(SL_150);
    assert_eq!(
        verify(&dev.chain, &other.root_public_key()),
        Err(Error::InvalidCertificate)
    );
    // The issuer's own key is not the root.
    assert_eq!(
        verify(&dev.chain, &ca.issuer().public()),
        Err(Error::InvalidCertificate)
    );
    // A leaf signed by another authority's issuer, above it this authority's issuer.
    let spec = device_spec(vec![key(dev.signing.public(), USAGE_SIGN)]);
    let leaf = build_cert(&spec, other.issuer());
    let chain = build_chain(&[&leaf, ca.issuer_certificate()]);
    assert_eq!(
        verify(&chain, &ca.root_public_key()),
        Err(Error::InvalidCertificate)
    );
    // The leaf alone, signed by the issuer: its top certificate is not issued by the root.
    let leaf = build_cert(&spec, ca.issuer());
    assert_eq!(
        verify(&build_chain(&[&leaf]), &ca.root_public_key()),
        Err(Error::InvalidCertificate)
    );
    // The issuer certificate alone verifies to the root.
    assert_eq!(
        verify(
            &build_chain(&[ca.issuer_certificate()]),
            &ca.root_public_key()
        ),
        Ok(())
    );
}

#[test]
fn wrong_order_is_refused() {
    let mut ca = Authority::from_seed(404);
    let dev = ca.provision_device(SL_150);
    let chain = CertificateChain::parse(&dev.chain).unwrap();
    let [leaf, issuer] = chain.certificates() else {
        panic!()
    };
    let swapped = build_chain(&[issuer.bytes(), leaf.bytes()]);
    assert_eq!(
        verify(&swapped, &ca.root_public_key()),
        Err(Error::InvalidCertificate)
    );
    let doubled = build_chain(&[leaf.bytes(), leaf.bytes(), issuer.bytes()]);
    assert_eq!(
        verify(&doubled, &ca.root_public_key()),
        Err(Error::InvalidCertificate)
    );
}

#[test]
fn every_byte_of_every_certificate_is_covered() {
    let mut ca = Authority::from_seed(405);
    let root = ca.root_public_key();
    let dev = ca.provision_device(SL_2000);
    let c = &dev.chain;
    // Every byte but the chain header's flags (12..16), which nothing signs or interprets: the
    // certificates' signed parts, their signature attributes (header, r‖s, key size, issuer key)
    // and the rest of the chain header.
    for at in (0..12).chain(16..c.len()) {
        let mut bad = c.clone();
        bad[at] ^= 0x01;
        let r = verify(&bad, &root);
        assert!(
            matches!(
                r,
                Err(Error::InvalidCertificate | Error::UnknownMustUnderstand)
            ),
            "flip at {at}: {r:?}"
        );
    }
    let mut flags = c.clone();
    flags[15] ^= 0x01;
    assert_eq!(verify(&flags, &root), Ok(()));
}

#[test]
fn truncated_and_trailing_chains_are_refused() {
    let mut ca = Authority::from_seed(406);
    let dev = ca.provision_device(SL_150);
    for cut in 0..dev.chain.len() {
        assert_eq!(
            CertificateChain::parse(&dev.chain[..cut]).unwrap_err(),
            Error::InvalidCertificate,
            "cut at {cut}"
        );
    }
    // A truncated chain with its header's length fixed up: the last certificate is cut.
    let mut cut = dev.chain[..dev.chain.len() - 10].to_vec();
    let n = u32::try_from(cut.len()).unwrap().to_be_bytes();
    cut[8..12].copy_from_slice(&n);
    assert_eq!(
        CertificateChain::parse(&cut).unwrap_err(),
        Error::InvalidCertificate
    );
    let mut long = dev.chain.clone();
    long.push(0);
    assert_eq!(
        CertificateChain::parse(&long).unwrap_err(),
        Error::InvalidCertificate
    );
    // Trailing bytes counted in the header's length.
    let n = u32::try_from(long.len()).unwrap().to_be_bytes();
    long[8..12].copy_from_slice(&n);
    assert_eq!(
        CertificateChain::parse(&long).unwrap_err(),
        Error::InvalidCertificate
    );
    // Count 0 and count 7.
    let leaf = &dev.chain[20..];
    for count in [0u32, 7] {
        let mut bad = dev.chain.clone();
        bad[16..20].copy_from_slice(&count.to_be_bytes());
        assert_eq!(
            CertificateChain::parse(&bad).unwrap_err(),
            Error::InvalidCertificate
        );
    }
    let seven: Vec<&[u8]> = std::iter::repeat_n(leaf, 7).collect();
    assert_eq!(
        CertificateChain::parse(&build_chain(&seven)).unwrap_err(),
        Error::InvalidCertificate
    );
}

#[test]
fn unknown_attributes_must_understand_refused_optional_skipped() {
    let mut ca = Authority::from_seed(407);
    let dev = ca.provision_device(SL_150);
    let mut spec = device_spec(vec![
        key(dev.signing.public(), USAGE_SIGN),
        key(dev.encryption.public(), USAGE_ENCRYPT_KEY),
    ]);
    spec.extra_attributes.push(RawAttribute {
        flags: 0,
        tag: 0x77,
        payload: vec![1, 2, 3],
    });
    // Known optional attributes (manufacturer) are skipped too.
    spec.extra_attributes.push(RawAttribute {
        flags: ATTR_MUST_UNDERSTAND,
        tag: drm_servers::pki::TAG_MANUFACTURER,
        payload: vec![0; 12],
    });
    let chain = ca.chain_for(&spec);
    assert_eq!(verify(&chain, &ca.root_public_key()), Ok(()));
    spec.extra_attributes[0].flags = ATTR_MUST_UNDERSTAND;
    let chain = ca.chain_for(&spec);
    assert_eq!(
        CertificateChain::parse(&chain).unwrap_err(),
        Error::UnknownMustUnderstand
    );
}

#[test]
fn issuer_rules_security_level_and_expiry() {
    let ca = Authority::from_seed(408);
    let root = ca.root_public_key();
    let mut rng = drm_servers::TestRng::from_seed(409);
    let device = KeyPair::generate(&mut rng);

    // A three-certificate chain: leaf ← sub-issuer ← issuer ← root.
    let sub = KeyPair::generate(&mut rng);
    let mut sub_spec = device_spec(vec![key(sub.public(), USAGE_ISSUER_ALL)]);
    sub_spec.cert_type = CERT_TYPE_ISSUER;
    sub_spec.security_level = SL_2000;
    let sub_cert = build_cert(&sub_spec, ca.issuer());
    let mut leaf_spec = device_spec(vec![key(device.public(), USAGE_SIGN)]);
    leaf_spec.security_level = SL_2000;
    let leaf = build_cert(&leaf_spec, &sub);
    let chain = build_chain(&[&leaf, &sub_cert, ca.issuer_certificate()]);
    assert_eq!(verify(&chain, &root), Ok(()));

    // A leaf above its issuer's security level.
    leaf_spec.security_level = SL_3000;
    let high = build_cert(&leaf_spec, &sub);
    let chain = build_chain(&[&high, &sub_cert, ca.issuer_certificate()]);
    assert_eq!(verify(&chain, &root), Err(Error::InvalidCertificate));
    leaf_spec.security_level = SL_2000;

    // The certificate above is not of issuer type.
    let mut not_issuer = sub_spec.clone();
    not_issuer.cert_type = CERT_TYPE_DEVICE;
    let bad_sub = build_cert(&not_issuer, ca.issuer());
    let chain = build_chain(&[&leaf, &bad_sub, ca.issuer_certificate()]);
    assert_eq!(verify(&chain, &root), Err(Error::InvalidCertificate));

    // The certificate above lists the key, but not with an issuer usage.
    let mut no_usage = sub_spec.clone();
    no_usage.keys = vec![key(sub.public(), USAGE_SIGN)];
    let bad_sub = build_cert(&no_usage, ca.issuer());
    let chain = build_chain(&[&leaf, &bad_sub, ca.issuer_certificate()]);
    assert_eq!(verify(&chain, &root), Err(Error::InvalidCertificate));

    // Expiry: checked only when the caller gives a time.
    leaf_spec.expiration = 1_000_000;
    let expiring = build_cert(&leaf_spec, &sub);
    let chain = build_chain(&[&expiring, &sub_cert, ca.issuer_certificate()]);
    let parse = || CertificateChain::parse(&chain).unwrap();
    assert!(parse().verify(&root, None).is_ok());
    assert!(parse().verify(&root, Some(999_999)).is_ok());
    assert_eq!(
        parse().verify(&root, Some(1_000_000)).unwrap_err(),
        Error::InvalidCertificate
    );

    // A public key digest that is not the first key's, signed anyway.
    let mut forged = leaf.clone();
    let signed = be32(&forged, 12);
    forged[16 + 8 + 16 + 12] ^= 0x01; // first byte of public_key_digest
    let signature = sub.sign(&forged[..signed]);
    forged[signed + 12..signed + 76].copy_from_slice(&signature);
    let chain = build_chain(&[&forged, &sub_cert, ca.issuer_certificate()]);
    assert_eq!(verify(&chain, &root), Err(Error::InvalidCertificate));
}
