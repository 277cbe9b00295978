//! Plain descriptions of control-plane resources, independent of the SDK's types.

use std::time::SystemTime;

use aws_sdk_bedrockagentcorecontrol::operation::create_api_key_credential_provider::CreateApiKeyCredentialProviderOutput;
use aws_sdk_bedrockagentcorecontrol::operation::create_workload_identity::CreateWorkloadIdentityOutput;
use aws_sdk_bedrockagentcorecontrol::operation::get_api_key_credential_provider::GetApiKeyCredentialProviderOutput;
use aws_sdk_bedrockagentcorecontrol::operation::get_workload_identity::GetWorkloadIdentityOutput;
use aws_sdk_bedrockagentcorecontrol::operation::update_workload_identity::UpdateWorkloadIdentityOutput;
use aws_sdk_bedrockagentcorecontrol::types::ApiKeyCredentialProviderItem;
use aws_smithy_types::DateTime;

/// A workload identity: the identity an agent acts as towards the token vault.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkloadIdentity {
    /// Name of the workload identity.
    pub name: String,
    /// ARN of the workload identity.
    pub arn: String,
    /// URLs the OAuth2 user-federation flow may send users back to.
    pub allowed_return_urls: Vec<String>,
    /// Creation time, when the service reports it.
    pub created_time: Option<SystemTime>,
}

impl WorkloadIdentity {
    pub(crate) fn from_create(output: &CreateWorkloadIdentityOutput) -> Self {
        WorkloadIdentity {
            name: output.name().to_owned(),
            arn: output.workload_identity_arn().to_owned(),
            allowed_return_urls: output.allowed_resource_oauth2_return_urls().to_vec(),
            created_time: None,
        }
    }

    pub(crate) fn from_get(output: &GetWorkloadIdentityOutput) -> Self {
        WorkloadIdentity {
            name: output.name().to_owned(),
            arn: output.workload_identity_arn().to_owned(),
            allowed_return_urls: output.allowed_resource_oauth2_return_urls().to_vec(),
            created_time: system_time(output.created_time()),
        }
    }

    pub(crate) fn from_update(output: &UpdateWorkloadIdentityOutput) -> Self {
        WorkloadIdentity {
            name: output.name().to_owned(),
            arn: output.workload_identity_arn().to_owned(),
            allowed_return_urls: output.allowed_resource_oauth2_return_urls().to_vec(),
            created_time: system_time(output.created_time()),
        }
    }
}

/// An API-key credential provider. The key itself is only ever returned by
/// [`IdentityClient::get_resource_api_key`](crate::IdentityClient::get_resource_api_key).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiKeyCredentialProvider {
    /// Name of the provider.
    pub name: String,
    /// ARN of the provider.
    pub arn: String,
    /// ARN of the secret that keeps the key, when the service reports it.
    pub secret_arn: Option<String>,
    /// Creation time, when the service reports it.
    pub created_time: Option<SystemTime>,
}

impl ApiKeyCredentialProvider {
    pub(crate) fn from_create(output: &CreateApiKeyCredentialProviderOutput) -> Self {
        ApiKeyCredentialProvider {
            name: output.name().to_owned(),
            arn: output.credential_provider_arn().to_owned(),
            secret_arn: output
                .api_key_secret_arn()
                .map(|secret| secret.secret_arn().to_owned()),
            created_time: None,
        }
    }

    pub(crate) fn from_get(output: &GetApiKeyCredentialProviderOutput) -> Self {
        ApiKeyCredentialProvider {
            name: output.name().to_owned(),
            arn: output.credential_provider_arn().to_owned(),
            secret_arn: output
                .api_key_secret_arn()
                .map(|secret| secret.secret_arn().to_owned()),
            created_time: system_time(output.created_time()),
        }
    }

    pub(crate) fn from_item(item: &ApiKeyCredentialProviderItem) -> Self {
        ApiKeyCredentialProvider {
            name: item.name().to_owned(),
            arn: item.credential_provider_arn().to_owned(),
            secret_arn: None,
            created_time: system_time(item.created_time()),
        }
    }
}

/// Converts a service timestamp; the SDK fills a missing one with the epoch, read here as none.
pub(crate) fn system_time(time: &DateTime) -> Option<SystemTime> {
    if time.secs() == 0 && time.subsec_nanos() == 0 {
        return None;
    }
    SystemTime::try_from(*time).ok()
}

/// An OAuth2 credential provider. Its client secret is never returned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Oauth2CredentialProvider {
    /// Name of the provider.
    pub name: String,
    /// ARN of the provider.
    pub arn: String,
    /// The vendor, such as `GithubOauth2` or `CustomOauth2`.
    pub vendor: String,
    /// The redirect URL to register with the vendor's OAuth2 application, when reported.
    pub callback_url: Option<String>,
    /// The provider's status, such as `READY`, when reported.
    pub status: Option<String>,
    /// Creation time, when the service reports it.
    pub created_time: Option<SystemTime>,
}
