#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod challenge;
pub mod error;
pub mod response;
pub mod session;

use core::ops::ControlFlow;
use drm_core::crypto::backend::{Algorithms, Sha256Engine};

use drm_core::platform::{DeviceIdentity, MonotonicCounter, TryCryptoRng};
use drm_core::xml::writer::Sink;
use drm_core::{Kid, SessionId};
use drm_hds::{MAX_TRANSACTION_OPS, Store, Transaction};
use embedded_storage::nor_flash::NorFlash;

pub use drm_core::xml::dsig::WMRM_SERVER_PUBLIC_KEY;
pub use error::{Error, Result};
pub use session::{MAX_SESSION_KIDS, SessionRecord, SessionState};

/// The store namespace of licenses, keyed (KID, LID): what [`SecureDelete::remove`] deletes
/// (`drm-keyexchange`'s, which owns it).
pub use drm_keyexchange::licenses::LICENSES;

/// Most licenses one removal deletes: they and the session record's move to pending must fit one
/// atomic store commit (`drm_hds::MAX_TRANSACTION_OPS` changes, two of them for the record). A
/// session whose KIDs have more licenses is refused with [`Error::TooManyLicenses`].
pub const MAX_REMOVE_LICENSES: usize = MAX_TRANSACTION_OPS - 2;

/// Secure Delete for one device: removes sessions, writes their challenges and processes the
/// server's responses. Holds the device identity (signing key and certificate chain) and the key
/// of the Secure Delete server; the store and the RNG are passed to each call.
pub struct SecureDelete<'i, I: DeviceIdentity> {
    identity: &'i I,
    server_key: [u8; 64],
}

impl<I: DeviceIdentity> core::fmt::Debug for SecureDelete<'_, I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SecureDelete").finish_non_exhaustive()
    }
}

impl<'i, I: DeviceIdentity> SecureDelete<'i, I> {
    /// Secure Delete for `identity`, with challenges encrypted to the production WMRMServer key
    /// ([`WMRM_SERVER_PUBLIC_KEY`]).
    #[must_use]
    pub fn new(identity: &'i I) -> Self {
        Self {
            identity,
            server_key: WMRM_SERVER_PUBLIC_KEY,
        }
    }

    /// Encrypts challenges to `server_key` (`X ‖ Y`) instead, such as a test server's key.
    ///
    /// # Errors
    /// [`drm_core::Error::InvalidArgument`] when it is not a P-256 point.
    pub fn with_server_key(mut self, server_key: [u8; 64]) -> Result<Self> {
        if !self.identity.crypto().is_valid_public_key(&server_key) {
            return Err(Error::Core(drm_core::Error::InvalidArgument));
        }
        self.server_key = server_key;
        Ok(self)
    }

    /// The key challenges are encrypted to.
    #[must_use]
    pub fn server_key(&self) -> &[u8; 64] {
        &self.server_key
    }

    /// The exact length of the challenge of session `id` (active or pending): the buffer
    /// [`Self::remove`] and [`Self::generate_challenge`] need.
    ///
    /// # Errors
    /// [`Error::SessionNotFound`]; the store's errors.
    pub fn challenge_len<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
        &self,
        store: &mut Store<S, C, P, H>,
        id: &SessionId,
    ) -> Result<usize> {
        let record = session::load(store, id)?.ok_or(Error::SessionNotFound)?;
        challenge::challenge_len(&self.request(&record))
    }

    /// Removes session `id`: in one atomic store commit, deletes every license of its KIDs
    /// (the store erases their data from the flash) and marks the session pending; then writes
    /// the challenge into `out` and returns its length.
    ///
    /// `out` must hold [`Self::challenge_len`] bytes; when it is shorter the call fails with
    /// [`Error::BufferTooSmall`] before changing anything. If writing the challenge fails after
    /// the commit (the RNG, the device's signing key), the session stays pending and
    /// [`Self::generate_challenge`] writes it later.
    ///
    /// # Errors
    /// [`Error::SessionNotFound`]; [`Error::SessionPending`] when it was already removed;
    /// [`Error::TooManyLicenses`]; the store's errors (a failed commit changes nothing).
    pub fn remove<
        S: NorFlash,
        C: MonotonicCounter,
        const P: usize,
        H: Sha256Engine,
        R: TryCryptoRng + ?Sized,
    >(
        &self,
        store: &mut Store<S, C, P, H>,
        rng: &mut R,
        id: &SessionId,
        out: &mut [u8],
    ) -> Result<usize> {
        let record = record_in(store, id, SessionState::Active)?;
        let needed = challenge::challenge_len(&self.request(&record))?;
        if out.len() < needed {
            return Err(Error::BufferTooSmall { needed });
        }
        self.delete_licenses(store, id)?;
        challenge::write_challenge(&self.request(&record.into_pending()), rng, out)
    }

    /// The first half of [`Self::remove`]: in one atomic store commit, deletes every license of
    /// session `id`'s KIDs and marks the session pending; no challenge is written. For devices
    /// that stream the challenge with [`Self::write_challenge`] instead of buffering it.
    ///
    /// # Errors
    /// As [`Self::remove`], without [`Error::BufferTooSmall`].
    pub fn delete_licenses<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
        &self,
        store: &mut Store<S, C, P, H>,
        id: &SessionId,
    ) -> Result<()> {
        delete_licenses(store, id)
    }

    /// Writes the challenge of pending session `id` into `out` (again: after a reboot, after a
    /// lost response) and returns its length. Each call encrypts and signs afresh. Mirrors
    /// PlayReady's `Drm_SecureDelete_GenerateChallenge`.
    ///
    /// # Errors
    /// [`Error::SessionNotFound`]; [`Error::SessionNotPending`] for a session not removed yet;
    /// [`Error::BufferTooSmall`] with the size needed; the RNG's, the identity's and the store's
    /// errors. The challenge is written into `out` in one pass: on an error, `out` is zeroed
    /// (no partial challenge is left in it).
    pub fn generate_challenge<
        S: NorFlash,
        C: MonotonicCounter,
        const P: usize,
        H: Sha256Engine,
        R,
    >(
        &self,
        store: &mut Store<S, C, P, H>,
        rng: &mut R,
        id: &SessionId,
        out: &mut [u8],
    ) -> Result<usize>
    where
        R: TryCryptoRng + ?Sized,
    {
        let record = record_in(store, id, SessionState::Pending)?;
        challenge::write_challenge(&self.request(&record), rng, out)
    }

    /// [`Self::generate_challenge`] into any [`Sink`] (a UART, a file, a socket) instead of a
    /// buffer: the challenge is produced piece by piece, and nothing of its size is held in RAM.
    /// Gives the sink back. A sink error leaves a partial challenge in the sink.
    ///
    /// # Errors
    /// As [`Self::generate_challenge`]; the sink's errors.
    pub fn write_challenge<
        S: NorFlash,
        C: MonotonicCounter,
        const P: usize,
        H: Sha256Engine,
        R,
        W: Sink,
    >(
        &self,
        store: &mut Store<S, C, P, H>,
        rng: &mut R,
        id: &SessionId,
        sink: W,
    ) -> Result<W>
    where
        R: TryCryptoRng + ?Sized,
    {
        let record = record_in(store, id, SessionState::Pending)?;
        challenge::write_to_sink(&self.request(&record), rng, sink)
    }

    /// Processes the server's response: when it is a version-1 Secure Delete response whose
    /// SessionID is that of a pending session, deletes the session's record (one atomic commit)
    /// and returns the SessionID. Anything else changes nothing. Mirrors PlayReady's
    /// `Drm_SecureDelete_ProcessResponse`.
    ///
    /// # Errors
    /// [`Error::InvalidResponse`] (`0x8004DFA0`) for another version, a SessionID that is not
    /// pending, or a document that is not a response; [`Error::SoapFault`]; the XML reader's
    /// errors as [`Error::Core`] (malformed, too large or too deep, a DTD); the store's errors.
    pub fn process_response<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
        &self,
        store: &mut Store<S, C, P, H>,
        response: &[u8],
    ) -> Result<SessionId> {
        process_response(store, response)
    }

    fn request<'a>(&'a self, record: &'a SessionRecord) -> challenge::Request<'a, I> {
        challenge::Request {
            session: record.id(),
            kids: record.kids(),
            identity: self.identity,
            server_key: &self.server_key,
        }
    }
}

/// Stores the licenses of one license response together with the record of their session, in
/// one atomic store commit: each license is verified for `identity`
/// (`drm_keyexchange::delivery::verify_all`; refused and non-persistent licenses are reported,
/// not stored), then staged before the transaction is committed, and
/// the KIDs of the stored ones are added to session `id`'s record ([`session::stage_kids`]).
/// `id` is the response's `ResponseID` (`drm_core::acquire::AcquiredLicenses::response_id`).
/// Returns how many licenses were stored; with none, nothing is written.
///
/// After a power cut during the commit, either the licenses and the record are in the store or
/// neither is.
///
/// # Errors
/// [`Error::Delivery`] (too many licenses for one commit); [`Error::SessionPending`] for a
/// session already removed; [`Error::TooManyKids`]; the store's errors. On error nothing is
/// stored.
pub fn store_session_licenses<'a, S, C, const P: usize, H, I, L>(
    store: &mut Store<S, C, P, H>,
    identity: &I,
    id: &SessionId,
    licenses: L,
    report: &mut drm_keyexchange::Report,
) -> Result<usize>
where
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
    I: DeviceIdentity + ?Sized,
    L: IntoIterator<Item = &'a [u8]>,
{
    // Verified first, before the transaction exists, so that its frame is not live beside the
    // verification's (a 16 KiB Cortex-M0 needs the room); then staged and committed.
    let mut list: heapless::Vec<&'a [u8], { drm_keyexchange::delivery::MAX_LICENSES }> =
        heapless::Vec::new();
    for license in licenses {
        list.push(license)
            .map_err(|_| drm_keyexchange::Error::TooManyLicenses)?;
    }
    drm_keyexchange::delivery::verify_all(identity, list.iter().copied(), report)?;
    let mut kids: heapless::Vec<Kid, MAX_SESSION_KIDS> = heapless::Vec::new();
    let mut stored = 0usize;
    for entry in report.iter() {
        if entry.outcome == drm_keyexchange::Outcome::Stored {
            stored = stored.saturating_add(1);
            if !kids.contains(&entry.kid) {
                kids.push(entry.kid).map_err(|_| Error::TooManyKids)?;
            }
        }
    }
    if stored == 0 {
        return Ok(0);
    }
    commit_session_licenses(store, id, &list, report, &kids)?;
    Ok(stored)
}

/// The commit of [`store_session_licenses`]: the puts of the licenses `report` marks stored and
/// the session record with `kids`. Never inlined (see there).
#[inline(never)]
fn commit_session_licenses<S, C, const P: usize, H>(
    store: &mut Store<S, C, P, H>,
    id: &SessionId,
    licenses: &[&[u8]],
    report: &drm_keyexchange::Report,
    kids: &[Kid],
) -> Result<()>
where
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
{
    let mut record = [0u8; session::RECORD_MAX_LEN];
    let mut txn = Transaction::new();
    drm_keyexchange::delivery::add_puts(licenses.iter().copied(), report, &mut txn)?;
    session::stage_kids(store, &mut txn, id, kids, &mut record)?;
    store.commit(&txn)?;
    Ok(())
}

/// [`SecureDelete::delete_licenses`] without a device identity (the commit needs none): in one
/// atomic store commit, deletes every license of session `id`'s KIDs and marks it pending.
///
/// # Errors
/// As [`SecureDelete::delete_licenses`].
pub fn delete_licenses<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
    store: &mut Store<S, C, P, H>,
    id: &SessionId,
) -> Result<()> {
    let record = record_in(store, id, SessionState::Active)?.into_pending();
    let mut buf = [0u8; session::RECORD_MAX_LEN];
    let bytes = record.encode(&mut buf)?;
    // The licenses' deletes go straight into the transaction (no list of them on the stack);
    // two changes stay free for the record.
    let mut txn = Transaction::new();
    for kid in record.kids() {
        let mut full = false;
        store.for_each(&LICENSES, Some(kid.as_bytes()), |k1, k2, _| {
            if k1 != kid.as_bytes() {
                return ControlFlow::Continue(());
            }
            if txn.len() >= MAX_REMOVE_LICENSES || txn.delete(&LICENSES, k1, k2).is_err() {
                full = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        })?;
        if full {
            return Err(Error::TooManyLicenses);
        }
    }
    txn.delete(&session::SESSIONS, id.as_bytes(), &session::ACTIVE_KEY)?;
    txn.put(
        &session::SESSIONS,
        id.as_bytes(),
        &session::PENDING_KEY,
        bytes,
    )?;
    store.commit(&txn)?;
    Ok(())
}

/// The record of session `id`, which must be in state `want`: [`Error::SessionPending`] or
/// [`Error::SessionNotPending`] when it is in the other one.
fn record_in<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
    store: &mut Store<S, C, P, H>,
    id: &SessionId,
    want: SessionState,
) -> Result<SessionRecord> {
    let record = session::load(store, id)?.ok_or(Error::SessionNotFound)?;
    match (record.state(), want) {
        (have, want) if have == want => Ok(record),
        (SessionState::Pending, _) => Err(Error::SessionPending),
        (SessionState::Active, _) => Err(Error::SessionNotPending),
    }
}

/// [`SecureDelete::process_response`] without a device identity (a response is neither
/// encrypted nor signed).
///
/// # Errors
/// As [`SecureDelete::process_response`].
pub fn process_response<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
    store: &mut Store<S, C, P, H>,
    response: &[u8],
) -> Result<SessionId> {
    let id = response::parse(response)?;
    match session::load(store, &id)? {
        Some(r) if r.state() == SessionState::Pending => {}
        _ => return Err(Error::InvalidResponse),
    }
    store.delete(&session::SESSIONS, id.as_bytes(), &session::PENDING_KEY)?;
    Ok(id)
}
