//! Session records in the store: a SessionID and the KIDs of the persistent licenses acquired in
//! that session (PROTOCOL §4).
//!
//! Layout (the project's own; the store authenticates every record):
//!
//! - namespace [`SESSIONS`]; first key the SessionID; second key the state: [`ACTIVE_KEY`] for a
//!   session whose licenses are stored, [`PENDING_KEY`] for a removed session waiting for the
//!   server's response. A session has one record at a time; moving it from one state to the
//!   other is one atomic commit (delete one, put the other).
//! - data: `"SDR"`, format version `1`, the KID count (1 to [`MAX_SESSION_KIDS`]), three zero
//!   bytes, then the KIDs (16 bytes each, wire order). [`RECORD_MAX_LEN`] bytes at most.
//!
//! Keeping the state in the key lets [`pending_sessions`] list pending sessions from the store's
//! index alone, without reading any record.

use core::ops::ControlFlow;
use drm_core::crypto::backend::Sha256Engine;

use drm_core::platform::MonotonicCounter;
use drm_core::{Kid, SessionId};
use drm_hds::{Namespace, Store, Transaction};
use embedded_storage::nor_flash::NorFlash;

use crate::error::{Error, Result};

/// Most KIDs one session record holds (compile-time maximum). A session that acquires more
/// persistent licenses than this fails with [`Error::TooManyKids`] and stores nothing. Eight is
/// twice the largest multi-key content header in common use (video, audio and two extra tracks).
pub const MAX_SESSION_KIDS: usize = 8;

/// Length of the largest session record.
pub const RECORD_MAX_LEN: usize = HEADER_LEN + MAX_SESSION_KIDS * 16;

const HEADER_LEN: usize = 8;
const MAGIC: [u8; 4] = *b"SDR\x01";

/// The store namespace of session records (slots keyed by SessionID and state), committed in the
/// same transaction as the persistent licenses of their session.
pub const SESSIONS: Namespace = Namespace::from_name(b"drm/sd-sessions");

/// Second key of the record of an active session.
pub const ACTIVE_KEY: [u8; 16] = *b"sd-state/active\0";
/// Second key of the record of a pending session (removed, waiting for the response).
pub const PENDING_KEY: [u8; 16] = *b"sd-state/pending";

/// Where a session stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SessionState {
    /// Its licenses are in the store.
    Active,
    /// Its licenses were deleted; the challenge can be generated, and the server's response
    /// removes the record.
    Pending,
}

impl SessionState {
    const fn key(self) -> &'static [u8; 16] {
        match self {
            SessionState::Active => &ACTIVE_KEY,
            SessionState::Pending => &PENDING_KEY,
        }
    }
}

/// A session record: SessionID, state and KIDs (no duplicates, in the order first added).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    id: SessionId,
    state: SessionState,
    kids: heapless::Vec<Kid, MAX_SESSION_KIDS>,
}

impl SessionRecord {
    /// An active record with no KIDs yet.
    #[must_use]
    pub fn new(id: SessionId) -> Self {
        Self {
            id,
            state: SessionState::Active,
            kids: heapless::Vec::new(),
        }
    }

    /// The SessionID.
    #[must_use]
    pub fn id(&self) -> &SessionId {
        &self.id
    }

    /// The state.
    #[must_use]
    pub fn state(&self) -> SessionState {
        self.state
    }

    /// The KIDs.
    #[must_use]
    pub fn kids(&self) -> &[Kid] {
        &self.kids
    }

    /// Adds `kid` unless it is already there. [`Error::TooManyKids`] when the record is full.
    pub fn add_kid(&mut self, kid: Kid) -> Result<()> {
        if self.kids.contains(&kid) {
            return Ok(());
        }
        self.kids.push(kid).map_err(|_| Error::TooManyKids)
    }

    /// The same record, pending.
    #[must_use]
    pub(crate) fn into_pending(mut self) -> Self {
        self.state = SessionState::Pending;
        self
    }

    /// The record's bytes, written into `buf`.
    pub fn encode<'b>(&self, buf: &'b mut [u8; RECORD_MAX_LEN]) -> Result<&'b [u8]> {
        let count = u8::try_from(self.kids.len()).map_err(|_| Error::logic())?;
        let (head, body) = buf.split_at_mut(HEADER_LEN);
        head.fill(0);
        head.get_mut(..4)
            .ok_or(Error::logic())?
            .copy_from_slice(&MAGIC);
        *head.get_mut(4).ok_or(Error::logic())? = count;
        for (slot, kid) in body.chunks_exact_mut(16).zip(&self.kids) {
            slot.copy_from_slice(kid.as_bytes());
        }
        let len = HEADER_LEN.saturating_add(self.kids.len().saturating_mul(16));
        buf.get(..len).ok_or(Error::logic())
    }

    /// A record from its bytes. [`Error::CorruptRecord`] unless they are exactly what
    /// [`Self::encode`] writes for 1 to [`MAX_SESSION_KIDS`] distinct KIDs.
    pub fn decode(id: SessionId, state: SessionState, bytes: &[u8]) -> Result<Self> {
        let (head, body) = bytes
            .split_first_chunk::<HEADER_LEN>()
            .ok_or(Error::CorruptRecord)?;
        let count = usize::from(head[4]);
        if head[..4] != MAGIC
            || head[5..] != [0, 0, 0]
            || count == 0
            || count > MAX_SESSION_KIDS
            || body.len() != count.saturating_mul(16)
        {
            return Err(Error::CorruptRecord);
        }
        let mut record = Self {
            id,
            state,
            kids: heapless::Vec::new(),
        };
        for chunk in body.chunks_exact(16) {
            let kid = Kid::try_from_slice(chunk).map_err(|_| Error::CorruptRecord)?;
            if record.kids.contains(&kid) {
                return Err(Error::CorruptRecord);
            }
            record.kids.push(kid).map_err(|_| Error::CorruptRecord)?;
        }
        Ok(record)
    }
}

/// The record of session `id`, if there is one.
///
/// # Errors
/// The store's errors; [`Error::CorruptRecord`].
pub fn load<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
    store: &mut Store<S, C, P, H>,
    id: &SessionId,
) -> Result<Option<SessionRecord>> {
    let mut buf = [0u8; RECORD_MAX_LEN];
    for state in [SessionState::Pending, SessionState::Active] {
        match store.get(&SESSIONS, id.as_bytes(), state.key(), &mut buf) {
            Ok(len) => {
                let bytes = buf.get(..len).ok_or(Error::logic())?;
                return SessionRecord::decode(*id, state, bytes).map(Some);
            }
            Err(drm_hds::Error::NotFound) => {}
            Err(drm_hds::Error::BufferTooSmall) => return Err(Error::CorruptRecord),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// Adds to `txn` the session record of `id` with `kids` added: the persistent licenses stored by
/// the same transaction become part of the session. Commit `txn` to store both at once.
/// `buf` holds the record's bytes until the commit.
///
/// # Errors
/// [`Error::SessionPending`] when the session was already removed; [`Error::TooManyKids`];
/// [`Error::InvalidArgument`](drm_core::Error::InvalidArgument) for no KIDs; the store's errors.
pub fn stage_kids<'t, S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
    store: &mut Store<S, C, P, H>,
    txn: &mut Transaction<'t>,
    id: &SessionId,
    kids: &[Kid],
    buf: &'t mut [u8; RECORD_MAX_LEN],
) -> Result<()> {
    if kids.is_empty() {
        return Err(Error::Core(drm_core::Error::InvalidArgument));
    }
    let mut record = match load(store, id)? {
        Some(r) if r.state == SessionState::Pending => return Err(Error::SessionPending),
        Some(r) => r,
        None => SessionRecord::new(*id),
    };
    for kid in kids {
        record.add_kid(*kid)?;
    }
    let bytes = record.encode(buf)?;
    txn.put(&SESSIONS, id.as_bytes(), &ACTIVE_KEY, bytes)?;
    Ok(())
}

/// Writes the SessionIDs of pending sessions into `out` (as many as fit) and returns how many
/// there are in all: call with an empty slice to learn the count.
///
/// # Errors
/// The store's errors.
pub fn pending_sessions<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
    store: &mut Store<S, C, P, H>,
    out: &mut [SessionId],
) -> Result<usize> {
    let mut total = 0usize;
    store.for_each(&SESSIONS, None, |k1, k2, _| {
        if *k2 == PENDING_KEY {
            if let Some(slot) = out.get_mut(total) {
                *slot = SessionId::from_bytes(*k1);
            }
            total = total.saturating_add(1);
        }
        ControlFlow::Continue(())
    })?;
    Ok(total)
}

/// Writes the SessionIDs of every session record (active and pending) into `out` (as many as
/// fit) and returns how many there are in all.
///
/// # Errors
/// The store's errors.
pub fn all_sessions<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
    store: &mut Store<S, C, P, H>,
    out: &mut [SessionId],
) -> Result<usize> {
    let mut total = 0usize;
    store.for_each(&SESSIONS, None, |k1, _, _| {
        if let Some(slot) = out.get_mut(total) {
            *slot = SessionId::from_bytes(*k1);
        }
        total = total.saturating_add(1);
        ControlFlow::Continue(())
    })?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn record(kids: &[[u8; 16]]) -> SessionRecord {
        let mut r = SessionRecord::new(SessionId::from_bytes([1; 16]));
        for k in kids {
            r.add_kid(Kid::from_bytes(*k)).unwrap();
        }
        r
    }

    #[test]
    fn encode_decode_round_trip_and_layout() {
        let r = record(&[[0xA; 16], [0xB; 16]]);
        let mut buf = [0u8; RECORD_MAX_LEN];
        let bytes = r.encode(&mut buf).unwrap();
        assert_eq!(&bytes[..8], b"SDR\x01\x02\x00\x00\x00");
        assert_eq!(&bytes[8..24], &[0xA; 16]);
        assert_eq!(bytes.len(), 8 + 2 * 16);
        let back = SessionRecord::decode(*r.id(), SessionState::Active, bytes).unwrap();
        assert_eq!(back, r);
        let pending = SessionRecord::decode(*r.id(), SessionState::Pending, bytes).unwrap();
        assert_eq!(pending.state(), SessionState::Pending);
    }

    #[test]
    fn decode_refuses_everything_encode_does_not_write() {
        let r = record(&[[0xA; 16], [0xB; 16]]);
        let mut buf = [0u8; RECORD_MAX_LEN];
        let good = r.encode(&mut buf).unwrap().to_vec();
        let id = *r.id();
        let mut cases: [Option<heapless::Vec<u8, 200>>; 8] = Default::default();
        let mut set = |i: usize, f: &dyn Fn(&mut heapless::Vec<u8, 200>)| {
            let mut v = heapless::Vec::from_slice(&good).unwrap();
            f(&mut v);
            cases[i] = Some(v);
        };
        set(0, &|v| v[0] = b'X'); // magic
        set(1, &|v| v[3] = 2); // version
        set(2, &|v| v[4] = 0); // no KIDs
        set(3, &|v| v[4] = 3); // count beyond the data
        set(4, &|v| v[5] = 1); // reserved byte
        set(5, &|v| v.truncate(good.len() - 1)); // short
        set(6, &|v| {
            // duplicate KID
            let first: [u8; 16] = v[8..24].try_into().unwrap();
            v[24..40].copy_from_slice(&first);
        });
        set(7, &|v| {
            // more than the maximum
            v[4] = u8::try_from(MAX_SESSION_KIDS + 1).unwrap();
            for i in 2..=MAX_SESSION_KIDS {
                v.extend_from_slice(&[i as u8; 16]).unwrap();
            }
        });
        for (i, case) in cases.iter().enumerate() {
            let bytes = case.as_ref().unwrap();
            assert_eq!(
                SessionRecord::decode(id, SessionState::Active, bytes),
                Err(Error::CorruptRecord),
                "case {i}"
            );
        }
        assert_eq!(
            SessionRecord::decode(id, SessionState::Active, &[]),
            Err(Error::CorruptRecord)
        );
    }

    #[test]
    fn a_record_holds_at_most_the_maximum_and_no_duplicates() {
        let mut r = SessionRecord::new(SessionId::from_bytes([1; 16]));
        for i in 0..MAX_SESSION_KIDS {
            r.add_kid(Kid::from_bytes([i as u8; 16])).unwrap();
            r.add_kid(Kid::from_bytes([i as u8; 16])).unwrap();
        }
        assert_eq!(r.kids().len(), MAX_SESSION_KIDS);
        assert_eq!(
            r.add_kid(Kid::from_bytes([0xFF; 16])),
            Err(Error::TooManyKids)
        );
        let mut buf = [0u8; RECORD_MAX_LEN];
        assert_eq!(r.encode(&mut buf).unwrap().len(), RECORD_MAX_LEN);
    }
}
