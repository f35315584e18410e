//! The root record: written and read, its room in the root page kept, bucket indexes checked
//! against it.

use drm_core::crypto::backend::{Hasher, Sha256Engine};
use drm_core::platform::MonotonicCounter;
use embedded_storage::nor_flash::NorFlash;

use crate::error::{Error, Result};
use crate::layout::{
    self, DIGEST_LEN, ENTRY_LEN, Entry, HEADER_LEN, KIND_ROOT, Keyed, ROOT_HASH_LEN, RootHead, Row,
    label,
};

use super::io::{ChunkWriter, copy_part};
use super::{BucketState, CHUNK, RootRead, Store};

impl<S: NorFlash, C: MonotonicCounter, const PAGES: usize, H: Sha256Engine> Store<S, C, PAGES, H> {
    /// Writes a root record for the current state with `changes` (bucket, count, data_end)
    /// applied; `user` commits increment the monotonic counter.
    #[inline(never)]
    pub(super) fn write_root(&mut self, changes: &[(u16, u16, u32)], user: bool) -> Result<()> {
        let buckets = usize::from(self.geo.buckets);
        let mut rows = self.rows;
        let mut digests = [[0u8; DIGEST_LEN]; PAGES];
        for (d, s) in digests.iter_mut().zip(self.state.iter()).take(buckets) {
            *d = s.digest;
        }
        for &(b, count, _) in changes {
            let r = rows.get_mut(usize::from(b)).ok_or(Error::LogicBug)?;
            r.count = count;
            let row = *r;
            let bad = Error::Flash(embedded_storage::nor_flash::NorFlashErrorKind::Other);
            *digests.get_mut(usize::from(b)).ok_or(Error::LogicBug)? =
                self.scan_index(b, row, bad)?.0;
        }
        let mut comb = self.sha.hasher();
        comb.update(label::COMBINED);
        for d in digests.iter().take(buckets) {
            comb.update(d);
        }
        let combined = comb.finalize();
        let counter = if user && self.counter.is_some() {
            self.counter_value + 1
        } else {
            self.counter_value
        };
        let head = RootHead {
            seq: self.seq + 1,
            counter,
        };
        if self.root_next >= self.geo.root_slots {
            return Err(Error::LogicBug);
        }
        let rows_b = rows.get(..buckets).ok_or(Error::LogicBug)?;
        let tag = layout::root_record_tag(&Keyed(&self.key, &self.sha), head, rows_b, &combined);
        let addr = self.geo.page_addr(self.root_page)
            + HEADER_LEN as u32
            + u32::from(self.root_next) * self.geo.root_len;
        self.root_next += 1;
        let mut w = ChunkWriter::new(addr);
        w.push(self, &layout::root_fixed(head, self.geo.buckets))?;
        for r in rows_b {
            w.push(self, &layout::root_row(r))?;
        }
        w.push(self, &combined)?;
        w.push(self, &tag)?;
        w.flush(self)?;
        // Committed: apply to RAM.
        self.seq = head.seq;
        self.rows = rows;
        for &(b, _, data_end) in changes {
            let d = digests
                .get(usize::from(b))
                .copied()
                .ok_or(Error::LogicBug)?;
            self.set_state(
                b,
                BucketState {
                    data_end,
                    dirty: false,
                    digest: d,
                },
            );
        }
        if counter != self.counter_value {
            self.counter_value = counter;
            if let Some(c) = self.counter.as_mut() {
                let now = c.increment().map_err(|_| Error::Counter)?;
                if now != counter {
                    return Err(Error::Counter);
                }
            }
        }
        Ok(())
    }

    /// Makes sure the root page has a free slot, moving the root to the spare page if not.
    pub(super) fn ensure_root_room(&mut self) -> Result<()> {
        if self.root_next < self.geo.root_slots {
            return Ok(());
        }
        let new = self.spare;
        if !self.spare_clean {
            self.erase_page(new)?;
        }
        self.spare_clean = false;
        self.write_header(new, KIND_ROOT, 0xFFFF, 0)?;
        let old = self.root_page;
        self.root_page = new;
        self.root_next = 0;
        self.write_root(&[], false)?;
        self.spare = old;
        self.spare_clean = false;
        self.erase_page(old)?;
        Ok(())
    }

    /// The digest and data end of bucket `b`'s first `row.count` index entries as they are on
    /// the flash, read in chunks; an entry that does not decode gives `bad`.
    #[inline(never)]
    pub(super) fn scan_index(
        &mut self,
        b: u16,
        row: Row,
        bad: Error,
    ) -> Result<([u8; DIGEST_LEN], u32)> {
        let mut d = layout::IndexDigest::new(&self.sha, b, row.generation);
        let mut data_end = self.geo.data_start;
        let mut buf = [0u8; CHUNK];
        let total = u32::from(row.count) * ENTRY_LEN as u32;
        let base = self.geo.page_addr(row.phys) + HEADER_LEN as u32;
        let mut done = 0u32;
        while done < total {
            let n = (total - done).min(CHUNK as u32) as usize;
            let chunk = buf.get_mut(..n).ok_or(Error::LogicBug)?;
            self.read(base + done, chunk)?;
            for e in chunk.chunks_exact(ENTRY_LEN) {
                data_end += Entry::decode(e).ok_or(bad)?.data_len() as u32;
            }
            d.update(chunk);
            done += n as u32;
        }
        Ok((d.finish(), data_end))
    }

    /// Reads the root slot at `addr` in chunks: whether it is erased, and its head, rows (into
    /// `rows`) and combined hash when it is a valid root record.
    #[inline(never)]
    pub(super) fn read_root(&mut self, addr: u32, rows: &mut [Row]) -> Result<RootRead> {
        let rl = self.geo.root_len as usize;
        let rows_at = layout::ROOT_FIXED_LEN;
        let comb_at = rows_at + layout::ROOT_ROW_LEN * rows.len();
        let tag_at = comb_at + ROOT_HASH_LEN;
        let mut mac = Keyed(&self.key, &self.sha).root_mac();
        let mut fixed = [0u8; layout::ROOT_FIXED_LEN];
        let mut comb = [0u8; ROOT_HASH_LEN];
        let mut tag = [0u8; ROOT_HASH_LEN];
        let mut erased = true;
        let mut buf = [0u8; CHUNK];
        let mut pos = 0usize;
        while pos < rl {
            let n = (rl - pos).min(CHUNK);
            let chunk = buf.get_mut(..n).ok_or(Error::LogicBug)?;
            self.read(addr + pos as u32, chunk)?;
            erased &= chunk.iter().all(|&x| x == 0xFF);
            mac.update(
                chunk
                    .get(..tag_at.saturating_sub(pos).min(n))
                    .unwrap_or(&[]),
            );
            copy_part(&mut fixed, 0, pos, chunk);
            copy_part(&mut comb, comb_at, pos, chunk);
            copy_part(&mut tag, tag_at, pos, chunk);
            for (i, row) in rows.iter_mut().enumerate() {
                let mut rb = [0u8; layout::ROOT_ROW_LEN];
                let at = rows_at + layout::ROOT_ROW_LEN * i;
                if at >= pos && at + layout::ROOT_ROW_LEN <= pos + n {
                    copy_part(&mut rb, at, pos, chunk);
                    *row = layout::row_from(&rb);
                }
            }
            pos += n;
        }
        let buckets = u16::try_from(rows.len()).map_err(|_| Error::LogicBug)?;
        let head = layout::root_head(&fixed, buckets);
        let ok = layout::tag_eq(&mac.finalize(), &tag);
        Ok((erased, head.filter(|_| ok).map(|h| (h, comb))))
    }
}
