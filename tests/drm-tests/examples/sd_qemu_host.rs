//! The host side of the QEMU Secure Delete round trip (`targets/qemu/scripts/sd-roundtrip`):
//! the simulated servers over HTTP on loopback (`drm-servers-http`, as `drm-sim serve` runs
//! them) for the firmware `sd_roundtrip`, and the runner's side that carries the firmware's
//! challenge to them and their response back.
//!
//! `cargo run -p drm-tests --example sd_qemu_host -- DIR`:
//! 1. provisions a test device and writes `DIR/sd_device.bin` for the firmware: the device's
//!    signing and encryption private keys (32 bytes each), the server's public key (64) and the
//!    device's certificate chain; the backend counts the device's two persistent licenses of
//!    session `[0x5D; 16]` (KIDs `[0x71; 16]`, `[0x72; 16]`, as the firmware stores them), in
//!    the servers' SQLite records (`DIR/records.sqlite`), the servers listening on 127.0.0.1;
//! 2. waits for the firmware's `DIR/sd_challenge.xml` and posts it to the Secure Delete server
//!    (`POST /securedelete.asmx`, `SOAPAction`), which checks it (canonical form, digest,
//!    signature, decryption with its own key, the chain to the test root, KeyInfo's key); requires
//!    a 200 answer naming the session, both licenses counted deleted, and the device's records
//!    (`/sim/devices`) at zero live licenses;
//! 3. writes the server's response to `DIR/sd_response.xml` for the firmware.
//!
//! Exits 0 when the server accepted the challenge; 1 with the reason otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;
use std::time::{Duration, Instant};

use drm_servers::TestRng;
use drm_servers::crypto::KeyPair;
use drm_servers::pki::{Authority, SL_2000};
use drm_servers::soap::b64;
use drm_servers_http::{Client, Config, Limits, SECURE_DELETE_PATH, ServerKeys};

const SESSION: [u8; 16] = [0x5D; 16];
const KIDS: [[u8; 16]; 2] = [[0x71; 16], [0x72; 16]];

fn fail(msg: &str) -> ! {
    eprintln!("sd_qemu_host: FAIL: {msg}");
    std::process::exit(1);
}

fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) {
    let tmp = dir.join(format!("{name}.tmp"));
    std::fs::write(&tmp, bytes).expect("write");
    std::fs::rename(&tmp, dir.join(name)).expect("rename");
}

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: sd_qemu_host DIR"));
    std::fs::create_dir_all(&dir).expect("create the folder");
    let mut ca = Authority::from_seed(60);
    let dev = ca.provision_device(SL_2000);
    let mut rng = TestRng::from_seed(61);
    let key = KeyPair::generate(&mut rng);
    let keys = ServerKeys {
        license: KeyPair::generate(&mut rng),
        license_identity: ca.provision_server(),
        secure_delete: key.clone(),
        root: ca.root_public_key(),
    };
    let server = drm_servers_http::start(Config {
        port: 0,
        database: dir.join("records.sqlite"),
        keys,
        limits: Limits::default(),
        echo: false,
    })
    .unwrap_or_else(|e| fail(&format!("the servers did not start: {e}")));
    // The firmware stores its two licenses itself (no license server run): the servers' records
    // get the session as the license server would have recorded it when issuing them.
    server
        .backend()
        .record_issue(&dev.cert_id, &SESSION, &KIDS)
        .expect("record the session");
    let client = Client::new(&server.url()).expect("a loopback URL");

    let mut device = dev.signing_key_bytes().to_vec();
    device.extend_from_slice(&dev.encryption_key_bytes());
    device.extend_from_slice(&key.public());
    device.extend_from_slice(&dev.chain);
    write_atomically(&dir, "sd_device.bin", &device);

    let path = dir.join("sd_challenge.xml");
    let start = Instant::now();
    while !path.exists() {
        if start.elapsed() > Duration::from_secs(120) {
            fail("no challenge from the firmware");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let challenge = std::fs::read(&path).expect("read the challenge");
    let reply = client
        .secure_delete(&challenge)
        .unwrap_or_else(|e| fail(&format!("no answer from the Secure Delete server: {e}")));
    if reply.status != 200 {
        fail(&format!(
            "the server refused the challenge: HTTP {}, {}",
            reply.status,
            reply.outcome.as_deref().unwrap_or("?")
        ));
    }
    if reply.outcome.as_deref() != Some("deleted 2") {
        fail(&format!(
            "the server did not count the deletion: {:?}",
            reply.outcome
        ));
    }
    let body = String::from_utf8_lossy(&reply.body);
    if !body.contains(&format!("<SessionID>{}</SessionID>", b64(&SESSION))) {
        fail("the response names another session");
    }
    let seen = client
        .device(&dev.cert_id)
        .unwrap_or_else(|e| fail(&format!("records: {e}")));
    if seen.sessions_deleted != 1 || seen.licenses_deleted != 2 || seen.live_persistent != 0 {
        fail(&format!("the records did not count the deletion: {seen:?}"));
    }
    write_atomically(&dir, "sd_response.xml", &reply.body);
    println!(
        "sd_qemu_host: challenge of {} bytes accepted over HTTP (POST {}{SECURE_DELETE_PATH}: \
signature, decryption, chain); the device's session deleted in the records, live persistent \
licenses 2 -> 0; response written",
        challenge.len(),
        server.url()
    );
    server.stop();
}
