//! The error returned when the service cannot start.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Boxed error from a dependency, kept out of the public signature.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why [`LocalIdentityServiceBuilder::start`](crate::LocalIdentityServiceBuilder::start) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The builder was not given a data directory.
    #[error("missing data directory: call `data_dir(..)` on the builder")]
    MissingDataDir,

    /// A builder setting is out of range.
    #[error("invalid configuration: {0}")]
    InvalidConfiguration(String),

    /// The data directory could not be created or read.
    #[error("failed to prepare data directory {}: {source}", path.display())]
    DataDir {
        /// The data directory.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },

    /// The vault key file could not be read or created.
    #[error("failed to access vault key file {}: {source}", path.display())]
    VaultKeyFile {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },

    /// The vault key file does not contain the base64 encoding of 32 bytes.
    #[error(
        "invalid vault key in {}: expected the base64 encoding of 32 bytes",
        path.display()
    )]
    InvalidVaultKey {
        /// The key file.
        path: PathBuf,
    },

    /// A vault exists but its key file is gone, and no key was given.
    #[error(
        "missing vault key: {} exists but {} does not; restore the key file or pass the key the vault was created with",
        vault.display(),
        key_file.display()
    )]
    MissingVaultKey {
        /// The vault database.
        vault: PathBuf,
        /// The expected location of the key file.
        key_file: PathBuf,
    },

    /// The vault key does not decrypt the existing vault.
    #[error(
        "wrong vault key: the key does not decrypt the vault at {}; use the key it was created with, or move the data directory aside to start empty",
        path.display()
    )]
    WrongVaultKey {
        /// The vault database.
        path: PathBuf,
    },

    /// The vault database could not be opened or migrated.
    #[error("failed to open vault database {}: {source}", path.display())]
    Database {
        /// The vault database.
        path: PathBuf,
        /// The database error.
        source: BoxError,
    },

    /// A trusted issuer's discovery document or key set could not be loaded.
    #[error("failed to load trusted issuer {location}: {source}")]
    TrustedIssuer {
        /// The discovery URL, JWKS URL or issuer of the failing entry.
        location: String,
        /// The underlying failure.
        source: BoxError,
    },

    /// The listening socket could not be bound.
    #[error("failed to listen on {addr}: {source}")]
    Bind {
        /// The requested address.
        addr: SocketAddr,
        /// The I/O error.
        source: io::Error,
    },
}
