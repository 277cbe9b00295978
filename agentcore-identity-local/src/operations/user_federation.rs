//! Data plane: the USER_FEDERATION flow of `GetResourceOauth2Token`, and
//! `CompleteResourceTokenAuth`.
//!
//! A request without a usable kept token starts an authorization session and returns an
//! authorization URL on this service. The user's browser goes from there to the provider,
//! back to the service's callback (see `browser`), and on to the application's return URL.
//! The application then confirms the session with `CompleteResourceTokenAuth` for the same
//! user, and only then does the token reach the vault and the polling caller.

use rand::Rng;
use rand::distr::Alphanumeric;
use secrecy::SecretString;
use serde::Serialize;

use super::Reply;
use super::oauth2_tokens::{
    access_token_reply, find_provider, is_fresh, provider_failure, resolve_provider, token_copy,
    user_key,
};
use crate::clock::unix_millis;
use crate::error::ServiceError;
use crate::provider_client::{ProviderError, RequestedAccess};
use crate::routes::AUTHORIZE_PATH;
use crate::server::AppState;
use crate::store::{
    CompleteOutcome, Oauth2ProviderRecord, SessionRecord, SessionSecrets, SessionStatus,
    StoredToken, TokenKey,
};
use crate::validation::{Input, SESSION_URI_PREFIX, is_session_id, rules};
use crate::workload_token::VerifiedToken;

/// How long a session that ended stays in the vault, so that a late poll or confirmation
/// learns that it expired instead of finding nothing.
const SESSION_RETENTION_MS: i64 = 24 * 60 * 60 * 1000;

/// `sessionStatus` of a session that has not produced a token yet.
const IN_PROGRESS: &str = "IN_PROGRESS";
/// `sessionStatus` of a session whose authorization or code exchange failed.
const FAILED: &str = "FAILED";

/// The USER_FEDERATION members of a `GetResourceOauth2Token` request.
pub(super) struct FederationRequest {
    pub(super) session_uri: Option<String>,
    pub(super) return_url: Option<String>,
    pub(super) force_authentication: bool,
    pub(super) custom_parameters: Vec<(String, SecretString)>,
    pub(super) custom_state: Option<SecretString>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization_url: Option<String>,
    session_uri: String,
    session_status: &'static str,
}

/// Returns the session URI of a session id.
pub(crate) fn session_uri(id: &str) -> String {
    format!("{SESSION_URI_PREFIX}{id}")
}

/// Returns the session id of a session URI, if it has the URI's form.
pub(crate) fn session_id(uri: &str) -> Option<&str> {
    uri.strip_prefix(SESSION_URI_PREFIX)
        .filter(|id| is_session_id(id))
}

/// Returns the URL of this service's authorization page for a session.
fn authorization_url(state: &AppState, id: &str) -> String {
    let mut url = url::Url::parse(&format!("{}{AUTHORIZE_PATH}", state.public_url))
        .expect("the public URL is a valid base URL");
    url.query_pairs_mut()
        .append_pair("request_uri", &session_uri(id));
    url.into()
}

/// Returns whether a session that has not completed can no longer complete.
pub(crate) fn has_expired(session: &SessionRecord, now_ms: i64) -> bool {
    session.status != SessionStatus::Completed && now_ms >= session.expires_at_ms
}

fn expired_error(uri: &str) -> ServiceError {
    ServiceError::invalid_field(
        "sessionUri",
        format!(
            "the authorization session {uri} has expired; call GetResourceOauth2Token without sessionUri to start a new one"
        ),
    )
}

pub(super) async fn get_token(
    state: &AppState,
    caller: &VerifiedToken,
    record: &Oauth2ProviderRecord,
    access: RequestedAccess,
    request: FederationRequest,
) -> Result<Reply, ServiceError> {
    let user_key = user_key(&caller.user).ok_or_else(|| {
        ServiceError::invalid_field(
            "workloadIdentityToken",
            "USER_FEDERATION needs a workload access token for a user; obtain one with GetWorkloadAccessTokenForUserId or GetWorkloadAccessTokenForJWT",
        )
    })?;
    let key = TokenKey {
        workload_identity_id: caller.workload_identity_id.clone(),
        user_key,
        provider_name: record.name.clone(),
        request_key: access.key(),
    };

    if let Some(uri) = &request.session_uri {
        return poll(state, record, &key, uri).await;
    }
    if !request.force_authentication
        && let Some(token) = kept_token(state, record, &key, &access).await?
    {
        tracing::debug!("returned kept user token");
        return Ok(access_token_reply(&token));
    }
    start_session(state, caller, record, key, &access, request).await
}

/// Returns the token kept under `key`, refreshed first when it has expired. `None` when there
/// is none, or when it expired and cannot be refreshed, so the user must authorize again.
async fn kept_token(
    state: &AppState,
    record: &Oauth2ProviderRecord,
    key: &TokenKey,
    access: &RequestedAccess,
) -> Result<Option<StoredToken>, ServiceError> {
    let Some(token) = state.store.get_oauth2_token(key.clone()).await? else {
        return Ok(None);
    };
    let now_ms = unix_millis(state.clock.now());
    if is_fresh(&token, now_ms) {
        return Ok(Some(token));
    }
    let Some(refresh_token) = &token.refresh_token else {
        tracing::debug!("kept user token expired and has no refresh token");
        return Ok(None);
    };

    let provider = resolve_provider(state, record).await?;
    match state
        .providers
        .refresh(&provider, refresh_token, access)
        .await
    {
        Ok(refreshed) => {
            state
                .store
                .put_oauth2_token(key.clone(), token_copy(&refreshed), now_ms)
                .await?;
            tracing::debug!("refreshed kept user token");
            Ok(Some(refreshed))
        }
        Err(ProviderError::OAuth { code, .. }) => {
            tracing::debug!(oauth_error = %code, "refresh token rejected; the user must authorize again");
            state.store.delete_oauth2_token(key.clone()).await?;
            Ok(None)
        }
        Err(error) => Err(provider_failure(&record.name, error)),
    }
}

/// Returns the status of a polled session: `IN_PROGRESS` until it is completed, then the
/// token.
async fn poll(
    state: &AppState,
    record: &Oauth2ProviderRecord,
    key: &TokenKey,
    uri: &str,
) -> Result<Reply, ServiceError> {
    let session = find_session(state, uri).await?;
    if session.key.workload_identity_id != key.workload_identity_id
        || session.key.user_key != key.user_key
    {
        return Err(ServiceError::access_denied(format!(
            "the authorization session {uri} was started for another user or workload identity"
        )));
    }
    if session.key.provider_name != key.provider_name {
        return Err(ServiceError::invalid_field(
            "sessionUri",
            format!(
                "the authorization session {uri} was started for provider {}",
                session.key.provider_name
            ),
        ));
    }

    let now_ms = unix_millis(state.clock.now());
    let session_reply = |status, with_url: bool| {
        Reply::ok(&SessionOutput {
            authorization_url: with_url.then(|| authorization_url(state, &session.id)),
            session_uri: uri.to_owned(),
            session_status: status,
        })
    };
    match session.status {
        _ if has_expired(&session, now_ms) => Err(expired_error(uri)),
        SessionStatus::AwaitingCallback | SessionStatus::AwaitingConfirmation => {
            Ok(session_reply(IN_PROGRESS, true))
        }
        SessionStatus::Failed => Ok(session_reply(FAILED, false)),
        SessionStatus::Completed => {
            let access = RequestedAccess::from_key(&session.key.request_key).unwrap_or_default();
            match kept_token(state, record, &session.key, &access).await? {
                Some(token) => Ok(access_token_reply(&token)),
                // The token was dropped since, by an update of the provider or a rejected
                // refresh; the caller must start over.
                None => Ok(session_reply(FAILED, false)),
            }
        }
    }
}

async fn find_session(state: &AppState, uri: &str) -> Result<SessionRecord, ServiceError> {
    let not_found =
        || ServiceError::not_found(format!("authorization session {uri} does not exist"));
    let id = session_id(uri).ok_or_else(not_found)?;
    state
        .store
        .get_oauth2_session(id.to_owned())
        .await?
        .ok_or_else(not_found)
}

async fn start_session(
    state: &AppState,
    caller: &VerifiedToken,
    record: &Oauth2ProviderRecord,
    key: TokenKey,
    access: &RequestedAccess,
    request: FederationRequest,
) -> Result<Reply, ServiceError> {
    let workload = state
        .store
        .get_workload_identity(caller.workload_name.clone())
        .await?
        .ok_or_else(|| ServiceError::unauthorized("the workload identity no longer exists"))?;
    let return_url = choose_return_url(
        &workload.name,
        &workload.allowed_return_urls,
        request.return_url,
    )?;

    let id: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let (_, verifier) = oauth2::PkceCodeChallenge::new_random_sha256();
    let secrets = SessionSecrets {
        pkce_verifier: verifier.into_secret().into(),
        custom_state: request.custom_state,
        custom_parameters: request.custom_parameters,
    };

    // Building the provider's URL now reports a provider without an authorization endpoint,
    // or with an unreachable discovery document, before the user is sent anywhere.
    let provider = resolve_provider(state, record).await?;
    provider
        .authorization_url(
            &super::oauth2_providers::callback_url(state, record),
            "check",
            &secrets.pkce_verifier,
            access,
            &secrets.custom_parameters,
        )
        .map_err(|error| provider_failure(&record.name, error))?;

    let now_ms = unix_millis(state.clock.now());
    let lifetime_ms = i64::try_from(state.session_lifetime.as_millis()).unwrap_or(i64::MAX);
    let session = SessionRecord {
        id: id.clone(),
        state: new_state(),
        key,
        return_url,
        status: SessionStatus::AwaitingCallback,
        failure: None,
        created_at_ms: now_ms,
        expires_at_ms: now_ms.saturating_add(lifetime_ms),
    };
    state
        .store
        .insert_oauth2_session(session, secrets, now_ms - SESSION_RETENTION_MS)
        .await?;

    tracing::debug!(session = %id, "started authorization session");
    Ok(Reply::ok(&SessionOutput {
        authorization_url: Some(authorization_url(state, &id)),
        session_uri: session_uri(&id),
        session_status: IN_PROGRESS,
    }))
}

/// Returns 32 random bytes, base64url-encoded, for the OAuth2 `state` parameter.
fn new_state() -> String {
    use base64::Engine;
    use rand::RngCore;

    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Picks the return URL: the requested one when the workload identity allows it, else the
/// only allowed one when the request names none.
fn choose_return_url(
    workload: &str,
    allowed: &[String],
    requested: Option<String>,
) -> Result<String, ServiceError> {
    let invalid = |message: String| ServiceError::invalid_field("resourceOauth2ReturnUrl", message);
    match (requested, allowed) {
        (Some(url), _) if allowed.contains(&url) => Ok(url),
        (Some(_), _) => Err(invalid(format!(
            "the return URL is not one of the allowedResourceOauth2ReturnUrls of workload identity {workload}; add it with UpdateWorkloadIdentity"
        ))),
        (None, [only]) => Ok(only.clone()),
        (None, []) => Err(invalid(format!(
            "USER_FEDERATION needs a return URL, and workload identity {workload} allows none; add one to allowedResourceOauth2ReturnUrls with UpdateWorkloadIdentity"
        ))),
        (None, _) => Err(invalid(format!(
            "Member must not be null when workload identity {workload} allows more than one return URL"
        ))),
    }
}

/// The user a `CompleteResourceTokenAuth` request names.
enum UserIdentifier {
    UserId(String),
    UserToken(SecretString),
}

fn read_user_identifier(input: &mut Input) -> Option<UserIdentifier> {
    let (member, value) = input.required_union("userIdentifier")?;
    let mut union = input.nested("userIdentifier", serde_json::json!({ &member: value }))?;
    let identifier = match member.as_str() {
        "userId" => Some(UserIdentifier::UserId(
            union.required_string("userId", rules::USER_ID),
        )),
        "userToken" => Some(UserIdentifier::UserToken(
            union.required_string("userToken", rules::USER_TOKEN).into(),
        )),
        other => {
            union.invalid(
                other,
                "Member is not a member of UserIdentifier: use userId or userToken",
            );
            None
        }
    };
    input.merge(union);
    identifier
}

/// Confirms a session for the user who started it, which moves its token into the vault.
pub(super) async fn complete(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let uri = input.required_string("sessionUri", rules::SESSION_URI);
    let identifier = read_user_identifier(&mut input);
    input.finish()?;
    let Some(identifier) = identifier else {
        return Err(ServiceError::internal("userIdentifier was not read"));
    };

    let claimed_user = match identifier {
        UserIdentifier::UserId(id) => crate::workload_token::TokenUser::UserId(id),
        UserIdentifier::UserToken(token) => {
            use secrecy::ExposeSecret;
            let user = state
                .user_tokens
                .verify(token.expose_secret())
                .await
                .map_err(|rejection| ServiceError::unauthorized(rejection.to_string()))?;
            crate::workload_token::TokenUser::Jwt {
                issuer: user.issuer,
                subject: user.subject,
            }
        }
    };
    let session = find_session(state, &uri).await?;
    let now_ms = unix_millis(state.clock.now());
    if has_expired(&session, now_ms) {
        return Err(expired_error(&uri));
    }
    if user_key(&claimed_user).as_deref() != Some(session.key.user_key.as_str()) {
        tracing::warn!(session = %session.id, user = ?claimed_user, "rejected confirmation by another user");
        return Err(ServiceError::access_denied(format!(
            "the authorization session {uri} was started for another user; no token was released"
        )));
    }

    match state
        .store
        .complete_oauth2_session(session.id.clone(), now_ms)
        .await?
    {
        CompleteOutcome::Completed | CompleteOutcome::AlreadyCompleted => {
            tracing::debug!(session = %session.id, provider = %session.key.provider_name, "completed authorization session");
            Ok(Reply::ok(&serde_json::json!({})))
        }
        CompleteOutcome::NotReady(SessionStatus::Failed) => Err(ServiceError::invalid_field(
            "sessionUri",
            format!(
                "the authorization session {uri} failed at the provider: {}",
                session.failure.as_deref().unwrap_or("unknown error")
            ),
        )),
        CompleteOutcome::NotReady(_) => Err(ServiceError::invalid_field(
            "sessionUri",
            format!(
                "the user has not finished authorizing the authorization session {uri} at the provider yet"
            ),
        )),
        CompleteOutcome::NotFound => Err(ServiceError::not_found(format!(
            "authorization session {uri} does not exist"
        ))),
    }
}

/// Finds the provider of a session for the browser pages.
pub(crate) async fn session_provider(
    state: &AppState,
    session: &SessionRecord,
) -> Result<Oauth2ProviderRecord, ServiceError> {
    find_provider(state, &session.key.provider_name).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(list: &[&str]) -> Vec<String> {
        list.iter().map(|url| (*url).to_owned()).collect()
    }

    #[test]
    fn return_url_must_be_allowed() {
        let allowed = urls(&["http://a.test/done", "http://b.test/done"]);

        let chosen = choose_return_url("agent", &allowed, Some("http://b.test/done".into()));
        assert_eq!(chosen.unwrap(), "http://b.test/done");
        assert!(choose_return_url("agent", &allowed, Some("http://c.test/".into())).is_err());
    }

    #[test]
    fn missing_return_url_uses_only_allowed_one() {
        let one = urls(&["http://a.test/done"]);
        let two = urls(&["http://a.test/done", "http://b.test/done"]);

        assert_eq!(
            choose_return_url("agent", &one, None).unwrap(),
            "http://a.test/done"
        );
        assert!(choose_return_url("agent", &two, None).is_err());
        assert!(choose_return_url("agent", &[], None).is_err());
    }

    #[test]
    fn session_uri_round_trips() {
        let uri = session_uri("abc123");

        assert_eq!(uri, "urn:ietf:params:oauth:request_uri:abc123");
        assert_eq!(session_id(&uri), Some("abc123"));
        assert_eq!(session_id("urn:other:abc"), None);
    }
}
