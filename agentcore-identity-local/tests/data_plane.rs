//! Data-plane operations through the real `aws-sdk-bedrockagentcore` client: workload
//! access tokens and `GetResourceApiKey`, including rejected tokens.

mod common;

use std::time::Duration;

use aws_sdk_bedrockagentcore::operation::get_resource_api_key::GetResourceApiKeyError;
use aws_sdk_bedrockagentcore::operation::get_workload_access_token::GetWorkloadAccessTokenError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{
    TestService, create_api_key_provider, create_workload, random_api_key, token_for_user,
};

/// Calls `GetResourceApiKey` and returns the typed error.
async fn api_key_error(
    service: &TestService,
    token: &str,
    provider: &str,
) -> GetResourceApiKeyError {
    service
        .data_plane()
        .get_resource_api_key()
        .workload_identity_token(token)
        .resource_credential_provider_name(provider)
        .send()
        .await
        .expect_err("request is rejected")
        .into_service_error()
}

fn assert_unauthorized(error: &GetResourceApiKeyError) {
    assert!(
        matches!(error, GetResourceApiKeyError::UnauthorizedException(_)),
        "expected UnauthorizedException, got {error:?}"
    );
}

/// Decodes the claims of a JWT without checking it.
fn claims_of(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).expect("JWT has a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url payload"))
        .expect("JSON claims")
}

#[tokio::test]
async fn api_key_fetched_equals_stored() {
    let service = TestService::start().await;
    let api_key = random_api_key();
    create_workload(&service, "agent").await;
    create_api_key_provider(&service, "openai", &api_key).await;
    let token = token_for_user(&service, "agent", "alice").await;

    let fetched = service
        .data_plane()
        .get_resource_api_key()
        .workload_identity_token(&token)
        .resource_credential_provider_name("openai")
        .send()
        .await
        .unwrap();

    assert_eq!(fetched.api_key(), api_key);
}

#[tokio::test]
async fn api_key_update_replaces_key() {
    let service = TestService::start().await;
    create_workload(&service, "agent").await;
    create_api_key_provider(&service, "openai", "sk-old").await;
    service
        .control_plane()
        .update_api_key_credential_provider()
        .name("openai")
        .api_key("sk-new")
        .send()
        .await
        .unwrap();
    let token = token_for_user(&service, "agent", "alice").await;

    let fetched = service
        .data_plane()
        .get_resource_api_key()
        .workload_identity_token(&token)
        .resource_credential_provider_name("openai")
        .send()
        .await
        .unwrap();

    assert_eq!(fetched.api_key(), "sk-new");
}

#[tokio::test]
async fn workload_token_without_user_works() {
    let service = TestService::start().await;
    create_workload(&service, "agent").await;
    create_api_key_provider(&service, "openai", "sk-1").await;

    let token = service
        .data_plane()
        .get_workload_access_token()
        .workload_name("agent")
        .send()
        .await
        .unwrap()
        .workload_access_token;
    let claims = claims_of(&token);
    assert_eq!(claims["sub"], "agent");
    assert!(claims.get("user_id").is_none());

    let fetched = service
        .data_plane()
        .get_resource_api_key()
        .workload_identity_token(&token)
        .resource_credential_provider_name("openai")
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.api_key(), "sk-1");
}

#[tokio::test]
async fn workload_token_for_user_id_names_user() {
    let service = TestService::start().await;
    create_workload(&service, "agent").await;

    let token = token_for_user(&service, "agent", "alice@example.com").await;

    let claims = claims_of(&token);
    assert_eq!(claims["sub"], "agent");
    assert_eq!(claims["user_id"], "alice@example.com");
    let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
    assert_eq!(lifetime, 3600);
}

#[tokio::test]
async fn workload_token_for_unknown_workload_is_not_found() {
    let service = TestService::start().await;

    let error = service
        .data_plane()
        .get_workload_access_token()
        .workload_name("missing")
        .send()
        .await
        .unwrap_err()
        .into_service_error();

    assert!(matches!(
        error,
        GetWorkloadAccessTokenError::ResourceNotFoundException(_)
    ));
}

#[tokio::test]
async fn api_key_for_unknown_provider_is_not_found() {
    let service = TestService::start().await;
    create_workload(&service, "agent").await;
    let token = token_for_user(&service, "agent", "alice").await;

    let error = api_key_error(&service, &token, "missing").await;

    assert!(matches!(
        error,
        GetResourceApiKeyError::ResourceNotFoundException(_)
    ));
}

#[tokio::test]
async fn workload_token_expires_with_clock() {
    let service =
        TestService::start_with(|builder| builder.workload_token_lifetime(Duration::from_secs(60)))
            .await;
    create_workload(&service, "agent").await;
    create_api_key_provider(&service, "openai", "sk-1").await;
    let token = token_for_user(&service, "agent", "alice").await;

    service.clock.advance(Duration::from_secs(59));
    let fetched = service
        .data_plane()
        .get_resource_api_key()
        .workload_identity_token(&token)
        .resource_credential_provider_name("openai")
        .send()
        .await;
    assert!(fetched.is_ok(), "token is still valid after 59 s");

    service.clock.advance(Duration::from_secs(1));
    let error = api_key_error(&service, &token, "openai").await;
    assert_unauthorized(&error);
    assert!(error.meta().message().unwrap().contains("expired"));
}

#[tokio::test]
async fn workload_token_tampered_is_rejected() {
    let service = TestService::start().await;
    create_workload(&service, "agent").await;
    create_api_key_provider(&service, "openai", "sk-1").await;
    let token = token_for_user(&service, "agent", "alice").await;

    // Replace the user in the payload and keep the original signature.
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims = claims_of(&token);
    claims["user_id"] = "mallory".into();
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    let tampered = format!("{}.{payload}.{}", parts[0], parts[2]);

    let error = api_key_error(&service, &tampered, "openai").await;

    assert_unauthorized(&error);
}

#[tokio::test]
async fn workload_token_from_other_service_is_rejected() {
    let service = TestService::start().await;
    let other = TestService::start().await;
    for instance in [&service, &other] {
        create_workload(instance, "agent").await;
    }
    create_api_key_provider(&service, "openai", "sk-1").await;
    let forged = token_for_user(&other, "agent", "alice").await;

    let error = api_key_error(&service, &forged, "openai").await;

    assert_unauthorized(&error);
}

#[tokio::test]
async fn workload_token_unsigned_is_rejected() {
    let service = TestService::start().await;
    create_workload(&service, "agent").await;
    create_api_key_provider(&service, "openai", "sk-1").await;
    let token = token_for_user(&service, "agent", "alice").await;

    // The same claims with `alg: none` and no signature.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = token.split('.').nth(1).unwrap();
    let unsigned = format!("{header}.{payload}.");

    let error = api_key_error(&service, &unsigned, "openai").await;

    assert_unauthorized(&error);
}

#[tokio::test]
async fn workload_token_malformed_is_rejected() {
    let service = TestService::start().await;
    create_api_key_provider(&service, "openai", "sk-1").await;

    for malformed in ["not-a-token", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..."] {
        let error = api_key_error(&service, malformed, "openai").await;
        assert_unauthorized(&error);
    }
}

#[tokio::test]
async fn workload_token_of_deleted_identity_is_rejected() {
    let service = TestService::start().await;
    create_workload(&service, "agent").await;
    create_api_key_provider(&service, "openai", "sk-1").await;
    let token = token_for_user(&service, "agent", "alice").await;

    service
        .control_plane()
        .delete_workload_identity()
        .name("agent")
        .send()
        .await
        .unwrap();
    let after_delete = api_key_error(&service, &token, "openai").await;
    assert_unauthorized(&after_delete);

    // A new identity of the same name does not revive tokens of the old one.
    create_workload(&service, "agent").await;
    let after_recreate = api_key_error(&service, &token, "openai").await;
    assert_unauthorized(&after_recreate);
}
