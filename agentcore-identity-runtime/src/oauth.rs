//! OAuth2 access tokens: the request, the three flows, consent handlers and token pollers.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use secrecy::SecretString;

use crate::client::TARGET;
use crate::{Error, IdentityClient};

/// The OAuth2 flow the token vault runs for a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OAuth2Flow {
    /// Two-legged client credentials: a token for the agent itself (`M2M`).
    M2M,
    /// Three-legged authorization code: a token for a user who consented (`USER_FEDERATION`).
    UserFederation,
    /// Exchange of the user's JWT for a token of the provider (`ON_BEHALF_OF_TOKEN_EXCHANGE`).
    OnBehalfOfTokenExchange,
}

impl OAuth2Flow {
    /// Returns the service's name of the flow, such as `USER_FEDERATION`.
    ///
    /// ```
    /// use agentcore_identity_runtime::OAuth2Flow;
    /// assert_eq!(OAuth2Flow::UserFederation.as_str(), "USER_FEDERATION");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            OAuth2Flow::M2M => "M2M",
            OAuth2Flow::UserFederation => "USER_FEDERATION",
            OAuth2Flow::OnBehalfOfTokenExchange => "ON_BEHALF_OF_TOKEN_EXCHANGE",
        }
    }

    pub(crate) fn to_sdk(self) -> aws_sdk_bedrockagentcore::types::Oauth2FlowType {
        use aws_sdk_bedrockagentcore::types::Oauth2FlowType;
        match self {
            OAuth2Flow::M2M => Oauth2FlowType::M2M,
            OAuth2Flow::UserFederation => Oauth2FlowType::UserFederation,
            OAuth2Flow::OnBehalfOfTokenExchange => Oauth2FlowType::OnBehalfOfTokenExchange,
        }
    }
}

impl fmt::Display for OAuth2Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request for an OAuth2 access token: provider, scopes, flow and the optional members.
///
/// Members left unset are not sent at all (no empty strings or lists).
///
/// ```
/// use agentcore_identity_runtime::{AccessTokenRequest, OAuth2Flow};
///
/// let request = AccessTokenRequest::new("github", OAuth2Flow::UserFederation)
///     .scopes(["repo", "read:user"])
///     .callback_url("http://127.0.0.1:9090/oauth2/return")
///     .custom_parameter("prompt", "consent");
/// assert_eq!(request.provider(), "github");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessTokenRequest {
    pub(crate) provider: String,
    pub(crate) flow: OAuth2Flow,
    pub(crate) scopes: Vec<String>,
    pub(crate) callback_url: Option<String>,
    pub(crate) force_authentication: bool,
    pub(crate) custom_state: Option<String>,
    pub(crate) custom_parameters: BTreeMap<String, String>,
    pub(crate) resources: Vec<String>,
    pub(crate) audiences: Vec<String>,
}

impl AccessTokenRequest {
    /// Starts a request for a token of `provider` through `flow`, with no scopes.
    pub fn new(provider: impl Into<String>, flow: OAuth2Flow) -> Self {
        AccessTokenRequest {
            provider: provider.into(),
            flow,
            scopes: Vec::new(),
            callback_url: None,
            force_authentication: false,
            custom_state: None,
            custom_parameters: BTreeMap::new(),
            resources: Vec::new(),
            audiences: Vec::new(),
        }
    }

    /// Sets the scopes. Default: none (sent as an empty list, which the service requires).
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the URL the user-federation flow sends the user back to. Default: the
    /// `OAuth2CallbackUrl` of the request context, else none.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Starts a new user-federation session even when the vault contains a token. Default: `false`.
    /// Sent on the first request only, so the token stored before is never handed back.
    pub fn force_authentication(mut self, force: bool) -> Self {
        self.force_authentication = force;
        self
    }

    /// Sets state echoed back to the return URL. Default: none.
    pub fn custom_state(mut self, state: impl Into<String>) -> Self {
        self.custom_state = Some(state.into());
        self
    }

    /// Adds a parameter to the provider's authorization request. Default: none.
    pub fn custom_parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.custom_parameters.insert(name.into(), value.into());
        self
    }

    /// Sets the resource indicators (RFC 8707) of the token. Default: none.
    pub fn resources<I: IntoIterator<Item = S>, S: Into<String>>(mut self, resources: I) -> Self {
        self.resources = resources.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the audiences of the token. Default: none.
    pub fn audiences<I: IntoIterator<Item = S>, S: Into<String>>(mut self, audiences: I) -> Self {
        self.audiences = audiences.into_iter().map(Into::into).collect();
        self
    }

    /// Returns the credential provider name.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// Returns the flow.
    pub fn flow(&self) -> OAuth2Flow {
        self.flow
    }
}

/// The result of one `GetResourceOauth2Token` call.
#[derive(Clone)]
#[non_exhaustive]
pub struct OAuth2TokenResponse {
    /// The access token, when the vault has one.
    pub access_token: Option<SecretString>,
    /// The URL the user must visit to consent.
    pub authorization_url: Option<String>,
    /// The authorization session, to be sent with each poll.
    pub session_uri: Option<String>,
    /// `true` when the service reports the session as `FAILED`.
    pub session_failed: bool,
}

impl fmt::Debug for OAuth2TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2TokenResponse")
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field(
                "authorization_url",
                &self.authorization_url.as_ref().map(|_| "[REDACTED]"),
            )
            .field("session_uri", &self.session_uri)
            .field("session_failed", &self.session_failed)
            .finish()
    }
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Receives the authorization URL a user must visit to consent.
///
/// Implemented for synchronous handlers, any `Fn(&str)`, and for asynchronous ones, any
/// `Fn(String) -> impl Future<Output = ()>`. The `Marker` parameter only distinguishes the two.
///
/// ```
/// use agentcore_identity_runtime::OnAuthUrl;
///
/// fn print_link(url: &str) {
///     println!("open {url} to continue");
/// }
///
/// async fn send_link(url: String) {
///     // post the link to a chat, say
///     # let _ = url;
/// }
///
/// fn accepts<M>(_: impl OnAuthUrl<M>) {}
/// accepts(print_link);
/// accepts(send_link);
/// ```
pub trait OnAuthUrl<Marker>: Send + Sync {
    /// Hands `url` to the user.
    fn on_auth_url<'a>(&'a self, url: &'a str) -> BoxFuture<'a, ()>;
}

/// Marks a synchronous [`OnAuthUrl`] handler.
#[derive(Debug)]
pub enum SyncHandler {}

/// Marks an asynchronous [`OnAuthUrl`] handler.
#[derive(Debug)]
pub enum AsyncHandler {}

impl<F> OnAuthUrl<SyncHandler> for F
where
    F: Fn(&str) + Send + Sync,
{
    fn on_auth_url<'a>(&'a self, url: &'a str) -> BoxFuture<'a, ()> {
        self(url);
        Box::pin(std::future::ready(()))
    }
}

impl<F, Fut> OnAuthUrl<(AsyncHandler, Fut)> for F
where
    F: Fn(String) -> Fut + Send + Sync,
    Fut: Future<Output = ()> + Send + 'static,
{
    fn on_auth_url<'a>(&'a self, url: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(self(url.to_owned()))
    }
}

/// The handler used when none is given: it logs the URL at WARN level.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogAuthUrl;

impl OnAuthUrl<LogAuthUrl> for LogAuthUrl {
    fn on_auth_url<'a>(&'a self, url: &'a str) -> BoxFuture<'a, ()> {
        tracing::warn!(target: TARGET, authorization_url = url, "user consent required: no on_auth_url handler is set, so the URL is only logged");
        Box::pin(std::future::ready(()))
    }
}

/// One poll of an authorization session: repeats the first request exactly, plus the session
/// URI, without `forceAuthentication`.
///
/// A [`TokenPoller`] receives it ready-made, so a custom poller cannot drop a request member.
pub struct PollOnce {
    pub(crate) client: IdentityClient,
    pub(crate) workload_access_token: SecretString,
    pub(crate) request: AccessTokenRequest,
    pub(crate) session_uri: Option<String>,
    pub(crate) authorization_url: String,
}

impl fmt::Debug for PollOnce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollOnce")
            .field("provider", &self.request.provider)
            .field("flow", &self.request.flow)
            .field("session_uri", &self.session_uri)
            .finish_non_exhaustive()
    }
}

impl PollOnce {
    /// Asks the vault once: `Some(token)` when the user has consented, `None` while pending.
    ///
    /// # Errors
    ///
    /// [`Error::AuthorizationFailed`] when the service reports the session as failed,
    /// [`Error::NoTokenOrAuthorizationUrl`] for a response with neither a token nor a pending
    /// session, and service errors as they are.
    pub async fn poll(&self) -> Result<Option<SecretString>, Error> {
        let response = self
            .client
            .get_resource_oauth2_token(
                &self.workload_access_token,
                &self.request,
                self.session_uri.as_deref(),
                false,
            )
            .await?;
        if let Some(token) = response.access_token {
            return Ok(Some(token));
        }
        if response.session_failed {
            return Err(Error::AuthorizationFailed {
                provider: self.request.provider.clone(),
                session_uri: response.session_uri.or_else(|| self.session_uri.clone()),
            });
        }
        if response.authorization_url.is_some() || response.session_uri.is_some() {
            return Ok(None);
        }
        Err(Error::NoTokenOrAuthorizationUrl {
            provider: self.request.provider.clone(),
        })
    }

    /// Returns the authorization URL the user was sent to.
    pub fn authorization_url(&self) -> &str {
        &self.authorization_url
    }

    /// Returns the authorization session URI, when the service gave one.
    pub fn session_uri(&self) -> Option<&str> {
        self.session_uri.as_deref()
    }

    /// Returns the credential provider name.
    pub fn provider(&self) -> &str {
        &self.request.provider
    }
}

/// Waits for a user to consent, by polling the token vault.
///
/// ```
/// use agentcore_identity_runtime::{Error, PollOnce, SecretString, TokenPoller};
///
/// /// Polls every second, five times at most.
/// struct Impatient;
///
/// impl TokenPoller for Impatient {
///     async fn poll_for_token(&self, poll: &PollOnce) -> Result<SecretString, Error> {
///         for _ in 0..5 {
///             tokio::time::sleep(std::time::Duration::from_secs(1)).await;
///             if let Some(token) = poll.poll().await? {
///                 return Ok(token);
///             }
///         }
///         Err(Error::AuthorizationTimedOut {
///             provider: poll.provider().to_owned(),
///             waited: std::time::Duration::from_secs(5),
///         })
///     }
/// }
/// ```
pub trait TokenPoller: Send + Sync {
    /// Polls until the user consents, the session fails or the poller gives up. Dropping the
    /// returned future stops polling.
    fn poll_for_token(
        &self,
        poll: &PollOnce,
    ) -> impl Future<Output = Result<SecretString, Error>> + Send;
}

impl<P: TokenPoller> TokenPoller for &P {
    fn poll_for_token(
        &self,
        poll: &PollOnce,
    ) -> impl Future<Output = Result<SecretString, Error>> + Send {
        (**self).poll_for_token(poll)
    }
}

/// Default interval between polls.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Default time to wait for consent before giving up.
pub const DEFAULT_POLL_TIMEOUT: Duration = Duration::from_secs(600);

/// Polls at a fixed interval until a token arrives or the timeout passes.
///
/// ```
/// use std::time::Duration;
/// use agentcore_identity_runtime::IntervalPoller;
///
/// let poller = IntervalPoller::new()
///     .interval(Duration::from_secs(2))
///     .timeout(Duration::from_secs(120));
/// # let _ = poller;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct IntervalPoller {
    interval: Duration,
    timeout: Duration,
}

impl Default for IntervalPoller {
    fn default() -> Self {
        IntervalPoller {
            interval: DEFAULT_POLL_INTERVAL,
            timeout: DEFAULT_POLL_TIMEOUT,
        }
    }
}

impl IntervalPoller {
    /// Polls every 5 seconds for at most 10 minutes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the time between polls. Default: 5 seconds.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Sets how long to wait for consent. Default: 10 minutes.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl TokenPoller for IntervalPoller {
    async fn poll_for_token(&self, poll: &PollOnce) -> Result<SecretString, Error> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(Error::AuthorizationTimedOut {
                    provider: poll.provider().to_owned(),
                    waited: self.timeout,
                });
            }
            tokio::time::sleep(self.interval.min(deadline - now)).await;
            tracing::debug!(target: TARGET, provider = poll.provider(), session_uri = poll.session_uri(), "polling for access token");
            if let Some(token) = poll.poll().await? {
                tracing::debug!(target: TARGET, provider = poll.provider(), "access token ready");
                return Ok(token);
            }
        }
    }
}
