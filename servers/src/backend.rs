//! State shared by the license server and the Secure Delete server: each device's live
//! persistent licenses and the sessions they were issued in.
//!
//! The state is kept in memory, behind a lock; a [`Persist`] layer (the SQLite database of
//! `drm-servers-http`, for one) can be put behind it so that a restarted server loses nothing:
//! every change is written to it first, and the memory changes only when that write succeeded.
//! Without one ([`Backend::new`]) the state lives as long as the process.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::Id16;
use crate::error::ServerError;

/// A session: the persistent licenses issued in one license response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The KIDs of the persistent licenses issued in the session.
    pub kids: Vec<Id16>,
    /// Whether a valid Secure Delete challenge for the session has been received.
    pub deleted: bool,
    /// How many of the session's licenses that challenge counted deleted (0 until then).
    pub counted_deleted: u32,
}

/// What the servers know of one device (keyed by its leaf `cert_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceRecord {
    /// Persistent licenses issued and not yet securely deleted.
    pub live_persistent: u32,
    /// The device's sessions by SessionID.
    pub sessions: BTreeMap<Id16, SessionRecord>,
}

/// What a Secure Delete challenge did to the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteResult {
    /// A known session: its licenses are counted as deleted.
    Deleted {
        /// By how much the device's live count went down.
        removed: u32,
    },
    /// The session was already deleted (a repeated challenge): nothing changes.
    AlreadyDeleted,
    /// No such session for this device: nothing changes.
    UnknownSession,
}

/// Sums over every device the backend knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Devices that were issued persistent licenses.
    pub devices: u64,
    /// Sessions of persistent licenses.
    pub sessions: u64,
    /// Sessions a valid Secure Delete challenge was received for.
    pub sessions_deleted: u64,
    /// Persistent licenses issued (the KIDs of every session).
    pub licenses_issued: u64,
    /// Persistent licenses counted deleted by Secure Delete challenges.
    pub licenses_deleted: u64,
    /// Persistent licenses live (issued and not counted deleted).
    pub live_persistent: u64,
}

/// A durable copy of the backend's state: every change goes to it before the memory changes.
///
/// An implementation writes each call in one transaction (all or nothing) and returns
/// [`ServerError::Storage`] when it cannot.
pub trait Persist: Send + core::fmt::Debug {
    /// Persistent licenses `kids` issued to `device` in `session` (a session issued in twice
    /// gets the union).
    ///
    /// # Errors
    /// [`ServerError::Storage`]; nothing is written then.
    fn issue(&mut self, device: &Id16, session: &Id16, kids: &[Id16]) -> Result<(), ServerError>;

    /// `session` of `device` securely deleted, its licenses `counted` (distinct KIDs of the
    /// session) counted deleted.
    ///
    /// # Errors
    /// [`ServerError::Storage`]; nothing is written then.
    fn delete(
        &mut self,
        device: &Id16,
        session: &Id16,
        counted: &[Id16],
    ) -> Result<(), ServerError>;
}

#[derive(Debug, Default)]
struct Inner {
    devices: BTreeMap<Id16, DeviceRecord>,
    persist: Option<Box<dyn Persist>>,
}

/// The shared state: a cheap handle (clone it into both servers).
#[derive(Debug, Clone, Default)]
pub struct Backend(Arc<Mutex<Inner>>);

impl Backend {
    /// An empty backend, in memory only.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A backend that starts from `devices` (what `persist` holds) and writes every change to
    /// `persist` first.
    #[must_use]
    pub fn with_persist(devices: BTreeMap<Id16, DeviceRecord>, persist: Box<dyn Persist>) -> Self {
        Self(Arc::new(Mutex::new(Inner {
            devices,
            persist: Some(persist),
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic in another test thread must not hide this state: take it as it is.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records persistent licenses issued to `device` in `session`: the live count goes up by
    /// `kids.len()` and the session lists them (a session issued in twice gets the union).
    ///
    /// # Errors
    /// [`ServerError::Storage`] when the persist layer cannot write it; nothing changes then.
    pub fn record_issue(
        &self,
        device: &Id16,
        session: &Id16,
        kids: &[Id16],
    ) -> Result<(), ServerError> {
        if kids.is_empty() {
            return Ok(());
        }
        let mut state = self.lock();
        if let Some(p) = state.persist.as_mut() {
            p.issue(device, session, kids)?;
        }
        let record = state.devices.entry(*device).or_default();
        let session = record
            .sessions
            .entry(*session)
            .or_insert_with(|| SessionRecord {
                kids: Vec::new(),
                deleted: false,
                counted_deleted: 0,
            });
        session.kids.extend_from_slice(kids);
        record.live_persistent = record
            .live_persistent
            .saturating_add(super::wire::len32(kids.len()));
        Ok(())
    }

    /// Records a valid Secure Delete challenge of `device` for `session` listing `kids`: for a
    /// known, not yet deleted session, the live count goes down by the number of listed KIDs that
    /// belong to the session, and the session is marked deleted.
    ///
    /// # Errors
    /// [`ServerError::Storage`] when the persist layer cannot write it; nothing changes then.
    pub fn record_delete(
        &self,
        device: &Id16,
        session: &Id16,
        kids: &[Id16],
    ) -> Result<DeleteResult, ServerError> {
        let mut state = self.lock();
        let Inner { devices, persist } = &mut *state;
        let Some(record) = devices.get_mut(device) else {
            return Ok(DeleteResult::UnknownSession);
        };
        let Some(s) = record.sessions.get_mut(session) else {
            return Ok(DeleteResult::UnknownSession);
        };
        if s.deleted {
            return Ok(DeleteResult::AlreadyDeleted);
        }
        let mut listed: Vec<Id16> = kids
            .iter()
            .filter(|k| s.kids.contains(k))
            .copied()
            .collect();
        listed.sort_unstable();
        listed.dedup();
        let removed = super::wire::len32(listed.len());
        if let Some(p) = persist.as_mut() {
            p.delete(device, session, &listed)?;
        }
        s.deleted = true;
        s.counted_deleted = removed;
        record.live_persistent = record.live_persistent.saturating_sub(removed);
        Ok(DeleteResult::Deleted { removed })
    }

    /// The device's live persistent license count (0 for an unknown device).
    #[must_use]
    pub fn live_persistent(&self, device: &Id16) -> u32 {
        self.lock()
            .devices
            .get(device)
            .map_or(0, |r| r.live_persistent)
    }

    /// A copy of what the backend knows of `device`.
    #[must_use]
    pub fn device(&self, device: &Id16) -> Option<DeviceRecord> {
        self.lock().devices.get(device).cloned()
    }

    /// A copy of one session of `device`.
    #[must_use]
    pub fn session(&self, device: &Id16, session: &Id16) -> Option<SessionRecord> {
        self.lock()
            .devices
            .get(device)
            .and_then(|r| r.sessions.get(session).cloned())
    }

    /// Sums over every device.
    #[must_use]
    pub fn totals(&self) -> Totals {
        let state = self.lock();
        let mut t = Totals {
            devices: state.devices.len() as u64,
            ..Totals::default()
        };
        for d in state.devices.values() {
            t.live_persistent += u64::from(d.live_persistent);
            for s in d.sessions.values() {
                t.sessions += 1;
                t.sessions_deleted += u64::from(s.deleted);
                t.licenses_issued += s.kids.len() as u64;
                t.licenses_deleted += u64::from(s.counted_deleted);
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_go_up_with_issues_and_down_with_known_deletes_only() {
        let b = Backend::new();
        let (dev, s1, s2) = ([1; 16], [0xA; 16], [0xB; 16]);
        b.record_issue(&dev, &s1, &[[1; 16], [2; 16]]).unwrap();
        b.record_issue(&dev, &s2, &[[3; 16]]).unwrap();
        assert_eq!(b.live_persistent(&dev), 3);
        assert_eq!(
            b.record_delete(&dev, &[0xC; 16], &[[3; 16]]),
            Ok(DeleteResult::UnknownSession)
        );
        assert_eq!(
            b.record_delete(&[2; 16], &s1, &[[1; 16]]),
            Ok(DeleteResult::UnknownSession)
        );
        // KIDs not of the session and duplicates do not count.
        let r = b.record_delete(&dev, &s1, &[[1; 16], [1; 16], [2; 16], [9; 16]]);
        assert_eq!(r, Ok(DeleteResult::Deleted { removed: 2 }));
        assert_eq!(b.live_persistent(&dev), 1);
        assert_eq!(
            b.record_delete(&dev, &s1, &[[1; 16]]),
            Ok(DeleteResult::AlreadyDeleted)
        );
        assert_eq!(b.live_persistent(&dev), 1);
        assert!(b.session(&dev, &s1).unwrap().deleted);
        assert!(!b.session(&dev, &s2).unwrap().deleted);
        let t = b.totals();
        assert_eq!(
            t,
            Totals {
                devices: 1,
                sessions: 2,
                sessions_deleted: 1,
                licenses_issued: 3,
                licenses_deleted: 2,
                live_persistent: 1
            }
        );
    }

    /// A persist layer that fails when told to, and counts what it was asked.
    #[derive(Debug)]
    struct Flaky(Arc<Mutex<(bool, u32)>>);

    impl Flaky {
        fn step(&self) -> Result<(), ServerError> {
            let mut g = self.0.lock().unwrap();
            if g.0 {
                return Err(ServerError::Storage("disk full".into()));
            }
            g.1 += 1;
            Ok(())
        }
    }

    impl Persist for Flaky {
        fn issue(&mut self, _: &Id16, _: &Id16, _: &[Id16]) -> Result<(), ServerError> {
            self.step()
        }
        fn delete(&mut self, _: &Id16, _: &Id16, _: &[Id16]) -> Result<(), ServerError> {
            self.step()
        }
    }

    #[test]
    fn a_failed_persist_write_changes_nothing_in_memory() {
        let flag = Arc::new(Mutex::new((false, 0)));
        let b = Backend::with_persist(BTreeMap::new(), Box::new(Flaky(flag.clone())));
        let (dev, s1) = ([1; 16], [0xA; 16]);
        b.record_issue(&dev, &s1, &[[1; 16]]).unwrap();
        flag.lock().unwrap().0 = true;
        assert!(matches!(
            b.record_issue(&dev, &[0xB; 16], &[[2; 16]]),
            Err(ServerError::Storage(_))
        ));
        assert!(matches!(
            b.record_delete(&dev, &s1, &[[1; 16]]),
            Err(ServerError::Storage(_))
        ));
        assert_eq!(b.live_persistent(&dev), 1);
        assert!(!b.session(&dev, &s1).unwrap().deleted);
        assert!(b.session(&dev, &[0xB; 16]).is_none());
        flag.lock().unwrap().0 = false;
        assert_eq!(
            b.record_delete(&dev, &s1, &[[1; 16]]),
            Ok(DeleteResult::Deleted { removed: 1 })
        );
        assert_eq!(flag.lock().unwrap().1, 2);
    }
}
