//! drm-core's crypto against the servers' independent RustCrypto code (`drm_servers::crypto`):
//! ElGamal both ways, ECDSA both ways, CMAC, HMAC and CBC with PKCS#7.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use drm_core::Error;
use drm_core::crypto;
use drm_core::secret::{Aes128Key, EccPrivateKey, HmacKey};
use drm_servers::TestRng;
use drm_servers::crypto::{self as server, KeyPair};

/// drm-core wants a `rand_core` generator; this one draws from the servers' seeded stream.
struct Bridge(TestRng);

impl rand_core::TryRng for Bridge {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(u32::from_le_bytes(self.0.array()))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(u64::from_le_bytes(self.0.array()))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.0.fill(dst);
        Ok(())
    }
}

impl rand_core::TryCryptoRng for Bridge {}

#[test]
fn server_wraps_client_unwraps() {
    let mut rng = TestRng::from_seed(101);
    for _ in 0..8 {
        let device = KeyPair::generate(&mut rng);
        let q = server::point_from_bytes(&device.public()).unwrap();
        let ck: [u8; 16] = rng.array();
        let (ct, ci) = server::wrap_key(&q, &ck, &mut rng);
        let key = EccPrivateKey::from_bytes(device.secret_bytes());
        assert_eq!(crypto::ecc_public_key(&key).unwrap(), device.public());
        let (ci_key, ck_key) = crypto::elgamal_decrypt(&key, &ct).unwrap().split_aes128();
        assert_eq!(ci_key.expose_secret(), &ci);
        assert_eq!(ck_key.expose_secret(), &ck);
    }
}

#[test]
fn client_encrypts_server_decrypts_and_both_pick_the_same_point() {
    let mut rng = TestRng::from_seed(102);
    let mut bridge = Bridge(TestRng::from_seed(103));
    for _ in 0..8 {
        let server_key = KeyPair::generate(&mut rng);
        let x = crypto::random_point_x(&mut bridge).unwrap();
        // point_from_x: both sides choose the same y.
        let ours = crypto::point_from_x(&x).unwrap();
        let theirs = server::point_to_bytes(&server::point_from_x(&x).unwrap());
        assert_eq!(ours, theirs);
        let ct = crypto::elgamal_encrypt(&server_key.public(), &x, &mut bridge).unwrap();
        let m = server_key.elgamal_decrypt(&ct).unwrap();
        assert_eq!(server::point_to_bytes(&m), ours);
    }
    // And an x that is no point is refused by both.
    let mut x = [0u8; 32];
    while server::point_from_x(&x).is_some() {
        x[31] += 1;
    }
    assert_eq!(crypto::point_from_x(&x), Err(Error::InvalidArgument));
}

#[test]
fn encrypting_a_random_point_is_the_two_calls_and_the_server_decrypts_it() {
    let mut rng = TestRng::from_seed(106);
    for seed in 0..8u64 {
        let server_key = KeyPair::generate(&mut rng);
        let mut one = Bridge(TestRng::from_seed(200 + seed));
        let (x, ct) = crypto::elgamal_encrypt_random_point(&server_key.public(), &mut one).unwrap();
        // The server finds the point whose x is the secret, even y.
        let m = server_key.elgamal_decrypt(&ct).unwrap();
        let want = server::point_to_bytes(&server::point_from_x(x.expose_secret()).unwrap());
        assert_eq!(server::point_to_bytes(&m), want);
        // The same RNG stream through the two separate calls gives the same bytes.
        let mut two = Bridge(TestRng::from_seed(200 + seed));
        let x2 = crypto::random_point_x(&mut two).unwrap();
        assert_eq!(&x2, x.expose_secret());
        let ct2 = crypto::elgamal_encrypt(&server_key.public(), &x2, &mut two).unwrap();
        assert_eq!(ct, ct2);
    }
    // A key off the curve is refused.
    let mut bad = KeyPair::generate(&mut rng).public();
    bad[63] ^= 1;
    assert_eq!(
        crypto::elgamal_encrypt_random_point(&bad, &mut Bridge(TestRng::from_seed(1)))
            .map(|(_, ct)| ct),
        Err(Error::InvalidArgument)
    );
}

#[test]
fn ecdsa_both_ways() {
    let mut rng = TestRng::from_seed(104);
    for i in 0..8u8 {
        let pair = KeyPair::generate(&mut rng);
        let msg = [i; 100];
        let key = EccPrivateKey::from_bytes(pair.secret_bytes());
        let ours = crypto::ecdsa_p256_sign(&key, &msg).unwrap();
        assert!(server::ecdsa_verify(&pair.public(), &msg, &ours));
        // Both use RFC 6979 nonces, so the signatures are identical.
        let theirs = pair.sign(&msg);
        assert_eq!(ours, theirs);
        crypto::ecdsa_p256_verify(&pair.public(), &msg, &theirs).unwrap();
    }
}

#[test]
fn symmetric_primitives_agree() {
    let mut rng = TestRng::from_seed(105);
    for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 100, 1000] {
        let key: [u8; 16] = rng.array();
        let iv: [u8; 16] = rng.array();
        let mut msg = vec![0u8; len];
        rng.fill(&mut msg);

        assert_eq!(
            crypto::aes128_cmac(&Aes128Key::from_bytes(key), &msg),
            server::cmac_aes128(&key, &msg)
        );
        let hkey: [u8; 32] = rng.array();
        assert_eq!(
            crypto::hmac_sha256(&HmacKey::from_bytes(hkey), &msg),
            server::hmac_sha256(&hkey, &msg)
        );
        assert_eq!(crypto::sha256(&msg), server::sha256(&msg));

        // PKCS#7 CBC: our ciphertext is theirs, and we decrypt theirs.
        let theirs = server::aes_cbc_encrypt_pkcs7(&key, &iv, &msg);
        let mut buf = msg.clone();
        buf.resize(len + 16, 0);
        let n = crypto::aes128_cbc_encrypt_pkcs7(&Aes128Key::from_bytes(key), &iv, &mut buf, len)
            .unwrap();
        assert_eq!(&buf[..n], &theirs[..]);
        // Block by block with one key schedule: the same ciphertext.
        let mut enc = crypto::Aes128CbcEncryptor::new(&Aes128Key::from_bytes(key), &iv);
        for (i, chunk) in theirs.chunks(16).enumerate() {
            // The padded plaintext block.
            let mut block = [16 - (len % 16) as u8; 16];
            let start = i * 16;
            let take = len.saturating_sub(start).min(16);
            block[..take].copy_from_slice(&msg[start..start + take]);
            enc.encrypt_block(&mut block);
            assert_eq!(&block[..], chunk, "block {i} of {len}");
        }
        let mut back = theirs.clone();
        let m =
            crypto::aes128_cbc_decrypt_pkcs7(&Aes128Key::from_bytes(key), &iv, &mut back).unwrap();
        assert_eq!(&back[..m], &msg[..]);
    }
}
