//! Private keys that sign web identity tokens (STS `GetWebIdentityToken`), one per JOSE
//! algorithm, each kept sealed as a PKCS#8 document.

use rusqlite::OptionalExtension;
use secrecy::{ExposeSecret, SecretSlice};

use super::{Store, StoreError};

fn key_context(algorithm: &str) -> Vec<u8> {
    format!("web-identity-signing-key\0{algorithm}").into_bytes()
}

impl Store {
    /// Opens the private key stored for `algorithm`, such as `ES384`. When there is none, calls
    /// `generate` for a new PKCS#8 document, stores it sealed and returns it. Both run on the
    /// blocking thread pool, because generating an RSA key takes a noticeable fraction of a
    /// second.
    pub(crate) async fn web_identity_key(
        &self,
        algorithm: &'static str,
        generate: fn() -> SecretSlice<u8>,
        now_ms: i64,
    ) -> Result<SecretSlice<u8>, StoreError> {
        self.run(move |connection, cipher| {
            let sealed: Option<Vec<u8>> = connection
                .query_row(
                    "SELECT sealed_private_key FROM web_identity_keys WHERE algorithm = ?1",
                    [algorithm],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(sealed) = sealed {
                return Ok(cipher.open(&sealed, &key_context(algorithm))?.into());
            }

            let key = generate();
            let sealed = cipher.seal(key.expose_secret(), &key_context(algorithm));
            connection.execute(
                "INSERT INTO web_identity_keys (algorithm, sealed_private_key, created_at_ms) \
                 VALUES (?1, ?2, ?3)",
                (algorithm, sealed, now_ms),
            )?;
            Ok(key)
        })
        .await
    }
}
