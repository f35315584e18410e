//! Key exchange suite: KeyExchangeLicenses built at build time by the simulated license server
//! (`build_keyexchange.rs`, `drm_servers`), bound with drm-keyexchange on the target: Prepare,
//! Perform and Close for every algorithm and operation, compared with what the server computed
//! with its own copy of each key; delivery into a drm-hds store on the board's flash and
//! Prepare from it; and every refusal.
#![no_std]
#![no_main]

use drm_board::harness::TestResult;
use drm_board::{check, check_eq};
use drm_core::Error as CoreError;
use drm_core::platform::DeviceIdentity;
use drm_keyexchange::delivery::{Outcome, Report};
use drm_keyexchange::{
    AesCbcDecryptor, AesCbcEncrypt, AesCbcEncryptor, Context, EcdsaSign, EcdsaSigner,
    EcdsaVerifier, Error, HmacSign, HmacSigner, HmacVerifier, HmacVerify, KeySlot, Operation, bind,
    bind_content_key, deliver,
};

include!(concat!(env!("OUT_DIR"), "/keyexchange_vectors.rs"));

#[path = "../common.rs"]
mod common;
use common::{Hds, formatted, prepare_refusal, prepared, remounted};

drm_board::suite!(
    rom_identity_matches_its_keys,
    aes_cbc_encrypt_matches_the_server,
    aes_cbc_decrypt_matches_the_server,
    hmac_sign_matches_the_server,
    hmac_verify_accepts_the_server_tag,
    ecdsa_sign_matches_the_server,
    ecdsa_verify_accepts_the_server_signature,
    delivery_then_prepare_perform_close_from_the_store,
    refuses_the_wrong_operation,
    refuses_the_wrong_license_kind,
    refuses_expired_and_not_yet_valid,
    refuses_unknown_and_rolled_back_clocks,
    refuses_a_security_level_too_low,
    refuses_another_devices_license,
    refuses_a_tampered_license,
    refuses_an_unknown_must_understand_object,
);

#[path = "../rom_identity.rs"]
mod rom_identity;
use rom_identity::RomIdentity;

fn identity() -> Result<RomIdentity, &'static str> {
    Ok(RomIdentity)
}

/// The ROM identity's public keys are the ones its private keys give (checked once, here).
fn rom_identity_matches_its_keys() -> TestResult {
    let software = common::software_identity()?;
    check!(
        software.encryption_public_key() == ENCRYPTION_PUBLIC,
        "encryption key"
    );
    check!(
        software.signing_public_key() == SIGNING_PUBLIC,
        "signing key"
    );
    Ok(())
}

/// `bind::<Op>` of `license` at `TIME`, in a frame of its own: on the Cortex-M0 (a small stack)
/// the identity and the binding must not be live while the context performs a P-256 operation.
#[inline(never)]
fn bound<'s, Op: Operation>(
    slot: &'s mut KeySlot,
    license: &[u8],
) -> Result<Context<'s, Op>, &'static str> {
    let device = identity()?;
    bind(slot, license, &device, Some(TIME)).map_err(|_| "bind")
}

/// `bind::<Op>` of `license` at `TIME`; the refusal, with the slot checked clear.
#[inline(never)]
fn refusal<Op: Operation>(license: &[u8], now: Option<u64>) -> Result<Error, &'static str> {
    let device = identity()?;
    let mut slot = KeySlot::new();
    let err = match bind::<Op, _>(&mut slot, license, &device, now) {
        Ok(_) => return Err("accepted"),
        Err(e) => e,
    };
    check!(slot.is_clear(), "slot clear after a refusal");
    Ok(err)
}

fn aes_cbc_encrypt_matches_the_server() -> TestResult {
    let mut slot = KeySlot::new();
    let ctx: AesCbcEncryptor<'_> = bound(&mut slot, &AES_ENC)?;
    for _ in 0..2 {
        let mut data = PLAIN;
        ctx.encrypt(&IV, &mut data).map_err(|_| "encrypt")?;
        check!(data == SERVER_AES_ENC_OF_PLAIN, "the server's ciphertext");
    }
    let mut partial = [0u8; 17];
    check_eq!(
        ctx.encrypt(&IV, &mut partial),
        Err(Error::Core(CoreError::InvalidArgument))
    );
    ctx.close();
    check!(slot.is_clear(), "slot clear after Close");
    Ok(())
}

fn aes_cbc_decrypt_matches_the_server() -> TestResult {
    let mut slot = KeySlot::new();
    {
        let ctx: AesCbcDecryptor<'_> = bound(&mut slot, &AES_DEC)?;
        let mut data = SERVER_AES_DEC_CIPHERTEXT;
        ctx.decrypt(&IV, &mut data).map_err(|_| "decrypt")?;
        check!(data == PLAIN, "the server's plaintext");
        // Dropped here without Close.
    }
    check!(slot.is_clear(), "slot clear after drop");
    Ok(())
}

fn hmac_sign_matches_the_server() -> TestResult {
    let mut slot = KeySlot::new();
    let ctx: HmacSigner<'_> = bound(&mut slot, &HMAC_SIGN)?;
    check!(
        ctx.sign(&PLAIN) == Ok(SERVER_HMAC_SIGN_TAG),
        "the server's tag"
    );
    check!(ctx.sign(&PLAIN) == Ok(SERVER_HMAC_SIGN_TAG), "again");
    ctx.close();
    check!(slot.is_clear(), "slot clear after Close");
    Ok(())
}

fn hmac_verify_accepts_the_server_tag() -> TestResult {
    let mut slot = KeySlot::new();
    let ctx: HmacVerifier<'_> = bound(&mut slot, &HMAC_VERIFY)?;
    check_eq!(ctx.verify(&PLAIN, &SERVER_HMAC_VERIFY_TAG), Ok(()));
    let mut bad = SERVER_HMAC_VERIFY_TAG;
    if let Some(b) = bad.last_mut() {
        *b ^= 1;
    }
    check_eq!(
        ctx.verify(&PLAIN, &bad),
        Err(Error::Core(CoreError::VerificationFailed))
    );
    ctx.close();
    check!(slot.is_clear(), "slot clear after Close");
    Ok(())
}

fn ecdsa_sign_matches_the_server() -> TestResult {
    // The P-256 work runs in frames of its own, the checks after it: on the Cortex-M0 (a small
    // stack) the checks' logging frames must not be live during a scalar multiplication.
    let (signature, clear) = ecdsa_sign_once()?;
    // RFC 6979: the same key and message give the server's signature, byte for byte.
    check!(
        signature == SERVER_ECDSA_SIGN_SIGNATURE,
        "the server's signature"
    );
    check!(clear, "slot clear after Close");
    Ok(())
}

#[inline(never)]
fn ecdsa_sign_once() -> Result<([u8; 64], bool), &'static str> {
    let mut slot = KeySlot::new();
    let ctx: EcdsaSigner<'_> = bound(&mut slot, &ECDSA_SIGN)?;
    let signature = ctx.sign(&PLAIN).map_err(|_| "sign")?;
    ctx.close();
    Ok((signature, slot.is_clear()))
}

fn ecdsa_verify_accepts_the_server_signature() -> TestResult {
    let (good, wrong_message, clear) = ecdsa_verify_twice()?;
    check_eq!(good, Ok(()));
    check_eq!(
        wrong_message,
        Err(Error::Core(CoreError::VerificationFailed))
    );
    check!(clear, "slot clear after Close");
    Ok(())
}

type VerifyResults = (
    drm_keyexchange::Result<()>,
    drm_keyexchange::Result<()>,
    bool,
);

#[inline(never)]
fn ecdsa_verify_twice() -> Result<VerifyResults, &'static str> {
    let mut slot = KeySlot::new();
    let ctx: EcdsaVerifier<'_> = bound(&mut slot, &ECDSA_VERIFY)?;
    let good = ctx.verify(&PLAIN, &SERVER_ECDSA_VERIFY_SIGNATURE);
    let wrong_message = ctx.verify(&IV, &SERVER_ECDSA_VERIFY_SIGNATURE);
    ctx.close();
    Ok((good, wrong_message, slot.is_clear()))
}

/// Delivers `licenses` into `store`; each must be reported stored.
#[inline(never)]
fn deliver_all(store: &mut Hds, licenses: &[&'static [u8]]) -> TestResult {
    let device = identity()?;
    let mut report = Report::<4>::new();
    deliver(store, &device, licenses.iter().copied(), &mut report).map_err(|_| "deliver")?;
    check_eq!(report.len(), licenses.len());
    for r in &report {
        check_eq!(r.outcome, Outcome::Stored);
    }
    Ok(())
}

fn decrypts_the_server_ciphertext(ctx: &AesCbcDecryptor<'_>) -> TestResult {
    let mut data = SERVER_AES_DEC_CIPHERTEXT;
    ctx.decrypt(&IV, &mut data).map_err(|_| "decrypt")?;
    check!(data == PLAIN, "the server's plaintext");
    Ok(())
}

fn delivery_then_prepare_perform_close_from_the_store() -> TestResult {
    deliver_and_prepare()?;
    // After a reboot the licenses are still there.
    prepare_after_reboot()
}

#[inline(never)]
fn deliver_and_prepare() -> TestResult {
    let mut store = formatted()?;
    deliver_all(&mut store, &[&AES_DEC, &HMAC_VERIFY])?;
    prepared(
        &mut store,
        &RomIdentity,
        AES_DEC_KID,
        Some(TIME),
        decrypts_the_server_ciphertext,
    )?;
    prepared::<HmacVerify, _, _>(
        &mut store,
        &RomIdentity,
        HMAC_VERIFY_KID,
        Some(TIME),
        |ctx| {
            check_eq!(ctx.verify(&PLAIN, &SERVER_HMAC_VERIFY_TAG), Ok(()));
            Ok(())
        },
    )?;
    // Not in the store; and the license of another operation is refused.
    check_eq!(
        prepare_refusal::<HmacSign>(&mut store, &RomIdentity, HMAC_SIGN_KID, Some(TIME))?,
        Error::LicenseNotFound
    );
    check_eq!(
        prepare_refusal::<AesCbcEncrypt>(&mut store, &RomIdentity, AES_DEC_KID, Some(TIME))?,
        Error::OperationNotAllowed
    );
    Ok(())
}

#[inline(never)]
fn prepare_after_reboot() -> TestResult {
    let mut store = remounted()?;
    prepared(
        &mut store,
        &RomIdentity,
        AES_DEC_KID,
        Some(TIME),
        decrypts_the_server_ciphertext,
    )
}

fn refuses_the_wrong_operation() -> TestResult {
    check_eq!(
        refusal::<AesCbcEncrypt>(&AES_DEC, Some(TIME))?,
        Error::OperationNotAllowed
    );
    check_eq!(
        refusal::<HmacSign>(&HMAC_VERIFY, Some(TIME))?,
        Error::OperationNotAllowed
    );
    check_eq!(
        refusal::<EcdsaSign>(&HMAC_SIGN, Some(TIME))?,
        Error::OperationNotAllowed
    );
    check_eq!(Error::OperationNotAllowed.code(), 0x8004_D701);
    Ok(())
}

fn refuses_the_wrong_license_kind() -> TestResult {
    check_eq!(
        refusal::<AesCbcEncrypt>(&CONTENT, Some(TIME))?,
        Error::NotKeyExchangeLicense
    );
    let device = identity()?;
    check_eq!(
        bind_content_key(&AES_ENC, &device, Some(TIME)).map(drop),
        Err(Error::KeyExchangeLicenseNotContentKey)
    );
    let key = bind_content_key(&CONTENT, &device, Some(TIME)).map_err(|_| "content key")?;
    check!(key.expose_secret() == &CONTENT_KEY, "the content key");
    Ok(())
}

fn refuses_expired_and_not_yet_valid() -> TestResult {
    check_eq!(
        refusal::<HmacSign>(&DATED, Some(DATED_BEGIN - 1))?,
        Error::Core(CoreError::LicenseNotYetValid)
    );
    check_eq!(
        refusal::<HmacSign>(&DATED, Some(DATED_END))?,
        Error::Core(CoreError::LicenseExpired)
    );
    let device = identity()?;
    let mut slot = KeySlot::new();
    for now in [DATED_BEGIN, DATED_END - 1] {
        let ctx: HmacSigner<'_> =
            bind(&mut slot, &DATED, &device, Some(now)).map_err(|_| "valid")?;
        check!(ctx.sign(&PLAIN) == Ok(SERVER_HMAC_SIGN_TAG), "same key");
    }
    Ok(())
}

fn refuses_unknown_and_rolled_back_clocks() -> TestResult {
    unknown_clock()?;
    rolled_back_clock_through_the_store()
}

/// No trusted time: the time-bound license is refused, the other is not.
#[inline(never)]
fn unknown_clock() -> TestResult {
    check_eq!(
        refusal::<HmacSign>(&DATED, None)?,
        Error::Core(CoreError::ClockNotSet)
    );
    let device = identity()?;
    let mut slot = KeySlot::new();
    bind::<HmacSign, _>(&mut slot, &HMAC_SIGN, &device, None)
        .map_err(|_| "not time-bound")?
        .close();
    Ok(())
}

/// Through the store's anti-rollback clock: a success at `DATED_END - 1` saves that time; the
/// clock then set back by more than the grace is refused, and nothing is written.
#[inline(never)]
fn rolled_back_clock_through_the_store() -> TestResult {
    let mut store = formatted()?;
    deliver_all(&mut store, &[&DATED])?;
    prepared::<HmacSign, _, _>(
        &mut store,
        &RomIdentity,
        DATED_KID,
        Some(DATED_END - 1),
        |_| Ok(()),
    )?;
    let back = DATED_END - 1 - drm_keyexchange::ANTI_ROLLBACK.grace_seconds() - 1;
    check!(back >= DATED_BEGIN, "still inside the dates");
    check_eq!(
        prepare_refusal::<HmacSign>(&mut store, &RomIdentity, DATED_KID, Some(back))?,
        Error::Core(CoreError::ClockNotSet)
    );
    check_eq!(
        prepare_refusal::<HmacSign>(&mut store, &RomIdentity, DATED_KID, None)?,
        Error::Core(CoreError::ClockNotSet)
    );
    // Within the grace it is accepted.
    prepared::<HmacSign, _, _>(&mut store, &RomIdentity, DATED_KID, Some(back + 1), |_| {
        Ok(())
    })
}

fn refuses_a_security_level_too_low() -> TestResult {
    check_eq!(
        refusal::<AesCbcEncrypt>(&LEVEL_3000, Some(TIME))?,
        Error::Core(CoreError::SecurityLevelTooLow)
    );
    Ok(())
}

fn refuses_another_devices_license() -> TestResult {
    check_eq!(
        refusal::<AesCbcEncrypt>(&OTHER_DEVICE, Some(TIME))?,
        Error::Core(CoreError::NotBound)
    );
    Ok(())
}

fn refuses_a_tampered_license() -> TestResult {
    let mut license = AES_ENC;
    // The rights id (signed), then the last byte of the CMAC tag.
    for at in [8, license.len() - 1] {
        let byte = license.get_mut(at).ok_or("index")?;
        *byte ^= 0x01;
        check_eq!(
            refusal::<AesCbcEncrypt>(&license, Some(TIME))?,
            Error::Core(CoreError::VerificationFailed)
        );
        let byte = license.get_mut(at).ok_or("index")?;
        *byte ^= 0x01;
    }
    check_eq!(
        refusal::<AesCbcEncrypt>(license.get(..100).ok_or("index")?, Some(TIME))?,
        Error::Core(CoreError::Malformed)
    );
    Ok(())
}

fn refuses_an_unknown_must_understand_object() -> TestResult {
    check_eq!(
        refusal::<AesCbcEncrypt>(&UNKNOWN_MUST_UNDERSTAND, Some(TIME))?,
        Error::Core(CoreError::UnknownMustUnderstand)
    );
    Ok(())
}
