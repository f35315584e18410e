//! The one error type of `drm-keyexchange`, with stable numeric codes.
//!
//! Codes of the refusals that `drm-core` already names (expired, not yet valid, clock not set,
//! security level too low, not bound, verification failed, unknown must-understand object) are
//! `drm-core`'s, carried in [`Error::Core`]: one condition, one code, whichever crate reports it.
//! Store errors are `drm-hds`'s, carried in [`Error::Store`]. The conditions only key exchange
//! has are this crate's own, in the `0x8004_D7xx` range (never reused, never renumbered); "license
//! not found" mirrors PlayReady's `DRM_E_LICENSE_NOT_FOUND`.

use core::fmt;

/// Errors of `drm-keyexchange`. Every variant has a stable code ([`Error::code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// A `drm-core` error: a malformed or tampered license, a license bound to another device,
    /// an unknown must-understand object, a date or clock refusal, a security level too low.
    Core(drm_core::Error),
    /// A `drm-hds` error (store I/O, integrity, full).
    Store(drm_hds::Error),
    /// No license for this KID in the store (PlayReady `DRM_E_LICENSE_NOT_FOUND`).
    LicenseNotFound,
    /// The KeyExchangeLicense allows another algorithm or operation than the one requested.
    /// Refused before any key is unwrapped.
    OperationNotAllowed,
    /// A content license (key type other than 6) was asked for a key exchange operation.
    NotKeyExchangeLicense,
    /// A KeyExchangeLicense (key type 6) was asked for a content key.
    KeyExchangeLicenseNotContentKey,
    /// More licenses than the caller's report or transaction can hold.
    TooManyLicenses,
    /// A license is longer than [`crate::MAX_LICENSE_LEN`].
    LicenseTooLarge,
    /// A key vault ([`crate::vault::KeyVault`]) has no free slot for another key: release one
    /// (close a context) first.
    VaultFull,
    /// A key vault was given a handle it does not hold (released already, or never its own), or
    /// one whose key is for another operation.
    UnknownKeyHandle,
    /// An internal invariant did not hold. A bug in this crate, reported instead of a panic.
    LogicBug,
}

impl Error {
    /// The stable numeric code of this error (for a C layer and for logs).
    #[must_use]
    pub const fn code(&self) -> u32 {
        match self {
            Error::Core(e) => e.code(),
            Error::Store(e) => e.code(),
            Error::LicenseNotFound => 0x8004_C013,
            Error::OperationNotAllowed => 0x8004_D701,
            Error::NotKeyExchangeLicense => 0x8004_D702,
            Error::KeyExchangeLicenseNotContentKey => 0x8004_D703,
            Error::TooManyLicenses => 0x8004_D704,
            Error::LicenseTooLarge => 0x8004_D705,
            Error::VaultFull => 0x8004_D706,
            Error::UnknownKeyHandle => 0x8004_D707,
            Error::LogicBug => 0x8004_D7FF,
        }
    }
}

impl From<drm_core::Error> for Error {
    fn from(e: drm_core::Error) -> Self {
        match e {
            drm_core::Error::LogicBug => Error::LogicBug,
            e => Error::Core(e),
        }
    }
}

impl From<drm_hds::Error> for Error {
    fn from(e: drm_hds::Error) -> Self {
        Error::Store(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Error::Core(e) => return fmt::Display::fmt(e, f),
            Error::Store(e) => return fmt::Display::fmt(e, f),
            Error::LicenseNotFound => "license not found",
            Error::OperationNotAllowed => "operation not allowed by the key exchange license",
            Error::NotKeyExchangeLicense => "not a key exchange license",
            Error::KeyExchangeLicenseNotContentKey => "a key exchange license has no content key",
            Error::TooManyLicenses => "too many licenses",
            Error::LicenseTooLarge => "license too large",
            Error::VaultFull => "key vault full",
            Error::UnknownKeyHandle => "unknown key handle",
            Error::LogicBug => "internal logic error",
        };
        write!(f, "{text} (0x{:08X})", self.code())
    }
}

impl core::error::Error for Error {}

/// Result type of `drm-keyexchange`.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_codes_are_distinct_stable_and_in_range() {
        let own = [
            (Error::LicenseNotFound, 0x8004_C013),
            (Error::OperationNotAllowed, 0x8004_D701),
            (Error::NotKeyExchangeLicense, 0x8004_D702),
            (Error::KeyExchangeLicenseNotContentKey, 0x8004_D703),
            (Error::TooManyLicenses, 0x8004_D704),
            (Error::LicenseTooLarge, 0x8004_D705),
            (Error::VaultFull, 0x8004_D706),
            (Error::UnknownKeyHandle, 0x8004_D707),
            (Error::LogicBug, 0x8004_D7FF),
        ];
        for (i, (e, code)) in own.iter().enumerate() {
            assert_eq!(e.code(), *code, "{e:?}");
            for (other, _) in own.iter().skip(i + 1) {
                assert_ne!(e.code(), other.code());
            }
        }
        // Wrapped errors keep their crate's code.
        let expired = Error::from(drm_core::Error::LicenseExpired);
        assert_eq!(expired.code(), 0x8004_C009);
        assert_eq!(Error::from(drm_hds::Error::NotFound).code(), 0x8004_C024);
        assert_eq!(Error::from(drm_core::Error::LogicBug), Error::LogicBug);
    }
}
