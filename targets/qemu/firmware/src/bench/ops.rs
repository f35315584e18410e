//! The kit's operations as the bench firmwares run them (`#[path]`-included by `fp_*.rs`, the
//! footprint firmwares, and `bench_ops.rs`, which measures stack and instructions): each
//! operation in a function of its own, on the board's flash, with the KeyExchangeLicenses of
//! the `keyexchange` suite's vectors (built at build time by the simulated license server).
#![allow(dead_code)]

use drm_board::flash::{BoardFlash, SECTORS};
use drm_board::testing::TestClock;
use drm_core::secret::HmacKey;
use drm_core::{Kid, Lid, SessionId};
use drm_hds::{Config, Namespace, Store};
use drm_keyexchange::delivery::{Outcome, Report};
use drm_keyexchange::{Context, KeySlot, Operation, deliver, prepare};

include!(concat!(env!("OUT_DIR"), "/keyexchange_vectors.rs"));

/// What the bench firmwares return.
pub type Res<T = ()> = Result<T, &'static str>;
/// The store on the board's whole flash.
pub type Hds = Store<BoardFlash, drm_hds::NoCounter, SECTORS>;

/// 1 KiB of 0x5A: the data of Perform (the verify vectors are over it too, see
/// `build_keyexchange.rs`).
pub const KIB: [u8; 1024] = [0x5A; 1024];
/// The IV of the AES operations.
pub const IV16: [u8; 16] = [0x17; 16];
/// The namespace of the HDS operations.
pub const NS: Namespace = Namespace::from_name(b"bench");
/// The session of the Secure Delete operations (the one `sd_qemu_host` expects).
pub const SESSION: SessionId = SessionId::from_bytes([0x5D; 16]);
/// Its KIDs (as `sd_qemu_host` expects them).
pub const SD_KIDS: [Kid; 2] = [Kid::from_bytes([0x71; 16]), Kid::from_bytes([0x72; 16])];

#[path = "../rom_identity.rs"]
mod rom_identity;
pub use rom_identity::RomIdentity;

fn store_key() -> HmacKey {
    HmacKey::from_bytes([0x3C; 32])
}

// ---- drm-hds ----

/// A fresh store on the erased board flash.
#[inline(never)]
pub fn hds_format() -> Res<Hds> {
    Store::format(BoardFlash::erased(), store_key(), Config::new()).map_err(|_| "format")
}

/// The store as the flash holds it (a reboot).
#[inline(never)]
pub fn hds_mount() -> Res<Hds> {
    Store::mount(BoardFlash::reopen(), store_key(), Config::new()).map_err(|_| "mount")
}

fn record(i: u8) -> [u8; 64] {
    [i; 64]
}

/// Puts record `i` (64 bytes).
#[inline(never)]
pub fn hds_put(store: &mut Hds, i: u8) -> Res {
    store
        .put(&NS, &[i; 16], &[0x40; 16], &record(i))
        .map_err(|_| "put")
}

/// Gets record `i` and checks it.
#[inline(never)]
pub fn hds_get(store: &mut Hds, i: u8) -> Res {
    let mut buf = [0u8; 64 + 72];
    let n = store
        .get(&NS, &[i; 16], &[0x40; 16], &mut buf)
        .map_err(|_| "get")?;
    if buf.get(..n) != Some(&record(i)[..]) {
        return Err("get: wrong data");
    }
    Ok(())
}

/// Deletes record `i`.
#[inline(never)]
pub fn hds_delete(store: &mut Hds, i: u8) -> Res {
    store
        .delete(&NS, &[i; 16], &[0x40; 16])
        .map_err(|_| "delete")
}

/// Every HDS operation once (the footprint firmwares).
#[inline(never)]
pub fn hds_all() -> Res {
    let mut s = hds_format()?;
    for i in 0..4 {
        hds_put(&mut s, i)?;
    }
    hds_get(&mut s, 1)?;
    hds_delete(&mut s, 2)?;
    drop(s);
    let mut s = hds_mount()?;
    hds_get(&mut s, 3)
}

// ---- drm-core alone: the license acquisition challenge and license verification ----

/// An `AcquireLicense` challenge for one KID (drm-core); returns its length.
#[inline(never)]
pub fn core_acquire_challenge() -> Res<usize> {
    use drm_core::acquire::{ChallengeParams, challenge_sizes, write_challenge};
    let kids = [Kid::from_bytes(AES_ENC_KID)];
    let params = ChallengeParams::new(&kids, &ENCRYPTION_PUBLIC, TIME);
    let sizes = challenge_sizes(&params, CHAIN.len()).map_err(|_| "sizes")?;
    let mut rng = drm_board::testing::InsecureTestRng::seeded(3);
    let mut work = [0u8; 3072];
    let mut out = [0u8; 6144];
    let work = work.get_mut(..sizes.work).ok_or("acquire: work buffer")?;
    let out = out
        .get_mut(..sizes.challenge)
        .ok_or("acquire: challenge buffer")?;
    let (_, challenge) =
        write_challenge(&params, &RomIdentity, &mut rng, work, out).map_err(|_| "acquire")?;
    Ok(challenge.len())
}

/// Parses and verifies a KeyExchangeLicense, unwrapping its key (drm-core).
#[inline(never)]
pub fn core_verify_license() -> Res {
    let parsed = drm_core::xmr::ParsedLicense::parse(&HMAC_SIGN).map_err(|_| "parse")?;
    drm_core::xmr::verify(parsed, &RomIdentity)
        .map(drop)
        .map_err(|_| "verify")
}

/// drm-core's operations once (the footprint firmwares).
#[inline(never)]
pub fn core_all() -> Res {
    core_acquire_challenge()?;
    core_verify_license()
}

// ---- drm-keyexchange ----

/// The six KeyExchangeLicenses (one per algorithm and operation).
pub const LICENSES: [&[u8]; 6] = [
    &AES_ENC,
    &AES_DEC,
    &HMAC_SIGN,
    &HMAC_VERIFY,
    &ECDSA_SIGN,
    &ECDSA_VERIFY,
];

/// License storage: delivers `licenses` into `store` (verify each, one atomic commit).
#[inline(never)]
pub fn kx_deliver(store: &mut Hds, licenses: &[&'static [u8]]) -> Res {
    let mut report = Report::<6>::new();
    deliver(store, &RomIdentity, licenses.iter().copied(), &mut report).map_err(|_| "deliver")?;
    if report.iter().any(|r| r.outcome != Outcome::Stored) {
        return Err("deliver: a license was not stored");
    }
    Ok(())
}

/// Prepare `Op` for `kid` from the store at `TIME`.
#[inline(never)]
pub fn kx_prepare<'s, Op: Operation>(
    slot: &'s mut KeySlot,
    store: &mut Hds,
    kid: [u8; 16],
) -> Res<Context<'s, Op>> {
    let clock = TestClock::new(Some(TIME));
    prepare::<Op, _, _, SECTORS, _, _, _>(slot, store, &RomIdentity, &clock, &Kid::from_bytes(kid))
        .map_err(|_| "prepare")
}

/// Prepare `Op` for `kid`, Perform, Close.
fn prepared<Op: Operation>(
    store: &mut Hds,
    kid: [u8; 16],
    perform: impl FnOnce(&Context<'_, Op>) -> drm_keyexchange::Result<()>,
) -> Res {
    let mut slot = KeySlot::new();
    let ctx = kx_prepare::<Op>(&mut slot, store, kid)?;
    perform(&ctx).map_err(|_| "perform")?;
    ctx.close();
    Ok(())
}

/// Delivers the six licenses, then Prepare, Perform on 1 KiB and Close for each (the footprint
/// firmwares).
#[inline(never)]
pub fn kx_all() -> Res {
    use drm_keyexchange::{
        AesCbcDecrypt, AesCbcEncrypt, EcdsaSign, EcdsaVerify, HmacSign, HmacVerify,
    };
    let mut store = hds_format()?;
    kx_deliver(&mut store, &LICENSES)?;
    let mut data = KIB;
    prepared::<AesCbcEncrypt>(&mut store, AES_ENC_KID, |c| c.encrypt(&IV16, &mut data))?;
    prepared::<AesCbcDecrypt>(&mut store, AES_DEC_KID, |c| c.decrypt(&IV16, &mut data))?;
    prepared::<HmacSign>(&mut store, HMAC_SIGN_KID, |c| c.sign(&KIB).map(drop))?;
    prepared::<HmacVerify>(&mut store, HMAC_VERIFY_KID, |c| {
        c.verify(&KIB, &SERVER_HMAC_VERIFY_TAG_1K)
    })?;
    prepared::<EcdsaSign>(&mut store, ECDSA_SIGN_KID, |c| c.sign(&KIB).map(drop))?;
    prepared::<EcdsaVerify>(&mut store, ECDSA_VERIFY_KID, |c| {
        c.verify(&KIB, &SERVER_ECDSA_VERIFY_SIGNATURE_1K)
    })
}

// ---- drm-securedelete ----

/// A store holding session [`SESSION`] with a license per KID of [`SD_KIDS`].
#[inline(never)]
pub fn sd_stored_session() -> Res<Hds> {
    use drm_securedelete::session::{self, RECORD_MAX_LEN};
    let mut store = hds_format()?;
    let mut rec = [0u8; RECORD_MAX_LEN];
    let mut txn = drm_hds::Transaction::new();
    for (i, kid) in SD_KIDS.iter().enumerate() {
        let lid = Lid::from_bytes([0x80 + i as u8; 16]);
        txn.put(
            &drm_securedelete::LICENSES,
            kid.as_bytes(),
            lid.as_bytes(),
            b"a license",
        )
        .map_err(|_| "txn")?;
    }
    session::stage_kids(&mut store, &mut txn, &SESSION, &SD_KIDS, &mut rec).map_err(|_| "stage")?;
    store.commit(&txn).map_err(|_| "commit")?;
    Ok(store)
}

/// Removes the session's licenses (the session becomes pending).
#[inline(never)]
pub fn sd_delete(store: &mut Hds) -> Res {
    drm_securedelete::delete_licenses(store, &SESSION).map_err(|_| "delete_licenses")
}

/// Processes a Secure Delete response.
#[inline(never)]
pub fn sd_process(store: &mut Hds, response: &[u8]) -> Res<SessionId> {
    drm_securedelete::process_response(store, response).map_err(|_| "process_response")
}

/// Every Secure Delete operation once, the challenge to `server_key` counted, not kept (the
/// footprint firmwares; the response is refused: only its code matters here).
#[inline(never)]
pub fn sd_all(response: &[u8]) -> Res {
    let mut store = sd_stored_session()?;
    sd_delete(&mut store)?;
    let sd = drm_securedelete::SecureDelete::new(&RomIdentity)
        .with_server_key(ENCRYPTION_PUBLIC)
        .map_err(|_| "server key")?;
    let mut rng = drm_board::testing::InsecureTestRng::seeded(9);
    sd.write_challenge(
        &mut store,
        &mut rng,
        &SESSION,
        drm_core::xml::writer::CountingSink::new(),
    )
    .map_err(|_| "challenge")?;
    let _ = sd_process(&mut store, response);
    Ok(())
}
