//! `drm_core::acquire::process_response` on arbitrary bytes. The seed `response.xml` is a real
//! response of the simulated license server (written by the ignored test `write_fuzz_seed` in
//! `tests/drm-tests/tests/acquire.rs`); the root and nonce below are its, so the seed passes
//! every check and mutations start from a fully verified document. Must never panic.
#![no_main]

use drm_core::acquire::{PendingAcquisition, process_response};
use libfuzzer_sys::fuzz_target;

const ROOT: [u8; 64] = hex64(
    b"248b2c57ba44d74e93784e9891a162218361942363851cc2f3cb8445cdf1191d\
863477a97a16c34198d61575cfa038fb3d4204c70d908bfa3ea101b7e8adb54e",
);
const NONCE: [u8; 16] = [
    0xdc, 0xee, 0xb6, 0x42, 0x0b, 0x6a, 0x6e, 0x76, 0xed, 0xe1, 0x11, 0x58, 0x4c, 0x70, 0xfe, 0x20,
];

const fn hex64(s: &[u8]) -> [u8; 64] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            _ => c - b'a' + 10,
        }
    }
    let mut out = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        out[i] = nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]);
        i += 1;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let pending = PendingAcquisition { nonce: NONCE };
    let mut out = [0u8; 8192];
    if let Ok(licenses) = process_response(data, &pending, &ROOT, Some(1_700_000_000), &mut out) {
        assert_eq!(licenses.iter().count(), licenses.len());
        let _ = licenses.response_id();
    }
});
