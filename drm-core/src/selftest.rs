//! Known-answer self-tests that need neither `std` nor allocation, so that firmware (the QEMU
//! boards, a device's power-on test) can run the same published vectors as the host tests.
//!
//! The vectors are the files in `drm-core/tests/vectors/` (each names its source), compiled in
//! with `include_str!` and read by a small no-alloc parser; a function that is never called adds
//! nothing to a firmware image. Each function returns how many vectors it checked, or
//! [`Error::VerificationFailed`] at the first wrong answer ([`Error::Malformed`] if a vector
//! file cannot be read).
//!
//! Each takes the [`Crypto`] to check: a port runs them on its own backend at power-on.
//!
//! File format: blocks of `name = value` lines separated by blank lines, `#` comments. A value
//! is hex, `"quoted ASCII"`, or `HH x N` (the byte `HH` repeated `N` times).

use rand_core::TryCryptoRng;

use crate::crypto::backend::{Algorithms, Crypto, Hasher, Hmac, Sha256Engine};
use crate::crypto::constant_time_eq;
use crate::error::{Error, Result};
use crate::secret::{Aes128Key, EccPrivateKey};

const SHA256: &str = include_str!("../tests/vectors/sha256.txt");
const HMAC_SHA256: &str = include_str!("../tests/vectors/hmac_sha256.txt");
const AES128: &str = include_str!("../tests/vectors/aes128.txt");
const AES128_CBC: &str = include_str!("../tests/vectors/aes128_cbc.txt");
const AES128_CMAC: &str = include_str!("../tests/vectors/aes128_cmac.txt");
const ECDSA_RFC6979: &str = include_str!("../tests/vectors/ecdsa_p256_rfc6979.txt");
const ECDSA_WYCHEPROOF: &str = include_str!("../tests/vectors/ecdsa_p256_wycheproof.txt");

/// The largest field any vector file holds, in bytes (CBC: 4 blocks; HMAC: a 131-byte key and
/// a 152-byte message).
const MAX_FIELD: usize = 160;
const MAX_FIELDS: usize = 8;

/// What [`run_all`] checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Report {
    /// SHA-256 vectors (FIPS 180-2).
    pub sha256: usize,
    /// HMAC-SHA256 vectors (RFC 4231).
    pub hmac_sha256: usize,
    /// AES-128 block vectors (FIPS 197).
    pub aes128: usize,
    /// AES-128-CBC vectors (SP 800-38A).
    pub aes128_cbc: usize,
    /// AES-128-CMAC vectors (RFC 4493).
    pub aes128_cmac: usize,
    /// Deterministic ECDSA signatures (RFC 6979 A.2.5).
    pub ecdsa_rfc6979: usize,
    /// ECDSA verifications (Wycheproof).
    pub ecdsa_wycheproof: usize,
    /// ElGamal round trips.
    pub elgamal: usize,
}

/// Runs every known-answer test, at most `wycheproof_max` of the Wycheproof ECDSA vectors
/// (there are 218; each costs one verification, slow on small cores), and `elgamal_rounds`
/// ElGamal round trips with keys and points drawn from `rng`.
pub fn run_all<X: Crypto, R: TryCryptoRng + ?Sized>(
    c: &X,
    rng: &mut R,
    wycheproof_max: usize,
    elgamal_rounds: usize,
) -> Result<Report> {
    Ok(Report {
        sha256: sha256(c)?,
        hmac_sha256: hmac_sha256(c)?,
        aes128: aes128(c)?,
        aes128_cbc: aes128_cbc(c)?,
        aes128_cmac: aes128_cmac(c)?,
        ecdsa_rfc6979: ecdsa_rfc6979(c)?,
        ecdsa_wycheproof: ecdsa_wycheproof(c, wycheproof_max)?,
        elgamal: elgamal_round_trips(c, rng, elgamal_rounds)?,
    })
}

/// SHA-256 (FIPS 180-2 examples, including one million `a`).
pub fn sha256<X: Crypto>(c: &X) -> Result<usize> {
    sha256_in(c, SHA256)
}

fn sha256_in<X: Crypto>(c: &X, text: &str) -> Result<usize> {
    for_each_block(text, |b| {
        let mut h = c.sha().hasher();
        feed(b.get("msg")?, |chunk| h.update(chunk))?;
        let mut md = [0u8; 32];
        expect(&h.finalize(), b.bytes("md", &mut md)?)
    })
}

/// HMAC-SHA256 (RFC 4231 test cases 1-7; case 5 compares the 128-bit truncation).
pub fn hmac_sha256<X: Crypto>(c: &X) -> Result<usize> {
    hmac_sha256_in(c, HMAC_SHA256)
}

fn hmac_sha256_in<X: Crypto>(c: &X, text: &str) -> Result<usize> {
    for_each_block(text, |b| {
        let (mut key, mut data, mut mac) = ([0u8; MAX_FIELD], [0u8; MAX_FIELD], [0u8; 32]);
        let mut m = Hmac::with_key(c.sha(), b.bytes("key", &mut key)?);
        m.update(b.bytes("data", &mut data)?);
        let expected = b.bytes("mac", &mut mac)?;
        let tag = m.finalize();
        expect(tag.get(..expected.len()).ok_or(Error::Malformed)?, expected)
    })
}

/// AES-128 single blocks, both directions (FIPS 197).
pub fn aes128<X: Crypto>(c: &X) -> Result<usize> {
    aes128_in(c, AES128)
}

fn aes128_in<X: Crypto>(c: &X, text: &str) -> Result<usize> {
    for_each_block(text, |b| {
        let key = Aes128Key::from_bytes(b.array("key")?);
        let pt: [u8; 16] = b.array("plaintext")?;
        let mut block = pt;
        c.aes128_encrypt_block(&key, &mut block);
        expect(&block, &b.array::<16>("ciphertext")?)?;
        c.aes128_decrypt_block(&key, &mut block);
        expect(&block, &pt)
    })
}

/// AES-128-CBC without padding, both directions (SP 800-38A F.2.1/F.2.2).
pub fn aes128_cbc<X: Crypto>(c: &X) -> Result<usize> {
    aes128_cbc_in(c, AES128_CBC)
}

fn aes128_cbc_in<X: Crypto>(c: &X, text: &str) -> Result<usize> {
    for_each_block(text, |b| {
        let key = Aes128Key::from_bytes(b.array("key")?);
        let iv: [u8; 16] = b.array("iv")?;
        let (mut pt, mut ct) = ([0u8; MAX_FIELD], [0u8; MAX_FIELD]);
        let pt = b.bytes("plaintext", &mut pt)?;
        let ct = b.bytes("ciphertext", &mut ct)?;
        let mut buf = [0u8; MAX_FIELD];
        let buf = buf.get_mut(..pt.len()).ok_or(Error::Malformed)?;
        buf.copy_from_slice(pt);
        c.aes128_cbc_encrypt(&key, &iv, buf)?;
        expect(buf, ct)?;
        c.aes128_cbc_decrypt(&key, &iv, buf)?;
        expect(buf, pt)
    })
}

/// AES-128-CMAC (RFC 4493 examples 1-4), one-shot and through [`Algorithms::cmac_verify`].
pub fn aes128_cmac<X: Crypto>(c: &X) -> Result<usize> {
    aes128_cmac_in(c, AES128_CMAC)
}

fn aes128_cmac_in<X: Crypto>(c: &X, text: &str) -> Result<usize> {
    for_each_block(text, |b| {
        let key = Aes128Key::from_bytes(b.array("key")?);
        let mut msg = [0u8; MAX_FIELD];
        let msg = b.bytes("msg", &mut msg)?;
        let mac: [u8; 16] = b.array("mac")?;
        expect(&c.aes128_cmac(&key, msg), &mac)?;
        c.cmac_verify(&key, msg, &mac)
    })
}

/// Deterministic ECDSA-P256-SHA256 signatures and public keys (RFC 6979 A.2.5).
pub fn ecdsa_rfc6979<X: Crypto>(c: &X) -> Result<usize> {
    ecdsa_rfc6979_in(c, ECDSA_RFC6979)
}

fn ecdsa_rfc6979_in<X: Crypto>(c: &X, text: &str) -> Result<usize> {
    for_each_block(text, |b| {
        rfc6979_public_key(c, b)?;
        let sig = rfc6979_sign(c, b)?;
        rfc6979_verify(c, b, &sig)
    })
}

// Each step of a vector decodes the fields it needs and runs its P-256 operation in a frame of
// its own (`inline(never)`), so that the decoded fields of the other steps are not added to the
// operation's stack peak (the QEMU microbit, a Cortex-M0, has a 12 KiB stack; 7 KiB when this was written).

#[inline(never)]
fn rfc6979_public_key<X: Crypto>(c: &X, b: &Block<'_>) -> Result<()> {
    let key = EccPrivateKey::from_bytes(b.array("x")?);
    let public = concat(&b.array("ux")?, &b.array("uy")?);
    expect(&c.ecc_public_key(&key)?, &public)
}

#[inline(never)]
fn rfc6979_sign<X: Crypto>(c: &X, b: &Block<'_>) -> Result<[u8; 64]> {
    let key = EccPrivateKey::from_bytes(b.array("x")?);
    let mut msg = [0u8; MAX_FIELD];
    let sig = c.ecdsa_p256_sign(&key, b.bytes("msg", &mut msg)?)?;
    expect(&sig, &concat(&b.array("r")?, &b.array("s")?))?;
    Ok(sig)
}

#[inline(never)]
fn rfc6979_verify<X: Crypto>(c: &X, b: &Block<'_>, sig: &[u8; 64]) -> Result<()> {
    let public = concat(&b.array("ux")?, &b.array("uy")?);
    let mut msg = [0u8; MAX_FIELD];
    c.ecdsa_p256_verify(&public, b.bytes("msg", &mut msg)?, sig)
}

/// ECDSA-P256-SHA256 verification of the first `max` Wycheproof vectors: valid ones must
/// verify, invalid ones must be refused.
pub fn ecdsa_wycheproof<X: Crypto>(c: &X, max: usize) -> Result<usize> {
    ecdsa_wycheproof_in(c, ECDSA_WYCHEPROOF, max)
}

fn ecdsa_wycheproof_in<X: Crypto>(c: &X, text: &str, max: usize) -> Result<usize> {
    let mut done = 0usize;
    for_each_block(text, |b| {
        if done >= max {
            return Ok(());
        }
        done += 1;
        let public = concat(&b.array("wx")?, &b.array("wy")?);
        let (mut msg, mut sig) = ([0u8; MAX_FIELD], [0u8; MAX_FIELD]);
        let msg = b.bytes("msg", &mut msg)?;
        let sig = b.bytes("sig", &mut sig)?;
        let verdict = c.ecdsa_p256_verify(&public, msg, sig);
        match (b.get("result")?, verdict) {
            ("1", Ok(())) | ("0", Err(Error::VerificationFailed)) => Ok(()),
            ("1" | "0", _) => Err(Error::VerificationFailed),
            _ => Err(Error::Malformed),
        }
    })?;
    Ok(done)
}

/// `rounds` ElGamal round trips (PROTOCOL §2): a fresh key pair and a random point x each time,
/// encrypt to the public key, decrypt with the private key, compare; and a decryption with
/// another key must not give the message back.
pub fn elgamal_round_trips<X: Crypto, R: TryCryptoRng + ?Sized>(
    c: &X,
    rng: &mut R,
    rounds: usize,
) -> Result<usize> {
    for _ in 0..rounds {
        let (key, public) = c.ecc_generate_key(rng)?;
        let (other, _) = c.ecc_generate_key(rng)?;
        let x = c.random_point_x(rng)?;
        let ct = c.elgamal_encrypt(&public, &x, rng)?;
        if !constant_time_eq(c.elgamal_decrypt(&key, &ct)?.expose_secret(), &x) {
            return Err(Error::VerificationFailed);
        }
        if let Ok(wrong) = c.elgamal_decrypt(&other, &ct)
            && constant_time_eq(wrong.expose_secret(), &x)
        {
            return Err(Error::VerificationFailed);
        }
    }
    Ok(rounds)
}

fn expect(got: &[u8], want: &[u8]) -> Result<()> {
    if got == want {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

fn concat(a: &[u8; 32], b: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    let (x, y) = out.split_at_mut(32);
    x.copy_from_slice(a);
    y.copy_from_slice(b);
    out
}

/// One block of a vector file.
struct Block<'a> {
    fields: [(&'a str, &'a str); MAX_FIELDS],
    len: usize,
}

impl<'a> Block<'a> {
    fn get(&self, name: &str) -> Result<&'a str> {
        self.fields
            .iter()
            .take(self.len)
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .ok_or(Error::Malformed)
    }

    /// The bytes of field `name`, decoded into `buf`.
    fn bytes<'b>(&self, name: &str, buf: &'b mut [u8]) -> Result<&'b [u8]> {
        let mut len = 0usize;
        feed(self.get(name)?, |chunk| {
            if let Some(dst) = buf.get_mut(len..len + chunk.len()) {
                dst.copy_from_slice(chunk);
            }
            len += chunk.len();
        })?;
        buf.get(..len).ok_or(Error::Malformed)
    }

    fn array<const N: usize>(&self, name: &str) -> Result<[u8; N]> {
        let mut buf = [0u8; N];
        if self.bytes(name, &mut buf)?.len() != N {
            return Err(Error::Malformed);
        }
        Ok(buf)
    }
}

/// Calls `check` on every block of `text`; returns the number of blocks.
fn for_each_block<'a>(
    text: &'a str,
    mut check: impl FnMut(&Block<'a>) -> Result<()>,
) -> Result<usize> {
    let mut count = 0usize;
    let mut block = Block {
        fields: [("", ""); MAX_FIELDS],
        len: 0,
    };
    // A final empty line closes the last block.
    for line in text.lines().chain(core::iter::once("")) {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if line.is_empty() {
            if block.len > 0 {
                check(&block)?;
                count += 1;
                block.len = 0;
            }
            continue;
        }
        let (name, value) = line.split_once('=').ok_or(Error::Malformed)?;
        let slot = block.fields.get_mut(block.len).ok_or(Error::Malformed)?;
        *slot = (name.trim(), value.trim());
        block.len += 1;
    }
    if count == 0 {
        return Err(Error::Malformed);
    }
    Ok(count)
}

/// Decodes a field value and hands its bytes to `sink` in pieces (so that a value such as one
/// million `a` needs no buffer).
fn feed(value: &str, mut sink: impl FnMut(&[u8])) -> Result<()> {
    if let Some(inner) = value.strip_prefix('"') {
        sink(inner.strip_suffix('"').ok_or(Error::Malformed)?.as_bytes());
        return Ok(());
    }
    if let Some((byte, count)) = value.split_once(" x ") {
        let byte = u8::from_str_radix(byte.trim(), 16).map_err(|_| Error::Malformed)?;
        let mut left: usize = count.trim().parse().map_err(|_| Error::Malformed)?;
        let chunk = [byte; 64];
        while left > 0 {
            let n = left.min(chunk.len());
            sink(chunk.get(..n).ok_or(Error::LogicBug)?);
            left -= n;
        }
        return Ok(());
    }
    let mut buf = [0u8; 32];
    for pair in value.as_bytes().chunks(64) {
        let mut n = 0usize;
        for (dst, hex) in buf.iter_mut().zip(pair.chunks(2)) {
            let [hi, lo] = *hex else {
                return Err(Error::Malformed);
            };
            *dst = (nibble(hi)? << 4) | nibble(lo)?;
            n += 1;
        }
        sink(buf.get(..n).ok_or(Error::LogicBug)?);
    }
    Ok(())
}

fn nibble(c: u8) -> Result<u8> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(Error::Malformed),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    extern crate std;
    use super::*;
    use crate::crypto::backend::RustCrypto;
    use std::string::String;

    /// `text` with the first occurrence of `from` replaced by `to`.
    fn edit(text: &str, from: &str, to: &str) -> String {
        assert!(text.contains(from));
        text.replacen(from, to, 1)
    }

    #[test]
    fn a_wrong_answer_is_caught() {
        // Flip one hex digit of an expected value in each family.
        type Check = fn(&RustCrypto, &str) -> Result<usize>;
        let cases: [(Check, &str, &str, &str); 6] = [
            (sha256_in, SHA256, "md = ba78", "md = ba79"),
            (hmac_sha256_in, HMAC_SHA256, "mac = b034", "mac = b035"),
            (aes128_in, AES128, "ciphertext = 3925", "ciphertext = 3926"),
            (
                aes128_cbc_in,
                AES128_CBC,
                "ciphertext = 7649",
                "ciphertext = 7648",
            ),
            (aes128_cmac_in, AES128_CMAC, "mac = bb1d", "mac = bb1e"),
            (ecdsa_rfc6979_in, ECDSA_RFC6979, "r = efd4", "r = efd5"),
        ];
        for (check, text, from, to) in cases {
            assert!(check(&RustCrypto, text).is_ok());
            assert_eq!(
                check(&RustCrypto, &edit(text, from, to)),
                Err(Error::VerificationFailed),
                "{to}"
            );
        }
        // A valid Wycheproof signature marked invalid, and the reverse, are both caught.
        let flipped = edit(ECDSA_WYCHEPROOF, "result = 1", "result = 0");
        assert_eq!(
            ecdsa_wycheproof_in(&RustCrypto, &flipped, 5),
            Err(Error::VerificationFailed)
        );
    }

    #[test]
    fn a_broken_vector_file_is_malformed() {
        for bad in [
            "",
            "# only a comment\n",
            "key = 2b7e\nmsg = \"\"\nmac = bb\n",
            "key = 2b7e151628aed2a6abf7158809cf4f3c\nmsg = 6g\nmac = bb1d6929e95937287fa37d129b756746\n",
            "key = 2b7e151628aed2a6abf7158809cf4f3c\nmsg = 0\nmac = bb1d6929e95937287fa37d129b756746\n",
            "key = 2b7e151628aed2a6abf7158809cf4f3c\nno equals sign\n",
        ] {
            assert_eq!(
                aes128_cmac_in(&RustCrypto, bad),
                Err(Error::Malformed),
                "{bad:?}"
            );
        }
        assert_eq!(
            ecdsa_wycheproof_in(
                &RustCrypto,
                &edit(ECDSA_WYCHEPROOF, "result = 1", "result = 2"),
                1
            ),
            Err(Error::Malformed)
        );
    }
}
