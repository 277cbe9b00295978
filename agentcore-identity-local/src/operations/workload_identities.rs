//! Control plane: `CreateWorkloadIdentity`, `GetWorkloadIdentity`, `UpdateWorkloadIdentity`,
//! `DeleteWorkloadIdentity`, `ListWorkloadIdentities`.

use serde::Serialize;

use super::{Reply, paginate, read_page_request};
use crate::clock::{unix_millis, wire_timestamp};
use crate::error::ServiceError;
use crate::server::AppState;
use crate::store::WorkloadIdentityRecord;
use crate::validation::{Input, rules};

/// Largest `maxResults` of `ListWorkloadIdentities`.
const MAX_PAGE_SIZE: i64 = 20;
const LIST_NAME: &str = "workload-identities";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOutput<'a> {
    name: &'a str,
    workload_identity_arn: String,
    allowed_resource_oauth2_return_urls: &'a [String],
}

/// Output of Get and Update.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DetailsOutput<'a> {
    name: &'a str,
    workload_identity_arn: String,
    allowed_resource_oauth2_return_urls: &'a [String],
    created_time: f64,
    last_updated_time: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListOutput {
    workload_identities: Vec<ListItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem {
    name: String,
    workload_identity_arn: String,
}

fn details(state: &AppState, record: &WorkloadIdentityRecord) -> Reply {
    Reply::ok(&DetailsOutput {
        name: &record.name,
        workload_identity_arn: state.arns.workload_identity(&record.name),
        allowed_resource_oauth2_return_urls: &record.allowed_return_urls,
        created_time: wire_timestamp(record.created_at_ms),
        last_updated_time: wire_timestamp(record.updated_at_ms),
    })
}

fn not_found(name: &str) -> ServiceError {
    ServiceError::not_found(format!("workload identity {name} does not exist"))
}

pub(super) async fn create(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.required_string("name", rules::WORKLOAD_NAME);
    let return_urls = input
        .optional_string_list("allowedResourceOauth2ReturnUrls", rules::RETURN_URL)
        .unwrap_or_default();
    let tags = input.optional_tags();
    input.finish()?;

    let now_ms = unix_millis(state.clock.now());
    let record = WorkloadIdentityRecord {
        name: name.clone(),
        id: uuid::Uuid::new_v4().to_string(),
        allowed_return_urls: return_urls,
        tags,
        created_at_ms: now_ms,
        updated_at_ms: now_ms,
    };
    if !state.store.insert_workload_identity(record.clone()).await? {
        return Err(ServiceError::conflict(format!(
            "workload identity {name} already exists"
        )));
    }

    tracing::debug!(workload = %name, "created workload identity");
    Ok(Reply::created(&CreateOutput {
        name: &record.name,
        workload_identity_arn: state.arns.workload_identity(&record.name),
        allowed_resource_oauth2_return_urls: &record.allowed_return_urls,
    }))
}

pub(super) async fn get(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.required_string("name", rules::WORKLOAD_NAME);
    input.finish()?;

    let record = state.store.get_workload_identity(name.clone()).await?;
    let record = record.ok_or_else(|| not_found(&name))?;
    Ok(details(state, &record))
}

/// Replaces the allowed return URLs; an absent list replaces them with none.
pub(super) async fn update(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.required_string("name", rules::WORKLOAD_NAME);
    let return_urls = input
        .optional_string_list("allowedResourceOauth2ReturnUrls", rules::RETURN_URL)
        .unwrap_or_default();
    input.finish()?;

    let now_ms = unix_millis(state.clock.now());
    let record = state
        .store
        .update_workload_identity(name.clone(), return_urls, now_ms)
        .await?;
    let record = record.ok_or_else(|| not_found(&name))?;

    tracing::debug!(workload = %name, "updated workload identity");
    Ok(details(state, &record))
}

pub(super) async fn delete(state: &AppState, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.required_string("name", rules::WORKLOAD_NAME);
    input.finish()?;

    if !state.store.delete_workload_identity(name.clone()).await? {
        return Err(not_found(&name));
    }
    tracing::debug!(workload = %name, "deleted workload identity");
    Ok(Reply::NoContent)
}

pub(super) async fn list(state: &AppState, input: Input) -> Result<Reply, ServiceError> {
    let page = read_page_request(input, LIST_NAME, MAX_PAGE_SIZE)?;

    let records = state
        .store
        .list_workload_identities(page.after, page.max_results + 1)
        .await?;
    let (records, next_token) = paginate(records, page.max_results, LIST_NAME, |record| {
        record.name.as_str()
    });

    let workload_identities = records
        .into_iter()
        .map(|record| ListItem {
            workload_identity_arn: state.arns.workload_identity(&record.name),
            name: record.name,
        })
        .collect();
    Ok(Reply::ok(&ListOutput {
        workload_identities,
        next_token,
    }))
}
