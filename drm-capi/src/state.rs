//! What a `DRM_CONTEXT` holds, and the calls on it in safe Rust. The FFI layer (`ffi.rs`) turns
//! C pointers into references and slices and calls these.

use core::ops::ControlFlow;

use drm_core::acquire::{self, ChallengeParams, PendingAcquisition};
use drm_core::platform::{Clock, DeviceIdentity};
use drm_core::xml::dsig::WMRM_SERVER_PUBLIC_KEY;
use drm_core::xmr::KeyRef;
use drm_core::{Kid, SessionId};
use drm_hds::{Config, Opened, Store};
use drm_keyexchange::{
    AesCbcDecryptor, AesCbcEncryptor, EcdsaSigner, EcdsaVerifier, HmacSigner, HmacVerifier,
    KeySlot, Outcome, Report,
};
use drm_securedelete::SecureDelete;
use drm_securedelete::session::{PENDING_KEY, SESSIONS};
use zeroize::Zeroize;

use crate::port::{CFlash, Port};
use crate::types::*;

/// The counter type of the store: the port's, or none (feature `monotonic-counter`).
#[cfg(feature = "monotonic-counter")]
type Counter = crate::port::CCounter;
/// The counter type of the store: the port's, or none (feature `monotonic-counter`).
#[cfg(not(feature = "monotonic-counter"))]
type Counter = drm_hds::NoCounter;

/// Store pages the context's store manages at most.
const PAGES: usize = DRM_FLASH_MAX_STORE_PAGES as usize;

/// The store of a context.
pub(crate) type CStore = Store<CFlash, Counter, PAGES>;

/// Why a call failed: a code, or an output buffer too small with the length it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fail {
    /// A failure code.
    Code(DRM_RESULT),
    /// `DRM_E_BUFFERTOOSMALL`, needing this many bytes (or entries).
    TooSmall(usize),
}

/// Result of the calls on a state.
pub(crate) type Res<T> = Result<T, Fail>;

/// The 32-bit pattern of a kit error code as a `DRM_RESULT`.
const fn rc(code: u32) -> DRM_RESULT {
    code as DRM_RESULT
}

impl From<drm_core::Error> for Fail {
    fn from(e: drm_core::Error) -> Self {
        Fail::Code(rc(e.code()))
    }
}

impl<S, C> From<drm_hds::Refused<S, C>> for Fail {
    /// A store not constructed: its error's code (the flash handle is the port's and stays
    /// valid).
    fn from(r: drm_hds::Refused<S, C>) -> Self {
        r.error.into()
    }
}

impl From<drm_hds::Error> for Fail {
    fn from(e: drm_hds::Error) -> Self {
        Fail::Code(rc(e.code()))
    }
}

impl From<drm_keyexchange::Error> for Fail {
    fn from(e: drm_keyexchange::Error) -> Self {
        Fail::Code(rc(e.code()))
    }
}

impl From<drm_securedelete::Error> for Fail {
    fn from(e: drm_securedelete::Error) -> Self {
        match e {
            drm_securedelete::Error::BufferTooSmall { needed } => Fail::TooSmall(needed),
            other => Fail::Code(rc(other.code())),
        }
    }
}

fn code(c: DRM_RESULT) -> Fail {
    Fail::Code(c)
}

/// The open Key Exchange context, borrowing the DRM context's key slot.
pub(crate) enum Kx {
    /// None open.
    Closed,
    /// AES-128-CBC encrypt.
    AesEncrypt(AesCbcEncryptor<'static>),
    /// AES-128-CBC decrypt.
    AesDecrypt(AesCbcDecryptor<'static>),
    /// HMAC-SHA256 sign.
    HmacSign(HmacSigner<'static>),
    /// HMAC-SHA256 verify.
    HmacVerify(HmacVerifier<'static>),
    /// ECDSA-P256 sign.
    EcdsaSign(EcdsaSigner<'static>),
    /// ECDSA-P256 verify.
    EcdsaVerify(EcdsaVerifier<'static>),
}

/// What `Drm_KeyExchange_Perform` does for the open context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PerformKind {
    /// AES-CBC: `param` is the 16-byte IV, the output is as long as the input (in place).
    Cipher,
    /// Sign: no `param`, the output is a tag or signature of this many bytes.
    Sign(usize),
    /// Verify: `param` is the tag or signature; no output.
    Verify,
}

/// How a store is started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// `Drm_Store_Open`.
    Open,
    /// `Drm_Store_Mount`.
    Mount,
    /// `Drm_Store_Format`.
    Format,
}

/// The servers' keys.
#[derive(Clone, Copy)]
struct Servers {
    license_key: [u8; 64],
    license_root: Option<[u8; 64]>,
    secure_delete_key: [u8; 64],
}

/// Everything a context holds except its key slot.
pub(crate) struct State {
    port: Port,
    store: Option<CStore>,
    kx: Kx,
    acquisition: Option<PendingAcquisition>,
    servers: Servers,
}

/// Most license-store entries a walk reports (licenses, sessions): the counts are `u32`.
fn count(n: usize) -> Res<u32> {
    u32::try_from(n).map_err(|_| code(DRM_E_LOGIC))
}

impl State {
    /// A state over a checked port: no store, no Key Exchange context, default server keys.
    pub(crate) fn new(port: Port) -> Self {
        Self {
            port,
            store: None,
            kx: Kx::Closed,
            acquisition: None,
            servers: Servers {
                license_key: WMRM_SERVER_PUBLIC_KEY,
                license_root: None,
                secure_delete_key: WMRM_SERVER_PUBLIC_KEY,
            },
        }
    }

    /// `Drm_SetServerKeys`.
    pub(crate) fn set_server_keys(&mut self, keys: &DRM_SERVER_KEYS) -> Res<()> {
        let valid = drm_core::crypto::is_valid_public_key;
        if !valid(&keys.license_server_key)
            || !valid(&keys.license_server_root)
            || !valid(&keys.secure_delete_server_key)
        {
            return Err(code(DRM_E_INVALIDARG));
        }
        self.servers = Servers {
            license_key: keys.license_server_key,
            license_root: Some(keys.license_server_root),
            secure_delete_key: keys.secure_delete_server_key,
        };
        Ok(())
    }

    fn config(&self) -> Res<Config<Counter>> {
        #[cfg(feature = "monotonic-counter")]
        {
            let counter = self.port.counter.ok_or(code(DRM_E_LOGIC))?;
            Ok(Config::new().with_counter(counter))
        }
        #[cfg(not(feature = "monotonic-counter"))]
        {
            Ok(Config::new())
        }
    }

    fn store_key(&self) -> Res<drm_core::secret::HmacKey> {
        Ok(self.port.identity.derive_key(b"hds")?)
    }

    /// After the store is open: the anti-rollback clock's boot check (records a rollback).
    fn opened(&mut self, mut store: CStore) -> Res<()> {
        drm_keyexchange::ANTI_ROLLBACK.check(&mut store, &self.port.clock)?;
        self.store = Some(store);
        Ok(())
    }

    /// `Drm_Store_Open` (mount, or format a blank flash), `Drm_Store_Mount` or
    /// `Drm_Store_Format`, on a multiwrite flash as such; then the anti-rollback clock's boot
    /// check. A store open before is released first. Returns how the store was obtained.
    pub(crate) fn store_start(&mut self, start: Start) -> Res<u32> {
        self.store = None;
        let (key, config, flash) = (self.store_key()?, self.config()?, self.port.flash);
        let (store, how) = match (start, flash.multiwrite) {
            (Start::Open, false) => Store::open(flash, key, config)?,
            (Start::Open, true) => Store::open_multiwrite(flash, key, config)?,
            (Start::Mount, false) => (Store::mount(flash, key, config)?, Opened::Mounted),
            (Start::Mount, true) => (
                Store::mount_multiwrite(flash, key, config)?,
                Opened::Mounted,
            ),
            (Start::Format, false) => (Store::format(flash, key, config)?, Opened::FormattedBlank),
            (Start::Format, true) => (
                Store::format_multiwrite(flash, key, config)?,
                Opened::FormattedBlank,
            ),
        };
        self.opened(store)?;
        Ok(match how {
            Opened::Mounted => DRM_STORE_MOUNTED,
            Opened::FormattedBlank => DRM_STORE_FORMATTED_BLANK,
        })
    }

    fn store(&mut self) -> Res<&mut CStore> {
        self.store.as_mut().ok_or(code(DRM_E_CAPI_STORE_NOT_OPEN))
    }

    /// `Drm_Clock_SetTrustedTime`.
    pub(crate) fn set_trusted_time(&mut self, seconds: u64) -> Res<()> {
        drm_keyexchange::ANTI_ROLLBACK.set_trusted_time(self.store()?, seconds)?;
        Ok(())
    }

    /// `Drm_Store_GetInfo`.
    pub(crate) fn store_info(&mut self) -> Res<DRM_STORE_INFO> {
        let store = self.store()?;
        let stats = store.stats();
        Ok(DRM_STORE_INFO {
            pages: u32::from(stats.pages),
            buckets: u32::from(stats.buckets),
            commit_seq: stats.seq,
            erase_min: stats.erase_min,
            erase_max: stats.erase_max,
            max_slot_len: count(store.max_data_len())?,
            multiwrite: u32::from(store.flash().multiwrite),
        })
    }

    /// `Drm_Store_EnumerateLicenses`: fills `out` with as many as fit; returns how many there
    /// are.
    pub(crate) fn licenses(&mut self, out: &mut [DRM_LICENSE_ENTRY]) -> Res<u32> {
        let mut total = 0usize;
        let mut long = false;
        self.store()?.for_each(
            &drm_keyexchange::licenses::LICENSES,
            None,
            |kid, lid, len| {
                if let Some(e) = out.get_mut(total) {
                    let Ok(length) = u32::try_from(len) else {
                        long = true;
                        return ControlFlow::Break(());
                    };
                    *e = DRM_LICENSE_ENTRY {
                        kid: DRM_ID { rgb: *kid },
                        lid: DRM_ID { rgb: *lid },
                        length,
                    };
                }
                total = total.saturating_add(1);
                ControlFlow::Continue(())
            },
        )?;
        if long {
            return Err(code(DRM_E_LOGIC));
        }
        count(total)
    }

    /// `Drm_SecureDelete_EnumerateSessions`: session ids (only pending ones when asked).
    pub(crate) fn sessions(&mut self, pending_only: bool, out: &mut [DRM_ID]) -> Res<u32> {
        let mut total = 0usize;
        self.store()?.for_each(&SESSIONS, None, |id, state, _| {
            if !pending_only || *state == PENDING_KEY {
                if let Some(e) = out.get_mut(total) {
                    *e = DRM_ID { rgb: *id };
                }
                total = total.saturating_add(1);
            }
            ControlFlow::Continue(())
        })?;
        count(total)
    }

    /// `Drm_LicenseAcq_GenerateChallenge`: the challenge at the start of `buf`, the rest used
    /// as work area; returns the challenge's length.
    pub(crate) fn acquisition_challenge(&mut self, kids: &[Kid], buf: &mut [u8]) -> Res<usize> {
        let params = ChallengeParams::new(
            kids,
            &self.servers.license_key,
            self.port.clock.now().unwrap_or(0),
        );
        let identity = &self.port.identity;
        let sizes = acquire::challenge_sizes(&params, identity.certificate_chain().len())?;
        let needed = sizes
            .challenge
            .checked_add(sizes.work)
            .ok_or(code(DRM_E_LOGIC))?;
        if buf.len() < needed {
            return Err(Fail::TooSmall(needed));
        }
        let (out, rest) = buf.split_at_mut(sizes.challenge);
        let work = rest.get_mut(..sizes.work).ok_or(code(DRM_E_LOGIC))?;
        let written = acquire::write_challenge(&params, identity, &mut self.port.rng, work, out);
        work.zeroize();
        let (pending, challenge) = written?;
        let len = challenge.len();
        self.acquisition = Some(pending);
        Ok(len)
    }

    /// `Drm_LicenseAcq_ProcessResponse`: `work` holds at least `response.len()` bytes; `result`
    /// is written only on success. The three phases (response check, delivery, report) are
    /// functions of their own so that the report is not on the stack below the response's
    /// signature check.
    pub(crate) fn acquisition_response(
        &mut self,
        response: &[u8],
        work: &mut [u8],
        result: &mut DRM_LICENSE_RESPONSE,
    ) -> Res<()> {
        let pending = self.acquisition.ok_or(code(DRM_E_CAPI_NO_CHALLENGE))?;
        let root = self
            .servers
            .license_root
            .ok_or(code(DRM_E_CAPI_NO_SERVER_ROOT))?;
        let store = self.store.as_mut().ok_or(code(DRM_E_CAPI_STORE_NOT_OPEN))?;
        if work.len() < response.len() {
            return Err(Fail::TooSmall(response.len()));
        }
        let now = self.port.clock.now();
        let acquired = check_response(response, &pending, &root, now, work)?;
        deliver_into(store, &self.port.identity, &acquired, result)?;
        work.zeroize();
        self.acquisition = None;
        Ok(())
    }

    /// Whether a Key Exchange context is open.
    pub(crate) fn kx_is_open(&self) -> bool {
        !matches!(self.kx, Kx::Closed)
    }

    /// `Drm_KeyExchange_Prepare` into `slot` (the context's key slot, which nothing else
    /// borrows while no Key Exchange context is open).
    pub(crate) fn kx_prepare(
        &mut self,
        slot: &'static mut KeySlot,
        kid: &Kid,
        algorithm: u32,
        operation: u32,
    ) -> Res<()> {
        self.kx_prepare_key(slot, kid, KeyRef::FIRST, algorithm, operation)
    }

    /// `Drm_KeyExchange_PrepareKey`: [`State::kx_prepare`] of the key `key` names.
    pub(crate) fn kx_prepare_key(
        &mut self,
        slot: &'static mut KeySlot,
        kid: &Kid,
        key: KeyRef,
        algorithm: u32,
        operation: u32,
    ) -> Res<()> {
        if self.kx_is_open() {
            return Err(code(DRM_E_CAPI_KX_ALREADY_OPEN));
        }
        let store = self.store.as_mut().ok_or(code(DRM_E_CAPI_STORE_NOT_OPEN))?;
        let (id, clock) = (&self.port.identity, &self.port.clock);
        use drm_keyexchange::prepare_key as p;
        self.kx = match (algorithm, operation) {
            (DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT) => {
                Kx::AesEncrypt(p(slot, store, id, clock, kid, key)?)
            }
            (DRM_KX_ALG_AES128_CBC, DRM_KX_OP_DECRYPT) => {
                Kx::AesDecrypt(p(slot, store, id, clock, kid, key)?)
            }
            (DRM_KX_ALG_HMAC_SHA256, DRM_KX_OP_SIGN) => {
                Kx::HmacSign(p(slot, store, id, clock, kid, key)?)
            }
            (DRM_KX_ALG_HMAC_SHA256, DRM_KX_OP_VERIFY) => {
                Kx::HmacVerify(p(slot, store, id, clock, kid, key)?)
            }
            (DRM_KX_ALG_ECDSA_P256, DRM_KX_OP_SIGN) => {
                Kx::EcdsaSign(p(slot, store, id, clock, kid, key)?)
            }
            (DRM_KX_ALG_ECDSA_P256, DRM_KX_OP_VERIFY) => {
                Kx::EcdsaVerify(p(slot, store, id, clock, kid, key)?)
            }
            _ => return Err(code(DRM_E_INVALIDARG)),
        };
        Ok(())
    }

    /// What Perform does for the open context.
    pub(crate) fn kx_kind(&self) -> Res<PerformKind> {
        Ok(match self.kx {
            Kx::Closed => return Err(code(DRM_E_CAPI_KX_NOT_OPEN)),
            Kx::AesEncrypt(_) | Kx::AesDecrypt(_) => PerformKind::Cipher,
            Kx::HmacSign(_) => PerformKind::Sign(32),
            Kx::EcdsaSign(_) => PerformKind::Sign(64),
            Kx::HmacVerify(_) | Kx::EcdsaVerify(_) => PerformKind::Verify,
        })
    }

    /// Perform of a cipher context: `data` in place, `iv` the 16-byte IV.
    pub(crate) fn kx_cipher(&self, iv: &[u8], data: &mut [u8]) -> Res<()> {
        let iv: &[u8; 16] = iv.try_into().map_err(|_| code(DRM_E_INVALIDARG))?;
        match &self.kx {
            Kx::AesEncrypt(c) => c.encrypt(iv, data)?,
            Kx::AesDecrypt(c) => c.decrypt(iv, data)?,
            _ => return Err(code(DRM_E_CAPI_KX_NOT_OPEN)),
        }
        Ok(())
    }

    /// Perform of a signing context: the tag (32 bytes) or signature (64) at the start.
    pub(crate) fn kx_sign(&self, data: &[u8]) -> Res<[u8; 64]> {
        let mut out = [0u8; 64];
        match &self.kx {
            Kx::HmacSign(c) => {
                let tag = c.sign(data)?;
                out.get_mut(..32)
                    .ok_or(code(DRM_E_LOGIC))?
                    .copy_from_slice(&tag);
            }
            Kx::EcdsaSign(c) => out = c.sign(data)?,
            _ => return Err(code(DRM_E_CAPI_KX_NOT_OPEN)),
        }
        Ok(out)
    }

    /// Perform of a verifying context.
    pub(crate) fn kx_verify(&self, data: &[u8], tag: &[u8]) -> Res<()> {
        match &self.kx {
            Kx::HmacVerify(c) => c.verify(data, tag)?,
            Kx::EcdsaVerify(c) => c.verify(data, tag)?,
            _ => return Err(code(DRM_E_CAPI_KX_NOT_OPEN)),
        }
        Ok(())
    }

    /// `Drm_KeyExchange_Close`: the key slot is zeroized.
    pub(crate) fn kx_close(&mut self) -> Res<()> {
        if !self.kx_is_open() {
            return Err(code(DRM_E_CAPI_KX_NOT_OPEN));
        }
        self.kx = Kx::Closed;
        Ok(())
    }

    /// `Drm_SecureDelete_RemoveSession`.
    pub(crate) fn sd_remove(&mut self, id: &SessionId) -> Res<()> {
        drm_securedelete::delete_licenses(self.store()?, id)?;
        Ok(())
    }

    /// `Drm_SecureDelete_GenerateChallenge` into `out`; returns its length.
    pub(crate) fn sd_challenge(&mut self, id: &SessionId, out: &mut [u8]) -> Res<usize> {
        let store = self.store.as_mut().ok_or(code(DRM_E_CAPI_STORE_NOT_OPEN))?;
        let sd = SecureDelete::new(&self.port.identity)
            .with_server_key(self.servers.secure_delete_key)?;
        let needed = sd.challenge_len(store, id)?;
        if out.len() < needed {
            // A pending session only: an active one has no challenge yet.
            drm_securedelete::session::load(store, id)?
                .filter(|r| r.state() == drm_securedelete::SessionState::Pending)
                .ok_or(code(DRM_E_SD_SESSION_NOT_PENDING))?;
            return Err(Fail::TooSmall(needed));
        }
        Ok(sd.generate_challenge(store, &mut self.port.rng, id, out)?)
    }

    /// `Drm_SecureDelete_ProcessResponse`.
    pub(crate) fn sd_response(&mut self, response: &[u8]) -> Res<SessionId> {
        let store = self.store.as_mut().ok_or(code(DRM_E_CAPI_STORE_NOT_OPEN))?;
        Ok(drm_securedelete::process_response(store, response)?)
    }
}

/// The first phase of [`State::acquisition_response`]: the server's chain, signature and nonce.
#[inline(never)]
fn check_response<'w>(
    response: &[u8],
    pending: &PendingAcquisition,
    root: &[u8; 64],
    now: Option<u64>,
    work: &'w mut [u8],
) -> Res<acquire::AcquiredLicenses<'w>> {
    Ok(acquire::process_response(
        response, pending, root, now, work,
    )?)
}

/// The second phase: every license verified, the good ones stored in one commit (with the
/// session record of the response's id), and `result` filled in from the report.
#[inline(never)]
fn deliver_into(
    store: &mut CStore,
    identity: &crate::port::Identity,
    acquired: &acquire::AcquiredLicenses<'_>,
    result: &mut DRM_LICENSE_RESPONSE,
) -> Res<()> {
    let session = acquired.response_id();
    let mut report = Report::new();
    match session {
        Some(id) => {
            drm_securedelete::store_session_licenses(
                store,
                identity,
                &id,
                acquired.iter(),
                &mut report,
            )?;
        }
        None => drm_keyexchange::deliver_acquired(store, identity, acquired, &mut report)?,
    }
    result.session_id = DRM_ID {
        rgb: session.map(SessionId::to_bytes).unwrap_or_default(),
    };
    result.has_session_id = u32::from(session.is_some());
    result.license_count = count(report.len())?;
    result.stored_count = 0;
    for entry in &mut result.licenses {
        *entry = DRM_LICENSE_STATUS::default();
    }
    for (entry, r) in result.licenses.iter_mut().zip(report.iter()) {
        let status = match r.outcome {
            Outcome::Stored => DRM_SUCCESS,
            Outcome::NotPersistent => DRM_S_FALSE,
            Outcome::Refused(e) => rc(e.code()),
        };
        if status == DRM_SUCCESS {
            result.stored_count = result.stored_count.saturating_add(1);
        }
        *entry = DRM_LICENSE_STATUS {
            kid: DRM_ID {
                rgb: r.kid.to_bytes(),
            },
            lid: DRM_ID {
                rgb: r.lid.to_bytes(),
            },
            key_exchange: u32::from(r.key_exchange),
            result: status,
        };
    }
    Ok(())
}
