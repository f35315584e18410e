//! P-256 keys, ECDSA and ElGamal (PROTOCOL §2) behaviour beyond the known answers: round trips,
//! the even-y rule, and typed errors on bad input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{FailingRng, TestRng};
use drm_core::Error;
use drm_core::crypto;
use drm_core::secret::EccPrivateKey;

/// The order n of the P-256 group.
const ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

#[test]
fn generated_keys_are_consistent_and_sign() {
    let mut rng = TestRng::seeded(1);
    let (key, public) = crypto::ecc_generate_key(&mut rng).unwrap();
    assert_eq!(crypto::ecc_public_key(&key).unwrap(), public);
    assert!(crypto::is_valid_public_key(&public));
    let sig = crypto::ecdsa_p256_sign(&key, b"challenge").unwrap();
    crypto::ecdsa_p256_verify(&public, b"challenge", &sig).unwrap();
    // Deterministic: same key and message, same signature.
    assert_eq!(crypto::ecdsa_p256_sign(&key, b"challenge").unwrap(), sig);
    assert_eq!(
        crypto::ecdsa_p256_verify(&public, b"challengf", &sig),
        Err(Error::VerificationFailed)
    );
    let (_, other) = crypto::ecc_generate_key(&mut rng).unwrap();
    assert_eq!(
        crypto::ecdsa_p256_verify(&other, b"challenge", &sig),
        Err(Error::VerificationFailed)
    );
    // Wrong lengths and a public key off the curve: the same opaque error.
    assert_eq!(
        crypto::ecdsa_p256_verify(&public, b"challenge", &sig[..63]),
        Err(Error::VerificationFailed)
    );
    let mut long = sig.to_vec();
    long.push(0);
    assert_eq!(
        crypto::ecdsa_p256_verify(&public, b"challenge", &long),
        Err(Error::VerificationFailed)
    );
    let mut off_curve = public;
    off_curve[63] ^= 1;
    assert!(!crypto::is_valid_public_key(&off_curve));
    assert_eq!(
        crypto::ecdsa_p256_verify(&off_curve, b"challenge", &sig),
        Err(Error::VerificationFailed)
    );
}

#[test]
fn invalid_private_keys_are_refused() {
    for bytes in [[0u8; 32], ORDER, [0xff; 32]] {
        let key = EccPrivateKey::from_bytes(bytes);
        assert_eq!(crypto::ecc_public_key(&key), Err(Error::InvalidArgument));
        assert_eq!(
            crypto::ecdsa_p256_sign(&key, b"m"),
            Err(Error::InvalidArgument)
        );
        assert_eq!(
            crypto::elgamal_decrypt(&key, &[0u8; 128]).map(|_| ()),
            Err(Error::VerificationFailed),
            "the ciphertext is checked first"
        );
    }
    // n - 1 is the largest valid scalar; its public key is -G.
    let mut n_minus_1 = ORDER;
    n_minus_1[31] -= 1;
    let public = crypto::ecc_public_key(&EccPrivateKey::from_bytes(n_minus_1)).unwrap();
    let mut one = [0u8; 32];
    one[31] = 1;
    let g = crypto::ecc_public_key(&EccPrivateKey::from_bytes(one)).unwrap();
    assert_eq!(public[..32], g[..32], "same x");
    assert_ne!(public[32..], g[32..], "opposite y");
}

#[test]
fn point_from_x_takes_the_even_y_and_rejects_non_residues() {
    let mut rng = TestRng::seeded(2);
    let (mut ok, mut bad) = (0, 0);
    for _ in 0..200 {
        let mut x = [0u8; 32];
        rand_core::TryRng::try_fill_bytes(&mut rng, &mut x).unwrap();
        match crypto::point_from_x(&x) {
            Ok(p) => {
                assert_eq!(p[..32], x);
                assert_eq!(p[63] & 1, 0, "even y");
                assert!(crypto::is_valid_public_key(&p));
                ok += 1;
            }
            Err(e) => {
                assert_eq!(e, Error::InvalidArgument);
                bad += 1;
            }
        }
    }
    // About half of all x are the x of a point; 200 draws put both counts far from 0.
    assert!(ok > 60 && bad > 60, "{ok} valid, {bad} invalid");
    // The generator's x gives G itself (G's y is odd? then the other one): x matches either way.
    let mut one = [0u8; 32];
    one[31] = 1;
    let g = crypto::ecc_public_key(&EccPrivateKey::from_bytes(one)).unwrap();
    let p = crypto::point_from_x(&g[..32].try_into().unwrap()).unwrap();
    assert_eq!(p[..32], g[..32]);
    if g[63] & 1 == 0 {
        assert_eq!(p, g);
    } else {
        assert_ne!(p, g);
    }
}

#[test]
fn elgamal_round_trip_and_failures() {
    let mut rng = TestRng::seeded(3);
    let (device, device_public) = crypto::ecc_generate_key(&mut rng).unwrap();
    let (other, _) = crypto::ecc_generate_key(&mut rng).unwrap();
    for _ in 0..8 {
        let x = crypto::random_point_x(&mut rng).unwrap();
        let ct = crypto::elgamal_encrypt(&device_public, &x, &mut rng).unwrap();
        assert_eq!(
            crypto::elgamal_decrypt(&device, &ct)
                .unwrap()
                .expose_secret(),
            &x
        );
        // Fresh randomness each time: the same message encrypts differently.
        let ct2 = crypto::elgamal_encrypt(&device_public, &x, &mut rng).unwrap();
        assert_ne!(ct, ct2);
        assert_eq!(
            crypto::elgamal_decrypt(&device, &ct2)
                .unwrap()
                .expose_secret(),
            &x
        );
        // Another device's key recovers some other point, not the message.
        if let Ok(wrong) = crypto::elgamal_decrypt(&other, &ct) {
            assert_ne!(wrong.expose_secret(), &x);
        }
        // C1 or C2 off the curve: refused.
        for i in [0usize, 40, 64, 127] {
            let mut bad = ct;
            bad[i] ^= 1;
            assert_eq!(
                crypto::elgamal_decrypt(&device, &bad).map(|_| ()),
                Err(Error::VerificationFailed),
                "byte {i}"
            );
        }
    }
    // A message whose x is not the x of a point cannot be encrypted.
    let mut x = crypto::random_point_x(&mut rng).unwrap();
    while crypto::point_from_x(&x).is_ok() {
        x[0] = x[0].wrapping_add(1);
    }
    assert_eq!(
        crypto::elgamal_encrypt(&device_public, &x, &mut rng),
        Err(Error::InvalidArgument)
    );
    // Neither can anything be encrypted to a key that is not a point.
    let good_x = crypto::random_point_x(&mut rng).unwrap();
    assert_eq!(
        crypto::elgamal_encrypt(&[0u8; 64], &good_x, &mut rng),
        Err(Error::InvalidArgument)
    );
    // C1 = C2 = G with d = 1 gives M = G − G, the identity: refused.
    let mut one = [0u8; 32];
    one[31] = 1;
    let g = crypto::ecc_public_key(&EccPrivateKey::from_bytes(one)).unwrap();
    let mut identity_ct = [0u8; 128];
    identity_ct[..64].copy_from_slice(&g);
    identity_ct[64..].copy_from_slice(&g);
    assert_eq!(
        crypto::elgamal_decrypt(&EccPrivateKey::from_bytes(one), &identity_ct).map(|_| ()),
        Err(Error::VerificationFailed)
    );
}

#[test]
fn wrapping_ci_ck_keeps_the_content_key() {
    let mut rng = TestRng::seeded(4);
    let (device, public) = crypto::ecc_generate_key(&mut rng).unwrap();
    let ck = *b"content key 16B!";
    let x = crypto::random_point_x_with_suffix(&ck, &mut rng).unwrap();
    assert_eq!(x[16..], ck);
    let ct = crypto::elgamal_encrypt(&public, &x, &mut rng).unwrap();
    let (ci_key, ck_key) = crypto::elgamal_decrypt(&device, &ct)
        .unwrap()
        .split_aes128();
    assert_eq!(ck_key.expose_secret(), &ck);
    assert_eq!(ci_key.expose_secret()[..], x[..16]);
}

#[test]
fn a_failing_rng_is_a_typed_error() {
    let mut rng = FailingRng;
    assert_eq!(
        crypto::ecc_generate_key(&mut rng).map(|_| ()),
        Err(Error::Rng)
    );
    assert_eq!(crypto::random_point_x(&mut rng), Err(Error::Rng));
    let mut good = TestRng::seeded(5);
    let (_, public) = crypto::ecc_generate_key(&mut good).unwrap();
    let x = crypto::random_point_x(&mut good).unwrap();
    assert_eq!(
        crypto::elgamal_encrypt(&public, &x, &mut rng),
        Err(Error::Rng)
    );
}
