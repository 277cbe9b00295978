//! The `agentcore-identity-local serve` binary, run as a child process on a free port.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

const BINARY: &str = env!("CARGO_BIN_EXE_agentcore-identity-local");

/// A running `serve` process, killed on drop.
struct Server {
    child: Child,
    endpoint: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_command(data_dir: &Path) -> Command {
    let mut command = Command::new(BINARY);
    command
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(data_dir)
        .env_remove("AGENTCORE_LOCAL_VAULT_KEY")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Starts the binary and reads its banner up to the endpoint line.
fn start(mut command: Command) -> (Server, Vec<String>) {
    let mut child = command.spawn().expect("binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut banner = Vec::new();
    let mut endpoint = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("UTF-8 output");
        if let Some((_, url)) = line.split_once("endpoint (data and control plane):") {
            endpoint = Some(url.trim().to_owned());
        }
        let done = line.starts_with("Press Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    let endpoint = endpoint.expect("banner names the endpoint");
    (Server { child, endpoint }, banner)
}

#[tokio::test]
async fn binary_serves_and_prints_banner() {
    let dir = tempfile::tempdir().unwrap();
    let (server, banner) = start(serve_command(dir.path()));

    assert!(banner[0].contains("development stand-in"));
    assert!(banner[0].contains("not for production"));
    assert!(banner.iter().any(|line| line.contains("data directory")));
    assert!(server.endpoint.starts_with("http://127.0.0.1:"));

    let response = common::post_raw(
        &format!("{}/identities/CreateWorkloadIdentity", server.endpoint),
        r#"{"name":"agent"}"#,
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);
    assert!(dir.path().join("vault.key").exists());
    assert!(dir.path().join("vault.db").exists());
}

#[tokio::test]
async fn binary_reads_vault_key_from_environment() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = serve_command(dir.path());
    command.env("AGENTCORE_LOCAL_VAULT_KEY", STANDARD.encode([9u8; 32]));
    let (server, _) = start(command);

    let response = common::post_raw(
        &format!("{}/identities/get-token-vault", server.endpoint),
        "{}",
    )
    .await;

    assert_eq!(response.status().as_u16(), 200);
    assert!(!dir.path().join("vault.key").exists());
}

#[test]
fn binary_rejects_invalid_vault_key_variable() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = serve_command(dir.path());
    command.env("AGENTCORE_LOCAL_VAULT_KEY", "too-short");

    let output = command.output().expect("binary runs");

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid AGENTCORE_LOCAL_VAULT_KEY"),
        "{stderr}"
    );
    assert!(!stderr.contains("too-short"), "the value is not echoed");
}

#[test]
fn binary_reports_wrong_vault_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = serve_command(dir.path());
    first.env("AGENTCORE_LOCAL_VAULT_KEY", STANDARD.encode([1u8; 32]));
    let (server, _) = start(first);
    drop(server);

    let mut second = serve_command(dir.path());
    second.env("AGENTCORE_LOCAL_VAULT_KEY", STANDARD.encode([2u8; 32]));
    let output = second.output().expect("binary runs");

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("wrong vault key"), "{stderr}");
}

#[tokio::test]
async fn binary_disables_web_identity_federation_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = serve_command(dir.path());
    command.arg("--disable-outbound-web-identity-federation");
    let (server, banner) = start(command);

    assert!(
        banner
            .iter()
            .any(|line| line.contains(&format!("issuer (STS):   {}/sts", server.endpoint)))
    );
    let error = common::sts_client(&server.endpoint)
        .get_web_identity_token()
        .audience("https://api.partner.example")
        .signing_algorithm("ES384")
        .send()
        .await
        .unwrap_err();

    assert!(
        error
            .into_service_error()
            .is_outbound_web_identity_federation_disabled_exception()
    );
}

#[tokio::test]
async fn binary_issues_web_identity_tokens_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _) = start(serve_command(dir.path()));

    let output = common::sts_client(&server.endpoint)
        .get_web_identity_token()
        .audience("https://api.partner.example")
        .signing_algorithm("RS256")
        .send()
        .await
        .unwrap();

    assert!(output.web_identity_token().is_some());
}
