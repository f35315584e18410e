//! The license server against AcquireLicense challenges built here (PROTOCOL §6), and its
//! licenses and key exchange keys checked by hand.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use common::*;
use drm_servers::crypto::{
    KeyPair, aes_cbc_decrypt_nopad, aes_cbc_encrypt_nopad, cmac_aes128, ecdsa_verify, hmac_sha256,
};
use drm_servers::license_server::{Decision, Grant, LicenseServer, ResponseDefect};
use drm_servers::pki::{
    Authority, DeviceIdentity, SL_150, SL_2000, USAGE_SIGN_RESPONSE, verify_chain,
};
use drm_servers::secure_delete::SecureDeleteServer;
use drm_servers::xmr::{Defect, KxAlgorithm as A, KxOperation as O};
use drm_servers::{Backend, ServerError, TestRng};
use p256::elliptic_curve::point::AffineCoordinates;
use sha2::Digest;

struct World {
    ca: Authority,
    backend: Backend,
    server: LicenseServer,
    server_key: KeyPair,
    dev: DeviceIdentity,
    rng: TestRng,
}

fn world(seed: u64) -> World {
    let mut ca = Authority::from_seed(seed);
    let dev = ca.provision_device(SL_2000);
    let identity = ca.provision_server();
    let mut rng = TestRng::from_seed(seed + 500);
    let server_key = KeyPair::generate(&mut rng);
    let backend = Backend::new();
    let server = LicenseServer::new(
        backend.clone(),
        server_key.clone(),
        ca.root_public_key(),
        identity,
        rng.fork(),
    );
    World {
        ca,
        backend,
        server,
        server_key,
        dev,
        rng,
    }
}

const NONCE: [u8; 16] = [0x4E; 16];

fn request(w: &mut World, kids: &[[u8; 16]]) -> String {
    la_challenge(
        &w.dev.chain,
        &w.dev.signing,
        &w.server_key.public(),
        kids,
        &NONCE,
        &mut w.rng,
    )
    .xml()
}

/// XMR objects by hand: (type, payload) of every object, depth first.
fn objects(b: &[u8]) -> Vec<(u16, &[u8])> {
    fn walk<'a>(mut b: &'a [u8], out: &mut Vec<(u16, &'a [u8])>) {
        while b.len() >= 8 {
            let flags = u16::from_be_bytes([b[0], b[1]]);
            let ty = u16::from_be_bytes([b[2], b[3]]);
            let len = u32::from_be_bytes(b[4..8].try_into().unwrap()) as usize;
            let payload = &b[8..len];
            out.push((ty, payload));
            if flags & 2 != 0 {
                walk(payload, out);
            }
            b = &b[len..];
        }
    }
    assert_eq!(&b[..4], b"XMR\0");
    let mut out = Vec::new();
    walk(&b[24..], &mut out);
    out
}

fn payload(b: &[u8], ty: u16) -> Option<&[u8]> {
    objects(b)
        .into_iter()
        .find(|(t, _)| *t == ty)
        .map(|(_, p)| p)
}

/// What a client would do: unwrap CI‖CK, check binding and CMAC, and return the key it gets.
fn client_key(xmr: &[u8], dev: &DeviceIdentity) -> Vec<u8> {
    let ck_obj = payload(xmr, 0x000A).unwrap();
    assert_eq!(&ck_obj[18..22], &[0, 3, 0, 128], "ECC-256, 128 bytes");
    let x = dev
        .encryption
        .elgamal_decrypt(&ck_obj[22..150])
        .unwrap()
        .x();
    let (ci, ck): ([u8; 16], [u8; 16]) = (x[..16].try_into().unwrap(), x[16..].try_into().unwrap());
    assert_eq!(
        &payload(xmr, 0x002A).unwrap()[4..],
        &dev.encryption.public(),
        "bound to the device"
    );
    let n = xmr.len();
    assert_eq!(
        &xmr[n - 28..n - 16],
        &[0, 1, 0, 0x0B, 0, 0, 0, 28, 0, 1, 0, 16]
    );
    assert_eq!(cmac_aes128(&ci, &xmr[..n - 28]), xmr[n - 16..], "CMAC");
    match payload(xmr, 0x7E02) {
        None => ck.to_vec(),
        Some(p) => {
            let len = u16::from_be_bytes([p[18], p[19]]) as usize;
            aes_cbc_decrypt_nopad(&ck, &p[20..36].try_into().unwrap(), &p[36..36 + len]).unwrap()
        }
    }
}

fn node<'a, 'i>(doc: &'a roxmltree::Document<'i>, ns: &str, name: &str) -> roxmltree::Node<'a, 'i> {
    doc.descendants()
        .find(|n| n.has_tag_name((ns, name)))
        .unwrap()
}

fn raw<'i>(doc: &roxmltree::Document<'i>, n: roxmltree::Node<'_, 'i>) -> &'i str {
    &doc.input_text()[n.range()]
}

/// The response's `LicenseResponse` fields, after checking its signature by hand.
fn check_response(root: &[u8; 64], xml: &str) -> (Vec<Vec<u8>>, Option<Vec<u8>>, Vec<u8>) {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let lr = node(&doc, P, "LicenseResponse");
    let response = lr.parent().unwrap();
    assert!(response.has_tag_name((M, "Response")));
    assert!(
        response
            .parent()
            .unwrap()
            .has_tag_name((P, "AcquireLicenseResult"))
    );
    let field = |name: &str| {
        lr.children()
            .find(|n| n.has_tag_name((P, name)))
            .map(|n| unb64(n.text().unwrap()))
    };
    let chain = field("SigningCertificateChain").unwrap();
    let parsed = verify_chain(&chain, root).unwrap();
    let signer = *parsed.certs[0].key_with_usage(USAGE_SIGN_RESPONSE).unwrap();
    let digest = unb64(node(&doc, DSIG, "DigestValue").text().unwrap());
    assert_eq!(
        digest,
        sha2::Sha256::digest(raw(&doc, lr).as_bytes()).to_vec(),
        "digest"
    );
    let sig = unb64(node(&doc, DSIG, "SignatureValue").text().unwrap());
    assert!(
        ecdsa_verify(
            &signer,
            raw(&doc, node(&doc, DSIG, "SignedInfo")).as_bytes(),
            &sig
        ),
        "signature"
    );
    assert_eq!(
        lr.children()
            .find(|n| n.has_tag_name((P, "Version")))
            .unwrap()
            .text(),
        Some("1")
    );
    let licenses = node(&doc, P, "Licenses")
        .children()
        .map(|n| unb64(n.text().unwrap()))
        .collect();
    (
        licenses,
        field("LicenseNonce"),
        field("ResponseID").unwrap(),
    )
}

#[test]
fn issues_every_license_kind_and_the_inverse_operations_agree() {
    let mut w = world(1);
    let kids: Vec<[u8; 16]> = (1..=8).map(|i| [i; 16]).collect();
    w.server.grant(kids[0], Grant::content());
    w.server
        .grant(kids[1], Grant::key_exchange(A::AesCbc, O::Decrypt));
    w.server
        .grant(kids[2], Grant::key_exchange(A::AesCbc, O::Encrypt));
    w.server
        .grant(kids[3], Grant::key_exchange(A::HmacSha256, O::Sign));
    w.server
        .grant(kids[4], Grant::key_exchange(A::HmacSha256, O::Verify));
    w.server.grant(
        kids[5],
        Grant::key_exchange(A::EcdsaP256, O::Sign).expires(10, 20),
    );
    w.server.grant(
        kids[6],
        Grant::key_exchange(A::EcdsaP256, O::Verify).level(2000),
    );
    w.server.grant(kids[7], Grant::content().persistent(false));
    let mut asked = kids.clone();
    asked.push([0xEE; 16]); // not granted: skipped
    let xml = request(&mut w, &asked);
    let reply = w.server.handle(xml.as_bytes());
    let outcome = reply.outcome.unwrap();
    assert_eq!(outcome.request.kids, asked);
    assert_eq!(
        outcome.request.features,
        vec!["KeyExchange", "KeyExchangeMultiple", "SecureDelete"]
    );
    assert_eq!(outcome.request.client_time, 1_700_000_000);
    assert_eq!(outcome.request.device.cert_id, w.dev.cert_id);

    let (licenses, nonce, response_id) = check_response(&w.ca.root_public_key(), &reply.xml);
    assert_eq!(nonce.unwrap(), NONCE);
    assert_eq!(response_id, outcome.session_id);
    assert_eq!(licenses.len(), 8);
    let keys: Vec<Vec<u8>> = licenses.iter().map(|l| client_key(l, &w.dev)).collect();
    for (i, l) in licenses.iter().enumerate() {
        assert_eq!(&payload(l, 0x000A).unwrap()[..16], &kids[i]);
        let kt = u16::from_be_bytes(payload(l, 0x000A).unwrap()[16..18].try_into().unwrap());
        assert_eq!(kt, if i == 0 || i == 7 { 1 } else { 6 });
    }
    assert_eq!(keys[0], w.server.content_key(&kids[0]).unwrap());
    assert_eq!(
        payload(&licenses[5], 0x0012).unwrap(),
        &[0, 0, 0, 10, 0, 0, 0, 20]
    );
    assert_eq!(
        payload(&licenses[6], 0x0034).unwrap(),
        &2000u16.to_be_bytes()
    );
    assert_eq!(
        payload(&licenses[7], 0x000D).unwrap(),
        &[0, 1],
        "cannot persist"
    );
    assert_eq!(
        payload(&licenses[1], 0x7E01).unwrap(),
        &[0, 1, 0, 1, 0, 2, 0, 0]
    );

    let iv = [7u8; 16];
    let data = [0x42u8; 48];
    // AES decrypt license: the server encrypts, the client decrypts.
    let ct = w.server.aes_cbc_encrypt(&kids[1], &iv, &data).unwrap();
    assert_eq!(
        aes_cbc_decrypt_nopad(&keys[1].clone().try_into().unwrap(), &iv, &ct).unwrap(),
        data
    );
    // AES encrypt license: the client encrypts, the server decrypts.
    let ct = aes_cbc_encrypt_nopad(&keys[2].clone().try_into().unwrap(), &iv, &data).unwrap();
    assert_eq!(w.server.aes_cbc_decrypt(&kids[2], &iv, &ct).unwrap(), data);
    // HMAC sign license: the client signs, the server verifies.
    assert_eq!(keys[3].len(), 32);
    let tag = hmac_sha256(&keys[3], b"msg");
    assert!(w.server.hmac_verify(&kids[3], b"msg", &tag).unwrap());
    assert!(!w.server.hmac_verify(&kids[3], b"msh", &tag).unwrap());
    // HMAC verify license: the server signs, the client verifies.
    assert_eq!(
        hmac_sha256(&keys[4], b"msg"),
        w.server.hmac_sign(&kids[4], b"msg").unwrap()
    );
    // ECDSA sign license: the client holds the private scalar, the server verifies.
    let client = KeyPair::from_secret_bytes(&keys[5].clone().try_into().unwrap()).unwrap();
    assert!(
        w.server
            .ecdsa_verify(&kids[5], b"msg", &client.sign(b"msg"))
            .unwrap()
    );
    assert!(
        !w.server
            .ecdsa_verify(&kids[5], b"msh", &client.sign(b"msg"))
            .unwrap()
    );
    assert!(
        w.server.ecdsa_sign(&kids[5], b"msg").is_err(),
        "no private key on the server"
    );
    // ECDSA verify license: the server signs, the client verifies with the public key.
    assert_eq!(keys[6].len(), 64);
    assert!(ecdsa_verify(
        &keys[6],
        b"msg",
        &w.server.ecdsa_sign(&kids[6], b"msg").unwrap()
    ));
    // Keys are kept per algorithm.
    assert!(w.server.hmac_sign(&kids[1], b"x").is_err());
    assert!(w.server.aes_cbc_encrypt(&kids[3], &iv, &data).is_err());

    // Seven persistent licenses in one session, the session id being the ResponseID.
    assert_eq!(w.backend.live_persistent(&w.dev.cert_id), 7);
    let session = w
        .backend
        .session(&w.dev.cert_id, &outcome.session_id)
        .unwrap();
    assert_eq!(session.kids, kids[..7].to_vec());

    // End to end with the Secure Delete server on the same backend.
    let mut sd = SecureDeleteServer::new(
        w.backend.clone(),
        w.server_key.clone(),
        w.ca.root_public_key(),
        w.rng.fork(),
    );
    let c = sd_challenge(
        &w.dev.chain,
        &w.dev.signing,
        &sd.public_key(),
        &outcome.session_id,
        &kids[..7],
        &mut w.rng,
    );
    assert!(sd.handle(c.xml().as_bytes()).outcome.is_ok());
    assert_eq!(w.backend.live_persistent(&w.dev.cert_id), 0);
}

#[test]
fn rejects_tampered_or_foreign_challenges() {
    let mut w = world(2);
    w.server.grant([1; 16], Grant::content());
    let parts = la_challenge(
        &w.dev.chain,
        &w.dev.signing,
        &w.server_key.public(),
        &[[1; 16]],
        &NONCE,
        &mut w.rng,
    );
    let xml = parts.xml();
    assert!(w.server.handle(xml.as_bytes()).outcome.is_ok());
    // One changed character anywhere in LA's text content or SignedInfo.
    for marker in [
        "<LicenseNonce>",
        "<ClientTime>",
        "<CLIENTVERSION>",
        "VALUE=\"",
        "<DigestValue>",
    ] {
        let at = xml.find(marker).unwrap() + marker.len() + 1;
        let mut bad = xml.clone().into_bytes();
        bad[at] = if bad[at] == b'A' { b'B' } else { b'A' };
        let r = w.server.handle(&bad);
        assert!(
            matches!(r.outcome, Err(ServerError::Digest)),
            "{marker}: {:?}",
            r.outcome
        );
        assert!(r.xml.contains("soap:Fault"));
    }
    // Signed by another key than the leaf's signing key.
    let other = KeyPair::generate(&mut w.rng);
    let bad = LaParts {
        la: parts.la.clone(),
        signature: signature(&parts.la, &other.secret_bytes(), &other.public()),
    };
    assert_eq!(
        w.server.handle(bad.xml().as_bytes()).outcome.unwrap_err(),
        ServerError::KeyMismatch
    );
    // No xml:space="preserve" on LA (re-signed, so only the structure is wrong).
    let la = parts.la.replace(" xml:space=\"preserve\"", "");
    let sig = signature(&la, &w.dev.signing.secret_bytes(), &w.dev.signing.public());
    assert!(matches!(
        w.server
            .handle(LaParts { la, signature: sig }.xml().as_bytes())
            .outcome,
        Err(ServerError::Structure(_))
    ));
    // Encrypted to another server.
    let c = la_challenge(
        &w.dev.chain,
        &w.dev.signing,
        &other.public(),
        &[[1; 16]],
        &NONCE,
        &mut w.rng,
    );
    assert_eq!(
        w.server.handle(c.xml().as_bytes()).outcome.unwrap_err(),
        ServerError::Decrypt
    );
    // Nothing granted for the KID asked for: a fault with a status.
    let c = request(&mut w, &[[9; 16]]);
    let r = w.server.handle(c.as_bytes());
    assert_eq!(r.outcome.unwrap_err(), ServerError::Refused(0x8004_C604));
    assert!(r.xml.contains("<StatusCode>0x8004c604</StatusCode>"));
    assert_eq!(
        w.backend.live_persistent(&w.dev.cert_id),
        1,
        "only the first request issued"
    );
}

#[test]
fn a_policy_decides_from_the_request() {
    let mut w = world(3);
    w.server.set_policy(Box::new(|req| {
        if req.device.security_level < 3000 {
            Decision::Issue(
                req.kids
                    .iter()
                    .map(|k| (*k, Grant::content().level(SL_150 as u16)))
                    .collect(),
            )
        } else {
            Decision::Fault(0x8004_C600)
        }
    }));
    let xml = request(&mut w, &[[1; 16], [2; 16]]);
    assert_eq!(
        w.server
            .handle(xml.as_bytes())
            .outcome
            .unwrap()
            .licenses
            .len(),
        2
    );
    let high = w.ca.provision_device(3000);
    let c = la_challenge(
        &high.chain,
        &high.signing,
        &w.server_key.public(),
        &[[1; 16]],
        &NONCE,
        &mut w.rng,
    );
    let r = w.server.handle(c.xml().as_bytes());
    assert_eq!(r.outcome.unwrap_err(), ServerError::Refused(0x8004_C600));
}

#[test]
fn license_and_response_defects_reach_the_client() {
    let mut w = world(4);
    let other_device = w.ca.provision_device(SL_2000);
    w.server.grant(
        [1; 16],
        Grant::content().defect(Defect::UnknownObject {
            must_understand: true,
        }),
    );
    w.server.grant(
        [2; 16],
        Grant {
            bind_to: Some(other_device.encryption.public()),
            ..Grant::content()
        },
    );
    let xml = request(&mut w, &[[1; 16], [2; 16]]);
    let reply = w.server.handle(xml.as_bytes());
    let (licenses, _, _) = check_response(&w.ca.root_public_key(), &reply.xml);
    assert!(payload(&licenses[0], 0x00F0).is_some());
    assert_eq!(
        &payload(&licenses[1], 0x002A).unwrap()[4..],
        &other_device.encryption.public()
    );
    assert_eq!(
        client_key(&licenses[1], &other_device).len(),
        16,
        "the other device can use it"
    );

    for (defect, check) in [
        (ResponseDefect::NoNonce, "no nonce"),
        (ResponseDefect::WrongNonce, "wrong nonce"),
        (ResponseDefect::WrongSigningKey, "bad signature"),
        (ResponseDefect::TamperAfterSigning, "bad digest"),
    ] {
        w.server.set_response_defects(vec![defect]);
        let xml = request(&mut w, &[[1; 16]]);
        let body = w.server.handle(xml.as_bytes()).xml;
        let root = w.ca.root_public_key();
        let checked = std::panic::catch_unwind(|| check_response(&root, &body));
        match defect {
            ResponseDefect::NoNonce => assert!(checked.unwrap().1.is_none(), "{check}"),
            ResponseDefect::WrongNonce => assert_ne!(checked.unwrap().1.unwrap(), NONCE, "{check}"),
            _ => assert!(checked.is_err(), "{check}"),
        }
    }
}
