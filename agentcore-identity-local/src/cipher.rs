//! Encryption of secrets at rest with AES-256-GCM under the vault key.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;

/// Format tag of a sealed secret, to be raised when the layout below changes.
const FORMAT_VERSION: u8 = 1;
const NONCE_LEN: usize = 12;

/// Length of a vault key in bytes (AES-256).
pub(crate) const VAULT_KEY_LEN: usize = 32;

/// The secret could not be decrypted: wrong vault key, corrupted row, or a row moved to
/// another record (the record's identity is bound in as associated data).
#[derive(Debug, thiserror::Error)]
#[error("failed to decrypt a secret stored in the vault")]
pub(crate) struct DecryptError;

/// Seals and opens secrets with AES-256-GCM.
///
/// A sealed secret is `version (1 byte) || nonce (12 bytes) || ciphertext and tag`. Each call
/// draws a fresh random nonce, and the caller passes associated data naming the record the
/// secret belongs to, so a ciphertext copied into another row fails to open.
pub(crate) struct VaultCipher {
    aead: Aes256Gcm,
}

impl VaultCipher {
    pub(crate) fn new(key: &[u8; VAULT_KEY_LEN]) -> Self {
        Self {
            aead: Aes256Gcm::new(key.into()),
        }
    }

    pub(crate) fn seal(&self, plaintext: &[u8], associated_data: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);

        let payload = Payload {
            msg: plaintext,
            aad: associated_data,
        };
        // AES-GCM rejects only messages beyond about 64 GiB, and a request body is at most 1 MiB.
        let ciphertext = self
            .aead
            .encrypt(Nonce::from_slice(&nonce), payload)
            .expect("secret is within the AES-GCM size limit");

        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(FORMAT_VERSION);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    pub(crate) fn open(
        &self,
        sealed: &[u8],
        associated_data: &[u8],
    ) -> Result<Vec<u8>, DecryptError> {
        let Some((&version, rest)) = sealed.split_first() else {
            return Err(DecryptError);
        };
        if version != FORMAT_VERSION || rest.len() < NONCE_LEN {
            return Err(DecryptError);
        }

        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: associated_data,
        };
        self.aead
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| DecryptError)
    }
}

impl std::fmt::Debug for VaultCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultCipher { .. }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secret_opens_with_same_key_and_record() {
        let cipher = VaultCipher::new(&[1; VAULT_KEY_LEN]);
        let sealed = cipher.seal(b"sk-test", b"record-a");

        assert_eq!(cipher.open(&sealed, b"record-a").unwrap(), b"sk-test");
    }

    #[test]
    fn sealed_secret_rejects_other_record() {
        let cipher = VaultCipher::new(&[1; VAULT_KEY_LEN]);
        let sealed = cipher.seal(b"sk-test", b"record-a");

        assert!(cipher.open(&sealed, b"record-b").is_err());
    }

    #[test]
    fn sealed_secret_rejects_other_key() {
        let sealed = VaultCipher::new(&[1; VAULT_KEY_LEN]).seal(b"sk-test", b"record-a");
        let other = VaultCipher::new(&[2; VAULT_KEY_LEN]);

        assert!(other.open(&sealed, b"record-a").is_err());
    }

    #[test]
    fn sealed_secret_rejects_truncation() {
        let cipher = VaultCipher::new(&[1; VAULT_KEY_LEN]);
        let sealed = cipher.seal(b"sk-test", b"record-a");

        assert!(cipher.open(&sealed[..5], b"record-a").is_err());
        assert!(cipher.open(&[], b"record-a").is_err());
    }

    #[test]
    fn sealed_secret_uses_fresh_nonce() {
        let cipher = VaultCipher::new(&[1; VAULT_KEY_LEN]);

        assert_ne!(cipher.seal(b"same", b"r"), cipher.seal(b"same", b"r"));
    }
}
