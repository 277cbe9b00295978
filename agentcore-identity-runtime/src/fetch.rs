//! The credential fetch that annotated functions run before their body.

use secrecy::SecretString;

use crate::__private::{ApiKeySpec, WorkloadTokenSpec};
use crate::client::TARGET;
use crate::{Error, IdentityClient, RequestContext, dispatch};

pub(crate) async fn api_key(spec: &'static ApiKeySpec) -> Result<SecretString, Error> {
    // The scopes are task-locals of the caller's task, so they are read before any hand-over.
    let client = IdentityClient::current().await?;
    tracing::debug!(target: TARGET, provider = spec.provider, function = spec.function, "fetching api key");
    let result = client.api_key(spec.provider).await;
    if let Err(error) = &result {
        tracing::warn!(target: TARGET, provider = spec.provider, function = spec.function, %error, "failed to fetch api key");
    }
    result
}

pub(crate) fn api_key_blocking(spec: &'static ApiKeySpec) -> Result<SecretString, Error> {
    let fetch = crate::context::in_current_scope(api_key(spec));
    dispatch::block_on(spec.function, fetch)?
}

pub(crate) fn workload_access_token(
    spec: &'static WorkloadTokenSpec,
) -> Result<SecretString, Error> {
    let context = RequestContext::current()?;
    context
        .workload_access_token()
        .cloned()
        .ok_or(Error::MissingWorkloadAccessToken {
            hint: "the request context has no workload access token: AgentCore Runtime sends it in the `WorkloadAccessToken` header (or `X-Amz-Bedrock-AgentCore-Identity-WAT`) when the invocation carries the `X-Amzn-Bedrock-AgentCore-Runtime-User-Id` header or a user JWT",
        })
        .inspect_err(|error| {
            tracing::warn!(target: TARGET, function = spec.function, %error, "no workload access token");
        })
}

pub(crate) async fn access_token<M>(
    spec: &'static crate::__private::AccessTokenSpec,
    request: crate::AccessTokenRequest,
    on_auth_url: &impl crate::OnAuthUrl<M>,
    poller: &impl crate::TokenPoller,
) -> Result<SecretString, Error> {
    let client = IdentityClient::current().await?;
    tracing::debug!(target: TARGET, provider = spec.provider, flow = %spec.flow, function = spec.function, "fetching access token");
    let result = client.access_token(&request, on_auth_url, poller).await;
    if let Err(error) = &result {
        tracing::warn!(target: TARGET, provider = spec.provider, flow = %spec.flow, function = spec.function, %error, "failed to fetch access token");
    }
    result
}
