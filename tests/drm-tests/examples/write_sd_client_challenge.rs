//! Writes Secure Delete challenges built by the kit's client (`drm_securedelete`) for a seeded
//! test device, and the test server's private key, for `tests/python/verify_challenge.py`
//! (lxml's exclusive canonicalisation and `cryptography`).
//!
//! A session with the most KIDs a record holds is stored on a mock flash with a license per KID,
//! removed (the challenge of `remove`), and the store is mounted again to generate the challenge
//! once more (`generate_challenge` after a reboot).
//!
//! `cargo run -p drm-tests --example write_sd_client_challenge -- DIR` writes
//! `DIR/client_sd_challenge.xml`, `DIR/client_sd_challenge_again.xml` and
//! `DIR/client_sd_server.key`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use drm_core::platform::SoftwareIdentity;
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_core::{Kid, Lid, SessionId};
use drm_hds::mock::MockFlash;
use drm_hds::{Config, Store, Transaction};
use drm_securedelete::session::{self, RECORD_MAX_LEN};
use drm_securedelete::{LICENSES, MAX_SESSION_KIDS, SecureDelete};
use drm_servers::TestRng;
use drm_servers::crypto::{KeyPair, hex};
use drm_servers::pki::{Authority, SL_2000};
use drm_target_host::InsecureTestRng;

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: write_sd_client_challenge DIR"),
    );
    std::fs::create_dir_all(&dir).expect("create the output folder");
    let mut ca = Authority::from_seed(47);
    let dev = ca.provision_device(SL_2000);
    let mut trng = TestRng::from_seed(48);
    let server = KeyPair::generate(&mut trng);
    let identity = SoftwareIdentity::new(
        EccPrivateKey::from_bytes(dev.signing_key_bytes()),
        EccPrivateKey::from_bytes(dev.encryption_key_bytes()),
        HmacKey::from_bytes([7; 32]),
        dev.chain.clone(),
        dev.security_level,
    )
    .unwrap();
    let sd = SecureDelete::new(&identity)
        .with_server_key(server.public())
        .unwrap();
    let session = SessionId::from_bytes(trng.array());
    let kids: Vec<Kid> = (0..MAX_SESSION_KIDS)
        .map(|_| Kid::from_bytes(trng.array()))
        .collect();
    let lids: Vec<Lid> = kids.iter().map(|_| Lid::from_bytes(trng.array())).collect();

    let key = || HmacKey::from_bytes([9; 32]);
    let mut mem = vec![0xFF; 16 * 4096];
    let mut rng = InsecureTestRng::seeded(49);
    let first = {
        let mut store: Store<_> =
            Store::format(MockFlash::<4, 4096>::new(&mut mem), key(), Config::new())
                .expect("format");
        let mut buf = [0u8; RECORD_MAX_LEN];
        let mut txn = Transaction::new();
        for (kid, lid) in kids.iter().zip(&lids) {
            txn.put(&LICENSES, kid.as_bytes(), lid.as_bytes(), b"license")
                .unwrap();
        }
        session::stage_kids(&mut store, &mut txn, &session, &kids, &mut buf).unwrap();
        store.commit(&txn).unwrap();
        let mut out = vec![0u8; sd.challenge_len(&mut store, &session).unwrap()];
        let n = sd.remove(&mut store, &mut rng, &session, &mut out).unwrap();
        out.truncate(n);
        out
    };
    let again = {
        let mut store: Store<_> =
            Store::mount(MockFlash::<4, 4096>::new(&mut mem), key(), Config::new()).expect("mount");
        let mut out = vec![0u8; sd.challenge_len(&mut store, &session).unwrap()];
        let n = sd
            .generate_challenge(&mut store, &mut rng, &session, &mut out)
            .unwrap();
        out.truncate(n);
        out
    };
    std::fs::write(dir.join("client_sd_challenge.xml"), &first).expect("write");
    std::fs::write(dir.join("client_sd_challenge_again.xml"), &again).expect("write");
    std::fs::write(
        dir.join("client_sd_server.key"),
        hex(&server.secret_bytes()),
    )
    .expect("write");
    println!(
        "wrote {}: challenges of {} and {} bytes",
        dir.display(),
        first.len(),
        again.len()
    );
}
