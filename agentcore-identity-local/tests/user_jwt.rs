//! `GetWorkloadAccessTokenForJWT` with user JWTs from a test identity provider on loopback.

mod common;

use agentcore_identity_local::{LocalIdentityService, StartError, TrustedIssuer};
use aws_sdk_bedrockagentcore::operation::get_workload_access_token_for_jwt::GetWorkloadAccessTokenForJWTError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::issuer::{SigningKey, TestIssuer, user_claims};
use common::{TestService, create_api_key_provider, create_workload};
use serde_json::Value;

async fn service_trusting(trusted: TrustedIssuer) -> TestService {
    let service = TestService::start_with(|builder| builder.trusted_issuer(trusted)).await;
    create_workload(&service, "agent").await;
    service
}

async fn exchange(
    service: &TestService,
    user_token: &str,
) -> Result<String, GetWorkloadAccessTokenForJWTError> {
    service
        .data_plane()
        .get_workload_access_token_for_jwt()
        .workload_name("agent")
        .user_token(user_token)
        .send()
        .await
        .map(|output| output.workload_access_token)
        .map_err(|error| error.into_service_error())
}

fn assert_unauthorized(result: Result<String, GetWorkloadAccessTokenForJWTError>, needle: &str) {
    let error = result.expect_err("user token is rejected");
    let GetWorkloadAccessTokenForJWTError::UnauthorizedException(unauthorized) = &error else {
        panic!("expected UnauthorizedException, got {error:?}");
    };
    let message = unauthorized.message().unwrap_or_default();
    assert!(
        message.contains(needle),
        "message {message:?} lacks {needle:?}"
    );
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("JWT has a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON")
}

#[tokio::test]
async fn user_jwt_from_discovery_issuer_is_accepted() {
    let issuer = TestIssuer::start().await;
    let service = service_trusting(TrustedIssuer::discovery_url(&issuer.discovery_url)).await;
    create_api_key_provider(&service, "openai", "sk-jwt").await;
    let user_token = issuer.key.sign(&issuer.claims(Some("user-123"), 600));

    let token = exchange(&service, &user_token).await.unwrap();

    let claims = claims_of(&token);
    assert_eq!(claims["sub"], "agent");
    assert_eq!(claims["user_iss"], issuer.issuer.as_str());
    assert_eq!(claims["user_sub"], "user-123");

    let fetched = service
        .data_plane()
        .get_resource_api_key()
        .workload_identity_token(&token)
        .resource_credential_provider_name("openai")
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.api_key(), "sk-jwt");
}

#[tokio::test]
async fn user_jwt_is_kept_encrypted_with_token() {
    let issuer = TestIssuer::start().await;
    let service = service_trusting(TrustedIssuer::discovery_url(&issuer.discovery_url)).await;
    let user_token = issuer.key.sign(&issuer.claims(Some("user-123"), 600));
    exchange(&service, &user_token).await.unwrap();
    let dir = service.dir;
    service.service.shutdown().await;

    let database = rusqlite::Connection::open(dir.path().join("vault.db")).unwrap();
    let (subject, sealed): (String, Vec<u8>) = database
        .query_row(
            "SELECT user_subject, sealed_user_token FROM user_token_grants",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(subject, "user-123");
    let signature = user_token.rsplit('.').next().unwrap();
    assert!(
        !sealed
            .windows(signature.len())
            .any(|window| window == signature.as_bytes())
    );
}

#[tokio::test]
async fn user_jwt_from_jwks_url_is_accepted() {
    let issuer = TestIssuer::start().await;
    let service = service_trusting(TrustedIssuer::jwks_url(&issuer.jwks_url)).await;
    let user_token = issuer
        .key
        .sign(&user_claims("https://any.issuer.test", Some("u1"), 600));

    let token = exchange(&service, &user_token).await.unwrap();

    assert_eq!(claims_of(&token)["user_iss"], "https://any.issuer.test");
}

#[tokio::test]
async fn user_jwt_from_in_memory_jwks_is_accepted() {
    let key = SigningKey::generate("memory-key");
    let trusted = TrustedIssuer::jwks("https://memory.issuer.test", key.jwks());
    let service = service_trusting(trusted).await;
    let user_token = key.sign(&user_claims("https://memory.issuer.test", Some("u2"), 600));

    let token = exchange(&service, &user_token).await.unwrap();

    assert_eq!(claims_of(&token)["user_sub"], "u2");
}

#[tokio::test]
async fn user_jwt_from_untrusted_key_is_rejected() {
    let issuer = TestIssuer::start().await;
    let service = service_trusting(TrustedIssuer::discovery_url(&issuer.discovery_url)).await;
    // Same issuer and key id, but a key the issuer never published.
    let impostor = SigningKey::generate("test-key-1");
    let user_token = impostor.sign(&issuer.claims(Some("user-123"), 600));

    assert_unauthorized(exchange(&service, &user_token).await, "signature");
}

#[tokio::test]
async fn user_jwt_from_untrusted_issuer_is_rejected() {
    let issuer = TestIssuer::start().await;
    let service = service_trusting(TrustedIssuer::discovery_url(&issuer.discovery_url)).await;
    let user_token = issuer
        .key
        .sign(&user_claims("https://elsewhere.test", Some("u"), 600));

    assert_unauthorized(exchange(&service, &user_token).await, "not trusted");
}

#[tokio::test]
async fn user_jwt_expired_is_rejected() {
    let issuer = TestIssuer::start().await;
    let service = service_trusting(TrustedIssuer::discovery_url(&issuer.discovery_url)).await;
    let user_token = issuer.key.sign(&issuer.claims(Some("user-123"), -3600));

    assert_unauthorized(exchange(&service, &user_token).await, "expired");
}

#[tokio::test]
async fn user_jwt_expires_with_service_clock() {
    let issuer = TestIssuer::start().await;
    let service = service_trusting(TrustedIssuer::discovery_url(&issuer.discovery_url)).await;
    let user_token = issuer.key.sign(&issuer.claims(Some("user-123"), 600));
    assert!(exchange(&service, &user_token).await.is_ok());

    // Past `exp` plus the 60-second leeway.
    service.clock.advance(std::time::Duration::from_secs(661));

    assert_unauthorized(exchange(&service, &user_token).await, "expired");
}

#[tokio::test]
async fn user_jwt_without_sub_is_rejected() {
    let issuer = TestIssuer::start().await;
    let service = service_trusting(TrustedIssuer::discovery_url(&issuer.discovery_url)).await;
    let user_token = issuer.key.sign(&issuer.claims(None, 600));

    assert_unauthorized(exchange(&service, &user_token).await, "`sub`");
}

#[tokio::test]
async fn user_jwt_without_exp_is_rejected() {
    let issuer = TestIssuer::start().await;
    let service = service_trusting(TrustedIssuer::discovery_url(&issuer.discovery_url)).await;
    let mut claims = issuer.claims(Some("user-123"), 600);
    claims.as_object_mut().unwrap().remove("exp");
    let user_token = issuer.key.sign(&claims);

    assert_unauthorized(exchange(&service, &user_token).await, "`exp`");
}

#[tokio::test]
async fn user_jwt_with_hmac_is_rejected() {
    let issuer = TestIssuer::start().await;
    let service = service_trusting(TrustedIssuer::discovery_url(&issuer.discovery_url)).await;
    let user_token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &issuer.claims(Some("user-123"), 600),
        &jsonwebtoken::EncodingKey::from_secret(b"guessable"),
    )
    .unwrap();

    assert_unauthorized(exchange(&service, &user_token).await, "asymmetric");
}

#[tokio::test]
async fn user_jwt_without_trusted_issuers_is_rejected() {
    let issuer = TestIssuer::start().await;
    let service = TestService::start().await;
    create_workload(&service, "agent").await;
    let user_token = issuer.key.sign(&issuer.claims(Some("user-123"), 600));

    assert_unauthorized(exchange(&service, &user_token).await, "not trusted");
}

#[tokio::test]
async fn unreachable_discovery_url_fails_start() {
    // Bind and drop a listener to get a loopback port with nothing behind it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();

    let error = LocalIdentityService::builder()
        .data_dir(dir.path())
        .trusted_issuer(TrustedIssuer::discovery_url(format!(
            "http://127.0.0.1:{port}/.well-known/openid-configuration"
        )))
        .start()
        .await
        .unwrap_err();

    assert!(
        matches!(error, StartError::TrustedIssuer { .. }),
        "{error:?}"
    );
}
