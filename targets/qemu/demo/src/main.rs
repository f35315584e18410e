//! The firmware example: the flows of the host demo (`drm-sim demo`) on a QEMU board, with the
//! licenses, keys and server results the simulated servers prepared at build time (`build.rs`).
//!
//! `cargo run --release` in this directory builds it for the mps2-an386 (Cortex-M4F) and runs it
//! under QEMU through `../scripts/qemu-run`; the progress is logged through `defmt`. Each step is
//! one harness test (so that a failure names its step and the runner's verdict says which), and
//! each step after the first mounts the store again from the board's flash, as after a
//! reboot:
//!
//! 1. the device's certificate chain verifies to the test root; the HDS is formatted;
//! 2. KeyExchangeLicenses for every algorithm and operation are delivered (one commit);
//! 3. Prepare, Perform and Close for each, from the store, compared with what the license server
//!    computed with its own copy of each key;
//! 4. the one-operation policy: the wrong operation and an unknown KID are refused;
//! 5. persistent content licenses are stored with their sessions (one commit a session), each
//!    content key checked against the server's;
//! 6. Secure Delete removes the first session: its licenses are gone from the store and their
//!    bytes from the raw flash, the other sessions' licenses stay;
//! 7. the Secure Delete challenge is generated (and logged in part);
//! 8. the Secure Delete server's response, prepared at build time, is processed;
//! 9. a last reboot: the key exchange licenses and the other sessions are still there.
//!
//! Not here (see the host demo and `../scripts/sd-roundtrip`): license acquisition over SOAP (the
//! licenses come from the license server's builder, not from an acquisition response), and the
//! server's check of the challenge (the challenge is made on the device at run time, after the
//! build; `sd-roundtrip` sends one to the host's server). The time is a fixed test clock and the
//! randomness `InsecureTestRng` (QEMU's boards have no entropy source): test-only stand-ins.
#![no_std]
#![no_main]

use core::ops::ControlFlow;

use embedded_storage::nor_flash::ReadNorFlash;

use drm_board::flash::{BoardFlash, SECTORS};
use drm_board::harness::TestResult;
use drm_board::testing::InsecureTestRng;
use drm_board::{check, check_eq};
use drm_core::bcert::{self, CertificateChain};
use drm_core::platform::DeviceIdentity;
use drm_core::{Kid, SessionId};
use drm_keyexchange::delivery::{Outcome, Report};
use drm_keyexchange::{
    AesCbcDecrypt, AesCbcEncrypt, Context, EcdsaSign, EcdsaVerify, HmacSign, HmacVerify, Operation,
    deliver,
};
use drm_securedelete::{LICENSES, SecureDelete, process_response, session, store_session_licenses};

/// The vectors the `keyexchange` suite shares (it uses the refusal licenses this demo does not).
#[allow(dead_code)]
mod kx {
    include!(concat!(env!("OUT_DIR"), "/keyexchange_vectors.rs"));
}
use kx::*;

/// A persistent content license prepared by the license server.
struct License {
    bytes: &'static [u8],
    kid: [u8; 16],
    /// The content key the server put in it.
    key: [u8; 16],
}

/// A session of persistent licenses.
struct Session {
    id: [u8; 16],
    licenses: [License; 2],
}

include!(concat!(env!("OUT_DIR"), "/demo_vectors.rs"));

#[path = "../../firmware/src/common.rs"]
mod common;
use common::{Hds, formatted, prepare_refusal, prepared, remounted, software_identity};

drm_board::suite!(
    provision,
    deliver_key_exchange_licenses,
    key_exchange_operations,
    key_exchange_policy,
    store_persistent_licenses,
    secure_delete_remove,
    secure_delete_challenge,
    secure_delete_response,
    after_reboot,
);

/// How many licenses the store holds for `kid`.
fn licenses_for(store: &mut Hds, kid: &[u8; 16]) -> Result<usize, &'static str> {
    let mut n = 0usize;
    store
        .for_each(&LICENSES, Some(kid), |k1, _, _| {
            if k1 == kid {
                n += 1;
            }
            ControlFlow::Continue(())
        })
        .map_err(|_| "store")?;
    Ok(n)
}

fn provision() -> TestResult {
    let chain = CertificateChain::parse(&CHAIN).map_err(|_| "parse the chain")?;
    let verified = chain.verify(&ROOT, None).map_err(|_| "the chain")?;
    let device = software_identity()?;
    check_eq!(
        verified.leaf_key(bcert::USAGE_ENCRYPT_KEY),
        Ok(&device.encryption_public_key())
    );
    check_eq!(
        verified.leaf_key(bcert::USAGE_SIGN),
        Ok(&device.signing_public_key())
    );
    defmt::info!(
        "device: certificate chain of {=usize} bytes verifies to the test root, security level {=u32}",
        CHAIN.len(),
        device.security_level()
    );
    let store = formatted()?;
    let stats = store.stats();
    defmt::info!(
        "HDS formatted on the board's flash: {=u16} pages of {=usize} bytes, {=u16} buckets",
        stats.pages,
        drm_board::flash::ERASE_SIZE,
        stats.buckets
    );
    Ok(())
}

/// The KeyExchangeLicenses, with their KIDs and names.
const KX_LICENSES: [(&[u8], [u8; 16], &str); 6] = [
    (&AES_ENC, AES_ENC_KID, "AES-128-CBC encrypt"),
    (&AES_DEC, AES_DEC_KID, "AES-128-CBC decrypt"),
    (&HMAC_SIGN, HMAC_SIGN_KID, "HMAC-SHA256 sign"),
    (&HMAC_VERIFY, HMAC_VERIFY_KID, "HMAC-SHA256 verify"),
    (&ECDSA_SIGN, ECDSA_SIGN_KID, "ECDSA-P256 sign"),
    (&ECDSA_VERIFY, ECDSA_VERIFY_KID, "ECDSA-P256 verify"),
];

fn deliver_key_exchange_licenses() -> TestResult {
    let mut store = remounted()?;
    let device = software_identity()?;
    let mut report = Report::<6>::new();
    deliver(
        &mut store,
        &device,
        KX_LICENSES.iter().map(|(bytes, _, _)| *bytes),
        &mut report,
    )
    .map_err(|_| "deliver")?;
    check_eq!(report.len(), KX_LICENSES.len());
    for (r, (_, kid, name)) in report.iter().zip(KX_LICENSES.iter()) {
        check_eq!(r.outcome, Outcome::Stored);
        check!(r.key_exchange, "a KeyExchangeLicense");
        check!(r.kid == Kid::from_bytes(*kid), "its KID");
        defmt::info!("delivered: {=str} KeyExchangeLicense {}", name, r.kid);
    }
    defmt::info!(
        "{=usize} KeyExchangeLicenses verified and stored in one commit",
        report.len()
    );
    Ok(())
}

/// Prepare `Op` for `kid` from the store at the vectors' time, `perform`, Close (the shared
/// helper checks the slot is clear afterwards); logs the step.
fn with_context<Op: Operation>(
    store: &mut Hds,
    kid: [u8; 16],
    name: &str,
    perform: impl FnOnce(&Context<'_, Op>) -> TestResult,
) -> TestResult {
    prepared(store, &software_identity()?, kid, Some(TIME), perform)?;
    defmt::info!("{=str}: Prepare, Perform, Close; matches the server", name);
    Ok(())
}

fn key_exchange_operations() -> TestResult {
    let mut store = remounted()?;
    let s = &mut store;
    with_context::<AesCbcEncrypt>(s, AES_ENC_KID, "AES-128-CBC encrypt", |ctx| {
        let mut data = PLAIN;
        ctx.encrypt(&IV, &mut data).map_err(|_| "encrypt")?;
        check!(data == SERVER_AES_ENC_OF_PLAIN, "the server's ciphertext");
        Ok(())
    })?;
    with_context::<AesCbcDecrypt>(s, AES_DEC_KID, "AES-128-CBC decrypt", |ctx| {
        let mut data = SERVER_AES_DEC_CIPHERTEXT;
        ctx.decrypt(&IV, &mut data).map_err(|_| "decrypt")?;
        check!(data == PLAIN, "the server's plaintext");
        Ok(())
    })?;
    with_context::<HmacSign>(s, HMAC_SIGN_KID, "HMAC-SHA256 sign", |ctx| {
        check!(
            ctx.sign(&PLAIN) == Ok(SERVER_HMAC_SIGN_TAG),
            "the server's tag"
        );
        Ok(())
    })?;
    with_context::<HmacVerify>(s, HMAC_VERIFY_KID, "HMAC-SHA256 verify", |ctx| {
        check_eq!(ctx.verify(&PLAIN, &SERVER_HMAC_VERIFY_TAG), Ok(()));
        let mut bad = SERVER_HMAC_VERIFY_TAG;
        bad[0] ^= 1;
        check!(ctx.verify(&PLAIN, &bad).is_err(), "a wrong tag is refused");
        Ok(())
    })?;
    with_context::<EcdsaSign>(s, ECDSA_SIGN_KID, "ECDSA-P256 sign", |ctx| {
        // RFC 6979: the same key and message give the server's signature, byte for byte.
        let signature = ctx.sign(&PLAIN).map_err(|_| "sign")?;
        check!(
            signature == SERVER_ECDSA_SIGN_SIGNATURE,
            "the server's signature"
        );
        Ok(())
    })?;
    with_context::<EcdsaVerify>(s, ECDSA_VERIFY_KID, "ECDSA-P256 verify", |ctx| {
        check_eq!(ctx.verify(&PLAIN, &SERVER_ECDSA_VERIFY_SIGNATURE), Ok(()));
        check!(
            ctx.verify(&IV, &SERVER_ECDSA_VERIFY_SIGNATURE).is_err(),
            "another message is refused"
        );
        Ok(())
    })
}

fn key_exchange_policy() -> TestResult {
    let mut store = remounted()?;
    let device = software_identity()?;
    check_eq!(
        prepare_refusal::<AesCbcDecrypt>(&mut store, &device, AES_ENC_KID, Some(TIME))?,
        drm_keyexchange::Error::OperationNotAllowed
    );
    check_eq!(
        prepare_refusal::<HmacSign>(&mut store, &device, [0xEE; 16], Some(TIME))?,
        drm_keyexchange::Error::LicenseNotFound
    );
    defmt::info!(
        "policy: decrypt with the encrypt-only license refused (operation not allowed); an unknown KID refused (license not found)"
    );
    Ok(())
}

fn store_persistent_licenses() -> TestResult {
    let mut store = remounted()?;
    let device = software_identity()?;
    for session in &SESSIONS {
        let mut report = drm_keyexchange::Report::new();
        let stored = store_session_licenses(
            &mut store,
            &device,
            &SessionId::from_bytes(session.id),
            session.licenses.iter().map(|l| l.bytes),
            &mut report,
        )
        .map_err(|_| "store_session_licenses")?;
        check_eq!(stored, session.licenses.len());
        for license in &session.licenses {
            check_eq!(licenses_for(&mut store, &license.kid)?, 1);
            // The key the server put in the license unwraps on the device.
            let key = drm_keyexchange::bind_content_key(license.bytes, &device, Some(TIME))
                .map_err(|_| "bind the content key")?;
            check!(key.expose_secret() == &license.key, "the server's key");
        }
        defmt::info!(
            "session {}: {=usize} persistent licenses verified and stored with the session record (one commit)",
            SessionId::from_bytes(session.id),
            stored
        );
    }
    Ok(())
}

fn secure_delete_remove() -> TestResult {
    let mut store = remounted()?;
    let [first, rest @ ..] = &SESSIONS;
    let id = SessionId::from_bytes(first.id);
    let before = on_flash(first)?;
    check_eq!(before, first.licenses.len());
    drm_securedelete::delete_licenses(&mut store, &id).map_err(|_| "delete_licenses")?;
    for license in &first.licenses {
        check_eq!(licenses_for(&mut store, &license.kid)?, 0);
    }
    // Securely deleted: their bytes are gone from the flash, not only from the index.
    check_eq!(on_flash(first)?, 0);
    for session in rest {
        for license in &session.licenses {
            check_eq!(licenses_for(&mut store, &license.kid)?, 1);
        }
    }
    let mut pending = [SessionId::NIL; 2];
    check_eq!(session::pending_sessions(&mut store, &mut pending), Ok(1));
    check!(pending[0] == id, "the removed session is pending");
    defmt::info!(
        "Secure Delete: session {} removed in one commit: {=usize} licenses deleted (their signatures on the raw flash before: {=usize}, after: 0); the other sessions' licenses are kept",
        id,
        first.licenses.len(),
        before
    );
    Ok(())
}

/// How many of `session`'s licenses the raw flash holds: a scan of every byte of the board's flash
/// for the last 16 bytes of each license (its CMAC signature).
fn on_flash(session: &Session) -> Result<usize, &'static str> {
    let mut flash = BoardFlash::reopen();
    let mut found = 0usize;
    for license in &session.licenses {
        let tag = license
            .bytes
            .get(license.bytes.len().saturating_sub(16)..)
            .ok_or("tag")?;
        // Read 1 KiB at a time with 16 bytes more, so that a tag across two reads is seen.
        let mut buf = [0u8; 1024 + 16];
        let mut at = 0usize;
        while at < drm_board::flash::CAPACITY {
            let len = buf.len().min(drm_board::flash::CAPACITY - at);
            let chunk = buf.get_mut(..len).ok_or("chunk")?;
            flash.read(at as u32, chunk).map_err(|_| "read")?;
            // Windows starting in the next 1024 bytes are counted by the next read.
            found += chunk.windows(16).take(1024).filter(|w| w == &tag).count();
            at += 1024;
        }
    }
    Ok(found)
}

/// Largest challenge generated.
const CHALLENGE_MAX: usize = 6144;

fn secure_delete_challenge() -> TestResult {
    let mut store = remounted()?;
    let device = software_identity()?;
    let id = SessionId::from_bytes(SESSIONS[0].id);
    let sd = SecureDelete::new(&device)
        .with_server_key(SD_SERVER_PUBLIC)
        .map_err(|_| "the server key")?;
    let len = sd.challenge_len(&mut store, &id).map_err(|_| "length")?;
    check!(len <= CHALLENGE_MAX, "challenge buffer");
    let mut buf = [0u8; CHALLENGE_MAX];
    let mut rng = InsecureTestRng::seeded(0xC4A1);
    let written = sd
        .generate_challenge(&mut store, &mut rng, &id, &mut buf)
        .map_err(|_| "generate_challenge")?;
    check_eq!(written, len);
    let challenge = buf.get(..len).ok_or("length")?;
    let text = core::str::from_utf8(challenge).map_err(|_| "not UTF-8")?;
    check!(text.contains("<SessionID>"), "names the session");
    // It lists the removed licenses' KIDs (base64, as the server reads them).
    for license in &SESSIONS[0].licenses {
        let mut b64 = [0u8; 24];
        let kid = drm_core::base64::encode(&license.kid, &mut b64).map_err(|_| "base64")?;
        check!(text.contains(kid), "lists the KID");
    }
    defmt::info!(
        "Secure Delete challenge: {=usize} bytes (signed: the session's KIDs, and the certificate chain encrypted to the server); it starts: {=str}",
        len,
        text.get(..96).unwrap_or(text)
    );
    Ok(())
}

fn secure_delete_response() -> TestResult {
    let mut store = remounted()?;
    let id = SessionId::from_bytes(SESSIONS[0].id);
    check_eq!(process_response(&mut store, &SD_RESPONSE), Ok(id));
    let mut pending = [SessionId::NIL; 2];
    check_eq!(session::pending_sessions(&mut store, &mut pending), Ok(0));
    // The same response again names no pending session.
    check!(
        process_response(&mut store, &SD_RESPONSE).is_err(),
        "a second time is refused"
    );
    defmt::info!(
        "Secure Delete response ({=usize} bytes, prepared by the server at build time) processed: session {} completed",
        SD_RESPONSE.len(),
        id
    );
    Ok(())
}

fn after_reboot() -> TestResult {
    let mut store = remounted()?;
    for (_, kid, _) in &KX_LICENSES {
        check_eq!(licenses_for(&mut store, kid)?, 1);
    }
    with_context::<HmacSign>(
        &mut store,
        HMAC_SIGN_KID,
        "after a reboot, HMAC-SHA256 sign",
        |ctx| {
            check!(
                ctx.sign(&PLAIN) == Ok(SERVER_HMAC_SIGN_TAG),
                "the server's tag"
            );
            Ok(())
        },
    )?;
    let mut kept = 0usize;
    for session in SESSIONS.iter().skip(1) {
        for license in &session.licenses {
            kept += licenses_for(&mut store, &license.kid)?;
        }
    }
    check_eq!(kept, 4);
    let stats = store.stats();
    let flash = BoardFlash::reopen();
    let erases: u32 = (0..SECTORS).map(|s| flash.erase_count(s)).sum();
    defmt::info!(
        "after a reboot: {=usize} KeyExchangeLicenses and {=usize} persistent licenses found; flash traffic {=u32} writes, {=u32} page erases; {=u64} commits",
        KX_LICENSES.len(),
        kept,
        flash.write_count(),
        erases,
        stats.seq
    );
    Ok(())
}
