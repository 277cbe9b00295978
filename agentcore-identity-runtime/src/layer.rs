//! A tower layer that fills the [`RequestContext`] from AgentCore Runtime request headers.

use std::task::{Context, Poll};

use http::HeaderMap;
use tokio::task::futures::TaskLocalFuture;

use crate::RequestContext;
use crate::context::context_key;

/// Header in which AgentCore Runtime sends the workload access token.
pub const WORKLOAD_ACCESS_TOKEN_HEADER: &str = "WorkloadAccessToken";
/// Header that carries the workload access token between agents; wins over
/// [`WORKLOAD_ACCESS_TOKEN_HEADER`] when both are present.
pub const IDENTITY_WAT_HEADER: &str = "X-Amz-Bedrock-AgentCore-Identity-WAT";
/// Header naming the URL the OAuth2 user-federation flow sends the user back to.
pub const OAUTH2_CALLBACK_URL_HEADER: &str = "OAuth2CallbackUrl";
/// Header carrying the AgentCore Runtime session id.
pub const SESSION_ID_HEADER: &str = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";
/// Header carrying the AgentCore Runtime request id.
pub const REQUEST_ID_HEADER: &str = "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id";
/// Header with which the caller of AgentCore Runtime names the user; the runtime then sends a
/// workload access token for that user.
pub const USER_ID_HEADER: &str = "X-Amzn-Bedrock-AgentCore-Runtime-User-Id";

impl RequestContext {
    /// Builds a context from AgentCore Runtime request headers (matched case-insensitively).
    ///
    /// ```
    /// use agentcore_identity_runtime::RequestContext;
    /// use http::HeaderMap;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("workloadaccesstoken", "token-1".parse().unwrap());
    /// headers.insert("x-amzn-bedrock-agentcore-runtime-session-id", "s-1".parse().unwrap());
    /// let context = RequestContext::from_headers(&headers);
    /// assert!(context.workload_access_token().is_some());
    /// assert_eq!(context.session_id(), Some("s-1"));
    /// ```
    pub fn from_headers(headers: &HeaderMap) -> RequestContext {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let mut builder = RequestContext::builder();
        if let Some(token) =
            text(IDENTITY_WAT_HEADER).or_else(|| text(WORKLOAD_ACCESS_TOKEN_HEADER))
        {
            builder = builder.workload_access_token(token);
        }
        if let Some(url) = text(OAUTH2_CALLBACK_URL_HEADER) {
            builder = builder.oauth2_callback_url(url);
        }
        if let Some(session_id) = text(SESSION_ID_HEADER) {
            builder = builder.session_id(session_id);
        }
        if let Some(request_id) = text(REQUEST_ID_HEADER) {
            builder = builder.request_id(request_id);
        }
        builder.build()
    }
}

/// Runs each request's handler inside a [`RequestContext`] made from its headers.
///
/// The context lives exactly as long as the request's future, so concurrent requests never
/// see each other's workload access token.
///
/// ```
/// use agentcore_identity_runtime::RequestContextLayer;
/// use axum::{Router, routing::post};
///
/// let app: Router = Router::new()
///     .route("/invocations", post(|| async { "ok" }))
///     .layer(RequestContextLayer::new());
/// # let _ = app;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestContextLayer;

impl RequestContextLayer {
    /// Creates the layer.
    pub fn new() -> Self {
        RequestContextLayer
    }
}

impl<S> tower::Layer<S> for RequestContextLayer {
    type Service = RequestContextService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestContextService { inner }
    }
}

/// The service made by [`RequestContextLayer`].
#[derive(Debug, Clone)]
pub struct RequestContextService<S> {
    inner: S,
}

impl<S, B> tower::Service<http::Request<B>> for RequestContextService<S>
where
    S: tower::Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = TaskLocalFuture<RequestContext, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let context = RequestContext::from_headers(request.headers());
        let future = self.inner.call(request);
        context_key().scope(context, future)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn identity_wat_header_wins() {
        use secrecy::ExposeSecret;
        let context = RequestContext::from_headers(&headers(&[
            ("WorkloadAccessToken", "plain"),
            ("X-AMZ-BEDROCK-AGENTCORE-IDENTITY-WAT", "propagated"),
        ]));
        assert_eq!(
            context.workload_access_token().unwrap().expose_secret(),
            "propagated"
        );
    }

    #[test]
    fn every_header_is_read() {
        let context = RequestContext::from_headers(&headers(&[
            ("workloadaccesstoken", "t"),
            ("oauth2callbackurl", "http://127.0.0.1:1/back"),
            ("x-amzn-bedrock-agentcore-runtime-session-id", "s"),
            ("x-amzn-bedrock-agentcore-runtime-request-id", "r"),
        ]));
        assert!(context.workload_access_token().is_some());
        assert_eq!(
            context.oauth2_callback_url(),
            Some("http://127.0.0.1:1/back")
        );
        assert_eq!(context.session_id(), Some("s"));
        assert_eq!(context.request_id(), Some("r"));
    }

    #[test]
    fn empty_headers_leave_fields_unset() {
        let context = RequestContext::from_headers(&headers(&[("WorkloadAccessToken", " ")]));
        assert!(context.workload_access_token().is_none());
    }
}
