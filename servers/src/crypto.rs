//! The primitives the servers need, straight from RustCrypto: P-256 keys, ElGamal (PROTOCOL §2),
//! ECDSA-P256-SHA256 with raw `r‖s` signatures, AES-128-CBC, AES-128-CMAC, HMAC-SHA256, SHA-256.

use aes::Aes128;
use aes::cipher::block_padding::{NoPadding, Pkcs7};
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use cmac::{Cmac, KeyInit, Mac};
use hmac::Hmac;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::point::{AffineCoordinates, DecompressPoint};
use p256::{AffinePoint, FieldBytes, NonZeroScalar, ProjectivePoint};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

use crate::rng::TestRng;

/// A P-256 public key as it is on the wire: `X‖Y`, 32 bytes each, big-endian.
pub type PublicKeyBytes = [u8; 64];

/// A P-256 key pair. `Debug` prints the public key only.
#[derive(Clone)]
pub struct KeyPair {
    secret: NonZeroScalar,
    public: PublicKeyBytes,
}

impl core::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyPair")
            .field("public", &hex(&self.public))
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A fresh key pair from `rng`.
    pub fn generate(rng: &mut TestRng) -> Self {
        Self::from_scalar(rng.scalar())
    }

    /// The key pair of a private scalar.
    #[must_use]
    pub fn from_scalar(secret: NonZeroScalar) -> Self {
        let point = (ProjectivePoint::GENERATOR * *secret).to_affine();
        Self {
            secret,
            public: point_to_bytes(&point),
        }
    }

    /// The key pair of a 32-byte big-endian private scalar; `None` if it is 0 or ≥ n.
    #[must_use]
    pub fn from_secret_bytes(bytes: &[u8; 32]) -> Option<Self> {
        NonZeroScalar::try_from(bytes.as_slice())
            .ok()
            .map(Self::from_scalar)
    }

    /// The private scalar, 32 bytes big-endian.
    #[must_use]
    pub fn secret_bytes(&self) -> [u8; 32] {
        FieldBytes::from(&self.secret).into()
    }

    /// The private scalar.
    #[must_use]
    pub fn secret(&self) -> &NonZeroScalar {
        &self.secret
    }

    /// The public key `X‖Y`.
    #[must_use]
    pub fn public(&self) -> PublicKeyBytes {
        self.public
    }

    /// ECDSA-P256-SHA256 over `msg` (RFC 6979 nonces), raw `r‖s`.
    #[must_use]
    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        let key = SigningKey::from(self.secret);
        let sig: Signature = key.sign(msg);
        sig.to_bytes().into()
    }

    /// ElGamal decryption (PROTOCOL §2): `M = C2 − d·C1` from `C1.x‖C1.y‖C2.x‖C2.y`.
    #[must_use]
    pub fn elgamal_decrypt(&self, ciphertext: &[u8]) -> Option<AffinePoint> {
        let (c1, c2) = ciphertext.split_at_checked(64)?;
        let c1 = point_from_bytes(c1)?;
        let c2 = point_from_bytes(c2)?;
        let m = ProjectivePoint::from(c2) - ProjectivePoint::from(c1) * *self.secret;
        let m = m.to_affine();
        (!bool::from(m.is_identity())).then_some(m)
    }
}

/// Hex of bytes, lowercase (for messages and `Debug`).
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `X‖Y` of an affine point.
#[must_use]
pub fn point_to_bytes(point: &AffinePoint) -> PublicKeyBytes {
    let mut out = [0u8; 64];
    let (x, y) = out.split_at_mut(32);
    x.copy_from_slice(&point.x());
    y.copy_from_slice(&point.y());
    out
}

/// The point of `X‖Y` (64 bytes); `None` if the length is wrong or the point is not on P-256.
#[must_use]
pub fn point_from_bytes(bytes: &[u8]) -> Option<AffinePoint> {
    let (x, y) = bytes.split_at_checked(32)?;
    if y.len() != 32 {
        return None;
    }
    let x = FieldBytes::try_from(x).ok()?;
    let y = FieldBytes::try_from(y).ok()?;
    Option::from(AffinePoint::from_coordinates(&x, &y))
}

/// The point whose x coordinate is `x`, with the **even** y of the two (the square root for
/// p ≡ 3 mod 4 is `a^((p+1)/4)`; p256 computes it). `None` if `x` is not the x of a point.
///
/// Which of `y` and `p − y` is taken is the project's choice (PROTOCOL is silent): a receiver of
/// an ElGamal-wrapped key only reads `x(M)`, so either works.
#[must_use]
pub fn point_from_x(x: &[u8; 32]) -> Option<AffinePoint> {
    Option::from(AffinePoint::decompress(
        &FieldBytes::from(*x),
        Choice::from(0),
    ))
}

/// ElGamal encryption of the point `m` to `recipient` (PROTOCOL §2):
/// `C1 = k·G`, `C2 = M + k·Q`, output `C1.x‖C1.y‖C2.x‖C2.y`.
#[must_use]
pub fn elgamal_encrypt(recipient: &AffinePoint, m: &AffinePoint, rng: &mut TestRng) -> [u8; 128] {
    let k = rng.scalar();
    let c1 = (ProjectivePoint::GENERATOR * *k).to_affine();
    let c2 = (ProjectivePoint::from(*m) + ProjectivePoint::from(*recipient) * *k).to_affine();
    let mut out = [0u8; 128];
    let (a, b) = out.split_at_mut(64);
    a.copy_from_slice(&point_to_bytes(&c1));
    b.copy_from_slice(&point_to_bytes(&c2));
    out
}

/// Wraps `CI‖CK` to `recipient` (PROTOCOL §2): draws `CI` until `CI‖CK` is the x coordinate of a
/// point, and ElGamal-encrypts that point. Returns the 128-byte ciphertext and `CI`.
#[must_use]
pub fn wrap_key(
    recipient: &AffinePoint,
    ck: &[u8; 16],
    rng: &mut TestRng,
) -> ([u8; 128], [u8; 16]) {
    loop {
        let ci: [u8; 16] = rng.array();
        let mut x = [0u8; 32];
        let (hi, lo) = x.split_at_mut(16);
        hi.copy_from_slice(&ci);
        lo.copy_from_slice(ck);
        if let Some(m) = point_from_x(&x) {
            return (elgamal_encrypt(recipient, &m, rng), ci);
        }
    }
}

/// Verifies a raw `r‖s` ECDSA-P256-SHA256 signature over `msg` with the public key `X‖Y`.
#[must_use]
pub fn ecdsa_verify(public: &[u8], msg: &[u8], signature: &[u8]) -> bool {
    let Some(point) = point_from_bytes(public) else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_affine(point) else {
        return false;
    };
    let Ok(sig) = Signature::from_slice(signature) else {
        return false;
    };
    key.verify(msg, &sig).is_ok()
}

/// SHA-256.
#[must_use]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// AES-128-CMAC (RFC 4493).
#[must_use]
pub fn cmac_aes128(key: &[u8; 16], data: &[u8]) -> [u8; 16] {
    let mut mac = <Cmac<Aes128> as KeyInit>::new(&(*key).into());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA256.
#[must_use]
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        return [0; 32];
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Constant-time equality of two byte strings (lengths are not secret).
#[must_use]
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

type CbcEnc = cbc::Encryptor<Aes128>;
type CbcDec = cbc::Decryptor<Aes128>;

/// AES-128-CBC without padding; `None` unless `data` is a whole number of blocks.
#[must_use]
pub fn aes_cbc_encrypt_nopad(key: &[u8; 16], iv: &[u8; 16], data: &[u8]) -> Option<Vec<u8>> {
    if !data.len().is_multiple_of(16) {
        return None;
    }
    Some(CbcEnc::new(&(*key).into(), &(*iv).into()).encrypt_padded_vec::<NoPadding>(data))
}

/// AES-128-CBC decryption without padding; `None` unless `data` is a whole number of blocks.
#[must_use]
pub fn aes_cbc_decrypt_nopad(key: &[u8; 16], iv: &[u8; 16], data: &[u8]) -> Option<Vec<u8>> {
    if !data.len().is_multiple_of(16) {
        return None;
    }
    CbcDec::new(&(*key).into(), &(*iv).into())
        .decrypt_padded_vec::<NoPadding>(data)
        .ok()
}

/// AES-128-CBC with PKCS#7 padding.
#[must_use]
pub fn aes_cbc_encrypt_pkcs7(key: &[u8; 16], iv: &[u8; 16], data: &[u8]) -> Vec<u8> {
    CbcEnc::new(&(*key).into(), &(*iv).into()).encrypt_padded_vec::<Pkcs7>(data)
}

/// AES-128-CBC decryption with PKCS#7 padding; `None` on bad length or padding.
#[must_use]
pub fn aes_cbc_decrypt_pkcs7(key: &[u8; 16], iv: &[u8; 16], data: &[u8]) -> Option<Vec<u8>> {
    if data.is_empty() || !data.len().is_multiple_of(16) {
        return None;
    }
    CbcDec::new(&(*key).into(), &(*iv).into())
        .decrypt_padded_vec::<Pkcs7>(data)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::elliptic_curve::ff::PrimeField;
    use p256::{FieldBytes, Scalar};

    #[test]
    fn elgamal_round_trip_against_raw_scalar_arithmetic() {
        let mut rng = TestRng::from_seed(1);
        let device = KeyPair::generate(&mut rng);
        let q = point_from_bytes(&device.public()).unwrap();
        let ck: [u8; 16] = rng.array();
        let (ct, ci) = wrap_key(&q, &ck, &mut rng);

        // Undo it by hand: M = C2 - d*C1 with the scalar rebuilt from its bytes.
        let d = Scalar::from_repr(FieldBytes::from(device.secret_bytes())).unwrap();
        let c1 = point_from_bytes(&ct[..64]).unwrap();
        let c2 = point_from_bytes(&ct[64..]).unwrap();
        let m = (ProjectivePoint::from(c2) - ProjectivePoint::from(c1) * d).to_affine();
        let x = m.x();
        assert_eq!(&x[..16], &ci);
        assert_eq!(&x[16..], &ck);
        // The point M was built with an even y.
        assert!(!bool::from(m.y_is_odd()));
        // And through the helper.
        let m2 = device.elgamal_decrypt(&ct).unwrap();
        assert_eq!(point_to_bytes(&m2), point_to_bytes(&m));
        // A different key gets a different point.
        let other = KeyPair::generate(&mut rng);
        assert_ne!(
            other.elgamal_decrypt(&ct).map(|p| point_to_bytes(&p)),
            Some(point_to_bytes(&m))
        );
    }

    #[test]
    fn point_from_x_rejects_non_residues_and_finds_residues() {
        let mut rng = TestRng::from_seed(2);
        let (mut ok, mut bad) = (0, 0);
        for _ in 0..64 {
            let x: [u8; 32] = rng.array();
            match point_from_x(&x) {
                Some(p) => {
                    assert_eq!(p.x().as_slice(), &x);
                    ok += 1;
                }
                None => bad += 1,
            }
        }
        assert!(
            ok > 10 && bad > 10,
            "about half of x values are valid: {ok} ok, {bad} bad"
        );
    }

    #[test]
    fn ecdsa_raw_signature_round_trip() {
        let mut rng = TestRng::from_seed(3);
        let k = KeyPair::generate(&mut rng);
        let sig = k.sign(b"message");
        assert!(ecdsa_verify(&k.public(), b"message", &sig));
        assert!(!ecdsa_verify(&k.public(), b"messagf", &sig));
        assert!(!ecdsa_verify(&k.public(), b"message", &sig[..63]));
        assert!(!ecdsa_verify(&[0u8; 64], b"message", &sig));
    }

    #[test]
    fn cmac_rfc4493_example_2() {
        // RFC 4493 §4, Example 2 (16-byte message).
        let key: [u8; 16] = *b"\x2b\x7e\x15\x16\x28\xae\xd2\xa6\xab\xf7\x15\x88\x09\xcf\x4f\x3c";
        let msg = b"\x6b\xc1\xbe\xe2\x2e\x40\x9f\x96\xe9\x3d\x7e\x11\x73\x93\x17\x2a";
        assert_eq!(
            hex(&cmac_aes128(&key, msg)),
            "070a16b46b4d4144f79bdd9dd04a287c"
        );
    }

    #[test]
    fn cbc_round_trips() {
        let key = [7u8; 16];
        let iv = [9u8; 16];
        let ct = aes_cbc_encrypt_pkcs7(&key, &iv, b"hello");
        assert_eq!(ct.len(), 16);
        assert_eq!(aes_cbc_decrypt_pkcs7(&key, &iv, &ct).unwrap(), b"hello");
        assert!(aes_cbc_encrypt_nopad(&key, &iv, b"hello").is_none());
        let ct = aes_cbc_encrypt_nopad(&key, &iv, &[1u8; 32]).unwrap();
        assert_eq!(
            aes_cbc_decrypt_nopad(&key, &iv, &ct).unwrap(),
            vec![1u8; 32]
        );
    }
}
