//! Standard base64 with padding (RFC 4648 §4), without allocation.
//!
//! [`encode`] writes into a caller buffer and returns the text; [`decode`] is strict: the input
//! length must be a multiple of 4, padding is required, `=` may only end the text, no
//! whitespace or other characters, and the unused low bits of the last symbol must be zero (so
//! every byte string has exactly one accepted encoding). Any violation is [`Error::Base64`];
//! a short output buffer is [`Error::BufferTooSmall`]. On error the output buffer is left
//! unchanged.

use crate::error::{Error, Result};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Length of the encoding of `len` bytes; `None` on arithmetic overflow.
#[must_use]
pub const fn encoded_len(len: usize) -> Option<usize> {
    len.div_ceil(3).checked_mul(4)
}

/// Encodes `input` into `out`; returns the encoded text, a prefix of `out`.
pub fn encode<'a>(input: &[u8], out: &'a mut [u8]) -> Result<&'a str> {
    let len = encoded_len(input.len()).ok_or(Error::BufferTooSmall)?;
    let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
    for (chunk, quad) in input.chunks(3).zip(out.chunks_mut(4)) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        for (i, slot) in quad.iter_mut().enumerate() {
            // A chunk of k bytes gives k + 1 symbols, then padding.
            *slot = if i <= chunk.len() {
                let shift = 18 - 6 * i;
                symbol((n >> shift) & 0x3F)
            } else {
                b'='
            };
        }
    }
    core::str::from_utf8(out).map_err(|_| Error::LogicBug)
}

fn symbol(v: u32) -> u8 {
    ALPHABET
        .get(usize::try_from(v).unwrap_or(usize::MAX))
        .copied()
        .unwrap_or(b'=')
}

/// The 6-bit value of a base64 symbol, `None` for anything else (including `=`).
fn value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes one 4-symbol group; `last` says whether it ends the text (only then may it carry
/// padding). Returns the bytes and how many of them are data.
fn decode_quad(quad: &[u8], last: bool) -> Result<([u8; 3], usize)> {
    let [a, b, c, d] = *quad else {
        return Err(Error::Base64);
    };
    let a = value(a).ok_or(Error::Base64)?;
    let b = value(b).ok_or(Error::Base64)?;
    let (c, d, len) = match (c, d) {
        (b'=', b'=') if last => (0, 0, 1),
        (c, b'=') if last => (value(c).ok_or(Error::Base64)?, 0, 2),
        (c, d) => (
            value(c).ok_or(Error::Base64)?,
            value(d).ok_or(Error::Base64)?,
            3,
        ),
    };
    let n = (a << 18) | (b << 12) | (c << 6) | d;
    // Non-canonical encodings: the bits below the last data byte must be zero.
    let unused = match len {
        1 => n & 0xFFFF,
        2 => n & 0xFF,
        _ => 0,
    };
    if unused != 0 {
        return Err(Error::Base64);
    }
    let [_, x, y, z] = n.to_be_bytes();
    Ok(([x, y, z], len))
}

/// The exact decoded length of `input`, after checking that it is strict base64.
pub fn decoded_len(input: &[u8]) -> Result<usize> {
    if !input.len().is_multiple_of(4) {
        return Err(Error::Base64);
    }
    let groups = input.len() / 4;
    let mut total = 0usize;
    for (i, quad) in input.chunks_exact(4).enumerate() {
        let (_, len) = decode_quad(quad, i + 1 == groups)?;
        total = total.checked_add(len).ok_or(Error::Base64)?;
    }
    Ok(total)
}

/// Decodes strict base64 `input` into `out`; returns the decoded bytes, a prefix of `out`.
pub fn decode<'a>(input: &[u8], out: &'a mut [u8]) -> Result<&'a mut [u8]> {
    let len = decoded_len(input)?;
    let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
    let groups = input.len() / 4;
    let mut written = 0usize;
    for (i, quad) in input.chunks_exact(4).enumerate() {
        let (bytes, n) = decode_quad(quad, i + 1 == groups)?;
        let dst = out.get_mut(written..written + n).ok_or(Error::LogicBug)?;
        let src = bytes.get(..n).ok_or(Error::LogicBug)?;
        dst.copy_from_slice(src);
        written += n;
    }
    Ok(out)
}

/// Decodes strict base64 `input` that must hold exactly `N` bytes (a key, an id, a signature);
/// any other length is [`Error::Base64`].
pub fn decode_array<const N: usize>(input: &[u8]) -> Result<[u8; N]> {
    if decoded_len(input)? != N {
        return Err(Error::Base64);
    }
    let mut out = [0u8; N];
    decode(input, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// RFC 4648 §10 test vectors.
    const RFC4648: &[(&str, &str)] = &[
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn rfc4648_vectors() {
        for (plain, text) in RFC4648 {
            let mut buf = [0u8; 16];
            assert_eq!(encode(plain.as_bytes(), &mut buf).unwrap(), *text);
            assert_eq!(encoded_len(plain.len()), Some(text.len()));
            let mut out = [0u8; 16];
            assert_eq!(decode(text.as_bytes(), &mut out).unwrap(), plain.as_bytes());
            assert_eq!(decoded_len(text.as_bytes()).unwrap(), plain.len());
        }
    }

    #[test]
    fn all_symbols_round_trip() {
        let data: [u8; 48] = core::array::from_fn(|i| (i * 5 + 3) as u8 ^ 0xA5);
        let mut text = [0u8; 64];
        let s = encode(&data, &mut text).unwrap();
        let mut back = [0u8; 48];
        assert_eq!(decode(s.as_bytes(), &mut back).unwrap(), &data);
    }

    #[test]
    fn strictness() {
        let mut out = [0xEEu8; 8];
        for bad in [
            "Zg", "Zg=", "Zm9v\n", " Zm9v", "Zg==Zg==", "Z===", "====", "Zm9=v", "Zh==", "Zm9=",
            "Zm-v", "Zm_v", "Zm9v====",
        ] {
            assert_eq!(
                decode(bad.as_bytes(), &mut out),
                Err(Error::Base64),
                "{bad:?}"
            );
            assert_eq!(out, [0xEE; 8], "output untouched for {bad:?}");
        }
        // Canonical forms of the same bytes are accepted.
        assert_eq!(decode(b"Zg==", &mut out).unwrap(), b"f");
        assert_eq!(decode(b"Zm8=", &mut out).unwrap(), b"fo");
    }

    #[test]
    fn short_buffers() {
        let mut small = [0u8; 7];
        assert_eq!(encode(b"foobar", &mut small), Err(Error::BufferTooSmall));
        let mut small = [0u8; 5];
        assert_eq!(decode(b"Zm9vYmFy", &mut small), Err(Error::BufferTooSmall));
        assert_eq!(small, [0u8; 5]);
        assert_eq!(decode_array::<5>(b"Zm9vYmFy"), Err(Error::Base64));
        assert_eq!(decode_array::<6>(b"Zm9vYmFy").unwrap(), *b"foobar");
    }
}
