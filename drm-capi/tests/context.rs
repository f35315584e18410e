//! The context's size: what the state uses against the header's `DRM_CONTEXT_SIZE` (printed with
//! `cargo test -p drm-capi --test context -- --nocapture`), on the host (64-bit pointers, the
//! largest layout).

#[test]
fn the_state_fits_the_context_with_room_to_grow() {
    let used = drm_capi::context_bytes_used();
    println!(
        "DRM_CONTEXT: {used} of {} bytes used (align {})",
        drm_capi::DRM_CONTEXT_SIZE,
        drm_capi::DRM_CONTEXT_ALIGN
    );
    assert!(used <= drm_capi::DRM_CONTEXT_SIZE);
    // Room for later fields without changing the ABI's size.
    assert!(used + 512 <= drm_capi::DRM_CONTEXT_SIZE, "{used}");
    assert_eq!(
        core::mem::size_of::<drm_capi::DRM_CONTEXT>(),
        drm_capi::DRM_CONTEXT_SIZE
    );
}
