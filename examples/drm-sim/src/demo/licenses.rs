//! The demo's license steps: the device chain checked, licenses acquired from the simulated
//! license server and stored with their session, the first key exchange of each license.

use std::ops::ControlFlow;

use drm_core::acquire::{ChallengeParams, challenge_sizes, process_response, write_challenge};
use drm_core::bcert::CertificateChain;
use drm_core::platform::DeviceIdentity;
use drm_core::xmr::ParsedLicense;
use drm_core::{Kid, Lid, SessionId};
use drm_hds::{Namespace, Transaction};
use drm_keyexchange::licenses::LICENSES;
use drm_securedelete::session::{self, RECORD_MAX_LEN};
use drm_servers::xmr::{KxAlgorithm, KxOperation};

use crate::device::Device;
use crate::kx;
use crate::record::{Phase, Record, SessionEntry};
use crate::report::now;
use crate::state::{self, StatePaths};

use super::{LICENSES_PER_SESSION, Progress, Servers, Status, e2s};

/// Step: the device's chain, checked the device's way (drm-core) and the server's way
/// (drm-tests' independent verifier), both to the test root. Returns the leaf's cert id.
pub(super) fn check_chain(
    identity: &impl DeviceIdentity,
    root: &[u8; 64],
    p: &mut Progress,
) -> [u8; 16] {
    let chain = identity.certificate_chain();
    let device_view = CertificateChain::parse(chain).and_then(|c| c.verify(root, Some(now())));
    let server_view = drm_servers::pki::verify_device_chain(chain, root);
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
pub(super) struct Acquired {
    licenses: Vec<Vec<u8>>,
    session: SessionId,
}

/// One license acquisition: the device's challenge (drm-core), the license server's answer, the
/// device's processing of the response (server chain, signature, nonce).
pub(super) fn acquire(
    device: &mut Device,
    servers: &mut Servers,
    root: &[u8; 64],
    kids: &[Kid],
) -> Result<Acquired, String> {
    let server_key = servers.license_key;
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
    let reply = servers
        .client
        .acquire_license(challenge)
        .map_err(|e| format!("the license server: {e}"))?;
    if reply.status != 200 {
        servers.license_refused += 1;
        return Err(format!(
            "the license server refused the challenge: HTTP {}, {}",
            reply.status,
            reply.outcome.as_deref().unwrap_or("no outcome given")
        ));
    }
    let mut buf = vec![0u8; reply.body.len()];
    let got = process_response(&reply.body, &pending, root, Some(time), &mut buf)
        .map_err(|e| format!("response: {e}"))?;
    servers.licenses_issued += u32::try_from(got.iter().count()).unwrap_or(u32::MAX);
    let session = got
        .response_id()
        .ok_or("the response has no ResponseID (session id)")?;
    Ok(Acquired {
        licenses: got.iter().map(<[u8]>::to_vec).collect(),
        session,
    })
}

/// Copies received licenses to `licenses/KID.xmr` (for `drm-sim xmr inspect`).
pub(super) fn save_licenses(paths: &StatePaths, licenses: &[Vec<u8>]) -> Result<(), String> {
    let dir = paths.licenses_dir();
    for bytes in licenses {
        let kid = ParsedLicense::parse(bytes).map_err(e2s)?.kid();
        state::write(&dir.join(format!("{kid}.xmr")), bytes).map_err(|e| e.one_line())?;
    }
    Ok(())
}

/// Stores the licenses of an acquisition with their session record, in one atomic commit.
pub(super) fn store_with_session(
    device: &mut Device,
    acquired: &Acquired,
) -> Result<Vec<(Kid, Lid)>, String> {
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
pub(super) fn licenses_of(device: &mut Device, kid: &Kid) -> Result<usize, String> {
    let mut n = 0usize;
    device
        .store
        .for_each(&LICENSES, Some(kid.as_bytes()), |k1, _, _| {
            if k1 == kid.as_bytes() {
                n += 1;
            }
            ControlFlow::Continue(())
        })
        .map_err(e2s)?;
    Ok(n)
}

/// Slots in a namespace, and their data bytes.
pub(super) fn slots(device: &mut Device, ns: &Namespace) -> Result<(usize, usize), String> {
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
pub(super) fn acquire_session(
    paths: &StatePaths,
    device: &mut Device,
    servers: &mut Servers,
    root: &[u8; 64],
    record: &mut Record,
) -> Result<String, String> {
    let grants = vec![None; LICENSES_PER_SESSION];
    let (ids, session) = acquire_and_store(paths, device, servers, root, record, grants, false)?;
    Ok(format!(
        "{} persistent licenses verified and stored with session {session} (one commit)",
        ids.len(),
    ))
}

/// Acquires one license per grant (fresh random KIDs) in one request, stores them with their
/// session record, and notes the session. A grant is a KeyExchangeLicense's algorithm and
/// operation (registered with the server first), or `None`: a persistent content license, what
/// the server issues for a KID it was told nothing of.
pub(super) fn acquire_and_store(
    paths: &StatePaths,
    device: &mut Device,
    servers: &mut Servers,
    root: &[u8; 64],
    record: &mut Record,
    grants: Vec<Option<(KxAlgorithm, KxOperation)>>,
    key_exchange: bool,
) -> Result<(Vec<(Kid, Lid)>, SessionId), String> {
    let mut kids = Vec::new();
    for grant in grants {
        let kid = Kid::random(&mut device.rng).map_err(e2s)?;
        if let Some((a, o)) = grant {
            servers
                .client
                .grant_key_exchange(&kid.to_bytes(), a, o)
                .map_err(|e| format!("the license server: {e}"))?;
        }
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
pub(super) fn key_exchange_first(
    paths: &StatePaths,
    device: &mut Device,
    servers: &mut Servers,
    root: &[u8; 64],
    record: &mut Record,
    p: &mut Progress,
) {
    let grants = kx::CASES.iter().map(|c| Some(c.grant())).collect();
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
        match kx::perform_with_server(*case, kid, device, &servers.client) {
            Ok((entry, detail)) => {
                record.kx.push(entry);
                p.record(format!("kx {}", case.name()), Status::Ok, detail);
            }
            Err(e) => p.record(format!("kx {}", case.name()), Status::Failed, e),
        }
    }
}
