//! Helpers shared by the tests of the built `drm-sim` binary.

#![allow(dead_code, clippy::unwrap_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_drm-sim");

/// A fresh, empty directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "drm-sim-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn sim<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Runs and expects success; returns standard output.
pub fn ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let o = sim(args);
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    assert_eq!(stderr(&o), "", "nothing on stderr when all is well");
    stdout(&o)
}

/// Runs with `--json`, expects success, parses standard output.
pub fn ok_json<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Value {
    let mut all: Vec<std::ffi::OsString> = args.iter().map(|a| a.as_ref().to_owned()).collect();
    all.push("--json".into());
    serde_json::from_str(&ok(&all)).unwrap()
}

/// Runs and expects failure with `status` and exactly one line on stderr, no panic; returns
/// that line.
pub fn fails<S: AsRef<std::ffi::OsStr>>(status: i32, args: &[S]) -> String {
    let o = sim(args);
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(status),
        "stdout:\n{}\nstderr:\n{err}",
        stdout(&o)
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(!err.contains("backtrace"), "backtrace: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with("drm-sim: error: "), "{err}");
    err
}

/// A provisioned state directory.
pub fn provisioned(name: &str) -> PathBuf {
    let state = temp_dir(name);
    let v = ok_json(&["provision", "--state", state.to_str().unwrap()]);
    assert_eq!(v["provisioned_now"], true);
    state
}

/// No step of a demo run (`--json`) failed.
pub fn no_failed_steps(run: &Value) {
    for step in run["steps"].as_array().unwrap() {
        assert_ne!(step["result"], "FAILED", "{step}");
    }
}
