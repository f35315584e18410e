//! Random number generators for hosts.

use core::convert::Infallible;

use rand_core::{TryCryptoRng, TryRng};

/// The operating system's cryptographically secure generator (`getrandom`).
#[derive(Clone, Copy, Debug, Default)]
pub struct OsRng;

impl TryRng for OsRng {
    type Error = getrandom::Error;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        getrandom::u32()
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        getrandom::u64()
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        getrandom::fill(dst)
    }
}

impl TryCryptoRng for OsRng {}

/// **Insecure**, deterministic generator for tests only: SHA-256 in counter mode over a 64-bit
/// seed, so the same seed always gives the same keys and ciphertexts.
///
/// It claims [`TryCryptoRng`] only so that the kit's APIs accept it; its output is as
/// predictable as its seed. Never use it outside tests.
#[derive(Clone, Debug)]
pub struct InsecureTestRng {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl InsecureTestRng {
    /// A generator whose whole output is determined by `seed`.
    #[must_use]
    pub fn seeded(seed: u64) -> Self {
        let mut input = [0u8; 40];
        input[..32].copy_from_slice(b"drm-target-host InsecureTestRng ");
        input[32..].copy_from_slice(&seed.to_be_bytes());
        Self {
            seed: drm_core::crypto::sha256(&input),
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    fn refill(&mut self) {
        let mut h = drm_core::crypto::Sha256::new();
        h.update(&self.seed);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn os_rng_fills() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        OsRng.try_fill_bytes(&mut a).unwrap();
        OsRng.try_fill_bytes(&mut b).unwrap();
        // Two 256-bit draws collide with probability 2^-256.
        assert_ne!(a, b);
        assert_ne!(a, [0; 32]);
    }

    #[test]
    fn insecure_rng_is_deterministic_per_seed() {
        let mut a = InsecureTestRng::seeded(7);
        let mut b = InsecureTestRng::seeded(7);
        let mut c = InsecureTestRng::seeded(8);
        let (mut x, mut y, mut z) = ([0u8; 100], [0u8; 100], [0u8; 100]);
        a.try_fill_bytes(&mut x).unwrap();
        // The same stream whatever the request sizes.
        for chunk in y.chunks_mut(7) {
            b.try_fill_bytes(chunk).unwrap();
        }
        c.try_fill_bytes(&mut z).unwrap();
        assert_eq!(x, y);
        assert_ne!(x, z);
        assert_ne!(x[..32], x[32..64]);
    }
}
