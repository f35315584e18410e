//! The `extern "C"` calls of `drm_capi.h`. Each checks its pointers and lengths, enters the
//! context (magic word, address, not busy), and calls the safe code of `state.rs`. A failure
//! returns its code and changes nothing, except where a call's documentation says otherwise.
#![allow(unsafe_code, non_snake_case)]

use core::ptr::{addr_of, addr_of_mut};

use drm_core::xmr::KeyRef;
use drm_core::{Kid, SessionId};
use drm_keyexchange::KeySlot;
use zeroize::Zeroize;

use crate::state::{Fail, PerformKind, Res, Start, State};
use crate::types::*;
use crate::{Inner, MAGIC};

/// Longest buffer a call takes (`isize::MAX`: what a Rust slice may span).
const MAX_LEN: usize = isize::MAX as usize;

/// The result code of `r`; a too-small output writes the length it needs to `len` (if any).
fn finish(r: Res<()>, len: Option<*mut usize>) -> DRM_RESULT {
    match r {
        Ok(()) => DRM_SUCCESS,
        Err(Fail::Code(c)) => c,
        Err(Fail::TooSmall(needed)) => {
            if let Some(len) = len.filter(|p| !p.is_null()) {
                // SAFETY: `len` is the caller's non-NULL length argument, checked valid by the
                // call before it ran (the documented contract of every length pointer).
                unsafe { len.write(needed) };
            }
            DRM_E_BUFFERTOOSMALL
        }
    }
}

fn invalid<T>() -> Res<T> {
    Err(Fail::Code(DRM_E_INVALIDARG))
}

/// Whether `len` bytes at `ptr` stay below the top of the address space and `MAX_LEN`.
fn span_ok(ptr: usize, len: usize) -> bool {
    len <= MAX_LEN && ptr.checked_add(len).is_some()
}

/// An input buffer: NULL is only allowed with length 0.
///
/// # Safety
/// A non-NULL `ptr` is valid for reads of `len` bytes while the result lives.
unsafe fn input<'a>(ptr: *const u8, len: usize) -> Res<&'a [u8]> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { invalid() };
    }
    if !span_ok(ptr as usize, len) {
        return invalid();
    }
    // SAFETY: non-NULL, the span does not wrap and fits a slice; validity is the caller's.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// The capacity of an output buffer with a length argument: `*len`, or 0 for a NULL buffer.
///
/// # Safety
/// A non-NULL `len` is valid for reads and writes of a `usize`.
unsafe fn capacity(buf: *mut u8, len: *mut usize) -> Res<usize> {
    if len.is_null() {
        return invalid();
    }
    // SAFETY: non-NULL; valid per the contract.
    let n = unsafe { len.read() };
    if buf.is_null() {
        return Ok(0);
    }
    if !span_ok(buf as usize, n) {
        return invalid();
    }
    Ok(n)
}

/// An output buffer of `len` bytes (non-NULL, `span_ok` checked by [`capacity`]).
///
/// # Safety
/// `ptr` is valid for writes of `len` bytes while the result lives, and nothing else refers
/// to those bytes meanwhile.
unsafe fn output<'a>(ptr: *mut u8, len: usize) -> Res<&'a mut [u8]> {
    if ptr.is_null() || !span_ok(ptr as usize, len) {
        return invalid();
    }
    // SAFETY: as documented.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// The caller's output buffer with a length argument: `buf` with capacity `*len` (checked by
/// [`capacity`]), or an empty slice for a NULL `buf` or a zero length.
///
/// # Safety
/// As [`capacity`] and [`output`].
unsafe fn out_buffer<'a>(buf: *mut u8, len: *mut usize) -> Res<&'a mut [u8]> {
    // SAFETY: the caller's contract.
    let cap = unsafe { capacity(buf, len) }?;
    if cap == 0 {
        return Ok(&mut []);
    }
    // SAFETY: checked by `capacity`; writable and unaliased per the contract.
    unsafe { output(buf, cap) }
}

/// Runs `fill` on the caller's output buffer ([`out_buffer`]) and writes the length it returns
/// to `*len` (a too-small buffer: `fill`'s `Fail::TooSmall`, which [`finish`] reports).
///
/// # Safety
/// As [`out_buffer`].
unsafe fn fill_output(
    buf: *mut u8,
    len: *mut usize,
    fill: impl FnOnce(&mut [u8]) -> Res<usize>,
) -> Res<()> {
    // SAFETY: the caller's contract.
    let n = fill(unsafe { out_buffer(buf, len) }?)?;
    // SAFETY: non-NULL (checked by `capacity`), writable.
    unsafe { len.write(n) };
    Ok(())
}

/// Whether two buffers share a byte.
fn overlap(a: *const u8, a_len: usize, b: *const u8, b_len: usize) -> bool {
    let (a, b) = (a as usize, b as usize);
    a_len != 0 && b_len != 0 && a < b.saturating_add(b_len) && b < a.saturating_add(a_len)
}

/// Reads a `DRM_ID` argument.
///
/// # Safety
/// A non-NULL `id` points to a readable `DRM_ID`.
unsafe fn read_id(id: *const DRM_ID) -> Res<[u8; 16]> {
    if id.is_null() {
        return invalid();
    }
    // SAFETY: non-NULL and readable per the contract; `DRM_ID` has alignment 1.
    Ok(unsafe { id.read() }.rgb)
}

/// The initialised context at `ctx`, or `None`: NULL, misaligned, not initialised (magic),
/// moved (address).
///
/// # Safety
/// A non-NULL `ctx` points to `DRM_CONTEXT_SIZE` readable bytes.
unsafe fn live(ctx: *const DRM_CONTEXT) -> Option<*mut Inner> {
    if ctx.is_null() || !(ctx as usize).is_multiple_of(DRM_CONTEXT_ALIGN) {
        return None;
    }
    let inner = ctx.cast::<Inner>().cast_mut();
    // SAFETY: aligned and readable; the two header words are plain integers in any context that
    // `Drm_Initialize` wrote (volatile: the caller's memory, not assumed by the optimiser).
    let (magic, this) = unsafe {
        (
            addr_of!((*inner).magic).read_volatile(),
            addr_of!((*inner).this).read_volatile(),
        )
    };
    (magic == MAGIC && this == ctx as usize).then_some(inner)
}

/// The context's key slot, for Prepare only.
#[derive(Clone, Copy)]
struct SlotPtr(*mut KeySlot);

/// Runs `f` on the state of the initialised context `ctx`, marked busy meanwhile.
///
/// # Safety
/// `ctx` is NULL or points to a `DRM_CONTEXT` (`DRM_CONTEXT_SIZE` bytes).
unsafe fn enter<F>(ctx: *mut DRM_CONTEXT, f: F) -> Res<()>
where
    F: FnOnce(&mut State, SlotPtr) -> Res<()>,
{
    // SAFETY: the caller's contract.
    let Some(inner) = (unsafe { live(ctx) }) else {
        return Err(Fail::Code(DRM_E_CAPI_NOT_INITIALIZED));
    };
    // SAFETY: `inner` is an initialised context; `busy` is a plain word apart from `state`.
    let busy = unsafe { addr_of_mut!((*inner).busy) };
    // SAFETY: as above.
    if unsafe { busy.read_volatile() } != 0 {
        return Err(Fail::Code(DRM_E_CAPI_BUSY));
    }
    // SAFETY: as above.
    unsafe { busy.write_volatile(1) };
    // SAFETY: `state` was written by `Drm_Initialize` and is live (magic); no other reference
    // to it exists: the context is not busy, so no other call is running on it, and a call
    // that starts from a callback sees `busy` and returns before touching `state`.
    let state = unsafe { &mut *addr_of_mut!((*inner).state) };
    // SAFETY: a raw pointer to the slot field, disjoint from `state`.
    let slot = SlotPtr(unsafe { addr_of_mut!((*inner).slot) });
    let r = f(state, slot);
    // SAFETY: as above; `state` is no longer used.
    unsafe { busy.write_volatile(0) };
    r
}

/// Initialises the caller-allocated context `ctx` over the port's callbacks: a `DRM_CONTEXT`
/// (`ctx_size` = `sizeof(DRM_CONTEXT)`), or, for a port short of RAM, at least
/// `Drm_GetContextSize()` bytes aligned to `DRM_CONTEXT_ALIGN`. Checks every field of `callbacks` and copies
/// the table; the flash is not touched (open the store next: `Drm_Store_Open`). The context must
/// then stay at this address until `Drm_Uninitialize`.
///
/// Returns `DRM_E_INVALIDARG` for a NULL or misaligned pointer or an incomplete or inconsistent
/// table (NULL required callback, a counter callback without the other, a chain that is NULL or
/// longer than 64 KiB, an unknown security level, invalid keys), `DRM_E_BUFFERTOOSMALL` when
/// `ctx_size` is too small, `DRM_E_HDS_UNSUPPORTED_FLASH` for a flash geometry the store refuses.
/// On failure `ctx` is not written. Calling it on a live context overwrites that context without
/// closing it: call `Drm_Uninitialize` first.
///
/// # Safety
/// `ctx` points to `ctx_size` writable bytes; `callbacks` to a readable table whose callbacks
/// and chain obey their documentation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_Initialize(
    ctx: *mut DRM_CONTEXT,
    ctx_size: usize,
    callbacks: *const DRM_OEM_CALLBACKS,
) -> DRM_RESULT {
    if ctx.is_null()
        || callbacks.is_null()
        || !(ctx as usize).is_multiple_of(DRM_CONTEXT_ALIGN)
        || !callbacks.is_aligned()
    {
        return DRM_E_INVALIDARG;
    }
    if ctx_size < crate::context_bytes_used() {
        return DRM_E_BUFFERTOOSMALL;
    }
    let size = ctx_size.min(DRM_CONTEXT_SIZE);
    // SAFETY: non-NULL and aligned; readable per the contract.
    let table = unsafe { &*callbacks };
    let port = match crate::port::check(table) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let inner = Inner {
        magic: MAGIC,
        busy: 0,
        this: ctx as usize,
        size,
        slot: KeySlot::new(),
        state: State::new(port),
    };
    // SAFETY: `ctx` is aligned and has `size` writable bytes, which hold an `Inner` (checked
    // above). Nothing of the old contents is read or dropped.
    unsafe {
        ctx.cast::<u8>().write_bytes(0, size);
        ctx.cast::<Inner>().write(inner);
    }
    DRM_SUCCESS
}

/// Ends the context: closes an open Key Exchange context, releases the store, and zeroizes the
/// whole context (keys, store key, key slot). Afterwards every call but `Drm_Initialize`
/// answers `DRM_E_CAPI_NOT_INITIALIZED`.
///
/// # Safety
/// `ctx` is NULL or points to a `DRM_CONTEXT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_Uninitialize(ctx: *mut DRM_CONTEXT) -> DRM_RESULT {
    // SAFETY: the caller's contract.
    let Some(inner) = (unsafe { live(ctx) }) else {
        return DRM_E_CAPI_NOT_INITIALIZED;
    };
    // SAFETY: an initialised context; `busy` is a plain word.
    if unsafe { addr_of!((*inner).busy).read_volatile() } != 0 {
        return DRM_E_CAPI_BUSY;
    }
    // SAFETY: the state is live and not borrowed (not busy); it is dropped once (the magic is
    // wiped with the rest right after), the Key Exchange context first, which zeroizes the slot.
    // Then no reference into the context remains and its bytes are zeroized.
    unsafe {
        let size = addr_of!((*inner).size).read();
        core::ptr::drop_in_place(addr_of_mut!((*inner).state));
        core::slice::from_raw_parts_mut(ctx.cast::<u8>(), size).zeroize();
    }
    DRM_SUCCESS
}

/// The bytes of context this build of the kit uses (at most `DRM_CONTEXT_SIZE`; less on 32-bit
/// targets): the smallest `ctx_size` `Drm_Initialize` accepts. Constant for a build.
#[unsafe(no_mangle)]
pub extern "C" fn Drm_GetContextSize() -> usize {
    crate::context_bytes_used()
}

/// `DRM_SUCCESS` when `ctx` is an initialised context at the address it was initialised at,
/// else `DRM_E_CAPI_NOT_INITIALIZED`. Changes nothing.
///
/// # Safety
/// `ctx` is NULL or points to a `DRM_CONTEXT` that `Drm_Initialize` wrote or the caller
/// zero-filled.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_IsInitialized(ctx: *const DRM_CONTEXT) -> DRM_RESULT {
    // SAFETY: the caller's contract.
    match unsafe { live(ctx) } {
        Some(_) => DRM_SUCCESS,
        None => DRM_E_CAPI_NOT_INITIALIZED,
    }
}

/// Sets the servers' public keys (each a valid P-256 point `X || Y`, else `DRM_E_INVALIDARG`):
/// the license server's key and the trusted root of its chain, and the Secure Delete server's
/// key. Needed before `Drm_LicenseAcq_ProcessResponse`; without it challenges are encrypted to
/// the production WMRM key.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `keys` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_SetServerKeys(
    ctx: *mut DRM_CONTEXT,
    keys: *const DRM_SERVER_KEYS,
) -> DRM_RESULT {
    let body = |s: &mut State, _: SlotPtr| -> Res<()> {
        if keys.is_null() {
            return invalid();
        }
        // SAFETY: non-NULL and readable; alignment 1.
        let keys = unsafe { keys.read() };
        s.set_server_keys(&keys)
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, None)
}

/// Opens the store at boot: mounts it, or formats the flash when every byte of it reads erased
/// (first boot); writes `DRM_STORE_MOUNTED` or `DRM_STORE_FORMATTED_BLANK` to `opened` (may be
/// NULL). Anything else that does not mount is an error and nothing is written to the flash
/// (`DRM_E_HDS_NOT_FORMATTED`, `DRM_E_DST_CORRUPTED`, `DRM_E_HDS_ROLLBACK`): reformatting loses
/// every license, so that is the caller's decision (`Drm_Store_Format`). Then runs the
/// anti-rollback clock's boot check (it may write its record). A store opened before is
/// released first, also on failure.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `opened` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_Store_Open(ctx: *mut DRM_CONTEXT, opened: *mut u32) -> DRM_RESULT {
    let body = |s: &mut State, _: SlotPtr| -> Res<()> {
        let how = s.store_start(Start::Open)?;
        if !opened.is_null() {
            // SAFETY: non-NULL, writable per the contract.
            unsafe { opened.write_unaligned(how) };
        }
        Ok(())
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, None)
}

/// Mounts the store: finds the newest valid commit, checks every bucket, finishes an
/// interrupted commit or secure erase (it may write), then runs the anti-rollback clock's boot
/// check. A store opened before is released first, also on failure.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_Store_Mount(ctx: *mut DRM_CONTEXT) -> DRM_RESULT {
    // SAFETY: the caller's contract.
    finish(
        unsafe { enter(ctx, |s, _| s.store_start(Start::Mount).map(drop)) },
        None,
    )
}

/// Erases the whole partition and writes an empty store (every license and session is lost).
/// Not atomic: after a power cut during it, `Drm_Store_Mount` fails and you format again.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_Store_Format(ctx: *mut DRM_CONTEXT) -> DRM_RESULT {
    // SAFETY: the caller's contract.
    finish(
        unsafe { enter(ctx, |s, _| s.store_start(Start::Format).map(drop)) },
        None,
    )
}

/// Sets the time from a source you trust (seconds since 1970 UTC): clears a clock rollback that
/// the boot check of `Drm_Store_Open` / `Drm_Store_Mount` recorded (time-bound licenses are
/// refused with `DRM_E_CLOCK_NOT_SET` until then) and makes `seconds` the store's last known
/// time, even when it is earlier. One small store commit. The kit takes the time from no server
/// response: which source is trusted is the port's decision.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_Clock_SetTrustedTime(
    ctx: *mut DRM_CONTEXT,
    seconds: u64,
) -> DRM_RESULT {
    // SAFETY: the caller's contract.
    finish(
        unsafe { enter(ctx, |s, _| s.set_trusted_time(seconds)) },
        None,
    )
}

/// Writes what the store made of the flash to `info` (no flash access).
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `info` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_Store_GetInfo(
    ctx: *mut DRM_CONTEXT,
    info: *mut DRM_STORE_INFO,
) -> DRM_RESULT {
    let body = |s: &mut State, _: SlotPtr| -> Res<()> {
        if info.is_null() || !info.is_aligned() {
            return invalid();
        }
        let i = s.store_info()?;
        // SAFETY: non-NULL, aligned, writable per the contract.
        unsafe { info.write(i) };
        Ok(())
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, None)
}

/// Checks an entry array with a count argument: `(entries, capacity)`.
///
/// # Safety
/// A non-NULL `count` is readable; a non-NULL `entries` holds `*count` writable entries.
unsafe fn entries<'a, T>(entries: *mut T, count: *mut u32) -> Res<&'a mut [T]> {
    if count.is_null() || !count.is_aligned() {
        return invalid();
    }
    // SAFETY: non-NULL, aligned, readable.
    let n = unsafe { count.read() } as usize;
    if entries.is_null() {
        return if n == 0 { Ok(&mut []) } else { invalid() };
    }
    let bytes = n.checked_mul(core::mem::size_of::<T>());
    if !entries.is_aligned() || !bytes.is_some_and(|b| span_ok(entries as usize, b)) {
        return invalid();
    }
    // SAFETY: non-NULL, aligned, the span fits; writable per the contract.
    Ok(unsafe { core::slice::from_raw_parts_mut(entries, n) })
}

/// Writes the total to `count`; `DRM_E_BUFFERTOOSMALL` when it is above the capacity.
///
/// # Safety
/// `count` is non-NULL, aligned and writable.
unsafe fn counted(total: Res<u32>, capacity: usize, count: *mut u32) -> Res<()> {
    let total = total?;
    // SAFETY: the caller's contract.
    unsafe { count.write(total) };
    if total as usize > capacity {
        return Err(Fail::Code(DRM_E_BUFFERTOOSMALL));
    }
    Ok(())
}

/// Lists the licenses in the store: `*count` is the capacity of `entries` (NULL with 0 to ask
/// for the number). Writes as many entries as fit and the number of licenses to `*count`;
/// `DRM_E_BUFFERTOOSMALL` when they did not all fit.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `count` is NULL or readable and writable; a non-NULL
/// `entries` holds `*count` writable entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_Store_EnumerateLicenses(
    ctx: *mut DRM_CONTEXT,
    entries: *mut DRM_LICENSE_ENTRY,
    count: *mut u32,
) -> DRM_RESULT {
    let body = |s: &mut State, _: SlotPtr| -> Res<()> {
        // SAFETY: the caller's contract.
        let out = unsafe { self::entries(entries, count) }?;
        let cap = out.len();
        // SAFETY: `entries` checked `count`.
        unsafe { counted(s.licenses(out), cap, count) }
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, None)
}

/// Lists Secure Delete sessions: only the pending ones (removed, challenge not answered yet:
/// send their challenges again after a reboot) when `pending_only` is 1, all when 0. `*count`
/// is the capacity of `ids`; as `Drm_Store_EnumerateLicenses`.
///
/// # Safety
/// As `Drm_Store_EnumerateLicenses`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_SecureDelete_EnumerateSessions(
    ctx: *mut DRM_CONTEXT,
    pending_only: u32,
    ids: *mut DRM_ID,
    count: *mut u32,
) -> DRM_RESULT {
    let body = |s: &mut State, _: SlotPtr| -> Res<()> {
        if pending_only > 1 {
            return invalid();
        }
        // SAFETY: the caller's contract.
        let out = unsafe { entries(ids, count) }?;
        let cap = out.len();
        // SAFETY: `entries` checked `count`.
        unsafe { counted(s.sessions(pending_only == 1, out), cap, count) }
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, None)
}

/// Writes a license acquisition challenge (SOAP `AcquireLicense`) for `kid_count` KIDs (1 to
/// `DRM_MAX_KIDS_PER_CHALLENGE`) into `challenge`, and keeps its nonce in the context for
/// `Drm_LicenseAcq_ProcessResponse`. The buffer also serves as work area: call with a NULL
/// buffer (or a short one) to get `DRM_E_BUFFERTOOSMALL` and the size it needs in
/// `*challenge_len`; on success `*challenge_len` is the challenge's length (less than that).
/// Does not need the store. A new challenge replaces the nonce of an earlier one.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `kids` is NULL or holds `kid_count` readable ids;
/// `challenge_len` is NULL or readable and writable; a non-NULL `challenge` holds
/// `*challenge_len` writable bytes that overlap nothing else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_LicenseAcq_GenerateChallenge(
    ctx: *mut DRM_CONTEXT,
    kids: *const DRM_KID,
    kid_count: u32,
    challenge: *mut u8,
    challenge_len: *mut usize,
) -> DRM_RESULT {
    let body = |s: &mut State, _: SlotPtr| -> Res<()> {
        let n = kid_count as usize;
        if kids.is_null() || n == 0 || n > DRM_MAX_KIDS_PER_CHALLENGE as usize {
            return invalid();
        }
        let mut list = [Kid::NIL; DRM_MAX_KIDS_PER_CHALLENGE as usize];
        for (i, kid) in list.iter_mut().take(n).enumerate() {
            // SAFETY: `i < kid_count` ids are readable per the contract.
            *kid = Kid::from_bytes(unsafe { read_id(kids.add(i)) }?);
        }
        let list = list.get(..n).ok_or(Fail::Code(DRM_E_LOGIC))?;
        // SAFETY: the caller's contract.
        unsafe {
            fill_output(challenge, challenge_len, |buf| {
                s.acquisition_challenge(list, buf)
            })
        }
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, Some(challenge_len))
}

/// Processes the license server's response to the last challenge: checks the server's chain
/// against the root of `Drm_SetServerKeys`, the signature and the nonce, verifies every license
/// for this device and stores the good persistent ones in one commit (with the Secure Delete
/// session record of the response's `ResponseID`, when it has one). `work` needs
/// `response_len` bytes (a NULL or shorter one: `DRM_E_BUFFERTOOSMALL` and that length in
/// `*work_len`). Writes what happened to each license to `result`. A refused response changes
/// nothing and keeps the nonce (the real response may still come).
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `response` is NULL or holds `response_len` readable
/// bytes; `work_len` is NULL or readable and writable; a non-NULL `work` holds `*work_len`
/// writable bytes; `result` is NULL or writable. `work` overlaps neither `response` nor
/// `result`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_LicenseAcq_ProcessResponse(
    ctx: *mut DRM_CONTEXT,
    response: *const u8,
    response_len: usize,
    work: *mut u8,
    work_len: *mut usize,
    result: *mut DRM_LICENSE_RESPONSE,
) -> DRM_RESULT {
    let body = |s: &mut State, _: SlotPtr| -> Res<()> {
        if response.is_null() || response_len == 0 || result.is_null() || !result.is_aligned() {
            return invalid();
        }
        // SAFETY: the caller's contract.
        let buf = unsafe { out_buffer(work, work_len) }?;
        if overlap(response, response_len, buf.as_ptr(), buf.len()) {
            return invalid();
        }
        // SAFETY: the caller's contract; apart from `buf` (checked just above).
        let response = unsafe { input(response, response_len) }?;
        // SAFETY: non-NULL, aligned, writable per the contract, apart from `work` and
        // `response`; written only on success.
        let result = unsafe { &mut *result };
        s.acquisition_response(response, buf, result)
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, Some(work_len))
}

/// Prepare: finds the KeyExchangeLicense of `kid` in the store that allows `algorithm`
/// (`DRM_KX_ALG_*`) and `operation` (`DRM_KX_OP_*`), checks its policy (dates against the
/// anti-rollback clock, security level, signature, binding) and unwraps its key into the
/// context. One Key Exchange context per DRM context: `DRM_E_CAPI_KX_ALREADY_OPEN` while one is
/// open. Refusals (`DRM_E_LICENSE_NOT_FOUND`, `DRM_E_KX_OPERATION_NOT_ALLOWED`, ...) open
/// nothing.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `kid` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_KeyExchange_Prepare(
    ctx: *mut DRM_CONTEXT,
    kid: *const DRM_KID,
    algorithm: u32,
    operation: u32,
) -> DRM_RESULT {
    let body = |s: &mut State, slot: SlotPtr| -> Res<()> {
        // SAFETY: the caller's contract.
        let kid = Kid::from_bytes(unsafe { read_id(kid) }?);
        if s.kx_is_open() {
            return Err(Fail::Code(DRM_E_CAPI_KX_ALREADY_OPEN));
        }
        // SAFETY: the slot field of this live context, at a fixed address until
        // `Drm_Uninitialize` (a moved context is refused). Only `state.kx` ever borrows it,
        // and no Key Exchange context is open, so no other reference to it exists. The
        // borrow ends when `kx` is closed or dropped (Close, a failed Prepare,
        // Uninitialize), before the memory is reused.
        let slot: &'static mut KeySlot = unsafe { &mut *slot.0 };
        s.kx_prepare(slot, &kid, algorithm, operation)
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, None)
}

/// Prepare of one key of a KeyExchangeLicense (KEY-EXCHANGE-FORMAT §2.1, format 2: several keys
/// per license): as `Drm_KeyExchange_Prepare` (which prepares key 0), for the key named by its
/// index in the license's policy table (`key_id` NULL, `key_index` the index) or by its key id
/// (`key_id` non-NULL, `key_index` `DRM_KX_KEY_INDEX_NONE`). Only that key is unwrapped, and only
/// if its own policy is `algorithm` and `operation`; the license's other keys stay wrapped. A key
/// the license does not hold: `DRM_E_LICENSE_KEY_NOT_FOUND`; both or neither way of naming it
/// (an index with a key id, `DRM_KX_KEY_INDEX_NONE` without one, an index over 65,535):
/// `DRM_E_INVALIDARG`. Refusals open nothing.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `kid` and `key_id` are NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_KeyExchange_PrepareKey(
    ctx: *mut DRM_CONTEXT,
    kid: *const DRM_KID,
    key_index: u32,
    key_id: *const DRM_KID,
    algorithm: u32,
    operation: u32,
) -> DRM_RESULT {
    let body = |s: &mut State, slot: SlotPtr| -> Res<()> {
        // SAFETY: the caller's contract.
        let kid = Kid::from_bytes(unsafe { read_id(kid) }?);
        let key = if key_id.is_null() {
            // An index: `DRM_KX_KEY_INDEX_NONE` (or any value over 65,535) names nothing.
            KeyRef::Index(u16::try_from(key_index).map_err(|_| Fail::Code(DRM_E_INVALIDARG))?)
        } else if key_index == DRM_KX_KEY_INDEX_NONE {
            // SAFETY: non-NULL, readable per the caller's contract.
            KeyRef::Id(Kid::from_bytes(unsafe { read_id(key_id) }?))
        } else {
            // Both an index and a key id.
            return invalid();
        };
        if s.kx_is_open() {
            return Err(Fail::Code(DRM_E_CAPI_KX_ALREADY_OPEN));
        }
        // SAFETY: as in `Drm_KeyExchange_Prepare`: the slot field of this live context, at a
        // fixed address until `Drm_Uninitialize`; no Key Exchange context is open, so nothing
        // else borrows it, and the borrow ends when `kx` is closed or dropped.
        let slot: &'static mut KeySlot = unsafe { &mut *slot.0 };
        s.kx_prepare_key(slot, &kid, key, algorithm, operation)
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, None)
}

/// Perform: runs the open context's one operation, as often as wanted.
///
/// - AES-128-CBC encrypt / decrypt: `param` is the 16-byte IV; `input` whole 16-byte blocks
///   (no padding); `output` receives `input_len` bytes (it may be `input` itself).
/// - HMAC-SHA256 sign: no `param` (NULL, 0); `output` receives the 32-byte tag.
/// - ECDSA-P256 sign: no `param`; `output` receives the 64-byte signature `r || s` (SHA-256 of
///   `input`, RFC 6979 nonce).
/// - HMAC-SHA256 / ECDSA-P256 verify: `param` is the tag or signature; no output (`output` and
///   `output_len` may be NULL); `DRM_E_INVALID_SIGNATURE` when it does not verify.
///
/// An output buffer that is NULL or shorter: `DRM_E_BUFFERTOOSMALL` and the length needed in
/// `*output_len`; on success `*output_len` is the length written. `DRM_E_CAPI_KX_NOT_OPEN`
/// without an open context (never prepared, or closed).
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `param` and `input` are NULL or readable for their
/// lengths; `output_len` is NULL or readable and writable; a non-NULL `output` holds
/// `*output_len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_KeyExchange_Perform(
    ctx: *mut DRM_CONTEXT,
    param: *const u8,
    param_len: usize,
    input: *const u8,
    input_len: usize,
    output: *mut u8,
    output_len: *mut usize,
) -> DRM_RESULT {
    let body = |s: &mut State, _: SlotPtr| -> Res<()> {
        // SAFETY: the caller's contract, for all three buffers.
        unsafe {
            perform(
                s,
                (param, param_len),
                (input, input_len),
                output,
                output_len,
            )
        }
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, Some(output_len))
}

/// The body of `Drm_KeyExchange_Perform`.
///
/// # Safety
/// As `Drm_KeyExchange_Perform`.
unsafe fn perform(
    s: &State,
    (param, param_len): (*const u8, usize),
    (data, data_len): (*const u8, usize),
    out: *mut u8,
    out_len: *mut usize,
) -> Res<()> {
    match s.kx_kind()? {
        PerformKind::Cipher => {
            // The IV first: it may lie in the output buffer.
            // SAFETY: the caller's contract.
            let iv: [u8; 16] = unsafe { input(param, param_len) }?
                .try_into()
                .or_else(|_| invalid())?;
            // SAFETY: the caller's contract.
            let cap = unsafe { capacity(out, out_len) }?;
            if data_len % 16 != 0 || !span_ok(data as usize, data_len) {
                return invalid();
            }
            if data_len == 0 {
                // SAFETY: non-NULL (checked by `capacity`), writable.
                unsafe { out_len.write(0) };
                return Ok(());
            }
            if data.is_null() {
                return invalid();
            }
            if cap < data_len {
                return Err(Fail::TooSmall(data_len));
            }
            // SAFETY: `data` is readable and `out` writable for `data_len` bytes (checked
            // above, the caller's contract); `copy` allows them to overlap.
            unsafe { core::ptr::copy(data, out, data_len) };
            // SAFETY: checked by `capacity`; no other reference to the output exists now.
            let buf = unsafe { output(out, data_len) }?;
            s.kx_cipher(&iv, buf)?;
            // SAFETY: non-NULL (checked by `capacity`), writable.
            unsafe { out_len.write(data_len) };
            Ok(())
        }
        PerformKind::Sign(n) => {
            if param_len != 0 {
                return invalid();
            }
            // SAFETY: the caller's contract.
            let cap = unsafe { capacity(out, out_len) }?;
            if cap < n {
                return Err(Fail::TooSmall(n));
            }
            // SAFETY: the caller's contract; the slice ends before the output is written.
            let sig = s.kx_sign(unsafe { input(data, data_len) }?)?;
            let sig = sig.get(..n).ok_or(Fail::Code(DRM_E_LOGIC))?;
            // SAFETY: `out` holds at least `n` writable bytes; `sig` is a local.
            unsafe { core::ptr::copy_nonoverlapping(sig.as_ptr(), out, n) };
            // SAFETY: non-NULL (checked by `capacity`), writable.
            unsafe { out_len.write(n) };
            Ok(())
        }
        PerformKind::Verify => {
            // SAFETY: the caller's contract.
            let (tag, msg) = unsafe { (input(param, param_len)?, input(data, data_len)?) };
            if tag.is_empty() {
                return invalid();
            }
            s.kx_verify(msg, tag)?;
            if !out_len.is_null() {
                // SAFETY: non-NULL, writable per the contract.
                unsafe { out_len.write(0) };
            }
            Ok(())
        }
    }
}

/// Close: zeroizes the key of the open Key Exchange context and ends it; Perform answers
/// `DRM_E_CAPI_KX_NOT_OPEN` afterwards. `DRM_E_CAPI_KX_NOT_OPEN` when none is open.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_KeyExchange_Close(ctx: *mut DRM_CONTEXT) -> DRM_RESULT {
    // SAFETY: the caller's contract.
    finish(unsafe { enter(ctx, |s, _| s.kx_close()) }, None)
}

/// Starts a Secure Delete: in one atomic commit, deletes every license of session
/// `session_id`'s KIDs (their bytes are erased from the flash) and marks the session pending.
/// Then generate its challenge (`Drm_SecureDelete_GenerateChallenge`). `DRM_E_SD_SESSION_PENDING`
/// when it was already removed; a failure changes nothing.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `session_id` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_SecureDelete_RemoveSession(
    ctx: *mut DRM_CONTEXT,
    session_id: *const DRM_ID,
) -> DRM_RESULT {
    let body = |s: &mut State, _: SlotPtr| -> Res<()> {
        // SAFETY: the caller's contract.
        let id = SessionId::from_bytes(unsafe { read_id(session_id) }?);
        s.sd_remove(&id)
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, None)
}

/// Writes the signed Secure Delete challenge of pending session `session_id` (again after a
/// reboot or a lost response: each call encrypts and signs afresh). Two calls: with a NULL or
/// short `challenge`, `DRM_E_BUFFERTOOSMALL` and the exact length in `*challenge_len`; then
/// `*challenge_len` is the length written. `DRM_E_SD_SESSION_NOT_PENDING` for a session not
/// removed yet.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `session_id` is NULL or readable; `challenge_len` is NULL
/// or readable and writable; a non-NULL `challenge` holds `*challenge_len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_SecureDelete_GenerateChallenge(
    ctx: *mut DRM_CONTEXT,
    session_id: *const DRM_ID,
    challenge_len: *mut usize,
    challenge: *mut u8,
) -> DRM_RESULT {
    let body = |s: &mut State, _: SlotPtr| -> Res<()> {
        // SAFETY: the caller's contract.
        let id = SessionId::from_bytes(unsafe { read_id(session_id) }?);
        // SAFETY: the caller's contract.
        unsafe { fill_output(challenge, challenge_len, |buf| s.sd_challenge(&id, buf)) }
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, Some(challenge_len))
}

/// Processes the Secure Delete server's response: when it is a version-1 response for a pending
/// session, deletes that session's record (one commit) and writes its id to `session_id_out`.
/// Anything else changes nothing: `DRM_E_INVALID_SECURE_DELETE_RESPONSE`, a SOAP fault's code,
/// an XML error.
///
/// # Safety
/// `ctx` is NULL or a `DRM_CONTEXT`; `response` is NULL or holds `response_len` readable bytes;
/// `session_id_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Drm_SecureDelete_ProcessResponse(
    ctx: *mut DRM_CONTEXT,
    response_len: usize,
    response: *const u8,
    session_id_out: *mut DRM_ID,
) -> DRM_RESULT {
    let body = |s: &mut State, _: SlotPtr| -> Res<()> {
        if response.is_null() || response_len == 0 || session_id_out.is_null() {
            return invalid();
        }
        // SAFETY: the caller's contract.
        let id = s.sd_response(unsafe { input(response, response_len) }?)?;
        // SAFETY: non-NULL, writable per the contract; alignment 1.
        unsafe { session_id_out.write(DRM_ID { rgb: id.to_bytes() }) };
        Ok(())
    };
    // SAFETY: the caller's contract.
    let r = unsafe { enter(ctx, body) };
    finish(r, None)
}
