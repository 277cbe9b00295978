//! Control plane: `GetTokenVault`.

use serde::Serialize;

use super::Reply;
use crate::arn::DEFAULT_TOKEN_VAULT;
use crate::clock::wire_timestamp;
use crate::error::ServiceError;
use crate::server::AppState;
use crate::validation::{Input, rules};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenVaultOutput {
    token_vault_id: &'static str,
    kms_configuration: KmsConfiguration,
    last_modified_date: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KmsConfiguration {
    key_type: &'static str,
}

/// Describes the account's only vault, `default`, which an omitted `tokenVaultId` also
/// names. Its secrets are sealed with the local vault key, which the service manages, so the
/// key type is `ServiceManagedKey`.
pub(super) fn get(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let vault_id = input.optional_string("tokenVaultId", rules::TOKEN_VAULT_ID);
    input.finish()?;

    if let Some(vault_id) = vault_id.filter(|id| id != DEFAULT_TOKEN_VAULT) {
        return Err(ServiceError::not_found(format!(
            "token vault {vault_id} does not exist; the local service has only the vault `{DEFAULT_TOKEN_VAULT}`"
        )));
    }

    Ok(Reply::ok(&TokenVaultOutput {
        token_vault_id: DEFAULT_TOKEN_VAULT,
        kms_configuration: KmsConfiguration {
            key_type: "ServiceManagedKey",
        },
        last_modified_date: wire_timestamp(state.vault_created_at_ms),
    }))
}
