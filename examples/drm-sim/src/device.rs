//! The simulated device: its identity (from the state directory), its HDS on a file-backed
//! flash image with a file monotonic counter, and the OS random generator.

use std::path::Path;

use drm_core::platform::{DeviceIdentity, SoftwareIdentity};
use drm_hds::file::{FileFlash, FileFlashError};
use drm_hds::{Config, Store};
use drm_target_host::{FileCounter, OsRng};

use crate::report::CliError;
use crate::state::StatePaths;

/// Flash page (erase) size of the simulated device.
pub const FLASH_PAGE: usize = 4096;
/// Flash pages of the simulated device (the store's default capacity).
pub const FLASH_PAGES: usize = 32;
/// The purpose string the store key is derived with (drm-hds' README).
pub const STORE_KEY_PURPOSE: &[u8] = b"hds";

/// The device's flash: the image file (it counts its traffic: `store.flash().counters()`).
pub type DeviceFlash = FileFlash<FLASH_PAGE>;
/// The device's store.
pub type DeviceStore = Store<DeviceFlash, FileCounter>;

/// The simulated device.
pub struct Device {
    /// Keys and chain.
    pub identity: SoftwareIdentity<Vec<u8>>,
    /// The HDS.
    pub store: DeviceStore,
    /// The random generator.
    pub rng: OsRng,
}

/// How the store was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// Mounted an existing store.
    Mounted,
    /// The image held no store: formatted a new one.
    Formatted,
}

pub fn open_flash(path: &Path) -> Result<DeviceFlash, CliError> {
    let flash = FileFlash::<FLASH_PAGE>::open(path, FLASH_PAGE * FLASH_PAGES).map_err(|e| {
        CliError::fail(match e {
            FileFlashError::OutOfBounds => format!(
                "flash image {}: not {} bytes ({FLASH_PAGES} pages of {FLASH_PAGE})",
                path.display(),
                FLASH_PAGE * FLASH_PAGES
            ),
            e => format!("flash image {}: {e}", path.display()),
        })
    })?;
    Ok(flash)
}

/// Opens the device: mounts its store, or formats one when the image is blank (new). An image
/// that holds no store the device can mount (corrupted, another device's) or fails the
/// integrity or rollback checks is an error: it is never formatted over.
pub fn open(
    paths: &StatePaths,
    identity: SoftwareIdentity<Vec<u8>>,
) -> Result<(Device, Opened), CliError> {
    open_with(paths, identity, true)
}

/// Opens the device's existing store; a missing or blank image is an error (nothing is
/// created or formatted).
pub fn open_existing(
    paths: &StatePaths,
    identity: SoftwareIdentity<Vec<u8>>,
) -> Result<Device, CliError> {
    if !paths.flash_image().is_file() {
        return Err(CliError::fail(format!(
            "no flash image at {} (run `drm-sim demo` first)",
            paths.flash_image().display()
        )));
    }
    open_with(paths, identity, false).map(|(d, _)| d)
}

fn open_with(
    paths: &StatePaths,
    identity: SoftwareIdentity<Vec<u8>>,
    format: bool,
) -> Result<(Device, Opened), CliError> {
    let image = paths.flash_image();
    let key = || {
        identity
            .derive_key(STORE_KEY_PURPOSE)
            .map_err(|e| CliError::fail(format!("cannot derive the store key: {e}")))
    };
    let config = || Config::new().with_counter(FileCounter::new(paths.counter()));
    let flash = open_flash(&image)?;
    // `open` formats only a blank image (a new device); `mount` never formats.
    let opened = if format {
        Store::open_multiwrite(flash, key()?, config()).map(|(store, how)| {
            let how = match how {
                drm_hds::Opened::Mounted => Opened::Mounted,
                drm_hds::Opened::FormattedBlank => Opened::Formatted,
            };
            (store, how)
        })
    } else {
        Store::mount_multiwrite(flash, key()?, config()).map(|store| (store, Opened::Mounted))
    };
    let (store, opened) = opened.map_err(|e| {
        CliError::fail(format!(
            "the store in {} does not mount: {e} (`drm-sim hds format --force` formats it again, \
             losing its licenses and sessions)",
            image.display()
        ))
    })?;
    Ok((
        Device {
            identity,
            store,
            rng: OsRng,
        },
        opened,
    ))
}
