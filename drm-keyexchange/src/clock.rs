//! The anti-rollback clock (PROTOCOL §5): the last known time, kept in the store.
//!
//! The device's [`Clock`] says what time it thinks it is. The store keeps the latest time seen
//! by a successful `Prepare` (or set by [`set_trusted_time`]). When the clock reads more than
//! [`GRACE_SECONDS`] behind that saved time, the clock was rolled back: time-bound licenses are
//! refused (`ClockNotSet`) until the clock is past the saved time again or a trusted time is
//! set. When the clock does not know the time, the same refusal applies.
//!
//! The saved time moves forward only when it is at least [`SAVE_STEP_SECONDS`] old, so a burst
//! of calls does not wear the flash; a rollback smaller than the grace plus that step can go
//! unseen, which bounds what it gains (a few minutes of validity).

use drm_core::platform::{Clock, MonotonicCounter};
use drm_hds::{Namespace, Store};
use embedded_storage::nor_flash::NorFlash;

use crate::calls::TrustedTime;
use crate::error::Result;

/// How far the clock may read behind the saved time before it counts as rolled back.
pub const GRACE_SECONDS: u64 = 300;
/// The saved time is rewritten only when the clock is this far past it.
pub const SAVE_STEP_SECONDS: u64 = 60;

/// Where the saved time lives: the secure store, under a fixed key pair.
const NAMESPACE: Namespace = Namespace::SECURE_STORE;
const K1: [u8; 16] = *b"anti-rollback-ck";
const K2: [u8; 16] = [0; 16];

/// The saved time, if any.
fn saved<S: NorFlash, C: MonotonicCounter, const PAGES: usize>(
    store: &mut Store<S, C, PAGES>,
) -> Result<Option<u64>> {
    let mut buf = [0u8; 8];
    match store.get(&NAMESPACE, &K1, &K2, &mut buf) {
        Ok(8) => Ok(Some(u64::from_be_bytes(buf))),
        Ok(_) => Err(drm_hds::Error::Integrity.into()),
        Err(drm_hds::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The time the anti-rollback clock vouches for: the clock's time, or `None` when the clock
/// does not know the time or reads more than [`GRACE_SECONDS`] behind the saved time. Reads the
/// store; writes nothing.
///
/// # Errors
/// [`crate::Error::Store`] when the store cannot be read.
#[inline(never)]
pub fn trusted_time<S, C, const PAGES: usize, K>(
    store: &mut Store<S, C, PAGES>,
    clock: &K,
) -> Result<TrustedTime>
where
    S: NorFlash,
    C: MonotonicCounter,
    K: Clock + ?Sized,
{
    let Some(now) = clock.now() else {
        return Ok(None);
    };
    Ok(match saved(store)? {
        Some(last) if now.saturating_add(GRACE_SECONDS) < last => None,
        _ => Some(now),
    })
}

/// Moves the saved time forward to `now` when it is at least [`SAVE_STEP_SECONDS`] behind (never
/// backward).
///
/// # Errors
/// [`crate::Error::Store`] when the store cannot be read or written.
#[inline(never)]
pub fn advance<S, C, const PAGES: usize>(store: &mut Store<S, C, PAGES>, now: u64) -> Result<()>
where
    S: NorFlash,
    C: MonotonicCounter,
{
    let due = match saved(store)? {
        Some(last) => now >= last.saturating_add(SAVE_STEP_SECONDS),
        None => true,
    };
    if due {
        store.put(&NAMESPACE, &K1, &K2, &now.to_be_bytes())?;
    }
    Ok(())
}

/// Sets the saved time to `time` from a trusted source (a server's signed time), forward or
/// backward: when a wrong clock once ran ahead and was saved, this is how time-bound licenses
/// become usable again after the clock is corrected.
///
/// # Errors
/// [`crate::Error::Store`] when the store cannot be written.
pub fn set_trusted_time<S, C, const PAGES: usize>(
    store: &mut Store<S, C, PAGES>,
    time: u64,
) -> Result<()>
where
    S: NorFlash,
    C: MonotonicCounter,
{
    store.put(&NAMESPACE, &K1, &K2, &time.to_be_bytes())?;
    Ok(())
}
