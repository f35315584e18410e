//! `drm-sim demo`: the device against the simulated servers, in process, step by step.
//!
//! Every step reports what really happened. A step whose library piece is not on main yet says
//! "not available yet"; nothing is faked.

use std::io::Write as _;

use drm_core::bcert::CertificateChain;
use drm_core::ids::Kid;
use drm_core::platform::DeviceIdentity;
use serde_json::{Value, json};

use drm_tests::license_server::LicenseServer;
use drm_tests::secure_delete::SecureDeleteServer;
use drm_tests::{Backend, TestRng};

use crate::report::{CliError, Report, fingerprint, now};
use crate::state::{self, State, StatePaths};

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
}

/// One row of the summary.
struct Row {
    step: &'static str,
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

    fn record(&mut self, step: &'static str, status: Status, detail: impl Into<String>) {
        let detail = detail.into();
        self.say(&format!(
            "[{:<19}] {:<6} {detail}",
            step,
            status.text_short()
        ));
        self.rows.push(Row {
            step,
            status,
            detail,
        });
    }
}

impl Status {
    fn text_short(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "FAILED",
            Status::NotAvailable => "n/a",
        }
    }
}

/// Step: the device's chain, checked the device's way (drm-core) and the server's way
/// (drm-tests' independent verifier), both to the test root.
fn check_chain(state: &State, p: &mut Progress) {
    let chain = state.device.certificate_chain();
    let root = &state.servers.root;
    let device_view = CertificateChain::parse(chain).and_then(|c| c.verify(root, Some(now())));
    let server_view = drm_tests::pki::verify_device_chain(chain, root);
    match (device_view, server_view) {
        (Ok(v), Ok(info)) => {
            let keys_match = info.signing_key == state.device.signing_public_key()
                && info.encryption_key == state.device.encryption_public_key();
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
        }
        (Err(e), _) => p.record(
            "device chain",
            Status::Failed,
            format!("device refuses its chain: {e}"),
        ),
        (_, Err(e)) => p.record(
            "device chain",
            Status::Failed,
            format!("server refuses the chain: {e}"),
        ),
    }
}

/// The simulated servers, in process, sharing one backend.
struct Servers {
    backend: Backend,
    license: LicenseServer,
    secure_delete: SecureDeleteServer,
}

impl Servers {
    /// Starts both servers with the keys of the state directory. The backend (which licenses
    /// and sessions the servers issued) lives for this run only.
    fn start(state: &State) -> Self {
        let s = &state.servers;
        let backend = Backend::new();
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
        }
    }
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
    let state = state::open_or_provision(paths)?;
    p.record(
        "provisioning",
        Status::Ok,
        if state.fresh {
            "first run: device keys generated, chain issued by a new test authority"
        } else {
            "second run: device and server keys loaded from the state directory"
        },
    );
    check_chain(&state, &mut p);
    let servers = Servers::start(&state);
    p.record(
        "servers",
        Status::Ok,
        format!(
            "license server and Secure Delete server running in process (license server key {}, Secure Delete key {})",
            fingerprint(&servers.license.public_key()),
            fingerprint(&servers.secure_delete.public_key())
        ),
    );

    for (step, missing) in [
        ("hds", "the file-backed HDS (drm-hds) is not on main yet"),
        (
            "license acquisition",
            "the acquisition challenge/response (drm-core acquire) is not on main yet",
        ),
        (
            "key exchange",
            "Prepare/Perform/Close (drm-keyexchange) is not on main yet",
        ),
        (
            "secure delete",
            "sessions/challenge/response (drm-securedelete) is not on main yet",
        ),
    ] {
        p.record(step, Status::NotAvailable, missing);
    }

    Ok(finish(&state, &servers, p))
}

fn finish(state: &State, servers: &Servers, p: Progress) -> Report {
    let cert_id =
        drm_tests::pki::verify_device_chain(state.device.certificate_chain(), &state.servers.root)
            .map(|d| d.cert_id)
            .unwrap_or_default();
    let seen = servers.backend.device(&cert_id).unwrap_or_default();
    let deleted = seen.sessions.values().filter(|s| s.deleted).count();
    let mut text = String::from("\nsummary\n");
    let width = p
        .rows
        .iter()
        .map(|r| r.step.len())
        .max()
        .unwrap_or(4)
        .max(4);
    text.push_str(&format!("  {:<width$}  {:<17}  detail\n", "step", "result"));
    text.push_str(&format!("  {:-<width$}  {:-<17}  {:-<6}\n", "", "", ""));
    for r in &p.rows {
        text.push_str(&format!(
            "  {:<width$}  {:<17}  {}\n",
            r.step,
            r.status.text(),
            r.detail
        ));
    }
    let failed: Vec<&str> = p
        .rows
        .iter()
        .filter(|r| r.status == Status::Failed)
        .map(|r| r.step)
        .collect();
    let missing = p
        .rows
        .iter()
        .filter(|r| r.status == Status::NotAvailable)
        .count();
    text.push_str(&format!(
        "\nthe servers saw (this run): {} session(s) with persistent licenses, {deleted} of them securely deleted, {} persistent license(s) live\n",
        seen.sessions.len(),
        seen.live_persistent
    ));
    text.push_str(&format!(
        "\n{} step(s) ok, {} failed, {missing} not available yet. State: {}\n",
        p.rows.iter().filter(|r| r.status == Status::Ok).count(),
        failed.len(),
        state.paths.root.display()
    ));
    let steps: Vec<Value> = p
        .rows
        .iter()
        .map(|r| json!({"step": r.step, "result": r.status.text(), "detail": r.detail}))
        .collect();
    Report {
        text,
        json: json!({
            "state": state.paths.root.display().to_string(),
            "first_run": state.fresh,
            "steps": steps,
            "server_saw": {
                "sessions": seen.sessions.len(),
                "sessions_deleted": deleted,
                "live_persistent_licenses": seen.live_persistent,
            },
        }),
        failure: (!failed.is_empty())
            .then(|| format!("demo step(s) failed: {}", failed.join(", "))),
    }
}
