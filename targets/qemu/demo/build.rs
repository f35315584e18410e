//! Linker scripts, and what the simulated servers prepare for the demo at build time:
//!
//! - `$OUT_DIR/keyexchange_vectors.rs`: the `keyexchange` suite's KeyExchangeLicenses for every
//!   algorithm and operation, the device's keys and chain, and the results the license server
//!   computed with its own copy of each key (`../firmware/build_keyexchange.rs`);
//! - `$OUT_DIR/demo_vectors.rs`: for the same device, persistent content licenses in three
//!   sessions (the license server's builder, `drm_servers::xmr`), the test root key, the Secure
//!   Delete server's public key, and that server's response for the first session
//!   (`drm_servers::secure_delete::response`).
//!
//! Linker scripts are passed from here (not from `rustflags`) so that a build with `RUSTFLAGS`
//! set still links; `memory.x` comes from drm-board's build script.

use std::fmt::Write as _;
use std::path::Path;

use drm_servers::TestRng;
use drm_servers::crypto::KeyPair;
use drm_servers::pki::{Authority, SL_2000};
use drm_servers::secure_delete;
use drm_servers::xmr::{KEY_TYPE_AES_CTR, LicenseSpec, build_license};

#[path = "../firmware/build_keyexchange.rs"]
mod keyexchange;

use keyexchange::constant;

/// Sessions of persistent licenses, and licenses in each.
const SESSIONS: usize = 3;
const LICENSES_PER_SESSION: usize = 2;

fn main() {
    println!("cargo:rustc-link-arg=-Tlink.x");
    println!("cargo:rustc-link-arg=-Tdefmt.x");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../firmware/build_keyexchange.rs");
    println!("cargo:rerun-if-changed=../../../servers/src");
    let dir = std::env::var_os("OUT_DIR").unwrap_or_default();
    let dir = Path::new(&dir);
    if let Err(e) = keyexchange::write(dir).and_then(|()| demo_vectors(dir)) {
        println!("cargo:warning={e}");
        std::process::exit(1);
    }
}

fn demo_vectors(dir: &Path) -> Result<(), String> {
    let mut ca = Authority::from_seed(keyexchange::AUTHORITY_SEED);
    let device = ca.provision_device(SL_2000);
    let public = device.encryption.public();
    let mut rng = TestRng::from_seed(0xDE_30_F1);
    let mut out = String::new();
    constant(&mut out, "ROOT", &ca.root_public_key());

    let mut sessions = String::new();
    let ids: Vec<[u8; 16]> = (0..SESSIONS).map(|_| rng.array()).collect();
    for (s, session) in ids.iter().enumerate() {
        constant(&mut out, &format!("SESSION_{s}"), session);
        let _ = write!(sessions, "Session {{ id: SESSION_{s}, licenses: [");
        for l in 0..LICENSES_PER_SESSION {
            let key: [u8; 16] = rng.array();
            let mut spec = LicenseSpec::content(rng.array(), rng.array(), KEY_TYPE_AES_CTR, key);
            spec.persistent = true;
            let built = build_license(&spec, &public, &mut rng)
                .map_err(|e| format!("session {s} license {l}: {e:?}"))?;
            let name = format!("SESSION_{s}_LICENSE_{l}");
            constant(&mut out, &name, &built.bytes);
            constant(&mut out, &format!("{name}_KID"), &spec.kid);
            constant(&mut out, &format!("{name}_KEY"), &key);
            let _ = write!(
                sessions,
                "License {{ bytes: &{name}, kid: {name}_KID, key: {name}_KEY }}, "
            );
        }
        sessions.push_str("] }, ");
    }
    let _ = writeln!(out, "/// The sessions, built at build time by `build.rs`.");
    let _ = writeln!(out, "const SESSIONS: [Session; {SESSIONS}] = [{sessions}];");

    // The Secure Delete server: its key, and its response removing the first session (a
    // response names the session and is neither signed nor encrypted, so the server can prepare
    // it before the device has sent the challenge).
    let server = KeyPair::generate(&mut rng);
    constant(&mut out, "SD_SERVER_PUBLIC", &server.public());
    let first = ids.first().ok_or("no session")?;
    constant(
        &mut out,
        "SD_RESPONSE",
        secure_delete::response(1, first).as_bytes(),
    );

    let path = dir.join("demo_vectors.rs");
    std::fs::write(&path, out).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
