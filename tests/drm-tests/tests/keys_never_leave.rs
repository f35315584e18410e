//! "Keys never leave" (issue 15): Prepare, Perform and Close through a key vault.
//!
//! 1. The vault path gives the same bytes as the default `Context` for each of the six
//!    operations (same licenses, same inputs, both paths), refuses what the default path refuses,
//!    and `SoftVault` refuses a full vault and a stale handle with typed errors.
//! 2. The scan: a KeyExchangeLicense's 16-byte content key never appears in the kit thread's
//!    stack (read whole through `/proc/self/mem` over its mapping in `/proc/self/maps`) nor in the
//!    `VaultContext`'s bytes, after Prepare, after Perform and after Close, when the vault runs on
//!    a thread of its own (a stand-in for a TEE: its own stack, its own memory). The control: the
//!    same scan after the default `Context`'s Prepare and Perform finds the key (in its slot, on
//!    the stack), so the scan demonstrably works.
//!
//! The licenses are acquired and delivered on a setup thread (delivery verifies them, which
//! unwraps their keys on that thread's stack); the content keys the scan looks for are kept on
//! the heap, never on the scanned stack.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::hint::black_box;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::sync::mpsc;

use drm_core::acquire::{ChallengeParams, challenge_sizes, process_response, write_challenge};
use drm_core::platform::{DeviceIdentity as _, SoftwareIdentity};
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_core::xmr::{
    self, KeyRef, KxAlgorithm as KA, KxOperation as KO, LicenseKey, ParsedLicense,
};
use drm_core::{Error as CoreError, Kid};
use drm_hds::mock::MockFlash;
use drm_hds::{Config, Store};
use drm_keyexchange::vault::{self, KeyHandle, KeyVault, SoftVault, VaultContext, WrappedKey};
use drm_keyexchange::{
    AesCbcDecrypt, AesCbcDecryptor, AesCbcEncrypt, AesCbcEncryptor, EcdsaSign, EcdsaSigner,
    EcdsaVerifier, EcdsaVerify, Error, HmacSign, HmacSigner, HmacVerifier, HmacVerify, KeySlot,
    Report, Result, bind, deliver_acquired, prepare,
};
use drm_servers::crypto::KeyPair;
use drm_servers::license_server::{Grant, LicenseServer};
use drm_servers::pki::{Authority, SL_2000};
use drm_servers::xmr::{KxAlgorithm as A, KxOperation as O};
use drm_servers::{Backend, TestRng};
use drm_target_host::{FixedClock, InsecureTestRng};

const TIME: u64 = 1_700_000_000;
const PAGE: usize = 4096;
const PAGES: usize = 16;

type Flash<'a> = MockFlash<'a, 4, PAGE, false>;
type Hds<'a> = Store<Flash<'a>>;
type Identity = SoftwareIdentity<Vec<u8>>;

/// Six KeyExchangeLicenses (one per algorithm and operation, KIDs 1 to 6) delivered into a store
/// image, two identities of the one device (the kit's and the vault's), the server and, on the
/// heap, each license's content key and secret key.
struct Setup {
    image: Vec<u8>,
    licenses: Vec<Vec<u8>>,
    kit: Identity,
    vault: Identity,
    server: LicenseServer,
    content_keys: Vec<[u8; 16]>,
}

fn store_key() -> HmacKey {
    HmacKey::from_bytes([0x5A; 32])
}

fn kid(n: u8) -> Kid {
    Kid::from_bytes([n; 16])
}

const GRANTS: [(A, O); 6] = [
    (A::AesCbc, O::Encrypt),
    (A::AesCbc, O::Decrypt),
    (A::HmacSha256, O::Sign),
    (A::HmacSha256, O::Verify),
    (A::EcdsaP256, O::Sign),
    (A::EcdsaP256, O::Verify),
];

fn setup(seed: u64) -> Setup {
    let mut ca = Authority::from_seed(seed);
    let dev = ca.provision_device(SL_2000);
    let server_identity = ca.provision_server();
    let mut trng = TestRng::from_seed(seed + 1);
    let key = KeyPair::generate(&mut trng);
    let server_key = key.public();
    let mut server = LicenseServer::new(
        Backend::new(),
        key,
        ca.root_public_key(),
        server_identity,
        trng.fork(),
    );
    let identity = || {
        SoftwareIdentity::new(
            EccPrivateKey::from_bytes(dev.signing_key_bytes()),
            EccPrivateKey::from_bytes(dev.encryption_key_bytes()),
            HmacKey::from_bytes([7; 32]),
            dev.chain.clone(),
            dev.security_level,
        )
        .unwrap()
    };
    let kit = identity();
    for (n, (a, o)) in (1u8..).zip(GRANTS) {
        server.grant([n; 16], Grant::key_exchange(a, o));
    }
    let kids: Vec<Kid> = (1..=6).map(kid).collect();
    let params = ChallengeParams::new(&kids, &server_key, TIME);
    let sizes = challenge_sizes(&params, kit.certificate_chain().len()).unwrap();
    let mut work = vec![0u8; sizes.work];
    let mut out = vec![0u8; sizes.challenge];
    let mut rng = InsecureTestRng::seeded(seed + 2);
    let (pending, xml) = write_challenge(&params, &kit, &mut rng, &mut work, &mut out).unwrap();
    let reply = server.handle(xml);
    reply.outcome.as_ref().unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let root = ca.root_public_key();
    let acquired =
        process_response(reply.xml.as_bytes(), &pending, &root, Some(TIME), &mut buf).unwrap();
    let mut image = vec![0xFF; PAGES * PAGE];
    {
        let mut store = Hds::format(Flash::new(&mut image), store_key(), Config::new()).unwrap();
        let mut report: Report = Report::new();
        deliver_acquired(&mut store, &kit, &acquired, &mut report).unwrap();
        assert_eq!(report.len(), 6);
    }
    let content_keys = acquired.iter().flat_map(|l| secrets_of(l, &kit)).collect();
    Setup {
        licenses: acquired.iter().map(<[u8]>::to_vec).collect(),
        image,
        kit,
        vault: identity(),
        server,
        content_keys,
    }
}

/// What the scan looks for in one license, on the heap: its content key `CK` (ElGamal-decrypted
/// here, on the setup thread) and the first 16 bytes of its key exchange key when that is secret
/// (for AES-128-CBC of format 1 it is `CK`).
fn secrets_of(license: &[u8], identity: &Identity) -> Vec<[u8; 16]> {
    let parsed = ParsedLicense::parse(license).unwrap();
    let wrapped = xmr::wrapped_key(&parsed, identity, KeyRef::FIRST).unwrap();
    let ck = identity.elgamal_decrypt(wrapped.encrypted_keys()).unwrap();
    let mut out = vec![*ck.split_aes128().1.expose_secret()];
    let key = match xmr::verify_key(parsed, identity, KeyRef::FIRST)
        .unwrap()
        .into_parts()
        .1
    {
        LicenseKey::KxAes128Cbc(k) => Some(k.expose_secret().to_vec()),
        LicenseKey::KxHmacSha256(k) => Some(k.expose_secret().to_vec()),
        LicenseKey::KxEcdsaPrivate(k) => Some(k.expose_secret().to_vec()),
        _ => None,
    };
    if let Some(key) = key {
        out.push(key[..16].try_into().unwrap());
    }
    out
}

/// The setup, made on a thread of its own (its stack is not the one scanned).
fn setup_elsewhere(seed: u64) -> Setup {
    std::thread::spawn(move || setup(seed)).join().unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. Same results as the default context.

const IV: [u8; 16] = [0x1F; 16];

fn plain() -> Vec<u8> {
    (0u8..64).collect()
}

#[test]
fn vault_and_context_agree_bit_for_bit_for_the_six_operations() {
    let s = setup(1);
    let mut image = s.image.clone();
    let mut store = Hds::mount(Flash::new(&mut image), store_key(), Config::new()).unwrap();
    let id = &s.kit;
    let clock = FixedClock::new(Some(TIME));
    let soft: SoftVault<'_, Identity, 2> = SoftVault::new(&s.vault);
    let mut slot = KeySlot::new();

    // AES-128-CBC encrypt.
    let ctx: AesCbcEncryptor<'_> = prepare(&mut slot, &mut store, id, &clock, &kid(1)).unwrap();
    let v: VaultContext<'_, AesCbcEncrypt, _> =
        vault::prepare(&soft, &mut store, id, &clock, &kid(1)).unwrap();
    assert_eq!(v.kid(), &kid(1));
    let (mut a, mut b) = (plain(), plain());
    ctx.encrypt(&IV, &mut a).unwrap();
    v.encrypt(&IV, &mut b).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, plain());
    let (mut a, mut b) = (plain()[..17].to_vec(), plain()[..17].to_vec());
    assert_eq!(ctx.encrypt(&IV, &mut a), v.encrypt(&IV, &mut b));
    assert_eq!(
        v.encrypt(&IV, &mut b),
        Err(Error::Core(CoreError::InvalidArgument))
    );
    assert_eq!(a, b);
    ctx.close();
    assert_eq!(soft.len(), 1);
    v.close();
    assert!(soft.is_empty() && soft.is_clear());

    // AES-128-CBC decrypt.
    let ctx: AesCbcDecryptor<'_> = prepare(&mut slot, &mut store, id, &clock, &kid(2)).unwrap();
    let v: VaultContext<'_, AesCbcDecrypt, _> =
        vault::prepare(&soft, &mut store, id, &clock, &kid(2)).unwrap();
    let cipher = s.server.aes_cbc_encrypt(&[2; 16], &IV, &plain()).unwrap();
    let (mut a, mut b) = (cipher.clone(), cipher);
    ctx.decrypt(&IV, &mut a).unwrap();
    v.decrypt(&IV, &mut b).unwrap();
    assert_eq!(a, b);
    assert_eq!(b, plain());
    drop(ctx);
    drop(v);
    assert!(soft.is_empty() && soft.is_clear());

    // HMAC-SHA256 sign.
    let ctx: HmacSigner<'_> = prepare(&mut slot, &mut store, id, &clock, &kid(3)).unwrap();
    let v: VaultContext<'_, HmacSign, _> =
        vault::prepare(&soft, &mut store, id, &clock, &kid(3)).unwrap();
    for msg in [&b""[..], b"abc", &plain()] {
        let tag = v.sign(msg).unwrap();
        assert_eq!(ctx.sign(msg).unwrap(), tag);
        assert!(s.server.hmac_verify(&[3; 16], msg, &tag).unwrap());
    }
    ctx.close();
    v.close();

    // HMAC-SHA256 verify: the same answer for a good tag, a wrong one, a short one.
    let ctx: HmacVerifier<'_> = prepare(&mut slot, &mut store, id, &clock, &kid(4)).unwrap();
    let v: VaultContext<'_, HmacVerify, _> =
        vault::prepare(&soft, &mut store, id, &clock, &kid(4)).unwrap();
    let tag = s.server.hmac_sign(&[4; 16], &plain()).unwrap();
    let mut bad = tag;
    bad[31] ^= 1;
    for t in [&tag[..], &bad, &tag[..31]] {
        assert_eq!(ctx.verify(&plain(), t), v.verify(&plain(), t));
    }
    v.verify(&plain(), &tag).unwrap();
    assert_eq!(
        v.verify(&plain(), &bad),
        Err(Error::Core(CoreError::VerificationFailed))
    );
    ctx.close();
    v.close();

    // ECDSA-P256 sign (RFC 6979: deterministic, so the same bytes).
    let ctx: EcdsaSigner<'_> = prepare(&mut slot, &mut store, id, &clock, &kid(5)).unwrap();
    let v: VaultContext<'_, EcdsaSign, _> =
        vault::prepare(&soft, &mut store, id, &clock, &kid(5)).unwrap();
    for msg in [&b"message one"[..], &plain()] {
        let sig = v.sign(msg).unwrap();
        assert_eq!(ctx.sign(msg).unwrap(), sig);
        assert!(s.server.ecdsa_verify(&[5; 16], msg, &sig).unwrap());
    }
    ctx.close();
    v.close();

    // ECDSA-P256 verify.
    let ctx: EcdsaVerifier<'_> = prepare(&mut slot, &mut store, id, &clock, &kid(6)).unwrap();
    let v: VaultContext<'_, EcdsaVerify, _> =
        vault::prepare(&soft, &mut store, id, &clock, &kid(6)).unwrap();
    let sig = s.server.ecdsa_sign(&[6; 16], &plain()).unwrap();
    let mut bad = sig;
    bad[5] ^= 1;
    for (m, g) in [(&plain()[..], &sig[..]), (&plain(), &bad), (b"other", &sig)] {
        assert_eq!(ctx.verify(m, g), v.verify(m, g));
    }
    v.verify(&plain(), &sig).unwrap();
    ctx.close();
    v.close();
    assert!(soft.is_empty() && soft.is_clear());
    assert!(slot.is_clear());

    // The bind path (a license held in RAM) too.
    let ctx: AesCbcEncryptor<'_> = bind(&mut slot, &s.licenses[0], id, Some(TIME)).unwrap();
    let v: VaultContext<'_, AesCbcEncrypt, _> =
        vault::bind(&soft, &s.licenses[0], id, Some(TIME)).unwrap();
    let (mut a, mut b) = (plain(), plain());
    ctx.encrypt(&IV, &mut a).unwrap();
    v.encrypt(&IV, &mut b).unwrap();
    assert_eq!(a, b);
}

#[test]
fn the_vault_path_refuses_what_the_default_path_refuses_and_keeps_nothing() {
    let s = setup(2);
    let mut image = s.image.clone();
    let mut store = Hds::mount(Flash::new(&mut image), store_key(), Config::new()).unwrap();
    let id = &s.kit;
    let clock = FixedClock::new(Some(TIME));
    let soft: SoftVault<'_, Identity, 2> = SoftVault::new(&s.vault);
    let mut slot = KeySlot::new();
    // Another operation than the license's; an unknown KID; a tampered license (its signature
    // is checked in the vault, and nothing is kept).
    let d = prepare::<AesCbcDecrypt, _, _, 32, _, _, _>(&mut slot, &mut store, id, &clock, &kid(1));
    let v = vault::prepare::<AesCbcDecrypt, _, _, _, 32, _, _, _>(
        &soft,
        &mut store,
        id,
        &clock,
        &kid(1),
    );
    assert_eq!(d.unwrap_err(), Error::OperationNotAllowed);
    assert_eq!(v.unwrap_err(), Error::OperationNotAllowed);
    let v = vault::prepare::<AesCbcEncrypt, _, _, _, 32, _, _, _>(
        &soft,
        &mut store,
        id,
        &clock,
        &kid(9),
    );
    assert_eq!(v.unwrap_err(), Error::LicenseNotFound);
    let mut tampered = s.licenses[0].clone();
    let n = tampered.len();
    tampered[n - 1] ^= 1;
    let d = bind::<AesCbcEncrypt, _>(&mut slot, &tampered, id, Some(TIME));
    let v = vault::bind::<AesCbcEncrypt, _, _>(&soft, &tampered, id, Some(TIME));
    assert_eq!(d.unwrap_err(), Error::Core(CoreError::VerificationFailed));
    assert_eq!(v.unwrap_err(), Error::Core(CoreError::VerificationFailed));
    assert!(soft.is_empty() && soft.is_clear() && slot.is_clear());
    // A key of another device's license is refused before the vault sees it.
    let other = setup(3);
    let v = vault::bind::<AesCbcEncrypt, _, _>(&soft, &other.licenses[0], id, Some(TIME));
    assert_eq!(v.unwrap_err(), Error::Core(CoreError::NotBound));
    assert!(soft.is_empty());
}

#[test]
fn soft_vault_full_and_stale_handles_are_typed_errors() {
    let s = setup(4);
    let soft: SoftVault<'_, Identity, 2> = SoftVault::new(&s.vault);
    let now = Some(TIME);
    let a: VaultContext<'_, AesCbcEncrypt, _> =
        vault::bind(&soft, &s.licenses[0], &s.kit, now).unwrap();
    let b: VaultContext<'_, HmacSign, _> = vault::bind(&soft, &s.licenses[2], &s.kit, now).unwrap();
    assert_eq!(soft.len(), 2);
    let full = vault::bind::<AesCbcDecrypt, _, _>(&soft, &s.licenses[1], &s.kit, now);
    assert_eq!(full.unwrap_err(), Error::VaultFull);
    // A handle used for another operation than its key's, or an id the vault never made.
    let h = a.handle();
    assert_eq!(
        soft.aes128_cbc_decrypt(h, &IV, &mut [0; 16]),
        Err(Error::UnknownKeyHandle)
    );
    assert_eq!(
        soft.hmac_sha256_sign(KeyHandle::from_raw(0xFF), b"x"),
        Err(Error::UnknownKeyHandle)
    );
    a.close();
    // Released: its handle is stale, even once its slot holds another key.
    assert_eq!(
        soft.aes128_cbc_encrypt(h, &IV, &mut [0; 16]),
        Err(Error::UnknownKeyHandle)
    );
    let c: VaultContext<'_, AesCbcEncrypt, _> =
        vault::bind(&soft, &s.licenses[0], &s.kit, now).unwrap();
    assert_ne!(c.handle(), h);
    assert_eq!(c.handle().raw() & 0xFF, h.raw() & 0xFF);
    assert_eq!(
        soft.aes128_cbc_encrypt(h, &IV, &mut [0; 16]),
        Err(Error::UnknownKeyHandle)
    );
    c.encrypt(&IV, &mut [0; 16]).unwrap();
    soft.release(h); // a stale release changes nothing
    c.encrypt(&IV, &mut [0; 16]).unwrap();
    drop((b, c));
    assert!(soft.is_empty() && soft.is_clear());
}

// ---------------------------------------------------------------------------------------------
// 2. The scan.

/// The bytes of this process's memory from `addr`, `len` long (through /proc/self/mem: no
/// unsafe, and no read of memory that is not mapped).
fn read_mem(addr: usize, len: usize) -> Vec<u8> {
    let mut mem = std::fs::File::open("/proc/self/mem").unwrap();
    mem.seek(SeekFrom::Start(addr as u64)).unwrap();
    let mut out = vec![0u8; len];
    mem.read_exact(&mut out).unwrap();
    out
}

/// The mapping of /proc/self/maps that holds `addr`: (start, end).
fn mapping_of(addr: usize) -> (usize, usize) {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    for line in maps.lines() {
        let range = line.split_whitespace().next().unwrap();
        let (a, b) = range.split_once('-').unwrap();
        let (a, b) = (
            usize::from_str_radix(a, 16).unwrap(),
            usize::from_str_radix(b, 16).unwrap(),
        );
        if (a..b).contains(&addr) {
            return (a, b);
        }
    }
    panic!("no mapping holds {addr:#x}");
}

/// Whether any of `needles` (16 bytes each, on the heap) is anywhere in the calling thread's
/// whole stack mapping (above and below the current frame: dead frames are scanned too).
#[inline(never)]
fn stack_holds(needles: &[[u8; 16]]) -> bool {
    let marker = 0u8;
    let (start, end) = mapping_of(black_box(&raw const marker) as usize);
    let stack = read_mem(start, end - start);
    holds(&stack, needles)
}

fn holds(haystack: &[u8], needles: &[[u8; 16]]) -> bool {
    haystack
        .windows(16)
        .any(|w| needles.iter().any(|n| w == &n[..]))
}

/// The bytes of `value` as they are in memory.
fn bytes_of<T>(value: &T) -> Vec<u8> {
    read_mem(value as *const T as usize, size_of::<T>())
}

/// A [`KeyVault`] whose vault (a [`SoftVault`] and its identity) runs on a thread of its own:
/// the kit's thread sends it wrapped keys, handles and data, and gets handles and results back.
struct ThreadVault {
    to: mpsc::Sender<Request>,
    from: mpsc::Receiver<Reply>,
}

enum Request {
    Import {
        encrypted: Box<[u8; 128]>,
        signed: Vec<u8>,
        signature: Vec<u8>,
        policy: (KA, KO),
        object: Option<([u8; 16], Vec<u8>)>,
    },
    Cbc(KeyHandle, bool, [u8; 16], Vec<u8>),
    HmacSign(KeyHandle, Vec<u8>),
    HmacVerify(KeyHandle, Vec<u8>, Vec<u8>),
    EcdsaSign(KeyHandle, Vec<u8>),
    EcdsaVerify(KeyHandle, Vec<u8>, Vec<u8>),
    Release(KeyHandle),
}

enum Reply {
    Handle(Result<KeyHandle>),
    Data(Result<Vec<u8>>),
    Done(Result<()>),
}

impl ThreadVault {
    fn spawn(identity: Identity) -> (Self, std::thread::JoinHandle<()>) {
        let (to, requests) = mpsc::channel();
        let (replies, from) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let soft: SoftVault<'_, Identity, 4> = SoftVault::new(&identity);
            for request in requests {
                let reply = match request {
                    Request::Import {
                        encrypted,
                        signed,
                        signature,
                        policy,
                        object,
                    } => {
                        let object = object.as_ref().map(|(iv, w)| (iv, w.as_slice()));
                        Reply::Handle(
                            WrappedKey::from_parts(&encrypted, &signed, &signature, policy, object)
                                .map_err(Error::from)
                                .and_then(|w| soft.import(&w)),
                        )
                    }
                    Request::Cbc(h, encrypt, iv, mut data) => {
                        let r = if encrypt {
                            soft.aes128_cbc_encrypt(h, &iv, &mut data)
                        } else {
                            soft.aes128_cbc_decrypt(h, &iv, &mut data)
                        };
                        Reply::Data(r.map(|()| data))
                    }
                    Request::HmacSign(h, data) => {
                        Reply::Data(soft.hmac_sha256_sign(h, &data).map(|t| t.to_vec()))
                    }
                    Request::HmacVerify(h, data, tag) => {
                        Reply::Done(soft.hmac_sha256_verify(h, &data, &tag))
                    }
                    Request::EcdsaSign(h, msg) => {
                        Reply::Data(soft.ecdsa_p256_sign(h, &msg).map(|s| s.to_vec()))
                    }
                    Request::EcdsaVerify(h, msg, sig) => {
                        Reply::Done(soft.ecdsa_p256_verify(h, &msg, &sig))
                    }
                    Request::Release(h) => {
                        soft.release(h);
                        continue;
                    }
                };
                if replies.send(reply).is_err() {
                    break;
                }
            }
            assert!(
                soft.is_empty() && soft.is_clear(),
                "a key left in the vault"
            );
        });
        (Self { to, from }, thread)
    }

    fn ask(&self, request: Request) -> Reply {
        self.to.send(request).unwrap();
        self.from.recv().unwrap()
    }

    fn data(&self, request: Request) -> Result<Vec<u8>> {
        match self.ask(request) {
            Reply::Data(r) => r,
            _ => Err(Error::LogicBug),
        }
    }

    fn done(&self, request: Request) -> Result<()> {
        match self.ask(request) {
            Reply::Done(r) => r,
            _ => Err(Error::LogicBug),
        }
    }

    fn cbc(&self, h: KeyHandle, encrypt: bool, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
        let out = self.data(Request::Cbc(h, encrypt, *iv, data.to_vec()))?;
        data.copy_from_slice(&out);
        Ok(())
    }
}

impl KeyVault for ThreadVault {
    fn import(&self, key: &WrappedKey<'_>) -> Result<KeyHandle> {
        let request = Request::Import {
            encrypted: Box::new(*key.encrypted_keys()),
            signed: key.signed_bytes().to_vec(),
            signature: key.signature().to_vec(),
            policy: (key.algorithm(), key.operation()),
            object: key
                .key_object()
                .map(|o| (*o.iv(), o.wrapped_key().to_vec())),
        };
        match self.ask(request) {
            Reply::Handle(r) => r,
            _ => Err(Error::LogicBug),
        }
    }

    fn aes128_cbc_encrypt(&self, h: KeyHandle, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
        self.cbc(h, true, iv, data)
    }

    fn aes128_cbc_decrypt(&self, h: KeyHandle, iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
        self.cbc(h, false, iv, data)
    }

    fn hmac_sha256_sign(&self, h: KeyHandle, data: &[u8]) -> Result<[u8; 32]> {
        let tag = self.data(Request::HmacSign(h, data.to_vec()))?;
        tag.try_into().map_err(|_| Error::LogicBug)
    }

    fn hmac_sha256_verify(&self, h: KeyHandle, data: &[u8], tag: &[u8]) -> Result<()> {
        self.done(Request::HmacVerify(h, data.to_vec(), tag.to_vec()))
    }

    fn ecdsa_p256_sign(&self, h: KeyHandle, msg: &[u8]) -> Result<[u8; 64]> {
        let sig = self.data(Request::EcdsaSign(h, msg.to_vec()))?;
        sig.try_into().map_err(|_| Error::LogicBug)
    }

    fn ecdsa_p256_verify(&self, h: KeyHandle, msg: &[u8], sig: &[u8]) -> Result<()> {
        self.done(Request::EcdsaVerify(h, msg.to_vec(), sig.to_vec()))
    }

    fn release(&self, h: KeyHandle) {
        self.to.send(Request::Release(h)).unwrap();
    }
}

/// Where the scans found a content key: (after Prepare, after Perform, after Close) on the
/// stack, and in the context's bytes (after Prepare and Perform).
#[derive(Debug, Default, PartialEq, Eq)]
struct Found {
    stack: [bool; 3],
    context: [bool; 2],
}

/// Prepare, Perform, Close of the six licenses through a [`VaultContext`] over a vault thread,
/// scanning after each step for the six content keys.
#[inline(never)]
fn vault_run(kit: &Identity, vault: Identity, keys: &[[u8; 16]], image: &mut [u8]) -> Found {
    let (tv, thread) = ThreadVault::spawn(vault);
    let mut store = Hds::mount(Flash::new(image), store_key(), Config::new()).unwrap();
    let clock = FixedClock::new(Some(TIME));
    let mut found = Found::default();
    macro_rules! step {
        ($op:ty, $n:expr, |$c:ident| $perform:expr) => {{
            let $c: VaultContext<'_, $op, _> =
                vault::prepare(&tv, &mut store, kit, &clock, &kid($n)).unwrap();
            found.stack[0] |= stack_holds(keys);
            found.context[0] |= holds(&bytes_of(&$c), keys);
            black_box($perform);
            found.stack[1] |= stack_holds(keys);
            found.context[1] |= holds(&bytes_of(&$c), keys);
            $c.close();
            found.stack[2] |= stack_holds(keys);
        }};
    }
    let mut data = plain();
    step!(AesCbcEncrypt, 1, |c| c.encrypt(&IV, &mut data).unwrap());
    step!(AesCbcDecrypt, 2, |c| c.decrypt(&IV, &mut data).unwrap());
    assert_ne!(data, plain());
    step!(HmacSign, 3, |c| c.sign(&data).unwrap());
    step!(HmacVerify, 4, |c| c.verify(&data, &[0; 32]).unwrap_err());
    step!(EcdsaSign, 5, |c| c.sign(&data).unwrap());
    step!(EcdsaVerify, 6, |c| c.verify(&data, &[0; 64]).unwrap_err());
    drop(tv);
    thread.join().unwrap();
    found
}

/// The control: the same steps with the default [`drm_keyexchange::Context`] for the two
/// AES-128-CBC licenses (whose key is the content key itself, held in the caller's slot).
#[inline(never)]
fn default_run(kit: &Identity, keys: &[[u8; 16]], image: &mut [u8]) -> Found {
    let mut store = Hds::mount(Flash::new(image), store_key(), Config::new()).unwrap();
    let clock = FixedClock::new(Some(TIME));
    let mut found = Found::default();
    let mut slot = KeySlot::new();
    let mut data = plain();
    for n in [1, 2] {
        let at = &raw const slot as usize;
        let read_slot = || read_mem(at, size_of::<KeySlot>());
        if n == 1 {
            let c: AesCbcEncryptor<'_> =
                prepare(&mut slot, &mut store, kit, &clock, &kid(1)).unwrap();
            found.stack[0] |= stack_holds(keys);
            found.context[0] |= holds(&read_slot(), keys);
            c.encrypt(&IV, &mut data).unwrap();
            found.stack[1] |= stack_holds(keys);
            found.context[1] |= holds(&read_slot(), keys);
            black_box(&c);
            c.close();
        } else {
            let c: AesCbcDecryptor<'_> =
                prepare(&mut slot, &mut store, kit, &clock, &kid(2)).unwrap();
            found.stack[0] |= stack_holds(keys);
            found.context[0] |= holds(&read_slot(), keys);
            c.decrypt(&IV, &mut data).unwrap();
            found.stack[1] |= stack_holds(keys);
            found.context[1] |= holds(&read_slot(), keys);
            black_box(&c);
            c.close();
        }
    }
    assert_ne!(data, plain());
    assert!(slot.is_clear());
    found
}

/// Runs `f` on a fresh thread (a stack no earlier test code ran on).
fn on_fresh_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn_scoped(scope, f)
            .unwrap()
            .join()
            .unwrap()
    })
}

#[test]
fn the_content_key_never_appears_in_the_kits_memory_with_a_vault() {
    let Setup {
        mut image,
        kit,
        vault,
        content_keys,
        ..
    } = setup_elsewhere(5);
    let found = on_fresh_thread(|| vault_run(&kit, vault, &content_keys, &mut image));
    assert_eq!(
        found,
        Found::default(),
        "a content key was in the kit's memory"
    );
}

#[test]
fn control_the_scan_finds_the_key_of_the_default_context() {
    let Setup {
        mut image,
        kit,
        content_keys,
        ..
    } = setup_elsewhere(6);
    let found = on_fresh_thread(|| default_run(&kit, &content_keys, &mut image));
    // While the context lives, its key is in the caller's slot, on the stack.
    assert_eq!(found.stack[..2], [true, true], "{found:?}");
    assert_eq!(found.context, [true, true], "{found:?}");
}
