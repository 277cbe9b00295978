//! Helpers shared by the integration tests: a service on a free loopback port with its own
//! temporary data directory, SDK clients pointed at it, and a raw HTTP client.

#![allow(dead_code, unreachable_pub)]

pub mod fake_provider;
pub mod issuer;
pub mod oauth_server;
pub mod web_identity;

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use agentcore_identity_local::{
    Clock, LocalIdentityService, LocalIdentityServiceBuilder, ManualClock, RunningService,
};
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use tempfile::TempDir;

/// A SigV4 header of the right form; the service does not check the signature.
pub const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20250101/us-east-1/bedrock-agentcore/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000";

/// A running service with the data directory and clock it was started with.
pub struct TestService {
    pub service: RunningService,
    pub clock: Arc<ManualClock>,
    pub dir: TempDir,
}

impl TestService {
    /// Starts a service in a new temporary directory, with a manual clock.
    pub async fn start() -> Self {
        Self::start_with(|builder| builder).await
    }

    /// Starts a service after `configure` adjusts the builder.
    pub async fn start_with(
        configure: impl FnOnce(LocalIdentityServiceBuilder) -> LocalIdentityServiceBuilder,
    ) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let clock = Arc::new(ManualClock::starting_now());
        let builder = LocalIdentityService::builder()
            .data_dir(dir.path())
            .clock(clock.clone());
        let service = configure(builder).start().await.expect("service starts");
        Self {
            service,
            clock,
            dir,
        }
    }

    pub fn data_plane(&self) -> aws_sdk_bedrockagentcore::Client {
        data_plane_client(&self.service.endpoint())
    }

    pub fn control_plane(&self) -> aws_sdk_bedrockagentcorecontrol::Client {
        control_plane_client(&self.service.endpoint())
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        sts_client(&self.service.endpoint())
    }

    /// Returns the service clock's time in whole seconds since the epoch.
    pub fn now_secs(&self) -> i64 {
        let since_epoch = self
            .clock
            .now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970");
        i64::try_from(since_epoch.as_secs()).expect("fits i64")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.service.endpoint())
    }
}

/// Shared SDK configuration: dummy static credentials, `us-east-1`, no retries, nothing read
/// from the environment.
pub fn sdk_config() -> SdkConfig {
    let credentials = Credentials::new("AKIDLOCAL", "local-secret", None, None, "tests");
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .retry_config(RetryConfig::disabled())
        .build()
}

pub fn data_plane_client(endpoint: &str) -> aws_sdk_bedrockagentcore::Client {
    let config = aws_sdk_bedrockagentcore::config::Builder::from(&sdk_config())
        .endpoint_url(endpoint)
        .build();
    aws_sdk_bedrockagentcore::Client::from_conf(config)
}

pub fn control_plane_client(endpoint: &str) -> aws_sdk_bedrockagentcorecontrol::Client {
    let config = aws_sdk_bedrockagentcorecontrol::config::Builder::from(&sdk_config())
        .endpoint_url(endpoint)
        .build();
    aws_sdk_bedrockagentcorecontrol::Client::from_conf(config)
}

pub fn sts_client(endpoint: &str) -> aws_sdk_sts::Client {
    let config = aws_sdk_sts::config::Builder::from(&sdk_config())
        .endpoint_url(endpoint)
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

/// Sends a raw `POST` with a SigV4-shaped `Authorization` header.
pub async fn post_raw(url: &str, body: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .header("authorization", AUTHORIZATION)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("request reaches the service")
}

/// Creates a workload identity through the SDK.
pub async fn create_workload(service: &TestService, name: &str) {
    service
        .control_plane()
        .create_workload_identity()
        .name(name)
        .send()
        .await
        .expect("workload identity is created");
}

/// Creates an API-key credential provider through the SDK.
pub async fn create_api_key_provider(service: &TestService, name: &str, api_key: &str) {
    service
        .control_plane()
        .create_api_key_credential_provider()
        .name(name)
        .api_key(api_key)
        .send()
        .await
        .expect("API key credential provider is created");
}

/// Returns a workload access token for `workload` acting for `user_id`.
pub async fn token_for_user(service: &TestService, workload: &str, user_id: &str) -> String {
    service
        .data_plane()
        .get_workload_access_token_for_user_id()
        .workload_name(workload)
        .user_id(user_id)
        .send()
        .await
        .expect("workload access token is issued")
        .workload_access_token
}

/// Returns a random API key so that tests searching for it cannot match by accident.
pub fn random_api_key() -> String {
    format!("sk-test-{}", uuid::Uuid::new_v4().simple())
}

/// Visits `url` like a browser that shows no login page: follows each redirect by hand, and
/// returns every URL visited, the first one included, with the last response's status.
pub async fn follow_redirects(url: &str) -> (Vec<String>, u16) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("HTTP client builds");
    let mut visited = vec![url.to_owned()];
    for _ in 0..10 {
        let current = visited.last().unwrap().clone();
        let response = client
            .get(&current)
            .send()
            .await
            .expect("the page is reachable");
        if !response.status().is_redirection() {
            return (visited, response.status().as_u16());
        }
        let location = response.headers()["location"].to_str().unwrap();
        let next = url::Url::parse(&current).unwrap().join(location).unwrap();
        visited.push(next.into());
    }
    panic!("more than ten redirects from {url}");
}

/// Returns the query parameters of `url`.
pub fn query_of(url: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(url)
        .expect("a URL")
        .query_pairs()
        .into_owned()
        .collect()
}

/// An application's return page on loopback that records the queries it receives.
pub struct ReturnPage {
    pub url: String,
    queries: std::sync::Arc<std::sync::Mutex<Vec<std::collections::HashMap<String, String>>>>,
    server: tokio::task::JoinHandle<()>,
}

impl ReturnPage {
    pub async fn start() -> Self {
        use axum::extract::Query;

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("loopback port");
        let url = format!("http://{}/done", listener.local_addr().unwrap());
        let queries = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = queries.clone();
        let app = axum::Router::new().route(
            "/done",
            axum::routing::get(
                move |Query(query): Query<std::collections::HashMap<String, String>>| async move {
                    sink.lock().unwrap().push(query);
                    "authorized; return to the application"
                },
            ),
        );
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("return page serves");
        });
        Self {
            url,
            queries,
            server,
        }
    }

    pub fn queries(&self) -> Vec<std::collections::HashMap<String, String>> {
        self.queries.lock().unwrap().clone()
    }
}

impl Drop for ReturnPage {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Creates a workload identity that allows `return_urls`.
pub async fn create_workload_returning_to(service: &TestService, name: &str, return_urls: &[&str]) {
    service
        .control_plane()
        .create_workload_identity()
        .name(name)
        .set_allowed_resource_oauth2_return_urls(Some(
            return_urls.iter().map(|url| (*url).to_owned()).collect(),
        ))
        .send()
        .await
        .expect("workload identity is created");
}

/// Creates a custom OAuth2 provider by discovery URL through the raw protocol.
pub async fn create_discovery_provider(
    service: &TestService,
    name: &str,
    discovery_url: &str,
    client_secret: &str,
) {
    let body = serde_json::json!({
        "name": name,
        "credentialProviderVendor": "CustomOauth2",
        "oauth2ProviderConfigInput": {"customOauth2ProviderConfig": {
            "oauthDiscovery": {"discoveryUrl": discovery_url},
            "clientId": "local-test-client",
            "clientSecret": client_secret,
        }},
    });
    let response = post_raw(
        &service.url("/identities/CreateOauth2CredentialProvider"),
        &body.to_string(),
    )
    .await;
    assert_eq!(
        response.status().as_u16(),
        201,
        "{}",
        response.text().await.unwrap()
    );
}

/// Creates a custom OAuth2 provider with explicit metadata and extra members of
/// `customOauth2ProviderConfig`, through the raw protocol.
pub async fn create_metadata_provider(
    service: &TestService,
    name: &str,
    authorization_endpoint: &str,
    token_endpoint: &str,
    extra: serde_json::Value,
) {
    let mut config = serde_json::json!({
        "oauthDiscovery": {"authorizationServerMetadata": {
            "issuer": "http://127.0.0.1/issuer",
            "authorizationEndpoint": authorization_endpoint,
            "tokenEndpoint": token_endpoint,
        }},
        "clientId": "local-test-client",
        "clientSecret": "local-test-secret",
    });
    if let serde_json::Value::Object(extra) = extra {
        config.as_object_mut().unwrap().extend(extra);
    }
    let body = serde_json::json!({
        "name": name,
        "credentialProviderVendor": "CustomOauth2",
        "oauth2ProviderConfigInput": {"customOauth2ProviderConfig": config},
    });
    let response = post_raw(
        &service.url("/identities/CreateOauth2CredentialProvider"),
        &body.to_string(),
    )
    .await;
    assert_eq!(
        response.status().as_u16(),
        201,
        "{}",
        response.text().await.unwrap()
    );
}
