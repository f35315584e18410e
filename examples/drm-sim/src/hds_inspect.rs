//! `drm-sim hds inspect IMAGE [--device DIR]`: what a flash image's store holds.
//!
//! The image is copied into RAM and mounted there by `drm-hds` with the device's store key
//! (derived from the device identity in `--device`, by default the `device` directory beside
//! the image): mounting checks the root tag and every bucket index, and every record listed is
//! authenticated as it is read. The image file itself is never written. The monotonic counter
//! is not consulted (a whole-image rollback is not detected here).

use std::fmt::Write as _;
use std::ops::ControlFlow;
use std::path::Path;

use drm_core::platform::DeviceIdentity;
use drm_core::xmr::ParsedLicense;
use drm_core::{Kid, Lid, SessionId};
use drm_hds::layout::{self, HEADER_LEN, PAGE_MAGIC};
use drm_hds::mock::MockFlash;
use drm_hds::{Config, MAX_PAGES, Store};
use drm_keyexchange::clock::{CLOCK, LEGACY_CLOCK, SECURE_STORE};
use drm_keyexchange::licenses::{FIRST_USE, LICENSES};
use drm_securedelete::session::{self, SESSIONS, SessionState};
use embedded_storage::nor_flash::NorFlash;
use serde_json::{Value, json};

use crate::device::STORE_KEY_PURPOSE;
use crate::report::{CliError, Report, id_json};

/// The store as this tool mounts it: any page count up to the format's limit, no counter.
type InspectStore<F> = Store<F, drm_hds::NoCounter, MAX_PAGES>;

/// The page size written in the first page header that has the format's magic.
fn page_size(image: &[u8]) -> Option<usize> {
    // Headers sit at the start of pages; pages are at least 1 KiB.
    image.chunks(1024).find_map(|page| {
        let h = page.get(..HEADER_LEN)?;
        if h.get(..4)? != PAGE_MAGIC {
            return None;
        }
        let e = u32::from_le_bytes(h.get(20..24)?.try_into().ok()?);
        usize::try_from(e).ok()
    })
}

fn store_err(file: &Path, e: drm_hds::Error) -> CliError {
    CliError::fail(format!("{}: {e}", file.display()))
}

fn sd_err(e: drm_securedelete::Error) -> CliError {
    CliError::fail(format!("session records: {e}"))
}

/// The string at a JSON pointer, or "".
fn text_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// What the walk found.
struct Contents {
    json: Value,
    text: String,
}

fn inspect<F: NorFlash>(
    file: &Path,
    store: &mut InspectStore<F>,
    page: usize,
) -> Result<Contents, CliError> {
    let fail = |e| store_err(file, e);
    let stats = store.stats();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "HDS image {}: format version {}, {} pages of {} bytes, {} buckets, commit {}, erase \
         counts {}..{}",
        file.display(),
        layout::FORMAT_VERSION,
        stats.pages,
        page,
        stats.buckets,
        stats.seq,
        stats.erase_min,
        stats.erase_max
    );
    let _ = writeln!(
        text,
        "  integrity:       OK (root tag and every bucket index verified at mount; every record below authenticated)"
    );

    // Licenses.
    let mut slots = Vec::new();
    store
        .for_each(&LICENSES, None, |k1, k2, len| {
            slots.push((*k1, *k2, len));
            ControlFlow::Continue(())
        })
        .map_err(fail)?;
    let mut licenses = Vec::new();
    let mut used = 0usize;
    let mut buf = vec![0u8; 4096];
    for (k1, k2, len) in &slots {
        used += layout::record_len(*len);
        buf.resize((*len).max(buf.len()), 0);
        let n = store.get(&LICENSES, k1, k2, &mut buf).map_err(fail)?;
        let kind = match buf.get(..n).map(ParsedLicense::parse) {
            Some(Ok(p)) if p.is_key_exchange() => "key exchange",
            Some(Ok(_)) => "content",
            _ => "unreadable XMR",
        };
        licenses.push(json!({
            "kid": id_json(&Kid::from_bytes(*k1)),
            "lid": id_json(&Lid::from_bytes(*k2)),
            "bytes": len,
            "kind": kind,
        }));
    }

    // Secure Delete sessions.
    let mut ids = Vec::new();
    store
        .for_each(&SESSIONS, None, |k1, _, len| {
            ids.push((SessionId::from_bytes(*k1), len));
            ControlFlow::Continue(())
        })
        .map_err(fail)?;
    let mut sessions = Vec::new();
    let mut pending = 0usize;
    for (id, len) in &ids {
        used += layout::record_len(*len);
        let rec = session::load(store, id).map_err(sd_err)?;
        if let Some(r) = rec {
            let state = match r.state() {
                SessionState::Pending => {
                    pending += 1;
                    "pending"
                }
                SessionState::Active => "active",
            };
            sessions.push(json!({
                "session": id_json(id),
                "state": state,
                "kids": r.kids().iter().map(id_json).collect::<Vec<_>>(),
            }));
        }
    }

    // Other namespaces: count only.
    let mut other = Vec::new();
    for (name, ns) in [
        ("secure store", SECURE_STORE),
        ("anti-rollback clock", CLOCK),
        ("anti-rollback clock, old place", LEGACY_CLOCK),
        ("first use", FIRST_USE),
    ] {
        let (mut n, mut bytes) = (0usize, 0usize);
        store
            .for_each(&ns, None, |_, _, len| {
                n += 1;
                bytes += len;
                used += layout::record_len(len);
                ControlFlow::Continue(())
            })
            .map_err(fail)?;
        other.push((name, n, bytes));
    }

    let capacity = usize::from(stats.buckets) * (page - layout::data_start(page));
    let _ = writeln!(
        text,
        "  space:           live records use {used} of {capacity} bytes of bucket data space ({:.1}%); replaced and deleted records awaiting compaction are not counted",
        used as f64 * 100.0 / capacity.max(1) as f64
    );
    let _ = writeln!(text, "  namespaces:");
    let license_bytes: usize = slots.iter().map(|s| s.2).sum();
    let _ = writeln!(
        text,
        "    licenses       {} slots, {license_bytes} bytes",
        slots.len()
    );
    let _ = writeln!(
        text,
        "    sd-sessions    {} records ({pending} pending Secure Delete)",
        ids.len()
    );
    for (name, n, bytes) in &other {
        let _ = writeln!(text, "    {name:<14} {n} slots, {bytes} bytes");
    }
    if !licenses.is_empty() {
        let _ = writeln!(text, "  licenses (KID / LID / bytes / kind):");
    }
    for l in &licenses {
        let _ = writeln!(
            text,
            "    {} / {} / {} / {}",
            text_at(l, "/kid/guid"),
            text_at(l, "/lid/guid"),
            l.get("bytes").and_then(Value::as_u64).unwrap_or_default(),
            text_at(l, "/kind")
        );
    }
    if !sessions.is_empty() {
        let _ = writeln!(text, "  Secure Delete sessions:");
    }
    for s in &sessions {
        let kids: Vec<&str> = s
            .get("kids")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|k| text_at(k, "/guid")).collect())
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "    {} {:<7} KIDs {}",
            text_at(s, "/session/guid"),
            text_at(s, "/state"),
            kids.join(", ")
        );
    }
    Ok(Contents {
        text,
        json: json!({
            "file": file.display().to_string(),
            "page_size": page,
            "pages": stats.pages,
            "buckets": stats.buckets,
            "commit": stats.seq,
            "erase_min": stats.erase_min,
            "erase_max": stats.erase_max,
            "integrity": "ok",
            "space": {"live_record_bytes": used, "bucket_data_bytes": capacity},
            "namespaces": {
                "licenses": {"slots": slots.len(), "bytes": license_bytes},
                "sd_sessions": {"records": ids.len(), "pending": pending},
                "secure_store": {"slots": other.first().map_or(0, |o| o.1)},
                "clock": {"slots": other.get(1).map_or(0, |o| o.1)},
                "legacy_clock": {"slots": other.get(2).map_or(0, |o| o.1)},
                "first_use": {"slots": other.get(3).map_or(0, |o| o.1)},
            },
            "licenses": licenses,
            "sessions": sessions,
        }),
    })
}

fn mount_and_inspect<const E: usize>(
    file: &Path,
    image: Vec<u8>,
    key: drm_core::secret::HmacKey,
) -> Result<Contents, CliError> {
    let mut image = image;
    if image.is_empty() || !image.len().is_multiple_of(E) {
        return Err(CliError::fail(format!(
            "{}: not a whole number of {E}-byte pages",
            file.display()
        )));
    }
    // A RAM copy of the image (4-byte writes that only clear bits, as the file flash): inspecting
    // never writes to the file.
    let flash = MockFlash::<4, E, true>::new(&mut image);
    let mut store = InspectStore::mount_multiwrite(flash, key, Config::new()).map_err(|e| {
        CliError::fail(format!("{}: the store does not mount: {e}", file.display()))
    })?;
    inspect(file, &mut store, E)
}

/// Reads the image under a shared lock: a program that has it open as its flash (which holds
/// the exclusive lock) may be half-way through a commit, so the image is refused then instead
/// of shown torn.
fn read_image(file: &Path) -> Result<Vec<u8>, CliError> {
    use std::io::Read as _;
    let fail = |e: std::io::Error| CliError::fail(format!("image {}: {e}", file.display()));
    let mut f = std::fs::File::open(file).map_err(fail)?;
    match f.try_lock_shared() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(CliError::fail(format!(
                "image {}: in use by another program (it holds the flash lock); inspect it when \
                 that program has finished",
                file.display()
            )));
        }
        // A file system without locks: read as it is.
        Err(std::fs::TryLockError::Error(_)) => {}
    }
    let mut image = Vec::new();
    f.read_to_end(&mut image).map_err(fail)?;
    Ok(image)
}

/// The store of another format version than this build's, described from its first page
/// header (which needs no key): format 2's segment header (`drm-hds/FORMAT.md` §17), or just the
/// version number of any other.
fn other_version(image: &[u8]) -> Option<String> {
    let h = image.chunks(256).find_map(|p| {
        p.get(..HEADER_LEN)
            .filter(|h| h.get(..4) == Some(&PAGE_MAGIC[..]))
    })?;
    let le16 = |at: usize| Some(u16::from_le_bytes(h.get(at..at + 2)?.try_into().ok()?));
    let le32 = |at: usize| Some(u32::from_le_bytes(h.get(at..at + 4)?.try_into().ok()?));
    let version = le16(4)?;
    if version == layout::FORMAT_VERSION {
        return None;
    }
    let mut text = format!(
        "a store of HDS format version {version}; this build of drm-sim reads and writes format \
         version {} only (drm-hds/FORMAT.md), so its contents are not shown",
        layout::FORMAT_VERSION
    );
    if version == 2 {
        let unit = le32(16)?;
        let log_g = u32::from(*h.get(7)?);
        let segments = u32::from(le16(20)?) + 1;
        let log_b = u32::from(le16(22)?);
        let _ = write!(
            text,
            "; its first segment header (FORMAT.md §17): erase unit {unit} bytes, segments of \
             {} bytes, {segments} segments, {} buckets, segment sequence {}, erase count {}",
            unit.checked_shl(log_g).unwrap_or(0),
            1u32.checked_shl(log_b).unwrap_or(0),
            le32(8)?,
            le32(12)?
        );
    }
    Some(text)
}

/// What is wrong with an image that cannot hold a store, before any key is needed.
fn check_image(file: &Path, image: &[u8]) -> Result<usize, CliError> {
    let fail = |why: String| CliError::fail(format!("{}: {why}", file.display()));
    if image.is_empty() {
        return Err(fail("empty (0 bytes): not an HDS flash image".to_owned()));
    }
    if image.iter().all(|b| *b == 0xFF) {
        return Err(fail(format!(
            "blank ({} bytes, every byte erased): no store has been formatted on it",
            image.len()
        )));
    }
    if let Some(other) = other_version(image) {
        return Err(fail(other));
    }
    page_size(image).ok_or_else(|| {
        fail(format!(
            "{} bytes with no store page header (magic \"{}\" at a 1 KiB boundary): not an HDS \
             image",
            image.len(),
            PAGE_MAGIC.escape_ascii()
        ))
    })
}

/// Runs the command.
pub fn run(file: &Path, device: Option<&Path>) -> Result<Report, CliError> {
    let image = read_image(file)?;
    let page = check_image(file, &image)?;
    let (device_dir, how) = match device {
        Some(d) => (d.to_path_buf(), "given with --device"),
        None => (
            file.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(|| Path::new("."))
                .join("device"),
            "guessed: the `device` directory beside the image; give another with --device DIR",
        ),
    };
    let identity = drm_target_host::identity::load(&device_dir).map_err(|e| {
        CliError::fail(format!(
            "{}: the store key comes from the device identity, and the device directory {} \
             ({how}) cannot be loaded: {e}",
            file.display(),
            device_dir.display()
        ))
    })?;
    let key = identity
        .derive_key(STORE_KEY_PURPOSE)
        .map_err(|e| CliError::fail(format!("cannot derive the store key: {e}")))?;
    let contents = match page {
        1024 => mount_and_inspect::<1024>(file, image, key),
        2048 => mount_and_inspect::<2048>(file, image, key),
        4096 => mount_and_inspect::<4096>(file, image, key),
        8192 => mount_and_inspect::<8192>(file, image, key),
        16384 => mount_and_inspect::<16384>(file, image, key),
        32768 => mount_and_inspect::<32768>(file, image, key),
        65536 => mount_and_inspect::<65536>(file, image, key),
        other => Err(CliError::fail(format!(
            "{}: page size {other} in the page header is not supported",
            file.display()
        ))),
    }?;
    let mut text = contents.text;
    let line = format!(
        "  store key:       from the device identity in {} ({how})\n",
        device_dir.display()
    );
    text.insert_str(text.find('\n').map_or(0, |i| i + 1), &line);
    let mut json = contents.json;
    if let Some(o) = json.as_object_mut() {
        o.insert(
            "device_dir".to_owned(),
            json!({ "path": device_dir.display().to_string(), "how": how }),
        );
    }
    Ok(Report {
        text,
        json,
        failure: None,
    })
}
