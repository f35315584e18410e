//! `drm-sim hds format [--state DIR] [--force]`: formats the device's store on its flash image,
//! the explicit choice a port makes after a store that does not mount (a cut format, damage).
//!
//! A blank or missing image is formatted as is (what the demo does on a new device). An image
//! whose store mounts, or one whose store does not mount, is formatted only with `--force`: its
//! licenses and sessions are lost. The state directory's lock is held throughout (no other
//! drm-sim uses the store meanwhile), and the demo's record of earlier runs goes with the store.

use drm_core::platform::DeviceIdentity;
use drm_hds::Config;
use drm_keyexchange::licenses::LICENSES;
use drm_target_host::FileCounter;
use serde_json::json;

use crate::device::{DeviceStore, STORE_KEY_PURPOSE, open_flash};
use crate::report::{CliError, Report};
use crate::state::{self, StatePaths};

/// What the image held before.
enum Before {
    /// Missing, or every byte erased.
    Blank,
    /// A store that mounts: its license slots and commit.
    Store { licenses: usize, commit: u64 },
    /// A store that does not mount, and why.
    Broken(String),
}

/// Runs the command.
pub fn run(paths: StatePaths, force: bool) -> Result<Report, CliError> {
    let state = state::open_existing(paths)?;
    let paths = &state.paths;
    let image = paths.flash_image();
    let key = || {
        state
            .device
            .derive_key(STORE_KEY_PURPOSE)
            .map_err(|e| CliError::fail(format!("cannot derive the store key: {e}")))
    };
    let config = || Config::new().with_counter(FileCounter::new(paths.counter()));

    let before = {
        let flash = open_flash(&image)?;
        match DeviceStore::mount_multiwrite(flash, key()?, config()) {
            Ok(mut store) => {
                let mut licenses = 0usize;
                store
                    .for_each(&LICENSES, None, |_, _, _| {
                        licenses += 1;
                        core::ops::ControlFlow::Continue(())
                    })
                    .map_err(|e| CliError::fail(format!("{}: {e}", image.display())))?;
                Before::Store {
                    licenses,
                    commit: store.stats().seq,
                }
            }
            Err(e) => {
                let bytes = std::fs::read(&image)
                    .map_err(|e| CliError::fail(format!("{}: {e}", image.display())))?;
                if bytes.iter().all(|b| *b == 0xFF) {
                    Before::Blank
                } else {
                    Before::Broken(e.to_string())
                }
            }
        }
    };
    let was = match &before {
        Before::Blank => "blank".to_owned(),
        Before::Store { licenses, commit } => {
            format!("a store that mounts ({licenses} licenses, commit {commit})")
        }
        Before::Broken(e) => format!("a store that does not mount ({e})"),
    };
    if !force && !matches!(before, Before::Blank) {
        return Err(CliError::fail(format!(
            "{} holds {was}: formatting loses its licenses and sessions; nothing was changed \
             (add --force to format it)",
            image.display()
        )));
    }
    let flash = open_flash(&image)?;
    let store = DeviceStore::format_multiwrite(flash, key()?, config())
        .map_err(|e| CliError::fail(format!("formatting {}: {e}", image.display())))?;
    let stats = store.stats();
    let traffic = *store.flash().counters();
    drop(store);
    // The demo's memory of the sessions and licenses of the old store.
    let record = paths.record();
    let record_removed = match std::fs::remove_file(&record) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(CliError::fail(format!("{}: {e}", record.display()))),
    };
    let text = format!(
        "formatted {} (it held {was}): {} pages, {} buckets, commit {}; {} pages erased, {} \
         writes ({} bytes){}\n",
        image.display(),
        stats.pages,
        stats.buckets,
        stats.seq,
        traffic.erases,
        traffic.writes,
        traffic.write_bytes,
        if record_removed {
            "; the demo's record of the old store removed"
        } else {
            ""
        }
    );
    Ok(Report {
        text,
        json: json!({
            "image": image.display().to_string(),
            "before": was,
            "pages": stats.pages,
            "buckets": stats.buckets,
            "commit": stats.seq,
            "pages_erased": traffic.erases,
            "demo_record_removed": record_removed,
        }),
        failure: None,
    })
}
