//! Test doubles for the porting traits: a settable clock and a deterministic, **test-only** RNG.

use core::cell::Cell;

use drm_core::platform::Clock;

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

/// The **deterministic, test-only** random generator: drm-core's, the one the host's tests use
/// too, so one seed gives one stream on every board and on the host and failures reproduce.
pub use drm_core::test_rng::InsecureTestRng;

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
