//! P-256: keys, ECDSA-P256-SHA256 with raw `r‖s` signatures, and ElGamal (PROTOCOL §2).
//!
//! ElGamal here is the textbook scheme on points: to encrypt a point `M` to the public key
//! `Q = d·G`, draw `k` and output `C1 = k·G`, `C2 = M + k·Q` as `C1.x‖C1.y‖C2.x‖C2.y` (128
//! bytes); decryption is `M = C2 − d·C1`. The message is carried in `x(M)`: a 32-byte value
//! becomes a point through `point_from_x`, which picks the **even** `y` of the two (the same
//! choice as the simulated servers in `tests/drm-tests`; a receiver reads `x(M)` only, so the
//! choice does not matter to it).

use p256::elliptic_curve::ff::{Field, PrimeField};
use p256::elliptic_curve::group::Group;
use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::point::{AffineCoordinates, DecompressPoint};
use p256::elliptic_curve::subtle::Choice;
use p256::{AffinePoint, FieldBytes, NonZeroScalar, ProjectivePoint, Scalar};
use rand_core::TryCryptoRng;
use zeroize::Zeroize;

use super::backend::{P256Engine, RustCrypto, Sha256Engine};
use super::rfc6979;
use crate::error::{Error, Result};
use crate::secret::{EccPrivateKey, Secret32};

#[cfg(all(feature = "p256-cm4", target_arch = "arm"))]
mod cm4;
#[cfg(all(feature = "p256-cm4", target_arch = "arm"))]
pub use cm4::P256Cm4;

/// RustCrypto's `p256` (its field and group arithmetic; ECDSA written over it here): the portable backend, the reference.
impl P256Engine for RustCrypto {
    type Secret = NonZeroScalar;
    type Point = AffinePoint;

    fn secret(&self, bytes: &[u8; 32]) -> Option<NonZeroScalar> {
        let mut b = FieldBytes::from(*bytes);
        let scalar = NonZeroScalar::from_repr(b);
        b.zeroize();
        scalar.into_option()
    }

    fn point(&self, bytes: &[u8; 64]) -> Option<AffinePoint> {
        point_from_bytes(bytes)
    }

    fn encode(&self, p: &AffinePoint) -> [u8; 64] {
        point_to_bytes(p)
    }

    /// Not inlined (a frame of its own, as the other point operations). A Cortex-M0 build once
    /// showed a secret-dependent count when it was inlined; the exact trace check
    /// (`targets/qemu/scripts/ct-trace`) later found the cause elsewhere, a branch in
    /// crypto-bigint's inversion (fixed in `third_party/crypto-bigint`), which the 40-instruction
    /// ticks of `ct_p256` show or hide depending on where the measurements fall.
    #[inline(never)]
    fn x(&self, p: &AffinePoint) -> [u8; 32] {
        p.x().into()
    }

    fn decompress_even(&self, x: &[u8; 32]) -> Option<AffinePoint> {
        even_point_from_x(x)
    }

    fn add(&self, a: &AffinePoint, b: &AffinePoint, negate: bool) -> Option<AffinePoint> {
        let sum = add(a, b, negate);
        (!bool::from(sum.is_identity())).then_some(sum)
    }

    fn mul_base(&self, k: &NonZeroScalar) -> Result<AffinePoint> {
        Ok(mul_generator(k))
    }

    fn mul(&self, p: &AffinePoint, k: &NonZeroScalar) -> Result<AffinePoint> {
        Ok(mul_point(p, k))
    }

    /// ECDSA as `ecdsa::hazmat::sign_prehashed` computes it for P-256 (no low-`s` rule):
    /// `r = x(k·G) mod n`, `s = k⁻¹·(z + r·d)`, refused when either is 0. Written here over
    /// `p256`'s arithmetic rather than through `ecdsa`'s `Signature`, whose scalar conversions
    /// link an `assert_eq!` and with it `core::fmt` (about 2 KB of flash); checked against
    /// `ecdsa`'s own signatures in `tests/backend.rs`.
    fn sign(&self, d: &NonZeroScalar, k: &NonZeroScalar, digest: &[u8; 32]) -> Option<[u8; 64]> {
        let z = reduce(&FieldBytes::from(*digest));
        let r = reduce(&mul_generator(k).x());
        // k is not 0, so it has an inverse; the fallback (which would give s = 0, refused) only
        // avoids the panic branch of an unwrap (constant time: a select).
        let mut k_inv = (**k).invert().unwrap_or(Scalar::ZERO);
        let mut s = k_inv * (z + r * **d);
        k_inv.zeroize();
        let zero = r.is_zero() | s.is_zero();
        let mut out = [0u8; 64];
        let (r_out, s_out) = out.split_at_mut(32);
        r_out.copy_from_slice(&r.to_repr());
        s_out.copy_from_slice(&s.to_repr());
        s.zeroize();
        (!bool::from(zero)).then_some(out)
    }

    /// ECDSA verification as `ecdsa::hazmat::verify_prehashed` computes it: `r` and `s` in
    /// `[1, n)`, `w = s⁻¹`, `R = (z·w)·G + (r·w)·Q`, valid when `x(R) mod n = r` (all public
    /// data: variable time). The `small-stack` feature makes the two multiplications one after
    /// the other instead of jointly ([`verify_separate`]).
    fn verify(&self, q: &AffinePoint, digest: &[u8; 32], signature: &[u8; 64]) -> Result<()> {
        #[cfg(not(feature = "small-stack"))]
        return verify_with(q, digest, signature, mul_joint);
        #[cfg(feature = "small-stack")]
        return verify_with(q, digest, signature, verify_separate);
    }
}

/// ECDSA verification with `mul` computing `u1·G + u2·Q`.
fn verify_with(
    q: &AffinePoint,
    digest: &[u8; 32],
    signature: &[u8; 64],
    mul: fn(&AffinePoint, &Scalar, &Scalar) -> ProjectivePoint,
) -> Result<()> {
    let (r, s) = signature_scalars(signature).ok_or(Error::VerificationFailed)?;
    let z = reduce(&FieldBytes::from(*digest));
    let w: Scalar = Option::from(s.invert_vartime()).ok_or(Error::VerificationFailed)?;
    let point = mul(q, &(z * w), &(r * w));
    if bool::from(point.is_identity()) {
        return Err(Error::VerificationFailed);
    }
    if reduce(&point.to_affine().x()) == r {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

/// `u1·G + u2·Q` in one joint multiplication (variable time: public data).
#[cfg(any(not(feature = "small-stack"), test))]
fn mul_joint(q: &AffinePoint, u1: &Scalar, u2: &Scalar) -> ProjectivePoint {
    use p256::elliptic_curve::ops::MulByGeneratorVartime;
    ProjectivePoint::mul_by_generator_and_mul_add_vartime(u1, u2, &ProjectivePoint::from(*q))
}

/// A 32-byte big-endian value reduced mod `n`.
fn reduce(bytes: &FieldBytes) -> Scalar {
    <Scalar as Reduce<FieldBytes>>::reduce(bytes)
}

/// `r` and `s` of a raw `r‖s` signature, each in `[1, n)`.
fn signature_scalars(signature: &[u8; 64]) -> Option<(Scalar, Scalar)> {
    let (r, s) = signature.split_first_chunk::<32>()?;
    let s: &[u8; 32] = s.try_into().ok()?;
    let r = NonZeroScalar::from_repr(FieldBytes::from(*r)).into_option()?;
    let s = NonZeroScalar::from_repr(FieldBytes::from(*s)).into_option()?;
    Some((*r, *s))
}

/// The name of the P-256 backend of [`DEFAULT`](super::backend::DEFAULT) in this build
/// (`"rustcrypto"` or `"p256-cm4"`), for reports.
pub const P256_BACKEND: &str = if cfg!(all(feature = "p256-cm4", target_arch = "arm")) {
    "p256-cm4"
} else {
    "rustcrypto"
};

/// How many draws a rejection-sampling loop makes before it reports [`Error::Rng`]. Each draw
/// succeeds with probability about 1/2 (point x) or 1 − 2⁻³² (scalar), so reaching the limit
/// means the generator is broken.
pub(super) const MAX_DRAWS: usize = 128;

/// The private scalar of `key`; [`Error::InvalidArgument`] when it is 0 or not below the
/// group order.
pub(super) fn secret_scalar<E: P256Engine + ?Sized>(
    e: &E,
    key: &EccPrivateKey,
) -> Result<E::Secret> {
    e.secret(key.expose_secret()).ok_or(Error::InvalidArgument)
}

/// A uniformly random non-zero scalar (rejection sampling of 32-byte strings, the same draws
/// accepted by every engine): the scalar and its bytes.
fn random_scalar<E: P256Engine + ?Sized, R: TryCryptoRng + ?Sized>(
    e: &E,
    rng: &mut R,
) -> Result<(E::Secret, [u8; 32])> {
    for _ in 0..MAX_DRAWS {
        let mut bytes = [0u8; 32];
        rng.try_fill_bytes(&mut bytes).map_err(|_| Error::Rng)?;
        if let Some(scalar) = e.secret(&bytes) {
            return Ok((scalar, bytes));
        }
        bytes.zeroize();
    }
    Err(Error::Rng)
}

/// `X‖Y` of an affine point.
fn point_to_bytes(point: &AffinePoint) -> [u8; 64] {
    let mut out = [0u8; 64];
    let (x, y) = out.split_at_mut(32);
    x.copy_from_slice(&point.x());
    y.copy_from_slice(&point.y());
    out
}

/// The point `X‖Y`, if it is on the curve (the identity has no such encoding).
fn point_from_bytes(bytes: &[u8; 64]) -> Option<AffinePoint> {
    let (x, y) = bytes.split_first_chunk::<32>()?;
    let y: &[u8; 32] = y.try_into().ok()?;
    AffinePoint::from_coordinates(&FieldBytes::from(*x), &FieldBytes::from(*y)).into_option()
}

/// Not inlined, like the other point operations below: each runs in a frame of its own instead of
/// all sharing one frame as deep as their sum (the Cortex-M0 stack, see `encrypt_point`).
#[inline(never)]
fn even_point_from_x(x: &[u8; 32]) -> Option<AffinePoint> {
    AffinePoint::decompress(&FieldBytes::from(*x), Choice::from(0)).into_option()
}

/// The public key `X‖Y` of a private key.
pub(super) fn public_key<E: P256Engine + ?Sized>(e: &E, key: &EccPrivateKey) -> Result<[u8; 64]> {
    let mut d = secret_scalar(e, key)?;
    let public = e.mul_base(&d);
    d.zeroize();
    Ok(e.encode(&public?))
}

/// A fresh key pair from `rng`.
pub(super) fn generate_key<E: P256Engine + ?Sized, R: TryCryptoRng + ?Sized>(
    e: &E,
    rng: &mut R,
) -> Result<(EccPrivateKey, [u8; 64])> {
    let (mut d, mut bytes) = random_scalar(e, rng)?;
    let public = e.mul_base(&d);
    d.zeroize();
    let key = EccPrivateKey::from_bytes(bytes);
    bytes.zeroize();
    Ok((key, e.encode(&public?)))
}

/// ECDSA over a SHA-256 digest with the RFC 6979 nonce, its hashes computed with `sha`: the
/// next candidate when one is out of `[1, n)` or gives `r` or `s` zero (each with probability
/// about 2⁻³², 2⁻²⁵⁶), as RFC 6979 §3.4 says.
pub(super) fn sign_digest<E: P256Engine + ?Sized, H: Sha256Engine>(
    e: &E,
    sha: &H,
    key: &EccPrivateKey,
    digest: &[u8; 32],
) -> Result<[u8; 64]> {
    let mut d = secret_scalar(e, key)?;
    let mut signature = Err(Error::LogicBug);
    for index in 0..MAX_DRAWS {
        let mut candidate = rfc6979::candidate(sha, key.expose_secret(), digest, index);
        let k = e.secret(&candidate);
        candidate.zeroize();
        let Some(mut k) = k else {
            continue;
        };
        let s = e.sign(&d, &k, digest);
        k.zeroize();
        if let Some(s) = s {
            signature = Ok(s);
            break;
        }
    }
    d.zeroize();
    signature
}

/// ECDSA verification over a SHA-256 digest; every failure is [`Error::VerificationFailed`].
pub(super) fn verify_digest<E: P256Engine + ?Sized>(
    e: &E,
    public: &[u8; 64],
    digest: &[u8; 32],
    signature: &[u8],
) -> Result<()> {
    let q = e.point(public).ok_or(Error::VerificationFailed)?;
    let signature: &[u8; 64] = signature
        .try_into()
        .map_err(|_| Error::VerificationFailed)?;
    e.verify(&q, digest, signature)
}

/// `u1·G + u2·Q` with the two scalar multiplications made one after the other in frames of their
/// own instead of one joint multiplication: its tables need about 3 KB of stack a Cortex-M0 may
/// not have (feature `small-stack`), for about twice the time. Cross-checked with the joint form
/// in the tests of both builds.
#[cfg(any(feature = "small-stack", test))]
fn verify_separate(q: &AffinePoint, u1: &Scalar, u2: &Scalar) -> ProjectivePoint {
    mul_projective(&ProjectivePoint::GENERATOR, u1) + mul_projective(&ProjectivePoint::from(*q), u2)
}

/// `k·P`, in a frame of its own (see [`verify_separate`]).
#[cfg(any(feature = "small-stack", test))]
#[inline(never)]
fn mul_projective(p: &ProjectivePoint, k: &Scalar) -> ProjectivePoint {
    *p * k
}

/// A random x coordinate of a point and that point (even `y`).
pub(super) fn random_point<E: P256Engine + ?Sized, R: TryCryptoRng + ?Sized>(
    e: &E,
    rng: &mut R,
) -> Result<([u8; 32], E::Point)> {
    for _ in 0..MAX_DRAWS {
        let mut x = [0u8; 32];
        rng.try_fill_bytes(&mut x).map_err(|_| Error::Rng)?;
        if let Some(point) = e.decompress_even(&x) {
            return Ok((x, point));
        }
        x.zeroize();
    }
    Err(Error::Rng)
}

/// A 32-byte x coordinate of a point whose last 16 bytes are `suffix` and whose first 16 are
/// random: how an issuer wraps `CI‖CK` for a given content key `CK` (PROTOCOL §2, "retry CI").
pub(super) fn random_point_x_with_suffix<E: P256Engine + ?Sized, R: TryCryptoRng + ?Sized>(
    e: &E,
    suffix: &[u8; 16],
    rng: &mut R,
) -> Result<[u8; 32]> {
    for _ in 0..MAX_DRAWS {
        let mut x = [0u8; 32];
        let (head, tail) = x.split_at_mut(16);
        rng.try_fill_bytes(head).map_err(|_| Error::Rng)?;
        tail.copy_from_slice(suffix);
        if let Some(mut p) = e.decompress_even(&x) {
            p.zeroize();
            return Ok(x);
        }
        x.zeroize();
    }
    Err(Error::Rng)
}

/// ElGamal encryption (PROTOCOL §2) of the point with x coordinate `message_x` (even `y`) to
/// `public`: `C1.x‖C1.y‖C2.x‖C2.y`. [`Error::InvalidArgument`] when `public` is not a point or
/// `message_x` is not the x of one.
pub(super) fn encrypt<E: P256Engine + ?Sized, R: TryCryptoRng + ?Sized>(
    e: &E,
    public: &[u8; 64],
    message_x: &[u8; 32],
    rng: &mut R,
) -> Result<[u8; 128]> {
    let q = e.point(public).ok_or(Error::InvalidArgument)?;
    let mut m = e.decompress_even(message_x).ok_or(Error::InvalidArgument)?;
    let ciphertext = encrypt_point(e, &q, &m, rng);
    m.zeroize();
    ciphertext
}

/// A random point's x and its ElGamal encryption to `public`: the point found by the draw is
/// the one encrypted (one square root fewer than drawing and encrypting apart).
pub(super) fn encrypt_random_point<E: P256Engine + ?Sized, R: TryCryptoRng + ?Sized>(
    e: &E,
    public: &[u8; 64],
    rng: &mut R,
) -> Result<(Secret32, [u8; 128])> {
    let q = e.point(public).ok_or(Error::InvalidArgument)?;
    let (mut x, mut m) = random_point(e, rng)?;
    let secret = Secret32::from_bytes(x);
    x.zeroize();
    let ciphertext = encrypt_point(e, &q, &m, rng);
    m.zeroize();
    Ok((secret, ciphertext?))
}

/// `k·G ‖ M + k·Q` for a fresh `k`. Each product in a frame of its own ([`mul_generator`],
/// [`mul_point`], [`add`]): inlined together they made one frame of 4 KiB on the Cortex-M0.
fn encrypt_point<E: P256Engine + ?Sized, R: TryCryptoRng + ?Sized>(
    e: &E,
    q: &E::Point,
    m: &E::Point,
    rng: &mut R,
) -> Result<[u8; 128]> {
    let (mut k, mut bytes) = random_scalar(e, rng)?;
    bytes.zeroize();
    let c1 = e.mul_base(&k);
    let kq = e.mul(q, &k);
    k.zeroize();
    let mut kq = kq?;
    // k·Q = −M happens with probability 2⁻²⁵⁶ (k would be the discrete log): a broken RNG.
    let c2 = e.add(&kq, m, false).ok_or(Error::Rng);
    kq.zeroize();
    let mut out = [0u8; 128];
    let (a, b) = out.split_at_mut(64);
    a.copy_from_slice(&e.encode(&c1?));
    b.copy_from_slice(&e.encode(&c2?));
    Ok(out)
}

/// `k·G`.
#[inline(never)]
fn mul_generator(k: &NonZeroScalar) -> AffinePoint {
    ProjectivePoint::mul_by_generator(&**k).to_affine()
}

/// `k·P`.
#[inline(never)]
fn mul_point(p: &AffinePoint, k: &NonZeroScalar) -> AffinePoint {
    (ProjectivePoint::from(*p) * **k).to_affine()
}

/// `a + b`, or `a − b` when `negate` (the identity when they cancel).
#[inline(never)]
pub(super) fn add(a: &AffinePoint, b: &AffinePoint, negate: bool) -> AffinePoint {
    let b = ProjectivePoint::from(*b);
    let b = if negate { -b } else { b };
    (ProjectivePoint::from(*a) + b).to_affine()
}

/// ElGamal decryption (PROTOCOL §2): the x coordinate of `M = C2 − d·C1` from
/// `C1.x‖C1.y‖C2.x‖C2.y`. [`Error::VerificationFailed`] when `C1` or `C2` is not a point or `M`
/// is the identity; [`Error::InvalidArgument`] when the private key is invalid.
#[inline(never)]
pub(super) fn decrypt<E: P256Engine + ?Sized>(
    e: &E,
    key: &EccPrivateKey,
    ciphertext: &[u8; 128],
) -> Result<Secret32> {
    let (c1, c2) = ciphertext
        .split_first_chunk::<64>()
        .ok_or(Error::LogicBug)?;
    let c2: &[u8; 64] = c2.try_into().map_err(|_| Error::LogicBug)?;
    let c1 = e.point(c1).ok_or(Error::VerificationFailed)?;
    let c2 = e.point(c2).ok_or(Error::VerificationFailed)?;
    let mut d = secret_scalar(e, key)?;
    let dc1 = e.mul(&c1, &d);
    d.zeroize();
    let mut dc1 = dc1?;
    let m = e.add(&c2, &dc1, true);
    dc1.zeroize();
    let mut m = m.ok_or(Error::VerificationFailed)?;
    let mut x = e.x(&m);
    m.zeroize();
    let secret = Secret32::from_bytes(x);
    x.zeroize();
    Ok(secret)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::crypto::{ecc_public_key, ecdsa_p256_sign_digest, is_valid_private_key};
    use p256::elliptic_curve::PrimeField;

    use p256::NistP256;
    use p256::ecdsa::Signature;

    /// `ecdsa::hazmat`'s verdict, the reference.
    fn reference(q: &AffinePoint, digest: &[u8; 32], sig: &[u8; 64]) -> bool {
        let Ok(sig) = Signature::from_slice(sig) else {
            return false;
        };
        ecdsa::hazmat::verify_prehashed::<NistP256>(&ProjectivePoint::from(*q), digest, &sig)
            .is_ok()
    }

    /// The range check agrees with the public key's existence at the edges of `[1, n)`.
    #[test]
    fn private_key_range() {
        let n: [u8; 32] = FieldBytes::from(p256::Scalar::ZERO - p256::Scalar::ONE).into();
        let mut above = n;
        above[31] += 1; // n itself (n − 1 ends in 0x50)
        for (bytes, valid) in [
            ([0u8; 32], false),
            ([0xFF; 32], false),
            (above, false),
            (n, true),
            ([0x11; 32], true),
        ] {
            let key = EccPrivateKey::from_bytes(bytes);
            assert_eq!(is_valid_private_key(&key), valid);
            assert_eq!(ecc_public_key(&key).is_ok(), valid);
        }
        let mut one = [0u8; 32];
        one[31] = 1;
        assert!(is_valid_private_key(&EccPrivateKey::from_bytes(one)));
    }

    /// The kit's verification, with the joint multiplication and with `verify_separate` (feature
    /// `small-stack`), agrees with `ecdsa`'s on good signatures, their high-`s` twins (valid for
    /// P-256), and every kind of bad one.
    #[test]
    fn verification_agrees_with_ecdsa() {
        let mut accepted = 0;
        for i in 1..=24u8 {
            let key = EccPrivateKey::from_bytes([i; 32]);
            let public = ecc_public_key(&key).unwrap();
            let q = point_from_bytes(&public).unwrap();
            let digest = [i.wrapping_mul(37); 32];
            let good = ecdsa_p256_sign_digest(&key, &digest).unwrap();
            // s -> n - s: the same signature, high s.
            let sig = Signature::from_slice(&good).unwrap();
            let (r, s) = sig.split_scalars();
            let high: [u8; 64] = Signature::from_scalars((*r).to_repr(), (-*s).to_repr())
                .unwrap()
                .to_bytes()
                .into();
            let mut bad = good;
            bad[i as usize % 64] ^= 1 << (i % 8);
            let mut swapped = good;
            swapped.rotate_left(32);
            for sig in [good, high, bad, swapped] {
                for d in [digest, [0xFF; 32], [0; 32]] {
                    let want = reference(&q, &d, &sig);
                    let joint = verify_with(&q, &d, &sig, mul_joint).is_ok();
                    let separate = verify_with(&q, &d, &sig, verify_separate).is_ok();
                    assert_eq!((joint, separate), (want, want), "key {i}");
                    accepted += usize::from(want);
                }
            }
        }
        // Both forms of every good signature, over its digest only.
        assert_eq!(accepted, 48);
    }
}
