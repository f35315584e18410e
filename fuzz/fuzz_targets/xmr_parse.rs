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
    }
});
