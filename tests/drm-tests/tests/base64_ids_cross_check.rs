//! drm-core's no-alloc base64 and id printing against independent code: the `base64` crate
//! (strict standard engine) and a known GUID.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use drm_core::{Error, Kid, base64 as b64};
use drm_servers::TestRng;

#[test]
fn encode_matches_the_base64_crate() {
    let mut rng = TestRng::from_seed(201);
    for len in 0..200usize {
        let mut data = vec![0u8; len];
        rng.fill(&mut data);
        let mut out = vec![0u8; b64::encoded_len(len).unwrap()];
        let ours = b64::encode(&data, &mut out).unwrap();
        assert_eq!(ours, STANDARD.encode(&data));
        let mut back = vec![0u8; len];
        assert_eq!(b64::decode(ours.as_bytes(), &mut back).unwrap(), &data[..]);
    }
}

#[test]
fn decode_accepts_and_refuses_what_the_base64_crate_does() {
    // Random strings over the alphabet plus '=' and a few strangers, of lengths around
    // multiples of 4: both decoders must agree on accept/refuse and on the bytes.
    let symbols = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=== -_\n";
    let mut rng = TestRng::from_seed(202);
    let (mut accepted, mut refused) = (0, 0);
    for i in 0..20_000usize {
        let len = (i % 13) + (i % 3) * 4;
        let mut text: Vec<u8> = (0..len)
            .map(|_| symbols[usize::from(rng.array::<1>()[0]) % symbols.len()])
            .collect();
        // Make a good share of them well-formed-looking: strip strangers, pad to a multiple of 4.
        if i % 2 == 0 {
            text.retain(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/');
            while !text.len().is_multiple_of(4) {
                text.push(b'=');
            }
        }
        let theirs = STANDARD.decode(&text);
        let mut out = [0u8; 64];
        let ours = b64::decode(&text, &mut out);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, &b[..], "{:?}", String::from_utf8_lossy(&text));
                accepted += 1;
            }
            (Err(e), Err(_)) => {
                assert_eq!(e, Error::Base64);
                refused += 1;
            }
            (a, b) => panic!(
                "{:?}: ours {a:?}, base64 crate {b:?}",
                String::from_utf8_lossy(&text)
            ),
        }
    }
    assert!(
        accepted > 1000 && refused > 1000,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn a_published_kid_prints_as_its_guid() {
    // The KID of Microsoft's public PlayReady test stream "SuperSpeedway" as it appears in that
    // stream's WRMHEADER, and its GUID as Python's `uuid.UUID(bytes_le=...)` prints it.
    let kid = Kid::from_base64(b"AmfjCTOPbEOl3WD/5mcecA==").unwrap();
    assert_eq!(kid.to_string(), "09e36702-8f33-436c-a5dd-60ffe6671e70");
    assert_eq!(
        Kid::parse_guid("{09E36702-8F33-436C-A5DD-60FFE6671E70}").unwrap(),
        kid
    );
    let mut buf = [0u8; 24];
    assert_eq!(kid.write_base64(&mut buf), "AmfjCTOPbEOl3WD/5mcecA==");
}
