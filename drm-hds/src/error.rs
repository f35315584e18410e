//! The one error type of `drm-hds`, with stable numeric codes.
//!
//! Codes mirror PlayReady's HDS result codes where `PROTOCOL.md` §5 lists them (store full, slot
//! not found, store corrupted); the others are the project's own, in the `0x8004_D6xx` range
//! (never reused, never renumbered). Integrity failures are deliberately opaque: one
//! [`Error::Integrity`], never which byte or which check.

use core::fmt;

use embedded_storage::nor_flash::NorFlashErrorKind;

/// Errors of `drm-hds`. Every variant has a stable code ([`Error::code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// No slot with these keys in this namespace (PlayReady `DRM_E_DST_SLOT_NOT_FOUND`).
    NotFound,
    /// The caller's buffer is smaller than the slot's data; nothing was copied.
    BufferTooSmall,
    /// The slot's bucket (or the whole store) has no room left, even after compaction
    /// (PlayReady `DRM_E_DST_STORE_FULL`).
    StoreFull,
    /// The store's contents failed authentication: a flipped bit, a moved, swapped or replayed
    /// record, a mix of old and new pages, or a broken structure (PlayReady
    /// `DRM_E_DST_CORRUPTED`). Opaque on purpose.
    Integrity,
    /// The whole store is older than the monotonic counter says it must be: an older flash image
    /// was restored.
    Rollback,
    /// The flash holds no store (blank, foreign, or formatted with another key).
    NotFormatted,
    /// The flash holds a store of another format version (`found`, from its page headers):
    /// recognised and refused, never read as this version nor formatted over. This build
    /// reads and writes version [`crate::layout::FORMAT_VERSION`].
    FormatVersion {
        /// The version the store on the flash was written in.
        found: u16,
    },
    /// The flash geometry is not supported (page size, write or read granularity, page count
    /// versus the store's compile-time capacity).
    UnsupportedFlash,
    /// An argument is out of range: data longer than a bucket can hold, or an empty namespace.
    InvalidArgument,
    /// A transaction already holds [`crate::MAX_TRANSACTION_OPS`] changes.
    TransactionFull,
    /// Two different keys of one bucket share a 48-bit fingerprint (chance about 2^-42 per put);
    /// the put was refused and nothing changed.
    Collision,
    /// The flash driver reported an error (including a power cut in the mock flash). The store
    /// reloads its state from the flash before the next operation.
    Flash(NorFlashErrorKind),
    /// The monotonic counter hook failed.
    Counter,
    /// An internal invariant did not hold. This is a bug in the store, reported instead of a
    /// panic.
    LogicBug,
}

impl Error {
    /// The stable numeric code of this error (for a C layer and for logs).
    #[must_use]
    pub const fn code(&self) -> u32 {
        match self {
            Error::NotFound => 0x8004_C024,
            Error::BufferTooSmall => 0x8007_007A,
            Error::StoreFull => 0x8004_C01D,
            Error::Integrity => 0x8004_C026,
            Error::Rollback => 0x8004_D601,
            Error::NotFormatted => 0x8004_D602,
            Error::UnsupportedFlash => 0x8004_D603,
            Error::InvalidArgument => 0x8004_D604,
            Error::TransactionFull => 0x8004_D605,
            Error::Collision => 0x8004_D606,
            Error::Flash(_) => 0x8004_D607,
            Error::Counter => 0x8004_D608,
            Error::FormatVersion { .. } => 0x8004_D609,
            Error::LogicBug => 0x8004_D6FF,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Error::NotFound => "slot not found",
            Error::BufferTooSmall => "buffer too small",
            Error::StoreFull => "store full",
            Error::Integrity => "store corrupted (integrity check failed)",
            Error::Rollback => "store rolled back to an older image",
            Error::NotFormatted => "no store on this flash",
            Error::UnsupportedFlash => "unsupported flash geometry",
            Error::InvalidArgument => "invalid argument",
            Error::TransactionFull => "transaction full",
            Error::Collision => "fingerprint collision in bucket",
            Error::Flash(kind) => {
                return write!(f, "flash error: {kind} (0x{:08X})", self.code());
            }
            Error::FormatVersion { found } => {
                return write!(
                    f,
                    "store of format version {found}; this build reads version {} (0x{:08X})",
                    crate::layout::FORMAT_VERSION,
                    self.code()
                );
            }
            Error::Counter => "monotonic counter failed",
            Error::LogicBug => "internal logic error",
        };
        write!(f, "{text} (0x{:08X})", self.code())
    }
}

impl core::error::Error for Error {}

#[cfg(feature = "defmt")]
impl defmt::Format for Error {
    /// The variant's name and stable code (`embedded-storage` 0.3 has no `defmt` support, so the
    /// flash error kind is printed by name).
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            Error::Flash(kind) => {
                let kind = match kind {
                    NorFlashErrorKind::NotAligned => "not aligned",
                    NorFlashErrorKind::OutOfBounds => "out of bounds",
                    _ => "other",
                };
                defmt::write!(f, "Flash({=str}) (0x{=u32:08X})", kind, self.code());
            }
            other => defmt::write!(f, "{=str} (0x{=u32:08X})", other.name(), other.code()),
        }
    }
}

impl Error {
    /// The variant's name (for logs without `core::fmt`).
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Error::NotFound => "NotFound",
            Error::BufferTooSmall => "BufferTooSmall",
            Error::StoreFull => "StoreFull",
            Error::Integrity => "Integrity",
            Error::Rollback => "Rollback",
            Error::NotFormatted => "NotFormatted",
            Error::UnsupportedFlash => "UnsupportedFlash",
            Error::InvalidArgument => "InvalidArgument",
            Error::TransactionFull => "TransactionFull",
            Error::Collision => "Collision",
            Error::Flash(_) => "Flash",
            Error::Counter => "Counter",
            Error::FormatVersion { .. } => "FormatVersion",
            Error::LogicBug => "LogicBug",
        }
    }
}

impl From<drm_core::Error> for Error {
    /// Errors of the porting layer (the monotonic counter) and of `drm-core` helpers.
    fn from(e: drm_core::Error) -> Self {
        match e {
            drm_core::Error::BufferTooSmall => Error::BufferTooSmall,
            drm_core::Error::InvalidArgument => Error::InvalidArgument,
            drm_core::Error::VerificationFailed => Error::Integrity,
            drm_core::Error::LogicBug => Error::LogicBug,
            _ => Error::Counter,
        }
    }
}

impl From<Error> for drm_core::Error {
    /// For callers that report through `drm_core::Error`: caller errors keep their meaning,
    /// integrity and rollback become `VerificationFailed`, the rest `Malformed` or `LogicBug`.
    /// Callers that need to tell "not found" apart should match on [`Error`] first.
    fn from(e: Error) -> Self {
        match e {
            Error::BufferTooSmall => drm_core::Error::BufferTooSmall,
            Error::InvalidArgument | Error::TransactionFull => drm_core::Error::InvalidArgument,
            Error::Integrity | Error::Rollback => drm_core::Error::VerificationFailed,
            Error::LogicBug => drm_core::Error::LogicBug,
            _ => drm_core::Error::Malformed,
        }
    }
}

/// Result type of `drm-hds`.
pub type Result<T> = core::result::Result<T, Error>;

/// A store that was not constructed ([`crate::Store::mount`], [`crate::Store::format`],
/// [`crate::Store::open`] and their multiwrite forms): the error, and the flash driver and
/// monotonic counter given back, so that a device can try again (format explicitly, report,
/// mount another partition) without rebuilding its driver. A refused mount or open writes
/// nothing, so the flash is as it was; a refused format may have erased part of it.
///
/// `?` turns it into its [`Error`] (the driver is then dropped).
///
/// ```
/// use drm_core::secret::HmacKey;
/// use drm_hds::mock::MockFlash;
/// use drm_hds::{Config, Error, Store};
///
/// # fn main() -> Result<(), Error> {
/// let mut image = vec![0xFF; 8 * 4096];
/// let key = || HmacKey::from_bytes([7; 32]);
/// // Mount never formats: a blank flash is refused, and the driver comes back unchanged.
/// let refused = Store::<_>::mount(MockFlash::<4, 4096>::new(&mut image), key(), Config::new())
///     .map(|_| ())
///     .unwrap_err();
/// assert_eq!(refused.error, Error::NotFormatted);
/// let (_why, flash, _counter) = refused.into_parts();
/// // The device's choice: format with the same driver.
/// let mut store = Store::<_>::format(flash, key(), Config::new())?;
/// store.put(&drm_hds::Namespace::from_name(b"ns"), &[1; 16], &[2; 16], b"data")?;
/// # Ok(())
/// # }
/// ```
pub struct Refused<S, C> {
    /// Why the store was refused.
    pub error: Error,
    flash: S,
    counter: Option<C>,
}

impl<S, C> Refused<S, C> {
    pub(crate) fn new(error: Error, flash: S, counter: Option<C>) -> Self {
        Self {
            error,
            flash,
            counter,
        }
    }

    /// The flash driver, given back.
    pub fn into_flash(self) -> S {
        self.flash
    }

    /// The error, the flash driver and the monotonic counter (if one was configured).
    pub fn into_parts(self) -> (Error, S, Option<C>) {
        (self.error, self.flash, self.counter)
    }
}

impl<S, C> fmt::Debug for Refused<S, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refused")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<S, C> fmt::Display for Refused<S, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<S, C> core::error::Error for Refused<S, C> {}

impl<S, C> From<Refused<S, C>> for Error {
    fn from(r: Refused<S, C>) -> Self {
        r.error
    }
}

impl<S, C> From<Refused<S, C>> for drm_core::Error {
    fn from(r: Refused<S, C>) -> Self {
        r.error.into()
    }
}

#[cfg(feature = "defmt")]
impl<S, C> defmt::Format for Refused<S, C> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "Refused({})", self.error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct() {
        let all = [
            Error::NotFound,
            Error::BufferTooSmall,
            Error::StoreFull,
            Error::Integrity,
            Error::Rollback,
            Error::NotFormatted,
            Error::UnsupportedFlash,
            Error::InvalidArgument,
            Error::TransactionFull,
            Error::Collision,
            Error::Flash(NorFlashErrorKind::Other),
            Error::Counter,
            Error::FormatVersion { found: 2 },
            Error::LogicBug,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in all.iter().skip(i + 1) {
                assert_ne!(a.code(), b.code(), "{a:?} {b:?}");
            }
        }
        assert_eq!(Error::NotFound.code(), 0x8004_C024);
        assert_eq!(Error::StoreFull.code(), 0x8004_C01D);
        assert_eq!(Error::Integrity.code(), 0x8004_C026);
    }
}
