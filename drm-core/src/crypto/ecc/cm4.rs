//! The P-256 backend for ARMv7E-M and ARMv8-M Mainline (Cortex-M4F, M33): Emil Lenngren's
//! P256-Cortex-M4 assembly as the `p256-cm4` crate has it (feature `p256-cm4`). Constant time in
//! the secret scalars by its design (fixed windows, no secret-dependent branches or addresses).
//!
//! Its numbers are eight little-endian 32-bit words; the kit's are 32 big-endian bytes.
//! Signatures use the same RFC 6979 nonces as the RustCrypto backend (the `rfc6979` crate that
//! `ecdsa` uses), so both give the same bytes for the same key and digest.

use p256::elliptic_curve::Curve;
use p256::elliptic_curve::point::AffineCoordinates;
use p256::{AffinePoint, FieldBytes, NistP256};
use zeroize::Zeroize;

use super::{Error, MAX_DRAWS, Ops, Result};

/// The `p256-cm4` backend.
pub(crate) struct Cm4;

/// A digest at a word-aligned address: the assembly reads the hash with `ldm`, which faults on
/// an address that is not a multiple of 4 (a HardFault, found by the on-target cross-check).
#[repr(C, align(4))]
struct AlignedDigest([u8; 32]);

/// Big-endian bytes to little-endian words.
fn words(bytes: &[u8; 32]) -> [u32; 8] {
    let mut w = [0u32; 8];
    for (word, chunk) in w.iter_mut().zip(bytes.rchunks_exact(4)) {
        let mut b = [0u8; 4];
        b.copy_from_slice(chunk);
        *word = u32::from_be_bytes(b);
    }
    w
}

/// Little-endian words to big-endian bytes.
fn bytes(words: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.rchunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

fn point_words(p: &AffinePoint) -> ([u32; 8], [u32; 8]) {
    (words(&p.x().into()), words(&p.y().into()))
}

/// The point `(x, y)` a multiplication returned (checked on the curve by `p256`).
fn point(x: &[u32; 8], y: &[u32; 8]) -> Result<AffinePoint> {
    AffinePoint::from_coordinates(&FieldBytes::from(bytes(x)), &FieldBytes::from(bytes(y)))
        .into_option()
        .ok_or(Error::LogicBug)
}

impl Ops for Cm4 {
    /// The scalar as the assembly takes it: little-endian words, checked to be in `[1, n)`.
    type Secret = [u32; 8];

    fn secret(bytes: &[u8; 32]) -> Option<[u32; 8]> {
        let mut w = words(bytes);
        if p256_cm4::check_range_n(&w) {
            Some(w)
        } else {
            w.zeroize();
            None
        }
    }

    #[inline(never)]
    fn mul_base(k: &[u32; 8]) -> Result<AffinePoint> {
        let (mut x, mut y) = ([0u32; 8], [0u32; 8]);
        if !p256_cm4::scalarmult_base(&mut x, &mut y, k) {
            return Err(Error::LogicBug);
        }
        point(&x, &y)
    }

    #[inline(never)]
    fn mul(p: &AffinePoint, k: &[u32; 8]) -> Result<AffinePoint> {
        let (px, py) = point_words(p);
        let (mut x, mut y) = ([0u32; 8], [0u32; 8]);
        if !p256_cm4::scalarmult_generic(&mut x, &mut y, k, &px, &py) {
            return Err(Error::LogicBug);
        }
        let out = point(&x, &y);
        x.zeroize();
        y.zeroize();
        out
    }

    #[inline(never)]
    fn sign(d: &[u32; 8], digest: &[u8; 32]) -> Result<[u8; 64]> {
        let order = NistP256::ORDER;
        let mut repr = bytes(d);
        let mut kgen = rfc6979::KGenerator::<sha2::Sha256, <NistP256 as Curve>::Uint>::new(
            &repr,
            digest,
            &[],
            &order,
        );
        repr.zeroize();
        let hash = AlignedDigest(*digest);
        let mut result = Err(Error::LogicBug);
        // RFC 6979 draws the next k when one is unusable (r or s zero: probability about
        // 2^-256), as `ecdsa::hazmat::sign_prehashed_rfc6979` does.
        for _ in 0..MAX_DRAWS {
            let mut k = [0u8; 32];
            kgen.fill_next_k(&mut k);
            let mut kw = words(&k);
            k.zeroize();
            let (mut r, mut s) = ([0u32; 8], [0u32; 8]);
            let ok = p256_cm4::sign(&mut r, &mut s, &hash.0, d, &kw);
            kw.zeroize();
            if ok {
                let mut out = [0u8; 64];
                let (a, b) = out.split_at_mut(32);
                a.copy_from_slice(&bytes(&r));
                b.copy_from_slice(&bytes(&s));
                result = Ok(out);
                break;
            }
        }
        result
    }

    /// The assembly's square root (`02 ‖ x`: the even `y`).
    #[inline(never)]
    fn decompress_even(x: &[u8; 32]) -> Option<AffinePoint> {
        let mut encoded = [0u8; 33];
        let (prefix, rest) = encoded.split_at_mut(1);
        prefix.fill(0x02);
        rest.copy_from_slice(x);
        let (mut px, mut py) = ([0u32; 8], [0u32; 8]);
        if !p256_cm4::octet_string_to_point(&mut px, &mut py, &encoded) {
            encoded.zeroize();
            return None;
        }
        encoded.zeroize();
        let p = point(&px, &py).ok();
        px.zeroize();
        py.zeroize();
        p
    }

    /// The assembly's mixed addition and inversion; where it cannot (the same x: a doubling or
    /// the identity) RustCrypto's complete addition, so the result is always the sum.
    #[inline(never)]
    fn add(a: &AffinePoint, b: &AffinePoint, negate: bool) -> AffinePoint {
        let (ax, ay) = point_words(a);
        let (bx, by) = point_words(b);
        let (mut x, mut y) = ([0u32; 8], [0u32; 8]);
        let fast = p256_cm4::add_affine(&mut x, &mut y, (&ax, &ay), (&bx, &by), negate);
        let sum = if fast { point(&x, &y).ok() } else { None };
        x.zeroize();
        y.zeroize();
        sum.unwrap_or_else(|| super::add(a, b, negate))
    }

    #[inline(never)]
    fn verify(q: &AffinePoint, digest: &[u8; 32], signature: &[u8; 64]) -> Result<()> {
        let (qx, qy) = point_words(q);
        let (r, s) = signature.split_at(32);
        let (Ok(r), Ok(s)) = (<&[u8; 32]>::try_from(r), <&[u8; 32]>::try_from(s)) else {
            return Err(Error::VerificationFailed);
        };
        let hash = AlignedDigest(*digest);
        if p256_cm4::verify(&qx, &qy, &hash.0, &words(r), &words(s)) {
            Ok(())
        } else {
            Err(Error::VerificationFailed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_conversions_round_trip() {
        let mut b = [0u8; 32];
        for (i, x) in b.iter_mut().enumerate() {
            *x = i as u8;
        }
        let w = words(&b);
        assert_eq!(w[0], 0x1c1d1e1f);
        assert_eq!(w[7], 0x00010203);
        assert_eq!(bytes(&w), b);
    }
}
