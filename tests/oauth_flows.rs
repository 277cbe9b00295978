//! OAuth2 flows end to end: annotated functions, the local Identity service and an independent
//! authorization server (oauth2-mock-server), with a headless user following the consent
//! redirects and the return-URL server of the `consent_flow` example confirming the session.

mod common;

#[path = "../examples/consent_flow/return_server.rs"]
mod return_server;

use std::time::Duration;

use agentcore_identity_local::{LocalIdentityService, TrustedIssuer};
use agentcore_identity_runtime::control::{
    CredentialProviderVendorType, CustomOauth2ProviderConfigInput, Oauth2Discovery,
    Oauth2ProviderConfigInput, OnBehalfOfTokenExchangeConfigType,
    OnBehalfOfTokenExchangeGrantTypeType,
};
use agentcore_identity_runtime::{
    Error, ExposeSecret, IdentityClient, IntervalPoller, SecretString, SessionUser,
    requires_access_token,
};
use common::browser::consent;
use common::oauth_server::OAuthServer;
use common::recording_proxy::RecordingProxy;
use return_server::Completion;
use serde_json::Value;

const WORKLOAD: &str = "oauth-agent";
const USER: &str = "alice";
const PROVIDER: &str = "idp";

fn fast_poller() -> IntervalPoller {
    IntervalPoller::new()
        .interval(Duration::from_millis(50))
        .timeout(Duration::from_secs(20))
}

fn short_poller() -> IntervalPoller {
    IntervalPoller::new()
        .interval(Duration::from_millis(50))
        .timeout(Duration::from_millis(800))
}

#[requires_access_token(
    provider = "idp",
    scopes = ["openid", "profile"],
    auth_flow = "USER_FEDERATION",
    on_auth_url = consent,
    token_poller = fast_poller(),
    custom_state = "from-the-agent",
    custom_parameters = {"prompt": "consent"},
)]
async fn federated(access_token: SecretString) -> Result<String, Error> {
    Ok(access_token.expose_secret().to_owned())
}

#[requires_access_token(
    provider = "idp",
    scopes = ["openid", "profile"],
    auth_flow = "USER_FEDERATION",
    on_auth_url = consent,
    token_poller = fast_poller(),
    force_authentication = true,
)]
async fn federated_forced(access_token: SecretString) -> Result<String, Error> {
    Ok(access_token.expose_secret().to_owned())
}

#[requires_access_token(
    provider = "idp",
    scopes = ["openid"],
    auth_flow = "USER_FEDERATION",
    on_auth_url = consent,
    token_poller = short_poller(),
)]
async fn federated_impatient(access_token: SecretString) -> Result<String, Error> {
    Ok(access_token.expose_secret().to_owned())
}

#[requires_access_token(provider = "idp", scopes = ["reports.read"], auth_flow = "M2M")]
async fn machine(access_token: SecretString) -> Result<String, Error> {
    Ok(access_token.expose_secret().to_owned())
}

#[requires_access_token(provider = "obo-idp", scopes = ["files.read"], auth_flow = "ON_BEHALF_OF_TOKEN_EXCHANGE")]
async fn on_behalf_of(access_token: SecretString) -> Result<String, Error> {
    Ok(access_token.expose_secret().to_owned())
}

/// A local service, the authorization server, a custom provider for it, and an agent client
/// that reaches the service through a recording proxy.
struct Fixture {
    local: common::Local,
    oauth: OAuthServer,
    proxy: RecordingProxy,
    admin: IdentityClient,
}

impl Fixture {
    async fn start() -> Fixture {
        let oauth = OAuthServer::start().await;
        let local = common::start_local().await;
        let admin = local.client().await;
        create_provider(&admin, PROVIDER, &oauth, None).await;
        let proxy = RecordingProxy::start(local.endpoint()).await;
        Fixture {
            local,
            oauth,
            proxy,
            admin,
        }
    }

    /// Starts a return-URL server that confirms sessions for `user`, and allows it on the
    /// workload identity.
    async fn return_server(&self, user: &str) -> return_server::ReturnServer {
        let server = return_server::start(self.admin.clone(), SessionUser::UserId(user.into()))
            .await
            .unwrap();
        match self.admin.get_workload_identity(WORKLOAD).await {
            Ok(_) => self
                .admin
                .update_workload_identity(WORKLOAD, std::slice::from_ref(&server.url))
                .await
                .unwrap(),
            Err(_) => self
                .admin
                .create_workload_identity(WORKLOAD, std::slice::from_ref(&server.url))
                .await
                .unwrap(),
        };
        server
    }

    /// Builds an agent client acting for `USER`, through the recording proxy.
    async fn agent(&self) -> IdentityClient {
        common::client_builder(&self.proxy.url)
            .workload_identity(WORKLOAD)
            .user_id(USER)
            .build()
            .await
            .unwrap()
    }
}

async fn create_provider(
    admin: &IdentityClient,
    name: &str,
    oauth: &OAuthServer,
    on_behalf_of: Option<OnBehalfOfTokenExchangeConfigType>,
) {
    let config = CustomOauth2ProviderConfigInput::builder()
        .oauth_discovery(Oauth2Discovery::DiscoveryUrl(oauth.discovery_url()))
        .client_id("agent-client")
        .client_secret("agent-client-secret")
        .set_on_behalf_of_token_exchange_config(on_behalf_of)
        .build();
    admin
        .create_oauth2_credential_provider(
            name,
            CredentialProviderVendorType::CustomOauth2,
            Oauth2ProviderConfigInput::CustomOauth2ProviderConfig(config),
        )
        .await
        .unwrap();
}

/// Runs `future` as the agent would inside AgentCore Runtime, with the return URL in the
/// request context.
async fn as_agent<F: std::future::Future>(
    agent: &IdentityClient,
    return_url: &str,
    future: F,
) -> F::Output {
    let context = agentcore_identity_runtime::RequestContext::builder()
        .oauth2_callback_url(return_url)
        .build();
    context.scope(agent.scope(future)).await
}

fn token_requests(proxy: &RecordingProxy) -> Vec<Value> {
    proxy
        .requests_to("/identities/oauth2/token")
        .iter()
        .map(|request| request.json())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn m2m_token_is_issued_and_reused() {
    let fixture = Fixture::start().await;
    fixture
        .admin
        .create_workload_identity(WORKLOAD, &[])
        .await
        .unwrap();
    let agent = fixture.agent().await;

    let token = agent.scope(machine()).await.unwrap();
    let claims = fixture.oauth.verify(&token).await;
    assert_eq!(claims["scope"], "reports.read");

    let again = agent.scope(machine()).await.unwrap();
    assert_eq!(again, token, "the vault keeps the token until it expires");
    fixture.oauth.wait_for_token_requests(1).await;
    assert_eq!(fixture.oauth.token_grants(), ["client_credentials"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_legged_consent_then_reuse() {
    let fixture = Fixture::start().await;
    let mut returns = fixture.return_server(USER).await;
    let agent = fixture.agent().await;

    let token = as_agent(&agent, &returns.url, federated()).await.unwrap();
    let claims = fixture.oauth.verify(&token).await;
    assert_eq!(claims["iss"], fixture.oauth.issuer.as_str());

    let completion = returns.completions.recv().await.unwrap();
    let Completion::Completed {
        session_uri,
        custom_state,
    } = completion
    else {
        panic!("the session was not completed: {completion:?}");
    };
    assert_eq!(custom_state.as_deref(), Some("from-the-agent"));
    let authorize = fixture.oauth.authorize_queries();
    assert_eq!(authorize.len(), 1);
    assert_eq!(
        authorize[0]["prompt"], "consent",
        "custom parameters reach the provider"
    );
    assert_eq!(authorize[0]["code_challenge_method"], "S256");

    // Every poll carries the session and the return URL; only the first request forces nothing.
    let requests = token_requests(&fixture.proxy);
    assert!(requests.len() >= 2, "a first request and at least one poll");
    assert!(requests[0].get("sessionUri").is_none());
    for poll in &requests[1..] {
        assert_eq!(poll["sessionUri"], session_uri.as_str());
        assert_eq!(poll["resourceOauth2ReturnUrl"], returns.url.as_str());
        assert_eq!(poll["customParameters"]["prompt"], "consent");
        assert!(poll.get("forceAuthentication").is_none());
    }

    // The stored token comes back with no new consent.
    let again = as_agent(&agent, &returns.url, federated()).await.unwrap();
    assert_eq!(again, token);
    assert_eq!(
        fixture.oauth.authorize_queries().len(),
        1,
        "no second consent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forced_authentication_asks_again() {
    let fixture = Fixture::start().await;
    let returns = fixture.return_server(USER).await;
    let agent = fixture.agent().await;

    let first = as_agent(&agent, &returns.url, federated()).await.unwrap();
    let requests_before = token_requests(&fixture.proxy).len();

    let forced = as_agent(&agent, &returns.url, federated_forced())
        .await
        .unwrap();
    fixture.oauth.verify(&forced).await;
    // The mock can issue the same token twice within one second, so count the exchanges:
    // a forced flow goes through a second consent and code exchange.
    assert_eq!(fixture.oauth.authorize_queries().len(), 2);
    fixture.oauth.wait_for_token_requests(2).await;
    let exchanges = fixture
        .oauth
        .token_grants()
        .iter()
        .filter(|g| *g == "authorization_code")
        .count();
    assert_eq!(exchanges, 2, "the forced flow exchanged a new code");
    let _ = first;

    let requests = token_requests(&fixture.proxy);
    let forced_flow = &requests[requests_before..];
    assert_eq!(forced_flow[0]["forceAuthentication"], true);
    for poll in &forced_flow[1..] {
        assert!(
            poll.get("forceAuthentication").is_none(),
            "only the first request forces"
        );
        assert!(poll.get("sessionUri").is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_user_cannot_complete() {
    let fixture = Fixture::start().await;
    let mut returns = fixture.return_server("mallory").await;
    let agent = fixture.agent().await;

    let error = as_agent(&agent, &returns.url, federated_impatient())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::AuthorizationTimedOut { .. }),
        "{error}"
    );
    let completion = returns.completions.recv().await.unwrap();
    assert!(
        matches!(completion, Completion::Refused { .. }),
        "{completion:?}"
    );

    // No token was released to the polls.
    let requests = fixture.proxy.requests_to("/identities/oauth2/token");
    assert!(requests.len() >= 2);
    for exchange in &requests {
        let answer = exchange.response_json();
        assert!(
            answer.get("accessToken").is_none(),
            "token released: {answer}"
        );
        assert_eq!(answer["sessionStatus"], "IN_PROGRESS");
    }
    assert_eq!(fixture.oauth.authorize_queries().len(), 1);
    assert!(fixture.local.data_dir.path().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_behalf_of_exchanges_user_jwt() {
    let oauth = OAuthServer::start().await;
    let data_dir = tempfile::tempdir().unwrap();
    let service = LocalIdentityService::builder()
        .data_dir(data_dir.path())
        .trusted_issuer(TrustedIssuer::discovery_url(oauth.discovery_url()))
        .start()
        .await
        .unwrap();
    let admin = common::client_builder(&service.endpoint())
        .build()
        .await
        .unwrap();
    admin.create_workload_identity(WORKLOAD, &[]).await.unwrap();
    let exchange = OnBehalfOfTokenExchangeConfigType::builder()
        .grant_type(OnBehalfOfTokenExchangeGrantTypeType::JwtAuthorizationGrant)
        .build()
        .unwrap();
    create_provider(&admin, "obo-idp", &oauth, Some(exchange)).await;

    // The user signs in with the authorization server; the agent receives their JWT.
    let sign_in: Value = reqwest::Client::new()
        .post(oauth.token_endpoint())
        .form(&[
            ("grant_type", "password"),
            ("username", "bob"),
            ("password", "x"),
            ("scope", "openid"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user_jwt = sign_in["access_token"].as_str().unwrap().to_owned();

    let agent = common::client_builder(&service.endpoint())
        .workload_identity(WORKLOAD)
        .user_token(SecretString::from(user_jwt))
        .build()
        .await
        .unwrap();
    let token = agent.scope(on_behalf_of()).await.unwrap();
    let claims = oauth.verify(&token).await;
    assert_eq!(
        claims["sub"], "bob",
        "the exchanged token acts for the signed-in user"
    );
    // The password grant of the sign-in, then the exchange.
    oauth.wait_for_token_requests(2).await;
    assert!(
        oauth
            .token_grants()
            .contains(&"urn:ietf:params:oauth:grant-type:jwt-bearer".to_owned())
    );

    // A workload token for a bare user id has no JWT to exchange.
    let by_id = common::client_builder(&service.endpoint())
        .workload_identity(WORKLOAD)
        .user_id("bob")
        .build()
        .await
        .unwrap();
    let error = by_id.scope(on_behalf_of()).await.unwrap_err();
    assert!(error.service_error_kind().is_some(), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_flow_example_completes() {
    use tokio::io::{AsyncBufReadExt, BufReader};

    let oauth = OAuthServer::start().await;
    let mut child = tokio::process::Command::new(common::example_binary("consent_flow"))
        .env("CONSENT_DISCOVERY_URL", oauth.discovery_url())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the consent_flow example starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();

    // The person reads the URL from the terminal and opens it.
    let mut output = Vec::new();
    let run = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.trim().strip_prefix("http://") {
                consent(format!("http://{url}")).await;
            }
            output.push(line);
        }
    };
    tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("the example finishes within 60 s");
    let status = child.wait().await.unwrap();
    let output = output.join("\n");
    assert!(status.success(), "the example failed:\n{output}");
    assert!(output.contains("Open this URL in a browser"), "{output}");
    assert!(
        output.contains("access token received after consent"),
        "{output}"
    );
    assert!(
        output.contains("access token received again without consent"),
        "{output}"
    );
    assert_eq!(
        oauth.authorize_queries().len(),
        1,
        "one consent for two calls"
    );
}

#[tokio::test]
async fn provider_management_round_trip() {
    let oauth = OAuthServer::start().await;
    let local = common::start_local().await;
    let admin = local.client().await;
    create_provider(&admin, "managed-idp", &oauth, None).await;

    let fetched = admin
        .get_oauth2_credential_provider("managed-idp")
        .await
        .unwrap();
    assert_eq!(fetched.vendor, "CustomOauth2");
    assert!(
        fetched
            .arn
            .ends_with("/oauth2credentialprovider/managed-idp"),
        "{}",
        fetched.arn
    );
    assert!(
        fetched.callback_url.is_some(),
        "the vendor app must allow the service's callback"
    );

    let listed = admin.list_oauth2_credential_providers().await.unwrap();
    assert_eq!(
        listed.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["managed-idp"]
    );

    let replacement = CustomOauth2ProviderConfigInput::builder()
        .oauth_discovery(Oauth2Discovery::DiscoveryUrl(oauth.discovery_url()))
        .client_id("rotated-client")
        .client_secret("rotated-secret")
        .build();
    let updated = admin
        .update_oauth2_credential_provider(
            "managed-idp",
            CredentialProviderVendorType::CustomOauth2,
            Oauth2ProviderConfigInput::CustomOauth2ProviderConfig(replacement),
        )
        .await
        .unwrap();
    assert_eq!(updated.arn, fetched.arn);

    admin
        .delete_oauth2_credential_provider("managed-idp")
        .await
        .unwrap();
    let missing = admin
        .get_oauth2_credential_provider("managed-idp")
        .await
        .unwrap_err();
    assert_eq!(
        missing.service_error_kind(),
        Some(agentcore_identity_runtime::ServiceErrorKind::ResourceNotFound)
    );
}
