//! Files that hold key material or device state on a host: created owner-only from the start
//! (mode 600, directories 700, where the platform has modes), replaced durably, and a lock that
//! keeps a second program off a state directory.

use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Replaces `path` with `bytes` so that a crash leaves the old or the new content: write a
/// temporary file in the same directory (created owner-only), fsync it, rename it over `path`,
/// fsync the directory. The file ends with the temporary file's owner-only mode.
pub fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);
    // A temporary file left by a crash may have another mode: start from a new file.
    match fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    {
        let mut file = private_options().create_new(true).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    // Make the rename itself durable. Opening a directory for sync works on Unix; elsewhere
    // the rename is as durable as the platform makes it.
    #[cfg(unix)]
    File::open(&dir)?.sync_all()?;
    Ok(())
}

/// Write-only open options for a file readable by its owner only (mode 600 on Unix; the mode
/// applies when the open creates the file).
#[must_use]
pub fn private_options() -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Creates `dir` and any missing parents, each new one accessible by its owner only (mode 700
/// on Unix). Directories that exist already keep their mode.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// The name of the lock file inside a locked directory.
pub const LOCK_FILE: &str = "lock";

/// An exclusive lock on a directory, held until dropped: the operating system's advisory file
/// lock (`flock` on Unix) on `DIR/lock`, which also names the holder (its process id and what
/// it does). The lock goes with the process, so a killed holder leaves no stale lock behind.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
    path: PathBuf,
}

/// Why [`DirLock::acquire`] failed.
#[derive(Debug)]
pub enum LockError {
    /// Another open file (another process, or another handle of this one) holds the lock.
    Held {
        /// The lock file.
        path: PathBuf,
        /// What the holder wrote into it (`pid N: what`), if it could be read.
        holder: Option<String>,
    },
    /// The lock file could not be created or locked.
    Io(io::Error),
}

impl core::fmt::Display for LockError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            LockError::Held { path, holder } => {
                write!(f, "{} is held", path.display())?;
                match holder {
                    Some(h) => write!(f, " by {h}"),
                    None => write!(f, " by another process"),
                }
            }
            LockError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LockError {}

impl DirLock {
    /// Creates `dir` (owner-only) if needed and locks it for this process, recording
    /// `pid N: what` in the lock file. Never waits: a directory locked by someone else is
    /// [`LockError::Held`], and nothing in the directory is changed.
    pub fn acquire(dir: &Path, what: &str) -> Result<Self, LockError> {
        create_private_dir(dir).map_err(LockError::Io)?;
        let path = dir.join(LOCK_FILE);
        let mut file = private_options()
            .read(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let holder = read_holder(&mut file);
                return Err(LockError::Held { path, holder });
            }
            Err(fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
        let record = format!("pid {}: {what}\n", std::process::id());
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(record.as_bytes()))
            .map_err(LockError::Io)?;
        Ok(Self { _file: file, path })
    }

    /// The lock file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// What the holder of a lock file wrote into it. A holder that has just taken the lock writes
/// its record a moment later: a few short, bounded retries (50 ms in all) wait for it.
fn read_holder(file: &mut File) -> Option<String> {
    for _ in 0..10 {
        let mut text = String::new();
        if file.rewind().is_ok() && file.read_to_string(&mut text).is_ok() {
            let text = text.trim();
            if text.starts_with("pid ") && text.contains(": ") {
                return Some(text.to_owned());
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("drm-host-files-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_second_lock_is_refused_and_names_the_holder() {
        let dir = temp_dir("lock");
        let first = DirLock::acquire(&dir, "first holder").unwrap();
        let Err(LockError::Held { path, holder }) = DirLock::acquire(&dir, "second") else {
            panic!("a second lock on the same directory was granted");
        };
        assert_eq!(path, first.path());
        let holder = holder.unwrap();
        assert!(holder.contains("first holder"), "{holder}");
        assert!(
            holder.contains(&format!("pid {}", std::process::id())),
            "{holder}"
        );
        drop(first);
        let again = DirLock::acquire(&dir, "after release").unwrap();
        drop(again);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn private_files_and_dirs_are_owner_only_from_creation() {
        let dir = temp_dir("modes");
        let nested = dir.join("a/b");
        create_private_dir(&nested).unwrap();
        for d in [&dir, &dir.join("a"), &nested] {
            assert_eq!(mode(d), 0o700, "{}", d.display());
        }
        let key = nested.join("k.key");
        write_durably(&key, b"secret").unwrap();
        assert_eq!(mode(&key), 0o600);
        write_durably(&key, b"again").unwrap();
        assert_eq!(mode(&key), 0o600);
        assert_eq!(fs::read(&key).unwrap(), b"again");
        fs::remove_dir_all(&dir).unwrap();
    }
}
