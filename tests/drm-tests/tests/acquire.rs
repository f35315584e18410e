//! drm-core's license acquisition client (`drm_core::acquire`) against the simulated license
//! server (PROTOCOL §6): the server parses drm-core's challenge with roxmltree, checks its
//! canonical form, digest, signature, encryption and the device chain, and answers; drm-core
//! processes the answer — licenses, faults, and every flaw the server can put in a response.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use drm_core::acquire::{
    ChallengeParams, Features, PendingAcquisition, challenge_sizes, process_response,
    write_challenge, write_challenge_to,
};
use drm_core::platform::SoftwareIdentity;
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_core::{Error, Kid, xmr};
use drm_servers::crypto::KeyPair;
use drm_servers::error::{STATUS_INVALID_MESSAGE, STATUS_SERVICE_SPECIFIC};
use drm_servers::license_server::{Decision, Grant, LicenseOutcome, LicenseServer, ResponseDefect};
use drm_servers::pki::{Authority, SL_2000};
use drm_servers::xmr::{KxAlgorithm, KxOperation};
use drm_servers::{Backend, ServerError, TestRng};
use drm_target_host::InsecureTestRng;

/// What the client got: the licenses' bytes and the response id.
type Client = (Vec<Vec<u8>>, Option<[u8; 16]>);

struct World {
    server: LicenseServer,
    server_key: [u8; 64],
    root: [u8; 64],
    identity: SoftwareIdentity<Vec<u8>>,
    rng: InsecureTestRng,
}

fn world(seed: u64) -> World {
    let mut ca = Authority::from_seed(seed);
    let dev = ca.provision_device(SL_2000);
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
        rng: InsecureTestRng::seeded(seed + 2),
    }
}

const KID_CONTENT: [u8; 16] = [0x11; 16];
const KID_KX: [u8; 16] = [0x22; 16];
const TIME: u64 = 1_700_000_000;

fn kids() -> [Kid; 2] {
    [Kid::from_bytes(KID_CONTENT), Kid::from_bytes(KID_KX)]
}

fn challenge_with(w: &mut World, params: &ChallengeParams<'_>) -> (PendingAcquisition, Vec<u8>) {
    let sizes = challenge_sizes(params, w.identity_chain_len()).unwrap();
    let mut work = vec![0u8; sizes.work];
    let mut out = vec![0u8; sizes.challenge];
    let (pending, xml) =
        write_challenge(params, &w.identity, &mut w.rng, &mut work, &mut out).unwrap();
    assert_eq!(xml.len(), sizes.challenge, "challenge_sizes is exact");
    (pending, xml.to_vec())
}

impl World {
    fn identity_chain_len(&self) -> usize {
        use drm_core::platform::DeviceIdentity;
        self.identity.certificate_chain().len()
    }

    fn challenge(&mut self, kids: &[Kid]) -> (PendingAcquisition, Vec<u8>) {
        let server_key = self.server_key;
        let params = ChallengeParams::new(kids, &server_key, TIME);
        challenge_with(self, &params)
    }

    fn grant_both(&mut self) {
        self.server.grant(KID_CONTENT, Grant::content());
        self.server.grant(
            KID_KX,
            Grant::key_exchange(KxAlgorithm::AesCbc, KxOperation::Decrypt),
        );
    }

    /// One round trip; the server's outcome and the client's result (licenses copied out).
    fn round_trip(&mut self) -> (Result<LicenseOutcome, ServerError>, Result<Client, Error>) {
        let (pending, xml) = self.challenge(&kids());
        let reply = self.server.handle(&xml);
        let client = process(&reply.xml, &pending, &self.root);
        (reply.outcome, client)
    }
}

fn process(response: &str, pending: &PendingAcquisition, root: &[u8; 64]) -> Result<Client, Error> {
    let mut out = vec![0u8; response.len()];
    let licenses = process_response(response.as_bytes(), pending, root, Some(TIME), &mut out)?;
    Ok((
        licenses.iter().map(<[u8]>::to_vec).collect(),
        licenses.response_id().map(|id| id.to_bytes()),
    ))
}

#[test]
fn server_accepts_the_challenge_and_the_client_reads_its_licenses() {
    let mut w = world(1);
    w.grant_both();
    let (outcome, client) = w.round_trip();
    let outcome = outcome.unwrap();
    // What the server read from drm-core's challenge.
    assert_eq!(outcome.request.kids, vec![KID_CONTENT, KID_KX]);
    assert_eq!(outcome.request.client_time, TIME);
    assert_eq!(
        outcome.request.features,
        vec!["KeyExchange", "KeyExchangeMultiple", "SecureDelete"]
    );
    // What the client read from the server's response.
    let (licenses, response_id) = client.unwrap();
    let issued: Vec<Vec<u8>> = outcome.licenses.iter().map(|l| l.xmr.clone()).collect();
    assert_eq!(licenses, issued);
    assert_eq!(licenses.len(), 2);
    assert_eq!(response_id, Some(outcome.session_id));
    // And they are licenses for this device: drm-core's XMR verifier accepts them.
    for (bytes, issued) in licenses.iter().zip(&outcome.licenses) {
        let parsed = xmr::ParsedLicense::parse(bytes).unwrap();
        let verified = xmr::verify(parsed, &w.identity).unwrap();
        assert_eq!(verified.license().kid().to_bytes(), issued.kid);
    }
}

/// A sink keeping what it is given, in pieces, failing after `fail_after` bytes if set.
struct PieceSink {
    bytes: Vec<u8>,
    pieces: usize,
    fail_after: Option<usize>,
}

impl drm_core::xml::writer::Sink for PieceSink {
    fn write(&mut self, bytes: &[u8]) -> drm_core::Result<()> {
        if self
            .fail_after
            .is_some_and(|n| self.bytes.len() + bytes.len() > n)
        {
            return Err(Error::Platform);
        }
        self.bytes.extend_from_slice(bytes);
        self.pieces += 1;
        Ok(())
    }
    fn len(&self) -> usize {
        self.bytes.len()
    }
}

#[test]
fn a_challenge_streamed_to_a_sink_is_the_buffered_one() {
    let mut w = world(12);
    w.grant_both();
    let server_key = w.server_key;
    let kids = kids();
    let params = ChallengeParams::new(&kids, &server_key, TIME);
    let sizes = challenge_sizes(&params, w.identity_chain_len()).unwrap();
    let mut work = vec![0u8; sizes.work];
    let mut out = vec![0u8; sizes.challenge];
    let mut rng = InsecureTestRng::seeded(99);
    let (p1, buffered) =
        write_challenge(&params, &w.identity, &mut rng, &mut work, &mut out).unwrap();
    let buffered = buffered.to_vec();
    let mut sink = PieceSink {
        bytes: Vec::new(),
        pieces: 0,
        fail_after: None,
    };
    let mut rng = InsecureTestRng::seeded(99);
    let p2 = write_challenge_to(&params, &w.identity, &mut rng, &mut work, &mut sink).unwrap();
    assert_eq!(p1, p2);
    assert_eq!(sink.bytes, buffered, "the same bytes, streamed");
    assert!(sink.pieces > 10, "written in pieces, not held whole");
    // The server accepts it and the client reads the response.
    let reply = w.server.handle(&sink.bytes);
    reply.outcome.unwrap();
    let (licenses, _) = process(&reply.xml, &p2, &w.root).unwrap();
    assert_eq!(licenses.len(), 2);
    // A sink that fails: its error, at every point of the challenge.
    for n in (0..sizes.challenge).step_by(97) {
        let mut sink = PieceSink {
            bytes: Vec::new(),
            pieces: 0,
            fail_after: Some(n),
        };
        assert_eq!(
            write_challenge_to(&params, &w.identity, &mut rng, &mut work, &mut sink),
            Err(Error::Platform),
            "failing after {n} bytes"
        );
    }
    // Bad parameters are refused before anything is written.
    let params = ChallengeParams::new(&[], &server_key, TIME);
    let mut sink = PieceSink {
        bytes: Vec::new(),
        pieces: 0,
        fail_after: None,
    };
    assert_eq!(
        write_challenge_to(&params, &w.identity, &mut rng, &mut work, &mut sink),
        Err(Error::InvalidArgument)
    );
    assert!(sink.bytes.is_empty());
}

#[test]
fn the_nonce_is_random_and_echoed() {
    let mut w = world(2);
    w.grant_both();
    let (p1, _) = w.challenge(&kids());
    let (p2, xml) = w.challenge(&kids());
    assert_ne!(p1.nonce, p2.nonce);
    let reply = w.server.handle(&xml);
    assert_eq!(reply.outcome.unwrap().request.nonce, p2.nonce);
    // The response to the second challenge is not one to the first.
    assert_eq!(
        process(&reply.xml, &p1, &w.root).err(),
        Some(Error::VerificationFailed)
    );
    assert!(process(&reply.xml, &p2, &w.root).is_ok());
}

#[test]
fn features_and_client_version_are_what_the_caller_says() {
    let mut w = world(3);
    w.grant_both();
    let server_key = w.server_key;
    let ks = kids();
    let mut params = ChallengeParams::new(&ks, &server_key, 0);
    params.features = Features {
        key_exchange: true,
        key_exchange_multiple: false,
        secure_delete: false,
    };
    params.client_version = "10.0.16384.10011";
    let (_, xml) = challenge_with(&mut w, &params);
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(text.contains("<CLIENTVERSION>10.0.16384.10011</CLIENTVERSION>"));
    assert!(text.contains("<ClientTime>0</ClientTime>"));
    let outcome = w.server.handle(&xml).outcome.unwrap();
    assert_eq!(outcome.request.features, vec!["KeyExchange"]);
    params.features = Features {
        key_exchange: false,
        key_exchange_multiple: false,
        secure_delete: false,
    };
    // The KeyExchangeLicense asked for needs `KeyExchange`: refused by name, nothing issued.
    let (pending, xml) = challenge_with(&mut w, &params);
    let reply = w.server.handle(&xml);
    assert!(matches!(
        reply.outcome,
        Err(ServerError::FeatureNotAnnounced("KeyExchange"))
    ));
    assert!(
        reply
            .xml
            .contains("did not announce the feature KeyExchange")
    );
    assert_eq!(
        process(&reply.xml, &pending, &w.root).err(),
        Some(Error::SoapFault {
            status: STATUS_SERVICE_SPECIFIC
        })
    );
    // A content license needs no feature.
    let content_only = [Kid::from_bytes(KID_CONTENT)];
    params.kids = &content_only;
    let (_, xml) = challenge_with(&mut w, &params);
    let outcome = w.server.handle(&xml).outcome.unwrap();
    assert!(outcome.request.features.is_empty());
    assert_eq!(outcome.licenses.len(), 1);
}

/// A KeyExchangeLicense of several keys goes only to a client that announced
/// `KeyExchangeMultiple` (KEY-EXCHANGE-FORMAT §4); the client announces it by default.
#[test]
fn several_keys_only_for_a_client_announcing_key_exchange_multiple() {
    let mut w = world(31);
    let keys = [
        ([0x41; 16], KxAlgorithm::HmacSha256, KxOperation::Sign),
        ([0x42; 16], KxAlgorithm::AesCbc, KxOperation::Decrypt),
    ];
    w.server.grant(KID_KX, Grant::key_exchange_multi(&keys));
    let server_key = w.server_key;
    let ks = [Kid::from_bytes(KID_KX)];
    let mut params = ChallengeParams::new(&ks, &server_key, 0);
    assert!(params.features.key_exchange_multiple);
    let (pending, xml) = challenge_with(&mut w, &params);
    let reply = w.server.handle(&xml);
    assert_eq!(reply.outcome.unwrap().licenses.len(), 1);
    assert_eq!(process(&reply.xml, &pending, &w.root).unwrap().0.len(), 1);
    for (key_exchange, multiple, missing) in [
        (true, false, "KeyExchangeMultiple"),
        (false, true, "KeyExchange"),
        (false, false, "KeyExchange"),
    ] {
        params.features = Features {
            key_exchange,
            key_exchange_multiple: multiple,
            secure_delete: true,
        };
        let (pending, xml) = challenge_with(&mut w, &params);
        let reply = w.server.handle(&xml);
        assert!(
            matches!(reply.outcome, Err(ServerError::FeatureNotAnnounced(f)) if f == missing),
            "{missing}"
        );
        assert_eq!(
            process(&reply.xml, &pending, &w.root).err(),
            Some(Error::SoapFault {
                status: STATUS_SERVICE_SPECIFIC
            })
        );
    }
    // A one-key KeyExchangeLicense needs only `KeyExchange`.
    w.server.grant(
        KID_KX,
        Grant::key_exchange(KxAlgorithm::AesCbc, KxOperation::Decrypt),
    );
    params.features = Features {
        key_exchange: true,
        key_exchange_multiple: false,
        secure_delete: false,
    };
    let (_, xml) = challenge_with(&mut w, &params);
    assert_eq!(w.server.handle(&xml).outcome.unwrap().licenses.len(), 1);
}

#[test]
fn bad_parameters_and_small_buffers_are_refused() {
    let mut w = world(4);
    let server_key = w.server_key;
    let ks = kids();
    let many = [Kid::from_bytes([1; 16]); 17];
    let not_a_point = [0xFF; 64];
    for params in [
        ChallengeParams::new(&[], &server_key, TIME),
        ChallengeParams::new(&many, &server_key, TIME),
        ChallengeParams::new(&ks, &not_a_point, TIME),
        ChallengeParams {
            client_version: "1 <x>",
            ..ChallengeParams::new(&ks, &server_key, TIME)
        },
    ] {
        assert_eq!(
            challenge_sizes(&params, 100).err(),
            Some(Error::InvalidArgument)
        );
        let mut work = vec![0u8; 8192];
        let mut out = vec![0u8; 16384];
        assert_eq!(
            write_challenge(&params, &w.identity, &mut w.rng, &mut work, &mut out).err(),
            Some(Error::InvalidArgument)
        );
    }
    let params = ChallengeParams::new(&ks, &server_key, TIME);
    let sizes = challenge_sizes(&params, w.identity_chain_len()).unwrap();
    for (work, out) in [
        (sizes.work - 1, sizes.challenge),
        (sizes.work, sizes.challenge - 1),
        (0, 0),
    ] {
        let mut work = vec![0u8; work];
        let mut out = vec![0u8; out];
        assert_eq!(
            write_challenge(&params, &w.identity, &mut w.rng, &mut work, &mut out).err(),
            Some(Error::BufferTooSmall)
        );
    }
}

#[test]
fn faults_become_typed_errors_with_the_status() {
    let mut w = world(5);
    // No grant for these KIDs: the server refuses with its service-specific status.
    let (outcome, client) = w.round_trip();
    assert!(outcome.is_err());
    let client = client.err();
    assert_eq!(
        client,
        Some(Error::SoapFault {
            status: STATUS_SERVICE_SPECIFIC
        })
    );
    // The error's code is the PlayReady code the fault names (what a C caller gets).
    assert_eq!(client.map(|e| e.code()), Some(STATUS_SERVICE_SPECIFIC));
    w.server
        .set_policy(Box::new(|_| Decision::Fault(0x8004_C3E8)));
    let e = w.round_trip().1.err();
    assert_eq!(
        e,
        Some(Error::SoapFault {
            status: 0x8004_C3E8
        })
    );
    assert_eq!(e.map(|e| e.code()), Some(0x8004_C3E8));
    // A challenge encrypted to another key: the server cannot decrypt it.
    let other = KeyPair::generate(&mut TestRng::from_seed(99)).public();
    let ks = kids();
    let params = ChallengeParams::new(&ks, &other, TIME);
    let (pending, xml) = challenge_with(&mut w, &params);
    let reply = w.server.handle(&xml);
    assert_eq!(reply.outcome.err(), Some(ServerError::Decrypt));
    assert_eq!(
        process(&reply.xml, &pending, &w.root).err(),
        Some(Error::SoapFault {
            status: STATUS_INVALID_MESSAGE
        })
    );
}

#[test]
fn flawed_responses_are_refused() {
    for (defect, expected) in [
        (ResponseDefect::NoNonce, Error::VerificationFailed),
        (ResponseDefect::WrongNonce, Error::VerificationFailed),
        (
            ResponseDefect::TamperAfterSigning,
            Error::VerificationFailed,
        ),
        (ResponseDefect::WrongSigningKey, Error::VerificationFailed),
    ] {
        let mut w = world(6);
        w.grant_both();
        w.server.set_response_defects(vec![defect]);
        let (outcome, client) = w.round_trip();
        assert!(outcome.is_ok());
        assert_eq!(client.err(), Some(expected), "{defect:?}");
    }
    // A chain from another authority.
    let mut w = world(7);
    w.grant_both();
    let other_root = Authority::from_seed(8).root_public_key();
    let (pending, xml) = w.challenge(&kids());
    let reply = w.server.handle(&xml);
    assert_eq!(
        process(&reply.xml, &pending, &other_root).err(),
        Some(Error::InvalidCertificate)
    );
}

#[test]
fn an_injected_second_license_response_is_refused() {
    let mut w = world(9);
    w.grant_both();
    let (pending, xml) = w.challenge(&kids());
    let reply = w.server.handle(&xml);
    assert!(process(&reply.xml, &pending, &w.root).is_ok());
    // Another LicenseResponse after the signed one (unsigned, with a license of its own).
    let start = reply.xml.find("<LicenseResponse ").unwrap();
    let end = reply.xml.find("</LicenseResponse>").unwrap() + "</LicenseResponse>".len();
    let copy = reply.xml[start..end].replace("<License>", "<License>AAAA");
    let mut doubled = reply.xml.clone();
    doubled.insert_str(end, &copy);
    assert_eq!(
        process(&doubled, &pending, &w.root).err(),
        Some(Error::XmlMalformed)
    );
    // A second License list outside LicenseResponse is not read either: only the one inside.
    let extra = reply.xml.replace(
        "</Response>",
        "<Licenses xmlns=\"http://schemas.microsoft.com/DRM/2007/03/protocols\"><License>AAAA</License></Licenses></Response>",
    );
    let (licenses, _) = process(&extra, &pending, &w.root).unwrap();
    assert_eq!(licenses.len(), 2);
}

#[test]
fn every_byte_of_the_response_changed_never_changes_the_licenses() {
    let mut w = world(10);
    w.grant_both();
    let (pending, xml) = w.challenge(&kids());
    let reply = w.server.handle(&xml);
    let good = process(&reply.xml, &pending, &w.root).unwrap();
    let bytes = reply.xml.as_bytes();
    let (mut refused, mut same) = (0, 0);
    // Every 7th byte, alternately with two different flips (the whole sweep takes minutes in a
    // debug build).
    for i in (0..bytes.len()).step_by(7) {
        let flip = if i % 2 == 0 { 0x01u8 } else { 0x20 };
        let mut changed = bytes.to_vec();
        changed[i] ^= flip;
        let mut out = vec![0u8; changed.len()];
        match process_response(&changed, &pending, &w.root, Some(TIME), &mut out) {
            Err(_) => refused += 1,
            Ok(l) => {
                let got: Vec<Vec<u8>> = l.iter().map(<[u8]>::to_vec).collect();
                assert_eq!(got, good.0, "byte {i} ^ {flip:#x} changed the licenses");
                same += 1;
            }
        }
    }
    // Most changes are refused; the rest hit bytes outside what is signed (such as KeyInfo).
    assert!(
        refused > same,
        "{refused} refused, {same} accepted unchanged"
    );
}

#[test]
#[ignore = "writes fuzz/seeds/acquire_response/response.xml; run by hand"]
fn write_fuzz_seed() {
    let mut w = world(1234);
    w.grant_both();
    let (pending, xml) = w.challenge(&kids());
    let reply = w.server.handle(&xml);
    assert!(process(&reply.xml, &pending, &w.root).is_ok());
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/seeds/acquire_response"
    );
    std::fs::write(format!("{dir}/response.xml"), &reply.xml).unwrap();
    println!("root {}", drm_servers::crypto::hex(&w.root));
    println!("nonce {}", drm_servers::crypto::hex(&pending.nonce));
}

/// What the response signature covers: the bytes of `LicenseResponse` as received (its SHA-256 is
/// the `DigestValue`), not their exclusive canonical form that PlayReady's servers sign. The two
/// are the same for a server that sends the canonical form (ours does, PROTOCOL §3); a response
/// reformatted in transit in ways canonicalisation would undo (attribute order and quotes,
/// whitespace inside a tag) is refused with `VerificationFailed`, as a tampered one is, and gives
/// no license. Documented in drm-core's README (`Limits`) and docs/PORTING.md.
#[test]
fn a_response_reformatted_in_transit_is_refused() {
    let mut w = world(41);
    w.grant_both();
    let (pending, xml) = w.challenge(&kids());
    let reply = w.server.handle(&xml);
    reply.outcome.as_ref().unwrap();
    let good = reply.xml.clone();
    assert!(process(&good, &pending, &w.root).is_ok());
    let open = format!(
        "<LicenseResponse xmlns=\"{}\" Id=\"SignedData\">",
        drm_core::xml::ns::PROTOCOLS
    );
    assert!(good.contains(&open), "the server's canonical opening tag");
    for (what, from, to) in [
        (
            "attributes reordered, single quotes",
            open.clone(),
            format!(
                "<LicenseResponse Id='SignedData' xmlns='{}'>",
                drm_core::xml::ns::PROTOCOLS
            ),
        ),
        (
            "whitespace inside a tag",
            "<Version>1</Version>".to_owned(),
            "<Version >1</Version >".to_owned(),
        ),
    ] {
        let reformatted = good.replacen(&from, &to, 1);
        assert_ne!(reformatted, good, "{what}");
        assert_eq!(
            process(&reformatted, &pending, &w.root).err(),
            Some(Error::VerificationFailed),
            "{what}"
        );
    }
}
