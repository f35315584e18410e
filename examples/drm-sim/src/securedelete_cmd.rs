//! `drm-sim securedelete challenge` and `drm-sim securedelete verify`: checking a Secure Delete
//! challenge by hand.
//!
//! `challenge` writes, with the device of the state directory, the challenge of a pending
//! session (drm-securedelete's `generate_challenge`, as after a reboot). `verify` checks a
//! challenge file the way the Secure Delete server does (drm-tests' independent server: XML
//! parsed with roxmltree, canonical form, digest, signature, decryption with the server's
//! private key, the device chain to the root), without changing anything.

use std::fmt::Write as _;
use std::path::Path;

use drm_core::{Kid, SessionId};
use drm_securedelete::SecureDelete;
use drm_securedelete::session::{self, SessionState};
use drm_servers::crypto::KeyPair;
use drm_servers::secure_delete::SecureDeleteServer;
use drm_servers::{Backend, TestRng};
use serde_json::json;

use crate::report::{CliError, Report, fingerprint, id_json, read_exact, read_input};
use crate::state::{self, StatePaths};

/// `securedelete challenge`.
pub fn challenge(
    paths: StatePaths,
    session: Option<&str>,
    out: Option<&Path>,
) -> Result<Report, CliError> {
    let state = state::open_existing(paths)?;
    let server_key = read_exact::<64>(&state.paths.securedelete_server_pub(), "server key")?;
    let mut device = crate::device::open_existing(&state.paths, state.device)?;
    let id = match session {
        Some(text) => SessionId::parse_guid(text).map_err(|_| {
            CliError::usage(format!(
                "--session {text}: not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"
            ))
        })?,
        None => {
            let mut ids = [SessionId::NIL; 1];
            let n = session::pending_sessions(&mut device.store, &mut ids)
                .map_err(|e| CliError::fail(format!("session records: {e}")))?;
            if n == 0 {
                return Err(CliError::fail(
                    "no pending Secure Delete session in the store (the demo leaves one pending)",
                ));
            }
            ids[0]
        }
    };
    let record = session::load(&mut device.store, &id)
        .map_err(|e| CliError::fail(format!("session records: {e}")))?
        .ok_or_else(|| CliError::fail(format!("no session {id} in the store")))?;
    if record.state() != SessionState::Pending {
        return Err(CliError::fail(format!(
            "session {id} is active, not pending: only a removed session has a challenge"
        )));
    }
    let kids: Vec<Kid> = record.kids().to_vec();
    let sd = SecureDelete::new(&device.identity)
        .with_server_key(server_key)
        .map_err(|e| CliError::fail(format!("server key: {e}")))?;
    let len = sd
        .challenge_len(&mut device.store, &id)
        .map_err(|e| CliError::fail(e.to_string()))?;
    let mut buf = vec![0u8; len];
    let n = sd
        .generate_challenge(&mut device.store, &mut device.rng, &id, &mut buf)
        .map_err(|e| CliError::fail(format!("challenge: {e}")))?;
    let xml = buf.get(..n).unwrap_or_default();
    let text = String::from_utf8_lossy(xml).into_owned();
    let (text_out, file) = match out {
        Some(path) => {
            std::fs::write(path, xml)
                .map_err(|e| CliError::fail(format!("cannot write {}: {e}", path.display())))?;
            (
                format!(
                    "challenge of pending session {id} ({} KIDs, {n} bytes, encrypted to server key {}) written to {}\n",
                    kids.len(),
                    fingerprint(&server_key),
                    path.display()
                ),
                Some(path.display().to_string()),
            )
        }
        None => (format!("{text}\n"), None),
    };
    Ok(Report {
        text: text_out,
        json: json!({
            "session": id_json(&id),
            "kids": kids.iter().map(id_json).collect::<Vec<_>>(),
            "length": n,
            "file": file,
            "challenge": text,
        }),
        failure: None,
    })
}

/// `securedelete verify`.
pub fn verify(file: &Path, server_key: &Path, root: &Path) -> Result<Report, CliError> {
    let challenge = read_input(file, "challenge")?;
    let secret = read_exact::<32>(server_key, "server key")?;
    let key = KeyPair::from_secret_bytes(&secret).ok_or_else(|| {
        CliError::fail(format!(
            "server key {}: not a valid P-256 private key",
            server_key.display()
        ))
    })?;
    let root_key = read_exact::<64>(root, "root key")?;
    let mut server = SecureDeleteServer::new(Backend::new(), key, root_key, TestRng::from_os());
    let reply = server.handle(&challenge);
    match reply.outcome {
        Ok(o) => {
            let session = SessionId::from_bytes(o.session_id);
            let mut text = String::new();
            let _ = writeln!(text, "Secure Delete challenge {}: VALID", file.display());
            let _ = writeln!(
                text,
                "  checked: canonical XML, digest, signature (KeyInfo key = the chain's signing key), decryption, chain to root {}",
                fingerprint(&root_key)
            );
            let _ = writeln!(
                text,
                "  device:  cert id {}, security level {}",
                Kid::from_bytes(o.device.cert_id),
                o.device.security_level
            );
            let _ = writeln!(text, "  session: {session}");
            for k in &o.kids {
                let _ = writeln!(text, "  KID:     {}", Kid::from_bytes(*k));
            }
            Ok(Report {
                text,
                json: json!({
                    "file": file.display().to_string(),
                    "valid": true,
                    "device": {"cert_id": id_json(&Kid::from_bytes(o.device.cert_id)), "security_level": o.device.security_level},
                    "session": id_json(&session),
                    "kids": o.kids.iter().map(|k| id_json(&Kid::from_bytes(*k))).collect::<Vec<_>>(),
                }),
                failure: None,
            })
        }
        Err(e) => Ok(Report {
            text: format!(
                "Secure Delete challenge {}: INVALID ({e})\n",
                file.display()
            ),
            json: json!({
                "file": file.display().to_string(),
                "valid": false,
                "error": e.to_string(),
            }),
            failure: Some(format!(
                "{}: the server refuses this challenge: {e}",
                file.display()
            )),
        }),
    }
}
