//! Monotonic counters for hosts.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::files::write_durably;

use drm_core::Error;
use drm_core::platform::MonotonicCounter;

/// A counter in memory (lost at exit): for tests and simulations.
#[derive(Clone, Debug, Default)]
pub struct MemoryCounter {
    value: u64,
}

impl MemoryCounter {
    /// A counter starting at `value`.
    #[must_use]
    pub fn new(value: u64) -> Self {
        Self { value }
    }
}

impl MonotonicCounter for MemoryCounter {
    fn read(&mut self) -> drm_core::Result<u64> {
        Ok(self.value)
    }
    fn increment(&mut self) -> drm_core::Result<u64> {
        self.value = self.value.checked_add(1).ok_or(Error::Platform)?;
        Ok(self.value)
    }
}

/// A counter kept in a file: 16 bytes, the magic `DRMCTR01` then the value as a big-endian u64.
/// A missing file reads as 0. [`MonotonicCounter::increment`] writes a temporary file beside it,
/// syncs it, renames it over the old one and syncs the directory, so a crash leaves either the
/// old value or the new one.
///
/// Any I/O failure, or a file that is not exactly a counter file, is [`Error::Platform`].
/// A file on a host can of course be rolled back by its owner; a device needs hardware for that.
#[derive(Clone, Debug)]
pub struct FileCounter {
    path: PathBuf,
}

const MAGIC: &[u8; 8] = b"DRMCTR01";

impl FileCounter {
    /// A counter stored at `path` (created on the first increment).
    #[must_use]
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load(&self) -> io::Result<u64> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let (magic, value) = bytes
            .split_first_chunk::<8>()
            .ok_or_else(|| invalid("counter file too short"))?;
        let value: [u8; 8] = value
            .try_into()
            .map_err(|_| invalid("counter file has the wrong length"))?;
        if magic != MAGIC {
            return Err(invalid("not a counter file"));
        }
        Ok(u64::from_be_bytes(value))
    }

    fn store(&self, value: u64) -> io::Result<()> {
        let mut bytes = [0u8; 16];
        let (magic, rest) = bytes.split_at_mut(8);
        magic.copy_from_slice(MAGIC);
        rest.copy_from_slice(&value.to_be_bytes());
        write_durably(&self.path, &bytes)
    }
}

impl MonotonicCounter for FileCounter {
    fn read(&mut self) -> drm_core::Result<u64> {
        self.load().map_err(|_| Error::Platform)
    }
    fn increment(&mut self) -> drm_core::Result<u64> {
        let next = self
            .load()
            .map_err(|_| Error::Platform)?
            .checked_add(1)
            .ok_or(Error::Platform)?;
        self.store(next).map_err(|_| Error::Platform)?;
        Ok(next)
    }
}

fn invalid(msg: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "drm-target-host-{name}-{}-{}",
            std::process::id(),
            rand_core::TryRng::try_next_u64(&mut crate::rng::OsRng).unwrap()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn memory_counter_counts() {
        let mut c = MemoryCounter::new(41);
        assert_eq!(c.read(), Ok(41));
        assert_eq!(c.increment(), Ok(42));
        assert_eq!(c.read(), Ok(42));
        let mut top = MemoryCounter::new(u64::MAX);
        assert_eq!(top.increment(), Err(Error::Platform));
        assert_eq!(top.read(), Ok(u64::MAX));
    }

    #[test]
    fn file_counter_survives_reopening() {
        let dir = temp_dir("counter");
        let path = dir.join("counter");
        let mut c = FileCounter::new(&path);
        assert_eq!(c.read(), Ok(0));
        assert_eq!(c.increment(), Ok(1));
        assert_eq!(c.increment(), Ok(2));
        let mut again = FileCounter::new(&path);
        assert_eq!(again.read(), Ok(2));
        assert_eq!(again.increment(), Ok(3));
        assert_eq!(fs::read(&path).unwrap().len(), 16);
        assert!(!dir.join("counter.tmp").exists());

        // A damaged file is an error, never a silent 0.
        fs::write(&path, b"DRMCTR01\0\0").unwrap();
        assert_eq!(c.read(), Err(Error::Platform));
        assert_eq!(c.increment(), Err(Error::Platform));
        fs::write(&path, b"XXXXXXXX\0\0\0\0\0\0\0\x05").unwrap();
        assert_eq!(c.read(), Err(Error::Platform));
        fs::remove_dir_all(&dir).unwrap();
    }
}
