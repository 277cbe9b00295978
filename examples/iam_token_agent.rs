//! An agent calls a partner API with a JWT that STS signs for its IAM principal.
//!
//! Runs end to end on this machine. It starts the local Identity service in-process, which also
//! serves STS `GetWebIdentityToken`, and a small partner API on loopback. The partner accepts a
//! bearer JWT only when it verifies against the keys the issuer publishes. It finds them through
//! the issuer's OpenID discovery document and checks the signature, the issuer, the audience and
//! the expiry. The agent functions are annotated with `#[requires_iam_access_token]`, which
//! fetches the token through STS before their bodies run. They call the partner API, and the
//! example prints the subject and claims the partner verified. Everything it creates lives in a
//! temporary directory that is removed on exit.
//!
//! ```text
//! cargo run --example iam_token_agent
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use agentcore_identity_local::LocalIdentityService;
use agentcore_identity_runtime::{
    Credentials, ExposeSecret, IdentityClient, SecretString, requires_iam_access_token,
};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::get;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use serde_json::Value;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The audience the partner API expects in every token, as the annotations below name it.
const PARTNER_AUDIENCE: &str = "https://api.partner.example";

/// Claim under which STS nests the AWS-specific claims, request tags included.
const AWS_CLAIMS: &str = "https://sts.amazonaws.com/";

/// Subject and claims of a verified token, as the partner API returns them.
#[derive(Debug, Serialize, Deserialize)]
struct VerifiedCaller {
    subject: String,
    issuer: String,
    audience: Value,
    algorithm: String,
    expires_at: u64,
    request_tags: BTreeMap<String, String>,
}

/// The partner's view of the token issuer it trusts.
struct Partner {
    issuer: String,
    http: reqwest::Client,
}

impl Partner {
    /// Finds the issuer's key set through its discovery document, as a partner service would.
    async fn key_set(&self) -> Result<JwkSet, BoxError> {
        let discovery_url = format!("{}/.well-known/openid-configuration", self.issuer);
        let discovery: Value = self
            .http
            .get(&discovery_url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        if discovery["issuer"] != self.issuer.as_str() {
            return Err(
                format!("discovery document at {discovery_url} names another issuer").into(),
            );
        }
        let jwks_uri = discovery["jwks_uri"]
            .as_str()
            .ok_or("discovery document has no jwks_uri")?;
        let key_set = self
            .http
            .get(jwks_uri)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(key_set)
    }

    /// Verifies a bearer token: signature by a published key, issuer, audience and expiry.
    async fn verify(&self, token: &str) -> Result<VerifiedCaller, BoxError> {
        let header = jsonwebtoken::decode_header(token)?;
        if !matches!(header.alg, Algorithm::ES384 | Algorithm::RS256) {
            return Err(format!("unexpected signing algorithm {:?}", header.alg).into());
        }
        let kid = header.kid.as_deref().ok_or("the token names no kid")?;
        let key_set = self.key_set().await?;
        let jwk = key_set
            .find(kid)
            .ok_or_else(|| format!("the issuer publishes no key {kid}"))?;
        let key = DecodingKey::from_jwk(jwk)?;

        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[PARTNER_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)?.claims;

        let request_tags = claims[AWS_CLAIMS]["request_tags"].clone();
        Ok(VerifiedCaller {
            subject: claims["sub"].as_str().unwrap_or_default().to_owned(),
            issuer: claims["iss"].as_str().unwrap_or_default().to_owned(),
            audience: claims["aud"].clone(),
            algorithm: format!("{:?}", header.alg),
            expires_at: claims["exp"].as_u64().unwrap_or_default(),
            request_tags: serde_json::from_value(request_tags).unwrap_or_default(),
        })
    }
}

/// `GET /whoami` of the partner API: returns the verified caller, or 401.
async fn whoami(
    State(partner): State<Arc<Partner>>,
    headers: HeaderMap,
) -> Result<Json<VerifiedCaller>, (StatusCode, String)> {
    let unauthorized = |message: String| (StatusCode::UNAUTHORIZED, message);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| unauthorized("missing bearer token".to_owned()))?;
    match partner.verify(token).await {
        Ok(caller) => Ok(Json(caller)),
        Err(error) => Err(unauthorized(format!("invalid token: {error}"))),
    }
}

/// Starts the partner API on a free loopback port and returns its base URL.
async fn start_partner_api(issuer: &str) -> Result<String, BoxError> {
    let partner = Arc::new(Partner {
        issuer: issuer.to_owned(),
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?,
    });
    let app = axum::Router::new()
        .route("/whoami", get(whoami))
        .with_state(partner);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("partner API stopped: {error}");
        }
    });
    Ok(url)
}

/// Calls the partner API with `token` as the bearer token.
async fn call_partner(partner_url: &str, token: &SecretString) -> Result<VerifiedCaller, BoxError> {
    let response = reqwest::Client::new()
        .get(format!("{partner_url}/whoami"))
        .bearer_auth(token.expose_secret())
        .send()
        .await?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        return Err(format!("the partner API rejected the token ({status}): {body}").into());
    }
    Ok(response.json().await?)
}

// The agent code: each function receives a token for its audience in `access_token`, and
// callers never pass it.

/// Calls the partner API with an ES384 token, the default algorithm.
#[requires_iam_access_token(audience = ["https://api.partner.example"], tags = {"agent": "order-bot"})]
async fn whoami_es384(
    partner_url: &str,
    access_token: SecretString,
) -> Result<VerifiedCaller, BoxError> {
    call_partner(partner_url, &access_token).await
}

/// Calls the partner API with an RS256 token that lives 10 minutes.
#[requires_iam_access_token(
    audience = ["https://api.partner.example"],
    signing_algorithm = "RS256",
    duration_seconds = 600,
    tags = {"agent": "order-bot"},
)]
async fn whoami_rs256(
    partner_url: &str,
    access_token: SecretString,
) -> Result<VerifiedCaller, BoxError> {
    call_partner(partner_url, &access_token).await
}

/// Calls the partner API with a token meant for another service, which the partner rejects.
#[requires_iam_access_token(audience = ["https://api.other.example"])]
async fn whoami_other_audience(
    partner_url: &str,
    access_token: SecretString,
) -> Result<VerifiedCaller, BoxError> {
    call_partner(partner_url, &access_token).await
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_target(false)
        .init();

    // 1. A local Identity service, as `agentcore-identity-local serve` would run it. It also
    //    serves STS `GetWebIdentityToken` and publishes the issuer's keys.
    let data_dir = tempfile::tempdir()?;
    let service = LocalIdentityService::builder()
        .data_dir(data_dir.path())
        .start()
        .await?;
    let issuer = service.web_identity_issuer().to_owned();
    println!("token issuer: {issuer}");

    // 2. The partner API, which trusts that issuer.
    let partner_url = start_partner_api(&issuer).await?;
    println!("partner API: {partner_url}");

    // 3. The agent's client. STS is reached through the same local endpoint, as
    //    `AWS_ENDPOINT_URL_STS` would direct it. Any static credentials are accepted locally.
    let client = IdentityClient::builder()
        .region("us-east-1")
        .endpoint_url(service.endpoint())
        .sts_endpoint_url(service.endpoint())
        .credentials(Credentials::new(
            "AKIDIAMTOKENAGENT",
            "iam-token-agent",
            None,
            None,
            "iam_token_agent",
        ))
        .in_container(false)
        .build()
        .await?;

    // 4. The agent calls the partner API with a token of each signing algorithm. `scope` makes
    //    this client the one the annotated functions use.
    let callers = [
        ("ES384", client.scope(whoami_es384(&partner_url)).await?),
        ("RS256", client.scope(whoami_rs256(&partner_url)).await?),
    ];
    for (algorithm, caller) in callers {
        println!("verified {algorithm} token:");
        println!("  subject:      {}", caller.subject);
        println!("  issuer:       {}", caller.issuer);
        println!("  audience:     {}", caller.audience);
        println!("  algorithm:    {}", caller.algorithm);
        println!("  expires at:   {} (Unix seconds)", caller.expires_at);
        println!("  request tags: {:?}", caller.request_tags);
    }

    // 5. A token meant for another service is rejected by the partner.
    match client.scope(whoami_other_audience(&partner_url)).await {
        Ok(caller) => {
            return Err(format!("the partner API accepted a token for {}", caller.audience).into());
        }
        Err(error) => println!("token for https://api.other.example rejected as expected: {error}"),
    }

    service.shutdown().await;
    data_dir.close()?;
    Ok(())
}
