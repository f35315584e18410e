//! Cross-check of the P-256 backends on the target (feature `p256-cm4`, the M4F and M33 boards):
//! for 32 keys and digests drawn from the test generator, the assembly backend (`p256-cm4`, the
//! one the kit's calls use in this build) and RustCrypto (`drm_core::crypto::backend::RustCrypto`) give the
//! same public keys, the same RFC 6979 signatures and the same ElGamal ciphertexts from the same
//! random stream; each accepts the other's signatures and refuses the same broken ones; both
//! decrypt to the same message and refuse the same malformed ciphertexts; both decompress the same
//! x to the same point (and refuse the same non-points); and the ElGamal additions whose inputs
//! share an x (the doubling and the identity, where the assembly's formula does not apply and the
//! backend falls back to RustCrypto's complete addition) give the same result. The `kat` suite, built
//! with the same feature, runs the published vectors (RFC 6979, Wycheproof) through the backend.
#![no_std]
#![no_main]

use drm_board::harness::TestResult;
use drm_board::testing::InsecureTestRng;
use drm_board::{check, check_eq};
use drm_core::Error;
use drm_core::crypto;
use drm_core::crypto::backend::{Algorithms, RustCrypto};
use drm_core::platform::Rng;
use drm_core::secret::EccPrivateKey;

drm_board::suite!(
    backend_is_the_assembly,
    public_keys_agree,
    signatures_agree,
    elgamal_agrees,
    decompression_agrees,
    addition_edge_cases_agree,
);

const ROUNDS: u64 = 32;

fn key(rng: &mut InsecureTestRng) -> EccPrivateKey {
    let mut b = [0u8; 32];
    rng.fill_bytes(&mut b);
    // Below the group order for all but a 2^-32 share of draws; force the top byte lower.
    b[0] &= 0x7F;
    b[31] |= 1;
    EccPrivateKey::from_bytes(b)
}

fn backend_is_the_assembly() -> TestResult {
    check_eq!(crypto::P256_BACKEND, "p256-cm4");
    Ok(())
}

fn public_keys_agree() -> TestResult {
    let mut rng = InsecureTestRng::seeded(0x0002_5601);
    for _ in 0..ROUNDS {
        let k = key(&mut rng);
        check_eq!(crypto::ecc_public_key(&k), RustCrypto.ecc_public_key(&k));
    }
    // An invalid private key (0, or not below n) is refused alike.
    for bad in [[0u8; 32], [0xFF; 32]] {
        let k = EccPrivateKey::from_bytes(bad);
        check_eq!(crypto::ecc_public_key(&k), Err(Error::InvalidArgument));
        check_eq!(RustCrypto.ecc_public_key(&k), Err(Error::InvalidArgument));
    }
    Ok(())
}

fn signatures_agree() -> TestResult {
    let mut rng = InsecureTestRng::seeded(0x0002_5602);
    for i in 0..ROUNDS {
        let k = key(&mut rng);
        let public = crypto::ecc_public_key(&k).map_err(|_| "public key")?;
        let mut digest = [0u8; 32];
        rng.fill_bytes(&mut digest);
        if i == 0 {
            digest = [0xFF; 32]; // above n: reduced the same way by both
        }
        let fast = crypto::ecdsa_p256_sign_digest(&k, &digest).map_err(|_| "sign")?;
        let slow = RustCrypto
            .ecdsa_p256_sign_digest(&k, &digest)
            .map_err(|_| "reference sign")?;
        check_eq!(fast, slow);
        check!(crypto::ecdsa_p256_verify_digest(&public, &digest, &slow).is_ok());
        check!(
            RustCrypto
                .ecdsa_p256_verify_digest(&public, &digest, &fast)
                .is_ok()
        );
        // Broken signatures, digests and keys: refused by both.
        let mut bad = fast;
        if let Some(byte) = bad.get_mut((i as usize * 7) % 64) {
            *byte ^= 1 << (i % 8);
        }
        let mut other = digest;
        other[31] ^= 1;
        let mut wrong_key = public;
        wrong_key[63] ^= 1; // off the curve
        for (q, d, s) in [
            (&public, &digest, &bad[..]),
            (&public, &other, &fast[..]),
            (&wrong_key, &digest, &fast[..]),
            (&public, &digest, &fast[..63]),
            (&public, &digest, &[0u8; 64][..]),
        ] {
            check_eq!(
                crypto::ecdsa_p256_verify_digest(q, d, s),
                Err(Error::VerificationFailed)
            );
            check_eq!(
                RustCrypto.ecdsa_p256_verify_digest(q, d, s),
                Err(Error::VerificationFailed)
            );
        }
    }
    Ok(())
}

fn elgamal_agrees() -> TestResult {
    let mut rng = InsecureTestRng::seeded(0x0002_5603);
    for i in 0..ROUNDS {
        let k = key(&mut rng);
        let public = crypto::ecc_public_key(&k).map_err(|_| "public key")?;
        let x = crypto::random_point_x(&mut rng).map_err(|_| "point")?;
        // The same random stream for both encryptions: the same ciphertext.
        let mut a = InsecureTestRng::seeded(0x0256_0300 + i);
        let mut b = InsecureTestRng::seeded(0x0256_0300 + i);
        let fast = crypto::elgamal_encrypt(&public, &x, &mut a).map_err(|_| "encrypt")?;
        let slow = RustCrypto
            .elgamal_encrypt(&public, &x, &mut b)
            .map_err(|_| "reference")?;
        check_eq!(fast, slow);
        let m1 = crypto::elgamal_decrypt(&k, &fast).map_err(|_| "decrypt")?;
        let m2 = RustCrypto
            .elgamal_decrypt(&k, &fast)
            .map_err(|_| "reference decrypt")?;
        check!(m1 == m2);
        check_eq!(m1.expose_secret(), &x);
        // C1 off the curve, C2 off the curve: refused by both.
        for at in [63usize, 127] {
            let mut bad = fast;
            if let Some(byte) = bad.get_mut(at) {
                *byte ^= 1;
            }
            check_eq!(
                crypto::elgamal_decrypt(&k, &bad).map(|_| ()),
                Err(Error::VerificationFailed)
            );
            check_eq!(
                RustCrypto.elgamal_decrypt(&k, &bad).map(|_| ()),
                Err(Error::VerificationFailed)
            );
        }
    }
    Ok(())
}

fn decompression_agrees() -> TestResult {
    let mut rng = InsecureTestRng::seeded(0x0002_5604);
    let (mut points, mut refused) = (0, 0);
    for _ in 0..ROUNDS {
        let mut x = [0u8; 32];
        rng.fill_bytes(&mut x);
        let fast = crypto::point_from_x(&x);
        check_eq!(fast, RustCrypto.point_from_x(&x));
        match fast {
            Ok(p) => {
                points += 1;
                check!(p[63] & 1 == 0, "the even y");
            }
            Err(_) => refused += 1,
        }
    }
    // About half of all x are the x of a point; both kinds were met.
    check!(points > 0 && refused > 0);
    // x ≥ p is no field element.
    check_eq!(
        crypto::point_from_x(&[0xFF; 32]),
        Err(Error::InvalidArgument)
    );
    Ok(())
}

/// p − y for a big-endian field element `y` (0 < y < p).
fn negate(y: &[u8]) -> [u8; 32] {
    const P: [u8; 32] =
        drm_board::testing::hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for ((o, p), y) in out.iter_mut().zip(P).zip(y).rev() {
        let d = i16::from(p) - i16::from(*y) - borrow;
        borrow = i16::from(d < 0);
        *o = (d + (borrow << 8)) as u8;
    }
    out
}

fn addition_edge_cases_agree() -> TestResult {
    let mut rng = InsecureTestRng::seeded(0x0002_5605);
    for _ in 0..8 {
        let k = key(&mut rng);
        let q = crypto::ecc_public_key(&k).map_err(|_| "public key")?;
        let mut one = [0u8; 32];
        one[31] = 1;
        let g = crypto::ecc_public_key(&EccPrivateKey::from_bytes(one)).map_err(|_| "G")?;
        // C1 = G, so d·C1 = Q. C2 = Q: M = C2 − d·C1 is the identity (refused). C2 = −Q:
        // M = −2Q, a doubling.
        let mut minus_q = q;
        minus_q[32..].copy_from_slice(&negate(&q[32..]));
        for (c2, identity) in [(q, true), (minus_q, false)] {
            let mut ct = [0u8; 128];
            ct[..64].copy_from_slice(&g);
            ct[64..].copy_from_slice(&c2);
            let fast = crypto::elgamal_decrypt(&k, &ct);
            let slow = RustCrypto.elgamal_decrypt(&k, &ct);
            if identity {
                check_eq!(fast.map(|_| ()), Err(Error::VerificationFailed));
                check_eq!(slow.map(|_| ()), Err(Error::VerificationFailed));
            } else {
                let (fast, slow) = (fast.map_err(|_| "fast")?, slow.map_err(|_| "slow")?);
                check!(fast == slow);
            }
        }
    }
    Ok(())
}
