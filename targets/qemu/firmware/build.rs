//! Linker scripts for the firmware binaries, and the test vectors the simulated servers build for
//! the `xmr` suite.
//!
//! Linker scripts are passed from here (not from `rustflags`) so that a build with `RUSTFLAGS` set
//! still links. `memory.x` comes from drm-board's build script.
//!
//! `$OUT_DIR/xmr_vectors.rs` holds licenses built by the simulated license server's builder
//! (`drm_servers::xmr`) and a device chain from the test authority (`drm_servers::pki`), for a device
//! whose keys come from a fixed seed: the on-target suite checks drm-core's parser, verifier and
//! unwrap against the independent server code, on the target.

use std::fmt::Write as _;

use drm_servers::TestRng;
use drm_servers::pki::{Authority, SL_2000};
use drm_servers::xmr::{KEY_TYPE_AES_CTR, KxAlgorithm, KxOperation, LicenseSpec, build_license};

#[path = "build_keyexchange.rs"]
mod keyexchange;

fn main() {
    println!("cargo:rustc-link-arg=-Tlink.x");
    println!("cargo:rustc-link-arg=-Tdefmt.x");
    println!("cargo:rerun-if-changed=build.rs");
    xmr_vectors();
    println!("cargo:rerun-if-changed=build_keyexchange.rs");
    let dir = std::env::var_os("OUT_DIR").unwrap_or_default();
    if let Err(e) = keyexchange::write(std::path::Path::new(&dir)) {
        fail(&e);
    }
}

fn fail(why: &str) -> ! {
    println!("cargo:warning={why}");
    std::process::exit(1);
}

fn constant(out: &mut String, name: &str, bytes: &[u8]) {
    let _ = writeln!(out, "/// Built at build time by `build.rs`.");
    let _ = writeln!(out, "pub const {name}: [u8; {}] = {bytes:?};", bytes.len());
}

fn xmr_vectors() {
    let mut ca = Authority::from_seed(0x0E_7A_26_E7);
    let device = ca.provision_device(SL_2000);
    let mut rng = TestRng::from_seed(0x0E_7A_26_E8);
    let content_key: [u8; 16] = rng.array();
    let content = LicenseSpec::content(rng.array(), rng.array(), KEY_TYPE_AES_CTR, content_key);
    let hmac_key: [u8; 32] = rng.array();
    let hmac = LicenseSpec::key_exchange(
        rng.array(),
        rng.array(),
        KxAlgorithm::HmacSha256,
        KxOperation::Sign,
        hmac_key.to_vec(),
    );
    let public = device.encryption.public();
    let (Ok(content), Ok(hmac)) = (
        build_license(&content, &public, &mut rng),
        build_license(&hmac, &public, &mut rng),
    ) else {
        fail("the license builder refused a license");
    };

    let mut out = String::new();
    constant(&mut out, "SIGNING_KEY", &device.signing_key_bytes());
    constant(&mut out, "SIGNING_PUBLIC", &device.signing.public());
    constant(&mut out, "ENCRYPTION_KEY", &device.encryption_key_bytes());
    constant(&mut out, "ENCRYPTION_PUBLIC", &public);
    constant(&mut out, "CHAIN", &device.chain);
    constant(&mut out, "ROOT", &ca.root_public_key());
    constant(&mut out, "CONTENT_LICENSE", &content.bytes);
    constant(&mut out, "CONTENT_KEY", &content_key);
    constant(&mut out, "HMAC_LICENSE", &hmac.bytes);
    constant(&mut out, "HMAC_KEY", &hmac_key);
    let dir = std::env::var_os("OUT_DIR").unwrap_or_default();
    let path = std::path::Path::new(&dir).join("xmr_vectors.rs");
    if let Err(e) = std::fs::write(&path, out) {
        fail(&format!("cannot write {}: {e}", path.display()));
    }
    println!("cargo:rerun-if-changed=../../../servers/src");
}
