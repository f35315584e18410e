//! What a command gives back (text and JSON), its errors, and formatting helpers.

use std::fmt::Write as _;
use std::path::Path;

use drm_core::ids::{Id, IdKind};
use serde_json::{Value, json};

/// Exit status of a usage error (bad command line).
pub const EXIT_USAGE: u8 = 2;
/// Exit status of a failure (bad input file, a check that failed, an I/O error).
pub const EXIT_FAILURE: u8 = 1;

/// An error for the user: one line, and the exit status.
#[derive(Debug)]
pub struct CliError {
    /// The one-line message.
    pub message: String,
    /// The process exit status.
    pub status: u8,
}

impl CliError {
    /// A command line error (exit status 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            status: EXIT_USAGE,
        }
    }

    /// A failure (exit status 1).
    pub fn fail(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            status: EXIT_FAILURE,
        }
    }

    /// The message on one line (newlines from nested errors become "; ").
    pub fn one_line(&self) -> String {
        self.message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The result of a command that ran: text for people, JSON for scripts, and, when a check it
/// made failed, the one-line reason (the command then exits nonzero after printing the report).
#[derive(Debug, Default)]
pub struct Report {
    /// Text output.
    pub text: String,
    /// JSON output.
    pub json: Value,
    /// A check that failed (exit status 1).
    pub failure: Option<String>,
}

/// Reads a whole input file; a one-line error naming it when that fails.
pub fn read_input(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::fail(format!("{what} {}: {e}", path.display())))
}

/// Reads a file that must hold exactly `N` bytes (a raw key).
pub fn read_exact<const N: usize>(path: &Path, what: &str) -> Result<[u8; N], CliError> {
    let bytes = read_input(path, what)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| {
        CliError::fail(format!(
            "{what} {}: expected {N} raw bytes, found {}",
            path.display(),
            bytes.len()
        ))
    })
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A short fingerprint of a public key: the first 8 bytes of its SHA-256, in hex.
pub fn fingerprint(key: &[u8; 64]) -> String {
    hex(drm_core::crypto::sha256(key).get(..8).unwrap_or_default())
}

/// An id as JSON: GUID text and base64 of the wire bytes.
pub fn id_json<K: IdKind>(id: &Id<K>) -> Value {
    let mut buf = [0u8; drm_core::ids::BASE64_LEN];
    json!({ "guid": id.to_string(), "base64": id.write_base64(&mut buf) })
}

/// An id as text: `GUID (base64)`.
pub fn id_text<K: IdKind>(id: &Id<K>) -> String {
    let mut buf = [0u8; drm_core::ids::BASE64_LEN];
    format!("{} ({})", id, id.write_base64(&mut buf))
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub fn utc(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rem = seconds % 86_400;
    // Howard Hinnant's civil_from_days, for days >= 0.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Now, seconds since 1970 (0 if the system clock is before 1970).
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_matches_known_dates() {
        // Reference values: `date -u -d @SECONDS +%Y-%m-%dT%H:%M:%SZ` (GNU coreutils).
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(utc(u64::from(u32::MAX)), "2106-02-07T06:28:15Z");
    }

    #[test]
    fn errors_are_one_line() {
        let e = CliError::fail("a\n  b\n\n");
        assert_eq!(e.one_line(), "a; b");
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0x00, 0xAB, 0x7f]), "00ab7f");
    }
}
