//! Unit tests of the authority, the chain builder and the chain parser.

use super::*;

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap())
}

#[test]
fn device_chain_layout_by_hand() {
    let mut ca = Authority::from_seed(10);
    let dev = ca.provision_device(SL_2000);
    let c = &dev.chain;
    assert_eq!(&c[..4], b"CHAI");
    assert_eq!(be32(c, 4), 1);
    assert_eq!(be32(c, 8) as usize, c.len());
    assert_eq!(be32(c, 16), 2, "leaf and issuer");
    // Leaf certificate at 20.
    assert_eq!(&c[20..24], b"CERT");
    let total = be32(c, 28) as usize;
    let signed = be32(c, 32) as usize;
    assert_eq!(total, signed + 144);
    // Basic attribute first: flags 1, tag 1, length 88.
    assert_eq!(&c[36..44], &[0, 1, 0, 1, 0, 0, 0, 88]);
    assert_eq!(&c[44..60], &dev.cert_id);
    assert_eq!(be32(c, 60), 2000);
    assert_eq!(be32(c, 68), CERT_TYPE_DEVICE);
    assert_eq!(&c[72..104], &sha256(&dev.signing.public()));
    // Key attribute: two keys, signing (usage 1) then encryption (usage 2).
    assert_eq!(&c[124..128], &[0, 1, 0, 6]);
    assert_eq!(be32(c, 132), 2);
    assert_eq!(&c[136..140], &[0, 1, 2, 0]);
    assert_eq!(&c[144..208], &dev.signing.public());
    assert_eq!((be32(c, 208), be32(c, 212)), (1, USAGE_SIGN));
    assert_eq!(&c[224..288], &dev.encryption.public());
    assert_eq!((be32(c, 288), be32(c, 292)), (1, USAGE_ENCRYPT_KEY));
    // Signature attribute at signed_length, verified here with p256 directly.
    let sig_at = 20 + signed;
    assert_eq!(&c[sig_at..sig_at + 8], &[0, 1, 0, 8, 0, 0, 0, 144]);
    assert_eq!(&c[sig_at + 8..sig_at + 12], &[0, 1, 0, 64]);
    assert_eq!(be32(c, sig_at + 76), 512);
    assert_eq!(&c[sig_at + 80..sig_at + 144], &ca.issuer().public());
    use p256::ecdsa::signature::Verifier;
    let vk =
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&[&[4u8][..], &ca.issuer().public()].concat())
            .unwrap();
    let sig = p256::ecdsa::Signature::from_slice(&c[sig_at + 12..sig_at + 76]).unwrap();
    vk.verify(&c[20..20 + signed], &sig).unwrap();
    // The issuer certificate follows and is signed by the root.
    assert_eq!(&c[20 + total..20 + total + 4], b"CERT");
    assert_eq!(&c[20 + total..], ca.issuer_certificate());
}

#[test]
fn device_chain_verifies_and_yields_leaf_keys() {
    let mut ca = Authority::from_seed(11);
    for sl in [SL_150, SL_2000, SL_3000] {
        let dev = ca.provision_device(sl);
        let info = verify_device_chain(&dev.chain, &ca.root_public_key()).unwrap();
        assert_eq!(info.cert_id, dev.cert_id);
        assert_eq!(info.security_level, sl);
        assert_eq!(info.signing_key, dev.signing.public());
        assert_eq!(info.encryption_key, dev.encryption.public());
        assert_eq!(
            KeyPair::from_secret_bytes(&dev.signing_key_bytes())
                .unwrap()
                .public(),
            info.signing_key
        );
    }
}

#[test]
fn deterministic_from_seed() {
    let a = Authority::from_seed(12).provision_device(SL_150);
    let b = Authority::from_seed(12).provision_device(SL_150);
    let c = Authority::from_seed(13).provision_device(SL_150);
    assert_eq!(a.chain, b.chain);
    assert_eq!(a.encryption_key_bytes(), b.encryption_key_bytes());
    assert_ne!(a.chain, c.chain);
}

#[test]
fn every_signed_byte_is_covered() {
    let mut ca = Authority::from_seed(14);
    let dev = ca.provision_device(SL_150);
    let root = ca.root_public_key();
    let leaf_signed = 20 + be32(&dev.chain, 32) as usize;
    // Flip a sample of bytes in the leaf's signed part and in the issuer certificate.
    for at in (20..leaf_signed)
        .step_by(7)
        .chain([leaf_signed + 20, dev.chain.len() - 200])
    {
        let mut bad = dev.chain.clone();
        bad[at] ^= 0x01;
        assert!(
            verify_device_chain(&bad, &root).is_err(),
            "flip at {at} accepted"
        );
    }
}

#[test]
fn wrong_root_and_foreign_issuer_are_rejected() {
    let mut ca = Authority::from_seed(15);
    let other = Authority::from_seed(16);
    let dev = ca.provision_device(SL_150);
    let e = verify_device_chain(&dev.chain, &other.root_public_key()).unwrap_err();
    assert!(e.contains("trusted root"), "{e}");
    // A leaf signed by another issuer, chained to this authority's issuer certificate.
    let spec = CertSpec {
        cert_id: [1; 16],
        security_level: SL_150,
        flags: 0,
        cert_type: CERT_TYPE_DEVICE,
        expiration: u32::MAX,
        client_id: [0; 16],
        keys: vec![CertKey {
            public: dev.signing.public(),
            flags: 0,
            usages: vec![1],
        }],
        extra_attributes: vec![],
    };
    let leaf = build_cert(&spec, other.issuer());
    let chain = build_chain(&[&leaf, ca.issuer_certificate()]);
    let e = verify_chain(&chain, &ca.root_public_key()).unwrap_err();
    assert!(e.contains("does not list its issuer key"), "{e}");
    // The same leaf without an encryption key is not a device for the servers.
    let leaf = build_cert(&spec, ca.issuer());
    let chain = build_chain(&[&leaf, ca.issuer_certificate()]);
    let e = verify_device_chain(&chain, &ca.root_public_key()).unwrap_err();
    assert!(e.contains("encryption key"), "{e}");
}

#[test]
fn unknown_must_understand_attribute_is_refused_optional_one_skipped() {
    let ca = Authority::from_seed(17);
    let mut spec = CertSpec {
        cert_id: [2; 16],
        security_level: SL_150,
        flags: 0,
        cert_type: CERT_TYPE_DEVICE,
        expiration: u32::MAX,
        client_id: [0; 16],
        keys: vec![
            CertKey {
                public: ca.root().public(),
                flags: 0,
                usages: vec![1],
            },
            CertKey {
                public: ca.issuer().public(),
                flags: 0,
                usages: vec![2],
            },
        ],
        extra_attributes: vec![RawAttribute {
            flags: 0,
            tag: 0x77,
            payload: vec![1, 2, 3],
        }],
    };
    let chain = ca.chain_for(&spec);
    let parsed = verify_chain(&chain, &ca.root_public_key()).unwrap();
    assert_eq!(
        parsed.certs[0].tags,
        vec![TAG_BASIC, TAG_KEY, 0x77, TAG_SIGNATURE]
    );
    spec.extra_attributes[0].flags = ATTR_MUST_UNDERSTAND;
    let e = verify_chain(&ca.chain_for(&spec), &ca.root_public_key()).unwrap_err();
    assert!(e.contains("must-understand"), "{e}");
}

#[test]
fn server_chain_has_sign_response_key_and_truncations_fail() {
    let mut ca = Authority::from_seed(18);
    let server = ca.provision_server();
    let chain = verify_chain(&server.chain, &ca.root_public_key()).unwrap();
    assert_eq!(chain.certs[0].cert_type, CERT_TYPE_SERVER);
    assert_eq!(
        chain.certs[0].key_with_usage(USAGE_SIGN_RESPONSE),
        Some(&server.signing.public())
    );
    assert!(verify_device_chain(&server.chain, &ca.root_public_key()).is_err());
    for cut in [0, 3, 19, 20, 100, server.chain.len() - 1] {
        assert!(parse_chain(&server.chain[..cut]).is_err(), "cut at {cut}");
    }
    let mut long = server.chain.clone();
    long.push(0);
    assert!(parse_chain(&long).is_err());
}
