//! drm-hds suite: put/get/delete/remount on the board's flash, a transaction cut by a power
//! loss after every number of writes and erases (all-old or all-new after the reboot), secure
//! erase checked by reading the whole flash, a tampered record refused, and the anti-rollback
//! clock across a reboot; and the stack each store operation uses on this board.
#![no_std]
#![no_main]

use drm_board::flash::{BoardFlash, CAPACITY, SECTORS};
use drm_board::harness::TestResult;
use drm_board::stack;
use drm_board::testing::TestClock;
use drm_board::{check, check_eq};
use drm_core::secret::HmacKey;
use drm_hds::{Config, Error, Namespace, NoCounter, Store, Transaction};
use drm_keyexchange::{AntiRollbackClock, ClockStatus};
use embedded_storage::nor_flash::{NorFlash, ReadNorFlash};

drm_board::suite!(
    put_get_delete_remount,
    transaction_is_atomic_at_every_power_cut,
    deleted_data_is_not_on_the_flash,
    tampered_record_is_refused,
    anti_rollback_clock_survives_reboot,
    stack_use_of_store_operations,
);

type Hds = Store<BoardFlash, NoCounter, SECTORS>;

const NS: Namespace = Namespace::from_name(b"drm/licenses");
const SESS: Namespace = Namespace::from_name(b"sessions");

fn key() -> HmacKey {
    HmacKey::from_bytes([0x4B; 32])
}

fn format() -> Result<Hds, &'static str> {
    Store::format(BoardFlash::erased(), key(), Config::new()).map_err(|_| "format")
}

fn remount() -> Result<Hds, &'static str> {
    Store::mount(BoardFlash::reopen(), key(), Config::new()).map_err(|_| "mount")
}

fn put_get_delete_remount() -> TestResult {
    let mut s = format()?;
    let mut buf = [0u8; 64];
    check_eq!(
        s.get(&NS, &[1; 16], &[2; 16], &mut buf),
        Err(Error::NotFound)
    );
    s.put(&NS, &[1; 16], &[2; 16], b"license one")
        .map_err(|_| "put")?;
    s.put(&NS, &[1; 16], &[3; 16], b"license two")
        .map_err(|_| "put")?;
    s.put(&NS, &[1; 16], &[2; 16], b"license 1b")
        .map_err(|_| "replace")?;
    s.delete(&NS, &[1; 16], &[3; 16]).map_err(|_| "delete")?;
    check_eq!(s.get(&NS, &[1; 16], &[2; 16], &mut buf), Ok(10));
    check_eq!(&buf[..10], b"license 1b");
    let _ = s.release(); // power off
    let mut s = remount()?;
    check_eq!(s.get(&NS, &[1; 16], &[2; 16], &mut buf), Ok(10));
    check_eq!(&buf[..10], b"license 1b");
    check_eq!(
        s.get(&NS, &[1; 16], &[3; 16], &mut buf),
        Err(Error::NotFound)
    );
    let mut n = 0;
    s.for_each(&NS, Some(&[1; 16]), |_, k2, len| {
        n += usize::from(*k2 == [2; 16] && len == 10);
        core::ops::ControlFlow::Continue(())
    })
    .map_err(|_| "walk")?;
    check_eq!(n, 1);
    Ok(())
}

/// The state after the reboot: (A present, B present, session present).
fn state(s: &mut Hds) -> Result<(bool, bool, bool), &'static str> {
    let a = s.contains(&NS, &[0xA; 16], &[0; 16]).map_err(|_| "A")?;
    let b = s.contains(&NS, &[0xB; 16], &[0; 16]).map_err(|_| "B")?;
    let c = s
        .contains(&SESS, &[0xC; 16], &[0; 16])
        .map_err(|_| "session")?;
    Ok((a, b, c))
}

fn transaction_is_atomic_at_every_power_cut() -> TestResult {
    for n in 0..400u32 {
        let mut s = format()?;
        s.put(&NS, &[0xA; 16], &[0; 16], &[0xAA; 40])
            .map_err(|_| "A")?;
        s.put(&NS, &[0xB; 16], &[0; 16], &[0xBB; 40])
            .map_err(|_| "B")?;
        let mut flash = s.release();
        flash.fail_after(Some(n));
        let mut s: Hds = Store::mount(flash, key(), Config::new()).map_err(|_| "mount")?;
        // Secure Delete's step: delete the licenses and mark the session pending, at once.
        let mut t = Transaction::<3>::with_capacity();
        t.delete(&NS, &[0xA; 16], &[0; 16]).map_err(|_| "txn")?;
        t.delete(&NS, &[0xB; 16], &[0; 16]).map_err(|_| "txn")?;
        t.put(&SESS, &[0xC; 16], &[0; 16], b"pending")
            .map_err(|_| "txn")?;
        let acked = s.commit(&t).is_ok();
        let _ = s.release();
        let mut s = remount()?;
        let st = state(&mut s)?;
        check!(
            st == (false, false, true) || (!acked && st == (true, true, false)),
            "neither all-old nor all-new"
        );
        s.put(&NS, &[0xD; 16], &[0; 16], b"next")
            .map_err(|_| "next op")?;
        if acked {
            defmt::info!("transaction: {} power cuts tried, all atomic", n);
            return Ok(());
        }
    }
    Err("the transaction never completed")
}

fn deleted_data_is_not_on_the_flash() -> TestResult {
    let secret = *b"content key 0123456789abcdef!!";
    let mut s: Hds =
        Store::format_multiwrite(BoardFlash::erased(), key(), Config::new()).map_err(|_| "fmt")?;
    s.put(&NS, &[5; 16], &[5; 16], &secret).map_err(|_| "put")?;
    s.put(&NS, &[6; 16], &[6; 16], b"stays")
        .map_err(|_| "put")?;
    check!(
        flash_has(&mut s.release(), &secret)?,
        "written data is found"
    );
    let mut s: Hds =
        Store::mount_multiwrite(BoardFlash::reopen(), key(), Config::new()).map_err(|_| "mount")?;
    s.delete(&NS, &[5; 16], &[5; 16]).map_err(|_| "delete")?;
    check!(
        !flash_has(&mut s.release(), &secret)?,
        "deleted data is gone"
    );
    Ok(())
}

/// True when a 12-byte window of `needle` is anywhere on the flash.
fn flash_has(flash: &mut BoardFlash, needle: &[u8]) -> Result<bool, &'static str> {
    let mut page = [0u8; 256];
    let mut at = 0usize;
    while at < CAPACITY {
        // Overlap pages by 11 bytes so that no window is missed.
        let start = at.saturating_sub(11);
        let len = page.len().min(CAPACITY - start);
        let buf = page.get_mut(..len).ok_or("len")?;
        flash.read(start as u32, buf).map_err(|_| "read")?;
        if needle.windows(12).any(|w| buf.windows(12).any(|x| x == w)) {
            return Ok(true);
        }
        at = start + len;
    }
    Ok(false)
}

fn tampered_record_is_refused() -> TestResult {
    let mut s = format()?;
    let data = *b"authenticated payload bytes";
    s.put(&NS, &[7; 16], &[7; 16], &data).map_err(|_| "put")?;
    let mut flash = s.release();
    // Find the payload and clear one bit of it (NOR writes can clear bits anywhere).
    let mut page = [0u8; 256];
    let mut found = None;
    let mut at = 0usize;
    while at < CAPACITY && found.is_none() {
        let buf = page.get_mut(..256.min(CAPACITY - at)).ok_or("len")?;
        flash.read(at as u32, buf).map_err(|_| "read")?;
        found = buf
            .windows(data.len())
            .position(|w| w == data)
            .map(|p| at + p);
        at += 128;
    }
    let pos = found.ok_or("payload not found")?;
    let word = pos - pos % 4;
    let mut w = [0u8; 4];
    flash.read(word as u32, &mut w).map_err(|_| "read")?;
    *w.get_mut(pos % 4).ok_or("byte")? &= 0xFE;
    flash.write(word as u32, &w).map_err(|_| "tamper")?;
    let mut s: Hds = Store::mount(flash, key(), Config::new()).map_err(|_| "mount")?;
    let mut buf = [0u8; 64];
    check_eq!(
        s.get(&NS, &[7; 16], &[7; 16], &mut buf),
        Err(Error::Integrity)
    );
    Ok(())
}

fn anti_rollback_clock_survives_reboot() -> TestResult {
    let arc = AntiRollbackClock::new(300, 3600);
    let clock = TestClock::new(Some(1_800_000_000));
    let mut s = format()?;
    check_eq!(
        arc.check(&mut s, &clock),
        Ok(ClockStatus::Trusted { now: 1_800_000_000 })
    );
    let _ = s.release();
    let mut s = remount()?;
    clock.set(Some(1_700_000_000));
    check!(matches!(
        arc.check(&mut s, &clock),
        Ok(ClockStatus::RolledBack { .. })
    ));
    let _ = s.release();
    let mut s = remount()?;
    clock.set(Some(1_800_000_100));
    check!(
        matches!(
            arc.check(&mut s, &clock),
            Ok(ClockStatus::RolledBack { .. })
        ),
        "rollback is remembered until a trusted time is set"
    );
    arc.set_trusted_time(&mut s, 1_800_000_100)
        .map_err(|_| "set")?;
    check_eq!(
        arc.check(&mut s, &clock),
        Ok(ClockStatus::Trusted { now: 1_800_000_100 })
    );
    Ok(())
}

/// Measures the stack below this test's frame that each store operation uses (paint the unused
/// stack, run the operation, find the deepest overwritten word), prints it, and checks that the
/// deepest stays 512 bytes clear of the stack's end.
fn stack_use_of_store_operations() -> TestResult {
    let base = stack::depth();
    defmt::println!("stack: test frame depth {=u32} bytes", base);
    let mut deepest = 0u32;
    let mut note = |what: &str, used: u32| {
        defmt::println!(
            "stack: {=str} uses {=u32} bytes below the test frame",
            what,
            used
        );
        deepest = deepest.max(used);
    };
    stack::paint();
    let mut s = format()?;
    note("format", stack::peak() - base);
    for i in 0..40u8 {
        s.put(&NS, &[i % 4; 16], &[i % 2; 16], &[i; 60])
            .map_err(|_| "put")?;
    }
    note(
        "put (with compactions and root moves)",
        stack::peak() - base,
    );
    let mut buf = [0u8; 200];
    s.get(&NS, &[1; 16], &[1; 16], &mut buf)
        .map_err(|_| "get")?;
    note("get", stack::peak() - base);
    s.delete(&NS, &[1; 16], &[1; 16]).map_err(|_| "delete")?;
    note(
        "delete (with secure-erase compaction)",
        stack::peak() - base,
    );
    let mut flash = s.release();
    flash.fail_after(Some(2));
    let mut s: Hds = Store::mount(flash, key(), Config::new()).map_err(|_| "mount")?;
    let _ = s.delete(&NS, &[2; 16], &[2; 16]);
    let _ = s.release();
    stack::paint();
    let s = remount()?;
    note("mount with recovery", stack::peak() - base);
    let _ = s.release();
    let total = base + deepest;
    defmt::println!(
        "stack: deepest {=u32} of {=u32} bytes",
        total,
        drm_board::STACK_SIZE
    );
    check!(
        total + 512 <= drm_board::STACK_SIZE,
        "less than 512 bytes of stack left"
    );
    Ok(())
}
