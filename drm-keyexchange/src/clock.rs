//! The secure store and the anti-rollback clock (PROTOCOL §5), on top of the store: DRM state
//! kept in namespaces of this crate's, not in the generic store.
//!
//! **Anti-rollback clock.** The store keeps the last known time (one slot of [`CLOCK`]; a store
//! written before the clock moved here keeps it in [`LEGACY_CLOCK`], which is read when [`CLOCK`]
//! has none, and left alone). [`AntiRollbackClock::check`] compares the
//! device clock with it: more than `grace` seconds behind means the clock was rolled back, and the
//! store remembers that (durably) until [`AntiRollbackClock::set_trusted_time`] is called with a
//! time from a trusted source (for example a license server response). Time-bound licenses must
//! be refused while the status is not [`ClockStatus::Trusted`] ([`ClockStatus::trusted_now`] maps
//! that to `drm_core::Error::ClockNotSet`). Forward progress is saved at most once per
//! `save_interval` seconds, to spare the flash. [`AntiRollbackClock::status`] and
//! [`AntiRollbackClock::advance`] split `check` for callers that must write nothing on a refusal
//! (drm-keyexchange's `Prepare`): read the status, and save forward progress only after a success.
//!
//! **Secure store.** [`SecureStore`] is the store restricted to [`SECURE_STORE`]:
//! small items keyed by two 16-byte keys, authenticated with the device-bound store key like every
//! slot, for per-license state such as the first-use time.

use drm_core::crypto::backend::Sha256Engine;
use drm_core::platform::{Clock, MonotonicCounter};
use embedded_storage::nor_flash::NorFlash;

use drm_hds::{Error, Namespace, Result, Store, Transaction};

/// The anti-rollback clock's namespace (one slot: [`CLOCK_K1`], [`CLOCK_K2`]).
pub const CLOCK: Namespace = Namespace::from_name(b"drm/clock");
/// Where drm-hds kept the clock before it moved to this crate (its reserved namespace): read
/// when [`CLOCK`] holds no clock, so a device keeps its last known time and a recorded rollback
/// across the upgrade. Never written.
pub const LEGACY_CLOCK: Namespace = Namespace::from_name(b"drm-hds/internal");
/// The secure store's namespace ([`SecureStore`]).
pub const SECURE_STORE: Namespace = Namespace::from_name(b"drm/secure-store");

/// First key of the clock's slot.
const CLOCK_K1: [u8; 16] = *b"anti-rollback-ck";
/// Second key of the clock's slot.
const CLOCK_K2: [u8; 16] = [0; 16];
/// Version byte of the clock record.
const CLOCK_VERSION: u8 = 1;
/// Bytes of the clock record: version, flags, last known time (u64 LE).
const CLOCK_LEN: usize = 10;
/// Flag: a rollback was detected and no trusted time was set since.
const FLAG_ROLLED_BACK: u8 = 1;

/// What the anti-rollback clock says about the device clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ClockStatus {
    /// The device clock is not behind the last known time by more than the grace.
    Trusted {
        /// Seconds since 1970-01-01 UTC.
        now: u64,
    },
    /// The device does not know the time.
    NotSet,
    /// The clock was found behind the last known time (now or earlier, without a trusted time
    /// set since): time-bound licenses must be refused.
    RolledBack {
        /// The device clock (None when it is not set either).
        now: Option<u64>,
        /// The last known time.
        last_known: u64,
    },
}

impl ClockStatus {
    /// The time when it can be trusted, else `drm_core::Error::ClockNotSet` (PlayReady
    /// `DRM_E_CLOCK_NOT_SET`), for the policy checks of time-bound licenses.
    pub fn trusted_now(&self) -> drm_core::Result<u64> {
        match self {
            ClockStatus::Trusted { now } => Ok(*now),
            _ => Err(drm_core::Error::ClockNotSet),
        }
    }
}

/// The anti-rollback clock's policy: how far behind counts as a rollback, and how often forward
/// progress is saved.
///
/// The policy is a value, not stored: every user of one store reads and writes the same clock
/// record, each with its own policy (drm-keyexchange's `Prepare` uses
/// `drm_keyexchange::ANTI_ROLLBACK`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AntiRollbackClock {
    grace: u64,
    save_interval: u64,
}

impl Default for AntiRollbackClock {
    /// Grace [`AntiRollbackClock::DEFAULT_GRACE_SECONDS`], save at most every
    /// [`AntiRollbackClock::DEFAULT_SAVE_INTERVAL_SECONDS`].
    fn default() -> Self {
        Self::new(
            Self::DEFAULT_GRACE_SECONDS,
            Self::DEFAULT_SAVE_INTERVAL_SECONDS,
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct State {
    rolled_back: bool,
    last_known: u64,
}

impl AntiRollbackClock {
    /// The default grace: 300 seconds.
    pub const DEFAULT_GRACE_SECONDS: u64 = 300;
    /// The default save interval: 3,600 seconds.
    pub const DEFAULT_SAVE_INTERVAL_SECONDS: u64 = 3600;

    /// A clock that calls more than `grace_seconds` behind the last known time a rollback, and
    /// saves forward progress at most every `save_interval_seconds`.
    #[must_use]
    pub const fn new(grace_seconds: u64, save_interval_seconds: u64) -> Self {
        Self {
            grace: grace_seconds,
            save_interval: save_interval_seconds,
        }
    }

    /// How far (seconds) the device clock may read behind the last known time.
    #[must_use]
    pub const fn grace_seconds(&self) -> u64 {
        self.grace
    }

    /// The least step (seconds) forward progress is saved in.
    #[must_use]
    pub const fn save_interval_seconds(&self) -> u64 {
        self.save_interval
    }

    /// What [`AntiRollbackClock::check`] would say, without writing anything: a rollback found
    /// now is reported but not recorded. For callers that must not write on a refusal (and
    /// that call [`AntiRollbackClock::advance`] after a success).
    #[inline(never)]
    pub fn status<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
        &self,
        store: &mut Store<S, C, P, H>,
        clock: &(impl Clock + ?Sized),
    ) -> Result<ClockStatus> {
        Ok(self.evaluate(load(store)?, clock.now()))
    }

    /// Checks the device clock against the last known time, records a rollback or forward
    /// progress, and says whether time-bound licenses may be used.
    pub fn check<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
        &self,
        store: &mut Store<S, C, P, H>,
        clock: &(impl Clock + ?Sized),
    ) -> Result<ClockStatus> {
        let state = load(store)?;
        let status = self.evaluate(state, clock.now());
        match status {
            ClockStatus::RolledBack { last_known, .. } if !state.is_some_and(|s| s.rolled_back) => {
                save(
                    store,
                    State {
                        rolled_back: true,
                        last_known,
                    },
                )?;
            }
            ClockStatus::Trusted { now } if self.due(state, now) => {
                save(
                    store,
                    State {
                        rolled_back: false,
                        last_known: now,
                    },
                )?;
            }
            _ => {}
        }
        Ok(status)
    }

    /// Saves `now` (a time [`AntiRollbackClock::status`] reported as trusted) as the last known
    /// time when it is at least the save interval past it. Never moves the time backward and
    /// never clears a recorded rollback (that is [`AntiRollbackClock::set_trusted_time`]).
    #[inline(never)]
    pub fn advance<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
        &self,
        store: &mut Store<S, C, P, H>,
        now: u64,
    ) -> Result<()> {
        let state = load(store)?;
        if state.is_some_and(|s| s.rolled_back) || !self.due(state, now) {
            return Ok(());
        }
        save(
            store,
            State {
                rolled_back: false,
                last_known: now,
            },
        )
    }

    /// The status for the saved `state` and the device clock's `now`.
    fn evaluate(&self, state: Option<State>, now: Option<u64>) -> ClockStatus {
        if let Some(s) = state {
            let behind = now.is_some_and(|n| n.saturating_add(self.grace) < s.last_known);
            if s.rolled_back || behind {
                return ClockStatus::RolledBack {
                    now,
                    last_known: s.last_known,
                };
            }
        }
        match now {
            Some(now) => ClockStatus::Trusted { now },
            None => ClockStatus::NotSet,
        }
    }

    /// Whether `now` is far enough past the saved time to be saved.
    fn due(&self, state: Option<State>, now: u64) -> bool {
        state.is_none_or(|s| now >= s.last_known.saturating_add(self.save_interval))
    }

    /// Sets the time from a trusted source: clears a detected rollback and makes `now` the last
    /// known time (even when it is earlier than the saved one).
    pub fn set_trusted_time<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
        &self,
        store: &mut Store<S, C, P, H>,
        now: u64,
    ) -> Result<()> {
        save(
            store,
            State {
                rolled_back: false,
                last_known: now,
            },
        )
    }

    /// The last known time, if any was saved.
    pub fn last_known<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
        store: &mut Store<S, C, P, H>,
    ) -> Result<Option<u64>> {
        Ok(load(store)?.map(|s| s.last_known))
    }
}

fn load<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
    store: &mut Store<S, C, P, H>,
) -> Result<Option<State>> {
    let mut b = [0u8; CLOCK_LEN];
    let mut found = store.get(&CLOCK, &CLOCK_K1, &CLOCK_K2, &mut b);
    if found == Err(Error::NotFound) {
        found = store.get(&LEGACY_CLOCK, &CLOCK_K1, &CLOCK_K2, &mut b);
    }
    match found {
        Ok(CLOCK_LEN) => {}
        Ok(_) | Err(Error::BufferTooSmall) => return Err(Error::Integrity),
        Err(Error::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    }
    let [version, flags, rest @ ..] = b;
    if version != CLOCK_VERSION || flags & !FLAG_ROLLED_BACK != 0 {
        return Err(Error::Integrity);
    }
    Ok(Some(State {
        rolled_back: flags & FLAG_ROLLED_BACK != 0,
        last_known: u64::from_le_bytes(rest),
    }))
}

fn save<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
    store: &mut Store<S, C, P, H>,
    state: State,
) -> Result<()> {
    let mut b = [0u8; CLOCK_LEN];
    let flags = if state.rolled_back {
        FLAG_ROLLED_BACK
    } else {
        0
    };
    let t = state.last_known.to_le_bytes();
    for (d, s) in b
        .iter_mut()
        .zip([CLOCK_VERSION, flags].iter().chain(t.iter()))
    {
        *d = *s;
    }
    let mut txn = Transaction::<1>::with_capacity();
    txn.put(&CLOCK, &CLOCK_K1, &CLOCK_K2, &b)?;
    store.commit(&txn)
}

/// The secure store (PROTOCOL §5): the store restricted to [`SECURE_STORE`].
#[derive(Debug)]
pub struct SecureStore<'s, S, C, const P: usize, H> {
    store: &'s mut Store<S, C, P, H>,
}

impl<'s, S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>
    SecureStore<'s, S, C, P, H>
{
    /// The secure store of `store`.
    pub fn new(store: &'s mut Store<S, C, P, H>) -> Self {
        Self { store }
    }

    /// Reads item `(k1, k2)` into `buf`; its length.
    pub fn get(&mut self, k1: &[u8; 16], k2: &[u8; 16], buf: &mut [u8]) -> Result<usize> {
        self.store.get(&SECURE_STORE, k1, k2, buf)
    }

    /// Creates or replaces item `(k1, k2)`.
    pub fn put(&mut self, k1: &[u8; 16], k2: &[u8; 16], data: &[u8]) -> Result<()> {
        self.store.put(&SECURE_STORE, k1, k2, data)
    }

    /// Deletes item `(k1, k2)` (securely erased).
    pub fn delete(&mut self, k1: &[u8; 16], k2: &[u8; 16]) -> Result<()> {
        self.store.delete(&SECURE_STORE, k1, k2)
    }
}
