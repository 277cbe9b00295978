//! `GetResourceOauth2Token` with the M2M flow against `oauth2-mock-server` and a scripted
//! token endpoint, and the request checks all flows share.

mod common;

use std::time::Duration;

use aws_sdk_bedrockagentcore::types::Oauth2FlowType;
use base64::Engine;
use common::fake_provider::FakeProvider;
use common::oauth_server::OAuthServer;
use common::{
    TestService, create_discovery_provider, create_metadata_provider, create_workload, post_raw,
    token_for_user,
};
use serde_json::{Value, json};

async fn m2m_token(
    service: &TestService,
    workload_token: &str,
    provider: &str,
    scopes: &[&str],
) -> Result<
    String,
    aws_sdk_bedrockagentcore::operation::get_resource_oauth2_token::GetResourceOauth2TokenError,
> {
    service
        .data_plane()
        .get_resource_oauth2_token()
        .workload_identity_token(workload_token)
        .resource_credential_provider_name(provider)
        .oauth2_flow(Oauth2FlowType::M2M)
        .set_scopes(Some(
            scopes.iter().map(|scope| (*scope).to_owned()).collect(),
        ))
        .send()
        .await
        .map(|output| output.access_token().expect("an access token").to_owned())
        .map_err(aws_sdk_bedrockagentcore::error::SdkError::into_service_error)
}

async fn workload_token(service: &TestService) -> String {
    create_workload(service, "agent").await;
    service
        .data_plane()
        .get_workload_access_token()
        .workload_name("agent")
        .send()
        .await
        .unwrap()
        .workload_access_token
}

#[tokio::test]
async fn m2m_token_comes_from_authorization_server() {
    let server = OAuthServer::start().await;
    let service = TestService::start().await;
    let token = workload_token(&service).await;
    create_discovery_provider(&service, "mock", &server.discovery_url(), "secret").await;

    let access_token = m2m_token(&service, &token, "mock", &["read", "write"])
        .await
        .unwrap();

    let claims = server.verify(&access_token).await;
    assert_eq!(claims["scope"], "read write");
    server.wait_for_token_requests(1).await;
    assert_eq!(server.token_grants(), ["client_credentials"]);
}

#[tokio::test]
async fn m2m_token_is_reused_until_expiry() {
    let server = OAuthServer::start().await;
    // The workload access token must outlive the provider's token.
    let service = TestService::start_with(|builder| {
        builder.workload_token_lifetime(Duration::from_secs(4 * 3600))
    })
    .await;
    let token = workload_token(&service).await;
    create_discovery_provider(&service, "mock", &server.discovery_url(), "secret").await;

    let first = m2m_token(&service, &token, "mock", &["read"])
        .await
        .unwrap();
    let second = m2m_token(&service, &token, "mock", &["read"])
        .await
        .unwrap();
    server.wait_for_token_requests(1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    assert_eq!(first, second);
    assert_eq!(
        server.token_grants().len(),
        1,
        "the second call asked again"
    );

    // The mock server's tokens live 3600 s.
    service.clock.advance(Duration::from_secs(3601));
    let third = m2m_token(&service, &token, "mock", &["read"])
        .await
        .unwrap();
    server.wait_for_token_requests(2).await;

    // Tokens the mock server issues within one second are identical, so the new request shows
    // in its log rather than in the token.
    assert_eq!(server.token_grants().len(), 2);
    server.verify(&third).await;
}

#[tokio::test]
async fn m2m_tokens_are_kept_per_scope_set() {
    let server = OAuthServer::start().await;
    let service = TestService::start().await;
    let token = workload_token(&service).await;
    create_discovery_provider(&service, "mock", &server.discovery_url(), "secret").await;

    let read = m2m_token(&service, &token, "mock", &["read"])
        .await
        .unwrap();
    let write = m2m_token(&service, &token, "mock", &["write"])
        .await
        .unwrap();
    let both = m2m_token(&service, &token, "mock", &["write", "read"])
        .await
        .unwrap();
    m2m_token(&service, &token, "mock", &["read", "write"])
        .await
        .unwrap();
    server.wait_for_token_requests(3).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    assert_eq!(server.verify(&read).await["scope"], "read");
    assert_eq!(server.verify(&write).await["scope"], "write");
    assert_eq!(server.verify(&both).await["scope"], "read write");
    assert_eq!(
        server.token_grants().len(),
        3,
        "the reordered scopes asked again"
    );
}

#[tokio::test]
async fn m2m_sends_resources_and_audiences() {
    let provider = FakeProvider::start().await;
    let service = TestService::start().await;
    let token = workload_token(&service).await;
    create_metadata_provider(
        &service,
        "fake",
        &provider.authorization_endpoint(),
        &provider.token_endpoint(),
        json!({}),
    )
    .await;

    let access_token = service
        .data_plane()
        .get_resource_oauth2_token()
        .workload_identity_token(&token)
        .resource_credential_provider_name("fake")
        .oauth2_flow(Oauth2FlowType::M2M)
        .scopes("read")
        .resources("https://api-a.test")
        .resources("https://api-b.test")
        .audiences("orders")
        .send()
        .await
        .unwrap()
        .access_token()
        .unwrap()
        .to_owned();

    assert_eq!(access_token, provider.issued.m2m_access_token);
    let request = &provider.token_requests()[0];
    let resources: Vec<&str> = request
        .repeated
        .iter()
        .filter(|(name, _)| name == "resource")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(resources, ["https://api-a.test", "https://api-b.test"]);
    assert_eq!(request.form["audience"], "orders");
    assert_eq!(request.form["scope"], "read");
}

#[tokio::test]
async fn client_authentication_method_is_honoured() {
    let provider = FakeProvider::start().await;
    let service = TestService::start().await;
    let token = workload_token(&service).await;
    for (name, method) in [
        ("basic", "CLIENT_SECRET_BASIC"),
        ("post", "CLIENT_SECRET_POST"),
    ] {
        create_metadata_provider(
            &service,
            name,
            &provider.authorization_endpoint(),
            &provider.token_endpoint(),
            json!({ "clientAuthenticationMethod": method }),
        )
        .await;
        m2m_token(&service, &token, name, &[]).await.unwrap();
    }

    let requests = provider.token_requests();
    let expected =
        base64::engine::general_purpose::STANDARD.encode("local-test-client:local-test-secret");
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some(format!("Basic {expected}").as_str())
    );
    assert!(!requests[0].form.contains_key("client_secret"));
    assert_eq!(requests[1].authorization, None);
    assert_eq!(requests[1].form["client_id"], "local-test-client");
    assert_eq!(requests[1].form["client_secret"], "local-test-secret");
    assert!(
        !requests[1].form.contains_key("scope"),
        "empty scopes send no scope"
    );
}

#[tokio::test]
async fn token_endpoint_error_names_provider_and_code() {
    let provider = FakeProvider::start().await;
    let service = TestService::start().await;
    let token = workload_token(&service).await;
    create_metadata_provider(
        &service,
        "fake",
        &provider.authorization_endpoint(),
        &provider.token_endpoint(),
        json!({}),
    )
    .await;
    provider.fail_token_requests(
        401,
        json!({"error": "invalid_client", "error_description": "client authentication failed"}),
    );

    let error = m2m_token(&service, &token, "fake", &["read"])
        .await
        .unwrap_err();

    assert!(error.is_validation_exception(), "{error:?}");
    let message = aws_sdk_bedrockagentcore::error::ProvideErrorMetadata::message(&error).unwrap();
    assert!(message.contains("fake"), "{message}");
    assert!(message.contains("invalid_client"), "{message}");
    assert!(!message.contains("local-test-secret"), "{message}");
}

#[tokio::test]
async fn unreachable_token_endpoint_is_internal_error() {
    let service = TestService::start().await;
    let token = workload_token(&service).await;
    // Nothing listens on the port of a listener that was just dropped.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let endpoint = format!("http://{address}/token");
    create_metadata_provider(&service, "down", &endpoint, &endpoint, json!({})).await;

    let error = m2m_token(&service, &token, "down", &[]).await.unwrap_err();

    assert!(error.is_internal_server_exception(), "{error:?}");
    let message = aws_sdk_bedrockagentcore::error::ProvideErrorMetadata::message(&error).unwrap();
    assert!(message.contains("down"), "{message}");
}

#[tokio::test]
async fn unknown_provider_is_not_found() {
    let service = TestService::start().await;
    let token = workload_token(&service).await;

    let error = m2m_token(&service, &token, "nobody", &[])
        .await
        .unwrap_err();

    assert!(error.is_resource_not_found_exception(), "{error:?}");
}

#[tokio::test]
async fn empty_token_request_names_missing_members() {
    let service = TestService::start().await;

    let response = post_raw(&service.url("/identities/oauth2/token"), "{}").await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();

    assert_eq!(status, 400);
    assert_eq!(body["__type"], "ValidationException");
    let names: Vec<&str> = body["fieldList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "workloadIdentityToken",
            "resourceCredentialProviderName",
            "scopes",
            "oauth2Flow"
        ]
    );
}

#[tokio::test]
async fn reserved_custom_parameters_are_rejected() {
    let service = TestService::start().await;
    create_workload(&service, "agent").await;
    let token = token_for_user(&service, "agent", "alice").await;

    let error = service
        .data_plane()
        .get_resource_oauth2_token()
        .workload_identity_token(token)
        .resource_credential_provider_name("any")
        .oauth2_flow(Oauth2FlowType::UserFederation)
        .set_scopes(Some(Vec::new()))
        .custom_parameters("redirect_uri", "https://evil.test/")
        .send()
        .await
        .unwrap_err()
        .into_service_error();

    let aws_sdk_bedrockagentcore::operation::get_resource_oauth2_token::GetResourceOauth2TokenError::ValidationException(error) = error else {
        panic!("expected a ValidationException, got {error:?}");
    };
    assert_eq!(error.field_list()[0].name(), "customParameters");
}
