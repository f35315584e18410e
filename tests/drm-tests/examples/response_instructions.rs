//! Processes one AcquireLicense response of the simulated license server, with six licenses,
//! `ROUNDS` times with `drm_core::acquire::process_response`, for an instruction count under
//! callgrind (`scripts/bench`, section "Acquisition response processing"): the response is built
//! once (server side, not counted), then processed through a function pointer the optimiser
//! cannot see through, so that callgrind's inclusive cost of `process_response` is the client's
//! work alone.
//!
//! `cargo run --release -p drm-tests --example response_instructions` prints the response's size
//! and the licenses processed; it fails when a round does not give back all six licenses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use drm_core::acquire::{
    AcquiredLicenses, ChallengeParams, PendingAcquisition, challenge_sizes, process_response,
    write_challenge,
};
use drm_core::platform::{DeviceIdentity, SoftwareIdentity};
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_core::{Error, Kid};
use drm_servers::crypto::KeyPair;
use drm_servers::license_server::{Grant, LicenseServer};
use drm_servers::pki::{Authority, SL_2000};
use drm_servers::xmr::{KxAlgorithm, KxOperation};
use drm_servers::{Backend, TestRng};
use drm_target_host::InsecureTestRng;

/// Rounds of processing (the figure reported is per round).
const ROUNDS: usize = 10;
/// The licenses of the response: three content licenses and three KeyExchangeLicenses.
const LICENSES: usize = 6;
const TIME: u64 = 1_700_000_000;

type Process = for<'o> fn(
    &[u8],
    &PendingAcquisition,
    &[u8; 64],
    Option<u64>,
    &'o mut [u8],
) -> Result<AcquiredLicenses<'o>, Error>;

fn main() {
    let mut ca = Authority::from_seed(61);
    let dev = ca.provision_device(SL_2000);
    let server_identity = ca.provision_server();
    let mut trng = TestRng::from_seed(62);
    let key = KeyPair::generate(&mut trng);
    let server_key = key.public();
    let root = ca.root_public_key();
    let mut server = LicenseServer::new(Backend::new(), key, root, server_identity, trng.fork());
    let identity = SoftwareIdentity::new(
        EccPrivateKey::from_bytes(dev.signing_key_bytes()),
        EccPrivateKey::from_bytes(dev.encryption_key_bytes()),
        HmacKey::from_bytes([7; 32]),
        dev.chain.clone(),
        dev.security_level,
    )
    .unwrap();

    let kids: Vec<Kid> = (0..LICENSES as u8)
        .map(|i| Kid::from_bytes([0x40 + i; 16]))
        .collect();
    let kx = [
        (KxAlgorithm::AesCbc, KxOperation::Decrypt),
        (KxAlgorithm::EcdsaP256, KxOperation::Sign),
        (KxAlgorithm::HmacSha256, KxOperation::Sign),
    ];
    for (i, kid) in kids.iter().enumerate() {
        let grant = match kx.get(i / 2) {
            Some(&(alg, op)) if i % 2 == 1 => Grant::key_exchange(alg, op),
            _ => Grant::content(),
        };
        server.grant(kid.to_bytes(), grant);
    }
    let params = ChallengeParams::new(&kids, &server_key, TIME);
    let sizes = challenge_sizes(&params, identity.certificate_chain().len()).unwrap();
    let mut work = vec![0u8; sizes.work];
    let mut out = vec![0u8; sizes.challenge];
    let mut rng = InsecureTestRng::seeded(63);
    let (pending, xml) =
        write_challenge(&params, &identity, &mut rng, &mut work, &mut out).unwrap();
    let reply = server.handle(xml);
    let response = reply.xml.as_bytes();

    let process: Process = black_box(process_response);
    let mut licenses = vec![0u8; response.len()];
    for round in 0..ROUNDS {
        let got = process(response, &pending, &root, Some(TIME), &mut licenses)
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(got.len(), LICENSES, "round {round}");
        black_box(&got);
    }
    println!(
        "response of {} bytes with {LICENSES} licenses processed {ROUNDS} times",
        response.len()
    );
}
