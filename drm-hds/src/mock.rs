//! A NOR flash in RAM for tests, fuzzing and benches (feature `mock`): counts every access,
//! enforces NOR rules, and cuts power after a chosen number of word writes or page erases.
//!
//! Torn-write models at the cut (PROTOCOL-independent, from the issue): [`Torn::Prefix`] leaves
//! only the words before the cut written; [`Torn::Random`] also leaves the word in flight
//! random. An interrupted erase always leaves a mix of old, erased and random bytes. After the
//! cut every access fails with [`MockError::PowerLost`] until [`MockFlash::restore_power`].

use embedded_storage::nor_flash::{
    ErrorType, MultiwriteNorFlash, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};

pub use crate::counters::Counters;
/// Most pages whose erase counts the mock tracks ([`crate::counters::COUNTED_PAGES`]).
pub const MOCK_MAX_PAGES: usize = crate::counters::COUNTED_PAGES;

/// Errors of the mock flash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MockError {
    /// Offset or length not aligned to the access granularity.
    NotAligned,
    /// Outside the flash.
    OutOfBounds,
    /// A write would turn a 0 bit into 1 (or, on a write-once part, program a word twice).
    NotErased,
    /// The power was cut.
    PowerLost,
}

impl NorFlashError for MockError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            MockError::NotAligned => NorFlashErrorKind::NotAligned,
            MockError::OutOfBounds => NorFlashErrorKind::OutOfBounds,
            MockError::NotErased | MockError::PowerLost => NorFlashErrorKind::Other,
        }
    }
}

/// What the word in flight looks like after a power cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Torn {
    /// The word in flight is not written at all (only a prefix of the write reached the flash).
    Prefix,
    /// The word in flight holds random bits (ANDed with its old value, as NOR programming can
    /// only clear bits).
    Random,
}

/// A NOR flash over a caller's buffer. `WRITE` is the write granularity, `ERASE` the page
/// size, `MULTI` whether words may be programmed again (bits 1→0 only; the part then
/// implements `MultiwriteNorFlash`), `READ` the read granularity.
pub struct MockFlash<
    'a,
    const WRITE: usize = 4,
    const ERASE: usize = 4096,
    const MULTI: bool = false,
    const READ: usize = 1,
> {
    mem: &'a mut [u8],
    counters: Counters,
    ops: u64,
    cut_at: Option<u64>,
    torn: Torn,
    rng: u64,
    lost: bool,
}

impl<'a, const WRITE: usize, const ERASE: usize, const MULTI: bool, const READ: usize>
    MockFlash<'a, WRITE, ERASE, MULTI, READ>
{
    /// A flash over `mem` (its current contents are the flash contents; a length that is not a
    /// multiple of `ERASE` is cut down).
    pub fn new(mem: &'a mut [u8]) -> Self {
        let len = mem.len() - mem.len() % ERASE;
        let (mem, _) = mem.split_at_mut(len);
        Self {
            mem,
            counters: Counters::default(),
            ops: 0,
            cut_at: None,
            torn: Torn::Prefix,
            rng: 0x9E37_79B9_7F4A_7C15,
            lost: false,
        }
    }

    /// The flash contents.
    #[must_use]
    pub fn memory(&self) -> &[u8] {
        self.mem
    }

    /// The flash contents, writable (to tamper with an image in tests).
    pub fn memory_mut(&mut self) -> &mut [u8] {
        self.mem
    }

    /// Access counters since creation or the last [`MockFlash::reset_counters`].
    #[must_use]
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Zeroes the access counters (not the operation count used for cuts).
    pub fn reset_counters(&mut self) {
        self.counters = Counters::default();
    }

    /// Word writes and page erases done so far (the unit of [`MockFlash::cut_after`]).
    #[must_use]
    pub fn ops(&self) -> u64 {
        self.ops
    }

    /// Cuts the power when `n` more word writes or erases have completed: the next one is torn
    /// as `torn` says (random bytes drawn from `seed`).
    pub fn cut_after(&mut self, n: u64, torn: Torn, seed: u64) {
        self.cut_at = Some(self.ops + n);
        self.torn = torn;
        self.rng = seed | 1;
    }

    /// True once the power was cut.
    #[must_use]
    pub fn power_lost(&self) -> bool {
        self.lost
    }

    /// Powers up again (no cut scheduled).
    pub fn restore_power(&mut self) {
        self.lost = false;
        self.cut_at = None;
    }

    fn random(&mut self) -> u8 {
        // xorshift64*
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
    }

    /// True when the operation about to start is the one the power cut tears.
    fn tearing(&mut self) -> bool {
        self.cut_at == Some(self.ops)
    }

    fn check(&self, offset: u32, len: usize, align: usize) -> Result<usize, MockError> {
        if self.lost {
            return Err(MockError::PowerLost);
        }
        let off = offset as usize;
        if !off.is_multiple_of(align) || !len.is_multiple_of(align) {
            return Err(MockError::NotAligned);
        }
        if off.checked_add(len).is_none_or(|end| end > self.mem.len()) {
            return Err(MockError::OutOfBounds);
        }
        Ok(off)
    }
}

impl<const WRITE: usize, const ERASE: usize, const MULTI: bool, const READ: usize> ErrorType
    for MockFlash<'_, WRITE, ERASE, MULTI, READ>
{
    type Error = MockError;
}

impl<const WRITE: usize, const ERASE: usize, const MULTI: bool, const READ: usize> ReadNorFlash
    for MockFlash<'_, WRITE, ERASE, MULTI, READ>
{
    const READ_SIZE: usize = READ;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        let off = self.check(offset, bytes.len(), READ)?;
        let src = self
            .mem
            .get(off..off + bytes.len())
            .ok_or(MockError::OutOfBounds)?;
        bytes.copy_from_slice(src);
        self.counters.read(bytes.len());
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.mem.len()
    }
}

impl<const WRITE: usize, const ERASE: usize, const MULTI: bool, const READ: usize> NorFlash
    for MockFlash<'_, WRITE, ERASE, MULTI, READ>
{
    const WRITE_SIZE: usize = WRITE;
    const ERASE_SIZE: usize = ERASE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        if to < from {
            return Err(MockError::OutOfBounds);
        }
        let off = self.check(from, (to - from) as usize, ERASE)?;
        let mut page = off;
        while page < to as usize {
            if self.tearing() {
                for i in page..page + ERASE {
                    let r = self.random();
                    let v = match r % 3 {
                        0 => None,
                        1 => Some(0xFF),
                        _ => Some(self.random()),
                    };
                    if let (Some(v), Some(b)) = (v, self.mem.get_mut(i)) {
                        *b = v;
                    }
                }
                self.lost = true;
                return Err(MockError::PowerLost);
            }
            if let Some(p) = self.mem.get_mut(page..page + ERASE) {
                p.fill(0xFF);
            }
            self.counters.erased(page / ERASE);
            self.ops += 1;
            page += ERASE;
        }
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        let off = self.check(offset, bytes.len(), WRITE)?;
        self.counters.write_call();
        for (w, word) in bytes.chunks(WRITE).enumerate() {
            let at = off + w * WRITE;
            let old = self.mem.get(at..at + WRITE).ok_or(MockError::OutOfBounds)?;
            let fresh = old.iter().all(|&b| b == 0xFF);
            let only_clears = old.iter().zip(word).all(|(&o, &n)| n & !o == 0);
            if !(only_clears && (MULTI || fresh)) {
                return Err(MockError::NotErased);
            }
            if self.tearing() {
                if self.torn == Torn::Random {
                    for i in at..at + WRITE {
                        let r = self.random();
                        if let Some(b) = self.mem.get_mut(i) {
                            *b &= r;
                        }
                    }
                }
                self.lost = true;
                return Err(MockError::PowerLost);
            }
            if let Some(dst) = self.mem.get_mut(at..at + WRITE) {
                for (d, &n) in dst.iter_mut().zip(word) {
                    *d &= n;
                }
            }
            self.counters.wrote(WRITE);
            self.ops += 1;
        }
        Ok(())
    }
}

impl<const WRITE: usize, const ERASE: usize, const READ: usize> MultiwriteNorFlash
    for MockFlash<'_, WRITE, ERASE, true, READ>
{
}
