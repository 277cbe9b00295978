//! An agent served by the AgentCore Runtime HTTP contract that queries an OpenAI-compatible model.
//!
//! - `GET /ping` returns `{"status": "Healthy"}`.
//! - `POST /invocations` takes `{"prompt": "..."}` and returns `{"response": "..."}`.
//!
//! The model's API key is never in the agent's configuration: `ask_model` receives it from the
//! `openai-apikey-provider` credential provider of the token vault, with the workload access
//! token that AgentCore Runtime sends in the `WorkloadAccessToken` header of each invocation.
//!
//! Settings (environment variables):
//! - `OPENAI_BASE_URL`: the chat-completions API base, default `https://api.openai.com/v1`
//! - `OPENAI_MODEL`: the model name, default `gpt-4o-mini`
//! - `AGENT_HOST` and `PORT`: where to listen, default `127.0.0.1` and `8080` (AgentCore
//!   Runtime expects `0.0.0.0:8080` inside its container)
//! - the identity client's usual settings: `AWS_REGION`, `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE`,
//!   `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL`, AWS credentials
//!
//! ```text
//! cargo run --example openai_agent
//! ```

use std::net::SocketAddr;

use agentcore_identity_runtime::{
    ExposeSecret, RequestContextLayer, SecretString, requires_api_key,
};
use anyhow::Context as _;
use async_openai::config::OpenAIConfig;
use async_openai::types::{ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Sends `prompt` to the chat-completions endpoint with the key of `openai-apikey-provider`.
#[requires_api_key(provider = "openai-apikey-provider")]
async fn ask_model(prompt: String, api_key: SecretString) -> anyhow::Result<String> {
    let base_url =
        std::env::var("OPENAI_BASE_URL").unwrap_or_else(|_| "https://api.openai.com/v1".to_owned());
    let model = std::env::var("OPENAI_MODEL").unwrap_or_else(|_| "gpt-4o-mini".to_owned());
    let config = OpenAIConfig::new()
        .with_api_base(base_url)
        .with_api_key(api_key.expose_secret());
    let client = async_openai::Client::with_config(config);

    let request = CreateChatCompletionRequestArgs::default()
        .model(model)
        .messages([ChatCompletionRequestUserMessageArgs::default()
            .content(prompt)
            .build()?
            .into()])
        .build()?;
    let response = client
        .chat()
        .create(request)
        .await
        .context("chat-completions request failed")?;
    let answer = response
        .choices
        .into_iter()
        .next()
        .and_then(|choice| choice.message.content)
        .context("the model returned no message")?;
    Ok(answer)
}

#[derive(Deserialize)]
struct Invocation {
    prompt: String,
}

#[derive(Serialize)]
struct InvocationResponse {
    response: String,
}

async fn ping() -> Json<serde_json::Value> {
    Json(json!({ "status": "Healthy" }))
}

async fn invoke(
    Json(invocation): Json<Invocation>,
) -> Result<Json<InvocationResponse>, (StatusCode, Json<serde_json::Value>)> {
    match ask_model(invocation.prompt).await {
        Ok(response) => Ok(Json(InvocationResponse { response })),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "invocation failed");
            let body = json!({ "error": format!("{error:#}") });
            Err((StatusCode::INTERNAL_SERVER_ERROR, Json(body)))
        }
    }
}

fn app() -> Router {
    Router::new()
        .route("/ping", get(ping))
        .route("/invocations", post(invoke))
        .layer(RequestContextLayer::new())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,aws_config=warn,aws_smithy_runtime=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let host = std::env::var("AGENT_HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
    let addr: SocketAddr = format!("{host}:{port}")
        .parse()
        .with_context(|| format!("invalid AGENT_HOST/PORT `{host}:{port}`"))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("failed to listen on {addr}"))?;
    let local_addr = listener.local_addr()?;
    tracing::info!(%local_addr, "agent listening");
    println!("agent listening on http://{local_addr}");

    axum::serve(listener, app())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
