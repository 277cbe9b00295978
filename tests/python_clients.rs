//! Drives the local Identity service with Python's boto3, reached through the standard
//! `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE` variables, as Python agents would reach it.

mod common;

use std::path::PathBuf;

use agentcore_identity_runtime::ServiceErrorKind;
use common::start_local;
use serde_json::Value;

/// Finds the Python interpreter of the test virtualenv that `scripts/test` creates.
fn test_python() -> PathBuf {
    let python = std::env::var_os("AGENTCORE_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-test/bin/python")
        });
    assert!(
        python.exists(),
        "Python test virtualenv not found at {}: run `scripts/test`, which creates it, or \
         `python3 -m venv .venv-test && .venv-test/bin/pip install -r tests/python/requirements.txt`",
        python.display()
    );
    python
}

fn python_script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python").join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_creates_provider_and_fetches_key() {
    let local = start_local().await;
    let empty_dir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(test_python())
        .arg(python_script("boto3_api_key.py"))
        .args(["boto3-provider", "sk-from-boto3-81c2", "boto3-agent", "python-user"])
        .env("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", local.endpoint())
        .env("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL", local.endpoint())
        .env("AWS_DEFAULT_REGION", common::REGION)
        .env("AWS_REGION", common::REGION)
        .env("AWS_ACCESS_KEY_ID", "AKIDBOTO3TEST")
        .env("AWS_SECRET_ACCESS_KEY", "boto3-test-secret")
        .env("AWS_CONFIG_FILE", empty_dir.path().join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", empty_dir.path().join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .await
        .expect("python runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "boto3 script failed: {stderr}");

    let seen: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    assert_eq!(seen["api_key_matches"], true);
    assert_eq!(seen["missing_provider_error"], "ResourceNotFoundException");
    let provider_arn = seen["provider_arn"].as_str().unwrap();
    assert!(provider_arn.ends_with("/apikeycredentialprovider/boto3-provider"), "{provider_arn}");

    // What boto3 created is visible to the Rust client too.
    let client = local.client().await;
    let provider = client.get_api_key_credential_provider("boto3-provider").await.unwrap();
    assert_eq!(provider.arn, provider_arn);
    let token = client
        .get_workload_access_token_for_user_id("boto3-agent", "python-user")
        .await
        .unwrap();
    let key = client.get_resource_api_key(&token, "boto3-provider").await.unwrap();
    assert_eq!(agentcore_identity_runtime::ExposeSecret::expose_secret(&key), "sk-from-boto3-81c2");
    let missing = client.get_api_key_credential_provider("nothing").await.unwrap_err();
    assert_eq!(missing.service_error_kind(), Some(ServiceErrorKind::ResourceNotFound));
}
