//! The NOR flash of the QEMU boards, implementing `embedded-storage` 0.3.
//!
//! It behaves like NOR flash: erasing sets a whole sector to `0xFF`; writing can only clear bits
//! (the stored byte becomes `old & new`), so rewriting a written word is allowed
//! ([`MultiwriteNorFlash`]) and ANDs the values, as on real parts. Reads have no alignment rules.
//!
//! | board                          | where                                   | sectors | erase size | write size | capacity |
//! |--------------------------------|-----------------------------------------|---------|------------|------------|----------|
//! | mps2-an386, mps2-an385, an505  | a static buffer in RAM                  | 32      | 4 KiB      | 4 bytes    | 128 KiB  |
//! | microbit (nRF51822)            | the chip's own flash, through its NVMC  | 8       | 1 KiB      | 4 bytes    | 8 KiB    |
//!
//! On the microbit the flash is the nRF51's: the last 8 KiB of its 256 KiB code flash (from
//! [`NVMC_FLASH_BASE`]; the linker script keeps the program below), written and erased through
//! the Non-Volatile Memory Controller (`CONFIG.WEN`/`EEN`, `ERASEPAGE`, `READY`) as on the chip;
//! QEMU's model ANDs written words and erases pages to `0xFF`. That leaves the 16 KiB of RAM to
//! the program (it held a RAM copy of the flash before, and the stack had 7 KiB). The MPS2 boards
//! have no programmable flash in QEMU: a RAM buffer stands in for it.
//!
//! Every [`BoardFlash`] handle sees the same bytes. [`BoardFlash::erased`] starts from a blank
//! part; [`BoardFlash::reopen`] keeps the contents, which is how a test simulates a reboot.
//! [`BoardFlash::fail_after`] simulates a power cut: after the given number of further writes
//! and erases, every write and erase fails and changes nothing. The RAM buffer starts zeroed in
//! `.bss` (an `0xFF` initialiser would cost its size in flash) and is erased by
//! [`BoardFlash::erased`].

use core::cell::RefCell;

use critical_section::Mutex;
use embedded_storage::nor_flash::{
    ErrorType, MultiwriteNorFlash, NorFlash, NorFlashErrorKind, ReadNorFlash, check_erase,
    check_read, check_write,
};

/// The erase granularity (sector size) in bytes.
pub const ERASE_SIZE: usize = if cfg!(feature = "microbit") {
    1024
} else {
    4096
};
/// The write granularity in bytes.
pub const WRITE_SIZE: usize = 4;
/// The number of sectors.
pub const SECTORS: usize = if cfg!(feature = "microbit") { 8 } else { 32 };
/// The capacity in bytes.
pub const CAPACITY: usize = ERASE_SIZE * SECTORS;
/// Where the flash starts in the nRF51's code flash (microbit): its last [`CAPACITY`] bytes.
/// `board/build.rs` ends the linker's `FLASH` region here.
pub const NVMC_FLASH_BASE: u32 = 0x0004_0000 - CAPACITY as u32;

struct Storage {
    /// The bytes (the MPS2 boards; on the microbit they are in the chip's flash).
    #[cfg(not(feature = "microbit"))]
    bytes: [u8; CAPACITY],
    erases: [u32; SECTORS],
    writes: u32,
    /// Whether `ops_left` applies.
    limited: bool,
    /// Writes and erases left before the simulated power cut.
    ops_left: u32,
}

impl Storage {
    /// Takes one operation from the power-cut budget.
    fn spend(&mut self) -> Result<(), NorFlashErrorKind> {
        if self.limited {
            if self.ops_left == 0 {
                return Err(NorFlashErrorKind::Other);
            }
            self.ops_left -= 1;
        }
        Ok(())
    }
}

#[cfg(not(feature = "microbit"))]
impl Storage {
    fn load(&self, start: usize, out: &mut [u8]) -> Result<(), NorFlashErrorKind> {
        let src = self
            .bytes
            .get(start..start + out.len())
            .ok_or(NorFlashErrorKind::OutOfBounds)?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn erase_range(&mut self, from: usize, to: usize) -> Result<(), NorFlashErrorKind> {
        self.bytes
            .get_mut(from..to)
            .ok_or(NorFlashErrorKind::OutOfBounds)?
            .fill(0xFF);
        Ok(())
    }

    fn program(&mut self, start: usize, bytes: &[u8]) -> Result<(), NorFlashErrorKind> {
        let dst = self
            .bytes
            .get_mut(start..start + bytes.len())
            .ok_or(NorFlashErrorKind::OutOfBounds)?;
        for (d, b) in dst.iter_mut().zip(bytes) {
            *d &= *b;
        }
        Ok(())
    }
}

/// The nRF51's Non-Volatile Memory Controller (nRF51 Series Reference Manual, NVMC).
#[cfg(feature = "microbit")]
#[allow(unsafe_code)] // Volatile accesses to the NVMC's registers and to the flash it programs.
mod nvmc {
    use core::ptr::{read_volatile, write_volatile};

    const NVMC: usize = 0x4001_E000;
    const READY: usize = NVMC + 0x400;
    const CONFIG: usize = NVMC + 0x504;
    const ERASEPAGE: usize = NVMC + 0x508;
    const CONFIG_REN: u32 = 0;
    const CONFIG_WEN: u32 = 1;
    const CONFIG_EEN: u32 = 2;

    fn wait_ready() {
        // SAFETY: READY is a readable 32-bit NVMC register.
        while unsafe { read_volatile(READY as *const u32) } & 1 == 0 {}
    }

    fn config(value: u32) {
        // SAFETY: CONFIG is a writable 32-bit NVMC register.
        unsafe { write_volatile(CONFIG as *mut u32, value) };
        wait_ready();
    }

    /// Reads `out.len()` bytes of flash at absolute address `address` (the caller checked the
    /// range: inside the flash region).
    pub(super) fn read(address: u32, out: &mut [u8]) {
        for (i, b) in out.iter_mut().enumerate() {
            // SAFETY: inside the code flash, which is always readable.
            *b = unsafe { read_volatile((address as usize + i) as *const u8) };
        }
    }

    /// Erases the 1 KiB page at `address` (page-aligned, checked by the caller).
    pub(super) fn erase_page(address: u32) {
        config(CONFIG_EEN);
        // SAFETY: ERASEPAGE is a writable NVMC register; erasing is enabled.
        unsafe { write_volatile(ERASEPAGE as *mut u32, address) };
        wait_ready();
        config(CONFIG_REN);
    }

    /// Programs the 32-bit words of `bytes` (a multiple of 4 long) at `address` (4-aligned,
    /// checked by the caller).
    pub(super) fn program(address: u32, bytes: &[u8]) {
        config(CONFIG_WEN);
        for (i, word) in bytes.chunks_exact(4).enumerate() {
            let mut value = [0u8; 4];
            value.copy_from_slice(word);
            let value = u32::from_le_bytes(value);
            // SAFETY: an aligned word of the flash region; writing is enabled.
            unsafe { write_volatile((address as usize + 4 * i) as *mut u32, value) };
            wait_ready();
        }
        config(CONFIG_REN);
    }
}

#[cfg(feature = "microbit")]
impl Storage {
    fn load(&self, start: usize, out: &mut [u8]) -> Result<(), NorFlashErrorKind> {
        in_bounds(start, out.len())?;
        nvmc::read(NVMC_FLASH_BASE + start as u32, out);
        Ok(())
    }

    fn erase_range(&mut self, from: usize, to: usize) -> Result<(), NorFlashErrorKind> {
        in_bounds(from, to.saturating_sub(from))?;
        for page in (from..to).step_by(ERASE_SIZE) {
            nvmc::erase_page(NVMC_FLASH_BASE + page as u32);
        }
        Ok(())
    }

    fn program(&mut self, start: usize, bytes: &[u8]) -> Result<(), NorFlashErrorKind> {
        in_bounds(start, bytes.len())?;
        nvmc::program(NVMC_FLASH_BASE + start as u32, bytes);
        Ok(())
    }
}

#[cfg(feature = "microbit")]
fn in_bounds(start: usize, len: usize) -> Result<(), NorFlashErrorKind> {
    match start.checked_add(len) {
        Some(end) if end <= CAPACITY => Ok(()),
        _ => Err(NorFlashErrorKind::OutOfBounds),
    }
}

static STORAGE: Mutex<RefCell<Storage>> = Mutex::new(RefCell::new(Storage {
    #[cfg(not(feature = "microbit"))]
    bytes: [0; CAPACITY],
    erases: [0; SECTORS],
    writes: 0,
    limited: false,
    ops_left: 0,
}));

fn with<R>(f: impl FnOnce(&mut Storage) -> R) -> R {
    critical_section::with(|cs| f(&mut STORAGE.borrow_ref_mut(cs)))
}

/// A handle on the board's NOR flash (see the module documentation).
#[derive(Debug)]
pub struct BoardFlash {
    _private: (),
}

impl BoardFlash {
    /// The flash, erased to `0xFF`, with its counters reset and no power cut pending.
    #[must_use]
    pub fn erased() -> Self {
        with(|s| {
            // Cannot fail: the whole range.
            let _ = s.erase_range(0, CAPACITY);
            s.erases.fill(0);
            s.writes = 0;
            s.limited = false;
        });
        Self { _private: () }
    }

    /// The flash as it is, contents kept (after a simulated reboot); any pending power cut is
    /// cleared.
    #[must_use]
    pub fn reopen() -> Self {
        with(|s| s.limited = false);
        Self { _private: () }
    }

    /// After `ops` more writes and erases, every write and erase fails with
    /// `NorFlashErrorKind::Other` and changes nothing; `None` lifts the limit.
    pub fn fail_after(&mut self, ops: Option<u32>) {
        with(|s| {
            s.limited = ops.is_some();
            s.ops_left = ops.unwrap_or(0);
        });
    }

    /// How often sector `sector` was erased since [`BoardFlash::erased`] (0 for a bad index).
    #[must_use]
    pub fn erase_count(&self, sector: usize) -> u32 {
        with(|s| s.erases.get(sector).copied().unwrap_or(0))
    }

    /// How many writes succeeded since [`BoardFlash::erased`].
    #[must_use]
    pub fn write_count(&self) -> u32 {
        with(|s| s.writes)
    }
}

impl ErrorType for BoardFlash {
    type Error = NorFlashErrorKind;
}

impl ReadNorFlash for BoardFlash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        check_read(self, offset, bytes.len())?;
        let start = offset as usize;
        with(|s| s.load(start, bytes))
    }

    fn capacity(&self) -> usize {
        CAPACITY
    }
}

impl NorFlash for BoardFlash {
    const WRITE_SIZE: usize = WRITE_SIZE;
    const ERASE_SIZE: usize = ERASE_SIZE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        check_erase(self, from, to)?;
        let (from, to) = (from as usize, to as usize);
        with(|s| {
            s.spend()?;
            s.erase_range(from, to)?;
            for sector in from / ERASE_SIZE..to / ERASE_SIZE {
                if let Some(n) = s.erases.get_mut(sector) {
                    *n = n.saturating_add(1);
                }
            }
            Ok(())
        })
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        check_write(self, offset, bytes.len())?;
        let start = offset as usize;
        with(|s| {
            s.spend()?;
            s.program(start, bytes)?;
            s.writes = s.writes.saturating_add(1);
            Ok(())
        })
    }
}

/// Rewriting a written word ANDs the values, as NOR flash does.
impl MultiwriteNorFlash for BoardFlash {}
