//! RFC 6979 §3.2 nonces for ECDSA-P256 with SHA-256, over any [`Sha256Engine`]: the kit computes
//! them for every P-256 engine, so an engine signs with a given `k` and the nonce's hashes go
//! through the device's SHA-256 like every other hash.
//!
//! qlen = hlen = 256, so one HMAC output is one candidate. The HMAC states are keyed once per K
//! (the `rfc6979` crate keys an HMAC afresh for every call and updates K and V once more after
//! each output, only needed for the next one): 16 SHA-256 compressions for the first k instead
//! of 30. The same k, bit for bit: `tests/backend.rs` compares the signatures with
//! `ecdsa::hazmat::sign_prehashed_rfc6979` for many keys and digests, and the vectors of
//! RFC 6979 A.2.5 are checked by `tests/kat.rs` and `selftest`.

use p256::elliptic_curve::PrimeField;
use p256::elliptic_curve::ops::Reduce;
use p256::{FieldBytes, Scalar};
use zeroize::Zeroize;

use super::backend::{Hmac, Sha256Engine};
use crate::secret::HmacKey;

/// Candidate `index` (0 for the first) of the RFC 6979 sequence for the private key `x` and the
/// digest `h1`. Never inlined, and the generator's state (two keyed HMACs, about 0.5 KB) is
/// gone when it returns: only the 32-byte candidate is on the stack while the engine signs (a
/// Cortex-M0's C firmware has a few hundred bytes to spare there). A retry (a candidate out of
/// range, or `r` or `s` zero: about 2⁻³² and 2⁻²⁵⁶) runs the sequence again from the start.
#[inline(never)]
pub(super) fn candidate<H: Sha256Engine>(
    sha: &H,
    x: &[u8; 32],
    h1: &[u8; 32],
    index: usize,
) -> [u8; 32] {
    let mut nonces = Nonces::new(sha, x, h1);
    let mut k = nonces.next_candidate();
    for _ in 0..index {
        k.zeroize();
        k = nonces.next_candidate();
    }
    k
}

/// The nonce generator of one signature.
struct Nonces<'e, H: Sha256Engine> {
    sha: &'e H,
    /// HMAC keyed with the current K.
    mac: Hmac<H>,
    v: [u8; 32],
    /// A k was handed out: the next one starts with `K = HMAC_K(V ‖ 00)`, `V = HMAC_K(V)`.
    used: bool,
}

impl<'e, H: Sha256Engine> Nonces<'e, H> {
    /// Steps b to g for the private key `x` (32 big-endian bytes, below n) and the message
    /// digest `h1`.
    fn new(sha: &'e H, x: &[u8; 32], h1: &[u8; 32]) -> Self {
        let mut h = bits2octets(h1);
        let mut nonces = Self {
            sha,
            mac: keyed(sha, &[0; 32]),
            v: [1; 32],
            used: false,
        };
        for separator in [0u8, 1] {
            let mut mac = nonces.mac.clone();
            mac.update(&nonces.v);
            mac.update(&[separator]);
            mac.update(x);
            mac.update(&h);
            nonces.rekey(mac);
        }
        h.zeroize();
        nonces
    }

    /// `K = mac's tag`, then `V = HMAC_K(V)`.
    fn rekey(&mut self, mac: Hmac<H>) {
        let mut k = mac.finalize();
        self.mac = keyed(self.sha, &k);
        k.zeroize();
        self.step_v();
    }

    /// `V = HMAC_K(V)`.
    fn step_v(&mut self) {
        let mut mac = self.mac.clone();
        mac.update(&self.v);
        self.v = mac.finalize();
    }

    /// Step h: the next candidate `T = V` (big-endian), to be used when it is in `[1, n)` and
    /// gives a signature; each call after the first moves K and V on first.
    fn next_candidate(&mut self) -> [u8; 32] {
        if self.used {
            let mut mac = self.mac.clone();
            mac.update(&self.v);
            mac.update(&[0]);
            self.rekey(mac);
        }
        self.used = true;
        self.step_v();
        self.v
    }
}

impl<H: Sha256Engine> Drop for Nonces<'_, H> {
    fn drop(&mut self) {
        self.v.zeroize();
    }
}

/// An HMAC-SHA256 keyed with the 32-byte `key`.
fn keyed<H: Sha256Engine>(sha: &H, key: &[u8; 32]) -> Hmac<H> {
    Hmac::new(sha, &HmacKey::from_bytes(*key))
}

/// RFC 6979 §2.3.4 for a 256-bit digest and order: `h1 mod n`, by `p256`'s reduction (the one
/// `ecdsa` uses for the digest; public data).
fn bits2octets(h1: &[u8; 32]) -> [u8; 32] {
    <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(*h1))
        .to_repr()
        .into()
}
