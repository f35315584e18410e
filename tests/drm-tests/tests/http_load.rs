//! The simulated servers over HTTP under load (`drm-servers-http`): 16 devices at once, each a
//! thread with its own identity and HDS, acquire 20 sessions of persistent licenses from one
//! server on loopback and securely delete them, the client side being the kit's own code
//! (drm-core's acquisition, drm-keyexchange's delivery, drm-securedelete) and the HTTP the
//! `ureq` client's. In the middle the server is stopped and a new one is started on the same
//! SQLite file and port: it must know every session issued before (the database is counted
//! while no server runs) and accept their Secure Delete challenges, with every count exact at the
//! end. Before the devices run their second half, malformed HTTP and SOAP is sent to the new
//! server: each gets its fault and status (or, for headers that never end, the connection
//! closed) and is logged, and every device request after them is served.
//!
//! Bounded: a fixed number of devices, sessions and malformed requests; every socket has a
//! timeout; the whole test must end within [`DEADLINE`] (asserted).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use drm_core::acquire::{ChallengeParams, challenge_sizes, process_response, write_challenge};
use drm_core::platform::{DeviceIdentity as _, SoftwareIdentity};
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_core::{Kid, SessionId};
use drm_hds::mock::MockFlash;
use drm_hds::{Config as StoreConfig, Store, Transaction};
use drm_securedelete::session::{self, RECORD_MAX_LEN};
use drm_securedelete::{LICENSES, SecureDelete};
use drm_servers::TestRng;
use drm_servers::backend::Totals;
use drm_servers::crypto::KeyPair;
use drm_servers::pki::{Authority, SL_2000};
use drm_servers::soap::fault;
use drm_servers_http::{
    Client, Config, LICENSE_PATH, Limits, Running, SECURE_DELETE_PATH, ServerKeys, records,
};
use drm_target_host::InsecureTestRng;

const DEVICES: usize = 16;
const SESSIONS: usize = 20;
/// Sessions each device deletes before the restart; the rest after it.
const BEFORE_RESTART: usize = 10;
const LICENSES_PER_SESSION: usize = 2;
/// The whole test must end within this.
const DEADLINE: Duration = Duration::from_secs(120);
/// Every raw socket's read and write timeout.
const SOCKET_TIMEOUT: Duration = Duration::from_secs(10);
/// 32 pages of 4 KiB per device.
const FLASH_LEN: usize = 32 * 4096;

type Hds<'a> = Store<MockFlash<'a>>;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// What the devices did, counted on the device side.
#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    failures: AtomicU64,
    licenses_stored: AtomicU64,
    sessions_deleted: AtomicU64,
}

struct World {
    keys: ServerKeys,
    root: [u8; 64],
    devices: Vec<SoftwareIdentity<Vec<u8>>>,
    database: PathBuf,
}

fn world(name: &str) -> World {
    let mut ca = Authority::from_seed(7000);
    let identity = ca.provision_server();
    let mut rng = TestRng::from_seed(7001);
    let keys = ServerKeys {
        license: KeyPair::generate(&mut rng),
        license_identity: identity,
        secure_delete: KeyPair::generate(&mut rng),
        root: ca.root_public_key(),
    };
    let devices = (0..DEVICES)
        .map(|i| {
            let dev = ca.provision_device(SL_2000);
            SoftwareIdentity::new(
                EccPrivateKey::from_bytes(dev.signing_key_bytes()),
                EccPrivateKey::from_bytes(dev.encryption_key_bytes()),
                HmacKey::from_bytes([i as u8 + 1; 32]),
                dev.chain.clone(),
                dev.security_level,
            )
            .unwrap()
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("drm-http-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    World {
        root: ca.root_public_key(),
        keys,
        devices,
        database: dir.join("records.sqlite"),
    }
}

fn start(w: &World, port: u16) -> Running {
    let limits = Limits {
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    start_with(w, port, limits)
}

fn start_with(w: &World, port: u16, limits: Limits) -> Running {
    drm_servers_http::start(Config {
        port,
        database: w.database.clone(),
        keys: w.keys.clone(),
        limits,
        echo: false,
    })
    .unwrap()
}

/// One device: its identity, its store, and the sessions it holds.
struct Device<'a> {
    identity: &'a SoftwareIdentity<Vec<u8>>,
    store: Hds<'a>,
    rng: InsecureTestRng,
    sessions: Vec<(SessionId, Vec<Kid>)>,
}

impl Device<'_> {
    /// One acquisition of `LICENSES_PER_SESSION` new KIDs, checked and stored with its session.
    fn acquire(&mut self, client: &Client, w: &World, tally: &Tally) -> Result<(), String> {
        let kids: Vec<Kid> = (0..LICENSES_PER_SESSION)
            .map(|_| Kid::random(&mut self.rng).unwrap())
            .collect();
        let server_key = w.keys.license.public();
        let time = now();
        let params = ChallengeParams::new(&kids, &server_key, time);
        let sizes = challenge_sizes(&params, self.identity.certificate_chain().len())
            .map_err(|e| e.to_string())?;
        let (mut work, mut out) = (vec![0u8; sizes.work], vec![0u8; sizes.challenge]);
        let (pending, challenge) =
            write_challenge(&params, self.identity, &mut self.rng, &mut work, &mut out)
                .map_err(|e| format!("challenge: {e}"))?;
        tally.requests.fetch_add(1, Ordering::Relaxed);
        let reply = client
            .acquire_license(challenge)
            .map_err(|e| e.to_string())?;
        if reply.status != 200 {
            return Err(format!(
                "license server: {} {:?}",
                reply.status, reply.outcome
            ));
        }
        let mut buf = vec![0u8; reply.body.len()];
        let got = process_response(&reply.body, &pending, &w.root, Some(time), &mut buf)
            .map_err(|e| format!("response: {e}"))?;
        let session = got.response_id().ok_or("no ResponseID")?;
        let licenses: Vec<Vec<u8>> = got.iter().map(<[u8]>::to_vec).collect();
        if licenses.len() != LICENSES_PER_SESSION {
            return Err(format!("{} licenses in the response", licenses.len()));
        }
        let mut txn = Transaction::new();
        let mut report: drm_keyexchange::Report = drm_keyexchange::Report::new();
        drm_keyexchange::stage(
            self.identity,
            licenses.iter().map(Vec::as_slice),
            &mut txn,
            &mut report,
        )
        .map_err(|e| format!("delivery: {e}"))?;
        let mut stored: Vec<Kid> = Vec::new();
        for r in &report {
            if r.outcome != drm_keyexchange::Outcome::Stored {
                return Err(format!("license {} not stored: {:?}", r.kid, r.outcome));
            }
            stored.push(r.kid);
        }
        let (mut a, mut b) = (stored.clone(), kids.clone());
        a.sort();
        b.sort();
        if a != b {
            return Err("the licenses are not for the KIDs asked for".into());
        }
        let mut rec = [0u8; RECORD_MAX_LEN];
        session::stage_kids(&mut self.store, &mut txn, &session, &stored, &mut rec)
            .map_err(|e| format!("session record: {e}"))?;
        self.store
            .commit(&txn)
            .map_err(|e| format!("commit: {e}"))?;
        tally
            .licenses_stored
            .fetch_add(stored.len() as u64, Ordering::Relaxed);
        self.sessions.push((session, stored));
        Ok(())
    }

    /// Secure Delete of session `i`: removed from the store, challenge sent, the server's
    /// count and response checked, the record gone.
    fn delete(
        &mut self,
        i: usize,
        client: &Client,
        w: &World,
        tally: &Tally,
    ) -> Result<(), String> {
        let (id, kids) = self.sessions[i].clone();
        let sd = SecureDelete::new(self.identity)
            .with_server_key(w.keys.secure_delete.public())
            .map_err(|e| e.to_string())?;
        let len = sd
            .challenge_len(&mut self.store, &id)
            .map_err(|e| e.to_string())?;
        let mut challenge = vec![0u8; len];
        let n = sd
            .remove(&mut self.store, &mut self.rng, &id, &mut challenge)
            .map_err(|e| format!("remove: {e}"))?;
        challenge.truncate(n);
        for kid in &kids {
            let mut left = 0;
            self.store
                .for_each(&LICENSES, Some(kid.as_bytes()), |k1, _, _| {
                    left += usize::from(k1 == kid.as_bytes());
                    core::ops::ControlFlow::Continue(())
                })
                .map_err(|e| e.to_string())?;
            if left != 0 {
                return Err(format!("license {kid} still in the store after remove"));
            }
        }
        tally.requests.fetch_add(1, Ordering::Relaxed);
        let reply = client
            .secure_delete(&challenge)
            .map_err(|e| e.to_string())?;
        let expected = format!("deleted {}", kids.len());
        if reply.status != 200 || reply.outcome.as_deref() != Some(expected.as_str()) {
            return Err(format!(
                "Secure Delete server: {} {:?} (expected {expected})",
                reply.status, reply.outcome
            ));
        }
        let done = sd
            .process_response(&mut self.store, &reply.body)
            .map_err(|e| format!("response: {e}"))?;
        if done != id
            || session::load(&mut self.store, &id)
                .map_err(|e| e.to_string())?
                .is_some()
        {
            return Err(format!("session {id}: the record is still there"));
        }
        tally.sessions_deleted.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Runs `f`, counting a failure (and saying why) instead of stopping the device.
fn check(tally: &Tally, what: &str, r: Result<(), String>) {
    if let Err(e) = r {
        tally.failures.fetch_add(1, Ordering::Relaxed);
        eprintln!("FAILED {what}: {e}");
    }
}

fn totals(devices: u64, sessions: u64, deleted: u64) -> Totals {
    let per = LICENSES_PER_SESSION as u64;
    Totals {
        devices,
        sessions,
        sessions_deleted: deleted,
        licenses_issued: sessions * per,
        licenses_deleted: deleted * per,
        live_persistent: (sessions - deleted) * per,
    }
}

/// The database file's rows, as `records::count_rows` gives them, for these totals.
fn rows(t: &Totals) -> [u64; 5] {
    [
        t.devices,
        t.sessions,
        t.sessions_deleted,
        t.licenses_issued,
        t.licenses_deleted,
    ]
}

// ---- malformed requests ----

/// Sends `bytes` on a new connection (then, if `close_write`, closes the sending side) and
/// reads until the server closes the connection or [`SOCKET_TIMEOUT`].
fn raw(addr: std::net::SocketAddr, bytes: &[u8], close_write: bool) -> (String, Duration) {
    let start = Instant::now();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(SOCKET_TIMEOUT)).unwrap();
    s.set_write_timeout(Some(SOCKET_TIMEOUT)).unwrap();
    s.write_all(bytes).unwrap();
    if close_write {
        s.shutdown(Shutdown::Write).unwrap();
    }
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    (String::from_utf8_lossy(&out).into_owned(), start.elapsed())
}

fn request(path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    let mut r = r.into_bytes();
    r.extend_from_slice(body);
    r
}

const XML: (&str, &str) = ("Content-Type", "text/xml; charset=utf-8");
const ACQUIRE: (&str, &str) = (
    "SOAPAction",
    "\"http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense\"",
);

/// One malformed case: its name, what to send, whether to close the sending side, and the
/// status it must be answered with (`None`: the server closes the connection without an
/// answer, as hyper does on a header timeout).
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    close_write: bool,
    status: Option<u16>,
}

fn malformed_cases() -> Vec<Case> {
    let challenge_start = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><AcquireLicense xmlns=\"http://schemas.microsoft.com/DRM/2007/03/protocols\">";
    let mut truncated = request(LICENSE_PATH, &[XML, ACQUIRE], &[b'x'; 4000]);
    truncated.truncate(truncated.len() - 3900);
    let mut oversized_chunked = b"POST /rightsmanager.asmx HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: text/xml\r\nSOAPAction: \"http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense\"\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..17 {
        oversized_chunked.extend_from_slice(b"10000\r\n");
        oversized_chunked.extend_from_slice(&[b' '; 0x10000]);
        oversized_chunked.extend_from_slice(b"\r\n");
    }
    oversized_chunked.extend_from_slice(b"0\r\n\r\n");
    let mut slow_body = request(LICENSE_PATH, &[XML, ACQUIRE], &[b'x'; 100]);
    slow_body.truncate(slow_body.len() - 90);
    vec![
        Case {
            name: "truncated body (Content-Length 4000, 100 bytes sent, then closed)",
            bytes: truncated,
            close_write: true,
            status: Some(400),
        },
        Case {
            name: "body not sent whole within the body timeout",
            bytes: slow_body,
            close_write: false,
            status: Some(408),
        },
        Case {
            name: "oversized body declared (Content-Length 2 MiB)",
            bytes: b"POST /rightsmanager.asmx HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: text/xml\r\nSOAPAction: \"http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense\"\r\nContent-Length: 2097152\r\n\r\n".to_vec(),
            close_write: false,
            status: Some(413),
        },
        Case {
            name: "oversized body sent (chunked, 17 x 64 KiB)",
            bytes: oversized_chunked,
            close_write: false,
            status: Some(413),
        },
        Case {
            name: "wrong content type",
            bytes: request(LICENSE_PATH, &[("Content-Type", "application/json"), ACQUIRE], b"{}"),
            close_write: false,
            status: Some(415),
        },
        Case {
            name: "wrong charset",
            bytes: request(LICENSE_PATH, &[("Content-Type", "text/xml; charset=iso-8859-1"), ACQUIRE], b"<a/>"),
            close_write: false,
            status: Some(415),
        },
        Case {
            name: "unknown SOAPAction",
            bytes: request(LICENSE_PATH, &[XML, ("SOAPAction", "\"urn:nothing\"")], b"<a/>"),
            close_write: false,
            status: Some(400),
        },
        Case {
            name: "the other server's SOAPAction",
            bytes: request(SECURE_DELETE_PATH, &[XML, ACQUIRE], b"<a/>"),
            close_write: false,
            status: Some(400),
        },
        Case {
            name: "no SOAPAction",
            bytes: request(LICENSE_PATH, &[XML], b"<a/>"),
            close_write: false,
            status: Some(400),
        },
        Case {
            name: "not well-formed XML",
            bytes: request(LICENSE_PATH, &[XML, ACQUIRE], &challenge_start[..]),
            close_write: false,
            status: Some(500),
        },
        Case {
            name: "well-formed XML that is not a challenge",
            bytes: request(LICENSE_PATH, &[XML, ACQUIRE], fault(1, "not a challenge").as_bytes()),
            close_write: false,
            status: Some(500),
        },
        Case {
            name: "GET on the license server",
            bytes: b"GET /rightsmanager.asmx HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
            close_write: false,
            status: Some(405),
        },
        Case {
            name: "unknown path",
            bytes: request("/nothing-here", &[XML, ACQUIRE], b"<a/>"),
            close_write: false,
            status: Some(404),
        },
        Case {
            name: "not HTTP at all",
            bytes: b"HELLO THERE\r\n\r\n".to_vec(),
            close_write: false,
            status: Some(400),
        },
        Case {
            name: "headers not sent whole within the header timeout",
            bytes: b"POST /rightsmanager.asmx HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec(),
            close_write: false,
            status: None,
        },
    ]
}

/// Sends every malformed case; returns how many got what they must, and how many of them are
/// answered (with a status) rather than closed.
fn send_malformed(addr: std::net::SocketAddr) -> (usize, usize) {
    let cases = malformed_cases();
    let mut ok = 0;
    let mut answered = 0;
    for c in &cases {
        let (reply, took) = raw(addr, &c.bytes, c.close_write);
        let status = reply
            .strip_prefix("HTTP/1.1 ")
            .and_then(|r| r.get(..3))
            .and_then(|s| s.parse::<u16>().ok());
        let good = match c.status {
            // hyper's own 400 for a request it cannot parse has no body; ours carry a fault.
            Some(400) if c.name == "not HTTP at all" => status == Some(400),
            Some(want) => {
                status == Some(want)
                    && reply.contains("<soap:Fault>")
                    && reply.contains("<StatusCode>0x8004c601</StatusCode>")
            }
            None => reply.is_empty() && took < SOCKET_TIMEOUT,
        };
        answered += usize::from(status.is_some());
        println!(
            "  malformed: {:<70} -> {} in {:.1} s {}",
            c.name,
            status.map_or("closed, no answer".to_owned(), |s| s.to_string()),
            took.as_secs_f64(),
            if good { "ok" } else { "WRONG" }
        );
        if !good {
            eprintln!("unexpected answer to {}: {reply:.400}", c.name);
        }
        ok += usize::from(good);
    }
    assert_eq!(
        ok,
        cases.len(),
        "every malformed request answered as it must be"
    );
    (ok, answered)
}

#[test]
fn sixteen_devices_acquire_and_securely_delete_over_http_across_a_server_restart() {
    let started = Instant::now();
    let w = world("load");
    let server = start(&w, 0);
    let addr = server.addr();
    assert!(addr.ip().is_loopback());
    let url = server.url();
    let tally = Tally::default();
    let barrier = Barrier::new(DEVICES + 1);
    let mut server = Some(server);
    let mut first_stats = None;
    let mut mid_records = None;
    let mut malformed = (0, 0);

    std::thread::scope(|s| {
        for (i, identity) in w.devices.iter().enumerate() {
            let (url, w, tally, barrier) = (&url, &w, &tally, &barrier);
            s.spawn(move || {
                let mut mem = vec![0xFF; FLASH_LEN];
                let store = Store::format(
                    MockFlash::new(&mut mem),
                    HmacKey::from_bytes([0x5A; 32]),
                    StoreConfig::new(),
                )
                .unwrap();
                let mut d = Device {
                    identity,
                    store,
                    rng: InsecureTestRng::seeded(9000 + i as u64),
                    sessions: Vec::new(),
                };
                let client = Client::with_timeout(url, SOCKET_TIMEOUT).unwrap();
                for _ in 0..SESSIONS {
                    let r = d.acquire(&client, w, tally);
                    check(tally, "acquire", r);
                }
                for i in 0..BEFORE_RESTART.min(d.sessions.len()) {
                    let r = d.delete(i, &client, w, tally);
                    check(tally, "delete before the restart", r);
                }
                barrier.wait(); // the server restarts
                barrier.wait();
                for i in BEFORE_RESTART..d.sessions.len() {
                    let r = d.delete(i, &client, w, tally);
                    check(tally, "delete after the restart", r);
                }
            });
        }
        barrier.wait();
        // Every device has acquired and deleted its first half: restart.
        let old = server.take().unwrap();
        first_stats = Some(old.stats());
        old.stop();
        mid_records = Some(records::count_rows(&w.database).unwrap());
        server = Some(start(&w, addr.port()));
        // The new server gets the malformed requests first; the devices' second half, all of
        // it after them, shows it still serving.
        malformed = send_malformed(addr);
        barrier.wait();
    });

    let server = server.unwrap();
    let client = Client::new(&url).unwrap();
    let end = client.records().unwrap();
    let second_stats = server.stats();
    let log = server.log().lines();
    server.stop();
    let end_rows = records::count_rows(&w.database).unwrap();

    let first = first_stats.unwrap();
    let requests = tally.requests.load(Ordering::Relaxed);
    let failures = tally.failures.load(Ordering::Relaxed);
    let served = first.ok + second_stats.ok;
    println!(
        "http load: {DEVICES} devices x {SESSIONS} sessions x {LICENSES_PER_SESSION} licenses, server restarted after {BEFORE_RESTART} deletions each"
    );
    println!(
        "  device requests: {requests}, failures: {failures}; licenses stored: {}, sessions deleted: {}",
        tally.licenses_stored.load(Ordering::Relaxed),
        tally.sessions_deleted.load(Ordering::Relaxed)
    );
    println!(
        "  server before the restart: {} requests ({} ok, {} faults); after: {} requests ({} ok, {} faults, {} connection errors)",
        first.requests,
        first.ok,
        first.faults,
        second_stats.requests,
        second_stats.ok,
        second_stats.faults,
        second_stats.connection_errors
    );
    let mid_records = mid_records.unwrap();
    println!(
        "  database while stopped (devices, sessions, deleted, licenses, counted deleted): {mid_records:?}"
    );
    println!(
        "  records at the end: {} devices, {} sessions ({} deleted), {} licenses issued, {} counted deleted, {} live",
        end.devices,
        end.sessions,
        end.sessions_deleted,
        end.licenses_issued,
        end.licenses_deleted,
        end.live_persistent
    );
    println!("  database at the end: {end_rows:?}");
    println!(
        "  malformed requests: {} answered as they must be ({} with a status); {:.1} s in all",
        malformed.0,
        malformed.1,
        started.elapsed().as_secs_f64()
    );

    let devices = DEVICES as u64;
    let sessions = (DEVICES * SESSIONS) as u64;
    let deleted_before = (DEVICES * BEFORE_RESTART) as u64;
    assert_eq!(failures, 0, "every device request succeeded and verified");
    assert_eq!(
        requests,
        2 * sessions,
        "one acquisition and one challenge per session"
    );
    assert_eq!(
        tally.licenses_stored.load(Ordering::Relaxed),
        sessions * LICENSES_PER_SESSION as u64
    );
    assert_eq!(tally.sessions_deleted.load(Ordering::Relaxed), sessions);
    // The first server answered the acquisitions and the first half of the challenges, the
    // second the rest, every one of them with 200; the faults are the malformed requests only.
    assert_eq!(first.ok, sessions + deleted_before);
    assert_eq!(first.faults, 0);
    assert_eq!(
        served,
        requests + 1,
        "the devices' requests and the final /sim/records"
    );
    assert_eq!(
        mid_records,
        rows(&totals(devices, sessions, deleted_before)),
        "the database holds what the first server did"
    );
    assert_eq!(
        end,
        totals(devices, sessions, sessions),
        "counts exact after the restart"
    );
    assert_eq!(end_rows, rows(&end));
    let faults_logged = log
        .iter()
        .filter(|l| l.contains(" -> 4") || l.contains(" -> 5"))
        .count();
    assert_eq!(
        second_stats.faults as usize,
        malformed.1 - 1,
        "each malformed request the server read as a request got a fault (hyper answers the \
         one that is not HTTP itself)"
    );
    assert_eq!(
        faults_logged, second_stats.faults as usize,
        "every fault logged"
    );
    assert!(
        log.iter().any(|l| l.contains("connection ended")),
        "the closed connections are logged"
    );
    assert!(started.elapsed() < DEADLINE, "bounded in time");
}

#[test]
fn a_connection_over_the_limit_is_closed_at_once_and_logged() {
    let w = world("limit");
    let server = start_with(
        &w,
        0,
        Limits {
            max_connections: 2,
            header_timeout: Duration::from_secs(5),
            ..Limits::default()
        },
    );
    let addr = server.addr();
    // Two connections that send nothing hold both places (until the header timeout).
    let idle: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let (reply, took) = raw(addr, b"GET /sim/records HTTP/1.1\r\nHost: x\r\n\r\n", false);
    assert_eq!(
        reply, "",
        "the third connection is closed without an answer"
    );
    assert!(
        took < Duration::from_secs(2),
        "at once, not at a timeout: {took:?}"
    );
    drop(idle);
    std::thread::sleep(Duration::from_millis(200));
    // With the places free again, the server serves.
    let client = Client::new(&server.url()).unwrap();
    assert_eq!(client.records().unwrap(), Totals::default());
    let stats = server.stats();
    assert_eq!(stats.refused_connections, 1);
    assert!(
        server
            .log()
            .lines()
            .iter()
            .any(|l| l.contains("closed at once: 2 connections open"))
    );
}
