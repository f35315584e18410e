//! `drm-sim serve` and `drm-sim demo --server URL`: the servers in one process, the device in
//! others, over HTTP on loopback, the servers' records in the state directory's SQLite file
//! carrying over from one server process to the next.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, fails, no_failed_steps, ok_json, sim, stderr, stdout, temp_dir};
use serde_json::Value;

/// A `drm-sim serve` child, killed when dropped (by its own handle).
struct Serve {
    child: Child,
    url: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `drm-sim serve --json` with `args` and reads the URL it prints.
fn serve(args: &[&str]) -> Serve {
    let mut child = Command::new(BIN)
        .arg("serve")
        .arg("--json")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    let url = v["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    Serve { child, url }
}

#[test]
fn demo_against_a_running_server_and_records_carried_over() {
    let dir = temp_dir("serve");
    let state = dir.join("state");
    let s = state.to_str().unwrap();
    let server = serve(&["--state", s, "--port", "0", "--seconds", "300"]);

    let first = ok_json(&["demo", "--state", s, "--server", &server.url]);
    no_failed_steps(&first);
    assert_eq!(first["first_run"], true);
    assert_eq!(first["server"], server.url.as_str());
    assert_eq!(first["server_database"]["sessions"], 4);
    assert_eq!(first["server_database"]["sessions_deleted"], 1);
    let second = ok_json(&["demo", "--state", s, "--server", &server.url]);
    no_failed_steps(&second);
    assert_eq!(second["first_run"], false);
    assert_eq!(second["server_database"]["sessions"], 5);
    assert_eq!(second["server_database"]["sessions_deleted"], 2);
    assert_eq!(second["secure_delete_server"]["challenges"], 1);

    // The demo's own servers would use the same records: refused while `serve` holds them.
    let e = fails(1, &["demo", "--state", s]);
    assert!(e.contains("another server"), "{e}");
    // A second server on the same port is refused.
    let port = server.url.rsplit(':').next().unwrap().to_owned();
    let other = dir.join("other");
    let e = fails(
        1,
        &["serve", "--state", other.to_str().unwrap(), "--port", &port],
    );
    assert!(e.contains("cannot start the HTTP server"), "{e}");
    // Servers started with another state directory's keys are named as such.
    let e = fails(
        1,
        &[
            "demo",
            "--state",
            other.to_str().unwrap(),
            "--server",
            &server.url,
        ],
    );
    assert!(e.contains("other keys"), "{e}");
    drop(server);

    // A new server process (the demo's own) starts from the records the first one kept.
    let third = ok_json(&["demo", "--state", s]);
    no_failed_steps(&third);
    assert_eq!(third["server_database"]["sessions"], 6);
    assert_eq!(third["server_database"]["sessions_deleted"], 3);
    assert_eq!(third["server_database"]["live_persistent_licenses"], 10);
    assert_ne!(third["server"], first["server"]);
}

#[test]
fn serve_stops_by_itself_after_its_seconds() {
    let dir = temp_dir("serve-seconds");
    let state = dir.join("state");
    let start = Instant::now();
    let o = sim(&[
        "serve",
        "--state",
        state.to_str().unwrap(),
        "--seconds",
        "1",
    ]);
    assert!(start.elapsed() < Duration::from_secs(30));
    assert!(o.status.success());
    let (out, log) = (stdout(&o), stderr(&o));
    // The server's log goes to standard error.
    assert!(log.starts_with("listening on http://127.0.0.1:"), "{log}");
    assert!(log.ends_with("stopped\n"), "{log}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].contains("/rightsmanager.asmx"), "{out}");
    assert!(lines[0].contains("/securedelete.asmx"), "{out}");
    assert!(
        lines[1].starts_with("drm-sim serve: stopped after 1 s: 0 requests"),
        "{out}"
    );
    assert!(state.join("servers/records.sqlite").is_file());
}

#[test]
fn serve_and_demo_usage_errors() {
    for args in [
        &["serve", "--port", "http"][..],
        &["serve", "--port", "65536"],
        &["serve", "--seconds", "0"],
        &["serve", "--seconds", "soon"],
        &["serve", "extra"],
        &["serve", "--server", "http://127.0.0.1:1"],
        &["demo", "--port", "1"],
    ] {
        fails(2, args);
    }
    let state = temp_dir("serve-usage").join("state");
    for url in [
        "http://10.1.2.3:80",
        "http://0.0.0.0:8080",
        "https://127.0.0.1:443",
        "127.0.0.1:80",
    ] {
        let e = fails(
            1,
            &["demo", "--state", state.to_str().unwrap(), "--server", url],
        );
        assert!(e.contains("server URL"), "{e}");
    }
}
