//! Host (`std`) adapters for the DRM kit's porting layer.
//!
//! - [`OsRng`]: the operating system's generator (`getrandom`), a `rand_core` 0.10
//!   `TryCryptoRng`. [`InsecureTestRng`] is a deterministic generator for reproducible tests
//!   only.
//! - [`SystemClock`] and [`FixedClock`]: [`Clock`](drm_core::platform::Clock)s.
//! - [`MemoryCounter`] and [`FileCounter`]: [`MonotonicCounter`](drm_core::platform::MonotonicCounter)s;
//!   the file one writes durably (write, fsync, rename, fsync of the directory).
//! - [`files`]: owner-only files and directories (mode 600 / 700 from creation), durable
//!   replacement, and [`DirLock`](files::DirLock), a lock that keeps a second program off a
//!   state directory.
//! - [`identity`]: a [`SoftwareIdentity`](drm_core::platform::SoftwareIdentity) kept in files.
//!
//! The file-backed NOR flash is `drm-hds`'s (feature `std`).
//!
//! Nothing here protects keys: it is for hosts, simulators and tests.

#![forbid(unsafe_code)]

mod clock;
mod counter;
pub mod files;
pub mod identity;
mod rng;

pub use clock::{FixedClock, SystemClock};
pub use counter::{FileCounter, MemoryCounter};
pub use rng::{InsecureTestRng, OsRng};
