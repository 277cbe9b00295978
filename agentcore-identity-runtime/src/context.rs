//! The per-request context that AgentCore Runtime hands to an agent, and the scopes that carry
//! it (and a chosen [`IdentityClient`]) through tasks.

use std::fmt;
use std::future::Future;

use secrecy::SecretString;
use tokio::task::JoinHandle;

use crate::{Error, IdentityClient};

tokio::task_local! {
    static CONTEXT: RequestContext;
    pub(crate) static CLIENT: IdentityClient;
}

/// The request data that AgentCore Runtime passes to an agent with each invocation.
///
/// [`RequestContextLayer`](crate::RequestContextLayer) fills it from the request headers; code
/// outside a server builds one with [`RequestContext::builder`] and runs work inside it with
/// [`RequestContext::scope`]. Annotated functions read the workload access token and the OAuth2
/// callback URL from it.
///
/// ```
/// use agentcore_identity_runtime::RequestContext;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let context = RequestContext::builder()
///     .workload_access_token("token-from-the-runtime")
///     .session_id("session-1")
///     .build();
/// let session = context
///     .scope(async { RequestContext::current().unwrap().session_id().map(str::to_owned) })
///     .await;
/// assert_eq!(session.as_deref(), Some("session-1"));
/// # }
/// ```
#[derive(Clone, Default)]
pub struct RequestContext {
    workload_access_token: Option<SecretString>,
    oauth2_callback_url: Option<String>,
    session_id: Option<String>,
    request_id: Option<String>,
}

impl fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self.workload_access_token.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("RequestContext")
            .field("workload_access_token", &token)
            .field("oauth2_callback_url", &self.oauth2_callback_url)
            .field("session_id", &self.session_id)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl RequestContext {
    /// Starts an empty context.
    pub fn builder() -> RequestContextBuilder {
        RequestContextBuilder::default()
    }

    /// Returns the workload access token sent by AgentCore Runtime, if any.
    pub fn workload_access_token(&self) -> Option<&SecretString> {
        self.workload_access_token.as_ref()
    }

    /// Returns the URL the OAuth2 user-federation flow sends the user back to, if any.
    pub fn oauth2_callback_url(&self) -> Option<&str> {
        self.oauth2_callback_url.as_deref()
    }

    /// Returns the AgentCore Runtime session id, if any.
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// Returns the AgentCore Runtime request id, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Runs `future` with this context as the current one.
    ///
    /// The context lives exactly as long as the future: tasks spawned from it with
    /// [`tokio::spawn`] do not see it, those spawned with [`crate::spawn`] do.
    pub async fn scope<F: Future>(self, future: F) -> F::Output {
        CONTEXT.scope(self, future).await
    }

    /// Runs the closure `f` with this context as the current one.
    pub fn sync_scope<R>(self, f: impl FnOnce() -> R) -> R {
        CONTEXT.sync_scope(self, f)
    }

    /// Returns a copy of the current context.
    ///
    /// # Errors
    ///
    /// [`Error::MissingRequestContext`] outside a [`RequestContext::scope`].
    pub fn current() -> Result<RequestContext, Error> {
        Self::try_current().ok_or(Error::MissingRequestContext)
    }

    /// Returns a copy of the current context, or `None` outside a [`RequestContext::scope`].
    pub fn try_current() -> Option<RequestContext> {
        CONTEXT.try_with(Clone::clone).ok()
    }
}

/// Builds a [`RequestContext`].
#[derive(Default)]
pub struct RequestContextBuilder {
    context: RequestContext,
}

impl fmt::Debug for RequestContextBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.context.fmt(f)
    }
}

impl RequestContextBuilder {
    /// Sets the workload access token. Default: none.
    pub fn workload_access_token(mut self, token: impl Into<String>) -> Self {
        self.context.workload_access_token = Some(SecretString::from(token.into()));
        self
    }

    /// Sets the OAuth2 callback URL (the `OAuth2CallbackUrl` header). Default: none.
    pub fn oauth2_callback_url(mut self, url: impl Into<String>) -> Self {
        self.context.oauth2_callback_url = Some(url.into());
        self
    }

    /// Sets the AgentCore Runtime session id. Default: none.
    pub fn session_id(mut self, session_id: impl Into<String>) -> Self {
        self.context.session_id = Some(session_id.into());
        self
    }

    /// Sets the AgentCore Runtime request id. Default: none.
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.context.request_id = Some(request_id.into());
        self
    }

    /// Finishes the context.
    pub fn build(self) -> RequestContext {
        self.context
    }
}

/// The context and client scopes of the current task, captured to be re-entered elsewhere.
#[derive(Clone, Default)]
struct Scopes {
    context: Option<RequestContext>,
    client: Option<IdentityClient>,
}

impl Scopes {
    fn capture() -> Self {
        Scopes {
            context: RequestContext::try_current(),
            client: CLIENT.try_with(Clone::clone).ok(),
        }
    }

    async fn enter<F: Future>(self, future: F) -> F::Output {
        match (self.context, self.client) {
            (Some(context), Some(client)) => {
                CONTEXT.scope(context, CLIENT.scope(client, future)).await
            }
            (Some(context), None) => CONTEXT.scope(context, future).await,
            (None, Some(client)) => CLIENT.scope(client, future).await,
            (None, None) => future.await,
        }
    }

    fn enter_sync<R>(self, f: impl FnOnce() -> R) -> R {
        match (self.context, self.client) {
            (Some(context), Some(client)) => {
                CONTEXT.sync_scope(context, || CLIENT.sync_scope(client, f))
            }
            (Some(context), None) => CONTEXT.sync_scope(context, f),
            (None, Some(client)) => CLIENT.sync_scope(client, f),
            (None, None) => f(),
        }
    }
}

/// Wraps `future` so that it runs inside the current request context and client scope,
/// wherever it is later polled.
///
/// ```
/// use agentcore_identity_runtime::{RequestContext, in_current_scope};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let context = RequestContext::builder().request_id("r-1").build();
/// let carried = context.scope(async { in_current_scope(async { RequestContext::current() }) }).await;
/// assert_eq!(carried.await.unwrap().request_id(), Some("r-1"));
/// # }
/// ```
pub fn in_current_scope<F: Future>(future: F) -> impl Future<Output = F::Output> {
    Scopes::capture().enter(future)
}

/// Spawns `future` as a tokio task that keeps the current request context and client scope.
///
/// Use it in place of [`tokio::spawn`] inside an agent: a task spawned with `tokio::spawn`
/// starts with no request context, so annotated functions called there cannot find the
/// workload access token.
///
/// ```
/// use agentcore_identity_runtime::RequestContext;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let context = RequestContext::builder().session_id("s-1").build();
/// let task = context
///     .scope(async { agentcore_identity_runtime::spawn(async { RequestContext::current() }) })
///     .await;
/// assert_eq!(task.await.unwrap().unwrap().session_id(), Some("s-1"));
/// # }
/// ```
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(in_current_scope(future))
}

/// Runs the blocking closure `f` on tokio's blocking pool with the current request context and
/// client scope, so that plain annotated `fn`s called there can fetch credentials.
///
/// ```
/// use agentcore_identity_runtime::RequestContext;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let context = RequestContext::builder().session_id("s-2").build();
/// let task = context
///     .scope(async { agentcore_identity_runtime::spawn_blocking(RequestContext::current) })
///     .await;
/// assert_eq!(task.await.unwrap().unwrap().session_id(), Some("s-2"));
/// # }
/// ```
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let scopes = Scopes::capture();
    tokio::task::spawn_blocking(move || {
        crate::dispatch::mark_blocking_thread(|| scopes.enter_sync(f))
    })
}

/// Returns the task-local key of the request context, for the tower layer.
pub(crate) fn context_key() -> &'static tokio::task::LocalKey<RequestContext> {
    &CONTEXT
}

/// Runs `future` with `client` as the client of annotated functions.
pub(crate) async fn with_client<F: Future>(client: IdentityClient, future: F) -> F::Output {
    CLIENT.scope(client, future).await
}

/// Returns the client set by [`IdentityClient::scope`], if any.
pub(crate) fn scoped_client() -> Option<IdentityClient> {
    CLIENT.try_with(Clone::clone).ok()
}
