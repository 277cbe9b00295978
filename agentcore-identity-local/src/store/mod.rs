//! The token vault's persistent storage: one SQLite database in the data directory.
//!
//! Secrets (API keys, OAuth2 client secrets, access and refresh tokens, PKCE verifiers, user
//! JWTs, the workload-token signing key, the web identity token signing keys) are sealed with
//! [`VaultCipher`] before they reach SQLite. Names and timestamps are stored in the clear, so
//! listing needs no decryption.

mod api_key_providers;
mod oauth2_providers;
mod oauth2_sessions;
mod oauth2_tokens;
mod user_token_grants;
mod web_identity_keys;
mod workload_identities;

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rand::RngCore;
use rusqlite::{Connection, OptionalExtension};
use secrecy::SecretSlice;

use crate::cipher::{DecryptError, VAULT_KEY_LEN, VaultCipher};
use crate::start_error::StartError;

pub(crate) use api_key_providers::ApiKeyProviderRecord;
pub(crate) use oauth2_providers::Oauth2ProviderRecord;
pub(crate) use oauth2_sessions::{CompleteOutcome, SessionRecord, SessionSecrets, SessionStatus};
pub(crate) use oauth2_tokens::{StoredToken, TokenKey};
pub(crate) use user_token_grants::UserTokenGrant;
pub(crate) use workload_identities::WorkloadIdentityRecord;

/// File name of the database inside the data directory.
pub(crate) const DATABASE_FILE_NAME: &str = "vault.db";

/// Schema version written to `PRAGMA user_version`; each migration below raises it by one.
const SCHEMA_VERSION: i32 = 3;

const SIGNING_KEY_CONTEXT: &[u8] = b"workload-token-signing-key";

const SCHEMA_V1: &str = "
CREATE TABLE vault (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    created_at_ms INTEGER NOT NULL,
    sealed_signing_key BLOB NOT NULL
);
CREATE TABLE workload_identities (
    name TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    allowed_return_urls TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE TABLE api_key_providers (
    name TEXT PRIMARY KEY,
    secret_suffix TEXT NOT NULL,
    sealed_api_key BLOB NOT NULL,
    tags TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE TABLE user_token_grants (
    token_id TEXT PRIMARY KEY,
    workload_identity_id TEXT NOT NULL,
    user_issuer TEXT NOT NULL,
    user_subject TEXT NOT NULL,
    sealed_user_token BLOB NOT NULL,
    expires_at_ms INTEGER NOT NULL
);
CREATE INDEX user_token_grants_by_workload ON user_token_grants (workload_identity_id);
";

/// OAuth2 credential providers, the tokens kept for them, and authorization sessions of the
/// user-federation flow. `config` is the provider's configuration without its secret, as JSON.
const SCHEMA_V2: &str = "
CREATE TABLE oauth2_providers (
    name TEXT PRIMARY KEY,
    vendor TEXT NOT NULL,
    config TEXT NOT NULL,
    sealed_client_secret BLOB,
    secret_suffix TEXT NOT NULL,
    callback_id TEXT NOT NULL UNIQUE,
    tags TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE TABLE oauth2_tokens (
    workload_identity_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    provider_name TEXT NOT NULL,
    request_key TEXT NOT NULL,
    sealed_token BLOB NOT NULL,
    expires_at_ms INTEGER,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (workload_identity_id, user_key, provider_name, request_key)
);
CREATE INDEX oauth2_tokens_by_provider ON oauth2_tokens (provider_name);
CREATE TABLE oauth2_sessions (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL UNIQUE,
    provider_name TEXT NOT NULL,
    workload_identity_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    request_key TEXT NOT NULL,
    return_url TEXT NOT NULL,
    sealed_secrets BLOB NOT NULL,
    status TEXT NOT NULL,
    failure TEXT,
    sealed_token BLOB,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
);
CREATE INDEX oauth2_sessions_by_provider ON oauth2_sessions (provider_name);
CREATE INDEX oauth2_sessions_by_workload ON oauth2_sessions (workload_identity_id);
";

/// Private keys that sign the web identity tokens of STS `GetWebIdentityToken`, by JOSE
/// algorithm name, as sealed PKCS#8 documents.
const SCHEMA_V3: &str = "
CREATE TABLE web_identity_keys (
    algorithm TEXT PRIMARY KEY,
    sealed_private_key BLOB NOT NULL,
    created_at_ms INTEGER NOT NULL
);
";

/// A storage failure; mapped to `InternalServerException` (or `DecryptionFailure` on the control
/// plane) by the operations.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error("vault database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error(transparent)]
    Decrypt(#[from] DecryptError),
    #[error("stored record is corrupt: {0}")]
    Corrupt(String),
    #[error("vault database task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Result of [`Store::open`]: the store, and the vault's signing key and creation time.
pub(crate) struct OpenedVault {
    pub(crate) store: Store,
    pub(crate) signing_key: SecretSlice<u8>,
    pub(crate) created_at_ms: i64,
    pub(crate) created_now: bool,
}

/// Shared handle to the vault database. Queries run on the blocking thread pool and take
/// turns on one connection, because a development service needs no parallel writes.
#[derive(Clone)]
pub(crate) struct Store {
    inner: Arc<StoreInner>,
}

struct StoreInner {
    connection: Mutex<Connection>,
    cipher: VaultCipher,
}

impl Store {
    /// Opens or creates the vault at `path`, and proves `key` is the vault's key by opening the
    /// sealed signing key.
    pub(crate) fn open(
        path: &Path,
        key: &[u8; VAULT_KEY_LEN],
        now_ms: i64,
    ) -> Result<OpenedVault, StartError> {
        let database_error = |source: rusqlite::Error| StartError::Database {
            path: path.to_path_buf(),
            source: Box::new(source),
        };

        let mut connection = Connection::open(path).map_err(database_error)?;
        configure(&connection).map_err(database_error)?;
        let version = migrate(&mut connection).map_err(database_error)?;
        if version > SCHEMA_VERSION {
            return Err(StartError::Database {
                path: path.to_path_buf(),
                source: format!(
                    "schema version {version} was written by a newer agentcore-identity-local, which this version ({SCHEMA_VERSION}) cannot read"
                )
                .into(),
            });
        }

        let cipher = VaultCipher::new(key);
        let existing: Option<(i64, Vec<u8>)> = connection
            .query_row(
                "SELECT created_at_ms, sealed_signing_key FROM vault WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(database_error)?;

        let (created_at_ms, signing_key, created_now) = match existing {
            Some((created_at_ms, sealed)) => {
                let signing_key =
                    cipher
                        .open(&sealed, SIGNING_KEY_CONTEXT)
                        .map_err(|DecryptError| StartError::WrongVaultKey {
                            path: path.to_path_buf(),
                        })?;
                (created_at_ms, signing_key, false)
            }
            None => {
                let mut signing_key = vec![0u8; 32];
                rand::rng().fill_bytes(&mut signing_key);
                connection
                    .execute(
                        "INSERT INTO vault (id, created_at_ms, sealed_signing_key) VALUES (1, ?1, ?2)",
                        (now_ms, cipher.seal(&signing_key, SIGNING_KEY_CONTEXT)),
                    )
                    .map_err(database_error)?;
                (now_ms, signing_key, true)
            }
        };

        let store = Store {
            inner: Arc::new(StoreInner {
                connection: Mutex::new(connection),
                cipher,
            }),
        };
        Ok(OpenedVault {
            store,
            signing_key: signing_key.into(),
            created_at_ms,
            created_now,
        })
    }

    /// Runs `query` against the database on the blocking thread pool.
    pub(crate) async fn run<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut Connection, &VaultCipher) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            // A panic inside a query leaves SQLite consistent (the transaction rolls back on
            // drop), so a poisoned lock is safe to reuse.
            let mut connection = inner
                .connection
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            query(&mut connection, &inner.cipher)
        })
        .await?
    }
}

fn configure(connection: &Connection) -> rusqlite::Result<()> {
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

/// Brings an older schema up to [`SCHEMA_VERSION`] and returns the version found, which is
/// left alone when it is newer.
fn migrate(connection: &mut Connection) -> rusqlite::Result<i32> {
    let version: i32 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version >= SCHEMA_VERSION {
        return Ok(version);
    }

    let transaction = connection.transaction()?;
    if version < 1 {
        transaction.execute_batch(SCHEMA_V1)?;
    }
    if version < 2 {
        transaction.execute_batch(SCHEMA_V2)?;
    }
    if version < 3 {
        transaction.execute_batch(SCHEMA_V3)?;
    }
    transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    transaction.commit()?;
    Ok(version)
}

/// Reads a JSON column written by this module.
fn from_json_column<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::Corrupt(error.to_string()))
}

/// Writes a JSON column.
fn to_json_column<T: serde::Serialize>(value: &T) -> String {
    // serde_json fails only on non-string map keys and failing `Serialize` impls, and the
    // columns contain only strings, lists of strings and string-keyed maps.
    serde_json::to_string(value).expect("column value serializes to JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_rejects_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE_NAME);
        let connection = Connection::open(&path).unwrap();
        connection
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(connection);

        let Err(error) = Store::open(&path, &[1; VAULT_KEY_LEN], 0) else {
            panic!("a newer schema opened");
        };

        assert!(error.to_string().contains("newer"), "{error}");
    }

    #[test]
    fn open_again_with_same_key_keeps_signing_key() {
        use secrecy::ExposeSecret;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE_NAME);
        let Ok(first) = Store::open(&path, &[1; VAULT_KEY_LEN], 5) else {
            panic!("new vault opens");
        };
        let first_key = first.signing_key.expose_secret().to_vec();
        drop(first);

        let Ok(second) = Store::open(&path, &[1; VAULT_KEY_LEN], 9) else {
            panic!("existing vault opens");
        };

        assert_eq!(second.signing_key.expose_secret(), first_key.as_slice());
        assert_eq!(second.created_at_ms, 5);
        assert!(!second.created_now);
    }
}
