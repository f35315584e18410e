//! The kit's one **insecure, deterministic** random generator, for tests only (feature
//! `insecure-test-rng`): the host's tests, the QEMU firmware and the fuzz targets use this same
//! generator, so one seed gives one stream on every machine and a failure seen on a board
//! reproduces on the host.
//!
//! SHA-256 in counter mode: the state is `SHA-256("drm-target-host InsecureTestRng " ‖ seed)` (the
//! seed as 8 big-endian bytes; the label is the one the host's generator has always used, so
//! recorded test inputs stay valid), and block `i` of the stream is `SHA-256(state ‖ i)` (`i` as 8
//! big-endian bytes), used byte by byte whatever the request sizes.

use core::convert::Infallible;

use rand_core::{TryCryptoRng, TryRng};

use crate::crypto::Sha256;

/// **Insecure**, deterministic generator for tests only: its whole output is determined by its
/// 64-bit seed.
///
/// It claims [`TryCryptoRng`] only so that the kit's APIs accept it; its output is as
/// predictable as its seed. Never use it outside tests (a device uses its TRNG or its TEE's).
#[derive(Clone)]
pub struct InsecureTestRng {
    state: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl core::fmt::Debug for InsecureTestRng {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InsecureTestRng")
            .field("counter", &self.counter)
            .finish_non_exhaustive()
    }
}

impl InsecureTestRng {
    /// The generator for `seed`.
    #[must_use]
    pub fn seeded(seed: u64) -> Self {
        let mut h = Sha256::new();
        h.update(b"drm-target-host InsecureTestRng ");
        h.update(&seed.to_be_bytes());
        Self {
            state: h.finalize(),
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    fn refill(&mut self) {
        let mut h = Sha256::new();
        h.update(&self.state);
        h.update(&self.counter.to_be_bytes());
        self.block = h.finalize();
        self.counter = self.counter.wrapping_add(1);
        self.used = 0;
    }
}

impl TryRng for InsecureTestRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        rand_core::utils::next_word_via_fill(self)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        rand_core::utils::next_word_via_fill(self)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for out in dst {
            if self.used >= self.block.len() {
                self.refill();
            }
            *out = self.block.get(self.used).copied().unwrap_or(0);
            self.used += 1;
        }
        Ok(())
    }
}

impl TryCryptoRng for InsecureTestRng {}

/// The first 40 bytes of the stream of seed 7, computed outside the kit (Python's `hashlib`, from
/// the definition above): the host's unit test and the boards' `smoke` suite both check it, which
/// is what makes the stream the same everywhere.
pub const SEED_7_PREFIX: [u8; 40] = [
    0x6e, 0xec, 0xd2, 0x97, 0xdb, 0x00, 0xdb, 0x2d, 0xd5, 0x66, 0xcf, 0xe8, 0xe6, 0x47, 0x0e, 0x9d,
    0x3d, 0x9a, 0x7d, 0x7e, 0xb7, 0x68, 0xee, 0x6a, 0x1e, 0x1c, 0xe5, 0x26, 0xc4, 0xcf, 0x02, 0x71,
    0x16, 0xe9, 0x6e, 0xc9, 0xb0, 0xd3, 0x2a, 0xf0,
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn matches_the_independent_computation_and_is_deterministic() {
        let mut a = InsecureTestRng::seeded(7);
        let mut x = [0u8; 40];
        // Odd request sizes cross the 32-byte block boundary.
        for chunk in x.chunks_mut(7) {
            a.try_fill_bytes(chunk).unwrap();
        }
        assert_eq!(x, SEED_7_PREFIX);
        let mut c = InsecureTestRng::seeded(8);
        let mut z = [0u8; 40];
        c.try_fill_bytes(&mut z).unwrap();
        assert_ne!(x, z);
    }
}
