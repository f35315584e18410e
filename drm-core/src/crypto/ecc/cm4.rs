//! The P-256 backend for ARMv7E-M and ARMv8-M Mainline (Cortex-M4F, M33): Emil Lenngren's
//! P256-Cortex-M4 assembly as the `p256-cm4` crate has it (feature `p256-cm4`). Constant time in
//! the secret scalars by its design (fixed windows, no secret-dependent branches or addresses).
//!
//! Its numbers are eight little-endian 32-bit words; the kit's are 32 big-endian bytes.
//! It signs with the RFC 6979 nonce the kit computes (`crypto/rfc6979.rs`), as every engine
//! does, so both give the same bytes for the same key and digest.

use p256::elliptic_curve::point::AffineCoordinates;
use p256::{AffinePoint, FieldBytes};
use zeroize::Zeroize;

use super::{Error, Result};
use crate::crypto::backend::P256Engine;

/// The P-256 of P256-Cortex-M4's assembly (the `p256-cm4` crate): see the module documentation.
#[derive(Clone, Copy, Debug, Default)]
pub struct P256Cm4;

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

/// `X ‖ Y` (big-endian) of the words `x` and `y`.
fn xy_bytes(x: &[u32; 8], y: &[u32; 8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    let (ox, oy) = out.split_at_mut(32);
    ox.copy_from_slice(&bytes(x));
    oy.copy_from_slice(&bytes(y));
    out
}

/// An affine point as the assembly takes it: reduced little-endian words of `x` and `y`, checked
/// to be on the curve wherever it is made (never the identity).
pub struct Point {
    x: [u32; 8],
    y: [u32; 8],
}

impl Zeroize for Point {
    fn zeroize(&mut self) {
        self.x.zeroize();
        self.y.zeroize();
    }
}

impl Point {
    /// `(x, y)` if it is a point of the curve: the assembly's own check (`04 ‖ X ‖ Y` decoded,
    /// coordinates below p, the curve equation). Every point a multiplication, a decompression or
    /// an addition returns goes through it too, so a wrong result is a [`Error::LogicBug`], never
    /// a point off the curve.
    fn checked(x: &[u32; 8], y: &[u32; 8]) -> Option<Self> {
        let mut encoded = xy_bytes(x, y);
        let p = Self::uncompressed(&encoded);
        encoded.zeroize();
        p
    }

    /// The point `X ‖ Y` (decoded as `04 ‖ X ‖ Y`), if it is on the curve.
    fn uncompressed(xy: &[u8; 64]) -> Option<Self> {
        let mut encoded = [0u8; 65];
        let (prefix, rest) = encoded.split_at_mut(1);
        prefix.fill(4);
        rest.copy_from_slice(xy);
        let p = Self::decoded(&encoded);
        encoded.zeroize();
        p
    }

    /// The point of an encoding `04 ‖ X ‖ Y` or `02 ‖ X`, if it is valid and on the curve.
    fn decoded(encoded: &[u8]) -> Option<Self> {
        let mut p = Self {
            x: [0; 8],
            y: [0; 8],
        };
        if p256_cm4::octet_string_to_point(&mut p.x, &mut p.y, encoded) {
            Some(p)
        } else {
            p.zeroize();
            None
        }
    }

    /// The same point for RustCrypto (the rare additions the assembly's formula cannot do).
    fn to_soft(&self) -> Option<AffinePoint> {
        AffinePoint::from_coordinates(
            &FieldBytes::from(bytes(&self.x)),
            &FieldBytes::from(bytes(&self.y)),
        )
        .into_option()
    }

    fn from_soft(p: &AffinePoint) -> Option<Self> {
        if bool::from(p.is_identity()) {
            return None;
        }
        Self::checked(&words(&p.x().into()), &words(&p.y().into()))
    }
}

impl P256Engine for P256Cm4 {
    /// The scalar as the assembly takes it: little-endian words, checked to be in `[1, n)`.
    type Secret = [u32; 8];
    type Point = Point;

    fn secret(&self, bytes: &[u8; 32]) -> Option<[u32; 8]> {
        let mut w = words(bytes);
        if p256_cm4::check_range_n(&w) {
            Some(w)
        } else {
            w.zeroize();
            None
        }
    }

    fn point(&self, encoded: &[u8; 64]) -> Option<Point> {
        Point::uncompressed(encoded)
    }

    fn encode(&self, p: &Point) -> [u8; 64] {
        xy_bytes(&p.x, &p.y)
    }

    fn x(&self, p: &Point) -> [u8; 32] {
        bytes(&p.x)
    }

    #[inline(never)]
    fn mul_base(&self, k: &[u32; 8]) -> Result<Point> {
        let (mut x, mut y) = ([0u32; 8], [0u32; 8]);
        if !p256_cm4::scalarmult_base(&mut x, &mut y, k) {
            return Err(Error::LogicBug);
        }
        Point::checked(&x, &y).ok_or(Error::LogicBug)
    }

    #[inline(never)]
    fn mul(&self, p: &Point, k: &[u32; 8]) -> Result<Point> {
        let (mut x, mut y) = ([0u32; 8], [0u32; 8]);
        if !p256_cm4::scalarmult_generic(&mut x, &mut y, k, &p.x, &p.y) {
            return Err(Error::LogicBug);
        }
        let out = Point::checked(&x, &y).ok_or(Error::LogicBug);
        x.zeroize();
        y.zeroize();
        out
    }

    #[inline(never)]
    fn sign(&self, d: &[u32; 8], k: &[u32; 8], digest: &[u8; 32]) -> Option<[u8; 64]> {
        let hash = AlignedDigest(*digest);
        let (mut r, mut s) = ([0u32; 8], [0u32; 8]);
        if !p256_cm4::sign(&mut r, &mut s, &hash.0, d, k) {
            return None;
        }
        let mut out = [0u8; 64];
        let (a, b) = out.split_at_mut(32);
        a.copy_from_slice(&bytes(&r));
        b.copy_from_slice(&bytes(&s));
        Some(out)
    }

    /// The assembly's square root (`02 ‖ x`: the even `y`).
    #[inline(never)]
    fn decompress_even(&self, x: &[u8; 32]) -> Option<Point> {
        let mut encoded = [0u8; 33];
        let (prefix, rest) = encoded.split_at_mut(1);
        prefix.fill(0x02);
        rest.copy_from_slice(x);
        let p = Point::decoded(&encoded);
        encoded.zeroize();
        p
    }

    /// The assembly's mixed addition and inversion; where it cannot (the same x: a doubling or
    /// the identity) RustCrypto's complete addition, so the result is always the sum.
    #[inline(never)]
    fn add(&self, a: &Point, b: &Point, negate: bool) -> Option<Point> {
        let (mut x, mut y) = ([0u32; 8], [0u32; 8]);
        let fast = p256_cm4::add_affine(&mut x, &mut y, (&a.x, &a.y), (&b.x, &b.y), negate);
        let sum = if fast {
            Point::checked(&x, &y)
        } else {
            let (a, b) = (a.to_soft()?, b.to_soft()?);
            Point::from_soft(&super::add(&a, &b, negate))
        };
        x.zeroize();
        y.zeroize();
        sum
    }

    #[inline(never)]
    fn verify(&self, q: &Point, digest: &[u8; 32], signature: &[u8; 64]) -> Result<()> {
        let (r, s) = signature.split_at(32);
        let (Ok(r), Ok(s)) = (<&[u8; 32]>::try_from(r), <&[u8; 32]>::try_from(s)) else {
            return Err(Error::VerificationFailed);
        };
        let hash = AlignedDigest(*digest);
        if p256_cm4::verify(&q.x, &q.y, &hash.0, &words(r), &words(s)) {
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
