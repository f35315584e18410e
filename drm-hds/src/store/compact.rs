//! Compaction and wear: a bucket rewritten into the spare page, and the coldest bucket moved
//! when erase counts drift apart.

use drm_core::crypto::backend::Sha256Engine;
use drm_core::platform::MonotonicCounter;
use embedded_storage::nor_flash::NorFlash;

use crate::error::{Error, Result};
use crate::layout::{
    self, ENTRY_LEN, Entry, HEADER_LEN, KIND_BUCKET, Keyed, RECORD_HEADER_LEN, RECORD_TAG_LEN, Row,
};

use super::io::copy_part;
use super::lookup::is_superseded;
use super::{CHUNK, INDEX_BUF, Store};

impl<S: NorFlash, C: MonotonicCounter, const PAGES: usize, H: Sha256Engine> Store<S, C, PAGES, H> {
    /// Copies bucket `b`'s live records into the spare page (a new generation), commits, and
    /// erases the old page, which becomes the spare.
    #[inline(never)]
    pub(super) fn compact(&mut self, b: u16) -> Result<()> {
        self.ensure_root_room()?;
        let row = self.row(b)?;
        let mut idx = [0u8; INDEX_BUF];
        let n = self.read_index(b, &mut idx)?;
        let ib = idx.get(..n).ok_or(Error::LogicBug)?;
        let new = self.spare;
        if !self.spare_clean {
            self.erase_page(new)?;
        }
        self.spare_clean = false;
        let generation = row.generation.wrapping_add(1);
        self.write_header(new, KIND_BUCKET, b, generation)?;
        let old_base = self.geo.page_addr(row.phys);
        let new_base = self.geo.page_addr(new);
        let mut offset = self.geo.data_start;
        let mut new_slot = 0u16;
        let mut new_end = self.geo.data_start;
        for (i, e) in ib.chunks_exact(ENTRY_LEN).enumerate() {
            let entry = Entry::decode(e).ok_or(Error::Integrity)?;
            let here = offset;
            offset += entry.data_len() as u32;
            if entry.tombstone || is_superseded(ib, i, &entry.fp) {
                continue;
            }
            let slot = u16::try_from(i).map_err(|_| Error::LogicBug)?;
            let entry_addr = new_base + HEADER_LEN as u32 + u32::from(new_slot) * ENTRY_LEN as u32;
            self.write(entry_addr, &entry.encode())?;
            self.copy_record(
                (b, row.generation, slot, old_base + here),
                (generation, new_slot, new_base + new_end),
                entry.len,
            )?;
            new_slot += 1;
            new_end += entry.data_len() as u32;
        }
        // Commit: the bucket now lives in `new`.
        let old = row.phys;
        self.set_row(
            b,
            Row {
                phys: new,
                count: row.count,
                generation,
            },
        );
        let r = self.write_root(&[(b, new_slot, new_end)], false);
        if r.is_err() {
            self.set_row(b, row);
            return r;
        }
        self.spare = old;
        self.spare_clean = false;
        self.erase_page(old)?;
        Ok(())
    }

    /// Copies one record, checking the old tag and writing a tag for the new place.
    #[inline(never)]
    pub(super) fn copy_record(
        &mut self,
        from: (u16, u32, u16, u32),
        to: (u32, u16, u32),
        len: u16,
    ) -> Result<()> {
        let (b, old_gen, old_slot, src) = from;
        let (new_gen, new_slot, dst) = to;
        let keyed = Keyed(&self.key, &self.sha);
        let mut old_mac = keyed.record_mac(b, old_gen, old_slot, len);
        let mut new_mac = keyed.record_mac(b, new_gen, new_slot, len);
        let total = layout::record_len(usize::from(len));
        let tag_at = total - RECORD_TAG_LEN;
        let mut tag = [0u8; RECORD_TAG_LEN];
        let mut buf = [0u8; CHUNK];
        let mut pos = 0usize;
        let content = RECORD_HEADER_LEN + usize::from(len);
        while pos < total {
            let n = (total - pos).min(CHUNK);
            let chunk = buf.get_mut(..n).ok_or(Error::LogicBug)?;
            self.read(src + pos as u32, chunk)?;
            let c_end = content.saturating_sub(pos).min(n);
            let c = chunk.get(..c_end).ok_or(Error::LogicBug)?;
            old_mac.update(c);
            new_mac.update(c);
            copy_part(&mut tag, tag_at, pos, chunk);
            let w_end = tag_at.saturating_sub(pos).min(n);
            if w_end > 0 {
                let w = chunk.get(..w_end).ok_or(Error::LogicBug)?;
                self.write(dst + pos as u32, w)?;
            }
            pos += n;
        }
        if !layout::tag_eq(
            old_mac.finalize().get(..RECORD_TAG_LEN).unwrap_or(&[]),
            &tag,
        ) {
            return Err(Error::Integrity);
        }
        let t = new_mac.finalize();
        self.write(
            dst + tag_at as u32,
            t.get(..RECORD_TAG_LEN).ok_or(Error::LogicBug)?,
        )
    }

    /// Static wear levelling: when the spread of erase counts passes the threshold, move the
    /// least worn bucket to the spare page (one page move at most).
    pub(super) fn level_wear(&mut self) -> Result<()> {
        let pages = usize::from(self.geo.pages);
        let max = self
            .erase_counts
            .iter()
            .take(pages)
            .copied()
            .max()
            .unwrap_or(0);
        let mut coldest: Option<(u16, u32)> = None;
        for b in 0..self.geo.buckets {
            let c = self.erase_count(self.row(b)?.phys);
            if coldest.is_none_or(|(_, cc)| c < cc) {
                coldest = Some((b, c));
            }
        }
        if let Some((b, c)) = coldest
            && max.saturating_sub(c) > self.wear_threshold
        {
            self.compact(b)?;
        }
        Ok(())
    }
}
