//! The store and Prepare from it, and the device of the key exchange vectors: shared by the
//! `keyexchange` suite (`bin/keyexchange.rs`) and the firmware demo (`../../demo`), each of which
//! includes this file as a module.

use drm_board::flash::{BoardFlash, SECTORS};
use drm_board::harness::TestResult;
use drm_board::testing::TestClock;
use drm_board::{check, check_eq};
use drm_core::Kid;
use drm_core::crypto::backend::Sha256Engine;
use drm_core::platform::{DeviceIdentity, SoftwareIdentity};
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_hds::{Config, NoCounter, Store};
use drm_keyexchange::{Context, Error, KeySlot, Operation, prepare};

/// The device of the key exchange vectors (`keyexchange_vectors.rs`, included by the parent
/// module) as a software identity, its private keys in RAM.
pub fn software_identity() -> Result<SoftwareIdentity<&'static [u8]>, &'static str> {
    SoftwareIdentity::new(
        EccPrivateKey::from_bytes(super::SIGNING_KEY),
        EccPrivateKey::from_bytes(super::ENCRYPTION_KEY),
        HmacKey::from_bytes([7; 32]),
        &super::CHAIN[..],
        2000,
    )
    .map_err(|_| "identity")
}

/// The store on the board's whole flash.
pub type Hds = Store<BoardFlash, NoCounter, SECTORS>;

/// The store key (a device derives it from its identity; fixed here).
const STORE_KEY: [u8; 32] = [0x5A; 32];

// The store helpers below are never inlined: on the Cortex-M0 (a small stack) each keeps its
// own locals out of the frames that are live during a P-256 operation.

/// A freshly formatted store on the erased board flash.
pub fn formatted() -> Result<Hds, &'static str> {
    formatted_with(Config::new())
}

/// [`formatted`] with `config` (its SHA-256 engine, say).
#[inline(never)]
pub fn formatted_with<H: Sha256Engine>(
    config: Config<NoCounter, H>,
) -> Result<Store<BoardFlash, NoCounter, SECTORS, H>, &'static str> {
    Store::format(BoardFlash::erased(), HmacKey::from_bytes(STORE_KEY), config)
        .map_err(|_| "format")
}

/// The store mounted again from the flash as it is (a reboot).
pub fn remounted() -> Result<Hds, &'static str> {
    remounted_with(Config::new())
}

/// [`remounted`] with `config`.
#[inline(never)]
pub fn remounted_with<H: Sha256Engine>(
    config: Config<NoCounter, H>,
) -> Result<Store<BoardFlash, NoCounter, SECTORS, H>, &'static str> {
    Store::mount(BoardFlash::reopen(), HmacKey::from_bytes(STORE_KEY), config).map_err(|_| "mount")
}

/// Prepare `Op` for `kid` from `store` for `device` with the clock at `now`, `perform`, Close;
/// the slot must be clear afterwards. Never inlined: on the Cortex-M0 (a small stack) its locals
/// stay out of the caller's frame.
#[inline(never)]
pub fn prepared<Op: Operation, I: DeviceIdentity, H: Sha256Engine>(
    store: &mut Store<BoardFlash, NoCounter, SECTORS, H>,
    device: &I,
    kid: [u8; 16],
    now: Option<u64>,
    perform: impl FnOnce(&Context<'_, Op, I::Crypto>) -> TestResult,
) -> TestResult {
    let clock = TestClock::new(now);
    let mut slot = KeySlot::new();
    let ctx = prepare::<Op, _, _, SECTORS, _, _, _>(
        &mut slot,
        store,
        device,
        &clock,
        &Kid::from_bytes(kid),
    )
    .map_err(|_| "prepare")?;
    perform(&ctx)?;
    ctx.close();
    check!(slot.is_clear(), "slot clear after Close");
    Ok(())
}

/// Prepare `Op` for `kid` from `store` for `device` with the clock at `now`: the refusal, after
/// checking that it wrote nothing to the flash and left the slot clear.
#[inline(never)]
pub fn prepare_refusal<Op: Operation>(
    store: &mut Hds,
    device: &impl DeviceIdentity,
    kid: [u8; 16],
    now: Option<u64>,
) -> Result<Error, &'static str> {
    let clock = TestClock::new(now);
    let mut slot = KeySlot::new();
    let writes = BoardFlash::reopen().write_count();
    let err = match prepare::<Op, _, _, SECTORS, _, _, _>(
        &mut slot,
        store,
        device,
        &clock,
        &Kid::from_bytes(kid),
    ) {
        Ok(_) => return Err("accepted"),
        Err(e) => e,
    };
    check_eq!(BoardFlash::reopen().write_count(), writes);
    check!(slot.is_clear(), "slot clear after a refusal");
    Ok(err)
}
