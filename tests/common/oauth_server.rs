//! An independent OAuth2 authorization server (the npm package `oauth2-mock-server`, run by
//! the Node.js that `scripts/test` installs under `tests/node`) on a free loopback port.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A running authorization server and the events it printed.
pub struct OAuthServer {
    pub issuer: String,
    events: Arc<Mutex<Vec<Value>>>,
    _child: Child,
}

impl OAuthServer {
    pub async fn start() -> OAuthServer {
        let node_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
        let node = node_dir.join("node_modules/.bin/node");
        assert!(
            node.exists() && node_dir.join("node_modules/oauth2-mock-server").exists(),
            "oauth2-mock-server not installed in {}: run `scripts/test`, which installs it, or \
             `npm ci --prefix tests/node`",
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
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let issuer = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                let event: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
                if event["event"] == "listening" {
                    return event["issuer"].as_str().unwrap().to_owned();
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
        OAuthServer {
            issuer,
            events,
            _child: child,
        }
    }

    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.issuer)
    }

    pub fn token_endpoint(&self) -> String {
        format!("{}/token", self.issuer)
    }

    /// Returns the grant types the token endpoint has answered so far, in order.
    pub fn token_grants(&self) -> Vec<String> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|event| event["event"] == "token_request")
            .map(|event| event["grant_type"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Returns the query strings of the authorization requests seen so far.
    pub fn authorize_queries(&self) -> Vec<Value> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|event| event["event"] == "authorize")
            .map(|event| event["query"].clone())
            .collect()
    }

    /// Checks `token` against the server's JWKS and returns its claims.
    pub async fn verify(&self, token: &str) -> Value {
        let jwks: jsonwebtoken::jwk::JwkSet = reqwest::get(format!("{}/jwks", self.issuer))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let header = jsonwebtoken::decode_header(token).expect("a JWT");
        let jwk = jwks
            .keys
            .iter()
            .find(|key| key.common.key_id == header.kid)
            .expect("the token's key is in the server's JWKS");
        let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
        let mut validation = jsonwebtoken::Validation::new(header.alg);
        validation.validate_aud = false;
        validation.set_issuer(&[&self.issuer]);
        jsonwebtoken::decode::<Value>(token, &key, &validation)
            .expect("the token verifies against the server's JWKS")
            .claims
    }
}
