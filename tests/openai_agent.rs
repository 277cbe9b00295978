//! Runs the `openai_agent` example as a process against the local Identity service and an
//! OpenAI-compatible mock, and checks what the model endpoint received.

mod common;

use std::process::Stdio;
use std::time::Duration;

use agentcore_identity_runtime::ExposeSecret;
use common::{example_binary, seed_api_key, start_local};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const STORED_KEY: &str = "sk-test-openai-5a7c19e2";

/// A running `openai_agent` process, stopped on drop, with the empty AWS config files it reads.
struct Agent {
    url: String,
    _process: Child,
    _config_dir: tempfile::TempDir,
}

/// Starts the agent with the local service and the mock as its endpoints, and returns it once
/// it listens.
async fn start_agent(identity_endpoint: &str, model_base_url: &str) -> Agent {
    let empty_dir = tempfile::tempdir().unwrap();
    std::fs::write(empty_dir.path().join("config"), "").unwrap();
    std::fs::write(empty_dir.path().join("credentials"), "").unwrap();
    let mut child = Command::new(example_binary("openai_agent"))
        .env("PORT", "0")
        .env("AGENT_HOST", "127.0.0.1")
        .env("OPENAI_BASE_URL", model_base_url)
        .env("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", identity_endpoint)
        .env(
            "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL",
            identity_endpoint,
        )
        .env("AWS_REGION", common::REGION)
        .env("AWS_ACCESS_KEY_ID", "AKIDAGENTTEST")
        .env("AWS_SECRET_ACCESS_KEY", "agent-test-secret")
        .env("AWS_CONFIG_FILE", empty_dir.path().join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            empty_dir.path().join("credentials"),
        )
        .env("DOCKER_CONTAINER", "1")
        .env("RUST_LOG", "warn")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AGENTCORE_WORKLOAD_IDENTITY")
        .env_remove("AWS_ENDPOINT_URL")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the openai_agent example starts");

    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let base_url = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.strip_prefix("agent listening on ") {
                return url.to_owned();
            }
        }
        panic!("the agent exited before listening");
    })
    .await
    .expect("the agent listens within 30 s");
    Agent {
        url: base_url,
        _process: child,
        _config_dir: empty_dir,
    }
}

fn chat_completion(content: &str) -> Value {
    json!({
        "id": "chatcmpl-local-1",
        "object": "chat.completion",
        "created": 1_733_300_000,
        "model": "gpt-4o-mini",
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content },
            "finish_reason": "stop",
            "logprobs": null
        }],
        "usage": { "prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9 }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_uses_the_stored_key() {
    let local = start_local().await;
    let admin = local.client().await;
    seed_api_key(&admin, "openai-agent", "openai-apikey-provider", STORED_KEY).await;
    let workload_token = admin
        .get_workload_access_token_for_user_id("openai-agent", "user-42")
        .await
        .unwrap();

    let model = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(chat_completion("Hello from the mock")),
        )
        .mount(&model)
        .await;

    let agent = start_agent(&local.endpoint(), &format!("{}/v1", model.uri())).await;
    let agent_url = agent.url.clone();
    let http = reqwest::Client::new();

    let ping: Value = http
        .get(format!("{agent_url}/ping"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ping, json!({ "status": "Healthy" }));

    let response = http
        .post(format!("{agent_url}/invocations"))
        .header("WorkloadAccessToken", workload_token.expose_secret())
        .header(
            "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id",
            "session-0001",
        )
        .header(
            "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id",
            "request-0001",
        )
        .json(&json!({ "prompt": "Say hello" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "response": "Hello from the mock" }));

    let received = model.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let authorization = received[0]
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(authorization, format!("Bearer {STORED_KEY}"));
    let sent: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(sent["messages"][0]["content"], "Say hello");
    assert_eq!(sent["model"], "gpt-4o-mini");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_without_workload_token_names_the_header() {
    let local = start_local().await;
    let model = MockServer::start().await;
    let agent = start_agent(&local.endpoint(), &format!("{}/v1", model.uri())).await;
    let agent_url = agent.url.clone();

    let response = reqwest::Client::new()
        .post(format!("{agent_url}/invocations"))
        .json(&json!({ "prompt": "Say hello" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    let body: Value = response.json().await.unwrap();
    let error = body["error"].as_str().unwrap();
    assert!(
        error.contains("X-Amzn-Bedrock-AgentCore-Runtime-User-Id"),
        "{error}"
    );
    assert!(model.received_requests().await.unwrap().is_empty());
}
