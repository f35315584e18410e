//! The host side of the QEMU round trip (`targets/qemu/scripts/sd-roundtrip`): the simulated
//! servers over HTTP on loopback (`drm-servers-http`, as `drm-sim serve` runs them) for the
//! firmware `sd_roundtrip`, and the runner's side that carries the firmware's challenges to them
//! and their responses back.
//!
//! `cargo run -p drm-tests --example sd_qemu_host -- DIR [--server URL --state STATE]`:
//! 1. the device and the servers: without `--server`, a test device provisioned from a seeded
//!    authority and both servers started on 127.0.0.1 with their SQLite records in
//!    `DIR/records.sqlite`; with `--server URL --state STATE`, the servers of a running
//!    `drm-sim serve --state STATE` and the device of that state directory (its key files and
//!    chain, read only: a running server knows only the devices of its own root, and the state
//!    keeps no authority to provision another), after checking that the server's root is the
//!    state's;
//! 2. registers the grants (`/sim/grant`): a KeyExchangeLicense (HMAC-SHA256, sign) for KID
//!    `[0x71; 16]`, a content license for `[0x72; 16]`; writes `DIR/sd_device.bin` (the device's
//!    signing and encryption private keys, 32 bytes each, the Secure Delete server's public key,
//!    64, and the device's chain) and `DIR/la_server.bin` (the license server's public key and
//!    the root, 64 bytes each);
//! 3. waits for the firmware's `DIR/la_challenge.xml`, posts it to the license server
//!    (`POST /rightsmanager.asmx`, `SOAPAction: …/AcquireLicense`), requires a 200 answer with
//!    two licenses and the session in the records, writes the response to `DIR/la_response.xml`;
//! 4. waits for the firmware's `DIR/kx_tag.bin` (its HMAC-SHA256 tag with the acquired key over
//!    the firmware's `KX_DATA`) and has the server check it with its side of the key
//!    (`/sim/kx`);
//! 5. waits for the firmware's `DIR/sd_challenge.xml` and posts it to the Secure Delete server
//!    (`POST /securedelete.asmx`, `SOAPAction`), which checks it (canonical form, digest,
//!    signature, decryption with its own key, the chain to the test root, KeyInfo's key); requires
//!    a 200 answer naming the session, both licenses counted deleted, and the device's records
//!    (`/sim/devices`) one session deleted and two live licenses fewer;
//! 6. writes the server's response to `DIR/sd_response.xml` for the firmware.
//!
//! With `--sd-only` (the firmware `bench_ops`, which stores its session `[0x5D; 16]` with the
//! licenses of KIDs `[0x71; 16]`, `[0x72; 16]` itself, no license server run): steps 3 and 4 are
//! left out, and the servers' records get that session as the license server would have
//! recorded it when issuing them (own servers only).
//!
//! Exits 0 when every step passed; 1 with the reason otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use drm_servers::TestRng;
use drm_servers::backend::Totals;
use drm_servers::crypto::KeyPair;
use drm_servers::pki::{Authority, SL_2000, verify_device_chain};
use drm_servers::soap::b64;
use drm_servers::xmr::{KxAlgorithm, KxOperation};
use drm_servers_http::{
    Client, Config, LICENSE_PATH, Limits, Running, SECURE_DELETE_PATH, ServerKeys,
};
use drm_target_host::identity::{CHAIN_FILE, ENCRYPTION_KEY_FILE, SIGNING_KEY_FILE};

/// The firmware's first KID, granted a KeyExchangeLicense; its second (`[0x72; 16]`) is not
/// registered, so it gets the servers' default, a persistent content license.
const KX_KID: [u8; 16] = [0x71; 16];
/// `--sd-only`: the session `bench_ops` stores with its two licenses (`bench/ops.rs`).
const BENCH_SESSION: [u8; 16] = [0x5D; 16];
/// `--sd-only`: the KIDs of the licenses of [`BENCH_SESSION`].
const BENCH_KIDS: [[u8; 16]; 2] = [[0x71; 16], [0x72; 16]];
/// What the firmware's key exchange key signs (`KX_DATA` of `bin/sd_roundtrip.rs`).
const KX_DATA: &[u8] = b"drm-kit qemu round trip: a key exchange key acquired at run time";
/// Longest wait for one file of the firmware.
const WAIT: Duration = Duration::from_secs(180);

fn fail(msg: &str) -> ! {
    eprintln!("sd_qemu_host: FAIL: {msg}");
    std::process::exit(1);
}

fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) {
    let tmp = dir.join(format!("{name}.tmp"));
    std::fs::write(&tmp, bytes).expect("write");
    std::fs::rename(&tmp, dir.join(name)).expect("rename");
}

/// Waits for the firmware's file `name` in `dir` (written whole, then renamed), then reads it.
fn wait_for(dir: &Path, name: &str) -> Vec<u8> {
    let path = dir.join(name);
    let start = Instant::now();
    while !path.exists() {
        if start.elapsed() > WAIT {
            fail(&format!("no {name} from the firmware within {WAIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::fs::read(&path).unwrap_or_else(|e| fail(&format!("read {name}: {e}")))
}

/// The device: its private keys and chain.
struct Device {
    signing: [u8; 32],
    encryption: [u8; 32],
    chain: Vec<u8>,
}

/// The servers this run talks to, and the device.
struct Setup {
    device: Device,
    client: Client,
    /// The servers this example started (`None`: a running `drm-sim serve`).
    started: Option<Running>,
}

/// Without `--server`: a seeded test device and servers started here.
fn own_servers(dir: &Path) -> Setup {
    let mut ca = Authority::from_seed(60);
    let dev = ca.provision_device(SL_2000);
    let mut rng = TestRng::from_seed(61);
    let keys = ServerKeys {
        license: KeyPair::generate(&mut rng),
        license_identity: ca.provision_server(),
        secure_delete: KeyPair::generate(&mut rng),
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
    let client = Client::new(&server.url()).expect("a loopback URL");
    Setup {
        device: Device {
            signing: dev.signing_key_bytes(),
            encryption: dev.encryption_key_bytes(),
            chain: dev.chain.clone(),
        },
        client,
        started: Some(server),
    }
}

/// With `--server URL --state STATE`: the running servers and the state directory's device.
fn running_servers(url: &str, state: &Path) -> Setup {
    let client = Client::new(url).unwrap_or_else(|e| fail(&format!("--server {url}: {e}")));
    let info = client
        .info()
        .unwrap_or_else(|e| fail(&format!("no answer from the servers at {url}: {e}")));
    let read = |rel: &str| {
        let path = state.join(rel);
        std::fs::read(&path).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())))
    };
    let key = |rel: &str| -> [u8; 32] {
        read(rel)
            .try_into()
            .unwrap_or_else(|_| fail(&format!("{rel} is not a 32-byte key")))
    };
    let root = read("pki/root.pub");
    if root != info.root {
        fail(&format!(
            "the servers at {url} trust another root than {} (started with another --state?)",
            state.display()
        ));
    }
    Setup {
        device: Device {
            signing: key(&format!("device/{SIGNING_KEY_FILE}")),
            encryption: key(&format!("device/{ENCRYPTION_KEY_FILE}")),
            chain: read(&format!("device/{CHAIN_FILE}")),
        },
        client,
        started: None,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: sd_qemu_host DIR [--server URL --state STATE | --sd-only]";
    let dir = PathBuf::from(args.first().unwrap_or_else(|| fail(usage)));
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .map(|i| args.get(i + 1).unwrap_or_else(|| fail(usage)).clone())
    };
    std::fs::create_dir_all(&dir).expect("create the folder");
    let sd_only = args.iter().any(|a| a == "--sd-only");
    let setup = match (flag("--server"), flag("--state")) {
        (None, None) => own_servers(&dir),
        (Some(url), Some(state)) if !sd_only => running_servers(&url, Path::new(&state)),
        _ => fail(usage),
    };
    let client = &setup.client;
    let info = client
        .info()
        .unwrap_or_else(|e| fail(&format!("/sim/info: {e}")));
    let cert_id = verify_device_chain(&setup.device.chain, &info.root)
        .unwrap_or_else(|e| {
            fail(&format!(
                "the device's chain does not verify to the servers' root: {e}"
            ))
        })
        .cert_id;
    client
        .grant_key_exchange(&KX_KID, KxAlgorithm::HmacSha256, KxOperation::Sign)
        .unwrap_or_else(|e| fail(&format!("/sim/grant: {e}")));
    let before = client
        .device(&cert_id)
        .unwrap_or_else(|e| fail(&format!("records: {e}")));

    let mut device = setup.device.signing.to_vec();
    device.extend_from_slice(&setup.device.encryption);
    device.extend_from_slice(&info.secure_delete_server_key);
    device.extend_from_slice(&setup.device.chain);
    let mut la_server = info.license_server_key.to_vec();
    la_server.extend_from_slice(&info.root);
    write_atomically(&dir, "la_server.bin", &la_server);
    write_atomically(&dir, "sd_device.bin", &device);

    let (session, issued) = if sd_only {
        // The firmware's own session: recorded as the license server would have.
        let server = setup.started.as_ref().unwrap_or_else(|| fail(usage));
        server
            .backend()
            .record_issue(&cert_id, &BENCH_SESSION, &BENCH_KIDS)
            .unwrap_or_else(|e| fail(&format!("record the session: {e}")));
        let issued = client
            .device(&cert_id)
            .unwrap_or_else(|e| fail(&format!("records: {e}")));
        (BENCH_SESSION, issued)
    } else {
        acquire_and_exchange(&dir, client, &cert_id, &before)
    };

    // Secure Delete.
    secure_delete(&dir, client, &cert_id, &session, &before, &issued);
    if let Some(server) = setup.started {
        server.stop();
    }
}

/// Steps 3 and 4: the license acquisition over HTTP and the key exchange tag; the session and
/// the device's records after the issue.
fn acquire_and_exchange(
    dir: &Path,
    client: &Client,
    cert_id: &[u8; 16],
    before: &Totals,
) -> ([u8; 16], Totals) {
    // License acquisition.
    let challenge = wait_for(dir, "la_challenge.xml");
    let reply = client
        .acquire_license(&challenge)
        .unwrap_or_else(|e| fail(&format!("no answer from the license server: {e}")));
    let outcome = reply.outcome.clone().unwrap_or_default();
    if reply.status != 200 {
        fail(&format!(
            "the license server refused the challenge: HTTP {}, {outcome}",
            reply.status
        ));
    }
    let session = outcome
        .strip_prefix("issued 2 licenses, session ")
        .and_then(drm_servers_http::unhex)
        .and_then(|b| <[u8; 16]>::try_from(b.as_slice()).ok())
        .unwrap_or_else(|| {
            fail(&format!(
                "the license server did not issue 2 licenses: {outcome}"
            ))
        });
    let issued = client
        .device(cert_id)
        .unwrap_or_else(|e| fail(&format!("records: {e}")));
    if issued.sessions != before.sessions + 1
        || issued.live_persistent != before.live_persistent + 2
    {
        fail(&format!(
            "the records did not count the issue: {before:?} -> {issued:?}"
        ));
    }
    write_atomically(dir, "la_response.xml", &reply.body);
    println!(
        "sd_qemu_host: licenses acquired over HTTP: challenge of {} bytes (POST {}{LICENSE_PATH}, \
SOAPAction AcquireLicense: signature, decryption, chain), 2 licenses issued in a response of {} \
bytes, session {} recorded (live persistent licenses {} -> {})",
        challenge.len(),
        client.url(),
        reply.body.len(),
        drm_servers_http::hex(&session),
        before.live_persistent,
        issued.live_persistent
    );

    // The key exchange key's tag, checked with the server's side of the key.
    let tag = wait_for(dir, "kx_tag.bin");
    let valid = client
        .kx(
            &KX_KID,
            "hmac-sha256-verify",
            &[("data", KX_DATA), ("tag", &tag)],
        )
        .unwrap_or_else(|e| fail(&format!("/sim/kx: {e}")));
    if valid != [1] {
        fail("the server refused the firmware's HMAC-SHA256 tag");
    }
    println!(
        "sd_qemu_host: key exchange: the firmware's HMAC-SHA256 tag over {} bytes accepted by the \
server's side of the key",
        KX_DATA.len()
    );

    (session, issued)
}

/// Steps 5 and 6: the Secure Delete challenge checked over HTTP, the records counted.
fn secure_delete(
    dir: &Path,
    client: &Client,
    cert_id: &[u8; 16],
    session: &[u8; 16],
    before: &Totals,
    issued: &Totals,
) {
    let challenge = wait_for(dir, "sd_challenge.xml");
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
    if !body.contains(&format!("<SessionID>{}</SessionID>", b64(session))) {
        fail("the response names another session");
    }
    let seen = client
        .device(cert_id)
        .unwrap_or_else(|e| fail(&format!("records: {e}")));
    if seen.sessions_deleted != issued.sessions_deleted + 1
        || seen.licenses_deleted != issued.licenses_deleted + 2
        || seen.live_persistent != before.live_persistent
    {
        fail(&format!(
            "the records did not count the deletion: {issued:?} -> {seen:?}"
        ));
    }
    write_atomically(dir, "sd_response.xml", &reply.body);
    println!(
        "sd_qemu_host: Secure Delete challenge of {} bytes accepted over HTTP (POST \
{}{SECURE_DELETE_PATH}: signature, decryption, chain); the session deleted in the records, live \
persistent licenses {} -> {}; response written",
        challenge.len(),
        client.url(),
        issued.live_persistent,
        seen.live_persistent
    );
}
