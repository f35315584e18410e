//! Test doubles for the porting traits: a settable clock and a deterministic, **test-only** RNG.

use core::cell::Cell;
use core::convert::Infallible;

use drm_core::platform::Clock;
use rand_core::{TryCryptoRng, TryRng};

/// A clock that says what the test sets (`None`: the device does not know the time).
#[derive(Debug, Default)]
pub struct TestClock {
    now: Cell<Option<u64>>,
}

impl TestClock {
    /// A clock at `now` seconds since 1970 (or unknown).
    #[must_use]
    pub fn new(now: Option<u64>) -> Self {
        Self {
            now: Cell::new(now),
        }
    }
    /// Sets the time.
    pub fn set(&self, now: Option<u64>) {
        self.now.set(now);
    }
    /// Moves a known time forward by `seconds` (an unknown time stays unknown).
    pub fn advance(&self, seconds: u64) {
        self.now
            .set(self.now.get().map(|t| t.saturating_add(seconds)));
    }
}

impl Clock for TestClock {
    fn now(&self) -> Option<u64> {
        self.now.get()
    }
}

/// A **deterministic, test-only** random generator: SHA-256 in counter mode over a seed. The same
/// seed gives the same stream on every board, so failures reproduce. It implements
/// `TryCryptoRng` only so that it can drive code that asks for a `CryptoRng` in tests; it is not
/// random and must never be used outside tests.
#[derive(Debug)]
pub struct DeterministicTestRng {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl DeterministicTestRng {
    /// The generator for `seed`.
    #[must_use]
    pub fn from_seed(seed: u64) -> Self {
        let mut h = drm_core::crypto::Sha256::new();
        h.update(b"drm-board deterministic test rng v1");
        h.update(&seed.to_be_bytes());
        Self {
            seed: h.finalize(),
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    fn next_byte(&mut self) -> u8 {
        if self.used >= self.block.len() {
            let mut h = drm_core::crypto::Sha256::new();
            h.update(&self.seed);
            h.update(&self.counter.to_be_bytes());
            self.block = h.finalize();
            self.counter += 1;
            self.used = 0;
        }
        let b = self.block.get(self.used).copied().unwrap_or(0);
        self.used += 1;
        b
    }
}

impl TryRng for DeterministicTestRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for d in dst {
            *d = self.next_byte();
        }
        Ok(())
    }
}

impl TryCryptoRng for DeterministicTestRng {}

/// Decodes a hex string of exactly `2 * N` digits at compile time:
/// `const DIGEST: [u8; 32] = hex("ba7816bf...");`. A bad string fails the build when used in a
/// `const`.
#[must_use]
#[allow(clippy::indexing_slicing, clippy::panic)] // Bounds are checked; meant for const evaluation.
pub const fn hex<const N: usize>(s: &str) -> [u8; N] {
    const fn digit(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("not a hex digit"),
        }
    }
    let s = s.as_bytes();
    assert!(s.len() == 2 * N, "hex string of the wrong length");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = (digit(s[2 * i]) << 4) | digit(s[2 * i + 1]);
        i += 1;
    }
    out
}
