//! A scripted authorization server on loopback, for what `oauth2-mock-server` cannot show: the
//! exact secrets it issues (to search logs and files for them), the client authentication a
//! request carried, the RFC 8693 token-exchange grant, and OAuth error responses.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// A token request as the server received it.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub form: HashMap<String, String>,
    /// Every value of repeated form keys such as `resource`, in order.
    pub repeated: Vec<(String, String)>,
    pub authorization: Option<String>,
}

#[derive(Default)]
struct Recorded {
    token_requests: Vec<TokenRequest>,
    authorize_queries: Vec<HashMap<String, String>>,
    failure: Option<(u16, Value)>,
}

/// The tokens and code the server hands out, random per server.
#[derive(Debug, Clone)]
pub struct Issued {
    pub code: String,
    pub access_token: String,
    pub refresh_token: String,
    pub refreshed_access_token: String,
    pub m2m_access_token: String,
    pub exchanged_access_token: String,
}

/// A running scripted authorization server.
pub struct FakeProvider {
    pub base: String,
    pub issued: Issued,
    recorded: Arc<Mutex<Recorded>>,
    server: tokio::task::JoinHandle<()>,
}

fn random(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

impl FakeProvider {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let issued = Issued {
            code: random("code"),
            access_token: random("at"),
            refresh_token: random("rt"),
            refreshed_access_token: random("at2"),
            m2m_access_token: random("m2m"),
            exchanged_access_token: random("xchg"),
        };
        let recorded = Arc::new(Mutex::new(Recorded::default()));

        let app = Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state((issued.clone(), recorded.clone()));
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("fake provider serves");
        });
        Self {
            base,
            issued,
            recorded,
            server,
        }
    }

    pub fn authorization_endpoint(&self) -> String {
        format!("{}/authorize", self.base)
    }

    pub fn token_endpoint(&self) -> String {
        format!("{}/token", self.base)
    }

    /// Makes every later token request fail with `status` and the JSON `body`.
    pub fn fail_token_requests(&self, status: u16, body: Value) {
        self.recorded.lock().unwrap().failure = Some((status, body));
    }

    pub fn token_requests(&self) -> Vec<TokenRequest> {
        self.recorded.lock().unwrap().token_requests.clone()
    }

    pub fn authorize_queries(&self) -> Vec<HashMap<String, String>> {
        self.recorded.lock().unwrap().authorize_queries.clone()
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

type AppState = (Issued, Arc<Mutex<Recorded>>);

async fn authorize(
    State((issued, recorded)): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    recorded
        .lock()
        .unwrap()
        .authorize_queries
        .push(query.clone());
    let mut target = url::Url::parse(&query["redirect_uri"]).expect("redirect_uri is a URL");
    target
        .query_pairs_mut()
        .append_pair("code", &issued.code)
        .append_pair("state", &query["state"]);
    Redirect::to(target.as_str()).into_response()
}

async fn token(
    State((issued, recorded)): State<AppState>,
    headers: HeaderMap,
    Form(repeated): Form<Vec<(String, String)>>,
) -> Response {
    let form: HashMap<String, String> = repeated.iter().cloned().collect();
    let authorization = headers
        .get("authorization")
        .map(|value| value.to_str().unwrap().to_owned());
    let mut recorded = recorded.lock().unwrap();
    recorded.token_requests.push(TokenRequest {
        form: form.clone(),
        repeated,
        authorization,
    });
    if let Some((status, body)) = &recorded.failure {
        let status = StatusCode::from_u16(*status).unwrap();
        return (status, Json(body.clone())).into_response();
    }

    let body = match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") if form.get("code") == Some(&issued.code) => json!({
            "access_token": issued.access_token,
            "refresh_token": issued.refresh_token,
            "token_type": "Bearer",
            "expires_in": 3600,
        }),
        Some("refresh_token") if form.get("refresh_token") == Some(&issued.refresh_token) => {
            json!({
                "access_token": issued.refreshed_access_token,
                "token_type": "Bearer",
                "expires_in": 3600,
            })
        }
        Some("client_credentials") => json!({
            "access_token": issued.m2m_access_token,
            "token_type": "Bearer",
            "expires_in": 3600,
        }),
        Some("urn:ietf:params:oauth:grant-type:token-exchange") => json!({
            "access_token": issued.exchanged_access_token,
            "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
            "token_type": "N_A",
            "expires_in": 600,
        }),
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({ "error": "invalid_grant", "error_description": "unknown grant or code" })),
            )
                .into_response();
        }
    };
    Json(body).into_response()
}
