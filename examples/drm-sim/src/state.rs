//! The state directory: the provisioned device, the simulated servers' keys, the flash image.
//!
//! Layout (every key file is raw bytes; public keys are `X ‖ Y`, 64 bytes; private keys are
//! P-256 scalars, 32 bytes big-endian). All of it is **test material**.
//!
//! ```text
//! STATE/
//!   lock                              held by the drm-sim using the directory (pid, command)
//!   provisioned                       written last: provisioning completed
//!   device/                           the device identity (drm-target-host's identity files)
//!     signing.key encryption.key device.secret security_level chain.bcert
//!   pki/root.pub                      the test root that device and server chains verify to
//!   servers/license-server.key|.pub   the key license challenges are encrypted to
//!   servers/license-server-signing.key  the key that signs license responses (usage 0x14)
//!   servers/license-server-chain.bcert  the license server's chain
//!   servers/securedelete-server.key|.pub  the key Secure Delete challenges are encrypted to
//!   servers/records.sqlite            the servers' records (devices, sessions, licenses)
//!   flash.img                         the HDS (a file-backed NOR flash image)
//!   counter                           the monotonic counter anchoring the store
//!   licenses/                         every license the demo received (KID.xmr)
//!   challenges/                       Secure Delete challenges the device generated
//!   demo-record.json                  what earlier demo runs did (sessions, key exchange results)
//! ```
//!
//! Every file is created owner-only (600) and every directory 700, from the start: the
//! directory holds private keys. One program at a time uses it: [`open_or_provision`] takes
//! the directory's lock (and the flash image its own), and a second one is refused before it
//! reads or writes anything else.

use std::fs;
use std::path::{Path, PathBuf};

use drm_core::platform::SoftwareIdentity;
use drm_servers::TestRng;
use drm_servers::crypto::{KeyPair, PublicKeyBytes};
use drm_servers::pki::{
    Authority, CERT_TYPE_DEVICE, CertKey, CertSpec, SL_150, ServerIdentity, USAGE_ENCRYPT_KEY,
    USAGE_SIGN,
};
use drm_target_host::files::{DirLock, LockError, create_private_dir, write_durably};
use drm_target_host::{OsRng, identity};

use crate::report::{CliError, read_exact};

/// The security level the simulated device is provisioned at (test/development).
pub const DEVICE_SECURITY_LEVEL: u32 = SL_150;

/// Paths inside a state directory.
#[derive(Debug, Clone)]
pub struct StatePaths {
    /// The state directory.
    pub root: PathBuf,
}

impl StatePaths {
    /// The state directory given with `--state`, or the default: `drm-sim-state` in the build
    /// output directory (the parent of the directory holding this executable, `target/`).
    pub fn new(given: Option<PathBuf>) -> Result<Self, CliError> {
        if let Some(root) = given {
            return Ok(Self { root });
        }
        let exe = std::env::current_exe()
            .map_err(|e| CliError::fail(format!("cannot find the executable's path: {e}")))?;
        let target = exe
            .parent()
            .and_then(Path::parent)
            .ok_or_else(|| CliError::fail("cannot find the build output directory"))?;
        let root = target.join("drm-sim-state");
        // Shown relative to the working directory when it is below it (`target/drm-sim-state`).
        let root = std::env::current_dir()
            .ok()
            .and_then(|cwd| root.strip_prefix(cwd).ok().map(Path::to_path_buf))
            .unwrap_or(root);
        Ok(Self { root })
    }

    /// A path inside the state directory.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The device identity directory.
    pub fn device_dir(&self) -> PathBuf {
        self.join("device")
    }

    /// The device's chain.
    pub fn device_chain(&self) -> PathBuf {
        self.device_dir().join(identity::CHAIN_FILE)
    }

    /// The device's encryption key (what `xmr inspect --device-key` takes).
    pub fn device_encryption_key(&self) -> PathBuf {
        self.device_dir().join(identity::ENCRYPTION_KEY_FILE)
    }

    /// The test root public key.
    pub fn root_pub(&self) -> PathBuf {
        self.join("pki/root.pub")
    }

    /// The license server's challenge decryption key.
    pub fn license_server_key(&self) -> PathBuf {
        self.join("servers/license-server.key")
    }

    /// The license server's response signing key.
    pub fn license_server_signing_key(&self) -> PathBuf {
        self.join("servers/license-server-signing.key")
    }

    /// The license server's chain.
    pub fn license_server_chain(&self) -> PathBuf {
        self.join("servers/license-server-chain.bcert")
    }

    /// The Secure Delete server's private key.
    pub fn securedelete_server_key(&self) -> PathBuf {
        self.join("servers/securedelete-server.key")
    }

    /// The Secure Delete server's public key.
    pub fn securedelete_server_pub(&self) -> PathBuf {
        self.join("servers/securedelete-server.pub")
    }

    /// The flash image holding the HDS.
    pub fn flash_image(&self) -> PathBuf {
        self.join("flash.img")
    }

    /// The monotonic counter file.
    pub fn counter(&self) -> PathBuf {
        self.join("counter")
    }

    /// Where received licenses are copied.
    pub fn licenses_dir(&self) -> PathBuf {
        self.join("licenses")
    }

    /// Where generated Secure Delete challenges are written.
    pub fn challenges_dir(&self) -> PathBuf {
        self.join("challenges")
    }

    /// The simulated servers' records (SQLite; `drm-sim serve` and the demo's servers).
    pub fn server_database(&self) -> PathBuf {
        self.join("servers/records.sqlite")
    }

    /// The demo's record of earlier runs.
    pub fn record(&self) -> PathBuf {
        self.join("demo-record.json")
    }

    fn marker(&self) -> PathBuf {
        self.join("provisioned")
    }

    /// The exported files, for people: (path, what it is).
    pub fn exported(&self) -> Vec<(PathBuf, &'static str)> {
        vec![
            (self.device_chain(), "device certificate chain (BCert)"),
            (
                self.device_encryption_key(),
                "device encryption private key (for xmr inspect --device-key)",
            ),
            (
                self.device_dir().join(identity::SIGNING_KEY_FILE),
                "device signing private key",
            ),
            (self.root_pub(), "test root public key (for --root)"),
            (self.license_server_chain(), "license server chain (BCert)"),
            (
                self.license_server_key(),
                "license server private key (challenges are encrypted to it)",
            ),
            (
                self.securedelete_server_key(),
                "Secure Delete server private key (for securedelete verify --server-key)",
            ),
            (
                self.securedelete_server_pub(),
                "Secure Delete server public key",
            ),
            (self.flash_image(), "flash image holding the HDS"),
        ]
    }
}

/// The server side of the simulation, loaded from the state directory.
pub struct Keys {
    /// The trusted root of device and server chains.
    pub root: PublicKeyBytes,
    /// The license server's challenge decryption key.
    pub license_key: KeyPair,
    /// The license server's identity (chain, response signing key).
    pub license_identity: ServerIdentity,
    /// The Secure Delete server's key.
    pub securedelete_key: KeyPair,
}

/// The provisioned state.
pub struct State {
    /// Paths.
    pub paths: StatePaths,
    /// The device.
    pub device: SoftwareIdentity<Vec<u8>>,
    /// The servers.
    pub servers: Keys,
    /// True when this run provisioned the device (first run).
    pub fresh: bool,
    /// The directory's lock: the state is this program's while it lives (keep it bound).
    pub lock: DirLock,
}

fn io_fail(what: &str, path: &Path, e: &std::io::Error) -> CliError {
    CliError::fail(format!("{what} {}: {e}", path.display()))
}

/// Writes (replaces, durably) a file of the state directory, owner-only from creation, and
/// creates its directory (700) when missing.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir).map_err(|e| io_fail("cannot create", dir, &e))?;
    }
    write_durably(path, bytes).map_err(|e| io_fail("cannot write", path, &e))
}

/// Takes the state directory's lock (creating the directory, 700, when missing). Another
/// program holding it is an error naming the holder; nothing is changed then.
fn lock(paths: &StatePaths) -> Result<DirLock, CliError> {
    let what = std::env::args().collect::<Vec<_>>().join(" ");
    DirLock::acquire(&paths.root, &what).map_err(|e| match e {
        LockError::Held { holder, .. } => CliError::fail(format!(
            "state directory {} is in use by {} (one program at a time: two on one store \
             would corrupt it); nothing was changed",
            paths.root.display(),
            holder.unwrap_or_else(|| "another process".to_owned())
        )),
        LockError::Io(e) => io_fail("cannot lock the state directory", &paths.root, &e),
    })
}

fn load_pair(path: &Path, what: &str) -> Result<KeyPair, CliError> {
    let bytes = read_exact::<32>(path, what)?;
    KeyPair::from_secret_bytes(&bytes).ok_or_else(|| {
        CliError::fail(format!(
            "{what} {}: not a valid P-256 private key",
            path.display()
        ))
    })
}

/// Opens a provisioned state directory; one not provisioned yet is an error (nothing is
/// created).
pub fn open_existing(paths: StatePaths) -> Result<State, CliError> {
    if !paths.marker().exists() {
        return Err(CliError::fail(format!(
            "{} is not a provisioned state directory (run `drm-sim demo` or `drm-sim provision`)",
            paths.root.display()
        )));
    }
    open_or_provision(paths)
}

/// Opens the state directory, provisioning it first when it is not provisioned yet.
pub fn open_or_provision(paths: StatePaths) -> Result<State, CliError> {
    let lock = lock(&paths)?;
    let fresh = !paths.marker().exists();
    if fresh {
        provision(&paths)?;
    }
    let device = identity::load(&paths.device_dir()).map_err(|e| {
        io_fail(
            "cannot load the device identity in",
            &paths.device_dir(),
            &e,
        )
    })?;
    let servers = Keys {
        root: read_exact::<64>(&paths.root_pub(), "root key")?,
        license_key: load_pair(&paths.license_server_key(), "license server key")?,
        license_identity: ServerIdentity {
            chain: crate::report::read_input(&paths.license_server_chain(), "server chain")?,
            signing: load_pair(
                &paths.license_server_signing_key(),
                "license server signing key",
            )?,
        },
        securedelete_key: load_pair(&paths.securedelete_server_key(), "Secure Delete key")?,
    };
    Ok(State {
        paths,
        device,
        servers,
        fresh,
        lock,
    })
}

/// First run: the device makes its own key pairs (drm-target-host's file identity, from the
/// OS's generator); a fresh test authority (drm-tests' `Authority`) issues its chain, the
/// license server's identity, and the servers' keys. Everything goes to files; the marker
/// file last, so an interrupted provisioning is done again.
fn provision(paths: &StatePaths) -> Result<(), CliError> {
    let device_dir = paths.device_dir();
    let public = identity::generate(&device_dir, DEVICE_SECURITY_LEVEL, &mut OsRng)
        .map_err(|e| io_fail("cannot create the device identity in", &device_dir, &e))?;

    let mut authority = Authority::new(TestRng::from_os());
    let spec = CertSpec {
        cert_id: authority.rng().array(),
        security_level: DEVICE_SECURITY_LEVEL,
        flags: 0,
        cert_type: CERT_TYPE_DEVICE,
        expiration: u32::MAX,
        client_id: authority.rng().array(),
        keys: vec![
            CertKey {
                public: public.signing,
                flags: 0,
                usages: vec![USAGE_SIGN],
            },
            CertKey {
                public: public.encryption,
                flags: 0,
                usages: vec![USAGE_ENCRYPT_KEY],
            },
        ],
        extra_attributes: Vec::new(),
    };
    let chain = authority.chain_for(&spec);
    identity::store_chain(&device_dir, &chain)
        .map_err(|e| io_fail("cannot write the chain in", &device_dir, &e))?;

    let server = authority.provision_server();
    let license_key = KeyPair::generate(authority.rng());
    let securedelete_key = KeyPair::generate(authority.rng());
    write(&paths.root_pub(), &authority.root_public_key())?;
    write(&paths.license_server_key(), &license_key.secret_bytes())?;
    write(
        &paths.join("servers/license-server.pub"),
        &license_key.public(),
    )?;
    write(
        &paths.license_server_signing_key(),
        &server.signing.secret_bytes(),
    )?;
    write(&paths.license_server_chain(), &server.chain)?;
    write(
        &paths.securedelete_server_key(),
        &securedelete_key.secret_bytes(),
    )?;
    write(&paths.securedelete_server_pub(), &securedelete_key.public())?;
    // A new device starts with a blank store, and servers with new keys with no records.
    let db = paths.server_database();
    let db_files = ["-wal", "-shm"].map(|s| {
        let mut p = db.clone().into_os_string();
        p.push(s);
        PathBuf::from(p)
    });
    for stale in [paths.flash_image(), paths.counter(), db.clone()]
        .into_iter()
        .chain(db_files)
    {
        match fs::remove_file(&stale) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_fail("cannot remove", &stale, &e)),
        }
    }
    write(
        &paths.marker(),
        b"drm-sim state: provisioning completed (test material only)\n",
    )
}
