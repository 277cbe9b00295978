//! Functions annotated with `#[requires_access_token]`, against a scripted Identity data plane,
//! to check what the expansion sends and how it hands the token over.

mod common;

use std::sync::Mutex;
use std::time::Duration;

use agentcore_identity_runtime::{
    Error, ExposeSecret, IntervalPoller, RequestContext, SecretString, requires_access_token,
};
use common::scripted_plane::{AUTHORIZATION_URL, SESSION, pending, scripted, sent_bodies};
use serde_json::json;

static SEEN_URLS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn record_url(url: &str) {
    SEEN_URLS.lock().unwrap().push(url.to_owned());
}

fn fast_poller() -> IntervalPoller {
    IntervalPoller::new()
        .interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(10))
}

fn context() -> RequestContext {
    RequestContext::builder()
        .workload_access_token("wat-annotated")
        .build()
}

#[requires_access_token(provider = "billing", scopes = ["invoices.read"], auth_flow = "M2M")]
async fn m2m(access_token: SecretString) -> Result<String, Error> {
    Ok(access_token.expose_secret().to_owned())
}

#[requires_access_token(
    provider = "github",
    scopes = ["repo"],
    auth_flow = "USER_FEDERATION",
    on_auth_url = record_url,
    token_poller = fast_poller(),
    callback_url = "http://127.0.0.1:9/return",
    force_authentication = true,
    custom_state = "state-7",
    custom_parameters = {"prompt": "consent"},
    resources = ["https://api.github.example"],
    audiences = ["github-api"],
    into = "token",
)]
async fn federated(owner: &str, token: SecretString) -> Result<String, Error> {
    Ok(format!("{owner}:{}", token.expose_secret()))
}

#[requires_access_token(
    provider = "drive",
    scopes = [],
    auth_flow = "USER_FEDERATION",
    on_auth_url = record_url,
    token_poller = fast_poller(),
)]
fn federated_blocking(access_token: SecretString) -> Result<String, Error> {
    Ok(access_token.expose_secret().to_owned())
}

#[requires_access_token(provider = "obo", scopes = ["read"], auth_flow = "ON_BEHALF_OF_TOKEN_EXCHANGE")]
async fn on_behalf_of(access_token: SecretString) -> anyhow::Result<usize> {
    Ok(access_token.expose_secret().len())
}

#[tokio::test]
async fn m2m_sends_flow_and_scopes() {
    let (server, client) = scripted(json!({ "accessToken": "m2m-1" }), vec![json!({})]).await;
    let token = context().scope(client.scope(m2m())).await.unwrap();
    assert_eq!(token, "m2m-1");
    let bodies = sent_bodies(&server).await;
    assert_eq!(
        bodies,
        [json!({
            "workloadIdentityToken": "wat-annotated",
            "resourceCredentialProviderName": "billing",
            "scopes": ["invoices.read"],
            "oauth2Flow": "M2M"
        })]
    );
}

#[tokio::test]
async fn federation_passes_every_argument() {
    let (server, client) =
        scripted(pending(), vec![pending(), json!({ "accessToken": "gh-1" })]).await;
    let value = context()
        .scope(client.scope(federated("octo")))
        .await
        .unwrap();
    assert_eq!(value, "octo:gh-1");
    assert!(
        SEEN_URLS
            .lock()
            .unwrap()
            .contains(&AUTHORIZATION_URL.to_owned())
    );

    let bodies = sent_bodies(&server).await;
    assert_eq!(bodies.len(), 3);
    let mut expected = json!({
        "workloadIdentityToken": "wat-annotated",
        "resourceCredentialProviderName": "github",
        "scopes": ["repo"],
        "oauth2Flow": "USER_FEDERATION",
        "resourceOauth2ReturnUrl": "http://127.0.0.1:9/return",
        "customState": "state-7",
        "customParameters": { "prompt": "consent" },
        "resources": ["https://api.github.example"],
        "audiences": ["github-api"],
        "forceAuthentication": true
    });
    assert_eq!(bodies[0], expected);
    expected
        .as_object_mut()
        .unwrap()
        .remove("forceAuthentication");
    expected["sessionUri"] = json!(SESSION);
    assert_eq!(bodies[1], expected);
    assert_eq!(bodies[2], expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_fn_waits_for_consent() {
    let (server, client) = scripted(pending(), vec![json!({ "accessToken": "drive-1" })]).await;
    let token = context()
        .scope(client.scope(async { federated_blocking() }))
        .await
        .unwrap();
    assert_eq!(token, "drive-1");
    assert_eq!(sent_bodies(&server).await.len(), 2);
}

#[tokio::test]
async fn on_behalf_of_uses_its_flow() {
    let (server, client) = scripted(json!({ "accessToken": "obo-token" }), vec![json!({})]).await;
    let length = context().scope(client.scope(on_behalf_of())).await.unwrap();
    assert_eq!(length, "obo-token".len());
    assert_eq!(
        sent_bodies(&server).await[0]["oauth2Flow"],
        "ON_BEHALF_OF_TOKEN_EXCHANGE"
    );
}

#[tokio::test]
async fn missing_token_in_container_sends_nothing() {
    let (server, client) = scripted(json!({ "accessToken": "never" }), vec![json!({})]).await;
    let error = client.scope(m2m()).await.unwrap_err();
    assert!(
        matches!(error, Error::MissingWorkloadAccessToken { .. }),
        "{error}"
    );
    assert!(sent_bodies(&server).await.is_empty());
}
