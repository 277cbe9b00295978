//! User JWTs kept with the workload access tokens they produced.
//!
//! `GetWorkloadAccessTokenForJWT` stores the caller's JWT under the workload token's id, because
//! an on-behalf-of token exchange made later with that workload token must present the user's
//! original JWT to the authorization server.

use rusqlite::OptionalExtension;
use secrecy::{ExposeSecret, SecretString};

use super::{Store, StoreError};

/// A user JWT and the user it names, kept until its workload access token expires.
#[derive(Debug)]
pub(crate) struct UserTokenGrant {
    /// The `jti` of the workload access token.
    pub(crate) token_id: String,
    pub(crate) workload_identity_id: String,
    pub(crate) user_issuer: String,
    pub(crate) user_subject: String,
    pub(crate) user_token: SecretString,
    pub(crate) expires_at_ms: i64,
}

fn user_token_context(token_id: &str) -> Vec<u8> {
    format!("user-token\0{token_id}").into_bytes()
}

impl Store {
    /// Stores `grant` sealed, and drops grants whose workload tokens have expired.
    pub(crate) async fn insert_user_token_grant(
        &self,
        grant: UserTokenGrant,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.run(move |connection, cipher| {
            let sealed = cipher.seal(
                grant.user_token.expose_secret().as_bytes(),
                &user_token_context(&grant.token_id),
            );
            let transaction = connection.transaction()?;
            transaction.execute(
                "DELETE FROM user_token_grants WHERE expires_at_ms <= ?1",
                [now_ms],
            )?;
            transaction.execute(
                "INSERT INTO user_token_grants \
                 (token_id, workload_identity_id, user_issuer, user_subject, sealed_user_token, expires_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (
                    &grant.token_id,
                    &grant.workload_identity_id,
                    &grant.user_issuer,
                    &grant.user_subject,
                    sealed,
                    grant.expires_at_ms,
                ),
            )?;
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    /// Opens the grant stored for the workload token `token_id`, if any.
    pub(crate) async fn read_user_token_grant(
        &self,
        token_id: String,
    ) -> Result<Option<UserTokenGrant>, StoreError> {
        self.run(move |connection, cipher| {
            let row: Option<(String, String, String, Vec<u8>, i64)> = connection
                .query_row(
                    "SELECT workload_identity_id, user_issuer, user_subject, sealed_user_token, expires_at_ms \
                     FROM user_token_grants WHERE token_id = ?1",
                    [&token_id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
                )
                .optional()?;
            let Some((workload_identity_id, user_issuer, user_subject, sealed, expires_at_ms)) = row
            else {
                return Ok(None);
            };

            let plaintext = cipher.open(&sealed, &user_token_context(&token_id))?;
            let user_token = String::from_utf8(plaintext)
                .map_err(|_| StoreError::Corrupt("stored user token is not UTF-8".to_owned()))?;
            Ok(Some(UserTokenGrant {
                token_id,
                workload_identity_id,
                user_issuer,
                user_subject,
                user_token: user_token.into(),
                expires_at_ms,
            }))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(token_id: &str, expires_at_ms: i64) -> UserTokenGrant {
        UserTokenGrant {
            token_id: token_id.to_owned(),
            workload_identity_id: "workload-id".to_owned(),
            user_issuer: "https://issuer.test".to_owned(),
            user_subject: "user-1".to_owned(),
            user_token: "header.payload.signature".into(),
            expires_at_ms,
        }
    }

    #[tokio::test]
    async fn grant_round_trips_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Store::open(&dir.path().join("vault.db"), &[3; 32], 0).unwrap();

        vault
            .store
            .insert_user_token_grant(grant("t1", 10_000), 0)
            .await
            .unwrap();
        let read = vault
            .store
            .read_user_token_grant("t1".to_owned())
            .await
            .unwrap()
            .unwrap();

        assert_eq!(read.user_token.expose_secret(), "header.payload.signature");
        assert_eq!(read.user_subject, "user-1");
        assert_eq!(read.expires_at_ms, 10_000);
    }

    #[tokio::test]
    async fn expired_grants_are_dropped_on_insert() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Store::open(&dir.path().join("vault.db"), &[3; 32], 0).unwrap();

        vault
            .store
            .insert_user_token_grant(grant("old", 1_000), 0)
            .await
            .unwrap();
        vault
            .store
            .insert_user_token_grant(grant("new", 9_000), 2_000)
            .await
            .unwrap();

        assert!(
            vault
                .store
                .read_user_token_grant("old".to_owned())
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            vault
                .store
                .read_user_token_grant("new".to_owned())
                .await
                .unwrap()
                .is_some()
        );
    }
}
