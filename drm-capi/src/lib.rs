#![doc = include_str!("../README.md")]
#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]

// Hosted targets (the host staticlib and cdylib, the tests) take their panic runtime from std;
// nothing of std is used. Bare-metal targets use the handler below.
#[cfg(not(target_os = "none"))]
extern crate std;

pub mod ffi;
mod port;
mod state;
pub mod types;

pub use ffi::*;
pub use types::*;

/// What a `DRM_CONTEXT` holds: the checks of every call, the Key Exchange key slot, and the
/// state. `repr(C)` so that the fields the checks read come first, apart from `state`.
#[repr(C)]
pub(crate) struct Inner {
    /// [`MAGIC`] while initialised.
    magic: u32,
    /// Nonzero while a call runs on this context.
    busy: u32,
    /// The context's own address: a moved or copied context is refused.
    this: usize,
    /// Bytes of the caller's context (zeroized by `Drm_Uninitialize`).
    size: usize,
    /// The key of the open Key Exchange context (borrowed by `state.kx` only).
    slot: drm_keyexchange::KeySlot,
    /// Everything else.
    state: state::State,
}

/// The magic word of an initialised context ("DRMC").
pub(crate) const MAGIC: u32 = 0x4452_4D43;

// The state fits the header's context, and its alignment.
const _: () = assert!(core::mem::size_of::<Inner>() <= DRM_CONTEXT_SIZE);
const _: () = assert!(core::mem::align_of::<Inner>() <= DRM_CONTEXT_ALIGN);
const _: () = assert!(core::mem::size_of::<DRM_CONTEXT>() == DRM_CONTEXT_SIZE);
const _: () = assert!(core::mem::align_of::<DRM_CONTEXT>() == DRM_CONTEXT_ALIGN);

/// Bytes of the context the kit uses today (at most `DRM_CONTEXT_SIZE`), for tests and sizing.
#[must_use]
pub const fn context_bytes_used() -> usize {
    core::mem::size_of::<Inner>()
}

#[cfg(all(feature = "panic-handler", target_os = "none"))]
#[allow(unsafe_code)]
mod panic {
    unsafe extern "C" {
        /// The port's panic hook (`drm_capi.h`): never returns (reset, halt, log and spin).
        fn drm_oem_panic() -> !;
    }

    /// No library path panics on any input; should one do so anyway (a bug), the port decides
    /// what happens. Nothing unwinds into C.
    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
        // SAFETY: `drm_oem_panic` is the port's hook declared in the header, with no arguments
        // and no return.
        unsafe { drm_oem_panic() }
    }
}
