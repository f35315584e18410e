//! The servers' records in SQLite: devices seen, sessions, licenses issued, licenses counted
//! deleted. [`open`] reads them into the shared [`Backend`] and puts the database behind it, so
//! that every change is written (one transaction, `synchronous = FULL`) before the memory
//! changes, and a server started again on the same file knows what the last one did.
//!
//! Schema (version 1; `PRAGMA user_version`):
//!
//! ```sql
//! devices(cert_id BLOB PRIMARY KEY, first_seen INTEGER)             -- leaf cert id, Unix s
//! sessions(device BLOB, session_id BLOB, issued_at INTEGER,
//!          deleted_at INTEGER NULL, counted_deleted INTEGER,          -- NULL: not deleted
//!          PRIMARY KEY(device, session_id))
//! licenses(id INTEGER PRIMARY KEY, device BLOB, session_id BLOB,
//!          kid BLOB, counted_deleted INTEGER)                          -- one row per KID issued
//! ```
//!
//! A new file is created owner-only (600). The database is opened with
//! `locking_mode = EXCLUSIVE` and locked at once: one server at a
//! time owns a file (a second one is refused with [`ServerError::Storage`]), which is what lets
//! the memory copy be the truth while the server runs.
//!
//! Not recorded (kept in memory only, gone with the process): the grants registered through
//! `/sim/grant` and the server's side of each KeyExchangeLicense key (`/sim/kx`).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use drm_servers::backend::{DeviceRecord, Persist, SessionRecord};
use drm_servers::{Backend, Id16, ServerError};
use rusqlite::{Connection, OptionalExtension, params};

/// The schema version this code writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

fn storage(e: impl std::fmt::Display) -> ServerError {
    ServerError::Storage(e.to_string())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn id16(bytes: &[u8], what: &str) -> Result<Id16, ServerError> {
    Id16::try_from(bytes).map_err(|_| ServerError::Storage(format!("{what} is not 16 bytes")))
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS devices(
    cert_id BLOB PRIMARY KEY CHECK(length(cert_id) = 16),
    first_seen INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions(
    device BLOB NOT NULL REFERENCES devices(cert_id),
    session_id BLOB NOT NULL CHECK(length(session_id) = 16),
    issued_at INTEGER NOT NULL,
    deleted_at INTEGER,
    counted_deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(device, session_id));
CREATE TABLE IF NOT EXISTS licenses(
    id INTEGER PRIMARY KEY,
    device BLOB NOT NULL,
    session_id BLOB NOT NULL,
    kid BLOB NOT NULL CHECK(length(kid) = 16),
    counted_deleted INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY(device, session_id) REFERENCES sessions(device, session_id));
";

/// The SQLite side of the [`Backend`].
#[derive(Debug)]
pub struct SqliteRecords {
    conn: Connection,
}

/// Opens (or creates) the database at `path` and returns a [`Backend`] holding what it records,
/// with the database behind it.
///
/// # Errors
/// [`ServerError::Storage`]: the file cannot be opened or created, is not this schema, is
/// locked by another server, or holds records that are not well-formed.
pub fn open(path: &Path) -> Result<Backend, ServerError> {
    create_owner_only(path)?;
    let conn = Connection::open(path).map_err(|e| storage(format!("{}: {e}", path.display())))?;
    // A database locked by another server is refused at once, not waited for.
    conn.busy_timeout(std::time::Duration::ZERO)
        .map_err(storage)?;
    conn.execute_batch(
        "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; \
         PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )
    .map_err(|e| locked(path, e))?;
    // Take the exclusive lock now: a second server on the same file is refused here.
    conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;")
        .map_err(|e| locked(path, e))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(storage)?;
    match version {
        0 => {
            conn.execute_batch(&format!(
                "BEGIN; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            ))
            .map_err(storage)?;
        }
        SCHEMA_VERSION => {}
        v => {
            return Err(ServerError::Storage(format!(
                "{}: schema version {v}, this server reads {SCHEMA_VERSION}",
                path.display()
            )));
        }
    }
    let records = SqliteRecords { conn };
    let devices = records.load()?;
    Ok(Backend::with_persist(devices, Box::new(records)))
}

/// Creates `path` empty, readable and writable by its owner only, unless it exists (SQLite would
/// create it with 644 less the umask; its journal and WAL files take the database file's mode).
fn create_owner_only(path: &Path) -> Result<(), ServerError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(ServerError::Storage(format!("{}: {e}", path.display()))),
    }
}

fn locked(path: &Path, e: rusqlite::Error) -> ServerError {
    ServerError::Storage(format!(
        "{}: {e} (is another server using this database?)",
        path.display()
    ))
}

impl SqliteRecords {
    /// Every row of `sql`, each read by `read`.
    fn all<T>(
        &self,
        sql: &str,
        read: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, ServerError> {
        let mut q = self.conn.prepare(sql).map_err(storage)?;
        let rows = q.query_map([], read).map_err(storage)?;
        rows.map(|r| r.map_err(storage)).collect()
    }

    fn load(&self) -> Result<BTreeMap<Id16, DeviceRecord>, ServerError> {
        let mut devices: BTreeMap<Id16, DeviceRecord> = BTreeMap::new();
        for device in self.all("SELECT cert_id FROM devices", |r| r.get::<_, Vec<u8>>(0))? {
            devices.insert(id16(&device, "cert_id")?, DeviceRecord::default());
        }
        let sessions = self.all(
            "SELECT device, session_id, deleted_at IS NOT NULL, counted_deleted FROM sessions",
            |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                ))
            },
        )?;
        for (device, session, deleted, counted) in sessions {
            let d = devices
                .get_mut(&id16(&device, "device")?)
                .ok_or_else(|| storage("a session of an unknown device"))?;
            d.sessions.insert(
                id16(&session, "session_id")?,
                SessionRecord {
                    kids: Vec::new(),
                    deleted,
                    counted_deleted: counted,
                },
            );
        }
        let licenses = self.all(
            "SELECT device, session_id, kid FROM licenses ORDER BY id",
            |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                ))
            },
        )?;
        for (device, session, kid) in licenses {
            let s = devices
                .get_mut(&id16(&device, "device")?)
                .and_then(|d| {
                    d.sessions
                        .get_mut(&Id16::try_from(session.as_slice()).ok()?)
                })
                .ok_or_else(|| storage("a license of an unknown session"))?;
            s.kids.push(id16(&kid, "kid")?);
        }
        for d in devices.values_mut() {
            let (issued, counted) = d.sessions.values().fold((0u32, 0u32), |(i, c), s| {
                (
                    i.saturating_add(u32::try_from(s.kids.len()).unwrap_or(u32::MAX)),
                    c.saturating_add(s.counted_deleted),
                )
            });
            d.live_persistent = issued.saturating_sub(counted);
        }
        Ok(devices)
    }
}

impl Persist for SqliteRecords {
    fn issue(&mut self, device: &Id16, session: &Id16, kids: &[Id16]) -> Result<(), ServerError> {
        let t = now();
        let tx = self.conn.transaction().map_err(storage)?;
        tx.execute(
            "INSERT OR IGNORE INTO devices(cert_id, first_seen) VALUES (?1, ?2)",
            params![device.as_slice(), t],
        )
        .map_err(storage)?;
        tx.execute(
            "INSERT OR IGNORE INTO sessions(device, session_id, issued_at) VALUES (?1, ?2, ?3)",
            params![device.as_slice(), session.as_slice(), t],
        )
        .map_err(storage)?;
        {
            let mut ins = tx
                .prepare("INSERT INTO licenses(device, session_id, kid) VALUES (?1, ?2, ?3)")
                .map_err(storage)?;
            for kid in kids {
                ins.execute(params![
                    device.as_slice(),
                    session.as_slice(),
                    kid.as_slice()
                ])
                .map_err(storage)?;
            }
        }
        tx.commit().map_err(storage)
    }

    fn delete(
        &mut self,
        device: &Id16,
        session: &Id16,
        counted: &[Id16],
    ) -> Result<(), ServerError> {
        let tx = self.conn.transaction().map_err(storage)?;
        let changed = tx
            .execute(
                "UPDATE sessions SET deleted_at = ?3, counted_deleted = ?4 \
                 WHERE device = ?1 AND session_id = ?2 AND deleted_at IS NULL",
                params![
                    device.as_slice(),
                    session.as_slice(),
                    now(),
                    u32::try_from(counted.len()).unwrap_or(u32::MAX)
                ],
            )
            .map_err(storage)?;
        if changed != 1 {
            return Err(storage(
                "the session to delete is not in the database, or already deleted there",
            ));
        }
        {
            let mut upd = tx
                .prepare(
                    "UPDATE licenses SET counted_deleted = 1 \
                     WHERE device = ?1 AND session_id = ?2 AND kid = ?3",
                )
                .map_err(storage)?;
            for kid in counted {
                upd.execute(params![
                    device.as_slice(),
                    session.as_slice(),
                    kid.as_slice()
                ])
                .map_err(storage)?;
            }
        }
        tx.commit().map_err(storage)
    }
}

/// What the database file says, read without the server (for tests and reports): devices,
/// sessions, sessions deleted, licenses issued, licenses counted deleted.
///
/// # Errors
/// [`ServerError::Storage`] (a file locked by a running server cannot be read).
pub fn count_rows(path: &Path) -> Result<[u64; 5], ServerError> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(storage)?;
    let one = |sql: &str| -> Result<u64, ServerError> {
        conn.query_row(sql, [], |r| r.get::<_, i64>(0))
            .optional()
            .map_err(storage)
            .map(|v| v.and_then(|v| u64::try_from(v).ok()).unwrap_or(0))
    };
    Ok([
        one("SELECT count(*) FROM devices")?,
        one("SELECT count(*) FROM sessions")?,
        one("SELECT count(*) FROM sessions WHERE deleted_at IS NOT NULL")?,
        one("SELECT count(*) FROM licenses")?,
        one("SELECT coalesce(sum(counted_deleted), 0) FROM sessions")?,
    ])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use drm_servers::backend::{DeleteResult, Totals};

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("drm-records-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("records.sqlite")
    }

    #[test]
    fn a_reopened_database_has_every_count_and_session_state() {
        let path = temp("reopen");
        let (dev, s1, s2) = ([1; 16], [0xA; 16], [0xB; 16]);
        let expect = Totals {
            devices: 1,
            sessions: 2,
            sessions_deleted: 1,
            licenses_issued: 3,
            licenses_deleted: 2,
            live_persistent: 1,
        };
        {
            let b = open(&path).unwrap();
            b.record_issue(&dev, &s1, &[[1; 16], [2; 16]]).unwrap();
            b.record_issue(&dev, &s2, &[[3; 16]]).unwrap();
            assert_eq!(
                b.record_delete(&dev, &s1, &[[1; 16], [2; 16], [2; 16], [9; 16]]),
                Ok(DeleteResult::Deleted { removed: 2 })
            );
            assert_eq!(b.totals(), expect);
            // One server per file.
            assert!(matches!(open(&path), Err(ServerError::Storage(_))));
        }
        let b = open(&path).unwrap();
        assert_eq!(b.totals(), expect);
        assert_eq!(b.live_persistent(&dev), 1);
        assert!(b.session(&dev, &s1).unwrap().deleted);
        assert_eq!(b.session(&dev, &s2).unwrap().kids, vec![[3; 16]]);
        // A repeated challenge after the restart changes nothing; the other session deletes.
        assert_eq!(
            b.record_delete(&dev, &s1, &[[1; 16]]),
            Ok(DeleteResult::AlreadyDeleted)
        );
        assert_eq!(
            b.record_delete(&dev, &s2, &[[3; 16]]),
            Ok(DeleteResult::Deleted { removed: 1 })
        );
        drop(b);
        assert_eq!(count_rows(&path).unwrap(), [1, 2, 2, 3, 3]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "owner-only");
        }
    }

    #[test]
    fn a_file_that_is_not_a_database_is_a_storage_error() {
        let path = temp("garbage");
        std::fs::write(&path, b"not a database, not at all, just some bytes....").unwrap();
        assert!(matches!(open(&path), Err(ServerError::Storage(_))));
    }
}
