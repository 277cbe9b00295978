//! Workload identities: the agents that may ask the vault for credentials.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Row};

use super::{Store, StoreError, from_json_column, to_json_column};

/// A stored workload identity.
#[derive(Debug, Clone)]
pub(crate) struct WorkloadIdentityRecord {
    pub(crate) name: String,
    /// Random id given at creation. Workload access tokens carry it, so a token issued before
    /// a delete does not work for a later identity of the same name.
    pub(crate) id: String,
    pub(crate) allowed_return_urls: Vec<String>,
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) created_at_ms: i64,
    pub(crate) updated_at_ms: i64,
}

const COLUMNS: &str = "name, id, allowed_return_urls, tags, created_at_ms, updated_at_ms";

fn read_record(row: &Row<'_>) -> rusqlite::Result<(WorkloadIdentityRecord, String, String)> {
    let record = WorkloadIdentityRecord {
        name: row.get(0)?,
        id: row.get(1)?,
        allowed_return_urls: Vec::new(),
        tags: BTreeMap::new(),
        created_at_ms: row.get(4)?,
        updated_at_ms: row.get(5)?,
    };
    Ok((record, row.get(2)?, row.get(3)?))
}

fn finish_record(
    (mut record, urls, tags): (WorkloadIdentityRecord, String, String),
) -> Result<WorkloadIdentityRecord, StoreError> {
    record.allowed_return_urls = from_json_column(&urls)?;
    record.tags = from_json_column(&tags)?;
    Ok(record)
}

impl Store {
    /// Inserts `record`; returns `false` when an identity of that name exists.
    pub(crate) async fn insert_workload_identity(
        &self,
        record: WorkloadIdentityRecord,
    ) -> Result<bool, StoreError> {
        self.run(move |connection, _| {
            let inserted = connection.execute(
                &format!(
                    "INSERT INTO workload_identities ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                     ON CONFLICT (name) DO NOTHING"
                ),
                (
                    &record.name,
                    &record.id,
                    to_json_column(&record.allowed_return_urls),
                    to_json_column(&record.tags),
                    record.created_at_ms,
                    record.updated_at_ms,
                ),
            )?;
            Ok(inserted == 1)
        })
        .await
    }

    pub(crate) async fn get_workload_identity(
        &self,
        name: String,
    ) -> Result<Option<WorkloadIdentityRecord>, StoreError> {
        self.run(move |connection, _| {
            let row = connection
                .query_row(
                    &format!("SELECT {COLUMNS} FROM workload_identities WHERE name = ?1"),
                    [&name],
                    read_record,
                )
                .optional()?;
            row.map(finish_record).transpose()
        })
        .await
    }

    /// Replaces the allowed return URLs; returns the updated record, or `None` when no
    /// identity has that name.
    pub(crate) async fn update_workload_identity(
        &self,
        name: String,
        allowed_return_urls: Vec<String>,
        now_ms: i64,
    ) -> Result<Option<WorkloadIdentityRecord>, StoreError> {
        self.run(move |connection, _| {
            let row = connection
                .query_row(
                    &format!(
                        "UPDATE workload_identities \
                         SET allowed_return_urls = ?2, updated_at_ms = ?3 \
                         WHERE name = ?1 RETURNING {COLUMNS}"
                    ),
                    (&name, to_json_column(&allowed_return_urls), now_ms),
                    read_record,
                )
                .optional()?;
            row.map(finish_record).transpose()
        })
        .await
    }

    /// Deletes the identity with the user JWTs kept for its workload access tokens, its OAuth2
    /// tokens and its authorization sessions. Returns `false` when no identity has that name.
    pub(crate) async fn delete_workload_identity(&self, name: String) -> Result<bool, StoreError> {
        self.run(move |connection, _| {
            let transaction = connection.transaction()?;
            let id: Option<String> = transaction
                .query_row(
                    "DELETE FROM workload_identities WHERE name = ?1 RETURNING id",
                    [&name],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(id) = &id {
                for table in ["user_token_grants", "oauth2_tokens", "oauth2_sessions"] {
                    transaction.execute(
                        &format!("DELETE FROM {table} WHERE workload_identity_id = ?1"),
                        [id],
                    )?;
                }
            }
            transaction.commit()?;
            Ok(id.is_some())
        })
        .await
    }

    /// Lists up to `limit` identities in name order, starting after `after`.
    pub(crate) async fn list_workload_identities(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> Result<Vec<WorkloadIdentityRecord>, StoreError> {
        self.run(move |connection, _| {
            let mut statement = connection.prepare(&format!(
                "SELECT {COLUMNS} FROM workload_identities \
                 WHERE ?1 IS NULL OR name > ?1 ORDER BY name LIMIT ?2"
            ))?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = statement
                .query_map((after, limit), read_record)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(finish_record).collect()
        })
        .await
    }
}
