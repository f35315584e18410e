//! A hardware crypto engine as the kit's backend (`../engine.rs`: a register-level driver and a
//! model of the engine): the published vectors through it, then the key exchange flow — store,
//! delivery, Prepare, Perform, Close — with the device's AES and SHA-256 on the engine, giving
//! the license server's bytes; a store written through the engine read back without it, and the
//! reverse; and the engine's key registers clear once the contexts are closed.
#![no_std]
#![no_main]

use drm_board::flash::{BoardFlash, SECTORS};
use drm_board::harness::TestResult;
use drm_board::testing::InsecureTestRng;
use drm_board::{check, check_eq};
use drm_core::crypto::backend::Crypto;
use drm_core::platform::SoftwareIdentity;
use drm_core::selftest;
use drm_hds::{Config, NoCounter, Store};
use drm_keyexchange::delivery::{Outcome, Report};
use drm_keyexchange::{AesCbcDecrypt, Context, HmacSign, deliver};

include!(concat!(env!("OUT_DIR"), "/keyexchange_vectors.rs"));

// The key exchange suites' shared store and Prepare helpers; this suite uses some of them.
#[path = "../common.rs"]
#[allow(dead_code)]
mod common;
#[path = "../engine.rs"]
mod engine;
use engine::{ENGINE, EngineCrypto, MMIO_SHA, MmioSha};

drm_board::suite!(
    vectors_through_the_engine,
    key_exchange_through_the_engine,
    stores_are_the_same_with_and_without_the_engine,
);

/// The device of the key exchange vectors, computing with the engine.
fn device() -> Result<SoftwareIdentity<&'static [u8], EngineCrypto>, &'static str> {
    common::software_identity().map(|identity| identity.with_crypto(ENGINE))
}

/// The store on the board's flash, its MACs computed by the engine.
type EngineStore = Store<BoardFlash, NoCounter, SECTORS, MmioSha>;

/// The engine's counters moved by at least one block and one compression during `f`.
fn uses_the_engine(what: &'static str, f: impl FnOnce() -> TestResult) -> TestResult {
    let (aes, sha) = engine::operations();
    f()?;
    let (aes2, sha2) = engine::operations();
    defmt::println!(
        "engine: {=str}: {=u32} AES blocks, {=u32} SHA-256 compressions",
        what,
        aes2.wrapping_sub(aes),
        sha2.wrapping_sub(sha)
    );
    check!(aes2 != aes, "AES through the engine");
    check!(sha2 != sha, "SHA-256 through the engine");
    check!(engine::key_registers_clear(), "no key left in the engine");
    Ok(())
}

/// Every known-answer family of drm-core's self-test (FIPS 180-2, RFC 4231, FIPS 197, SP 800-38A,
/// RFC 4493, RFC 6979, Wycheproof, ElGamal round trips) with the engine's AES and SHA-256.
#[inline(never)]
fn vectors_through_the_engine() -> TestResult {
    uses_the_engine("self-test vectors", || {
        let mut rng = InsecureTestRng::seeded(0xE1);
        let report = selftest::run_all(&ENGINE, &mut rng, 8, 2).map_err(|_| "a vector failed")?;
        check_eq!(report.sha256, 4);
        check_eq!(report.hmac_sha256, 7);
        check_eq!(report.aes128, 2);
        check_eq!(report.aes128_cbc, 1);
        check_eq!(report.aes128_cmac, 4);
        check_eq!(report.ecdsa_rfc6979, 2);
        check_eq!(report.ecdsa_wycheproof, 8);
        check_eq!(report.elgamal, 2);
        Ok(())
    })
}

fn decrypts<X: Crypto>(ctx: &Context<'_, AesCbcDecrypt, X>) -> TestResult {
    let mut data = SERVER_AES_DEC_CIPHERTEXT;
    ctx.decrypt(&IV, &mut data).map_err(|_| "decrypt")?;
    check!(data == PLAIN, "the server's plaintext");
    Ok(())
}

fn signs<X: Crypto>(ctx: &Context<'_, HmacSign, X>) -> TestResult {
    check!(
        ctx.sign(&PLAIN) == Ok(SERVER_HMAC_SIGN_TAG),
        "the server's tag"
    );
    Ok(())
}

/// Formats the store with the engine and delivers two KeyExchangeLicenses into it.
#[inline(never)]
fn engine_store_with_licenses() -> Result<EngineStore, &'static str> {
    let mut store = common::formatted_with(Config::new().with_sha(MMIO_SHA))?;
    let device = device()?;
    let mut report = Report::<2>::new();
    deliver(
        &mut store,
        &device,
        [&AES_DEC[..], &HMAC_SIGN[..]],
        &mut report,
    )
    .map_err(|_| "deliver")?;
    for r in &report {
        if r.outcome != Outcome::Stored {
            return Err("a license was not stored");
        }
    }
    Ok(store)
}

/// Delivery (the licenses' CMACs, the key objects' AES-CBC), the store's MACs, Prepare and
/// Perform (AES-128-CBC decryption, HMAC-SHA256) with the engine: the server's bytes.
#[inline(never)]
fn key_exchange_through_the_engine() -> TestResult {
    uses_the_engine("key exchange", || {
        let mut store = engine_store_with_licenses()?;
        let device = device()?;
        common::prepared(&mut store, &device, AES_DEC_KID, Some(TIME), decrypts)?;
        common::prepared(&mut store, &device, HMAC_SIGN_KID, Some(TIME), signs)
    })
}

/// The store's format does not depend on the engine: the one written with it mounts with
/// RustCrypto and the licenses bind with the default backend, and the other way round.
#[inline(never)]
fn stores_are_the_same_with_and_without_the_engine() -> TestResult {
    drop(engine_store_with_licenses()?);
    let soft = common::software_identity()?;
    let mut store = common::remounted()?;
    common::prepared(&mut store, &soft, AES_DEC_KID, Some(TIME), decrypts)?;
    drop(store);
    let mut store = common::remounted_with(Config::new().with_sha(MMIO_SHA))?;
    common::prepared(&mut store, &device()?, HMAC_SIGN_KID, Some(TIME), signs)
}
