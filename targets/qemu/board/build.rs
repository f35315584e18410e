//! Writes the memory map (`memory.x`) of the chosen board into `OUT_DIR` and puts it on the
//! linker's search path; cortex-m-rt's `link.x` includes it. Checks that exactly one board feature
//! is on and that it matches the Rust target. (A `memory.x` in a package root would silently win:
//! there must be none.)

use std::env;
use std::fs;
use std::path::PathBuf;

struct Board {
    feature: &'static str,
    target: &'static str,
    /// Code: origin and length.
    flash: (u32, &'static str),
    /// Data: origin and length in KiB; the stack takes the first `stack_kib` of it.
    ram: (u32, u32),
    stack_kib: u32,
}

const BOARDS: &[Board] = &[
    Board {
        feature: "mps2-an386",
        target: "thumbv7em-none-eabihf",
        // SSRAM1 (code) and SSRAM2/3 (data), 4 MiB each.
        flash: (0x0000_0000, "4M"),
        ram: (0x2000_0000, 4096),
        stack_kib: 64,
    },
    Board {
        feature: "mps2-an385",
        target: "thumbv7m-none-eabi",
        flash: (0x0000_0000, "4M"),
        ram: (0x2000_0000, 4096),
        stack_kib: 64,
    },
    Board {
        feature: "mps2-an505",
        target: "thumbv8m.main-none-eabihf",
        // The core starts in the Secure state: the secure aliases of SSRAM1 (code, 4 MiB) and
        // SSRAM2 (data, 2 MiB).
        flash: (0x1000_0000, "4M"),
        ram: (0x3800_0000, 2048),
        stack_kib: 64,
    },
    Board {
        feature: "microbit",
        target: "thumbv6m-none-eabi",
        // nRF51822: 256 KiB flash, 16 KiB RAM. The program gets the first 248 KiB of the flash;
        // the last 8 KiB are the board's NOR flash (`flash::NVMC_FLASH_BASE`). Of the RAM, the
        // stack takes 12 KiB and 4 KiB are left for statics (the kit has none; the board's are
        // under 100 bytes), as an application would need them.
        flash: (0x0000_0000, "248K"),
        ram: (0x2000_0000, 16),
        stack_kib: 12,
    },
];

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    let chosen: Vec<&Board> = BOARDS
        .iter()
        .filter(|b| {
            let var = format!(
                "CARGO_FEATURE_{}",
                b.feature.to_uppercase().replace('-', "_")
            );
            env::var_os(var).is_some()
        })
        .collect();
    let board = match chosen.as_slice() {
        [board] => *board,
        [] => {
            eprintln!(
                "drm-board: choose a board feature: mps2-an386, mps2-an385, mps2-an505 or microbit"
            );
            std::process::exit(1);
        }
        _ => {
            eprintln!("drm-board: more than one board feature is on; choose exactly one");
            std::process::exit(1);
        }
    };
    if board.target != target {
        eprintln!(
            "drm-board: board {} runs {} code, but the build target is {target}",
            board.feature, board.target
        );
        std::process::exit(1);
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    // The stack sits at the bottom of RAM, below .data and .bss, so that an overflow runs off the
    // start of RAM (a fault: a lockup in QEMU, or the MPU guard on the mps2-an385/an386, where the
    // addresses below RAM ignore writes) instead of silently overwriting statics.
    let (ram, ram_kib) = board.ram;
    let memory = format!(
        "MEMORY\n{{\n  FLASH : ORIGIN = {:#010x}, LENGTH = {}\n  \
         STACK : ORIGIN = {ram:#010x}, LENGTH = {}K\n  \
         RAM : ORIGIN = {:#010x}, LENGTH = {}K\n}}\n\
         _stack_end = ORIGIN(STACK);\n_stack_start = ORIGIN(STACK) + LENGTH(STACK);\n",
        board.flash.0,
        board.flash.1,
        board.stack_kib,
        ram + board.stack_kib * 1024,
        ram_kib - board.stack_kib,
    );
    if let Err(e) = fs::write(out.join("memory.x"), memory) {
        eprintln!("drm-board: cannot write memory.x: {e}");
        std::process::exit(1);
    }
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-env=DRM_BOARD_STACK_BOTTOM={ram}");
    println!("cargo:rustc-env=DRM_BOARD_STACK_KIB={}", board.stack_kib);
    println!("cargo:rerun-if-changed=build.rs");
}
