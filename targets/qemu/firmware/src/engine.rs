//! What a port writes for a crypto peripheral: a register-level driver for an AES-128 and
//! SHA-256 engine, as drm-core's backend traits (`AesEngine`, `Sha256Engine`), and, since no
//! QEMU board has such an engine, a model of the engine in the firmware.
//!
//! The engine: a block of 32-bit registers (`Regs`) and a command register. A command runs
//! when the driver writes `CTRL` and the engine signals completion in `STATUS`:
//!
//! | word | name    | |
//! |------|---------|-|
//! | 0    | CTRL    | write 1 (AES encrypt `DATA` with `KEY`), 2 (AES decrypt), 3 (SHA-256: compress `BLOCK` into `STATE`) |
//! | 1    | STATUS  | 1 when the command is done; the driver writes 0 |
//! | 2-5  | KEY     | the AES key (write only: the model keeps it in its own memory) |
//! | 6-9  | DATA    | the AES block, in and out |
//! | 10-17| STATE   | the SHA-256 chaining value, in and out |
//! | 18-33| BLOCK   | one 64-byte message block |
//! | 34   | AES_OPS | blocks the engine has processed (a statistics register) |
//! | 35   | SHA_OPS | compressions the engine has run |
//!
//! The driver only touches the registers (volatile reads and writes); the model runs as the
//! PendSV exception, which the driver pends after writing `CTRL` (as a peripheral's interrupt
//! would), and computes with RustCrypto's block functions (the engine's "silicon"). The AES key
//! is written into `KEY` when a cipher is made for it, kept in the driver only as long as the
//! cipher lives (reloaded when another cipher used the engine in between) and wiped from the
//! registers when the cipher is dropped; the engine compresses one block at a time, and the
//! padding and the running state are the kit's (`Blockwise`), as a port of such an engine leaves
//! them.

#![allow(unsafe_code)] // The engine's registers are memory: every access is volatile.

use core::ptr::{addr_of_mut, read_volatile, write_volatile};
use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::SCB;
use cortex_m_rt::exception;
use drm_core::crypto::backend::{
    AesEngine, BlockCipher, Blockwise, RustCrypto, Sha256Compress, Suite,
};
use drm_core::secret::Aes128Key;
use zeroize::Zeroize;

const CTRL: usize = 0;
const STATUS: usize = 1;
const KEY: usize = 2;
const DATA: usize = 6;
const STATE: usize = 10;
const BLOCK: usize = 18;
const AES_OPS: usize = 34;
const SHA_OPS: usize = 35;
const WORDS: usize = 36;

const CMD_ENCRYPT: u32 = 1;
const CMD_DECRYPT: u32 = 2;
const CMD_COMPRESS: u32 = 3;

/// The engine's register block. A real engine's is at a fixed address; the model's is RAM.
#[repr(C, align(4))]
struct Regs([u32; WORDS]);

static mut REGS: Regs = Regs([0; WORDS]);
/// The model's own memory: the key last written to `KEY` (the driver cannot read it back).
static mut MODEL_KEY: [u8; 16] = [0; 16];

fn reg(i: usize) -> *mut u32 {
    // SAFETY: `i < WORDS` at every call site (constants above); the pointer is only used with
    // volatile accesses, by the driver in thread mode and by the model in PendSV, which never
    // overlap (the driver waits for STATUS while the model runs to completion).
    unsafe { addr_of_mut!(REGS.0).cast::<u32>().add(i) }
}

fn write(i: usize, v: u32) {
    // SAFETY: see `reg`.
    unsafe { write_volatile(reg(i), v) }
}

fn read(i: usize) -> u32 {
    // SAFETY: see `reg`.
    unsafe { read_volatile(reg(i)) }
}

fn write_bytes(at: usize, bytes: &[u8]) {
    for (i, chunk) in bytes.chunks_exact(4).enumerate() {
        let mut word = [0u8; 4];
        word.copy_from_slice(chunk);
        write(at + i, u32::from_le_bytes(word));
    }
}

fn read_bytes(at: usize, out: &mut [u8]) {
    for (i, chunk) in out.chunks_exact_mut(4).enumerate() {
        chunk.copy_from_slice(&read(at + i).to_le_bytes());
    }
}

/// Runs one command: writes `CTRL`, lets the engine run, waits for `STATUS`.
fn run(cmd: u32) {
    write(STATUS, 0);
    write(CTRL, cmd);
    SCB::set_pendsv();
    cortex_m::asm::dsb();
    cortex_m::asm::isb();
    while read(STATUS) != 1 {}
    write(STATUS, 0);
}

/// The engine model: one command per PendSV.
#[exception]
fn PendSV() {
    use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
    match read(CTRL) {
        cmd @ (CMD_ENCRYPT | CMD_DECRYPT) => {
            let mut key = [0u8; 16];
            read_bytes(KEY, &mut key);
            // SAFETY: only the model touches MODEL_KEY, and PendSV does not nest.
            unsafe { write_volatile(addr_of_mut!(MODEL_KEY), key) };
            let cipher = aes::Aes128::new(&key.into());
            key.zeroize();
            let mut block = [0u8; 16];
            read_bytes(DATA, &mut block);
            if cmd == CMD_ENCRYPT {
                cipher.encrypt_block((&mut block).into());
            } else {
                cipher.decrypt_block((&mut block).into());
            }
            write_bytes(DATA, &block);
            block.zeroize();
            write(AES_OPS, read(AES_OPS).wrapping_add(1));
        }
        CMD_COMPRESS => {
            let mut state = [0u32; 8];
            for (i, s) in state.iter_mut().enumerate() {
                *s = read(STATE + i);
            }
            let mut block = [0u8; 64];
            read_bytes(BLOCK, &mut block);
            sha2::block_api::compress256(&mut state, &[block]);
            for (i, s) in state.iter().enumerate() {
                write(STATE + i, *s);
            }
            block.zeroize();
            write(SHA_OPS, read(SHA_OPS).wrapping_add(1));
        }
        _ => {}
    }
    write(CTRL, 0);
    write(STATUS, 1);
}

/// Blocks and compressions the engine has done since reset.
pub fn operations() -> (u32, u32) {
    (read(AES_OPS), read(SHA_OPS))
}

/// Whether the engine's key registers are clear (no key left in the peripheral).
pub fn key_registers_clear() -> bool {
    (KEY..KEY + 4).all(|i| read(i) == 0)
}

/// The cipher whose key is in `KEY` now (0: none); each cipher has its own number.
static LOADED: AtomicU32 = AtomicU32::new(0);
static NEXT_ID: AtomicU32 = AtomicU32::new(1);

/// The engine's AES as a backend.
#[derive(Clone, Copy, Debug, Default)]
pub struct MmioAes;

/// A key made ready on the engine.
pub struct MmioCipher {
    id: u32,
    key: [u8; 16],
}

impl MmioCipher {
    fn block(&self, cmd: u32, block: &mut [u8; 16]) {
        if LOADED.load(Ordering::Relaxed) != self.id {
            write_bytes(KEY, &self.key);
            LOADED.store(self.id, Ordering::Relaxed);
        }
        write_bytes(DATA, block);
        run(cmd);
        read_bytes(DATA, block);
        write_bytes(DATA, &[0; 16]);
    }
}

impl BlockCipher for MmioCipher {
    fn encrypt_block(&self, block: &mut [u8; 16]) {
        self.block(CMD_ENCRYPT, block);
    }
    fn decrypt_block(&self, block: &mut [u8; 16]) {
        self.block(CMD_DECRYPT, block);
    }
}

impl Drop for MmioCipher {
    fn drop(&mut self) {
        self.key.zeroize();
        if LOADED.load(Ordering::Relaxed) == self.id {
            write_bytes(KEY, &[0; 16]);
            LOADED.store(0, Ordering::Relaxed);
        }
    }
}

impl AesEngine for MmioAes {
    type Cipher = MmioCipher;
    fn aes128(&self, key: &Aes128Key) -> MmioCipher {
        // Load and store, not `fetch_add`: the Cortex-M0 has no atomic read-modify-write, and
        // only thread mode makes ciphers.
        let id = NEXT_ID.load(Ordering::Relaxed);
        NEXT_ID.store(id.wrapping_add(1).max(1), Ordering::Relaxed);
        let cipher = MmioCipher {
            id,
            key: *key.expose_secret(),
        };
        write_bytes(KEY, &cipher.key);
        LOADED.store(id, Ordering::Relaxed);
        cipher
    }
}

/// The engine's SHA-256 compression: all the driver does for hashing. The kit's `Blockwise`
/// keeps the chaining value, the partial block and the padding, so several hashes can run at
/// once on the one engine.
#[derive(Clone, Copy, Debug, Default)]
pub struct MmioCompress;

impl Sha256Compress for MmioCompress {
    fn compress(&self, state: &mut [u32; 8], block: &[u8; 64]) {
        for (i, s) in state.iter().enumerate() {
            write(STATE + i, *s);
        }
        write_bytes(BLOCK, block);
        run(CMD_COMPRESS);
        for (i, s) in state.iter_mut().enumerate() {
            *s = read(STATE + i);
        }
        write_bytes(BLOCK, &[0; 64]);
    }
}

/// The engine's SHA-256 as a backend.
pub type MmioSha = Blockwise<MmioCompress>;

/// The [`MmioSha`] value.
pub const MMIO_SHA: MmioSha = Blockwise(MmioCompress);

/// The device's crypto: the engine's AES and SHA-256, RustCrypto's P-256.
pub type EngineCrypto = Suite<MmioSha, MmioAes, RustCrypto>;

/// The [`EngineCrypto`] value.
pub const ENGINE: EngineCrypto = Suite {
    sha: MMIO_SHA,
    aes: MmioAes,
    p256: RustCrypto,
};
