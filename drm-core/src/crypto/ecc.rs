//! P-256: keys, ECDSA-P256-SHA256 with raw `r‖s` signatures, and ElGamal (PROTOCOL §2).
//!
//! ElGamal here is the textbook scheme on points: to encrypt a point `M` to the public key
//! `Q = d·G`, draw `k` and output `C1 = k·G`, `C2 = M + k·Q` as `C1.x‖C1.y‖C2.x‖C2.y` (128
//! bytes); decryption is `M = C2 − d·C1`. The message is carried in `x(M)`: a 32-byte value
//! becomes a point through [`point_from_x`], which picks the **even** `y` of the two (the same
//! choice as the simulated servers in `tests/drm-tests`; a receiver reads `x(M)` only, so the
//! choice does not matter to it).

use p256::ecdsa::Signature;
use p256::elliptic_curve::group::Group;
use p256::elliptic_curve::point::{AffineCoordinates, DecompressPoint};
use p256::elliptic_curve::subtle::Choice;
use p256::{AffinePoint, FieldBytes, NistP256, NonZeroScalar, ProjectivePoint};
use rand_core::TryCryptoRng;
use zeroize::Zeroize;

use crate::error::{Error, Result};
use crate::secret::{EccPrivateKey, Secret32};

/// How many draws a rejection-sampling loop makes before it reports [`Error::Rng`]. Each draw
/// succeeds with probability about 1/2 (point x) or 1 − 2⁻³² (scalar), so reaching the limit
/// means the generator is broken.
const MAX_DRAWS: usize = 128;

/// The private scalar of `key`; [`Error::InvalidArgument`] when it is 0 or not below the
/// group order.
fn secret_scalar(key: &EccPrivateKey) -> Result<NonZeroScalar> {
    let mut bytes = FieldBytes::from(*key.expose_secret());
    let scalar = NonZeroScalar::from_repr(bytes);
    bytes.zeroize();
    scalar.into_option().ok_or(Error::InvalidArgument)
}

/// A uniformly random non-zero scalar (rejection sampling of 32-byte strings).
fn random_scalar<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<NonZeroScalar> {
    for _ in 0..MAX_DRAWS {
        let mut bytes = FieldBytes::default();
        rng.try_fill_bytes(&mut bytes).map_err(|_| Error::Rng)?;
        let scalar = NonZeroScalar::from_repr(bytes);
        bytes.zeroize();
        if let Some(scalar) = scalar.into_option() {
            return Ok(scalar);
        }
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

/// Whether `public` (`X‖Y`) is a point of P-256 (and so usable as a public key).
#[must_use]
pub fn is_valid_public_key(public: &[u8; 64]) -> bool {
    point_from_bytes(public).is_some()
}

/// The public key `X‖Y` of a private key; [`Error::InvalidArgument`] when the private key is
/// 0 or not below the group order.
pub fn ecc_public_key(key: &EccPrivateKey) -> Result<[u8; 64]> {
    let mut d = secret_scalar(key)?;
    let public = ProjectivePoint::mul_by_generator(&*d).to_affine();
    d.zeroize();
    Ok(point_to_bytes(&public))
}

/// A fresh P-256 key pair from `rng`: the private key and its public key `X‖Y`.
pub fn ecc_generate_key<R: TryCryptoRng + ?Sized>(
    rng: &mut R,
) -> Result<(EccPrivateKey, [u8; 64])> {
    let mut d = random_scalar(rng)?;
    let public = point_to_bytes(&ProjectivePoint::mul_by_generator(&*d).to_affine());
    let mut bytes = FieldBytes::from(&d);
    let key = EccPrivateKey::from_bytes(bytes.into());
    bytes.zeroize();
    d.zeroize();
    Ok((key, public))
}

/// ECDSA-P256-SHA256 over `msg` with deterministic nonces (RFC 6979): the raw signature
/// `r‖s` (32 bytes each, big-endian).
pub fn ecdsa_p256_sign(key: &EccPrivateKey, msg: &[u8]) -> Result<[u8; 64]> {
    ecdsa_p256_sign_digest(key, &super::sha256(msg))
}

/// ECDSA-P256 over a SHA-256 `digest` with deterministic nonces (RFC 6979 §3.2): the raw
/// signature `r‖s`.
pub fn ecdsa_p256_sign_digest(key: &EccPrivateKey, digest: &[u8; 32]) -> Result<[u8; 64]> {
    let mut d = secret_scalar(key)?;
    let (signature, _) =
        ecdsa::hazmat::sign_prehashed_rfc6979::<NistP256, sha2::Sha256>(&d, digest, &[]);
    d.zeroize();
    Ok(signature.to_bytes().into())
}

/// Verifies a raw `r‖s` ECDSA-P256-SHA256 signature over `msg` with the public key `X‖Y`.
pub fn ecdsa_p256_verify(public: &[u8; 64], msg: &[u8], signature: &[u8]) -> Result<()> {
    ecdsa_p256_verify_digest(public, &super::sha256(msg), signature)
}

/// Verifies a raw `r‖s` ECDSA-P256 signature over a SHA-256 `digest`. Any failure (a public key
/// off the curve, a signature that is not 64 bytes, `r` or `s` outside `[1, n)`, a wrong
/// signature) is the opaque [`Error::VerificationFailed`].
pub fn ecdsa_p256_verify_digest(
    public: &[u8; 64],
    digest: &[u8; 32],
    signature: &[u8],
) -> Result<()> {
    let q = point_from_bytes(public).ok_or(Error::VerificationFailed)?;
    if signature.len() != 64 {
        return Err(Error::VerificationFailed);
    }
    let signature = Signature::from_slice(signature).map_err(|_| Error::VerificationFailed)?;
    #[cfg(not(feature = "small-stack"))]
    return ecdsa::hazmat::verify_prehashed::<NistP256>(
        &ProjectivePoint::from(q),
        digest,
        &signature,
    )
    .map_err(|_| Error::VerificationFailed);
    #[cfg(feature = "small-stack")]
    return verify_separate(&q, digest, &signature);
}

/// ECDSA verification as `ecdsa::hazmat::verify_prehashed` computes it (`z` the digest reduced
/// mod `n`, `w = s⁻¹`, `R = (z·w)·G + (r·w)·Q`, valid when `x(R) mod n = r`; P-256 does not
/// require a low `s`), with the two scalar multiplications made one after the other in frames of
/// their own instead of one joint multiplication: its tables need about 3 KB of stack a Cortex-M0
/// may not have (feature `small-stack`), for about twice the time. All of it is public data, so
/// variable time is fine. Cross-checked with the joint form in the tests of both builds.
#[cfg(any(feature = "small-stack", test))]
fn verify_separate(q: &AffinePoint, digest: &[u8; 32], signature: &Signature) -> Result<()> {
    use p256::Scalar;
    use p256::elliptic_curve::ops::Reduce;
    let (r, s) = signature.split_scalars();
    let z = <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(*digest));
    let w: Scalar = Option::from(s.invert_vartime()).ok_or(Error::VerificationFailed)?;
    let point = mul_projective(&ProjectivePoint::GENERATOR, &(z * w))
        + mul_projective(&ProjectivePoint::from(*q), &(*r * w));
    if bool::from(point.is_identity()) {
        return Err(Error::VerificationFailed);
    }
    let x = point.to_affine().x();
    if <Scalar as Reduce<FieldBytes>>::reduce(&x) == *r {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

/// `k·P`, in a frame of its own (see [`verify_separate`]).
#[cfg(any(feature = "small-stack", test))]
#[inline(never)]
fn mul_projective(p: &ProjectivePoint, k: &p256::Scalar) -> ProjectivePoint {
    *p * k
}

/// The point `X‖Y` whose x coordinate is `x`, with the even `y` of the two (`y` is the square
/// root for p ≡ 3 mod 4). [`Error::InvalidArgument`] when `x` is not the x coordinate of a
/// point (about half of all values are not).
pub fn point_from_x(x: &[u8; 32]) -> Result<[u8; 64]> {
    even_point_from_x(x)
        .map(|p| point_to_bytes(&p))
        .ok_or(Error::InvalidArgument)
}

/// A random 32-byte value that is the x coordinate of a point: the secret of an ElGamal
/// message (Secure Delete and license challenges use it as `IV ‖ key`).
pub fn random_point_x<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<[u8; 32]> {
    random_point(rng).map(|(x, _)| x)
}

/// A random x coordinate of a point and that point (even `y`).
fn random_point<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<([u8; 32], AffinePoint)> {
    for _ in 0..MAX_DRAWS {
        let mut x = [0u8; 32];
        rng.try_fill_bytes(&mut x).map_err(|_| Error::Rng)?;
        if let Some(point) = even_point_from_x(&x) {
            return Ok((x, point));
        }
        x.zeroize();
    }
    Err(Error::Rng)
}

/// A 32-byte x coordinate of a point whose last 16 bytes are `suffix` and whose first 16 are
/// random: how an issuer wraps `CI‖CK` for a given content key `CK` (PROTOCOL §2, "retry CI").
pub fn random_point_x_with_suffix<R: TryCryptoRng + ?Sized>(
    suffix: &[u8; 16],
    rng: &mut R,
) -> Result<[u8; 32]> {
    for _ in 0..MAX_DRAWS {
        let mut x = [0u8; 32];
        let (head, tail) = x.split_at_mut(16);
        rng.try_fill_bytes(head).map_err(|_| Error::Rng)?;
        tail.copy_from_slice(suffix);
        if even_point_from_x(&x).is_some() {
            return Ok(x);
        }
        x.zeroize();
    }
    Err(Error::Rng)
}

/// ElGamal encryption (PROTOCOL §2) of the point with x coordinate `message_x` (even `y`) to
/// the public key `public`: `C1.x‖C1.y‖C2.x‖C2.y`.
///
/// [`Error::InvalidArgument`] when `public` is not a point or `message_x` is not the x of a
/// point (use [`random_point_x`] or [`random_point_x_with_suffix`] to pick one).
pub fn elgamal_encrypt<R: TryCryptoRng + ?Sized>(
    public: &[u8; 64],
    message_x: &[u8; 32],
    rng: &mut R,
) -> Result<[u8; 128]> {
    let q = point_from_bytes(public).ok_or(Error::InvalidArgument)?;
    let m = even_point_from_x(message_x).ok_or(Error::InvalidArgument)?;
    encrypt_point(&q, &m, rng)
}

/// [`random_point_x`] and [`elgamal_encrypt`] of that point to `public` in one: the secret x
/// and its ciphertext `C1.x‖C1.y‖C2.x‖C2.y`. The point found by the draw is the one encrypted
/// (one square root fewer than the two calls).
///
/// [`Error::InvalidArgument`] when `public` is not a point; [`Error::Rng`].
pub fn elgamal_encrypt_random_point<R: TryCryptoRng + ?Sized>(
    public: &[u8; 64],
    rng: &mut R,
) -> Result<(Secret32, [u8; 128])> {
    let q = point_from_bytes(public).ok_or(Error::InvalidArgument)?;
    let (mut x, m) = random_point(rng)?;
    let secret = Secret32::from_bytes(x);
    x.zeroize();
    let ciphertext = encrypt_point(&q, &m, rng)?;
    Ok((secret, ciphertext))
}

/// `k·G ‖ M + k·Q` for a fresh `k`. Each product in a frame of its own ([`mul_generator`],
/// [`mul_add`]): inlined together they made one frame of 4 KiB on the Cortex-M0.
fn encrypt_point<R: TryCryptoRng + ?Sized>(
    q: &AffinePoint,
    m: &AffinePoint,
    rng: &mut R,
) -> Result<[u8; 128]> {
    let mut k = random_scalar(rng)?;
    let c1 = mul_generator(&k);
    let c2 = mul_add(q, &k, m);
    k.zeroize();
    let mut out = [0u8; 128];
    let (a, b) = out.split_at_mut(64);
    a.copy_from_slice(&point_to_bytes(&c1));
    b.copy_from_slice(&point_to_bytes(&c2));
    Ok(out)
}

/// `k·G`.
#[inline(never)]
fn mul_generator(k: &NonZeroScalar) -> AffinePoint {
    ProjectivePoint::mul_by_generator(&**k).to_affine()
}

/// `k·Q + M`.
#[inline(never)]
fn mul_add(q: &AffinePoint, k: &NonZeroScalar, m: &AffinePoint) -> AffinePoint {
    (ProjectivePoint::from(*q) * **k + ProjectivePoint::from(*m)).to_affine()
}

/// ElGamal decryption (PROTOCOL §2): the x coordinate of `M = C2 − d·C1` from
/// `C1.x‖C1.y‖C2.x‖C2.y`.
///
/// [`Error::VerificationFailed`] when `C1` or `C2` is not a point or `M` is the identity;
/// [`Error::InvalidArgument`] when the private key is invalid.
#[inline(never)]
pub fn elgamal_decrypt(key: &EccPrivateKey, ciphertext: &[u8; 128]) -> Result<Secret32> {
    let (c1, c2) = ciphertext
        .split_first_chunk::<64>()
        .ok_or(Error::LogicBug)?;
    let c2: &[u8; 64] = c2.try_into().map_err(|_| Error::LogicBug)?;
    let c1 = point_from_bytes(c1).ok_or(Error::VerificationFailed)?;
    let c2 = point_from_bytes(c2).ok_or(Error::VerificationFailed)?;
    let mut d = secret_scalar(key)?;
    let m = (ProjectivePoint::from(c2) - ProjectivePoint::from(c1) * *d).to_affine();
    d.zeroize();
    if bool::from(m.is_identity()) {
        return Err(Error::VerificationFailed);
    }
    let mut x: [u8; 32] = m.x().into();
    let secret = Secret32::from_bytes(x);
    x.zeroize();
    Ok(secret)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use p256::elliptic_curve::PrimeField;

    /// The joint multiplication's verdict (`ecdsa::hazmat`), the reference.
    fn joint(q: &AffinePoint, digest: &[u8; 32], sig: &[u8; 64]) -> bool {
        let Ok(sig) = Signature::from_slice(sig) else {
            return false;
        };
        ecdsa::hazmat::verify_prehashed::<NistP256>(&ProjectivePoint::from(*q), digest, &sig)
            .is_ok()
    }

    fn separate(q: &AffinePoint, digest: &[u8; 32], sig: &[u8; 64]) -> bool {
        let Ok(sig) = Signature::from_slice(sig) else {
            return false;
        };
        verify_separate(q, digest, &sig).is_ok()
    }

    /// `verify_separate` (feature `small-stack`) agrees with the joint form on good signatures,
    /// their high-`s` twins (valid for P-256), and every kind of bad one.
    #[test]
    fn separate_multiplications_verify_as_the_joint_one() {
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
                    let want = joint(&q, &d, &sig);
                    assert_eq!(separate(&q, &d, &sig), want, "key {i}");
                    accepted += usize::from(want);
                }
            }
        }
        // Both forms of every good signature, over its digest only.
        assert_eq!(accepted, 48);
    }
}
