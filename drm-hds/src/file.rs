//! A NOR flash backed by an image file, for hosts (feature `std`).
//!
//! Behaves as NOR: erase sets a page to `0xFF`, a write can only clear bits (it ANDs), so the
//! part is also `MultiwriteNorFlash`. Each write and erase goes to the file before it returns
//! (no caching beyond the operating system's).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::counters::Counters;
use embedded_storage::nor_flash::{
    ErrorType, MultiwriteNorFlash, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};

/// Errors of the file flash.
#[derive(Debug)]
pub enum FileFlashError {
    /// Offset or length not aligned.
    NotAligned,
    /// Outside the image.
    OutOfBounds,
    /// Another open handle (another process, or another `FileFlash` of this one) holds the
    /// image: two drivers on one flash would corrupt the store, so the second is refused.
    Locked,
    /// The file could not be read or written.
    Io(std::io::Error),
}

impl core::fmt::Display for FileFlashError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FileFlashError::NotAligned => f.write_str("access not aligned"),
            FileFlashError::OutOfBounds => {
                f.write_str("access outside the image, or an image of another size")
            }
            FileFlashError::Locked => f.write_str(
                "the image is in use by another program (locked); nothing was read or written",
            ),
            FileFlashError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl NorFlashError for FileFlashError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            FileFlashError::NotAligned => NorFlashErrorKind::NotAligned,
            FileFlashError::OutOfBounds => NorFlashErrorKind::OutOfBounds,
            FileFlashError::Locked | FileFlashError::Io(_) => NorFlashErrorKind::Other,
        }
    }
}

impl From<std::io::Error> for FileFlashError {
    fn from(e: std::io::Error) -> Self {
        FileFlashError::Io(e)
    }
}

/// A flash image file of `capacity` bytes with pages of `ERASE` bytes and 4-byte writes.
#[derive(Debug)]
pub struct FileFlash<const ERASE: usize = 4096> {
    file: File,
    capacity: usize,
    counters: Counters,
}

impl<const ERASE: usize> FileFlash<ERASE> {
    /// Opens the image at `path`, creating it (all `0xFF`, readable by its owner only) when
    /// missing. `capacity` is rounded down to whole pages; an existing image of another size is
    /// an error. The image is locked for as long as the flash lives (the operating system's
    /// advisory lock, `flock` on Unix): an image another handle holds is
    /// [`FileFlashError::Locked`], and nothing is read or written.
    pub fn open(path: &Path, capacity: usize) -> Result<Self, FileFlashError> {
        let capacity = capacity - capacity % ERASE;
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path)?;
        file.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => FileFlashError::Locked,
            std::fs::TryLockError::Error(e) => FileFlashError::Io(e),
        })?;
        let len = file.metadata()?.len();
        if len == 0 {
            let page = std::vec![0xFFu8; ERASE];
            for _ in 0..capacity / ERASE {
                file.write_all(&page)?;
            }
            file.sync_data()?;
        } else if len != capacity as u64 {
            return Err(FileFlashError::OutOfBounds);
        }
        Ok(Self {
            file,
            capacity,
            counters: Counters::default(),
        })
    }

    /// The flash traffic since the image was opened or [`FileFlash::reset_counters`] (counted as
    /// [`crate::mock::MockFlash`] counts it). Creating a new image is not counted.
    #[must_use]
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Zeroes the traffic counters.
    pub fn reset_counters(&mut self) {
        self.counters = Counters::default();
    }

    fn check(&self, offset: u32, len: usize, align: usize) -> Result<u64, FileFlashError> {
        let off = offset as usize;
        if !off.is_multiple_of(align) || !len.is_multiple_of(align) {
            return Err(FileFlashError::NotAligned);
        }
        if off.checked_add(len).is_none_or(|e| e > self.capacity) {
            return Err(FileFlashError::OutOfBounds);
        }
        Ok(off as u64)
    }
}

impl<const ERASE: usize> ErrorType for FileFlash<ERASE> {
    type Error = FileFlashError;
}

impl<const ERASE: usize> ReadNorFlash for FileFlash<ERASE> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        let off = self.check(offset, bytes.len(), 1)?;
        self.counters.read(bytes.len());
        self.file.seek(SeekFrom::Start(off))?;
        self.file.read_exact(bytes)?;
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

impl<const ERASE: usize> NorFlash for FileFlash<ERASE> {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = ERASE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        if to < from {
            return Err(FileFlashError::OutOfBounds);
        }
        let off = self.check(from, (to - from) as usize, ERASE)?;
        let page = std::vec![0xFFu8; ERASE];
        self.file.seek(SeekFrom::Start(off))?;
        let first = off as usize / ERASE;
        for i in 0..(to - from) as usize / ERASE {
            self.file.write_all(&page)?;
            self.counters.erased(first + i);
        }
        self.file.sync_data()?;
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        let off = self.check(offset, bytes.len(), 4)?;
        self.counters.write_call();
        let mut old = std::vec![0u8; bytes.len()];
        self.file.seek(SeekFrom::Start(off))?;
        self.file.read_exact(&mut old)?;
        for (o, &n) in old.iter_mut().zip(bytes) {
            *o &= n;
        }
        self.file.seek(SeekFrom::Start(off))?;
        self.file.write_all(&old)?;
        self.counters.wrote(old.len());
        self.file.sync_data()?;
        Ok(())
    }
}

impl<const ERASE: usize> MultiwriteNorFlash for FileFlash<ERASE> {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn counts_traffic_and_keeps_nor_rules() {
        let dir = std::env::temp_dir().join(std::format!("drm-hds-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("flash.img");
        let _ = std::fs::remove_file(&path);
        let mut f = FileFlash::<1024>::open(&path, 4096).unwrap();
        assert_eq!(
            f.counters(),
            &Counters::default(),
            "creating the image is not traffic"
        );
        f.write(0, &[0xF0, 0x0F, 0xFF, 0x00]).unwrap();
        f.write(0, &[0x3C, 0xFF, 0x0F, 0xFF]).unwrap();
        let mut b = [0u8; 4];
        f.read(0, &mut b).unwrap();
        assert_eq!(b, [0x30, 0x0F, 0x0F, 0x00], "writes only clear bits");
        f.erase(1024, 3072).unwrap();
        f.erase(0, 1024).unwrap();
        f.read(0, &mut b).unwrap();
        assert_eq!(b, [0xFF; 4]);
        let t = f.counters();
        assert_eq!((t.reads, t.read_bytes, t.max_read), (2, 8, 4));
        assert_eq!((t.writes, t.write_bytes, t.erases), (2, 8, 3));
        assert_eq!(t.page_erases[..4], [1, 1, 1, 0]);
        assert!(matches!(
            f.write(2, &[0; 4]),
            Err(FileFlashError::NotAligned)
        ));
        assert!(matches!(
            f.read(4095, &mut b),
            Err(FileFlashError::OutOfBounds)
        ));
        assert!(f.erase(0, 100).is_err(), "not whole pages");
        assert!(
            matches!(
                FileFlash::<1024>::open(&path, 4096),
                Err(FileFlashError::Locked)
            ),
            "a second handle is refused while the first lives"
        );
        f.reset_counters();
        assert_eq!(f.counters(), &Counters::default());
        drop(f);
        assert!(matches!(
            FileFlash::<1024>::open(&path, 8192),
            Err(FileFlashError::OutOfBounds)
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
