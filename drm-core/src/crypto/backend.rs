//! Crypto backends: what the kit computes with, behind three small traits a port can implement
//! for its own hardware.
//!
//! - [`Sha256Engine`] hands out SHA-256 [`Hasher`]s;
//! - [`AesEngine`] hands out AES-128 [`BlockCipher`]s (one block at a time, CBC provided and
//!   overridable for an engine with a CBC mode);
//! - [`P256Engine`] does the P-256 operations every algorithm of the kit is built from (scalar
//!   multiplications, ECDSA over a digest, decompression, ElGamal's point addition) on points
//!   and scalars in its own form.
//!
//! A [`Crypto`] names one of each; [`Suite`] puts any three together, and [`RustCrypto`] (the
//! default and the reference) is all three in software. Everything else — HMAC-SHA256 (RFC
//! 2104, [`Hmac`]), AES-CMAC (RFC 4493, [`Cmac`]), CBC with PKCS#7 padding, ECDSA over a
//! message, ElGamal, key checks — is the kit's own code over those traits, in [`Algorithms`],
//! which every [`Crypto`] has and none can override. So a port writes the primitives its
//! hardware has and nothing else, and the checks the kit relies on (constant-time tag
//! comparison, padding checks, the point checks) stay the kit's.
//!
//! The backend is chosen by type: a device passes its [`Crypto`] through its
//! [`DeviceIdentity`](crate::platform::DeviceIdentity) (`type Crypto`) and the store takes a
//! [`Sha256Engine`] as a type parameter. There is no `dyn` anywhere: with the default backends
//! the calls compile to what direct calls into RustCrypto compile to.
//!
//! `docs/PORTING.md` ("Crypto backends") says how to write one for a hardware engine and what
//! must be constant time.

use rand_core::TryCryptoRng;
use subtle::{ConstantTimeEq, ConstantTimeGreater};
use zeroize::{Zeroize, Zeroizing};

use super::ecc;
use crate::error::{Error, Result};
use crate::secret::{Aes128Key, EccPrivateKey, HmacKey, Secret32};

/// AES block size in bytes.
const BLOCK: usize = 16;
/// SHA-256 block size in bytes (the HMAC key block).
const SHA256_BLOCK: usize = 64;

/// A running SHA-256 (FIPS 180-4).
///
/// Several hashers of one engine may be alive at once (an HMAC keeps two; the XML writer keeps a
/// digest running while a signature is being computed), each with its own state.
pub trait Hasher {
    /// Absorbs `data`.
    fn update(&mut self, data: &[u8]);
    /// The digest.
    fn finalize(self) -> [u8; 32];
}

/// SHA-256, as a device computes it.
pub trait Sha256Engine {
    /// A running hash of this engine. It owns what it needs to reach the engine (a handle, a
    /// register block's address): the kit keeps hashes in its own structures.
    type Hasher: Hasher + Clone;
    /// A fresh hash.
    fn hasher(&self) -> Self::Hasher;
}

/// An AES-128 key ready to use (the key schedule done, or the key loaded into an engine).
///
/// Must be constant time: the key and the data are secret.
pub trait BlockCipher {
    /// Encrypts one block in place (FIPS 197).
    fn encrypt_block(&self, block: &mut [u8; 16]);
    /// Decrypts one block in place (FIPS 197).
    fn decrypt_block(&self, block: &mut [u8; 16]);

    /// CBC encryption in place (NIST SP 800-38A §6.2), the first block chained to `iv`.
    /// Provided in terms of [`Self::encrypt_block`]; an engine with a CBC mode may do it itself.
    fn cbc_encrypt(&self, iv: &[u8; 16], blocks: &mut [[u8; 16]]) {
        let mut chain = *iv;
        for block in blocks {
            xor_block(block, &chain);
            self.encrypt_block(block);
            chain = *block;
        }
        chain.zeroize();
    }

    /// The CBC-MAC chain over `blocks`: for each, `x = E(x ⊕ block)` (CMAC's body, RFC 4493
    /// §2.4 step 6). Provided in terms of [`Self::encrypt_block`]; a cipher whose every call has
    /// a set-up cost (the `aes` crate's) does all the blocks in one call.
    fn cbc_mac(&self, x: &mut [u8; 16], blocks: &[[u8; 16]]) {
        for block in blocks {
            xor_block(x, block);
            self.encrypt_block(x);
        }
    }

    /// CBC decryption in place (NIST SP 800-38A §6.2). Provided in terms of
    /// [`Self::decrypt_block`].
    fn cbc_decrypt(&self, iv: &[u8; 16], blocks: &mut [[u8; 16]]) {
        let mut chain = *iv;
        for block in blocks {
            let cipher = *block;
            self.decrypt_block(block);
            xor_block(block, &chain);
            chain = cipher;
        }
        chain.zeroize();
    }
}

/// AES-128, as a device computes it.
pub trait AesEngine {
    /// A keyed cipher of this engine, owning what it needs to reach the engine. Must zeroize
    /// any copy of the key it holds when dropped.
    type Cipher: BlockCipher;
    /// `key`, ready to use.
    fn aes128(&self, key: &Aes128Key) -> Self::Cipher;

    /// CBC encryption of `blocks` with `key` in one call. Provided through [`Self::aes128`]; an
    /// engine with a one-shot CBC mode (or a software backend with a faster path) may do it
    /// itself.
    fn cbc_encrypt(&self, key: &Aes128Key, iv: &[u8; 16], blocks: &mut [[u8; 16]]) {
        self.aes128(key).cbc_encrypt(iv, blocks);
    }

    /// CBC decryption of `blocks` with `key` in one call (see [`Self::cbc_encrypt`]).
    fn cbc_decrypt(&self, key: &Aes128Key, iv: &[u8; 16], blocks: &mut [[u8; 16]]) {
        self.aes128(key).cbc_decrypt(iv, blocks);
    }
}

/// The P-256 operations the kit's ECDSA, ElGamal and key checks are built from, on scalars and
/// points in the engine's own form (no conversion between engines on the way: a point is read
/// from its bytes once and written as bytes once).
///
/// Constant time is required of [`Self::secret`], [`Self::mul_base`], [`Self::mul`],
/// [`Self::sign`] and [`Self::x`] in the secret scalar, and of [`Self::add`] in its operands
/// (ElGamal adds secret points); [`Self::point`], [`Self::verify`] and
/// [`Self::decompress_even`] see public data only, except the decompression of a random
/// secret x, where only whether a point exists may leak (about one draw in two fails).
pub trait P256Engine {
    /// A secret scalar in `[1, n)` (zeroized by its users).
    type Secret: Zeroize;
    /// An affine point of the curve, never the identity (zeroized by its users where it is
    /// secret).
    type Point: Zeroize;
    /// The scalar of 32 big-endian bytes, if it is in `[1, n)`.
    fn secret(&self, bytes: &[u8; 32]) -> Option<Self::Secret>;
    /// The point `X‖Y` (big-endian coordinates), if it is on the curve.
    fn point(&self, bytes: &[u8; 64]) -> Option<Self::Point>;
    /// `X‖Y` of a point.
    fn encode(&self, p: &Self::Point) -> [u8; 64];
    /// The big-endian x coordinate of a point.
    fn x(&self, p: &Self::Point) -> [u8; 32];
    /// `k·G`.
    fn mul_base(&self, k: &Self::Secret) -> Result<Self::Point>;
    /// `k·P`.
    fn mul(&self, p: &Self::Point, k: &Self::Secret) -> Result<Self::Point>;
    /// ECDSA over a SHA-256 digest with the nonce `k` (the kit computes it, RFC 6979): `r‖s`,
    /// or `None` when `r` or `s` is zero (the kit then takes the next nonce).
    fn sign(&self, d: &Self::Secret, k: &Self::Secret, digest: &[u8; 32]) -> Option<[u8; 64]>;
    /// ECDSA verification of `r‖s`; any failure is [`Error::VerificationFailed`].
    fn verify(&self, q: &Self::Point, digest: &[u8; 32], signature: &[u8; 64]) -> Result<()>;
    /// The point with x coordinate `x` and an even `y`, if there is one.
    fn decompress_even(&self, x: &[u8; 32]) -> Option<Self::Point>;
    /// `a + b`, or `a − b` when `negate`; `None` when the sum is the identity. Complete
    /// (doubling included).
    fn add(&self, a: &Self::Point, b: &Self::Point, negate: bool) -> Option<Self::Point>;
}

/// The crypto a device computes with: one engine of each kind.
///
/// A handle, cheap to clone (a zero-sized type, a reference, a register block's address): a key
/// exchange context keeps a clone of its identity's.
pub trait Crypto: Clone {
    /// SHA-256 (and so HMAC-SHA256).
    type Sha256: Sha256Engine;
    /// AES-128 (and so CBC and CMAC).
    type Aes: AesEngine;
    /// P-256.
    type P256: P256Engine;
    /// The SHA-256 engine.
    fn sha(&self) -> &Self::Sha256;
    /// The AES engine.
    fn aes(&self) -> &Self::Aes;
    /// The P-256 engine.
    fn p256(&self) -> &Self::P256;
}

/// Three engines as one [`Crypto`]: for example a hardware AES and SHA-256 with
/// [`RustCrypto`]'s P-256.
#[derive(Clone, Copy, Debug, Default)]
pub struct Suite<H, A, P> {
    /// SHA-256.
    pub sha: H,
    /// AES-128.
    pub aes: A,
    /// P-256.
    pub p256: P,
}

impl<H: Sha256Engine + Clone, A: AesEngine + Clone, P: P256Engine + Clone> Crypto
    for Suite<H, A, P>
{
    type Sha256 = H;
    type Aes = A;
    type P256 = P;
    fn sha(&self) -> &H {
        &self.sha
    }
    fn aes(&self) -> &A {
        &self.aes
    }
    fn p256(&self) -> &P {
        &self.p256
    }
}

/// RustCrypto (`sha2`, `aes`, `p256`; CBC and ECDSA the kit's own over them) for all three: the portable backend, the
/// default, and the reference every other backend is checked against.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCrypto;

/// RustCrypto's SHA-256 state.
#[derive(Clone, Default)]
pub struct SoftSha256(sha2::Sha256);

impl Hasher for SoftSha256 {
    fn update(&mut self, data: &[u8]) {
        sha2::Digest::update(&mut self.0, data);
    }
    fn finalize(self) -> [u8; 32] {
        sha2::Digest::finalize(self.0).into()
    }
}

impl Sha256Engine for RustCrypto {
    type Hasher = SoftSha256;
    fn hasher(&self) -> SoftSha256 {
        SoftSha256::default()
    }
}

/// One SHA-256 compression (FIPS 180-4 §6.2.2) of `block` into `state`: all a port writes for
/// a hash engine that works block by block; [`Blockwise`] adds the padding and the running
/// state.
pub trait Sha256Compress: Clone {
    /// `state = compress(state, block)`.
    fn compress(&self, state: &mut [u32; 8], block: &[u8; 64]);
}

/// A [`Sha256Engine`] from a [`Sha256Compress`]: the message buffer, the padding and the
/// length are the kit's, the compressions the engine's.
#[derive(Clone, Copy, Debug, Default)]
pub struct Blockwise<C>(pub C);

/// A running hash of [`Blockwise`]: its chaining value and partial block live here, so any
/// number of hashes can run at once on one engine.
#[derive(Clone)]
pub struct BlockHasher<C> {
    compress: C,
    state: [u32; 8],
    buf: [u8; SHA256_BLOCK],
    fill: usize,
    len: u64,
}

/// FIPS 180-4 §5.3.3.
const SHA256_H0: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

impl<C: Sha256Compress> BlockHasher<C> {
    fn with(compress: C) -> Self {
        Self {
            compress,
            state: SHA256_H0,
            buf: [0; SHA256_BLOCK],
            fill: 0,
            len: 0,
        }
    }

    fn compress_buf(&mut self) {
        self.compress.compress(&mut self.state, &self.buf);
        self.fill = 0;
    }
}

impl<C: Sha256Compress> Hasher for BlockHasher<C> {
    fn update(&mut self, mut data: &[u8]) {
        self.len = self.len.wrapping_add(data.len() as u64);
        while !data.is_empty() {
            let take = (SHA256_BLOCK - self.fill).min(data.len());
            let (head, rest) = data.split_at(take);
            if let Some(dst) = self.buf.get_mut(self.fill..self.fill + take) {
                dst.copy_from_slice(head);
            }
            self.fill += take;
            data = rest;
            if self.fill == SHA256_BLOCK {
                self.compress_buf();
            }
        }
    }

    fn finalize(mut self) -> [u8; 32] {
        // FIPS 180-4 §5.1.1: 0x80, zeros, the length in bits in the last 8 bytes.
        let bits = self.len.wrapping_mul(8);
        let fill = self.fill;
        for (i, b) in self.buf.iter_mut().enumerate().skip(fill) {
            *b = if i == fill { 0x80 } else { 0 };
        }
        if fill >= SHA256_BLOCK - 8 {
            self.compress_buf();
            self.buf.fill(0);
        }
        let (_, tail) = self.buf.split_at_mut(SHA256_BLOCK - 8);
        tail.copy_from_slice(&bits.to_be_bytes());
        self.compress_buf();
        let mut out = [0u8; 32];
        for (chunk, s) in out.chunks_exact_mut(4).zip(self.state) {
            chunk.copy_from_slice(&s.to_be_bytes());
        }
        out
    }
}

impl<C> Drop for BlockHasher<C> {
    fn drop(&mut self) {
        self.state.zeroize();
        self.buf.zeroize();
    }
}

impl<C: Sha256Compress> Sha256Engine for Blockwise<C> {
    type Hasher = BlockHasher<C>;
    fn hasher(&self) -> BlockHasher<C> {
        BlockHasher::with(self.0.clone())
    }
}

/// The kit's own SHA-256 compression, written small: one loop of 64 rounds over a 16-word
/// schedule, no unrolling (about 1.6 times RustCrypto's instructions for a tenth of its code).
/// Constant time (no data-dependent branches or lookups).
#[derive(Clone, Copy, Debug, Default)]
pub struct CompactCompress;

/// FIPS 180-4 §4.2.2.
const SHA256_K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

impl Sha256Compress for CompactCompress {
    // Every index is a constant below 16 (rounds and schedule are unrolled by 16) or, for the
    // constants, below 64: in bounds, and the compiler removes the checks.
    #[allow(clippy::indexing_slicing)]
    #[inline(never)]
    fn compress(&self, state: &mut [u32; 8], block: &[u8; 64]) {
        let mut w = [0u32; 16];
        let (words, _) = block.as_chunks::<4>();
        for (word, bytes) in w.iter_mut().zip(words) {
            *word = u32::from_be_bytes(*bytes);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
        // One round: the eight variables are renamed instead of moved (the classic form: only
        // `d` and `h` change).
        macro_rules! round {
            ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident, $k:expr, $w:expr) => {
                $h = $h
                    .wrapping_add($e.rotate_right(6) ^ $e.rotate_right(11) ^ $e.rotate_right(25))
                    .wrapping_add(($e & $f) ^ (!$e & $g))
                    .wrapping_add($k)
                    .wrapping_add($w);
                $d = $d.wrapping_add($h);
                $h = $h
                    .wrapping_add($a.rotate_right(2) ^ $a.rotate_right(13) ^ $a.rotate_right(22))
                    .wrapping_add(($a & $b) | ($c & ($a | $b)));
            };
        }
        // W_t over W_{t-16} in the 16-word ring (`$t` a constant below 16).
        macro_rules! schedule {
            ($($t:literal)*) => {$(
                let (w15, w2) = (w[($t + 1) & 15], w[($t + 14) & 15]);
                let sigma0 = w15.rotate_right(7) ^ w15.rotate_right(18) ^ (w15 >> 3);
                let sigma1 = w2.rotate_right(17) ^ w2.rotate_right(19) ^ (w2 >> 10);
                w[$t] = w[$t]
                    .wrapping_add(sigma0)
                    .wrapping_add(w[($t + 9) & 15])
                    .wrapping_add(sigma1);
            )*};
        }
        // Four groups of 16 rounds; from the second on, the group's 16 schedule words first,
        // then its 16 rounds, both unrolled (about 2 KB of code in all, against sha2's 7 KB
        // for all 64 rounds unrolled, for about the same instructions).
        for group in 0..4 {
            if group > 0 {
                schedule!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
            }
            let k = &SHA256_K[group * 16..group * 16 + 16];
            round!(a, b, c, d, e, f, g, h, k[0], w[0]);
            round!(h, a, b, c, d, e, f, g, k[1], w[1]);
            round!(g, h, a, b, c, d, e, f, k[2], w[2]);
            round!(f, g, h, a, b, c, d, e, k[3], w[3]);
            round!(e, f, g, h, a, b, c, d, k[4], w[4]);
            round!(d, e, f, g, h, a, b, c, k[5], w[5]);
            round!(c, d, e, f, g, h, a, b, k[6], w[6]);
            round!(b, c, d, e, f, g, h, a, k[7], w[7]);
            round!(a, b, c, d, e, f, g, h, k[8], w[8]);
            round!(h, a, b, c, d, e, f, g, k[9], w[9]);
            round!(g, h, a, b, c, d, e, f, k[10], w[10]);
            round!(f, g, h, a, b, c, d, e, k[11], w[11]);
            round!(e, f, g, h, a, b, c, d, k[12], w[12]);
            round!(d, e, f, g, h, a, b, c, k[13], w[13]);
            round!(c, d, e, f, g, h, a, b, k[14], w[14]);
            round!(b, c, d, e, f, g, h, a, k[15], w[15]);
        }
        for (s, x) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
            *s = s.wrapping_add(x);
        }
        w.zeroize();
    }
}

/// The kit's compact SHA-256 ([`CompactCompress`] block by block): the default with the feature
/// `sha256-compact`, or named by a port.
pub type CompactSha256 = Blockwise<CompactCompress>;

/// RustCrypto's AES-128 with its key schedule (zeroized when dropped).
#[derive(Clone)]
pub struct SoftAes128(aes::Aes128);

impl BlockCipher for SoftAes128 {
    fn encrypt_block(&self, block: &mut [u8; 16]) {
        aes::cipher::BlockCipherEncrypt::encrypt_block(&self.0, block.into());
    }
    fn decrypt_block(&self, block: &mut [u8; 16]) {
        self.cbc_decrypt(&[0; 16], core::slice::from_mut(block));
    }

    /// CBC over all the blocks in one call into the `aes` crate (its backend is set up once, not
    /// once per block).
    fn cbc_encrypt(&self, iv: &[u8; 16], blocks: &mut [[u8; 16]]) {
        aes::cipher::BlockCipherEncrypt::encrypt_with_backend(&self.0, SoftCbc { iv: *iv, blocks });
    }

    /// The CBC-MAC chain in one call into the `aes` crate (its backend set up once).
    fn cbc_mac(&self, x: &mut [u8; 16], blocks: &[[u8; 16]]) {
        aes::cipher::BlockCipherEncrypt::encrypt_with_backend(&self.0, SoftCbcMac { x, blocks });
    }

    /// CBC decryption through the `aes` crate's parallel decryption only (two blocks at a time
    /// on a 32-bit core: about half the instructions of one at a time), the last odd block
    /// decrypted in a batch of its own: the one-block decryption, a second copy of the
    /// bitsliced inverse cipher (about 2 KB), is not linked.
    fn cbc_decrypt(&self, iv: &[u8; 16], blocks: &mut [[u8; 16]]) {
        aes::cipher::BlockCipherDecrypt::decrypt_with_backend(&self.0, SoftCbc { iv: *iv, blocks });
    }
}

/// CBC over the blocks, as a closure that the `aes` crate calls with its backend.
struct SoftCbc<'a> {
    iv: [u8; 16],
    blocks: &'a mut [[u8; 16]],
}

impl aes::cipher::BlockSizeUser for SoftCbc<'_> {
    type BlockSize = aes::cipher::consts::U16;
}

impl aes::cipher::BlockCipherEncClosure for SoftCbc<'_> {
    fn call<B: aes::cipher::BlockCipherEncBackend<BlockSize = Self::BlockSize>>(self, backend: &B) {
        let mut prev = self.iv;
        for block in self.blocks.iter_mut() {
            xor_block(block, &prev);
            let b: &mut aes::Block = block.into();
            backend.encrypt_block(b.into());
            prev = *block;
        }
    }
}

/// The CBC-MAC chain over the blocks, as a closure that the `aes` crate calls with its backend.
struct SoftCbcMac<'a> {
    x: &'a mut [u8; 16],
    blocks: &'a [[u8; 16]],
}

impl aes::cipher::BlockSizeUser for SoftCbcMac<'_> {
    type BlockSize = aes::cipher::consts::U16;
}

impl aes::cipher::BlockCipherEncClosure for SoftCbcMac<'_> {
    fn call<B: aes::cipher::BlockCipherEncBackend<BlockSize = Self::BlockSize>>(self, backend: &B) {
        for block in self.blocks {
            xor_block(self.x, block);
            let b: &mut aes::Block = self.x.into();
            backend.encrypt_block(b.into());
        }
    }
}

impl aes::cipher::BlockCipherDecClosure for SoftCbc<'_> {
    fn call<B: aes::cipher::BlockCipherDecBackend<BlockSize = Self::BlockSize>>(self, backend: &B) {
        use aes::cipher::typenum::Unsigned;
        let mut prev = self.iv;
        let mut batch = aes::cipher::ParBlocks::<B>::default();
        for chunk in self.blocks.chunks_mut(B::ParBlocksSize::USIZE) {
            for (slot, block) in batch.iter_mut().zip(chunk.iter()) {
                *slot = (*block).into();
            }
            backend.decrypt_par_blocks((&mut batch).into());
            for (block, plain) in chunk.iter_mut().zip(batch.iter()) {
                let cipher = *block;
                for ((b, d), p) in block.iter_mut().zip(plain.iter()).zip(prev) {
                    *b = d ^ p;
                }
                prev = cipher;
            }
        }
        for slot in batch.iter_mut() {
            slot.zeroize();
        }
    }
}

impl AesEngine for RustCrypto {
    type Cipher = SoftAes128;
    fn aes128(&self, key: &Aes128Key) -> SoftAes128 {
        SoftAes128(<aes::Aes128 as aes::cipher::KeyInit>::new(
            key.expose_secret().into(),
        ))
    }
}

impl Crypto for RustCrypto {
    type Sha256 = Self;
    type Aes = Self;
    type P256 = Self;
    fn sha(&self) -> &Self {
        self
    }
    fn aes(&self) -> &Self {
        self
    }
    fn p256(&self) -> &Self {
        self
    }
}

/// The P-256 of P256-Cortex-M4's assembly (feature `p256-cm4`, ARMv7E-M and ARMv8-M Mainline
/// only): 14-40 times fewer instructions than [`RustCrypto`] (BENCHMARKS.md), the same bytes.
#[cfg(all(feature = "p256-cm4", target_arch = "arm"))]
pub use ecc::P256Cm4;

/// The SHA-256 of a build without choices: [`RustCrypto`]'s, or [`CompactSha256`] with the
/// feature `sha256-compact`: also the store's default and the XML writer's.
#[cfg(not(feature = "sha256-compact"))]
pub type DefaultSha256 = RustCrypto;
/// The SHA-256 of a build without choices: [`RustCrypto`]'s, or [`CompactSha256`] with the
/// feature `sha256-compact`.
#[cfg(feature = "sha256-compact")]
pub type DefaultSha256 = CompactSha256;
/// The [`DefaultSha256`] value.
#[cfg(not(feature = "sha256-compact"))]
pub const DEFAULT_SHA256: DefaultSha256 = RustCrypto;
/// The [`DefaultSha256`] value.
#[cfg(feature = "sha256-compact")]
pub const DEFAULT_SHA256: DefaultSha256 = Blockwise(CompactCompress);

/// The P-256 of a build without choices: [`RustCrypto`]'s, or [`P256Cm4`] with the feature
/// `p256-cm4` (on ARM).
#[cfg(not(all(feature = "p256-cm4", target_arch = "arm")))]
pub type DefaultP256 = RustCrypto;
/// The P-256 of a build without choices.
#[cfg(all(feature = "p256-cm4", target_arch = "arm"))]
pub type DefaultP256 = P256Cm4;
/// The [`DefaultP256`] value.
#[cfg(not(all(feature = "p256-cm4", target_arch = "arm")))]
pub const DEFAULT_P256: DefaultP256 = RustCrypto;
/// The [`DefaultP256`] value.
#[cfg(all(feature = "p256-cm4", target_arch = "arm"))]
pub const DEFAULT_P256: DefaultP256 = P256Cm4;

/// The backends of a build without choices: [`RustCrypto`], its SHA-256 replaced by
/// [`DefaultSha256`] and its P-256 by [`DefaultP256`] as the features say (cargo features, no
/// rustflags: `sha256-compact`, `p256-cm4`).
#[cfg(not(any(
    feature = "sha256-compact",
    all(feature = "p256-cm4", target_arch = "arm")
)))]
pub type DefaultCrypto = RustCrypto;
/// The backends of a build without choices (see the other cfg).
#[cfg(any(
    feature = "sha256-compact",
    all(feature = "p256-cm4", target_arch = "arm")
))]
pub type DefaultCrypto = Suite<DefaultSha256, RustCrypto, DefaultP256>;

/// The [`DefaultCrypto`] value.
#[cfg(not(any(
    feature = "sha256-compact",
    all(feature = "p256-cm4", target_arch = "arm")
)))]
pub const DEFAULT: DefaultCrypto = RustCrypto;
/// The [`DefaultCrypto`] value.
#[cfg(any(
    feature = "sha256-compact",
    all(feature = "p256-cm4", target_arch = "arm")
))]
pub const DEFAULT: DefaultCrypto = Suite {
    sha: DEFAULT_SHA256,
    aes: RustCrypto,
    p256: DEFAULT_P256,
};

fn xor_block(block: &mut [u8; 16], with: &[u8; 16]) {
    for (b, w) in block.iter_mut().zip(with) {
        *b ^= w;
    }
}

/// `Ok` when `tag` is `computed` (compared in constant time), else the opaque
/// [`Error::VerificationFailed`].
fn check_tag(computed: &[u8], tag: &[u8]) -> Result<()> {
    if super::constant_time_eq(computed, tag) {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

/// HMAC-SHA256 (RFC 2104) over any [`Sha256Engine`]: the inner and the outer hash are both
/// keyed when it is made, so a clone of a keyed MAC costs no compression.
pub struct Hmac<E: Sha256Engine> {
    inner: E::Hasher,
    outer: E::Hasher,
}

impl<E: Sha256Engine> Clone for Hmac<E> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            outer: self.outer.clone(),
        }
    }
}

impl<E: Sha256Engine> Hmac<E> {
    /// A MAC keyed with the 32-byte `key`.
    pub fn new(engine: &E, key: &HmacKey) -> Self {
        Self::with_key(engine, key.expose_secret())
    }

    /// A MAC keyed with a key of any length (longer than a block: hashed first, RFC 2104 §2).
    pub fn with_key(engine: &E, key: &[u8]) -> Self {
        let mut block = Zeroizing::new([0u8; SHA256_BLOCK]);
        if key.len() > SHA256_BLOCK {
            let mut h = engine.hasher();
            h.update(key);
            let mut digest = h.finalize();
            for (dst, src) in block.iter_mut().zip(&digest) {
                *dst = *src;
            }
            digest.zeroize();
        } else {
            for (dst, src) in block.iter_mut().zip(key) {
                *dst = *src;
            }
        }
        let mut pad = Zeroizing::new([0u8; SHA256_BLOCK]);
        let mut keyed = |xor: u8| {
            for (p, k) in pad.iter_mut().zip(block.iter()) {
                *p = k ^ xor;
            }
            let mut h = engine.hasher();
            h.update(&pad[..]);
            h
        };
        let inner = keyed(0x36);
        let outer = keyed(0x5C);
        Self { inner, outer }
    }

    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }

    /// The 32-byte tag.
    #[must_use]
    pub fn finalize(self) -> [u8; 32] {
        let mut inner = self.inner.finalize();
        let mut outer = self.outer;
        outer.update(&inner);
        inner.zeroize();
        outer.finalize()
    }

    /// Checks `tag` (all 32 bytes) in constant time; the only error is the opaque
    /// [`Error::VerificationFailed`].
    pub fn verify(self, tag: &[u8]) -> Result<()> {
        check_tag(&self.finalize(), tag)
    }
}

/// AES-128-CMAC (OMAC1, RFC 4493) over any [`BlockCipher`], for messages that arrive in pieces.
pub struct Cmac<C: BlockCipher> {
    cipher: C,
    /// The chaining value.
    x: [u8; BLOCK],
    /// The last block seen, not yet chained (it may be the final one).
    buf: [u8; BLOCK],
    len: usize,
}

impl<C: BlockCipher> Cmac<C> {
    /// A MAC with the keyed `cipher`.
    pub fn new(cipher: C) -> Self {
        Self {
            cipher,
            x: [0; BLOCK],
            buf: [0; BLOCK],
            len: 0,
        }
    }

    /// Absorbs `data`. The whole blocks of a piece go to the cipher in one call
    /// ([`BlockCipher::cbc_mac`]); the last block seen is kept back (it may be the final one).
    pub fn update(&mut self, data: &[u8]) {
        let take = (BLOCK - self.len).min(data.len());
        let (head, data) = data.split_at(take);
        if let Some(dst) = self.buf.get_mut(self.len..self.len + take) {
            dst.copy_from_slice(head);
        }
        self.len += take;
        if data.is_empty() {
            return;
        }
        // More follows, so the buffered (full) block is not the last one; nor is any block of
        // `data` but its last (full or not).
        let keep = match data.len() % BLOCK {
            0 => BLOCK,
            partial => partial,
        };
        let (body, tail) = data.split_at(data.len() - keep);
        self.cipher
            .cbc_mac(&mut self.x, core::slice::from_ref(&self.buf));
        self.cipher
            .cbc_mac(&mut self.x, body.as_chunks::<BLOCK>().0);
        self.buf = [0; BLOCK];
        if let Some(dst) = self.buf.get_mut(..tail.len()) {
            dst.copy_from_slice(tail);
        }
        self.len = tail.len();
    }

    /// The 16-byte tag.
    #[must_use]
    pub fn finalize(mut self) -> [u8; 16] {
        // Subkeys (RFC 4493 §2.3): L = E(0), K1 = L·x, K2 = K1·x in GF(2^128).
        let mut k = [0u8; BLOCK];
        self.cipher.encrypt_block(&mut k);
        double(&mut k);
        if self.len < BLOCK {
            double(&mut k);
            // 10* padding.
            if let Some(b) = self.buf.get_mut(self.len) {
                *b = 0x80;
            }
            for b in self.buf.iter_mut().skip(self.len + 1) {
                *b = 0;
            }
        }
        xor_block(&mut self.buf, &k);
        k.zeroize();
        xor_block(&mut self.x, &self.buf);
        self.cipher.encrypt_block(&mut self.x);
        self.x
    }

    /// Checks `tag` (exactly 16 bytes) in constant time; the only error is the opaque
    /// [`Error::VerificationFailed`].
    pub fn verify(self, tag: &[u8]) -> Result<()> {
        check_tag(&self.finalize(), tag)
    }
}

impl<C: BlockCipher> Drop for Cmac<C> {
    fn drop(&mut self) {
        self.x.zeroize();
        self.buf.zeroize();
    }
}

/// Multiplication by x in GF(2^128) with the CMAC polynomial (RFC 4493 §2.3), in constant time.
fn double(block: &mut [u8; BLOCK]) {
    let carry = block.first().map_or(0, |b| b >> 7);
    let mut next = 0u8;
    for b in block.iter_mut().rev() {
        let out = *b >> 7;
        *b = (*b << 1) | next;
        next = out;
    }
    if let Some(last) = block.last_mut() {
        *last ^= 0x87 & 0u8.wrapping_sub(carry);
    }
}

/// AES-128-CBC encryption one block at a time, for data produced piece by piece: the key is made
/// ready once. The chaining value is zeroized when it is dropped (and the key, by the cipher).
pub struct CbcEncryptor<C: BlockCipher> {
    cipher: C,
    chain: [u8; BLOCK],
}

impl<C: BlockCipher> CbcEncryptor<C> {
    /// Encrypts the next block in place (chained to the previous ciphertext block).
    pub fn encrypt_block(&mut self, block: &mut [u8; 16]) {
        xor_block(block, &self.chain);
        self.cipher.encrypt_block(block);
        self.chain = *block;
    }

    /// Encrypts the next blocks in place, chained as [`Self::encrypt_block`] one after the other
    /// would, in one call into the cipher ([`BlockCipher::cbc_encrypt`]). With the `aes` crate
    /// that pays its per-call set-up (its round keys spread into the backend's form, about
    /// 2,900 instructions on a Cortex-M4) once for all of them rather than once a block.
    pub fn encrypt_blocks(&mut self, blocks: &mut [[u8; 16]]) {
        self.cipher.cbc_encrypt(&self.chain, blocks);
        if let Some(last) = blocks.last() {
            self.chain = *last;
        }
    }
}

impl<C: BlockCipher> Drop for CbcEncryptor<C> {
    fn drop(&mut self) {
        self.chain.zeroize();
    }
}

impl<C: BlockCipher> core::fmt::Debug for CbcEncryptor<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CbcEncryptor").finish_non_exhaustive()
    }
}

/// The blocks of `data`, or [`Error::InvalidArgument`] when it is not a whole number of them.
fn blocks(data: &mut [u8]) -> Result<&mut [[u8; BLOCK]]> {
    let (blocks, rest) = data.as_chunks_mut::<BLOCK>();
    if rest.is_empty() {
        Ok(blocks)
    } else {
        Err(Error::InvalidArgument)
    }
}

/// The HMAC of a [`Crypto`]'s SHA-256 engine.
pub type HmacOf<C> = Hmac<<C as Crypto>::Sha256>;
/// The keyed AES cipher of a [`Crypto`]'s AES engine.
pub type CipherOf<C> = <<C as Crypto>::Aes as AesEngine>::Cipher;
/// The hasher of a [`Crypto`]'s SHA-256 engine.
pub type HasherOf<C> = <<C as Crypto>::Sha256 as Sha256Engine>::Hasher;

/// Everything the kit computes, over any [`Crypto`]: every backend has these and none can
/// replace them (the only implementation is for every `C: Crypto`).
///
/// Public keys and points are `X‖Y` (64 bytes, big-endian coordinates); every verification
/// failure is the one opaque [`Error::VerificationFailed`].
pub trait Algorithms: Crypto {
    /// SHA-256 of `data`.
    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        let mut h = self.sha().hasher();
        h.update(data);
        h.finalize()
    }

    /// A streaming HMAC-SHA256 keyed with `key`.
    fn hmac(&self, key: &HmacKey) -> HmacOf<Self> {
        Hmac::new(self.sha(), key)
    }

    /// HMAC-SHA256 of `data` under `key`.
    fn hmac_sha256(&self, key: &HmacKey, data: &[u8]) -> [u8; 32] {
        let mut mac = self.hmac(key);
        mac.update(data);
        mac.finalize()
    }

    /// A streaming AES-128-CMAC keyed with `key`.
    fn cmac(&self, key: &Aes128Key) -> Cmac<CipherOf<Self>> {
        Cmac::new(self.aes().aes128(key))
    }

    /// AES-128-CMAC of `data`.
    fn aes128_cmac(&self, key: &Aes128Key, data: &[u8]) -> [u8; 16] {
        let mut mac = self.cmac(key);
        mac.update(data);
        mac.finalize()
    }

    /// Checks a 16-byte AES-128-CMAC `tag` over `data` in constant time.
    fn cmac_verify(&self, key: &Aes128Key, data: &[u8], tag: &[u8]) -> Result<()> {
        let mut mac = self.cmac(key);
        mac.update(data);
        mac.verify(tag)
    }

    /// One AES-128 block encrypted in place.
    fn aes128_encrypt_block(&self, key: &Aes128Key, block: &mut [u8; 16]) {
        self.aes().aes128(key).encrypt_block(block);
    }

    /// One AES-128 block decrypted in place.
    fn aes128_decrypt_block(&self, key: &Aes128Key, block: &mut [u8; 16]) {
        self.aes().aes128(key).decrypt_block(block);
    }

    /// AES-128-CBC encryption in place without padding; [`Error::InvalidArgument`] (and `data`
    /// unchanged) when `data` is not a whole number of blocks.
    fn aes128_cbc_encrypt(&self, key: &Aes128Key, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
        let blocks = blocks(data)?;
        self.aes().cbc_encrypt(key, iv, blocks);
        Ok(())
    }

    /// AES-128-CBC decryption in place without padding; [`Error::InvalidArgument`] (and `data`
    /// unchanged) when `data` is not a whole number of blocks.
    fn aes128_cbc_decrypt(&self, key: &Aes128Key, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
        let blocks = blocks(data)?;
        self.aes().cbc_decrypt(key, iv, blocks);
        Ok(())
    }

    /// An AES-128-CBC encryptor, block by block.
    fn cbc_encryptor(&self, key: &Aes128Key, iv: &[u8; 16]) -> CbcEncryptor<CipherOf<Self>> {
        CbcEncryptor {
            cipher: self.aes().aes128(key),
            chain: *iv,
        }
    }

    /// AES-128-CBC encryption with PKCS#7 padding (RFC 5652 §6.3) of `buf[..msg_len]` in place:
    /// the padded length (1 to 16 bytes more). [`Error::InvalidArgument`] when
    /// `msg_len > buf.len()`, [`Error::BufferTooSmall`] when the padding does not fit; `buf`
    /// unchanged on error.
    fn aes128_cbc_encrypt_pkcs7(
        &self,
        key: &Aes128Key,
        iv: &[u8; 16],
        buf: &mut [u8],
        msg_len: usize,
    ) -> Result<usize> {
        if msg_len > buf.len() {
            return Err(Error::InvalidArgument);
        }
        let pad = BLOCK - msg_len % BLOCK;
        let total = msg_len.checked_add(pad).ok_or(Error::BufferTooSmall)?;
        let padded = buf.get_mut(..total).ok_or(Error::BufferTooSmall)?;
        let pad_byte = u8::try_from(pad).map_err(|_| Error::LogicBug)?;
        for b in padded.iter_mut().skip(msg_len) {
            *b = pad_byte;
        }
        self.aes128_cbc_encrypt(key, iv, padded)?;
        Ok(total)
    }

    /// AES-128-CBC decryption with PKCS#7 padding in place: the plaintext length.
    /// [`Error::InvalidArgument`] when `buf` is empty or not a whole number of blocks;
    /// [`Error::VerificationFailed`] for a wrong padding (checked in constant time, before
    /// anything is written). `buf` unchanged on error.
    fn aes128_cbc_decrypt_pkcs7(
        &self,
        key: &Aes128Key,
        iv: &[u8; 16],
        buf: &mut [u8],
    ) -> Result<usize> {
        if buf.is_empty() || !buf.len().is_multiple_of(BLOCK) {
            return Err(Error::InvalidArgument);
        }
        // The padding is checked on a copy of the last block first, so that a bad ciphertext
        // leaves the buffer as it was: P_last = D(C_last) ⊕ C_prev (the IV for one block).
        let (head, last) = buf.split_at(buf.len() - BLOCK);
        let mut block: [u8; BLOCK] = last.try_into().map_err(|_| Error::LogicBug)?;
        let prev: &[u8] = head.get(head.len().saturating_sub(BLOCK)..).unwrap_or(&[]);
        let prev: &[u8] = if prev.is_empty() { iv } else { prev };
        self.aes().aes128(key).decrypt_block(&mut block);
        for (b, p) in block.iter_mut().zip(prev) {
            *b ^= p;
        }
        let pad = block.last().copied().unwrap_or(0);
        let mut ok = !pad.ct_eq(&0) & !pad.ct_gt(&(BLOCK as u8));
        for (i, b) in block.iter().enumerate() {
            // Position counted from the end: 16 for the first byte, 1 for the last.
            let from_end = (BLOCK - i) as u8;
            let in_pad = !from_end.ct_gt(&pad);
            ok &= !in_pad | b.ct_eq(&pad);
        }
        block.zeroize();
        if !bool::from(ok) {
            return Err(Error::VerificationFailed);
        }
        self.aes128_cbc_decrypt(key, iv, buf)?;
        Ok(buf.len() - usize::from(pad))
    }

    /// Whether `public` is a point of P-256.
    fn is_valid_public_key(&self, public: &[u8; 64]) -> bool {
        self.p256().point(public).is_some()
    }

    /// Whether `key` is a private scalar in `[1, n)` (constant time).
    fn is_valid_private_key(&self, key: &EccPrivateKey) -> bool {
        ecc::secret_scalar(self.p256(), key)
            .map(|mut d| d.zeroize())
            .is_ok()
    }

    /// The public key of `key`; [`Error::InvalidArgument`] when it is not in `[1, n)`.
    fn ecc_public_key(&self, key: &EccPrivateKey) -> Result<[u8; 64]> {
        ecc::public_key(self.p256(), key)
    }

    /// A fresh key pair: the private key and its public key.
    fn ecc_generate_key<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> Result<(EccPrivateKey, [u8; 64])> {
        ecc::generate_key(self.p256(), rng)
    }

    /// ECDSA-P256-SHA256 over `msg` (RFC 6979 nonce): `r‖s`.
    fn ecdsa_p256_sign(&self, key: &EccPrivateKey, msg: &[u8]) -> Result<[u8; 64]> {
        self.ecdsa_p256_sign_digest(key, &self.sha256(msg))
    }

    /// ECDSA-P256 over a SHA-256 `digest` (RFC 6979 nonce): `r‖s`.
    fn ecdsa_p256_sign_digest(&self, key: &EccPrivateKey, digest: &[u8; 32]) -> Result<[u8; 64]> {
        ecc::sign_digest(self.p256(), self.sha(), key, digest)
    }

    /// Verifies `r‖s` over `msg` with `public`.
    fn ecdsa_p256_verify(&self, public: &[u8; 64], msg: &[u8], signature: &[u8]) -> Result<()> {
        self.ecdsa_p256_verify_digest(public, &self.sha256(msg), signature)
    }

    /// Verifies `r‖s` over a SHA-256 `digest` with `public`: any failure (a key off the curve,
    /// a signature that is not 64 bytes, `r` or `s` out of range, a wrong signature) is
    /// [`Error::VerificationFailed`].
    fn ecdsa_p256_verify_digest(
        &self,
        public: &[u8; 64],
        digest: &[u8; 32],
        signature: &[u8],
    ) -> Result<()> {
        ecc::verify_digest(self.p256(), public, digest, signature)
    }

    /// ElGamal decryption (PROTOCOL §2): `x(C2 − d·C1)`.
    fn elgamal_decrypt(&self, key: &EccPrivateKey, ciphertext: &[u8; 128]) -> Result<Secret32> {
        ecc::decrypt(self.p256(), key, ciphertext)
    }

    /// ElGamal encryption of the point with x coordinate `message_x` (even `y`) to `public`.
    fn elgamal_encrypt<R: TryCryptoRng + ?Sized>(
        &self,
        public: &[u8; 64],
        message_x: &[u8; 32],
        rng: &mut R,
    ) -> Result<[u8; 128]> {
        ecc::encrypt(self.p256(), public, message_x, rng)
    }

    /// A random point's x and its ElGamal encryption to `public`, in one.
    fn elgamal_encrypt_random_point<R: TryCryptoRng + ?Sized>(
        &self,
        public: &[u8; 64],
        rng: &mut R,
    ) -> Result<(Secret32, [u8; 128])> {
        ecc::encrypt_random_point(self.p256(), public, rng)
    }

    /// The point with x coordinate `x` and even `y`; [`Error::InvalidArgument`] when there is
    /// none.
    fn point_from_x(&self, x: &[u8; 32]) -> Result<[u8; 64]> {
        let e = self.p256();
        e.decompress_even(x)
            .map(|p| e.encode(&p))
            .ok_or(Error::InvalidArgument)
    }

    /// A random x coordinate of a point.
    fn random_point_x<R: TryCryptoRng + ?Sized>(&self, rng: &mut R) -> Result<[u8; 32]> {
        ecc::random_point(self.p256(), rng).map(|(x, mut p)| {
            p.zeroize();
            x
        })
    }

    /// A random x coordinate of a point ending in `suffix` (PROTOCOL §2, "retry CI").
    fn random_point_x_with_suffix<R: TryCryptoRng + ?Sized>(
        &self,
        suffix: &[u8; 16],
        rng: &mut R,
    ) -> Result<[u8; 32]> {
        ecc::random_point_x_with_suffix(self.p256(), suffix, rng)
    }
}

impl<C: Crypto> Algorithms for C {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// A block cipher that only has the provided CBC, to check it against the `cbc` crate's.
    struct BlocksOnly(SoftAes128);
    impl BlockCipher for BlocksOnly {
        fn encrypt_block(&self, block: &mut [u8; 16]) {
            self.0.encrypt_block(block);
        }
        fn decrypt_block(&self, block: &mut [u8; 16]) {
            self.0.decrypt_block(block);
        }
    }

    #[test]
    fn provided_cbc_is_the_cbc_crate() {
        use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
        let key = Aes128Key::from_bytes([7; 16]);
        let iv = [9u8; 16];
        // Every count up to 9 blocks: odd tails go through a parallel batch of their own.
        for n in 0..=9 {
            let mut data = [[0u8; 16]; 9];
            for (i, b) in data.as_flattened_mut().iter_mut().enumerate() {
                *b = (i * 7 + n) as u8;
            }
            let plain = data;
            let data = &mut data[..n];
            let mut want = [[0u8; 16]; 9];
            let want = &mut want[..n];
            want.copy_from_slice(data);
            let (blocks, _) =
                aes::cipher::array::Array::slice_as_chunks_mut(want.as_flattened_mut());
            cbc::Encryptor::<aes::Aes128>::new(&[7; 16].into(), &iv.into()).encrypt_blocks(blocks);
            let only = BlocksOnly(RustCrypto.aes128(&key));
            let mut a = [[0u8; 16]; 9];
            let a = &mut a[..n];
            a.copy_from_slice(data);
            only.cbc_encrypt(&iv, a);
            AesEngine::cbc_encrypt(&RustCrypto, &key, &iv, data);
            assert_eq!(a, &*want, "{n} blocks");
            assert_eq!(data, &*want, "{n} blocks");
            assert!(n == 0 || data != &plain[..n]);
            let (blocks, _) =
                aes::cipher::array::Array::slice_as_chunks_mut(want.as_flattened_mut());
            cbc::Decryptor::<aes::Aes128>::new(&[7; 16].into(), &iv.into()).decrypt_blocks(blocks);
            assert_eq!(want, &plain[..n]);
            only.cbc_decrypt(&iv, a);
            AesEngine::cbc_decrypt(&RustCrypto, &key, &iv, data);
            assert_eq!(a, &plain[..n], "{n} blocks");
            assert_eq!(data, &plain[..n], "{n} blocks");
        }
    }

    #[test]
    fn doubling_in_gf128() {
        // RFC 4493 §4: L, K1 and K2 for the key 2b7e1516...
        let mut l = [
            0x7d, 0xf7, 0x6b, 0x0c, 0x1a, 0xb8, 0x99, 0xb3, 0x3e, 0x42, 0xf0, 0x47, 0xb9, 0x1b,
            0x54, 0x6f,
        ];
        double(&mut l);
        assert_eq!(
            l,
            [
                0xfb, 0xee, 0xd6, 0x18, 0x35, 0x71, 0x33, 0x66, 0x7c, 0x85, 0xe0, 0x8f, 0x72, 0x36,
                0xa8, 0xde
            ]
        );
        double(&mut l);
        assert_eq!(
            l,
            [
                0xf7, 0xdd, 0xac, 0x30, 0x6a, 0xe2, 0x66, 0xcc, 0xf9, 0x0b, 0xc1, 0x1e, 0xe4, 0x6d,
                0x51, 0x3b
            ]
        );
    }
}
