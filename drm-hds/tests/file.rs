//! The file-backed flash under the store: durable, secure erase on disk, locked while open.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use drm_core::secret::HmacKey;
use drm_hds::file::FileFlash;
use drm_hds::{Config, Namespace, Store};

fn key() -> HmacKey {
    HmacKey::from_bytes([0x77; 32])
}

#[test]
fn file_backed_flash_round_trip() {
    let dir = std::env::temp_dir().join(format!("drm-hds-file-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hds.img");
    let _ = std::fs::remove_file(&path);
    {
        let f = FileFlash::<4096>::open(&path, 8 * 4096).unwrap();
        let mut s: Store<_, _, 8> = Store::format_multiwrite(f, key(), Config::new()).unwrap();
        s.put(
            &Namespace::from_name(b"drm/licenses"),
            &[9; 16],
            &[8; 16],
            b"on disk",
        )
        .unwrap();
        s.put(
            &Namespace::from_name(b"drm/licenses"),
            &[9; 16],
            &[7; 16],
            b"deleted secret",
        )
        .unwrap();
        s.delete(&Namespace::from_name(b"drm/licenses"), &[9; 16], &[7; 16])
            .unwrap();
    }
    let raw = std::fs::read(&path).unwrap();
    assert_eq!(raw.len(), 8 * 4096);
    assert!(!raw.windows(14).any(|w| w == b"deleted secret"));
    let f = FileFlash::<4096>::open(&path, 8 * 4096).unwrap();
    let mut s: Store<_, _, 8> = Store::mount_multiwrite(f, key(), Config::new()).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(
        s.get(
            &Namespace::from_name(b"drm/licenses"),
            &[9; 16],
            &[8; 16],
            &mut buf
        ),
        Ok(7)
    );
    assert_eq!(&buf[..7], b"on disk");
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Two drivers on one image file corrupt the store (each keeps its own idea of the newest
/// commit): the second open is refused while the first lives, and changes nothing.
#[test]
fn file_backed_flash_is_locked_while_open() {
    let dir = std::env::temp_dir().join(format!("drm-hds-file-lock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hds.img");
    let _ = std::fs::remove_file(&path);
    let f = FileFlash::<4096>::open(&path, 8 * 4096).unwrap();
    let mut s: Store<_, _, 8> = Store::format_multiwrite(f, key(), Config::new()).unwrap();
    s.put(
        &Namespace::from_name(b"drm/licenses"),
        &[9; 16],
        &[8; 16],
        b"held",
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    assert!(matches!(
        FileFlash::<4096>::open(&path, 8 * 4096),
        Err(drm_hds::file::FileFlashError::Locked)
    ));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "a refused open wrote"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "the image holds key material: owner-only from creation"
        );
    }
    drop(s);
    let f = FileFlash::<4096>::open(&path, 8 * 4096).unwrap();
    let mut s: Store<_, _, 8> = Store::mount_multiwrite(f, key(), Config::new()).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(
        s.get(
            &Namespace::from_name(b"drm/licenses"),
            &[9; 16],
            &[8; 16],
            &mut buf
        ),
        Ok(4)
    );
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}
