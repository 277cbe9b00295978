//! A scripted Identity data plane (wiremock) for `GetResourceOauth2Token`: the first request
//! gets one response, later ones (the polls) the next of a list, repeating the last.

use std::sync::atomic::{AtomicUsize, Ordering};

use agentcore_identity_runtime::IdentityClient;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TOKEN_PATH: &str = "/identities/oauth2/token";
pub const SESSION: &str = "urn:ietf:params:oauth:request_uri:session-1";
pub const AUTHORIZATION_URL: &str = "http://127.0.0.1:9/authorize?x=1";

struct Script {
    first: Value,
    polls: Vec<Value>,
    calls: AtomicUsize,
}

impl Respond for Script {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let body = if call == 0 {
            self.first.clone()
        } else {
            let index = (call - 1).min(self.polls.len() - 1);
            self.polls[index].clone()
        };
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// Starts the scripted plane and a client aimed at it that finds no workload token on its own.
pub async fn scripted(first: Value, polls: Vec<Value>) -> (MockServer, IdentityClient) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(Script {
            first,
            polls,
            calls: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let client = super::client_builder(&server.uri())
        .in_container(true)
        .build()
        .await
        .unwrap();
    (server, client)
}

/// Returns the bodies of the `GetResourceOauth2Token` requests received, in order.
pub async fn sent_bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|request| request.url.path() == TOKEN_PATH)
        .map(|request| serde_json::from_slice(&request.body).unwrap())
        .collect()
}

/// A response that requests the user's consent.
pub fn pending() -> Value {
    json!({ "authorizationUrl": AUTHORIZATION_URL, "sessionUri": SESSION, "sessionStatus": "IN_PROGRESS" })
}
