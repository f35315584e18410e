//! Linker scripts for the firmware binaries. Passed from here (not from `rustflags`) so that a build
//! with `RUSTFLAGS` set still links. `memory.x` comes from drm-board's build script.

fn main() {
    println!("cargo:rustc-link-arg=-Tlink.x");
    println!("cargo:rustc-link-arg=-Tdefmt.x");
    println!("cargo:rerun-if-changed=build.rs");
}
