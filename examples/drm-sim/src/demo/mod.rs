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

use drm_core::SessionId;
use drm_keyexchange::licenses::LICENSES;
use drm_securedelete::session::SESSIONS;
use drm_servers_http::{Client, Config, Limits, Running, ServerKeys};
use serde_json::{Value, json};

use crate::device::{self, Device, Opened};
use crate::kx;
use crate::record::{Phase, Record};
use crate::report::{CliError, Report, fingerprint, hex};
use crate::state::{self, Keys, State, StatePaths};
use drm_hds::counters::Counters as Traffic;

mod delete;
mod licenses;

use delete::{complete_pending, found_again, remove_session, send_challenge};
use licenses::{acquire_session, check_chain, key_exchange_first, slots};

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

/// The simulated servers, reached over HTTP (started by the demo on loopback, or given with
/// `--server`), and what this run asked them.
struct Servers {
    client: Client,
    /// The servers the demo started (stopped when the demo ends); `None` with `--server`.
    running: Option<Running>,
    license_key: [u8; 64],
    secure_delete_key: [u8; 64],
    license_requests: u32,
    license_refused: u32,
    licenses_issued: u32,
    delete_requests: u32,
    delete_refused: u32,
}

impl Servers {
    /// Starts both servers on an ephemeral loopback port with the keys of the state directory
    /// and their records in it. A database that knows nothing of the device while the record of
    /// earlier runs does (a state directory from before the records were kept) gets those
    /// sessions first.
    fn start(
        paths: &StatePaths,
        s: &Keys,
        record: &Record,
        device_id: &[u8; 16],
    ) -> Result<Self, String> {
        let running = drm_servers_http::start(server_config(paths, s, 0, false))
            .map_err(|e| format!("{e}"))?;
        let backend = running.backend();
        if backend.device(device_id).is_none() {
            for entry in &record.sessions {
                let kids: Vec<[u8; 16]> = entry.kids.iter().map(|k| k.to_bytes()).collect();
                backend
                    .record_issue(device_id, &entry.id.to_bytes(), &kids)
                    .map_err(e2s)?;
                if entry.phase == Phase::Deleted {
                    backend
                        .record_delete(device_id, &entry.id.to_bytes(), &kids)
                        .map_err(e2s)?;
                }
            }
        }
        let client = Client::new(&running.url()).map_err(e2s)?;
        Ok(Self::with(client, Some(running), s))
    }

    /// The servers at `url`, which must run with the keys of this state directory.
    fn connect(url: &str, s: &Keys) -> Result<Self, String> {
        let client = Client::new(url).map_err(e2s)?;
        let info = client
            .info()
            .map_err(|e| format!("no simulated servers at {url}: {e}"))?;
        if info.license_server_key != s.license_key.public()
            || info.secure_delete_server_key != s.securedelete_key.public()
            || info.root != s.root
        {
            return Err(format!(
                "the servers at {url} run with other keys than this state directory's \
                 (start them with `drm-sim serve --state` naming this directory)"
            ));
        }
        Ok(Self::with(client, None, s))
    }

    fn with(client: Client, running: Option<Running>, s: &Keys) -> Self {
        Self {
            client,
            running,
            license_key: s.license_key.public(),
            secure_delete_key: s.securedelete_key.public(),
            license_requests: 0,
            license_refused: 0,
            licenses_issued: 0,
            delete_requests: 0,
            delete_refused: 0,
        }
    }
}

/// What `drm-sim serve` and the demo start: both servers on 127.0.0.1:`port` with the keys of
/// the state directory and their records in `servers/records.sqlite` of it.
pub fn server_config(paths: &StatePaths, s: &Keys, port: u16, echo: bool) -> Config {
    Config {
        port,
        database: paths.server_database(),
        keys: ServerKeys {
            license: s.license_key.clone(),
            license_identity: s.license_identity.clone(),
            secure_delete: s.securedelete_key.clone(),
            root: s.root,
        },
        limits: Limits::default(),
        echo,
    }
}

fn e2s(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Runs the demo: against servers it starts on loopback, or against those at `server`.
pub fn run(paths: StatePaths, json_out: bool, server: Option<&str>) -> Result<Report, CliError> {
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
    let servers = match server {
        None => Servers::start(&paths, &keys, &record, &device_id),
        Some(url) => Servers::connect(url, &keys),
    };
    let mut servers = servers.map_err(|e| CliError::fail(format!("servers: {e}")))?;
    p.record(
        "servers",
        Status::Ok,
        format!(
            "license server (key {}) and Secure Delete server (key {}) on {}{}",
            fingerprint(&servers.license_key),
            fingerprint(&servers.secure_delete_key),
            servers.client.url(),
            if servers.running.is_some() {
                " (started by the demo, loopback)"
            } else {
                " (--server)"
            }
        ),
    );

    let (mut device, opened) = device::open(&paths, identity)?;
    let first_run = opened == Opened::Formatted || record.sessions.is_empty();
    if opened == Opened::Formatted {
        record = Record::default();
    }
    let stats = device.store.stats();
    let opening = *device.store.flash().counters();
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
    let seen = servers.client.device(end.device_id);
    let traffic = *device.store.flash().counters();
    let stats = device.store.stats();
    let (licenses, license_bytes) = slots(device, &LICENSES).unwrap_or_default();
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
    match &seen {
        Ok(seen) => text.push_str(&format!(
            "server database:  {} sessions for this device, {} securely deleted, {} persistent licenses live\n",
            seen.sessions, seen.sessions_deleted, seen.live_persistent
        )),
        Err(e) => text.push_str(&format!("server database:  not read: {e}\n")),
    }
    text.push_str(&format!(
        "flash traffic:    {} reads ({} bytes), {} writes ({} bytes), {} pages erased (this run; {} reads ({} bytes) of them opening the store)\n",
        traffic.reads, traffic.read_bytes, traffic.writes, traffic.write_bytes, traffic.erases,
        end.opening.reads, end.opening.read_bytes
    ));
    text.push_str(&format!(
        "store:            {licenses} licenses ({license_bytes} bytes), {sessions} session records; {} pages, commit {}, erase counts {}..{}\n",
        stats.pages, stats.seq, stats.erase_min, stats.erase_max
    ));
    let mut failed: Vec<&str> = p
        .rows
        .iter()
        .filter(|r| r.status == Status::Failed)
        .map(|r| r.step.as_str())
        .collect();
    if seen.is_err() {
        failed.push("server database");
    }
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
            "server": servers.client.url(),
            "server_database": match &seen {
                Ok(seen) => json!({
                    "device": hex(end.device_id),
                    "sessions": seen.sessions,
                    "sessions_deleted": seen.sessions_deleted,
                    "live_persistent_licenses": seen.live_persistent,
                }),
                Err(e) => json!({ "device": hex(end.device_id), "error": e.to_string() }),
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
