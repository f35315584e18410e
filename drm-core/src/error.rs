//! The one error type of `drm-core`, with stable numeric codes.
//!
//! Codes mirror PlayReady's result codes where `PROTOCOL.md` lists them; the others are the
//! project's own, in the `0x8004_D5xx` range (never reused, never renumbered).
//! Cryptographic failures are deliberately opaque: one [`Error::VerificationFailed`], never which
//! byte or which step.

use core::fmt;

/// Errors of `drm-core`. Every variant has a stable code ([`Error::code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// An argument is out of range or inconsistent (caller error).
    InvalidArgument,
    /// A caller-supplied buffer is too small for the output.
    BufferTooSmall,
    /// Base64 text is not strict RFC 4648 §4 base64 with padding, or decodes to the wrong length.
    Base64,
    /// A binary structure (XMR, BCert) is truncated, overlong, or otherwise malformed.
    Malformed,
    /// An XMR or BCert object marked must-understand is not known to this implementation.
    UnknownMustUnderstand,
    /// A required XMR object is missing (PlayReady `DRM_E_XMR_REQUIRED_OBJECT_MISSING`).
    RequiredObjectMissing,
    /// A signature, MAC or digest did not verify, or a decryption failed (opaque on purpose;
    /// PlayReady `DRM_E_INVALID_SIGNATURE`).
    VerificationFailed,
    /// The license is bound to another device's key.
    NotBound,
    /// The certificate chain is malformed, broken, or does not end at the trusted root.
    InvalidCertificate,
    /// A required key (by usage) is missing from a certificate.
    KeyNotFound,
    /// An algorithm, key type, cipher type or version that this implementation does not support.
    Unsupported,
    /// The license is signed with a signature type the kit parses but cannot verify: XMR type 2,
    /// HMAC-SHA256, whose key PlayReady does not document (PROTOCOL §3). Refused, never trusted.
    UnsupportedSignatureType,
    /// The KeyExchangeLicense holds no key with the index or key id asked for
    /// (KEY-EXCHANGE-FORMAT §2.1), or the license is not a KeyExchangeLicense at all. Reported
    /// before any key is unwrapped.
    LicenseKeyNotFound,
    /// The license has expired (PlayReady `DRM_E_LICENSE_EXPIRED`).
    LicenseExpired,
    /// The license is not yet valid (PlayReady `DRM_E_LICENSE_NOT_YET_VALID`).
    LicenseNotYetValid,
    /// The clock is not set or was rolled back, and the license is time-bound
    /// (PlayReady `DRM_E_CLOCK_NOT_SET`).
    ClockNotSet,
    /// The device's security level is below the license's minimum.
    SecurityLevelTooLow,
    /// The XML is not well formed, or not the document that was expected.
    XmlMalformed,
    /// The XML document exceeds a size limit (document, name, text or attribute count).
    XmlTooLarge,
    /// The XML document nests deeper than the reader's limit.
    XmlTooDeep,
    /// The XML document has a DTD, an entity declaration or an unknown entity reference.
    XmlForbidden,
    /// The server answered with a SOAP fault; `status` is the PlayReady result code it carried
    /// (0 when the fault had none). Its [`code`](Error::code) is that result code, the one the
    /// fault names, when it is a failure code; else `0x8004D50D` ([`soap_fault_code`]).
    SoapFault {
        /// The `detail/Exception/StatusCode` of the fault, or 0.
        status: u32,
    },
    /// The random number generator failed.
    Rng,
    /// The porting layer failed: a device identity, counter, clock or storage back end reported
    /// an error of its own (I/O, a secure element that did not answer).
    Platform,
    /// An internal invariant did not hold. This is a bug in the kit, reported instead of a panic.
    LogicBug,
}

impl Error {
    /// The stable numeric code of this error (for a C layer and for logs).
    #[must_use]
    pub const fn code(&self) -> u32 {
        match self {
            Error::InvalidArgument => 0x8007_0057, // E_INVALIDARG
            Error::BufferTooSmall => 0x8007_007A,  // ERROR_INSUFFICIENT_BUFFER as HRESULT
            Error::Base64 => 0x8004_D501,
            Error::Malformed => 0x8004_D502,
            Error::UnknownMustUnderstand => 0x8004_D503,
            Error::RequiredObjectMissing => 0x8004_C0E2,
            Error::VerificationFailed => 0x8004_80CF,
            Error::NotBound => 0x8004_D504,
            Error::InvalidCertificate => 0x8004_D505,
            Error::KeyNotFound => 0x8004_D506,
            Error::Unsupported => 0x8004_D507,
            Error::UnsupportedSignatureType => 0x8004_D510,
            Error::LicenseKeyNotFound => 0x8004_D511,
            Error::LicenseExpired => 0x8004_C009,
            Error::LicenseNotYetValid => 0x8004_C00A,
            Error::ClockNotSet => 0x8004_C05B,
            Error::SecurityLevelTooLow => 0x8004_D508,
            Error::XmlMalformed => 0x8004_D509,
            Error::XmlTooLarge => 0x8004_D50A,
            Error::XmlTooDeep => 0x8004_D50B,
            Error::XmlForbidden => 0x8004_D50C,
            Error::SoapFault { status } => soap_fault_code(*status),
            Error::Rng => 0x8004_D50E,
            Error::Platform => 0x8004_D50F,
            Error::LogicBug => 0x8004_D5FF,
        }
    }
}

/// The code of a SOAP fault carrying `status` (its `detail/Exception/StatusCode`): the PlayReady
/// result code the fault names when it is a failure code (`DRM_FAILED`: the top bit set), so that
/// a C caller sees the server's own `DRM_RESULT`; `0x8004D50D` ("SOAP fault") when the fault
/// had no status or a status that is not a failure. Every crate of the kit maps faults with this.
#[must_use]
pub const fn soap_fault_code(status: u32) -> u32 {
    if status & 0x8000_0000 != 0 {
        status
    } else {
        0x8004_D50D
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Error::InvalidArgument => "invalid argument",
            Error::BufferTooSmall => "buffer too small",
            Error::Base64 => "invalid base64",
            Error::Malformed => "malformed structure",
            Error::UnknownMustUnderstand => "unknown must-understand object",
            Error::RequiredObjectMissing => "required object missing",
            Error::VerificationFailed => "verification failed",
            Error::NotBound => "license is bound to another device",
            Error::InvalidCertificate => "invalid certificate chain",
            Error::KeyNotFound => "key not found in certificate",
            Error::Unsupported => "unsupported algorithm or version",
            Error::UnsupportedSignatureType => {
                "license signature type cannot be verified (HMAC-SHA256)"
            }
            Error::LicenseKeyNotFound => "no such key in the key exchange license",
            Error::LicenseExpired => "license expired",
            Error::LicenseNotYetValid => "license not yet valid",
            Error::ClockNotSet => "clock not set or rolled back",
            Error::SecurityLevelTooLow => "security level too low",
            Error::XmlMalformed => "malformed XML",
            Error::XmlTooLarge => "XML exceeds a size limit",
            Error::XmlTooDeep => "XML nested too deep",
            Error::XmlForbidden => "XML DTD or entity declaration refused",
            Error::SoapFault { status } => {
                return write!(f, "SOAP fault (status 0x{status:08X})");
            }
            Error::Rng => "random number generator failed",
            Error::Platform => "porting layer failure",
            Error::LogicBug => "internal logic error",
        };
        write!(f, "{text} (0x{:08X})", self.code())
    }
}

impl core::error::Error for Error {}

/// Result type of `drm-core`.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    const ALL: [Error; 25] = [
        Error::InvalidArgument,
        Error::BufferTooSmall,
        Error::Base64,
        Error::Malformed,
        Error::UnknownMustUnderstand,
        Error::RequiredObjectMissing,
        Error::VerificationFailed,
        Error::NotBound,
        Error::InvalidCertificate,
        Error::KeyNotFound,
        Error::Unsupported,
        Error::LicenseExpired,
        Error::LicenseNotYetValid,
        Error::ClockNotSet,
        Error::SecurityLevelTooLow,
        Error::XmlMalformed,
        Error::XmlTooLarge,
        Error::XmlTooDeep,
        Error::XmlForbidden,
        Error::SoapFault { status: 0 },
        Error::Rng,
        Error::Platform,
        Error::LogicBug,
        Error::UnsupportedSignatureType,
        Error::LicenseKeyNotFound,
    ];

    /// Position in [`ALL`]; the match is exhaustive, so a new variant must be added to both.
    fn position(e: &Error) -> usize {
        match e {
            Error::InvalidArgument => 0,
            Error::BufferTooSmall => 1,
            Error::Base64 => 2,
            Error::Malformed => 3,
            Error::UnknownMustUnderstand => 4,
            Error::RequiredObjectMissing => 5,
            Error::VerificationFailed => 6,
            Error::NotBound => 7,
            Error::InvalidCertificate => 8,
            Error::KeyNotFound => 9,
            Error::Unsupported => 10,
            Error::LicenseExpired => 11,
            Error::LicenseNotYetValid => 12,
            Error::ClockNotSet => 13,
            Error::SecurityLevelTooLow => 14,
            Error::XmlMalformed => 15,
            Error::XmlTooLarge => 16,
            Error::XmlTooDeep => 17,
            Error::XmlForbidden => 18,
            Error::SoapFault { .. } => 19,
            Error::Rng => 20,
            Error::Platform => 21,
            Error::LogicBug => 22,
            Error::UnsupportedSignatureType => 23,
            Error::LicenseKeyNotFound => 24,
        }
    }

    #[test]
    fn codes_are_unique_and_printed() {
        for (i, a) in ALL.iter().enumerate() {
            assert_eq!(position(a), i);
            for b in ALL.iter().skip(i + 1) {
                assert_ne!(a.code(), b.code(), "{a:?} and {b:?}");
            }
            let text = a.to_string();
            if !matches!(a, Error::SoapFault { .. }) {
                assert!(
                    text.ends_with(&std::format!("(0x{:08X})", a.code())),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn a_soap_fault_has_the_code_it_names() {
        assert_eq!(
            Error::SoapFault {
                status: 0x8004_C600
            }
            .code(),
            0x8004_C600
        );
        assert_eq!(
            Error::SoapFault {
                status: 0x8004_C3E8
            }
            .code(),
            0x8004_C3E8
        );
        // No status, or one that is not a failure code: the generic fault code.
        assert_eq!(Error::SoapFault { status: 0 }.code(), 0x8004_D50D);
        assert_eq!(Error::SoapFault { status: 5 }.code(), 0x8004_D50D);
        assert_eq!(soap_fault_code(0x7FFF_FFFF), 0x8004_D50D);
    }

    #[test]
    fn mirrored_playready_codes_are_stable() {
        assert_eq!(Error::VerificationFailed.code(), 0x8004_80CF);
        assert_eq!(Error::RequiredObjectMissing.code(), 0x8004_C0E2);
        assert_eq!(Error::LicenseExpired.code(), 0x8004_C009);
        assert_eq!(Error::LicenseNotYetValid.code(), 0x8004_C00A);
        assert_eq!(Error::ClockNotSet.code(), 0x8004_C05B);
        assert_eq!(Error::Platform.code(), 0x8004_D50F);
        assert_eq!(
            Error::SoapFault {
                status: 0x8004_C600
            }
            .to_string(),
            "SOAP fault (status 0x8004C600)"
        );
    }
}
