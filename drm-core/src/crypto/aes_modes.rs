//! AES-128: single blocks, CBC with and without PKCS#7 padding, and CMAC (RFC 4493).

use aes::Aes128;
use aes::cipher::array::Array;
use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt};
use aes::cipher::{KeyInit, KeyIvInit};
use cmac::Mac;
use subtle::{ConstantTimeEq, ConstantTimeGreater};

use crate::error::{Error, Result};
use crate::secret::Aes128Key;

/// AES block size in bytes.
const BLOCK: usize = 16;

fn cipher(key: &Aes128Key) -> Aes128 {
    <Aes128 as KeyInit>::new(key.expose_secret().into())
}

/// Encrypts one 16-byte block in place (AES-128, FIPS 197).
pub fn aes128_encrypt_block(key: &Aes128Key, block: &mut [u8; 16]) {
    cipher(key).encrypt_block(block.into());
}

/// Decrypts one 16-byte block in place (AES-128, FIPS 197).
pub fn aes128_decrypt_block(key: &Aes128Key, block: &mut [u8; 16]) {
    cipher(key).decrypt_block(block.into());
}

/// AES-128-CBC encryption in place, without padding (NIST SP 800-38A §6.2).
///
/// `data.len()` must be a multiple of 16 (0 is allowed), else [`Error::InvalidArgument`] and
/// `data` is left unchanged.
pub fn aes128_cbc_encrypt(key: &Aes128Key, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
    let (blocks, rest) = Array::slice_as_chunks_mut(data);
    if !rest.is_empty() {
        return Err(Error::InvalidArgument);
    }
    cbc::Encryptor::<Aes128>::new(key.expose_secret().into(), iv.into()).encrypt_blocks(blocks);
    Ok(())
}

/// AES-128-CBC encryption one block at a time (NIST SP 800-38A §6.2), for data produced piece
/// by piece: the key schedule runs once, in [`Self::new`]. The expanded key and the chaining
/// value are zeroized when it is dropped.
pub struct Aes128CbcEncryptor(cbc::Encryptor<Aes128>);

impl Aes128CbcEncryptor {
    /// An encryptor with `key` whose first block is chained to `iv`.
    #[must_use]
    pub fn new(key: &Aes128Key, iv: &[u8; 16]) -> Self {
        Self(cbc::Encryptor::<Aes128>::new(
            key.expose_secret().into(),
            iv.into(),
        ))
    }

    /// Encrypts the next block in place (chained to the previous ciphertext block).
    pub fn encrypt_block(&mut self, block: &mut [u8; 16]) {
        self.0.encrypt_block(block.into());
    }
}

impl core::fmt::Debug for Aes128CbcEncryptor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Aes128CbcEncryptor").finish_non_exhaustive()
    }
}

/// AES-128-CBC decryption in place, without padding (NIST SP 800-38A §6.2).
///
/// `data.len()` must be a multiple of 16 (0 is allowed), else [`Error::InvalidArgument`] and
/// `data` is left unchanged.
pub fn aes128_cbc_decrypt(key: &Aes128Key, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
    let (blocks, rest) = Array::slice_as_chunks_mut(data);
    if !rest.is_empty() {
        return Err(Error::InvalidArgument);
    }
    cbc::Decryptor::<Aes128>::new(key.expose_secret().into(), iv.into()).decrypt_blocks(blocks);
    Ok(())
}

/// AES-128-CBC encryption with PKCS#7 padding (RFC 5652 §6.3), in place.
///
/// The message is `buf[..msg_len]`; the padded ciphertext (always 1 to 16 bytes longer than the
/// message) is written over `buf` and its length returned. [`Error::InvalidArgument`] when
/// `msg_len > buf.len()`, [`Error::BufferTooSmall`] when the padded length does not fit; in
/// both cases `buf` is left unchanged.
pub fn aes128_cbc_encrypt_pkcs7(
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
    aes128_cbc_encrypt(key, iv, padded)?;
    Ok(total)
}

/// AES-128-CBC decryption with PKCS#7 padding, in place. Returns the plaintext length; the
/// plaintext is `buf[..len]`.
///
/// [`Error::InvalidArgument`] when `buf` is empty or not a multiple of 16 bytes;
/// [`Error::VerificationFailed`] when the padding is wrong (checked in constant time, before
/// anything is written). On error `buf` is left unchanged.
pub fn aes128_cbc_decrypt_pkcs7(key: &Aes128Key, iv: &[u8; 16], buf: &mut [u8]) -> Result<usize> {
    if buf.is_empty() || !buf.len().is_multiple_of(BLOCK) {
        return Err(Error::InvalidArgument);
    }
    // Check the padding on a copy of the last block first, so that a bad ciphertext leaves the
    // buffer as it was: P_last = D(C_last) ⊕ C_prev (C_prev is the IV for a single block).
    let (head, last) = buf.split_at(buf.len() - BLOCK);
    let mut block: [u8; BLOCK] = last.try_into().map_err(|_| Error::LogicBug)?;
    let prev: &[u8] = head.get(head.len().saturating_sub(BLOCK)..).unwrap_or(&[]);
    let prev: &[u8] = if prev.is_empty() { iv } else { prev };
    cipher(key).decrypt_block((&mut block).into());
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
    zeroize::Zeroize::zeroize(&mut block);
    if !bool::from(ok) {
        return Err(Error::VerificationFailed);
    }
    aes128_cbc_decrypt(key, iv, buf)?;
    Ok(buf.len() - usize::from(pad))
}

/// AES-128-CMAC (OMAC1, RFC 4493) of `data`: the 16-byte tag.
#[must_use]
pub fn aes128_cmac(key: &Aes128Key, data: &[u8]) -> [u8; 16] {
    let mut mac = Cmac::new(key);
    mac.update(data);
    mac.finalize()
}

/// Checks a 16-byte AES-128-CMAC `tag` over `data` in constant time. A tag of any other length
/// fails. The only error is the opaque [`Error::VerificationFailed`].
#[inline(never)]
pub fn cmac_verify(key: &Aes128Key, data: &[u8], tag: &[u8]) -> Result<()> {
    let mut mac = Cmac::new(key);
    mac.update(data);
    mac.verify(tag)
}

/// Streaming AES-128-CMAC (RFC 4493), for messages that arrive in pieces.
#[derive(Clone)]
pub struct Cmac(cmac::Cmac<Aes128>);

impl Cmac {
    /// A MAC keyed with `key`.
    #[must_use]
    pub fn new(key: &Aes128Key) -> Self {
        Self(<cmac::Cmac<Aes128> as cmac::KeyInit>::new(
            key.expose_secret().into(),
        ))
    }
    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    /// The 16-byte tag.
    #[must_use]
    pub fn finalize(self) -> [u8; 16] {
        self.0.finalize().into_bytes().into()
    }
    /// Checks `tag` (exactly 16 bytes) in constant time.
    pub fn verify(self, tag: &[u8]) -> Result<()> {
        let computed = self.finalize();
        if super::constant_time_eq(&computed, tag) {
            Ok(())
        } else {
            Err(Error::VerificationFailed)
        }
    }
}
