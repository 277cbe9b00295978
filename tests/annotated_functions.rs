//! Annotated functions of several shapes, called against the local Identity service.

mod common;

use std::sync::Arc;

use agentcore_identity_runtime::{
    Error, ExposeSecret, IdentityClient, RequestContext, RequestContextLayer, SecretString,
    ServiceErrorKind, requires_api_key, requires_wat,
};
use common::{Local, seed_api_key, start_local};

const KEY: &str = "sk-annotated-3b9d";

async fn setup() -> (Local, IdentityClient) {
    let local = start_local().await;
    let admin = local.client().await;
    seed_api_key(&admin, "annotated-agent", "annotated-provider", KEY).await;
    let client = local
        .client_builder()
        .workload_identity("annotated-agent")
        .user_id("annotated-user")
        .build()
        .await
        .unwrap();
    (local, client)
}

#[requires_api_key(provider = "annotated-provider")]
async fn plain_async(prefix: &str, api_key: SecretString) -> Result<String, Error> {
    Ok(format!("{prefix}{}", api_key.expose_secret()))
}

#[requires_api_key(provider = "annotated-provider", into = "secret")]
fn plain_blocking(secret: SecretString, suffix: u8) -> Result<String, Error> {
    Ok(format!("{}{suffix}", secret.expose_secret()))
}

#[requires_api_key(provider = "annotated-provider")]
async fn with_anyhow(api_key: SecretString) -> anyhow::Result<usize> {
    Ok(api_key.expose_secret().len())
}

#[requires_api_key(provider = "annotated-provider")]
async fn with_boxed_error(
    api_key: SecretString,
) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    Ok(api_key.expose_secret().len())
}

#[derive(Debug)]
enum AgentError {
    Identity(Error),
}

impl From<Error> for AgentError {
    fn from(error: Error) -> Self {
        AgentError::Identity(error)
    }
}

#[requires_api_key(provider = "no-such-provider")]
async fn missing_provider(api_key: SecretString) -> Result<(), AgentError> {
    let _ = api_key;
    Ok(())
}

struct Tool<T> {
    label: T,
}

impl<T> Tool<T>
where
    T: AsRef<str> + Sync,
{
    #[requires_api_key(provider = "annotated-provider")]
    async fn describe(
        &self,
        extra: impl AsRef<str> + Send,
        api_key: SecretString,
    ) -> Result<String, Error> {
        Ok(format!(
            "{}:{}:{}",
            self.label.as_ref(),
            extra.as_ref(),
            api_key.expose_secret()
        ))
    }

    #[requires_api_key(provider = "annotated-provider")]
    fn describe_blocking(&self, api_key: SecretString) -> Result<String, Error> {
        Ok(format!(
            "{}:{}",
            self.label.as_ref(),
            api_key.expose_secret()
        ))
    }
}

#[tokio::test]
async fn async_fn_receives_key() {
    let (_local, client) = setup().await;
    let value = client.scope(plain_async("key=")).await.unwrap();
    assert_eq!(value, format!("key={KEY}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_fn_receives_key() {
    let (_local, client) = setup().await;
    let value = client.scope(async { plain_blocking(7) }).await.unwrap();
    assert_eq!(value, format!("{KEY}7"));
}

#[tokio::test]
async fn error_types_convert() {
    let (_local, client) = setup().await;
    assert_eq!(client.scope(with_anyhow()).await.unwrap(), KEY.len());
    assert_eq!(client.scope(with_boxed_error()).await.unwrap(), KEY.len());

    let AgentError::Identity(error) = client.scope(missing_provider()).await.unwrap_err();
    assert_eq!(
        error.service_error_kind(),
        Some(ServiceErrorKind::ResourceNotFound)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generic_methods_receive_key() {
    let (_local, client) = setup().await;
    let tool = Tool {
        label: String::from("tool"),
    };
    let described = client.scope(tool.describe("x")).await.unwrap();
    assert_eq!(described, format!("tool:x:{KEY}"));
    let blocking = client
        .scope(async { tool.describe_blocking() })
        .await
        .unwrap();
    assert_eq!(blocking, format!("tool:{KEY}"));
}

#[requires_wat]
async fn echo_wat(delay_ms: u64, identity_wat: SecretString) -> Result<String, Error> {
    tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
    Ok(identity_wat.expose_secret().to_owned())
}

#[tokio::test]
async fn wat_outside_context_names_the_header() {
    let error = echo_wat(0).await.unwrap_err();
    assert!(matches!(error, Error::MissingRequestContext), "{error}");

    let empty = RequestContext::builder().session_id("s").build();
    let error = empty.scope(echo_wat(0)).await.unwrap_err();
    assert!(error.to_string().contains("WorkloadAccessToken"), "{error}");
}

/// An axum handler that calls annotated functions: its future must be `Send`.
async fn handler(
    axum::extract::State(client): axum::extract::State<Arc<IdentityClient>>,
    headers: axum::http::HeaderMap,
) -> String {
    let delay = headers
        .get("x-delay-ms")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    let wat = echo_wat(delay).await.unwrap();
    let key = client.scope(plain_async("")).await.unwrap();
    format!("{wat}|{key}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_keep_their_tokens() {
    let (_local, client) = setup().await;
    let mut tokens = Vec::new();
    for index in 0..40 {
        let user = format!("user-{index}");
        let token = client
            .get_workload_access_token_for_user_id("annotated-agent", &user)
            .await
            .unwrap();
        tokens.push(token.expose_secret().to_owned());
    }
    let app = axum::Router::new()
        .route("/invocations", axum::routing::post(handler))
        .layer(RequestContextLayer::new())
        .with_state(Arc::new(client));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let http = reqwest::Client::new();
    let requests = tokens.iter().enumerate().map(|(index, token)| {
        let http = http.clone();
        async move {
            // Earlier requests wait longer, so their work overlaps the later ones.
            let delay = (40 - index) * 2;
            let body = http
                .post(format!("http://{addr}/invocations"))
                .header("WorkloadAccessToken", token)
                .header("x-delay-ms", delay.to_string())
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            (token, body)
        }
    });
    for (token, body) in futures::future::join_all(requests).await {
        assert_eq!(body, format!("{token}|{KEY}"));
    }
}
