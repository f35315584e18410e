//! State shared by the license server and the Secure Delete server: each device's live
//! persistent licenses and the sessions they were issued in.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::Id16;

/// A session: the persistent licenses issued in one license response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The KIDs of the persistent licenses issued in the session.
    pub kids: Vec<Id16>,
    /// Whether a valid Secure Delete challenge for the session has been received.
    pub deleted: bool,
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

/// The shared state: a cheap handle (clone it into both servers).
#[derive(Debug, Clone, Default)]
pub struct Backend(Arc<Mutex<BTreeMap<Id16, DeviceRecord>>>);

impl Backend {
    /// An empty backend.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<Id16, DeviceRecord>> {
        // A panic in another test thread must not hide this state: take it as it is.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records persistent licenses issued to `device` in `session`: the live count goes up by
    /// `kids.len()` and the session lists them (a session issued in twice gets the union).
    pub fn record_issue(&self, device: &Id16, session: &Id16, kids: &[Id16]) {
        if kids.is_empty() {
            return;
        }
        let mut state = self.lock();
        let record = state.entry(*device).or_default();
        let session = record
            .sessions
            .entry(*session)
            .or_insert_with(|| SessionRecord {
                kids: Vec::new(),
                deleted: false,
            });
        session.kids.extend_from_slice(kids);
        record.live_persistent = record
            .live_persistent
            .saturating_add(super::wire::len32(kids.len()));
    }

    /// Records a valid Secure Delete challenge of `device` for `session` listing `kids`: for a
    /// known, not yet deleted session, the live count goes down by the number of listed KIDs that
    /// belong to the session, and the session is marked deleted.
    pub fn record_delete(&self, device: &Id16, session: &Id16, kids: &[Id16]) -> DeleteResult {
        let mut state = self.lock();
        let Some(record) = state.get_mut(device) else {
            return DeleteResult::UnknownSession;
        };
        let Some(s) = record.sessions.get_mut(session) else {
            return DeleteResult::UnknownSession;
        };
        if s.deleted {
            return DeleteResult::AlreadyDeleted;
        }
        let mut listed: Vec<&Id16> = kids.iter().filter(|k| s.kids.contains(k)).collect();
        listed.sort();
        listed.dedup();
        let removed = super::wire::len32(listed.len());
        s.deleted = true;
        record.live_persistent = record.live_persistent.saturating_sub(removed);
        DeleteResult::Deleted { removed }
    }

    /// The device's live persistent license count (0 for an unknown device).
    #[must_use]
    pub fn live_persistent(&self, device: &Id16) -> u32 {
        self.lock().get(device).map_or(0, |r| r.live_persistent)
    }

    /// A copy of what the backend knows of `device`.
    #[must_use]
    pub fn device(&self, device: &Id16) -> Option<DeviceRecord> {
        self.lock().get(device).cloned()
    }

    /// A copy of one session of `device`.
    #[must_use]
    pub fn session(&self, device: &Id16, session: &Id16) -> Option<SessionRecord> {
        self.lock()
            .get(device)
            .and_then(|r| r.sessions.get(session).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_go_up_with_issues_and_down_with_known_deletes_only() {
        let b = Backend::new();
        let (dev, s1, s2) = ([1; 16], [0xA; 16], [0xB; 16]);
        b.record_issue(&dev, &s1, &[[1; 16], [2; 16]]);
        b.record_issue(&dev, &s2, &[[3; 16]]);
        assert_eq!(b.live_persistent(&dev), 3);
        assert_eq!(
            b.record_delete(&dev, &[0xC; 16], &[[3; 16]]),
            DeleteResult::UnknownSession
        );
        assert_eq!(
            b.record_delete(&[2; 16], &s1, &[[1; 16]]),
            DeleteResult::UnknownSession
        );
        // KIDs not of the session and duplicates do not count.
        let r = b.record_delete(&dev, &s1, &[[1; 16], [1; 16], [2; 16], [9; 16]]);
        assert_eq!(r, DeleteResult::Deleted { removed: 2 });
        assert_eq!(b.live_persistent(&dev), 1);
        assert_eq!(
            b.record_delete(&dev, &s1, &[[1; 16]]),
            DeleteResult::AlreadyDeleted
        );
        assert_eq!(b.live_persistent(&dev), 1);
        assert!(b.session(&dev, &s1).unwrap().deleted);
        assert!(!b.session(&dev, &s2).unwrap().deleted);
    }
}
