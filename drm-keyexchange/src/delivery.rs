//! License delivery: the licenses of an acquisition response, verified for this device and stored
//! in the store's license namespace keyed by (KID, LID).
//!
//! Each license is checked on its own: structure and must-understand objects, binding to this
//! device's encryption key, the signature (which needs the ElGamal unwrap), and the minimum
//! security level. A license that fails any check is reported and not stored; the others still
//! are. Dates are not checked here (a license not yet valid is stored and refused by `Prepare`
//! until its begin date).
//!
//! Two ways in:
//!
//! - [`deliver`] stages every license and commits them in one atomic store transaction;
//! - [`stage`] only adds the puts to a caller's [`Transaction`], so that another feature can
//!   commit its own records in the same atomic step (Secure Delete stores a session record with
//!   the persistent licenses of the response).
//!
//! Licenses whose settings say "cannot persist" are verified but not stored
//! ([`Outcome::NotPersistent`]): the caller keeps their bytes and binds them with
//! [`crate::bind`].

use drm_core::platform::DeviceIdentity;
use drm_core::xmr::{self, ParsedLicense};
use drm_core::{Kid, Lid};
use drm_hds::{MAX_TRANSACTION_OPS, Namespace, Store, Transaction};
use embedded_storage::nor_flash::NorFlash;

use crate::calls::MAX_LICENSE_LEN;
use crate::error::{Error, Result};

/// The store namespace of licenses (slots keyed by KID, LID).
pub const LICENSES: Namespace = Namespace::LICENSES;

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

/// The reports of one response (fixed capacity, no allocation).
pub type Report = heapless::Vec<LicenseReport, MAX_LICENSES>;

/// Verifies one license for `identity` (every check of the module documentation).
fn check<'a, I: DeviceIdentity + ?Sized>(
    bytes: &'a [u8],
    identity: &I,
) -> Result<ParsedLicense<'a>> {
    if bytes.len() > MAX_LICENSE_LEN {
        return Err(Error::LicenseTooLarge);
    }
    let parsed = ParsedLicense::parse(bytes)?;
    if u32::from(parsed.min_security_level()) > identity.security_level() {
        return Err(drm_core::Error::SecurityLevelTooLow.into());
    }
    // The key is unwrapped to check the signature, and dropped (zeroized) at once.
    let (parsed, _key) = xmr::verify(parsed, identity)?.into_parts();
    Ok(parsed)
}

/// Verifies each license of `licenses` and adds a put of every good persistent one to `txn`
/// (namespace [`LICENSES`], keys KID and LID). One entry per license goes to `report`, which is
/// cleared first.
///
/// Nothing is written: the caller commits `txn` (with its own changes if it has any).
///
/// # Errors
/// [`Error::TooManyLicenses`] when there are more licenses than [`MAX_LICENSES`] or than `txn`
/// has room for. After an error, `txn` may hold some of the puts: drop it, do not commit it.
pub fn stage<'a, I, L>(
    identity: &I,
    licenses: L,
    txn: &mut Transaction<'a>,
    report: &mut Report,
) -> Result<()>
where
    I: DeviceIdentity + ?Sized,
    L: IntoIterator<Item = &'a [u8]>,
{
    report.clear();
    for bytes in licenses {
        let entry = match check(bytes, identity) {
            Ok(parsed) => {
                let kid = parsed.kid();
                let lid = parsed.lid();
                let outcome = if parsed.is_persistent() {
                    txn.put(&LICENSES, kid.as_bytes(), lid.as_bytes(), bytes)
                        .map_err(|_| Error::TooManyLicenses)?;
                    Outcome::Stored
                } else {
                    Outcome::NotPersistent
                };
                LicenseReport {
                    kid,
                    lid,
                    key_exchange: parsed.is_key_exchange(),
                    outcome,
                }
            }
            Err(e) => refused(bytes, e),
        };
        report.push(entry).map_err(|_| Error::TooManyLicenses)?;
    }
    Ok(())
}

/// The report of a refused license: its ids and kind when it parses at all.
fn refused(bytes: &[u8], error: Error) -> LicenseReport {
    let parsed = ParsedLicense::parse(bytes).ok();
    LicenseReport {
        kid: parsed.map_or(Kid::NIL, |p| p.kid()),
        lid: parsed.map_or(Lid::NIL, |p| p.lid()),
        key_exchange: parsed.is_some_and(|p| p.is_key_exchange()),
        outcome: Outcome::Refused(error),
    }
}

/// [`stage`], then one atomic commit of the good licenses. After a power cut during the commit,
/// either all of them are in the store or none.
///
/// # Errors
/// The errors of [`stage`]; [`Error::Store`] when the commit fails (then none is stored, and the
/// reports' [`Outcome::Stored`] entries did not happen).
pub fn deliver<'a, S, C, const PAGES: usize, I, L>(
    store: &mut Store<S, C, PAGES>,
    identity: &I,
    licenses: L,
    report: &mut Report,
) -> Result<()>
where
    S: NorFlash,
    C: drm_core::platform::MonotonicCounter,
    I: DeviceIdentity + ?Sized,
    L: IntoIterator<Item = &'a [u8]>,
{
    let mut txn = Transaction::new();
    stage(identity, licenses, &mut txn, report)?;
    if !txn.is_empty() {
        store.commit(&txn)?;
    }
    Ok(())
}
