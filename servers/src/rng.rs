//! Randomness for the simulated servers: the operating system's, or a deterministic stream for
//! reproducible tests.

use p256::NonZeroScalar;
use sha2::{Digest, Sha256};

/// The randomness source of the authority and the servers.
///
/// [`TestRng::from_seed`] is a **deterministic, test-only** generator (SHA-256 in counter mode over
/// a seed): the same seed gives the same keys, certificates and licenses, which makes failures
/// reproducible. [`TestRng::from_os`] uses the operating system's generator.
#[derive(Debug, Clone)]
pub struct TestRng(Source);

#[derive(Clone)]
enum Source {
    Seeded { seed: [u8; 32], counter: u64 },
    Os,
}

impl core::fmt::Debug for Source {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Source::Seeded { counter, .. } => write!(f, "Seeded {{ counter: {counter} }}"),
            Source::Os => f.write_str("Os"),
        }
    }
}

impl TestRng {
    /// A deterministic generator: the same seed always gives the same stream. Test use only.
    #[must_use]
    pub fn from_seed(seed: u64) -> Self {
        let mut h = Sha256::new();
        h.update(b"drm-tests deterministic rng v1");
        h.update(seed.to_be_bytes());
        Self(Source::Seeded {
            seed: h.finalize().into(),
            counter: 0,
        })
    }

    /// The operating system's generator.
    #[must_use]
    pub fn from_os() -> Self {
        Self(Source::Os)
    }

    /// A generator for a sub-component, derived from this one (deterministic if this one is).
    #[must_use]
    pub fn fork(&mut self) -> Self {
        match self.0 {
            Source::Os => Self(Source::Os),
            Source::Seeded { .. } => {
                let seed = self.array::<32>();
                Self(Source::Seeded { seed, counter: 0 })
            }
        }
    }

    /// Fills `out` with random bytes.
    ///
    /// # Panics
    /// If the operating system has no random generator (an environment failure, never input).
    pub fn fill(&mut self, out: &mut [u8]) {
        match &mut self.0 {
            Source::Os => {
                #[allow(clippy::expect_used)] // environment failure, not input: tests cannot go on
                getrandom::fill(out).expect("the operating system's random generator failed");
            }
            Source::Seeded { seed, counter } => {
                for chunk in out.chunks_mut(32) {
                    let mut h = Sha256::new();
                    h.update(*seed);
                    h.update(counter.to_be_bytes());
                    *counter = counter.wrapping_add(1);
                    let block: [u8; 32] = h.finalize().into();
                    for (o, b) in chunk.iter_mut().zip(block) {
                        *o = b;
                    }
                }
            }
        }
    }

    /// `N` random bytes.
    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        self.fill(&mut out);
        out
    }

    /// A uniformly random non-zero P-256 scalar (rejection sampling).
    pub fn scalar(&mut self) -> NonZeroScalar {
        loop {
            let bytes = self.array::<32>();
            if let Ok(s) = NonZeroScalar::try_from(bytes.as_slice()) {
                return s;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_is_reproducible_and_seed_dependent() {
        let a = TestRng::from_seed(7).array::<48>();
        let b = TestRng::from_seed(7).array::<48>();
        let c = TestRng::from_seed(8).array::<48>();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a.get(..16), a.get(32..48), "counter blocks differ");
    }

    #[test]
    fn os_rng_differs_between_calls() {
        let mut r = TestRng::from_os();
        assert_ne!(r.array::<32>(), r.array::<32>());
    }
}
