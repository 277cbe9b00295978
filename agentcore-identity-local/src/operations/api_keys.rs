//! Data plane: `GetResourceApiKey`.

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use super::Reply;
use super::workload_tokens::authenticate;
use crate::error::ServiceError;
use crate::server::AppState;
use crate::validation::{Input, rules};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiKeyOutput<'a> {
    api_key: &'a str,
}

/// Returns the provider's key to a caller with a valid workload access token. API keys belong
/// to the provider, not to a user, so every workload and user receives the same key.
pub(super) async fn get_resource_api_key(
    state: &AppState,
    mut input: Input,
) -> Result<Reply, ServiceError> {
    let token =
        SecretString::from(input.required_string("workloadIdentityToken", rules::WORKLOAD_TOKEN));
    let provider = input.required_string("resourceCredentialProviderName", rules::PROVIDER_NAME);
    input.finish()?;

    let caller = authenticate(state, token.expose_secret()).await?;
    let api_key = state.store.read_api_key(provider.clone()).await?;
    let api_key = api_key.ok_or_else(|| {
        ServiceError::not_found(format!(
            "API key credential provider {provider} does not exist"
        ))
    })?;

    tracing::debug!(
        workload = %caller.workload_name,
        user = ?caller.user,
        provider = %provider,
        token_id = %caller.token_id,
        "returned API key"
    );
    Ok(Reply::ok(&ApiKeyOutput {
        api_key: api_key.expose_secret(),
    }))
}
