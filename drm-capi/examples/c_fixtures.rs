//! The server side of the C ABI test (`tests/c/capi_test.c`): the simulated license and Secure
//! Delete servers of `tests/drm-tests` (independent of the kit's code), from one fixed seed, so
//! that every run of this program is the same world (device, authority, servers).
//!
//! ```text
//! c_fixtures header OUT.h                         device identity, server keys, KIDs (C header)
//! c_fixtures license CHALLENGE RESPONSE EXPECT [--wrong-nonce]
//!     answers the device's license challenge; EXPECT gets, per Key Exchange license issued, the
//!     server's side of a test operation: `KID ALG OP PARAM INPUT OUTPUT` (hex, `-` for none);
//!     for the format-2 license, one such line per key, its key id in place of the KID
//! c_fixtures securedelete CHALLENGE RESPONSE [--other-session]
//!     checks the device's Secure Delete challenge and answers; exit 0 only when it was valid
//! c_fixtures verify-ecdsa PUBLIC MESSAGE SIGNATURE
//!     exit 0 when SIGNATURE (hex r||s) verifies over MESSAGE with PUBLIC (p256, not the kit)
//! ```
//!
//! Test material only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fmt::Write as _;
use std::process::ExitCode;

use drm_servers::backend::Backend;
use drm_servers::crypto::{KeyPair, ecdsa_verify, hex};
use drm_servers::license_server::{Grant, LicenseServer, ResponseDefect};
use drm_servers::pki::{Authority, DeviceIdentity, SL_2000};
use drm_servers::secure_delete::{AnswerMode, SecureDeleteServer};
use drm_servers::xmr::{KxAlgorithm, KxOperation};
use drm_servers::{Id16, TestRng};

/// Every run draws the same world from this seed.
const SEED: u64 = 0x00C0_AB1F_1C7E_5700;

/// The six Key Exchange cases: KID, algorithm and operation (the header's `DRM_KX_*` values).
const KX: [(u8, KxAlgorithm, KxOperation, u32, u32); 6] = [
    (0x11, KxAlgorithm::AesCbc, KxOperation::Encrypt, 1, 1),
    (0x12, KxAlgorithm::AesCbc, KxOperation::Decrypt, 1, 2),
    (0x13, KxAlgorithm::HmacSha256, KxOperation::Sign, 2, 3),
    (0x14, KxAlgorithm::HmacSha256, KxOperation::Verify, 2, 4),
    (0x15, KxAlgorithm::EcdsaP256, KxOperation::Sign, 3, 3),
    (0x16, KxAlgorithm::EcdsaP256, KxOperation::Verify, 3, 4),
];
/// Persistent content licenses (a Secure Delete session of their own).
const CONTENT: [u8; 2] = [0x21, 0x22];
/// Time-bound AES-128-CBC encrypt KeyExchangeLicenses: (KID, begin, end). The C test's clock
/// says 1,700,000,000: the first has expired, the second is valid.
const TIMED: [(u8, u32, u32); 2] = [
    (0x31, 1_500_000_000, 1_600_000_000),
    (0x32, 1_600_000_000, 1_800_000_000),
];
/// A format-2 KeyExchangeLicense of three keys (KEY-EXCHANGE-FORMAT §2.1), for
/// `Drm_KeyExchange_PrepareKey`: its KID, then each key's id, algorithm and operation in index
/// order (the server keeps each key's side by its key id).
const MULTI_KID: u8 = 0x41;
const MULTI: [(u8, KxAlgorithm, KxOperation, u32, u32); 3] = [
    (0x51, KxAlgorithm::HmacSha256, KxOperation::Sign, 2, 3),
    (0x52, KxAlgorithm::AesCbc, KxOperation::Encrypt, 1, 1),
    (0x53, KxAlgorithm::EcdsaP256, KxOperation::Verify, 3, 4),
];
/// The IV and the data of every test operation.
const IV: [u8; 16] = *b"c-abi-test-iv-16";
const DATA: &[u8; 48] = b"C ABI test data: three AES blocks of 16 bytes...";

fn kid(tag: u8) -> Id16 {
    let mut k = [tag; 16];
    k[0] = 0xCA;
    k
}

struct World {
    device: DeviceIdentity,
    device_secret: [u8; 32],
    root: [u8; 64],
    license: LicenseServer,
    secure_delete: SecureDeleteServer,
}

fn world() -> World {
    let mut ca = Authority::from_seed(SEED);
    let device = ca.provision_device(SL_2000);
    let server_identity = ca.provision_server();
    let mut rng = TestRng::from_seed(SEED ^ 0x5EED);
    let device_secret = rng.array::<32>();
    let license_key = KeyPair::generate(&mut rng);
    let sd_key = KeyPair::generate(&mut rng);
    let backend = Backend::new();
    let root = ca.root_public_key();
    let mut license = LicenseServer::new(
        backend.clone(),
        license_key,
        root,
        server_identity,
        rng.fork(),
    );
    for (tag, alg, op, _, _) in KX {
        license.grant(kid(tag), Grant::key_exchange(alg, op));
    }
    for tag in CONTENT {
        license.grant(kid(tag), Grant::content());
    }
    let keys: Vec<(Id16, KxAlgorithm, KxOperation)> = MULTI
        .iter()
        .map(|(t, a, o, _, _)| (kid(*t), *a, *o))
        .collect();
    license.grant(kid(MULTI_KID), Grant::key_exchange_multi(&keys));
    for (tag, begin, end) in TIMED {
        let grant = Grant::key_exchange(KxAlgorithm::AesCbc, KxOperation::Encrypt);
        license.grant(kid(tag), grant.expires(begin, end));
    }
    let secure_delete = SecureDeleteServer::new(backend, sd_key, root, rng.fork());
    World {
        device,
        device_secret,
        root,
        license,
        secure_delete,
    }
}

fn c_array(out: &mut String, name: &str, bytes: &[u8]) {
    let _ = write!(out, "static const uint8_t {name}[{}] = {{", bytes.len());
    for (i, b) in bytes.iter().enumerate() {
        if i % 16 == 0 {
            out.push_str("\n    ");
        }
        let _ = write!(out, "0x{b:02x},");
    }
    out.push_str("\n};\n");
}

fn header(w: &World) -> String {
    let mut h = String::from(
        "/* Generated by `cargo run -p drm-capi --example c_fixtures -- header`: the test world\n \
         * of tests/c/capi_test.c (test material only). */\n#include <stdint.h>\n",
    );
    c_array(&mut h, "FX_CHAIN", &w.device.chain);
    let _ = writeln!(h, "#define FX_SECURITY_LEVEL {}u", w.device.security_level);
    c_array(&mut h, "FX_SIGNING_KEY", &w.device.signing_key_bytes());
    c_array(
        &mut h,
        "FX_ENCRYPTION_KEY",
        &w.device.encryption_key_bytes(),
    );
    c_array(&mut h, "FX_DEVICE_SECRET", &w.device_secret);
    c_array(&mut h, "FX_SIGNING_PUBLIC", &w.device.signing.public());
    c_array(
        &mut h,
        "FX_ENCRYPTION_PUBLIC",
        &w.device.encryption.public(),
    );
    c_array(&mut h, "FX_LICENSE_SERVER_KEY", &w.license.public_key());
    c_array(&mut h, "FX_ROOT", &w.root);
    c_array(&mut h, "FX_SD_SERVER_KEY", &w.secure_delete.public_key());
    let _ = writeln!(h, "#define FX_KX_COUNT {}", KX.len());
    h.push_str(
        "static const struct fx_kx { uint8_t kid[16]; uint32_t alg; uint32_t op; } FX_KX[] = {\n",
    );
    for (tag, _, _, alg, op) in KX {
        let bytes: Vec<String> = kid(tag).iter().map(|b| format!("0x{b:02x}")).collect();
        let _ = writeln!(h, "    {{{{{}}}, {alg}u, {op}u}},", bytes.join(","));
    }
    h.push_str("};\n");
    let _ = writeln!(h, "#define FX_CONTENT_COUNT {}", CONTENT.len());
    h.push_str("static const uint8_t FX_CONTENT_KIDS[][16] = {\n");
    for tag in CONTENT {
        let bytes: Vec<String> = kid(tag).iter().map(|b| format!("0x{b:02x}")).collect();
        let _ = writeln!(h, "    {{{}}},", bytes.join(","));
    }
    h.push_str("};\n");
    h.push_str("/* Time-bound AES encrypt licenses: expired, then valid (begin, end). */\n");
    h.push_str("static const struct fx_timed { uint8_t kid[16]; uint32_t begin; uint32_t end; } FX_TIMED[] = {\n");
    for (tag, begin, end) in TIMED {
        let bytes: Vec<String> = kid(tag).iter().map(|b| format!("0x{b:02x}")).collect();
        let _ = writeln!(h, "    {{{{{}}}, {begin}u, {end}u}},", bytes.join(","));
    }
    h.push_str("};\n");
    c_array(&mut h, "FX_UNKNOWN_KID", &kid(0x99));
    h.push_str(
        "/* A format-2 KeyExchangeLicense: its KID, its keys (id, alg, op) in index order. */\n",
    );
    c_array(&mut h, "FX_MULTI_KID", &kid(MULTI_KID));
    let _ = writeln!(h, "#define FX_MULTI_COUNT {}", MULTI.len());
    h.push_str("static const struct fx_kx FX_MULTI[] = {\n");
    for (tag, _, _, alg, op) in MULTI {
        let bytes: Vec<String> = kid(tag).iter().map(|b| format!("0x{b:02x}")).collect();
        let _ = writeln!(h, "    {{{{{}}}, {alg}u, {op}u}},", bytes.join(","));
    }
    h.push_str("};\n");
    h
}

fn field(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        "-".to_owned()
    } else {
        hex(bytes)
    }
}

/// The server's side of each issued Key Exchange license's test operation: one line per
/// single-key license (by its KID), then, when the format-2 license was issued, one per key of it
/// (by key id, in index order).
fn expectations(w: &World, issued: &[Id16]) -> Result<String, String> {
    let s = &w.license;
    let e = |e: drm_servers::ServerError| e.to_string();
    let mut out = String::new();
    let single = KX
        .iter()
        .map(|(t, _, _, a, o)| (kid(*t), *a, *o))
        .filter(|(k, _, _)| issued.contains(k));
    let multi = MULTI
        .iter()
        .map(|(t, _, _, a, o)| (kid(*t), *a, *o))
        .filter(|_| issued.contains(&kid(MULTI_KID)));
    for (k, alg, op) in single.chain(multi) {
        let (param, input, output): (Vec<u8>, Vec<u8>, Vec<u8>) = match (alg, op) {
            // The device encrypts DATA: it must give the server's ciphertext.
            (1, 1) => (
                IV.to_vec(),
                DATA.to_vec(),
                s.aes_cbc_encrypt(&k, &IV, DATA).map_err(e)?,
            ),
            // The device decrypts the server's ciphertext back to DATA.
            (1, 2) => (
                IV.to_vec(),
                s.aes_cbc_encrypt(&k, &IV, DATA).map_err(e)?,
                DATA.to_vec(),
            ),
            // The device's tag must be the server's.
            (2, 3) => (
                Vec::new(),
                DATA.to_vec(),
                s.hmac_sign(&k, DATA).map_err(e)?.to_vec(),
            ),
            // The device accepts the server's tag.
            (2, 4) => (
                s.hmac_sign(&k, DATA).map_err(e)?.to_vec(),
                DATA.to_vec(),
                Vec::new(),
            ),
            // The device's signature is checked with the server's public key (verify-ecdsa).
            (3, 3) => (
                Vec::new(),
                DATA.to_vec(),
                s.ecdsa_public_key(&k).ok_or("no ECDSA key")?.to_vec(),
            ),
            // The device accepts the server's signature.
            (3, 4) => (
                s.ecdsa_sign(&k, DATA).map_err(e)?.to_vec(),
                DATA.to_vec(),
                Vec::new(),
            ),
            _ => return Err("unknown case".into()),
        };
        let _ = writeln!(
            out,
            "{} {alg} {op} {} {} {}",
            hex(&k),
            field(&param),
            field(&input),
            field(&output)
        );
    }
    Ok(out)
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    if !s.len().is_multiple_of(2) {
        return Err(format!("odd hex length: {s}"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| e.to_string()))
        .collect()
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

fn write(path: &str, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{path}: {e}"))
}

fn run(args: &[String]) -> Result<(), String> {
    let arg = |i: usize| args.get(i).map(String::as_str).ok_or("missing argument");
    let flag = |f: &str| args.iter().any(|a| a == f);
    match arg(0)? {
        "header" => write(arg(1)?, header(&world()).as_bytes()),
        "license" => {
            let mut w = world();
            if flag("--wrong-nonce") {
                w.license
                    .set_response_defects(vec![ResponseDefect::WrongNonce]);
            }
            let reply = w.license.handle(&read(arg(1)?)?);
            write(arg(2)?, reply.xml.as_bytes())?;
            let outcome = reply
                .outcome
                .map_err(|e| format!("license server refused: {e}"))?;
            let issued: Vec<Id16> = outcome.licenses.iter().map(|l| l.kid).collect();
            write(arg(3)?, expectations(&w, &issued)?.as_bytes())?;
            println!(
                "license server: {} licenses issued, session {}",
                issued.len(),
                hex(&outcome.session_id)
            );
            Ok(())
        }
        "securedelete" => {
            let mut w = world();
            if flag("--other-session") {
                w.secure_delete.set_answer_mode(AnswerMode::OtherSessionId);
            }
            let reply = w.secure_delete.handle(&read(arg(1)?)?);
            write(arg(2)?, reply.xml.as_bytes())?;
            let outcome = reply
                .outcome
                .map_err(|e| format!("secure delete server refused: {e}"))?;
            println!(
                "secure delete server: challenge valid, session {}, {} KIDs",
                hex(&outcome.session_id),
                outcome.kids.len()
            );
            Ok(())
        }
        "verify-ecdsa" => {
            let (public, msg, sig) = (unhex(arg(1)?)?, unhex(arg(2)?)?, unhex(arg(3)?)?);
            if ecdsa_verify(&public, &msg, &sig) {
                Ok(())
            } else {
                Err("ECDSA signature does not verify".into())
            }
        }
        other => Err(format!("unknown command {other}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("c_fixtures: {e}");
            ExitCode::from(2)
        }
    }
}
