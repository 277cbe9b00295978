//! Control-plane operations through the real `aws-sdk-bedrockagentcorecontrol` client.

mod common;

use std::time::Duration;

use aws_sdk_bedrockagentcorecontrol::operation::create_api_key_credential_provider::CreateApiKeyCredentialProviderError;
use aws_sdk_bedrockagentcorecontrol::operation::create_workload_identity::CreateWorkloadIdentityError;
use aws_sdk_bedrockagentcorecontrol::operation::delete_api_key_credential_provider::DeleteApiKeyCredentialProviderError;
use aws_sdk_bedrockagentcorecontrol::operation::get_api_key_credential_provider::GetApiKeyCredentialProviderError;
use aws_sdk_bedrockagentcorecontrol::operation::get_token_vault::GetTokenVaultError;
use aws_sdk_bedrockagentcorecontrol::operation::get_workload_identity::GetWorkloadIdentityError;
use aws_sdk_bedrockagentcorecontrol::operation::list_api_key_credential_providers::ListApiKeyCredentialProvidersError;
use aws_sdk_bedrockagentcorecontrol::operation::list_workload_identities::ListWorkloadIdentitiesError;
use aws_sdk_bedrockagentcorecontrol::types::{KeyType, SecretSourceType};
use common::{TestService, create_api_key_provider, create_workload};

#[tokio::test]
async fn workload_identity_round_trips() {
    let service = TestService::start().await;
    let client = service.control_plane();

    let created = client
        .create_workload_identity()
        .name("my.agent-1")
        .allowed_resource_oauth2_return_urls("http://localhost:8080/done")
        .tags("team", "agents")
        .send()
        .await
        .unwrap();
    assert_eq!(created.name(), "my.agent-1");
    assert_eq!(
        created.workload_identity_arn(),
        "arn:aws:bedrock-agentcore:us-east-1:123456789012:workload-identity-directory/default/workload-identity/my.agent-1"
    );
    assert_eq!(
        created.allowed_resource_oauth2_return_urls(),
        ["http://localhost:8080/done"]
    );

    let fetched = client
        .get_workload_identity()
        .name("my.agent-1")
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.name(), "my.agent-1");
    assert_eq!(
        fetched.workload_identity_arn(),
        created.workload_identity_arn()
    );
    assert_eq!(
        fetched.allowed_resource_oauth2_return_urls(),
        ["http://localhost:8080/done"]
    );
    let created_time = fetched.created_time().secs();
    let now = service.now_secs();
    assert!((now - 1..=now + 1).contains(&created_time));

    service.clock.advance(Duration::from_secs(30));
    let updated = client
        .update_workload_identity()
        .name("my.agent-1")
        .allowed_resource_oauth2_return_urls("myapp://a")
        .allowed_resource_oauth2_return_urls("https://example.test/b")
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.allowed_resource_oauth2_return_urls(),
        ["myapp://a", "https://example.test/b"]
    );
    assert_eq!(updated.created_time().secs(), created_time);
    assert!(updated.last_updated_time().secs() >= created_time + 30);

    client
        .delete_workload_identity()
        .name("my.agent-1")
        .send()
        .await
        .unwrap();
    let error = client
        .get_workload_identity()
        .name("my.agent-1")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(
        error,
        GetWorkloadIdentityError::ResourceNotFoundException(_)
    ));
}

#[tokio::test]
async fn workload_identity_accepts_empty_return_url_list() {
    let service = TestService::start().await;

    let created = service
        .control_plane()
        .create_workload_identity()
        .name("workload-0a1b2c3d")
        .set_allowed_resource_oauth2_return_urls(Some(Vec::new()))
        .send()
        .await
        .unwrap();

    assert!(created.allowed_resource_oauth2_return_urls().is_empty());
}

#[tokio::test]
async fn workload_identity_duplicate_is_conflict() {
    let service = TestService::start().await;
    create_workload(&service, "agent").await;

    let error = service
        .control_plane()
        .create_workload_identity()
        .name("agent")
        .send()
        .await
        .unwrap_err()
        .into_service_error();

    assert!(matches!(
        error,
        CreateWorkloadIdentityError::ConflictException(_)
    ));
}

#[tokio::test]
async fn workload_identity_list_paginates() {
    let service = TestService::start().await;
    for index in 0..5 {
        create_workload(&service, &format!("agent-{index}")).await;
    }
    let client = service.control_plane();

    let first = client
        .list_workload_identities()
        .max_results(2)
        .send()
        .await
        .unwrap();
    let first_names: Vec<&str> = first
        .workload_identities()
        .iter()
        .map(|w| w.name())
        .collect();
    assert_eq!(first_names, ["agent-0", "agent-1"]);
    assert!(first.next_token().is_some());

    let pages: Vec<_> = client
        .list_workload_identities()
        .max_results(2)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let page_sizes: Vec<usize> = pages
        .iter()
        .map(|p| p.workload_identities().len())
        .collect();
    assert_eq!(page_sizes, [2, 2, 1]);
    assert!(pages[2].next_token().is_none());

    let all: Vec<String> = pages
        .iter()
        .flat_map(|page| page.workload_identities())
        .map(|identity| identity.name().to_owned())
        .collect();
    assert_eq!(all, ["agent-0", "agent-1", "agent-2", "agent-3", "agent-4"]);
    assert!(
        pages[0].workload_identities()[0]
            .workload_identity_arn()
            .ends_with("/workload-identity/agent-0")
    );
}

#[tokio::test]
async fn workload_identity_list_rejects_max_results_above_20() {
    let service = TestService::start().await;

    let error = service
        .control_plane()
        .list_workload_identities()
        .max_results(21)
        .send()
        .await
        .unwrap_err()
        .into_service_error();

    let ListWorkloadIdentitiesError::ValidationException(validation) = error else {
        panic!("expected ValidationException, got {error:?}");
    };
    assert_eq!(validation.field_list()[0].name(), "maxResults");
}

#[tokio::test]
async fn api_key_provider_round_trips() {
    let service = TestService::start().await;
    let client = service.control_plane();

    let created = client
        .create_api_key_credential_provider()
        .name("openai-apikey-provider")
        .api_key("sk-first")
        .send()
        .await
        .unwrap();
    assert_eq!(created.name(), "openai-apikey-provider");
    assert_eq!(
        created.credential_provider_arn(),
        "arn:aws:acps:us-east-1:123456789012:token-vault/default/apikeycredentialprovider/openai-apikey-provider"
    );
    let secret_arn = created
        .api_key_secret_arn()
        .unwrap()
        .secret_arn()
        .to_owned();
    assert!(secret_arn.starts_with("arn:aws:secretsmanager:us-east-1:123456789012:secret:"));
    assert_eq!(
        created.api_key_secret_source(),
        Some(&SecretSourceType::Managed)
    );

    let fetched = client
        .get_api_key_credential_provider()
        .name("openai-apikey-provider")
        .send()
        .await
        .unwrap();
    assert_eq!(
        fetched.credential_provider_arn(),
        created.credential_provider_arn()
    );
    assert_eq!(
        fetched.api_key_secret_arn().unwrap().secret_arn(),
        secret_arn
    );
    let created_time = fetched.created_time().secs();

    service.clock.advance(Duration::from_secs(5));
    let updated = client
        .update_api_key_credential_provider()
        .name("openai-apikey-provider")
        .api_key("sk-second")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.created_time().secs(), created_time);
    assert!(updated.last_updated_time().secs() >= created_time + 5);

    client
        .delete_api_key_credential_provider()
        .name("openai-apikey-provider")
        .send()
        .await
        .unwrap();
    let error = client
        .get_api_key_credential_provider()
        .name("openai-apikey-provider")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(
        error,
        GetApiKeyCredentialProviderError::ResourceNotFoundException(_)
    ));
}

#[tokio::test]
async fn api_key_provider_unknown_is_not_found() {
    let service = TestService::start().await;

    let error = service
        .control_plane()
        .delete_api_key_credential_provider()
        .name("missing")
        .send()
        .await
        .unwrap_err()
        .into_service_error();

    assert!(matches!(
        error,
        DeleteApiKeyCredentialProviderError::ResourceNotFoundException(_)
    ));
}

#[tokio::test]
async fn api_key_provider_duplicate_is_conflict() {
    let service = TestService::start().await;
    create_api_key_provider(&service, "github", "ghp-1").await;

    let error = service
        .control_plane()
        .create_api_key_credential_provider()
        .name("github")
        .api_key("ghp-2")
        .send()
        .await
        .unwrap_err()
        .into_service_error();

    assert!(matches!(
        error,
        CreateApiKeyCredentialProviderError::ConflictException(_)
    ));
}

#[tokio::test]
async fn api_key_provider_list_paginates_up_to_100() {
    let service = TestService::start().await;
    for index in 0..7 {
        create_api_key_provider(&service, &format!("provider-{index}"), "key").await;
    }
    let client = service.control_plane();

    let names: Vec<String> = client
        .list_api_key_credential_providers()
        .max_results(3)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .into_iter()
        .map(|item| item.name().to_owned())
        .collect();
    let expected: Vec<String> = (0..7).map(|index| format!("provider-{index}")).collect();
    assert_eq!(names, expected);

    let all = client
        .list_api_key_credential_providers()
        .max_results(100)
        .send()
        .await
        .unwrap();
    assert_eq!(all.credential_providers().len(), 7);
    assert!(all.next_token().is_none());
    assert!(all.credential_providers()[0].created_time().secs() > 0);

    let error = client
        .list_api_key_credential_providers()
        .max_results(101)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_validation_exception());
}

#[tokio::test]
async fn list_rejects_token_of_other_list() {
    let service = TestService::start().await;
    for index in 0..3 {
        create_workload(&service, &format!("agent-{index}")).await;
    }
    let client = service.control_plane();
    let first = client
        .list_workload_identities()
        .max_results(1)
        .send()
        .await
        .unwrap();

    let error = client
        .list_api_key_credential_providers()
        .next_token(first.next_token().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();

    let ListApiKeyCredentialProvidersError::ValidationException(validation) = error else {
        panic!("expected ValidationException, got {error:?}");
    };
    assert_eq!(validation.field_list()[0].name(), "nextToken");
}

#[tokio::test]
async fn token_vault_is_default_with_service_managed_key() {
    let service = TestService::start().await;
    let client = service.control_plane();

    let vault = client.get_token_vault().send().await.unwrap();
    assert_eq!(vault.token_vault_id(), "default");
    assert_eq!(
        vault.kms_configuration().unwrap().key_type(),
        &KeyType::ServiceManagedKey
    );
    assert!(vault.last_modified_date().secs() > 0);

    let named = client
        .get_token_vault()
        .token_vault_id("default")
        .send()
        .await
        .unwrap();
    assert_eq!(named.token_vault_id(), "default");

    let error = client
        .get_token_vault()
        .token_vault_id("other")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(
        error,
        GetTokenVaultError::ResourceNotFoundException(_)
    ));
}
