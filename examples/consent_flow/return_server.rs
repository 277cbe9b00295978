//! The return-URL server of an agent application: where the user's browser lands after
//! consenting, and where the application confirms the session with `CompleteResourceTokenAuth`.
//!
//! A real application takes the signed-in user from its own session. This one serves a single
//! user fixed at start-up.

use std::collections::HashMap;

use agentcore_identity_runtime::{IdentityClient, SessionUser};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Html;
use tokio::sync::mpsc;

/// Path of the return URL on the server.
pub const RETURN_PATH: &str = "/oauth2/return";

/// The outcome of a browser's return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// The session was confirmed for the user.
    Completed {
        /// The session URI.
        session_uri: String,
        /// The custom state echoed by the service, if any.
        custom_state: Option<String>,
    },
    /// The service refused to confirm the session, or the request lacked the session.
    Refused {
        /// The error, for display.
        reason: String,
    },
}

#[derive(Clone)]
struct ReturnState {
    client: IdentityClient,
    user: SessionUser,
    completions: mpsc::UnboundedSender<Completion>,
}

/// A running return-URL server.
pub struct ReturnServer {
    /// The URL to allow on the workload identity and to send as the return URL.
    pub url: String,
    /// One entry each time a browser comes back.
    pub completions: mpsc::UnboundedReceiver<Completion>,
}

/// Starts the server on a free loopback port; sessions are confirmed for `user`.
pub async fn start(client: IdentityClient, user: SessionUser) -> std::io::Result<ReturnServer> {
    let (sender, completions) = mpsc::unbounded_channel();
    let state = ReturnState {
        client,
        user,
        completions: sender,
    };
    let app = axum::Router::new()
        .route(RETURN_PATH, axum::routing::get(come_back))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}{RETURN_PATH}", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "return-URL server stopped");
        }
    });
    Ok(ReturnServer { url, completions })
}

async fn come_back(
    State(state): State<ReturnState>,
    Query(query): Query<HashMap<String, String>>,
) -> (StatusCode, Html<String>) {
    let Some(session_uri) = query.get("session_id").cloned() else {
        let reason = "the return URL was opened without a session_id parameter".to_owned();
        let _ = state.completions.send(Completion::Refused {
            reason: reason.clone(),
        });
        return (StatusCode::BAD_REQUEST, page("Missing session", &reason));
    };
    match state
        .client
        .complete_resource_token_auth(&session_uri, &state.user)
        .await
    {
        Ok(()) => {
            let custom_state = query.get("custom_state").cloned();
            let _ = state.completions.send(Completion::Completed {
                session_uri,
                custom_state,
            });
            let text = "The agent can now act for you. You can close this tab.";
            (StatusCode::OK, page("Authorization complete", text))
        }
        Err(error) => {
            tracing::warn!(%error, %session_uri, "failed to complete the authorization session");
            let reason = error.to_string();
            let _ = state.completions.send(Completion::Refused {
                reason: reason.clone(),
            });
            (
                StatusCode::FORBIDDEN,
                page("Authorization not completed", &reason),
            )
        }
    }
}

fn page(title: &str, text: &str) -> Html<String> {
    let escape = |value: &str| {
        value
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    Html(format!(
        "<!doctype html><title>{0}</title><h1>{0}</h1><p>{1}</p>",
        escape(title),
        escape(text)
    ))
}
