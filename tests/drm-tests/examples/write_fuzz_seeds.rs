//! Writes the seed corpora of the `xmr_parse` and `bcert_parse` fuzz targets: licenses built by
//! the simulated license server's builder (bound to the fuzz target's fixed device key, so that
//! mutations reach the CMAC and the unwrap), and chains from the test authority.
//!
//! `cargo run -p drm-tests --example write_fuzz_seeds -- fuzz/seeds`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use drm_servers::TestRng;
use drm_servers::crypto::KeyPair;
use drm_servers::pki::{Authority, SL_150, SL_3000};
use drm_servers::xmr::{
    Defect, KEY_TYPE_AES_CTR, KxAlgorithm as A, KxKeySpec, KxOperation as O, LicenseSpec,
    build_license,
};

/// The encryption private scalar of the fuzz target's device (`fuzz/fuzz_targets/xmr_parse.rs`).
const FUZZ_DEVICE_KEY: [u8; 32] = [0x5A; 32];

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: write_fuzz_seeds DIR"),
    );
    let write = |target: &str, name: &str, bytes: &[u8]| {
        let d = dir.join(target);
        std::fs::create_dir_all(&d).expect("create the seed folder");
        std::fs::write(d.join(name), bytes).expect("write a seed");
    };

    let device = KeyPair::from_secret_bytes(&FUZZ_DEVICE_KEY).expect("a valid scalar");
    let mut rng = TestRng::from_seed(500);
    let mut content = LicenseSpec::content([1; 16], [2; 16], KEY_TYPE_AES_CTR, [3; 16]);
    content.expiration = Some((1_000, 2_000_000_000));
    content.issue_date = Some(999);
    let mut unknown = content.clone();
    unknown.defects.push(Defect::UnknownObject {
        must_understand: false,
    });
    let specs = [
        ("content", content),
        ("content_unknown_optional", unknown),
        (
            "kx_aes",
            LicenseSpec::key_exchange([1; 16], [4; 16], A::AesCbc, O::Decrypt, vec![5; 16]),
        ),
        (
            "kx_hmac",
            LicenseSpec::key_exchange([1; 16], [6; 16], A::HmacSha256, O::Sign, vec![7; 32]),
        ),
        (
            "kx_ecdsa_verify",
            LicenseSpec::key_exchange(
                [1; 16],
                [8; 16],
                A::EcdsaP256,
                O::Verify,
                device.public().to_vec(),
            ),
        ),
        (
            // Format 2: every algorithm in one license (KEY-EXCHANGE-FORMAT §2.1).
            "kx_multi",
            LicenseSpec::key_exchange_multi(
                [1; 16],
                [9; 16],
                vec![
                    KxKeySpec::new(0, [0x10; 16], A::AesCbc, O::Encrypt, vec![0x11; 16]),
                    KxKeySpec::new(1, [0x20; 16], A::HmacSha256, O::Verify, vec![0x22; 32]),
                    KxKeySpec::new(2, [0x30; 16], A::EcdsaP256, O::Sign, vec![0x33; 32]),
                    KxKeySpec::new(
                        3,
                        [0x40; 16],
                        A::EcdsaP256,
                        O::Verify,
                        device.public().to_vec(),
                    ),
                ],
            ),
        ),
    ];
    for (name, spec) in specs {
        let lic = build_license(&spec, &device.public(), &mut rng).expect("build a license");
        write("xmr_parse", name, &lic.bytes);
    }

    let mut ca = Authority::from_seed(501);
    write(
        "bcert_parse",
        "device_150",
        &ca.provision_device(SL_150).chain,
    );
    write(
        "bcert_parse",
        "device_3000",
        &ca.provision_device(SL_3000).chain,
    );
    write("bcert_parse", "server", &ca.provision_server().chain);
}
