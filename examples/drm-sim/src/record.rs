//! The demo's record of earlier runs (`demo-record.json` in the state directory): the sessions
//! of persistent licenses it acquired and deleted (the servers' database, restored at start),
//! and the key exchange results the server checked (compared again by later runs).

use drm_core::{Kid, SessionId};
use serde_json::{Value, json};

use crate::report::{CliError, hex};
use crate::state::StatePaths;

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Its licenses are in the store.
    Active,
    /// Removed: licenses erased, challenge written, the server's response not processed yet.
    Pending,
    /// Securely deleted: the server's response processed, the record gone.
    Deleted,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Active => "active",
            Phase::Pending => "pending",
            Phase::Deleted => "deleted",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [Phase::Active, Phase::Pending, Phase::Deleted]
            .into_iter()
            .find(|p| p.name() == name)
    }
}

/// One session of persistent licenses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEntry {
    /// SessionID (the response's `ResponseID`).
    pub id: SessionId,
    /// The KIDs of its licenses.
    pub kids: Vec<Kid>,
    /// Where it is.
    pub phase: Phase,
    /// The session of the KeyExchangeLicenses (kept, never Secure Deleted by the demo).
    pub key_exchange: bool,
}

/// One key exchange operation and its result, as the server checked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KxEntry {
    /// The license's KID.
    pub kid: Kid,
    /// Which operation (`aes-encrypt`, `hmac-sign`, ...).
    pub op: String,
    /// Input: data (or message).
    pub input: Vec<u8>,
    /// Extra input: IV, or the tag/signature to verify.
    pub extra: Vec<u8>,
    /// Output (ciphertext, plaintext, tag, signature; empty for a verify).
    pub output: Vec<u8>,
}

/// The record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Sessions, oldest first.
    pub sessions: Vec<SessionEntry>,
    /// Key exchange results.
    pub kx: Vec<KxEntry>,
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn id16(v: &Value) -> Option<[u8; 16]> {
    unhex(v.as_str()?)?.try_into().ok()
}

impl Record {
    /// Loads the record; an empty one when there is none. A record that does not parse is an
    /// error (it is never silently dropped).
    pub fn load(paths: &StatePaths) -> Result<Self, CliError> {
        let path = paths.record();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(CliError::fail(format!("{}: {e}", path.display()))),
        };
        let bad = || {
            CliError::fail(format!(
                "{}: not a drm-sim demo record (remove it, or the whole state directory)",
                path.display()
            ))
        };
        let v: Value = serde_json::from_str(&text).map_err(|_| bad())?;
        let parse = || -> Option<Self> {
            let mut r = Self::default();
            for s in v.get("sessions")?.as_array()? {
                r.sessions.push(SessionEntry {
                    id: SessionId::from_bytes(id16(s.get("id")?)?),
                    kids: s
                        .get("kids")?
                        .as_array()?
                        .iter()
                        .map(|k| id16(k).map(Kid::from_bytes))
                        .collect::<Option<_>>()?,
                    phase: Phase::from_name(s.get("phase")?.as_str()?)?,
                    key_exchange: s.get("key_exchange")?.as_bool()?,
                });
            }
            for k in v.get("key_exchange")?.as_array()? {
                r.kx.push(KxEntry {
                    kid: Kid::from_bytes(id16(k.get("kid")?)?),
                    op: k.get("op")?.as_str()?.to_owned(),
                    input: unhex(k.get("input")?.as_str()?)?,
                    extra: unhex(k.get("extra")?.as_str()?)?,
                    output: unhex(k.get("output")?.as_str()?)?,
                });
            }
            Some(r)
        };
        parse().ok_or_else(bad)
    }

    /// Writes the record.
    pub fn save(&self, paths: &StatePaths) -> Result<(), CliError> {
        let v = json!({
            "sessions": self.sessions.iter().map(|s| json!({
                "id": hex(s.id.as_bytes()),
                "kids": s.kids.iter().map(|k| hex(k.as_bytes())).collect::<Vec<_>>(),
                "phase": s.phase.name(),
                "key_exchange": s.key_exchange,
            })).collect::<Vec<_>>(),
            "key_exchange": self.kx.iter().map(|k| json!({
                "kid": hex(k.kid.as_bytes()),
                "op": k.op,
                "input": hex(&k.input),
                "extra": hex(&k.extra),
                "output": hex(&k.output),
            })).collect::<Vec<_>>(),
        });
        let text = serde_json::to_string_pretty(&v).unwrap_or_default();
        crate::state::write(&paths.record(), text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trips_and_refuses_garbage() {
        let dir = std::env::temp_dir().join(format!("drm-sim-record-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let paths = StatePaths::new(Some(dir.clone())).unwrap();
        assert_eq!(Record::load(&paths).unwrap(), Record::default());
        let r = Record {
            sessions: vec![SessionEntry {
                id: SessionId::from_bytes([1; 16]),
                kids: vec![Kid::from_bytes([2; 16]), Kid::from_bytes([3; 16])],
                phase: Phase::Pending,
                key_exchange: false,
            }],
            kx: vec![KxEntry {
                kid: Kid::from_bytes([4; 16]),
                op: "hmac-sign".into(),
                input: vec![1, 2, 3],
                extra: vec![],
                output: vec![0xff; 32],
            }],
        };
        r.save(&paths).unwrap();
        assert_eq!(Record::load(&paths).unwrap(), r);
        std::fs::write(paths.record(), "{\"sessions\": 5}").unwrap();
        assert!(Record::load(&paths).is_err());
        std::fs::write(paths.record(), "garbage").unwrap();
        assert!(Record::load(&paths).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
