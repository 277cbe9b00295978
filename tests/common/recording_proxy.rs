//! A loopback HTTP proxy that forwards every request to a target and records what it forwarded.

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::Response;

/// One forwarded request and its response.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub body: Bytes,
    pub response: Bytes,
}

impl Recorded {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn response_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.response).unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Clone)]
struct ProxyState {
    target: String,
    http: reqwest::Client,
    recorded: Arc<Mutex<Vec<Recorded>>>,
}

/// A running proxy; point a client at [`RecordingProxy::url`].
pub struct RecordingProxy {
    pub url: String,
    recorded: Arc<Mutex<Vec<Recorded>>>,
}

impl RecordingProxy {
    pub async fn start(target: String) -> RecordingProxy {
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let state = ProxyState {
            target,
            http: reqwest::Client::new(),
            recorded: recorded.clone(),
        };
        let app = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        RecordingProxy { url, recorded }
    }

    /// Returns the forwarded requests whose path is `path`, in order.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.recorded
            .lock()
            .unwrap()
            .iter()
            .filter(|request| request.path == path)
            .cloned()
            .collect()
    }
}

async fn forward(State(state): State<ProxyState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let path = parts.uri.path().to_owned();

    let mut outgoing = state
        .http
        .request(parts.method, format!("{}{path_and_query}", state.target))
        .body(body.clone());
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = outgoing.send().await.unwrap();
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            response = response.header(name, value);
        }
    }
    let answer_body = answer.bytes().await.unwrap();
    state.recorded.lock().unwrap().push(Recorded {
        path,
        body,
        response: answer_body.clone(),
    });
    response.body(Body::from(answer_body)).unwrap()
}
