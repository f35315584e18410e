//! A [`SoftwareIdentity`] kept in a directory of files, for hosts and simulators.
//!
//! Files (raw bytes, written owner-only where the platform allows):
//!
//! | file | content |
//! |---|---|
//! | `signing.key` | P-256 signing private key, 32 bytes big-endian |
//! | `encryption.key` | P-256 encryption private key, 32 bytes big-endian |
//! | `device.secret` | 32-byte device secret for `derive_key` |
//! | `security_level` | the security level in decimal ASCII (150, 2000, 3000) |
//! | `chain.bcert` | the BCert chain issued for these keys (absent until provisioned) |
//!
//! Keys in files are not protected: for tests and simulations only.

use std::fs;
use std::io;
use std::path::Path;

use drm_core::crypto;
use drm_core::platform::SoftwareIdentity;
use drm_core::secret::{EccPrivateKey, HmacKey};
use rand_core::TryCryptoRng;

use crate::files::{create_private_dir, write_durably};

/// File names inside an identity directory.
pub const SIGNING_KEY_FILE: &str = "signing.key";
/// See [`SIGNING_KEY_FILE`].
pub const ENCRYPTION_KEY_FILE: &str = "encryption.key";
/// See [`SIGNING_KEY_FILE`].
pub const DEVICE_SECRET_FILE: &str = "device.secret";
/// See [`SIGNING_KEY_FILE`].
pub const SECURITY_LEVEL_FILE: &str = "security_level";
/// See [`SIGNING_KEY_FILE`].
pub const CHAIN_FILE: &str = "chain.bcert";

/// The public half of a generated identity: what a provisioning authority needs to issue the
/// device's certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKeys {
    /// Signing public key `X‖Y` (usage 1).
    pub signing: [u8; 64],
    /// Encryption public key `X‖Y` (usage 2).
    pub encryption: [u8; 64],
}

/// Generates two key pairs and a device secret with `rng` and writes them, and the security
/// level, into `dir` (created if needed). Existing files are replaced. The chain is written
/// later with [`store_chain`], once an authority has issued it for the returned public keys.
pub fn generate<R: TryCryptoRng + ?Sized>(
    dir: &Path,
    security_level: u32,
    rng: &mut R,
) -> io::Result<PublicKeys> {
    create_private_dir(dir)?;
    let (signing, signing_public) = crypto::ecc_generate_key(rng).map_err(core_error)?;
    let (encryption, encryption_public) = crypto::ecc_generate_key(rng).map_err(core_error)?;
    let mut secret = [0u8; 32];
    rng.try_fill_bytes(&mut secret)
        .map_err(|_| core_error(drm_core::Error::Rng))?;
    let secret = HmacKey::from_bytes(secret);
    write_durably(&dir.join(SIGNING_KEY_FILE), signing.expose_secret())?;
    write_durably(&dir.join(ENCRYPTION_KEY_FILE), encryption.expose_secret())?;
    write_durably(&dir.join(DEVICE_SECRET_FILE), secret.expose_secret())?;
    write_durably(
        &dir.join(SECURITY_LEVEL_FILE),
        security_level.to_string().as_bytes(),
    )?;
    Ok(PublicKeys {
        signing: signing_public,
        encryption: encryption_public,
    })
}

/// Writes (replaces) the identity's certificate chain.
pub fn store_chain(dir: &Path, chain: &[u8]) -> io::Result<()> {
    write_durably(&dir.join(CHAIN_FILE), chain)
}

/// Loads the identity in `dir`. A missing chain file gives an empty chain (not yet
/// provisioned); a missing or malformed key file, or an invalid key, is an error.
pub fn load(dir: &Path) -> io::Result<SoftwareIdentity<Vec<u8>>> {
    let signing = EccPrivateKey::from_bytes(read_secret(&dir.join(SIGNING_KEY_FILE))?);
    let encryption = EccPrivateKey::from_bytes(read_secret(&dir.join(ENCRYPTION_KEY_FILE))?);
    let secret = HmacKey::from_bytes(read_secret(&dir.join(DEVICE_SECRET_FILE))?);
    let level = fs::read_to_string(dir.join(SECURITY_LEVEL_FILE))?;
    let level: u32 = level
        .trim()
        .parse()
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad security_level file"))?;
    let chain = match fs::read(dir.join(CHAIN_FILE)) {
        Ok(chain) => chain,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    SoftwareIdentity::new(signing, encryption, secret, chain, level).map_err(core_error)
}

fn read_secret(path: &Path) -> io::Result<[u8; 32]> {
    let mut bytes = fs::read(path)?;
    let out: Result<[u8; 32], _> = bytes.as_slice().try_into();
    zeroize::Zeroize::zeroize(bytes.as_mut_slice());
    out.map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is not 32 bytes", path.display()),
        )
    })
}

fn core_error(e: drm_core::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}
