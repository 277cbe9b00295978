//! API-key credential providers: one sealed API key per provider name.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Row};
use secrecy::{ExposeSecret, SecretString};

use super::{Store, StoreError, to_json_column};

/// A stored API-key credential provider, without its key.
#[derive(Debug, Clone)]
pub(crate) struct ApiKeyProviderRecord {
    pub(crate) name: String,
    /// The six random characters that end the provider's secret ARN, as Secrets Manager adds.
    pub(crate) secret_suffix: String,
    pub(crate) created_at_ms: i64,
    pub(crate) updated_at_ms: i64,
}

const COLUMNS: &str = "name, secret_suffix, created_at_ms, updated_at_ms";

fn read_record(row: &Row<'_>) -> rusqlite::Result<ApiKeyProviderRecord> {
    Ok(ApiKeyProviderRecord {
        name: row.get(0)?,
        secret_suffix: row.get(1)?,
        created_at_ms: row.get(2)?,
        updated_at_ms: row.get(3)?,
    })
}

/// Associated data binding a sealed API key to its provider.
fn api_key_context(name: &str) -> Vec<u8> {
    format!("api-key-provider\0{name}").into_bytes()
}

impl Store {
    /// Inserts the provider with its sealed key; returns `false` when the name is taken.
    pub(crate) async fn insert_api_key_provider(
        &self,
        record: ApiKeyProviderRecord,
        api_key: SecretString,
        tags: BTreeMap<String, String>,
    ) -> Result<bool, StoreError> {
        self.run(move |connection, cipher| {
            let sealed = cipher.seal(
                api_key.expose_secret().as_bytes(),
                &api_key_context(&record.name),
            );
            let inserted = connection.execute(
                "INSERT INTO api_key_providers \
                 (name, secret_suffix, sealed_api_key, tags, created_at_ms, updated_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name) DO NOTHING",
                (
                    &record.name,
                    &record.secret_suffix,
                    sealed,
                    to_json_column(&tags),
                    record.created_at_ms,
                    record.updated_at_ms,
                ),
            )?;
            Ok(inserted == 1)
        })
        .await
    }

    pub(crate) async fn get_api_key_provider(
        &self,
        name: String,
    ) -> Result<Option<ApiKeyProviderRecord>, StoreError> {
        self.run(move |connection, _| {
            let record = connection
                .query_row(
                    &format!("SELECT {COLUMNS} FROM api_key_providers WHERE name = ?1"),
                    [&name],
                    read_record,
                )
                .optional()?;
            Ok(record)
        })
        .await
    }

    /// Replaces the provider's key; returns the updated record, or `None` when no provider has
    /// that name.
    pub(crate) async fn update_api_key(
        &self,
        name: String,
        api_key: SecretString,
        now_ms: i64,
    ) -> Result<Option<ApiKeyProviderRecord>, StoreError> {
        self.run(move |connection, cipher| {
            let sealed = cipher.seal(api_key.expose_secret().as_bytes(), &api_key_context(&name));
            let record = connection
                .query_row(
                    &format!(
                        "UPDATE api_key_providers SET sealed_api_key = ?2, updated_at_ms = ?3 \
                         WHERE name = ?1 RETURNING {COLUMNS}"
                    ),
                    (&name, sealed, now_ms),
                    read_record,
                )
                .optional()?;
            Ok(record)
        })
        .await
    }

    /// Deletes the provider; returns `false` when no provider has that name.
    pub(crate) async fn delete_api_key_provider(&self, name: String) -> Result<bool, StoreError> {
        self.run(move |connection, _| {
            let deleted =
                connection.execute("DELETE FROM api_key_providers WHERE name = ?1", [&name])?;
            Ok(deleted == 1)
        })
        .await
    }

    /// Lists up to `limit` providers in name order, starting after `after`.
    pub(crate) async fn list_api_key_providers(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> Result<Vec<ApiKeyProviderRecord>, StoreError> {
        self.run(move |connection, _| {
            let mut statement = connection.prepare(&format!(
                "SELECT {COLUMNS} FROM api_key_providers \
                 WHERE ?1 IS NULL OR name > ?1 ORDER BY name LIMIT ?2"
            ))?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let records = statement
                .query_map((after, limit), read_record)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(records)
        })
        .await
    }

    /// Opens the provider's key; `None` when no provider has that name.
    pub(crate) async fn read_api_key(
        &self,
        name: String,
    ) -> Result<Option<SecretString>, StoreError> {
        self.run(move |connection, cipher| {
            let sealed: Option<Vec<u8>> = connection
                .query_row(
                    "SELECT sealed_api_key FROM api_key_providers WHERE name = ?1",
                    [&name],
                    |row| row.get(0),
                )
                .optional()?;
            let Some(sealed) = sealed else {
                return Ok(None);
            };

            let plaintext = cipher.open(&sealed, &api_key_context(&name))?;
            let api_key = String::from_utf8(plaintext).map_err(|_| {
                StoreError::Corrupt(format!("API key of provider {name} is not UTF-8"))
            })?;
            Ok(Some(api_key.into()))
        })
        .await
    }
}
