//! Helpers shared by the end-to-end tests: a local Identity service per test and clients for it.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use agentcore_identity_local::{LocalIdentityService, RunningService};
use agentcore_identity_runtime::{
    Credentials, IdentityClient, IdentityClientBuilder, SecretString,
};
use tempfile::TempDir;

pub mod browser;
#[path = "../../agentcore-identity-local/tests/common/oauth_server.rs"]
pub mod oauth_server;
pub mod recording_proxy;
pub mod scripted_plane;

/// Region the tests sign for; any well-formed region works against the local service.
pub const REGION: &str = "us-east-1";

/// A local Identity service on a free loopback port, with its own data directory.
pub struct Local {
    pub service: RunningService,
    pub data_dir: TempDir,
}

impl Local {
    pub fn endpoint(&self) -> String {
        self.service.endpoint()
    }

    /// Returns a builder aimed at this service, with dummy credentials and no container.
    pub fn client_builder(&self) -> IdentityClientBuilder {
        client_builder(&self.endpoint())
    }

    /// Builds a client aimed at this service with no workload identity configured.
    pub async fn client(&self) -> IdentityClient {
        self.client_builder()
            .build()
            .await
            .expect("client for the local service")
    }
}

/// Starts a local Identity service for one test.
pub async fn start_local() -> Local {
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    let service = LocalIdentityService::builder()
        .data_dir(data_dir.path())
        .start()
        .await
        .expect("local Identity service starts");
    Local { service, data_dir }
}

/// Returns a builder aimed at `endpoint` with dummy static credentials.
pub fn client_builder(endpoint: &str) -> IdentityClientBuilder {
    IdentityClient::builder()
        .region(REGION)
        .endpoint_url(endpoint)
        .credentials(Credentials::new(
            "AKIDLOCALTEST",
            "local-test-secret",
            None,
            None,
            "tests",
        ))
        .in_container(false)
}

/// Lists the names of every workload identity, through the control-plane SDK client.
pub async fn list_workload_identity_names(client: &IdentityClient) -> Vec<String> {
    let mut names = Vec::new();
    let mut pages = client
        .control_plane()
        .list_workload_identities()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.expect("ListWorkloadIdentities succeeds");
        names.extend(
            page.workload_identities()
                .iter()
                .map(|item| item.name().to_owned()),
        );
    }
    names.sort();
    names
}

/// Creates a workload identity and an API-key provider holding `key`.
pub async fn seed_api_key(client: &IdentityClient, workload: &str, provider: &str, key: &str) {
    client
        .create_workload_identity(workload, &[])
        .await
        .expect("workload identity created");
    client
        .create_api_key_credential_provider(provider, &SecretString::from(key.to_owned()))
        .await
        .expect("API-key provider created");
}

/// A TCP listener on loopback that counts the connections made to it and never responds.
pub struct CountingListener {
    pub addr: SocketAddr,
    pub connections: Arc<AtomicUsize>,
}

impl CountingListener {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        tokio::spawn(async move {
            while let Ok((_socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        CountingListener { addr, connections }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Finds an example binary built by `cargo test` next to this test binary.
pub fn example_binary(name: &str) -> PathBuf {
    let test_binary = std::env::current_exe().expect("path of the test binary");
    let profile_dir = test_binary
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target profile directory");
    let binary = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "example binary {} not found: run `cargo test` (which builds the examples first) or `cargo build --examples`",
        binary.display()
    );
    binary
}
