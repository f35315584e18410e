//! `Drm_KeyExchange_Prepare`: find, check and bind a KeyExchangeLicense; and the content-key path
//! that refuses KeyExchangeLicenses.
//!
//! Order of the checks (each refusal is a typed error and changes nothing):
//!
//! 1. the license parses (structure, must-understand objects: [`drm_core::xmr::ParsedLicense`]);
//! 2. key type 6 ([`Error::NotKeyExchangeLicense`] otherwise);
//! 3. the license holds the key named ([`KeyRef`]: by index or key id; `drm-core`'s
//!    `LicenseKeyNotFound` otherwise), and that key's one algorithm and operation equal the
//!    requested ones ([`Error::OperationNotAllowed`]) — before any key is unwrapped;
//! 4. dates against the trusted time: a time-bound license with no trusted time is refused with
//!    `ClockNotSet`, then `now < begin` → `LicenseNotYetValid`, `now ≥ end` or `now ≥ removal
//!    date` → `LicenseExpired` (`drm-core` codes, PROTOCOL §2); an expiration after first use
//!    (XMR `0x0030`) counts from the first bind recorded in the store ([`crate::licenses::FIRST_USE`],
//!    written before the key is first handed out) and `now ≥ first use + period` →
//!    `LicenseExpired`; [`bind`] and [`bind_content_key`], which have no store, refuse such a
//!    license with `Unsupported`;
//! 5. the license's minimum security level against the device's (`SecurityLevelTooLow`);
//! 6. binding, signature and the unwrap of the named key only ([`drm_core::xmr::verify_key`]:
//!    `NotBound`, `VerificationFailed`); the other keys of a license of several keys
//!    (KEY-EXCHANGE-FORMAT §2.1) stay wrapped.
//!
//! [`prepare`] and [`bind`] bind the license's first key ([`KeyRef::FIRST`], the only key of a
//! format-1 license); [`prepare_key`] and [`bind_key`] bind the key the caller names.
//!
//! Steps 2 to 5 read fields that are authenticated only in step 6; a tampered field can at
//! worst turn one refusal into another, never a refusal into a success.

use core::ops::ControlFlow;
use drm_core::crypto::backend::Sha256Engine;

use drm_core::Kid;
use drm_core::platform::{Clock, DeviceIdentity, MonotonicCounter};
use drm_core::secret::Aes128Key;
use drm_core::xmr::{self, KeyRef, KxAlgorithm, KxOperation, LicenseKey, NO_END, ParsedLicense};
use drm_hds::Store;

use crate::clock::AntiRollbackClock;
use embedded_storage::nor_flash::NorFlash;

use crate::context::{Context, KeySlot, Operation, load_key};
use crate::error::{Error, Result};
pub use crate::licenses::MAX_LICENSE_LEN;
use crate::licenses::{FirstUse, LICENSES, first_use, record_first_use};

/// Most licenses per KID that `Prepare` looks at.
pub const MAX_LICENSES_PER_KID: usize = 8;

/// The anti-rollback clock policy of [`prepare`] and [`content_key`]: drm-hds's clock (the one
/// clock record of the store, PROTOCOL §5) with its default grace of 300 seconds; a successful
/// [`prepare`] saves forward progress at most once a minute. A rollback smaller than the grace
/// plus that step can go unseen, which bounds what it gains (a few minutes of validity).
///
/// These calls read the clock's status without recording a rollback they find (a refusal
/// writes nothing); a rollback recorded by [`AntiRollbackClock::check`] (for example at boot) is
/// honoured until [`AntiRollbackClock::set_trusted_time`].
pub const ANTI_ROLLBACK: AntiRollbackClock =
    AntiRollbackClock::new(AntiRollbackClock::DEFAULT_GRACE_SECONDS, 60);

/// The time the anti-rollback clock vouches for: the clock's time, or `None` when the clock does
/// not know the time or was found rolled back. Reads the store; writes nothing.
fn trusted_time<S, C, const PAGES: usize, H, K>(
    store: &mut Store<S, C, PAGES, H>,
    clock: &K,
) -> Result<TrustedTime>
where
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
    K: Clock + ?Sized,
{
    Ok(ANTI_ROLLBACK.status(store, clock)?.trusted_now().ok())
}

/// Time as the anti-rollback clock vouches for it: seconds since 1970, or `None` when the clock
/// is not set or was found rolled back. Time-bound licenses are refused with `None`.
pub type TrustedTime = Option<u64>;

/// Dates (step 4 of the module documentation). An expiration after first use counts from the
/// recorded first use, or from `now` when this is the first; without first-use state
/// ([`FirstUse::NotKept`]) it is refused rather than granting more than the license allows.
fn check_dates(license: &ParsedLicense<'_>, now: TrustedTime, first: FirstUse) -> Result<()> {
    if !license.is_time_bound() {
        return Ok(());
    }
    let now = now.ok_or(drm_core::Error::ClockNotSet)?;
    if let Some(period) = license.expiration_after_first_use() {
        let start = match first {
            FirstUse::NotKept => return Err(drm_core::Error::Unsupported.into()),
            FirstUse::Never => now,
            FirstUse::At(t) => t,
        };
        if now >= start.saturating_add(u64::from(period)) {
            return Err(drm_core::Error::LicenseExpired.into());
        }
    }
    if let Some((begin, end)) = license.expiration() {
        if now < u64::from(begin) {
            return Err(drm_core::Error::LicenseNotYetValid.into());
        }
        if end != NO_END && now >= u64::from(end) {
            return Err(drm_core::Error::LicenseExpired.into());
        }
    }
    if let Some(removal) = license.removal_date()
        && now >= u64::from(removal)
    {
        return Err(drm_core::Error::LicenseExpired.into());
    }
    Ok(())
}

/// Security level (step 5).
fn check_level<I: DeviceIdentity + ?Sized>(
    license: &ParsedLicense<'_>,
    identity: &I,
) -> Result<()> {
    if u32::from(license.min_security_level()) > identity.security_level() {
        return Err(drm_core::Error::SecurityLevelTooLow.into());
    }
    Ok(())
}

/// What a bind asks for: the key (by index or id), its algorithm and its operation. The
/// operation is a value, not the `Op` type, here and below: this code is compiled once, not once
/// per operation type a firmware uses.
pub(crate) type Wanted = (KeyRef, KxAlgorithm, KxOperation);

/// Checks a KeyExchangeLicense for the key, algorithm and operation `wanted` (steps 1 to 5),
/// without touching any key.
#[inline(never)]
fn check_key_exchange<'a, I: DeviceIdentity + ?Sized>(
    license: &'a [u8],
    identity: &I,
    (now, first): (TrustedTime, FirstUse),
    (key, algorithm, operation): Wanted,
) -> Result<ParsedLicense<'a>> {
    let parsed = ParsedLicense::parse(license)?;
    if !parsed.is_key_exchange() {
        return Err(Error::NotKeyExchangeLicense);
    }
    let policy = parsed.kx_key(key)?.policy();
    if policy.algorithm() != algorithm || policy.operation() != operation {
        return Err(Error::OperationNotAllowed);
    }
    check_dates(&parsed, now, first)?;
    check_level(&parsed, identity)?;
    Ok(parsed)
}

/// Binds the first key ([`KeyRef::FIRST`]) of the KeyExchangeLicense `license` for `Op`: every
/// check of the module documentation, then the key goes into `slot` and the context is returned.
/// For a license of several keys, name the key with [`bind_key`].
///
/// [`crate::prepare`] finds the license in the store and binds it the same way; call this
/// directly for a license kept elsewhere (a non-persistent license held in RAM).
///
/// # Errors
/// The refusals of the module documentation; `slot` stays clear on any error.
pub fn bind<'s, Op: Operation, I: DeviceIdentity + ?Sized>(
    slot: &'s mut KeySlot,
    license: &[u8],
    identity: &I,
    now: TrustedTime,
) -> Result<Context<'s, Op, I::Crypto>> {
    bind_key(slot, license, identity, now, KeyRef::FIRST)
}

/// [`bind`] of the key `key` names (by index or key id) in the KeyExchangeLicense `license`:
/// only that key is unwrapped, and only if its policy is `Op`.
///
/// # Errors
/// `drm-core`'s `LicenseKeyNotFound` when the license holds no such key; the refusals of the
/// module documentation; `slot` stays clear on any error.
pub fn bind_key<'s, Op: Operation, I: DeviceIdentity + ?Sized>(
    slot: &'s mut KeySlot,
    license: &[u8],
    identity: &I,
    now: TrustedTime,
    key: KeyRef,
) -> Result<Context<'s, Op, I::Crypto>> {
    let (kid, key, _) = unwrap_key_exchange(
        license,
        identity,
        (now, FirstUse::NotKept),
        (key, Op::ALGORITHM, Op::OPERATION),
    )?;
    Context::new(slot, kid, key, identity.crypto().clone())
}

/// Every check of [`bind`], then the unwrapped key. Never inlined: its frame (the parsed license,
/// the verification) is gone before the caller performs, which matters on a small Cortex-M0 stack.
#[inline(never)]
fn unwrap_key_exchange<I: DeviceIdentity + ?Sized>(
    license: &[u8],
    identity: &I,
    time: (TrustedTime, FirstUse),
    wanted: Wanted,
) -> Result<(Kid, LicenseKey, bool)> {
    let parsed = check_key_exchange(license, identity, time, wanted)?;
    let kid = parsed.kid();
    let starts = starts_first_use(&parsed, time.1);
    let (_, key) = xmr::verify_key(parsed, identity, wanted.0)?.into_parts();
    Ok((kid, key, starts))
}

/// The checks of [`unwrap_key_exchange`] (steps 1 to 5, and of step 6 what needs no secret:
/// binding, signature type), the named key left wrapped for a key vault, which checks the
/// signature as it unwraps ([`xmr::WrappedKey`]).
pub(crate) fn wrap_key_exchange<'a, I: DeviceIdentity + ?Sized>(
    license: &'a [u8],
    identity: &I,
    time: (TrustedTime, FirstUse),
    wanted: Wanted,
) -> Result<(Kid, xmr::WrappedKey<'a>, bool)> {
    let parsed = check_key_exchange(license, identity, time, wanted)?;
    let starts = starts_first_use(&parsed, time.1);
    let wrapped = xmr::wrapped_key(&parsed, identity, wanted.0)?;
    Ok((parsed.kid(), wrapped, starts))
}

/// Where a bind puts the key of the license it checked: the caller's [`KeySlot`] (the default
/// path, the key unwrapped by the kit) or a key vault ([`crate::vault`], a handle). The checks
/// and the store's bookkeeping around them ([`bind_stored`]) are the same code for both.
pub(crate) trait Sink {
    /// The key as [`Sink::take`] gives it.
    type Key;
    /// Every check of the module documentation on one license, then its named key.
    fn take<I: DeviceIdentity + ?Sized>(
        &mut self,
        license: &[u8],
        identity: &I,
        time: (TrustedTime, FirstUse),
        wanted: Wanted,
    ) -> Result<(Kid, Self::Key, bool)>;
    /// Keeps the key taken for the context to come.
    fn keep(&mut self, key: Self::Key, wanted: Wanted) -> Result<()>;
    /// Forgets a key taken but not kept.
    fn discard(&mut self, key: Self::Key);
    /// Forgets the key kept.
    fn clear(&mut self);
}

impl Sink for KeySlot {
    type Key = LicenseKey;

    fn take<I: DeviceIdentity + ?Sized>(
        &mut self,
        license: &[u8],
        identity: &I,
        time: (TrustedTime, FirstUse),
        wanted: Wanted,
    ) -> Result<(Kid, LicenseKey, bool)> {
        unwrap_key_exchange(license, identity, time, wanted)
    }

    fn keep(&mut self, key: LicenseKey, wanted: Wanted) -> Result<()> {
        load_key(self, key, (wanted.1, wanted.2))
    }

    fn discard(&mut self, key: LicenseKey) {
        drop(key);
    }

    fn clear(&mut self) {
        KeySlot::clear(self);
    }
}

/// Whether binding `license` now is its first use, to be recorded before its key is handed out.
fn starts_first_use(license: &ParsedLicense<'_>, first: FirstUse) -> bool {
    license.expiration_after_first_use().is_some() && first == FirstUse::Never
}

/// The LIDs of the stored licenses of `kid` (at most [`MAX_LICENSES_PER_KID`]). Never inlined: the
/// store walk's buffers are gone before a license is verified (a small Cortex-M0 stack needs it).
#[inline(never)]
fn lids_of<S, C, const PAGES: usize, H>(
    store: &mut Store<S, C, PAGES, H>,
    kid: &Kid,
) -> Result<heapless::Vec<[u8; 16], MAX_LICENSES_PER_KID>>
where
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
{
    let mut lids = heapless::Vec::new();
    store.for_each(&LICENSES, Some(kid.as_bytes()), |_, lid, _| {
        match lids.push(*lid) {
            Ok(()) => ControlFlow::Continue(()),
            Err(_) => ControlFlow::Break(()),
        }
    })?;
    Ok(lids)
}

/// Reads one license into `buf`. Never inlined (see [`lids_of`]).
#[inline(never)]
fn read_license<'b, S, C, const PAGES: usize, H>(
    store: &mut Store<S, C, PAGES, H>,
    kid: &Kid,
    lid: &[u8; 16],
    buf: &'b mut [u8; MAX_LICENSE_LEN],
) -> Result<&'b [u8]>
where
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
{
    match store.get(&LICENSES, kid.as_bytes(), lid, buf) {
        Ok(len) => buf.get(..len).ok_or(Error::LogicBug),
        Err(drm_hds::Error::BufferTooSmall) => Err(Error::LicenseTooLarge),
        Err(e) => Err(e.into()),
    }
}

/// Calls `f` with the bytes of each stored license of `kid` (at most
/// [`MAX_LICENSES_PER_KID`]) and what the store knows of its first use, until it returns `Ok`;
/// returns that and the license's LID, or the first error, or [`Error::LicenseNotFound`] when
/// the store has no license for `kid`.
fn first_usable<S, C, const PAGES: usize, H, T>(
    store: &mut Store<S, C, PAGES, H>,
    kid: &Kid,
    mut f: impl FnMut(&[u8], FirstUse) -> Result<T>,
) -> Result<(T, [u8; 16])>
where
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
{
    let lids = lids_of(store, kid)?;
    let mut first_error = None;
    let mut buf = [0u8; MAX_LICENSE_LEN];
    for lid in &lids {
        let result = first_use(store, kid.as_bytes(), lid).and_then(|first| {
            read_license(store, kid, lid, &mut buf).and_then(|license| f(license, first))
        });
        match result {
            Ok(value) => return Ok((value, *lid)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(Error::LicenseNotFound))
}

/// `Drm_KeyExchange_Prepare`: finds a KeyExchangeLicense for `kid` in the store whose first key
/// ([`KeyRef::FIRST`], the only key of a format-1 license) allows `Op`, checks it (module
/// documentation) against the anti-rollback clock's time ([`ANTI_ROLLBACK`],
/// [`AntiRollbackClock::status`]) and binds it: the key goes into `slot`. For a license of
/// several keys, name the key with [`prepare_key`].
///
/// When the store holds several licenses for `kid`, the first that passes every check is used;
/// when none does, the refusal of the first one is returned. A success moves the saved time of
/// the anti-rollback clock forward ([`AntiRollbackClock::advance`]); a refusal writes nothing.
///
/// ```no_run
/// # use drm_keyexchange::{prepare, AesCbcDecryptor, KeySlot};
/// # fn f<S: embedded_storage::nor_flash::NorFlash, I: drm_core::platform::DeviceIdentity>(
/// #     store: &mut drm_hds::Store<S>,
/// #     identity: &I,
/// #     clock: &impl drm_core::platform::Clock,
/// #     kid: drm_core::Kid,
/// # ) -> drm_keyexchange::Result<()> {
/// let mut slot = KeySlot::new();
/// // The type asked for is the operation asked for; the context computes with the identity's
/// // crypto backend.
/// let decryptor: AesCbcDecryptor<'_, I::Crypto> = prepare(&mut slot, store, identity, clock, &kid)?;
/// let mut data = [0u8; 32];
/// decryptor.decrypt(&[0; 16], &mut data)?; // Perform, as often as wanted
/// decryptor.close(); // Close: the key is zeroized
/// assert!(slot.is_clear());
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::LicenseNotFound`]; the refusals of the module documentation; [`Error::Store`].
#[inline]
pub fn prepare<'s, Op, S, C, const PAGES: usize, H, I, K>(
    slot: &'s mut KeySlot,
    store: &mut Store<S, C, PAGES, H>,
    identity: &I,
    clock: &K,
    kid: &Kid,
) -> Result<Context<'s, Op, I::Crypto>>
where
    Op: Operation,
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
    I: DeviceIdentity + ?Sized,
    K: Clock + ?Sized,
{
    prepare_key(slot, store, identity, clock, kid, KeyRef::FIRST)
}

/// [`prepare`] of the key `key` names (by index in the policy table, or by key id) in the
/// KeyExchangeLicense of `kid` (KEY-EXCHANGE-FORMAT §2.1): only that key is unwrapped, only if
/// its policy is `Op`; the license's other keys stay wrapped. The context holds that one key.
///
/// ```no_run
/// # use drm_keyexchange::{prepare_key, HmacSigner, KeySlot};
/// # use drm_core::xmr::KeyRef;
/// # fn f<S: embedded_storage::nor_flash::NorFlash, I: drm_core::platform::DeviceIdentity>(
/// #     store: &mut drm_hds::Store<S>,
/// #     identity: &I,
/// #     clock: &impl drm_core::platform::Clock,
/// #     kid: drm_core::Kid,
/// #     key_id: drm_core::Kid,
/// # ) -> drm_keyexchange::Result<()> {
/// let mut slot = KeySlot::new();
/// // The license's key 2 must be an HMAC-SHA256 signing key.
/// let signer: HmacSigner<'_, I::Crypto> =
///     prepare_key(&mut slot, store, identity, clock, &kid, KeyRef::Index(2))?;
/// let tag = signer.sign(b"data")?;
/// signer.close();
/// // The same license's key with this id, for another operation, into the same slot.
/// let signer: HmacSigner<'_, I::Crypto> =
///     prepare_key(&mut slot, store, identity, clock, &kid, KeyRef::Id(key_id))?;
/// # let _ = (tag, signer); Ok(()) }
/// ```
///
/// # Errors
/// `drm-core`'s `LicenseKeyNotFound` when the license holds no such key; the errors of
/// [`prepare`].
#[inline(never)]
pub fn prepare_key<'s, Op, S, C, const PAGES: usize, H, I, K>(
    slot: &'s mut KeySlot,
    store: &mut Store<S, C, PAGES, H>,
    identity: &I,
    clock: &K,
    kid: &Kid,
    key: KeyRef,
) -> Result<Context<'s, Op, I::Crypto>>
where
    Op: Operation,
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
    I: DeviceIdentity + ?Sized,
    K: Clock + ?Sized,
{
    let kid = bind_stored(
        slot,
        store,
        identity,
        clock,
        kid,
        (key, Op::ALGORITHM, Op::OPERATION),
    )?;
    Ok(Context::loaded(slot, kid, identity.crypto().clone()))
}

/// [`prepare`] but for the typed context, compiled once for every `Op` (and once for the key
/// vault's [`Sink`]): the trusted time, the first stored license of `kid` that passes every
/// check for `wanted`, its key into `sink`, then the anti-rollback clock moved forward (on its
/// failure the sink is cleared again, so a refusal leaves the slot clear, or the vault without
/// the key, and the store as it was).
#[inline(never)]
pub(crate) fn bind_stored<Sk, S, C, const PAGES: usize, H, I, K>(
    sink: &mut Sk,
    store: &mut Store<S, C, PAGES, H>,
    identity: &I,
    clock: &K,
    kid: &Kid,
    wanted: Wanted,
) -> Result<Kid>
where
    Sk: Sink + ?Sized,
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
    I: DeviceIdentity + ?Sized,
    K: Clock + ?Sized,
{
    let now = trusted_time(store, clock)?;
    let ((kid, key, starts), lid) = first_usable(store, kid, |license, first| {
        sink.take(license, identity, (now, first), wanted)
    })?;
    // The first use is on the flash before the key is handed out (a cut before: unused).
    if starts {
        let recorded = now
            .ok_or(Error::LogicBug)
            .and_then(|now| record_first_use(store, kid.as_bytes(), &lid, now));
        if let Err(e) = recorded {
            sink.discard(key);
            return Err(e);
        }
    }
    sink.keep(key, wanted)?;
    if let Some(now) = now
        && let Err(e) = ANTI_ROLLBACK.advance(store, now)
    {
        sink.clear();
        return Err(e.into());
    }
    Ok(kid)
}

/// The content key of a content license for `kid` in the store (the content-key path): the same
/// checks as [`bind_content_key`], against the anti-rollback clock's time. A KeyExchangeLicense
/// is refused ([`Error::KeyExchangeLicenseNotContentKey`]).
///
/// # Errors
/// [`Error::LicenseNotFound`]; the refusals of [`bind_content_key`]; [`Error::Store`].
pub fn content_key<S, C, const PAGES: usize, H, I, K>(
    store: &mut Store<S, C, PAGES, H>,
    identity: &I,
    clock: &K,
    kid: &Kid,
) -> Result<Aes128Key>
where
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
    I: DeviceIdentity + ?Sized,
    K: Clock + ?Sized,
{
    let now = trusted_time(store, clock)?;
    let ((key, starts), lid) = first_usable(store, kid, |license, first| {
        content_key_checked(license, identity, (now, first))
    })?;
    if starts {
        record_first_use(store, kid.as_bytes(), &lid, now.ok_or(Error::LogicBug)?)?;
    }
    Ok(key)
}

/// The content key of the content license `license`, after the same date, level, binding and
/// signature checks as [`bind`]. A KeyExchangeLicense is refused: its key must only be used
/// through the key exchange calls.
///
/// # Errors
/// [`Error::KeyExchangeLicenseNotContentKey`] for a KeyExchangeLicense; the date, level,
/// binding and signature refusals of [`bind`].
pub fn bind_content_key<I: DeviceIdentity + ?Sized>(
    license: &[u8],
    identity: &I,
    now: TrustedTime,
) -> Result<Aes128Key> {
    Ok(content_key_checked(license, identity, (now, FirstUse::NotKept))?.0)
}

/// [`bind_content_key`] with what is known of the first use; also says whether this is the
/// first use (to be recorded).
fn content_key_checked<I: DeviceIdentity + ?Sized>(
    license: &[u8],
    identity: &I,
    (now, first): (TrustedTime, FirstUse),
) -> Result<(Aes128Key, bool)> {
    let parsed = ParsedLicense::parse(license)?;
    if parsed.is_key_exchange() {
        return Err(Error::KeyExchangeLicenseNotContentKey);
    }
    check_dates(&parsed, now, first)?;
    check_level(&parsed, identity)?;
    let starts = starts_first_use(&parsed, first);
    match xmr::verify(parsed, identity)?.into_parts() {
        (_, LicenseKey::Content(key)) => Ok((key, starts)),
        _ => Err(Error::LogicBug),
    }
}
