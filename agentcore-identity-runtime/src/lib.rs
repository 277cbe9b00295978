//! Fetch API keys and OAuth2 access tokens from the Amazon Bedrock AgentCore Identity token
//! vault, by annotating an agent's functions.
//!
//! ```no_run
//! use agentcore_identity_runtime::{Error, SecretString, requires_api_key};
//! use secrecy::ExposeSecret;
//!
//! #[requires_api_key(provider = "openai-apikey-provider")]
//! async fn ask_model(prompt: &str, api_key: SecretString) -> Result<String, Error> {
//!     // Send `prompt` with `api_key.expose_secret()` as the bearer token.
//!     Ok(format!("{prompt}: {} key bytes", api_key.expose_secret().len()))
//! }
//!
//! # async fn demo() -> Result<(), Error> {
//! // Callers never pass the key: it is fetched before the body runs.
//! let answer = ask_model("hello").await?;
//! # let _ = answer;
//! # Ok(())
//! # }
//! ```
//!
//! The attribute removes the `api_key` parameter from the signature callers see; before the
//! body runs it finds a workload access token and requests the key kept by the named credential
//! provider from the token vault.
//!
//! # Where the workload access token comes from
//!
//! In this order:
//! 1. the [`RequestContext`] of the current request: AgentCore Runtime sends the token in the
//!    `WorkloadAccessToken` or `X-Amz-Bedrock-AgentCore-Identity-WAT` header, and
//!    [`RequestContextLayer`] puts it into the context;
//! 2. a named workload identity, from [`IdentityClientBuilder::workload_identity`] or the
//!    `AGENTCORE_WORKLOAD_IDENTITY` environment variable, acting for the user of
//!    [`IdentityClientBuilder::user_token`], [`IdentityClientBuilder::user_id`] or the
//!    `AGENTCORE_USER_ID` environment variable;
//! 3. outside a container (`DOCKER_CONTAINER` is not `1`), for local development, the workload
//!    identity and user id kept in `.agentcore.json` in the working directory (the same file the
//!    Python SDK uses), created on first use.
//!
//! Inside a container with none of these, the call fails with
//! [`Error::MissingWorkloadAccessToken`] naming the missing header, and no request is sent.
//!
//! # Which client annotated functions use
//!
//! The one set with [`IdentityClient::scope`], else the process-wide
//! [`IdentityClient::shared`] client, built on first use from the environment: `AWS_REGION`,
//! `AWS_DEFAULT_REGION`, the shared AWS config, then `us-west-2`; the endpoints of
//! `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE` and `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL`
//! (which is also how a local Identity service is reached); the AWS credential chain without
//! instance metadata.
//!
//! # Plain functions
//!
//! A plain `fn` can be annotated too. It blocks while the credential is fetched, which works on
//! a thread without a runtime, on a multi-thread tokio runtime, and through [`spawn_blocking`];
//! on a current-thread runtime it fails with [`Error::BlockingInCurrentThreadRuntime`].
//!
//! # Spawned tasks
//!
//! [`tokio::spawn`] starts a task without the request context. Use [`spawn`],
//! [`spawn_blocking`] or [`in_current_scope`] to carry it.

mod client;
mod config;
mod context;
mod dispatch;
mod error;
mod fetch;
mod iam;
mod layer;
mod local_dev;
mod oauth;
mod oauth_client;
mod types;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use agentcore_identity_macros::{
    requires_access_token, requires_api_key, requires_iam_access_token, requires_wat,
};
pub use aws_credential_types::Credentials;
pub use secrecy::{ExposeSecret, SecretString};

pub use crate::client::IdentityClient;
pub use crate::config::{
    DEFAULT_REGION, IdentityClientBuilder, LOCAL_CONFIG_FILE, USER_ID_ENV, WORKLOAD_IDENTITY_ENV,
};
pub use crate::context::{
    RequestContext, RequestContextBuilder, in_current_scope, spawn, spawn_blocking,
};
pub use crate::error::{BoxError, Error, ServiceError, ServiceErrorKind};
pub use crate::iam::{
    FEDERATION_DISABLED_CODE, IAM_TOKEN_LIFETIME_SECONDS, IamTokenRequest, SigningAlgorithm,
};
pub use crate::layer::{
    IDENTITY_WAT_HEADER, OAUTH2_CALLBACK_URL_HEADER, REQUEST_ID_HEADER, RequestContextLayer,
    RequestContextService, SESSION_ID_HEADER, USER_ID_HEADER, WORKLOAD_ACCESS_TOKEN_HEADER,
};
pub use crate::oauth::{
    AccessTokenRequest, AsyncHandler, DEFAULT_POLL_INTERVAL, DEFAULT_POLL_TIMEOUT, IntervalPoller,
    LogAuthUrl, OAuth2Flow, OAuth2TokenResponse, OnAuthUrl, PollOnce, SyncHandler, TokenPoller,
};
pub use crate::oauth_client::SessionUser;
pub use crate::types::{ApiKeyCredentialProvider, Oauth2CredentialProvider, WorkloadIdentity};

// The macro crate cannot run the examples of its docs, which use this crate, so they run here.
#[cfg(doctest)]
#[doc = include_str!("../../agentcore-identity-macros/docs/requires_api_key.md")]
struct RequiresApiKeyDocs;

#[cfg(doctest)]
#[doc = include_str!("../../agentcore-identity-macros/docs/requires_wat.md")]
struct RequiresWatDocs;

#[cfg(doctest)]
#[doc = include_str!("../../agentcore-identity-macros/docs/requires_access_token.md")]
struct RequiresAccessTokenDocs;

#[cfg(doctest)]
#[doc = include_str!("../../agentcore-identity-macros/docs/requires_iam_access_token.md")]
struct RequiresIamAccessTokenDocs;

/// Control-plane types used to configure OAuth2 credential providers, from
/// `aws-sdk-bedrockagentcorecontrol`.
pub mod control {
    pub use aws_sdk_bedrockagentcorecontrol::types::*;
}
