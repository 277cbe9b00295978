//! A verifier of web identity tokens, as a service that trusts the local issuer would run it:
//! it finds the key set through the issuer's OpenID discovery document.

use std::time::Duration;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Header, Validation};
use serde_json::Value;

/// A token whose signature, issuer and audience were checked.
pub struct VerifiedToken {
    pub header: Header,
    pub claims: Value,
}

async fn get_json(url: &str) -> Value {
    let response = reqwest::Client::new()
        .get(url)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("the issuer's document is reachable");
    assert_eq!(response.status().as_u16(), 200, "GET {url}");
    response.json().await.expect("the document is JSON")
}

/// Fetches the discovery document of `issuer` and the key set it names.
pub async fn discover_key_set(issuer: &str) -> (Value, JwkSet) {
    let discovery = get_json(&format!("{issuer}/.well-known/openid-configuration")).await;
    assert_eq!(discovery["issuer"], issuer, "discovery names its issuer");
    let jwks_uri = discovery["jwks_uri"]
        .as_str()
        .expect("discovery names jwks_uri")
        .to_owned();
    let jwks = serde_json::from_value(get_json(&jwks_uri).await).expect("a JWK set");
    (discovery, jwks)
}

/// Fetches the key set from the service at `endpoint` by its fixed path, for a service whose
/// public URL is not reachable.
pub async fn fetch_key_set(endpoint: &str) -> JwkSet {
    let jwks = get_json(&format!("{endpoint}/sts/.well-known/jwks.json")).await;
    serde_json::from_value(jwks).expect("a JWK set")
}

/// Verifies `token` against the key set found through the discovery document of `issuer`, for
/// `audience`.
pub async fn verify(token: &str, issuer: &str, audience: &str) -> VerifiedToken {
    let (_, jwks) = discover_key_set(issuer).await;
    verify_with(token, &jwks, issuer, audience)
}

/// Verifies `token` against `jwks`, for `audience` and `issuer`. Expiry is checked against the
/// system clock, which the tests' manual clock starts from.
pub fn verify_with(token: &str, jwks: &JwkSet, issuer: &str, audience: &str) -> VerifiedToken {
    let header = jsonwebtoken::decode_header(token).expect("a JWT header");
    let kid = header.kid.as_deref().expect("the header names a kid");
    let jwk = jwks.find(kid).expect("the key set holds the token's kid");
    let key = DecodingKey::from_jwk(jwk).expect("a usable public key");

    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[issuer]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .expect("the token verifies")
        .claims;
    VerifiedToken { header, claims }
}
