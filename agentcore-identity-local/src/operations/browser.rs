//! The pages of the user-federation flow that the user's browser opens. They take no SigV4
//! signature, like the real service's, and respond with redirects or plain-text errors.
//!
//! - `GET /identities/oauth2/authorize?request_uri=<session URI>`, the authorization URL that
//!   `GetResourceOauth2Token` returns, redirects to the provider's authorization endpoint with
//!   `response_type=code`, `client_id`, `redirect_uri` (the provider's callback URL), `scope`,
//!   `state`, a PKCE S256 `code_challenge`, `resource` and `audience` for the requested
//!   resources and audiences, and the request's `customParameters`.
//! - `GET /identities/oauth2/callback/<callback id>?code=...&state=...` exchanges the code and
//!   redirects to the session's return URL with the query parameters `session_id` (the session
//!   URI, as `CompleteResourceTokenAuth` takes it) and `custom_state` (the request's
//!   `customState`, when it had one), plus `error` (an OAuth error code) when the provider
//!   refused or the code exchange failed. The real service's parameter names are not
//!   documented; these follow public examples of applications written against it.

use std::collections::HashMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};

use super::oauth2_providers::callback_url;
use super::oauth2_tokens::resolve_provider;
use super::user_federation::{has_expired, session_id, session_provider, session_uri};
use crate::clock::unix_millis;
use crate::error::Rejection;
use crate::provider_client::{ProviderError, RequestedAccess};
use crate::routes::{BrowserPage, CALLBACK_PATH_PREFIX};
use crate::server::AppState;
use crate::store::{SessionRecord, SessionStatus};

/// Query parameter of the return URL that carries the session URI.
pub(crate) const SESSION_PARAMETER: &str = "session_id";
/// Query parameter of the return URL that carries the request's `customState`.
pub(crate) const CUSTOM_STATE_PARAMETER: &str = "custom_state";
/// Query parameter of the return URL that carries an OAuth error code.
pub(crate) const ERROR_PARAMETER: &str = "error";

/// Maximum length of the failure reason kept with a failed session.
const MAX_FAILURE_LEN: usize = 300;

/// A page that could not be served, shown to the user as plain text.
struct PageError {
    status: StatusCode,
    message: String,
}

impl PageError {
    fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    fn upstream(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_GATEWAY,
            message: message.into(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let body = format!("AgentCore Identity (local): {}\n", self.message);
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response.extensions_mut().insert(Rejection {
            error_type: "AuthorizationPageError",
            message: self.message,
        });
        response
    }
}

fn redirect(location: &str) -> Result<Response, PageError> {
    let location = HeaderValue::from_str(location)
        .map_err(|_| PageError::bad_request("the redirect target is not a valid URL"))?;
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Serves a browser page for a request to `path` with `query`.
pub(crate) async fn serve(
    state: &AppState,
    page: BrowserPage,
    path: &str,
    query: Option<&str>,
) -> Response {
    let query: HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let result = match page {
        BrowserPage::Authorize => authorize(state, &query).await,
        BrowserPage::Callback => {
            let callback_id = path.strip_prefix(CALLBACK_PATH_PREFIX).unwrap_or_default();
            callback(state, callback_id, &query).await
        }
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Checks that a session can still receive the provider's authorization response.
fn check_pending(session: &SessionRecord, now_ms: i64) -> Result<(), PageError> {
    if has_expired(session, now_ms) {
        return Err(PageError::bad_request(
            "this authorization session has expired; start again from the application",
        ));
    }
    if session.status != SessionStatus::AwaitingCallback {
        return Err(PageError::bad_request(
            "this authorization session has already been used; start again from the application",
        ));
    }
    Ok(())
}

async fn authorize(
    state: &AppState,
    query: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let unknown = || PageError::not_found("unknown authorization session");
    let uri = query
        .get("request_uri")
        .ok_or_else(|| PageError::bad_request("missing query parameter request_uri"))?;
    let id = session_id(uri).ok_or_else(unknown)?;
    let session = state
        .store
        .get_oauth2_session(id.to_owned())
        .await
        .map_err(|error| PageError::upstream(error.to_string()))?
        .ok_or_else(unknown)?;
    check_pending(&session, unix_millis(state.clock.now()))?;

    let record = session_provider(state, &session)
        .await
        .map_err(|_| unknown())?;
    let secrets = state
        .store
        .read_oauth2_session_secrets(session.id.clone())
        .await
        .map_err(|error| PageError::upstream(error.to_string()))?
        .ok_or_else(unknown)?;
    let provider = state
        .providers
        .resolve(&record, None)
        .await
        .map_err(|error| PageError::upstream(error.to_string()))?;
    let access = RequestedAccess::from_key(&session.key.request_key).unwrap_or_default();
    let location = provider
        .authorization_url(
            &callback_url(state, &record),
            &session.state,
            &secrets.pkce_verifier,
            &access,
            &secrets.custom_parameters,
        )
        .map_err(|error| PageError::upstream(error.to_string()))?;

    tracing::debug!(session = %session.id, provider = %record.name, "sent user to the provider");
    redirect(location.as_str())
}

async fn callback(
    state: &AppState,
    callback_id: &str,
    query: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let unknown = || {
        PageError::bad_request(
            "the authorization response does not belong to an authorization session of this service",
        )
    };
    let state_parameter = query
        .get("state")
        .ok_or_else(|| PageError::bad_request("missing query parameter state"))?;
    let session = state
        .store
        .find_oauth2_session_by_state(state_parameter.clone())
        .await
        .map_err(|error| PageError::upstream(error.to_string()))?
        .ok_or_else(unknown)?;
    let record = session_provider(state, &session)
        .await
        .map_err(|_| unknown())?;
    if record.callback_id != callback_id {
        return Err(unknown());
    }
    check_pending(&session, unix_millis(state.clock.now()))?;

    if let Some(error) = query.get("error") {
        let description = query.get("error_description").map(String::as_str);
        let failure = ProviderError::OAuth {
            code: error.clone(),
            description: description.map(str::to_owned),
        };
        return fail(state, &session, &failure, error).await;
    }
    let code = query
        .get("code")
        .ok_or_else(|| PageError::bad_request("missing query parameter code"))?;
    let code = SecretString::from(code.clone());

    let secrets = state
        .store
        .read_oauth2_session_secrets(session.id.clone())
        .await
        .map_err(|error| PageError::upstream(error.to_string()))?
        .ok_or_else(unknown)?;
    let Ok(provider) = resolve_provider(state, &record).await else {
        let failure = ProviderError::Unavailable(format!(
            "the endpoints of provider {} could not be resolved",
            record.name
        ));
        return fail(state, &session, &failure, "server_error").await;
    };
    let access = RequestedAccess::from_key(&session.key.request_key).unwrap_or_default();
    let exchanged = state
        .providers
        .exchange_code(
            &provider,
            &callback_url(state, &record),
            code,
            &secrets.pkce_verifier,
            &access,
        )
        .await;

    let token = match exchanged {
        Ok(token) => token,
        Err(error) => {
            let code = match &error {
                ProviderError::OAuth { code, .. } => code.clone(),
                _ => "server_error".to_owned(),
            };
            return fail(state, &session, &error, &code).await;
        }
    };
    state
        .store
        .authorize_oauth2_session(session.id.clone(), token)
        .await
        .map_err(|error| PageError::upstream(error.to_string()))?;

    tracing::debug!(session = %session.id, provider = %record.name, "received user token at callback");
    redirect(&return_location(
        &session,
        secrets.custom_state.as_ref(),
        None,
    )?)
}

/// Marks the session failed and sends the user back to the application with `error`.
async fn fail(
    state: &AppState,
    session: &SessionRecord,
    failure: &ProviderError,
    error_code: &str,
) -> Result<Response, PageError> {
    let mut reason = failure.to_string();
    if reason.len() > MAX_FAILURE_LEN {
        let cut = (0..=MAX_FAILURE_LEN)
            .rev()
            .find(|index| reason.is_char_boundary(*index))
            .unwrap_or(0);
        reason.truncate(cut);
    }
    tracing::warn!(session = %session.id, provider = %session.key.provider_name, %reason, "authorization session failed");
    state
        .store
        .fail_oauth2_session(session.id.clone(), reason)
        .await
        .map_err(|error| PageError::upstream(error.to_string()))?;

    let secrets = state
        .store
        .read_oauth2_session_secrets(session.id.clone())
        .await
        .map_err(|error| PageError::upstream(error.to_string()))?;
    let custom_state = secrets.and_then(|secrets| secrets.custom_state);
    redirect(&return_location(
        session,
        custom_state.as_ref(),
        Some(error_code),
    )?)
}

/// Returns the session's return URL with the session URI, the custom state and the error
/// added to its query.
fn return_location(
    session: &SessionRecord,
    custom_state: Option<&SecretString>,
    error: Option<&str>,
) -> Result<String, PageError> {
    let mut url = url::Url::parse(&session.return_url).map_err(|_| {
        PageError::bad_request("the session's return URL cannot carry query parameters")
    })?;
    {
        let mut query = url.query_pairs_mut();
        query.append_pair(SESSION_PARAMETER, &session_uri(&session.id));
        if let Some(custom_state) = custom_state {
            query.append_pair(CUSTOM_STATE_PARAMETER, custom_state.expose_secret());
        }
        if let Some(error) = error {
            query.append_pair(ERROR_PARAMETER, error);
        }
    }
    Ok(url.into())
}
