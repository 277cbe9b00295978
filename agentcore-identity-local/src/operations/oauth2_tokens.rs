//! Data plane: `GetResourceOauth2Token` for the M2M and on-behalf-of flows, and what the
//! three flows share.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use tracing::Instrument;

use super::Reply;
use super::user_federation::{self, FederationRequest};
use super::workload_tokens::authenticate;
use crate::clock::unix_millis;
use crate::error::ServiceError;
use crate::provider_client::{ProviderError, RequestedAccess, ResolvedProvider};
use crate::server::AppState;
use crate::store::{Oauth2ProviderRecord, StoredToken, TokenKey};
use crate::validation::{Input, rules};
use crate::workload_token::{TokenUser, VerifiedToken};

const USER_FEDERATION: &str = "USER_FEDERATION";
const M2M: &str = "M2M";
const ON_BEHALF_OF: &str = "ON_BEHALF_OF_TOKEN_EXCHANGE";

/// A kept token is handed out only while it has at least this much time left, so that the
/// caller can still use it.
const EXPIRY_MARGIN_MS: i64 = 60_000;

/// `user_key` of machine-to-machine tokens, which belong to the workload, not to a user.
const WORKLOAD_USER_KEY: &str = r#"["workload"]"#;

/// Authorization request parameters that `customParameters` may not replace.
const RESERVED_PARAMETERS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "resource",
    "audience",
];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccessTokenOutput<'a> {
    access_token: &'a str,
}

/// Returns `{"accessToken": ...}`.
pub(super) fn access_token_reply(token: &StoredToken) -> Reply {
    Reply::ok(&AccessTokenOutput {
        access_token: token.access_token.expose_secret(),
    })
}

/// Returns whether a kept token may still be handed out at `now_ms`.
pub(super) fn is_fresh(token: &StoredToken, now_ms: i64) -> bool {
    token
        .expires_at_ms
        .is_none_or(|expires_at_ms| expires_at_ms - EXPIRY_MARGIN_MS > now_ms)
}

/// Returns the vault's key for the user a workload access token acts for; `None` when it
/// acts for no user.
pub(super) fn user_key(user: &TokenUser) -> Option<String> {
    let key = match user {
        TokenUser::None => return None,
        TokenUser::UserId(id) => serde_json::json!(["userId", id]),
        TokenUser::Jwt { issuer, subject } => serde_json::json!(["userToken", issuer, subject]),
    };
    Some(key.to_string())
}

/// Maps a failed request to a provider's authorization server to the service's errors: an
/// OAuth error from the server is a `ValidationException` naming the provider and the OAuth
/// error code, and an unreachable server or unusable response is an `InternalServerException`.
pub(super) fn provider_failure(provider: &str, error: ProviderError) -> ServiceError {
    match error {
        ProviderError::OAuth { .. } => ServiceError::invalid_field(
            "resourceCredentialProviderName",
            format!(
                "the authorization server of provider {provider} rejected the token request: {error}"
            ),
        ),
        ProviderError::Configuration(message) => {
            ServiceError::invalid_field("resourceCredentialProviderName", message)
        }
        ProviderError::Unavailable(message) => ServiceError::internal(format!(
            "the authorization server of provider {provider} failed: {message}"
        )),
    }
}

/// Opens the provider's secret and resolves its endpoints.
pub(super) async fn resolve_provider(
    state: &AppState,
    record: &Oauth2ProviderRecord,
) -> Result<ResolvedProvider, ServiceError> {
    let secret = state
        .store
        .read_oauth2_client_secret(record.name.clone())
        .await?;
    state
        .providers
        .resolve(record, secret)
        .await
        .map_err(|error| provider_failure(&record.name, error))
}

/// Finds a provider for a data-plane request.
pub(super) async fn find_provider(
    state: &AppState,
    name: &str,
) -> Result<Oauth2ProviderRecord, ServiceError> {
    let record = state.store.get_oauth2_provider(name.to_owned()).await?;
    record.ok_or_else(|| {
        ServiceError::not_found(format!("OAuth2 credential provider {name} does not exist"))
    })
}

pub(super) async fn get_resource_oauth2_token(
    state: &AppState,
    mut input: Input,
) -> Result<Reply, ServiceError> {
    let token =
        SecretString::from(input.required_string("workloadIdentityToken", rules::WORKLOAD_TOKEN));
    let provider_name =
        input.required_string("resourceCredentialProviderName", rules::PROVIDER_NAME);
    let scopes = input.required_string_list("scopes", rules::SCOPE);
    let flow = input.required_enum("oauth2Flow", &[USER_FEDERATION, M2M, ON_BEHALF_OF]);
    let session_uri = input.optional_string("sessionUri", rules::SESSION_URI);
    let return_url = input.optional_string("resourceOauth2ReturnUrl", rules::RETURN_URL);
    let force_authentication = input.optional_bool("forceAuthentication");
    let custom_parameters = read_custom_parameters(&mut input);
    let custom_state = input.optional_string("customState", rules::CUSTOM_STATE);
    let resources = input.optional_string_list("resources", rules::RESOURCE);
    let audiences = input.optional_string_list("audiences", rules::RESOURCE);
    input.finish()?;
    let Some(flow) = flow else {
        return Err(ServiceError::internal("oauth2Flow was not read"));
    };

    let caller = authenticate(state, token.expose_secret()).await?;
    let record = find_provider(state, &provider_name).await?;
    let access = RequestedAccess::new(
        scopes,
        resources.unwrap_or_default(),
        audiences.unwrap_or_default(),
    );
    let span = tracing::debug_span!(
        "oauth2_token",
        provider = %provider_name,
        flow,
        workload = %caller.workload_name,
        user = ?caller.user,
    );

    let reply = async {
        match flow {
            M2M => machine_to_machine(state, &caller, &record, &access).await,
            ON_BEHALF_OF => on_behalf_of(state, &caller, &record, &access).await,
            _ => {
                let request = FederationRequest {
                    session_uri,
                    return_url,
                    force_authentication: force_authentication.unwrap_or(false),
                    custom_parameters,
                    custom_state: custom_state.map(SecretString::from),
                };
                user_federation::get_token(state, &caller, &record, access, request).await
            }
        }
    };
    reply.instrument(span).await
}

/// Reads `customParameters`; their values are secrets.
fn read_custom_parameters(input: &mut Input) -> Vec<(String, SecretString)> {
    let parameters = input.optional_string_map(
        "customParameters",
        rules::CUSTOM_PARAMETER_KEY,
        rules::CUSTOM_PARAMETER_VALUE,
        usize::MAX,
    );
    let parameters: BTreeMap<String, String> = parameters.unwrap_or_default();
    let reserved: Vec<&str> = parameters
        .keys()
        .map(String::as_str)
        .filter(|name| RESERVED_PARAMETERS.contains(name))
        .collect();
    if !reserved.is_empty() {
        input.invalid(
            "customParameters",
            &format!(
                "Member must not set {}, which the service sets itself",
                reserved.join(", ")
            ),
        );
    }
    parameters
        .into_iter()
        .map(|(name, value)| (name, SecretString::from(value)))
        .collect()
}

/// Returns the kept client-credentials token while it is fresh, else requests a new one and
/// keeps it.
async fn machine_to_machine(
    state: &AppState,
    caller: &VerifiedToken,
    record: &Oauth2ProviderRecord,
    access: &RequestedAccess,
) -> Result<Reply, ServiceError> {
    let key = TokenKey {
        workload_identity_id: caller.workload_identity_id.clone(),
        user_key: WORKLOAD_USER_KEY.to_owned(),
        provider_name: record.name.clone(),
        request_key: access.key(),
    };
    let now_ms = unix_millis(state.clock.now());
    if let Some(token) = state.store.get_oauth2_token(key.clone()).await?
        && is_fresh(&token, now_ms)
    {
        tracing::debug!("returned kept client-credentials token");
        return Ok(access_token_reply(&token));
    }

    let provider = resolve_provider(state, record).await?;
    let token = state
        .providers
        .client_credentials(&provider, access)
        .await
        .map_err(|error| provider_failure(&record.name, error))?;
    state
        .store
        .put_oauth2_token(key, token_copy(&token), now_ms)
        .await?;

    tracing::debug!("obtained client-credentials token");
    Ok(access_token_reply(&token))
}

/// Exchanges the user JWT kept with the workload access token. Exchanged tokens are not kept,
/// so each call presents the user's JWT again.
async fn on_behalf_of(
    state: &AppState,
    caller: &VerifiedToken,
    record: &Oauth2ProviderRecord,
    access: &RequestedAccess,
) -> Result<Reply, ServiceError> {
    if !matches!(caller.user, TokenUser::Jwt { .. }) {
        let obtained = match caller.user {
            TokenUser::UserId(_) => "for a user id",
            _ => "without a user",
        };
        return Err(ServiceError::invalid_field(
            "workloadIdentityToken",
            format!(
                "ON_BEHALF_OF_TOKEN_EXCHANGE needs a workload access token obtained with GetWorkloadAccessTokenForJWT, which keeps the user's JWT to exchange; this one was obtained {obtained}"
            ),
        ));
    }
    let grant = state
        .store
        .read_user_token_grant(caller.token_id.clone())
        .await?
        .ok_or_else(|| {
            ServiceError::unauthorized(
                "the user JWT of this workload access token is no longer kept; request a new workload access token",
            )
        })?;

    let provider = resolve_provider(state, record).await?;
    let Some(config) = provider.on_behalf_of().cloned() else {
        return Err(ServiceError::invalid_field(
            "resourceCredentialProviderName",
            format!(
                "provider {} has no onBehalfOfTokenExchangeConfig; set one on a CustomOauth2 provider to use ON_BEHALF_OF_TOKEN_EXCHANGE",
                record.name
            ),
        ));
    };
    let token = state
        .providers
        .exchange_user_token(&provider, &config, &grant.user_token, access)
        .await
        .map_err(|error| provider_failure(&record.name, error))?;

    tracing::debug!(grant = ?config.grant_type, "exchanged user token");
    Ok(access_token_reply(&token))
}

/// Copies a token, so that one copy goes to the vault and the other into the response.
pub(super) fn token_copy(token: &StoredToken) -> StoredToken {
    StoredToken {
        access_token: token.access_token.clone(),
        refresh_token: token.refresh_token.clone(),
        expires_at_ms: token.expires_at_ms,
    }
}
