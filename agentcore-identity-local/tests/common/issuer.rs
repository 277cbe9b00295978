//! A test identity provider on loopback: an ES256 key generated per test, served as a JWKS
//! with an OpenID discovery document.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use axum::routing::get;
use axum::{Json, Router};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// An ES256 key pair with a key id.
pub struct SigningKey {
    kid: String,
    encoding_key: EncodingKey,
    jwk: Jwk,
}

impl SigningKey {
    pub fn generate(kid: &str) -> Self {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).expect("EC key");
        let pkcs8 = pair.to_pkcs8v1().expect("PKCS#8 encoding");
        let encoding_key = EncodingKey::from_ec_der(pkcs8.as_ref());
        let mut jwk = Jwk::from_encoding_key(&encoding_key, Algorithm::ES256).expect("JWK");
        jwk.common.key_id = Some(kid.to_owned());
        Self {
            kid: kid.to_owned(),
            encoding_key,
            jwk,
        }
    }

    /// Signs `claims` as an ES256 JWT naming this key's id.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding_key).expect("JWT signs")
    }

    /// Returns the public key as a JSON Web Key Set.
    pub fn jwks(&self) -> Value {
        serde_json::to_value(JwkSet {
            keys: vec![self.jwk.clone()],
        })
        .expect("JWKS serializes")
    }
}

/// A running test issuer.
pub struct TestIssuer {
    pub issuer: String,
    pub discovery_url: String,
    pub jwks_url: String,
    pub key: SigningKey,
    server: tokio::task::JoinHandle<()>,
}

impl TestIssuer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let key = SigningKey::generate("test-key-1");

        let discovery = json!({
            "issuer": base,
            "jwks_uri": format!("{base}/jwks.json"),
            "authorization_endpoint": format!("{base}/authorize"),
            "token_endpoint": format!("{base}/token"),
        });
        let jwks = key.jwks();
        let app = Router::new()
            .route(
                "/.well-known/openid-configuration",
                get(move || async move { Json(discovery) }),
            )
            .route("/jwks.json", get(move || async move { Json(jwks) }));
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("test issuer serves");
        });

        Self {
            discovery_url: format!("{base}/.well-known/openid-configuration"),
            jwks_url: format!("{base}/jwks.json"),
            issuer: base,
            key,
            server,
        }
    }

    /// Claims of a user token from this issuer, expiring `expires_in` seconds from now
    /// (negative for an expired token).
    pub fn claims(&self, subject: Option<&str>, expires_in: i64) -> Value {
        user_claims(&self.issuer, subject, expires_in)
    }
}

impl Drop for TestIssuer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Claims of a user token: `iss`, optional `sub`, `iat` now and `exp` `expires_in` seconds
/// from now.
pub fn user_claims(issuer: &str, subject: Option<&str>, expires_in: i64) -> Value {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let now = i64::try_from(now).expect("time fits i64");
    let mut claims = json!({
        "iss": issuer,
        "aud": "local-tests",
        "iat": now,
        "exp": now + expires_in,
    });
    if let Some(subject) = subject {
        claims["sub"] = json!(subject);
    }
    claims
}
