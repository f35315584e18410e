//! Cryptography: the backends ([`backend`]) and the kit's algorithms over them, and the same
//! algorithms as free functions over the build's default backend ([`backend::DEFAULT`]:
//! RustCrypto, with the assembly P-256 under the feature `p256-cm4`) for code that has no
//! backend of its own to name (servers, tools, tests).
//!
//! - Hashes and MACs: [`sha256`], [`Sha256`], [`hmac_sha256`], [`HmacSha256`],
//!   [`aes128_cmac`], [`Cmac`], [`cmac_verify`].
//! - AES-128: [`aes128_encrypt_block`], [`aes128_decrypt_block`], CBC without padding
//!   ([`aes128_cbc_encrypt`], [`aes128_cbc_decrypt`]; [`Aes128CbcEncryptor`] block by block)
//!   and with PKCS#7 ([`aes128_cbc_encrypt_pkcs7`], [`aes128_cbc_decrypt_pkcs7`]).
//! - P-256: keys ([`ecc_public_key`], [`ecc_generate_key`]), ECDSA-P256-SHA256 with raw `r‖s`
//!   signatures ([`ecdsa_p256_sign`], [`ecdsa_p256_verify`] and their `_digest` forms), and
//!   ElGamal as PROTOCOL §2 describes it ([`elgamal_encrypt`], [`elgamal_decrypt`],
//!   [`point_from_x`], [`random_point_x`], [`elgamal_encrypt_random_point`]).
//! - [`constant_time_eq`] for MACs, digests and anything else secret-dependent.
//!
//! Public keys and points are `X‖Y` (64 bytes, big-endian coordinates) as on the wire; private
//! keys are [`EccPrivateKey`]. Every verification failure is the one opaque
//! [`Error::VerificationFailed`].

pub mod backend;
mod ecc;
mod rfc6979;

use rand_core::TryCryptoRng;
use subtle::ConstantTimeEq;

#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::secret::{Aes128Key, EccPrivateKey, HmacKey, Secret32};
use backend::{Algorithms, DEFAULT, RustCrypto, SoftAes128};

pub use ecc::P256_BACKEND;

/// Constant-time equality of two byte strings. The lengths are treated as public: strings of
/// different lengths compare unequal at once.
#[must_use]
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Streaming SHA-256 of the build's [`DefaultSha256`](backend::DefaultSha256).
pub type Sha256 = <backend::DefaultSha256 as backend::Sha256Engine>::Hasher;

impl<C: backend::Sha256Compress + Default> Default for backend::BlockHasher<C> {
    fn default() -> Self {
        backend::Sha256Engine::hasher(&backend::Blockwise(C::default()))
    }
}

impl<C: backend::Sha256Compress + Default> backend::BlockHasher<C> {
    /// A fresh hash.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        backend::Hasher::update(self, data);
    }
    /// The digest.
    #[must_use]
    pub fn finalize(self) -> [u8; 32] {
        backend::Hasher::finalize(self)
    }
}

impl backend::SoftSha256 {
    /// A fresh hash.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        backend::Hasher::update(self, data);
    }
    /// The digest.
    #[must_use]
    pub fn finalize(self) -> [u8; 32] {
        backend::Hasher::finalize(self)
    }
}

/// SHA-256 of `data`.
#[must_use]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    DEFAULT.sha256(data)
}

/// HMAC-SHA256 of `data` under `key`.
#[must_use]
pub fn hmac_sha256(key: &HmacKey, data: &[u8]) -> [u8; 32] {
    DEFAULT.hmac_sha256(key, data)
}

/// Streaming HMAC-SHA256 (RFC 2104) over the build's default SHA-256.
#[derive(Clone)]
pub struct HmacSha256(backend::Hmac<backend::DefaultSha256>);

impl HmacSha256 {
    /// A MAC keyed with `key`.
    #[must_use]
    pub fn new(key: &HmacKey) -> Self {
        Self(backend::Hmac::new(&backend::DEFAULT_SHA256, key))
    }
    /// A MAC keyed with a key of any length (RFC 2104 rules). Never fails; the `Result` is kept
    /// for the callers written when it could.
    pub fn new_from_slice(key: &[u8]) -> Result<Self> {
        Ok(Self(backend::Hmac::with_key(&backend::DEFAULT_SHA256, key)))
    }
    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    /// The 32-byte tag.
    #[must_use]
    pub fn finalize(self) -> [u8; 32] {
        self.0.finalize()
    }
    /// Checks `tag` (full 32 bytes) in constant time.
    pub fn verify(self, tag: &[u8]) -> Result<()> {
        self.0.verify(tag)
    }
}

/// Encrypts one 16-byte block in place (AES-128, FIPS 197).
pub fn aes128_encrypt_block(key: &Aes128Key, block: &mut [u8; 16]) {
    DEFAULT.aes128_encrypt_block(key, block);
}

/// Decrypts one 16-byte block in place (AES-128, FIPS 197).
pub fn aes128_decrypt_block(key: &Aes128Key, block: &mut [u8; 16]) {
    DEFAULT.aes128_decrypt_block(key, block);
}

/// AES-128-CBC encryption in place, without padding (NIST SP 800-38A §6.2); see
/// [`Algorithms::aes128_cbc_encrypt`].
pub fn aes128_cbc_encrypt(key: &Aes128Key, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
    DEFAULT.aes128_cbc_encrypt(key, iv, data)
}

/// AES-128-CBC decryption in place, without padding; see [`Algorithms::aes128_cbc_decrypt`].
pub fn aes128_cbc_decrypt(key: &Aes128Key, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
    DEFAULT.aes128_cbc_decrypt(key, iv, data)
}

/// AES-128-CBC encryption with PKCS#7 padding in place; see
/// [`Algorithms::aes128_cbc_encrypt_pkcs7`].
pub fn aes128_cbc_encrypt_pkcs7(
    key: &Aes128Key,
    iv: &[u8; 16],
    buf: &mut [u8],
    msg_len: usize,
) -> Result<usize> {
    DEFAULT.aes128_cbc_encrypt_pkcs7(key, iv, buf, msg_len)
}

/// AES-128-CBC decryption with PKCS#7 padding in place; see
/// [`Algorithms::aes128_cbc_decrypt_pkcs7`].
pub fn aes128_cbc_decrypt_pkcs7(key: &Aes128Key, iv: &[u8; 16], buf: &mut [u8]) -> Result<usize> {
    DEFAULT.aes128_cbc_decrypt_pkcs7(key, iv, buf)
}

/// AES-128-CBC encryption one block at a time with RustCrypto's AES (the key schedule runs
/// once). The expanded key and the chaining value are zeroized when it is dropped.
#[derive(Debug)]
pub struct Aes128CbcEncryptor(backend::CbcEncryptor<SoftAes128>);

impl Aes128CbcEncryptor {
    /// An encryptor with `key` whose first block is chained to `iv`.
    #[must_use]
    pub fn new(key: &Aes128Key, iv: &[u8; 16]) -> Self {
        Self(RustCrypto.cbc_encryptor(key, iv))
    }
    /// Encrypts the next block in place (chained to the previous ciphertext block).
    pub fn encrypt_block(&mut self, block: &mut [u8; 16]) {
        self.0.encrypt_block(block);
    }
}

/// AES-128-CMAC (OMAC1, RFC 4493) of `data`: the 16-byte tag.
#[must_use]
pub fn aes128_cmac(key: &Aes128Key, data: &[u8]) -> [u8; 16] {
    DEFAULT.aes128_cmac(key, data)
}

/// Checks a 16-byte AES-128-CMAC `tag` over `data` in constant time. A tag of any other length
/// fails. The only error is the opaque [`Error::VerificationFailed`].
pub fn cmac_verify(key: &Aes128Key, data: &[u8], tag: &[u8]) -> Result<()> {
    DEFAULT.cmac_verify(key, data, tag)
}

/// Streaming AES-128-CMAC (RFC 4493) with RustCrypto's AES, for messages that arrive in pieces.
pub struct Cmac(backend::Cmac<SoftAes128>);

impl Cmac {
    /// A MAC keyed with `key`.
    #[must_use]
    pub fn new(key: &Aes128Key) -> Self {
        Self(RustCrypto.cmac(key))
    }
    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    /// The 16-byte tag.
    #[must_use]
    pub fn finalize(self) -> [u8; 16] {
        self.0.finalize()
    }
    /// Checks `tag` (exactly 16 bytes) in constant time.
    pub fn verify(self, tag: &[u8]) -> Result<()> {
        self.0.verify(tag)
    }
}

/// Whether `public` (`X‖Y`) is a point of P-256 (and so usable as a public key).
#[must_use]
pub fn is_valid_public_key(public: &[u8; 64]) -> bool {
    DEFAULT.is_valid_public_key(public)
}

/// Whether `key` is a usable private scalar, in `[1, n)` (checked in constant time, without
/// computing its public key: for a scalar in range `d·G` always exists).
#[must_use]
pub fn is_valid_private_key(key: &EccPrivateKey) -> bool {
    DEFAULT.is_valid_private_key(key)
}

/// The public key `X‖Y` of a private key; [`Error::InvalidArgument`] when the private key is
/// 0 or not below the group order.
pub fn ecc_public_key(key: &EccPrivateKey) -> Result<[u8; 64]> {
    DEFAULT.ecc_public_key(key)
}

/// A fresh P-256 key pair from `rng`: the private key and its public key `X‖Y`.
pub fn ecc_generate_key<R: TryCryptoRng + ?Sized>(
    rng: &mut R,
) -> Result<(EccPrivateKey, [u8; 64])> {
    DEFAULT.ecc_generate_key(rng)
}

/// ECDSA-P256-SHA256 over `msg` with deterministic nonces (RFC 6979): the raw signature
/// `r‖s` (32 bytes each, big-endian).
pub fn ecdsa_p256_sign(key: &EccPrivateKey, msg: &[u8]) -> Result<[u8; 64]> {
    DEFAULT.ecdsa_p256_sign(key, msg)
}

/// ECDSA-P256 over a SHA-256 `digest` with deterministic nonces (RFC 6979 §3.2): the raw
/// signature `r‖s`.
pub fn ecdsa_p256_sign_digest(key: &EccPrivateKey, digest: &[u8; 32]) -> Result<[u8; 64]> {
    DEFAULT.ecdsa_p256_sign_digest(key, digest)
}

/// Verifies a raw `r‖s` ECDSA-P256-SHA256 signature over `msg` with the public key `X‖Y`.
pub fn ecdsa_p256_verify(public: &[u8; 64], msg: &[u8], signature: &[u8]) -> Result<()> {
    DEFAULT.ecdsa_p256_verify(public, msg, signature)
}

/// Verifies a raw `r‖s` ECDSA-P256 signature over a SHA-256 `digest`. Any failure (a public key
/// off the curve, a signature that is not 64 bytes, `r` or `s` outside `[1, n)`, a wrong
/// signature) is the opaque [`Error::VerificationFailed`].
pub fn ecdsa_p256_verify_digest(
    public: &[u8; 64],
    digest: &[u8; 32],
    signature: &[u8],
) -> Result<()> {
    DEFAULT.ecdsa_p256_verify_digest(public, digest, signature)
}

/// The point `X‖Y` whose x coordinate is `x`, with the even `y` of the two (`y` is the square
/// root for p ≡ 3 mod 4). [`Error::InvalidArgument`] when `x` is not the x coordinate of a
/// point (about half of all values are not).
pub fn point_from_x(x: &[u8; 32]) -> Result<[u8; 64]> {
    DEFAULT.point_from_x(x)
}

/// A random 32-byte value that is the x coordinate of a point: the secret of an ElGamal
/// message (Secure Delete and license challenges use it as `IV ‖ key`).
pub fn random_point_x<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<[u8; 32]> {
    DEFAULT.random_point_x(rng)
}

/// A 32-byte x coordinate of a point whose last 16 bytes are `suffix` and whose first 16 are
/// random: how an issuer wraps `CI‖CK` for a given content key `CK` (PROTOCOL §2, "retry CI").
pub fn random_point_x_with_suffix<R: TryCryptoRng + ?Sized>(
    suffix: &[u8; 16],
    rng: &mut R,
) -> Result<[u8; 32]> {
    DEFAULT.random_point_x_with_suffix(suffix, rng)
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
    DEFAULT.elgamal_encrypt(public, message_x, rng)
}

/// [`random_point_x`] and [`elgamal_encrypt`] of that point to `public` in one: the secret x
/// and its ciphertext `C1.x‖C1.y‖C2.x‖C2.y`.
///
/// [`Error::InvalidArgument`] when `public` is not a point; [`Error::Rng`].
pub fn elgamal_encrypt_random_point<R: TryCryptoRng + ?Sized>(
    public: &[u8; 64],
    rng: &mut R,
) -> Result<(Secret32, [u8; 128])> {
    DEFAULT.elgamal_encrypt_random_point(public, rng)
}

/// ElGamal decryption (PROTOCOL §2): the x coordinate of `M = C2 − d·C1` from
/// `C1.x‖C1.y‖C2.x‖C2.y`.
///
/// [`Error::VerificationFailed`] when `C1` or `C2` is not a point or `M` is the identity;
/// [`Error::InvalidArgument`] when the private key is invalid.
pub fn elgamal_decrypt(key: &EccPrivateKey, ciphertext: &[u8; 128]) -> Result<Secret32> {
    DEFAULT.elgamal_decrypt(key, ciphertext)
}
