//! `$OUT_DIR/keyexchange_vectors.rs` for the `keyexchange` suite and the firmware demo
//! (`../demo`): KeyExchangeLicenses for every algorithm and operation, built by the simulated
//! license server's builder (`drm_servers::xmr`) for a device of the test authority, the results
//! of the server's inverse operations with its own copy of each key (RustCrypto in
//! `drm_servers::crypto`, no drm-core code), and one license per refusal.

use std::fmt::Write as _;

use drm_servers::TestRng;
use drm_servers::crypto::{KeyPair, aes_cbc_encrypt_nopad, hmac_sha256};
use drm_servers::pki::{Authority, SL_2000};
use drm_servers::xmr::{
    Defect, KEY_TYPE_AES_CBC, KxAlgorithm as A, KxOperation as O, LicenseSpec, build_license,
};

/// The time the suite's clock starts at.
const TIME: u64 = 1_700_000_000;

/// The seed of the test authority whose first device the licenses are for (the firmware demo's
/// build script provisions the same device again from it).
pub const AUTHORITY_SEED: u64 = 0x6E_7E_C4_A0;

/// Writes `pub const NAME: [u8; N]` with `bytes`.
pub fn constant(out: &mut String, name: &str, bytes: &[u8]) {
    let _ = writeln!(out, "/// Built at build time by `build_keyexchange.rs`.");
    let _ = writeln!(out, "pub const {name}: [u8; {}] = {bytes:?};", bytes.len());
}

fn number(out: &mut String, name: &str, value: u64) {
    let _ = writeln!(out, "/// Built at build time by `build_keyexchange.rs`.");
    let _ = writeln!(out, "pub const {name}: u64 = {value};");
}

/// Builds a license and writes it and its KID.
fn license(
    out: &mut String,
    name: &str,
    spec: &LicenseSpec,
    bind_to: &[u8; 64],
    rng: &mut TestRng,
) -> Result<(), String> {
    let built = build_license(spec, bind_to, rng).map_err(|e| format!("{name}: {e:?}"))?;
    constant(out, name, &built.bytes);
    constant(out, &format!("{name}_KID"), &spec.kid);
    Ok(())
}

/// Writes the vectors; `Err` names what failed.
pub fn write(dir: &std::path::Path) -> Result<(), String> {
    let mut ca = Authority::from_seed(AUTHORITY_SEED);
    let device = ca.provision_device(SL_2000);
    let other = ca.provision_device(SL_2000);
    let mut rng = TestRng::from_seed(0x6E_7E_C4_A1);
    let public = device.encryption.public();
    let mut out = String::new();
    constant(&mut out, "SIGNING_KEY", &device.signing_key_bytes());
    constant(&mut out, "ENCRYPTION_KEY", &device.encryption_key_bytes());
    constant(&mut out, "SIGNING_PUBLIC", &device.signing.public());
    constant(&mut out, "ENCRYPTION_PUBLIC", &public);
    constant(&mut out, "CHAIN", &device.chain);
    number(&mut out, "TIME", TIME);

    let iv: [u8; 16] = rng.array();
    let plain: [u8; 64] = rng.array();
    let aes_enc: [u8; 16] = rng.array();
    let aes_dec: [u8; 16] = rng.array();
    let hmac_sign: [u8; 32] = rng.array();
    let hmac_verify: [u8; 32] = rng.array();
    let ecdsa_sign = KeyPair::generate(&mut rng);
    let ecdsa_verify = KeyPair::generate(&mut rng);
    let kx = |kid: u8, a, o, key: Vec<u8>, rng: &mut TestRng| {
        LicenseSpec::key_exchange(rng.array(), [kid; 16], a, o, key)
    };
    let specs = [
        (
            "AES_ENC",
            kx(1, A::AesCbc, O::Encrypt, aes_enc.to_vec(), &mut rng),
        ),
        (
            "AES_DEC",
            kx(2, A::AesCbc, O::Decrypt, aes_dec.to_vec(), &mut rng),
        ),
        (
            "HMAC_SIGN",
            kx(3, A::HmacSha256, O::Sign, hmac_sign.to_vec(), &mut rng),
        ),
        (
            "HMAC_VERIFY",
            kx(4, A::HmacSha256, O::Verify, hmac_verify.to_vec(), &mut rng),
        ),
        (
            "ECDSA_SIGN",
            kx(
                5,
                A::EcdsaP256,
                O::Sign,
                ecdsa_sign.secret_bytes().to_vec(),
                &mut rng,
            ),
        ),
        (
            "ECDSA_VERIFY",
            kx(
                6,
                A::EcdsaP256,
                O::Verify,
                ecdsa_verify.public().to_vec(),
                &mut rng,
            ),
        ),
    ];
    for (name, spec) in &specs {
        license(&mut out, name, spec, &public, &mut rng)?;
    }

    // What the server computes with its side of each key.
    constant(&mut out, "IV", &iv);
    constant(&mut out, "PLAIN", &plain);
    let cbc = |key: &[u8; 16]| aes_cbc_encrypt_nopad(key, &iv, &plain).ok_or("cbc");
    constant(&mut out, "SERVER_AES_ENC_OF_PLAIN", &cbc(&aes_enc)?);
    constant(&mut out, "SERVER_AES_DEC_CIPHERTEXT", &cbc(&aes_dec)?);
    constant(
        &mut out,
        "SERVER_HMAC_SIGN_TAG",
        &hmac_sha256(&hmac_sign, &plain),
    );
    constant(
        &mut out,
        "SERVER_HMAC_VERIFY_TAG",
        &hmac_sha256(&hmac_verify, &plain),
    );
    // RFC 6979: the client's signature must be exactly the server's.
    constant(
        &mut out,
        "SERVER_ECDSA_SIGN_SIGNATURE",
        &ecdsa_sign.sign(&plain),
    );
    constant(
        &mut out,
        "SERVER_ECDSA_VERIFY_SIGNATURE",
        &ecdsa_verify.sign(&plain),
    );
    // For the bench firmware (bench_ops): verify on 1 KiB of 0x5A.
    let kib = [0x5Au8; 1024];
    constant(
        &mut out,
        "SERVER_HMAC_VERIFY_TAG_1K",
        &hmac_sha256(&hmac_verify, &kib),
    );
    constant(
        &mut out,
        "SERVER_ECDSA_VERIFY_SIGNATURE_1K",
        &ecdsa_verify.sign(&kib),
    );

    // Refusals.
    let content_key: [u8; 16] = rng.array();
    let content = LicenseSpec::content(rng.array(), [7; 16], KEY_TYPE_AES_CBC, content_key);
    license(&mut out, "CONTENT", &content, &public, &mut rng)?;
    constant(&mut out, "CONTENT_KEY", &content_key);
    let mut dated = kx(8, A::HmacSha256, O::Sign, hmac_sign.to_vec(), &mut rng);
    let (begin, end) = (TIME - 100, TIME + 1000);
    dated.expiration = Some((begin as u32, end as u32));
    license(&mut out, "DATED", &dated, &public, &mut rng)?;
    number(&mut out, "DATED_BEGIN", begin);
    number(&mut out, "DATED_END", end);
    let mut level = kx(9, A::AesCbc, O::Encrypt, aes_enc.to_vec(), &mut rng);
    level.min_security_level = 3000;
    license(&mut out, "LEVEL_3000", &level, &public, &mut rng)?;
    let elsewhere = kx(10, A::AesCbc, O::Encrypt, aes_enc.to_vec(), &mut rng);
    license(
        &mut out,
        "OTHER_DEVICE",
        &elsewhere,
        &other.encryption.public(),
        &mut rng,
    )?;
    let mut unknown = kx(11, A::AesCbc, O::Encrypt, aes_enc.to_vec(), &mut rng);
    unknown.defects.push(Defect::UnknownObject {
        must_understand: true,
    });
    license(
        &mut out,
        "UNKNOWN_MUST_UNDERSTAND",
        &unknown,
        &public,
        &mut rng,
    )?;

    let path = dir.join("keyexchange_vectors.rs");
    std::fs::write(&path, out).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
