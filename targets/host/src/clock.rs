//! Clocks for hosts.

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

use drm_core::platform::Clock;

/// The host's wall clock. `None` when the system time is before 1970.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Option<u64> {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs())
    }
}

/// A clock that says what it is told: a fixed time, or "unknown" (`None`). For tests of expiry,
/// rollback and clock-not-set paths.
#[derive(Clone, Debug, Default)]
pub struct FixedClock(Cell<Option<u64>>);

impl FixedClock {
    /// A clock reading `now` (`None`: the time is unknown).
    #[must_use]
    pub fn new(now: Option<u64>) -> Self {
        Self(Cell::new(now))
    }
    /// Sets the time (`None`: unknown).
    pub fn set(&self, now: Option<u64>) {
        self.0.set(now);
    }
    /// Moves the time forward by `seconds` (no effect while the time is unknown).
    pub fn advance(&self, seconds: u64) {
        self.0.set(self.0.get().map(|t| t.saturating_add(seconds)));
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Option<u64> {
        self.0.get()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn system_clock_is_after_2024() {
        // 2024-01-01T00:00:00Z
        assert!(SystemClock.now().unwrap() > 1_704_067_200);
    }

    #[test]
    fn fixed_clock_follows_orders() {
        let c = FixedClock::new(None);
        assert_eq!(c.now(), None);
        c.advance(5);
        assert_eq!(c.now(), None);
        c.set(Some(100));
        c.advance(5);
        assert_eq!(c.now(), Some(105));
    }
}
