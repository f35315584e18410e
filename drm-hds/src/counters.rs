//! Flash access counters, kept the same way by the RAM flash of tests and benches
//! ([`crate::mock::MockFlash`]) and the host's file flash ([`crate::file::FileFlash`]), so the
//! traffic the bench reports and the traffic `drm-sim` prints are counted by one definition.

/// Most pages whose erase counts are tracked (pages past it are counted in `erases` only).
pub const COUNTED_PAGES: usize = 256;

/// Access counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counters {
    /// Read calls.
    pub reads: u64,
    /// Bytes read.
    pub read_bytes: u64,
    /// Largest single read, in bytes.
    pub max_read: u64,
    /// Write calls.
    pub writes: u64,
    /// Bytes written (as far as they reached the flash: a write cut short counts what it wrote).
    pub write_bytes: u64,
    /// Page erases.
    pub erases: u64,
    /// Erases per page (the first [`COUNTED_PAGES`] pages).
    pub page_erases: [u32; COUNTED_PAGES],
}

impl Default for Counters {
    fn default() -> Self {
        Self {
            reads: 0,
            read_bytes: 0,
            max_read: 0,
            writes: 0,
            write_bytes: 0,
            erases: 0,
            page_erases: [0; COUNTED_PAGES],
        }
    }
}

fn len64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl Counters {
    /// Counts one read of `len` bytes.
    pub fn read(&mut self, len: usize) {
        self.reads = self.reads.saturating_add(1);
        self.read_bytes = self.read_bytes.saturating_add(len64(len));
        self.max_read = self.max_read.max(len64(len));
    }

    /// Counts one write call (its bytes are counted by [`Counters::wrote`] as they land).
    pub fn write_call(&mut self) {
        self.writes = self.writes.saturating_add(1);
    }

    /// Counts `len` bytes that reached the flash.
    pub fn wrote(&mut self, len: usize) {
        self.write_bytes = self.write_bytes.saturating_add(len64(len));
    }

    /// Counts the erase of page `page` (its index from the start of the flash).
    pub fn erased(&mut self, page: usize) {
        self.erases = self.erases.saturating_add(1);
        if let Some(c) = self.page_erases.get_mut(page) {
            *c = c.saturating_add(1);
        }
    }
}
