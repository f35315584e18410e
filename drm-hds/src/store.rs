//! The store: mount, format, get, put, delete, enumerate, commit (see `FORMAT.md`).

use core::ops::ControlFlow;

use drm_core::crypto::Sha256;
use drm_core::platform::MonotonicCounter;
use drm_core::secret::HmacKey;
use embedded_storage::nor_flash::{MultiwriteNorFlash, NorFlash, NorFlashError};
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};
use crate::layout::{
    self, DIGEST_LEN, ENTRY_LEN, Entry, HEADER_LEN, KIND_BUCKET, KIND_ROOT, Keyed, MAX_ENTRIES,
    PageHeader, RECORD_HEADER_LEN, RECORD_TAG_LEN, ROOT_HASH_LEN, RootHead, Row, label,
};
use crate::txn::{MAX_TRANSACTION_OPS, Namespace, Op, OpList, Transaction};

/// Most flash pages a store can manage (the `PAGES` parameter may not exceed it).
pub const MAX_PAGES: usize = 64;
/// Bytes of the stack buffer used for flash I/O in chunks.
const CHUNK: usize = 128;
/// Bytes of the largest root record (for [`MAX_PAGES`]).
/// Bytes of the largest bucket index.
const INDEX_BUF: usize = MAX_ENTRIES * ENTRY_LEN;

/// The "no monotonic counter" type of [`Config::new`]: it has no values, so a store configured
/// without a counter never calls one.
#[derive(Debug)]
pub enum NoCounter {}

impl MonotonicCounter for NoCounter {
    fn read(&mut self) -> drm_core::Result<u64> {
        match *self {}
    }
    fn increment(&mut self) -> drm_core::Result<u64> {
        match *self {}
    }
}

/// Options of a store. `Config::new()` (no monotonic counter, default wear threshold) suits most
/// uses; add a counter with [`Config::with_counter`].
#[derive(Debug)]
pub struct Config<C = NoCounter> {
    counter: Option<C>,
    wear_threshold: u32,
}

impl Config<NoCounter> {
    /// No monotonic counter; wear threshold 64.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            counter: None,
            wear_threshold: 64,
        }
    }
}

impl Default for Config<NoCounter> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> Config<C> {
    /// Anchors the store to a monotonic counter (OTP, RPMB, secure element): every commit that
    /// changes slots increments it, and mounting an older whole image fails with
    /// [`Error::Rollback`].
    #[must_use]
    pub fn with_counter<D: MonotonicCounter>(self, counter: D) -> Config<D> {
        Config {
            counter: Some(counter),
            wear_threshold: self.wear_threshold,
        }
    }

    /// The spread of erase counts (most worn page minus least worn bucket page) above which a
    /// commit first moves the least worn bucket to the spare page (static wear levelling, at
    /// most one page move per commit). At least 2.
    #[must_use]
    pub fn wear_threshold(mut self, spread: u32) -> Self {
        self.wear_threshold = spread.max(2);
        self
    }
}

/// Flash geometry and derived sizes, checked once.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    pages: u16,
    buckets: u16,
    erase_size: u32,
    entries: u16,
    data_start: u32,
    root_len: u32,
    root_slots: u16,
}

impl Geometry {
    fn new<S: NorFlash>(flash: &S, max_pages: usize) -> Result<Self> {
        let e = S::ERASE_SIZE;
        let ok_gran = |g: usize| matches!(g, 1 | 2 | 4 | 8);
        if !ok_gran(S::WRITE_SIZE)
            || !ok_gran(S::READ_SIZE)
            || !(1024..=65536).contains(&e)
            || !e.is_power_of_two()
            || max_pages > MAX_PAGES
        {
            return Err(Error::UnsupportedFlash);
        }
        let cap = flash.capacity();
        if !cap.is_multiple_of(e) {
            return Err(Error::UnsupportedFlash);
        }
        let pages = cap / e;
        if !(4..=max_pages).contains(&pages) {
            return Err(Error::UnsupportedFlash);
        }
        let buckets = pages - 2;
        let root_len = layout::root_len(buckets);
        let root_slots = (e - HEADER_LEN) / root_len;
        if root_slots < 2 {
            return Err(Error::UnsupportedFlash);
        }
        let conv = |v: usize| u32::try_from(v).map_err(|_| Error::UnsupportedFlash);
        let conv16 = |v: usize| u16::try_from(v).map_err(|_| Error::UnsupportedFlash);
        Ok(Self {
            pages: conv16(pages)?,
            buckets: conv16(buckets)?,
            erase_size: conv(e)?,
            entries: conv16(layout::entries_per_page(e))?,
            data_start: conv(layout::data_start(e))?,
            root_len: conv(root_len)?,
            root_slots: conv16(root_slots)?,
        })
    }

    fn page_addr(&self, page: u16) -> u32 {
        u32::from(page) * self.erase_size
    }

    /// Largest payload one slot may hold.
    fn max_payload(&self) -> usize {
        let room = self.erase_size as usize - self.data_start as usize;
        let max = room.saturating_sub(RECORD_HEADER_LEN + RECORD_TAG_LEN + 7);
        max.min(layout::MAX_LEN_FIELD)
    }
}

/// A root slot read: erased, and the root when valid (head and combined hash).
type RootRead = (bool, Option<(RootHead, [u8; ROOT_HASH_LEN])>);

/// RAM state of one bucket beyond its root row.
#[derive(Clone, Copy, Debug, Default)]
struct BucketState {
    /// First free data byte (page offset).
    data_end: u32,
    /// Bytes after the committed entries are not erased (an interrupted write): compact before
    /// the next append.
    dirty: bool,
    /// Digest of the committed index (`layout::index_digest`).
    digest: [u8; DIGEST_LEN],
}

/// Where a slot's newest entry is.
#[derive(Clone, Copy, Debug)]
struct Found {
    slot: u16,
    offset: u32,
    entry: Entry,
}

/// A slot's location: bucket, fingerprint and its newest entry (if any).
#[derive(Clone, Copy, Debug)]
struct Located {
    bucket: u16,
    fp: [u8; 6],
    newest: Option<Found>,
}

/// Changes made in one bucket by a commit in progress.
#[derive(Clone, Copy, Debug, Default)]
struct Pending {
    bucket: u16,
    count: u16,
    data_end: u32,
    need_entries: u16,
    need_bytes: u32,
}

/// A record to erase after a commit.
#[derive(Clone, Copy, Debug, Default)]
struct Stale {
    bucket: u16,
    offset: u32,
    len: u32,
    /// The slot ends deleted (not replaced).
    deleted: bool,
}

/// What [`Store::for_each`] calls for each slot: `(k1, k2, data_len)`.
type SlotVisitor<'f> = dyn FnMut(&[u8; 16], &[u8; 16], usize) -> ControlFlow<()> + 'f;

/// The scratch arrays of [`Store::commit_ops`], one entry per change of the transaction.
struct CommitScratch<'a> {
    pend: &'a mut [Pending],
    op_bucket: &'a mut [u16],
    stale: &'a mut [Stale],
    fps: &'a mut [[u8; 6]],
    changes: &'a mut [(u16, u16, u32)],
}

/// The hashed data store over a NOR flash `S`.
///
/// `C` is the optional monotonic counter ([`Config::with_counter`]); `PAGES` the most flash pages
/// it manages (RAM use grows with it, about 40 bytes per page; see `FORMAT.md` "RAM").
/// Construct with [`Store::format`] or [`Store::mount`]; hand the flash back with
/// [`Store::release`].
pub struct Store<S, C = NoCounter, const PAGES: usize = 32> {
    flash: S,
    key: HmacKey,
    counter: Option<C>,
    wear_threshold: u32,
    multiwrite: bool,
    geo: Geometry,
    seq: u64,
    counter_value: u64,
    root_page: u16,
    root_next: u16,
    spare: u16,
    spare_clean: bool,
    rows: [Row; PAGES],
    state: [BucketState; PAGES],
    erase_counts: [u32; PAGES],
    reload: bool,
}

/// How [`Store::open`] obtained the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// An existing store was mounted.
    Mounted,
    /// The flash was blank: an empty store was formatted on it.
    FormattedBlank,
}

impl<S, C, const PAGES: usize> core::fmt::Debug for Store<S, C, PAGES> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Store")
            .field("pages", &self.geo.pages)
            .field("seq", &self.seq)
            .field("multiwrite", &self.multiwrite)
            .finish_non_exhaustive()
    }
}

fn fl<E: NorFlashError>(e: E) -> Error {
    Error::Flash(e.kind())
}

/// Statistics of a store (for tests and tuning).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Flash pages managed.
    pub pages: u16,
    /// Buckets (pages minus the root page and the spare).
    pub buckets: u16,
    /// Sequence number of the last commit.
    pub seq: u64,
    /// Lowest and highest erase count over all pages (as recorded in page headers).
    pub erase_min: u32,
    /// Highest erase count.
    pub erase_max: u32,
    /// Entries (live, replaced and tombstones) in the fullest bucket.
    pub max_bucket_entries: u16,
}

impl<S: NorFlash, C: MonotonicCounter, const PAGES: usize> Store<S, C, PAGES> {
    /// Erases the flash and writes an empty store. Not atomic: after a power cut during format,
    /// mount fails and the caller formats again.
    pub fn format(flash: S, store_key: HmacKey, config: Config<C>) -> Result<Self> {
        Self::format_inner(flash, store_key, config, false)
    }

    /// Mounts the store on `flash`: finds the newest valid root, checks every bucket's index
    /// against it, checks the monotonic counter, and finishes any interrupted secure erase.
    pub fn mount(flash: S, store_key: HmacKey, config: Config<C>) -> Result<Self> {
        Self::mount_inner(flash, store_key, config, false)
    }

    fn empty(flash: S, key: HmacKey, config: Config<C>, multiwrite: bool) -> Result<Self> {
        let geo = Geometry::new(&flash, PAGES)?;
        Ok(Self {
            flash,
            key,
            counter: config.counter,
            wear_threshold: config.wear_threshold,
            multiwrite,
            geo,
            seq: 0,
            counter_value: 0,
            root_page: 0,
            root_next: 0,
            spare: 0,
            spare_clean: false,
            rows: [Row::default(); PAGES],
            state: [BucketState::default(); PAGES],
            erase_counts: [0; PAGES],
            reload: false,
        })
    }

    /// Mounts the store on `flash`, or formats it when the flash is blank (every byte erased):
    /// the bring-up call of a device, which needs its flash driver only once. Anything else that
    /// does not mount is an error and nothing is written: a store whose roots are all damaged
    /// ([`Error::NotFormatted`] on a flash that is not blank), a format cut by a power loss
    /// ([`Error::NotFormatted`] or [`Error::Integrity`]), a store of another key. Reformatting
    /// such a flash loses its licenses; that is the caller's decision ([`Store::format`]).
    /// Returns how the store was obtained.
    pub fn open(flash: S, store_key: HmacKey, config: Config<C>) -> Result<(Self, Opened)> {
        Self::open_inner(flash, store_key, config, false)
    }

    fn open_inner(flash: S, key: HmacKey, config: Config<C>, mw: bool) -> Result<(Self, Opened)> {
        let mut s = Self::empty(flash, key, config, mw)?;
        match s.load() {
            Ok(()) => {
                s.recover()?;
                Ok((s, Opened::Mounted))
            }
            // `load` has set nothing but erase counts, which `format_body` reads again.
            Err(Error::NotFormatted) if s.is_blank()? => {
                s.format_body()?;
                Ok((s, Opened::FormattedBlank))
            }
            Err(e) => Err(e),
        }
    }

    /// Whether every byte of the managed pages reads erased (`0xFF`).
    fn is_blank(&mut self) -> Result<bool> {
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

    fn format_inner(flash: S, key: HmacKey, config: Config<C>, mw: bool) -> Result<Self> {
        let mut s = Self::empty(flash, key, config, mw)?;
        s.format_body()?;
        Ok(s)
    }

    /// Erases every page and writes an empty store (the body of [`Store::format`]).
    fn format_body(&mut self) -> Result<()> {
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
                digest: layout::index_digest(b, 1, &[]),
            };
            s.set_state(b, st);
        }
        s.write_header(0, KIND_ROOT, 0xFFFF, 0)?;
        s.root_next = 0;
        s.seq = 0;
        s.write_root(&[], false)?;
        Ok(())
    }

    fn mount_inner(flash: S, key: HmacKey, config: Config<C>, mw: bool) -> Result<Self> {
        let mut s = Self::empty(flash, key, config, mw)?;
        s.load()?;
        s.recover()?;
        Ok(s)
    }

    /// Hands the flash back (the key is zeroized, the counter dropped).
    pub fn release(self) -> S {
        self.flash
    }

    /// The flash, read-only (for a driver's statistics; the store must stay its only writer).
    #[must_use]
    pub fn flash(&self) -> &S {
        &self.flash
    }

    /// Hands back the flash and the monotonic counter (if one was configured).
    pub fn release_parts(self) -> (S, Option<C>) {
        (self.flash, self.counter)
    }

    /// Statistics (no flash access).
    #[must_use]
    pub fn stats(&self) -> Stats {
        let counts = self.erase_counts.iter().take(usize::from(self.geo.pages));
        Stats {
            pages: self.geo.pages,
            buckets: self.geo.buckets,
            seq: self.seq,
            erase_min: counts.clone().copied().min().unwrap_or(0),
            erase_max: counts.copied().max().unwrap_or(0),
            max_bucket_entries: self
                .rows
                .iter()
                .take(usize::from(self.geo.buckets))
                .map(|r| r.count)
                .max()
                .unwrap_or(0),
        }
    }

    /// Largest data length one slot accepts on this flash.
    #[must_use]
    pub fn max_data_len(&self) -> usize {
        self.geo.max_payload()
    }

    // ------------------------------------------------------------------------------------
    // Public operations
    // ------------------------------------------------------------------------------------

    /// Reads slot `(k1, k2)` of `ns` into `buf`; returns its length. [`Error::NotFound`] when
    /// absent, [`Error::BufferTooSmall`] when `buf` is shorter than the data (nothing copied).
    ///
    /// Costs one flash read of the bucket's index and, for a hit, one read of the record when
    /// `buf` has room for the record's overhead too (data length + 72 bytes), else three.
    pub fn get(
        &mut self,
        ns: &Namespace,
        k1: &[u8; 16],
        k2: &[u8; 16],
        buf: &mut [u8],
    ) -> Result<usize> {
        self.ensure_loaded()?;
        let r = self.get_inner(ns, k1, k2, buf);
        self.note(r)
    }

    /// True when slot `(k1, k2)` of `ns` exists (one index read; the record is not read).
    pub fn contains(&mut self, ns: &Namespace, k1: &[u8; 16], k2: &[u8; 16]) -> Result<bool> {
        self.ensure_loaded()?;
        let r = self.locate(ns, k1, k2);
        let loc = self.note(r)?;
        Ok(matches!(loc.newest, Some(f) if !f.entry.tombstone))
    }

    /// Creates or replaces slot `(k1, k2)` of `ns` (one atomic commit).
    pub fn put(&mut self, ns: &Namespace, k1: &[u8; 16], k2: &[u8; 16], data: &[u8]) -> Result<()> {
        let mut t = Transaction::<1>::with_capacity();
        t.put(ns, k1, k2, data)?;
        self.commit(&t)
    }

    /// Deletes slot `(k1, k2)` of `ns` (one atomic commit) and erases its data from the flash;
    /// [`Error::NotFound`] when absent.
    pub fn delete(&mut self, ns: &Namespace, k1: &[u8; 16], k2: &[u8; 16]) -> Result<()> {
        let mut t = Transaction::<1>::with_capacity();
        t.delete(ns, k1, k2)?;
        self.commit(&t)
    }

    /// Commits all changes of `txn` as one atomic step, then erases the data of deleted and
    /// replaced slots (zeroed in place on a multiwrite flash, else by compacting the buckets
    /// that had deletes).
    ///
    /// [`Namespace::INTERNAL`] is reserved for the store's own state: a change to it fails the
    /// commit with [`Error::InvalidArgument`].
    pub fn commit<const N: usize>(&mut self, txn: &Transaction<'_, N>) -> Result<()> {
        if txn.ops().any(|o| *o.keys().0 == Namespace::INTERNAL) {
            return Err(Error::InvalidArgument);
        }
        self.commit_internal(txn)
    }

    /// [`Store::commit`] without the reserved-namespace check (the clock's own writes).
    pub(crate) fn commit_internal<const N: usize>(
        &mut self,
        txn: &Transaction<'_, N>,
    ) -> Result<()> {
        self.ensure_loaded()?;
        let r = self.commit_inner(txn);
        self.note(r)
    }

    /// Calls `f(k1, k2, data_len)` for every slot of `ns`, or only those whose first key is `k1`
    /// when given (one bucket: all slots sharing `(ns, k1)` live in the same bucket). Every
    /// record visited is authenticated first. `f` returns `ControlFlow::Break(())` to stop.
    /// Read the data with [`Store::get`] after the walk (the store is borrowed during it).
    pub fn for_each<F>(&mut self, ns: &Namespace, k1: Option<&[u8; 16]>, mut f: F) -> Result<()>
    where
        F: FnMut(&[u8; 16], &[u8; 16], usize) -> ControlFlow<()>,
    {
        self.ensure_loaded()?;
        let r = match k1 {
            Some(k1) => {
                let b = Keyed(&self.key).bucket(ns, k1, self.geo.buckets);
                self.walk_bucket(b, ns, Some(k1), &mut f).map(|_| ())
            }
            None => {
                let mut r = Ok(());
                for b in 0..self.geo.buckets {
                    match self.walk_bucket(b, ns, None, &mut f) {
                        Ok(ControlFlow::Continue(())) => {}
                        Ok(ControlFlow::Break(())) => break,
                        Err(e) => {
                            r = Err(e);
                            break;
                        }
                    }
                }
                r
            }
        };
        self.note(r)
    }

    // ------------------------------------------------------------------------------------
    // Reload after errors
    // ------------------------------------------------------------------------------------

    fn ensure_loaded(&mut self) -> Result<()> {
        if self.reload {
            self.load()?;
            self.recover()?;
            self.reload = false;
        }
        Ok(())
    }

    /// Marks the RAM state stale after an error that may have left it out of step with flash.
    fn note<T>(&mut self, r: Result<T>) -> Result<T> {
        if let Err(Error::Flash(_) | Error::Integrity | Error::LogicBug | Error::Counter) = r {
            self.reload = true;
        }
        r
    }

    // ------------------------------------------------------------------------------------
    // Small accessors (no indexing)
    // ------------------------------------------------------------------------------------

    fn row(&self, b: u16) -> Result<Row> {
        self.rows
            .get(usize::from(b))
            .copied()
            .ok_or(Error::LogicBug)
    }

    fn set_row(&mut self, b: u16, row: Row) {
        if let Some(r) = self.rows.get_mut(usize::from(b)) {
            *r = row;
        }
    }

    fn st(&self, b: u16) -> Result<BucketState> {
        self.state
            .get(usize::from(b))
            .copied()
            .ok_or(Error::LogicBug)
    }

    fn set_state(&mut self, b: u16, st: BucketState) {
        if let Some(s) = self.state.get_mut(usize::from(b)) {
            *s = st;
        }
    }

    fn erase_count(&self, p: u16) -> u32 {
        self.erase_counts.get(usize::from(p)).copied().unwrap_or(0)
    }

    fn set_erase_count(&mut self, p: u16, v: u32) {
        if let Some(c) = self.erase_counts.get_mut(usize::from(p)) {
            *c = v;
        }
    }

    // ------------------------------------------------------------------------------------
    // Flash access
    // ------------------------------------------------------------------------------------

    fn read(&mut self, addr: u32, buf: &mut [u8]) -> Result<()> {
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

    fn write(&mut self, addr: u32, data: &[u8]) -> Result<()> {
        self.flash.write(addr, data).map_err(fl)
    }

    fn erase_page(&mut self, p: u16) -> Result<()> {
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

    fn write_header(&mut self, p: u16, kind: u8, bucket: u16, generation: u32) -> Result<()> {
        let h = PageHeader {
            kind,
            erase_count: self.erase_count(p),
            bucket,
            generation,
        }
        .encode(self.geo.erase_size, self.geo.pages);
        self.write(self.geo.page_addr(p), &h)
    }

    fn is_erased(&mut self, addr: u32, len: u32) -> Result<bool> {
        self.is_filled(addr, len, 0xFF)
    }

    /// True when all `len` bytes at `addr` equal `value`.
    fn is_filled(&mut self, addr: u32, len: u32, value: u8) -> Result<bool> {
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

    // ------------------------------------------------------------------------------------
    // Mount
    // ------------------------------------------------------------------------------------

    /// Rebuilds the RAM state from the flash alone.
    #[inline(never)]
    fn load(&mut self) -> Result<()> {
        let g = self.geo;
        let buckets = usize::from(g.buckets);
        let mut known_max = 0u32;
        let mut known = [false; PAGES];
        // 1. Page headers: erase counts.
        for p in 0..g.pages {
            let mut h = [0u8; HEADER_LEN];
            self.read(g.page_addr(p), &mut h)?;
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
            return Err(Error::NotFormatted);
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
        let mut comb = Sha256::new();
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
    fn recover(&mut self) -> Result<()> {
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
    fn recover_bucket(&mut self, b: u16) -> Result<bool> {
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

    fn is_zero(&mut self, addr: u32, len: u32) -> Result<bool> {
        self.is_filled(addr, len, 0)
    }

    /// Overwrites `len` bytes with zeros. Only called when the flash is multiwrite.
    fn zero(&mut self, addr: u32, len: u32) -> Result<()> {
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

    /// Reads bucket `b`'s committed index into `buf` and checks it against the root; returns
    /// its length in bytes. One flash read (none for an empty bucket).
    fn read_index(&mut self, b: u16, buf: &mut [u8; INDEX_BUF]) -> Result<usize> {
        let row = self.row(b)?;
        let st = self.st(b)?;
        let n = usize::from(row.count) * ENTRY_LEN;
        let ib = buf.get_mut(..n).ok_or(Error::Integrity)?;
        if n > 0 {
            self.read(self.geo.page_addr(row.phys) + HEADER_LEN as u32, ib)?;
        }
        let d = layout::index_digest(b, row.generation, ib);
        if !bool::from(d.ct_eq(&st.digest)) {
            return Err(Error::Integrity);
        }
        Ok(n)
    }

    // ------------------------------------------------------------------------------------
    // Lookup
    // ------------------------------------------------------------------------------------

    #[inline(never)]
    fn locate(&mut self, ns: &Namespace, k1: &[u8; 16], k2: &[u8; 16]) -> Result<Located> {
        let keyed = Keyed(&self.key);
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
    fn get_inner(
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
        let mut mac =
            Keyed(&self.key).record_mac(loc.bucket, row.generation, found.slot, found.entry.len);
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
    fn walk_bucket(
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
    fn verify_record(
        &mut self,
        b: u16,
        generation: u32,
        slot: u16,
        addr: u32,
        len: u16,
    ) -> Result<[u8; RECORD_HEADER_LEN]> {
        let mut mac = Keyed(&self.key).record_mac(b, generation, slot, len);
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
    fn stream<F>(&mut self, addr: u32, len: u16, mut f: F) -> Result<()>
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

    // ------------------------------------------------------------------------------------
    // Commit
    // ------------------------------------------------------------------------------------

    #[inline(never)]
    /// The scratch arrays of a commit, sized for the transaction's capacity `N`, around
    /// [`Self::commit_ops`], which is compiled once for every capacity.
    fn commit_inner<const N: usize>(&mut self, txn: &Transaction<'_, N>) -> Result<()> {
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

    fn commit_ops(&mut self, txn: OpList<'_, '_>, scratch: CommitScratch<'_>) -> Result<()> {
        let CommitScratch {
            pend,
            op_bucket,
            stale,
            fps,
            changes,
        } = scratch;
        let keyed = Keyed(&self.key);
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
    fn check_owner(
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

    fn has_room(&self, p: &Pending) -> Result<bool> {
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
    fn write_record(
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
        let mut mac = Keyed(&self.key).record_mac(b, generation, slot, len);
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

    fn erase_stale(&mut self, stale: &[Stale]) -> Result<()> {
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

    /// Writes a root record for the current state with `changes` (bucket, count, data_end)
    /// applied; `user` commits increment the monotonic counter.
    #[inline(never)]
    fn write_root(&mut self, changes: &[(u16, u16, u32)], user: bool) -> Result<()> {
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
        let mut comb = Sha256::new();
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
        let tag = layout::root_record_tag(&Keyed(&self.key), head, rows_b, &combined);
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
    fn ensure_root_room(&mut self) -> Result<()> {
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
    fn scan_index(&mut self, b: u16, row: Row, bad: Error) -> Result<([u8; DIGEST_LEN], u32)> {
        let mut d = layout::IndexDigest::new(b, row.generation);
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
    fn read_root(&mut self, addr: u32, rows: &mut [Row]) -> Result<RootRead> {
        let rl = self.geo.root_len as usize;
        let rows_at = layout::ROOT_FIXED_LEN;
        let comb_at = rows_at + layout::ROOT_ROW_LEN * rows.len();
        let tag_at = comb_at + ROOT_HASH_LEN;
        let mut mac = Keyed(&self.key).root_mac();
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

    /// Copies bucket `b`'s live records into the spare page (a new generation), commits, and
    /// erases the old page, which becomes the spare.
    #[inline(never)]
    fn compact(&mut self, b: u16) -> Result<()> {
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
    fn copy_record(
        &mut self,
        from: (u16, u32, u16, u32),
        to: (u32, u16, u32),
        len: u16,
    ) -> Result<()> {
        let (b, old_gen, old_slot, src) = from;
        let (new_gen, new_slot, dst) = to;
        let keyed = Keyed(&self.key);
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
    fn level_wear(&mut self) -> Result<()> {
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

impl<S: MultiwriteNorFlash, C: MonotonicCounter, const PAGES: usize> Store<S, C, PAGES> {
    /// As [`Store::format`], on a flash that can rewrite bits from 1 to 0: deleted and replaced
    /// records are then zeroed in place instead of compacted away.
    pub fn format_multiwrite(flash: S, store_key: HmacKey, config: Config<C>) -> Result<Self> {
        Self::format_inner(flash, store_key, config, true)
    }

    /// As [`Store::mount`], on a flash that can rewrite bits from 1 to 0.
    pub fn mount_multiwrite(flash: S, store_key: HmacKey, config: Config<C>) -> Result<Self> {
        Self::mount_inner(flash, store_key, config, true)
    }

    /// As [`Store::open`], on a flash that can rewrite bits from 1 to 0.
    pub fn open_multiwrite(
        flash: S,
        store_key: HmacKey,
        config: Config<C>,
    ) -> Result<(Self, Opened)> {
        Self::open_inner(flash, store_key, config, true)
    }
}

/// `buf[..len] = buf[by..by + len]`, `by` bytes at a time: each step copies between two parts
/// that do not overlap (a `memcpy`), so the firmware does not link `memmove` (1,574 bytes on the
/// M4F at "z") for this one overlapping copy, `copy_within`'s.
fn move_down(buf: &mut [u8], by: usize, len: usize) -> Result<()> {
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

/// True when the last change of `txn` to this slot is a delete.
fn ends_deleted(txn: OpList<'_, '_>, keys: (&Namespace, &[u8; 16], &[u8; 16])) -> bool {
    txn.ops()
        .filter(|o| o.keys() == keys)
        .last()
        .is_some_and(|o| matches!(o, Op::Delete { .. }))
}

/// True when an entry after `i` in `index` has fingerprint `fp`.
fn is_superseded(index: &[u8], i: usize, fp: &[u8; 6]) -> bool {
    index
        .chunks_exact(ENTRY_LEN)
        .skip(i + 1)
        .any(|e| e.get(..6) == Some(fp.as_slice()))
}

fn split_header(h: &[u8; RECORD_HEADER_LEN]) -> (&[u8; 16], &[u8; 16], &[u8; 16]) {
    let (ns, rest) = h.split_first_chunk::<16>().unwrap_or((&[0; 16], &[]));
    let (k1, rest) = rest.split_first_chunk::<16>().unwrap_or((&[0; 16], &[]));
    let (k2, _) = rest.split_first_chunk::<16>().unwrap_or((&[0; 16], &[]));
    (ns, k1, k2)
}

fn header_matches(
    h: &[u8; RECORD_HEADER_LEN],
    ns: &Namespace,
    k1: &[u8; 16],
    k2: &[u8; 16],
) -> bool {
    let (a, b, c) = split_header(h);
    a == ns.as_bytes() && b == k1 && c == k2
}

/// Copies the part of `chunk` (at record position `pos`) that falls into `dst` placed at
/// record position `at`.
fn copy_part(dst: &mut [u8], at: usize, pos: usize, chunk: &[u8]) {
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
struct ChunkWriter {
    addr: u32,
    buf: [u8; CHUNK],
    fill: usize,
}

impl ChunkWriter {
    fn new(addr: u32) -> Self {
        Self {
            addr,
            buf: [0u8; CHUNK],
            fill: 0,
        }
    }

    fn push<S: NorFlash, C: MonotonicCounter, const P: usize>(
        &mut self,
        store: &mut Store<S, C, P>,
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

    fn flush<S: NorFlash, C: MonotonicCounter, const P: usize>(
        &mut self,
        store: &mut Store<S, C, P>,
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
