//! The ON_BEHALF_OF_TOKEN_EXCHANGE flow: the user JWT kept with a workload access token is
//! exchanged with the JWT-bearer grant at `oauth2-mock-server`, or with the token-exchange
//! grant at a scripted token endpoint.

mod common;

use agentcore_identity_local::TrustedIssuer;
use aws_sdk_bedrockagentcore::operation::get_resource_oauth2_token::GetResourceOauth2TokenError;
use aws_sdk_bedrockagentcore::types::Oauth2FlowType;
use common::fake_provider::FakeProvider;
use common::issuer::TestIssuer;
use common::oauth_server::OAuthServer;
use common::{TestService, create_metadata_provider, create_workload, token_for_user};
use serde_json::json;

async fn service_trusting(issuer: &TestIssuer) -> TestService {
    let discovery = issuer.discovery_url.clone();
    let service = TestService::start_with(|builder| {
        builder.trusted_issuer(TrustedIssuer::discovery_url(&discovery))
    })
    .await;
    create_workload(&service, "agent").await;
    service
}

async fn token_for_jwt(service: &TestService, user_jwt: &str) -> String {
    service
        .data_plane()
        .get_workload_access_token_for_jwt()
        .workload_name("agent")
        .user_token(user_jwt)
        .send()
        .await
        .unwrap()
        .workload_access_token
}

async fn exchange(
    service: &TestService,
    workload_token: &str,
    provider: &str,
) -> Result<String, GetResourceOauth2TokenError> {
    service
        .data_plane()
        .get_resource_oauth2_token()
        .workload_identity_token(workload_token)
        .resource_credential_provider_name(provider)
        .oauth2_flow(Oauth2FlowType::OnBehalfOfTokenExchange)
        .scopes("orders:read")
        .send()
        .await
        .map(|output| output.access_token().expect("an access token").to_owned())
        .map_err(aws_sdk_bedrockagentcore::error::SdkError::into_service_error)
}

fn on_behalf_of(grant_type: &str) -> serde_json::Value {
    json!({ "onBehalfOfTokenExchangeConfig": { "grantType": grant_type } })
}

#[tokio::test]
async fn jwt_bearer_grant_exchanges_user_jwt() {
    let issuer = TestIssuer::start().await;
    let server = OAuthServer::start().await;
    let service = service_trusting(&issuer).await;
    create_metadata_provider(
        &service,
        "mock",
        &server.authorization_endpoint(),
        &server.token_endpoint(),
        on_behalf_of("JWT_AUTHORIZATION_GRANT"),
    )
    .await;
    let user_jwt = issuer.key.sign(&issuer.claims(Some("user-123"), 600));
    let token = token_for_jwt(&service, &user_jwt).await;

    let access_token = exchange(&service, &token, "mock").await.unwrap();

    let claims = server.verify(&access_token).await;
    assert_eq!(claims["sub"], "user-123");
    assert_eq!(claims["scope"], "orders:read");
    server.wait_for_token_requests(1).await;
    assert_eq!(
        server.token_grants(),
        ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    );
}

#[tokio::test]
async fn token_exchange_grant_sends_user_jwt_as_subject() {
    let issuer = TestIssuer::start().await;
    let provider = FakeProvider::start().await;
    let service = service_trusting(&issuer).await;
    let config = json!({ "onBehalfOfTokenExchangeConfig": {
        "grantType": "TOKEN_EXCHANGE",
        "tokenExchangeGrantTypeConfig": { "actorTokenContent": "M2M", "actorTokenScopes": ["actor"] },
    }});
    create_metadata_provider(
        &service,
        "exchange",
        &provider.authorization_endpoint(),
        &provider.token_endpoint(),
        config,
    )
    .await;
    let user_jwt = issuer.key.sign(&issuer.claims(Some("user-123"), 600));
    let token = token_for_jwt(&service, &user_jwt).await;

    let access_token = exchange(&service, &token, "exchange").await.unwrap();

    assert_eq!(access_token, provider.issued.exchanged_access_token);
    let requests = provider.token_requests();
    assert_eq!(
        requests.len(),
        2,
        "an actor token request, then the exchange"
    );
    assert_eq!(requests[0].form["grant_type"], "client_credentials");
    assert_eq!(requests[0].form["scope"], "actor");
    let form = &requests[1].form;
    assert_eq!(
        form["grant_type"],
        "urn:ietf:params:oauth:grant-type:token-exchange"
    );
    assert_eq!(form["subject_token"], user_jwt);
    assert_eq!(
        form["subject_token_type"],
        "urn:ietf:params:oauth:token-type:jwt"
    );
    assert_eq!(form["actor_token"], provider.issued.m2m_access_token);
    assert_eq!(form["scope"], "orders:read");
    assert!(
        requests[1].authorization.is_some(),
        "the client authenticates"
    );
}

#[tokio::test]
async fn no_client_exchange_sends_no_secret() {
    let issuer = TestIssuer::start().await;
    let provider = FakeProvider::start().await;
    let service = service_trusting(&issuer).await;
    let config = json!({ "onBehalfOfTokenExchangeConfig": {
        "grantType": "TOKEN_EXCHANGE",
        "onBehalfOfAuthenticationConfig": { "clientAuthenticationMethod": "NO_CLIENT" },
    }});
    create_metadata_provider(
        &service,
        "public",
        &provider.authorization_endpoint(),
        &provider.token_endpoint(),
        config,
    )
    .await;
    let user_jwt = issuer.key.sign(&issuer.claims(Some("user-123"), 600));
    let token = token_for_jwt(&service, &user_jwt).await;

    exchange(&service, &token, "public").await.unwrap();

    let request = &provider.token_requests()[0];
    assert_eq!(request.authorization, None);
    assert!(!request.form.contains_key("client_secret"));
    assert_eq!(request.form["client_id"], "local-test-client");
}

#[tokio::test]
async fn user_id_workload_token_is_rejected() {
    let server = OAuthServer::start().await;
    let service = TestService::start().await;
    create_workload(&service, "agent").await;
    create_metadata_provider(
        &service,
        "mock",
        &server.authorization_endpoint(),
        &server.token_endpoint(),
        on_behalf_of("JWT_AUTHORIZATION_GRANT"),
    )
    .await;
    let token = token_for_user(&service, "agent", "alice").await;

    let error = exchange(&service, &token, "mock").await.unwrap_err();

    let GetResourceOauth2TokenError::ValidationException(error) = error else {
        panic!("expected a ValidationException, got {error:?}");
    };
    assert_eq!(error.field_list()[0].name(), "workloadIdentityToken");
    assert!(error.message().contains("GetWorkloadAccessTokenForJWT"));
    assert!(server.token_grants().is_empty());
}

#[tokio::test]
async fn provider_without_exchange_config_is_rejected() {
    let issuer = TestIssuer::start().await;
    let provider = FakeProvider::start().await;
    let service = service_trusting(&issuer).await;
    create_metadata_provider(
        &service,
        "plain",
        &provider.authorization_endpoint(),
        &provider.token_endpoint(),
        json!({}),
    )
    .await;
    let user_jwt = issuer.key.sign(&issuer.claims(Some("user-123"), 600));
    let token = token_for_jwt(&service, &user_jwt).await;

    let error = exchange(&service, &token, "plain").await.unwrap_err();

    let GetResourceOauth2TokenError::ValidationException(error) = error else {
        panic!("expected a ValidationException, got {error:?}");
    };
    assert_eq!(
        error.field_list()[0].name(),
        "resourceCredentialProviderName"
    );
    assert!(provider.token_requests().is_empty());
}
