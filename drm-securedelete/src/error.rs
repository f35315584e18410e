//! The one error type of `drm-securedelete`, with stable numeric codes.
//!
//! A response that does not match a pending session, or is not a Secure Delete response of
//! version 1, is [`Error::InvalidResponse`] with PlayReady's code `0x8004DFA0`
//! (`DRM_E_INVALID_SECURE_DELETE_RESPONSE`, PROTOCOL §4). The project's own codes are in the
//! `0x8004_D8xx` range (never reused, never renumbered). Errors of `drm-core`, `drm-hds` and
//! `drm-keyexchange` keep their own codes.

use core::fmt;

/// Errors of `drm-securedelete`. Every variant has a stable code ([`Error::code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// The response is not a version-1 Secure Delete response for a pending session: another
    /// SessionID, another version, a missing or repeated element, bad base64
    /// (PlayReady `DRM_E_INVALID_SECURE_DELETE_RESPONSE`, `0x8004DFA0`).
    InvalidResponse,
    /// The server answered with a SOAP fault; `status` is its `detail/Exception/StatusCode`
    /// (0 when it had none). Its code is the PlayReady code the fault names, as for
    /// `drm_core::Error::SoapFault` ([`drm_core::error::soap_fault_code`]).
    SoapFault {
        /// The PlayReady result code the fault carried, or 0.
        status: u32,
    },
    /// No session record with this SessionID.
    SessionNotFound,
    /// The session is pending (removed, waiting for the server's response): it takes no more
    /// licenses and cannot be removed again.
    SessionPending,
    /// The session is not pending: there is no challenge to generate for it.
    SessionNotPending,
    /// The session record already holds [`crate::MAX_SESSION_KIDS`] KIDs.
    TooManyKids,
    /// The session's KIDs have more licenses than one atomic store commit can delete
    /// ([`crate::MAX_REMOVE_LICENSES`]); nothing was changed.
    TooManyLicenses,
    /// A session record in the store is not in the format this version writes.
    CorruptRecord,
    /// The caller's buffer is too small; `needed` is the size that fits.
    BufferTooSmall {
        /// The number of bytes needed.
        needed: usize,
    },
    /// An error of `drm-core` (XML, crypto, RNG, device identity, ...), with its own code.
    Core(drm_core::Error),
    /// An error of the store, with its own code.
    Store(drm_hds::Error),
    /// An error of license delivery (`drm-keyexchange`) of its own (never its `Core` or `Store`
    /// variants: those arrive as [`Error::Core`] and [`Error::Store`]), with its own code.
    Delivery(drm_keyexchange::Error),
}

impl Error {
    /// The stable numeric code of this error (for a C layer and for logs).
    #[must_use]
    pub const fn code(&self) -> u32 {
        match self {
            Error::InvalidResponse => 0x8004_DFA0,
            // One mapping for every crate: the code the fault names (drm-core's). `0x8004D801`,
            // this crate's own fault code before, is retired (never reused).
            Error::SoapFault { status } => drm_core::error::soap_fault_code(*status),
            Error::SessionNotFound => 0x8004_D802,
            Error::SessionPending => 0x8004_D803,
            Error::SessionNotPending => 0x8004_D804,
            Error::TooManyKids => 0x8004_D805,
            Error::TooManyLicenses => 0x8004_D806,
            Error::CorruptRecord => 0x8004_D807,
            Error::BufferTooSmall { .. } => 0x8007_007A,
            Error::Core(e) => e.code(),
            Error::Store(e) => e.code(),
            Error::Delivery(e) => e.code(),
        }
    }

    /// An internal invariant did not hold (a bug, reported instead of a panic).
    pub(crate) const fn logic() -> Self {
        Error::Core(drm_core::Error::LogicBug)
    }
}

impl From<drm_core::Error> for Error {
    fn from(e: drm_core::Error) -> Self {
        match e {
            drm_core::Error::SoapFault { status } => Error::SoapFault { status },
            e => Error::Core(e),
        }
    }
}

impl From<drm_hds::Error> for Error {
    fn from(e: drm_hds::Error) -> Self {
        Error::Store(e)
    }
}

/// One path for every error: a `drm-core` or store error that license delivery passes on arrives
/// as [`Error::Core`] (a SOAP fault as [`Error::SoapFault`]) or [`Error::Store`], as when this
/// crate meets it itself; only delivery's own errors are [`Error::Delivery`].
impl From<drm_keyexchange::Error> for Error {
    fn from(e: drm_keyexchange::Error) -> Self {
        match e {
            drm_keyexchange::Error::Core(e) => e.into(),
            drm_keyexchange::Error::Store(e) => e.into(),
            e => Error::Delivery(e),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Error::InvalidResponse => "invalid secure delete response",
            Error::SoapFault { status } => {
                return write!(f, "SOAP fault (status 0x{status:08X})");
            }
            Error::SessionNotFound => "session not found",
            Error::SessionPending => "session is pending deletion",
            Error::SessionNotPending => "session is not pending deletion",
            Error::TooManyKids => "session record is full",
            Error::TooManyLicenses => "too many licenses for one atomic removal",
            Error::CorruptRecord => "corrupt session record",
            Error::BufferTooSmall { needed } => {
                return write!(f, "buffer too small ({needed} bytes needed)");
            }
            Error::Core(e) => return e.fmt(f),
            Error::Store(e) => return e.fmt(f),
            Error::Delivery(e) => return e.fmt(f),
        };
        write!(f, "{text} (0x{:08X})", self.code())
    }
}

impl core::error::Error for Error {}

/// Result type of `drm-securedelete`.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_distinct() {
        let own = [
            (Error::InvalidResponse, 0x8004_DFA0),
            (Error::SessionNotFound, 0x8004_D802),
            (Error::SessionPending, 0x8004_D803),
            (Error::SessionNotPending, 0x8004_D804),
            (Error::TooManyKids, 0x8004_D805),
            (Error::TooManyLicenses, 0x8004_D806),
            (Error::CorruptRecord, 0x8004_D807),
            (Error::BufferTooSmall { needed: 1 }, 0x8007_007A),
        ];
        for (i, (e, code)) in own.iter().enumerate() {
            assert_eq!(e.code(), *code, "{e:?}");
            assert!(own.iter().skip(i + 1).all(|(_, c)| c != code));
        }
        // Wrapped errors keep their crate's code; a core SOAP fault becomes ours.
        assert_eq!(
            Error::from(drm_core::Error::XmlTooDeep).code(),
            drm_core::Error::XmlTooDeep.code()
        );
        assert_eq!(
            Error::from(drm_hds::Error::NotFound).code(),
            drm_hds::Error::NotFound.code()
        );
        assert_eq!(
            Error::from(drm_core::Error::SoapFault { status: 5 }),
            Error::SoapFault { status: 5 }
        );
        // A fault has the code it names, the same in both crates.
        for status in [0, 5, 0x8004_C604, 0x8004_DFA0] {
            assert_eq!(
                Error::SoapFault { status }.code(),
                drm_core::Error::SoapFault { status }.code()
            );
        }
        assert_eq!(
            Error::SoapFault {
                status: 0x8004_C604
            }
            .code(),
            0x8004_C604
        );
        assert_eq!(Error::SoapFault { status: 0 }.code(), 0x8004_D50D);
    }

    #[test]
    fn one_path_for_wrapped_errors() {
        use drm_keyexchange::Error as Kx;
        let core = drm_core::Error::VerificationFailed;
        assert_eq!(Error::from(Kx::Core(core)), Error::Core(core));
        assert_eq!(Error::from(Kx::Core(core)), Error::from(core));
        let fault = drm_core::Error::SoapFault { status: 7 };
        assert_eq!(Error::from(Kx::Core(fault)), Error::SoapFault { status: 7 });
        let store = drm_hds::Error::Integrity;
        assert_eq!(Error::from(Kx::Store(store)), Error::Store(store));
        let own = Kx::LicenseTooLarge;
        assert_eq!(Error::from(own), Error::Delivery(own));
        assert_eq!(Error::from(own).code(), own.code());
    }
}
