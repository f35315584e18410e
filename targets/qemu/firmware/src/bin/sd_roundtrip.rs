//! Secure Delete round trip with the host's simulated server (`targets/qemu/scripts/sd-roundtrip`
//! runs it; it is not in `run-suites`, because it needs the host side).
//!
//! Over semihosting files in QEMU's working directory:
//! 1. reads `sd_device.bin`, written by the host (`drm-tests` example `sd_qemu_host`): the
//!    device's signing and encryption private keys (32 bytes each), the Secure Delete server's
//!    public key (64) and the device's certificate chain (the rest);
//! 2. stores a session with two licenses on the board's flash, removes it
//!    (`SecureDelete::delete_licenses`), and streams the challenge (`SecureDelete::write_challenge`)
//!    both to the defmt log (printed) and to `sd_challenge.tmp`, renamed `sd_challenge.xml` when
//!    complete;
//! 3. waits for the host's `sd_response.xml`, checks that a copy with another SessionID is refused
//!    and changes nothing, after a simulated reboot generates the challenge again, then processes
//!    the response: the session's record is removed.
#![no_std]
#![no_main]

use drm_board::flash::BoardFlash;
use drm_board::harness::TestResult;
use drm_board::testing::InsecureTestRng;
use drm_board::{check, check_eq};

use drm_core::secret::HmacKey;
use drm_core::xml::writer::{CountingSink, Sink};
use drm_core::{Kid, Lid, SessionId};
use drm_hds::{Config, Store, Transaction};
use drm_securedelete::session::{self, RECORD_MAX_LEN};
use drm_securedelete::{Error, LICENSES, SecureDelete, delete_licenses, process_response};
use semihosting::fs;

#[path = "../sd_host.rs"]
mod sd_host;

use sd_host::{Device, wait_for};

drm_board::suite!(challenge_roundtrip_with_the_host_server);

/// The session removed (the host knows it too).
const SESSION: SessionId = SessionId::from_bytes([0x5D; 16]);
/// Largest response read.
const RESPONSE_MAX: usize = 768;
/// Pages of the store: the board's whole flash.
const PAGES: usize = drm_board::flash::SECTORS;

type Hds = Store<BoardFlash, drm_hds::NoCounter, PAGES>;

fn store_key() -> HmacKey {
    HmacKey::from_bytes([0x3C; 32])
}

/// A sink that sends the challenge to a semihosting file and to the defmt log, in pieces of up
/// to 96 bytes.
struct FileAndLog {
    file: fs::File,
    buf: [u8; 96],
    /// Bytes in `buf`.
    filled: usize,
    total: usize,
}

impl FileAndLog {
    fn flush(&mut self) -> drm_core::Result<()> {
        let piece = self
            .buf
            .get(..self.filled)
            .ok_or(drm_core::Error::LogicBug)?;
        let text = core::str::from_utf8(piece).map_err(|_| drm_core::Error::LogicBug)?;
        defmt::println!("challenge: {=str}", text);
        semihosting::io::Write::write_all(&mut self.file, piece)
            .map_err(|_| drm_core::Error::Platform)?;
        self.filled = 0;
        Ok(())
    }
}

impl Sink for FileAndLog {
    fn write(&mut self, bytes: &[u8]) -> drm_core::Result<()> {
        for b in bytes {
            if self.filled == self.buf.len() {
                self.flush()?;
            }
            *self
                .buf
                .get_mut(self.filled)
                .ok_or(drm_core::Error::LogicBug)? = *b;
            self.filled += 1;
        }
        self.total += bytes.len();
        Ok(())
    }
    fn len(&self) -> usize {
        self.total
    }
}

fn challenge_roundtrip_with_the_host_server() -> TestResult {
    // Each step in a stack frame of its own, called one after the other from here: on the
    // Cortex-M0 board (12 KiB of stack) the store's commits must not run below the device
    // buffer, nor the signing below the response buffer.
    drm_board::stack::paint();
    peak("the test's own frame");
    let mut store = stored_session()?;
    peak("stored_session (format, commit)");
    remove(&mut store)?;
    peak("delete_licenses");
    let len = send_challenge(&mut store)?;
    // After a reboot the session is still pending and its challenge can be generated again.
    drop(store);
    let mut store = remount()?;
    regenerate_challenge(&mut store, len)?;
    process_the_hosts_response(&mut store, len)
}

#[inline(never)]
fn remove(store: &mut Hds) -> TestResult {
    delete_licenses(store, &SESSION).map_err(|_| "delete_licenses")
}

/// The store as the flash holds it (a simulated reboot).
#[inline(never)]
fn remount() -> Result<Hds, &'static str> {
    Store::mount(BoardFlash::reopen(), store_key(), Config::new()).map_err(|_| "mount")
}

/// Streams the challenge of the removed session to the host (file) and the log; its length must
/// be the one announced. Returns the length.
#[inline(never)]
fn send_challenge(store: &mut Hds) -> Result<usize, &'static str> {
    let device = Device::read()?;
    let (identity, server_key) = device.identity()?;
    peak("SoftwareIdentity::new");
    let sd = SecureDelete::new(&identity)
        .with_server_key(server_key)
        .map_err(|_| "server key is not a point")?;
    let mut rng = InsecureTestRng::seeded(7);
    let len = sd.challenge_len(store, &SESSION).map_err(|_| "len")?;
    peak("challenge_len");
    let file = fs::File::create(c"sd_challenge.tmp").map_err(|_| "create")?;
    let mut sink = sd
        .write_challenge(
            store,
            &mut rng,
            &SESSION,
            FileAndLog {
                file,
                buf: [0; 96],
                filled: 0,
                total: 0,
            },
        )
        .map_err(|_| "write_challenge")?;
    peak("write_challenge");
    sink.flush().map_err(|_| "flush")?;
    check_eq!(sink.total, len);
    drop(sink);
    fs::rename(c"sd_challenge.tmp", c"sd_challenge.xml").map_err(|_| "rename")?;
    defmt::println!("challenge of {=usize} bytes written", len);
    Ok(len)
}

/// Generates the challenge again (not sent) and checks its length.
#[inline(never)]
fn regenerate_challenge(store: &mut Hds, len: usize) -> TestResult {
    let device = Device::read()?;
    let (identity, server_key) = device.identity()?;
    let sd = SecureDelete::new(&identity)
        .with_server_key(server_key)
        .map_err(|_| "server key is not a point")?;
    let mut rng = InsecureTestRng::seeded(8);
    let again = sd
        .write_challenge(store, &mut rng, &SESSION, CountingSink::new())
        .map_err(|_| "again")?;
    check_eq!(again.len(), len);
    Ok(())
}

/// A fresh store holding the session with its two licenses (in a frame of its own: the
/// transaction is large).
#[inline(never)]
fn stored_session() -> Result<Hds, &'static str> {
    let mut store: Hds =
        Store::format(BoardFlash::erased(), store_key(), Config::new()).map_err(|_| "format")?;
    let kids = [Kid::from_bytes([0x71; 16]), Kid::from_bytes([0x72; 16])];
    let mut record = [0u8; RECORD_MAX_LEN];
    let mut txn = Transaction::new();
    for (i, kid) in kids.iter().enumerate() {
        let lid = Lid::from_bytes([0x80 + i as u8; 16]);
        txn.put(&LICENSES, kid.as_bytes(), lid.as_bytes(), b"a license")
            .map_err(|_| "txn")?;
    }
    session::stage_kids(&mut store, &mut txn, &SESSION, &kids, &mut record).map_err(|_| "stage")?;
    store.commit(&txn).map_err(|_| "commit")?;
    Ok(store)
}

/// Waits for the host's response; a copy with another SessionID is refused and changes nothing;
/// the response removes the record. Needs no device identity (a response is not signed).
#[inline(never)]
fn process_the_hosts_response(store: &mut Hds, challenge_len: usize) -> TestResult {
    let mut pending = [SessionId::NIL; 2];
    check_eq!(session::pending_sessions(store, &mut pending), Ok(1));
    check_eq!(pending.first(), Some(&SESSION));

    let mut buf = [0u8; RESPONSE_MAX];
    let response = wait_for(c"sd_response.xml", &mut buf)?;
    let len = response.len();
    let at = response
        .windows(11)
        .position(|w| w == b"<SessionID>")
        .ok_or("no SessionID")?
        + 11;
    let byte = buf.get_mut(at).ok_or("short")?;
    let original = *byte;
    *byte = if original == b'A' { b'B' } else { b'A' };
    let response = buf.get(..len).ok_or("len")?;
    check_eq!(
        process_response(store, response),
        Err(Error::InvalidResponse)
    );
    check_eq!(session::pending_sessions(store, &mut pending), Ok(1));

    let byte = buf.get_mut(at).ok_or("short")?;
    *byte = original;
    let response = buf.get(..len).ok_or("len")?;
    check_eq!(process_response(store, response), Ok(SESSION));
    check_eq!(session::pending_sessions(store, &mut pending), Ok(0));
    check!(
        session::load(store, &SESSION)
            .map_err(|_| "load")?
            .is_none()
    );
    defmt::println!(
        "response processed (challenge was {=usize} bytes)",
        challenge_len
    );
    Ok(())
}

/// Prints the deepest stack use (from the top of the stack) since the last paint, naming the step
/// (stack use is what kept this round trip off the Cortex-M0 board when its stack was 7 KiB, see
/// `targets/qemu/scripts/sd-roundtrip`).
fn peak(what: &str) {
    defmt::println!(
        "stack peak of {=str}: {=u32} bytes",
        what,
        drm_board::stack::peak()
    );
}
