//! `drm-securedelete` against the simulated Secure Delete server (`drm_servers::secure_delete`),
//! which parses the challenge with `roxmltree`, checks canonical form, digest and signature with
//! RustCrypto, decrypts `EncryptedData` with its own key and verifies the chain inside: none of
//! it shares code with the client.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use drm_core::platform::SoftwareIdentity;
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_core::{Kid, Lid, SessionId};
use drm_hds::mock::MockFlash;
use drm_hds::{Config, Store, Transaction};
use drm_securedelete::session::{self, RECORD_MAX_LEN};
use drm_securedelete::{Error, LICENSES, SecureDelete, SessionState};
use drm_servers::backend::DeleteResult;
use drm_servers::crypto::KeyPair;
use drm_servers::pki::{Authority, DeviceIdentity, SL_2000};
use drm_servers::secure_delete::{AnswerMode, SecureDeleteServer};
use drm_servers::{Backend, TestRng};
use drm_target_host::InsecureTestRng;

/// 16 pages of 4 KiB.
const FLASH_LEN: usize = 16 * 4096;
type Flash<'a> = MockFlash<'a>;
type Hds<'a> = Store<Flash<'a>>;

fn store_key() -> HmacKey {
    HmacKey::from_bytes([0x5A; 32])
}

fn format(mem: &mut [u8]) -> Hds<'_> {
    Store::format(MockFlash::new(mem), store_key(), Config::new()).unwrap()
}

fn mount(mem: &mut [u8]) -> Hds<'_> {
    Store::mount(MockFlash::new(mem), store_key(), Config::new()).unwrap()
}

struct World {
    dev: DeviceIdentity,
    identity: SoftwareIdentity<Vec<u8>>,
    backend: Backend,
    server: SecureDeleteServer,
    server_key: [u8; 64],
    rng: InsecureTestRng,
    test_rng: TestRng,
}

fn world(seed: u64) -> World {
    let mut ca = Authority::from_seed(seed);
    let dev = ca.provision_device(SL_2000);
    world_for(seed, &mut ca, dev)
}

/// A world for `dev`, provisioned by `ca`.
fn world_for(seed: u64, ca: &mut Authority, dev: DeviceIdentity) -> World {
    let identity = SoftwareIdentity::new(
        EccPrivateKey::from_bytes(dev.signing_key_bytes()),
        EccPrivateKey::from_bytes(dev.encryption_key_bytes()),
        HmacKey::from_bytes([seed as u8; 32]),
        dev.chain.clone(),
        dev.security_level,
    )
    .unwrap();
    let mut test_rng = TestRng::from_seed(seed + 1);
    let key = KeyPair::generate(&mut test_rng);
    let server_key = key.public();
    let backend = Backend::new();
    let server =
        SecureDeleteServer::new(backend.clone(), key, ca.root_public_key(), test_rng.fork());
    World {
        dev,
        identity,
        backend,
        server,
        server_key,
        rng: InsecureTestRng::seeded(seed + 2),
        test_rng,
    }
}

/// The client, encrypting to the test server's key (borrows only the identity, so the rest of
/// the world stays usable).
fn client(
    identity: &SoftwareIdentity<Vec<u8>>,
    key: [u8; 64],
) -> SecureDelete<'_, SoftwareIdentity<Vec<u8>>> {
    SecureDelete::new(identity).with_server_key(key).unwrap()
}

/// A stand-in license blob: random bytes (the "key material" the raw flash scan looks for).
struct FakeLicense {
    kid: Kid,
    lid: Lid,
    bytes: Vec<u8>,
}

/// Stores `licenses` and the session record of `session` with their KIDs in one transaction,
/// and tells the backend (as the license server would) that they were issued.
fn store_session(w: &World, store: &mut Hds<'_>, session: SessionId, licenses: &[FakeLicense]) {
    let kids: Vec<Kid> = licenses.iter().map(|l| l.kid).collect();
    let mut buf = [0u8; RECORD_MAX_LEN];
    let mut txn = Transaction::new();
    for l in licenses {
        txn.put(&LICENSES, l.kid.as_bytes(), l.lid.as_bytes(), &l.bytes)
            .unwrap();
    }
    session::stage_kids(store, &mut txn, &session, &kids, &mut buf).unwrap();
    store.commit(&txn).unwrap();
    let wire: Vec<[u8; 16]> = kids.iter().map(|k| k.to_bytes()).collect();
    w.backend
        .record_issue(&w.dev.cert_id, session.as_bytes(), &wire)
        .unwrap();
}

fn fake_licenses(rng: &mut TestRng, n: usize) -> Vec<FakeLicense> {
    (0..n)
        .map(|_| FakeLicense {
            kid: Kid::from_bytes(rng.array()),
            lid: Lid::from_bytes(rng.array()),
            bytes: rng.array::<96>().to_vec(),
        })
        .collect()
}

fn pending(store: &mut Hds<'_>) -> Vec<SessionId> {
    let n = session::pending_sessions(store, &mut []).unwrap();
    let mut out = vec![SessionId::NIL; n];
    assert_eq!(session::pending_sessions(store, &mut out).unwrap(), n);
    out
}

fn present(store: &mut Hds<'_>, l: &FakeLicense) -> bool {
    store
        .contains(&LICENSES, l.kid.as_bytes(), l.lid.as_bytes())
        .unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn removal_is_accepted_by_the_server_and_its_response_clears_the_record() {
    let mut w = world(1);
    let mut mem = vec![0xFF; FLASH_LEN];
    let mut store = format(&mut mem);
    let (s1, s2) = (
        SessionId::from_bytes([0x51; 16]),
        SessionId::from_bytes([0x52; 16]),
    );
    let l1 = fake_licenses(&mut w.test_rng, 3);
    let l2 = fake_licenses(&mut w.test_rng, 2);
    store_session(&w, &mut store, s1, &l1);
    store_session(&w, &mut store, s2, &l2);
    assert_eq!(w.backend.live_persistent(&w.dev.cert_id), 5);

    let sd = client(&w.identity, w.server_key);
    let len = sd.challenge_len(&mut store, &s1).unwrap();
    let mut out = vec![0u8; len];
    let mut rng = w.rng.clone();
    assert_eq!(sd.remove(&mut store, &mut rng, &s1, &mut out).unwrap(), len);

    // The store: s1's licenses gone, s2's still there, s1 pending.
    assert!(l1.iter().all(|l| !present(&mut store, l)));
    assert!(l2.iter().all(|l| present(&mut store, l)));
    assert_eq!(pending(&mut store), vec![s1]);
    let record = session::load(&mut store, &s1).unwrap().unwrap();
    assert_eq!(record.state(), SessionState::Pending);
    assert_eq!(record.kids(), l1.iter().map(|l| l.kid).collect::<Vec<_>>());

    // The server accepts the challenge and its count drops by three.
    let reply = w.server.handle(&out);
    let outcome = reply.outcome.unwrap();
    assert_eq!(outcome.session_id, s1.to_bytes());
    assert_eq!(
        outcome.kids,
        l1.iter().map(|l| l.kid.to_bytes()).collect::<Vec<_>>()
    );
    assert_eq!(outcome.device.cert_id, w.dev.cert_id);
    assert_eq!(outcome.result, Some(DeleteResult::Deleted { removed: 3 }));
    assert_eq!(w.backend.live_persistent(&w.dev.cert_id), 2);

    // The response clears the record; s2 is untouched.
    assert_eq!(
        sd.process_response(&mut store, reply.xml.as_bytes()),
        Ok(s1)
    );
    assert!(session::load(&mut store, &s1).unwrap().is_none());
    assert!(pending(&mut store).is_empty());
    let r2 = session::load(&mut store, &s2).unwrap().unwrap();
    assert_eq!(r2.state(), SessionState::Active);
    // The same response again is refused: the session is no longer pending.
    assert_eq!(
        sd.process_response(&mut store, reply.xml.as_bytes()),
        Err(Error::InvalidResponse)
    );
}

#[test]
fn challenge_is_generated_again_after_a_reboot_and_a_lost_response() {
    let mut w = world(2);
    let mut mem = vec![0xFF; FLASH_LEN];
    let s = SessionId::from_bytes([0x61; 16]);
    let lic = fake_licenses(&mut w.test_rng, 2);
    {
        let mut store = format(&mut mem);
        store_session(&w, &mut store, s, &lic);
        let sd = client(&w.identity, w.server_key);
        let mut out = vec![0u8; sd.challenge_len(&mut store, &s).unwrap()];
        sd.remove(&mut store, &mut w.rng, &s, &mut out).unwrap();
        // The first challenge is "lost": never sent.
        store.release();
    }
    let mut store = mount(&mut mem);
    assert_eq!(pending(&mut store), vec![s]);
    let sd = client(&w.identity, w.server_key);
    let len = sd.challenge_len(&mut store, &s).unwrap();
    // Too small a buffer, wherever the writing finds it out: the size needed, and no partial
    // challenge left in the buffer (it is written in one pass, and zeroed when it is too short).
    for short in [0, 1, 200, len / 2, len - 1] {
        let mut small = vec![0xA5u8; short];
        assert_eq!(
            sd.generate_challenge(&mut store, &mut w.rng, &s, &mut small),
            Err(Error::BufferTooSmall { needed: len }),
            "{short} bytes"
        );
        assert!(small.iter().all(|&b| b == 0), "{short} bytes");
    }
    let mut out = vec![0u8; len + 10];
    let n = sd
        .generate_challenge(&mut store, &mut w.rng, &s, &mut out)
        .unwrap();
    assert_eq!(n, len);
    let first = out[..n].to_vec();
    let n2 = sd
        .generate_challenge(&mut store, &mut w.rng, &s, &mut out)
        .unwrap();
    assert_eq!(n2, len);
    assert_ne!(first, out[..n2], "each challenge is encrypted afresh");

    let reply = w.server.handle(&first);
    assert_eq!(
        reply.outcome.unwrap().result,
        Some(DeleteResult::Deleted { removed: 2 })
    );
    // A repeated challenge is accepted again (the server knows it already).
    let again = w.server.handle(&out[..n2]);
    assert_eq!(
        again.outcome.unwrap().result,
        Some(DeleteResult::AlreadyDeleted)
    );
    assert_eq!(sd.process_response(&mut store, again.xml.as_bytes()), Ok(s));
    assert!(pending(&mut store).is_empty());
}

#[test]
fn remove_refusals_change_nothing() {
    let mut w = world(3);
    let mut mem = vec![0xFF; FLASH_LEN];
    let mut store = format(&mut mem);
    let s = SessionId::from_bytes([0x71; 16]);
    let lic = fake_licenses(&mut w.test_rng, 2);
    store_session(&w, &mut store, s, &lic);
    let sd = client(&w.identity, w.server_key);
    let len = sd.challenge_len(&mut store, &s).unwrap();

    // Unknown session.
    let other = SessionId::from_bytes([0x72; 16]);
    let mut out = vec![0u8; len];
    assert_eq!(
        sd.remove(&mut store, &mut w.rng, &other, &mut out),
        Err(Error::SessionNotFound)
    );
    assert_eq!(
        sd.generate_challenge(&mut store, &mut w.rng, &other, &mut out),
        Err(Error::SessionNotFound)
    );
    // An active session has no challenge to generate.
    assert_eq!(
        sd.generate_challenge(&mut store, &mut w.rng, &s, &mut out),
        Err(Error::SessionNotPending)
    );
    // Too small a buffer for remove: refused before anything changes.
    let mut small = vec![0u8; len - 1];
    assert_eq!(
        sd.remove(&mut store, &mut w.rng, &s, &mut small),
        Err(Error::BufferTooSmall { needed: len })
    );
    assert!(lic.iter().all(|l| present(&mut store, l)));
    assert!(pending(&mut store).is_empty());

    sd.remove(&mut store, &mut w.rng, &s, &mut out).unwrap();
    // Removed twice: refused.
    assert_eq!(
        sd.remove(&mut store, &mut w.rng, &s, &mut out),
        Err(Error::SessionPending)
    );
    // A pending session takes no more licenses.
    let mut buf = [0u8; RECORD_MAX_LEN];
    let mut txn = Transaction::new();
    assert_eq!(
        session::stage_kids(&mut store, &mut txn, &s, &[lic[0].kid], &mut buf),
        Err(Error::SessionPending)
    );
    assert!(txn.is_empty());
}

#[test]
fn session_records_merge_kids_up_to_the_maximum() {
    let mut w = world(4);
    let mut mem = vec![0xFF; FLASH_LEN];
    let mut store = format(&mut mem);
    let s = SessionId::from_bytes([0x81; 16]);
    let kids: Vec<Kid> = (0..=drm_securedelete::MAX_SESSION_KIDS)
        .map(|_| Kid::from_bytes(w.test_rng.array()))
        .collect();
    let stage = |store: &mut Hds<'_>, kids: &[Kid]| {
        let mut buf = [0u8; RECORD_MAX_LEN];
        let mut txn = Transaction::new();
        session::stage_kids(store, &mut txn, &s, kids, &mut buf)?;
        store.commit(&txn).map_err(Error::from)
    };
    stage(&mut store, &kids[..3]).unwrap();
    // Merged, duplicates dropped.
    stage(&mut store, &kids[2..5]).unwrap();
    let r = session::load(&mut store, &s).unwrap().unwrap();
    assert_eq!(r.kids(), &kids[..5]);
    // One more than the maximum: refused, the record unchanged.
    assert_eq!(stage(&mut store, &kids[5..]), Err(Error::TooManyKids));
    assert_eq!(
        session::load(&mut store, &s).unwrap().unwrap().kids(),
        &kids[..5]
    );
    stage(&mut store, &kids[5..drm_securedelete::MAX_SESSION_KIDS]).unwrap();
    assert_eq!(
        session::load(&mut store, &s).unwrap().unwrap().kids().len(),
        drm_securedelete::MAX_SESSION_KIDS
    );
    // Empty: refused.
    assert!(stage(&mut store, &[]).is_err());
    let mut all = [SessionId::NIL; 4];
    assert_eq!(session::all_sessions(&mut store, &mut all).unwrap(), 1);
    assert_eq!(all[0], s);
}

#[test]
fn deleted_license_bytes_are_not_in_the_flash_image() {
    let mut w = world(5);
    let mut mem = vec![0xFF; FLASH_LEN];
    let s1 = SessionId::from_bytes([0x91; 16]);
    let s2 = SessionId::from_bytes([0x92; 16]);
    let l1 = fake_licenses(&mut w.test_rng, 3);
    let l2 = fake_licenses(&mut w.test_rng, 1);
    {
        let mut store = format(&mut mem);
        store_session(&w, &mut store, s1, &l1);
        store_session(&w, &mut store, s2, &l2);
        store.release();
    }
    assert!(l1.iter().all(|l| contains(&mem, &l.bytes)), "stored as is");
    {
        let mut store = mount(&mut mem);
        let sd = client(&w.identity, w.server_key);
        let mut out = vec![0u8; sd.challenge_len(&mut store, &s1).unwrap()];
        sd.remove(&mut store, &mut w.rng, &s1, &mut out).unwrap();
        store.release();
    }
    let on_flash: std::collections::HashSet<&[u8]> = mem.windows(16).collect();
    for l in &l1 {
        // No 16-byte window of the deleted license, at any offset, is left on the flash.
        for window in l.bytes.windows(16) {
            assert!(
                !on_flash.contains(window),
                "deleted license bytes still on flash"
            );
        }
    }
    assert!(l2.iter().all(|l| contains(&mem, &l.bytes)));
}

#[test]
fn the_server_refuses_a_challenge_for_another_key() {
    // The default key is the production WMRMServer key: a server with its own key cannot
    // decrypt the challenge (it is well formed and signed, only encrypted to someone else).
    let mut w = world(6);
    let mut mem = vec![0xFF; FLASH_LEN];
    let mut store = format(&mut mem);
    let s = SessionId::from_bytes([0xA1; 16]);
    let lic = fake_licenses(&mut w.test_rng, 1);
    store_session(&w, &mut store, s, &lic);
    let sd = SecureDelete::new(&w.identity);
    assert_eq!(sd.server_key(), &drm_securedelete::WMRM_SERVER_PUBLIC_KEY);
    let mut out = vec![0u8; sd.challenge_len(&mut store, &s).unwrap()];
    sd.remove(&mut store, &mut w.rng, &s, &mut out).unwrap();
    let reply = w.server.handle(&out);
    assert_eq!(
        reply.outcome.unwrap_err(),
        drm_servers::ServerError::Decrypt
    );
    // Not a point: refused.
    assert!(
        SecureDelete::new(&w.identity)
            .with_server_key([1; 64])
            .is_err()
    );
}

/// A sink that keeps every write and counts the calls (a stand-in for a UART).
struct VecSink {
    bytes: Vec<u8>,
    writes: usize,
}

impl drm_core::xml::writer::Sink for VecSink {
    fn write(&mut self, bytes: &[u8]) -> drm_core::Result<()> {
        self.bytes.extend_from_slice(bytes);
        self.writes += 1;
        Ok(())
    }
    fn len(&self) -> usize {
        self.bytes.len()
    }
}

#[test]
fn streamed_challenge_is_accepted_and_as_long_as_the_buffered_one() {
    let mut w = world(8);
    let mut mem = vec![0xFF; FLASH_LEN];
    let mut store = format(&mut mem);
    let s = SessionId::from_bytes([0xB1; 16]);
    let lic = fake_licenses(&mut w.test_rng, 3);
    store_session(&w, &mut store, s, &lic);
    let sd = client(&w.identity, w.server_key);
    let len = sd.challenge_len(&mut store, &s).unwrap();
    let sink = VecSink {
        bytes: Vec::new(),
        writes: 0,
    };
    // An active session has no challenge yet.
    assert!(matches!(
        sd.write_challenge(
            &mut store,
            &mut w.rng,
            &s,
            VecSink {
                bytes: Vec::new(),
                writes: 0
            }
        ),
        Err(Error::SessionNotPending)
    ));
    sd.delete_licenses(&mut store, &s).unwrap();
    assert!(lic.iter().all(|l| !present(&mut store, l)));
    assert_eq!(
        sd.delete_licenses(&mut store, &s),
        Err(Error::SessionPending)
    );
    let sink = sd
        .write_challenge(&mut store, &mut w.rng, &s, sink)
        .unwrap();
    assert_eq!(sink.bytes.len(), len);
    assert!(sink.writes > 100, "written in pieces");
    let reply = w.server.handle(&sink.bytes);
    assert_eq!(
        reply.outcome.unwrap().result,
        Some(DeleteResult::Deleted { removed: 3 })
    );
    assert_eq!(sd.process_response(&mut store, reply.xml.as_bytes()), Ok(s));
}

/// The seed's response example, indented as in the seed, with `session` and `version`.
fn seed_response(session: &SessionId, version: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope
  xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <soap:Body>
    <ProcessDeleteLicenseDataResponse
      xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols">
      <ProcessDeleteLicenseDataResult>
        <Response
          xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols/messages">
          <DeleteLicenseResponse
            xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols">
            <Version>{version}</Version>
            <SessionID>{}</SessionID>
          </DeleteLicenseResponse>
        </Response>
      </ProcessDeleteLicenseDataResult>
    </ProcessDeleteLicenseDataResponse>
  </soap:Body>
</soap:Envelope>"#,
        drm_servers::soap::b64(session.as_bytes())
    )
}

/// A world with session `s` removed (pending) and its challenge accepted by the server.
fn pending_world(seed: u64, mem: &mut [u8]) -> (World, SessionId, Vec<u8>) {
    let mut w = world(seed);
    let s = SessionId::from_bytes([seed as u8; 16]);
    let lic = fake_licenses(&mut w.test_rng, 2);
    let mut store = format(mem);
    store_session(&w, &mut store, s, &lic);
    let sd = client(&w.identity, w.server_key);
    let mut out = vec![0u8; sd.challenge_len(&mut store, &s).unwrap()];
    sd.remove(&mut store, &mut w.rng, &s, &mut out).unwrap();
    store.release();
    (w, s, out)
}

#[test]
fn every_refused_response_is_a_typed_error_and_changes_nothing() {
    let mut mem = vec![0xFF; FLASH_LEN];
    let (mut w, s, challenge) = pending_world(11, &mut mem);
    let mut answers: Vec<(String, Vec<u8>, Error)> = Vec::new();
    for (mode, expected) in [
        (AnswerMode::OtherSessionId, Error::InvalidResponse),
        (AnswerMode::WrongVersion(2), Error::InvalidResponse),
        (AnswerMode::WrongVersion(0), Error::InvalidResponse),
        (
            AnswerMode::Fault(0x8004_C604),
            Error::SoapFault {
                status: 0x8004_C604,
            },
        ),
        (
            AnswerMode::Malformed,
            Error::Core(drm_core::Error::XmlMalformed),
        ),
    ] {
        w.server.set_answer_mode(mode);
        let reply = w.server.handle(&challenge);
        answers.push((format!("{mode:?}"), reply.xml.into_bytes(), expected));
    }
    let correct = seed_response(&s, "1");
    let inside = |extra: &str| {
        correct.replace(
            "<Version>1</Version>",
            &format!("<Version>1</Version>{extra}"),
        )
    };
    let deep = format!("{}{}", "<a>".repeat(40), "</a>".repeat(40));
    let big = format!(
        "<!--{}-->",
        "x".repeat(drm_securedelete::response::MAX_RESPONSE_LEN)
    );
    let other_active = SessionId::from_bytes([0xEE; 16]);
    let handmade: Vec<(&str, String, Error)> = vec![
        (
            "not pending (unknown)",
            seed_response(&other_active, "1"),
            Error::InvalidResponse,
        ),
        (
            "version 1.0",
            seed_response(&s, "1.0"),
            Error::InvalidResponse,
        ),
        (
            "two SessionIDs",
            inside(&format!(
                "<SessionID>{}</SessionID>",
                drm_servers::soap::b64(s.as_bytes())
            )),
            Error::InvalidResponse,
        ),
        (
            "SessionID not base64",
            correct.replace(&drm_servers::soap::b64(s.as_bytes()), "!!!!"),
            Error::InvalidResponse,
        ),
        (
            "SessionID of 15 bytes",
            correct.replace(
                &drm_servers::soap::b64(s.as_bytes()),
                &drm_servers::soap::b64(&s.as_bytes()[..15]),
            ),
            Error::InvalidResponse,
        ),
        (
            "wrong namespace",
            correct.replace("protocols/messages", "protocols/other"),
            Error::InvalidResponse,
        ),
        (
            "SessionID with a child element",
            correct.replace("</SessionID>", "<x></x></SessionID>"),
            Error::InvalidResponse,
        ),
        (
            "too deep",
            inside(&deep),
            Error::Core(drm_core::Error::XmlTooDeep),
        ),
        (
            "too large",
            correct.replace("<soap:Body>", &format!("<soap:Body>{big}")),
            Error::Core(drm_core::Error::XmlTooLarge),
        ),
        (
            "DTD",
            correct.replace(
                "<soap:Envelope",
                "<!DOCTYPE soap:Envelope [<!ENTITY x \"y\">]><soap:Envelope",
            ),
            Error::Core(drm_core::Error::XmlForbidden),
        ),
        (
            "entity reference",
            correct.replace("<Version>1", "<Version>&x;1"),
            Error::Core(drm_core::Error::XmlForbidden),
        ),
        (
            "truncated",
            correct[..correct.len() - 20].to_owned(),
            Error::Core(drm_core::Error::XmlMalformed),
        ),
        (
            "empty",
            String::new(),
            Error::Core(drm_core::Error::XmlMalformed),
        ),
        (
            "fault without status",
            drm_servers::soap::envelope(
                "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>no</faultstring></soap:Fault>",
            ),
            Error::SoapFault { status: 0 },
        ),
    ];
    for (name, xml, expected) in handmade {
        answers.push((name.to_owned(), xml.into_bytes(), expected));
    }
    answers.push((
        "not UTF-8".to_owned(),
        correct
            .replace("<Version>", "<Version>\u{FFFD}")
            .into_bytes()
            .into_iter()
            .map(|b| if b == 0xEF { 0xFF } else { b })
            .collect(),
        Error::Core(drm_core::Error::XmlMalformed),
    ));

    let before = mem.clone();
    let mut store = mount(&mut mem);
    let sd = client(&w.identity, w.server_key);
    for (name, xml, expected) in &answers {
        let got = sd.process_response(&mut store, xml);
        assert_eq!(got, Err(*expected), "{name}");
        assert_eq!(pending(&mut store), vec![s], "{name}");
    }
    store.release();
    assert!(
        before == mem,
        "refused responses wrote nothing to the flash"
    );
    assert_eq!(Error::InvalidResponse.code(), 0x8004_DFA0);

    // The seed's indented response with the right SessionID is accepted.
    let mut store = mount(&mut mem);
    assert_eq!(sd.process_response(&mut store, correct.as_bytes()), Ok(s));
    assert!(pending(&mut store).is_empty());
}

#[test]
fn a_response_for_an_active_session_does_not_remove_it() {
    let mut w = world(12);
    let mut mem = vec![0xFF; FLASH_LEN];
    let mut store = format(&mut mem);
    let s = SessionId::from_bytes([0xC1; 16]);
    let lic = fake_licenses(&mut w.test_rng, 1);
    store_session(&w, &mut store, s, &lic);
    let sd = client(&w.identity, w.server_key);
    assert_eq!(
        sd.process_response(&mut store, seed_response(&s, "1").as_bytes()),
        Err(Error::InvalidResponse)
    );
    assert_eq!(
        session::load(&mut store, &s).unwrap().unwrap().state(),
        SessionState::Active
    );
    assert!(present(&mut store, &lic[0]));
}

// ---------------------------------------------------------------------------------------------
// Power cuts: the mock flash cuts the power after n word writes or page erases, for every n
// until the operation completes, with both torn-write models; then the store is mounted again.
// ---------------------------------------------------------------------------------------------

use drm_hds::mock::Torn;

/// Where one session stands after a remount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// Active record, every license present.
    Active,
    /// Pending record, every license gone (and its bytes not on the flash).
    Pending,
    /// No record, every license gone.
    Gone,
}

/// Mounts `mem` and classifies session `s` with licenses `lic`; panics on any other state
/// (licenses gone without a pending record, half the licenses, a store that does not mount), and
/// when licenses that were deleted left bytes on the flash.
fn observe(mem: &mut [u8], s: &SessionId, lic: &[FakeLicense]) -> Seen {
    observe_with(mem, s, lic, true)
}

/// [`observe`]; `were_stored` says whether absent licenses were deleted (their bytes must be
/// gone from the flash) or never committed (bytes of an interrupted write may stay in free
/// space: they were never part of the store).
fn observe_with(mem: &mut [u8], s: &SessionId, lic: &[FakeLicense], were_stored: bool) -> Seen {
    let mut store = mount(mem);
    let record = session::load(&mut store, s).unwrap();
    let here: Vec<bool> = lic.iter().map(|l| present(&mut store, l)).collect();
    let all = here.iter().all(|p| *p);
    let none = here.iter().all(|p| !*p);
    let seen = match record.map(|r| r.state()) {
        Some(SessionState::Active) if all => Seen::Active,
        Some(SessionState::Pending) if none => Seen::Pending,
        None if none => Seen::Gone,
        other => panic!("record {other:?} with licenses present {here:?}"),
    };
    store.release();
    if seen != Seen::Active && were_stored {
        // The mount finished any interrupted secure erase: no 16-byte window of a deleted
        // license is left on the flash (checked on the image after the mount).
        for l in lic {
            for window in l.bytes.chunks(16) {
                assert!(!contains(mem, window), "deleted license bytes on flash");
            }
        }
    }
    seen
}

struct CutStats {
    points: u64,
    cut_states: Vec<Seen>,
}

/// Runs `op` on a store mounted from `base` with the power cut after n operations, for every n
/// until `op` completes without a cut; `check` classifies the image after each cut. `done` is
/// the state a successful `op` leaves: an `op` that reported success (its commit was durable,
/// the cut fell in the clean-up after it) must have left it.
fn cut_everywhere(
    base: &[u8],
    torn: Torn,
    done: Seen,
    mut op: impl FnMut(&mut Hds<'_>) -> Result<(), Error>,
    mut check: impl FnMut(&mut [u8]) -> Seen,
) -> CutStats {
    let mut cut_states = Vec::new();
    for n in 0.. {
        let mut mem = base.to_vec();
        let mut flash = MockFlash::new(&mut mem);
        flash.cut_after(n, torn, n.wrapping_mul(0x9E37_79B9) | 1);
        let (lost, ok) = match Store::mount(flash, store_key(), Config::new()) {
            Ok(mut store) => {
                let r = op(&mut store);
                let flash = store.release();
                // The only failure here is the power cut.
                assert!(r.is_ok() || flash.power_lost(), "cut {n}: {r:?}");
                (flash.power_lost(), r.is_ok())
            }
            Err(_) => (true, false),
        };
        let seen = check(&mut mem);
        if ok {
            assert_eq!(seen, done, "cut {n}: success reported");
        }
        if !lost {
            return CutStats {
                points: n,
                cut_states,
            };
        }
        cut_states.push(seen);
    }
    unreachable!()
}

/// Two sessions (s1 with three licenses, s2 with two) on a store with some churn behind it, so
/// that commits have to compact.
struct CutWorld {
    w: World,
    base: Vec<u8>,
    s1: SessionId,
    s2: SessionId,
    l1: Vec<FakeLicense>,
    l2: Vec<FakeLicense>,
}

fn cut_world(seed: u64) -> CutWorld {
    let mut w = world(seed);
    let mut base = vec![0xFF; FLASH_LEN];
    let s1 = SessionId::from_bytes([0xD1; 16]);
    let s2 = SessionId::from_bytes([0xD2; 16]);
    let l1 = fake_licenses(&mut w.test_rng, 3);
    let l2 = fake_licenses(&mut w.test_rng, 2);
    {
        let mut store = format(&mut base);
        store_session(&w, &mut store, s1, &l1);
        store_session(&w, &mut store, s2, &l2);
        for i in 0..40u8 {
            store
                .put(&LICENSES, &[i; 16], &[0xCC; 16], &[i; 200])
                .unwrap();
            store.delete(&LICENSES, &[i; 16], &[0xCC; 16]).unwrap();
        }
        store.release();
    }
    CutWorld {
        w,
        base,
        s1,
        s2,
        l1,
        l2,
    }
}

fn remove_under_cuts(torn: Torn) {
    let c = cut_world(21);
    let sd = client(&c.w.identity, c.w.server_key);
    let len = {
        let mut mem = c.base.clone();
        let mut store = mount(&mut mem);
        sd.challenge_len(&mut store, &c.s1).unwrap()
    };
    let mut rng = c.w.rng.clone();
    let stats = cut_everywhere(
        &c.base,
        torn,
        Seen::Pending,
        |store| {
            let mut out = vec![0u8; len];
            sd.remove(store, &mut rng, &c.s1, &mut out).map(|_| ())
        },
        |mem| {
            assert_eq!(observe(mem, &c.s2, &c.l2), Seen::Active);
            let seen = observe(mem, &c.s1, &c.l1);
            assert_ne!(seen, Seen::Gone);
            seen
        },
    );
    let pending = stats
        .cut_states
        .iter()
        .filter(|s| **s == Seen::Pending)
        .count();
    println!(
        "remove, {torn:?}: {} cut points, {} left the session active, {pending} pending",
        stats.points,
        stats.cut_states.len() - pending
    );
    assert!(stats.points > 10, "the remove wrote something");
    assert!(pending > 0 && pending < stats.cut_states.len());
}

#[test]
fn power_cut_at_every_write_and_erase_during_remove_prefix() {
    remove_under_cuts(Torn::Prefix);
}

#[test]
fn power_cut_at_every_write_and_erase_during_remove_random() {
    remove_under_cuts(Torn::Random);
}

fn response_under_cuts(torn: Torn) {
    let mut c = cut_world(22);
    let sd = client(&c.w.identity, c.w.server_key);
    let challenge = {
        let mut store = mount(&mut c.base);
        let mut out = vec![0u8; sd.challenge_len(&mut store, &c.s1).unwrap()];
        sd.remove(&mut store, &mut c.w.rng, &c.s1, &mut out)
            .unwrap();
        store.release();
        out
    };
    let reply = c.w.server.handle(&challenge);
    assert!(reply.outcome.is_ok());
    let stats = cut_everywhere(
        &c.base,
        torn,
        Seen::Gone,
        |store| sd.process_response(store, reply.xml.as_bytes()).map(|_| ()),
        |mem| {
            assert_eq!(observe(mem, &c.s2, &c.l2), Seen::Active);
            let seen = observe(mem, &c.s1, &c.l1);
            assert_ne!(seen, Seen::Active);
            if seen == Seen::Pending {
                // Still pending: the challenge can be generated and the response processed.
                let mut store = mount(mem);
                let mut rng = InsecureTestRng::seeded(5);
                let mut out = vec![0u8; sd.challenge_len(&mut store, &c.s1).unwrap()];
                sd.generate_challenge(&mut store, &mut rng, &c.s1, &mut out)
                    .unwrap();
                assert_eq!(
                    sd.process_response(&mut store, reply.xml.as_bytes()),
                    Ok(c.s1)
                );
                store.release();
            }
            seen
        },
    );
    let gone = stats
        .cut_states
        .iter()
        .filter(|s| **s == Seen::Gone)
        .count();
    println!(
        "process_response, {torn:?}: {} cut points, {} left the session pending, {gone} removed",
        stats.points,
        stats.cut_states.len() - gone
    );
    assert!(stats.points > 5, "the response wrote something");
    assert!(gone < stats.cut_states.len());
}

#[test]
fn power_cut_at_every_write_and_erase_during_process_response_prefix() {
    response_under_cuts(Torn::Prefix);
}

#[test]
fn power_cut_at_every_write_and_erase_during_process_response_random() {
    response_under_cuts(Torn::Random);
}

// ---------------------------------------------------------------------------------------------
// End to end: licenses acquired from the LicenseServer (drm_core::acquire), delivered with their
// session record (store_session_licenses, over drm_keyexchange's delivery), removed, the
// challenge accepted by the SecureDeleteServer (same backend), the response processed.
// ---------------------------------------------------------------------------------------------

mod end_to_end {
    use super::*;
    use drm_core::acquire::{self, ChallengeParams};
    use drm_keyexchange::{AesCbcDecryptor, KeySlot, Outcome, Report};
    use drm_securedelete::store_session_licenses;
    use drm_servers::license_server::{Grant, LicenseServer};
    use drm_servers::xmr::{KxAlgorithm, KxOperation};
    use drm_target_host::FixedClock;

    const TIME: u64 = 1_700_000_000;

    struct E2e {
        w: World,
        licenses: LicenseServer,
        license_key: [u8; 64],
        root: [u8; 64],
        clock: FixedClock,
    }

    fn e2e(seed: u64) -> E2e {
        let mut ca = Authority::from_seed(seed);
        let dev = ca.provision_device(SL_2000);
        let server_identity = ca.provision_server();
        let mut w = world_for(seed, &mut ca, dev);
        let key = KeyPair::generate(&mut w.test_rng);
        let license_key = key.public();
        let licenses = LicenseServer::new(
            w.backend.clone(),
            key,
            ca.root_public_key(),
            server_identity,
            w.test_rng.fork(),
        );
        E2e {
            w,
            licenses,
            license_key,
            root: ca.root_public_key(),
            clock: FixedClock::new(Some(TIME)),
        }
    }

    impl E2e {
        /// Acquires licenses for `kids`: the SessionID (the response's ResponseID), the licenses'
        /// bytes as the client decoded them, and what the server issued.
        fn fetch(&mut self, kids: &[Kid]) -> (SessionId, Vec<Vec<u8>>, Vec<FakeLicense>) {
            let params = ChallengeParams::new(kids, &self.license_key, TIME);
            let chain_len = self.w.dev.chain.len();
            let sizes = acquire::challenge_sizes(&params, chain_len).unwrap();
            let (mut work, mut out) = (vec![0u8; sizes.work], vec![0u8; sizes.challenge]);
            let (pending, xml) = acquire::write_challenge(
                &params,
                &self.w.identity,
                &mut self.w.rng,
                &mut work,
                &mut out,
            )
            .unwrap();
            let reply = self.licenses.handle(xml);
            let issued = reply.outcome.unwrap().licenses;
            let mut buf = vec![0u8; reply.xml.len()];
            let got = acquire::process_response(
                reply.xml.as_bytes(),
                &pending,
                &self.root,
                Some(TIME),
                &mut buf,
            )
            .unwrap();
            let issued = issued
                .into_iter()
                .map(|l| FakeLicense {
                    kid: Kid::from_bytes(l.kid),
                    lid: Lid::from_bytes(l.lid),
                    bytes: l.xmr,
                })
                .collect();
            (
                got.response_id().unwrap(),
                got.iter().map(<[u8]>::to_vec).collect(),
                issued,
            )
        }

        /// Acquires licenses for `kids` and stores the persistent ones with their session
        /// record; the SessionID, the delivery report and the licenses' bytes.
        fn acquire(
            &mut self,
            store: &mut Hds<'_>,
            kids: &[Kid],
        ) -> (SessionId, Report, Vec<Vec<u8>>) {
            let (session, licenses, _) = self.fetch(kids);
            let mut report = Report::new();
            store_session_licenses(
                store,
                &self.w.identity,
                &session,
                licenses.iter().map(Vec::as_slice),
                &mut report,
            )
            .unwrap();
            (session, report, licenses)
        }

        fn content_key(
            &self,
            store: &mut Hds<'_>,
            kid: &Kid,
        ) -> Result<[u8; 16], drm_keyexchange::Error> {
            drm_keyexchange::content_key(store, &self.w.identity, &self.clock, kid)
                .map(|k| *k.expose_secret())
        }
    }

    fn kid(n: u8) -> Kid {
        Kid::from_bytes([n; 16])
    }

    /// Every 16-byte window of `bytes`, at every offset.
    fn windows(bytes: &[u8]) -> std::collections::HashSet<&[u8]> {
        bytes.windows(16).collect()
    }

    /// Asserts that no 16-byte window of `deleted`, at any offset, is in `memory`, except the
    /// windows some `kept` license shares (object headers, policies) and the windows that
    /// overlap an id of `skip` where the license holds it (ids are not key material; the
    /// pending session record names its KIDs until the response); returns how many windows
    /// were checked.
    fn assert_gone(
        memory: &[u8],
        deleted: &[Vec<u8>],
        kept: &[&Vec<u8>],
        skip: &[[u8; 16]],
    ) -> usize {
        let on_flash = windows(memory);
        let shared: std::collections::HashSet<&[u8]> =
            kept.iter().flat_map(|k| k.windows(16)).collect();
        let mut scanned = 0;
        for license in deleted {
            let ids: Vec<usize> = (0..license.len().saturating_sub(15))
                .filter(|&j| skip.iter().any(|id| license[j..j + 16] == id[..]))
                .collect();
            for (i, window) in license.windows(16).enumerate() {
                if shared.contains(window) || ids.iter().any(|&j| i.abs_diff(j) < 16) {
                    continue;
                }
                scanned += 1;
                assert!(
                    !on_flash.contains(window),
                    "deleted license bytes on flash at license offset {i}: {window:02x?}"
                );
            }
        }
        scanned
    }

    #[test]
    fn acquire_remove_one_session_and_the_others_still_work() {
        let mut e = e2e(40);
        for n in [0xA1, 0xB1, 0xB2, 0xC1] {
            e.licenses.grant([n; 16], Grant::content());
        }
        e.licenses.grant(
            [0xA2; 16],
            Grant::key_exchange(KxAlgorithm::AesCbc, KxOperation::Decrypt),
        );
        e.licenses
            .grant([0xC2; 16], Grant::content().persistent(false));
        let mut mem = vec![0xFF; FLASH_LEN];
        let mut store = format(&mut mem);
        let device = e.w.dev.cert_id;

        let (sa, _, a_licenses) = e.acquire(&mut store, &[kid(0xA1), kid(0xA2)]);
        let (sb, _, b_licenses) = e.acquire(&mut store, &[kid(0xB1), kid(0xB2)]);
        let (sc, report_c, c_licenses) = e.acquire(&mut store, &[kid(0xC1), kid(0xC2)]);
        assert_eq!(e.w.backend.live_persistent(&device), 5);
        // The non-persistent license is verified, not stored, not in the session.
        assert_eq!(report_c[1].outcome, Outcome::NotPersistent);
        for (s, kids) in [
            (sa, vec![kid(0xA1), kid(0xA2)]),
            (sb, vec![kid(0xB1), kid(0xB2)]),
            (sc, vec![kid(0xC1)]),
        ] {
            let r = session::load(&mut store, &s).unwrap().unwrap();
            assert_eq!(
                (r.state(), r.kids()),
                (SessionState::Active, kids.as_slice())
            );
        }
        let b1_key = e.content_key(&mut store, &kid(0xB1)).unwrap();
        assert_eq!(Some(b1_key), e.licenses.content_key(&[0xB1; 16]));

        // Remove session B; the server accepts the challenge and counts two licenses fewer.
        let sd = client(&e.w.identity, e.w.server_key);
        let mut out = vec![0u8; sd.challenge_len(&mut store, &sb).unwrap()];
        sd.remove(&mut store, &mut e.w.rng, &sb, &mut out).unwrap();
        for n in [0xB1, 0xB2] {
            assert_eq!(
                e.content_key(&mut store, &kid(n)),
                Err(drm_keyexchange::Error::LicenseNotFound)
            );
        }
        // Raw flash scan: no 16-byte window of B's licenses at any offset (XMR with the
        // ElGamal-wrapped content keys) is left in the image, except the windows that the kept
        // licenses share (XMR object headers and policies are the same in every license of the
        // server) and those over the KIDs, which the pending session record names.
        let flash = store.release();
        let kept: Vec<&Vec<u8>> = a_licenses.iter().chain(&c_licenses).collect();
        let scanned = assert_gone(
            flash.memory(),
            &b_licenses,
            &kept,
            &[[0xB1; 16], [0xB2; 16]],
        );
        // The wrapped keys (128 bytes each), LIDs and signatures are among them.
        assert!(scanned >= 2 * 128, "only {scanned} windows scanned");
        let mut store = mount(&mut mem);
        let reply = e.w.server.handle(&out);
        let outcome = reply.outcome.unwrap();
        assert_eq!(outcome.session_id, sb.to_bytes());
        assert_eq!(outcome.result, Some(DeleteResult::Deleted { removed: 2 }));
        assert_eq!(e.w.backend.live_persistent(&device), 3);
        assert!(e.w.backend.session(&device, sb.as_bytes()).unwrap().deleted);

        // The response clears the record.
        assert_eq!(
            sd.process_response(&mut store, reply.xml.as_bytes()),
            Ok(sb)
        );
        assert!(session::load(&mut store, &sb).unwrap().is_none());
        assert!(pending(&mut store).is_empty());

        // The other sessions' licenses still work: the content keys are the server's, and the
        // KeyExchangeLicense decrypts what the server encrypts with its key.
        for n in [0xA1, 0xC1] {
            assert_eq!(
                Some(e.content_key(&mut store, &kid(n)).unwrap()),
                e.licenses.content_key(&[n; 16])
            );
        }
        let iv = [0x1F; 16];
        let plain = [0x42u8; 32];
        let mut data = e
            .licenses
            .aes_cbc_encrypt(&[0xA2; 16], &iv, &plain)
            .unwrap();
        let mut slot = KeySlot::new();
        let ctx: AesCbcDecryptor<'_> =
            drm_keyexchange::prepare(&mut slot, &mut store, &e.w.identity, &e.clock, &kid(0xA2))
                .unwrap();
        ctx.decrypt(&iv, &mut data).unwrap();
        ctx.close();
        assert_eq!(data, plain);

        // Session C next: only its one persistent license is counted.
        let mut out = vec![0u8; sd.challenge_len(&mut store, &sc).unwrap()];
        sd.remove(&mut store, &mut e.w.rng, &sc, &mut out).unwrap();
        let reply = e.w.server.handle(&out);
        assert_eq!(
            reply.outcome.unwrap().result,
            Some(DeleteResult::Deleted { removed: 1 })
        );
        assert_eq!(e.w.backend.live_persistent(&device), 2);
        assert_eq!(
            sd.process_response(&mut store, reply.xml.as_bytes()),
            Ok(sc)
        );
        assert!(e.content_key(&mut store, &kid(0xA1)).is_ok());
    }

    /// A KeyExchangeLicense of several keys (KEY-EXCHANGE-FORMAT §2.1) is stored with its
    /// session and securely deleted as any license is: by its KID, every key gone, its bytes
    /// off the flash, counted by the server; another session's license still works.
    #[test]
    fn multi_key_license_is_securely_deleted() {
        use drm_keyexchange::{EcdsaSigner, HmacVerifier, KeyRef, prepare_key};
        let mut e = e2e(42);
        let keys = [
            ([0xE0; 16], KxAlgorithm::AesCbc, KxOperation::Decrypt),
            ([0xE1; 16], KxAlgorithm::HmacSha256, KxOperation::Verify),
            ([0xE2; 16], KxAlgorithm::EcdsaP256, KxOperation::Sign),
        ];
        e.licenses
            .grant([0xA1; 16], Grant::key_exchange_multi(&keys));
        e.licenses.grant([0xA2; 16], Grant::content());
        e.licenses
            .grant([0xB1; 16], Grant::key_exchange_multi(&keys[1..]));
        let mut mem = vec![0xFF; FLASH_LEN];
        let mut store = format(&mut mem);
        let device = e.w.dev.cert_id;
        let (sa, report, a_licenses) = e.acquire(&mut store, &[kid(0xA1), kid(0xA2)]);
        assert!(report.iter().all(|r| r.outcome == Outcome::Stored));
        let (_, _, b_licenses) = e.acquire(&mut store, &[kid(0xB1)]);
        assert_eq!(e.w.backend.live_persistent(&device), 3);
        let r = session::load(&mut store, &sa).unwrap().unwrap();
        assert_eq!(r.kids(), [kid(0xA1), kid(0xA2)].as_slice());

        // Before: A's key 0 decrypts what the server encrypts with it. (The server keeps its
        // sides by key id: B's license reuses the ids 0xE1 and 0xE2, so those sides are B's.)
        let mut slot = KeySlot::new();
        let (id, clock) = (&e.w.identity, &e.clock);
        let ctx: AesCbcDecryptor<'_> = prepare_key(
            &mut slot,
            &mut store,
            id,
            clock,
            &kid(0xA1),
            KeyRef::Index(0),
        )
        .unwrap();
        let iv = [3; 16];
        let mut data = e
            .licenses
            .aes_cbc_encrypt(&[0xE0; 16], &iv, &[7; 32])
            .unwrap();
        ctx.decrypt(&iv, &mut data).unwrap();
        assert_eq!(data, [7; 32]);
        ctx.close();

        let sd = client(&e.w.identity, e.w.server_key);
        let mut out = vec![0u8; sd.challenge_len(&mut store, &sa).unwrap()];
        sd.remove(&mut store, &mut e.w.rng, &sa, &mut out).unwrap();
        for n in 0..3u16 {
            let r = prepare_key::<drm_keyexchange::AesCbcDecrypt, _, _, 32, _, _, _>(
                &mut slot,
                &mut store,
                &e.w.identity,
                &e.clock,
                &kid(0xA1),
                KeyRef::Index(n),
            );
            assert_eq!(r.err(), Some(drm_keyexchange::Error::LicenseNotFound));
        }
        // Raw flash scan, as for single-key licenses: none of A's windows (at any offset) that
        // B's license does not share is left (the wrapped keys of all three key objects among
        // them). The KIDs are not key material: the pending session record names them until
        // the response.
        let flash = store.release();
        let kept: Vec<&Vec<u8>> = b_licenses.iter().collect();
        let scanned = assert_gone(
            flash.memory(),
            &a_licenses,
            &kept,
            &[[0xA1; 16], [0xA2; 16]],
        );
        assert!(scanned >= 3 * 64, "only {scanned} windows scanned");
        let mut store = mount(&mut mem);
        let reply = e.w.server.handle(&out);
        assert_eq!(
            reply.outcome.unwrap().result,
            Some(DeleteResult::Deleted { removed: 2 })
        );
        assert_eq!(e.w.backend.live_persistent(&device), 1);
        assert_eq!(
            sd.process_response(&mut store, reply.xml.as_bytes()),
            Ok(sa)
        );

        // B's license (format 2, other session) still binds each of its keys.
        let verifier: HmacVerifier<'_> = prepare_key(
            &mut slot,
            &mut store,
            &e.w.identity,
            &e.clock,
            &kid(0xB1),
            KeyRef::Index(0),
        )
        .unwrap();
        let tag = e.licenses.hmac_sign(&[0xE1; 16], b"b").unwrap();
        verifier.verify(b"b", &tag).unwrap();
        verifier.close();
        let signer: EcdsaSigner<'_> = prepare_key(
            &mut slot,
            &mut store,
            &e.w.identity,
            &e.clock,
            &kid(0xB1),
            KeyRef::Id(Kid::from_bytes([0xE2; 16])),
        )
        .unwrap();
        let sig = signer.sign(b"b").unwrap();
        assert!(e.licenses.ecdsa_verify(&[0xE2; 16], b"b", &sig).unwrap());
    }

    #[test]
    fn power_cut_at_every_write_and_erase_while_storing_licenses_with_their_session() {
        let mut e = e2e(41);
        for n in [0xD1, 0xD2, 0xD3] {
            e.licenses.grant([n; 16], Grant::content());
        }
        let (session, licenses, issued) = e.fetch(&[kid(0xD1), kid(0xD2), kid(0xD3)]);
        let mut base = vec![0xFF; FLASH_LEN];
        format(&mut base).release();
        let mut report = Report::new();
        let stats = cut_everywhere(
            &base,
            Torn::Random,
            Seen::Active,
            |store| {
                store_session_licenses(
                    store,
                    &e.w.identity,
                    &session,
                    licenses.iter().map(Vec::as_slice),
                    &mut report,
                )
                .map(|n| assert_eq!(n, 3))
            },
            // Either the record and all three licenses, or neither.
            |mem| observe_with(mem, &session, &issued, false),
        );
        let stored = stats
            .cut_states
            .iter()
            .filter(|s| **s == Seen::Active)
            .count();
        println!(
            "store_session_licenses: {} cut points, {} stored, {} nothing",
            stats.points,
            stored,
            stats.cut_states.len() - stored
        );
        assert!(stats.points > 5);
    }
}

/// The seed document's Secure Delete challenge example, as printed there (placeholders for the
/// values).
const SEED_CHALLENGE: &str = r##"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
               xmlns:xsd="http://www.w3.org/2001/XMLSchema"
  xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <ProcessDeleteLicenseData
      xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols">
      <challenge>
        <Challenge
          xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols/messages">
          <DeleteLicenseData
            xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols"
            Id="SignedData">
            <Version>1</Version>
            <SessionID>BASE_64_ENCODED_SESSION_ID</SessionID>
            <KIDS>
              <KID>BASE_64_ENCODED_KID_1</KID>
              <KID>BASE_64_ENCODED_KID_2</KID>
              <KID>BASE_64_ENCODED_KID_3</KID>
            </KIDS>
            <EncryptedData
              xmlns="http://www.w3.org/2001/04/xmlenc#"
              Type="http://www.w3.org/2001/04/xmlenc#Element">
              <EncryptionMethod
                Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc">
              </EncryptionMethod>
              <KeyInfo
                xmlns="http://www.w3.org/2000/09/xmldsig#">
                <EncryptedKey
                  xmlns="http://www.w3.org/2001/04/xmlenc#">
                  <EncryptionMethod
                    Algorithm="http://schemas.microsoft.com/DRM/2007/03/protocols#ecc256">
                  </EncryptionMethod>
                  <KeyInfo
                    xmlns="http://www.w3.org/2000/09/xmldsig#">
                    <KeyName>WMRMServer</KeyName>
                  </KeyInfo>
                  <CipherData>
                    <CipherValue>BASE_64_ENCODED_CIPHER_VALUE</CipherValue>
                  </CipherData>
                </EncryptedKey>
              </KeyInfo>
              <CipherData>
                <CipherValue>BASE_64_ENCODED_CIPHER_VALUE</CipherValue>
              </CipherData>
            </EncryptedData>
          </DeleteLicenseData>
          <Signature
            xmlns="http://www.w3.org/2000/09/xmldsig#">
            <SignedInfo
              xmlns="http://www.w3.org/2000/09/xmldsig#">
              <CanonicalizationMethod
                Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315">
              </CanonicalizationMethod>
              <SignatureMethod
                Algorithm="http://schemas.microsoft.com/DRM/2007/03/protocols#ecdsa-sha256">
              </SignatureMethod>
              <Reference URI="#SignedData">
                <DigestMethod
                  Algorithm="http://schemas.microsoft.com/DRM/2007/03/protocols#sha256">
                </DigestMethod>
                <DigestValue>BASE_64_ENCODED_DIGEST_VALUE</DigestValue>
              </Reference>
            </SignedInfo>
            <SignatureValue>BASE_64_ENCODED_SIGNATURE</SignatureValue>
            <KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">
              <KeyValue>
                <ECCKeyValue>
                  <PublicKey>BASE_64_ENCODED_PUBLIC_KEY</PublicKey>
                </ECCKeyValue>
              </KeyValue>
            </KeyInfo>
          </Signature>
        </Challenge>
      </challenge>
    </ProcessDeleteLicenseData>
  </soap:Body>
</soap:Envelope>"##;

/// One element: depth, namespace, name, attributes, and the text of a leaf whose value is fixed
/// (not a `BASE_64_…` placeholder of the seed).
type Shape = (usize, String, String, Vec<(String, String)>, Option<String>);

/// Every element in document order.
fn shape(xml: &str) -> Vec<Shape> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants()
        .filter(|n| n.is_element())
        .map(|n| {
            let attrs = n
                .attributes()
                .map(|a| (a.name().to_owned(), a.value().to_owned()))
                .collect();
            let text = n
                .text()
                .map(str::trim)
                .filter(|t| !t.is_empty() && !n.children().any(|c| c.is_element()))
                .filter(|t| !t.starts_with("BASE_64_"))
                .map(str::to_owned);
            (
                n.ancestors().count(),
                n.tag_name().namespace().unwrap_or("").to_owned(),
                n.tag_name().name().to_owned(),
                attrs,
                text,
            )
        })
        .collect()
}

#[test]
fn challenge_has_the_seed_examples_structure_to_the_element_and_namespace() {
    let mut w = world(9);
    let mut mem = vec![0xFF; FLASH_LEN];
    let mut store = format(&mut mem);
    let s = SessionId::from_bytes([0xE1; 16]);
    let lic = fake_licenses(&mut w.test_rng, 3);
    store_session(&w, &mut store, s, &lic);
    let sd = client(&w.identity, w.server_key);
    let mut out = vec![0u8; sd.challenge_len(&mut store, &s).unwrap()];
    sd.remove(&mut store, &mut w.rng, &s, &mut out).unwrap();
    let ours = shape(std::str::from_utf8(&out).unwrap());
    let seed = shape(SEED_CHALLENGE);
    assert_eq!(ours.len(), seed.len());
    for (a, b) in ours.iter().zip(&seed) {
        // Same depth, namespace, name and attributes; fixed texts (Version, KeyName) equal;
        // where the seed has a placeholder ours has a value.
        assert_eq!((a.0, &a.1, &a.2, &a.3), (b.0, &b.1, &b.2, &b.3));
        if let Some(fixed) = &b.4 {
            assert_eq!(a.4.as_ref(), Some(fixed), "{}", a.2);
        }
    }
}

#[test]
fn more_licenses_than_one_commit_holds_is_refused_and_changes_nothing() {
    let mut w = world(10);
    let mut mem = vec![0xFF; FLASH_LEN];
    let mut store = format(&mut mem);
    let s = SessionId::from_bytes([0xE2; 16]);
    let kid = Kid::from_bytes([0xE3; 16]);
    // One KID with one license more than a removal can delete in one commit.
    let many: Vec<FakeLicense> = (0..=drm_securedelete::MAX_REMOVE_LICENSES)
        .map(|i| FakeLicense {
            kid,
            lid: Lid::from_bytes([i as u8; 16]),
            bytes: w.test_rng.array::<32>().to_vec(),
        })
        .collect();
    for l in &many {
        store
            .put(&LICENSES, l.kid.as_bytes(), l.lid.as_bytes(), &l.bytes)
            .unwrap();
    }
    let mut buf = [0u8; RECORD_MAX_LEN];
    let mut txn = Transaction::new();
    session::stage_kids(&mut store, &mut txn, &s, &[kid], &mut buf).unwrap();
    store.commit(&txn).unwrap();
    let sd = client(&w.identity, w.server_key);
    let mut out = vec![0u8; sd.challenge_len(&mut store, &s).unwrap()];
    assert_eq!(
        sd.remove(&mut store, &mut w.rng, &s, &mut out),
        Err(Error::TooManyLicenses)
    );
    assert!(many.iter().all(|l| present(&mut store, l)));
    assert!(pending(&mut store).is_empty());
    // One fewer fits.
    store
        .delete(&LICENSES, kid.as_bytes(), many[0].lid.as_bytes())
        .unwrap();
    sd.remove(&mut store, &mut w.rng, &s, &mut out).unwrap();
    assert!(many[1..].iter().all(|l| !present(&mut store, l)));
    assert_eq!(pending(&mut store), vec![s]);
}

/// A device whose AES and SHA-256 are its own engines (here RustCrypto's, counted) computes the
/// challenge through them: the same bytes as the default backend from the same random draws,
/// the server accepts it, and the engines did the work.
mod device_backend {
    use super::*;
    use core::cell::Cell;
    use drm_core::crypto::backend::{AesEngine, BlockCipher, RustCrypto, Sha256Engine, SoftAes128};
    use drm_core::crypto::backend::{SoftSha256, Suite};
    use drm_core::secret::Aes128Key;

    #[derive(Clone, Copy)]
    struct CountedSha<'c>(&'c Cell<usize>);
    impl Sha256Engine for CountedSha<'_> {
        type Hasher = SoftSha256;
        fn hasher(&self) -> SoftSha256 {
            self.0.set(self.0.get() + 1);
            RustCrypto.hasher()
        }
    }

    #[derive(Clone, Copy)]
    struct CountedAes<'c>(&'c Cell<usize>);
    struct Cipher<'c>(SoftAes128, &'c Cell<usize>);
    impl BlockCipher for Cipher<'_> {
        fn encrypt_block(&self, block: &mut [u8; 16]) {
            self.1.set(self.1.get() + 1);
            self.0.encrypt_block(block);
        }
        fn decrypt_block(&self, block: &mut [u8; 16]) {
            self.1.set(self.1.get() + 1);
            self.0.decrypt_block(block);
        }
    }
    impl<'c> AesEngine for CountedAes<'c> {
        type Cipher = Cipher<'c>;
        fn aes128(&self, key: &Aes128Key) -> Cipher<'c> {
            Cipher(RustCrypto.aes128(key), self.0)
        }
    }

    #[test]
    fn the_challenge_is_computed_with_the_devices_engines() {
        let mut w = world(71);
        let (hashes, blocks) = (Cell::new(0), Cell::new(0));
        let engines = SoftwareIdentity::new(
            EccPrivateKey::from_bytes(w.dev.signing_key_bytes()),
            EccPrivateKey::from_bytes(w.dev.encryption_key_bytes()),
            HmacKey::from_bytes([71; 32]),
            w.dev.chain.clone(),
            w.dev.security_level,
        )
        .unwrap()
        .with_crypto(Suite {
            sha: CountedSha(&hashes),
            aes: CountedAes(&blocks),
            p256: RustCrypto,
        });
        let mut mem = vec![0xFFu8; FLASH_LEN];
        let mut store = format(&mut mem);
        let mut rng = TestRng::from_seed(5);
        let licenses = fake_licenses(&mut rng, 2);
        let s = SessionId::from_bytes([0x33; 16]);
        store_session(&w, &mut store, s, &licenses);

        let default = SecureDelete::new(&w.identity)
            .with_server_key(w.server_key)
            .unwrap();
        let device = SecureDelete::new(&engines)
            .with_server_key(w.server_key)
            .unwrap();
        let mut a = vec![0u8; 8192];
        let mut b = vec![0u8; 8192];
        let na = default
            .generate_challenge(&mut store, &mut InsecureTestRng::seeded(9), &s, &mut a)
            .unwrap_err();
        // The session is not pending yet: both refuse the same way, through no engine.
        assert_eq!(
            device.generate_challenge(&mut store, &mut InsecureTestRng::seeded(9), &s, &mut b),
            Err(na)
        );
        let mut out = vec![0u8; 8192];
        default
            .remove(&mut store, &mut InsecureTestRng::seeded(1), &s, &mut out)
            .unwrap();
        let (h0, b0) = (hashes.get(), blocks.get());
        let na = default
            .generate_challenge(&mut store, &mut InsecureTestRng::seeded(9), &s, &mut a)
            .unwrap();
        assert_eq!(
            (hashes.get(), blocks.get()),
            (h0, b0),
            "the default backend"
        );
        let nb = device
            .generate_challenge(&mut store, &mut InsecureTestRng::seeded(9), &s, &mut b)
            .unwrap();
        assert_eq!(a[..na], b[..nb], "the same challenge from the same draws");
        // The signed element's digest, SignedInfo's, and the six of the signature's RFC 6979
        // nonce (its HMAC keyed three times), and every CBC block.
        assert_eq!(hashes.get() - h0, 8);
        // One block per 16 bytes of the padded `Data` plaintext (PKCS#7 adds 1 to 16 bytes).
        let plaintext = b"<Data><CertificateChains><CertificateChain> ".len()
            + w.dev.chain.len().div_ceil(3) * 4
            + b" </CertificateChain></CertificateChains></Data>".len();
        assert_eq!(blocks.get() - b0, plaintext / 16 + 1);
        let reply = w.server.handle(&b[..nb]);
        assert!(matches!(
            reply.outcome.unwrap().result,
            Some(DeleteResult::Deleted { .. })
        ));
    }
}
