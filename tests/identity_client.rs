//! The identity client against the local Identity service, through the real AWS SDK clients.

mod common;

use std::collections::HashSet;

use agentcore_identity_runtime::{
    Error, ExposeSecret, IdentityClient, RequestContext, SecretString, ServiceErrorKind,
};
use common::{
    CountingListener, client_builder, list_workload_identity_names, seed_api_key, start_local,
};

#[tokio::test]
async fn api_key_provider_round_trip() {
    let local = start_local().await;
    let client = local.client().await;
    let key = SecretString::from("sk-round-trip-0001".to_owned());

    let created = client
        .create_api_key_credential_provider("weather-api", &key)
        .await
        .unwrap();
    assert_eq!(created.name, "weather-api");
    assert!(
        created.arn.contains(":acps:"),
        "unexpected ARN {}",
        created.arn
    );
    assert!(
        created
            .arn
            .ends_with("/apikeycredentialprovider/weather-api")
    );

    let fetched = client
        .get_api_key_credential_provider("weather-api")
        .await
        .unwrap();
    assert_eq!(fetched.arn, created.arn);
    assert!(fetched.created_time.is_some());

    let listed = client.list_api_key_credential_providers().await.unwrap();
    assert_eq!(
        listed.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["weather-api"]
    );

    client
        .create_workload_identity("round-trip-agent", &[])
        .await
        .unwrap();
    let token = client
        .get_workload_access_token_for_user_id("round-trip-agent", "alice")
        .await
        .unwrap();
    let api_key = client
        .get_resource_api_key(&token, "weather-api")
        .await
        .unwrap();
    assert_eq!(api_key.expose_secret(), "sk-round-trip-0001");

    client
        .delete_api_key_credential_provider("weather-api")
        .await
        .unwrap();
    let error = client
        .get_api_key_credential_provider("weather-api")
        .await
        .unwrap_err();
    assert_eq!(
        error.service_error_kind(),
        Some(ServiceErrorKind::ResourceNotFound)
    );
}

#[tokio::test]
async fn list_follows_every_page() {
    let local = start_local().await;
    let client = local.client().await;
    let key = SecretString::from("sk-page".to_owned());
    for index in 0..23 {
        client
            .create_api_key_credential_provider(&format!("provider-{index:02}"), &key)
            .await
            .unwrap();
    }
    let raw_first_page = client
        .control_plane()
        .list_api_key_credential_providers()
        .max_results(10)
        .send()
        .await
        .unwrap();
    assert_eq!(raw_first_page.credential_providers().len(), 10);
    assert!(raw_first_page.next_token().is_some());

    let listed = client.list_api_key_credential_providers().await.unwrap();
    let names: HashSet<String> = listed.into_iter().map(|p| p.name).collect();
    assert_eq!(names.len(), 23);
}

#[tokio::test]
async fn workload_identity_round_trip() {
    let local = start_local().await;
    let client = local.client().await;
    let urls = vec!["http://127.0.0.1:9/back".to_owned()];

    let created = client
        .create_workload_identity("agent.one", &urls)
        .await
        .unwrap();
    assert_eq!(created.name, "agent.one");
    assert_eq!(created.allowed_return_urls, urls);
    assert!(
        created.arn.ends_with("/workload-identity/agent.one"),
        "{}",
        created.arn
    );

    let fetched = client.get_workload_identity("agent.one").await.unwrap();
    assert_eq!(fetched.arn, created.arn);
    assert!(fetched.created_time.is_some());

    let replaced = vec!["http://127.0.0.1:9/other".to_owned()];
    let updated = client
        .update_workload_identity("agent.one", &replaced)
        .await
        .unwrap();
    assert_eq!(updated.allowed_return_urls, replaced);

    let duplicate = client
        .create_workload_identity("agent.one", &[])
        .await
        .unwrap_err();
    assert_eq!(
        duplicate.service_error_kind(),
        Some(ServiceErrorKind::Conflict)
    );

    client.delete_workload_identity("agent.one").await.unwrap();
    let missing = client.get_workload_identity("agent.one").await.unwrap_err();
    assert_eq!(
        missing.service_error_kind(),
        Some(ServiceErrorKind::ResourceNotFound)
    );
}

#[tokio::test]
async fn workload_tokens_for_workload_and_user() {
    let local = start_local().await;
    let client = local.client().await;
    seed_api_key(&client, "token-agent", "token-provider", "sk-tokens").await;

    let plain = client
        .get_workload_access_token("token-agent")
        .await
        .unwrap();
    let for_user = client
        .get_workload_access_token_for_user_id("token-agent", "bob")
        .await
        .unwrap();
    assert_ne!(plain.expose_secret(), for_user.expose_secret());
    for token in [&plain, &for_user] {
        let key = client
            .get_resource_api_key(token, "token-provider")
            .await
            .unwrap();
        assert_eq!(key.expose_secret(), "sk-tokens");
    }

    let unknown = client
        .get_workload_access_token("no-such-agent")
        .await
        .unwrap_err();
    assert_eq!(
        unknown.service_error_kind(),
        Some(ServiceErrorKind::ResourceNotFound)
    );
}

#[tokio::test]
async fn unknown_provider_is_typed_not_found() {
    let local = start_local().await;
    let client = local.client().await;
    client
        .create_workload_identity("lonely-agent", &[])
        .await
        .unwrap();
    let token = client
        .get_workload_access_token_for_user_id("lonely-agent", "carol")
        .await
        .unwrap();

    let error = client
        .get_resource_api_key(&token, "no-such-provider")
        .await
        .unwrap_err();
    let Error::Service(service) = &error else {
        panic!("expected a service error, got {error:?}");
    };
    assert_eq!(service.kind(), ServiceErrorKind::ResourceNotFound);
    assert_eq!(service.code(), "ResourceNotFoundException");
    assert_eq!(service.operation(), "GetResourceApiKey");
    assert!(
        service.request_id().is_some(),
        "the local service sends x-amzn-RequestId"
    );
}

#[tokio::test]
async fn forged_context_token_is_rejected_without_fallback() {
    let local = start_local().await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join(".agentcore.json");
    let client = local
        .client_builder()
        .local_config_path(&config_path)
        .build()
        .await
        .unwrap();
    seed_api_key(&client, "forge-agent", "forge-provider", "sk-forge").await;

    let context = RequestContext::builder()
        .workload_access_token("not-a-real-token")
        .build();
    let error = context
        .scope(client.api_key("forge-provider"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.service_error_kind(),
            Some(ServiceErrorKind::Unauthorized | ServiceErrorKind::AccessDenied)
        ),
        "expected the service to reject the token, got {error}"
    );
    assert!(
        !config_path.exists(),
        "no local-development fallback after a rejected token"
    );
}

#[tokio::test]
async fn context_token_wins_over_named_identity() {
    let local = start_local().await;
    let setup = local.client().await;
    seed_api_key(&setup, "context-agent", "context-provider", "sk-context").await;
    let token = setup
        .get_workload_access_token_for_user_id("context-agent", "dave")
        .await
        .unwrap();

    // The named identity does not exist, so a key can only come from the context token.
    let client = local
        .client_builder()
        .workload_identity("missing-agent")
        .user_id("dave")
        .build()
        .await
        .unwrap();
    let context = RequestContext::builder()
        .workload_access_token(token.expose_secret())
        .build();
    let key = context
        .scope(client.api_key("context-provider"))
        .await
        .unwrap();
    assert_eq!(key.expose_secret(), "sk-context");
}

#[tokio::test]
async fn named_identity_with_user_id() {
    let local = start_local().await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join(".agentcore.json");
    let setup = local.client().await;
    seed_api_key(&setup, "named-agent", "named-provider", "sk-named").await;

    let client = local
        .client_builder()
        .workload_identity("named-agent")
        .user_id("erin")
        .local_config_path(&config_path)
        .build()
        .await
        .unwrap();
    let key = client.api_key("named-provider").await.unwrap();
    assert_eq!(key.expose_secret(), "sk-named");
    assert!(
        !config_path.exists(),
        "a named identity needs no local-development file"
    );
}

#[tokio::test]
async fn named_identity_errors_are_returned_as_they_are() {
    let local = start_local().await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join(".agentcore.json");
    let setup = local.client().await;
    seed_api_key(&setup, "real-agent", "real-provider", "sk-real").await;

    let client = local
        .client_builder()
        .workload_identity("ghost-agent")
        .user_id("frank")
        .local_config_path(&config_path)
        .build()
        .await
        .unwrap();
    let error = client.api_key("real-provider").await.unwrap_err();
    assert_eq!(
        error.service_error_kind(),
        Some(ServiceErrorKind::ResourceNotFound)
    );
    assert!(!config_path.exists(), "no fallback to local development");
    assert_eq!(list_workload_identity_names(&setup).await, ["real-agent"]);
}

/// A local service with an administrator client, and a path for the local-development file in
/// a temporary directory of its own.
struct LocalDev {
    local: common::Local,
    admin: IdentityClient,
    config_path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl LocalDev {
    async fn start() -> LocalDev {
        let local = start_local().await;
        let admin = local.client().await;
        let dir = tempfile::tempdir().unwrap();
        let config_path = dir.path().join(".agentcore.json");
        LocalDev {
            local,
            admin,
            config_path,
            _dir: dir,
        }
    }

    /// Builds a client that keeps its local-development file at this fixture's path.
    async fn client(&self) -> IdentityClient {
        self.local
            .client_builder()
            .local_config_path(&self.config_path)
            .build()
            .await
            .unwrap()
    }

    async fn add_provider(&self, name: &str, key: &str) {
        self.admin
            .create_api_key_credential_provider(name, &SecretString::from(key.to_owned()))
            .await
            .unwrap();
    }

    fn read_config(&self) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(&self.config_path).unwrap()).unwrap()
    }
}

#[tokio::test]
async fn local_config_file_created_then_reused() {
    let dev = LocalDev::start().await;
    dev.add_provider("dev-provider", "sk-dev").await;

    let first = dev.client().await;
    let key = first.api_key("dev-provider").await.unwrap();
    assert_eq!(key.expose_secret(), "sk-dev");

    let written = dev.read_config();
    let workload = written["workload_identity_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let user_id = written["user_id"].as_str().unwrap().to_owned();
    assert!(workload.starts_with("workload-"), "{workload}");
    assert_eq!(user_id.len(), 8);

    // A new client, as in a new process, reads the same file and creates nothing.
    let second = dev.client().await;
    let key = second.api_key("dev-provider").await.unwrap();
    assert_eq!(key.expose_secret(), "sk-dev");
    assert_eq!(dev.read_config(), written);
    assert_eq!(list_workload_identity_names(&dev.admin).await, [workload]);
}

#[tokio::test]
async fn local_config_file_from_python_sdk_is_used() {
    let dev = LocalDev::start().await;
    seed_api_key(
        &dev.admin,
        "workload-py000001",
        "shared-provider",
        "sk-shared",
    )
    .await;
    std::fs::write(
        &dev.config_path,
        "{\n  \"workload_identity_name\": \"workload-py000001\",\n  \"user_id\": \"3f9a1c2e\"\n}",
    )
    .unwrap();

    let key = dev.client().await.api_key("shared-provider").await.unwrap();
    assert_eq!(key.expose_secret(), "sk-shared");
    assert_eq!(
        list_workload_identity_names(&dev.admin).await,
        ["workload-py000001"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_calls_create_one_identity() {
    let dev = LocalDev::start().await;
    dev.add_provider("busy-provider", "sk-busy").await;

    let client = dev.client().await;
    let calls = (0..10).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.api_key("busy-provider").await })
    });
    for result in futures::future::join_all(calls).await {
        assert_eq!(result.unwrap().unwrap().expose_secret(), "sk-busy");
    }
    assert_eq!(list_workload_identity_names(&dev.admin).await.len(), 1);
}

#[tokio::test]
async fn local_development_can_be_switched_off() {
    let local = start_local().await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join(".agentcore.json");
    let client = local
        .client_builder()
        .local_config_path(&config_path)
        .local_development(false)
        .build()
        .await
        .unwrap();

    let error = client.api_key("any-provider").await.unwrap_err();
    assert!(
        matches!(error, Error::MissingWorkloadAccessToken { .. }),
        "{error}"
    );
    assert!(!config_path.exists());
    assert!(list_workload_identity_names(&client).await.is_empty());
}

#[tokio::test]
async fn container_without_token_sends_no_request() {
    let listener = CountingListener::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join(".agentcore.json");
    let client = client_builder(&listener.url())
        .in_container(true)
        .local_config_path(&config_path)
        .build()
        .await
        .unwrap();

    let error = client.api_key("openai-apikey-provider").await.unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, Error::MissingWorkloadAccessToken { .. }),
        "{message}"
    );
    assert!(
        message.contains("X-Amzn-Bedrock-AgentCore-Runtime-User-Id"),
        "{message}"
    );
    assert!(message.contains("WorkloadAccessToken"), "{message}");
    assert_eq!(listener.count(), 0, "no connection may be made");
    assert!(!config_path.exists());
}

#[tokio::test]
async fn mixed_endpoints_refuse_local_setup() {
    // Credentials that never load make any request fail before it is sent, so the
    // control plane's AWS endpoint can never be reached even if the check were missing.
    #[derive(Debug)]
    struct NoCredentials;
    impl aws_credential_types::provider::ProvideCredentials for NoCredentials {
        fn provide_credentials<'a>(
            &'a self,
        ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            aws_credential_types::provider::future::ProvideCredentials::ready(Err(
                aws_credential_types::provider::error::CredentialsError::not_loaded("test"),
            ))
        }
    }

    let listener = CountingListener::start().await;
    let dir = tempfile::tempdir().unwrap();
    let client = IdentityClient::builder()
        .region(common::REGION)
        .data_plane_endpoint_url(listener.url())
        .credentials(NoCredentials)
        .in_container(false)
        .local_config_path(dir.path().join(".agentcore.json"))
        .build()
        .await
        .unwrap();
    let error = client.api_key("any-provider").await.unwrap_err();
    assert!(matches!(error, Error::MixedEndpoints { .. }), "{error}");
    assert_eq!(listener.count(), 0);
}

#[tokio::test]
async fn malformed_region_is_rejected() {
    for region in ["us_east_1", "US-EAST-1", "us-east-1.evil.example", ""] {
        let error = client_builder("http://127.0.0.1:9")
            .region(region)
            .build()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRegion { region: r } if r == region),
            "{error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_follows_spawned_tasks() {
    let local = start_local().await;
    let setup = local.client().await;
    seed_api_key(&setup, "spawn-agent", "spawn-provider", "sk-spawn").await;
    let token = setup
        .get_workload_access_token_for_user_id("spawn-agent", "gina")
        .await
        .unwrap();
    let client = local
        .client_builder()
        .in_container(true)
        .build()
        .await
        .unwrap();

    let context = RequestContext::builder()
        .workload_access_token(token.expose_secret())
        .build();
    let (carried, dropped) = context
        .scope(async {
            let client_carried = client.clone();
            let carried = agentcore_identity_runtime::spawn(async move {
                client_carried.api_key("spawn-provider").await
            });
            let client_dropped = client.clone();
            let dropped =
                tokio::spawn(async move { client_dropped.api_key("spawn-provider").await });
            (carried.await.unwrap(), dropped.await.unwrap())
        })
        .await;
    assert_eq!(carried.unwrap().expose_secret(), "sk-spawn");
    assert!(matches!(
        dropped,
        Err(Error::MissingWorkloadAccessToken { .. })
    ));
}

#[tokio::test]
async fn debug_output_hides_secrets() {
    let context = RequestContext::builder()
        .workload_access_token("wat-secret-value")
        .build();
    assert!(!format!("{context:?}").contains("wat-secret-value"));

    let builder = client_builder("http://127.0.0.1:9")
        .user_token(SecretString::from("user-jwt-secret".to_owned()));
    assert!(!format!("{builder:?}").contains("user-jwt-secret"));
}
