//! PKCS#7 CBC, constant-time comparison, key splitting and the software device identity.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::TestRng;
use drm_core::Error;
use drm_core::crypto;
use drm_core::platform::{DeviceIdentity, SoftwareIdentity};
use drm_core::secret::{Aes128Key, EccPrivateKey, HmacKey, Secret32};

#[test]
fn pkcs7_padding_is_added_and_removed() {
    let key = Aes128Key::from_bytes(*b"0123456789abcdef");
    let iv = *b"fedcba9876543210";
    for len in 0..=48usize {
        let msg: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let mut buf = vec![0u8; len + 16];
        buf[..len].copy_from_slice(&msg);
        let n = crypto::aes128_cbc_encrypt_pkcs7(&key, &iv, &mut buf, len).unwrap();
        assert_eq!(n, (len / 16 + 1) * 16, "always 1..=16 bytes of padding");
        // The padding really is PKCS#7: decrypt without padding and look.
        let mut raw = buf[..n].to_vec();
        crypto::aes128_cbc_decrypt(&key, &iv, &mut raw).unwrap();
        let pad = (n - len) as u8;
        assert_eq!(&raw[..len], &msg[..]);
        assert!(raw[len..].iter().all(|&b| b == pad));
        let m = crypto::aes128_cbc_decrypt_pkcs7(&key, &iv, &mut buf[..n]).unwrap();
        assert_eq!(&buf[..m], &msg[..]);
    }
}

#[test]
fn pkcs7_errors_leave_the_buffer_alone() {
    let key = Aes128Key::from_bytes([7; 16]);
    let iv = [9; 16];
    // Too small for the padding.
    let mut buf = *b"exactly sixteen!";
    assert_eq!(
        crypto::aes128_cbc_encrypt_pkcs7(&key, &iv, &mut buf, 16),
        Err(Error::BufferTooSmall)
    );
    assert_eq!(&buf, b"exactly sixteen!");
    assert_eq!(
        crypto::aes128_cbc_encrypt_pkcs7(&key, &iv, &mut buf, 17),
        Err(Error::InvalidArgument)
    );
    // Bad lengths on decryption.
    let mut empty: [u8; 0] = [];
    assert_eq!(
        crypto::aes128_cbc_decrypt_pkcs7(&key, &iv, &mut empty),
        Err(Error::InvalidArgument)
    );
    let mut odd = [0u8; 20];
    assert_eq!(
        crypto::aes128_cbc_decrypt_pkcs7(&key, &iv, &mut odd),
        Err(Error::InvalidArgument)
    );
    // Every wrong padding (built by encrypting raw blocks) is the opaque error, with the
    // ciphertext left as it was.
    let bad_tails: [&[u8]; 5] = [
        &[0u8],          // pad byte 0
        &[17u8],         // longer than a block
        &[2u8, 3u8],     // inconsistent
        &[4u8, 4, 5, 4], // one wrong byte inside
        &[0xffu8],       // far too long
    ];
    for tail in bad_tails {
        let mut block = [0xAAu8; 32];
        block[32 - tail.len()..].copy_from_slice(tail);
        crypto::aes128_cbc_encrypt(&key, &iv, &mut block).unwrap();
        let before = block;
        assert_eq!(
            crypto::aes128_cbc_decrypt_pkcs7(&key, &iv, &mut block),
            Err(Error::VerificationFailed),
            "{tail:?}"
        );
        assert_eq!(block, before);
    }
    // A full block of padding (16 × 0x10) is valid and gives an empty message.
    let mut block = [0x10u8; 16];
    crypto::aes128_cbc_encrypt(&key, &iv, &mut block).unwrap();
    assert_eq!(
        crypto::aes128_cbc_decrypt_pkcs7(&key, &iv, &mut block),
        Ok(0)
    );
}

#[test]
fn constant_time_eq_compares_content_and_length() {
    assert!(crypto::constant_time_eq(b"", b""));
    assert!(crypto::constant_time_eq(b"abc", b"abc"));
    assert!(!crypto::constant_time_eq(b"abc", b"abd"));
    assert!(!crypto::constant_time_eq(b"abc", b"ab"));
}

#[test]
fn secret32_splits_into_two_keys() {
    let bytes: [u8; 32] = core::array::from_fn(|i| i as u8);
    let (a, b) = Secret32::from_bytes(bytes).split_aes128();
    assert_eq!(a.expose_secret()[..], bytes[..16]);
    assert_eq!(b.expose_secret()[..], bytes[16..]);
    assert_eq!(format!("{a:?}"), "Aes128Key(<redacted>)");
}

#[test]
fn software_identity_uses_the_right_keys() {
    let mut rng = TestRng::seeded(10);
    let (signing, signing_public) = crypto::ecc_generate_key(&mut rng).unwrap();
    let (encryption, encryption_public) = crypto::ecc_generate_key(&mut rng).unwrap();
    let id = SoftwareIdentity::new(
        signing,
        encryption,
        HmacKey::from_bytes([0x5A; 32]),
        &b"CHAI chain bytes"[..],
        2000,
    )
    .unwrap();
    assert_eq!(id.signing_public_key(), signing_public);
    assert_eq!(id.encryption_public_key(), encryption_public);
    assert_eq!(id.certificate_chain(), b"CHAI chain bytes");
    assert_eq!(id.security_level(), 2000);
    assert!(!format!("{id:?}").contains("5a"));

    // Signs with the signing key.
    let digest = crypto::sha256(b"SignedInfo");
    let sig = id.sign_digest(&digest).unwrap();
    crypto::ecdsa_p256_verify_digest(&signing_public, &digest, &sig).unwrap();
    assert_eq!(
        crypto::ecdsa_p256_verify_digest(&encryption_public, &digest, &sig),
        Err(Error::VerificationFailed)
    );

    // Unwraps with the encryption key only.
    let x = crypto::random_point_x(&mut rng).unwrap();
    let ct = crypto::elgamal_encrypt(&encryption_public, &x, &mut rng).unwrap();
    assert_eq!(id.elgamal_decrypt(&ct).unwrap().expose_secret(), &x);
    let ct = crypto::elgamal_encrypt(&signing_public, &x, &mut rng).unwrap();
    assert_ne!(id.elgamal_decrypt(&ct).unwrap().expose_secret(), &x);

    // derive_key is HMAC-SHA256(device secret, purpose): stable, purpose-separated.
    let k1 = id.derive_key(b"hds integrity").unwrap();
    assert_eq!(k1, id.derive_key(b"hds integrity").unwrap());
    assert_ne!(k1, id.derive_key(b"secure store").unwrap());
    let expected = {
        let mut m = crypto::HmacSha256::new_from_slice(&[0x5A; 32]).unwrap();
        m.update(b"hds integrity");
        m.finalize()
    };
    assert_eq!(k1.expose_secret(), &expected);
    assert_eq!(id.derive_key(b"").map(|_| ()), Err(Error::InvalidArgument));

    // Another chain, same keys.
    let id = id.with_chain([1u8, 2, 3]);
    assert_eq!(id.certificate_chain(), &[1, 2, 3]);
    assert_eq!(id.signing_public_key(), signing_public);
}

#[test]
fn software_identity_refuses_invalid_keys() {
    let r = SoftwareIdentity::new(
        EccPrivateKey::from_bytes([0; 32]),
        EccPrivateKey::from_bytes([1; 32]),
        HmacKey::from_bytes([0; 32]),
        [0u8; 0],
        150,
    );
    assert_eq!(r.map(|_| ()).unwrap_err(), Error::InvalidArgument);
}
