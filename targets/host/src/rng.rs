//! Random number generators for hosts.

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

/// **Insecure**, deterministic generator for tests only: drm-core's, the one the QEMU firmware
/// and the fuzz targets use too (one seed, one stream everywhere).
pub use drm_core::test_rng::InsecureTestRng;

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
}
