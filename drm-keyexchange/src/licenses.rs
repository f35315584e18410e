//! Where this crate keeps licenses in the store, and how large one may be: the constants that
//! delivery (which writes licenses) and the calls (which read them) share, owned here so that
//! neither module imports the other.

use drm_core::crypto::backend::Sha256Engine;
use drm_core::platform::MonotonicCounter;
use drm_hds::{Namespace, Store};
use embedded_storage::nor_flash::NorFlash;

use crate::error::{Error, Result};

/// The store namespace of licenses (slots keyed by KID, LID): the one definition, which
/// `drm-securedelete` re-exports.
pub const LICENSES: Namespace = Namespace::from_name(b"drm/licenses");

/// Largest license this crate reads from the store, in bytes (Prepare reads it into a buffer of
/// this size on its stack). The largest license of key exchange format 2 — eight ECDSA-verify
/// keys and every optional object the license server writes — is 1,438 bytes (`cargo test -p
/// drm-tests --test keyexchange multikey::largest_license_fits -- --nocapture`); a format-1
/// license is under 600.
pub const MAX_LICENSE_LEN: usize = 1536;

/// The store namespace of first-use times: for a license with an expiration-after-first-use
/// object (XMR `0x0030`), the trusted time of its first bind, keyed by (KID, LID) like the
/// license; 8 bytes, seconds since 1970, little-endian. Written once, in its own commit, before
/// the key is first handed out (a power cut before it leaves the license unused; after it, used).
pub const FIRST_USE: Namespace = Namespace::from_name(b"drm/first-use");

/// What is known of a license's first use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstUse {
    /// No first-use state is kept for this license (bound from RAM with [`crate::bind`]): an
    /// expiration after first use cannot be honoured and is refused.
    NotKept,
    /// Kept, and the license was never bound: this bind is its first use.
    Never,
    /// Kept: first bound at this time (seconds since 1970).
    At(u64),
}

/// The first use recorded for the stored license (`kid`, `lid`).
pub(crate) fn first_use<S, C, const PAGES: usize, H>(
    store: &mut Store<S, C, PAGES, H>,
    kid: &[u8; 16],
    lid: &[u8; 16],
) -> Result<FirstUse>
where
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
{
    let mut buf = [0u8; 8];
    match store.get(&FIRST_USE, kid, lid, &mut buf) {
        Ok(8) => Ok(FirstUse::At(u64::from_le_bytes(buf))),
        Ok(_) => Err(Error::Store(drm_hds::Error::Integrity)),
        Err(drm_hds::Error::NotFound) => Ok(FirstUse::Never),
        Err(e) => Err(e.into()),
    }
}

/// Records `now` as the first use of the stored license (`kid`, `lid`), in one commit.
pub(crate) fn record_first_use<S, C, const PAGES: usize, H>(
    store: &mut Store<S, C, PAGES, H>,
    kid: &[u8; 16],
    lid: &[u8; 16],
    now: u64,
) -> Result<()>
where
    S: NorFlash,
    C: MonotonicCounter,
    H: Sha256Engine,
{
    Ok(store.put(&FIRST_USE, kid, lid, &now.to_le_bytes())?)
}
