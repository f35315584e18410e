//! The file-backed software identity: generate, provision a chain, reload, use.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::fs;
use std::path::PathBuf;

use drm_core::crypto;
use drm_core::platform::DeviceIdentity;
use drm_target_host::{InsecureTestRng, OsRng, identity};
use rand_core::TryRng;

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "drm-target-host-identity-{}-{}",
        std::process::id(),
        OsRng.try_next_u64().unwrap()
    ));
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn generate_store_chain_load_and_use() {
    let dir = temp_dir();
    let mut rng = InsecureTestRng::seeded(1);
    let public = identity::generate(&dir, 2000, &mut rng).unwrap();

    // Before provisioning: empty chain.
    let id = identity::load(&dir).unwrap();
    assert_eq!(id.certificate_chain(), b"");
    assert_eq!(id.security_level(), 2000);
    assert_eq!(id.signing_public_key(), public.signing);
    assert_eq!(id.encryption_public_key(), public.encryption);

    identity::store_chain(&dir, b"CHAI...").unwrap();
    let id = identity::load(&dir).unwrap();
    assert_eq!(id.certificate_chain(), b"CHAI...");

    // The loaded keys work: sign with the signing key, unwrap with the encryption key.
    let digest = crypto::sha256(b"x");
    let sig = id.sign_digest(&digest).unwrap();
    crypto::ecdsa_p256_verify_digest(&public.signing, &digest, &sig).unwrap();
    let x = crypto::random_point_x(&mut rng).unwrap();
    let ct = crypto::elgamal_encrypt(&public.encryption, &x, &mut rng).unwrap();
    assert_eq!(id.elgamal_decrypt(&ct).unwrap().expose_secret(), &x);

    // The device secret survives the reload: derived keys are stable.
    let k = id.derive_key(b"hds").unwrap();
    assert_eq!(identity::load(&dir).unwrap().derive_key(b"hds").unwrap(), k);

    // Key files are owner-only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.join(identity::SIGNING_KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0);
    }

    // A damaged key file is an error.
    fs::write(dir.join(identity::ENCRYPTION_KEY_FILE), [0u8; 31]).unwrap();
    assert!(identity::load(&dir).is_err());
    fs::write(dir.join(identity::ENCRYPTION_KEY_FILE), [0u8; 32]).unwrap();
    assert!(identity::load(&dir).is_err(), "zero is not a private key");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn same_seed_same_identity() {
    let (a, b) = (temp_dir(), temp_dir());
    let pa = identity::generate(&a, 150, &mut InsecureTestRng::seeded(9)).unwrap();
    let pb = identity::generate(&b, 150, &mut InsecureTestRng::seeded(9)).unwrap();
    assert_eq!(pa, pb);
    let pc = identity::generate(&b, 150, &mut OsRng).unwrap();
    assert_ne!(pa, pc);
    fs::remove_dir_all(&a).unwrap();
    fs::remove_dir_all(&b).unwrap();
}
