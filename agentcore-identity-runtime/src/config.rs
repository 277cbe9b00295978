//! Configuration of an [`IdentityClient`]: region, endpoints, credentials and the workload identity.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use aws_config::BehaviorVersion;
use aws_config::ecs::EcsCredentialsProvider;
use aws_config::environment::credentials::EnvironmentVariableCredentialsProvider;
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::meta::region::ProvideRegion;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::profile::ProfileFileRegionProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::web_identity_token::WebIdentityTokenCredentialsProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_types::region::Region;
use secrecy::SecretString;

use crate::client::{Inner, Settings};
use crate::{Error, IdentityClient};

/// Region used when neither the environment nor the shared AWS config names one.
pub const DEFAULT_REGION: &str = "us-west-2";

/// Environment variable naming the workload identity used outside AgentCore Runtime.
pub const WORKLOAD_IDENTITY_ENV: &str = "AGENTCORE_WORKLOAD_IDENTITY";

/// Environment variable naming the user on whose behalf the workload identity acts.
pub const USER_ID_ENV: &str = "AGENTCORE_USER_ID";

/// Default path of the local-development file, relative to the working directory.
pub const LOCAL_CONFIG_FILE: &str = ".agentcore.json";

/// Reads an environment variable; replaced in unit tests.
pub(crate) type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

fn process_env() -> EnvLookup {
    Arc::new(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
}

/// Builds an [`IdentityClient`]. Every setting has a default taken from the environment.
///
/// ```no_run
/// use agentcore_identity_runtime::{Credentials, IdentityClient};
///
/// # async fn demo() -> Result<(), agentcore_identity_runtime::Error> {
/// let client = IdentityClient::builder()
///     .region("us-east-1")
///     .endpoint_url("http://127.0.0.1:8787")
///     .credentials(Credentials::new("AKIDLOCAL", "local-secret", None, None, "local"))
///     .workload_identity("my-agent")
///     .user_id("alice")
///     .build()
///     .await?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Default)]
pub struct IdentityClientBuilder {
    region: Option<String>,
    data_plane_endpoint: Option<String>,
    control_plane_endpoint: Option<String>,
    sts_endpoint: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
    workload_identity: Option<String>,
    user_id: Option<String>,
    user_token: Option<SecretString>,
    local_config_path: Option<PathBuf>,
    local_development: Option<bool>,
    in_container: Option<bool>,
    env: Option<EnvLookup>,
}

impl fmt::Debug for IdentityClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityClientBuilder")
            .field("region", &self.region)
            .field("data_plane_endpoint", &self.data_plane_endpoint)
            .field("control_plane_endpoint", &self.control_plane_endpoint)
            .field("sts_endpoint", &self.sts_endpoint)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "[provider]"),
            )
            .field("workload_identity", &self.workload_identity)
            .field("user_id", &self.user_id)
            .field(
                "user_token",
                &self.user_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("local_config_path", &self.local_config_path)
            .field("local_development", &self.local_development)
            .field("in_container", &self.in_container)
            .finish()
    }
}

impl IdentityClientBuilder {
    /// Sets the AWS region.
    ///
    /// Default: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the region of the shared AWS
    /// config profile, then `us-west-2`. Instance metadata is never asked. The name must look
    /// like `us-east-1`; anything else makes [`build`](Self::build) fail with
    /// [`Error::InvalidRegion`] before any request is sent.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets the endpoint of both the data plane and the control plane, such as the URL of a
    /// local Identity service.
    ///
    /// Default: the AWS SDK's endpoint resolution (`AWS_ENDPOINT_URL_BEDROCK_AGENTCORE`,
    /// `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL`, `AWS_ENDPOINT_URL`, the shared config, then
    /// the regional AWS endpoint). A value set here wins over all of those.
    pub fn endpoint_url(self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.data_plane_endpoint_url(url.clone())
            .control_plane_endpoint_url(url)
    }

    /// Sets the data-plane (`bedrock-agentcore`) endpoint alone. Default: as for
    /// [`endpoint_url`](Self::endpoint_url).
    pub fn data_plane_endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.data_plane_endpoint = Some(url.into());
        self
    }

    /// Sets the control-plane (`bedrock-agentcore-control`) endpoint alone. Default: as for
    /// [`endpoint_url`](Self::endpoint_url).
    pub fn control_plane_endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.control_plane_endpoint = Some(url.into());
        self
    }

    /// Sets the STS endpoint used for IAM access tokens, such as the URL of a local Identity
    /// service, which also serves `GetWebIdentityToken`. Default: the AWS SDK's endpoint
    /// resolution (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the shared config, then the
    /// regional STS endpoint). Not changed by [`endpoint_url`](Self::endpoint_url).
    pub fn sts_endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.sts_endpoint = Some(url.into());
        self
    }

    /// Sets the AWS credentials, such as static ones for a local service.
    ///
    /// Default: environment variables, then the shared config and credentials files (SSO,
    /// assumed roles, `credential_process`), then a web identity token, then ECS/EKS container
    /// credentials. The EC2 instance metadata service is never asked, also not by a profile's
    /// `credential_source = Ec2InstanceMetadata`.
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// Names the workload identity to act as when the request context has no workload access
    /// token. Default: the `AGENTCORE_WORKLOAD_IDENTITY` environment variable.
    pub fn workload_identity(mut self, name: impl Into<String>) -> Self {
        self.workload_identity = Some(name.into());
        self
    }

    /// Sets the user on whose behalf the named workload identity acts.
    /// Default: the `AGENTCORE_USER_ID` environment variable.
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// Sets the user's JWT, exchanged for a workload access token of the named workload
    /// identity. Wins over [`user_id`](Self::user_id). Default: none.
    pub fn user_token(mut self, token: SecretString) -> Self {
        self.user_token = Some(token);
        self
    }

    /// Sets the path of the local-development file. Default: `.agentcore.json` in the working
    /// directory at the time of the call.
    pub fn local_config_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.local_config_path = Some(path.into());
        self
    }

    /// Allows or forbids local-development setup: creating a workload identity and a user id
    /// and keeping them in `.agentcore.json`. Default: allowed.
    pub fn local_development(mut self, allowed: bool) -> Self {
        self.local_development = Some(allowed);
        self
    }

    /// Tells whether the agent runs inside a container, where local-development setup never
    /// happens. Default: whether the `DOCKER_CONTAINER` environment variable is `1`.
    pub fn in_container(mut self, in_container: bool) -> Self {
        self.in_container = Some(in_container);
        self
    }

    #[cfg(test)]
    pub(crate) fn env(mut self, env: EnvLookup) -> Self {
        self.env = Some(env);
        self
    }

    /// Resolves the settings, loads the AWS configuration and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRegion`] for a malformed region, [`Error::InvalidConfig`] for an
    /// endpoint that is not an `http` or `https` URL.
    pub async fn build(self) -> Result<IdentityClient, Error> {
        crate::dispatch::run("building the identity client", self.build_here()).await?
    }

    async fn build_here(self) -> Result<IdentityClient, Error> {
        let env = self.env.clone().unwrap_or_else(process_env);
        let region = match self.region {
            Some(region) => region,
            None => resolve_region(env.as_ref(), profile_region().await),
        };
        validate_region(&region)?;
        let region = Region::new(region);

        let data_plane_endpoint = self
            .data_plane_endpoint
            .or_else(|| configured_endpoint(env.as_ref(), "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE"));
        let control_plane_endpoint = self.control_plane_endpoint.or_else(|| {
            configured_endpoint(env.as_ref(), "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL")
        });
        let sts_endpoint = self.sts_endpoint;
        for url in [&data_plane_endpoint, &control_plane_endpoint, &sts_endpoint]
            .into_iter()
            .flatten()
        {
            validate_endpoint(url)?;
        }

        let credentials = match self.credentials {
            Some(credentials) => credentials,
            None => default_credentials(&region),
        };
        let sdk_config = aws_config::defaults(BehaviorVersion::latest())
            .region(region.clone())
            .credentials_provider(credentials)
            .load()
            .await;

        let mut data_config = aws_sdk_bedrockagentcore::config::Builder::from(&sdk_config);
        if let Some(url) = &data_plane_endpoint {
            data_config = data_config.endpoint_url(url);
        }
        let mut control_config =
            aws_sdk_bedrockagentcorecontrol::config::Builder::from(&sdk_config);
        if let Some(url) = &control_plane_endpoint {
            control_config = control_config.endpoint_url(url);
        }

        let mut sts_config = aws_sdk_sts::config::Builder::from(&sdk_config);
        if let Some(url) = &sts_endpoint {
            sts_config = sts_config.endpoint_url(url);
        }

        let settings = Settings {
            region: region.to_string(),
            data_plane_endpoint,
            control_plane_endpoint,
            workload_identity: self
                .workload_identity
                .or_else(|| env(WORKLOAD_IDENTITY_ENV)),
            user_id: self.user_id.or_else(|| env(USER_ID_ENV)),
            user_token: self.user_token,
            local_config_path: self
                .local_config_path
                .unwrap_or_else(|| PathBuf::from(LOCAL_CONFIG_FILE)),
            local_development: self.local_development.unwrap_or(true),
            in_container: self
                .in_container
                .unwrap_or_else(|| env("DOCKER_CONTAINER").as_deref() == Some("1")),
        };
        Ok(IdentityClient::from_inner(Inner::new(
            aws_sdk_bedrockagentcore::Client::from_conf(data_config.build()),
            aws_sdk_bedrockagentcorecontrol::Client::from_conf(control_config.build()),
            aws_sdk_sts::Client::from_conf(sts_config.build()),
            settings,
        )))
    }
}

/// Picks the region from the environment, then the shared profile, then the default.
pub(crate) fn resolve_region(
    env: &(dyn Fn(&str) -> Option<String> + Send + Sync),
    profile_region: Option<String>,
) -> String {
    env("AWS_REGION")
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .or(profile_region)
        .unwrap_or_else(|| DEFAULT_REGION.to_owned())
}

async fn profile_region() -> Option<String> {
    ProfileFileRegionProvider::new()
        .region()
        .await
        .map(|region| region.to_string())
}

/// Checks that `region` matches `^[a-z]{2}(-[a-z]+)+-\d+$`, as in `us-east-1` or `us-gov-west-1`.
pub(crate) fn validate_region(region: &str) -> Result<(), Error> {
    let invalid = || Error::InvalidRegion {
        region: region.to_owned(),
    };
    let parts: Vec<&str> = region.split('-').collect();
    let [country, words @ .., number] = parts.as_slice() else {
        return Err(invalid());
    };
    let is_lower_word =
        |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase());
    let well_formed = country.len() == 2
        && is_lower_word(country)
        && !words.is_empty()
        && words.iter().all(|word| is_lower_word(word))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit());
    if well_formed { Ok(()) } else { Err(invalid()) }
}

fn validate_endpoint(url: &str) -> Result<(), Error> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(Error::InvalidConfig {
            message: format!("endpoint `{url}` is not an http:// or https:// URL"),
        })
    }
}

/// Reads the endpoint the AWS SDK would take from the environment, honouring
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`. Endpoints in the shared config file are not read here.
fn configured_endpoint(
    env: &(dyn Fn(&str) -> Option<String> + Send + Sync),
    service_variable: &str,
) -> Option<String> {
    if env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return None;
    }
    env(service_variable).or_else(|| env("AWS_ENDPOINT_URL"))
}

/// Builds the AWS default credential chain without the EC2 instance metadata service.
fn default_credentials(region: &Region) -> SharedCredentialsProvider {
    let provider_config = ProviderConfig::without_region().with_region(Some(region.clone()));
    let profile = ProfileFileCredentialsProvider::builder()
        .configure(&provider_config)
        .with_custom_provider("Ec2InstanceMetadata", NoInstanceMetadata)
        .build();
    let chain = CredentialsProviderChain::first_try(
        "Environment",
        EnvironmentVariableCredentialsProvider::new(),
    )
    .or_else("Profile", profile)
    .or_else(
        "WebIdentityToken",
        WebIdentityTokenCredentialsProvider::builder()
            .configure(&provider_config)
            .build(),
    )
    .or_else(
        "EcsContainer",
        EcsCredentialsProvider::builder()
            .configure(&provider_config)
            .build(),
    );
    SharedCredentialsProvider::new(chain)
}

/// Stands in for the instance-metadata credential source that a profile may name.
#[derive(Debug)]
struct NoInstanceMetadata;

impl ProvideCredentials for NoInstanceMetadata {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
            "agentcore-identity never reads credentials from the EC2 instance metadata service; use environment variables, a profile or container credentials",
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> EnvLookup {
        Arc::new(move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn region_prefers_aws_region() {
        let env = env_of(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "us-east-2"),
        ]);
        assert_eq!(
            resolve_region(env.as_ref(), Some("ap-south-1".into())),
            "eu-west-1"
        );
    }

    #[test]
    fn region_falls_back_to_default_region_variable() {
        let env = env_of(&[("AWS_DEFAULT_REGION", "us-east-2")]);
        assert_eq!(
            resolve_region(env.as_ref(), Some("ap-south-1".into())),
            "us-east-2"
        );
    }

    #[test]
    fn region_falls_back_to_profile_then_default() {
        let env = env_of(&[]);
        assert_eq!(
            resolve_region(env.as_ref(), Some("ap-south-1".into())),
            "ap-south-1"
        );
        assert_eq!(resolve_region(env.as_ref(), None), DEFAULT_REGION);
    }

    #[test]
    fn region_validation_accepts_aws_names() {
        for region in [
            "us-east-1",
            "us-gov-west-1",
            "ap-southeast-2",
            "eu-central-12",
        ] {
            assert!(
                validate_region(region).is_ok(),
                "{region} should be accepted"
            );
        }
    }

    #[test]
    fn region_validation_rejects_malformed_names() {
        let rejected = [
            "",
            "us",
            "us-east",
            "US-EAST-1",
            "us-east-1a",
            "useast1",
            "u-east-1",
            "usa-east-1",
            "us--1",
            "us-east-1/../x",
            "us-east-1 ",
            "us-east-",
        ];
        for region in rejected {
            assert!(
                matches!(validate_region(region), Err(Error::InvalidRegion { .. })),
                "{region:?} should be rejected"
            );
        }
    }

    #[test]
    fn endpoint_variables_are_ignored_when_asked() {
        let env = env_of(&[
            ("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", "http://127.0.0.1:1"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ]);
        assert_eq!(
            configured_endpoint(env.as_ref(), "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE"),
            None
        );
    }

    #[test]
    fn endpoint_falls_back_to_global_variable() {
        let env = env_of(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:2")]);
        let endpoint =
            configured_endpoint(env.as_ref(), "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL");
        assert_eq!(endpoint.as_deref(), Some("http://127.0.0.1:2"));
    }

    #[tokio::test]
    async fn builder_reads_identity_variables() {
        let env = env_of(&[
            (WORKLOAD_IDENTITY_ENV, "env-agent"),
            (USER_ID_ENV, "env-user"),
            ("DOCKER_CONTAINER", "1"),
        ]);
        let client = IdentityClient::builder()
            .env(env)
            .region("us-east-1")
            .endpoint_url("http://127.0.0.1:9")
            .credentials(crate::Credentials::new("a", "b", None, None, "test"))
            .build()
            .await
            .unwrap();
        let settings = client.settings();
        assert_eq!(settings.workload_identity.as_deref(), Some("env-agent"));
        assert_eq!(settings.user_id.as_deref(), Some("env-user"));
        assert!(settings.in_container);
    }

    #[tokio::test]
    async fn builder_rejects_malformed_region_before_any_request() {
        let result = IdentityClient::builder()
            .env(env_of(&[]))
            .region("not a region")
            .build()
            .await;
        assert!(matches!(result, Err(Error::InvalidRegion { region }) if region == "not a region"));
    }
}
