//! Control plane: `CreateOauth2CredentialProvider`, `GetOauth2CredentialProvider`,
//! `UpdateOauth2CredentialProvider`, `DeleteOauth2CredentialProvider`,
//! `ListOauth2CredentialProviders`.
//!
//! The control plane never returns the client secret.

use rand::Rng;
use rand::distr::Alphanumeric;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{ProviderList, Reply, SecretArn, paginate, read_page_request};
use crate::clock::{unix_millis, wire_timestamp};
use crate::error::ServiceError;
use crate::provider_config::read_provider_input;
use crate::server::AppState;
use crate::store::Oauth2ProviderRecord;
use crate::validation::{Input, rules};

/// Largest `maxResults` of `ListOauth2CredentialProviders`.
const MAX_PAGE_SIZE: i64 = 20;
const LIST_NAME: &str = "oauth2-credential-providers";

/// JSON key of the client secret inside the provider's secret.
// NOTE: the real service's key name is not in the model; this one is a guess.
const SECRET_JSON_KEY: &str = "client_secret";
const SECRET_SOURCE_MANAGED: &str = "MANAGED";

/// `status` of every provider: configuration takes effect at once.
const STATUS_READY: &str = "READY";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderOutput {
    client_secret_arn: SecretArn,
    client_secret_json_key: &'static str,
    client_secret_source: &'static str,
    name: String,
    credential_provider_arn: String,
    /// Absent from the Create output.
    #[serde(skip_serializing_if = "Option::is_none")]
    credential_provider_vendor: Option<String>,
    callback_url: String,
    oauth2_provider_config_output: Map<String, Value>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_time: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated_time: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem {
    name: String,
    credential_provider_vendor: String,
    credential_provider_arn: String,
    created_time: f64,
    last_updated_time: f64,
}

/// Returns the URL of the service's callback for this provider, which the app registered
/// with the vendor must allow as a redirect URI.
pub(crate) fn callback_url(state: &AppState, record: &Oauth2ProviderRecord) -> String {
    format!(
        "{}/identities/oauth2/callback/{}",
        state.public_url, record.callback_id
    )
}

fn output(state: &AppState, record: &Oauth2ProviderRecord, details: bool) -> ProviderOutput {
    let member = crate::vendors::find(&record.vendor)
        .map_or("customOauth2ProviderConfig", |vendor| vendor.config_member);
    let config = serde_json::to_value(&record.config).expect("provider config serializes");
    let mut union = Map::new();
    union.insert(member.to_owned(), config);

    ProviderOutput {
        client_secret_arn: SecretArn {
            secret_arn: state
                .arns
                .oauth2_client_secret(&record.name, &record.secret_suffix),
        },
        client_secret_json_key: SECRET_JSON_KEY,
        client_secret_source: SECRET_SOURCE_MANAGED,
        name: record.name.clone(),
        credential_provider_arn: state.arns.oauth2_provider(&record.name),
        credential_provider_vendor: details.then(|| record.vendor.clone()),
        callback_url: callback_url(state, record),
        oauth2_provider_config_output: union,
        status: STATUS_READY,
        created_time: details.then(|| wire_timestamp(record.created_at_ms)),
        last_updated_time: details.then(|| wire_timestamp(record.updated_at_ms)),
    }
}

fn not_found(name: &str) -> ServiceError {
    ServiceError::not_found(format!("OAuth2 credential provider {name} does not exist"))
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
    let provider = read_provider_input(&mut input);
    let tags = input.optional_tags();
    input.finish()?;
    let provider = provider.ok_or_else(|| ServiceError::internal("provider input was not read"))?;

    let now_ms = unix_millis(state.clock.now());
    let record = Oauth2ProviderRecord {
        name: name.clone(),
        vendor: provider.vendor.name.to_owned(),
        config: provider.config,
        secret_suffix: new_secret_suffix(),
        callback_id: uuid::Uuid::new_v4().to_string(),
        created_at_ms: now_ms,
        updated_at_ms: now_ms,
    };
    let inserted = state
        .store
        .insert_oauth2_provider(record.clone(), provider.client_secret, tags)
        .await
        .map_err(ServiceError::from_control_store)?;
    if !inserted {
        return Err(ServiceError::conflict(format!(
            "OAuth2 credential provider {name} already exists"
        )));
    }

    tracing::debug!(provider = %name, vendor = %record.vendor, "created OAuth2 credential provider");
    Ok(Reply::created(&output(state, &record, false)))
}

pub(super) async fn get(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.required_string("name", rules::PROVIDER_NAME);
    input.finish()?;

    let record = state
        .store
        .get_oauth2_provider(name.clone())
        .await
        .map_err(ServiceError::from_control_store)?;
    let record = record.ok_or_else(|| not_found(&name))?;
    Ok(Reply::ok(&output(state, &record, true)))
}

/// Replaces the vendor, the configuration and the secret. Tokens and authorization sessions
/// obtained under the old configuration are dropped, because they may come from another
/// authorization server or client.
pub(super) async fn update(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.required_string("name", rules::PROVIDER_NAME);
    let provider = read_provider_input(&mut input);
    input.finish()?;
    let provider = provider.ok_or_else(|| ServiceError::internal("provider input was not read"))?;

    let now_ms = unix_millis(state.clock.now());
    let record = state
        .store
        .update_oauth2_provider(
            name.clone(),
            provider.vendor.name.to_owned(),
            provider.config,
            provider.client_secret,
            now_ms,
        )
        .await
        .map_err(ServiceError::from_control_store)?;
    let record = record.ok_or_else(|| not_found(&name))?;

    tracing::debug!(provider = %name, vendor = %record.vendor, "updated OAuth2 credential provider");
    Ok(Reply::ok(&output(state, &record, true)))
}

pub(super) async fn delete(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.required_string("name", rules::PROVIDER_NAME);
    input.finish()?;

    if !state.store.delete_oauth2_provider(name.clone()).await? {
        return Err(not_found(&name));
    }
    tracing::debug!(provider = %name, "deleted OAuth2 credential provider");
    Ok(Reply::NoContent)
}

pub(super) async fn list(state: &AppState, input: Input) -> Result<Reply, ServiceError> {
    let page = read_page_request(input, LIST_NAME, MAX_PAGE_SIZE)?;

    let records = state
        .store
        .list_oauth2_providers(page.after, page.max_results + 1)
        .await
        .map_err(ServiceError::from_control_store)?;
    let (records, next_token) = paginate(records, page.max_results, LIST_NAME, |record| {
        record.name.as_str()
    });

    let credential_providers = records
        .into_iter()
        .map(|record| ListItem {
            credential_provider_arn: state.arns.oauth2_provider(&record.name),
            created_time: wire_timestamp(record.created_at_ms),
            last_updated_time: wire_timestamp(record.updated_at_ms),
            credential_provider_vendor: record.vendor,
            name: record.name,
        })
        .collect();
    Ok(Reply::ok(&ProviderList {
        credential_providers,
        next_token,
    }))
}
