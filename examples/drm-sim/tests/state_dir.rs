//! The state directory as a user shares it: one program at a time (a second `drm-sim` on the
//! same state, or on the same flash image, is refused and changes nothing), every file and
//! directory owner-only from creation, and an inspector that says what is wrong with an image.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::{BIN, fails, ok, ok_json, provisioned, temp_dir};

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Every step of a demo run is ok.
fn all_ok(run: &Value) {
    let steps = run["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    for st in steps {
        assert_eq!(st["result"], "ok", "{st}");
    }
}

/// Takes the lock the way another program would: the OS lock on the file, a holder named.
fn hold(path: &Path, holder: &str) -> File {
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .unwrap();
    f.try_lock().unwrap();
    if !holder.is_empty() {
        f.set_len(0).unwrap();
        f.write_all(holder.as_bytes()).unwrap();
    }
    f
}

/// Lets go of a lock taken by [`hold`] and waits (at most 5 s) until the OS has released it: a
/// child that another test thread is starting can hold a copy of the descriptor between its
/// fork and its exec, and the lock lasts as long as any copy does.
fn release(f: File, path: &Path) {
    drop(f);
    for _ in 0..500 {
        let probe = File::open(path).unwrap();
        if probe.try_lock().is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{}: still locked 5 s after it was let go", path.display());
}

#[test]
fn a_second_program_on_the_state_is_refused_and_changes_nothing() {
    let state = temp_dir("locked");
    let s = state.to_str().unwrap();
    ok_json(&["demo", "--state", s]);

    // The state directory held by someone else: every command that uses it is refused.
    let lock = hold(&state.join("lock"), "pid 4242: another drm-sim demo");
    let before = snapshot(&state);
    for args in [
        vec!["demo", "--state", s],
        vec!["provision", "--state", s],
        vec!["securedelete", "challenge", "--state", s],
    ] {
        let e = fails(1, &args);
        assert!(
            e.contains("is in use by pid 4242: another drm-sim demo"),
            "{e}"
        );
        assert!(e.contains("nothing was changed"), "{e}");
    }
    assert_eq!(
        snapshot(&state),
        before,
        "a refused command changed the state"
    );
    release(lock, &state.join("lock"));

    // The flash image held (by a program that opened only the image): the demo stops at the
    // store, before it writes anything to it; the inspector will not show it half-written.
    let image = state.join("flash.img");
    let flash = hold(&image, "");
    let before_image = std::fs::read(&image).unwrap();
    let e = fails(1, &["demo", "--state", s]);
    assert!(
        e.contains("flash.img: the image is in use by another program"),
        "{e}"
    );
    let e = fails(1, &["hds", "inspect", image.to_str().unwrap()]);
    assert!(e.contains("in use by another program"), "{e}");
    assert_eq!(std::fs::read(&image).unwrap(), before_image);
    release(flash, &image);

    // Free again: the store is intact.
    all_ok(&ok_json(&["demo", "--state", s]));
    ok(&["hds", "inspect", image.to_str().unwrap()]);
}

#[test]
fn two_demos_started_together_leave_a_sound_store() {
    let state = temp_dir("race");
    let s = state.to_str().unwrap();
    ok_json(&["provision", "--state", s]);
    let mut refused = 0;
    for round in 0..6 {
        let start = || {
            Command::new(BIN)
                .args(["demo", "--state", s, "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (start(), start());
        for child in [a, b] {
            let o = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr).into_owned();
            if o.status.success() {
                all_ok(&serde_json::from_slice(&o.stdout).unwrap());
            } else {
                // The only way to lose: refused at the door, before touching anything.
                assert!(err.contains("is in use by pid "), "round {round}: {err}");
                refused += 1;
            }
        }
        let v = ok_json(&["hds", "inspect", &format!("{s}/flash.img")]);
        assert_eq!(v["integrity"], "ok", "round {round}");
    }
    all_ok(&ok_json(&["demo", "--state", s]));
    eprintln!("{refused} of 12 runs refused (the others ran alone)");
}

#[cfg(unix)]
#[test]
fn every_state_file_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let state = temp_dir("modes");
    // A state directory that does not exist yet: created 700 by drm-sim itself.
    let root = state.join("new-state");
    let r = root.to_str().unwrap();
    ok_json(&["demo", "--state", r]);
    ok_json(&["demo", "--state", r]);
    let mut listing = Vec::new();
    let mut todo = vec![root.clone()];
    while let Some(d) = todo.pop() {
        let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
        listing.push((d.clone(), mode, true));
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
                listing.push((p, mode, false));
            }
        }
    }
    let shown: Vec<String> = listing
        .iter()
        .map(|(p, m, _)| format!("{m:o} {}", p.strip_prefix(&root).unwrap().display()))
        .collect();
    for key in [
        "servers/license-server.key",
        "servers/license-server-signing.key",
        "servers/securedelete-server.key",
        "device/signing.key",
        "device/encryption.key",
        "device/device.secret",
        "flash.img",
    ] {
        assert!(
            listing.iter().any(|(p, _, _)| p.ends_with(key)),
            "{key} missing: {shown:#?}"
        );
    }
    for (p, mode, dir) in &listing {
        let want = if *dir { 0o700 } else { 0o600 };
        assert_eq!(*mode, want, "{}: {shown:#?}", p.display());
    }
}

#[test]
fn hds_inspect_says_what_is_wrong_with_the_image() {
    let e = fails(1, &["hds", "inspect", "/dev/null"]);
    assert!(
        e.contains("/dev/null: empty (0 bytes): not an HDS flash image"),
        "{e}"
    );

    let dir = temp_dir("inspect-why");
    let blank = dir.join("blank.img");
    std::fs::write(&blank, vec![0xFF; 8192]).unwrap();
    let e = fails(1, &["hds", "inspect", blank.to_str().unwrap()]);
    assert!(e.contains("blank (8192 bytes, every byte erased)"), "{e}");
    let text = dir.join("notes.txt");
    std::fs::write(&text, b"not a flash image").unwrap();
    let e = fails(1, &["hds", "inspect", text.to_str().unwrap()]);
    assert!(e.contains("17 bytes with no store page header"), "{e}");

    // A real image without its device directory: says where it looked and why.
    let state = provisioned("inspect-guess");
    ok_json(&["demo", "--state", state.to_str().unwrap()]);
    let alone = dir.join("alone.img");
    std::fs::copy(state.join("flash.img"), &alone).unwrap();
    let e = fails(1, &["hds", "inspect", alone.to_str().unwrap()]);
    let guessed = dir.join("device");
    assert!(
        e.contains(&format!("the device directory {}", guessed.display())),
        "{e}"
    );
    assert!(
        e.contains("guessed: the `device` directory beside the image"),
        "{e}"
    );
    assert!(e.contains("--device DIR"), "{e}");
    // Found beside the image: the report names it.
    let v = ok_json(&["hds", "inspect", state.join("flash.img").to_str().unwrap()]);
    assert_eq!(
        v["device_dir"]["path"],
        state.join("device").display().to_string()
    );
    assert!(
        v["device_dir"]["how"]
            .as_str()
            .unwrap()
            .starts_with("guessed")
    );
}

/// A store that does not mount (damaged here; a cut format looks the same) is formatted only on
/// purpose: the demo says how, `hds format` without `--force` refuses and changes nothing, with
/// `--force` it formats, and the demo runs again from a fresh store.
#[test]
fn a_broken_store_is_formatted_only_with_force() {
    let state = temp_dir("format");
    let s = state.to_str().unwrap();
    all_ok(&ok_json(&["demo", "--state", s]));
    // A store that mounts: refused without --force.
    let e = fails(1, &["hds", "format", "--state", s]);
    assert!(e.contains("holds a store that mounts (8 licenses"), "{e}");
    assert!(e.contains("nothing was changed"), "{e}");

    // Damage every page header: the store no longer mounts.
    let image = state.join("flash.img");
    let mut bytes = std::fs::read(&image).unwrap();
    for page in bytes.chunks_mut(4096) {
        page[..32].fill(0);
    }
    std::fs::write(&image, &bytes).unwrap();
    let o = common::sim(&["demo", "--state", s]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("drm-sim hds format --force"), "{err}");
    // Everything but the lock file (whose holder record the refused command rewrote).
    let unlocked = || {
        let mut m = snapshot(&state);
        m.remove(&state.join("lock"));
        m
    };
    let before = unlocked();
    let e = fails(1, &["hds", "format", "--state", s]);
    assert!(e.contains("a store that does not mount"), "{e}");
    assert!(unlocked() == before, "a refused format changed the state");
    // --force is only for hds format.
    fails(2, &["demo", "--state", s, "--force"]);

    let v = ok_json(&["hds", "format", "--state", s, "--force"]);
    assert_eq!(v["commit"], 1);
    assert_eq!(v["demo_record_removed"], true);
    assert!(v["before"].as_str().unwrap().contains("does not mount"));
    let run = ok_json(&["demo", "--state", s]);
    all_ok(&run);
    assert_eq!(run["first_run"], true);
    ok(&["hds", "inspect", image.to_str().unwrap()]);
}
