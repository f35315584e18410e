//! Commit: a transaction's records written, the new root made current, stale records erased.

use drm_core::crypto::backend::Sha256Engine;
use drm_core::platform::MonotonicCounter;
use embedded_storage::nor_flash::NorFlash;

use crate::error::{Error, Result};
use crate::layout::{self, ENTRY_LEN, Entry, HEADER_LEN, Keyed, RECORD_HEADER_LEN, RECORD_TAG_LEN};
use crate::txn::{MAX_TRANSACTION_OPS, Namespace, Op, OpList, Transaction};

use super::io::ChunkWriter;
use super::lookup::header_matches;
use super::{CommitScratch, Found, Pending, Stale, Store};

impl<S: NorFlash, C: MonotonicCounter, const PAGES: usize, H: Sha256Engine> Store<S, C, PAGES, H> {
    #[inline(never)]
    /// The scratch arrays of a commit, sized for the transaction's capacity `N`, around
    /// [`Self::commit_ops`], which is compiled once for every capacity.
    pub(super) fn commit_inner<const N: usize>(&mut self, txn: &Transaction<'_, N>) -> Result<()> {
        if txn.is_empty() {
            return Ok(());
        }
        if N > MAX_TRANSACTION_OPS {
            return Err(Error::TransactionFull);
        }
        let mut pend = [Pending::default(); N];
        let mut op_bucket = [0u16; N];
        let mut stale = [Stale::default(); N];
        let mut fps = [[0u8; 6]; N];
        let mut changes = [(0u16, 0u16, 0u32); N];
        self.commit_ops(
            txn.ops_list(),
            CommitScratch {
                pend: &mut pend,
                op_bucket: &mut op_bucket,
                stale: &mut stale,
                fps: &mut fps,
                changes: &mut changes,
            },
        )
    }

    pub(super) fn commit_ops(
        &mut self,
        txn: OpList<'_, '_>,
        scratch: CommitScratch<'_>,
    ) -> Result<()> {
        let CommitScratch {
            pend,
            op_bucket,
            stale,
            fps,
            changes,
        } = scratch;
        let keyed = Keyed(&self.key, &self.sha);
        // (a) Buckets and room needed, without flash access.
        let mut npend = 0usize;
        for (i, op) in txn.ops().enumerate() {
            let (ns, k1, _) = op.keys();
            let b = keyed.bucket(ns, k1, self.geo.buckets);
            *op_bucket.get_mut(i).ok_or(Error::LogicBug)? = b;
            let bytes = match op {
                Op::Put { data, .. } => {
                    if data.len() > self.geo.max_payload() {
                        return Err(Error::InvalidArgument);
                    }
                    layout::record_len(data.len()) as u32
                }
                Op::Delete { .. } => 0,
            };
            let p = match pend.iter().take(npend).position(|p| p.bucket == b) {
                Some(j) => j,
                None => {
                    let p = pend.get_mut(npend).ok_or(Error::LogicBug)?;
                    p.bucket = b;
                    npend += 1;
                    npend - 1
                }
            };
            let p = pend.get_mut(p).ok_or(Error::LogicBug)?;
            p.need_entries += 1;
            p.need_bytes += bytes;
        }
        // (b) Wear levelling, then room: compact buckets that are dirty or too full.
        self.level_wear()?;
        for p in pend.iter().take(npend) {
            if !self.has_room(p)? {
                self.compact(p.bucket)?;
                if !self.has_room(p)? {
                    return Err(Error::StoreFull);
                }
            }
        }
        // (c) Validate against the store and find the versions each change supersedes.
        let mut nstale = 0usize;
        for (i, op) in txn.ops().enumerate() {
            let (ns, k1, k2) = op.keys();
            let loc = self.locate(ns, k1, k2)?;
            *fps.get_mut(i).ok_or(Error::LogicBug)? = loc.fp;
            // An earlier change of this transaction to the same slot decides its existence.
            let earlier = txn
                .ops()
                .take(i)
                .filter(|o| o.keys() == (ns, k1, k2))
                .last();
            let exists = match earlier {
                Some(Op::Put { .. }) => true,
                Some(Op::Delete { .. }) => false,
                None => match loc.newest {
                    Some(f) if !f.entry.tombstone => {
                        self.check_owner(loc.bucket, f, ns, k1, k2)?;
                        if let Some(s) = stale.get_mut(nstale) {
                            *s = Stale {
                                bucket: loc.bucket,
                                offset: f.offset,
                                len: f.entry.data_len() as u32,
                                deleted: ends_deleted(txn, (ns, k1, k2)),
                            };
                            nstale += 1;
                        }
                        true
                    }
                    _ => false,
                },
            };
            if matches!(op, Op::Delete { .. }) && !exists {
                return Err(Error::NotFound);
            }
        }
        // (d) Room in the root page for this commit.
        self.ensure_root_room()?;
        // (e) Entries first, then records.
        for p in pend.iter_mut().take(npend) {
            let row = self.row(p.bucket)?;
            p.count = row.count;
            p.data_end = self.st(p.bucket)?.data_end;
        }
        for (i, op) in txn.ops().enumerate() {
            let b = op_bucket.get(i).copied().ok_or(Error::LogicBug)?;
            let fp = fps.get(i).copied().ok_or(Error::LogicBug)?;
            let row = self.row(b)?;
            let p = pend
                .iter_mut()
                .take(npend)
                .find(|p| p.bucket == b)
                .ok_or(Error::LogicBug)?;
            let slot = p.count;
            let data_end = p.data_end;
            let base = self.geo.page_addr(row.phys);
            let entry_addr = base + HEADER_LEN as u32 + u32::from(slot) * ENTRY_LEN as u32;
            let (ns, k1, k2) = op.keys();
            match op {
                Op::Put { data, .. } => {
                    let len = u16::try_from(data.len()).map_err(|_| Error::InvalidArgument)?;
                    let e = Entry {
                        fp,
                        len,
                        tombstone: false,
                    };
                    self.write(entry_addr, &e.encode())?;
                    self.write_record(b, row.generation, slot, base + data_end, ns, k1, k2, data)?;
                    p.data_end += e.data_len() as u32;
                    // A later change of this transaction to the same slot supersedes this one.
                    if txn.ops().skip(i + 1).any(|o| o.keys() == (ns, k1, k2))
                        && let Some(s) = stale.get_mut(nstale)
                    {
                        *s = Stale {
                            bucket: b,
                            offset: data_end,
                            len: e.data_len() as u32,
                            deleted: ends_deleted(txn, (ns, k1, k2)),
                        };
                        nstale += 1;
                    }
                }
                Op::Delete { .. } => {
                    let e = Entry {
                        fp,
                        len: 0,
                        tombstone: true,
                    };
                    self.write(entry_addr, &e.encode())?;
                }
            }
            p.count += 1;
        }
        // (f) The root: the commit point.
        for (c, p) in changes.iter_mut().zip(pend.iter().take(npend)) {
            *c = (p.bucket, p.count, p.data_end);
        }
        self.write_root(changes.get(..npend).ok_or(Error::LogicBug)?, true)?;
        // (g) Erase what the commit superseded. The commit is durable already: a failure here
        // is finished by recovery at the next operation or mount.
        if self
            .erase_stale(stale.get(..nstale).unwrap_or(&[]))
            .is_err()
        {
            self.reload = true;
        }
        Ok(())
    }

    /// Checks that the newest entry with this fingerprint belongs to these keys (the record's
    /// header), so that a put never shares a fingerprint with another slot.
    pub(super) fn check_owner(
        &mut self,
        b: u16,
        f: Found,
        ns: &Namespace,
        k1: &[u8; 16],
        k2: &[u8; 16],
    ) -> Result<()> {
        let row = self.row(b)?;
        let mut header = [0u8; RECORD_HEADER_LEN];
        self.read(self.geo.page_addr(row.phys) + f.offset, &mut header)?;
        if header_matches(&header, ns, k1, k2) {
            Ok(())
        } else {
            Err(Error::Collision)
        }
    }

    pub(super) fn has_room(&self, p: &Pending) -> Result<bool> {
        let row = self.row(p.bucket)?;
        let st = self.st(p.bucket)?;
        Ok(!st.dirty
            && u32::from(row.count) + u32::from(p.need_entries) <= u32::from(self.geo.entries)
            && st.data_end + p.need_bytes <= self.geo.erase_size)
    }

    /// Never inlined: its MAC state would otherwise sit in the frame of [`Self::commit_ops`]
    /// for the whole commit (the stack of every commit, a clock save included).
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    pub(super) fn write_record(
        &mut self,
        b: u16,
        generation: u32,
        slot: u16,
        addr: u32,
        ns: &Namespace,
        k1: &[u8; 16],
        k2: &[u8; 16],
        data: &[u8],
    ) -> Result<()> {
        let len = u16::try_from(data.len()).map_err(|_| Error::InvalidArgument)?;
        let mut mac = Keyed(&self.key, &self.sha).record_mac(b, generation, slot, len);
        mac.update(ns.as_bytes());
        mac.update(k1);
        mac.update(k2);
        mac.update(data);
        let tag = mac.finalize();
        let mut w = ChunkWriter::new(addr);
        w.push(self, ns.as_bytes())?;
        w.push(self, k1)?;
        w.push(self, k2)?;
        w.push(self, data)?;
        let pad = layout::round8(RECORD_HEADER_LEN + data.len()) - (RECORD_HEADER_LEN + data.len());
        w.push(self, [0u8; 8].get(..pad).ok_or(Error::LogicBug)?)?;
        w.push(self, tag.get(..RECORD_TAG_LEN).ok_or(Error::LogicBug)?)?;
        w.flush(self)
    }

    pub(super) fn erase_stale(&mut self, stale: &[Stale]) -> Result<()> {
        let mut compact = [false; PAGES];
        for s in stale {
            if self.multiwrite {
                let row = self.row(s.bucket)?;
                let addr = self.geo.page_addr(row.phys) + s.offset;
                self.zero(addr, s.len)?;
            } else if s.deleted
                && let Some(c) = compact.get_mut(usize::from(s.bucket))
            {
                *c = true;
            }
        }
        for b in 0..self.geo.buckets {
            if compact.get(usize::from(b)).copied().unwrap_or(false) {
                self.compact(b)?;
            }
        }
        Ok(())
    }
}

/// True when the last change of `txn` to this slot is a delete.
pub(super) fn ends_deleted(txn: OpList<'_, '_>, keys: (&Namespace, &[u8; 16], &[u8; 16])) -> bool {
    txn.ops()
        .filter(|o| o.keys() == keys)
        .last()
        .is_some_and(|o| matches!(o, Op::Delete { .. }))
}
