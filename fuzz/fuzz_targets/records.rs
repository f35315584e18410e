//! The small decoders, each against its encoder (a decoder checked only by itself proves
//! little): the first byte of the input picks one, the rest is its input.
//!
//! - `drm_securedelete::session::SessionRecord::decode` (a session record read back from the
//!   store): when it accepts bytes, `encode` of the record gives exactly those bytes back (the
//!   format has one encoding per record), its KIDs are distinct and 1 to `MAX_SESSION_KIDS`;
//! - `drm_core::base64::decode` and `decoded_len` (strict RFC 4648): they agree, and when they
//!   accept text, `encode` of the bytes gives exactly that text back;
//! - `drm_core::SessionId::parse_guid`: when it accepts text, `write_guid` gives the same text
//!   lowercased and without braces.
//!
//! Must never panic.
#![no_main]

use drm_core::SessionId;
use drm_core::base64;
use drm_securedelete::session::{MAX_SESSION_KIDS, RECORD_MAX_LEN, SessionRecord, SessionState};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, input)) = data.split_first() else {
        return;
    };
    match pick % 3 {
        0 => session_record(input),
        1 => base64_text(input),
        _ => guid(input),
    }
});

fn session_record(input: &[u8]) {
    let id = SessionId::from_bytes([0x5D; 16]);
    for state in [SessionState::Active, SessionState::Pending] {
        let Ok(record) = SessionRecord::decode(id, state, input) else {
            continue;
        };
        let kids = record.kids();
        assert!(!kids.is_empty() && kids.len() <= MAX_SESSION_KIDS);
        for (i, kid) in kids.iter().enumerate() {
            assert!(!kids[..i].contains(kid), "a KID twice");
        }
        let mut buf = [0u8; RECORD_MAX_LEN];
        let encoded = record.encode(&mut buf).expect("encode of a decoded record");
        assert_eq!(
            encoded, input,
            "decode accepted bytes encode does not write"
        );
    }
}

fn base64_text(input: &[u8]) {
    let mut out = [0u8; 6144];
    let len = base64::decoded_len(input);
    let decoded = base64::decode(input, &mut out);
    match (len, decoded) {
        (Ok(n), Ok(bytes)) => {
            assert_eq!(n, bytes.len());
            let mut text = vec![0u8; base64::encoded_len(n).expect("length")];
            let again = base64::encode(bytes, &mut text).expect("encode");
            assert_eq!(
                again.as_bytes(),
                input,
                "two encodings of the same bytes accepted"
            );
        }
        (Ok(n), Err(e)) => assert!(n > out.len(), "decoded_len accepted, decode said {e:?}"),
        (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) => panic!("decode accepted what decoded_len refused ({e:?})"),
    }
}

fn guid(input: &[u8]) {
    let Ok(text) = core::str::from_utf8(input) else {
        return;
    };
    let Ok(id) = SessionId::parse_guid(text) else {
        return;
    };
    let mut out = [0u8; 36];
    let written = id.write_guid(&mut out);
    let bare = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    assert_eq!(
        written,
        bare.to_ascii_lowercase(),
        "parse and write disagree"
    );
}
