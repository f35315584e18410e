//! License delivery: the licenses of an acquisition response, verified for this device and stored
//! in the store's license namespace keyed by (KID, LID).
//!
//! Each license is checked on its own: structure and must-understand objects, binding to this
//! device's encryption key, the signature (which needs the ElGamal unwrap), and the minimum
//! security level. The one key of a format-1 KeyExchangeLicense is unwrapped and checked too;
//! none of the keys of a format-2 license (several keys, KEY-EXCHANGE-FORMAT §3.2) is: each is
//! unwrapped only when Prepare binds it. A license that fails any check is reported and not stored; the others still
//! are. Dates are not checked here (a license not yet valid is stored and refused by `Prepare`
//! until its begin date).
//!
//! Two ways in:
//!
//! - [`deliver`] (or [`deliver_acquired`] for a processed acquisition response) verifies every
//!   license, then commits the good ones in one atomic store transaction;
//! - [`stage`] only adds the puts to a caller's [`Transaction`], so that another feature can
//!   commit its own records in the same atomic step (Secure Delete stores a session record with
//!   the persistent licenses of the response).
//!
//! Licenses whose settings say "cannot persist" are verified but not stored
//! ([`Outcome::NotPersistent`]): the caller keeps their bytes and binds them with
//! [`crate::bind`].

use drm_core::acquire::AcquiredLicenses;
use drm_core::crypto::backend::Sha256Engine;
use drm_core::platform::DeviceIdentity;
use drm_core::xmr::{self, ParsedLicense};
use drm_core::{Kid, Lid};
use drm_hds::{MAX_TRANSACTION_OPS, Store, Transaction};
use embedded_storage::nor_flash::NorFlash;

use crate::error::{Error, Result};
pub use crate::licenses::LICENSES;
use crate::licenses::MAX_LICENSE_LEN;

/// Most licenses one call handles: one transaction's capacity.
pub const MAX_LICENSES: usize = MAX_TRANSACTION_OPS;

/// What happened to one license.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Outcome {
    /// Verified and added to the store (with [`deliver`]) or to the transaction ([`stage`]).
    Stored,
    /// Verified; the license may not persist, so it was not stored.
    NotPersistent,
    /// Refused; not stored.
    Refused(Error),
}

/// The report of one license, in the order of the response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LicenseReport {
    /// The KID of its content key; nil when the license did not parse.
    pub kid: Kid,
    /// Its LID (rights id); nil when the license did not parse.
    pub lid: Lid,
    /// True for a KeyExchangeLicense (key type 6).
    pub key_exchange: bool,
    /// What happened.
    pub outcome: Outcome,
}

/// The reports of one response: fixed capacity `N` (at most [`MAX_LICENSES`] are ever needed),
/// no allocation. A device that knows its responses hold few licenses saves stack with a small
/// `N` (about 48 bytes an entry).
pub type Report<const N: usize = MAX_LICENSES> = heapless::Vec<LicenseReport, N>;

/// Verifies a parsed license for `identity`: the minimum security level, then the binding and
/// the signature (the key is unwrapped to check it, and dropped, zeroized, at once).
fn verify_parsed<I: DeviceIdentity + ?Sized>(
    parsed: ParsedLicense<'_>,
    identity: &I,
) -> Result<()> {
    if u32::from(parsed.min_security_level()) > identity.security_level() {
        return Err(drm_core::Error::SecurityLevelTooLow.into());
    }
    xmr::verify(parsed, identity)?;
    Ok(())
}

/// Verifies each license of `licenses` and writes one entry per license to `report` (cleared
/// first), in order. [`Outcome::Stored`] here means "to be stored". Writes nothing.
///
/// # Errors
/// [`Error::TooManyLicenses`] when there are more licenses than `report` holds.
pub fn verify_all<'a, I, L, const N: usize>(
    identity: &I,
    licenses: L,
    report: &mut Report<N>,
) -> Result<()>
where
    I: DeviceIdentity + ?Sized,
    L: IntoIterator<Item = &'a [u8]>,
{
    report.clear();
    for bytes in licenses {
        report
            .push(entry(bytes, identity))
            .map_err(|_| Error::TooManyLicenses)?;
    }
    Ok(())
}

/// The report of one license (every check of the module documentation), which is parsed once:
/// verified ([`Outcome::Stored`] meaning "to be stored", or [`Outcome::NotPersistent`]) or
/// refused, with its ids when it parsed. Never inlined, so that its frame is not live beside the
/// caller's transaction and report.
#[inline(never)]
fn entry<I: DeviceIdentity + ?Sized>(bytes: &[u8], identity: &I) -> LicenseReport {
    let parsed = ParsedLicense::parse(bytes);
    let verdict = match parsed {
        _ if bytes.len() > MAX_LICENSE_LEN => Err(Error::LicenseTooLarge),
        Err(e) => Err(e.into()),
        Ok(p) => verify_parsed(p, identity),
    };
    match (parsed.ok(), verdict) {
        (Some(p), Ok(())) => LicenseReport {
            kid: p.kid(),
            lid: p.lid(),
            key_exchange: p.is_key_exchange(),
            outcome: if p.is_persistent() {
                Outcome::Stored
            } else {
                Outcome::NotPersistent
            },
        },
        (p, Err(e)) => refused(p, e),
        (None, Ok(())) => refused(None, Error::LogicBug),
    }
}

/// Adds to `txn` a put of every license that `report` (from [`verify_all`] over the same
/// `licenses`) marks [`Outcome::Stored`] (namespace [`LICENSES`], keys KID and LID): the second
/// half of [`stage`], for a caller that verifies before its transaction exists (its frame is not
/// live beside the verification's).
///
/// # Errors
/// [`Error::TooManyLicenses`] when `txn` has no room.
pub fn add_puts<'a, L, const N: usize>(
    licenses: L,
    report: &Report<N>,
    txn: &mut Transaction<'a>,
) -> Result<()>
where
    L: IntoIterator<Item = &'a [u8]>,
{
    for (entry, bytes) in report.iter().zip(licenses) {
        put_if_stored(entry, bytes, txn)?;
    }
    Ok(())
}

/// The one staging step: a put of `bytes` to `txn` (namespace [`LICENSES`], keys KID and LID)
/// when `entry`, its verification's report, says [`Outcome::Stored`].
fn put_if_stored<'a>(
    entry: &LicenseReport,
    bytes: &'a [u8],
    txn: &mut Transaction<'a>,
) -> Result<()> {
    if entry.outcome == Outcome::Stored {
        txn.put(&LICENSES, entry.kid.as_bytes(), entry.lid.as_bytes(), bytes)
            .map_err(|_| Error::TooManyLicenses)?;
    }
    Ok(())
}

/// Verifies each license of `licenses` and adds a put of every good persistent one to `txn`
/// (namespace [`LICENSES`], keys KID and LID). One entry per license goes to `report`, which is
/// cleared first.
///
/// Nothing is written: the caller commits `txn` (with its own changes if it has any).
///
/// # Errors
/// [`Error::TooManyLicenses`] when there are more licenses than `report` or `txn` has room for.
/// After an error, `txn` may hold some of the puts: drop it, do not commit it.
pub fn stage<'a, I, L, const N: usize>(
    identity: &I,
    licenses: L,
    txn: &mut Transaction<'a>,
    report: &mut Report<N>,
) -> Result<()>
where
    I: DeviceIdentity + ?Sized,
    L: IntoIterator<Item = &'a [u8]>,
{
    report.clear();
    for bytes in licenses {
        let entry = entry(bytes, identity);
        put_if_stored(&entry, bytes, txn)?;
        report.push(entry).map_err(|_| Error::TooManyLicenses)?;
    }
    Ok(())
}

/// The report of a refused license: its ids and kind when it parsed at all.
fn refused(parsed: Option<ParsedLicense<'_>>, error: Error) -> LicenseReport {
    LicenseReport {
        kid: parsed.map_or(Kid::NIL, |p| p.kid()),
        lid: parsed.map_or(Lid::NIL, |p| p.lid()),
        key_exchange: parsed.is_some_and(|p| p.is_key_exchange()),
        outcome: Outcome::Refused(error),
    }
}

/// Verifies each license (as [`stage`] does, with the same `entry` and `put_if_stored` steps),
/// then one atomic commit of the good ones. After a power cut during the commit, either all of
/// them are in the store or none.
///
/// The licenses are verified before the transaction exists, so that its frame is not live beside
/// the verification's (this matters on a small Cortex-M0 stack).
///
/// # Errors
/// The errors of [`stage`]; [`Error::Store`] when the commit fails (then none is stored, and the
/// reports' [`Outcome::Stored`] entries did not happen).
pub fn deliver<'a, S, C, const PAGES: usize, H, I, L, const N: usize>(
    store: &mut Store<S, C, PAGES, H>,
    identity: &I,
    licenses: L,
    report: &mut Report<N>,
) -> Result<()>
where
    S: NorFlash,
    C: drm_core::platform::MonotonicCounter,
    H: Sha256Engine,
    I: DeviceIdentity + ?Sized,
    L: IntoIterator<Item = &'a [u8]> + Clone,
{
    verify_all(identity, licenses.clone(), report)?;
    commit_stored(store, licenses, report)
}

/// [`deliver`] of the licenses of a processed acquisition response.
///
/// # Errors
/// The errors of [`deliver`].
pub fn deliver_acquired<S, C, const PAGES: usize, H, I, const N: usize>(
    store: &mut Store<S, C, PAGES, H>,
    identity: &I,
    acquired: &AcquiredLicenses<'_>,
    report: &mut Report<N>,
) -> Result<()>
where
    S: NorFlash,
    C: drm_core::platform::MonotonicCounter,
    H: Sha256Engine,
    I: DeviceIdentity + ?Sized,
{
    deliver(
        store,
        identity,
        (0..acquired.len()).filter_map(|i| acquired.get(i)),
        report,
    )
}

/// One commit of the licenses `report` marks stored. Never inlined (see [`deliver`]).
#[inline(never)]
fn commit_stored<'a, S, C, const PAGES: usize, H, L, const N: usize>(
    store: &mut Store<S, C, PAGES, H>,
    licenses: L,
    report: &Report<N>,
) -> Result<()>
where
    S: NorFlash,
    C: drm_core::platform::MonotonicCounter,
    H: Sha256Engine,
    L: IntoIterator<Item = &'a [u8]>,
{
    let mut txn = Transaction::new();
    add_puts(licenses, report, &mut txn)?;
    if !txn.is_empty() {
        store.commit(&txn)?;
    }
    Ok(())
}
