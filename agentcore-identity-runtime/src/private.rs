//! Functions and types that macro expansions call. Not a public API: names and signatures
//! change without notice.

use secrecy::SecretString;

pub use crate::Error;
pub use secrecy::SecretString as Secret;

/// The request of a function annotated with `#[requires_api_key]`, fixed at compile time.
#[derive(Debug)]
pub struct ApiKeySpec {
    /// Name of the API-key credential provider.
    pub provider: &'static str,
    /// Name of the annotated function, for logs and errors.
    pub function: &'static str,
}

/// The request of a function annotated with `#[requires_wat]`, fixed at compile time.
#[derive(Debug)]
pub struct WorkloadTokenSpec {
    /// Name of the annotated function, for logs and errors.
    pub function: &'static str,
}

/// Fetches the API key for an `async fn`, with the client and request context in scope.
pub async fn fetch_api_key(spec: &'static ApiKeySpec) -> Result<SecretString, Error> {
    crate::fetch::api_key(spec).await
}

/// Fetches the API key for a plain `fn`, blocking the calling thread.
pub fn fetch_api_key_blocking(spec: &'static ApiKeySpec) -> Result<SecretString, Error> {
    crate::fetch::api_key_blocking(spec)
}

/// Returns the workload access token of the current request context for an `async fn`.
pub async fn fetch_workload_access_token(
    spec: &'static WorkloadTokenSpec,
) -> Result<SecretString, Error> {
    crate::fetch::workload_access_token(spec)
}

/// Returns the workload access token of the current request context for a plain `fn`.
pub fn fetch_workload_access_token_blocking(
    spec: &'static WorkloadTokenSpec,
) -> Result<SecretString, Error> {
    crate::fetch::workload_access_token(spec)
}

/// Return types that can carry an identity [`Error`] out of an annotated function.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot carry an `agentcore_identity_runtime::Error`",
    label = "the credential attribute returns its errors through this type",
    note = "return a `Result<T, E>` where `E: From<agentcore_identity_runtime::Error>`, such as `Result<T, agentcore_identity_runtime::Error>`, `anyhow::Result<T>` or `Result<T, Box<dyn std::error::Error + Send + Sync>>`"
)]
pub trait IdentityResult {
    /// Wraps the error as this return type.
    fn from_identity_error(error: Error) -> Self;
}

impl<T, E> IdentityResult for Result<T, E>
where
    E: From<Error>,
{
    fn from_identity_error(error: Error) -> Self {
        Err(E::from(error))
    }
}

/// Converts an identity error into the annotated function's return type.
pub fn identity_error<R: IdentityResult>(error: Error) -> R {
    R::from_identity_error(error)
}

/// Parameter types that can receive a credential.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot receive a credential",
    label = "the credential is injected into this parameter",
    note = "declare the parameter as `agentcore_identity_runtime::SecretString`"
)]
pub trait Credential: Sized {
    /// Wraps the secret as this type.
    fn from_secret(secret: SecretString) -> Self;
}

impl Credential for SecretString {
    fn from_secret(secret: SecretString) -> Self {
        secret
    }
}

/// Converts a fetched secret into the declared type of the injected parameter.
pub fn credential<C: Credential>(secret: SecretString) -> C {
    C::from_secret(secret)
}

/// The request of a function annotated with `#[requires_access_token]`, fixed at compile time.
#[derive(Debug)]
pub struct AccessTokenSpec {
    /// Name of the OAuth2 credential provider.
    pub provider: &'static str,
    /// The flow, checked at compile time.
    pub flow: crate::OAuth2Flow,
    /// Scopes to request.
    pub scopes: &'static [&'static str],
    /// Return URL of the user-federation flow.
    pub callback_url: Option<&'static str>,
    /// Whether to start a new user-federation session.
    pub force_authentication: bool,
    /// State echoed back to the return URL.
    pub custom_state: Option<&'static str>,
    /// Parameters added to the authorization request.
    pub custom_parameters: &'static [(&'static str, &'static str)],
    /// Resource indicators.
    pub resources: &'static [&'static str],
    /// Audiences.
    pub audiences: &'static [&'static str],
    /// Name of the annotated function, for logs and errors.
    pub function: &'static str,
}

impl AccessTokenSpec {
    fn request(&self) -> crate::AccessTokenRequest {
        let mut request = crate::AccessTokenRequest::new(self.provider, self.flow)
            .scopes(self.scopes.iter().copied())
            .force_authentication(self.force_authentication)
            .resources(self.resources.iter().copied())
            .audiences(self.audiences.iter().copied());
        if let Some(url) = self.callback_url {
            request = request.callback_url(url);
        }
        if let Some(state) = self.custom_state {
            request = request.custom_state(state);
        }
        for (name, value) in self.custom_parameters {
            request = request.custom_parameter(*name, *value);
        }
        request
    }
}

pub use crate::oauth::{IntervalPoller as DefaultPoller, LogAuthUrl as DefaultAuthUrlHandler};

/// Fetches an access token for an `async fn`.
pub async fn fetch_access_token<M>(
    spec: &'static AccessTokenSpec,
    on_auth_url: impl crate::OnAuthUrl<M>,
    poller: impl crate::TokenPoller,
) -> Result<SecretString, Error> {
    crate::fetch::access_token(spec, spec.request(), &on_auth_url, &poller).await
}

/// Fetches an access token for a plain `fn`, blocking the calling thread.
pub fn fetch_access_token_blocking<M: 'static>(
    spec: &'static AccessTokenSpec,
    on_auth_url: impl crate::OnAuthUrl<M> + 'static,
    poller: impl crate::TokenPoller + 'static,
) -> Result<SecretString, Error> {
    let fetch = crate::context::in_current_scope(async move {
        crate::fetch::access_token(spec, spec.request(), &on_auth_url, &poller).await
    });
    crate::dispatch::block_on(spec.function, fetch)?
}

/// The request of a function annotated with `#[requires_iam_access_token]`, fixed at compile
/// time.
#[derive(Debug)]
pub struct IamTokenSpec {
    /// Audiences of the token; at least one, checked at compile time.
    pub audiences: &'static [&'static str],
    /// Signing algorithm.
    pub algorithm: crate::SigningAlgorithm,
    /// Lifetime in seconds, 60 to 3600, checked at compile time.
    pub duration_seconds: u32,
    /// Tags, which become claims.
    pub tags: &'static [(&'static str, &'static str)],
    /// Name of the annotated function, for logs and errors.
    pub function: &'static str,
}

impl IamTokenSpec {
    fn request(&self) -> crate::IamTokenRequest {
        let mut request = crate::IamTokenRequest::new(self.audiences.iter().copied())
            .signing_algorithm(self.algorithm)
            .lifetime(std::time::Duration::from_secs(u64::from(
                self.duration_seconds,
            )));
        for (key, value) in self.tags {
            request = request.tag(*key, *value);
        }
        request
    }
}

/// Fetches an IAM access token for an `async fn`.
pub async fn fetch_iam_access_token(spec: &'static IamTokenSpec) -> Result<SecretString, Error> {
    let client = crate::IdentityClient::current().await?;
    client.iam_access_token(&spec.request()).await
}

/// Fetches an IAM access token for a plain `fn`, blocking the calling thread.
pub fn fetch_iam_access_token_blocking(spec: &'static IamTokenSpec) -> Result<SecretString, Error> {
    let fetch = crate::context::in_current_scope(fetch_iam_access_token(spec));
    crate::dispatch::block_on(spec.function, fetch)?
}
