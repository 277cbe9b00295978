//! An independent authorization server for the tests: the npm package `oauth2-mock-server`,
//! started by `tests/node/oauth-server.mjs` at the workspace root on a free loopback port.
//!
//! The script prints one JSON line once it listens, then one per token request and per
//! authorization redirect, and stops when its standard input closes, which happens when the
//! [`OAuthServer`] is dropped.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Finds `tests/node` at the workspace root from the package that includes this file, the root
/// package or `agentcore-identity-local`.
fn node_dir() -> PathBuf {
    let package = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    package
        .ancestors()
        .map(|dir| dir.join("tests/node"))
        .find(|dir| dir.join("oauth-server.mjs").exists())
        .unwrap_or_else(|| package.join("../tests/node"))
}

/// A running `oauth2-mock-server` and the events it printed.
pub struct OAuthServer {
    pub issuer: String,
    events: Arc<Mutex<Vec<Value>>>,
    _child: Child,
}

impl OAuthServer {
    /// Starts the server. Panics with the install command when its packages are missing.
    pub async fn start() -> Self {
        let node_dir = node_dir();
        let node = node_dir.join("node_modules/.bin/node");
        assert!(
            node.exists() && node_dir.join("node_modules/oauth2-mock-server").exists(),
            "oauth2-mock-server is not installed in {}: run `npm ci --prefix tests/node` at the workspace root",
            node_dir.display()
        );

        let mut child = Command::new(node)
            .arg(node_dir.join("oauth-server.mjs"))
            .current_dir(&node_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("oauth2-mock-server starts");
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let issuer = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.expect("stdout is readable") {
                let event: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
                if event["event"] == "listening" {
                    return event["issuer"].as_str().expect("issuer URL").to_owned();
                }
            }
            panic!("oauth2-mock-server exited before listening");
        })
        .await
        .expect("oauth2-mock-server listens within 30 s");

        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(event) = serde_json::from_str::<Value>(&line) {
                    sink.lock().unwrap().push(event);
                }
            }
        });
        Self {
            issuer,
            events,
            _child: child,
        }
    }

    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.issuer)
    }

    pub fn authorization_endpoint(&self) -> String {
        format!("{}/authorize", self.issuer)
    }

    pub fn token_endpoint(&self) -> String {
        format!("{}/token", self.issuer)
    }

    /// Returns the token requests seen so far, in order.
    pub fn token_requests(&self) -> Vec<Value> {
        self.events_named("token_request")
    }

    /// Returns the grant types of the token requests seen so far, in order.
    pub fn token_grants(&self) -> Vec<String> {
        self.token_requests()
            .iter()
            .map(|event| event["grant_type"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Returns the query parameters of the authorization requests seen so far.
    pub fn authorize_queries(&self) -> Vec<Value> {
        self.events_named("authorize")
            .into_iter()
            .map(|event| event["query"].clone())
            .collect()
    }

    fn events_named(&self, name: &str) -> Vec<Value> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|event| event["event"] == name)
            .cloned()
            .collect()
    }

    /// Waits until the server has printed `count` token requests; its output arrives
    /// asynchronously.
    pub async fn wait_for_token_requests(&self, count: usize) {
        for _ in 0..100 {
            if self.token_requests().len() >= count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Checks `token` against the server's JWKS and returns its claims.
    pub async fn verify(&self, token: &str) -> Value {
        let jwks: jsonwebtoken::jwk::JwkSet = reqwest::get(format!("{}/jwks", self.issuer))
            .await
            .expect("JWKS request")
            .json()
            .await
            .expect("JWKS is JSON");
        let header = jsonwebtoken::decode_header(token).expect("the token is a JWT");
        let jwk = jwks
            .keys
            .iter()
            .find(|key| key.common.key_id == header.kid)
            .expect("the token's key is in the server's JWKS");
        let key = jsonwebtoken::DecodingKey::from_jwk(jwk).expect("usable JWK");
        let mut validation = jsonwebtoken::Validation::new(header.alg);
        validation.validate_aud = false;
        validation.set_issuer(&[&self.issuer]);
        jsonwebtoken::decode::<Value>(token, &key, &validation)
            .expect("the token verifies against the server's JWKS")
            .claims
    }
}
