//! Footprint firmware (drm-keyexchange: license storage, Prepare, Perform and Close for each algorithm): `scripts/bench` measures its flash and static RAM beside
//! `fp_base` (the board's runtime alone). It runs under QEMU too.
#![no_std]
#![no_main]

#[path = "../bench/ops.rs"]
mod ops;

drm_board::suite!(run);

fn run() -> drm_board::harness::TestResult {
    ops::kx_all()
}
