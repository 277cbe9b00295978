//! STS `GetWebIdentityToken` through the real `aws-sdk-sts` client, and the issuer's discovery
//! documents that verify its tokens.

mod common;

use std::time::{Duration, UNIX_EPOCH};

use agentcore_identity_local::LocalIdentityService;
use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_sdk_sts::operation::get_web_identity_token::GetWebIdentityTokenError;
use aws_sdk_sts::types::Tag;
use common::web_identity::{discover_key_set, fetch_key_set, verify, verify_with};
use common::{AUTHORIZATION, TestService, sts_client};
use serde_json::{Value, json};

const AUDIENCE: &str = "https://api.partner.example";
const NAMESPACE: &str = "https://sts.amazonaws.com/";

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build().unwrap()
}

/// Sends a raw STS query with a SigV4-shaped header and returns the status and XML body.
async fn post_query(service: &TestService, body: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(service.url("/"))
        .header("authorization", AUTHORIZATION)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn check_algorithm(algorithm: &str) {
    let service = TestService::start().await;
    let issuer = service.service.web_identity_issuer().to_owned();

    let output = service
        .sts()
        .get_web_identity_token()
        .audience(AUDIENCE)
        .audience("urn:partner:second")
        .signing_algorithm(algorithm)
        .duration_seconds(900)
        .tags(tag("team", "payments"))
        .tags(tag("env", "dev"))
        .send()
        .await
        .expect("GetWebIdentityToken succeeds");
    let token = output.web_identity_token().expect("a token");
    let verified = verify(token, &issuer, AUDIENCE).await;

    assert_eq!(format!("{:?}", verified.header.alg), algorithm);
    let claims = &verified.claims;
    assert_eq!(claims["iss"], issuer);
    assert_eq!(claims["aud"], json!([AUDIENCE, "urn:partner:second"]));
    assert_eq!(claims["sub"], "arn:aws:iam::123456789012:user/AKIDLOCAL");
    assert_eq!(claims["iat"], service.now_secs());
    assert_eq!(claims["exp"], service.now_secs() + 900);
    assert!(claims["jti"].as_str().is_some_and(|jti| !jti.is_empty()));
    assert_eq!(claims[NAMESPACE]["aws_account"], "123456789012");
    assert_eq!(claims[NAMESPACE]["source_region"], "us-east-1");
    assert_eq!(
        claims[NAMESPACE]["request_tags"],
        json!({"team": "payments", "env": "dev"})
    );

    let expiration = output.expiration().expect("an expiration");
    assert_eq!(expiration.secs(), service.now_secs() + 900);
}

#[tokio::test]
async fn es384_token_verifies_against_discovered_keys() {
    check_algorithm("ES384").await;
}

#[tokio::test]
async fn rs256_token_verifies_against_discovered_keys() {
    check_algorithm("RS256").await;
}

#[tokio::test]
async fn token_defaults_to_300_seconds_and_one_audience() {
    let service = TestService::start().await;
    let issuer = service.service.web_identity_issuer().to_owned();

    let output = service
        .sts()
        .get_web_identity_token()
        .audience(AUDIENCE)
        .signing_algorithm("ES384")
        .send()
        .await
        .unwrap();
    let verified = verify(output.web_identity_token().unwrap(), &issuer, AUDIENCE).await;

    assert_eq!(verified.claims["aud"], AUDIENCE);
    assert_eq!(verified.claims["exp"], service.now_secs() + 300);
    assert!(verified.claims[NAMESPACE].get("request_tags").is_none());
}

#[tokio::test]
async fn token_times_follow_service_clock() {
    let service = TestService::start().await;
    service
        .clock
        .set(UNIX_EPOCH + Duration::from_secs(1_800_000_000));

    let output = service
        .sts()
        .get_web_identity_token()
        .audience(AUDIENCE)
        .signing_algorithm("RS256")
        .duration_seconds(60)
        .send()
        .await
        .unwrap();
    let token = output.web_identity_token().unwrap();
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
            .unwrap(),
    )
    .unwrap();

    assert_eq!(claims["iat"], 1_800_000_000);
    assert_eq!(claims["exp"], 1_800_000_060);
    assert_eq!(output.expiration().unwrap().secs(), 1_800_000_060);
}

#[tokio::test]
async fn discovery_document_names_issuer_keys_and_algorithms() {
    let service = TestService::start().await;
    let issuer = service.service.web_identity_issuer();

    let (discovery, jwks) = discover_key_set(issuer).await;

    assert_eq!(issuer, format!("{}/sts", service.service.endpoint()));
    assert_eq!(
        discovery["jwks_uri"],
        format!("{issuer}/.well-known/jwks.json")
    );
    assert_eq!(
        discovery["id_token_signing_alg_values_supported"],
        json!(["ES384", "RS256"])
    );
    let algorithms: Vec<String> = jwks
        .keys
        .iter()
        .map(|key| format!("{:?}", key.common.key_algorithm.unwrap()))
        .collect();
    assert_eq!(algorithms, ["ES384", "RS256"]);
    assert!(jwks.keys.iter().all(|key| key.common.key_id.is_some()));
}

#[tokio::test]
async fn missing_audience_is_validation_error() {
    let service = TestService::start().await;

    let error = service
        .sts()
        .get_web_identity_token()
        .signing_algorithm("ES384")
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.code(), Some("ValidationError"));
    let message = error.message().unwrap();
    assert!(
        message.contains("Value null at 'audience' failed to satisfy constraint"),
        "{message}"
    );
    assert_eq!(error.raw_response().unwrap().status().as_u16(), 400);
}

#[tokio::test]
async fn invalid_members_are_listed_in_one_validation_error() {
    let service = TestService::start().await;

    let error = service
        .sts()
        .get_web_identity_token()
        .audience(AUDIENCE)
        .duration_seconds(59)
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.code(), Some("ValidationError"));
    let message = error.message().unwrap();
    assert!(
        message.starts_with("2 validation errors detected"),
        "{message}"
    );
    assert!(message.contains("'signingAlgorithm'"), "{message}");
    assert!(
        message.contains("Value '59' at 'durationSeconds'"),
        "{message}"
    );
}

#[tokio::test]
async fn validation_error_has_sts_xml_shape() {
    let service = TestService::start().await;

    let (status, body) = post_query(
        &service,
        "Action=GetWebIdentityToken&Version=2011-06-15&SigningAlgorithm=ES384",
    )
    .await;

    assert_eq!(status, 400);
    assert!(
        body.starts_with("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"),
        "{body}"
    );
    assert!(body.contains("<Type>Sender</Type>"), "{body}");
    assert!(body.contains("<Code>ValidationError</Code>"), "{body}");
    assert!(body.contains("<RequestId>"), "{body}");
}

#[tokio::test]
async fn successful_response_has_sts_xml_shape() {
    let service = TestService::start().await;

    let (status, body) = post_query(
        &service,
        "Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1=a&SigningAlgorithm=ES384",
    )
    .await;

    assert_eq!(status, 200);
    assert!(
        body.starts_with(
            "<GetWebIdentityTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetWebIdentityTokenResult><WebIdentityToken>"
        ),
        "{body}"
    );
    assert!(
        body.contains("</Expiration></GetWebIdentityTokenResult><ResponseMetadata><RequestId>")
    );
}

#[tokio::test]
async fn unknown_action_is_invalid_action() {
    let service = TestService::start().await;

    let (status, body) = post_query(&service, "Action=GetBananas&Version=2011-06-15").await;

    assert_eq!(status, 400);
    assert!(body.contains("<Code>InvalidAction</Code>"), "{body}");
    assert!(
        body.contains("Could not find operation GetBananas for version 2011-06-15"),
        "{body}"
    );
}

#[tokio::test]
async fn other_sts_actions_are_not_supported() {
    let service = TestService::start().await;

    let error = service
        .sts()
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.code(), Some("UnsupportedOperation"));
    assert_eq!(error.raw_response().unwrap().status().as_u16(), 501);
}

#[tokio::test]
async fn missing_action_or_version_is_rejected() {
    let service = TestService::start().await;

    let (status, body) = post_query(&service, "Version=2011-06-15").await;
    assert_eq!(status, 400);
    assert!(body.contains("<Code>MissingAction</Code>"), "{body}");

    let (status, body) = post_query(&service, "Action=GetWebIdentityToken").await;
    assert_eq!(status, 400);
    assert!(body.contains("<Code>MissingParameter</Code>"), "{body}");

    let (status, body) =
        post_query(&service, "Action=GetWebIdentityToken&Version=2010-05-08").await;
    assert_eq!(status, 400);
    assert!(body.contains("<Code>InvalidAction</Code>"), "{body}");
}

#[tokio::test]
async fn unsigned_query_is_missing_authentication_token() {
    let service = TestService::start().await;

    let response = reqwest::Client::new()
        .post(service.url("/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1=a&SigningAlgorithm=ES384")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status().as_u16(), 403);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("<Code>MissingAuthenticationToken</Code>"),
        "{body}"
    );
}

#[tokio::test]
async fn disabled_federation_is_reported_as_sts_error() {
    let service =
        TestService::start_with(|builder| builder.outbound_web_identity_federation(false)).await;

    let error = service
        .sts()
        .get_web_identity_token()
        .audience(AUDIENCE)
        .signing_algorithm("ES384")
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.raw_response().unwrap().status().as_u16(), 403);
    let error = error.into_service_error();
    assert!(
        matches!(
            error,
            GetWebIdentityTokenError::OutboundWebIdentityFederationDisabledException(_)
        ),
        "{error:?}"
    );
    let message = error.message().unwrap();
    assert!(
        message.contains("--disable-outbound-web-identity-federation"),
        "{message}"
    );

    // Tokens issued before the feature was turned off still verify.
    let (_, jwks) = discover_key_set(service.service.web_identity_issuer()).await;
    assert_eq!(jwks.keys.len(), 2);
}

#[tokio::test]
async fn key_set_survives_restart() {
    const PUBLIC_URL: &str = "http://identity.local.test";
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        LocalIdentityService::builder()
            .data_dir(dir.path())
            .public_url(PUBLIC_URL)
            .start()
    };
    let first = start().await.unwrap();
    let keys_before = fetch_key_set(&first.endpoint()).await;
    let token = sts_client(&first.endpoint())
        .get_web_identity_token()
        .audience(AUDIENCE)
        .signing_algorithm("RS256")
        .send()
        .await
        .unwrap()
        .web_identity_token
        .unwrap();
    first.shutdown().await;

    let second = start().await.unwrap();
    let keys_after = fetch_key_set(&second.endpoint()).await;

    assert_eq!(keys_before, keys_after);
    assert_eq!(
        second.web_identity_issuer(),
        "http://identity.local.test/sts"
    );
    let verified = verify_with(&token, &keys_after, second.web_identity_issuer(), AUDIENCE);
    assert_eq!(verified.claims["aud"], AUDIENCE);
}
