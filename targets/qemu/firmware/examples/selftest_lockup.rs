//! Runner self-test: a fault inside the NMI handler cannot be escalated, so the core locks up
//! (QEMU: "Lockup", exit 134). Expected verdict: lockup in test `deliberate_lockup`.
#![no_std]
#![no_main]

use cortex_m_rt::exception;
use drm_board::harness::TestResult;

drm_board::suite!(passes, deliberate_lockup);

fn passes() -> TestResult {
    Ok(())
}

#[allow(unsafe_code)] // cortex-m-rt requires the NMI handler to be an `unsafe fn`.
#[exception]
unsafe fn NonMaskableInt() {
    cortex_m::asm::udf();
}

fn deliberate_lockup() -> TestResult {
    const ICSR_NMIPENDSET: u32 = 1 << 31;
    #[allow(unsafe_code)]
    // SAFETY: pends the NMI, whose handler above faults on purpose; nothing else changes.
    unsafe {
        (*cortex_m::peripheral::SCB::PTR)
            .icsr
            .write(ICSR_NMIPENDSET);
    }
    cortex_m::asm::isb();
    Err("the NMI did not run")
}
