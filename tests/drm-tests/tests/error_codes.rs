//! The kit's one table of error codes: every error of the four library crates and every
//! `DRM_E_*` constant of the C ABI, with its code, in `docs/ERRORS.md`. The test builds the table
//! from the error values themselves (their `code()` and `Display`) and fails when the committed
//! file differs (`UPDATE_ERRORS_MD=1 cargo test -p drm-tests --test error_codes` rewrites it), so
//! the document cannot drift from the code. It also checks the rules the codes follow: one code,
//! one condition (a code two crates share means the same thing in both), each crate's own codes
//! in its own range, and every C constant equal to the code of the error it stands for.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use embedded_storage::nor_flash::NorFlashErrorKind;

struct Row {
    krate: &'static str,
    name: String,
    code: u32,
    text: String,
}

fn row(krate: &'static str, e: &(impl core::fmt::Debug + core::fmt::Display), code: u32) -> Row {
    let name = format!("{e:?}");
    Row {
        krate,
        name,
        code,
        text: e.to_string(),
    }
}

fn rows() -> Vec<Row> {
    use drm_core::Error as C;
    use drm_hds::Error as H;
    use drm_keyexchange::Error as K;
    use drm_securedelete::Error as S;
    let mut v = Vec::new();
    for e in [
        C::InvalidArgument,
        C::BufferTooSmall,
        C::Base64,
        C::Malformed,
        C::UnknownMustUnderstand,
        C::RequiredObjectMissing,
        C::VerificationFailed,
        C::NotBound,
        C::InvalidCertificate,
        C::KeyNotFound,
        C::Unsupported,
        C::UnsupportedSignatureType,
        C::LicenseKeyNotFound,
        C::LicenseExpired,
        C::LicenseNotYetValid,
        C::ClockNotSet,
        C::SecurityLevelTooLow,
        C::XmlMalformed,
        C::XmlTooLarge,
        C::XmlTooDeep,
        C::XmlForbidden,
        C::SoapFault { status: 0 },
        C::Rng,
        C::Platform,
        C::LogicBug,
    ] {
        v.push(row("drm-core", &e, e.code()));
    }
    for e in [
        H::NotFound,
        H::BufferTooSmall,
        H::StoreFull,
        H::Integrity,
        H::Rollback,
        H::NotFormatted,
        H::UnsupportedFlash,
        H::InvalidArgument,
        H::TransactionFull,
        H::Collision,
        H::Flash(NorFlashErrorKind::Other),
        H::Counter,
        H::FormatVersion { found: 2 },
        H::LogicBug,
    ] {
        v.push(row("drm-hds", &e, e.code()));
    }
    for e in [
        K::LicenseNotFound,
        K::OperationNotAllowed,
        K::NotKeyExchangeLicense,
        K::KeyExchangeLicenseNotContentKey,
        K::TooManyLicenses,
        K::LicenseTooLarge,
        K::VaultFull,
        K::UnknownKeyHandle,
        K::LogicBug,
    ] {
        v.push(row("drm-keyexchange", &e, e.code()));
    }
    for e in [
        S::InvalidResponse,
        S::SoapFault { status: 0 },
        S::SessionNotFound,
        S::SessionPending,
        S::SessionNotPending,
        S::TooManyKids,
        S::TooManyLicenses,
        S::CorruptRecord,
        S::BufferTooSmall { needed: 0 },
    ] {
        v.push(row("drm-securedelete", &e, e.code()));
    }
    v
}

/// The C ABI's constants (drm_capi.h, generated from these by cbindgen).
fn c_constants() -> Vec<(&'static str, u32)> {
    use drm_capi::types::*;
    let c = |x: DRM_RESULT| x as u32;
    vec![
        ("DRM_E_INVALIDARG", c(DRM_E_INVALIDARG)),
        ("DRM_E_BUFFERTOOSMALL", c(DRM_E_BUFFERTOOSMALL)),
        ("DRM_E_INVALID_SIGNATURE", c(DRM_E_INVALID_SIGNATURE)),
        ("DRM_E_LICENSE_NOT_FOUND", c(DRM_E_LICENSE_NOT_FOUND)),
        (
            "DRM_E_LICENSE_KEY_NOT_FOUND",
            c(DRM_E_LICENSE_KEY_NOT_FOUND),
        ),
        ("DRM_E_LICENSE_EXPIRED", c(DRM_E_LICENSE_EXPIRED)),
        ("DRM_E_CLOCK_NOT_SET", c(DRM_E_CLOCK_NOT_SET)),
        ("DRM_E_DST_STORE_FULL", c(DRM_E_DST_STORE_FULL)),
        ("DRM_E_DST_CORRUPTED", c(DRM_E_DST_CORRUPTED)),
        ("DRM_E_HDS_NOT_FORMATTED", c(DRM_E_HDS_NOT_FORMATTED)),
        (
            "DRM_E_HDS_UNSUPPORTED_FLASH",
            c(DRM_E_HDS_UNSUPPORTED_FLASH),
        ),
        ("DRM_E_HDS_FLASH", c(DRM_E_HDS_FLASH)),
        ("DRM_E_HDS_COUNTER", c(DRM_E_HDS_COUNTER)),
        ("DRM_E_HDS_FORMAT_VERSION", c(DRM_E_HDS_FORMAT_VERSION)),
        ("DRM_E_HDS_ROLLBACK", c(DRM_E_HDS_ROLLBACK)),
        ("DRM_E_RNG", c(DRM_E_RNG)),
        ("DRM_E_PLATFORM", c(DRM_E_PLATFORM)),
        (
            "DRM_E_KX_OPERATION_NOT_ALLOWED",
            c(DRM_E_KX_OPERATION_NOT_ALLOWED),
        ),
        (
            "DRM_E_KX_NOT_KEY_EXCHANGE_LICENSE",
            c(DRM_E_KX_NOT_KEY_EXCHANGE_LICENSE),
        ),
        (
            "DRM_E_INVALID_SECURE_DELETE_RESPONSE",
            c(DRM_E_INVALID_SECURE_DELETE_RESPONSE),
        ),
        ("DRM_E_SD_SESSION_NOT_FOUND", c(DRM_E_SD_SESSION_NOT_FOUND)),
        ("DRM_E_SD_SESSION_PENDING", c(DRM_E_SD_SESSION_PENDING)),
        (
            "DRM_E_SD_SESSION_NOT_PENDING",
            c(DRM_E_SD_SESSION_NOT_PENDING),
        ),
        ("DRM_E_LOGIC", c(DRM_E_LOGIC)),
        ("DRM_E_CAPI_NOT_INITIALIZED", c(DRM_E_CAPI_NOT_INITIALIZED)),
        ("DRM_E_CAPI_BUSY", c(DRM_E_CAPI_BUSY)),
        ("DRM_E_CAPI_STORE_NOT_OPEN", c(DRM_E_CAPI_STORE_NOT_OPEN)),
        ("DRM_E_CAPI_KX_NOT_OPEN", c(DRM_E_CAPI_KX_NOT_OPEN)),
        ("DRM_E_CAPI_KX_ALREADY_OPEN", c(DRM_E_CAPI_KX_ALREADY_OPEN)),
        ("DRM_E_CAPI_NO_CHALLENGE", c(DRM_E_CAPI_NO_CHALLENGE)),
        ("DRM_E_CAPI_NO_SERVER_ROOT", c(DRM_E_CAPI_NO_SERVER_ROOT)),
    ]
}

/// Codes two crates share on purpose: the same condition under the same PlayReady code.
const SHARED: &[(u32, &str)] = &[
    (0x8007_007A, "the caller's buffer is too small"),
    (0x8004_D50D, "a SOAP fault without a failure code"),
];

/// Each crate's own range (`0x8004_Dxxx`); PlayReady's and Windows' codes are outside them.
fn own_range(krate: &str) -> u32 {
    match krate {
        "drm-core" => 0x8004_D500,
        "drm-hds" => 0x8004_D600,
        "drm-keyexchange" => 0x8004_D700,
        "drm-securedelete" => 0x8004_D800,
        _ => 0x8004_D900,
    }
}

#[test]
fn one_code_one_condition_and_the_table_is_current() {
    let rows = rows();
    let mut by_code: BTreeMap<u32, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        by_code.entry(r.code).or_default().push(r);
        let shared = SHARED.iter().any(|(c, _)| *c == r.code);
        if r.code & 0xFFFF_F000 == 0x8004_D000 && r.code != 0x8004_DFA0 && !shared {
            assert_eq!(
                r.code & 0xFFFF_FF00,
                own_range(r.krate),
                "{} {} ({:#010X}) is outside its crate's range",
                r.krate,
                r.name,
                r.code
            );
        }
    }
    for (code, list) in &by_code {
        let crates: Vec<_> = list.iter().map(|r| r.krate).collect();
        if list.len() > 1 {
            let distinct = crates.windows(2).all(|w| w[0] != w[1]);
            assert!(
                distinct && SHARED.iter().any(|(c, _)| c == code),
                "{code:#010X} is used by {:?}: one code, one condition",
                list.iter().map(|r| (r.krate, &r.name)).collect::<Vec<_>>()
            );
        }
    }
    // Every C constant is the code of an error it stands for, or a C-layer code of its own.
    let consts = c_constants();
    for (name, code) in &consts {
        let known = by_code.contains_key(code);
        let capi_own = code & 0xFFFF_FF00 == 0x8004_D900;
        assert!(
            known || capi_own,
            "{name} = {code:#010X} is no error's code"
        );
        if capi_own {
            assert!(!known, "{name}: a C-layer code a library crate uses too");
        }
    }

    let mut md = String::from(
        "# Error codes\n\n\
         Every error the kit returns, with its stable code (`code()` in Rust, the `DRM_RESULT` in C).\n\
         One code means one condition: where two crates report the same condition they use the same\n\
         code (PlayReady's where PlayReady has one). The kit's own codes are in `0x8004D5xx`\n\
         (drm-core), `0x8004D6xx` (drm-hds), `0x8004D7xx` (drm-keyexchange), `0x8004D8xx`\n\
         (drm-securedelete) and `0x8004D9xx` (the C ABI); they are never reused or renumbered.\n\
         Errors that wrap another crate's (`Core(e)`, `Store(e)`, `Delivery(e)`) carry its code.\n\
         A SOAP fault's code is the PlayReady code the fault names (`drm_core::error::soap_fault_code`),\n\
         `0x8004D50D` when it names none.\n\n\
         Generated from the error values by `UPDATE_ERRORS_MD=1 cargo test -p drm-tests --test\n\
         error_codes`; the test fails when this file is not current.\n\n\
         | Code | Crate | Error | Meaning | C constant |\n\
         |---|---|---|---|---|\n",
    );
    for (code, list) in &by_code {
        let c: Vec<_> = consts
            .iter()
            .filter(|(_, v)| v == code)
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        for r in list {
            writeln!(
                md,
                "| `0x{code:08X}` | {} | `{}` | {} | {} |",
                r.krate,
                r.name.replace('|', "\\|"),
                r.text.replace('|', "\\|"),
                c.join(", ")
            )
            .unwrap();
        }
    }
    md.push_str("\nC-layer codes of their own (drm-capi, `include/drm_capi.h`):\n\n| Code | C constant |\n|---|---|\n");
    for (name, code) in consts
        .iter()
        .filter(|(_, c)| c & 0xFFFF_FF00 == 0x8004_D900)
    {
        writeln!(md, "| `0x{code:08X}` | `{name}` |").unwrap();
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/ERRORS.md");
    if std::env::var_os("UPDATE_ERRORS_MD").is_some() {
        std::fs::write(path, &md).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == md,
        "docs/ERRORS.md is not current: run UPDATE_ERRORS_MD=1 cargo test -p drm-tests --test error_codes"
    );
}
