//! `drm_securedelete::process_response` on arbitrary bytes, against a store on the mock flash
//! that holds a pending session S1 (`[0xA1; 16]`, removed with `SecureDelete::remove`) and an
//! active session S2 (`[0xA2; 16]`). Must never panic, and:
//!
//! - `process_response` fails exactly when `response::parse` fails, with the same error, or with
//!   `InvalidResponse` when the SessionID parsed is not S1;
//! - a failure changes nothing (S1 still pending, S2 still active);
//! - a success returns S1 and removes S1's record only.
//!
//! Failing inputs run on one store kept across inputs (they must not change it); an input that
//! parses to S1 runs on a fresh copy of the image.
#![no_main]

use std::sync::{Mutex, OnceLock};

use drm_core::SessionId;
use drm_core::platform::SoftwareIdentity;
use drm_core::secret::{EccPrivateKey, HmacKey};
use drm_hds::mock::MockFlash;
use drm_hds::{Config, Store, Transaction};
use drm_securedelete::session::{self, RECORD_MAX_LEN, SessionState};
use drm_securedelete::{Error, LICENSES, SecureDelete, process_response, response};
use drm_target_host::InsecureTestRng;
use libfuzzer_sys::fuzz_target;

type Hds<'a> = Store<MockFlash<'a, 4, 4096>>;

const S1: SessionId = SessionId::from_bytes([0xA1; 16]);
const S2: SessionId = SessionId::from_bytes([0xA2; 16]);
const FLASH_LEN: usize = 8 * 4096;

fn key() -> HmacKey {
    HmacKey::from_bytes([0x33; 32])
}

/// The image: S1 and S2 with two licenses each, then S1 removed.
fn base() -> &'static [u8] {
    static BASE: OnceLock<Vec<u8>> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut mem = vec![0xFF; FLASH_LEN];
        let mut store: Hds<'_> =
            Store::format(MockFlash::new(&mut mem), key(), Config::new()).unwrap();
        for (s, tag) in [(S1, 1u8), (S2, 2u8)] {
            let kids = [
                drm_core::Kid::from_bytes([tag; 16]),
                drm_core::Kid::from_bytes([tag + 10; 16]),
            ];
            let mut buf = [0u8; RECORD_MAX_LEN];
            let mut txn = Transaction::new();
            for kid in &kids {
                txn.put(&LICENSES, kid.as_bytes(), &[tag; 16], b"license")
                    .unwrap();
            }
            session::stage_kids(&mut store, &mut txn, &s, &kids, &mut buf).unwrap();
            store.commit(&txn).unwrap();
        }
        let identity = SoftwareIdentity::new(
            EccPrivateKey::from_bytes([0x11; 32]),
            EccPrivateKey::from_bytes([0x22; 32]),
            HmacKey::from_bytes([0x44; 32]),
            &b"CHAI"[..],
            150,
        )
        .unwrap();
        let sd = SecureDelete::new(&identity);
        let mut out = vec![0u8; sd.challenge_len(&mut store, &S1).unwrap()];
        sd.remove(&mut store, &mut InsecureTestRng::seeded(1), &S1, &mut out)
            .unwrap();
        drop(store);
        mem
    })
}

fn mount(mem: &mut [u8]) -> Hds<'_> {
    Store::mount(MockFlash::new(mem), key(), Config::new()).unwrap()
}

fn state(store: &mut Hds<'_>, s: &SessionId) -> Option<SessionState> {
    session::load(store, s).unwrap().map(|r| r.state())
}

/// The store failing inputs run on.
fn shared() -> &'static Mutex<Hds<'static>> {
    static SHARED: OnceLock<Mutex<Hds<'static>>> = OnceLock::new();
    SHARED.get_or_init(|| Mutex::new(mount(Box::leak(base().to_vec().into_boxed_slice()))))
}

fuzz_target!(|data: &[u8]| {
    let parsed = response::parse(data);
    match parsed {
        Ok(id) if id == S1 => {
            let mut mem = base().to_vec();
            let mut store = mount(&mut mem);
            assert_eq!(process_response(&mut store, data), Ok(S1));
            assert_eq!(state(&mut store, &S1), None);
            assert_eq!(state(&mut store, &S2), Some(SessionState::Active));
        }
        _ => {
            let mut store = shared().lock().unwrap();
            let got = process_response(&mut store, data);
            match parsed {
                Ok(_) => assert_eq!(got, Err(Error::InvalidResponse)),
                Err(e) => assert_eq!(got, Err(e)),
            }
            assert_eq!(state(&mut store, &S1), Some(SessionState::Pending));
            assert_eq!(state(&mut store, &S2), Some(SessionState::Active));
        }
    }
});
