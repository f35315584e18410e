//! The BCert chain parser on arbitrary bytes, every accessor and key lookup, and verification to
//! the chain's own top issuer key (so that mutated seeds run every signature check). Must never
//! panic.
#![no_main]

use drm_core::bcert::{self, CertificateChain};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(chain) = CertificateChain::parse(data) else {
        return;
    };
    let _ = (chain.version(), chain.flags(), chain.leaf());
    let mut root = [0u8; 64];
    for cert in chain.certificates() {
        let _ = (
            cert.cert_id(),
            cert.security_level(),
            cert.cert_type(),
            cert.flags(),
        );
        let _ = (
            cert.expiration(),
            cert.client_id(),
            cert.public_key_digest(),
        );
        let _ = (
            cert.signed_bytes().len(),
            cert.signature(),
            cert.bytes().len(),
        );
        for key in cert.keys() {
            let _ = (key.public_key(), key.flags(), key.usages().count());
        }
        let _ = cert.key_for_usage(bcert::USAGE_SIGN_RESPONSE);
        let _ = (cert.signing_key(), cert.encryption_key());
        root = *cert.issuer_key();
    }
    if let Ok(verified) = chain.verify(&root, Some(1_700_000_000)) {
        let _ = verified.leaf_key(bcert::USAGE_ENCRYPT_KEY);
        let _ = verified.security_level();
    }
});
