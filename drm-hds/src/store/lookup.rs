//! Lookup: a slot's bucket and fingerprint, the bucket index read and walked, records verified
//! and streamed out.

use core::ops::ControlFlow;

use drm_core::crypto::backend::Sha256Engine;
use drm_core::platform::MonotonicCounter;
use embedded_storage::nor_flash::NorFlash;
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};
use crate::layout::{self, ENTRY_LEN, Entry, HEADER_LEN, Keyed, RECORD_HEADER_LEN, RECORD_TAG_LEN};
use crate::txn::Namespace;

use super::io::{copy_part, move_down};
use super::{CHUNK, Found, INDEX_BUF, Located, SlotVisitor, Store};

impl<S: NorFlash, C: MonotonicCounter, const PAGES: usize, H: Sha256Engine> Store<S, C, PAGES, H> {
    /// Reads bucket `b`'s committed index into `buf` and checks it against the root; returns
    /// its length in bytes. One flash read (none for an empty bucket).
    pub(super) fn read_index(&mut self, b: u16, buf: &mut [u8; INDEX_BUF]) -> Result<usize> {
        let row = self.row(b)?;
        let st = self.st(b)?;
        let n = usize::from(row.count) * ENTRY_LEN;
        let ib = buf.get_mut(..n).ok_or(Error::Integrity)?;
        if n > 0 {
            self.read(self.geo.page_addr(row.phys) + HEADER_LEN as u32, ib)?;
        }
        let d = layout::index_digest(&self.sha, b, row.generation, ib);
        if !bool::from(d.ct_eq(&st.digest)) {
            return Err(Error::Integrity);
        }
        Ok(n)
    }

    #[inline(never)]
    pub(super) fn locate(
        &mut self,
        ns: &Namespace,
        k1: &[u8; 16],
        k2: &[u8; 16],
    ) -> Result<Located> {
        let keyed = Keyed(&self.key, &self.sha);
        let bucket = keyed.bucket(ns, k1, self.geo.buckets);
        let fp = keyed.fingerprint(ns, k1, k2);
        let mut idx = [0u8; INDEX_BUF];
        let n = self.read_index(bucket, &mut idx)?;
        let mut newest = None;
        let mut offset = self.geo.data_start;
        for (i, e) in idx
            .get(..n)
            .unwrap_or(&[])
            .chunks_exact(ENTRY_LEN)
            .enumerate()
        {
            let entry = Entry::decode(e).ok_or(Error::Integrity)?;
            if entry.fp == fp {
                newest = Some(Found {
                    slot: u16::try_from(i).map_err(|_| Error::LogicBug)?,
                    offset,
                    entry,
                });
            }
            offset += entry.data_len() as u32;
        }
        Ok(Located { bucket, fp, newest })
    }

    #[inline(never)]
    pub(super) fn get_inner(
        &mut self,
        ns: &Namespace,
        k1: &[u8; 16],
        k2: &[u8; 16],
        buf: &mut [u8],
    ) -> Result<usize> {
        let loc = self.locate(ns, k1, k2)?;
        let Some(found) = loc.newest.filter(|f| !f.entry.tombstone) else {
            return Err(Error::NotFound);
        };
        let len = usize::from(found.entry.len);
        if buf.len() < len {
            return Err(Error::BufferTooSmall);
        }
        let row = self.row(loc.bucket)?;
        let addr = self.geo.page_addr(row.phys) + found.offset;
        let rec_len = layout::record_len(len);
        let content = RECORD_HEADER_LEN + len;
        let tag_at = rec_len - RECORD_TAG_LEN;
        let mut mac = Keyed(&self.key, &self.sha).record_mac(
            loc.bucket,
            row.generation,
            found.slot,
            found.entry.len,
        );
        let mut header = [0u8; RECORD_HEADER_LEN];
        let mut tag = [0u8; RECORD_TAG_LEN];
        if let Some(whole) = buf.get_mut(..rec_len) {
            // One read of the whole record into the caller's buffer, then move the data down.
            self.read(addr, whole)?;
            header.copy_from_slice(whole.get(..RECORD_HEADER_LEN).ok_or(Error::LogicBug)?);
            tag.copy_from_slice(whole.get(tag_at..).ok_or(Error::LogicBug)?);
            mac.update(whole.get(..content).ok_or(Error::LogicBug)?);
            move_down(whole, RECORD_HEADER_LEN, len)?;
            whole.get_mut(len..).ok_or(Error::LogicBug)?.fill(0);
        } else {
            self.read(addr, &mut header)?;
            let data = buf.get_mut(..len).ok_or(Error::LogicBug)?;
            self.read(addr + RECORD_HEADER_LEN as u32, data)?;
            self.read(addr + tag_at as u32, &mut tag)?;
            mac.update(&header);
            mac.update(data);
        }
        let ok_keys = header_matches(&header, ns, k1, k2);
        let ok_tag = layout::tag_eq(mac.finalize().get(..RECORD_TAG_LEN).unwrap_or(&[]), &tag);
        if !(ok_keys && ok_tag) {
            buf.get_mut(..len).unwrap_or(&mut []).fill(0);
            return Err(Error::Integrity);
        }
        Ok(len)
    }

    /// Visits the live slots of bucket `b` that belong to `ns` (and `k1`). `f` is a `dyn`
    /// closure: this walk is compiled once, not once per caller's closure.
    #[inline(never)]
    pub(super) fn walk_bucket(
        &mut self,
        b: u16,
        ns: &Namespace,
        k1: Option<&[u8; 16]>,
        f: &mut SlotVisitor<'_>,
    ) -> Result<ControlFlow<()>> {
        let mut idx = [0u8; INDEX_BUF];
        let n = self.read_index(b, &mut idx)?;
        let ib = idx.get(..n).ok_or(Error::LogicBug)?;
        let row = self.row(b)?;
        let mut offset = self.geo.data_start;
        for (i, e) in ib.chunks_exact(ENTRY_LEN).enumerate() {
            let entry = Entry::decode(e).ok_or(Error::Integrity)?;
            let here = offset;
            offset += entry.data_len() as u32;
            if entry.tombstone || is_superseded(ib, i, &entry.fp) {
                continue;
            }
            let slot = u16::try_from(i).map_err(|_| Error::LogicBug)?;
            let addr = self.geo.page_addr(row.phys) + here;
            let header = self.verify_record(b, row.generation, slot, addr, entry.len)?;
            let (rns, rk1, rk2) = split_header(&header);
            if rns != ns.as_bytes() || k1.is_some_and(|k| k != rk1) {
                continue;
            }
            if f(rk1, rk2, usize::from(entry.len)).is_break() {
                return Ok(ControlFlow::Break(()));
            }
        }
        Ok(ControlFlow::Continue(()))
    }

    /// Reads a record in chunks, checks its tag, returns its header.
    #[inline(never)]
    pub(super) fn verify_record(
        &mut self,
        b: u16,
        generation: u32,
        slot: u16,
        addr: u32,
        len: u16,
    ) -> Result<[u8; RECORD_HEADER_LEN]> {
        let mut mac = Keyed(&self.key, &self.sha).record_mac(b, generation, slot, len);
        let mut header = [0u8; RECORD_HEADER_LEN];
        let mut tag = [0u8; RECORD_TAG_LEN];
        self.stream(addr, len, |pos, chunk, content| {
            mac.update(content);
            copy_part(&mut header, 0, pos, chunk);
            copy_part(
                &mut tag,
                layout::record_len(usize::from(len)) - RECORD_TAG_LEN,
                pos,
                chunk,
            );
            Ok(())
        })?;
        if !layout::tag_eq(mac.finalize().get(..RECORD_TAG_LEN).unwrap_or(&[]), &tag) {
            return Err(Error::Integrity);
        }
        Ok(header)
    }

    /// Reads the record at `addr` with `len` payload bytes in chunks; calls
    /// `f(position, chunk, content part of the chunk)`.
    pub(super) fn stream<F>(&mut self, addr: u32, len: u16, mut f: F) -> Result<()>
    where
        F: FnMut(usize, &[u8], &[u8]) -> Result<()>,
    {
        let total = layout::record_len(usize::from(len));
        let content = RECORD_HEADER_LEN + usize::from(len);
        let mut buf = [0u8; CHUNK];
        let mut pos = 0usize;
        while pos < total {
            let n = (total - pos).min(CHUNK);
            let chunk = buf.get_mut(..n).ok_or(Error::LogicBug)?;
            self.read(addr + pos as u32, chunk)?;
            let c_end = content.saturating_sub(pos).min(n);
            f(pos, chunk, chunk.get(..c_end).ok_or(Error::LogicBug)?)?;
            pos += n;
        }
        Ok(())
    }
}

/// True when an entry after `i` in `index` has fingerprint `fp`.
pub(super) fn is_superseded(index: &[u8], i: usize, fp: &[u8; 6]) -> bool {
    index
        .chunks_exact(ENTRY_LEN)
        .skip(i + 1)
        .any(|e| e.get(..6) == Some(fp.as_slice()))
}

pub(super) fn split_header(h: &[u8; RECORD_HEADER_LEN]) -> (&[u8; 16], &[u8; 16], &[u8; 16]) {
    let (ns, rest) = h.split_first_chunk::<16>().unwrap_or((&[0; 16], &[]));
    let (k1, rest) = rest.split_first_chunk::<16>().unwrap_or((&[0; 16], &[]));
    let (k2, _) = rest.split_first_chunk::<16>().unwrap_or((&[0; 16], &[]));
    (ns, k1, k2)
}

pub(super) fn header_matches(
    h: &[u8; RECORD_HEADER_LEN],
    ns: &Namespace,
    k1: &[u8; 16],
    k2: &[u8; 16],
) -> bool {
    let (a, b, c) = split_header(h);
    a == ns.as_bytes() && b == k1 && c == k2
}
