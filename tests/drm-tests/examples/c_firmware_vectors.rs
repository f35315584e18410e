//! The prepared data of the C firmware example (`targets/qemu/c-firmware`), and the host's checks
//! of what that firmware produced at run time.
//!
//! `cargo run -p drm-tests --example c_firmware_vectors -- DIR` writes `DIR/vectors.h` and
//! `DIR/vectors.c`: C byte arrays (`V_*`, each with a `V_*_LEN`) of
//! - a test device of the test authority: its signing and encryption private keys, device secret,
//!   certificate chain and security level; the trusted root; the license server's and the Secure
//!   Delete server's public keys; the time;
//! - license acquisitions answered by the simulated license server (`LicenseServer`, which reads a
//!   real challenge): one for KeyExchangeLicenses of every algorithm and operation, and one per
//!   session of persistent content licenses. The firmware's RNG is SplitMix64 from a seed
//!   (`c-firmware/src/rng.c`); the firmware seeds it with `V_ACQ_n_SEED` right before it asks the
//!   library for challenge `n`, so the challenge's `LicenseNonce` (the first 16 bytes the library
//!   draws) is the one this generator's challenge had, and the server's response answers it;
//! - the results the license server computes with its own side of each key exchange key;
//! - the Secure Delete server's response for the first content session (a response names the
//!   session and is not signed, so it can be prepared before the challenge exists).
//!
//! `cargo run -p drm-tests --example c_firmware_vectors -- --check LOG` reads the firmware's
//! `host-check` lines from its log, builds the same world again (every seed is fixed, so the
//! servers hold the same keys and backend records) and checks what the device made at run time
//! and the firmware cannot check itself: the ECDSA-P256 signature of the "sign"
//! KeyExchangeLicense against the server's public side of that key (the server never held the
//! private key); the Secure Delete challenge with the `SecureDeleteServer` (canonical form,
//! digest, signature, decryption, the chain to the root, the session and KIDs it names); the
//! device's first license challenge with the `LicenseServer` (the same checks; its nonce must be
//! the one the prepared response answers). Prints a `PASS`/`FAIL` line per check present in the
//! log; exits 1 when one failed or none was present.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::convert::Infallible;
use std::fmt::Write as _;
use std::path::Path;

use drm_core::Kid;
use drm_core::acquire::{ChallengeParams, challenge_sizes, process_response, write_challenge};
use drm_core::platform::{DeviceIdentity as _, SoftwareIdentity, TryCryptoRng, TryRng};
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_servers::backend::DeleteResult;
use drm_servers::crypto::{KeyPair, hex};
use drm_servers::license_server::{Grant, LicenseServer};
use drm_servers::pki::{Authority, SL_2000};
use drm_servers::secure_delete::{self, SecureDeleteServer};
use drm_servers::xmr::{KxAlgorithm as A, KxOperation as O};
use drm_servers::{Backend, Id16, TestRng};

/// The seed of the test authority (device, license server identity).
const AUTHORITY_SEED: u64 = 0xC0F1_2026;
/// The device's time, and the challenges' `ClientTime`.
const TIME: u64 = 1_700_000_000;
/// Sessions of persistent content licenses, and licenses in each.
const SESSIONS: usize = 3;
const LICENSES_PER_SESSION: usize = 2;

/// The firmware's RNG (`c-firmware/src/rng.c`): SplitMix64, each output as 8 little-endian bytes.
struct SplitMix {
    state: u64,
    block: [u8; 8],
    used: usize,
}

impl SplitMix {
    fn seeded(seed: u64) -> Self {
        Self {
            state: seed,
            block: [0; 8],
            used: 8,
        }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl TryRng for SplitMix {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        rand_core::utils::next_word_via_fill(self)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        rand_core::utils::next_word_via_fill(self)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for out in dst {
            if self.used == self.block.len() {
                self.block = self.next().to_le_bytes();
                self.used = 0;
            }
            *out = self.block[self.used];
            self.used += 1;
        }
        Ok(())
    }
}

// Insecure and deterministic on purpose: it stands in for the firmware's test-only generator.
impl TryCryptoRng for SplitMix {}

/// One acquisition: the KIDs asked for, the RNG seed of its challenge, the server's response.
struct Acquisition {
    name: &'static str,
    seed: u64,
    /// The challenge's `LicenseNonce`: the first 16 bytes of the RNG from `seed`.
    nonce: [u8; 16],
    /// The buffer `Drm_LicenseAcq_GenerateChallenge` needs: the challenge and its work area.
    challenge_buffer: usize,
    /// The last 16 bytes (the signature's tail) of each license issued, in order: what the
    /// firmware looks for on the raw flash before and after a Secure Delete.
    tails: Vec<u8>,
    kids: Vec<Id16>,
    response: String,
    session: Id16,
}

/// The key exchange licenses: name, KID, algorithm, operation.
const KX: [(&str, u8, A, O); 6] = [
    ("AES_ENC", 0xA1, A::AesCbc, O::Encrypt),
    ("AES_DEC", 0xA2, A::AesCbc, O::Decrypt),
    ("HMAC_SIGN", 0xA3, A::HmacSha256, O::Sign),
    ("HMAC_VERIFY", 0xA4, A::HmacSha256, O::Verify),
    ("ECDSA_SIGN", 0xA5, A::EcdsaP256, O::Sign),
    ("ECDSA_VERIFY", 0xA6, A::EcdsaP256, O::Verify),
];

/// Everything the servers and the device hold after the acquisitions.
struct World {
    device: drm_servers::pki::DeviceIdentity,
    device_secret: [u8; 32],
    root: [u8; 64],
    license_server: LicenseServer,
    license_key: [u8; 64],
    sd_server: SecureDeleteServer,
    acquisitions: Vec<Acquisition>,
    iv: [u8; 16],
    plain: [u8; 64],
}

fn world() -> World {
    let mut ca = Authority::from_seed(AUTHORITY_SEED);
    let device = ca.provision_device(SL_2000);
    let server_identity = ca.provision_server();
    let root = ca.root_public_key();
    let mut rng = TestRng::from_seed(AUTHORITY_SEED + 1);
    let license_pair = KeyPair::generate(&mut rng);
    let license_key = license_pair.public();
    let sd_pair = KeyPair::generate(&mut rng);
    let backend = Backend::new();
    let mut license_server = LicenseServer::new(
        backend.clone(),
        license_pair,
        root,
        server_identity,
        rng.fork(),
    );
    let sd_server = SecureDeleteServer::new(backend, sd_pair, root, rng.fork());
    let device_secret: [u8; 32] = rng.array();
    let identity = SoftwareIdentity::new(
        EccPrivateKey::from_bytes(device.signing_key_bytes()),
        EccPrivateKey::from_bytes(device.encryption_key_bytes()),
        HmacKey::from_bytes(device_secret),
        device.chain.clone(),
        device.security_level,
    )
    .expect("identity");

    // Two licenses a response, so that one response (and the work buffer processing it needs,
    // as long as the response) stays small enough for the Cortex-M0's 16 KiB of RAM.
    let mut wanted: Vec<(&'static str, Vec<Id16>)> = Vec::new();
    for (n, pair) in KX.chunks(2).enumerate() {
        for (_, b, algorithm, operation) in pair {
            license_server.grant([*b; 16], Grant::key_exchange(*algorithm, *operation));
        }
        let name = ["KX_AES", "KX_HMAC", "KX_ECDSA"][n];
        wanted.push((name, pair.iter().map(|(_, b, _, _)| [*b; 16]).collect()));
    }
    for name in ["SESSION_0", "SESSION_1", "SESSION_2"]
        .into_iter()
        .take(SESSIONS)
    {
        let kids: Vec<Id16> = (0..LICENSES_PER_SESSION).map(|_| rng.array()).collect();
        for kid in &kids {
            license_server.grant(*kid, Grant::content());
        }
        wanted.push((name, kids));
    }

    let mut acquisitions = Vec::new();
    for (n, (name, kids)) in wanted.into_iter().enumerate() {
        let seed = 0x5EED_0000 + n as u64;
        let kid_list: Vec<Kid> = kids.iter().map(|k| Kid::from_bytes(*k)).collect();
        let params = ChallengeParams::new(&kid_list, &license_key, TIME);
        let sizes = challenge_sizes(&params, identity.certificate_chain().len()).expect("sizes");
        let mut work = vec![0u8; sizes.work];
        let mut out = vec![0u8; sizes.challenge];
        let (pending, challenge) = write_challenge(
            &params,
            &identity,
            &mut SplitMix::seeded(seed),
            &mut work,
            &mut out,
        )
        .expect("challenge");
        let reply = license_server.handle(challenge);
        let outcome = reply
            .outcome
            .unwrap_or_else(|e| panic!("{name}: the license server refused: {e}"));
        // The generator's own check that the response answers this nonce (the firmware's check
        // is the library's, on the device).
        let mut buf = vec![0u8; reply.xml.len()];
        let licenses =
            process_response(reply.xml.as_bytes(), &pending, &root, Some(TIME), &mut buf)
                .expect("the response answers the challenge");
        assert_eq!(licenses.len(), kids.len(), "{name}: one license a KID");
        acquisitions.push(Acquisition {
            name,
            seed,
            nonce: pending.nonce,
            tails: outcome
                .licenses
                .iter()
                .flat_map(|l| l.xmr[l.xmr.len() - 16..].to_vec())
                .collect(),
            challenge_buffer: sizes.challenge + sizes.work,
            kids,
            response: reply.xml,
            session: outcome.session_id,
        });
    }
    World {
        device,
        device_secret,
        root,
        license_server,
        license_key,
        sd_server,
        acquisitions,
        iv: rng.array(),
        plain: rng.array(),
    }
}

/// The C source and header being written.
#[derive(Default)]
struct CFile {
    c: String,
    h: String,
}

impl CFile {
    fn bytes(&mut self, name: &str, bytes: &[u8]) {
        let _ = writeln!(self.h, "#define V_{name}_LEN {}u", bytes.len());
        let _ = writeln!(self.h, "extern const uint8_t V_{name}[{}];", bytes.len());
        let _ = write!(self.c, "const uint8_t V_{name}[{}] = {{", bytes.len());
        for (i, b) in bytes.iter().enumerate() {
            if i % 16 == 0 {
                self.c.push_str("\n   ");
            }
            let _ = write!(self.c, " 0x{b:02x},");
        }
        self.c.push_str("\n};\n");
    }

    fn number(&mut self, name: &str, value: u64) {
        let _ = writeln!(self.h, "#define V_{name} {value}ull");
    }
}

fn write_vectors(dir: &Path) {
    let w = world();
    let mut f = CFile::default();
    f.bytes("DEVICE_SIGNING_KEY", &w.device.signing_key_bytes());
    f.bytes("DEVICE_ENCRYPTION_KEY", &w.device.encryption_key_bytes());
    f.bytes("DEVICE_SECRET", &w.device_secret);
    f.bytes("DEVICE_CHAIN", &w.device.chain);
    f.number("DEVICE_SECURITY_LEVEL", u64::from(w.device.security_level));
    f.bytes("ROOT", &w.root);
    f.bytes("LICENSE_SERVER_KEY", &w.license_key);
    f.bytes("SD_SERVER_KEY", &w.sd_server.public_key());
    f.number("TIME", TIME);
    f.number("ACQUISITIONS", w.acquisitions.len() as u64);
    let mut buffer = 0;
    for a in &w.acquisitions {
        buffer = buffer.max(a.challenge_buffer).max(a.response.len());
        f.number(&format!("ACQ_{}_SEED", a.name), a.seed);
        f.bytes(&format!("ACQ_{}_NONCE", a.name), &a.nonce);
        f.number(&format!("ACQ_{}_KIDS", a.name), a.kids.len() as u64);
        f.bytes(&format!("ACQ_{}_KID_LIST", a.name), &a.kids.concat());
        f.bytes(&format!("ACQ_{}_RESPONSE", a.name), a.response.as_bytes());
        f.bytes(&format!("ACQ_{}_SESSION", a.name), &a.session);
        f.bytes(&format!("ACQ_{}_TAILS", a.name), &a.tails);
    }
    // The largest challenge buffer (challenge and work area) or response (processing needs a work
    // buffer as long as the response) of the acquisitions.
    f.number("ACQ_BUFFER", buffer as u64);
    let s = &w.license_server;
    let (iv, plain) = (w.iv, w.plain);
    f.bytes("IV", &iv);
    f.bytes("PLAIN", &plain);
    for (name, b, _, _) in KX {
        f.bytes(&format!("KID_{name}"), &[b; 16]);
    }
    let enc = s.aes_cbc_encrypt(&[0xA1; 16], &iv, &plain).expect("aes");
    f.bytes("SERVER_AES_ENC_OF_PLAIN", &enc);
    let dec_in = s.aes_cbc_encrypt(&[0xA2; 16], &iv, &plain).expect("aes");
    f.bytes("SERVER_AES_DEC_CIPHERTEXT", &dec_in);
    f.bytes(
        "SERVER_HMAC_SIGN_TAG",
        &s.hmac_sign(&[0xA3; 16], &plain).expect("hmac"),
    );
    f.bytes(
        "SERVER_HMAC_VERIFY_TAG",
        &s.hmac_sign(&[0xA4; 16], &plain).expect("hmac"),
    );
    f.bytes(
        "SERVER_ECDSA_VERIFY_SIGNATURE",
        &s.ecdsa_sign(&[0xA6; 16], &plain).expect("ecdsa"),
    );
    let deleted = w
        .acquisitions
        .iter()
        .find(|a| a.name == "SESSION_0")
        .expect("session 0");
    f.bytes(
        "SD_RESPONSE",
        secure_delete::response(1, &deleted.session).as_bytes(),
    );

    let header = format!(
        "/* Generated by `cargo run -p drm-tests --example c_firmware_vectors`: do not edit. */\n\
         #ifndef CFW_VECTORS_H\n#define CFW_VECTORS_H\n\n#include <stdint.h>\n\n{}\n#endif\n",
        f.h
    );
    let source = format!(
        "/* Generated by `cargo run -p drm-tests --example c_firmware_vectors`: do not edit. */\n\
         #include \"vectors.h\"\n\n{}",
        f.c
    );
    std::fs::create_dir_all(dir).expect("create the output directory");
    write_if_changed(&dir.join("vectors.h"), &header);
    write_if_changed(&dir.join("vectors.c"), &source);
}

/// Keeps the file's time when nothing changed (the build's C compile stays cached).
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The checks of `--check LOG`; the number of failures.
fn check(log: &str) -> usize {
    let mut w = world();
    // The hex of each kind, its lines in order (the firmware writes 48 bytes a line).
    let mut hex_of: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for line in log.lines() {
        let mut words = line.split_whitespace();
        if let (Some("host-check"), Some(kind), Some(h)) =
            (words.next(), words.next(), words.next())
        {
            hex_of.entry(kind).or_default().push_str(h);
        }
    }
    let [signature, challenge, acquisition] = ["ecdsa-sign", "sd-challenge", "acq-challenge"]
        .map(|k| hex_of.remove(k).unwrap_or_default());
    let (mut failures, mut checks) = (0, 0);
    let mut report = |ok: bool, what: &str, detail: String| {
        println!(
            "{} host: {what}: {detail}",
            if ok { "PASS" } else { "FAIL" }
        );
        checks += 1;
        if !ok {
            failures += 1;
        }
    };
    match (signature.is_empty(), unhex(&signature)) {
        (true, _) => {}
        (false, Some(sig)) => {
            let ok = w
                .license_server
                .ecdsa_verify(&[0xA5; 16], &w.plain, &sig)
                .unwrap_or(false);
            report(
                ok,
                "ECDSA-P256 sign",
                format!(
                    "the license server verifies the device's signature {}… with its side of the key",
                    hex(sig.get(..8).unwrap_or(&sig))
                ),
            );
        }
        (false, None) => report(false, "ECDSA-P256 sign", "not hex".into()),
    }
    let deleted = w
        .acquisitions
        .iter()
        .find(|a| a.name == "SESSION_0")
        .expect("session 0");
    let (session, kids) = (deleted.session, deleted.kids.clone());
    match (challenge.is_empty(), unhex(&challenge)) {
        (true, _) => {}
        (false, Some(bytes)) => {
            let reply = w.sd_server.handle(&bytes);
            match reply.outcome {
                Ok(o) => {
                    let ok = o.session_id == session
                        && o.kids == kids
                        && o.device.cert_id == w.device.cert_id
                        && matches!(o.result, Some(DeleteResult::Deleted { removed }) if removed == kids.len() as u32);
                    report(
                        ok,
                        "Secure Delete challenge",
                        format!(
                            "{} bytes accepted by the Secure Delete server: session {}, {} KIDs, result {:?}; its answer is the prepared response: {}",
                            bytes.len(),
                            hex(&o.session_id),
                            o.kids.len(),
                            o.result,
                            reply.xml == secure_delete::response(1, &session)
                        ),
                    );
                }
                Err(e) => report(
                    false,
                    "Secure Delete challenge",
                    format!("refused by the server: {e}"),
                ),
            }
        }
        (false, None) => report(false, "Secure Delete challenge", "not hex".into()),
    }
    // Last: the license server handles it as a new request (its generator moves on).
    let first = &w.acquisitions[0];
    match (acquisition.is_empty(), unhex(&acquisition)) {
        (true, _) => {}
        (false, Some(bytes)) => {
            let (name, nonce, kids) = (first.name, first.nonce, first.kids.clone());
            match w.license_server.handle(&bytes).outcome {
                Ok(o) => report(
                    o.request.nonce == nonce
                        && o.request.kids == kids
                        && o.request.client_time == TIME
                        && o.request.device.cert_id == w.device.cert_id,
                    "license challenge",
                    format!(
                        "{} bytes ({name}) accepted by the license server: {} KIDs, the nonce the prepared response answers: {}, {} licenses issued",
                        bytes.len(),
                        o.request.kids.len(),
                        o.request.nonce == nonce,
                        o.licenses.len()
                    ),
                ),
                Err(e) => report(
                    false,
                    "license challenge",
                    format!("refused by the server: {e}"),
                ),
            }
        }
        (false, None) => report(false, "license challenge", "not hex".into()),
    }
    if checks == 0 {
        println!("FAIL host: no host-check line in the log");
        return 1;
    }
    failures
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, log] if flag == "--check" => {
            let log = std::fs::read_to_string(log).unwrap_or_else(|e| panic!("{log}: {e}"));
            if check(&log) != 0 {
                std::process::exit(1);
            }
        }
        [dir] => write_vectors(Path::new(dir)),
        _ => {
            eprintln!("usage: c_firmware_vectors DIR | c_firmware_vectors --check LOG");
            std::process::exit(2);
        }
    }
}
