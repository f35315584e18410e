//! The anti-rollback clock and the secure store (PROTOCOL §5).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::cell::Cell;

use drm_core::platform::Clock;
use drm_core::secret::HmacKey;
use drm_hds::mock::MockFlash;
use drm_hds::{Config, Error, Namespace, Store};
use drm_keyexchange::clock::{CLOCK, LEGACY_CLOCK, SECURE_STORE};
use drm_keyexchange::{AntiRollbackClock, ClockStatus, SecureStore};

struct TestClock(Cell<Option<u64>>);
impl Clock for TestClock {
    fn now(&self) -> Option<u64> {
        self.0.get()
    }
}

fn key() -> HmacKey {
    HmacKey::from_bytes([0x77; 32])
}

type F<'a> = MockFlash<'a, 4, 4096, false>;

#[test]
fn anti_rollback_clock() {
    let mut image = vec![0xFFu8; 8 * 4096];
    let arc = AntiRollbackClock::new(300, 3600);
    let clock = TestClock(Cell::new(None));
    {
        let mut s: Store<_, _, 8> =
            Store::format(F::new(&mut image), key(), Config::new()).unwrap();
        assert_eq!(arc.check(&mut s, &clock), Ok(ClockStatus::NotSet));
        assert_eq!(
            ClockStatus::NotSet.trusted_now(),
            Err(drm_core::Error::ClockNotSet)
        );
        clock.0.set(Some(1_000_000));
        assert_eq!(
            arc.check(&mut s, &clock),
            Ok(ClockStatus::Trusted { now: 1_000_000 })
        );
        assert_eq!(AntiRollbackClock::last_known(&mut s), Ok(Some(1_000_000)));
        // Small steps forward are not saved (flash wear); a step past the interval is.
        clock.0.set(Some(1_000_100));
        arc.check(&mut s, &clock).unwrap();
        assert_eq!(AntiRollbackClock::last_known(&mut s), Ok(Some(1_000_000)));
        clock.0.set(Some(1_010_000));
        arc.check(&mut s, &clock).unwrap();
        assert_eq!(AntiRollbackClock::last_known(&mut s), Ok(Some(1_010_000)));
        // Behind within the grace: fine.
        clock.0.set(Some(1_009_800));
        assert_eq!(
            arc.check(&mut s, &clock),
            Ok(ClockStatus::Trusted { now: 1_009_800 })
        );
        // The record is the one FORMAT.md §13 describes: 10 bytes in `drm/clock`.
        let mut raw = [0u8; 16];
        assert_eq!(
            s.get(&CLOCK, b"anti-rollback-ck", &[0; 16], &mut raw),
            Ok(10)
        );
        assert_eq!(raw[..10], [1, 0, 0x50, 0x69, 0x0f, 0, 0, 0, 0, 0]);
        // Rolled back: detected, and remembered across reboots and even when the clock returns.
        clock.0.set(Some(900_000));
        let rb = ClockStatus::RolledBack {
            now: Some(900_000),
            last_known: 1_010_000,
        };
        assert_eq!(arc.check(&mut s, &clock), Ok(rb));
        assert_eq!(rb.trusted_now(), Err(drm_core::Error::ClockNotSet));
    }
    let mut s: Store<_, _, 8> = Store::mount(F::new(&mut image), key(), Config::new()).unwrap();
    clock.0.set(Some(1_020_000));
    assert!(matches!(
        arc.check(&mut s, &clock),
        Ok(ClockStatus::RolledBack { .. })
    ));
    // A trusted time clears it.
    arc.set_trusted_time(&mut s, 1_020_000).unwrap();
    assert_eq!(
        arc.check(&mut s, &clock),
        Ok(ClockStatus::Trusted { now: 1_020_000 })
    );
}

/// `status` never writes (a rollback is reported, not recorded); `advance` saves forward progress
/// only past the save interval, never backward, and never clears a recorded rollback.
#[test]
fn status_writes_nothing_and_advance_is_bounded() {
    let mut image = vec![0xFFu8; 8 * 4096];
    let arc = AntiRollbackClock::new(300, 60);
    assert_eq!(
        (arc.grace_seconds(), arc.save_interval_seconds()),
        (300, 60)
    );
    assert_eq!(
        AntiRollbackClock::default(),
        AntiRollbackClock::new(
            AntiRollbackClock::DEFAULT_GRACE_SECONDS,
            AntiRollbackClock::DEFAULT_SAVE_INTERVAL_SECONDS
        )
    );
    let clock = TestClock(Cell::new(None));
    let mut s: Store<_, _, 8> = Store::format(F::new(&mut image), key(), Config::new()).unwrap();
    let seq = |s: &Store<_, _, 8>| s.stats().seq;

    // Nothing saved: not set, or trusted; neither writes.
    let before = seq(&s);
    assert_eq!(arc.status(&mut s, &clock), Ok(ClockStatus::NotSet));
    clock.0.set(Some(1_000_000));
    assert_eq!(
        arc.status(&mut s, &clock),
        Ok(ClockStatus::Trusted { now: 1_000_000 })
    );
    assert_eq!(seq(&s), before);
    assert_eq!(AntiRollbackClock::last_known(&mut s), Ok(None));

    // The first advance saves; a step under the interval does not; a step past it does.
    arc.advance(&mut s, 1_000_000).unwrap();
    assert_eq!(AntiRollbackClock::last_known(&mut s), Ok(Some(1_000_000)));
    let saved = seq(&s);
    assert!(saved > before);
    arc.advance(&mut s, 1_000_059).unwrap();
    assert_eq!(seq(&s), saved);
    arc.advance(&mut s, 1_000_060).unwrap();
    assert_eq!(AntiRollbackClock::last_known(&mut s), Ok(Some(1_000_060)));
    // Never backward.
    let saved = seq(&s);
    arc.advance(&mut s, 10).unwrap();
    assert_eq!(seq(&s), saved);
    assert_eq!(AntiRollbackClock::last_known(&mut s), Ok(Some(1_000_060)));

    // Rolled back by more than the grace: reported, not recorded.
    clock.0.set(Some(1_000_060 - 301));
    let rb = ClockStatus::RolledBack {
        now: Some(1_000_060 - 301),
        last_known: 1_000_060,
    };
    assert_eq!(arc.status(&mut s, &clock), Ok(rb));
    assert_eq!(seq(&s), saved);
    // Within the grace it is trusted again, since nothing was recorded.
    clock.0.set(Some(1_000_060 - 300));
    assert!(matches!(
        arc.status(&mut s, &clock),
        Ok(ClockStatus::Trusted { .. })
    ));
    // `check` records the rollback; `status` then reports it even for a good clock, and
    // `advance` does not clear it.
    clock.0.set(Some(1_000_060 - 301));
    assert_eq!(arc.check(&mut s, &clock), Ok(rb));
    clock.0.set(Some(2_000_000));
    assert!(matches!(
        arc.status(&mut s, &clock),
        Ok(ClockStatus::RolledBack { .. })
    ));
    let saved = seq(&s);
    arc.advance(&mut s, 2_000_000).unwrap();
    assert_eq!(seq(&s), saved);
    arc.set_trusted_time(&mut s, 2_000_000).unwrap();
    assert_eq!(
        arc.status(&mut s, &clock),
        Ok(ClockStatus::Trusted { now: 2_000_000 })
    );
}

#[test]
fn secure_store_items_are_their_own_namespace() {
    let mut image = vec![0xFFu8; 8 * 4096];
    let mut s: Store<_, _, 8> = Store::format(F::new(&mut image), key(), Config::new()).unwrap();
    s.put(
        &Namespace::from_name(b"drm/licenses"),
        &[1; 16],
        &[2; 16],
        b"license",
    )
    .unwrap();
    assert_eq!(SECURE_STORE, Namespace::from_name(b"drm/secure-store"));
    let mut ss = SecureStore::new(&mut s);
    let mut buf = [0u8; 32];
    assert_eq!(ss.get(&[1; 16], &[2; 16], &mut buf), Err(Error::NotFound));
    ss.put(&[1; 16], &[2; 16], b"first use 1700000000").unwrap();
    assert_eq!(ss.get(&[1; 16], &[2; 16], &mut buf), Ok(20));
    ss.delete(&[1; 16], &[2; 16]).unwrap();
    assert_eq!(ss.get(&[1; 16], &[2; 16], &mut buf), Err(Error::NotFound));
    assert_eq!(
        s.get(
            &Namespace::from_name(b"drm/licenses"),
            &[1; 16],
            &[2; 16],
            &mut buf
        ),
        Ok(7)
    );
}

/// A store written when drm-hds kept the clock (in its reserved `drm-hds/internal` namespace):
/// the last known time and a recorded rollback survive the move, the first save goes to
/// `drm/clock`, and the old record is then no longer read.
#[test]
fn clock_of_a_store_from_before_the_move_is_kept() {
    let mut image = vec![0xFFu8; 8 * 4096];
    let arc = AntiRollbackClock::new(300, 3600);
    let clock = TestClock(Cell::new(Some(1_000_000)));
    let mut s: Store<_, _, 8> = Store::format(F::new(&mut image), key(), Config::new()).unwrap();
    // The old layout, byte for byte: version 1, flags 1 (rolled back), last known 2,000,000 LE.
    let mut old = [1u8, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    old[2..].copy_from_slice(&2_000_000u64.to_le_bytes());
    s.put(&LEGACY_CLOCK, b"anti-rollback-ck", &[0; 16], &old)
        .unwrap();
    assert_eq!(AntiRollbackClock::last_known(&mut s), Ok(Some(2_000_000)));
    assert_eq!(
        arc.check(&mut s, &clock),
        Ok(ClockStatus::RolledBack {
            now: Some(1_000_000),
            last_known: 2_000_000
        }),
        "a rollback recorded before the move is still honoured"
    );
    arc.set_trusted_time(&mut s, 1_000_000).unwrap();
    let mut raw = [0u8; 16];
    assert_eq!(
        s.get(&CLOCK, b"anti-rollback-ck", &[0; 16], &mut raw),
        Ok(10)
    );
    assert_eq!(
        arc.check(&mut s, &clock),
        Ok(ClockStatus::Trusted { now: 1_000_000 })
    );
    assert_eq!(
        s.get(&LEGACY_CLOCK, b"anti-rollback-ck", &[0; 16], &mut raw),
        Ok(10),
        "the old record is left alone"
    );
    // A damaged record is an integrity error, never a silent reset of the clock.
    s.put(&CLOCK, b"anti-rollback-ck", &[0; 16], &[9; 10])
        .unwrap();
    assert_eq!(AntiRollbackClock::last_known(&mut s), Err(Error::Integrity));
}
