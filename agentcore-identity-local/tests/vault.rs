//! The vault on disk: encryption at rest, the key file, restarts and wrong keys.

mod common;

use std::fs;
use std::path::Path;

use agentcore_identity_local::{LocalIdentityService, StartError};
use common::{
    TestService, create_api_key_provider, create_workload, data_plane_client, random_api_key,
};

/// Returns the contents of the database and its WAL, shared-memory and journal files.
fn vault_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    [
        "vault.db",
        "vault.db-wal",
        "vault.db-shm",
        "vault.db-journal",
    ]
    .into_iter()
    .filter_map(|name| {
        let bytes = fs::read(dir.join(name)).ok()?;
        Some((name.to_owned(), bytes))
    })
    .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test]
async fn vault_files_hold_no_plaintext_api_key() {
    let service = TestService::start().await;
    let first_key = random_api_key();
    let second_key = random_api_key();
    create_workload(&service, "agent").await;
    create_api_key_provider(&service, "openai", &first_key).await;
    service
        .control_plane()
        .update_api_key_credential_provider()
        .name("openai")
        .api_key(&second_key)
        .send()
        .await
        .unwrap();

    // The provider name is stored in the clear, which proves the files are read at all.
    let files = vault_files(service.dir.path());
    assert!(files.iter().any(|(_, bytes)| contains(bytes, b"openai")));
    for (name, bytes) in &files {
        assert!(
            !contains(bytes, first_key.as_bytes()),
            "{name} holds the first key"
        );
        assert!(
            !contains(bytes, second_key.as_bytes()),
            "{name} holds the second key"
        );
    }

    // Also after the WAL is checkpointed into the main file at shutdown.
    let dir = service.dir;
    service.service.shutdown().await;
    for (name, bytes) in vault_files(dir.path()) {
        assert!(
            !contains(&bytes, first_key.as_bytes()),
            "{name} holds the first key"
        );
        assert!(
            !contains(&bytes, second_key.as_bytes()),
            "{name} holds the second key"
        );
    }
}

/// Byte strings that every plaintext encoding of the service's private keys contains: the
/// PKCS#8 algorithm identifiers, the RSA modulus and the P-384 public point's x coordinate.
async fn private_key_markers(service: &TestService) -> Vec<(&'static str, Vec<u8>)> {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use jsonwebtoken::jwk::AlgorithmParameters;

    let jwks = common::web_identity::fetch_key_set(&service.service.endpoint()).await;
    let mut markers = vec![
        (
            "the rsaEncryption identifier",
            vec![
                0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
            ],
        ),
        (
            "the ecPublicKey identifier",
            vec![0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
        ),
        (
            "the secp384r1 identifier",
            vec![0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22],
        ),
    ];
    for key in &jwks.keys {
        match &key.algorithm {
            AlgorithmParameters::RSA(rsa) => {
                markers.push(("the RSA modulus", URL_SAFE_NO_PAD.decode(&rsa.n).unwrap()));
            }
            AlgorithmParameters::EllipticCurve(ec) => {
                markers.push((
                    "the P-384 x coordinate",
                    URL_SAFE_NO_PAD.decode(&ec.x).unwrap(),
                ));
            }
            other => panic!("unexpected key type {other:?}"),
        }
    }
    markers
}

#[tokio::test]
async fn vault_files_hold_no_plaintext_web_identity_key() {
    let service = TestService::start().await;
    service
        .sts()
        .get_web_identity_token()
        .audience("https://api.partner.example")
        .signing_algorithm("ES384")
        .send()
        .await
        .unwrap();
    let markers = private_key_markers(&service).await;
    assert_eq!(markers.len(), 5, "one marker per key type and identifier");

    let check = |files: Vec<(String, Vec<u8>)>| {
        // The table name is stored in the clear, which proves the files are read at all.
        assert!(
            files
                .iter()
                .any(|(_, bytes)| contains(bytes, b"web_identity_keys"))
        );
        for (name, bytes) in &files {
            for (what, marker) in &markers {
                assert!(!contains(bytes, marker), "{name} holds {what}");
            }
        }
    };
    check(vault_files(service.dir.path()));

    // Also after the WAL is checkpointed into the main file at shutdown.
    let dir = service.dir;
    service.service.shutdown().await;
    check(vault_files(dir.path()));
}

#[tokio::test]
async fn vault_survives_restart() {
    let dir = tempfile::tempdir().unwrap();
    let api_key = random_api_key();
    let first = LocalIdentityService::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let endpoint = first.endpoint();
    let control = common::control_plane_client(&endpoint);
    control
        .create_workload_identity()
        .name("agent")
        .send()
        .await
        .unwrap();
    create_provider(&control, "openai", &api_key).await;
    let token = data_plane_client(&endpoint)
        .get_workload_access_token_for_user_id()
        .workload_name("agent")
        .user_id("alice")
        .send()
        .await
        .unwrap()
        .workload_access_token;
    first.shutdown().await;

    let second = LocalIdentityService::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let data = data_plane_client(&second.endpoint());

    // A token issued before the restart still works: the signing key is in the vault.
    let fetched = data
        .get_resource_api_key()
        .workload_identity_token(&token)
        .resource_credential_provider_name("openai")
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.api_key(), api_key);

    let identity = common::control_plane_client(&second.endpoint())
        .get_workload_identity()
        .name("agent")
        .send()
        .await
        .unwrap();
    assert_eq!(identity.name(), "agent");
    second.shutdown().await;
}

#[tokio::test]
async fn wrong_vault_key_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let first = LocalIdentityService::builder()
        .data_dir(dir.path())
        .vault_key([1; 32])
        .start()
        .await
        .unwrap();
    let control = common::control_plane_client(&first.endpoint());
    create_provider(&control, "openai", "sk-1").await;
    first.shutdown().await;

    let error = LocalIdentityService::builder()
        .data_dir(dir.path())
        .vault_key([2; 32])
        .start()
        .await
        .unwrap_err();

    assert!(
        matches!(error, StartError::WrongVaultKey { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("wrong vault key"));
}

#[tokio::test]
async fn key_file_of_other_vault_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let first = LocalIdentityService::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    first.shutdown().await;
    fs::remove_file(dir.path().join("vault.key")).unwrap();
    fs::write(
        dir.path().join("vault.key"),
        "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n",
    )
    .unwrap();

    let error = LocalIdentityService::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap_err();

    assert!(
        matches!(error, StartError::WrongVaultKey { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn missing_key_file_of_existing_vault_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let first = LocalIdentityService::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    first.shutdown().await;
    fs::remove_file(dir.path().join("vault.key")).unwrap();

    let error = LocalIdentityService::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap_err();

    assert!(
        matches!(error, StartError::MissingVaultKey { .. }),
        "{error:?}"
    );
    assert!(
        !dir.path().join("vault.key").exists(),
        "no new key file is created"
    );
}

#[tokio::test]
async fn invalid_key_file_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("vault.key"), "too-short\n").unwrap();

    let error = LocalIdentityService::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap_err();

    assert!(
        matches!(error, StartError::InvalidVaultKey { .. }),
        "{error:?}"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn key_file_has_mode_0600() {
    use std::os::unix::fs::PermissionsExt;

    let service = TestService::start().await;

    let metadata = fs::metadata(service.dir.path().join("vault.key")).unwrap();
    assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
}

#[tokio::test]
async fn configured_key_is_not_written() {
    let service = TestService::start_with(|builder| builder.vault_key([7; 32])).await;

    assert!(!service.dir.path().join("vault.key").exists());
    assert!(service.dir.path().join("vault.db").exists());
}

#[tokio::test]
async fn missing_data_dir_is_configuration_error() {
    let error = LocalIdentityService::builder().start().await.unwrap_err();

    assert!(matches!(error, StartError::MissingDataDir), "{error:?}");
}

/// Creates an API-key provider through a bare control-plane client.
async fn create_provider(
    client: &aws_sdk_bedrockagentcorecontrol::Client,
    name: &str,
    api_key: &str,
) {
    client
        .create_api_key_credential_provider()
        .name(name)
        .api_key(api_key)
        .send()
        .await
        .expect("API key credential provider is created");
}

#[tokio::test]
async fn vault_files_hold_no_plaintext_oauth_tokens() {
    use aws_sdk_bedrockagentcore::types::{Oauth2FlowType, UserIdentifier};
    use common::fake_provider::FakeProvider;
    use common::{
        ReturnPage, create_metadata_provider, create_workload_returning_to, follow_redirects,
        token_for_user,
    };

    let provider = FakeProvider::start().await;
    let page = ReturnPage::start().await;
    let service = TestService::start().await;
    create_workload_returning_to(&service, "agent", &[&page.url]).await;
    create_metadata_provider(
        &service,
        "fake",
        &provider.authorization_endpoint(),
        &provider.token_endpoint(),
        serde_json::json!({}),
    )
    .await;
    let data = service.data_plane();
    let token = token_for_user(&service, "agent", "alice").await;
    let request = |flow: Oauth2FlowType| {
        data.get_resource_oauth2_token()
            .workload_identity_token(&token)
            .resource_credential_provider_name("fake")
            .oauth2_flow(flow)
            .scopes("read")
    };

    request(Oauth2FlowType::M2M).send().await.unwrap();
    let started = request(Oauth2FlowType::UserFederation)
        .custom_state("state-kept-sealed")
        .send()
        .await
        .unwrap();
    follow_redirects(started.authorization_url().unwrap()).await;
    data.complete_resource_token_auth()
        .session_uri(started.session_uri().unwrap())
        .user_identifier(UserIdentifier::UserId("alice".to_owned()))
        .send()
        .await
        .unwrap();
    let verifier = provider.token_requests()[1].form["code_verifier"].clone();

    let dir = service.dir;
    service.service.shutdown().await;
    let files = vault_files(dir.path());
    assert!(files.iter().any(|(_, bytes)| contains(bytes, b"fake")));
    let secrets = [
        ("client secret", "local-test-secret".to_owned()),
        ("M2M token", provider.issued.m2m_access_token.clone()),
        ("user access token", provider.issued.access_token.clone()),
        ("refresh token", provider.issued.refresh_token.clone()),
        ("PKCE verifier", verifier),
        ("custom state", "state-kept-sealed".to_owned()),
    ];
    for (name, bytes) in &files {
        for (what, secret) in &secrets {
            assert!(
                !contains(bytes, secret.as_bytes()),
                "{name} holds the {what}"
            );
        }
    }
}
