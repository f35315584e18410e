//! Writes a Secure Delete challenge, an AcquireLicense challenge (both built from the test
//! templates with a seeded test device) and the test server's private key, for
//! `tests/python/verify_challenge.py`.
//!
//! `cargo run -p drm-tests --example write_challenges -- DIR`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "../tests/common/mod.rs"]
mod common;

use drm_servers::TestRng;
use drm_servers::crypto::{KeyPair, hex};
use drm_servers::pki::{Authority, SL_2000};

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: write_challenges DIR"),
    );
    std::fs::create_dir_all(&dir).expect("create the output folder");
    let mut ca = Authority::from_seed(42);
    let dev = ca.provision_device(SL_2000);
    let mut rng = TestRng::from_seed(43);
    let server = KeyPair::generate(&mut rng);
    let kids = [[1u8; 16], [2; 16]];
    let sd = common::sd_challenge(
        &dev.chain,
        &dev.signing,
        &server.public(),
        &[9; 16],
        &kids,
        &mut rng,
    );
    let la = common::la_challenge(
        &dev.chain,
        &dev.signing,
        &server.public(),
        &kids,
        &[7; 16],
        &mut rng,
    );
    std::fs::write(dir.join("sd_challenge.xml"), sd.xml()).expect("write");
    std::fs::write(dir.join("la_challenge.xml"), la.xml()).expect("write");
    std::fs::write(dir.join("server.key"), hex(&server.secret_bytes())).expect("write");
    println!(
        "wrote {}: chain of {} bytes",
        dir.display(),
        dev.chain.len()
    );
}
