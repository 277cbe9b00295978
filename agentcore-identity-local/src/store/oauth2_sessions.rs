//! Authorization sessions of the user-federation flow.
//!
//! A session starts when `GetResourceOauth2Token` needs the user's consent, receives the
//! provider's token at the callback, and hands it over to the vault only when
//! `CompleteResourceTokenAuth` confirms it for the user who started it.

use rusqlite::{OptionalExtension, Row};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::oauth2_tokens::{open_token, put_token, seal_token};
use super::{Store, StoreError, StoredToken, TokenKey};

/// State of an authorization session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionStatus {
    /// Waiting for the provider to redirect the user's browser to the callback.
    AwaitingCallback,
    /// The code was exchanged for a token, which waits for `CompleteResourceTokenAuth`.
    AwaitingConfirmation,
    /// Confirmed; the token is now kept under the session's [`TokenKey`].
    Completed,
    /// The provider returned an error, or the code exchange failed.
    Failed,
}

impl SessionStatus {
    fn column(self) -> &'static str {
        match self {
            Self::AwaitingCallback => "awaiting_callback",
            Self::AwaitingConfirmation => "awaiting_confirmation",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }

    fn from_column(text: &str) -> Result<Self, StoreError> {
        match text {
            "awaiting_callback" => Ok(Self::AwaitingCallback),
            "awaiting_confirmation" => Ok(Self::AwaitingConfirmation),
            "completed" => Ok(Self::Completed),
            "failed" => Ok(Self::Failed),
            other => Err(StoreError::Corrupt(format!(
                "unknown authorization session status {other:?}"
            ))),
        }
    }
}

/// A stored session, without its secrets.
#[derive(Debug, Clone)]
pub(crate) struct SessionRecord {
    pub(crate) id: String,
    /// The OAuth2 `state` sent to the provider, which finds the session at the callback.
    pub(crate) state: String,
    /// The workload identity, user, provider and request the token is for.
    pub(crate) key: TokenKey,
    pub(crate) return_url: String,
    pub(crate) status: SessionStatus,
    /// Why a failed session failed: the provider's OAuth error code and description.
    pub(crate) failure: Option<String>,
    pub(crate) created_at_ms: i64,
    pub(crate) expires_at_ms: i64,
}

/// The secrets of a session, sealed in the vault.
pub(crate) struct SessionSecrets {
    pub(crate) pkce_verifier: SecretString,
    pub(crate) custom_state: Option<SecretString>,
    /// `customParameters` of the request, added to the authorization request.
    pub(crate) custom_parameters: Vec<(String, SecretString)>,
}

#[derive(Serialize, Deserialize)]
struct SealedSecrets {
    pkce_verifier: String,
    #[serde(default)]
    custom_state: Option<String>,
    #[serde(default)]
    custom_parameters: Vec<(String, String)>,
}

/// Result of [`Store::complete_oauth2_session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompleteOutcome {
    Completed,
    /// The session was completed before; nothing changed.
    AlreadyCompleted,
    /// The session is in another state, so nothing changed.
    NotReady(SessionStatus),
    NotFound,
}

const COLUMNS: &str = "id, state, workload_identity_id, user_key, provider_name, request_key, \
                       return_url, status, failure, created_at_ms, expires_at_ms";

fn read_row(row: &Row<'_>) -> rusqlite::Result<(SessionRecord, String)> {
    let record = SessionRecord {
        id: row.get(0)?,
        state: row.get(1)?,
        key: TokenKey {
            workload_identity_id: row.get(2)?,
            user_key: row.get(3)?,
            provider_name: row.get(4)?,
            request_key: row.get(5)?,
        },
        return_url: row.get(6)?,
        // Replaced by `finish_record`, because a row mapper cannot return a `StoreError`.
        status: SessionStatus::Failed,
        failure: row.get(8)?,
        created_at_ms: row.get(9)?,
        expires_at_ms: row.get(10)?,
    };
    Ok((record, row.get(7)?))
}

fn finish_record(
    (mut record, status): (SessionRecord, String),
) -> Result<SessionRecord, StoreError> {
    record.status = SessionStatus::from_column(&status)?;
    Ok(record)
}

fn secrets_context(id: &str) -> Vec<u8> {
    format!("oauth2-session\0{id}").into_bytes()
}

fn token_context(id: &str) -> Vec<u8> {
    format!("oauth2-session-token\0{id}").into_bytes()
}

impl Store {
    /// Inserts a new session, and deletes sessions that expired before `purge_before_ms`.
    pub(crate) async fn insert_oauth2_session(
        &self,
        record: SessionRecord,
        secrets: SessionSecrets,
        purge_before_ms: i64,
    ) -> Result<(), StoreError> {
        self.run(move |connection, cipher| {
            let sealed = SealedSecrets {
                pkce_verifier: secrets.pkce_verifier.expose_secret().to_owned(),
                custom_state: secrets
                    .custom_state
                    .as_ref()
                    .map(|state| state.expose_secret().to_owned()),
                custom_parameters: secrets
                    .custom_parameters
                    .iter()
                    .map(|(name, value)| (name.clone(), value.expose_secret().to_owned()))
                    .collect(),
            };
            let plaintext = serde_json::to_vec(&sealed).expect("session secrets serialize");
            let sealed = cipher.seal(&plaintext, &secrets_context(&record.id));

            let transaction = connection.transaction()?;
            transaction.execute(
                "DELETE FROM oauth2_sessions WHERE expires_at_ms < ?1",
                [purge_before_ms],
            )?;
            transaction.execute(
                "INSERT INTO oauth2_sessions \
                 (id, state, workload_identity_id, user_key, provider_name, request_key, \
                  return_url, sealed_secrets, status, created_at_ms, expires_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                rusqlite::params![
                    record.id,
                    record.state,
                    record.key.workload_identity_id,
                    record.key.user_key,
                    record.key.provider_name,
                    record.key.request_key,
                    record.return_url,
                    sealed,
                    record.status.column(),
                    record.created_at_ms,
                    record.expires_at_ms,
                ],
            )?;
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    pub(crate) async fn get_oauth2_session(
        &self,
        id: String,
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.find_oauth2_session("id", id).await
    }

    /// Finds the session that sent `state` to the provider.
    pub(crate) async fn find_oauth2_session_by_state(
        &self,
        state: String,
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.find_oauth2_session("state", state).await
    }

    async fn find_oauth2_session(
        &self,
        column: &'static str,
        value: String,
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.run(move |connection, _| {
            let row = connection
                .query_row(
                    &format!("SELECT {COLUMNS} FROM oauth2_sessions WHERE {column} = ?1"),
                    [&value],
                    read_row,
                )
                .optional()?;
            row.map(finish_record).transpose()
        })
        .await
    }

    /// Opens the session's PKCE verifier, custom state and custom parameters.
    pub(crate) async fn read_oauth2_session_secrets(
        &self,
        id: String,
    ) -> Result<Option<SessionSecrets>, StoreError> {
        self.run(move |connection, cipher| {
            let sealed: Option<Vec<u8>> = connection
                .query_row(
                    "SELECT sealed_secrets FROM oauth2_sessions WHERE id = ?1",
                    [&id],
                    |row| row.get(0),
                )
                .optional()?;
            let Some(sealed) = sealed else {
                return Ok(None);
            };

            let plaintext = cipher.open(&sealed, &secrets_context(&id))?;
            let secrets: SealedSecrets = serde_json::from_slice(&plaintext).map_err(|_| {
                StoreError::Corrupt("stored session secrets are not valid JSON".to_owned())
            })?;
            Ok(Some(SessionSecrets {
                pkce_verifier: secrets.pkce_verifier.into(),
                custom_state: secrets.custom_state.map(SecretString::from),
                custom_parameters: secrets
                    .custom_parameters
                    .into_iter()
                    .map(|(name, value)| (name, value.into()))
                    .collect(),
            }))
        })
        .await
    }

    /// Keeps the token obtained at the callback with a session awaiting it; returns `false`
    /// when the session is no longer awaiting the callback.
    pub(crate) async fn authorize_oauth2_session(
        &self,
        id: String,
        token: StoredToken,
    ) -> Result<bool, StoreError> {
        self.run(move |connection, cipher| {
            let sealed = seal_token(cipher, &token, &token_context(&id));
            let updated = connection.execute(
                "UPDATE oauth2_sessions SET status = ?2, sealed_token = ?3 \
                 WHERE id = ?1 AND status = ?4",
                (
                    &id,
                    SessionStatus::AwaitingConfirmation.column(),
                    sealed,
                    SessionStatus::AwaitingCallback.column(),
                ),
            )?;
            Ok(updated == 1)
        })
        .await
    }

    /// Marks a session awaiting the callback as failed; returns `false` when it was in
    /// another state.
    pub(crate) async fn fail_oauth2_session(
        &self,
        id: String,
        failure: String,
    ) -> Result<bool, StoreError> {
        self.run(move |connection, _| {
            let updated = connection.execute(
                "UPDATE oauth2_sessions SET status = ?2, failure = ?3 WHERE id = ?1 AND status = ?4",
                (
                    &id,
                    SessionStatus::Failed.column(),
                    &failure,
                    SessionStatus::AwaitingCallback.column(),
                ),
            )?;
            Ok(updated == 1)
        })
        .await
    }

    /// Moves the token of a session awaiting confirmation into the vault under the session's
    /// key, replacing the token kept there, and marks the session completed.
    pub(crate) async fn complete_oauth2_session(
        &self,
        id: String,
        now_ms: i64,
    ) -> Result<CompleteOutcome, StoreError> {
        self.run(move |connection, cipher| {
            let transaction = connection.transaction()?;
            let row = transaction
                .query_row(
                    &format!("SELECT {COLUMNS}, sealed_token FROM oauth2_sessions WHERE id = ?1"),
                    [&id],
                    |row| Ok((read_row(row)?, row.get::<_, Option<Vec<u8>>>(11)?)),
                )
                .optional()?;
            let Some((row, sealed_token)) = row else {
                return Ok(CompleteOutcome::NotFound);
            };
            let session = finish_record(row)?;
            match session.status {
                SessionStatus::AwaitingConfirmation => {}
                SessionStatus::Completed => return Ok(CompleteOutcome::AlreadyCompleted),
                other => return Ok(CompleteOutcome::NotReady(other)),
            }

            let sealed_token = sealed_token
                .ok_or_else(|| StoreError::Corrupt("authorized session has no token".to_owned()))?;
            let token = open_token(cipher, &sealed_token, &token_context(&id))?;
            put_token(&transaction, cipher, &session.key, &token, now_ms)?;
            transaction.execute(
                "UPDATE oauth2_sessions SET status = ?2, sealed_token = NULL WHERE id = ?1",
                (&id, SessionStatus::Completed.column()),
            )?;
            transaction.commit()?;
            Ok(CompleteOutcome::Completed)
        })
        .await
    }
}
