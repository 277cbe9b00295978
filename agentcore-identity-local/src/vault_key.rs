//! The vault key: given by the caller, or read from or created in `<data_dir>/vault.key`.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;

use crate::cipher::VAULT_KEY_LEN;
use crate::start_error::StartError;

/// File name of the key file inside the data directory.
pub(crate) const KEY_FILE_NAME: &str = "vault.key";

/// Origin of the key in use, for the start-up log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyOrigin {
    Configured,
    KeyFile,
    CreatedKeyFile,
}

/// Returns the vault key: the configured one, else the key file's, else a new key written to a
/// new key file. A new key is only created when no vault exists yet, because a fresh key
/// cannot open an existing vault.
pub(crate) fn resolve_key(
    data_dir: &Path,
    vault_path: &Path,
    configured: Option<[u8; VAULT_KEY_LEN]>,
) -> Result<([u8; VAULT_KEY_LEN], KeyOrigin), StartError> {
    if let Some(key) = configured {
        return Ok((key, KeyOrigin::Configured));
    }

    let key_file = data_dir.join(KEY_FILE_NAME);
    match fs::read_to_string(&key_file) {
        Ok(text) => {
            warn_if_readable_by_others(&key_file);
            let key = decode_key(&text).ok_or(StartError::InvalidVaultKey { path: key_file })?;
            Ok((key, KeyOrigin::KeyFile))
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            if vault_path.exists() {
                return Err(StartError::MissingVaultKey {
                    vault: vault_path.to_path_buf(),
                    key_file,
                });
            }
            let key = create_key_file(&key_file).map_err(|source| StartError::VaultKeyFile {
                path: key_file,
                source,
            })?;
            Ok((key, KeyOrigin::CreatedKeyFile))
        }
        Err(source) => Err(StartError::VaultKeyFile {
            path: key_file,
            source,
        }),
    }
}

/// Decodes a vault key from its base64 text form; surrounding whitespace is ignored.
pub(crate) fn decode_key(text: &str) -> Option<[u8; VAULT_KEY_LEN]> {
    let bytes = STANDARD.decode(text.trim()).ok()?;
    bytes.try_into().ok()
}

fn create_key_file(path: &Path) -> io::Result<[u8; VAULT_KEY_LEN]> {
    let mut key = [0u8; VAULT_KEY_LEN];
    rand::rng().fill_bytes(&mut key);

    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        // The mode applies at creation, so the key is never readable by others, not even
        // between the create and a later chmod.
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }

    let mut file = options.open(path)?;
    writeln!(file, "{}", STANDARD.encode(key))?;
    file.sync_all()?;
    Ok(key)
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;

    if let Ok(metadata) = fs::metadata(path) {
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                mode = format_args!("{mode:o}"),
                "vault key file is accessible to other users; restrict it with `chmod 600`"
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_key_accepts_padded_base64_with_newline() {
        let text = format!("{}\n", STANDARD.encode([9u8; VAULT_KEY_LEN]));

        assert_eq!(decode_key(&text), Some([9u8; VAULT_KEY_LEN]));
    }

    #[test]
    fn decode_key_rejects_wrong_length() {
        assert_eq!(decode_key(&STANDARD.encode([9u8; 16])), None);
    }

    #[test]
    fn decode_key_rejects_non_base64() {
        assert_eq!(decode_key("not base64!"), None);
    }
}
