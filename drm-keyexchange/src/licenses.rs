//! Where this crate keeps licenses in the store, and how large one may be: the constants that
//! delivery (which writes licenses) and the calls (which read them) share, owned here so that
//! neither module imports the other.

use drm_hds::Namespace;

/// The store namespace of licenses (slots keyed by KID, LID).
pub const LICENSES: Namespace = Namespace::LICENSES;

/// Largest license this crate reads from the store, in bytes. The largest license of the key
/// exchange format (ECDSA verify, every optional object) is under 600 bytes.
pub const MAX_LICENSE_LEN: usize = 768;
