//! The demo's Secure Delete steps: a session's licenses removed, its challenge written and sent,
//! the server's response processed, pending sessions completed, and the licenses found again.

use std::ops::ControlFlow;

use drm_core::platform::SoftwareIdentity;
use drm_core::xmr::ParsedLicense;
use drm_core::{Kid, SessionId};
use drm_keyexchange::licenses::LICENSES;
use drm_securedelete::SecureDelete;
use drm_securedelete::session::{self, SessionState};

use crate::device::{Device, DeviceStore};
use crate::record::{Phase, Record};
use crate::state::{self, StatePaths};

use super::licenses::licenses_of;
use super::{Servers, e2s};

/// Secure Delete with the simulated device's identity.
pub(super) type DeviceSecureDelete<'d> = SecureDelete<'d, SoftwareIdentity<Vec<u8>>>;

/// Secure Delete for the device, to the simulated server's key, and a buffer of the exact
/// challenge length of session `id`.
pub(super) fn challenge_buffer<'d>(
    identity: &'d SoftwareIdentity<Vec<u8>>,
    store: &mut DeviceStore,
    servers: &Servers,
    id: &SessionId,
) -> Result<(DeviceSecureDelete<'d>, Vec<u8>), String> {
    let sd = SecureDelete::new(identity)
        .with_server_key(servers.secure_delete_key)
        .map_err(e2s)?;
    let len = sd.challenge_len(store, id).map_err(e2s)?;
    Ok((sd, vec![0u8; len]))
}

/// Remove of session `id` (drm-securedelete): in one commit its licenses are deleted (and their
/// bytes erased from the flash image, which is checked) and the session becomes pending; the
/// challenge is written to `challenges/SESSION.xml`. Returns the challenge and a description.
pub(super) fn remove_session(
    device: &mut Device,
    servers: &Servers,
    paths: &StatePaths,
    record: &mut Record,
    id: SessionId,
) -> Result<(Vec<u8>, String), String> {
    let kids: Vec<Kid> = record
        .sessions
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.kids.clone())
        .unwrap_or_default();
    let image = paths.flash_image();
    // The encrypted keys of the session's licenses, to look for on the flash afterwards.
    let mut secrets: Vec<Vec<u8>> = Vec::new();
    for kid in &kids {
        let mut lids = Vec::new();
        device
            .store
            .for_each(&LICENSES, Some(kid.as_bytes()), |k1, k2, _| {
                if k1 == kid.as_bytes() {
                    lids.push(*k2);
                }
                ControlFlow::Continue(())
            })
            .map_err(e2s)?;
        for lid in lids {
            let mut buf = vec![0u8; 2048];
            let n = device
                .store
                .get(&LICENSES, kid.as_bytes(), &lid, &mut buf)
                .map_err(e2s)?;
            if let Some(Ok(p)) = buf.get(..n).map(ParsedLicense::parse) {
                secrets.push(p.content_key().encrypted_key().to_vec());
            }
        }
    }
    let on_flash = |secrets: &[Vec<u8>]| -> Result<usize, String> {
        let img = std::fs::read(&image).map_err(e2s)?;
        Ok(secrets
            .iter()
            .filter(|s| img.windows(s.len()).any(|w| w == s.as_slice()))
            .count())
    };
    let before = on_flash(&secrets)?;

    let (sd, mut challenge) = challenge_buffer(&device.identity, &mut device.store, servers, &id)?;
    let n = sd
        .remove(&mut device.store, &mut device.rng, &id, &mut challenge)
        .map_err(|e| format!("remove: {e}"))?;
    challenge.truncate(n);
    if let Some(s) = record.sessions.iter_mut().find(|s| s.id == id) {
        s.phase = Phase::Pending;
    }
    let left: usize = kids
        .iter()
        .map(|k| licenses_of(device, k))
        .sum::<Result<usize, String>>()?;
    let after = on_flash(&secrets)?;
    let file = write_challenge_file(paths, &id, &challenge)?;
    if left != 0 || after != 0 || before != secrets.len() {
        return Err(format!(
            "session {id}: {left} licenses left in the store; {after} of {} license keys still on the flash",
            secrets.len()
        ));
    }
    Ok((
        challenge,
        format!(
            "{} licenses erased (their keys on the flash before: {before}, after: 0), session pending, challenge {n} bytes in {}",
            kids.len(),
            file.display()
        ),
    ))
}

pub(super) fn write_challenge_file(
    paths: &StatePaths,
    id: &SessionId,
    challenge: &[u8],
) -> Result<std::path::PathBuf, String> {
    let file = paths.challenges_dir().join(format!("{id}.xml"));
    state::write(&file, challenge).map_err(|e| e.one_line())?;
    Ok(file)
}

/// Sends a challenge to the Secure Delete server and processes its response: the session
/// record goes.
pub(super) fn send_challenge(
    device: &mut Device,
    servers: &mut Servers,
    record: &mut Record,
    id: SessionId,
    challenge: &[u8],
) -> Result<String, String> {
    servers.delete_requests += 1;
    let reply = servers
        .client
        .secure_delete(challenge)
        .map_err(|e| format!("the Secure Delete server: {e}"))?;
    let outcome = reply.outcome.as_deref().unwrap_or("no outcome given");
    if reply.status != 200 {
        servers.delete_refused += 1;
        return Err(format!(
            "the Secure Delete server refused the challenge: HTTP {}, {outcome}",
            reply.status
        ));
    }
    let saw = match outcome.strip_prefix("deleted ") {
        Some(n) => format!("server: challenge valid, {n} licenses counted deleted"),
        None if outcome == "already-deleted" => "server: session already deleted".into(),
        None if outcome == "unknown-session" => "server: unknown session".into(),
        None => format!("server: {outcome}"),
    };
    let done = SecureDelete::new(&device.identity)
        .process_response(&mut device.store, &reply.body)
        .map_err(|e| format!("response: {e}"))?;
    let gone = session::load(&mut device.store, &id)
        .map_err(e2s)?
        .is_none();
    if done != id || !gone {
        return Err(format!(
            "session {id}: the record is still there after the response"
        ));
    }
    if let Some(s) = record.sessions.iter_mut().find(|s| s.id == id) {
        s.phase = Phase::Deleted;
    }
    Ok(format!("{saw}; response processed, session record gone"))
}

/// A pending session left by an earlier run: its challenge generated again (as after a reboot)
/// and sent.
pub(super) fn complete_pending(
    device: &mut Device,
    servers: &mut Servers,
    paths: &StatePaths,
    record: &mut Record,
    id: SessionId,
) -> Result<String, String> {
    let (sd, mut challenge) = challenge_buffer(&device.identity, &mut device.store, servers, &id)?;
    let n = sd
        .generate_challenge(&mut device.store, &mut device.rng, &id, &mut challenge)
        .map_err(|e| format!("generate challenge: {e}"))?;
    challenge.truncate(n);
    write_challenge_file(paths, &id, &challenge)?;
    let sent = send_challenge(device, servers, record, id, &challenge)?;
    Ok(format!(
        "session {id} (pending since the last run): challenge generated again ({n} bytes); {sent}"
    ))
}

/// Later runs: every license of the record's active sessions is in the store again, none of
/// the pending or deleted sessions' licenses, and the session records are as the last run left
/// them.
pub(super) fn found_again(device: &mut Device, record: &Record) -> Result<String, String> {
    let (mut found, mut expected, mut resurrected) = (0usize, 0usize, 0usize);
    let mut records_ok = 0usize;
    for s in &record.sessions {
        for kid in &s.kids {
            let n = licenses_of(device, kid)?;
            if s.phase == Phase::Active {
                expected += 1;
                found += n.min(1);
            } else {
                resurrected += n;
            }
        }
        let r = session::load(&mut device.store, &s.id).map_err(e2s)?;
        let as_left = matches!(
            (s.phase, r.map(|r| r.state())),
            (Phase::Active, Some(SessionState::Active))
                | (Phase::Pending, Some(SessionState::Pending))
                | (Phase::Deleted, None)
        );
        records_ok += usize::from(as_left);
    }
    let count = |p: Phase| record.sessions.iter().filter(|s| s.phase == p).count();
    if records_ok != record.sessions.len() || found != expected || resurrected != 0 {
        return Err(format!(
            "{found} of {expected} licenses found, {resurrected} erased licenses came back, {} of {} session records not as the last run left them",
            record.sessions.len() - records_ok,
            record.sessions.len()
        ));
    }
    Ok(format!(
        "{found} licenses of {} active sessions from earlier runs found in the store; {} pending and {} deleted sessions as left, none of their licenses",
        count(Phase::Active),
        count(Phase::Pending),
        count(Phase::Deleted)
    ))
}
