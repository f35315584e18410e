//! drm-keyexchange against the simulated license server: licenses acquired with drm-core's
//! acquisition client, delivered into a drm-hds store on the mock flash, then Prepare, Perform and
//! Close for every algorithm and operation, with the server running the inverse operation with
//! its own copy of the key (RustCrypto, no drm-core code); every refusal, with no state change;
//! the key slot cleared after Close and after drop; a power cut at every flash write and erase of
//! a delivery.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use drm_core::acquire::{
    ChallengeParams, PendingAcquisition, challenge_sizes, process_response, write_challenge,
};
use drm_core::platform::{DeviceIdentity as _, SoftwareIdentity};
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_core::{Error as CoreError, Kid, Lid};
use drm_hds::mock::{MockFlash, Torn};
use drm_hds::{Config, Namespace, Store, Transaction};
use drm_keyexchange::clock::{CLOCK, SECURE_STORE};
use drm_keyexchange::delivery::{LICENSES, LicenseReport, Outcome, Report};
use drm_keyexchange::licenses::FIRST_USE;
use drm_keyexchange::{
    ANTI_ROLLBACK, AesCbcDecrypt, AesCbcDecryptor, AesCbcEncrypt, AesCbcEncryptor, EcdsaSigner,
    EcdsaVerifier, Error, HmacSign, HmacSigner, HmacVerifier, KeyRef, KeySlot, bind, content_key,
    deliver, deliver_acquired, prepare, prepare_key, stage,
};
use drm_keyexchange::{AntiRollbackClock, ClockStatus};
use drm_servers::crypto::KeyPair;
use drm_servers::license_server::{Grant, LicenseServer};
use drm_servers::pki::{Authority, SL_2000};
use drm_servers::xmr::{Defect, KxAlgorithm as A, KxOperation as O};
use drm_servers::{Backend, TestRng};
use drm_target_host::{FixedClock, InsecureTestRng};

const TIME: u64 = 1_700_000_000;
const PAGE: usize = 4096;
const PAGES: usize = 16;

type Flash<'a> = MockFlash<'a, 4, PAGE, false>;
type Hds<'a> = Store<Flash<'a>>;

struct World {
    server: LicenseServer,
    server_key: [u8; 64],
    root: [u8; 64],
    identity: SoftwareIdentity<Vec<u8>>,
    /// Another device of the same authority (its licenses must not bind here).
    other_device_key: [u8; 64],
    /// This device's encryption public key, as the authority issued it (for licenses built
    /// with the server's builder directly).
    device_key: [u8; 64],
    rng: InsecureTestRng,
}

fn world(seed: u64) -> World {
    let mut ca = Authority::from_seed(seed);
    let dev = ca.provision_device(SL_2000);
    let other = ca.provision_device(SL_2000);
    let server_identity = ca.provision_server();
    let mut trng = TestRng::from_seed(seed + 1);
    let key = KeyPair::generate(&mut trng);
    let server_key = key.public();
    let server = LicenseServer::new(
        Backend::new(),
        key,
        ca.root_public_key(),
        server_identity,
        trng.fork(),
    );
    let identity = SoftwareIdentity::new(
        EccPrivateKey::from_bytes(dev.signing_key_bytes()),
        EccPrivateKey::from_bytes(dev.encryption_key_bytes()),
        HmacKey::from_bytes([7; 32]),
        dev.chain.clone(),
        dev.security_level,
    )
    .unwrap();
    World {
        server,
        server_key,
        root: ca.root_public_key(),
        identity,
        other_device_key: other.encryption.public(),
        device_key: dev.encryption.public(),
        rng: InsecureTestRng::seeded(seed + 2),
    }
}

fn store_key() -> HmacKey {
    HmacKey::from_bytes([0x5A; 32])
}

fn blank() -> Vec<u8> {
    vec![0xFF; PAGES * PAGE]
}

fn format(image: &mut [u8]) -> Hds<'_> {
    Store::format(Flash::new(image), store_key(), Config::new()).unwrap()
}

fn mount(image: &mut [u8]) -> Hds<'_> {
    Store::mount(Flash::new(image), store_key(), Config::new()).unwrap()
}

fn kid(n: u8) -> [u8; 16] {
    [n; 16]
}

impl World {
    /// Grants `grants`, runs one acquisition with drm-core's client and returns the licenses of
    /// the verified response (bytes, in order).
    fn acquire(&mut self, grants: &[([u8; 16], Grant)]) -> Vec<Vec<u8>> {
        let (response, pending) = self.response(grants);
        let mut buf = vec![0u8; 64 * 1024];
        let acquired =
            process_response(&response, &pending, &self.root, Some(TIME), &mut buf).unwrap();
        acquired.iter().map(<[u8]>::to_vec).collect()
    }

    /// Grants `grants` and runs the challenge through the server: its response.
    fn response(&mut self, grants: &[([u8; 16], Grant)]) -> (Vec<u8>, PendingAcquisition) {
        for (k, g) in grants {
            self.server.grant(*k, g.clone());
        }
        let kids: Vec<Kid> = grants.iter().map(|(k, _)| Kid::from_bytes(*k)).collect();
        let server_key = self.server_key;
        let params = ChallengeParams::new(&kids, &server_key, TIME);
        let sizes = challenge_sizes(&params, self.identity.certificate_chain().len()).unwrap();
        let mut work = vec![0u8; sizes.work];
        let mut out = vec![0u8; sizes.challenge];
        let (pending, xml) =
            write_challenge(&params, &self.identity, &mut self.rng, &mut work, &mut out).unwrap();
        let reply = self.server.handle(xml);
        reply.outcome.as_ref().unwrap();
        (reply.xml.into_bytes(), pending)
    }

    /// Acquires and delivers into `store` with [`deliver_acquired`]; returns the report and the
    /// licenses' bytes.
    fn deliver(
        &mut self,
        store: &mut Hds<'_>,
        grants: &[([u8; 16], Grant)],
    ) -> (Report, Vec<Vec<u8>>) {
        let (response, pending) = self.response(grants);
        let mut buf = vec![0u8; 64 * 1024];
        let acquired =
            process_response(&response, &pending, &self.root, Some(TIME), &mut buf).unwrap();
        let mut report: Report = Report::new();
        deliver_acquired(store, &self.identity, &acquired, &mut report).unwrap();
        (report, acquired.iter().map(<[u8]>::to_vec).collect())
    }
}

/// Delivers `licenses` into `store`; returns the report.
fn deliver_all(
    store: &mut Hds<'_>,
    identity: &SoftwareIdentity<Vec<u8>>,
    licenses: &[Vec<u8>],
) -> Report {
    let mut report: Report = Report::new();
    deliver(
        store,
        identity,
        licenses.iter().map(Vec::as_slice),
        &mut report,
    )
    .unwrap();
    report
}

/// Mounts `image` with a power cut after `cut.0` more flash operations (torn as `cut.1`, seed
/// `cut.2`) and delivers `licenses`; the cut must interrupt the delivery. A cut during mount (its
/// recovery writes, if any) is a cut too.
fn deliver_cut(
    image: &mut [u8],
    (n, torn, seed): (u64, Torn, u64),
    identity: &SoftwareIdentity<Vec<u8>>,
    licenses: &[Vec<u8>],
) {
    let mut flash = Flash::new(image);
    flash.cut_after(n, torn, seed);
    if let Ok(mut store) = Hds::mount(flash, store_key(), Config::new()) {
        let mut report: Report = Report::new();
        let r = deliver(
            &mut store,
            identity,
            licenses.iter().map(Vec::as_slice),
            &mut report,
        );
        assert!(r.is_err(), "cut after {n} did not interrupt");
    }
}

fn clock_at(t: u64) -> FixedClock {
    FixedClock::new(Some(t))
}

/// Every slot of the namespaces this crate writes (licenses, first use, the anti-rollback clock),
/// the secure store, and the commit sequence number (to check that a refusal wrote nothing).
fn snapshot(store: &mut Hds<'_>) -> Vec<u8> {
    let mut slots = Vec::new();
    for ns in [LICENSES, FIRST_USE, SECURE_STORE, CLOCK] {
        store
            .for_each(&ns, None, |k1, k2, _| {
                slots.push((ns, *k1, *k2));
                core::ops::ControlFlow::Continue(())
            })
            .unwrap();
    }
    slots.sort();
    let mut out = Vec::new();
    for (ns, k1, k2) in slots {
        let mut buf = [0u8; 2048];
        let n = store.get(&ns, &k1, &k2, &mut buf).unwrap();
        out.extend_from_slice(ns.as_bytes());
        out.extend_from_slice(&k1);
        out.extend_from_slice(&k2);
        out.extend_from_slice(&buf[..n]);
    }
    out.extend_from_slice(&store.stats().seq.to_be_bytes());
    out
}

#[test]
fn every_algorithm_and_operation_agrees_with_the_server() {
    let mut w = world(1);
    let mut image = blank();
    let mut store = format(&mut image);
    let grants = [
        (kid(1), Grant::key_exchange(A::AesCbc, O::Encrypt)),
        (kid(2), Grant::key_exchange(A::AesCbc, O::Decrypt)),
        (kid(3), Grant::key_exchange(A::HmacSha256, O::Sign)),
        (kid(4), Grant::key_exchange(A::HmacSha256, O::Verify)),
        (kid(5), Grant::key_exchange(A::EcdsaP256, O::Sign)),
        (kid(6), Grant::key_exchange(A::EcdsaP256, O::Verify)),
    ];
    let (report, _) = w.deliver(&mut store, &grants);
    assert_eq!(report.len(), 6);
    for (r, (k, _)) in report.iter().zip(&grants) {
        assert_eq!(r.outcome, Outcome::Stored, "{r:?}");
        assert_eq!(r.kid, Kid::from_bytes(*k));
        assert!(r.key_exchange);
    }
    let clock = clock_at(TIME);
    let id = &w.identity;
    let iv = [0x1F; 16];
    let plain: Vec<u8> = (0u8..64).collect();

    // AES-128-CBC encrypt: the client encrypts, the server decrypts (and encrypts identically).
    let mut slot = KeySlot::new();
    let enc: AesCbcEncryptor<'_> =
        prepare(&mut slot, &mut store, id, &clock, &Kid::from_bytes(kid(1))).unwrap();
    for round in 0..3u8 {
        let mut data = plain.clone();
        data[0] = round;
        let original = data.clone();
        enc.encrypt(&iv, &mut data).unwrap();
        assert_ne!(data, original);
        assert_eq!(
            w.server.aes_cbc_decrypt(&kid(1), &iv, &data).unwrap(),
            original
        );
        assert_eq!(
            w.server.aes_cbc_encrypt(&kid(1), &iv, &original).unwrap(),
            data
        );
    }
    // No padding: a partial block is refused and the data left as it was.
    let mut partial = plain[..17].to_vec();
    assert_eq!(
        enc.encrypt(&iv, &mut partial),
        Err(Error::Core(CoreError::InvalidArgument))
    );
    assert_eq!(partial, &plain[..17]);
    enc.close();
    assert!(slot.is_clear());

    // AES-128-CBC decrypt: the server encrypts, the client decrypts.
    let dec: AesCbcDecryptor<'_> =
        prepare(&mut slot, &mut store, id, &clock, &Kid::from_bytes(kid(2))).unwrap();
    let mut data = w.server.aes_cbc_encrypt(&kid(2), &iv, &plain).unwrap();
    dec.decrypt(&iv, &mut data).unwrap();
    assert_eq!(data, plain);
    dec.close();
    assert!(slot.is_clear());

    // HMAC-SHA256 sign: the client tags, the server verifies.
    let signer: HmacSigner<'_> =
        prepare(&mut slot, &mut store, id, &clock, &Kid::from_bytes(kid(3))).unwrap();
    for msg in [&b""[..], b"abc", &plain] {
        let tag = signer.sign(msg).unwrap();
        assert!(w.server.hmac_verify(&kid(3), msg, &tag).unwrap());
        assert_eq!(w.server.hmac_sign(&kid(3), msg).unwrap(), tag);
    }
    signer.close();
    assert!(slot.is_clear());

    // HMAC-SHA256 verify: the server tags, the client verifies; a wrong tag is refused.
    let verifier: HmacVerifier<'_> =
        prepare(&mut slot, &mut store, id, &clock, &Kid::from_bytes(kid(4))).unwrap();
    let tag = w.server.hmac_sign(&kid(4), &plain).unwrap();
    verifier.verify(&plain, &tag).unwrap();
    verifier.verify(&plain, &tag).unwrap();
    let mut bad = tag;
    bad[31] ^= 1;
    assert_eq!(
        verifier.verify(&plain, &bad),
        Err(Error::Core(CoreError::VerificationFailed))
    );
    assert_eq!(
        verifier.verify(&plain, &tag[..31]),
        Err(Error::Core(CoreError::VerificationFailed))
    );
    assert_eq!(
        verifier.verify(b"other", &tag),
        Err(Error::Core(CoreError::VerificationFailed))
    );
    verifier.close();
    assert!(slot.is_clear());

    // ECDSA-P256-SHA256 sign: the client signs, the server verifies with the public key.
    let signer: EcdsaSigner<'_> =
        prepare(&mut slot, &mut store, id, &clock, &Kid::from_bytes(kid(5))).unwrap();
    for msg in [&b"message one"[..], &plain] {
        let sig = signer.sign(msg).unwrap();
        assert!(w.server.ecdsa_verify(&kid(5), msg, &sig).unwrap());
        assert!(!w.server.ecdsa_verify(&kid(5), b"another", &sig).unwrap());
    }
    signer.close();
    assert!(slot.is_clear());

    // ECDSA-P256-SHA256 verify: the server signs with its private key, the client verifies.
    let verifier: EcdsaVerifier<'_> =
        prepare(&mut slot, &mut store, id, &clock, &Kid::from_bytes(kid(6))).unwrap();
    let sig = w.server.ecdsa_sign(&kid(6), &plain).unwrap();
    verifier.verify(&plain, &sig).unwrap();
    assert_eq!(
        verifier.verify(b"another", &sig),
        Err(Error::Core(CoreError::VerificationFailed))
    );
    let mut bad = sig;
    bad[63] ^= 1;
    assert_eq!(
        verifier.verify(&plain, &bad),
        Err(Error::Core(CoreError::VerificationFailed))
    );
    drop(verifier);
    assert!(slot.is_clear());
}

#[test]
fn key_slot_is_cleared_after_close_after_drop_and_after_a_refusal() {
    let mut w = world(2);
    let mut image = blank();
    let mut store = format(&mut image);
    w.deliver(
        &mut store,
        &[(kid(1), Grant::key_exchange(A::HmacSha256, O::Sign))],
    );
    let clock = clock_at(TIME);
    let k = Kid::from_bytes(kid(1));
    let mut slot = KeySlot::new();
    assert!(slot.is_clear());
    {
        let ctx: HmacSigner<'_> = prepare(&mut slot, &mut store, &w.identity, &clock, &k).unwrap();
        ctx.sign(b"x").unwrap();
        // Dropped at the end of the scope, without Close.
    }
    assert!(slot.is_clear());
    // A context that is leaked (never dropped) leaves its key: the check is real.
    let ctx: HmacSigner<'_> = prepare(&mut slot, &mut store, &w.identity, &clock, &k).unwrap();
    core::mem::forget(ctx);
    assert!(!slot.is_clear());
    // A new prepare into the same slot, refused, leaves it clear.
    let refused =
        prepare::<AesCbcEncrypt, _, _, 32, _, _, _>(&mut slot, &mut store, &w.identity, &clock, &k);
    assert_eq!(refused.err(), Some(Error::OperationNotAllowed));
    // The refusal happened before the slot was touched: the leaked key is still there.
    assert!(!slot.is_clear());
    let ctx: HmacSigner<'_> = prepare(&mut slot, &mut store, &w.identity, &clock, &k).unwrap();
    ctx.close();
    assert!(slot.is_clear());
}

/// Runs `prepare::<Op>` and checks that a refusal changed nothing: same store contents, slot
/// still clear.
fn refused<Op: drm_keyexchange::Operation>(
    store: &mut Hds<'_>,
    identity: &SoftwareIdentity<Vec<u8>>,
    clock: &FixedClock,
    k: [u8; 16],
) -> Error {
    refused_key::<Op>(store, identity, clock, k, None)
}

/// [`refused`] of `prepare_key` with `key` (`None`: `prepare`, the license's first key).
fn refused_key<Op: drm_keyexchange::Operation>(
    store: &mut Hds<'_>,
    identity: &SoftwareIdentity<Vec<u8>>,
    clock: &FixedClock,
    k: [u8; 16],
    key: Option<KeyRef>,
) -> Error {
    let before = snapshot(store);
    let mut slot = KeySlot::new();
    let kid = Kid::from_bytes(k);
    let err = match key {
        None => prepare::<Op, _, _, 32, _, _, _>(&mut slot, store, identity, clock, &kid).err(),
        Some(key) => {
            prepare_key::<Op, _, _, 32, _, _, _>(&mut slot, store, identity, clock, &kid, key).err()
        }
    }
    .expect("refused");
    assert!(slot.is_clear());
    assert_eq!(snapshot(store), before, "a refusal changed the store");
    err
}

fn accepted<Op: drm_keyexchange::Operation>(
    store: &mut Hds<'_>,
    identity: &SoftwareIdentity<Vec<u8>>,
    clock: &FixedClock,
    k: [u8; 16],
) {
    let mut slot = KeySlot::new();
    prepare::<Op, _, _, 32, _, _, _>(&mut slot, store, identity, clock, &Kid::from_bytes(k))
        .unwrap()
        .close();
}

#[test]
fn wrong_operation_and_wrong_license_kind_are_refused() {
    let mut w = world(3);
    let mut image = blank();
    let mut store = format(&mut image);
    let (report, _) = w.deliver(
        &mut store,
        &[
            (kid(1), Grant::key_exchange(A::AesCbc, O::Decrypt)),
            (kid(2), Grant::content()),
            (kid(3), Grant::key_exchange(A::EcdsaP256, O::Verify)),
        ],
    );
    assert!(report.iter().all(|r| r.outcome == Outcome::Stored));
    assert!(!report[1].key_exchange);
    let clock = clock_at(TIME);
    let id = &w.identity;

    // The other operation of the same algorithm, and other algorithms.
    assert_eq!(
        refused::<AesCbcEncrypt>(&mut store, id, &clock, kid(1)),
        Error::OperationNotAllowed
    );
    assert_eq!(
        refused::<HmacSign>(&mut store, id, &clock, kid(1)),
        Error::OperationNotAllowed
    );
    assert_eq!(
        refused::<drm_keyexchange::EcdsaSign>(&mut store, id, &clock, kid(3)),
        Error::OperationNotAllowed
    );
    accepted::<AesCbcDecrypt>(&mut store, id, &clock, kid(1));

    // A content license used for key exchange.
    assert_eq!(
        refused::<AesCbcDecrypt>(&mut store, id, &clock, kid(2)),
        Error::NotKeyExchangeLicense
    );
    assert_eq!(Error::NotKeyExchangeLicense.code(), 0x8004_D702);

    // A KeyExchangeLicense used as a content key; the content license gives its key.
    assert_eq!(
        content_key(&mut store, id, &clock, &Kid::from_bytes(kid(1))).err(),
        Some(Error::KeyExchangeLicenseNotContentKey)
    );
    assert_eq!(Error::KeyExchangeLicenseNotContentKey.code(), 0x8004_D703);
    let key = content_key(&mut store, id, &clock, &Kid::from_bytes(kid(2))).unwrap();
    assert_eq!(key.expose_secret(), &w.server.content_key(&kid(2)).unwrap());

    // No license at all.
    assert_eq!(
        refused::<AesCbcDecrypt>(&mut store, id, &clock, kid(9)),
        Error::LicenseNotFound
    );
    assert_eq!(Error::LicenseNotFound.code(), 0x8004_C013);
}

#[test]
fn dates_and_the_anti_rollback_clock() {
    let mut w = world(4);
    let mut image = blank();
    let mut store = format(&mut image);
    let begin = (TIME - 100) as u32;
    let end = (TIME + 1000) as u32;
    let dated = Grant::key_exchange(A::HmacSha256, O::Sign).expires(begin, end);
    let open = Grant::key_exchange(A::HmacSha256, O::Sign);
    w.deliver(&mut store, &[(kid(1), dated), (kid(2), open)]);
    let id = &w.identity;
    let core = Error::Core;

    // Not yet valid, valid from `begin`, expired from `end`.
    let c = clock_at(u64::from(begin) - 1);
    assert_eq!(
        refused::<HmacSign>(&mut store, id, &c, kid(1)),
        core(CoreError::LicenseNotYetValid)
    );
    assert_eq!(core(CoreError::LicenseNotYetValid).code(), 0x8004_C00A);
    let c = clock_at(u64::from(end));
    assert_eq!(
        refused::<HmacSign>(&mut store, id, &c, kid(1)),
        core(CoreError::LicenseExpired)
    );
    assert_eq!(core(CoreError::LicenseExpired).code(), 0x8004_C009);
    let c = clock_at(u64::from(end) + 1_000_000);
    assert_eq!(
        refused::<HmacSign>(&mut store, id, &c, kid(1)),
        core(CoreError::LicenseExpired)
    );

    // Clock unknown: the time-bound license is refused, the other is not.
    let unknown = FixedClock::new(None);
    assert_eq!(
        refused::<HmacSign>(&mut store, id, &unknown, kid(1)),
        core(CoreError::ClockNotSet)
    );
    assert_eq!(core(CoreError::ClockNotSet).code(), 0x8004_C05B);
    accepted::<HmacSign>(&mut store, id, &unknown, kid(2));

    // Valid at `begin`; this success saves the time in the store.
    let c = clock_at(u64::from(begin));
    accepted::<HmacSign>(&mut store, id, &c, kid(1));
    let c = clock_at(u64::from(end) - 1);
    accepted::<HmacSign>(&mut store, id, &c, kid(1));

    // The clock rolled back by more than the grace, but still inside [begin, end): refused as
    // "clock not set" for the time-bound license only.
    let back_time = u64::from(end) - 1 - ANTI_ROLLBACK.grace_seconds() - 1;
    assert!(back_time >= u64::from(begin));
    let back = clock_at(back_time);
    assert_eq!(
        refused::<HmacSign>(&mut store, id, &back, kid(1)),
        core(CoreError::ClockNotSet)
    );
    accepted::<HmacSign>(&mut store, id, &back, kid(2));
    // Within the grace it is accepted.
    let slight = clock_at(u64::from(end) - 1 - ANTI_ROLLBACK.grace_seconds());
    accepted::<HmacSign>(&mut store, id, &slight, kid(1));
    // A trusted time resets the saved time.
    ANTI_ROLLBACK
        .set_trusted_time(&mut store, back_time)
        .unwrap();
    accepted::<HmacSign>(&mut store, id, &back, kid(1));

    // The store has one anti-rollback clock: a rollback recorded by drm-hds's `check` (at boot,
    // say) is honoured by Prepare even when the clock reads forward again, until a trusted time.
    let seen = AntiRollbackClock::last_known(&mut store).unwrap().unwrap();
    let far_back = clock_at(seen - ANTI_ROLLBACK.grace_seconds() - 1);
    assert!(matches!(
        AntiRollbackClock::default().check(&mut store, &far_back),
        Ok(ClockStatus::RolledBack { .. })
    ));
    let c = clock_at(u64::from(end) - 1);
    assert_eq!(
        refused::<HmacSign>(&mut store, id, &c, kid(1)),
        core(CoreError::ClockNotSet)
    );
    accepted::<HmacSign>(&mut store, id, &c, kid(2));
    ANTI_ROLLBACK
        .set_trusted_time(&mut store, u64::from(end) - 1)
        .unwrap();
    accepted::<HmacSign>(&mut store, id, &c, kid(1));
}

/// A burst of successful Prepares saves the time at most once per save interval.
#[test]
fn prepare_saves_the_clock_at_most_once_per_interval() {
    let mut w = world(12);
    let mut image = blank();
    let mut store = format(&mut image);
    w.deliver(
        &mut store,
        &[(kid(1), Grant::key_exchange(A::HmacSha256, O::Sign))],
    );
    let id = &w.identity;
    let step = ANTI_ROLLBACK.save_interval_seconds();
    let seq = |s: &Hds<'_>| s.stats().seq;
    // The first success saves the time.
    let start = seq(&store);
    accepted::<HmacSign>(&mut store, id, &clock_at(TIME), kid(1));
    assert_eq!(seq(&store), start + 1);
    assert_eq!(AntiRollbackClock::last_known(&mut store), Ok(Some(TIME)));
    // One call a second for twice the interval: two more saves.
    for t in 1..=2 * step {
        accepted::<HmacSign>(&mut store, id, &clock_at(TIME + t), kid(1));
    }
    assert_eq!(seq(&store), start + 3);
    assert_eq!(
        AntiRollbackClock::last_known(&mut store),
        Ok(Some(TIME + 2 * step))
    );
    // The clock unknown: accepted (not time-bound), nothing saved.
    accepted::<HmacSign>(&mut store, id, &FixedClock::new(None), kid(1));
    assert_eq!(seq(&store), start + 3);
}

/// Puts license bytes straight into the store, as if delivered by some other path (or copied
/// from another device), so that Prepare's own checks are what refuses them.
fn put_raw(store: &mut Hds<'_>, k: [u8; 16], license: &[u8]) {
    store.put(&LICENSES, &k, &[0xEE; 16], license).unwrap();
}

#[test]
fn delivery_and_prepare_refuse_bad_licenses_and_keep_the_good_ones() {
    let mut w = world(5);
    let mut image = blank();
    let mut store = format(&mut image);
    let other = w.other_device_key;

    // One good license, and one of each flaw, in one response.
    let mut another_device = Grant::key_exchange(A::AesCbc, O::Encrypt);
    another_device.bind_to = Some(other);
    // The last byte of a license is the last byte of its CMAC signature; every AES-encrypt
    // license of this server has the same length.
    let len = w.acquire(&[(kid(9), Grant::key_exchange(A::AesCbc, O::Encrypt))])[0].len();
    let tampered = Grant::key_exchange(A::AesCbc, O::Encrypt).defect(Defect::TamperByte(len - 1));
    let grants = [
        (kid(1), Grant::key_exchange(A::AesCbc, O::Encrypt)),
        (
            kid(2),
            Grant::key_exchange(A::AesCbc, O::Encrypt).level(3000),
        ),
        (kid(3), another_device),
        (kid(4), tampered),
        (
            kid(5),
            Grant::key_exchange(A::AesCbc, O::Encrypt).defect(Defect::UnknownObject {
                must_understand: true,
            }),
        ),
        (
            kid(6),
            Grant::key_exchange(A::AesCbc, O::Encrypt).defect(Defect::UnknownObject {
                must_understand: false,
            }),
        ),
        (
            kid(7),
            Grant::key_exchange(A::AesCbc, O::Encrypt).persistent(false),
        ),
        (kid(8), Grant::content()),
    ];
    let (report, licenses) = w.deliver(&mut store, &grants);
    let outcomes: Vec<Outcome> = report.iter().map(|r| r.outcome).collect();
    let core = |e| Outcome::Refused(Error::Core(e));
    assert_eq!(
        outcomes,
        [
            Outcome::Stored,
            core(CoreError::SecurityLevelTooLow),
            core(CoreError::NotBound),
            core(CoreError::VerificationFailed),
            core(CoreError::UnknownMustUnderstand),
            Outcome::Stored,
            Outcome::NotPersistent,
            Outcome::Stored,
        ]
    );
    // Ids are reported even for refused licenses that parse.
    for (r, (k, _)) in report.iter().zip(&grants) {
        if !matches!(
            r.outcome,
            Outcome::Refused(Error::Core(CoreError::UnknownMustUnderstand))
        ) {
            assert_eq!(r.kid, Kid::from_bytes(*k), "{r:?}");
            assert!(!r.lid.is_nil());
        } else {
            assert_eq!(
                *r,
                LicenseReport {
                    kid: Kid::NIL,
                    lid: Lid::NIL,
                    key_exchange: false,
                    outcome: r.outcome
                }
            );
        }
    }
    // Exactly the stored ones are in the store, under (KID, LID).
    let mut stored = Vec::new();
    store
        .for_each(&LICENSES, None, |k1, k2, _| {
            stored.push((*k1, *k2));
            core::ops::ControlFlow::Continue(())
        })
        .unwrap();
    stored.sort();
    let mut expected: Vec<([u8; 16], [u8; 16])> = report
        .iter()
        .filter(|r| r.outcome == Outcome::Stored)
        .map(|r| (r.kid.to_bytes(), r.lid.to_bytes()))
        .collect();
    expected.sort();
    assert_eq!(stored, expected);

    let clock = clock_at(TIME);
    let id = &w.identity;
    accepted::<AesCbcEncrypt>(&mut store, id, &clock, kid(1));
    accepted::<AesCbcEncrypt>(&mut store, id, &clock, kid(6));
    // The non-persistent license binds from the caller's copy.
    let mut slot = KeySlot::new();
    let ctx = bind::<AesCbcEncrypt, _>(&mut slot, &licenses[6], id, Some(TIME)).unwrap();
    let mut data = [0u8; 16];
    ctx.encrypt(&[0; 16], &mut data).unwrap();
    assert_eq!(
        w.server.aes_cbc_decrypt(&kid(7), &[0; 16], &data).unwrap(),
        [0u8; 16]
    );
    ctx.close();

    // Prepare refuses the same flaws when they reach the store some other way.
    for (i, expected) in [
        (1, CoreError::SecurityLevelTooLow),
        (2, CoreError::NotBound),
        (3, CoreError::VerificationFailed),
        (4, CoreError::UnknownMustUnderstand),
    ] {
        let k = kid(i as u8 + 1);
        put_raw(&mut store, k, &licenses[i]);
        assert_eq!(
            refused::<AesCbcEncrypt>(&mut store, id, &clock, k),
            Error::Core(expected),
            "license {i}"
        );
    }
    assert_eq!(
        Error::Core(CoreError::SecurityLevelTooLow).code(),
        0x8004_D508
    );
    assert_eq!(Error::Core(CoreError::NotBound).code(), 0x8004_D504);
    assert_eq!(
        Error::Core(CoreError::VerificationFailed).code(),
        0x8004_80CF
    );
    assert_eq!(
        Error::Core(CoreError::UnknownMustUnderstand).code(),
        0x8004_D503
    );
}

#[test]
fn prepare_uses_the_first_usable_of_several_licenses_for_a_kid() {
    let mut w = world(10);
    let mut image = blank();
    let mut store = format(&mut image);
    // Two acquisitions for the same KID: an expired license, then a valid one (another LID).
    let expired = Grant::key_exchange(A::HmacSha256, O::Sign).expires(0, (TIME - 10) as u32);
    let (first, _) = w.deliver(&mut store, &[(kid(1), expired)]);
    assert_eq!(first[0].outcome, Outcome::Stored);
    let clock = clock_at(TIME);
    assert_eq!(
        refused::<HmacSign>(&mut store, &w.identity, &clock, kid(1)),
        Error::Core(CoreError::LicenseExpired)
    );
    let (second, _) = w.deliver(
        &mut store,
        &[(kid(1), Grant::key_exchange(A::HmacSha256, O::Sign))],
    );
    assert_ne!(first[0].lid, second[0].lid);
    // The valid one is found, and its key is the server's latest for the KID.
    let mut slot = KeySlot::new();
    let ctx: HmacSigner<'_> = prepare(
        &mut slot,
        &mut store,
        &w.identity,
        &clock,
        &Kid::from_bytes(kid(1)),
    )
    .unwrap();
    let tag = ctx.sign(b"m").unwrap();
    assert!(w.server.hmac_verify(&kid(1), b"m", &tag).unwrap());
}

#[test]
fn tampering_with_any_signed_field_is_refused() {
    // Flip one bit of a good ECDSA-verify license at every offset: Prepare must never succeed
    // with a changed license, and a refusal writes nothing.
    let mut w = world(6);
    let licenses = w.acquire(&[(kid(1), Grant::key_exchange(A::EcdsaP256, O::Verify))]);
    let good = &licenses[0];
    let id = &w.identity;
    let mut accepted_count = 0;
    for offset in 0..good.len() {
        let mut bad = good.clone();
        bad[offset] ^= 0x01;
        let mut slot = KeySlot::new();
        let ok = bind::<drm_keyexchange::EcdsaVerify, _>(&mut slot, &bad, id, Some(TIME)).is_ok();
        if ok {
            accepted_count += 1;
        } else {
            assert!(slot.is_clear());
        }
    }
    assert_eq!(accepted_count, 0);
}

#[test]
fn stage_shares_one_transaction_with_the_callers_records() {
    let mut w = world(7);
    let mut image = blank();
    let mut store = format(&mut image);
    let licenses = w.acquire(&[
        (kid(1), Grant::key_exchange(A::AesCbc, O::Decrypt)),
        (kid(2), Grant::content()),
    ]);
    let session_ns = Namespace::from_name(b"test/sessions");
    let mut txn = Transaction::new();
    let mut report: Report = Report::new();
    stage(
        &w.identity,
        licenses.iter().map(Vec::as_slice),
        &mut txn,
        &mut report,
    )
    .unwrap();
    assert_eq!(txn.len(), 2);
    // Nothing is written by stage.
    let mut buf = [0u8; 16];
    assert!(
        store
            .for_each(&LICENSES, None, |_, _, _| panic!("empty"))
            .is_ok()
    );
    txn.put(&session_ns, &[0xAB; 16], &[0; 16], b"session record")
        .unwrap();
    store.commit(&txn).unwrap();
    assert_eq!(
        store.get(&session_ns, &[0xAB; 16], &[0; 16], &mut buf),
        Ok(14)
    );
    accepted::<AesCbcDecrypt>(&mut store, &w.identity, &clock_at(TIME), kid(1));
}

#[test]
fn too_many_licenses_is_a_typed_error() {
    let mut w = world(8);
    let one = w.acquire(&[(kid(1), Grant::content())]).remove(0);
    let many = vec![one.as_slice(); drm_keyexchange::delivery::MAX_LICENSES + 1];
    let mut txn = Transaction::new();
    let mut report: Report = Report::new();
    assert_eq!(
        stage(&w.identity, many.iter().copied(), &mut txn, &mut report),
        Err(Error::TooManyLicenses)
    );
}

#[test]
fn power_cut_at_every_flash_write_and_erase_during_delivery() {
    let mut w = world(9);
    let grants = [
        (kid(1), Grant::key_exchange(A::AesCbc, O::Decrypt)),
        (kid(2), Grant::key_exchange(A::HmacSha256, O::Verify)),
        (kid(3), Grant::content()),
    ];
    let licenses = w.acquire(&grants);
    let older = w.acquire(&[(kid(4), Grant::key_exchange(A::AesCbc, O::Encrypt))]);
    let id = &w.identity;

    // A store that already holds one license, so the cut can also hit compaction of older data.
    let mut base = blank();
    deliver_all(&mut format(&mut base), id, &older);

    // How many word writes and erases a mount plus an uncut delivery does.
    let mut uncut = base.clone();
    let total = {
        let mut store = mount(&mut uncut);
        deliver_all(&mut store, id, &licenses);
        store.release().ops()
    };
    assert!(total > 100, "{total} flash operations");

    let check = |image: &mut [u8]| -> usize {
        let mut store = mount(image);
        let clock = clock_at(TIME);
        let mut present = 0;
        // The older license always survives.
        accepted::<AesCbcEncrypt>(&mut store, id, &clock, kid(4));
        let mut slot = KeySlot::new();
        match prepare::<AesCbcDecrypt, _, _, 32, _, _, _>(
            &mut slot,
            &mut store,
            id,
            &clock,
            &Kid::from_bytes(kid(1)),
        ) {
            Ok(ctx) => {
                let mut data = w
                    .server
                    .aes_cbc_encrypt(&kid(1), &[3; 16], &[9; 32])
                    .unwrap();
                ctx.decrypt(&[3; 16], &mut data).unwrap();
                assert_eq!(data, [9; 32]);
                present += 1;
            }
            Err(e) => assert_eq!(e, Error::LicenseNotFound),
        }
        match prepare::<drm_keyexchange::HmacVerify, _, _, 32, _, _, _>(
            &mut slot,
            &mut store,
            id,
            &clock,
            &Kid::from_bytes(kid(2)),
        ) {
            Ok(ctx) => {
                let tag = w.server.hmac_sign(&kid(2), b"m").unwrap();
                ctx.verify(b"m", &tag).unwrap();
                present += 1;
            }
            Err(e) => assert_eq!(e, Error::LicenseNotFound),
        }
        match content_key(&mut store, id, &clock, &Kid::from_bytes(kid(3))) {
            Ok(key) => {
                assert_eq!(key.expose_secret(), &w.server.content_key(&kid(3)).unwrap());
                present += 1;
            }
            Err(e) => assert_eq!(e, Error::LicenseNotFound),
        }
        present
    };

    let mut seen = [0usize; 4];
    for n in 0..total {
        for torn in [Torn::Prefix, Torn::Random] {
            let mut image = base.clone();
            deliver_cut(&mut image, (n, torn, n + 1), id, &licenses);
            let present = check(&mut image);
            // One transaction: all three or none.
            assert!(present == 0 || present == 3, "cut {n}: {present} of 3");
            seen[present] += 1;
        }
    }
    // Every cut was tried (the store's commit point is its last write, so every cut loses the
    // delivery; a cut can never keep part of it).
    assert_eq!(
        seen[0] + seen[3],
        2 * usize::try_from(total).unwrap(),
        "{seen:?}"
    );
    // And an uncut delivery stores all three.
    assert_eq!(check(&mut uncut), 3);
}

#[test]
fn power_cut_at_every_flash_write_and_erase_while_prepare_saves_the_clock() {
    let mut w = world(11);
    let licenses = w.acquire(&[(
        kid(1),
        Grant::key_exchange(A::AesCbc, O::Decrypt).expires(0, (TIME + 100_000) as u32),
    )]);
    let id = &w.identity;
    let mut base = blank();
    {
        let mut store = format(&mut base);
        deliver_all(&mut store, id, &licenses);
        ANTI_ROLLBACK.set_trusted_time(&mut store, TIME).unwrap();
    }
    // A Prepare an hour later moves the saved time forward: one commit.
    let later = clock_at(TIME + 3600);
    let k = Kid::from_bytes(kid(1));
    let mut uncut = base.clone();
    let total = {
        let mut store = mount(&mut uncut);
        let mut slot = KeySlot::new();
        prepare::<AesCbcDecrypt, _, _, 32, _, _, _>(&mut slot, &mut store, id, &later, &k)
            .unwrap()
            .close();
        store.release().ops()
    };
    assert!(total > 0, "the saved time was written");
    for n in 0..total {
        for torn in [Torn::Prefix, Torn::Random] {
            let mut image = base.clone();
            {
                let mut flash = Flash::new(&mut image);
                flash.cut_after(n, torn, n + 7);
                if let Ok(mut store) = Hds::mount(flash, store_key(), Config::new()) {
                    let mut slot = KeySlot::new();
                    let r = prepare::<AesCbcDecrypt, _, _, 32, _, _, _>(
                        &mut slot, &mut store, id, &later, &k,
                    );
                    assert!(matches!(r, Err(Error::Store(_))), "cut {n}: {r:?}");
                    drop(r);
                    assert!(slot.is_clear(), "cut {n}: key left in the slot");
                }
            }
            // After the reboot the license works at the new time; at the old time it works
            // unless the new time was saved (then the old time is a rolled-back clock).
            let mut store = mount(&mut image);
            let mut slot = KeySlot::new();
            let ctx =
                prepare::<AesCbcDecrypt, _, _, 32, _, _, _>(&mut slot, &mut store, id, &later, &k)
                    .unwrap();
            let mut data = w
                .server
                .aes_cbc_encrypt(&kid(1), &[1; 16], &[2; 16])
                .unwrap();
            ctx.decrypt(&[1; 16], &mut data).unwrap();
            assert_eq!(data, [2; 16]);
            ctx.close();
        }
    }
    // The uncut Prepare saved the new time: the old one now reads as rolled back.
    let mut store = mount(&mut uncut);
    let mut slot = KeySlot::new();
    let r =
        prepare::<AesCbcDecrypt, _, _, 32, _, _, _>(&mut slot, &mut store, id, &clock_at(TIME), &k);
    assert_eq!(r.err(), Some(Error::Core(CoreError::ClockNotSet)));
}

#[test]
fn a_delivery_with_nothing_to_store_writes_nothing() {
    let mut w = world(12);
    let mut image = blank();
    let mut store = format(&mut image);
    let mut elsewhere = Grant::key_exchange(A::AesCbc, O::Encrypt);
    elsewhere.bind_to = Some(w.other_device_key);
    let licenses = w.acquire(&[
        (kid(1), elsewhere),
        (kid(2), Grant::content().level(3000)),
        (kid(3), Grant::content().persistent(false)),
    ]);
    let before = snapshot(&mut store);
    let report = deliver_all(&mut store, &w.identity, &licenses);
    let outcomes: Vec<Outcome> = report.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Refused(Error::Core(CoreError::NotBound)),
            Outcome::Refused(Error::Core(CoreError::SecurityLevelTooLow)),
            Outcome::NotPersistent,
        ]
    );
    assert_eq!(snapshot(&mut store), before);
    // Too many licenses for the report: refused before anything is written.
    let mut small: Report<2> = Report::new();
    assert_eq!(
        deliver(
            &mut store,
            &w.identity,
            licenses.iter().map(Vec::as_slice),
            &mut small
        ),
        Err(Error::TooManyLicenses)
    );
    assert_eq!(snapshot(&mut store), before);
}

/// Expiration after first use (XMR `0x0030`): the first Prepare records its trusted time in the
/// store (before the key is handed out) and the license works for the period from then on, then
/// is refused as expired; the record survives a remount; a refusal records nothing; the same for
/// the content-key path; `bind` (no store) refuses such a license.
#[test]
fn expiration_after_first_use_counts_from_the_first_bind() {
    let mut w = world(21);
    let mut image = blank();
    let period = 3600u32;
    let lids = {
        let mut store = format(&mut image);
        let (report, _) = w.deliver(
            &mut store,
            &[
                (
                    kid(1),
                    Grant::key_exchange(A::HmacSha256, O::Sign).expires_after_first_use(period),
                ),
                (kid(2), Grant::content().expires_after_first_use(period)),
            ],
        );
        assert!(report.iter().all(|r| r.outcome == Outcome::Stored));
        report.iter().map(|r| *r.lid.as_bytes()).collect::<Vec<_>>()
    };
    let id = &w.identity;
    let first_use = |store: &mut Hds<'_>, k: u8, lid: &[u8; 16]| {
        let mut buf = [0u8; 8];
        match store.get(&FIRST_USE, &kid(k), lid, &mut buf) {
            Ok(8) => Some(u64::from_le_bytes(buf)),
            Err(drm_hds::Error::NotFound) => None,
            other => panic!("{other:?}"),
        }
    };
    let core = Error::Core;
    {
        let mut store = mount(&mut image);
        // Without trusted time: refused, nothing recorded.
        assert_eq!(
            refused::<HmacSign>(&mut store, id, &FixedClock::new(None), kid(1)),
            core(CoreError::ClockNotSet)
        );
        assert_eq!(first_use(&mut store, 1, &lids[0]), None);
        // The wrong operation: refused before any date is looked at, nothing recorded.
        assert_eq!(
            refused::<drm_keyexchange::HmacVerify>(&mut store, id, &clock_at(TIME), kid(1)),
            Error::OperationNotAllowed
        );
        assert_eq!(first_use(&mut store, 1, &lids[0]), None);
        // The first use, at TIME: recorded.
        accepted::<HmacSign>(&mut store, id, &clock_at(TIME), kid(1));
        assert_eq!(first_use(&mut store, 1, &lids[0]), Some(TIME));
        // Later uses do not move it.
        accepted::<HmacSign>(&mut store, id, &clock_at(TIME + 10), kid(1));
        assert_eq!(first_use(&mut store, 1, &lids[0]), Some(TIME));
    }
    {
        // After a reboot: still counted from TIME.
        let mut store = mount(&mut image);
        accepted::<HmacSign>(
            &mut store,
            id,
            &clock_at(TIME + u64::from(period) - 1),
            kid(1),
        );
        assert_eq!(
            refused::<HmacSign>(&mut store, id, &clock_at(TIME + u64::from(period)), kid(1)),
            core(CoreError::LicenseExpired)
        );
        // The content-key path: its own first use, the same rule.
        let k2 = Kid::from_bytes(kid(2));
        let t2 = TIME + 7200;
        let key = content_key(&mut store, id, &clock_at(t2), &k2).unwrap();
        assert_eq!(key.expose_secret(), &w.server.content_key(&kid(2)).unwrap());
        assert_eq!(first_use(&mut store, 2, &lids[1]), Some(t2));
        assert!(content_key(&mut store, id, &clock_at(t2 + u64::from(period) - 1), &k2).is_ok());
        assert_eq!(
            content_key(&mut store, id, &clock_at(t2 + u64::from(period)), &k2).err(),
            Some(core(CoreError::LicenseExpired))
        );
    }
    // Without a store there is no first-use state: bind refuses rather than grant too much.
    let licenses = w.acquire(&[(
        kid(3),
        Grant::key_exchange(A::HmacSha256, O::Sign).expires_after_first_use(period),
    )]);
    let mut slot = KeySlot::new();
    assert_eq!(
        bind::<HmacSign, _>(&mut slot, &licenses[0], &w.identity, Some(TIME)).err(),
        Some(core(CoreError::Unsupported))
    );
    assert!(slot.is_clear());
}

/// A power cut at every flash write and erase of a first use: after the reboot either no first
/// use was recorded (the key was not handed out) or it was, at the time of that Prepare; never a
/// torn record, and the license works from the recorded time.
#[test]
fn power_cut_at_every_flash_write_and_erase_of_a_first_use() {
    let mut w = world(22);
    let licenses = w.acquire(&[(
        kid(1),
        Grant::key_exchange(A::AesCbc, O::Decrypt).expires_after_first_use(600),
    )]);
    let id = &w.identity;
    let mut base = blank();
    let lid = {
        let mut store = format(&mut base);
        let report = deliver_all(&mut store, id, &licenses);
        ANTI_ROLLBACK.set_trusted_time(&mut store, TIME).unwrap();
        *report[0].lid.as_bytes()
    };
    let k = Kid::from_bytes(kid(1));
    let at = clock_at(TIME + 5);
    let mut uncut = base.clone();
    let total = {
        let mut store = mount(&mut uncut);
        let mut slot = KeySlot::new();
        prepare::<AesCbcDecrypt, _, _, 32, _, _, _>(&mut slot, &mut store, id, &at, &k)
            .unwrap()
            .close();
        store.release().ops()
    };
    assert!(total > 0);
    let mut recorded = 0u64;
    for n in 0..total {
        for torn in [Torn::Prefix, Torn::Random] {
            let mut image = base.clone();
            let handed_out = {
                let mut flash = Flash::new(&mut image);
                flash.cut_after(n, torn, n + 11);
                match Hds::mount(flash, store_key(), Config::new()) {
                    Ok(mut store) => {
                        let mut slot = KeySlot::new();
                        let r = prepare::<AesCbcDecrypt, _, _, 32, _, _, _>(
                            &mut slot, &mut store, id, &at, &k,
                        );
                        let ok = r.is_ok();
                        drop(r);
                        ok
                    }
                    Err(_) => false,
                }
            };
            let mut store = mount(&mut image);
            let mut buf = [0u8; 8];
            let first = match store.get(&FIRST_USE, &kid(1), &lid, &mut buf) {
                Ok(8) => Some(u64::from_le_bytes(buf)),
                Err(drm_hds::Error::NotFound) => None,
                other => panic!("cut {n}: {other:?}"),
            };
            assert!(
                first.is_none() || first == Some(TIME + 5),
                "cut {n}: {first:?}"
            );
            if handed_out {
                assert_eq!(
                    first,
                    Some(TIME + 5),
                    "cut {n}: key handed out, no first use"
                );
            }
            recorded += u64::from(first.is_some());
            // The license works after the reboot and expires 600 s after the recorded first use.
            let mut slot = KeySlot::new();
            prepare::<AesCbcDecrypt, _, _, 32, _, _, _>(&mut slot, &mut store, id, &at, &k)
                .unwrap()
                .close();
            let r = prepare::<AesCbcDecrypt, _, _, 32, _, _, _>(
                &mut slot,
                &mut store,
                id,
                &clock_at(TIME + 5 + 600),
                &k,
            );
            assert_eq!(
                r.err(),
                Some(Error::Core(CoreError::LicenseExpired)),
                "cut {n}"
            );
        }
    }
    // The commit becomes durable with its last write: every cut before it leaves no first use
    // (the key was not handed out); the uncut run recorded it.
    let mut store = mount(&mut uncut);
    let mut buf = [0u8; 8];
    assert_eq!(store.get(&FIRST_USE, &kid(1), &lid, &mut buf), Ok(8));
    assert_eq!(u64::from_le_bytes(buf), TIME + 5);
    eprintln!("{total} cut points × 2 torn-write models: first use recorded in {recorded} runs");
}

/// Several keys per KeyExchangeLicense (KEY-EXCHANGE-FORMAT §2.1, format 2): licenses built by
/// the license server from the format document, each key bound on its own by index or key id,
/// performed against the server's own copy of that key.
mod multikey {
    use super::*;
    use drm_core::xmr::{MAX_KX_KEYS, ParsedLicense};
    use drm_keyexchange::{
        AesCbcEncrypt, EcdsaSign, EcdsaVerify, HmacVerify, MAX_LICENSE_LEN, Operation, bind_key,
    };
    use drm_servers::xmr::{KxKeySpec, LicenseSpec, build_license};

    /// The license KID of the tests below; its keys have ids `key_id(0)`, `key_id(1)`, ...
    const LICENSE: [u8; 16] = [0x4C; 16];

    fn key_id(n: u8) -> [u8; 16] {
        [0xD0 + n; 16]
    }

    /// Every algorithm and operation, in index order.
    const EVERY: [(A, O); 6] = [
        (A::AesCbc, O::Encrypt),
        (A::AesCbc, O::Decrypt),
        (A::HmacSha256, O::Sign),
        (A::HmacSha256, O::Verify),
        (A::EcdsaP256, O::Sign),
        (A::EcdsaP256, O::Verify),
    ];

    fn keys(mix: &[(A, O)]) -> Vec<([u8; 16], A, O)> {
        (0u8..)
            .zip(mix)
            .map(|(n, (a, o))| (key_id(n), *a, *o))
            .collect()
    }

    fn index(n: usize) -> KeyRef {
        KeyRef::Index(u16::try_from(n).unwrap())
    }

    /// Binds `key` for `Op` and runs Perform against the server's side of the key `id`; the
    /// slot is clear after Close.
    fn perform<Op: Operation>(
        w: &World,
        store: &mut Hds<'_>,
        clock: &FixedClock,
        key: KeyRef,
        id: &[u8; 16],
    ) {
        let mut slot = KeySlot::new();
        let kid = Kid::from_bytes(LICENSE);
        let iv = [0x2E; 16];
        let msg: Vec<u8> = (0u8..48).collect();
        let server = &w.server;
        macro_rules! bound {
            ($ty:ty) => {
                prepare_key::<$ty, _, _, 32, _, _, _>(
                    &mut slot,
                    store,
                    &w.identity,
                    clock,
                    &kid,
                    key,
                )
                .unwrap()
            };
        }
        match (Op::ALGORITHM.value(), Op::OPERATION.value()) {
            (1, 1) => {
                let ctx = bound!(AesCbcEncrypt);
                let mut data = msg.clone();
                ctx.encrypt(&iv, &mut data).unwrap();
                assert_eq!(server.aes_cbc_decrypt(id, &iv, &data).unwrap(), msg);
                ctx.close();
            }
            (1, 2) => {
                let ctx = bound!(AesCbcDecrypt);
                let mut data = server.aes_cbc_encrypt(id, &iv, &msg).unwrap();
                ctx.decrypt(&iv, &mut data).unwrap();
                assert_eq!(data, msg);
                ctx.close();
            }
            (2, 3) => {
                let ctx = bound!(HmacSign);
                let tag = ctx.sign(&msg).unwrap();
                assert!(server.hmac_verify(id, &msg, &tag).unwrap());
                ctx.close();
            }
            (2, 4) => {
                let ctx = bound!(HmacVerify);
                let mut tag = server.hmac_sign(id, &msg).unwrap();
                ctx.verify(&msg, &tag).unwrap();
                tag[0] ^= 1;
                assert_eq!(
                    ctx.verify(&msg, &tag),
                    Err(Error::Core(CoreError::VerificationFailed))
                );
                ctx.close();
            }
            (3, 3) => {
                let ctx = bound!(EcdsaSign);
                let sig = ctx.sign(&msg).unwrap();
                assert!(server.ecdsa_verify(id, &msg, &sig).unwrap());
                assert!(!server.ecdsa_verify(id, b"other", &sig).unwrap());
                ctx.close();
            }
            (3, 4) => {
                let ctx = bound!(EcdsaVerify);
                let sig = server.ecdsa_sign(id, &msg).unwrap();
                ctx.verify(&msg, &sig).unwrap();
                assert_eq!(
                    ctx.verify(b"other", &sig),
                    Err(Error::Core(CoreError::VerificationFailed))
                );
                ctx.close();
            }
            other => panic!("no such operation {other:?}"),
        }
        assert!(slot.is_clear(), "key left in the slot after Close");
    }

    /// [`perform`] for the operation `(a, o)`.
    fn perform_as(
        w: &World,
        store: &mut Hds<'_>,
        clock: &FixedClock,
        (a, o): (A, O),
        key: KeyRef,
        id: &[u8; 16],
    ) {
        match (a, o) {
            (A::AesCbc, O::Encrypt) => perform::<AesCbcEncrypt>(w, store, clock, key, id),
            (A::AesCbc, O::Decrypt) => perform::<AesCbcDecrypt>(w, store, clock, key, id),
            (A::HmacSha256, O::Sign) => perform::<HmacSign>(w, store, clock, key, id),
            (A::HmacSha256, O::Verify) => perform::<HmacVerify>(w, store, clock, key, id),
            (A::EcdsaP256, O::Sign) => perform::<EcdsaSign>(w, store, clock, key, id),
            (A::EcdsaP256, O::Verify) => perform::<EcdsaVerify>(w, store, clock, key, id),
            other => panic!("not a valid pair {other:?}"),
        }
    }

    /// The refusal of `prepare_key::<Op>` for `key` in the license `LICENSE` (nothing changed).
    fn refused_as(
        w: &World,
        store: &mut Hds<'_>,
        clock: &FixedClock,
        (a, o): (A, O),
        key: KeyRef,
    ) -> Error {
        let (id, c, k) = (&w.identity, clock, Some(key));
        match (a, o) {
            (A::AesCbc, O::Encrypt) => refused_key::<AesCbcEncrypt>(store, id, c, LICENSE, k),
            (A::AesCbc, O::Decrypt) => refused_key::<AesCbcDecrypt>(store, id, c, LICENSE, k),
            (A::HmacSha256, O::Sign) => refused_key::<HmacSign>(store, id, c, LICENSE, k),
            (A::HmacSha256, O::Verify) => refused_key::<HmacVerify>(store, id, c, LICENSE, k),
            (A::EcdsaP256, O::Sign) => refused_key::<EcdsaSign>(store, id, c, LICENSE, k),
            (A::EcdsaP256, O::Verify) => refused_key::<EcdsaVerify>(store, id, c, LICENSE, k),
            other => panic!("not a valid pair {other:?}"),
        }
    }

    /// Every algorithm and operation in one license (and two more keys, to the maximum of
    /// eight), acquired and stored; each key bound by index and by id, performed against the
    /// server's side of that key.
    #[test]
    fn every_algorithm_mix_in_one_license_agrees_with_the_server() {
        let mut w = world(60);
        let mut image = blank();
        let mut store = format(&mut image);
        let mut mix = EVERY.to_vec();
        mix.extend([(A::HmacSha256, O::Sign), (A::AesCbc, O::Encrypt)]);
        assert_eq!(mix.len(), MAX_KX_KEYS);
        let keys = keys(&mix);
        let (report, licenses) =
            w.deliver(&mut store, &[(LICENSE, Grant::key_exchange_multi(&keys))]);
        assert_eq!(report.len(), 1);
        assert_eq!(report[0].outcome, Outcome::Stored);
        assert_eq!(report[0].kid, Kid::from_bytes(LICENSE));
        assert!(report[0].key_exchange);
        let parsed = ParsedLicense::parse(&licenses[0]).unwrap();
        assert_eq!(
            (parsed.kx_format(), parsed.kx_key_count()),
            (Some(2), MAX_KX_KEYS)
        );
        let clock = clock_at(TIME);
        for (n, (id, a, o)) in keys.iter().enumerate() {
            let k = parsed.kx_key(index(n)).unwrap();
            assert_eq!(
                (k.index(), k.id(), k.policy().algorithm().value()),
                (u16::try_from(n).unwrap(), Kid::from_bytes(*id), *a as u16)
            );
            perform_as(&w, &mut store, &clock, (*a, *o), index(n), id);
            perform_as(
                &w,
                &mut store,
                &clock,
                (*a, *o),
                KeyRef::Id(Kid::from_bytes(*id)),
                id,
            );
        }
        // Two keys of the same kind are two keys: key 2's context does not verify with key 6's
        // server side.
        let mut slot = KeySlot::new();
        let kid = Kid::from_bytes(LICENSE);
        let ctx: HmacSigner<'_> =
            prepare_key(&mut slot, &mut store, &w.identity, &clock, &kid, index(2)).unwrap();
        let tag = ctx.sign(b"m").unwrap();
        assert!(w.server.hmac_verify(&key_id(2), b"m", &tag).unwrap());
        assert!(!w.server.hmac_verify(&key_id(6), b"m", &tag).unwrap());
    }

    /// Each key allows exactly its own operation: every other operation is refused for it,
    /// before anything is unwrapped, and changes nothing.
    #[test]
    fn each_key_allows_only_its_own_operation() {
        let mut w = world(61);
        let mut image = blank();
        let mut store = format(&mut image);
        let keys = keys(&EVERY);
        w.deliver(&mut store, &[(LICENSE, Grant::key_exchange_multi(&keys))]);
        let clock = clock_at(TIME);
        for (n, (id, a, o)) in keys.iter().enumerate() {
            for other in EVERY.iter().filter(|p| **p != (*a, *o)) {
                for key in [index(n), KeyRef::Id(Kid::from_bytes(*id))] {
                    assert_eq!(
                        refused_as(&w, &mut store, &clock, *other, key),
                        Error::OperationNotAllowed,
                        "key {n} ({a:?}, {o:?}) asked for {other:?}"
                    );
                }
            }
            perform_as(&w, &mut store, &clock, (*a, *o), index(n), id);
        }
        // `prepare` (no key named) binds key 0, the AES encryption key, and nothing else.
        accepted::<AesCbcEncrypt>(&mut store, &w.identity, &clock, LICENSE);
        assert_eq!(
            refused::<AesCbcDecrypt>(&mut store, &w.identity, &clock, LICENSE),
            Error::OperationNotAllowed
        );
    }

    /// A key the license does not hold: by an index past the table, by an unknown id, by the
    /// license's own KID (not one of its key ids); a typed error with its own code, nothing
    /// changed. A format-1 license holds key 0, whose id is its KID.
    #[test]
    fn a_key_the_license_does_not_hold_is_refused() {
        let mut w = world(62);
        let mut image = blank();
        let mut store = format(&mut image);
        let keys = keys(&EVERY[..3]);
        w.deliver(
            &mut store,
            &[
                (LICENSE, Grant::key_exchange_multi(&keys)),
                (kid(1), Grant::key_exchange(A::HmacSha256, O::Sign)),
                (kid(2), Grant::content()),
            ],
        );
        let clock = clock_at(TIME);
        let missing = Error::Core(CoreError::LicenseKeyNotFound);
        assert_eq!(missing.code(), 0x8004_D511);
        for key in [
            KeyRef::Index(3),
            KeyRef::Index(u16::MAX),
            KeyRef::Id(Kid::from_bytes(key_id(3))),
            KeyRef::Id(Kid::from_bytes(LICENSE)),
            KeyRef::Id(Kid::NIL),
        ] {
            // Whatever the operation asked for.
            for op in EVERY {
                assert_eq!(
                    refused_as(&w, &mut store, &clock, op, key),
                    missing,
                    "{key:?}"
                );
            }
        }
        // Format 1: index 0 and the KID name the one key; anything else is not in the license.
        let id = &w.identity;
        for key in [KeyRef::Index(0), KeyRef::Id(Kid::from_bytes(kid(1)))] {
            let mut slot = KeySlot::new();
            let signer: HmacSigner<'_> = prepare_key(
                &mut slot,
                &mut store,
                id,
                &clock,
                &Kid::from_bytes(kid(1)),
                key,
            )
            .unwrap();
            let tag = signer.sign(b"v1").unwrap();
            assert!(w.server.hmac_verify(&kid(1), b"v1", &tag).unwrap());
        }
        for key in [KeyRef::Index(1), KeyRef::Id(Kid::from_bytes(key_id(0)))] {
            assert_eq!(
                refused_key::<HmacSign>(&mut store, id, &clock, kid(1), Some(key)),
                missing
            );
        }
        // A content license is not a key exchange license, whichever key is named.
        assert_eq!(
            refused_key::<HmacSign>(&mut store, id, &clock, kid(2), Some(KeyRef::Index(0))),
            Error::NotKeyExchangeLicense
        );
        // No license at all: not found, before any key is looked for.
        assert_eq!(
            refused_key::<HmacSign>(&mut store, id, &clock, kid(9), Some(KeyRef::Index(0))),
            Error::LicenseNotFound
        );
    }

    /// Only the key asked for is unwrapped: a license whose key 1 is not a valid ECDSA scalar
    /// (0) is stored (delivery unwraps none of a format-2 license's keys), its key 0 binds and
    /// works, and key 1 is refused when, and only when, it is bound.
    #[test]
    fn a_bad_key_is_refused_only_when_it_is_bound() {
        let w = world(63);
        let mut image = blank();
        let mut store = format(&mut image);
        let mut rng = TestRng::from_seed(630);
        let good: [u8; 32] = rng.array();
        let spec = LicenseSpec::key_exchange_multi(
            [0x11; 16],
            LICENSE,
            vec![
                KxKeySpec::new(0, key_id(0), A::HmacSha256, O::Sign, good.to_vec()),
                KxKeySpec::new(1, key_id(1), A::EcdsaP256, O::Sign, vec![0; 32]),
            ],
        );
        let lic = build_license(&spec, &w.device_key, &mut rng).unwrap();
        let report = deliver_all(&mut store, &w.identity, std::slice::from_ref(&lic.bytes));
        assert_eq!(report[0].outcome, Outcome::Stored);
        let clock = clock_at(TIME);
        let mut slot = KeySlot::new();
        let kid = Kid::from_bytes(LICENSE);
        let signer: HmacSigner<'_> = prepare_key(
            &mut slot,
            &mut store,
            &w.identity,
            &clock,
            &kid,
            KeyRef::Index(0),
        )
        .unwrap();
        // The key is the one the spec put at index 0 (checked with RustCrypto's HMAC).
        let tag = signer.sign(b"key zero").unwrap();
        assert_eq!(tag, drm_servers::crypto::hmac_sha256(&good, b"key zero"));
        signer.close();
        assert_eq!(
            refused_as(
                &w,
                &mut store,
                &clock,
                (A::EcdsaP256, O::Sign),
                KeyRef::Index(1)
            ),
            Error::Core(CoreError::VerificationFailed)
        );
        // The same through `bind_key`, from RAM.
        let r = bind_key::<EcdsaSign, _>(
            &mut slot,
            &lic.bytes,
            &w.identity,
            Some(TIME),
            KeyRef::Index(1),
        );
        assert_eq!(r.err(), Some(Error::Core(CoreError::VerificationFailed)));
        assert!(slot.is_clear());
    }

    /// Non-persistent format-2 licenses are bound from RAM with `bind_key`.
    #[test]
    fn bind_key_binds_a_key_of_a_license_held_in_ram() {
        let mut w = world(64);
        let keys = keys(&[(A::AesCbc, O::Decrypt), (A::EcdsaP256, O::Verify)]);
        let licenses = w.acquire(&[(LICENSE, Grant::key_exchange_multi(&keys).persistent(false))]);
        let mut image = blank();
        let mut store = format(&mut image);
        let before = snapshot(&mut store);
        let report = deliver_all(&mut store, &w.identity, &licenses);
        assert_eq!(report[0].outcome, Outcome::NotPersistent);
        assert_eq!(snapshot(&mut store), before);
        let mut slot = KeySlot::new();
        let verifier: EcdsaVerifier<'_> = bind_key(
            &mut slot,
            &licenses[0],
            &w.identity,
            Some(TIME),
            KeyRef::Id(Kid::from_bytes(key_id(1))),
        )
        .unwrap();
        let sig = w.server.ecdsa_sign(&key_id(1), b"ram").unwrap();
        verifier.verify(b"ram", &sig).unwrap();
        drop(verifier);
        assert!(slot.is_clear());
        let r = bind_key::<EcdsaVerify, _>(
            &mut slot,
            &licenses[0],
            &w.identity,
            Some(TIME),
            KeyRef::Index(0),
        );
        assert_eq!(r.err(), Some(Error::OperationNotAllowed));
    }

    /// Malformed format-2 licenses, built by the server's builder with one flaw each (and
    /// signed, so that only the flaw is wrong): refused by the parser with a typed error, by
    /// delivery (not stored) and by Prepare from the store (nothing changed), never a panic.
    #[test]
    fn malformed_multi_key_licenses_are_refused_with_typed_errors() {
        let w = world(65);
        let mut rng = TestRng::from_seed(650);
        let key = |n: u16, a: A, o: O| {
            let len = match (a, o) {
                (A::AesCbc, _) => 16,
                (A::EcdsaP256, O::Verify) => 64,
                _ => 32,
            };
            let id = key_id(u8::try_from(n).unwrap());
            KxKeySpec::new(n, id, a, o, vec![0x42; len])
        };
        let three = vec![
            key(0, A::AesCbc, O::Encrypt),
            key(1, A::HmacSha256, O::Verify),
            key(2, A::EcdsaP256, O::Verify),
        ];
        use CoreError::{Malformed, RequiredObjectMissing, Unsupported};
        type Edit = fn(&mut Vec<KxKeySpec>);
        // Flaws in what the spec gives the builder (it writes them as given).
        let edits: [(&str, Edit, CoreError); 7] = [
            ("duplicate key index", |k| k[2].index = 1, Malformed),
            ("key index past the count", |k| k[2].index = 3, Malformed),
            ("duplicate key id", |k| k[2].id = k[0].id, Malformed),
            ("AES key of 32 bytes", |k| k[0].key = vec![1; 32], Malformed),
            (
                "ECDSA verify key of 32 bytes",
                |k| k[2].key = vec![1; 32],
                Malformed,
            ),
            (
                "an operation AES does not have",
                |k| k[0].operation = O::Sign,
                Unsupported,
            ),
            (
                "count over the maximum",
                |k| {
                    *k = (0..9)
                        .map(|n| {
                            KxKeySpec::new(n, [n as u8; 16], A::AesCbc, O::Decrypt, vec![1; 16])
                        })
                        .collect()
                },
                Unsupported,
            ),
        ];
        // Flaws the builder writes itself.
        let defects = [
            ("count 0", Defect::TableCount(0), Malformed),
            (
                "count more than the entries",
                Defect::TableCount(4),
                Malformed,
            ),
            (
                "table an entry longer",
                Defect::TableExtraBytes(24),
                Malformed,
            ),
            ("table a byte longer", Defect::TableExtraBytes(1), Malformed),
            (
                "policy without a key",
                Defect::DropKeyObject(1),
                RequiredObjectMissing,
            ),
            (
                "no key objects at all",
                Defect::NoKeyObject,
                RequiredObjectMissing,
            ),
            (
                "key without a policy",
                Defect::StrayKeyObject([0xEE; 16]),
                Malformed,
            ),
            (
                "two key objects for one key",
                Defect::DuplicateKeyObject(0),
                Malformed,
            ),
            ("reserved not 0", Defect::PolicyReserved(1), Malformed),
            ("a playback container", Defect::PlaybackContainer, Malformed),
        ];
        let mut cases: Vec<(&str, Vec<KxKeySpec>, Option<Defect>, CoreError)> = Vec::new();
        for (what, edit, expected) in edits {
            let mut keys = three.clone();
            edit(&mut keys);
            cases.push((what, keys, None, expected));
        }
        for (what, defect, expected) in defects {
            cases.push((what, three.clone(), Some(defect), expected));
        }
        let mut image = blank();
        let mut store = format(&mut image);
        let clock = clock_at(TIME);
        for (what, keys, defect, expected) in cases {
            let mut spec = LicenseSpec::key_exchange_multi([0x11; 16], LICENSE, keys);
            spec.defects.extend(defect);
            let lic = build_license(&spec, &w.device_key, &mut rng).unwrap();
            assert_eq!(
                ParsedLicense::parse(&lic.bytes).err(),
                Some(expected),
                "{what}"
            );
            let before = snapshot(&mut store);
            let report = deliver_all(&mut store, &w.identity, std::slice::from_ref(&lic.bytes));
            assert_eq!(
                report[0].outcome,
                Outcome::Refused(Error::Core(expected)),
                "{what}"
            );
            assert_eq!(snapshot(&mut store), before, "{what}");
            // Stored by another path, Prepare refuses it the same way.
            put_raw(&mut store, LICENSE, &lic.bytes);
            for key in [KeyRef::Index(0), KeyRef::Index(1)] {
                assert_eq!(
                    refused_as(&w, &mut store, &clock, (A::AesCbc, O::Encrypt), key),
                    Error::Core(expected),
                    "{what}"
                );
            }
            store.delete(&LICENSES, &LICENSE, &[0xEE; 16]).unwrap();
        }
        // Every prefix and every one-byte change of a good license: a typed error or (for a
        // byte the signature covers) a refusal at verification, never a panic.
        let good = build_license(
            &LicenseSpec::key_exchange_multi([0x11; 16], LICENSE, three),
            &w.device_key,
            &mut rng,
        )
        .unwrap()
        .bytes;
        assert!(ParsedLicense::parse(&good).is_ok());
        for n in 0..good.len() {
            assert!(ParsedLicense::parse(&good[..n]).is_err(), "prefix {n}");
            let mut b = good.clone();
            b[n] ^= 0x80;
            if let Ok(p) = ParsedLicense::parse(&b) {
                for i in 0..4 {
                    let _ = p.kx_key(KeyRef::Index(i));
                }
                assert!(drm_core::xmr::verify(p, &w.identity).is_err(), "byte {n}");
            }
        }
    }

    /// The largest license of format 2 — eight ECDSA-verify keys (the longest key) and every
    /// optional policy object the server writes — fits `MAX_LICENSE_LEN`, is stored, and its
    /// last key binds.
    #[test]
    fn largest_license_fits() {
        let mut w = world(66);
        let mix = [(A::EcdsaP256, O::Verify); MAX_KX_KEYS];
        let grant = Grant::key_exchange_multi(&keys(&mix))
            .expires(0, (TIME + 1000) as u32)
            .expires_after_first_use(3600);
        let mut grant = grant;
        grant.issue_date = Some(TIME as u32);
        let mut image = blank();
        let mut store = format(&mut image);
        let (report, licenses) = w.deliver(&mut store, &[(LICENSE, grant)]);
        let len = licenses[0].len();
        eprintln!(
            "largest format-2 license: {len} bytes (MAX_LICENSE_LEN {MAX_LICENSE_LEN}, \
             store slot {} bytes)",
            store.max_data_len()
        );
        assert!(len <= MAX_LICENSE_LEN, "{len}");
        assert_eq!(report[0].outcome, Outcome::Stored);
        let last = MAX_KX_KEYS - 1;
        let id = key_id(u8::try_from(last).unwrap());
        perform::<EcdsaVerify>(&w, &mut store, &clock_at(TIME), index(last), &id);
        // One byte more than the maximum is refused at delivery.
        let mut long = licenses[0].clone();
        long.resize(MAX_LICENSE_LEN + 1, 0);
        let report = deliver_all(&mut store, &w.identity, &[long]);
        assert_eq!(report[0].outcome, Outcome::Refused(Error::LicenseTooLarge));
    }

    /// Expiration after first use counts per license: the first bind of any of its keys starts
    /// the period for all of them.
    #[test]
    fn first_use_of_any_key_starts_the_license_period() {
        let mut w = world(67);
        let keys = keys(&[(A::HmacSha256, O::Sign), (A::AesCbc, O::Decrypt)]);
        let mut image = blank();
        let mut store = format(&mut image);
        let (report, _) = w.deliver(
            &mut store,
            &[(
                LICENSE,
                Grant::key_exchange_multi(&keys).expires_after_first_use(100),
            )],
        );
        let lid = *report[0].lid.as_bytes();
        perform::<AesCbcDecrypt>(&w, &mut store, &clock_at(TIME), index(1), &key_id(1));
        let mut buf = [0u8; 8];
        assert_eq!(store.get(&FIRST_USE, &LICENSE, &lid, &mut buf), Ok(8));
        assert_eq!(u64::from_le_bytes(buf), TIME);
        perform::<HmacSign>(&w, &mut store, &clock_at(TIME + 99), index(0), &key_id(0));
        assert_eq!(
            refused_as(
                &w,
                &mut store,
                &clock_at(TIME + 100),
                (A::HmacSha256, O::Sign),
                index(0)
            ),
            Error::Core(CoreError::LicenseExpired)
        );
    }

    /// A power cut at every flash write and erase of the delivery of a format-2 license with a
    /// format-1 one: after the reboot both are stored (every key of the format-2 license binds)
    /// or neither is.
    #[test]
    fn power_cut_at_every_flash_write_and_erase_of_a_multi_key_delivery() {
        let mut w = world(68);
        let keys = keys(&EVERY);
        let licenses = w.acquire(&[
            (LICENSE, Grant::key_exchange_multi(&keys)),
            (kid(1), Grant::key_exchange(A::HmacSha256, O::Sign)),
        ]);
        let id = &w.identity;
        let mut formatted = blank();
        format(&mut formatted);
        let total = {
            let mut uncut = formatted.clone();
            let mut store = mount(&mut uncut);
            deliver_all(&mut store, id, &licenses);
            store.release().ops()
        };
        assert!(total > 0);
        let clock = clock_at(TIME);
        let (mut none, mut both) = (0, 0);
        for n in 0..total {
            let mut image = formatted.clone();
            deliver_cut(&mut image, (n, Torn::Random, n + 3), id, &licenses);
            let mut store = mount(&mut image);
            let mut stored = |k: &[u8; 16]| {
                let mut n = 0;
                store
                    .for_each(&LICENSES, Some(k), |_, _, _| {
                        n += 1;
                        core::ops::ControlFlow::Continue(())
                    })
                    .unwrap();
                n
            };
            let found = (stored(&LICENSE), stored(&kid(1)));
            match found {
                (1, 1) => {
                    both += 1;
                    for (k, (key_id, a, o)) in keys.iter().enumerate() {
                        perform_as(&w, &mut store, &clock, (*a, *o), index(k), key_id);
                    }
                }
                (0, 0) => {
                    none += 1;
                    assert_eq!(
                        refused_as(&w, &mut store, &clock, EVERY[0], index(0)),
                        Error::LicenseNotFound
                    );
                }
                other => panic!("cut {n}: half a delivery {other:?}"),
            }
        }
        assert_eq!(none + both, total, "every cut tried");
        eprintln!("{total} cut points: {none} stored nothing, {both} stored both");
    }
}
