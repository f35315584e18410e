//! Known-answer tests of `drm_core::crypto` against published vectors (files in
//! `tests/vectors/`, each naming its source).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use drm_core::Error;
use drm_core::crypto::{self, Cmac, HmacSha256, Sha256};
use drm_core::secret::{Aes128Key, EccPrivateKey, HmacKey};

fn vectors(text: &str, at_least: usize) -> Vec<common::Block> {
    let blocks = common::parse(text);
    assert!(blocks.len() >= at_least, "vector file lost entries");
    blocks
}

#[test]
fn sha256_fips180() {
    for v in vectors(include_str!("vectors/sha256.txt"), 4) {
        let msg = v.bytes("msg");
        let md: [u8; 32] = v.array("md");
        assert_eq!(crypto::sha256(&msg), md, "line {}", v.line);
        // Streaming in uneven pieces gives the same digest.
        let mut h = Sha256::new();
        for piece in msg.chunks(63) {
            h.update(piece);
        }
        assert_eq!(h.finalize(), md, "line {}", v.line);
    }
}

#[test]
fn hmac_sha256_rfc4231() {
    for v in vectors(include_str!("vectors/hmac_sha256.txt"), 7) {
        let key = v.bytes("key");
        let data = v.bytes("data");
        let mac = v.bytes("mac");
        let mut m = HmacSha256::new_from_slice(&key).unwrap();
        m.update(&data);
        let tag = m.finalize();
        assert_eq!(&tag[..mac.len()], &mac[..], "case {}", v.text("case"));
        if mac.len() == 32 {
            let mut m = HmacSha256::new_from_slice(&key).unwrap();
            m.update(&data);
            m.verify(&mac).unwrap();
            let mut bad = mac.clone();
            bad[31] ^= 1;
            let mut m = HmacSha256::new_from_slice(&key).unwrap();
            m.update(&data);
            assert_eq!(m.verify(&bad), Err(Error::VerificationFailed));
        }
        // The fixed-size key type (32 bytes, zero-padded to the block) agrees for keys it can
        // hold: a key shorter than 32 bytes is the same HMAC key as its zero-padded form.
        if key.len() <= 32 {
            let mut k = [0u8; 32];
            k[..key.len()].copy_from_slice(&key);
            let tag32 = crypto::hmac_sha256(&HmacKey::from_bytes(k), &data);
            assert_eq!(tag32, tag, "case {}", v.text("case"));
        }
    }
}

#[test]
fn aes128_fips197() {
    for v in vectors(include_str!("vectors/aes128.txt"), 2) {
        let key = Aes128Key::from_bytes(v.array("key"));
        let pt: [u8; 16] = v.array("plaintext");
        let ct: [u8; 16] = v.array("ciphertext");
        let mut block = pt;
        crypto::aes128_encrypt_block(&key, &mut block);
        assert_eq!(block, ct, "line {}", v.line);
        crypto::aes128_decrypt_block(&key, &mut block);
        assert_eq!(block, pt, "line {}", v.line);
    }
}

#[test]
fn aes128_cbc_sp800_38a() {
    for v in vectors(include_str!("vectors/aes128_cbc.txt"), 1) {
        let key = Aes128Key::from_bytes(v.array("key"));
        let iv: [u8; 16] = v.array("iv");
        let pt = v.bytes("plaintext");
        let ct = v.bytes("ciphertext");
        let mut buf = pt.clone();
        crypto::aes128_cbc_encrypt(&key, &iv, &mut buf).unwrap();
        assert_eq!(buf, ct);
        crypto::aes128_cbc_decrypt(&key, &iv, &mut buf).unwrap();
        assert_eq!(buf, pt);
        // Each prefix of whole blocks is the CBC of that prefix.
        for blocks in 0..=4 {
            let mut part = pt[..16 * blocks].to_vec();
            crypto::aes128_cbc_encrypt(&key, &iv, &mut part).unwrap();
            assert_eq!(part, ct[..16 * blocks]);
        }
        // Not a whole number of blocks: refused, buffer untouched.
        let mut odd = pt[..17].to_vec();
        assert_eq!(
            crypto::aes128_cbc_encrypt(&key, &iv, &mut odd),
            Err(Error::InvalidArgument)
        );
        assert_eq!(
            crypto::aes128_cbc_decrypt(&key, &iv, &mut odd),
            Err(Error::InvalidArgument)
        );
        assert_eq!(odd, pt[..17]);
    }
}

#[test]
fn aes128_cmac_rfc4493() {
    for v in vectors(include_str!("vectors/aes128_cmac.txt"), 4) {
        let key = Aes128Key::from_bytes(v.array("key"));
        let msg = v.bytes("msg");
        let mac: [u8; 16] = v.array("mac");
        assert_eq!(crypto::aes128_cmac(&key, &msg), mac, "line {}", v.line);
        crypto::cmac_verify(&key, &msg, &mac).unwrap();
        let mut inc = Cmac::new(&key);
        for piece in msg.chunks(7) {
            inc.update(piece);
        }
        assert_eq!(inc.finalize(), mac);
        // A changed tag, a short tag, a changed message: all the same opaque error.
        let mut bad = mac;
        bad[0] ^= 0x80;
        assert_eq!(
            crypto::cmac_verify(&key, &msg, &bad),
            Err(Error::VerificationFailed)
        );
        assert_eq!(
            crypto::cmac_verify(&key, &msg, &mac[..15]),
            Err(Error::VerificationFailed)
        );
        let mut longer = msg.clone();
        longer.push(0);
        assert_eq!(
            crypto::cmac_verify(&key, &longer, &mac),
            Err(Error::VerificationFailed)
        );
    }
}

#[test]
fn ecdsa_p256_rfc6979_a25() {
    for v in vectors(include_str!("vectors/ecdsa_p256_rfc6979.txt"), 2) {
        let key = EccPrivateKey::from_bytes(v.array("x"));
        let mut public = [0u8; 64];
        public[..32].copy_from_slice(&v.bytes("ux"));
        public[32..].copy_from_slice(&v.bytes("uy"));
        assert_eq!(crypto::ecc_public_key(&key).unwrap(), public);
        let msg = v.bytes("msg");
        let mut expected = [0u8; 64];
        expected[..32].copy_from_slice(&v.bytes("r"));
        expected[32..].copy_from_slice(&v.bytes("s"));
        let sig = crypto::ecdsa_p256_sign(&key, &msg).unwrap();
        assert_eq!(sig, expected, "line {}", v.line);
        assert_eq!(
            crypto::ecdsa_p256_sign_digest(&key, &crypto::sha256(&msg)).unwrap(),
            expected
        );
        crypto::ecdsa_p256_verify(&public, &msg, &sig).unwrap();
        let mut bad = sig;
        bad[63] ^= 1;
        assert_eq!(
            crypto::ecdsa_p256_verify(&public, &msg, &bad),
            Err(Error::VerificationFailed)
        );
    }
}

#[test]
fn ecdsa_p256_wycheproof() {
    let (mut valid, mut invalid) = (0, 0);
    for v in vectors(include_str!("vectors/ecdsa_p256_wycheproof.txt"), 200) {
        let mut public = [0u8; 64];
        public[..32].copy_from_slice(&v.bytes("wx"));
        public[32..].copy_from_slice(&v.bytes("wy"));
        let msg = v.bytes("msg");
        let sig = v.bytes("sig");
        let result = crypto::ecdsa_p256_verify(&public, &msg, &sig);
        match v.text("result") {
            "1" => {
                assert_eq!(result, Ok(()), "line {}", v.line);
                valid += 1;
            }
            "0" => {
                assert_eq!(result, Err(Error::VerificationFailed), "line {}", v.line);
                invalid += 1;
            }
            other => panic!("line {}: result {other}", v.line),
        }
    }
    // The counts the file's header states.
    assert_eq!((valid, invalid), (147, 71));
}

#[test]
fn no_std_selftest_runs_every_vector() {
    use drm_core::selftest::{self, Report};
    let mut rng = common::TestRng::seeded(99);
    let report = selftest::run_all(
        &drm_core::crypto::backend::RustCrypto,
        &mut rng,
        usize::MAX,
        4,
    )
    .unwrap();
    assert_eq!(
        report,
        Report {
            sha256: 4,
            hmac_sha256: 7,
            aes128: 2,
            aes128_cbc: 1,
            aes128_cmac: 4,
            ecdsa_rfc6979: 2,
            ecdsa_wycheproof: 218,
            elgamal: 4,
        }
    );
    assert_eq!(
        selftest::ecdsa_wycheproof(&drm_core::crypto::backend::RustCrypto, 10),
        Ok(10)
    );
}
