//! Drives the local Identity service with Python's boto3, reached through the standard
//! `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE` variables, as Python agents would reach it.

mod common;

#[path = "../examples/consent_flow/return_server.rs"]
mod return_server;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use agentcore_identity_runtime::control::{
    CredentialProviderVendorType, CustomOauth2ProviderConfigInput, Oauth2Discovery,
    Oauth2ProviderConfigInput,
};
use agentcore_identity_runtime::{ExposeSecret, ServiceErrorKind, SessionUser};
use common::browser::consent;
use common::oauth_server::OAuthServer;
use common::start_local;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// Finds the Python interpreter of the test virtualenv that `scripts/test` creates.
fn test_python() -> PathBuf {
    let python = std::env::var_os("AGENTCORE_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-test/bin/python"));
    assert!(
        python.exists(),
        "Python test virtualenv not found at {}: run `scripts/test`, which creates it, or \
         `python3 -m venv .venv-test && .venv-test/bin/pip install -r tests/python/requirements.txt`",
        python.display()
    );
    python
}

fn python_script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
}

/// Prepares a Python process aimed at the local service at `endpoint` through the standard
/// variables, with dummy credentials and no shared AWS config.
fn python(script: &str, endpoint: &str, config_dir: &Path) -> Command {
    std::fs::write(config_dir.join("config"), "").unwrap();
    std::fs::write(config_dir.join("credentials"), "").unwrap();
    let mut command = Command::new(test_python());
    command
        .arg(python_script(script))
        .env("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", endpoint)
        .env("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL", endpoint)
        .env("AWS_DEFAULT_REGION", common::REGION)
        .env("AWS_REGION", common::REGION)
        .env("AWS_ACCESS_KEY_ID", "AKIDPYTHONTEST")
        .env("AWS_SECRET_ACCESS_KEY", "python-test-secret")
        .env("AWS_CONFIG_FILE", config_dir.join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            config_dir.join("credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("BEDROCK_AGENTCORE_DP_ENDPOINT")
        .env_remove("BEDROCK_AGENTCORE_CP_ENDPOINT")
        .env_remove("DOCKER_CONTAINER");
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_creates_provider_and_fetches_key() {
    let local = start_local().await;
    let config_dir = tempfile::tempdir().unwrap();
    let output = python("boto3_api_key.py", &local.endpoint(), config_dir.path())
        .args([
            "boto3-provider",
            "sk-from-boto3-81c2",
            "boto3-agent",
            "python-user",
        ])
        .output()
        .await
        .expect("python runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "boto3 script failed: {stderr}");

    let seen: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    assert_eq!(seen["api_key_matches"], true);
    assert_eq!(seen["missing_provider_error"], "ResourceNotFoundException");
    let provider_arn = seen["provider_arn"].as_str().unwrap();
    assert!(
        provider_arn.ends_with("/apikeycredentialprovider/boto3-provider"),
        "{provider_arn}"
    );

    // What boto3 created is visible to the Rust client too.
    let client = local.client().await;
    let provider = client
        .get_api_key_credential_provider("boto3-provider")
        .await
        .unwrap();
    assert_eq!(provider.arn, provider_arn);
    let token = client
        .get_workload_access_token_for_user_id("boto3-agent", "python-user")
        .await
        .unwrap();
    let key = client
        .get_resource_api_key(&token, "boto3-provider")
        .await
        .unwrap();
    assert_eq!(key.expose_secret(), "sk-from-boto3-81c2");
    let missing = client
        .get_api_key_credential_provider("nothing")
        .await
        .unwrap_err();
    assert_eq!(
        missing.service_error_kind(),
        Some(ServiceErrorKind::ResourceNotFound)
    );
}

/// Sets up a custom OAuth2 provider for `oauth`, a workload identity allowing `return_url`, and
/// returns a workload access token for `user`.
async fn oauth_setup(
    local: &common::Local,
    oauth: &OAuthServer,
    return_urls: &[String],
    user: &str,
) -> String {
    let admin = local.client().await;
    let config = CustomOauth2ProviderConfigInput::builder()
        .oauth_discovery(Oauth2Discovery::DiscoveryUrl(oauth.discovery_url()))
        .client_id("python-agent")
        .client_secret("python-agent-secret")
        .build();
    admin
        .create_oauth2_credential_provider(
            "py-idp",
            CredentialProviderVendorType::CustomOauth2,
            Oauth2ProviderConfigInput::CustomOauth2ProviderConfig(config),
        )
        .await
        .unwrap();
    admin
        .create_workload_identity("py-agent", return_urls)
        .await
        .unwrap();
    let token = admin
        .get_workload_access_token_for_user_id("py-agent", user)
        .await
        .unwrap();
    token.expose_secret().to_owned()
}

/// Reads the JSON lines of the Python SDK script, following an authorization URL when one is
/// printed, until the script prints its token.
async fn run_sdk_script(mut command: Command) -> String {
    let mut child = command
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let read = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let event: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
            match event["event"].as_str() {
                Some("authorization_url") => {
                    consent(event["url"].as_str().unwrap().to_owned()).await
                }
                Some("token") => return event["access_token"].as_str().unwrap().to_owned(),
                _ => {}
            }
        }
        panic!("the Python SDK script ended without a token");
    };
    // The SDK's own poller waits 5 s between polls.
    let token = tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("the Python SDK gets a token within 60 s");
    assert!(child.wait().await.unwrap().success());
    token
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_m2m_token() {
    let local = start_local().await;
    let oauth = OAuthServer::start().await;
    let workload_token = oauth_setup(&local, &oauth, &[], "py-user").await;

    let config_dir = tempfile::tempdir().unwrap();
    let mut command = python("sdk_access_token.py", &local.endpoint(), config_dir.path());
    command.args(["M2M", "py-idp", &workload_token]);
    let token = run_sdk_script(command).await;
    let claims = oauth.verify(&token).await;
    assert_eq!(claims["scope"], "openid profile");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_user_federation() {
    let local = start_local().await;
    let oauth = OAuthServer::start().await;
    let admin = local.client().await;
    let mut returns = return_server::start(admin, SessionUser::UserId("py-user".into()))
        .await
        .unwrap();
    let workload_token = oauth_setup(
        &local,
        &oauth,
        std::slice::from_ref(&returns.url),
        "py-user",
    )
    .await;

    let config_dir = tempfile::tempdir().unwrap();
    let mut command = python("sdk_access_token.py", &local.endpoint(), config_dir.path());
    command.args(["USER_FEDERATION", "py-idp", &workload_token, &returns.url]);
    let token = run_sdk_script(command).await;
    oauth.verify(&token).await;
    let completion = returns.completions.recv().await.unwrap();
    assert!(
        matches!(completion, return_server::Completion::Completed { .. }),
        "{completion:?}"
    );
    assert_eq!(oauth.authorize_queries().len(), 1);
}
