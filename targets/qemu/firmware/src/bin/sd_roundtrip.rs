//! License acquisition, key exchange and Secure Delete at run time against the host's simulated
//! servers over HTTP (`targets/qemu/scripts/sd-roundtrip` runs it; it is not in `run-suites`,
//! because it needs the host side). The host side (`drm-tests` example `sd_qemu_host`) carries
//! each of the firmware's challenges to the HTTP servers (POST with `SOAPAction`) and their
//! responses back, through semihosting files in QEMU's working directory:
//! 1. reads `sd_device.bin`, written by the host: the device's signing and encryption private
//!    keys (32 bytes each), the Secure Delete server's public key (64) and the device's
//!    certificate chain (the rest); and `la_server.bin`: the license server's public key (64)
//!    and the root its chain verifies to (64);
//! 2. streams a license acquisition challenge for two KIDs (drm-core's
//!    `acquire::write_challenge_to`) to `la_challenge.xml`; waits for the host's
//!    `la_response.xml`, processes it (the server's chain to the root, its signature, the
//!    nonce), verifies both licenses for this device and stores them with their session (the
//!    response's `ResponseID`) in one commit on the board's flash;
//! 3. uses the KeyExchangeLicense: Prepare (HMAC-SHA256 sign), Perform on [`KX_DATA`], Close;
//!    writes the tag to `kx_tag.bin` for the host to check with the server's side of the key;
//! 4. removes the session (`delete_licenses`: both licenses gone from the store), and streams
//!    the Secure Delete challenge both to the defmt log (printed) and to `sd_challenge.tmp`,
//!    renamed `sd_challenge.xml` when complete;
//! 5. waits for the host's `sd_response.xml`, checks that a copy with another SessionID is
//!    refused and changes nothing, after a simulated reboot generates the challenge again, then
//!    processes the response: the session's record is removed.
#![no_std]
#![no_main]

use drm_board::flash::BoardFlash;
use drm_board::harness::TestResult;
use drm_board::testing::{InsecureTestRng, TestClock};
use drm_board::{check, check_eq};

use drm_core::acquire::{self, ChallengeParams, PendingAcquisition};
use drm_core::secret::HmacKey;
use drm_core::xml::writer::{CountingSink, Sink};
use drm_core::{Kid, SessionId};
use drm_hds::{Config, Store, Transaction};
use drm_keyexchange::delivery::{Outcome, Report, add_puts, verify_all};
use drm_keyexchange::{HmacSign, KeySlot, prepare};
use drm_securedelete::session::{self, RECORD_MAX_LEN};
use drm_securedelete::{Error, LICENSES, SecureDelete, delete_licenses, process_response};
use semihosting::fs;

#[path = "../sd_host.rs"]
mod sd_host;

use sd_host::{Device, keys_only_identity, read_prefix, wait_for};

drm_board::suite!(acquire_use_and_securely_delete_over_the_host_servers);

/// The KIDs asked for: the host grants a KeyExchangeLicense (HMAC-SHA256, sign) for the first
/// and a content license for the second.
const KIDS: [Kid; 2] = [Kid::from_bytes([0x71; 16]), Kid::from_bytes([0x72; 16])];
/// What the key exchange key signs (the host checks the tag with the server's side of the key).
const KX_DATA: &[u8] = b"drm-kit qemu round trip: a key exchange key acquired at run time";
/// The device's time for the challenge and Prepare (seconds since 1970; the licenses have no
/// expiration).
const TIME: u64 = 1_700_000_000;
/// Largest Secure Delete response read.
const RESPONSE_MAX: usize = 768;
/// Largest license acquisition response read: the host's two licenses come in 3,713 bytes with
/// the test authority's 700-byte server chain. On the Cortex-M0 (12 KiB of stack) the buffer is
/// that and a little more: it is live during the signature check.
const LA_RESPONSE_MAX: usize = if cfg!(feature = "microbit") {
    3840
} else {
    6144
};
/// Room for the decoded licenses (the server's chain first, while it is checked: 700 bytes; then
/// the two licenses: 778).
const LICENSES_MAX: usize = if cfg!(feature = "microbit") {
    832
} else {
    2048
};
/// The challenge's work buffer: [`acquire::challenge_sizes`]' `work` (1,232 bytes for a 780-byte
/// chain; the device file's chain is at most 896 bytes).
const WORK_MAX: usize = 1408;
/// Pages of the store: the board's whole flash.
const PAGES: usize = drm_board::flash::SECTORS;

type Hds = Store<BoardFlash, drm_hds::NoCounter, PAGES>;

fn store_key() -> HmacKey {
    HmacKey::from_bytes([0x3C; 32])
}

/// A sink that sends a challenge to a semihosting file and (when `log`) to the defmt log, in
/// pieces of up to 96 bytes.
struct FileAndLog {
    file: fs::File,
    buf: [u8; 96],
    /// Bytes in `buf`.
    filled: usize,
    total: usize,
    log: bool,
}

impl FileAndLog {
    fn new(file: fs::File, log: bool) -> Self {
        Self {
            file,
            buf: [0; 96],
            filled: 0,
            total: 0,
            log,
        }
    }

    fn flush(&mut self) -> drm_core::Result<()> {
        let piece = self
            .buf
            .get(..self.filled)
            .ok_or(drm_core::Error::LogicBug)?;
        if self.log {
            let text = core::str::from_utf8(piece).map_err(|_| drm_core::Error::LogicBug)?;
            defmt::println!("challenge: {=str}", text);
        }
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

fn acquire_use_and_securely_delete_over_the_host_servers() -> TestResult {
    // Each step in a stack frame of its own, called one after the other from here: on the
    // Cortex-M0 board (12 KiB of stack) the store's commits must not run below the device
    // buffer, nor the signing below a response buffer, and the store (1 KiB) is not live while
    // the license response is checked.
    drm_board::stack::paint();
    peak("the test's own frame");
    let pending = send_acquisition_challenge()?;
    peak("acquisition challenge (write_challenge_to)");
    let session = acquire_and_store(&pending)?;
    use_and_securely_delete(&session)
}

/// The licenses from the store as the flash holds them: the key exchange, then the session's
/// Secure Delete.
#[inline(never)]
fn use_and_securely_delete(session: &SessionId) -> TestResult {
    let mut store = remount()?;
    key_exchange(&mut store)?;
    peak("key exchange (Prepare, Perform, Close)");
    remove(&mut store, session)?;
    peak("delete_licenses");
    let len = send_challenge(&mut store, session)?;
    // After a reboot the session is still pending and its challenge can be generated again.
    drop(store);
    let mut store = remount()?;
    regenerate_challenge(&mut store, session, len)?;
    process_the_hosts_response(&mut store, session, len)
}

/// Streams the license acquisition challenge for [`KIDS`] to `la_challenge.xml` (not held
/// whole: on the Cortex-M0 the challenge's 4 KiB would not fit beside the signing).
#[inline(never)]
fn send_acquisition_challenge() -> Result<PendingAcquisition, &'static str> {
    let server = read_prefix::<128>(c"la_server.bin")?;
    let license_server_key: [u8; 64] = server
        .get(..64)
        .ok_or("la_server.bin")?
        .try_into()
        .map_err(|_| "la_server.bin")?;
    let device = Device::read()?;
    let (identity, _) = device.identity()?;
    let params = ChallengeParams::new(&KIDS, &license_server_key, TIME);
    let mut rng = InsecureTestRng::seeded(5);
    let mut work = [0u8; WORK_MAX];
    let file = fs::File::create(c"la_challenge.tmp").map_err(|_| "create")?;
    let mut sink = FileAndLog::new(file, false);
    let pending = acquire::write_challenge_to(&params, &identity, &mut rng, &mut work, &mut sink)
        .map_err(|_| "write_challenge_to")?;
    sink.flush().map_err(|_| "flush")?;
    let len = sink.total;
    drop(sink);
    fs::rename(c"la_challenge.tmp", c"la_challenge.xml").map_err(|_| "rename")?;
    defmt::println!(
        "license acquisition challenge of {=usize} bytes written (2 KIDs, streamed)",
        len
    );
    Ok(pending)
}

/// Receives the licenses, verifies them and stores them with their session on a freshly
/// formatted store; returns the session. The licenses' buffer lives in this frame only (not
/// beside the Secure Delete challenge).
#[inline(never)]
fn acquire_and_store(pending: &PendingAcquisition) -> Result<SessionId, &'static str> {
    let mut licenses = [0u8; LICENSES_MAX];
    let received = receive_licenses(pending, &mut licenses)?;
    peak("acquisition response (process_response)");
    let mut report = Report::<2>::new();
    verify_licenses(&received, &licenses, &mut report)?;
    peak("license verification (verify_all)");
    store_licenses(&received, &licenses, &report)?;
    peak("store format, licenses and session (one commit)");
    Ok(received.session)
}

/// What the acquisition brought: the licenses' ends in the caller's buffer and their session.
struct Received {
    ends: [usize; 2],
    session: SessionId,
}

impl Received {
    fn licenses<'b>(&self, buf: &'b [u8]) -> impl Iterator<Item = &'b [u8]> + Clone {
        let [first, second] = self.ends;
        [buf.get(..first), buf.get(first..second)]
            .into_iter()
            .flatten()
    }
}

/// Waits for the host's `la_response.xml` and processes it (the server's chain to the root,
/// the signature, the nonce); the two licenses are decoded into `licenses`.
#[inline(never)]
fn receive_licenses(
    pending: &PendingAcquisition,
    licenses: &mut [u8; LICENSES_MAX],
) -> Result<Received, &'static str> {
    let server = read_prefix::<128>(c"la_server.bin")?;
    let root: [u8; 64] = server
        .get(64..)
        .ok_or("la_server.bin")?
        .try_into()
        .map_err(|_| "la_server.bin")?;
    let mut buf = [0u8; LA_RESPONSE_MAX];
    let response = wait_for(c"la_response.xml", &mut buf)?;
    let got = acquire::process_response(response, pending, &root, None, licenses)
        .map_err(|_| "the acquisition response was refused")?;
    check_eq!(got.len(), 2);
    let session = got.response_id().ok_or("no ResponseID")?;
    let first = got.get(0).ok_or("license 0")?.len();
    let second = got.get(1).ok_or("license 1")?.len();
    defmt::println!(
        "licenses acquired over HTTP: 2 licenses ({=usize} and {=usize} bytes) in a response of {=usize} bytes, its server chain and signature verified",
        first,
        second,
        response.len()
    );
    Ok(Received {
        ends: [first, first + second],
        session,
    })
}

/// A fresh store on the board's whole flash.
#[inline(never)]
fn formatted() -> Result<Hds, &'static str> {
    Store::format(BoardFlash::erased(), store_key(), Config::new()).map_err(|_| "format")
}

/// Verifies both licenses for this device (before the transaction exists: its frame is not live
/// beside the verification's).
#[inline(never)]
fn verify_licenses(received: &Received, licenses: &[u8], report: &mut Report<2>) -> TestResult {
    let identity = keys_only_identity()?;
    verify_all(&identity, received.licenses(licenses), report).map_err(|_| "verify_all")?;
    for (r, kid) in report.iter().zip(KIDS.iter()) {
        check!(r.outcome == Outcome::Stored, "a license was refused");
        check_eq!(&r.kid, kid);
    }
    check!(report.iter().next().is_some_and(|r| r.key_exchange));
    Ok(())
}

/// Formats the store and stores the verified licenses with their session record in one commit.
#[inline(never)]
fn store_licenses(received: &Received, licenses: &[u8], report: &Report<2>) -> TestResult {
    let mut store = formatted()?;
    let store = &mut store;
    let mut txn = Transaction::new();
    add_puts(received.licenses(licenses), report, &mut txn).map_err(|_| "add_puts")?;
    let mut record = [0u8; RECORD_MAX_LEN];
    session::stage_kids(store, &mut txn, &received.session, &KIDS, &mut record)
        .map_err(|_| "stage")?;
    store.commit(&txn).map_err(|_| "commit")?;
    defmt::println!("both licenses verified and stored with their session (one commit)");
    Ok(())
}

/// Prepare (HMAC-SHA256 sign) with the KeyExchangeLicense from the store, Perform on
/// [`KX_DATA`], Close; the tag goes to `kx_tag.bin` for the host.
#[inline(never)]
fn key_exchange(store: &mut Hds) -> TestResult {
    let identity = keys_only_identity()?;
    let clock = TestClock::new(Some(TIME));
    let mut slot = KeySlot::new();
    let kid = KIDS.first().ok_or("kid")?;
    let ctx = prepare::<HmacSign, _, _, PAGES, _, _, _>(&mut slot, store, &identity, &clock, kid)
        .map_err(|_| "prepare")?;
    let tag = ctx.sign(KX_DATA).map_err(|_| "perform")?;
    ctx.close();
    check!(slot.is_clear(), "slot clear after Close");
    let mut file = fs::File::create(c"kx_tag.tmp").map_err(|_| "create")?;
    semihosting::io::Write::write_all(&mut file, &tag).map_err(|_| "write")?;
    drop(file);
    fs::rename(c"kx_tag.tmp", c"kx_tag.bin").map_err(|_| "rename")?;
    defmt::println!(
        "key exchange: Prepare, Perform (HMAC-SHA256 sign of {=usize} bytes), Close; tag written for the server's check",
        KX_DATA.len()
    );
    Ok(())
}

/// Removes the session: both licenses leave the store.
#[inline(never)]
fn remove(store: &mut Hds, session: &SessionId) -> TestResult {
    delete_licenses(store, session).map_err(|_| "delete_licenses")?;
    for kid in &KIDS {
        let mut found = false;
        store
            .for_each(&LICENSES, Some(kid.as_bytes()), |k1, _, _| {
                found |= k1 == kid.as_bytes();
                core::ops::ControlFlow::Continue(())
            })
            .map_err(|_| "for_each")?;
        check!(!found, "a license of the session is still in the store");
    }
    Ok(())
}

/// The store as the flash holds it (a simulated reboot).
#[inline(never)]
fn remount() -> Result<Hds, &'static str> {
    Store::mount(BoardFlash::reopen(), store_key(), Config::new()).map_err(|_| "mount")
}

/// Streams the challenge of the removed session to the host (file) and the log; its length must
/// be the one announced. Returns the length.
#[inline(never)]
fn send_challenge(store: &mut Hds, session: &SessionId) -> Result<usize, &'static str> {
    let device = Device::read()?;
    let (identity, server_key) = device.identity()?;
    peak("SoftwareIdentity::new");
    let sd = SecureDelete::new(&identity)
        .with_server_key(server_key)
        .map_err(|_| "server key is not a point")?;
    let mut rng = InsecureTestRng::seeded(7);
    let len = sd.challenge_len(store, session).map_err(|_| "len")?;
    peak("challenge_len");
    let file = fs::File::create(c"sd_challenge.tmp").map_err(|_| "create")?;
    let mut sink = sd
        .write_challenge(store, &mut rng, session, FileAndLog::new(file, true))
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
fn regenerate_challenge(store: &mut Hds, session: &SessionId, len: usize) -> TestResult {
    let device = Device::read()?;
    let (identity, server_key) = device.identity()?;
    let sd = SecureDelete::new(&identity)
        .with_server_key(server_key)
        .map_err(|_| "server key is not a point")?;
    let mut rng = InsecureTestRng::seeded(8);
    let again = sd
        .write_challenge(store, &mut rng, session, CountingSink::new())
        .map_err(|_| "again")?;
    check_eq!(again.len(), len);
    Ok(())
}

/// Waits for the host's response; a copy with another SessionID is refused and changes nothing;
/// the response removes the record. Needs no device identity (a response is not signed).
#[inline(never)]
fn process_the_hosts_response(
    store: &mut Hds,
    session: &SessionId,
    challenge_len: usize,
) -> TestResult {
    let mut pending = [SessionId::NIL; 2];
    check_eq!(session::pending_sessions(store, &mut pending), Ok(1));
    check_eq!(pending.first(), Some(session));

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
    check_eq!(process_response(store, response), Ok(*session));
    check_eq!(session::pending_sessions(store, &mut pending), Ok(0));
    check!(session::load(store, session).map_err(|_| "load")?.is_none());
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
