//! OAuth2 credential providers: the configuration in the clear, the client secret sealed.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Row, Transaction};
use secrecy::{ExposeSecret, SecretString};

use super::{Store, StoreError, from_json_column, to_json_column};
use crate::provider_config::ProviderConfig;

/// A stored OAuth2 credential provider, without its client secret.
#[derive(Debug, Clone)]
pub(crate) struct Oauth2ProviderRecord {
    pub(crate) name: String,
    /// The `credentialProviderVendor` value.
    pub(crate) vendor: String,
    pub(crate) config: ProviderConfig,
    /// The six random characters that end the provider's secret ARN.
    pub(crate) secret_suffix: String,
    /// Random id in the provider's callback URL, so each provider has its own, as in the real
    /// service.
    pub(crate) callback_id: String,
    pub(crate) created_at_ms: i64,
    pub(crate) updated_at_ms: i64,
}

const COLUMNS: &str =
    "name, vendor, config, secret_suffix, callback_id, created_at_ms, updated_at_ms";

/// A row as SQLite returns it; the configuration is parsed afterwards, because a row mapper
/// cannot return a [`StoreError`].
struct ProviderRow {
    name: String,
    vendor: String,
    config: String,
    secret_suffix: String,
    callback_id: String,
    created_at_ms: i64,
    updated_at_ms: i64,
}

fn read_row(row: &Row<'_>) -> rusqlite::Result<ProviderRow> {
    Ok(ProviderRow {
        name: row.get(0)?,
        vendor: row.get(1)?,
        config: row.get(2)?,
        secret_suffix: row.get(3)?,
        callback_id: row.get(4)?,
        created_at_ms: row.get(5)?,
        updated_at_ms: row.get(6)?,
    })
}

fn finish_record(row: ProviderRow) -> Result<Oauth2ProviderRecord, StoreError> {
    Ok(Oauth2ProviderRecord {
        config: from_json_column(&row.config)?,
        name: row.name,
        vendor: row.vendor,
        secret_suffix: row.secret_suffix,
        callback_id: row.callback_id,
        created_at_ms: row.created_at_ms,
        updated_at_ms: row.updated_at_ms,
    })
}

/// Associated data binding a sealed client secret to its provider.
fn client_secret_context(name: &str) -> Vec<u8> {
    format!("oauth2-provider\0{name}").into_bytes()
}

/// Removes the tokens and authorization sessions of a provider whose configuration is gone.
fn forget_provider_tokens(transaction: &Transaction<'_>, name: &str) -> rusqlite::Result<()> {
    transaction.execute("DELETE FROM oauth2_tokens WHERE provider_name = ?1", [name])?;
    transaction.execute(
        "DELETE FROM oauth2_sessions WHERE provider_name = ?1",
        [name],
    )?;
    Ok(())
}

impl Store {
    /// Inserts the provider with its sealed secret; returns `false` when the name is taken.
    pub(crate) async fn insert_oauth2_provider(
        &self,
        record: Oauth2ProviderRecord,
        client_secret: Option<SecretString>,
        tags: BTreeMap<String, String>,
    ) -> Result<bool, StoreError> {
        self.run(move |connection, cipher| {
            let sealed = client_secret.map(|secret| {
                cipher.seal(
                    secret.expose_secret().as_bytes(),
                    &client_secret_context(&record.name),
                )
            });
            let inserted = connection.execute(
                "INSERT INTO oauth2_providers \
                 (name, vendor, config, sealed_client_secret, secret_suffix, callback_id, tags, \
                  created_at_ms, updated_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (name) DO NOTHING",
                (
                    &record.name,
                    &record.vendor,
                    to_json_column(&record.config),
                    sealed,
                    &record.secret_suffix,
                    &record.callback_id,
                    to_json_column(&tags),
                    record.created_at_ms,
                    record.updated_at_ms,
                ),
            )?;
            Ok(inserted == 1)
        })
        .await
    }

    pub(crate) async fn get_oauth2_provider(
        &self,
        name: String,
    ) -> Result<Option<Oauth2ProviderRecord>, StoreError> {
        self.run(move |connection, _| {
            let row = connection
                .query_row(
                    &format!("SELECT {COLUMNS} FROM oauth2_providers WHERE name = ?1"),
                    [&name],
                    read_row,
                )
                .optional()?;
            row.map(finish_record).transpose()
        })
        .await
    }

    /// Opens the provider's client secret; `Ok(None)` for a public client.
    pub(crate) async fn read_oauth2_client_secret(
        &self,
        name: String,
    ) -> Result<Option<SecretString>, StoreError> {
        self.run(move |connection, cipher| {
            let sealed: Option<Option<Vec<u8>>> = connection
                .query_row(
                    "SELECT sealed_client_secret FROM oauth2_providers WHERE name = ?1",
                    [&name],
                    |row| row.get(0),
                )
                .optional()?;
            let Some(sealed) = sealed.flatten() else {
                return Ok(None);
            };

            let plaintext = cipher.open(&sealed, &client_secret_context(&name))?;
            let secret = String::from_utf8(plaintext).map_err(|_| {
                StoreError::Corrupt(format!("client secret of provider {name} is not UTF-8"))
            })?;
            Ok(Some(secret.into()))
        })
        .await
    }

    /// Replaces the provider's vendor, configuration and secret, and drops the tokens and
    /// sessions obtained under the old configuration. Returns the updated record, or `None`
    /// when no provider has that name.
    pub(crate) async fn update_oauth2_provider(
        &self,
        name: String,
        vendor: String,
        config: ProviderConfig,
        client_secret: Option<SecretString>,
        now_ms: i64,
    ) -> Result<Option<Oauth2ProviderRecord>, StoreError> {
        self.run(move |connection, cipher| {
            let sealed = client_secret.map(|secret| {
                cipher.seal(
                    secret.expose_secret().as_bytes(),
                    &client_secret_context(&name),
                )
            });
            let transaction = connection.transaction()?;
            let row = transaction
                .query_row(
                    &format!(
                        "UPDATE oauth2_providers \
                         SET vendor = ?2, config = ?3, sealed_client_secret = ?4, updated_at_ms = ?5 \
                         WHERE name = ?1 RETURNING {COLUMNS}"
                    ),
                    (&name, &vendor, to_json_column(&config), sealed, now_ms),
                    read_row,
                )
                .optional()?;
            if row.is_some() {
                forget_provider_tokens(&transaction, &name)?;
            }
            transaction.commit()?;
            row.map(finish_record).transpose()
        })
        .await
    }

    /// Deletes the provider with its tokens and sessions; returns `false` when no provider has
    /// that name.
    pub(crate) async fn delete_oauth2_provider(&self, name: String) -> Result<bool, StoreError> {
        self.run(move |connection, _| {
            let transaction = connection.transaction()?;
            let deleted =
                transaction.execute("DELETE FROM oauth2_providers WHERE name = ?1", [&name])?;
            if deleted == 1 {
                forget_provider_tokens(&transaction, &name)?;
            }
            transaction.commit()?;
            Ok(deleted == 1)
        })
        .await
    }

    /// Lists up to `limit` providers in name order, starting after `after`.
    pub(crate) async fn list_oauth2_providers(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> Result<Vec<Oauth2ProviderRecord>, StoreError> {
        self.run(move |connection, _| {
            let mut statement = connection.prepare(&format!(
                "SELECT {COLUMNS} FROM oauth2_providers \
                 WHERE ?1 IS NULL OR name > ?1 ORDER BY name LIMIT ?2"
            ))?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = statement
                .query_map((after, limit), read_row)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(finish_record).collect()
        })
        .await
    }
}
