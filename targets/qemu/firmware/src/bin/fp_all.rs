//! Footprint firmware (the whole kit: every operation of the other footprint firmwares): `scripts/bench` measures its flash and static RAM beside
//! `fp_base` (the board's runtime alone). It runs under QEMU too.
#![no_std]
#![no_main]

#[path = "../bench/ops.rs"]
mod ops;

drm_board::suite!(run);

fn run() -> drm_board::harness::TestResult {
    ops::core_all()?;
    ops::hds_all()?;
    ops::kx_all()?;
    ops::sd_all(core::hint::black_box(&[]))
}
