//! The host side of the QEMU Secure Delete round trip (`targets/qemu/scripts/sd-roundtrip`):
//! the simulated Secure Delete server for the firmware `sd_roundtrip`.
//!
//! `cargo run -p drm-tests --example sd_qemu_host -- DIR`:
//! 1. provisions a test device and writes `DIR/sd_device.bin` for the firmware: the device's
//!    signing and encryption private keys (32 bytes each), the server's public key (64) and the
//!    device's certificate chain; the backend counts the device's two persistent licenses of
//!    session `[0x5D; 16]` (KIDs `[0x71; 16]`, `[0x72; 16]`, as the firmware stores them);
//! 2. waits for the firmware's `DIR/sd_challenge.xml`, checks it with the `SecureDeleteServer`
//!    (canonical form, digest, signature, decryption with its own key, the chain to the test root,
//!    KeyInfo's key), and requires the session and both KIDs and the count to drop to zero;
//! 3. writes the server's response to `DIR/sd_response.xml` for the firmware.
//!
//! Exits 0 when the server accepted the challenge; 1 with the reason otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;
use std::time::{Duration, Instant};

use drm_servers::backend::DeleteResult;
use drm_servers::crypto::KeyPair;
use drm_servers::pki::{Authority, SL_2000};
use drm_servers::secure_delete::SecureDeleteServer;
use drm_servers::{Backend, TestRng};

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
    let backend = Backend::new();
    backend
        .record_issue(&dev.cert_id, &SESSION, &KIDS)
        .expect("record the session");
    let mut server = SecureDeleteServer::new(
        backend.clone(),
        key.clone(),
        ca.root_public_key(),
        rng.fork(),
    );

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
    let reply = server.handle(&challenge);
    let outcome = match reply.outcome {
        Ok(o) => o,
        Err(e) => fail(&format!("the server refused the challenge: {e}")),
    };
    if outcome.session_id != SESSION
        || outcome.kids != KIDS
        || outcome.device.cert_id != dev.cert_id
    {
        fail("the challenge names another session, KIDs or device");
    }
    if outcome.result != Some(DeleteResult::Deleted { removed: 2 })
        || backend.live_persistent(&dev.cert_id) != 0
    {
        fail(&format!(
            "the backend did not count the deletion: {:?}",
            outcome.result
        ));
    }
    write_atomically(&dir, "sd_response.xml", reply.xml.as_bytes());
    println!(
        "sd_qemu_host: challenge of {} bytes accepted (signature, decryption, chain); \
live persistent licenses 2 -> 0; response written",
        challenge.len()
    );
}
