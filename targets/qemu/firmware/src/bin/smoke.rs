//! Smoke suite: the board's flash behaves like NOR flash, and drm-core's SHA-256 and
//! HMAC-SHA256 match published vectors (FIPS 180-2 appendix B, RFC 4231) on the target.
#![no_std]
#![no_main]

use drm_board::flash::{BoardFlash, CAPACITY, ERASE_SIZE, SECTORS, WRITE_SIZE};
use drm_board::harness::TestResult;
use drm_board::testing::{InsecureTestRng, TestClock, hex};
use drm_board::{check, check_eq};
use drm_core::crypto::{HmacSha256, Sha256, sha256};
use drm_core::platform::{Clock, Rng};
use embedded_storage::nor_flash::{NorFlash, NorFlashErrorKind, ReadNorFlash};

drm_board::suite!(
    flash_geometry,
    flash_erase_write_read,
    flash_writes_only_clear_bits,
    flash_rejects_bad_ranges,
    flash_power_cut_changes_nothing,
    flash_reopen_keeps_contents,
    sha256_fips180_vectors,
    sha256_million_a,
    hmac_sha256_rfc4231,
    test_rng_is_deterministic,
    test_clock,
);

fn flash_geometry() -> TestResult {
    let flash = BoardFlash::erased();
    check_eq!(flash.capacity(), CAPACITY);
    check_eq!(<BoardFlash as NorFlash>::ERASE_SIZE, ERASE_SIZE);
    check_eq!(<BoardFlash as NorFlash>::WRITE_SIZE, WRITE_SIZE);
    check!(SECTORS >= 8, "at least eight sectors");
    Ok(())
}

fn flash_erase_write_read() -> TestResult {
    let mut flash = BoardFlash::erased();
    let mut buf = [0u8; 16];
    let last = (CAPACITY - ERASE_SIZE) as u32;
    flash.read(last, &mut buf).map_err(|_| "read")?;
    check_eq!(buf, [0xFF; 16]);
    flash
        .write(last + 4, &[1, 2, 3, 4, 5, 6, 7, 8])
        .map_err(|_| "write")?;
    flash.read(last, &mut buf).map_err(|_| "read")?;
    check_eq!(
        buf,
        [
            0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 0xFF, 0xFF, 0xFF
        ]
    );
    check_eq!(flash.write_count(), 1);
    flash.erase(last, CAPACITY as u32).map_err(|_| "erase")?;
    flash.read(last, &mut buf).map_err(|_| "read")?;
    check_eq!(buf, [0xFF; 16]);
    check_eq!(flash.erase_count(SECTORS - 1), 1);
    check_eq!(flash.erase_count(0), 0);
    Ok(())
}

fn flash_writes_only_clear_bits() -> TestResult {
    let mut flash = BoardFlash::erased();
    flash
        .write(8, &[0xF0, 0xFF, 0x0F, 0xAA])
        .map_err(|_| "write")?;
    // A second write to the same word ANDs (MultiwriteNorFlash).
    flash
        .write(8, &[0x3C, 0x00, 0xFF, 0xFF])
        .map_err(|_| "rewrite")?;
    let mut buf = [0u8; 4];
    flash.read(8, &mut buf).map_err(|_| "read")?;
    check_eq!(buf, [0x30, 0x00, 0x0F, 0xAA]);
    Ok(())
}

fn flash_rejects_bad_ranges() -> TestResult {
    let mut flash = BoardFlash::erased();
    check_eq!(flash.write(2, &[0; 4]), Err(NorFlashErrorKind::NotAligned));
    check_eq!(flash.write(4, &[0; 3]), Err(NorFlashErrorKind::NotAligned));
    check_eq!(
        flash.write(CAPACITY as u32, &[0; 4]),
        Err(NorFlashErrorKind::OutOfBounds)
    );
    check_eq!(
        flash.erase(1, ERASE_SIZE as u32),
        Err(NorFlashErrorKind::NotAligned)
    );
    check_eq!(
        flash.erase(0, (CAPACITY + ERASE_SIZE) as u32),
        Err(NorFlashErrorKind::OutOfBounds)
    );
    let mut buf = [0u8; 2];
    check_eq!(
        flash.read(CAPACITY as u32 - 1, &mut buf),
        Err(NorFlashErrorKind::OutOfBounds)
    );
    // Nothing was written or erased.
    check_eq!(flash.write_count(), 0);
    check_eq!(flash.erase_count(0), 0);
    flash.read(0, &mut buf).map_err(|_| "read")?;
    check_eq!(buf, [0xFF; 2]);
    Ok(())
}

fn flash_power_cut_changes_nothing() -> TestResult {
    let mut flash = BoardFlash::erased();
    flash.fail_after(Some(1));
    flash.write(0, &[0; 4]).map_err(|_| "first write")?;
    check_eq!(flash.write(4, &[0; 4]), Err(NorFlashErrorKind::Other));
    check_eq!(
        flash.erase(0, ERASE_SIZE as u32),
        Err(NorFlashErrorKind::Other)
    );
    let mut buf = [0u8; 8];
    flash.read(0, &mut buf).map_err(|_| "read")?;
    check_eq!(buf, [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]);
    flash.fail_after(None);
    flash
        .write(4, &[0; 4])
        .map_err(|_| "write after the limit is lifted")?;
    Ok(())
}

fn flash_reopen_keeps_contents() -> TestResult {
    {
        let mut flash = BoardFlash::erased();
        flash
            .write(ERASE_SIZE as u32, b"boot")
            .map_err(|_| "write")?;
        flash.fail_after(Some(0));
    } // "Power off": the handle is gone, the contents stay.
    let mut flash = BoardFlash::reopen();
    let mut buf = [0u8; 4];
    flash
        .read(ERASE_SIZE as u32, &mut buf)
        .map_err(|_| "read")?;
    check_eq!(&buf, b"boot");
    flash
        .write(0, &[0; 4])
        .map_err(|_| "reopen lifts the power cut")?;
    Ok(())
}

fn sha256_fips180_vectors() -> TestResult {
    const ABC: [u8; 32] = hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const TWO_BLOCK: [u8; 32] =
        hex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const EMPTY: [u8; 32] = hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_eq!(sha256(b"abc"), ABC);
    check_eq!(sha256(b""), EMPTY);
    check_eq!(
        sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        TWO_BLOCK
    );
    Ok(())
}

fn sha256_million_a() -> TestResult {
    const MILLION_A: [u8; 32] =
        hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    let mut h = Sha256::new();
    let block = [b'a'; 1000];
    for _ in 0..1000 {
        h.update(&block);
    }
    check_eq!(h.finalize(), MILLION_A);
    Ok(())
}

fn hmac_sha256_rfc4231() -> TestResult {
    // RFC 4231 test case 2.
    const TAG: [u8; 32] = hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    let mut mac = HmacSha256::new_from_slice(b"Jefe").map_err(|_| "key")?;
    mac.update(b"what do ya want ");
    mac.update(b"for nothing?");
    check_eq!(mac.clone().finalize(), TAG);
    mac.verify(&TAG).map_err(|_| "verify")?;
    Ok(())
}

fn test_rng_is_deterministic() -> TestResult {
    let (mut a, mut b, mut c) = (
        InsecureTestRng::seeded(7),
        InsecureTestRng::seeded(7),
        InsecureTestRng::seeded(8),
    );
    let (mut x, mut y, mut z) = ([0u8; 50], [0u8; 50], [0u8; 50]);
    a.fill_bytes(&mut x);
    b.fill_bytes(&mut y);
    c.fill_bytes(&mut z);
    check_eq!(x, y);
    check!(x != z, "different seeds give different streams");
    check!(a.next_u64() != a.next_u64(), "the stream moves on");
    // The stream is the host's, byte for byte (computed outside the kit, drm-core's test_rng).
    check_eq!(x.get(..40), Some(&drm_core::test_rng::SEED_7_PREFIX[..]));
    Ok(())
}

fn test_clock() -> TestResult {
    let clock = TestClock::new(None);
    check_eq!(clock.now(), None);
    clock.advance(5);
    check_eq!(clock.now(), None);
    clock.set(Some(1_700_000_000));
    clock.advance(60);
    check_eq!(clock.now(), Some(1_700_000_060));
    Ok(())
}
