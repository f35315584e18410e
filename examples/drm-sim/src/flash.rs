//! Flash for the simulation: a traffic-counting wrapper around any NOR flash, and a RAM copy of
//! an image (so that inspecting an image never writes to it).

use std::cell::Cell;
use std::rc::Rc;

use embedded_storage::nor_flash::{
    ErrorType, MultiwriteNorFlash, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};

/// Flash traffic: operations and bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Read calls.
    pub reads: u64,
    /// Bytes read.
    pub read_bytes: u64,
    /// Write calls.
    pub writes: u64,
    /// Bytes written.
    pub write_bytes: u64,
    /// Pages erased.
    pub erases: u64,
}

/// A shared view of a [`Counted`] flash's traffic (the store owns the flash itself).
#[derive(Debug, Clone, Default)]
pub struct TrafficMeter(Rc<Cell<Traffic>>);

impl TrafficMeter {
    /// The traffic so far.
    pub fn get(&self) -> Traffic {
        self.0.get()
    }

    fn update(&self, f: impl FnOnce(&mut Traffic)) {
        let mut t = self.0.get();
        f(&mut t);
        self.0.set(t);
    }
}

/// A NOR flash that counts its traffic.
#[derive(Debug)]
pub struct Counted<F> {
    inner: F,
    meter: TrafficMeter,
}

impl<F> Counted<F> {
    /// Wraps `inner`; returns the flash and its meter.
    pub fn new(inner: F) -> (Self, TrafficMeter) {
        let meter = TrafficMeter::default();
        (
            Self {
                inner,
                meter: meter.clone(),
            },
            meter,
        )
    }
}

fn len64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl<F: ErrorType> ErrorType for Counted<F> {
    type Error = F::Error;
}

impl<F: ReadNorFlash> ReadNorFlash for Counted<F> {
    const READ_SIZE: usize = F::READ_SIZE;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        self.meter.update(|t| {
            t.reads += 1;
            t.read_bytes += len64(bytes.len());
        });
        self.inner.read(offset, bytes)
    }

    fn capacity(&self) -> usize {
        self.inner.capacity()
    }
}

impl<F: NorFlash> NorFlash for Counted<F> {
    const WRITE_SIZE: usize = F::WRITE_SIZE;
    const ERASE_SIZE: usize = F::ERASE_SIZE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        let pages = u64::from(to.saturating_sub(from)) / len64(F::ERASE_SIZE.max(1));
        self.meter.update(|t| t.erases += pages);
        self.inner.erase(from, to)
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        self.meter.update(|t| {
            t.writes += 1;
            t.write_bytes += len64(bytes.len());
        });
        self.inner.write(offset, bytes)
    }
}

impl<F: MultiwriteNorFlash> MultiwriteNorFlash for Counted<F> {}

/// The error of [`MemFlash`]: an access out of bounds or not aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemFlashError(NorFlashErrorKind);

impl NorFlashError for MemFlashError {
    fn kind(&self) -> NorFlashErrorKind {
        self.0
    }
}

/// A flash image in RAM, pages of `E` bytes, 4-byte writes that only clear bits (as NOR does).
#[derive(Debug)]
pub struct MemFlash<const E: usize> {
    bytes: Vec<u8>,
}

impl<const E: usize> MemFlash<E> {
    /// A flash holding a copy of `image`; `None` unless its length is a whole number of pages.
    pub fn new(image: Vec<u8>) -> Option<Self> {
        (!image.is_empty() && image.len().is_multiple_of(E)).then_some(Self { bytes: image })
    }

    fn range(
        &self,
        offset: u32,
        len: usize,
        align: usize,
    ) -> Result<(usize, usize), MemFlashError> {
        let start =
            usize::try_from(offset).map_err(|_| MemFlashError(NorFlashErrorKind::OutOfBounds))?;
        if !start.is_multiple_of(align) || !len.is_multiple_of(align) {
            return Err(MemFlashError(NorFlashErrorKind::NotAligned));
        }
        let end = start
            .checked_add(len)
            .filter(|e| *e <= self.bytes.len())
            .ok_or(MemFlashError(NorFlashErrorKind::OutOfBounds))?;
        Ok((start, end))
    }
}

impl<const E: usize> ErrorType for MemFlash<E> {
    type Error = MemFlashError;
}

impl<const E: usize> ReadNorFlash for MemFlash<E> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        let (s, e) = self.range(offset, bytes.len(), 1)?;
        let src = self
            .bytes
            .get(s..e)
            .ok_or(MemFlashError(NorFlashErrorKind::OutOfBounds))?;
        bytes.copy_from_slice(src);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.bytes.len()
    }
}

impl<const E: usize> NorFlash for MemFlash<E> {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = E;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        let len = usize::try_from(to.saturating_sub(from)).unwrap_or(usize::MAX);
        let (s, e) = self.range(from, len, E)?;
        self.bytes
            .get_mut(s..e)
            .ok_or(MemFlashError(NorFlashErrorKind::OutOfBounds))?
            .fill(0xFF);
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        let (s, e) = self.range(offset, bytes.len(), 4)?;
        let dst = self
            .bytes
            .get_mut(s..e)
            .ok_or(MemFlashError(NorFlashErrorKind::OutOfBounds))?;
        for (d, b) in dst.iter_mut().zip(bytes) {
            *d &= b;
        }
        Ok(())
    }
}

impl<const E: usize> MultiwriteNorFlash for MemFlash<E> {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn counts_traffic_and_keeps_nor_rules() {
        let (mut f, meter) = Counted::new(MemFlash::<1024>::new(vec![0xFF; 4096]).unwrap());
        f.write(0, &[0xF0, 0x0F, 0xFF, 0x00]).unwrap();
        f.write(0, &[0x3C, 0xFF, 0x0F, 0xFF]).unwrap();
        let mut b = [0u8; 4];
        f.read(0, &mut b).unwrap();
        assert_eq!(b, [0x30, 0x0F, 0x0F, 0x00], "writes only clear bits");
        f.erase(0, 2048).unwrap();
        f.read(0, &mut b).unwrap();
        assert_eq!(b, [0xFF; 4]);
        let t = meter.get();
        assert_eq!((t.reads, t.read_bytes), (2, 8));
        assert_eq!((t.writes, t.write_bytes, t.erases), (2, 8, 2));
        assert!(f.write(2, &[0; 4]).is_err(), "unaligned");
        assert!(f.read(4095, &mut b).is_err(), "out of bounds");
        assert!(f.erase(0, 100).is_err(), "not whole pages");
        assert!(MemFlash::<1024>::new(vec![0; 1000]).is_none());
    }
}
