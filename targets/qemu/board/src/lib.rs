//! Board support for the kit's QEMU Cortex-M boards.
//!
//! One cargo feature per board (`mps2-an386`, `mps2-an385`, `mps2-an505`, `microbit`); the build
//! script writes that board's memory map and checks that it matches the Rust target. The crate
//! gives a firmware:
//!
//! - startup (cortex-m-rt) and `defmt` logging over semihosting (decode with `defmt-print`);
//! - [`exit`] with the firmware's exit code (QEMU exits with exactly that code), and handlers for
//!   panics ([`EXIT_PANIC`]), HardFaults ([`EXIT_HARDFAULT`]), stack overflows
//!   ([`EXIT_STACK_OVERFLOW`]) and unexpected exceptions ([`EXIT_EXCEPTION`]) that log what
//!   happened, in which test, and exit with their code;
//! - a stack at the bottom of RAM, below `.data` and `.bss`, so that an overflow faults instead of
//!   overwriting statics (with an MPU guard on the boards that need one, see [`STACK_GUARD`]);
//! - [`flash::BoardFlash`], the board's NOR flash implementing `embedded-storage` 0.3 (the
//!   nRF51's own flash on the microbit, a RAM buffer on the MPS2 boards);
//! - [`harness`], the on-target test harness; [`testing`], a test clock and a deterministic
//!   test-only RNG; [`stack`], stack measurement by painting.
//!
//! `unsafe` appears only where cortex-m-rt requires it (the exception handler signatures), in the
//! MPU guard's set-up, in [`stack`] (volatile reads and writes of the free stack) and in
//! [`flash`]'s nRF51 NVMC driver (volatile accesses to its registers and to the flash).
#![no_std]

pub mod flash;
pub mod harness;
pub mod stack;
pub mod testing;

use core::cell::Cell;
use core::sync::atomic::{AtomicBool, Ordering};

use cortex_m_rt::{ExceptionFrame, exception};
use critical_section::Mutex;

pub use cortex_m_rt::entry;
// Links the critical-section implementation (single core) and the global defmt logger.
use cortex_m as _;
use defmt_semihosting as _;

/// All tests passed (or the program finished normally).
pub const EXIT_SUCCESS: i32 = 0;
/// At least one test failed (the harness printed which).
pub const EXIT_TESTS_FAILED: i32 = 1;
/// The firmware panicked.
pub const EXIT_PANIC: i32 = 101;
/// The firmware took a HardFault.
pub const EXIT_HARDFAULT: i32 = 102;
/// The firmware took an exception that it has no handler for.
pub const EXIT_EXCEPTION: i32 = 103;
/// The stack overflowed into the MPU stack guard (mps2-an385/an386; on the other boards an
/// overflow runs off the start of RAM and QEMU reports a lockup).
pub const EXIT_STACK_OVERFLOW: i32 = 104;

/// The name of the QEMU board this firmware was built for.
pub const BOARD: &str = if cfg!(feature = "mps2-an386") {
    "mps2-an386"
} else if cfg!(feature = "mps2-an385") {
    "mps2-an385"
} else if cfg!(feature = "mps2-an505") {
    "mps2-an505"
} else {
    "microbit"
};

/// The stack: its bottom address and size in bytes (the bottom of RAM; see build.rs).
pub const STACK_BOTTOM: u32 = parse_u32(env!("DRM_BOARD_STACK_BOTTOM"));
/// The stack size in bytes.
pub const STACK_SIZE: u32 = parse_u32(env!("DRM_BOARD_STACK_KIB")) * 1024;
/// On the mps2-an385/an386 the lowest [`STACK_GUARD`] bytes of the stack are a no-access MPU
/// region (set by [`init`]): on these boards the addresses below RAM ignore writes, so without the
/// guard an overflow would run on unnoticed.
pub const STACK_GUARD: u32 = if cfg!(any(feature = "mps2-an385", feature = "mps2-an386")) {
    4096
} else {
    0
};

#[allow(clippy::indexing_slicing)] // Compile-time only.
const fn parse_u32(s: &str) -> u32 {
    let s = s.as_bytes();
    let mut n = 0u32;
    let mut i = 0;
    while i < s.len() {
        n = n * 10 + (s[i] - b'0') as u32;
        i += 1;
    }
    n
}

/// Board start-up after cortex-m-rt's: sets the stack guard where the board needs one. Called by
/// [`harness::run`]; a firmware that does not use the harness calls it first thing.
pub fn init() {
    #[cfg(any(feature = "mps2-an385", feature = "mps2-an386"))]
    {
        const SIZE_LOG2: u32 = STACK_GUARD.trailing_zeros();
        const RASR_XN: u32 = 1 << 28; // no instruction fetch; AP = 0b000: no access
        const CTRL_ENABLE_PRIVDEFENA: u32 = 0b101; // MPU on, default map for other addresses
        let rasr = RASR_XN | ((SIZE_LOG2 - 1) << 1) | 1;
        #[allow(unsafe_code)]
        // SAFETY: region 0 covers only the stack guard, which nothing may touch; every other
        // address keeps the default memory map (PRIVDEFENA), so no live data loses its access.
        unsafe {
            let mpu = &*cortex_m::peripheral::MPU::PTR;
            mpu.rnr.write(0);
            mpu.rbar.write(STACK_BOTTOM);
            mpu.rasr.write(rasr);
            mpu.ctrl.write(CTRL_ENABLE_PRIVDEFENA);
        }
        cortex_m::asm::dsb();
        cortex_m::asm::isb();
    }
}

/// Ends the program: QEMU exits with `code`.
pub fn exit(code: i32) -> ! {
    semihosting::process::exit(code)
}

/// The test that is running, for the panic and fault handlers ("" when none).
static CURRENT_TEST: Mutex<Cell<&'static str>> = Mutex::new(Cell::new(""));

pub(crate) fn set_current_test(name: &'static str) {
    critical_section::with(|cs| CURRENT_TEST.borrow(cs).set(name));
}

fn current_test() -> &'static str {
    critical_section::with(|cs| CURRENT_TEST.borrow(cs).get())
}

/// Set on the first panic: a panic while panicking (for example inside the logger) exits at once.
static PANICKING: AtomicBool = AtomicBool::new(false);

/// Logs the failure (naming the running test, in the harness's line format) and exits with `code`.
fn fail(code: i32, what: &str, detail: impl FnOnce(&'static str)) -> ! {
    if PANICKING.load(Ordering::Relaxed) {
        exit(code);
    }
    PANICKING.store(true, Ordering::Relaxed);
    let test = current_test();
    if !test.is_empty() {
        defmt::error!("test {=str} ... FAILED: {=str}", test, what);
    }
    detail(test);
    exit(code)
}

/// The message is printed only when it is a plain string (`as_str`): formatting the others would
/// link `core::fmt` (about 2.5 KB of flash on the M4F) into every firmware for a message whose
/// location already says where it came from.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let message = info
        .message()
        .as_str()
        .unwrap_or("(formatted message not printed)");
    fail(EXIT_PANIC, "panic", |_| match info.location() {
        Some(at) => defmt::error!(
            "panicked at {=str}:{=u32}: {=str}",
            at.file(),
            at.line(),
            message
        ),
        None => defmt::error!("panicked: {=str}", message),
    })
}

#[allow(unsafe_code)] // cortex-m-rt requires the HardFault handler to be an `unsafe fn`.
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    let (pc, lr) = (frame.pc(), frame.lr());
    // The exception frame sits where the stack pointer was: in the guard after an overflow.
    let sp = core::ptr::from_ref(frame) as u32;
    if sp < STACK_BOTTOM + STACK_GUARD {
        fail(EXIT_STACK_OVERFLOW, "stack overflow", |_| {
            defmt::error!(
                "stack overflow: sp={=u32:#010x}, stack {=u32:#010x}..{=u32:#010x}",
                sp,
                STACK_BOTTOM + STACK_GUARD,
                STACK_BOTTOM + STACK_SIZE
            );
        })
    }
    fail(EXIT_HARDFAULT, "HardFault", |_| {
        defmt::error!("HardFault: pc={=u32:#010x} lr={=u32:#010x}", pc, lr);
    })
}

#[allow(unsafe_code)] // cortex-m-rt requires the default handler to be an `unsafe fn`.
#[exception]
unsafe fn DefaultHandler(irqn: i16) {
    fail(EXIT_EXCEPTION, "unexpected exception", |_| {
        defmt::error!("unexpected exception or interrupt {=i16}", irqn);
    })
}
