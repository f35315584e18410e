//! The XMR parser on arbitrary bytes, every accessor of a parsed license, and verification for a
//! fixed device (the seeds are bound to its key, so mutations reach the unwrap and the CMAC).
//! Must never panic.
#![no_main]

use drm_core::platform::SoftwareIdentity;
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_core::xmr::{self, ParsedLicense};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The encryption key the seeds are bound to (`tests/drm-tests/examples/write_fuzz_seeds.rs`).
const DEVICE_KEY: [u8; 32] = [0x5A; 32];

static IDENTITY: OnceLock<Option<SoftwareIdentity<&'static [u8]>>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(license) = ParsedLicense::parse(data) else {
        return;
    };
    let _ = (
        license.rights_id(),
        license.lid(),
        license.kid(),
        license.key_type(),
    );
    let _ = (
        license.settings(),
        license.is_persistent(),
        license.is_time_bound(),
    );
    let _ = (
        license.expiration(),
        license.issue_date(),
        license.removal_date(),
    );
    let _ = (
        license.expiration_after_first_use(),
        license.min_security_level(),
    );
    let _ = (
        license.output_protection(),
        license.device_key(),
        license.signature(),
    );
    if let Some(policy) = license.key_exchange_policy() {
        let _ = (policy.algorithm(), policy.operation(), policy.key_len());
    }
    if let Some(key) = license.key_exchange_key() {
        assert_eq!(key.wrapped_key().len() % 16, 0);
    }
    // Every key of a format-2 license is found by its index and by its id, with the key length
    // its policy names.
    assert!(license.kx_key_count() <= xmr::MAX_KX_KEYS);
    let mut found = 0;
    for key in license.kx_keys() {
        found += 1;
        let by_id = license.kx_key(xmr::KeyRef::Id(key.id()));
        assert_eq!(by_id.map(|k| k.index()), Ok(key.index()));
        if let Some(object) = key.key_object() {
            assert_eq!(object.wrapped_key().len(), key.policy().key_len());
        }
    }
    assert_eq!(found, license.kx_key_count());
    // The signed part plus the signature object is the whole license.
    assert!(license.signed_bytes().len() + 12 + license.signature().len() == data.len());
    let identity = IDENTITY.get_or_init(|| {
        SoftwareIdentity::new(
            EccPrivateKey::from_bytes([0x11; 32]),
            EccPrivateKey::from_bytes(DEVICE_KEY),
            HmacKey::from_bytes([0; 32]),
            &[][..],
            150,
        )
        .ok()
    });
    if let Some(identity) = identity {
        let _ = xmr::verify(license, identity).map(|v| v.into_parts().1);
        // Unwrap each key on its own (format 2), and one index past them.
        for i in 0..=license.kx_key_count() {
            let Ok(i) = u16::try_from(i) else { break };
            let _ =
                xmr::verify_key(license, identity, xmr::KeyRef::Index(i)).map(|v| v.into_parts().1);
        }
    }
});
