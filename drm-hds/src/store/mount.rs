//! Format, mount and recovery: the RAM state rebuilt from the flash alone, and an interrupted
//! commit or compaction finished or rolled back.

use drm_core::crypto::backend::{Hasher, Sha256Engine};
use drm_core::platform::MonotonicCounter;
use drm_core::secret::HmacKey;
use embedded_storage::nor_flash::NorFlash;

use crate::error::{Error, Result};
use crate::layout::{
    self, ENTRY_LEN, Entry, HEADER_LEN, KIND_BUCKET, KIND_ROOT, PageHeader, ROOT_HASH_LEN,
    RootHead, Row, label,
};

use super::{BucketState, Config, INDEX_BUF, Made, Opened, Store};

impl<S: NorFlash, C: MonotonicCounter, const PAGES: usize, H: Sha256Engine> Store<S, C, PAGES, H> {
    pub(super) fn open_inner(
        flash: S,
        key: HmacKey,
        config: Config<C, H>,
        mw: bool,
    ) -> Made<(Self, Opened), S, C> {
        let (flash, config, geo) = Self::geometry(flash, config)?;
        let mut s = Self::empty(flash, key, config, mw, geo);
        let how = match s.load() {
            Ok(()) => s.recover().map(|()| Opened::Mounted),
            // `load` has set nothing but erase counts, which `format_body` reads again.
            Err(Error::NotFormatted) => match s.is_blank() {
                Ok(true) => s.format_body().map(|()| Opened::FormattedBlank),
                Ok(false) => Err(Error::NotFormatted),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        match how {
            Ok(how) => Ok((s, how)),
            Err(e) => Err(s.refuse(e)),
        }
    }

    /// Whether every byte of the managed pages reads erased (`0xFF`).
    pub(super) fn is_blank(&mut self) -> Result<bool> {
        let mut buf = [0u8; 64];
        let end = u32::from(self.geo.pages) * self.geo.erase_size;
        let mut addr = 0u32;
        while addr < end {
            let n = buf.len().min((end - addr) as usize);
            let chunk = buf.get_mut(..n).ok_or(Error::LogicBug)?;
            self.read(addr, chunk)?;
            if chunk.iter().any(|&b| b != 0xFF) {
                return Ok(false);
            }
            addr += n as u32;
        }
        Ok(true)
    }

    pub(super) fn format_inner(
        flash: S,
        key: HmacKey,
        config: Config<C, H>,
        mw: bool,
    ) -> Made<Self, S, C> {
        let (flash, config, geo) = Self::geometry(flash, config)?;
        let mut s = Self::empty(flash, key, config, mw, geo);
        match s.format_body() {
            Ok(()) => Ok(s),
            Err(e) => Err(s.refuse(e)),
        }
    }

    /// Erases every page and writes an empty store (the body of [`Store::format`]).
    pub(super) fn format_body(&mut self) -> Result<()> {
        let s = self;
        s.counter_value = match s.counter.as_mut() {
            Some(c) => c.read().map_err(|_| Error::Counter)?,
            None => 0,
        };
        for p in 0..s.geo.pages {
            let mut h = [0u8; HEADER_LEN];
            s.read(s.geo.page_addr(p), &mut h)?;
            let count = PageHeader::erase_count_of(&h).unwrap_or(0);
            s.set_erase_count(p, count);
            s.erase_page(p)?;
        }
        // Page 0: root; pages 1..=B: buckets 0..B-1 (generation 1); last page: spare.
        s.root_page = 0;
        s.spare = s.geo.pages - 1;
        s.spare_clean = true;
        for b in 0..s.geo.buckets {
            let phys = b + 1;
            s.write_header(phys, KIND_BUCKET, b, 1)?;
            s.set_row(
                b,
                Row {
                    phys,
                    count: 0,
                    generation: 1,
                },
            );
            let st = BucketState {
                data_end: s.geo.data_start,
                dirty: false,
                digest: layout::index_digest(&s.sha, b, 1, &[]),
            };
            s.set_state(b, st);
        }
        s.write_header(0, KIND_ROOT, 0xFFFF, 0)?;
        s.root_next = 0;
        s.seq = 0;
        s.write_root(&[], false)?;
        Ok(())
    }

    pub(super) fn mount_inner(
        flash: S,
        key: HmacKey,
        config: Config<C, H>,
        mw: bool,
    ) -> Made<Self, S, C> {
        let (flash, config, geo) = Self::geometry(flash, config)?;
        let mut s = Self::empty(flash, key, config, mw, geo);
        match s.load().and_then(|()| s.recover()) {
            Ok(()) => Ok(s),
            Err(e) => Err(s.refuse(e)),
        }
    }

    /// Rebuilds the RAM state from the flash alone.
    #[inline(never)]
    pub(super) fn load(&mut self) -> Result<()> {
        let g = self.geo;
        let buckets = usize::from(g.buckets);
        let mut known_max = 0u32;
        let mut known = [false; PAGES];
        // The format versions of the page headers with the page magic: another version is
        // reported (when no root of this one is found) only if at least two pages carry it and
        // no page carries a different one, so that a header torn by a power cut is damage, not
        // a version.
        let mut other_version: Option<u16> = None;
        let mut other_pages = 0u16;
        let mut mixed = false;
        // 1. Page headers: erase counts.
        for p in 0..g.pages {
            let mut h = [0u8; HEADER_LEN];
            self.read(g.page_addr(p), &mut h)?;
            if let Some(v) = PageHeader::version_of(&h) {
                mixed |= v == layout::FORMAT_VERSION || other_version.is_some_and(|o| o != v);
                other_version = Some(v);
                other_pages += 1;
            }
            if let Some(c) = PageHeader::erase_count_of(&h) {
                self.set_erase_count(p, c);
                known_max = known_max.max(c);
                if let Some(k) = known.get_mut(usize::from(p)) {
                    *k = true;
                }
            }
        }
        for p in 0..g.pages {
            if !known.get(usize::from(p)).copied().unwrap_or(false) {
                self.set_erase_count(p, known_max);
            }
        }
        // 2. The newest valid root over all root pages.
        let mut best: Option<(RootHead, [u8; ROOT_HASH_LEN], u16, u16)> = None;
        let mut best_rows = [Row::default(); PAGES];
        let mut best_next = 0u16;
        let mut rows = [Row::default(); PAGES];
        let rows_b = rows.get_mut(..buckets).ok_or(Error::LogicBug)?;
        for p in 0..g.pages {
            let mut h = [0u8; HEADER_LEN];
            self.read(g.page_addr(p), &mut h)?;
            match PageHeader::decode(&h, g.erase_size, g.pages) {
                Some(ph) if ph.kind == KIND_ROOT => {}
                _ => continue,
            }
            let mut next = 0u16;
            for slot in 0..g.root_slots {
                let addr = g.page_addr(p) + HEADER_LEN as u32 + u32::from(slot) * g.root_len;
                let (erased, root) = self.read_root(addr, rows_b)?;
                if erased {
                    break;
                }
                next = slot + 1;
                if let Some((head, comb)) = root
                    && best.is_none_or(|(bh, ..)| head.seq > bh.seq)
                {
                    best = Some((head, comb, p, slot));
                    best_rows = [Row::default(); PAGES];
                    best_rows
                        .get_mut(..buckets)
                        .ok_or(Error::LogicBug)?
                        .copy_from_slice(rows_b);
                }
            }
            if best.is_some_and(|(_, _, bp, _)| bp == p) {
                best_next = next;
            }
        }
        let Some((head, combined, root_page, _)) = best else {
            return Err(match other_version {
                Some(found) if !mixed && other_pages >= 2 => Error::FormatVersion { found },
                _ => Error::NotFormatted,
            });
        };
        // 3. The table: distinct pages, none the root page.
        let mut used = [false; PAGES];
        if let Some(u) = used.get_mut(usize::from(root_page)) {
            *u = true;
        }
        for row in best_rows.iter().take(buckets) {
            let u = used
                .get_mut(usize::from(row.phys))
                .ok_or(Error::Integrity)?;
            if *u || row.count > g.entries {
                return Err(Error::Integrity);
            }
            *u = true;
        }
        let spare = used
            .iter()
            .take(usize::from(g.pages))
            .position(|u| !u)
            .ok_or(Error::Integrity)?;
        // 4. The monotonic counter.
        if let Some(c) = self.counter.as_mut() {
            let hw = c.read().map_err(|_| Error::Counter)?;
            if head.counter == hw.wrapping_add(1) {
                let now = c.increment().map_err(|_| Error::Counter)?;
                if now != head.counter {
                    return Err(Error::Counter);
                }
            } else if head.counter != hw {
                return Err(Error::Rollback);
            }
        }
        // 5. Every bucket against the root.
        let mut comb = self.sha.hasher();
        comb.update(label::COMBINED);
        for b in 0..g.buckets {
            let row = best_rows
                .get(usize::from(b))
                .copied()
                .ok_or(Error::LogicBug)?;
            let mut h = [0u8; HEADER_LEN];
            self.read(g.page_addr(row.phys), &mut h)?;
            let ph = PageHeader::decode(&h, g.erase_size, g.pages).ok_or(Error::Integrity)?;
            if ph.kind != KIND_BUCKET || ph.bucket != b || ph.generation != row.generation {
                return Err(Error::Integrity);
            }
            let (digest, data_end) = self.scan_index(b, row, Error::Integrity)?;
            comb.update(&digest);
            if data_end > g.erase_size {
                return Err(Error::Integrity);
            }
            let dirty = if row.count < g.entries {
                let at = g.page_addr(row.phys) + HEADER_LEN as u32 + u32::from(row.count) * 8;
                !self.is_erased(at, ENTRY_LEN as u32)?
            } else {
                false
            };
            self.set_state(
                b,
                BucketState {
                    data_end,
                    dirty,
                    digest,
                },
            );
        }
        if !layout::tag_eq(&comb.finalize(), &combined) {
            return Err(Error::Integrity);
        }
        self.rows = best_rows;
        self.seq = head.seq;
        self.counter_value = head.counter;
        self.root_page = root_page;
        self.root_next = best_next;
        self.spare = u16::try_from(spare).map_err(|_| Error::LogicBug)?;
        self.spare_clean = false;
        Ok(())
    }

    /// Finishes work a power cut may have interrupted: erases a used spare page, and erases the
    /// data of deleted (and, on a multiwrite flash, replaced) slots.
    #[inline(never)]
    pub(super) fn recover(&mut self) -> Result<()> {
        let spare_addr = self.geo.page_addr(self.spare);
        if self.is_erased(spare_addr, self.geo.erase_size)? {
            self.spare_clean = true;
        } else {
            self.erase_page(self.spare)?;
        }
        for b in 0..self.geo.buckets {
            if self.recover_bucket(b)? {
                self.compact(b)?;
            }
        }
        Ok(())
    }

    /// Zeroes bucket `b`'s superseded records that are not yet zero (multiwrite); returns true
    /// when it holds a deleted record that only a compaction can erase (write-once flash).
    #[inline(never)]
    pub(super) fn recover_bucket(&mut self, b: u16) -> Result<bool> {
        let row = self.row(b)?;
        let mut idx = [0u8; INDEX_BUF];
        let n = self.read_index(b, &mut idx)?;
        let ib = idx.get(..n).ok_or(Error::LogicBug)?;
        let mut need_compact = false;
        let mut offset = self.geo.data_start;
        for (i, e) in ib.chunks_exact(ENTRY_LEN).enumerate() {
            let e = Entry::decode(e).ok_or(Error::Integrity)?;
            let len = e.data_len() as u32;
            if !e.tombstone {
                let later = ib
                    .chunks_exact(ENTRY_LEN)
                    .skip(i + 1)
                    .filter_map(Entry::decode);
                let mut superseded = false;
                let mut deleted = false;
                for l in later.filter(|l| l.fp == e.fp) {
                    superseded = true;
                    deleted = l.tombstone;
                }
                if superseded && self.multiwrite {
                    let addr = self.geo.page_addr(row.phys) + offset;
                    if !self.is_zero(addr, len)? {
                        self.zero(addr, len)?;
                    }
                } else if deleted {
                    need_compact = true;
                }
            }
            offset += len;
        }
        Ok(need_compact)
    }
}
