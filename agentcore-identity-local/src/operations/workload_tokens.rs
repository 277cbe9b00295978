//! Data plane: `GetWorkloadAccessToken`, `GetWorkloadAccessTokenForUserId`,
//! `GetWorkloadAccessTokenForJWT`, and the check of a workload access token that later
//! operations present.

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use super::Reply;
use crate::clock::unix_millis;
use crate::error::ServiceError;
use crate::server::AppState;
use crate::store::{UserTokenGrant, WorkloadIdentityRecord};
use crate::validation::{Input, rules};
use crate::workload_token::{IssuedToken, TokenUser, VerifiedToken};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenOutput<'a> {
    workload_access_token: &'a str,
}

fn token_reply(issued: &IssuedToken) -> Reply {
    Reply::ok(&TokenOutput {
        workload_access_token: issued.token.expose_secret(),
    })
}

async fn find_workload(
    state: &AppState,
    name: String,
) -> Result<WorkloadIdentityRecord, ServiceError> {
    let record = state.store.get_workload_identity(name.clone()).await?;
    record
        .ok_or_else(|| ServiceError::not_found(format!("workload identity {name} does not exist")))
}

pub(super) async fn get(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let workload_name = input.required_string("workloadName", rules::WORKLOAD_NAME);
    input.finish()?;

    let workload = find_workload(state, workload_name).await?;
    let issued = state
        .tokens
        .issue(&workload.name, &workload.id, &TokenUser::None);

    tracing::debug!(workload = %workload.name, token_id = %issued.token_id, "issued workload access token");
    Ok(token_reply(&issued))
}

pub(super) async fn get_for_user_id(
    state: &AppState,
    mut input: Input,
) -> Result<Reply, ServiceError> {
    let workload_name = input.required_string("workloadName", rules::WORKLOAD_NAME);
    let user_id = input.required_string("userId", rules::USER_ID);
    input.finish()?;

    let workload = find_workload(state, workload_name).await?;
    let user = TokenUser::UserId(user_id);
    let issued = state.tokens.issue(&workload.name, &workload.id, &user);

    tracing::debug!(
        workload = %workload.name,
        user = ?user,
        token_id = %issued.token_id,
        "issued workload access token for user id"
    );
    Ok(token_reply(&issued))
}

/// Issues a token for the user a trusted JWT names, and keeps the JWT sealed under the new
/// token's id for a later on-behalf-of token exchange.
pub(super) async fn get_for_jwt(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let workload_name = input.required_string("workloadName", rules::WORKLOAD_NAME);
    let user_token = SecretString::from(input.required_string("userToken", rules::USER_TOKEN));
    input.finish()?;

    let workload = find_workload(state, workload_name).await?;
    let user = state
        .user_tokens
        .verify(user_token.expose_secret())
        .await
        .map_err(|rejection| ServiceError::unauthorized(rejection.to_string()))?;

    let token_user = TokenUser::Jwt {
        issuer: user.issuer.clone(),
        subject: user.subject.clone(),
    };
    let issued = state
        .tokens
        .issue(&workload.name, &workload.id, &token_user);
    let grant = UserTokenGrant {
        token_id: issued.token_id.clone(),
        workload_identity_id: workload.id.clone(),
        user_issuer: user.issuer,
        user_subject: user.subject,
        user_token,
        expires_at_ms: unix_millis(issued.expires_at),
    };
    let now_ms = unix_millis(state.clock.now());
    state.store.insert_user_token_grant(grant, now_ms).await?;

    tracing::debug!(
        workload = %workload.name,
        user = ?token_user,
        token_id = %issued.token_id,
        "issued workload access token for user JWT"
    );
    Ok(token_reply(&issued))
}

/// Checks a workload access token presented to a data-plane operation, including that its
/// workload identity still exists. Every failure is an `UnauthorizedException`, the error the
/// model gives for an invalid token.
pub(super) async fn authenticate(
    state: &AppState,
    token: &str,
) -> Result<VerifiedToken, ServiceError> {
    let verified = state
        .tokens
        .verify(token)
        .map_err(|rejection| ServiceError::unauthorized(rejection.to_string()))?;

    let workload = state
        .store
        .get_workload_identity(verified.workload_name.clone())
        .await?;
    if workload.is_none_or(|workload| workload.id != verified.workload_identity_id) {
        return Err(ServiceError::unauthorized(format!(
            "the workload identity {} of the workload access token no longer exists",
            verified.workload_name
        )));
    }
    Ok(verified)
}
