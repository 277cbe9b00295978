//! Control plane: `CreateApiKeyCredentialProvider`, `GetApiKeyCredentialProvider`,
//! `UpdateApiKeyCredentialProvider`, `DeleteApiKeyCredentialProvider`,
//! `ListApiKeyCredentialProviders`.
//!
//! The control plane never returns a key; only `GetResourceApiKey` on the data plane does.

use rand::Rng;
use rand::distr::Alphanumeric;
use serde::Serialize;

use super::{ProviderList, Reply, SecretArn, paginate, read_page_request};
use crate::clock::{unix_millis, wire_timestamp};
use crate::error::ServiceError;
use crate::server::AppState;
use crate::store::ApiKeyProviderRecord;
use crate::validation::{Input, rules};

/// Largest `maxResults` of `ListApiKeyCredentialProviders`; the other lists allow 20.
const MAX_PAGE_SIZE: i64 = 100;
const LIST_NAME: &str = "api-key-credential-providers";

/// JSON key of the API key inside the provider's secret.
const SECRET_JSON_KEY: &str = "api_key_value";
const SECRET_SOURCE_MANAGED: &str = "MANAGED";
const SECRET_SOURCE_EXTERNAL: &str = "EXTERNAL";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderOutput {
    api_key_secret_arn: SecretArn,
    api_key_secret_json_key: &'static str,
    api_key_secret_source: &'static str,
    name: String,
    credential_provider_arn: String,
    /// Absent from the Create output.
    #[serde(skip_serializing_if = "Option::is_none")]
    created_time: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated_time: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem {
    name: String,
    credential_provider_arn: String,
    created_time: f64,
    last_updated_time: f64,
}

fn output(state: &AppState, record: &ApiKeyProviderRecord, with_times: bool) -> ProviderOutput {
    ProviderOutput {
        api_key_secret_arn: SecretArn {
            secret_arn: state
                .arns
                .api_key_secret(&record.name, &record.secret_suffix),
        },
        api_key_secret_json_key: SECRET_JSON_KEY,
        api_key_secret_source: SECRET_SOURCE_MANAGED,
        name: record.name.clone(),
        credential_provider_arn: state.arns.api_key_provider(&record.name),
        created_time: with_times.then(|| wire_timestamp(record.created_at_ms)),
        last_updated_time: with_times.then(|| wire_timestamp(record.updated_at_ms)),
    }
}

fn not_found(name: &str) -> ServiceError {
    ServiceError::not_found(format!("API key credential provider {name} does not exist"))
}

/// Reads `apiKey` and the members that would point at a caller-managed secret instead, which
/// this service cannot read.
fn read_api_key(input: &mut Input) -> String {
    if let Some(source) = input.optional_string("apiKeySecretSource", rules::ENUM_VALUE) {
        if source == SECRET_SOURCE_EXTERNAL {
            input.reject(
                "apiKeySecretSource",
                "Value at 'apiKeySecretSource' failed to satisfy constraint: EXTERNAL is not supported by the local service; pass the key in apiKey",
            );
        } else if source != SECRET_SOURCE_MANAGED {
            input.reject(
                "apiKeySecretSource",
                "Value at 'apiKeySecretSource' failed to satisfy constraint: Member must satisfy enum value set: [MANAGED, EXTERNAL]",
            );
        }
    }
    input.unsupported(
        "apiKeySecretConfig",
        "Value at 'apiKeySecretConfig' failed to satisfy constraint: secrets managed outside the vault are not supported by the local service; pass the key in apiKey",
    );
    input.required_string("apiKey", rules::API_KEY)
}

fn new_secret_suffix() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(6)
        .map(char::from)
        .collect()
}

pub(super) async fn create(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.required_string("name", rules::PROVIDER_NAME);
    let api_key = read_api_key(&mut input);
    let tags = input.optional_tags();
    input.finish()?;

    let now_ms = unix_millis(state.clock.now());
    let record = ApiKeyProviderRecord {
        name: name.clone(),
        secret_suffix: new_secret_suffix(),
        created_at_ms: now_ms,
        updated_at_ms: now_ms,
    };
    let inserted = state
        .store
        .insert_api_key_provider(record.clone(), api_key.into(), tags)
        .await
        .map_err(ServiceError::from_control_store)?;
    if !inserted {
        return Err(ServiceError::conflict(format!(
            "API key credential provider {name} already exists"
        )));
    }

    tracing::debug!(provider = %name, "created API key credential provider");
    Ok(Reply::created(&output(state, &record, false)))
}

pub(super) async fn get(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.required_string("name", rules::PROVIDER_NAME);
    input.finish()?;

    let record = state
        .store
        .get_api_key_provider(name.clone())
        .await
        .map_err(ServiceError::from_control_store)?;
    let record = record.ok_or_else(|| not_found(&name))?;
    Ok(Reply::ok(&output(state, &record, true)))
}

pub(super) async fn update(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.required_string("name", rules::PROVIDER_NAME);
    let api_key = read_api_key(&mut input);
    input.finish()?;

    let now_ms = unix_millis(state.clock.now());
    let record = state
        .store
        .update_api_key(name.clone(), api_key.into(), now_ms)
        .await
        .map_err(ServiceError::from_control_store)?;
    let record = record.ok_or_else(|| not_found(&name))?;

    tracing::debug!(provider = %name, "updated API key credential provider");
    Ok(Reply::ok(&output(state, &record, true)))
}

pub(super) async fn delete(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.required_string("name", rules::PROVIDER_NAME);
    input.finish()?;

    if !state.store.delete_api_key_provider(name.clone()).await? {
        return Err(not_found(&name));
    }
    tracing::debug!(provider = %name, "deleted API key credential provider");
    Ok(Reply::NoContent)
}

pub(super) async fn list(state: &AppState, input: Input) -> Result<Reply, ServiceError> {
    let page = read_page_request(input, LIST_NAME, MAX_PAGE_SIZE)?;

    let records = state
        .store
        .list_api_key_providers(page.after, page.max_results + 1)
        .await?;
    let (records, next_token) = paginate(records, page.max_results, LIST_NAME, |record| {
        record.name.as_str()
    });

    let credential_providers = records
        .into_iter()
        .map(|record| ListItem {
            credential_provider_arn: state.arns.api_key_provider(&record.name),
            created_time: wire_timestamp(record.created_at_ms),
            last_updated_time: wire_timestamp(record.updated_at_ms),
            name: record.name,
        })
        .collect();
    Ok(Reply::ok(&ProviderList {
        credential_providers,
        next_token,
    }))
}
