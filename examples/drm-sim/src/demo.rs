//! `drm-sim demo`: the device against the simulated servers, in process, step by step.
//!
//! First run: provision, format the store, acquire KeyExchangeLicenses (one per algorithm and
//! operation) and check every Perform against the license server's side of the key, acquire
//! persistent licenses in three sessions, Secure Delete the first session. Later runs: mount the
//! store, find the licenses of the earlier runs again (and Perform with the key exchange ones,
//! comparing with the results the server checked in the first run), acquire one more session
//! and Secure Delete the oldest live one.
//!
//! Every step reports what really happened. A step whose library piece is not on main yet says
//! "not available yet"; nothing is faked.

use std::io::Write as _;
use std::ops::ControlFlow;

use drm_core::acquire::{ChallengeParams, challenge_sizes, process_response, write_challenge};
use drm_core::bcert::CertificateChain;
use drm_core::platform::{DeviceIdentity, SoftwareIdentity};
use drm_core::xmr::ParsedLicense;
use drm_core::{Kid, Lid, SessionId};
use drm_hds::{Namespace, Transaction};
use drm_securedelete::SecureDelete;
use drm_securedelete::session::{self, RECORD_MAX_LEN, SESSIONS, SessionState};
use drm_tests::backend::DeleteResult;
use drm_tests::license_server::{Grant, LicenseServer};

use drm_tests::secure_delete::SecureDeleteServer;
use drm_tests::{Backend, TestRng};
use serde_json::{Value, json};

use crate::device::{self, Device, DeviceStore, Opened};
use crate::flash::Traffic;
use crate::kx;
use crate::record::{Phase, Record, SessionEntry};
use crate::report::{CliError, Report, fingerprint, hex, now};
use crate::state::{self, Keys, State, StatePaths};

/// Sessions of persistent licenses the first run acquires.
const FIRST_RUN_SESSIONS: usize = 3;
/// Persistent licenses per session.
const LICENSES_PER_SESSION: usize = 2;

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Failed,
    NotAvailable,
}

impl Status {
    fn text(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "FAILED",
            Status::NotAvailable => "not available yet",
        }
    }

    fn short(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "FAILED",
            Status::NotAvailable => "n/a",
        }
    }
}

/// One row of the summary.
struct Row {
    step: String,
    status: Status,
    detail: String,
}

/// The steps run so far, printed as they finish (text mode).
struct Progress {
    rows: Vec<Row>,
    quiet: bool,
}

impl Progress {
    fn say(&self, line: &str) {
        if !self.quiet {
            let mut out = std::io::stdout();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
    }

    fn record(&mut self, step: impl Into<String>, status: Status, detail: impl Into<String>) {
        let (step, detail) = (step.into(), detail.into());
        self.say(&format!("[{step:<22}] {:<6} {detail}", status.short()));
        self.rows.push(Row {
            step,
            status,
            detail,
        });
    }

    /// Records `result` as ok (its detail) or failed (its error).
    fn outcome(&mut self, step: impl Into<String>, result: Result<String, String>) -> bool {
        match result {
            Ok(detail) => {
                self.record(step, Status::Ok, detail);
                true
            }
            Err(e) => {
                self.record(step, Status::Failed, e);
                false
            }
        }
    }
}

/// The simulated servers, in process, sharing one backend, and what they were asked.
struct Servers {
    backend: Backend,
    license: LicenseServer,
    secure_delete: SecureDeleteServer,
    license_requests: u32,
    license_refused: u32,
    licenses_issued: u32,
    delete_requests: u32,
    delete_refused: u32,
}

impl Servers {
    /// Starts both servers with the keys of the state directory. The backend (the servers'
    /// database of issued sessions) is restored from the record of earlier runs.
    fn start(s: &Keys, record: &Record, device_id: &[u8; 16]) -> Self {
        let backend = Backend::new();
        for entry in &record.sessions {
            let kids: Vec<[u8; 16]> = entry.kids.iter().map(|k| k.to_bytes()).collect();
            backend.record_issue(device_id, &entry.id.to_bytes(), &kids);
            if entry.phase == Phase::Deleted {
                backend.record_delete(device_id, &entry.id.to_bytes(), &kids);
            }
        }
        let license = LicenseServer::new(
            backend.clone(),
            s.license_key.clone(),
            s.root,
            s.license_identity.clone(),
            TestRng::from_os(),
        );
        let secure_delete = SecureDeleteServer::new(
            backend.clone(),
            s.securedelete_key.clone(),
            s.root,
            TestRng::from_os(),
        );
        Self {
            backend,
            license,
            secure_delete,
            license_requests: 0,
            license_refused: 0,
            licenses_issued: 0,
            delete_requests: 0,
            delete_refused: 0,
        }
    }
}

fn e2s(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Step: the device's chain, checked the device's way (drm-core) and the server's way
/// (drm-tests' independent verifier), both to the test root. Returns the leaf's cert id.
fn check_chain(identity: &impl DeviceIdentity, root: &[u8; 64], p: &mut Progress) -> [u8; 16] {
    let chain = identity.certificate_chain();
    let device_view = CertificateChain::parse(chain).and_then(|c| c.verify(root, Some(now())));
    let server_view = drm_tests::pki::verify_device_chain(chain, root);
    match (device_view, server_view) {
        (Ok(v), Ok(info)) => {
            let keys_match = info.signing_key == identity.signing_public_key()
                && info.encryption_key == identity.encryption_public_key();
            let level = v.security_level().unwrap_or(0);
            if keys_match {
                p.record(
                    "device chain",
                    Status::Ok,
                    format!(
                        "verifies to the test root (device and server check); cert id {}, level {level}",
                        Kid::from_bytes(info.cert_id)
                    ),
                );
            } else {
                p.record(
                    "device chain",
                    Status::Failed,
                    "the chain's keys are not the device's keys",
                );
            }
            info.cert_id
        }
        (Err(e), _) => {
            p.record(
                "device chain",
                Status::Failed,
                format!("device refuses its chain: {e}"),
            );
            [0; 16]
        }
        (_, Err(e)) => {
            p.record(
                "device chain",
                Status::Failed,
                format!("server refuses the chain: {e}"),
            );
            [0; 16]
        }
    }
}

/// What one acquisition brought.
struct Acquired {
    licenses: Vec<Vec<u8>>,
    session: SessionId,
}

/// One license acquisition: the device's challenge (drm-core), the license server's answer, the
/// device's processing of the response (server chain, signature, nonce).
fn acquire(
    device: &mut Device,
    servers: &mut Servers,
    root: &[u8; 64],
    kids: &[Kid],
) -> Result<Acquired, String> {
    let server_key = servers.license.public_key();
    let time = now();
    let params = ChallengeParams::new(kids, &server_key, time);
    let sizes = challenge_sizes(&params, device.identity.certificate_chain().len()).map_err(e2s)?;
    let mut work = vec![0u8; sizes.work];
    let mut out = vec![0u8; sizes.challenge];
    let (pending, challenge) = write_challenge(
        &params,
        &device.identity,
        &mut device.rng,
        &mut work,
        &mut out,
    )
    .map_err(|e| format!("challenge: {e}"))?;
    servers.license_requests += 1;
    let reply = servers.license.handle(challenge);
    match &reply.outcome {
        Ok(o) => {
            servers.licenses_issued += u32::try_from(o.licenses.len()).unwrap_or(u32::MAX);
        }
        Err(e) => {
            servers.license_refused += 1;
            return Err(format!("the license server refused the challenge: {e}"));
        }
    }
    let mut buf = vec![0u8; reply.xml.len()];
    let got = process_response(reply.xml.as_bytes(), &pending, root, Some(time), &mut buf)
        .map_err(|e| format!("response: {e}"))?;
    let session = got
        .response_id()
        .ok_or("the response has no ResponseID (session id)")?;
    Ok(Acquired {
        licenses: got.iter().map(<[u8]>::to_vec).collect(),
        session,
    })
}

/// Copies received licenses to `licenses/KID.xmr` (for `drm-sim xmr inspect`).
fn save_licenses(paths: &StatePaths, licenses: &[Vec<u8>]) -> Result<(), String> {
    let dir = paths.licenses_dir();
    for bytes in licenses {
        let kid = ParsedLicense::parse(bytes).map_err(e2s)?.kid();
        state::write(&dir.join(format!("{kid}.xmr")), bytes).map_err(|e| e.one_line())?;
    }
    Ok(())
}

/// Stores the licenses of an acquisition with their session record, in one atomic commit.
fn store_with_session(device: &mut Device, acquired: &Acquired) -> Result<Vec<(Kid, Lid)>, String> {
    let mut txn = Transaction::new();
    let mut report: drm_keyexchange::Report = drm_keyexchange::Report::new();
    drm_keyexchange::stage(
        &device.identity,
        acquired.licenses.iter().map(Vec::as_slice),
        &mut txn,
        &mut report,
    )
    .map_err(|e| format!("delivery: {e}"))?;
    let mut ids = Vec::new();
    for r in &report {
        match r.outcome {
            drm_keyexchange::Outcome::Stored => ids.push((r.kid, r.lid)),
            drm_keyexchange::Outcome::NotPersistent => {
                return Err(format!("license {} is not persistent", r.kid));
            }
            drm_keyexchange::Outcome::Refused(e) => {
                return Err(format!("license {} refused: {e}", r.kid));
            }
        }
    }
    let kids: Vec<Kid> = ids.iter().map(|(k, _)| *k).collect();
    let mut buf = [0u8; RECORD_MAX_LEN];
    session::stage_kids(
        &mut device.store,
        &mut txn,
        &acquired.session,
        &kids,
        &mut buf,
    )
    .map_err(|e| format!("session record: {e}"))?;
    device
        .store
        .commit(&txn)
        .map_err(|e| format!("store commit: {e}"))?;
    Ok(ids)
}

/// The licenses in the store for `kid`.
fn licenses_of(device: &mut Device, kid: &Kid) -> Result<usize, String> {
    let mut n = 0usize;
    device
        .store
        .for_each(&Namespace::LICENSES, Some(kid.as_bytes()), |k1, _, _| {
            if k1 == kid.as_bytes() {
                n += 1;
            }
            ControlFlow::Continue(())
        })
        .map_err(e2s)?;
    Ok(n)
}

/// Slots in a namespace, and their data bytes.
fn slots(device: &mut Device, ns: &Namespace) -> Result<(usize, usize), String> {
    let (mut n, mut bytes) = (0usize, 0usize);
    device
        .store
        .for_each(ns, None, |_, _, len| {
            n += 1;
            bytes += len;
            ControlFlow::Continue(())
        })
        .map_err(e2s)?;
    Ok((n, bytes))
}

/// Acquires one session of persistent content licenses and stores them.
fn acquire_session(
    paths: &StatePaths,
    device: &mut Device,
    servers: &mut Servers,
    root: &[u8; 64],
    record: &mut Record,
) -> Result<String, String> {
    let grants: Vec<Grant> = (0..LICENSES_PER_SESSION)
        .map(|_| Grant::content())
        .collect();
    let (ids, session) = acquire_and_store(paths, device, servers, root, record, grants, false)?;
    Ok(format!(
        "{} persistent licenses verified and stored with session {session} (one commit)",
        ids.len(),
    ))
}

/// Acquires one license per grant (fresh random KIDs) in one request, stores them with their
/// session record, and notes the session.
fn acquire_and_store(
    paths: &StatePaths,
    device: &mut Device,
    servers: &mut Servers,
    root: &[u8; 64],
    record: &mut Record,
    grants: Vec<Grant>,
    key_exchange: bool,
) -> Result<(Vec<(Kid, Lid)>, SessionId), String> {
    let mut kids = Vec::new();
    for grant in grants {
        let kid = Kid::random(&mut device.rng).map_err(e2s)?;
        servers.license.grant(kid.to_bytes(), grant);
        kids.push(kid);
    }
    let acquired = acquire(device, servers, root, &kids)?;
    let ids = store_with_session(device, &acquired)?;
    save_licenses(paths, &acquired.licenses)?;
    record.sessions.push(SessionEntry {
        id: acquired.session,
        kids: ids.iter().map(|(k, _)| *k).collect(),
        phase: Phase::Active,
        key_exchange,
    });
    Ok((ids, acquired.session))
}

/// First run: one KeyExchangeLicense per algorithm and operation in one acquisition, stored
/// with its session, then Prepare/Perform/Close on each, checked against the server.
fn key_exchange_first(
    paths: &StatePaths,
    device: &mut Device,
    servers: &mut Servers,
    root: &[u8; 64],
    record: &mut Record,
    p: &mut Progress,
) {
    let grants = kx::CASES
        .iter()
        .map(|c| {
            let (a, o) = c.grant();
            Grant::key_exchange(a, o)
        })
        .collect();
    let stored = acquire_and_store(paths, device, servers, root, record, grants, true);
    let ids = match stored {
        Ok((ids, session)) => {
            p.record(
                "acquire kx licenses",
                Status::Ok,
                format!(
                    "{} KeyExchangeLicenses (AES-128-CBC, HMAC-SHA256, ECDSA-P256; each one operation) verified and stored with session {session}",
                    ids.len()
                ),
            );
            ids
        }
        Err(e) => {
            p.record("acquire kx licenses", Status::Failed, e);
            return;
        }
    };
    for (case, (kid, _)) in kx::CASES.iter().zip(&ids) {
        match kx::perform_with_server(*case, kid, device, &servers.license) {
            Ok((entry, detail)) => {
                record.kx.push(entry);
                p.record(format!("kx {}", case.name()), Status::Ok, detail);
            }
            Err(e) => p.record(format!("kx {}", case.name()), Status::Failed, e),
        }
    }
}

/// Secure Delete with the simulated device's identity.
type DeviceSecureDelete<'d> = SecureDelete<'d, SoftwareIdentity<Vec<u8>>>;

/// Secure Delete for the device, to the simulated server's key, and a buffer of the exact
/// challenge length of session `id`.
fn challenge_buffer<'d>(
    identity: &'d SoftwareIdentity<Vec<u8>>,
    store: &mut DeviceStore,
    servers: &Servers,
    id: &SessionId,
) -> Result<(DeviceSecureDelete<'d>, Vec<u8>), String> {
    let sd = SecureDelete::new(identity)
        .with_server_key(servers.secure_delete.public_key())
        .map_err(e2s)?;
    let len = sd.challenge_len(store, id).map_err(e2s)?;
    Ok((sd, vec![0u8; len]))
}

/// Remove of session `id` (drm-securedelete): in one commit its licenses are deleted (and their
/// bytes erased from the flash image, which is checked) and the session becomes pending; the
/// challenge is written to `challenges/SESSION.xml`. Returns the challenge and a description.
fn remove_session(
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
            .for_each(&Namespace::LICENSES, Some(kid.as_bytes()), |k1, k2, _| {
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
                .get(&Namespace::LICENSES, kid.as_bytes(), &lid, &mut buf)
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

fn write_challenge_file(
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
fn send_challenge(
    device: &mut Device,
    servers: &mut Servers,
    record: &mut Record,
    id: SessionId,
    challenge: &[u8],
) -> Result<String, String> {
    servers.delete_requests += 1;
    let reply = servers.secure_delete.handle(challenge);
    let saw = match &reply.outcome {
        Ok(o) => match o.result {
            Some(DeleteResult::Deleted { removed }) => {
                format!("server: challenge valid, {removed} licenses counted deleted")
            }
            Some(DeleteResult::AlreadyDeleted) => "server: session already deleted".into(),
            Some(DeleteResult::UnknownSession) => "server: unknown session".into(),
            None => "server: refused".into(),
        },
        Err(e) => {
            servers.delete_refused += 1;
            return Err(format!(
                "the Secure Delete server refused the challenge: {e}"
            ));
        }
    };
    let done = SecureDelete::new(&device.identity)
        .process_response(&mut device.store, reply.xml.as_bytes())
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
fn complete_pending(
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
fn found_again(device: &mut Device, record: &Record) -> Result<String, String> {
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

/// Runs the demo.
pub fn run(paths: StatePaths, json_out: bool) -> Result<Report, CliError> {
    let mut p = Progress {
        rows: Vec::new(),
        quiet: json_out,
    };
    p.say(&format!(
        "drm-sim demo: state in {} (test material only)",
        paths.root.display()
    ));
    let State {
        paths,
        device: identity,
        servers: keys,
        fresh,
        lock: _lock,
    } = state::open_or_provision(paths)?;
    p.record(
        "provisioning",
        Status::Ok,
        if fresh {
            "first run: device keys generated, chain issued by a new test authority"
        } else {
            "device and server keys loaded from the state directory"
        },
    );
    let root = keys.root;
    let device_id = check_chain(&identity, &root, &mut p);
    let mut record = Record::load(&paths)?;
    let mut servers = Servers::start(&keys, &record, &device_id);
    p.record(
        "servers",
        Status::Ok,
        format!(
            "license server (key {}) and Secure Delete server (key {}) in process",
            fingerprint(&servers.license.public_key()),
            fingerprint(&servers.secure_delete.public_key())
        ),
    );

    let (mut device, opened) = device::open(&paths, identity)?;
    let first_run = opened == Opened::Formatted || record.sessions.is_empty();
    if opened == Opened::Formatted {
        record = Record::default();
    }
    let stats = device.store.stats();
    let opening = device.meter.get();
    p.record(
        "hds",
        Status::Ok,
        format!(
            "{} the store on {} ({} pages of {} KiB, {} buckets, commit {}); {}: {} reads ({} bytes), {} writes, {} pages erased",
            match opened {
                Opened::Formatted => "formatted",
                Opened::Mounted => "mounted (integrity checked)",
            },
            paths.flash_image().display(),
            stats.pages,
            device::FLASH_PAGE / 1024,
            stats.buckets,
            stats.seq,
            match opened {
                Opened::Formatted => {
                    "a new image is read whole first (only a blank one is formatted), then erased and written"
                }
                Opened::Mounted => "mounting",
            },
            opening.reads,
            opening.read_bytes,
            opening.writes,
            opening.erases
        ),
    );

    if !first_run {
        let r = found_again(&mut device, &record);
        p.outcome("found again", r);
    }

    if first_run {
        key_exchange_first(
            &paths,
            &mut device,
            &mut servers,
            &root,
            &mut record,
            &mut p,
        );
    } else {
        for entry in record.kx.clone() {
            let r = kx::perform_again(&entry, &mut device);
            p.outcome(format!("kx {}", entry.op), r);
        }
    }

    let pending: Vec<SessionId> = record
        .sessions
        .iter()
        .filter(|s| s.phase == Phase::Pending)
        .map(|s| s.id)
        .collect();
    for id in pending {
        let r = complete_pending(&mut device, &mut servers, &paths, &mut record, id);
        p.outcome("secure delete (reboot)", r);
    }
    let new_sessions = if first_run { FIRST_RUN_SESSIONS } else { 1 };
    for i in 0..new_sessions {
        let r = acquire_session(&paths, &mut device, &mut servers, &root, &mut record);
        p.outcome(format!("acquire session {}", i + 1), r);
    }
    // The first run deletes one session all the way; every run then removes the oldest
    // active session and leaves it pending, as if the response were lost: the next run
    // generates its challenge again.
    let active = |r: &Record| {
        r.sessions
            .iter()
            .find(|s| s.phase == Phase::Active && !s.key_exchange)
            .map(|s| s.id)
    };
    let encrypt_kid = record
        .kx
        .iter()
        .find(|k| k.op == kx::Case::AesEncrypt.name())
        .map(|k| k.kid);
    let content_kid = record
        .sessions
        .iter()
        .find(|s| s.phase == Phase::Active && !s.key_exchange)
        .and_then(|s| s.kids.first().copied());
    if let (Some(e), Some(c)) = (encrypt_kid, content_kid) {
        let r = kx::policy_enforced(&mut device, &e, &c);
        p.outcome("kx policy", r);
    }
    if first_run && let Some(id) = active(&record) {
        let r = remove_session(&mut device, &servers, &paths, &mut record, id).and_then(
            |(challenge, removed)| {
                send_challenge(&mut device, &mut servers, &mut record, id, &challenge)
                    .map(|sent| format!("session {id}: {removed}; {sent}"))
            },
        );
        p.outcome("secure delete", r);
    }
    if let Some(id) = active(&record) {
        let r =
            remove_session(&mut device, &servers, &paths, &mut record, id).map(|(_, removed)| {
                format!(
                    "session {id}: {removed}; not sent (a lost response: the next run sends it)"
                )
            });
        p.outcome("remove (left pending)", r);
    }
    record.save(&paths)?;

    let end = End {
        paths: &paths,
        fresh,
        first_run,
        device_id: &device_id,
        opening,
    };
    Ok(finish(&end, &mut device, &servers, p))
}

/// What the summary needs besides the device and the servers.
struct End<'a> {
    paths: &'a StatePaths,
    fresh: bool,
    first_run: bool,
    device_id: &'a [u8; 16],
    /// The flash traffic of opening the store (mount, or blank check and format).
    opening: Traffic,
}

fn traffic_json(t: &Traffic) -> Value {
    json!({
        "reads": t.reads, "read_bytes": t.read_bytes,
        "writes": t.writes, "write_bytes": t.write_bytes,
        "pages_erased": t.erases,
    })
}

fn finish(end: &End<'_>, device: &mut Device, servers: &Servers, p: Progress) -> Report {
    let seen = servers.backend.device(end.device_id).unwrap_or_default();
    let deleted = seen.sessions.values().filter(|s| s.deleted).count();
    let traffic = device.meter.get();
    let stats = device.store.stats();
    let (licenses, license_bytes) = slots(device, &Namespace::LICENSES).unwrap_or_default();
    let (sessions, _) = slots(device, &SESSIONS).unwrap_or_default();

    let mut text = String::from("\nsummary\n");
    let width = p
        .rows
        .iter()
        .map(|r| r.step.len())
        .max()
        .unwrap_or(4)
        .max(4);
    text.push_str(&format!("  {:<width$}  result\n", "step"));
    text.push_str(&format!("  {:-<width$}  {:-<17}\n", "", ""));
    for r in &p.rows {
        text.push_str(&format!("  {:<width$}  {}\n", r.step, r.status.text()));
    }
    text.push_str(&format!(
        "\nlicense server:   {} requests ({} refused), {} licenses issued\n",
        servers.license_requests, servers.license_refused, servers.licenses_issued
    ));
    text.push_str(&format!(
        "secure delete:    {} challenges ({} refused)\n",
        servers.delete_requests, servers.delete_refused
    ));
    text.push_str(&format!(
        "server database:  {} sessions for this device, {deleted} securely deleted, {} persistent licenses live\n",
        seen.sessions.len(),
        seen.live_persistent
    ));
    text.push_str(&format!(
        "flash traffic:    {} reads ({} bytes), {} writes ({} bytes), {} pages erased (this run; {} reads ({} bytes) of them opening the store)\n",
        traffic.reads, traffic.read_bytes, traffic.writes, traffic.write_bytes, traffic.erases,
        end.opening.reads, end.opening.read_bytes
    ));
    text.push_str(&format!(
        "store:            {licenses} licenses ({license_bytes} bytes), {sessions} session records; {} pages, commit {}, erase counts {}..{}\n",
        stats.pages, stats.seq, stats.erase_min, stats.erase_max
    ));
    let failed: Vec<&str> = p
        .rows
        .iter()
        .filter(|r| r.status == Status::Failed)
        .map(|r| r.step.as_str())
        .collect();
    let missing = p
        .rows
        .iter()
        .filter(|r| r.status == Status::NotAvailable)
        .count();
    text.push_str(&format!(
        "\n{} steps ok, {} failed, {missing} not available yet. State: {}\n",
        p.rows.iter().filter(|r| r.status == Status::Ok).count(),
        failed.len(),
        end.paths.root.display()
    ));
    if end.first_run {
        text.push_str("Run the demo again: the second run finds these licenses in the store.\n");
    }
    let steps: Vec<Value> = p
        .rows
        .iter()
        .map(|r| json!({"step": r.step, "result": r.status.text(), "detail": r.detail}))
        .collect();
    Report {
        text,
        json: json!({
            "state": end.paths.root.display().to_string(),
            "first_run": end.first_run,
            "provisioned_now": end.fresh,
            "steps": steps,
            "license_server": {
                "requests": servers.license_requests,
                "refused": servers.license_refused,
                "licenses_issued": servers.licenses_issued,
            },
            "secure_delete_server": {
                "challenges": servers.delete_requests,
                "refused": servers.delete_refused,
            },
            "server_database": {
                "device": hex(end.device_id),
                "sessions": seen.sessions.len(),
                "sessions_deleted": deleted,
                "live_persistent_licenses": seen.live_persistent,
            },
            "flash_traffic": traffic_json(&traffic),
            "flash_traffic_opening": traffic_json(&end.opening),
            "store": {
                "pages": stats.pages,
                "buckets": stats.buckets,
                "commit": stats.seq,
                "erase_min": stats.erase_min,
                "erase_max": stats.erase_max,
                "licenses": licenses,
                "license_bytes": license_bytes,
                "session_records": sessions,
            },
        }),
        failure: (!failed.is_empty()).then(|| format!("demo steps failed: {}", failed.join(", "))),
    }
}
