//! No secret (API key, workload access token, user JWT, OAuth2 client secret, access or
//! refresh token, authorization code, PKCE verifier, custom state or parameter, web identity
//! token or its signing key) reaches the log, even at TRACE.
//!
//! This file holds a single test because it installs a process-wide subscriber: the service
//! runs queries on the blocking thread pool, which a thread-local subscriber would miss.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use std::time::Duration;

use agentcore_identity_local::TrustedIssuer;
use aws_sdk_bedrockagentcore::types::{Oauth2FlowType, UserIdentifier};
use common::fake_provider::FakeProvider;
use common::issuer::TestIssuer;
use common::{
    ReturnPage, TestService, create_workload, create_workload_returning_to, follow_redirects,
    post_raw, query_of, random_api_key, token_for_user,
};
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;

/// A log sink that keeps everything written to it.
#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl CapturedLog {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLog {
    type Writer = CapturedLog;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Returns the JWT's signature, which no log line may contain even if the rest were cut.
fn signature_of(jwt: &str) -> &str {
    jwt.rsplit('.').next().unwrap()
}

#[tokio::test]
async fn log_at_trace_holds_no_secret() {
    let log = CapturedLog::default();
    // Everything at TRACE, including the HTTP server's and the AWS SDK's own logs.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(log.clone())
        .with_ansi(false)
        .init();

    let issuer = TestIssuer::start().await;
    let service = TestService::start_with(|builder| {
        builder
            .trusted_issuer(TrustedIssuer::discovery_url(&issuer.discovery_url))
            .workload_token_lifetime(Duration::from_secs(4 * 3600))
    })
    .await;
    let control = service.control_plane();
    let data = service.data_plane();

    let first_key = random_api_key();
    let second_key = random_api_key();
    create_workload(&service, "agent").await;
    control
        .create_api_key_credential_provider()
        .name("openai")
        .api_key(&first_key)
        .send()
        .await
        .unwrap();
    control
        .update_api_key_credential_provider()
        .name("openai")
        .api_key(&second_key)
        .send()
        .await
        .unwrap();

    let user_id_token = token_for_user(&service, "agent", "alice").await;
    let user_jwt = issuer.key.sign(&issuer.claims(Some("user-123"), 600));
    let jwt_token = data
        .get_workload_access_token_for_jwt()
        .workload_name("agent")
        .user_token(&user_jwt)
        .send()
        .await
        .unwrap()
        .workload_access_token;
    for token in [&user_id_token, &jwt_token] {
        let fetched = data
            .get_resource_api_key()
            .workload_identity_token(token)
            .resource_credential_provider_name("openai")
            .send()
            .await
            .unwrap();
        assert_eq!(fetched.api_key(), second_key);
    }

    // Rejected requests that carry secrets.
    let tampered = format!("{user_id_token}x");
    let rejected = data
        .get_resource_api_key()
        .workload_identity_token(&tampered)
        .resource_credential_provider_name("openai")
        .send()
        .await;
    assert!(rejected.is_err());
    let expired_jwt = issuer.key.sign(&issuer.claims(Some("user-123"), -3600));
    let rejected = data
        .get_workload_access_token_for_jwt()
        .workload_name("agent")
        .user_token(&expired_jwt)
        .send()
        .await;
    assert!(rejected.is_err());
    let oversized_key = format!("{first_key}{}", "x".repeat(70_000));
    let response = post_raw(
        &service.url("/identities/CreateApiKeyCredentialProvider"),
        &format!(r#"{{"name":"big","apiKey":"{oversized_key}"}}"#),
    )
    .await;
    assert_eq!(response.status().as_u16(), 400);

    let oauth = run_oauth_flows(&service, &issuer).await;
    let web_identity_tokens = request_web_identity_tokens(&service).await;

    let text = log.text();
    assert!(
        text.contains("development stand-in"),
        "start-up line is captured"
    );
    assert!(text.contains("TRACE"), "TRACE lines are captured");
    assert!(
        text.contains("rejected request")
            && text.contains("GetResourceApiKey")
            && text.contains("UnauthorizedException"),
        "rejections are logged with operation and error type"
    );

    let secrets = [
        ("first API key", first_key.as_str()),
        ("second API key", second_key.as_str()),
        ("workload token for user id", user_id_token.as_str()),
        ("workload token signature", signature_of(&user_id_token)),
        ("workload token for JWT", jwt_token.as_str()),
        ("workload token for JWT signature", signature_of(&jwt_token)),
        ("user JWT", user_jwt.as_str()),
        ("user JWT signature", signature_of(&user_jwt)),
        ("expired user JWT signature", signature_of(&expired_jwt)),
    ];
    for (what, secret) in secrets {
        assert!(!text.contains(secret), "the log contains the {what}");
    }
    assert!(
        text.contains("GetResourceOauth2Token"),
        "OAuth2 requests are logged"
    );
    for (what, secret) in &oauth {
        assert!(
            !text.contains(secret.as_str()),
            "the log contains the {what}"
        );
    }

    assert!(
        text.contains("issued web identity token"),
        "web identity tokens are logged"
    );
    for token in &web_identity_tokens {
        assert!(
            !text.contains(token.as_str()),
            "the log contains a web identity token"
        );
        assert!(
            !text.contains(signature_of(token)),
            "the log contains a web identity token signature"
        );
    }
    assert!(
        !text.contains("PRIVATE KEY"),
        "the log contains a PEM private key"
    );
}

/// Requests a web identity token of each algorithm, plus one rejected for a missing audience,
/// and returns the tokens.
async fn request_web_identity_tokens(service: &TestService) -> Vec<String> {
    let sts = service.sts();
    let mut tokens = Vec::new();
    for algorithm in ["ES384", "RS256"] {
        let output = sts
            .get_web_identity_token()
            .audience("https://api.partner.example")
            .signing_algorithm(algorithm)
            .tags(
                aws_sdk_sts::types::Tag::builder()
                    .key("team")
                    .value("payments")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        tokens.push(output.web_identity_token.unwrap());
    }
    let rejected = sts
        .get_web_identity_token()
        .signing_algorithm("ES384")
        .send()
        .await;
    assert!(rejected.is_err());
    tokens
}

/// Runs every OAuth2 flow against a scripted provider, including a rejected token request, a
/// refresh and a confirmation by the wrong user, and returns the secrets that passed through
/// the service.
async fn run_oauth_flows(
    service: &TestService,
    issuer: &TestIssuer,
) -> Vec<(&'static str, String)> {
    let provider = FakeProvider::start().await;
    let page = ReturnPage::start().await;
    let client_secret = format!("client-secret-{}", uuid::Uuid::new_v4().simple());
    let custom_state = format!("custom-state-{}", uuid::Uuid::new_v4().simple());
    let custom_parameter = format!("login-hint-{}", uuid::Uuid::new_v4().simple());
    create_workload_returning_to(service, "oauth-agent", &[&page.url]).await;
    let body = json!({
        "name": "fake",
        "credentialProviderVendor": "CustomOauth2",
        "oauth2ProviderConfigInput": {"customOauth2ProviderConfig": {
            "oauthDiscovery": {"authorizationServerMetadata": {
                "issuer": provider.base,
                "authorizationEndpoint": provider.authorization_endpoint(),
                "tokenEndpoint": provider.token_endpoint(),
            }},
            "clientId": "log-test-client",
            "clientSecret": client_secret,
            "onBehalfOfTokenExchangeConfig": {"grantType": "TOKEN_EXCHANGE"},
        }},
    });
    let created = post_raw(
        &service.url("/identities/CreateOauth2CredentialProvider"),
        &body.to_string(),
    )
    .await;
    assert_eq!(created.status().as_u16(), 201);
    let data = service.data_plane();
    let request = |token: &str, flow: Oauth2FlowType| {
        data.get_resource_oauth2_token()
            .workload_identity_token(token)
            .resource_credential_provider_name("fake")
            .oauth2_flow(flow)
            .scopes("read")
    };

    // Machine to machine.
    let workload_token = data
        .get_workload_access_token()
        .workload_name("oauth-agent")
        .send()
        .await
        .unwrap()
        .workload_access_token;
    let m2m = request(&workload_token, Oauth2FlowType::M2M)
        .send()
        .await
        .unwrap();
    assert_eq!(
        m2m.access_token(),
        Some(provider.issued.m2m_access_token.as_str())
    );

    // User federation, with a confirmation by the wrong user first.
    let alice = token_for_user(service, "oauth-agent", "alice").await;
    let started = request(&alice, Oauth2FlowType::UserFederation)
        .custom_state(&custom_state)
        .custom_parameters("login_hint", &custom_parameter)
        .send()
        .await
        .unwrap();
    let session_uri = started.session_uri().unwrap().to_owned();
    let (visited, _) = follow_redirects(started.authorization_url().unwrap()).await;
    let code = query_of(&visited[2])["code"].clone();
    let complete = |user: &str| {
        data.complete_resource_token_auth()
            .session_uri(&session_uri)
            .user_identifier(UserIdentifier::UserId(user.to_owned()))
            .send()
    };
    assert!(complete("mallory").await.is_err());
    complete("alice").await.unwrap();
    let polled = request(&alice, Oauth2FlowType::UserFederation)
        .session_uri(&session_uri)
        .send()
        .await
        .unwrap();
    assert_eq!(
        polled.access_token(),
        Some(provider.issued.access_token.as_str())
    );
    let verifier = provider.token_requests()[1].form["code_verifier"].clone();

    // On behalf of the user of a JWT.
    let user_jwt = issuer.key.sign(&issuer.claims(Some("user-123"), 600));
    let jwt_token = data
        .get_workload_access_token_for_jwt()
        .workload_name("oauth-agent")
        .user_token(&user_jwt)
        .send()
        .await
        .unwrap()
        .workload_access_token;
    let exchanged = request(&jwt_token, Oauth2FlowType::OnBehalfOfTokenExchange)
        .send()
        .await
        .unwrap();
    assert_eq!(
        exchanged.access_token(),
        Some(provider.issued.exchanged_access_token.as_str())
    );

    // A refresh once the user's token has expired, then a rejected token request.
    service.clock.advance(Duration::from_secs(3601));
    let refreshed = request(&alice, Oauth2FlowType::UserFederation)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refreshed.access_token(),
        Some(provider.issued.refreshed_access_token.as_str())
    );
    provider.fail_token_requests(400, json!({"error": "invalid_client"}));
    assert!(
        request(&workload_token, Oauth2FlowType::M2M)
            .send()
            .await
            .is_err()
    );

    vec![
        ("client secret", client_secret),
        ("custom state", custom_state),
        ("custom parameter", custom_parameter),
        ("authorization code", code),
        ("PKCE verifier", verifier),
        ("M2M access token", provider.issued.m2m_access_token.clone()),
        ("user access token", provider.issued.access_token.clone()),
        ("refresh token", provider.issued.refresh_token.clone()),
        (
            "refreshed access token",
            provider.issued.refreshed_access_token.clone(),
        ),
        (
            "exchanged access token",
            provider.issued.exchanged_access_token.clone(),
        ),
        ("user JWT of the exchange", user_jwt),
    ]
}
