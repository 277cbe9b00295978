//! The served operations of both planes.

mod api_key_providers;
mod api_keys;
mod browser;
mod oauth2_providers;
mod oauth2_tokens;
mod token_vault;
mod user_federation;
mod workload_identities;
mod workload_tokens;

pub(crate) use browser::serve as serve_browser_page;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use crate::error::ServiceError;
use crate::routes::Operation;
use crate::server::AppState;
use crate::validation::{Input, rules};

/// A successful response.
#[derive(Debug)]
pub(crate) enum Reply {
    Json(StatusCode, Vec<u8>),
    /// 204 with an empty body, for Delete* operations.
    NoContent,
}

impl Reply {
    pub(crate) fn ok(body: &impl Serialize) -> Self {
        Self::json(StatusCode::OK, body)
    }

    /// 201, for Create* operations.
    pub(crate) fn created(body: &impl Serialize) -> Self {
        Self::json(StatusCode::CREATED, body)
    }

    fn json(status: StatusCode, body: &impl Serialize) -> Self {
        let body = serde_json::to_vec(body).expect("response body serializes to JSON");
        Self::Json(status, body)
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Self::Json(status, body) => {
                let mut response = (status, body).into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
            Self::NoContent => StatusCode::NO_CONTENT.into_response(),
        }
    }
}

/// Runs `operation` on a parsed request body.
pub(crate) async fn dispatch(
    state: &AppState,
    operation: Operation,
    input: Input,
) -> Result<Reply, ServiceError> {
    match operation {
        Operation::GetWorkloadAccessToken => workload_tokens::get(state, input).await,
        Operation::GetWorkloadAccessTokenForUserId => {
            workload_tokens::get_for_user_id(state, input).await
        }
        Operation::GetWorkloadAccessTokenForJwt => workload_tokens::get_for_jwt(state, input).await,
        Operation::GetResourceApiKey => api_keys::get_resource_api_key(state, input).await,
        Operation::GetResourceOauth2Token => {
            oauth2_tokens::get_resource_oauth2_token(state, input).await
        }
        Operation::CompleteResourceTokenAuth => user_federation::complete(state, input).await,
        Operation::CreateWorkloadIdentity => workload_identities::create(state, input).await,
        Operation::GetWorkloadIdentity => workload_identities::get(state, input).await,
        Operation::UpdateWorkloadIdentity => workload_identities::update(state, input).await,
        Operation::DeleteWorkloadIdentity => workload_identities::delete(state, input).await,
        Operation::ListWorkloadIdentities => workload_identities::list(state, input).await,
        Operation::CreateApiKeyCredentialProvider => api_key_providers::create(state, input).await,
        Operation::GetApiKeyCredentialProvider => api_key_providers::get(state, input).await,
        Operation::UpdateApiKeyCredentialProvider => api_key_providers::update(state, input).await,
        Operation::DeleteApiKeyCredentialProvider => api_key_providers::delete(state, input).await,
        Operation::ListApiKeyCredentialProviders => api_key_providers::list(state, input).await,
        Operation::CreateOauth2CredentialProvider => oauth2_providers::create(state, input).await,
        Operation::GetOauth2CredentialProvider => oauth2_providers::get(state, input).await,
        Operation::UpdateOauth2CredentialProvider => oauth2_providers::update(state, input).await,
        Operation::DeleteOauth2CredentialProvider => oauth2_providers::delete(state, input).await,
        Operation::ListOauth2CredentialProviders => oauth2_providers::list(state, input).await,
        Operation::GetTokenVault => token_vault::get(state, input),
    }
}

/// The `Secret` shape of the control plane: the ARN of the secret that keeps a credential.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SecretArn {
    secret_arn: String,
}

/// The output of a List operation of credential providers, API-key or OAuth2 alike.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderList<T> {
    credential_providers: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// A page request of a List* operation: the name to continue after and the page size.
struct PageRequest {
    after: Option<String>,
    max_results: usize,
}

/// Reads the input of a List* operation: `nextToken` and `maxResults`. A token is the
/// base64url form of `<list>:<last name>`, so a token of one list is rejected by another.
fn read_page_request(
    mut input: Input,
    list: &str,
    max_page_size: i64,
) -> Result<PageRequest, ServiceError> {
    let token = input.optional_string("nextToken", rules::NEXT_TOKEN);
    let max_results = input
        .optional_integer("maxResults", 1, max_page_size)
        .unwrap_or(max_page_size);

    let after = match token {
        None => None,
        Some(token) => match decode_page_token(&token, list) {
            Some(after) => Some(after),
            None => {
                input.reject(
                    "nextToken",
                    "Value at 'nextToken' failed to satisfy constraint: Member must be a token returned by the previous page of this list",
                );
                None
            }
        },
    };
    input.finish()?;

    Ok(PageRequest {
        after,
        max_results: usize::try_from(max_results).unwrap_or(1),
    })
}

fn decode_page_token(token: &str, list: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (token_list, after) = text.split_once(':')?;
    (token_list == list).then(|| after.to_owned())
}

/// Splits one extra row off `records`: when the store returned more than a page, the last
/// name of the page becomes the next token.
fn paginate<T>(
    mut records: Vec<T>,
    max_results: usize,
    list: &str,
    name_of: impl Fn(&T) -> &str,
) -> (Vec<T>, Option<String>) {
    if records.len() <= max_results {
        return (records, None);
    }
    records.truncate(max_results);
    let token = records
        .last()
        .map(|last| URL_SAFE_NO_PAD.encode(format!("{list}:{}", name_of(last))));
    (records, token)
}
