//! A RAM-backed NOR flash for the QEMU boards, implementing `embedded-storage` 0.3.
//!
//! It behaves like NOR flash: erasing sets a whole sector to `0xFF`; writing can only clear bits
//! (the stored byte becomes `old & new`), so rewriting a written word is allowed
//! ([`MultiwriteNorFlash`]) and ANDs the values, as on real parts. Reads have no alignment rules.
//!
//! | board                          | sectors | erase size | write size | capacity |
//! |--------------------------------|---------|------------|------------|----------|
//! | mps2-an386, mps2-an385, an505  | 32      | 4 KiB      | 4 bytes    | 128 KiB  |
//! | microbit (16 KiB RAM)          | 8       | 1 KiB      | 4 bytes    | 8 KiB    |
//!
//! The storage is one static buffer per firmware: every [`RamFlash`] handle sees the same bytes.
//! [`RamFlash::erased`] starts from a blank part; [`RamFlash::reopen`] keeps the contents, which
//! is how a test simulates a reboot. [`RamFlash::fail_after`] simulates a power cut: after the
//! given number of further writes and erases, every write and erase fails and changes nothing. The
//! buffer starts zeroed in `.bss` (an `0xFF` initialiser would cost its size in flash) and is
//! erased by [`RamFlash::erased`].

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

struct Storage {
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

static STORAGE: Mutex<RefCell<Storage>> = Mutex::new(RefCell::new(Storage {
    bytes: [0; CAPACITY],
    erases: [0; SECTORS],
    writes: 0,
    limited: false,
    ops_left: 0,
}));

fn with<R>(f: impl FnOnce(&mut Storage) -> R) -> R {
    critical_section::with(|cs| f(&mut STORAGE.borrow_ref_mut(cs)))
}

/// A handle on the board's RAM-backed NOR flash (see the module documentation).
#[derive(Debug)]
pub struct RamFlash {
    _private: (),
}

impl RamFlash {
    /// The flash, erased to `0xFF`, with its counters reset and no power cut pending.
    #[must_use]
    pub fn erased() -> Self {
        with(|s| {
            s.bytes.fill(0xFF);
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

    /// How often sector `sector` was erased since [`RamFlash::erased`] (0 for a bad index).
    #[must_use]
    pub fn erase_count(&self, sector: usize) -> u32 {
        with(|s| s.erases.get(sector).copied().unwrap_or(0))
    }

    /// How many writes succeeded since [`RamFlash::erased`].
    #[must_use]
    pub fn write_count(&self) -> u32 {
        with(|s| s.writes)
    }
}

impl ErrorType for RamFlash {
    type Error = NorFlashErrorKind;
}

impl ReadNorFlash for RamFlash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        check_read(self, offset, bytes.len())?;
        let start = offset as usize;
        with(|s| {
            let src = s
                .bytes
                .get(start..start + bytes.len())
                .ok_or(NorFlashErrorKind::OutOfBounds)?;
            bytes.copy_from_slice(src);
            Ok(())
        })
    }

    fn capacity(&self) -> usize {
        CAPACITY
    }
}

impl NorFlash for RamFlash {
    const WRITE_SIZE: usize = WRITE_SIZE;
    const ERASE_SIZE: usize = ERASE_SIZE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        check_erase(self, from, to)?;
        let (from, to) = (from as usize, to as usize);
        with(|s| {
            s.spend()?;
            s.bytes
                .get_mut(from..to)
                .ok_or(NorFlashErrorKind::OutOfBounds)?
                .fill(0xFF);
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
            let dst = s
                .bytes
                .get_mut(start..start + bytes.len())
                .ok_or(NorFlashErrorKind::OutOfBounds)?;
            for (d, b) in dst.iter_mut().zip(bytes) {
                *d &= *b;
            }
            s.writes = s.writes.saturating_add(1);
            Ok(())
        })
    }
}

/// Rewriting a written word ANDs the values, as NOR flash does.
impl MultiwriteNorFlash for RamFlash {}
