//! OAuth2 tokens kept in the vault, one per workload identity, user, provider and request.

use rusqlite::OptionalExtension;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::cipher::VaultCipher;

/// Identity of a kept token: its workload identity, user, provider and request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenKey {
    pub(crate) workload_identity_id: String,
    /// The user the token acts for, as a JSON array such as `["userId","alice"]`, or the
    /// workload itself for machine-to-machine tokens.
    pub(crate) user_key: String,
    pub(crate) provider_name: String,
    /// The scopes, resources and audiences of the request, as canonical JSON.
    pub(crate) request_key: String,
}

impl TokenKey {
    fn context(&self) -> Vec<u8> {
        format!(
            "oauth2-token\0{}\0{}\0{}\0{}",
            self.workload_identity_id, self.user_key, self.provider_name, self.request_key
        )
        .into_bytes()
    }
}

/// An access token, its refresh token and its expiry.
pub(crate) struct StoredToken {
    pub(crate) access_token: SecretString,
    pub(crate) refresh_token: Option<SecretString>,
    /// `None` when the authorization server gave no `expires_in`.
    pub(crate) expires_at_ms: Option<i64>,
}

impl std::fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredToken")
            .field("access_token", &"** redacted **")
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("expires_at_ms", &self.expires_at_ms)
            .finish()
    }
}

/// The sealed form of a token's secrets.
#[derive(Serialize, Deserialize)]
struct TokenSecrets {
    access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at_ms: Option<i64>,
}

/// Seals a token with `context` as associated data.
pub(super) fn seal_token(cipher: &VaultCipher, token: &StoredToken, context: &[u8]) -> Vec<u8> {
    let secrets = TokenSecrets {
        access_token: token.access_token.expose_secret().to_owned(),
        refresh_token: token
            .refresh_token
            .as_ref()
            .map(|refresh| refresh.expose_secret().to_owned()),
        expires_at_ms: token.expires_at_ms,
    };
    let plaintext = serde_json::to_vec(&secrets).expect("token secrets serialize to JSON");
    cipher.seal(&plaintext, context)
}

/// Opens a token sealed by [`seal_token`].
pub(super) fn open_token(
    cipher: &VaultCipher,
    sealed: &[u8],
    context: &[u8],
) -> Result<StoredToken, StoreError> {
    let plaintext = cipher.open(sealed, context)?;
    let secrets: TokenSecrets = serde_json::from_slice(&plaintext)
        .map_err(|_| StoreError::Corrupt("stored OAuth2 token is not valid JSON".to_owned()))?;
    Ok(StoredToken {
        access_token: secrets.access_token.into(),
        refresh_token: secrets.refresh_token.map(SecretString::from),
        expires_at_ms: secrets.expires_at_ms,
    })
}

/// Inserts or replaces the token kept under `key`.
pub(super) fn put_token(
    connection: &rusqlite::Connection,
    cipher: &VaultCipher,
    key: &TokenKey,
    token: &StoredToken,
    now_ms: i64,
) -> rusqlite::Result<()> {
    let sealed = seal_token(cipher, token, &key.context());
    connection.execute(
        "INSERT INTO oauth2_tokens \
         (workload_identity_id, user_key, provider_name, request_key, sealed_token, expires_at_ms, updated_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (workload_identity_id, user_key, provider_name, request_key) \
         DO UPDATE SET sealed_token = ?5, expires_at_ms = ?6, updated_at_ms = ?7",
        (
            &key.workload_identity_id,
            &key.user_key,
            &key.provider_name,
            &key.request_key,
            sealed,
            token.expires_at_ms,
            now_ms,
        ),
    )?;
    Ok(())
}

impl Store {
    /// Keeps `token` under `key`, replacing the token kept there before.
    pub(crate) async fn put_oauth2_token(
        &self,
        key: TokenKey,
        token: StoredToken,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.run(move |connection, cipher| {
            put_token(connection, cipher, &key, &token, now_ms)?;
            Ok(())
        })
        .await
    }

    /// Opens the token kept under `key`, if any.
    pub(crate) async fn get_oauth2_token(
        &self,
        key: TokenKey,
    ) -> Result<Option<StoredToken>, StoreError> {
        self.run(move |connection, cipher| {
            let sealed: Option<Vec<u8>> = connection
                .query_row(
                    "SELECT sealed_token FROM oauth2_tokens \
                     WHERE workload_identity_id = ?1 AND user_key = ?2 AND provider_name = ?3 \
                     AND request_key = ?4",
                    (
                        &key.workload_identity_id,
                        &key.user_key,
                        &key.provider_name,
                        &key.request_key,
                    ),
                    |row| row.get(0),
                )
                .optional()?;
            sealed
                .map(|sealed| open_token(cipher, &sealed, &key.context()))
                .transpose()
        })
        .await
    }

    /// Drops the token kept under `key`, such as one whose refresh token was rejected.
    pub(crate) async fn delete_oauth2_token(&self, key: TokenKey) -> Result<(), StoreError> {
        self.run(move |connection, _| {
            connection.execute(
                "DELETE FROM oauth2_tokens \
                 WHERE workload_identity_id = ?1 AND user_key = ?2 AND provider_name = ?3 \
                 AND request_key = ?4",
                (
                    &key.workload_identity_id,
                    &key.user_key,
                    &key.provider_name,
                    &key.request_key,
                ),
            )?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(user: &str) -> TokenKey {
        TokenKey {
            workload_identity_id: "workload-id".to_owned(),
            user_key: format!(r#"["userId","{user}"]"#),
            provider_name: "github".to_owned(),
            request_key: r#"{"scopes":["repo"]}"#.to_owned(),
        }
    }

    fn token(access: &str) -> StoredToken {
        StoredToken {
            access_token: access.into(),
            refresh_token: Some("refresh".into()),
            expires_at_ms: Some(5_000),
        }
    }

    #[tokio::test]
    async fn token_is_replaced_per_key() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Store::open(&dir.path().join("vault.db"), &[3; 32], 0).unwrap();
        let store = vault.store;

        store
            .put_oauth2_token(key("alice"), token("a1"), 1)
            .await
            .unwrap();
        store
            .put_oauth2_token(key("alice"), token("a2"), 2)
            .await
            .unwrap();
        store
            .put_oauth2_token(key("bob"), token("b1"), 3)
            .await
            .unwrap();

        let alice = store.get_oauth2_token(key("alice")).await.unwrap().unwrap();
        assert_eq!(alice.access_token.expose_secret(), "a2");
        assert_eq!(alice.expires_at_ms, Some(5_000));
        let bob = store.get_oauth2_token(key("bob")).await.unwrap().unwrap();
        assert_eq!(bob.access_token.expose_secret(), "b1");

        store.delete_oauth2_token(key("alice")).await.unwrap();
        assert!(
            store
                .get_oauth2_token(key("alice"))
                .await
                .unwrap()
                .is_none()
        );
    }
}
