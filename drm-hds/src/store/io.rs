//! The bottom of the store: flash reads (through an aligned bounce buffer where the driver
//! needs it), writes, page erases and headers, fill checks, and the chunked record writer the
//! commit and compaction paths share.

use drm_core::crypto::backend::Sha256Engine;
use drm_core::platform::MonotonicCounter;
use embedded_storage::nor_flash::NorFlash;

use crate::error::{Error, Result};
use crate::layout::PageHeader;

use super::{CHUNK, Store, fl};

impl<S: NorFlash, C: MonotonicCounter, const PAGES: usize, H: Sha256Engine> Store<S, C, PAGES, H> {
    pub(super) fn read(&mut self, addr: u32, buf: &mut [u8]) -> Result<()> {
        let rs = S::READ_SIZE;
        if rs == 1 || ((addr as usize).is_multiple_of(rs) && buf.len().is_multiple_of(rs)) {
            return self.flash.read(addr, buf).map_err(fl);
        }
        // Unaligned: go through an aligned bounce buffer.
        let mut bounce = [0u8; CHUNK];
        let mut done = 0usize;
        while done < buf.len() {
            let at = addr as usize + done;
            let start = at - at % rs;
            let skip = at - start;
            let want = (buf.len() - done + skip).min(CHUNK);
            let span = want.div_ceil(rs) * rs;
            let span = span.min(CHUNK);
            let b = bounce.get_mut(..span).ok_or(Error::LogicBug)?;
            let start32 = u32::try_from(start).map_err(|_| Error::LogicBug)?;
            self.flash.read(start32, b).map_err(fl)?;
            let take = (span - skip).min(buf.len() - done);
            let src = b.get(skip..skip + take).ok_or(Error::LogicBug)?;
            buf.get_mut(done..done + take)
                .ok_or(Error::LogicBug)?
                .copy_from_slice(src);
            done += take;
        }
        Ok(())
    }

    pub(super) fn write(&mut self, addr: u32, data: &[u8]) -> Result<()> {
        self.flash.write(addr, data).map_err(fl)
    }

    pub(super) fn erase_page(&mut self, p: u16) -> Result<()> {
        let from = self.geo.page_addr(p);
        let to = from + self.geo.erase_size;
        let c = self.erase_count(p).saturating_add(1);
        self.set_erase_count(p, c);
        self.flash.erase(from, to).map_err(fl)?;
        if p == self.spare {
            self.spare_clean = true;
        }
        Ok(())
    }

    pub(super) fn write_header(
        &mut self,
        p: u16,
        kind: u8,
        bucket: u16,
        generation: u32,
    ) -> Result<()> {
        let h = PageHeader {
            kind,
            erase_count: self.erase_count(p),
            bucket,
            generation,
        }
        .encode(self.geo.erase_size, self.geo.pages);
        self.write(self.geo.page_addr(p), &h)
    }

    pub(super) fn is_erased(&mut self, addr: u32, len: u32) -> Result<bool> {
        self.is_filled(addr, len, 0xFF)
    }

    /// True when all `len` bytes at `addr` equal `value`.
    pub(super) fn is_filled(&mut self, addr: u32, len: u32, value: u8) -> Result<bool> {
        let mut buf = [0u8; CHUNK];
        let mut done = 0u32;
        while done < len {
            let n = (len - done).min(CHUNK as u32) as usize;
            let b = buf.get_mut(..n).ok_or(Error::LogicBug)?;
            self.read(addr + done, b)?;
            if b.iter().any(|&x| x != value) {
                return Ok(false);
            }
            done += n as u32;
        }
        Ok(true)
    }

    pub(super) fn is_zero(&mut self, addr: u32, len: u32) -> Result<bool> {
        self.is_filled(addr, len, 0)
    }

    /// Overwrites `len` bytes with zeros. Only called when the flash is multiwrite.
    pub(super) fn zero(&mut self, addr: u32, len: u32) -> Result<()> {
        if !self.multiwrite {
            return Err(Error::LogicBug);
        }
        let zeros = [0u8; CHUNK];
        let mut done = 0u32;
        while done < len {
            let n = (len - done).min(CHUNK as u32) as usize;
            self.write(addr + done, zeros.get(..n).ok_or(Error::LogicBug)?)?;
            done += n as u32;
        }
        Ok(())
    }
}

/// `buf[..len] = buf[by..by + len]`, `by` bytes at a time: each step copies between two parts
/// that do not overlap (a `memcpy`), so the firmware does not link `memmove` (1,574 bytes on the
/// M4F at "z") for this one overlapping copy, `copy_within`'s.
pub(super) fn move_down(buf: &mut [u8], by: usize, len: usize) -> Result<()> {
    let mut at = 0;
    while at < len {
        let n = (len - at).min(by);
        let (lo, hi) = buf.split_at_mut_checked(at + by).ok_or(Error::LogicBug)?;
        let dst = lo.get_mut(at..at + n).ok_or(Error::LogicBug)?;
        dst.copy_from_slice(hi.get(..n).ok_or(Error::LogicBug)?);
        at += n;
    }
    Ok(())
}

/// Copies the part of `chunk` (at record position `pos`) that falls into `dst` placed at
/// record position `at`.
pub(super) fn copy_part(dst: &mut [u8], at: usize, pos: usize, chunk: &[u8]) {
    let end = pos + chunk.len();
    let d_end = at + dst.len();
    let from = pos.max(at);
    let to = end.min(d_end);
    if from < to
        && let (Some(d), Some(s)) = (
            dst.get_mut(from - at..to - at),
            chunk.get(from - pos..to - pos),
        )
    {
        d.copy_from_slice(s);
    }
}

/// Buffers a record's bytes and writes them in chunks (all but the last a multiple of 8).
pub(super) struct ChunkWriter {
    addr: u32,
    buf: [u8; CHUNK],
    fill: usize,
}

impl ChunkWriter {
    pub(super) fn new(addr: u32) -> Self {
        Self {
            addr,
            buf: [0u8; CHUNK],
            fill: 0,
        }
    }

    pub(super) fn push<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
        &mut self,
        store: &mut Store<S, C, P, H>,
        mut data: &[u8],
    ) -> Result<()> {
        while !data.is_empty() {
            let room = CHUNK - self.fill;
            let n = room.min(data.len());
            let (head, rest) = data.split_at_checked(n).ok_or(Error::LogicBug)?;
            self.buf
                .get_mut(self.fill..self.fill + n)
                .ok_or(Error::LogicBug)?
                .copy_from_slice(head);
            self.fill += n;
            data = rest;
            if self.fill == CHUNK {
                self.flush(store)?;
            }
        }
        Ok(())
    }

    pub(super) fn flush<S: NorFlash, C: MonotonicCounter, const P: usize, H: Sha256Engine>(
        &mut self,
        store: &mut Store<S, C, P, H>,
    ) -> Result<()> {
        if self.fill == 0 {
            return Ok(());
        }
        let b = self.buf.get(..self.fill).ok_or(Error::LogicBug)?;
        store.write(self.addr, b)?;
        self.addr += self.fill as u32;
        self.fill = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::move_down;

    #[test]
    fn move_down_is_copy_within() {
        for by in [1usize, 3, 48] {
            for len in [0usize, 1, 47, 48, 49, 96, 200] {
                let src: [u8; 256] = core::array::from_fn(|i| i as u8);
                let mut want = src;
                want.copy_within(by..by + len, 0);
                let mut got = src;
                move_down(&mut got, by, len).unwrap();
                assert_eq!(got, want, "by {by} len {len}");
            }
        }
        assert!(move_down(&mut [0u8; 10], 4, 7).is_err());
    }
}
