//! `drm-sim serve`: the simulated license server and Secure Delete server over HTTP on
//! 127.0.0.1, with the keys of the state directory and their records in it (SQLite), until the
//! process is stopped (Ctrl-C) or, with `--seconds N`, for N seconds.
//!
//! The state directory's lock is held only while the keys are read (provisioning the directory
//! first if needed), so that `drm-sim demo --server URL` can use the same directory while the
//! servers run; the records database is locked by the server itself for as long as it runs.

use std::io::Write as _;
use std::time::Duration;

use serde_json::json;

use crate::demo::server_config;
use crate::report::{CliError, Report};
use crate::state::{self, StatePaths};

/// Longest `--seconds`.
const MAX_SECONDS: u64 = 7 * 24 * 3600;

/// Parses `--port` (0 or absent: chosen by the OS).
pub fn port(given: Option<&str>) -> Result<u16, CliError> {
    given.map_or(Ok(0), |p| {
        p.parse::<u16>()
            .map_err(|_| CliError::usage(format!("--port {p}: not a port number (0 to 65535)")))
    })
}

/// Parses `--seconds` (absent: until stopped).
pub fn seconds(given: Option<&str>) -> Result<Option<Duration>, CliError> {
    given
        .map(|s| match s.parse::<u64>() {
            Ok(n) if (1..=MAX_SECONDS).contains(&n) => Ok(Duration::from_secs(n)),
            _ => Err(CliError::usage(format!(
                "--seconds {s}: not a number of seconds from 1 to {MAX_SECONDS}"
            ))),
        })
        .transpose()
}

/// Runs the servers.
pub fn run(
    paths: StatePaths,
    port: u16,
    seconds: Option<Duration>,
    json_out: bool,
) -> Result<Report, CliError> {
    let state = state::open_or_provision(paths)?;
    let config = server_config(&state.paths, &state.servers, port, !json_out);
    let database = config.database.clone();
    let root = state.paths.root.clone();
    // The keys are read: the directory is free for a device (`drm-sim demo --server`).
    drop(state);
    let running = drm_servers_http::start(config).map_err(|e| CliError::fail(e.to_string()))?;
    let url = running.url();
    let line = if json_out {
        json!({ "url": url, "database": database.display().to_string(),
                "state": root.display().to_string() })
        .to_string()
    } else {
        format!(
            "drm-sim serve: license server {url}{} and Secure Delete server {url}{} on loopback \
             (keys of {}, records in {}); {}",
            drm_servers_http::LICENSE_PATH,
            drm_servers_http::SECURE_DELETE_PATH,
            root.display(),
            database.display(),
            match seconds {
                Some(s) => format!("stops after {} s", s.as_secs()),
                None => "Ctrl-C stops".to_owned(),
            }
        )
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
    match seconds {
        Some(s) => {
            std::thread::sleep(s);
            let stats = running.stats();
            running.stop();
            let text = format!(
                "drm-sim serve: stopped after {} s: {} requests ({} ok, {} faults), {} connections\n",
                s.as_secs(),
                stats.requests,
                stats.ok,
                stats.faults,
                stats.connections
            );
            Ok(Report {
                text,
                json: json!({
                    "url": url,
                    "requests": stats.requests,
                    "ok": stats.ok,
                    "faults": stats.faults,
                    "connections": stats.connections,
                }),
                failure: None,
            })
        }
        None => {
            running.wait();
            Err(CliError::fail("the server stopped"))
        }
    }
}
