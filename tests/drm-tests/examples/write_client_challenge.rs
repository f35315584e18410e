//! Writes an AcquireLicense challenge built by drm-core's client (`drm_core::acquire`) for a
//! seeded test device, and the test server's private key, for
//! `tests/python/verify_challenge.py` (lxml's exclusive canonicalisation and `cryptography`).
//!
//! `cargo run -p drm-tests --example write_client_challenge -- DIR` writes
//! `DIR/client_la_challenge.xml` and `DIR/client_server.key`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use drm_core::Kid;
use drm_core::acquire::{ChallengeParams, challenge_sizes, write_challenge};
use drm_core::platform::SoftwareIdentity;
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_servers::TestRng;
use drm_servers::crypto::{KeyPair, hex};
use drm_servers::pki::{Authority, SL_2000};
use drm_target_host::InsecureTestRng;

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: write_client_challenge DIR"),
    );
    std::fs::create_dir_all(&dir).expect("create the output folder");
    let mut ca = Authority::from_seed(44);
    let dev = ca.provision_device(SL_2000);
    let server = KeyPair::generate(&mut TestRng::from_seed(45));
    let identity = SoftwareIdentity::new(
        EccPrivateKey::from_bytes(dev.signing_key_bytes()),
        EccPrivateKey::from_bytes(dev.encryption_key_bytes()),
        HmacKey::from_bytes([7; 32]),
        dev.chain.clone(),
        dev.security_level,
    )
    .unwrap();
    let kids = [Kid::from_bytes([1; 16]), Kid::from_bytes([2; 16])];
    let server_key = server.public();
    let params = ChallengeParams::new(&kids, &server_key, 1_700_000_000);
    let sizes = challenge_sizes(&params, dev.chain.len()).unwrap();
    let mut work = vec![0u8; sizes.work];
    let mut out = vec![0u8; sizes.challenge];
    let mut rng = InsecureTestRng::seeded(46);
    let (_, xml) = write_challenge(&params, &identity, &mut rng, &mut work, &mut out).unwrap();
    std::fs::write(dir.join("client_la_challenge.xml"), xml).expect("write");
    std::fs::write(dir.join("client_server.key"), hex(&server.secret_bytes())).expect("write");
    println!("wrote {}: challenge of {} bytes", dir.display(), xml.len());
}
