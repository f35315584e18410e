//! The anti-rollback clock and the secure store (PROTOCOL §5), and the file-backed flash.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::cell::Cell;

use drm_core::platform::Clock;
use drm_core::secret::HmacKey;
use drm_hds::file::FileFlash;
use drm_hds::mock::MockFlash;
use drm_hds::{
    AntiRollbackClock, ClockStatus, Config, Error, Namespace, SecureStore, Store, Transaction,
};

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
        // Callers cannot write the clock's namespace.
        let mut t = Transaction::new();
        t.put(
            &Namespace::INTERNAL,
            b"anti-rollback-ck",
            &[0; 16],
            &[0; 10],
        )
        .unwrap();
        assert_eq!(s.commit(&t), Err(Error::InvalidArgument));
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

#[test]
fn file_backed_flash_round_trip() {
    let dir = std::env::temp_dir().join(format!("drm-hds-file-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hds.img");
    let _ = std::fs::remove_file(&path);
    {
        let f = FileFlash::<4096>::open(&path, 8 * 4096).unwrap();
        let mut s: Store<_, _, 8> = Store::format_multiwrite(f, key(), Config::new()).unwrap();
        s.put(
            &Namespace::from_name(b"drm/licenses"),
            &[9; 16],
            &[8; 16],
            b"on disk",
        )
        .unwrap();
        s.put(
            &Namespace::from_name(b"drm/licenses"),
            &[9; 16],
            &[7; 16],
            b"deleted secret",
        )
        .unwrap();
        s.delete(&Namespace::from_name(b"drm/licenses"), &[9; 16], &[7; 16])
            .unwrap();
    }
    let raw = std::fs::read(&path).unwrap();
    assert_eq!(raw.len(), 8 * 4096);
    assert!(!raw.windows(14).any(|w| w == b"deleted secret"));
    let f = FileFlash::<4096>::open(&path, 8 * 4096).unwrap();
    let mut s: Store<_, _, 8> = Store::mount_multiwrite(f, key(), Config::new()).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(
        s.get(
            &Namespace::from_name(b"drm/licenses"),
            &[9; 16],
            &[8; 16],
            &mut buf
        ),
        Ok(7)
    );
    assert_eq!(&buf[..7], b"on disk");
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Two drivers on one image file corrupt the store (each keeps its own idea of the newest
/// commit): the second open is refused while the first lives, and changes nothing.
#[test]
fn file_backed_flash_is_locked_while_open() {
    let dir = std::env::temp_dir().join(format!("drm-hds-file-lock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hds.img");
    let _ = std::fs::remove_file(&path);
    let f = FileFlash::<4096>::open(&path, 8 * 4096).unwrap();
    let mut s: Store<_, _, 8> = Store::format_multiwrite(f, key(), Config::new()).unwrap();
    s.put(
        &Namespace::from_name(b"drm/licenses"),
        &[9; 16],
        &[8; 16],
        b"held",
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    assert!(matches!(
        FileFlash::<4096>::open(&path, 8 * 4096),
        Err(drm_hds::file::FileFlashError::Locked)
    ));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "a refused open wrote"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "the image holds key material: owner-only from creation"
        );
    }
    drop(s);
    let f = FileFlash::<4096>::open(&path, 8 * 4096).unwrap();
    let mut s: Store<_, _, 8> = Store::mount_multiwrite(f, key(), Config::new()).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(
        s.get(
            &Namespace::from_name(b"drm/licenses"),
            &[9; 16],
            &[8; 16],
            &mut buf
        ),
        Ok(4)
    );
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}
