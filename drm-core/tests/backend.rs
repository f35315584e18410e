//! The kit's own constructions over the backend traits (HMAC, CMAC, CBC, PKCS#7) against
//! independent implementations (the `hmac`, `cmac` and `cbc` crates) for every length up to a
//! few blocks, fed in pieces; and a backend of the port's kind (blocks only, counting its calls)
//! giving the same bytes as RustCrypto.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use core::cell::Cell;

use cmac::Mac as _;
use drm_core::crypto::backend::{
    AesEngine, Algorithms, BlockCipher, Hmac, RustCrypto, Sha256Engine, SoftAes128, SoftSha256,
    Suite,
};
use drm_core::secret::{Aes128Key, HmacKey};
use hmac::KeyInit as _;

fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[test]
fn hmac_is_the_hmac_crate_for_every_key_and_message_length() {
    for key_len in [0usize, 1, 16, 32, 63, 64, 65, 131] {
        let key = bytes(key_len, 7);
        for len in (0..200).step_by(7) {
            let msg = bytes(len, 3);
            let mut reference = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
            hmac::Mac::update(&mut reference, &msg);
            let want: [u8; 32] = hmac::Mac::finalize(reference).into_bytes().into();
            let mut ours = Hmac::with_key(&RustCrypto, &key);
            for piece in msg.chunks(5) {
                ours.update(piece);
            }
            assert_eq!(
                ours.clone().finalize(),
                want,
                "key {key_len}, message {len}"
            );
            ours.verify(&want).unwrap();
        }
    }
    let key = HmacKey::from_bytes([9; 32]);
    assert_eq!(
        Hmac::new(&RustCrypto, &key).finalize(),
        Hmac::with_key(&RustCrypto, &[9; 32]).finalize()
    );
}

#[test]
fn cmac_is_the_cmac_crate_for_every_length() {
    let key = [0x2Bu8; 16];
    for len in 0..100 {
        let msg = bytes(len, 1);
        let mut reference = cmac::Cmac::<aes::Aes128>::new_from_slice(&key).unwrap();
        reference.update(&msg);
        let want: [u8; 16] = reference.finalize().into_bytes().into();
        for piece in [1usize, 3, 16, 17, 32, 47, 100] {
            let mut ours = RustCrypto.cmac(&Aes128Key::from_bytes(key));
            for p in msg.chunks(piece) {
                ours.update(p);
            }
            assert_eq!(ours.finalize(), want, "length {len}, pieces of {piece}");
        }
        let k = Aes128Key::from_bytes(key);
        RustCrypto.cmac_verify(&k, &msg, &want).unwrap();
        let mut bad = want;
        bad[len % 16] ^= 1;
        assert!(RustCrypto.cmac_verify(&k, &msg, &bad).is_err());
    }
}

/// An AES engine as a port with a block-only peripheral writes it: encrypt and decrypt one
/// block (here RustCrypto's, counted); CBC and CMAC come from the kit.
#[derive(Clone, Default)]
struct BlockEngine<'c>(Option<&'c Cell<usize>>);

struct CountedBlocks<'c>(SoftAes128, Option<&'c Cell<usize>>);

impl BlockCipher for CountedBlocks<'_> {
    fn encrypt_block(&self, block: &mut [u8; 16]) {
        self.1.inspect(|c| c.set(c.get() + 1));
        self.0.encrypt_block(block);
    }
    fn decrypt_block(&self, block: &mut [u8; 16]) {
        self.1.inspect(|c| c.set(c.get() + 1));
        self.0.decrypt_block(block);
    }
}

impl<'c> AesEngine for BlockEngine<'c> {
    type Cipher = CountedBlocks<'c>;
    fn aes128(&self, key: &Aes128Key) -> CountedBlocks<'c> {
        CountedBlocks(RustCrypto.aes128(key), self.0)
    }
}

/// A SHA-256 engine that counts the hashes it starts.
#[derive(Clone)]
struct CountedSha<'c>(&'c Cell<usize>);

impl Sha256Engine for CountedSha<'_> {
    type Hasher = SoftSha256;
    fn hasher(&self) -> SoftSha256 {
        self.0.set(self.0.get() + 1);
        RustCrypto.hasher()
    }
}

#[test]
fn a_block_only_engine_gives_the_reference_bytes() {
    let blocks = Cell::new(0);
    let hashes = Cell::new(0);
    let port = Suite {
        sha: CountedSha(&hashes),
        aes: BlockEngine(Some(&blocks)),
        p256: RustCrypto,
    };
    let key = Aes128Key::from_bytes([5; 16]);
    let iv = [6u8; 16];
    for len in 0..70 {
        let msg = bytes(len, 9);
        let mut a = msg.clone();
        a.resize(len / 16 * 16 + 16, 0);
        let mut b = a.clone();
        let n = port
            .aes128_cbc_encrypt_pkcs7(&key, &iv, &mut a, len)
            .unwrap();
        assert_eq!(
            RustCrypto
                .aes128_cbc_encrypt_pkcs7(&key, &iv, &mut b, len)
                .unwrap(),
            n
        );
        assert_eq!(a, b, "length {len}");
        assert_eq!(
            port.aes128_cbc_decrypt_pkcs7(&key, &iv, &mut a).unwrap(),
            len
        );
        assert_eq!(&a[..len], &msg[..]);
        assert_eq!(
            port.aes128_cmac(&key, &msg),
            RustCrypto.aes128_cmac(&key, &msg)
        );
        assert_eq!(port.sha256(&msg), RustCrypto.sha256(&msg));
    }
    // Every block and every hash went through the port's engines: per message of n blocks
    // padded, n to encrypt, 1 + n to decrypt (the padding is checked first), and CMAC's
    // ceil(len/16) (at least 1) plus one for its subkeys.
    let want: usize = (0..70usize)
        .map(|len| {
            let n = len / 16 + 1;
            n + 1 + n + len.div_ceil(16).max(1) + 1
        })
        .sum();
    assert_eq!(blocks.get(), want);
    assert_eq!(hashes.get(), 70);
    // A signature over a message: the message and the RFC 6979 nonce hashed by the port's
    // engine (one hash of the message; the nonce's HMAC keyed three times, two hashes each),
    // the same bytes.
    let d = drm_core::secret::EccPrivateKey::from_bytes([0x42; 32]);
    let before = hashes.get();
    assert_eq!(
        port.ecdsa_p256_sign(&d, b"m").unwrap(),
        RustCrypto.ecdsa_p256_sign(&d, b"m").unwrap()
    );
    assert_eq!(hashes.get(), before + 7);
    let _ = BlockEngine::default();
}

#[test]
fn cbc_refuses_partial_blocks_and_leaves_the_data() {
    let key = Aes128Key::from_bytes([1; 16]);
    let mut data = [7u8; 17];
    assert!(
        RustCrypto
            .aes128_cbc_encrypt(&key, &[0; 16], &mut data)
            .is_err()
    );
    assert_eq!(data, [7; 17]);
    let mut h = RustCrypto.hasher();
    h.update(b"abc");
    assert_eq!(h.finalize(), drm_core::crypto::sha256(b"abc"));
}

/// The kit's RFC 6979 nonces (over the backend's SHA-256) give the signatures of the `ecdsa`
/// crate's own RFC 6979 (`rfc6979` crate), for many keys and digests, including digests at or
/// above the group order.
#[test]
fn signatures_are_the_ecdsa_crates_rfc6979_ones() {
    use p256::elliptic_curve::PrimeField;
    let mut digests = vec![[0u8; 32], [0xFF; 32]];
    let n_bytes: [u8; 32] = (-p256::Scalar::ONE).to_repr().into();
    digests.push(n_bytes); // n − 1
    for i in 0..40u8 {
        digests.push(core::array::from_fn(|j| {
            (j as u8).wrapping_mul(i).wrapping_add(i)
        }));
    }
    for (i, digest) in digests.iter().enumerate() {
        let key_bytes: [u8; 32] = core::array::from_fn(|j| (j as u8 ^ i as u8).wrapping_add(1));
        let key = drm_core::secret::EccPrivateKey::from_bytes(key_bytes);
        let d = p256::NonZeroScalar::from_repr(key_bytes.into()).unwrap();
        let (want, _) =
            ecdsa::hazmat::sign_prehashed_rfc6979::<p256::NistP256, sha2::Sha256>(&d, digest, &[]);
        let want: [u8; 64] = want.to_bytes().into();
        assert_eq!(
            RustCrypto.ecdsa_p256_sign_digest(&key, digest).unwrap(),
            want,
            "digest {i}"
        );
    }
}

/// The kit's compact SHA-256 is `sha2`'s for every length across the block and padding
/// boundaries, fed in pieces, and passes every self-test family as a backend.
#[test]
fn compact_sha256_is_sha2() {
    use drm_core::crypto::backend::CompactSha256;
    use sha2::Digest as _;
    let engine = CompactSha256::default();
    for len in 0..300 {
        let msg = bytes(len, 11);
        let want: [u8; 32] = sha2::Sha256::digest(&msg).into();
        for piece in [1usize, 7, 64, 65, 1000] {
            let mut h = engine.hasher();
            for p in msg.chunks(piece) {
                h.update(p);
            }
            assert_eq!(
                h.clone().finalize(),
                want,
                "length {len}, pieces of {piece}"
            );
        }
    }
    let suite = Suite {
        sha: engine,
        aes: RustCrypto,
        p256: RustCrypto,
    };
    let mut rng = drm_target_host::InsecureTestRng::seeded(3);
    let report = drm_core::selftest::run_all(&suite, &mut rng, 20, 2).unwrap();
    assert_eq!(
        (report.sha256, report.hmac_sha256, report.ecdsa_rfc6979),
        (4, 7, 2)
    );
}
