//! Footprint firmware (drm-securedelete: session stored, licenses removed, challenge, response processed): `scripts/bench` measures its flash and static RAM beside
//! `fp_base` (the board's runtime alone). It runs under QEMU too.
#![no_std]
#![no_main]

#[path = "../bench/ops.rs"]
mod ops;

drm_board::suite!(run);

fn run() -> drm_board::harness::TestResult {
    ops::sd_all(core::hint::black_box(&[]))
}
