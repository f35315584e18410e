//! Every subcommand of the built `drm-sim` binary, on good and bad input, in temporary state
//! directories. Expected values come from independent code: drm-tests' license builder, its
//! BCert parser and its base64, never from drm-sim's own output.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;

use drm_servers::TestRng;
use drm_servers::crypto::KeyPair;
use drm_servers::soap::b64;
use drm_servers::xmr::{Defect, KxAlgorithm, KxKeySpec, KxOperation, LicenseSpec, build_license};
use serde_json::Value;

mod common;
use common::{fails, no_failed_steps, ok, ok_json, provisioned, sim, temp_dir};

fn device_encryption_key(state: &Path) -> KeyPair {
    let bytes: [u8; 32] = std::fs::read(state.join("device/encryption.key"))
        .unwrap()
        .try_into()
        .unwrap();
    KeyPair::from_secret_bytes(&bytes).unwrap()
}

/// GUID text of 16 wire bytes, written out here from PROTOCOL §1 (first three groups
/// byte-reversed).
fn guid(b: &[u8; 16]) -> String {
    let h = |r: &[u8]| r.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let rev = |r: &[u8]| h(&r.iter().rev().copied().collect::<Vec<_>>());
    format!(
        "{}-{}-{}-{}-{}",
        rev(&b[0..4]),
        rev(&b[4..6]),
        rev(&b[6..8]),
        h(&b[8..10]),
        h(&b[10..16])
    )
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ---- the command line itself ----

#[test]
fn help_and_usage_errors() {
    assert!(ok(&["--help"]).contains("USAGE"));
    assert!(ok(&["help"]).contains("xmr inspect"));
    fails(2, &[] as &[&str]);
    fails(2, &["frobnicate"]);
    fails(2, &["demo", "--bogus"]);
    fails(2, &["demo", "extra"]);
    fails(2, &["demo", "--state"]);
    fails(2, &["demo", "--root", "x"]);
    fails(2, &["xmr"]);
    fails(2, &["xmr", "inspect"]);
    fails(2, &["xmr", "inspect", "a", "b"]);
    fails(2, &["bcert", "inspect", "a", "--device-key", "k"]);
}

// ---- provisioning and the demo ----

#[test]
fn provision_exports_files_once() {
    let state = provisioned("provision");
    let v = ok_json(&["provision", "--state", state.to_str().unwrap()]);
    assert_eq!(v["provisioned_now"], false);
    for f in v["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        if !path.ends_with("flash.img") {
            assert_eq!(f["present"], true, "{path}");
            assert!(Path::new(path).is_file(), "{path}");
        }
    }
    // Key file sizes, checked on disk.
    assert_eq!(std::fs::read(state.join("pki/root.pub")).unwrap().len(), 64);
    assert_eq!(
        std::fs::read(state.join("servers/securedelete-server.key"))
            .unwrap()
            .len(),
        32
    );
}

#[test]
fn provision_refuses_an_unwritable_state() {
    let dir = temp_dir("unwritable");
    let file = dir.join("a-file");
    std::fs::write(&file, b"x").unwrap();
    // A state "directory" below a regular file cannot be created.
    fails(
        1,
        &["provision", "--state", file.join("s").to_str().unwrap()],
    );
}

fn step<'a>(run: &'a Value, name: &str) -> &'a Value {
    run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {run}"))
}

#[test]
fn demo_runs_twice_on_the_same_state() {
    let state = temp_dir("demo");
    let s = state.to_str().unwrap();
    let first = ok_json(&["demo", "--state", s]);
    assert_eq!(first["first_run"], true);
    no_failed_steps(&first);
    // Six KeyExchangeLicenses in one session, each Perform checked by the server.
    for op in [
        "aes-cbc-encrypt",
        "aes-cbc-decrypt",
        "hmac-sha256-sign",
        "hmac-sha256-verify",
        "ecdsa-p256-sign",
        "ecdsa-p256-verify",
    ] {
        assert_eq!(step(&first, &format!("kx {op}"))["result"], "ok");
    }
    assert_eq!(step(&first, "kx policy")["result"], "ok");
    // Three sessions of two licenses: one deleted, one left pending, one active.
    assert_eq!(step(&first, "secure delete")["result"], "ok");
    assert_eq!(step(&first, "remove (left pending)")["result"], "ok");
    assert_eq!(first["license_server"]["licenses_issued"], 6 + 6);
    assert_eq!(first["store"]["licenses"], 6 + 2);
    assert_eq!(first["store"]["session_records"], 3);
    assert_eq!(first["server_database"]["sessions"], 4);
    assert_eq!(first["server_database"]["sessions_deleted"], 1);
    assert!(first["flash_traffic"]["write_bytes"].as_u64().unwrap() > 0);

    let second = ok_json(&["demo", "--state", s]);
    assert_eq!(second["first_run"], false);
    no_failed_steps(&second);
    assert_eq!(step(&second, "found again")["result"], "ok");
    assert_eq!(step(&second, "secure delete (reboot)")["result"], "ok");
    // The key exchange licenses found again give the results the server checked.
    assert_eq!(step(&second, "kx ecdsa-p256-sign")["result"], "ok");
    assert_eq!(step(&second, "kx aes-cbc-encrypt")["result"], "ok");
    // The pending session of the first run is deleted now, the server's database restored.
    assert_eq!(second["server_database"]["sessions"], 5);
    assert_eq!(second["server_database"]["sessions_deleted"], 2);
    assert_eq!(second["store"]["licenses"], 6 + 2);

    let text = ok(&["demo", "--state", s]);
    assert!(text.contains("summary"), "{text}");
    assert!(text.contains("found again"), "{text}");

    // Every license the demo received opens with the device key.
    let mut n = 0;
    for f in std::fs::read_dir(state.join("licenses")).unwrap() {
        let path = f.unwrap().path();
        let v = ok_json(&[
            "xmr",
            "inspect",
            path.to_str().unwrap(),
            "--device-key",
            state.join("device").to_str().unwrap(),
        ]);
        assert_eq!(v["summary"]["device_check"]["key_unwraps"], true);
        n += 1;
    }
    assert_eq!(
        n,
        6 + 6 + 2 + 2,
        "three runs: 6 kx, 3 sessions, then one per run"
    );
}

#[test]
fn demo_refuses_a_tampered_store_and_a_broken_record() {
    let state = temp_dir("demo-bad");
    let s = state.to_str().unwrap();
    ok_json(&["demo", "--state", s]);
    let record = state.join("demo-record.json");
    let good = std::fs::read(&record).unwrap();
    std::fs::write(&record, b"{ not json").unwrap();
    let e = fails(1, &["demo", "--state", s]);
    assert!(e.contains("demo-record.json"), "{e}");
    std::fs::write(&record, good).unwrap();
    // Flip every byte of the root page's first root record area: the store no longer mounts.
    let image = state.join("flash.img");
    let mut bytes = std::fs::read(&image).unwrap();
    for b in bytes.iter_mut() {
        *b ^= 0x5A;
    }
    std::fs::write(&image, &bytes).unwrap();
    let e = fails(1, &["demo", "--state", s]);
    assert!(e.contains("does not mount"), "{e}");
}

// ---- hds inspect ----

#[test]
fn hds_inspect_shows_the_store_after_the_demo() {
    let state = temp_dir("hds-good");
    let s = state.to_str().unwrap();
    let demo = ok_json(&["demo", "--state", s]);
    let image = state.join("flash.img");
    let before = std::fs::read(&image).unwrap();
    let v = ok_json(&["hds", "inspect", image.to_str().unwrap()]);
    assert_eq!(
        std::fs::read(&image).unwrap(),
        before,
        "inspect never writes"
    );
    assert_eq!(v["integrity"], "ok");
    assert_eq!(v["page_size"], 4096);
    assert_eq!(v["pages"], 32);
    assert_eq!(v["commit"], demo["store"]["commit"]);
    assert_eq!(v["namespaces"]["licenses"]["slots"], 8);
    assert_eq!(v["namespaces"]["sd_sessions"]["records"], 3);
    assert_eq!(v["namespaces"]["sd_sessions"]["pending"], 1);
    let kinds: Vec<&str> = v["licenses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "key exchange").count(), 6);
    assert_eq!(kinds.iter().filter(|k| **k == "content").count(), 2);
    let sessions = v["sessions"].as_array().unwrap();
    let pending: Vec<&Value> = sessions
        .iter()
        .filter(|s| s["state"] == "pending")
        .collect();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["kids"].as_array().unwrap().len(), 2);
    // The active sessions' KIDs are the stored licenses' KIDs.
    let mut kids: Vec<String> = sessions
        .iter()
        .filter(|s| s["state"] == "active")
        .flat_map(|s| s["kids"].as_array().unwrap().iter())
        .map(|k| k["guid"].as_str().unwrap().to_owned())
        .collect();
    let mut stored: Vec<String> = v["licenses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kid"]["guid"].as_str().unwrap().to_owned())
        .collect();
    kids.sort();
    stored.sort();
    assert_eq!(kids, stored);
    // With the device directory given explicitly, and as text.
    let text = ok(&[
        "hds",
        "inspect",
        image.to_str().unwrap(),
        "--device",
        state.join("device").to_str().unwrap(),
    ]);
    assert!(text.contains("integrity:       OK"), "{text}");
}

#[test]
fn hds_inspect_refuses_bad_images() {
    let state = temp_dir("hds-bad");
    let s = state.to_str().unwrap();
    ok_json(&["demo", "--state", s]);
    let other = provisioned("hds-other");
    let image = std::fs::read(state.join("flash.img")).unwrap();
    let dir = temp_dir("hds-bad-files");
    let dev = state.join("device");
    let d = dev.to_str().unwrap();
    let write = writer(&dir);
    fails(
        1,
        &[
            "hds",
            "inspect",
            dir.join("missing").to_str().unwrap(),
            "--device",
            d,
        ],
    );
    fails(1, &["hds", "inspect", &write("empty", b""), "--device", d]);
    fails(
        1,
        &[
            "hds",
            "inspect",
            &write("garbage", &[0x42; 8192]),
            "--device",
            d,
        ],
    );
    fails(
        1,
        &[
            "hds",
            "inspect",
            &write("blank", &vec![0xFF; image.len()]),
            "--device",
            d,
        ],
    );
    // A store of another format version: recognised, named and described, not read.
    // Format 2: segment headers as drm-hds/FORMAT.md §17 lays them out (16 segments of 4 KiB,
    // 64 buckets), nothing else.
    let mut v2 = vec![0xFFu8; 16 * 4096];
    for (q, seg) in v2.chunks_mut(4096).enumerate() {
        let q = u32::try_from(q).unwrap() + 1;
        seg[..4].copy_from_slice(b"HDSP");
        seg[4..6].copy_from_slice(&2u16.to_le_bytes());
        seg[6] = 3;
        seg[7] = 0;
        seg[8..12].copy_from_slice(&q.to_le_bytes());
        seg[12..16].copy_from_slice(&(q + 10).to_le_bytes());
        seg[16..20].copy_from_slice(&4096u32.to_le_bytes());
        seg[20..22].copy_from_slice(&15u16.to_le_bytes());
        seg[22..24].copy_from_slice(&6u16.to_le_bytes());
    }
    let mut v7 = image.clone();
    v7[4..6].copy_from_slice(&7u16.to_le_bytes());
    for (name, img, says) in [
        ("v2", &v2, "a store of HDS format version 2"),
        ("v7", &v7, "a store of HDS format version 7"),
    ] {
        let err = fails(1, &["hds", "inspect", &write(name, img), "--device", d]);
        assert!(
            err.contains(says) && err.contains("reads and writes format version 1 only"),
            "{err}"
        );
    }
    let err = fails(1, &["hds", "inspect", &write("v2b", &v2), "--device", d]);
    assert!(
        err.contains("erase unit 4096 bytes, segments of 4096 bytes, 16 segments, 64 buckets, segment sequence 1, erase count 11"),
        "format 2's header is described: {err}"
    );
    // Cut in half: fewer pages than the store was made with.
    fails(
        1,
        &[
            "hds",
            "inspect",
            &write("half", &image[..image.len() / 2]),
            "--device",
            d,
        ],
    );
    fails(
        1,
        &[
            "hds",
            "inspect",
            &write("odd", &image[..image.len() - 100]),
            "--device",
            d,
        ],
    );
    // Another device's key does not open it.
    fails(
        1,
        &[
            "hds",
            "inspect",
            &write("img", &image),
            "--device",
            other.join("device").to_str().unwrap(),
        ],
    );
    // No device directory next to the image, none given.
    fails(1, &["hds", "inspect", &write("alone.img", &image)]);
    // One flipped bit in every page's data area past the headers and indexes: caught.
    let mut tampered = image.clone();
    for page in tampered.chunks_mut(4096) {
        if page.iter().skip(600).any(|b| *b != 0xFF) {
            let at = 600 + page.iter().skip(600).position(|b| *b != 0xFF).unwrap();
            page[at] ^= 0x01;
        }
    }
    let e = fails(
        1,
        &[
            "hds",
            "inspect",
            &write("tampered", &tampered),
            "--device",
            d,
        ],
    );
    assert!(
        e.contains("corrupted") || e.contains("does not mount"),
        "{e}"
    );
    // The untouched copy still passes.
    ok(&["hds", "inspect", &write("copy", &image), "--device", d]);
}

// ---- securedelete challenge / verify ----

#[test]
fn securedelete_challenge_and_verify_after_the_demo() {
    let state = temp_dir("sd-good");
    let s = state.to_str().unwrap();
    ok_json(&["demo", "--state", s]);
    let hds = ok_json(&["hds", "inspect", state.join("flash.img").to_str().unwrap()]);
    let pending = hds["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["state"] == "pending")
        .unwrap()
        .clone();
    let out = state.join("challenge.xml");
    let v = ok_json(&[
        "securedelete",
        "challenge",
        "--state",
        s,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(v["session"], pending["session"]);
    assert_eq!(v["kids"], pending["kids"]);
    let key = state.join("servers/securedelete-server.key");
    let v = ok_json(&[
        "securedelete",
        "verify",
        out.to_str().unwrap(),
        "--server-key",
        key.to_str().unwrap(),
        "--state",
        s,
    ]);
    assert_eq!(v["valid"], true);
    assert_eq!(v["session"], pending["session"]);
    assert_eq!(v["kids"], pending["kids"]);
    // The challenge on stdout, with the session named.
    let guid = pending["session"]["guid"].as_str().unwrap();
    let xml = ok(&["securedelete", "challenge", "--state", s, "--session", guid]);
    assert!(xml.contains("ProcessDeleteLicenseData"), "{xml}");
    assert!(
        xml.contains(pending["session"]["base64"].as_str().unwrap()),
        "{xml}"
    );
    // The demo's own challenge files verify too (explicit root).
    for f in std::fs::read_dir(state.join("challenges")).unwrap() {
        let path = f.unwrap().path();
        let v = ok_json(&[
            "securedelete",
            "verify",
            path.to_str().unwrap(),
            "--server-key",
            key.to_str().unwrap(),
            "--root",
            state.join("pki/root.pub").to_str().unwrap(),
        ]);
        assert_eq!(v["valid"], true);
    }
}

#[test]
fn securedelete_refuses_bad_input() {
    let state = temp_dir("sd-bad");
    let s = state.to_str().unwrap();
    // Not provisioned, then provisioned without a store.
    fails(1, &["securedelete", "challenge", "--state", s]);
    ok_json(&["provision", "--state", s]);
    fails(1, &["securedelete", "challenge", "--state", s]);
    ok_json(&["demo", "--state", s]);
    fails(
        2,
        &[
            "securedelete",
            "challenge",
            "--state",
            s,
            "--session",
            "not-a-guid",
        ],
    );
    fails(
        1,
        &[
            "securedelete",
            "challenge",
            "--state",
            s,
            "--session",
            "00000000-0000-0000-0000-000000000001",
        ],
    );
    let hds = ok_json(&["hds", "inspect", state.join("flash.img").to_str().unwrap()]);
    let active = hds["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["state"] == "active")
        .unwrap()["session"]["guid"]
        .as_str()
        .unwrap()
        .to_owned();
    let e = fails(
        1,
        &[
            "securedelete",
            "challenge",
            "--state",
            s,
            "--session",
            &active,
        ],
    );
    assert!(e.contains("not pending"), "{e}");
    fails(2, &["securedelete"]);
    fails(2, &["securedelete", "frob"]);

    let challenge = ok(&["securedelete", "challenge", "--state", s]);
    let dir = temp_dir("sd-bad-files");
    let write = writer(&dir);
    let good = write("good.xml", challenge.as_bytes());
    let key = state.join("servers/securedelete-server.key");
    let k = key.to_str().unwrap();
    ok(&[
        "securedelete",
        "verify",
        &good,
        "--server-key",
        k,
        "--state",
        s,
    ]);
    fails(2, &["securedelete", "verify", &good]);
    fails(2, &["securedelete", "verify", "--server-key", k]);
    fails(
        1,
        &[
            "securedelete",
            "verify",
            dir.join("none").to_str().unwrap(),
            "--server-key",
            k,
            "--state",
            s,
        ],
    );
    fails(
        1,
        &[
            "securedelete",
            "verify",
            &write("garbage", b"<<<not xml"),
            "--server-key",
            k,
            "--state",
            s,
        ],
    );
    fails(
        1,
        &[
            "securedelete",
            "verify",
            &write("empty", b""),
            "--server-key",
            k,
            "--state",
            s,
        ],
    );
    fails(
        1,
        &[
            "securedelete",
            "verify",
            &write("half", &challenge.as_bytes()[..challenge.len() / 2]),
            "--server-key",
            k,
            "--state",
            s,
        ],
    );
    // One character of the signed data changed: the digest no longer matches.
    let tampered = challenge.replacen("<Version>1</Version>", "<Version>2</Version>", 1);
    assert_ne!(tampered, challenge);
    fails(
        1,
        &[
            "securedelete",
            "verify",
            &write("tampered", tampered.as_bytes()),
            "--server-key",
            k,
            "--state",
            s,
        ],
    );
    // The wrong server key (the license server's), a key file that is no key, the wrong root.
    let e = fails(
        1,
        &[
            "securedelete",
            "verify",
            &good,
            "--server-key",
            state.join("servers/license-server.key").to_str().unwrap(),
            "--state",
            s,
        ],
    );
    assert!(e.contains("refuses"), "{e}");
    fails(
        1,
        &[
            "securedelete",
            "verify",
            &good,
            "--server-key",
            &write("short.key", &[1; 31]),
            "--state",
            s,
        ],
    );
    fails(
        1,
        &[
            "securedelete",
            "verify",
            &good,
            "--server-key",
            &write("zero.key", &[0; 32]),
            "--state",
            s,
        ],
    );
    let other_root = write(
        "other.pub",
        &KeyPair::generate(&mut TestRng::from_seed(2)).public(),
    );
    fails(
        1,
        &[
            "securedelete",
            "verify",
            &good,
            "--server-key",
            k,
            "--root",
            &other_root,
        ],
    );
}

// ---- bcert inspect ----

#[test]
fn bcert_inspect_shows_the_chain_and_verifies_it_to_the_root() {
    let state = provisioned("bcert-good");
    let chain_path = state.join("device/chain.bcert");
    let root = state.join("pki/root.pub");
    let v = ok_json(&[
        "bcert",
        "inspect",
        chain_path.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ]);
    // Against drm-tests' own parser.
    let expected = drm_servers::pki::parse_chain(&std::fs::read(&chain_path).unwrap()).unwrap();
    let certs = v["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), expected.certs.len());
    for (c, e) in certs.iter().zip(&expected.certs) {
        assert_eq!(c["cert_id"], hex(&e.cert_id));
        assert_eq!(c["security_level"], e.security_level);
        assert_eq!(c["cert_type"]["value"], e.cert_type);
        assert_eq!(c["signature_valid"], true);
        let keys = c["keys"].as_array().unwrap();
        assert_eq!(keys.len(), e.keys.len());
        for (k, ek) in keys.iter().zip(&e.keys) {
            assert_eq!(k["public_key"], hex(&ek.public));
        }
    }
    assert_eq!(certs[0]["keys"][0]["usages"][0], "sign");
    assert_eq!(certs[0]["keys"][1]["usages"][0], "encrypt-key");
    assert_eq!(v["root"]["chain_valid"], true);

    // Without a root: shown, not verified to a root.
    let v = ok_json(&["bcert", "inspect", chain_path.to_str().unwrap()]);
    assert_eq!(v["root"], Value::Null);
    // The server's chain too.
    let server = state.join("servers/license-server-chain.bcert");
    let v = ok_json(&[
        "bcert",
        "inspect",
        server.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ]);
    assert_eq!(
        v["certificates"][0]["keys"][0]["usages"][0],
        "sign-response"
    );
}

#[test]
fn bcert_inspect_refuses_bad_input() {
    let state = provisioned("bcert-bad");
    let dir = temp_dir("bcert-bad-files");
    let chain = std::fs::read(state.join("device/chain.bcert")).unwrap();
    let root = state.join("pki/root.pub");
    let write = writer(&dir);
    let r = root.to_str().unwrap();

    let e = fails(
        1,
        &["bcert", "inspect", dir.join("missing").to_str().unwrap()],
    );
    assert!(e.contains("missing"), "{e}");
    fails(
        1,
        &["bcert", "inspect", &write("garbage", b"not a chain at all")],
    );
    fails(1, &["bcert", "inspect", &write("empty", b"")]);
    fails(
        1,
        &[
            "bcert",
            "inspect",
            &write("truncated", &chain[..chain.len() - 10]),
        ],
    );
    // A flipped byte inside the leaf's signed part (its cert id): the leaf's signature fails.
    let mut tampered = chain.clone();
    tampered[20 + 16 + 8 + 3] ^= 1;
    let t = write("tampered", &tampered);
    let e = fails(1, &["bcert", "inspect", &t]);
    assert!(e.contains("signature of certificate 0"), "{e}");
    let o = sim(&["bcert", "inspect", &t, "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["certificates"][0]["signature_valid"], false);
    assert_eq!(v["certificates"][1]["signature_valid"], true);
    // The wrong root.
    let other_root = write(
        "other.pub",
        &KeyPair::generate(&mut TestRng::from_seed(1)).public(),
    );
    let e = fails(
        1,
        &[
            "bcert",
            "inspect",
            &write("chain", &chain),
            "--root",
            &other_root,
        ],
    );
    assert!(e.contains("does not verify to the given root"), "{e}");
    // A root file of the wrong size, or not a point.
    fails(
        1,
        &[
            "bcert",
            "inspect",
            &write("c2", &chain),
            "--root",
            &write("short.pub", &[1; 63]),
        ],
    );
    fails(
        1,
        &[
            "bcert",
            "inspect",
            &write("c3", &chain),
            "--root",
            &write("bad.pub", &[1; 64]),
        ],
    );
    // The good case still passes with the right root.
    ok(&["bcert", "inspect", &write("c4", &chain), "--root", r]);
}

// ---- xmr inspect ----

/// Builds licenses with drm-tests' builder for the device in `state`.
fn license(state: &Path, spec: &LicenseSpec, seed: u64) -> Vec<u8> {
    let device = device_encryption_key(state);
    build_license(spec, &device.public(), &mut TestRng::from_seed(seed))
        .unwrap()
        .bytes
}

/// A KeyExchangeLicense of several keys (format 2): every key listed with its index, id and
/// policy, each unwrapped on its own with the device key; a license whose one key does not
/// check (an ECDSA scalar of 0) is reported unusable, exit status 1.
#[test]
fn xmr_inspect_lists_every_key_of_a_multi_key_license() {
    let state = provisioned("xmr-multi");
    let dir = temp_dir("xmr-multi-files");
    let device_key = state.join("device/encryption.key");
    let mut rng = TestRng::from_seed(130);
    let hmac: [u8; 32] = rng.array();
    let keys = vec![
        KxKeySpec::new(
            0,
            [0xA0; 16],
            KxAlgorithm::AesCbc,
            KxOperation::Encrypt,
            vec![0x5C; 16],
        ),
        KxKeySpec::new(
            1,
            [0xA1; 16],
            KxAlgorithm::HmacSha256,
            KxOperation::Verify,
            hmac.to_vec(),
        ),
        KxKeySpec::new(
            2,
            [0xA2; 16],
            KxAlgorithm::EcdsaP256,
            KxOperation::Verify,
            KeyPair::generate(&mut rng).public().to_vec(),
        ),
    ];
    let spec = LicenseSpec::key_exchange_multi([1; 16], [2; 16], keys.clone());
    let path = dir.join("multi.xmr");
    std::fs::write(&path, license(&state, &spec, 131)).unwrap();
    let args = [
        "xmr",
        "inspect",
        path.to_str().unwrap(),
        "--device-key",
        device_key.to_str().unwrap(),
    ];
    let v = ok_json(&args);
    let s = &v["summary"];
    assert_eq!(s["key_exchange_format"], 2);
    let listed = s["key_exchange_keys"].as_array().unwrap();
    assert_eq!(listed.len(), 3);
    for ((k, (alg, op, len)), expected) in listed
        .iter()
        .zip([
            ("AES-128-CBC", "encrypt", 16),
            ("HMAC-SHA256", "verify", 32),
            ("ECDSA-P256-SHA256", "verify", 64),
        ])
        .zip(&keys)
    {
        assert_eq!(k["index"], expected.index);
        assert_eq!(k["id"]["base64"], b64(&expected.id));
        assert_eq!(
            (k["algorithm"].as_str(), k["operation"].as_str()),
            (Some(alg), Some(op))
        );
        assert_eq!(k["key_len"], len);
    }
    assert_eq!(s["device_check"]["key_unwraps"], true);
    let text = ok(&args);
    assert!(
        text.contains("keys:              3 (key exchange format 2)"),
        "{text}"
    );
    assert!(text.contains("key 1:"), "{text}");
    for out in [text, v.to_string()] {
        assert!(
            !out.contains(&hex(&hmac)) && !out.contains(&b64(&hmac)),
            "key printed"
        );
    }

    // One bad key of three: listed, and the license reported unusable.
    let mut bad = keys;
    bad[1] = KxKeySpec::new(
        1,
        [0xA1; 16],
        KxAlgorithm::EcdsaP256,
        KxOperation::Sign,
        vec![0; 32],
    );
    let spec = LicenseSpec::key_exchange_multi([1; 16], [2; 16], bad);
    let path = dir.join("multi-bad.xmr");
    std::fs::write(&path, license(&state, &spec, 132)).unwrap();
    let err = fails(
        1,
        &[
            "xmr",
            "inspect",
            path.to_str().unwrap(),
            "--device-key",
            device_key.to_str().unwrap(),
        ],
    );
    assert!(err.contains("verification failed"), "{err}");
}

#[test]
fn xmr_inspect_shows_every_license_kind_and_checks_it_with_the_device_key() {
    let state = provisioned("xmr-good");
    let dir = temp_dir("xmr-good-files");
    let device_key = state.join("device/encryption.key");
    let kinds: [(KxAlgorithm, KxOperation, usize, &str, &str); 5] = [
        (
            KxAlgorithm::AesCbc,
            KxOperation::Encrypt,
            16,
            "AES-128-CBC",
            "encrypt",
        ),
        (
            KxAlgorithm::AesCbc,
            KxOperation::Decrypt,
            16,
            "AES-128-CBC",
            "decrypt",
        ),
        (
            KxAlgorithm::HmacSha256,
            KxOperation::Sign,
            32,
            "HMAC-SHA256",
            "sign",
        ),
        (
            KxAlgorithm::EcdsaP256,
            KxOperation::Sign,
            32,
            "ECDSA-P256-SHA256",
            "sign",
        ),
        (
            KxAlgorithm::EcdsaP256,
            KxOperation::Verify,
            64,
            "ECDSA-P256-SHA256",
            "verify",
        ),
    ];
    for (i, (alg, op, len, alg_name, op_name)) in kinds.into_iter().enumerate() {
        let mut rng = TestRng::from_seed(100 + i as u64);
        let (lid, kid): ([u8; 16], [u8; 16]) = (rng.array(), rng.array());
        let key: Vec<u8> = if alg == KxAlgorithm::EcdsaP256 && op == KxOperation::Verify {
            KeyPair::generate(&mut rng).public().to_vec()
        } else if alg == KxAlgorithm::EcdsaP256 {
            KeyPair::generate(&mut rng).secret_bytes().to_vec()
        } else {
            (0..len).map(|_| rng.array::<1>()[0]).collect()
        };
        let mut spec = LicenseSpec::key_exchange(lid, kid, alg, op, key.clone());
        spec.expiration = Some((1_700_000_000, u32::MAX));
        spec.issue_date = Some(1_700_000_000);
        let path = dir.join(format!("kx{i}.xmr"));
        std::fs::write(&path, license(&state, &spec, 7 + i as u64)).unwrap();
        let p = path.to_str().unwrap();

        let v = ok_json(&[
            "xmr",
            "inspect",
            p,
            "--device-key",
            device_key.to_str().unwrap(),
        ]);
        let s = &v["summary"];
        assert_eq!(s["kid"]["guid"], guid(&kid));
        assert_eq!(s["kid"]["base64"], b64(&kid));
        assert_eq!(s["lid"]["guid"], guid(&lid));
        assert_eq!(s["key_type"], "key exchange");
        assert_eq!(s["key_exchange_policy"]["algorithm"], alg_name);
        assert_eq!(s["key_exchange_policy"]["operation"], op_name);
        assert_eq!(s["key_exchange_policy"]["key_len"], len);
        assert_eq!(s["expiration"]["begin"]["utc"], "2023-11-14T22:13:20Z");
        assert_eq!(s["expiration"]["end"]["utc"], "no end");
        assert_eq!(s["valid_now"], true);
        assert_eq!(s["device_check"]["bound"], true);
        assert_eq!(s["device_check"]["signature_valid"], true);
        assert_eq!(s["device_check"]["key_unwraps"], true);
        // The outer container holds global policy, key material and signature.
        let outer = &v["objects"][0];
        assert_eq!(outer["type"], "0x0001");
        let names: Vec<&str> = outer["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "global policy container",
                "key material container",
                "signature"
            ]
        );

        // Never the key, in either output, in hex or base64.
        let text = ok(&[
            "xmr",
            "inspect",
            p,
            "--device-key",
            device_key.to_str().unwrap(),
        ]);
        assert!(text.contains("key unwraps:     yes"), "{text}");
        for out in [text, v.to_string()] {
            assert!(!out.contains(&hex(&key)), "key printed");
            assert!(!out.contains(&b64(&key)), "key printed");
        }
    }

    // A content license, and the device directory as --device-key.
    let mut rng = TestRng::from_seed(9);
    let (lid, kid, key): ([u8; 16], [u8; 16], [u8; 16]) = (rng.array(), rng.array(), rng.array());
    let spec = LicenseSpec::content(lid, kid, drm_servers::xmr::KEY_TYPE_AES_CTR, key);
    let path = dir.join("content.xmr");
    std::fs::write(&path, license(&state, &spec, 3)).unwrap();
    let v = ok_json(&[
        "xmr",
        "inspect",
        path.to_str().unwrap(),
        "--device-key",
        state.join("device").to_str().unwrap(),
    ]);
    assert_eq!(v["summary"]["key_type"], "AES-128-CTR");
    assert_eq!(v["summary"]["key_exchange"], false);
    assert_eq!(v["summary"]["device_check"]["key_unwraps"], true);
    assert!(!v.to_string().contains(&hex(&key)));
    // Without a device key: no device check.
    let v = ok_json(&["xmr", "inspect", path.to_str().unwrap()]);
    assert_eq!(v["summary"].get("device_check"), None);
}

#[test]
fn xmr_inspect_refuses_bad_input() {
    let state = provisioned("xmr-bad");
    let dir = temp_dir("xmr-bad-files");
    let device_key = state.join("device/encryption.key");
    let dk = device_key.to_str().unwrap();
    let write = writer(&dir);
    let spec = hmac_sign_spec;
    let good = license(&state, &spec(vec![]), 1);

    fails(
        1,
        &["xmr", "inspect", dir.join("missing.xmr").to_str().unwrap()],
    );
    fails(
        1,
        &[
            "xmr",
            "inspect",
            &write("garbage", b"XMR\0 but nothing else"),
        ],
    );
    fails(1, &["xmr", "inspect", &write("empty", b"")]);
    fails(
        1,
        &["xmr", "inspect", &write("half", &good[..good.len() / 2])],
    );
    let e = fails(
        1,
        &[
            "xmr",
            "inspect",
            &write(
                "unknown",
                &license(
                    &state,
                    &spec(vec![Defect::UnknownObject {
                        must_understand: true,
                    }]),
                    2,
                ),
            ),
        ],
    );
    assert!(e.contains("must-understand"), "{e}");

    // Structurally fine, but tampered after signing: the signature fails with the device key.
    let tampered = license(&state, &spec(vec![Defect::TamperByte(49)]), 3);
    let t = write("tampered", &tampered);
    ok(&["xmr", "inspect", &t]);
    let e = fails(1, &["xmr", "inspect", &t, "--device-key", dk]);
    assert!(e.contains("does not open"), "{e}");
    let o = sim(&["xmr", "inspect", &t, "--device-key", dk, "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["device_check"]["bound"], true);
    assert_eq!(v["summary"]["device_check"]["signature_valid"], false);
    assert_eq!(v["summary"]["device_check"]["key_unwraps"], false);

    // Another device's key: not bound.
    let g = write("good", &good);
    let other = write(
        "other.key",
        &KeyPair::generate(&mut TestRng::from_seed(5)).secret_bytes(),
    );
    let e = fails(1, &["xmr", "inspect", &g, "--device-key", &other]);
    assert!(e.contains("bound to another device"), "{e}");
    // Key files that are not keys.
    fails(
        1,
        &[
            "xmr",
            "inspect",
            &g,
            "--device-key",
            &write("short.key", &[1; 31]),
        ],
    );
    fails(
        1,
        &[
            "xmr",
            "inspect",
            &g,
            "--device-key",
            &write("zero.key", &[0; 32]),
        ],
    );
    fails(
        1,
        &[
            "xmr",
            "inspect",
            &g,
            "--device-key",
            dir.join("none").to_str().unwrap(),
        ],
    );
    // A chain is not a license.
    fails(
        1,
        &[
            "xmr",
            "inspect",
            state.join("device/chain.bcert").to_str().unwrap(),
        ],
    );
    // The good one passes.
    ok(&["xmr", "inspect", &g, "--device-key", dk]);
    let v = ok_json(&["xmr", "inspect", &g, "--device-key", dk]);
    assert_eq!(v["usable"], true);
    assert_eq!(v["reasons"], serde_json::json!([]));
}

/// A license the device cannot use is still shown, with every reason, and exit status 1.
#[test]
fn xmr_inspect_shows_unusable_licenses_with_the_reason() {
    let state = provisioned("xmr-unusable");
    let dir = temp_dir("xmr-unusable-files");
    let dk = state.join("device/encryption.key");
    let dk = dk.to_str().unwrap();
    let write = writer(&dir);
    let kx = hmac_sign_spec;
    let json_of = |args: &[&str]| -> (Value, String) {
        let mut all: Vec<&str> = args.to_vec();
        all.push("--json");
        let o = sim(&all);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{args:?}: exit 1 for an unusable license"
        );
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        (serde_json::from_slice(&o.stdout).unwrap(), err)
    };

    // Expired: every field shown, the reason named.
    let mut spec = LicenseSpec::content(
        [3; 16],
        [4; 16],
        drm_servers::xmr::KEY_TYPE_AES_CBC,
        [5; 16],
    );
    spec.expiration = Some((1_000_000, 1_600_000_000));
    let expired = write("expired.xmr", &license(&state, &spec, 4));
    let (v, err) = json_of(&["xmr", "inspect", &expired, "--device-key", dk]);
    assert_eq!(v["usable"], false);
    assert!(
        v["reasons"][0].as_str().unwrap().starts_with("expired"),
        "{v}"
    );
    assert_eq!(v["summary"]["kid"]["guid"].as_str().unwrap().len(), 36);
    assert_eq!(v["summary"]["device_check"]["signature_valid"], true);
    assert!(err.contains("cannot be used: expired"), "{err}");
    let text = stdout_of(&["xmr", "inspect", &expired]);
    assert!(text.contains("usable:            NO: expired"), "{text}");

    // Not yet valid.
    spec.expiration = Some((4_000_000_000, xmr_no_end()));
    let (v, _) = json_of(&[
        "xmr",
        "inspect",
        &write("future.xmr", &license(&state, &spec, 5)),
    ]);
    assert!(
        v["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with("not yet valid"),
        "{v}"
    );

    // A required object missing: the parser refuses it, the objects are shown anyway.
    let (v, err) = json_of(&[
        "xmr",
        "inspect",
        &write(
            "nopolicy.xmr",
            &license(&state, &kx(vec![Defect::NoPolicy]), 6),
        ),
    ]);
    assert_eq!(v["usable"], false);
    assert!(
        v["reasons"][0]
            .as_str()
            .unwrap()
            .contains("required object missing"),
        "{v}"
    );
    assert_eq!(v["error_code"], "0x8004C0E2");
    assert!(!v["objects"].as_array().unwrap().is_empty());
    assert!(err.contains("cannot be used"), "{err}");

    // Expired and bound to another device: both reasons.
    let other = write(
        "other.key",
        &KeyPair::generate(&mut TestRng::from_seed(6)).secret_bytes(),
    );
    spec.expiration = Some((1_000_000, 1_600_000_000));
    let (v, _) = json_of(&["xmr", "inspect", &expired, "--device-key", &other]);
    let reasons = v["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 2, "{v}");
    assert!(
        reasons[1]
            .as_str()
            .unwrap()
            .contains("bound to another device")
    );

    // HMAC-signed (type 2): shown, no signature verdict, refused with its own error.
    let (v, _) = json_of(&[
        "xmr",
        "inspect",
        &write(
            "hmac.xmr",
            &license(&state, &kx(vec![Defect::HmacSignature]), 7),
        ),
        "--device-key",
        dk,
    ]);
    assert_eq!(v["summary"]["device_check"]["signature_valid"], Value::Null);
    assert!(
        v["reasons"][0].as_str().unwrap().contains("0x8004D510"),
        "{v}"
    );
}

/// Writes files into `dir`: name and bytes in, the path out.
fn writer(dir: &Path) -> impl Fn(&str, &[u8]) -> String + '_ {
    move |name, bytes| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_owned()
    }
}

/// An HMAC-SHA256 sign KeyExchangeLicense with `defects`.
fn hmac_sign_spec(defects: Vec<Defect>) -> LicenseSpec {
    let mut s = LicenseSpec::key_exchange(
        [1; 16],
        [2; 16],
        KxAlgorithm::HmacSha256,
        KxOperation::Sign,
        vec![7; 32],
    );
    s.defects = defects;
    s
}

fn stdout_of(args: &[&str]) -> String {
    String::from_utf8(sim(args).stdout).unwrap()
}

fn xmr_no_end() -> u32 {
    drm_core::xmr::NO_END
}
