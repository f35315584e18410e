//! The firmware side of the semihosting files a round trip shares with the host (`drm-tests`
//! example `sd_qemu_host`): shared by `bin/sd_roundtrip.rs` and `bin/bench_ops.rs`, each of which
//! includes this file as a module.

use drm_core::platform::SoftwareIdentity;
use drm_core::secret::{EccPrivateKey, HmacKey};
use semihosting::fs;

/// Largest `sd_device.bin`.
pub const DEVICE_MAX: usize = 1024;

/// Reads the whole file `path` into `buf`.
pub fn read_file<'b>(path: &core::ffi::CStr, buf: &'b mut [u8]) -> Result<&'b [u8], &'static str> {
    let mut file = fs::File::open(path).map_err(|_| "open")?;
    let mut len = 0;
    loop {
        let rest = buf.get_mut(len..).ok_or("file too large")?;
        if rest.is_empty() {
            return Err("file too large");
        }
        let n = semihosting::io::Read::read(&mut file, rest).map_err(|_| "read")?;
        if n == 0 {
            break;
        }
        len += n;
    }
    buf.get(..len).ok_or("read")
}

/// Reads the first `N` bytes of the file `path` (it may be longer).
pub fn read_prefix<const N: usize>(path: &core::ffi::CStr) -> Result<[u8; N], &'static str> {
    let mut file = fs::File::open(path).map_err(|_| "open")?;
    let mut buf = [0u8; N];
    let mut len = 0;
    while len < N {
        let rest = buf.get_mut(len..).ok_or("read")?;
        let n = semihosting::io::Read::read(&mut file, rest).map_err(|_| "read")?;
        if n == 0 {
            return Err("file too short");
        }
        len += n;
    }
    Ok(buf)
}

/// Waits (polling) for the host's file `path`, then reads it.
pub fn wait_for<'b>(path: &core::ffi::CStr, buf: &'b mut [u8]) -> Result<&'b [u8], &'static str> {
    for _ in 0..4000 {
        if fs::File::open(path).is_ok() {
            return read_file(path, buf);
        }
        cortex_m::asm::delay(2_000_000);
    }
    Err("no response from the host")
}

/// The device from `sd_device.bin`, written by the host: the device's signing and encryption
/// private keys (32 bytes each), the Secure Delete server's public key (64) and the device's
/// certificate chain (the rest).
pub struct Device {
    buf: [u8; DEVICE_MAX],
    len: usize,
}

impl Device {
    #[inline(never)]
    pub fn read() -> Result<Self, &'static str> {
        let mut buf = [0u8; DEVICE_MAX];
        let len = read_file(c"sd_device.bin", &mut buf)?.len();
        if len < 128 {
            return Err("sd_device.bin too short");
        }
        Ok(Self { buf, len })
    }

    /// The identity (its public keys are computed here, in a frame of its own) and the Secure
    /// Delete server's key.
    #[inline(never)]
    pub fn identity(&self) -> Result<(SoftwareIdentity<&[u8]>, [u8; 64]), &'static str> {
        let bytes = self.buf.get(..self.len).ok_or("device")?;
        let (keys, chain) = bytes.split_at_checked(128).ok_or("device")?;
        let (signing, rest) = keys.split_at(32);
        let (encryption, server_key) = rest.split_at(32);
        let identity = SoftwareIdentity::new(
            EccPrivateKey::try_from_slice(signing).ok_or("signing key")?,
            EccPrivateKey::try_from_slice(encryption).ok_or("encryption key")?,
            HmacKey::from_bytes([0x11; 32]),
            chain,
            150,
        )
        .map_err(|_| "identity")?;
        let server_key: [u8; 64] = server_key.try_into().map_err(|_| "server key")?;
        Ok((identity, server_key))
    }
}

/// The device's two private keys alone (the first 64 bytes of `sd_device.bin`): an identity
/// without its certificate chain, for what needs no chain (license verification, Prepare), in 64
/// bytes of stack instead of the whole file's [`DEVICE_MAX`].
#[inline(never)]
pub fn keys_only_identity() -> Result<SoftwareIdentity<&'static [u8]>, &'static str> {
    let keys = read_prefix::<64>(c"sd_device.bin")?;
    let (signing, encryption) = keys.split_at(32);
    SoftwareIdentity::new(
        EccPrivateKey::try_from_slice(signing).ok_or("signing key")?,
        EccPrivateKey::try_from_slice(encryption).ok_or("encryption key")?,
        HmacKey::from_bytes([0x11; 32]),
        &[][..],
        150,
    )
    .map_err(|_| "identity")
}
