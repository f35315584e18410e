//! The Secure Delete server against challenges built here from the seed's template.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use common::*;
use drm_servers::backend::DeleteResult;
use drm_servers::crypto::KeyPair;
use drm_servers::pki::{Authority, DeviceIdentity, SL_2000};
use drm_servers::secure_delete::{AnswerMode, SecureDeleteServer};
use drm_servers::{Backend, ServerError, TestRng};

struct World {
    backend: Backend,
    server: SecureDeleteServer,
    server_key: [u8; 64],
    dev: DeviceIdentity,
    rng: TestRng,
}

const SESSION: [u8; 16] = [0x5E; 16];
const KIDS: [[u8; 16]; 3] = [[1; 16], [2; 16], [3; 16]];

fn world(seed: u64) -> World {
    let mut ca = Authority::from_seed(seed);
    let dev = ca.provision_device(SL_2000);
    let mut rng = TestRng::from_seed(seed + 1000);
    let key = KeyPair::generate(&mut rng);
    let server_key = key.public();
    let backend = Backend::new();
    backend.record_issue(&dev.cert_id, &SESSION, &KIDS).unwrap();
    let server = SecureDeleteServer::new(backend.clone(), key, ca.root_public_key(), rng.fork());
    World {
        backend,
        server,
        server_key,
        dev,
        rng,
    }
}

fn challenge(w: &mut World, kids: &[[u8; 16]]) -> SdParts {
    sd_challenge(
        &w.dev.chain,
        &w.dev.signing,
        &w.server_key,
        &SESSION,
        kids,
        &mut w.rng,
    )
}

fn response_fields(xml: &str) -> (String, String) {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let r = doc
        .descendants()
        .find(|n| n.has_tag_name((P, "DeleteLicenseResponse")))
        .unwrap();
    let field = |name| {
        r.children()
            .find(|n| n.has_tag_name((P, name)))
            .unwrap()
            .text()
            .unwrap()
            .to_owned()
    };
    let parent = r.parent().unwrap();
    assert!(parent.has_tag_name((M, "Response")));
    assert!(
        parent
            .parent()
            .unwrap()
            .has_tag_name((P, "ProcessDeleteLicenseDataResult"))
    );
    (field("Version"), field("SessionID"))
}

fn fault_status(xml: &str) -> String {
    let doc = roxmltree::Document::parse(xml).unwrap();
    assert!(doc.descendants().any(|n| n.has_tag_name("Fault")));
    doc.descendants()
        .find(|n| n.has_tag_name("StatusCode"))
        .unwrap()
        .text()
        .unwrap()
        .to_owned()
}

#[test]
fn accepts_the_seed_shaped_challenge_and_counts_down() {
    let mut w = world(1);
    assert_eq!(w.backend.live_persistent(&w.dev.cert_id), 3);
    let xml = challenge(&mut w, &KIDS[..2]).xml();
    let reply = w.server.handle(xml.as_bytes());
    let outcome = reply.outcome.unwrap();
    assert_eq!(outcome.session_id, SESSION);
    assert_eq!(outcome.kids, KIDS[..2].to_vec());
    assert_eq!(outcome.device.cert_id, w.dev.cert_id);
    assert_eq!(outcome.result, Some(DeleteResult::Deleted { removed: 2 }));
    assert_eq!(w.backend.live_persistent(&w.dev.cert_id), 1);
    assert!(w.backend.session(&w.dev.cert_id, &SESSION).unwrap().deleted);
    assert_eq!(response_fields(&reply.xml), ("1".to_owned(), b64(&SESSION)));

    // The same challenge again: acknowledged, nothing counted twice.
    let again = w.server.handle(xml.as_bytes());
    assert_eq!(
        again.outcome.unwrap().result,
        Some(DeleteResult::AlreadyDeleted)
    );
    assert_eq!(w.backend.live_persistent(&w.dev.cert_id), 1);
}

#[test]
fn any_change_to_delete_license_data_is_rejected() {
    let mut w = world(2);
    let parts = challenge(&mut w, &KIDS);
    let xml = parts.xml();
    let start = xml.find("<DeleteLicenseData").unwrap();
    let end = start + parts.data.len();
    let mut tried = 0;
    for at in (start..end).step_by(5) {
        let c = xml.as_bytes()[at];
        if !c.is_ascii_alphanumeric() {
            continue;
        }
        let mut bad = xml.clone().into_bytes();
        bad[at] = if c == b'A' { b'B' } else { b'A' };
        let reply = w.server.handle(&bad);
        assert!(reply.outcome.is_err(), "change at {at} accepted");
        assert!(reply.xml.contains("<StatusCode>0x8004c601</StatusCode>"));
        tried += 1;
    }
    assert!(tried > 100, "tried {tried}");
    // A change inside the SessionID text is caught by the digest specifically.
    let at = xml.find("<SessionID>").unwrap() + 12;
    let mut bad = xml.clone().into_bytes();
    bad[at] = if bad[at] == b'A' { b'B' } else { b'A' };
    assert_eq!(
        w.server.handle(&bad).outcome.unwrap_err(),
        ServerError::Digest
    );
    assert_eq!(
        w.backend.live_persistent(&w.dev.cert_id),
        3,
        "nothing counted"
    );
}

#[test]
fn any_change_to_signed_info_is_rejected() {
    let mut w = world(3);
    let parts = challenge(&mut w, &KIDS);
    let xml = parts.xml();
    let start = xml.find("<SignedInfo").unwrap();
    let end = xml.find("</SignedInfo>").unwrap();
    for at in (start..end).step_by(3) {
        let c = xml.as_bytes()[at];
        if !c.is_ascii_alphanumeric() {
            continue;
        }
        let mut bad = xml.clone().into_bytes();
        bad[at] = if c == b'A' { b'B' } else { b'A' };
        assert!(
            w.server.handle(&bad).outcome.is_err(),
            "change at {at} accepted"
        );
    }
    // A SignedInfo whose digest matches changed data, with the old signature: the signature fails.
    let data = parts.data.replacen(&b64(&SESSION), &b64(&[0x5F; 16]), 1);
    let old_sig = {
        let doc = roxmltree::Document::parse(&parts.signature).unwrap();
        let v = doc
            .descendants()
            .find(|n| n.has_tag_name((DSIG, "SignatureValue")))
            .unwrap();
        unb64(v.text().unwrap())
    };
    use sha2::Digest;
    let si = signed_info(&sha2::Sha256::digest(data.as_bytes()));
    let forged = SdParts {
        data,
        signature: signature_with(&si, &old_sig, &w.dev.signing.public()),
    };
    assert_eq!(
        w.server
            .handle(forged.xml().as_bytes())
            .outcome
            .unwrap_err(),
        ServerError::Signature
    );
}

#[test]
fn key_info_must_be_the_chain_signing_key() {
    let mut w = world(4);
    let mut parts = challenge(&mut w, &KIDS);
    // Signed correctly, but by another key than the chain's leaf names.
    let other = KeyPair::generate(&mut w.rng);
    parts.signature = signature(&parts.data, &other.secret_bytes(), &other.public());
    assert_eq!(
        w.server.handle(parts.xml().as_bytes()).outcome.unwrap_err(),
        ServerError::KeyMismatch
    );
    // Signed by the device, but KeyInfo names another key.
    parts.signature = signature(&parts.data, &w.dev.signing.secret_bytes(), &other.public());
    assert_eq!(
        w.server.handle(parts.xml().as_bytes()).outcome.unwrap_err(),
        ServerError::Signature
    );
    // The encryption key is not the signing key.
    parts.signature = signature(
        &parts.data,
        &w.dev.encryption.secret_bytes(),
        &w.dev.encryption.public(),
    );
    assert_eq!(
        w.server.handle(parts.xml().as_bytes()).outcome.unwrap_err(),
        ServerError::KeyMismatch
    );
}

#[test]
fn wrong_server_key_foreign_chain_and_non_canonical_forms_are_rejected() {
    let mut w = world(5);
    // Encrypted to another server key.
    let other = KeyPair::generate(&mut w.rng).public();
    let p = sd_challenge(
        &w.dev.chain,
        &w.dev.signing,
        &other,
        &SESSION,
        &KIDS,
        &mut w.rng,
    );
    assert_eq!(
        w.server.handle(p.xml().as_bytes()).outcome.unwrap_err(),
        ServerError::Decrypt
    );
    // A device of another authority.
    let stranger = Authority::from_seed(99).provision_device(SL_2000);
    let p = sd_challenge(
        &stranger.chain,
        &stranger.signing,
        &w.server_key,
        &SESSION,
        &KIDS,
        &mut w.rng,
    );
    assert!(matches!(
        w.server.handle(p.xml().as_bytes()).outcome,
        Err(ServerError::Chain(_))
    ));
    // Whitespace between elements, or a self-closing tag, in a signed element (re-signed).
    let p = challenge(&mut w, &KIDS);
    let resigned = |w: &mut World, data: String| {
        let signature = signature(
            &data,
            &w.dev.signing.secret_bytes(),
            &w.dev.signing.public(),
        );
        w.server
            .handle(SdParts { data, signature }.xml().as_bytes())
            .outcome
    };
    for data in [
        p.data.replace("<KIDS>", "<KIDS>\n  "),
        p.data.replace("\"></EncryptionMethod>", "\"/>"),
        p.data.replace(
            &format!("<DeleteLicenseData xmlns=\"{P}\" Id=\"SignedData\">"),
            &format!("<DeleteLicenseData Id=\"SignedData\" xmlns=\"{P}\">"),
        ),
        p.data.replace("<KIDS>", &format!("<KIDS xmlns=\"{P}\">")),
    ] {
        assert_ne!(data, p.data);
        let outcome = resigned(&mut w, data);
        assert_eq!(
            outcome.unwrap_err(),
            ServerError::NotCanonical("the signed element")
        );
    }
    // The unchanged data, re-signed the same way, passes.
    assert!(resigned(&mut w, p.data.clone()).is_ok());
}

#[test]
fn malformed_requests_get_faults_not_panics() {
    let mut w = world(6);
    let good = challenge(&mut w, &KIDS).xml();
    let dtd = format!(
        "<!DOCTYPE x [<!ENTITY a \"b\">]>{}",
        &good[good.find("<soap:Envelope").unwrap()..]
    );
    let cases: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"not xml".to_vec(),
        vec![0xFF, 0xFE, 0x00],
        dtd.into_bytes(),
        good.as_bytes()[..good.len() / 2].to_vec(),
        good.replace(M, "urn:other").into_bytes(),
        good.replace("<Version>1</Version>", "<Version>2</Version>")
            .into_bytes(),
        vec![b' '; 2 << 20],
    ];
    for case in cases {
        let r = w.server.handle(&case);
        assert!(r.outcome.is_err());
        assert_eq!(fault_status(&r.xml), "0x8004c601");
    }
    // Every truncation of a valid challenge is refused.
    for cut in (0..good.len()).step_by(97) {
        assert!(w.server.handle(&good.as_bytes()[..cut]).outcome.is_err());
    }
    assert_eq!(w.backend.live_persistent(&w.dev.cert_id), 3);
}

#[test]
fn answer_modes_for_client_tests() {
    let mut w = world(7);
    let xml = challenge(&mut w, &KIDS).xml();

    w.server.set_answer_mode(AnswerMode::OtherSessionId);
    let (v, s) = response_fields(&w.server.handle(xml.as_bytes()).xml);
    assert_eq!(v, "1");
    assert_ne!(s, b64(&SESSION));

    w.server.set_answer_mode(AnswerMode::WrongVersion(7));
    let (v, s) = response_fields(&w.server.handle(xml.as_bytes()).xml);
    assert_eq!((v.as_str(), s), ("7", b64(&SESSION)));

    w.server.set_answer_mode(AnswerMode::Malformed);
    assert!(roxmltree::Document::parse(&w.server.handle(xml.as_bytes()).xml).is_err());

    w.server.set_answer_mode(AnswerMode::Fault(0x8004_C604));
    let r = w.server.handle(xml.as_bytes());
    assert_eq!(fault_status(&r.xml), "0x8004c604");
    assert_eq!(r.outcome.unwrap_err(), ServerError::Refused(0x8004_C604));
}
