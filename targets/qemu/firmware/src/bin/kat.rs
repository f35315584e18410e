//! Known-answer suite: drm-core's published vectors (`drm-core/tests/vectors/`, each file names
//! its source) run on the target through `drm_core::selftest`, one test per vector family, and
//! ElGamal round trips. The host runs the same files in `drm-core/tests/kat.rs`.
#![no_std]
#![no_main]

use drm_board::check_eq;
use drm_board::harness::TestResult;
use drm_board::testing::InsecureTestRng;
use drm_core::crypto::backend::DEFAULT;
use drm_core::selftest;

drm_board::suite!(
    sha256_fips180,
    hmac_sha256_rfc4231,
    aes128_fips197,
    aes128_cbc_sp800_38a,
    aes128_cmac_rfc4493,
    ecdsa_p256_rfc6979,
    ecdsa_p256_wycheproof,
    elgamal_round_trips,
);

/// All 218 Wycheproof ECDSA vectors: the microbit (Cortex-M0) runs this whole suite in about 7 s
/// of QEMU time (`scripts/qemu-run microbit target/thumbv6m-none-eabi/release/kat`), with a stack
/// peak of 6772 bytes (measured with the paint/peak probe of `sd_roundtrip.rs` when the microbit's
/// stack was 7 KiB; the peak is P-256 verification).
const WYCHEPROOF: usize = 218;

/// Runs one family and checks that it went through all `vectors` of its file.
fn family(result: drm_core::Result<usize>, vectors: usize) -> TestResult {
    let checked = result.map_err(|e| match e {
        drm_core::Error::VerificationFailed => "a vector gave the wrong answer",
        _ => "the vector file could not be read",
    })?;
    check_eq!(checked, vectors);
    Ok(())
}

fn sha256_fips180() -> TestResult {
    family(selftest::sha256(&DEFAULT), 4)
}

fn hmac_sha256_rfc4231() -> TestResult {
    family(selftest::hmac_sha256(&DEFAULT), 7)
}

fn aes128_fips197() -> TestResult {
    family(selftest::aes128(&DEFAULT), 2)
}

fn aes128_cbc_sp800_38a() -> TestResult {
    family(selftest::aes128_cbc(&DEFAULT), 1)
}

fn aes128_cmac_rfc4493() -> TestResult {
    family(selftest::aes128_cmac(&DEFAULT), 4)
}

fn ecdsa_p256_rfc6979() -> TestResult {
    family(selftest::ecdsa_rfc6979(&DEFAULT), 2)
}

fn ecdsa_p256_wycheproof() -> TestResult {
    family(selftest::ecdsa_wycheproof(&DEFAULT, WYCHEPROOF), WYCHEPROOF)
}

fn elgamal_round_trips() -> TestResult {
    let mut rng = InsecureTestRng::seeded(0x4B_A7);
    family(selftest::elgamal_round_trips(&DEFAULT, &mut rng, 4), 4)
}
