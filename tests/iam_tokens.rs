//! IAM access tokens end to end. `IdentityClient::iam_access_token` and functions annotated with
//! `#[requires_iam_access_token]` get tokens from the local service's STS
//! `GetWebIdentityToken`, which are verified the way a partner service would verify them. The
//! `iam_token_agent` example runs as a process.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use agentcore_identity_local::{LocalIdentityService, RunningService};
use agentcore_identity_runtime::{
    Error, ExposeSecret, IamTokenRequest, IdentityClient, SecretString, SigningAlgorithm,
    requires_iam_access_token,
};
use common::{CountingListener, client_builder, example_binary};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation};
use serde_json::{Value, json};
use tempfile::TempDir;

const AUDIENCE: &str = "https://api.partner.example";

/// Claim under which STS nests the AWS-specific claims, request tags included.
const AWS_CLAIMS: &str = "https://sts.amazonaws.com/";

/// Starts a local service with outbound web identity federation on or off.
async fn start_service(federation: bool) -> (RunningService, TempDir) {
    let data_dir = tempfile::tempdir().unwrap();
    let service = LocalIdentityService::builder()
        .data_dir(data_dir.path())
        .outbound_web_identity_federation(federation)
        .start()
        .await
        .expect("local Identity service starts");
    (service, data_dir)
}

/// Builds a client whose STS endpoint is the local service.
async fn client_for(service: &RunningService) -> IdentityClient {
    client_builder(&service.endpoint())
        .sts_endpoint_url(service.endpoint())
        .build()
        .await
        .expect("client for the local service")
}

async fn get_json(url: &str) -> Value {
    reqwest::get(url)
        .await
        .expect("the issuer's document is reachable")
        .error_for_status()
        .expect("the issuer serves the document")
        .json()
        .await
        .expect("the document is JSON")
}

/// Verifies `token` as a partner would: keys from the JWKS named by the issuer's discovery
/// document, then signature, issuer, audience and expiry. Returns the claims.
async fn verify(token: &str, issuer: &str) -> Value {
    let discovery = get_json(&format!("{issuer}/.well-known/openid-configuration")).await;
    assert_eq!(discovery["issuer"], issuer);
    let jwks_uri = discovery["jwks_uri"].as_str().expect("jwks_uri");
    let jwks: JwkSet = serde_json::from_value(get_json(jwks_uri).await).expect("a JWK set");

    let header = jsonwebtoken::decode_header(token).expect("a JWT header");
    let kid = header.kid.as_deref().expect("the header names a kid");
    let key = DecodingKey::from_jwk(jwks.find(kid).expect("the kid is published")).unwrap();
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .expect("the token verifies")
        .claims
}

async fn check_algorithm(algorithm: SigningAlgorithm, jose_name: &str) {
    let (service, _dir) = start_service(true).await;
    let client = client_for(&service).await;
    let request = IamTokenRequest::new([AUDIENCE])
        .signing_algorithm(algorithm)
        .lifetime(Duration::from_secs(600))
        .tag("team", "payments");

    let token = client.iam_access_token(&request).await.unwrap();
    let claims = verify(token.expose_secret(), service.web_identity_issuer()).await;

    let header = jsonwebtoken::decode_header(token.expose_secret()).unwrap();
    assert_eq!(format!("{:?}", header.alg), jose_name);
    assert_eq!(claims["aud"], AUDIENCE);
    assert_eq!(
        claims["sub"],
        "arn:aws:iam::123456789012:user/AKIDLOCALTEST"
    );
    let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
    assert_eq!(lifetime, 600);
    assert_eq!(
        claims[AWS_CLAIMS]["request_tags"],
        json!({"team": "payments"})
    );
}

#[tokio::test]
async fn es384_token_verifies_against_served_keys() {
    check_algorithm(SigningAlgorithm::Es384, "ES384").await;
}

#[tokio::test]
async fn rs256_token_verifies_against_served_keys() {
    check_algorithm(SigningAlgorithm::Rs256, "RS256").await;
}

#[tokio::test]
async fn disabled_federation_surfaces_runtime_error() {
    let (service, _dir) = start_service(false).await;
    let client = client_for(&service).await;

    let error = client
        .iam_access_token(&IamTokenRequest::new([AUDIENCE]))
        .await
        .unwrap_err();

    let Error::OutboundWebIdentityFederationDisabled { message } = &error else {
        panic!("expected OutboundWebIdentityFederationDisabled, got {error:?}");
    };
    assert!(
        message.contains("--disable-outbound-web-identity-federation"),
        "{message}"
    );
    let text = error.to_string();
    assert!(
        text.contains("aws iam enable-outbound-web-identity-federation"),
        "{text}"
    );
}

#[tokio::test]
async fn invalid_request_sends_nothing() {
    let listener = CountingListener::start().await;
    let client = client_builder(&listener.url())
        .sts_endpoint_url(listener.url())
        .build()
        .await
        .unwrap();

    let no_audience = client
        .iam_access_token(&IamTokenRequest::new(Vec::<String>::new()))
        .await
        .unwrap_err();
    let too_short = client
        .iam_access_token(&IamTokenRequest::new([AUDIENCE]).lifetime(Duration::from_secs(59)))
        .await
        .unwrap_err();

    assert!(
        matches!(no_audience, Error::InvalidConfig { .. }),
        "{no_audience:?}"
    );
    assert!(
        matches!(too_short, Error::InvalidConfig { .. }),
        "{too_short:?}"
    );
    assert_eq!(listener.count(), 0, "no connection for an invalid request");

    // A valid request does reach the listener, which closes the connection unanswered.
    let sent = client
        .iam_access_token(&IamTokenRequest::new([AUDIENCE]))
        .await;
    assert!(sent.is_err());
    assert!(listener.count() > 0, "the listener counts connections");
}

#[requires_iam_access_token(audience = ["https://api.partner.example"], tags = {"team": "payments"})]
async fn annotated_token(access_token: SecretString) -> Result<SecretString, Error> {
    Ok(access_token)
}

#[requires_iam_access_token(
    audience = ["https://api.partner.example"],
    signing_algorithm = "RS256",
    duration_seconds = 900,
    into = "jwt",
)]
fn annotated_token_blocking(jwt: SecretString) -> Result<SecretString, Error> {
    Ok(jwt)
}

/// Counts how often its body runs.
#[requires_iam_access_token(audience = ["https://api.partner.example"])]
async fn counted_call(runs: &AtomicUsize, access_token: SecretString) -> Result<(), Error> {
    let _ = access_token;
    runs.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[tokio::test]
async fn annotated_async_fn_token_verifies() {
    let (service, _dir) = start_service(true).await;
    let client = client_for(&service).await;

    let token = client.scope(annotated_token()).await.unwrap();
    let claims = verify(token.expose_secret(), service.web_identity_issuer()).await;

    let header = jsonwebtoken::decode_header(token.expose_secret()).unwrap();
    assert_eq!(format!("{:?}", header.alg), "ES384");
    let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
    assert_eq!(lifetime, 300);
    assert_eq!(
        claims[AWS_CLAIMS]["request_tags"],
        json!({"team": "payments"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn annotated_plain_fn_token_verifies() {
    let (service, _dir) = start_service(true).await;
    let client = client_for(&service).await;

    let token = client
        .scope(async { annotated_token_blocking() })
        .await
        .unwrap();
    let claims = verify(token.expose_secret(), service.web_identity_issuer()).await;

    let header = jsonwebtoken::decode_header(token.expose_secret()).unwrap();
    assert_eq!(format!("{:?}", header.alg), "RS256");
    let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
    assert_eq!(lifetime, 900);
}

#[tokio::test]
async fn annotated_fn_skips_body_when_disabled() {
    let (service, _dir) = start_service(false).await;
    let client = client_for(&service).await;
    let runs = AtomicUsize::new(0);

    let error = client.scope(counted_call(&runs)).await.unwrap_err();

    assert!(
        matches!(error, Error::OutboundWebIdentityFederationDisabled { .. }),
        "{error:?}"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 0, "the body did not run");
}

#[tokio::test]
async fn iam_token_agent_example_runs() {
    let empty_dir = tempfile::tempdir().unwrap();
    std::fs::write(empty_dir.path().join("config"), "").unwrap();
    std::fs::write(empty_dir.path().join("credentials"), "").unwrap();

    let output = tokio::process::Command::new(example_binary("iam_token_agent"))
        .env("AWS_CONFIG_FILE", empty_dir.path().join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            empty_dir.path().join("credentials"),
        )
        .env("RUST_LOG", "warn")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_STS")
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), output)
        .await
        .expect("the example finishes within 60 s")
        .expect("the example runs");

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("verified ES384 token:"), "{stdout}");
    assert!(stdout.contains("verified RS256 token:"), "{stdout}");
    assert!(
        stdout.contains("subject:      arn:aws:iam::123456789012:user/AKIDIAMTOKENAGENT"),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"request tags: {"agent": "order-bot"}"#),
        "{stdout}"
    );
    assert!(
        stdout.contains("token for https://api.other.example rejected as expected"),
        "{stdout}"
    );
}
