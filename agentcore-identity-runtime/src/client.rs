//! The identity client: AgentCore Identity data-plane and control-plane operations.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::OnceCell;
use tracing::Instrument;

use crate::context::{scoped_client, with_client};
use crate::local_dev::LocalIdentity;
use crate::types::{ApiKeyCredentialProvider, WorkloadIdentity};
use crate::{Error, IdentityClientBuilder, RequestContext, dispatch};

/// Logging target of this crate.
pub(crate) const TARGET: &str = "agentcore_identity";

/// Resolved settings of a client.
pub(crate) struct Settings {
    pub(crate) region: String,
    pub(crate) data_plane_endpoint: Option<String>,
    pub(crate) control_plane_endpoint: Option<String>,
    pub(crate) workload_identity: Option<String>,
    pub(crate) user_id: Option<String>,
    pub(crate) user_token: Option<SecretString>,
    pub(crate) local_config_path: PathBuf,
    pub(crate) local_development: bool,
    pub(crate) in_container: bool,
}

pub(crate) struct Inner {
    data: aws_sdk_bedrockagentcore::Client,
    control: aws_sdk_bedrockagentcorecontrol::Client,
    sts: aws_sdk_sts::Client,
    settings: Settings,
    local_identity: OnceCell<LocalIdentity>,
}

impl Inner {
    pub(crate) fn new(
        data: aws_sdk_bedrockagentcore::Client,
        control: aws_sdk_bedrockagentcorecontrol::Client,
        sts: aws_sdk_sts::Client,
        settings: Settings,
    ) -> Self {
        Inner {
            data,
            control,
            sts,
            settings,
            local_identity: OnceCell::new(),
        }
    }
}

/// A client of the AgentCore Identity service, cheap to clone.
///
/// Annotated functions use the client set with [`IdentityClient::scope`] or, outside any scope,
/// the process-wide [`IdentityClient::shared`] client built from the environment. Every call
/// runs on a small runtime owned by this crate, so one client works from any tokio runtime,
/// one after another or at once, and from threads with no runtime.
///
/// ```no_run
/// use agentcore_identity_runtime::{IdentityClient, SecretString};
///
/// # async fn demo() -> Result<(), agentcore_identity_runtime::Error> {
/// let client = IdentityClient::builder().workload_identity("my-agent").user_id("alice").build().await?;
/// let api_key: SecretString = client.api_key("openai-apikey-provider").await?;
/// # let _ = api_key;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct IdentityClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for IdentityClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.inner.settings;
        f.debug_struct("IdentityClient")
            .field("region", &settings.region)
            .field("data_plane_endpoint", &settings.data_plane_endpoint)
            .field("control_plane_endpoint", &settings.control_plane_endpoint)
            .field("workload_identity", &settings.workload_identity)
            .finish_non_exhaustive()
    }
}

macro_rules! call {
    ($operation:literal, $future:expr) => {
        dispatch::run($operation, $future)
            .instrument(tracing::debug_span!(target: TARGET, "agentcore_identity_call", operation = $operation))
    };
}

impl IdentityClient {
    /// Starts a builder whose unset settings come from the environment.
    pub fn builder() -> IdentityClientBuilder {
        IdentityClientBuilder::default()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        IdentityClient {
            inner: Arc::new(inner),
        }
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Returns the process-wide client, building it from the environment on first use.
    ///
    /// # Errors
    ///
    /// The errors of [`IdentityClientBuilder::build`]; a failed build is retried on the next call.
    pub async fn shared() -> Result<IdentityClient, Error> {
        shared_cell()
            .get_or_try_init(|| IdentityClientBuilder::default().build())
            .await
            .cloned()
    }

    /// Makes `client` the process-wide client returned by [`IdentityClient::shared`].
    ///
    /// # Errors
    ///
    /// Gives the client back if the process-wide client was already set or built.
    pub fn set_shared(client: IdentityClient) -> Result<(), IdentityClient> {
        shared_cell().set(client).map_err(|error| match error {
            tokio::sync::SetError::AlreadyInitializedError(client)
            | tokio::sync::SetError::InitializingError(client) => client,
        })
    }

    /// Returns the client of annotated functions here: the scoped one, else the shared one.
    pub(crate) async fn current() -> Result<IdentityClient, Error> {
        match scoped_client() {
            Some(client) => Ok(client),
            None => Self::shared().await,
        }
    }

    /// Runs `future` with this client as the one annotated functions use.
    ///
    /// ```no_run
    /// use agentcore_identity_runtime::{IdentityClient, SecretString, requires_api_key};
    ///
    /// #[requires_api_key(provider = "weather-api")]
    /// async fn forecast(city: &str, api_key: SecretString) -> Result<String, agentcore_identity_runtime::Error> {
    ///     Ok(format!("sunny in {city}"))
    /// }
    ///
    /// # async fn demo(client: IdentityClient) -> Result<(), agentcore_identity_runtime::Error> {
    /// let answer = client.scope(forecast("Lisbon")).await?;
    /// # let _ = answer;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn scope<F: Future>(&self, future: F) -> F::Output {
        with_client(self.clone(), future).await
    }

    /// Returns the data-plane SDK client, for operations this crate does not wrap.
    pub fn data_plane(&self) -> &aws_sdk_bedrockagentcore::Client {
        &self.inner.data
    }

    /// Returns the control-plane SDK client, for operations this crate does not wrap.
    pub fn control_plane(&self) -> &aws_sdk_bedrockagentcorecontrol::Client {
        &self.inner.control
    }

    /// Returns the STS SDK client, which [`IdentityClient::iam_access_token`] uses.
    pub fn sts(&self) -> &aws_sdk_sts::Client {
        &self.inner.sts
    }

    /// Returns the region the client signs requests for.
    pub fn region(&self) -> &str {
        &self.inner.settings.region
    }

    /// Gets a workload access token that acts for the workload itself, with no user.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `ResourceNotFound` for an unknown workload identity.
    pub async fn get_workload_access_token(
        &self,
        workload_name: &str,
    ) -> Result<SecretString, Error> {
        let request = self
            .inner
            .data
            .get_workload_access_token()
            .workload_name(workload_name);
        call!("GetWorkloadAccessToken", async move {
            let output = request
                .send()
                .await
                .map_err(|e| Error::from_sdk("GetWorkloadAccessToken", e))?;
            Ok(SecretString::from(
                output.workload_access_token().to_owned(),
            ))
        })
        .await?
    }

    /// Gets a workload access token that acts for `user_id`.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `ResourceNotFound` for an unknown workload identity.
    pub async fn get_workload_access_token_for_user_id(
        &self,
        workload_name: &str,
        user_id: &str,
    ) -> Result<SecretString, Error> {
        let request = self
            .inner
            .data
            .get_workload_access_token_for_user_id()
            .workload_name(workload_name)
            .user_id(user_id);
        call!("GetWorkloadAccessTokenForUserId", async move {
            let output = request
                .send()
                .await
                .map_err(|e| Error::from_sdk("GetWorkloadAccessTokenForUserId", e))?;
            Ok(SecretString::from(
                output.workload_access_token().to_owned(),
            ))
        })
        .await?
    }

    /// Gets a workload access token that acts for the user the JWT `user_token` names.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] when the service does not trust the token's issuer or the token expired.
    pub async fn get_workload_access_token_for_jwt(
        &self,
        workload_name: &str,
        user_token: &SecretString,
    ) -> Result<SecretString, Error> {
        let request = self
            .inner
            .data
            .get_workload_access_token_for_jwt()
            .workload_name(workload_name)
            .user_token(user_token.expose_secret());
        call!("GetWorkloadAccessTokenForJWT", async move {
            let output = request
                .send()
                .await
                .map_err(|e| Error::from_sdk("GetWorkloadAccessTokenForJWT", e))?;
            Ok(SecretString::from(
                output.workload_access_token().to_owned(),
            ))
        })
        .await?
    }

    /// Gets the API key kept by the credential provider `provider`.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `ResourceNotFound` for an unknown provider, `Unauthorized` or
    /// `AccessDenied` for a rejected workload access token.
    pub async fn get_resource_api_key(
        &self,
        workload_access_token: &SecretString,
        provider: &str,
    ) -> Result<SecretString, Error> {
        let request = self
            .inner
            .data
            .get_resource_api_key()
            .workload_identity_token(workload_access_token.expose_secret())
            .resource_credential_provider_name(provider);
        call!("GetResourceApiKey", async move {
            let output = request
                .send()
                .await
                .map_err(|e| Error::from_sdk("GetResourceApiKey", e))?;
            Ok(SecretString::from(output.api_key().to_owned()))
        })
        .await?
    }

    /// Creates an API-key credential provider that keeps `api_key` in the token vault.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `Conflict` when a provider of that name exists.
    pub async fn create_api_key_credential_provider(
        &self,
        name: &str,
        api_key: &SecretString,
    ) -> Result<ApiKeyCredentialProvider, Error> {
        let request = self
            .inner
            .control
            .create_api_key_credential_provider()
            .name(name)
            .api_key(api_key.expose_secret());
        call!("CreateApiKeyCredentialProvider", async move {
            let output = request
                .send()
                .await
                .map_err(|e| Error::from_sdk("CreateApiKeyCredentialProvider", e))?;
            Ok(ApiKeyCredentialProvider::from_create(&output))
        })
        .await?
    }

    /// Gets an API-key credential provider (never its key).
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `ResourceNotFound` for an unknown provider.
    pub async fn get_api_key_credential_provider(
        &self,
        name: &str,
    ) -> Result<ApiKeyCredentialProvider, Error> {
        let request = self
            .inner
            .control
            .get_api_key_credential_provider()
            .name(name);
        call!("GetApiKeyCredentialProvider", async move {
            let output = request
                .send()
                .await
                .map_err(|e| Error::from_sdk("GetApiKeyCredentialProvider", e))?;
            Ok(ApiKeyCredentialProvider::from_get(&output))
        })
        .await?
    }

    /// Lists every API-key credential provider, following all pages.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] when a page request fails.
    pub async fn list_api_key_credential_providers(
        &self,
    ) -> Result<Vec<ApiKeyCredentialProvider>, Error> {
        let request = self.inner.control.list_api_key_credential_providers();
        call!("ListApiKeyCredentialProviders", async move {
            let mut pages = request.into_paginator().send();
            let mut providers = Vec::new();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| Error::from_sdk("ListApiKeyCredentialProviders", e))?;
                providers.extend(
                    page.credential_providers()
                        .iter()
                        .map(ApiKeyCredentialProvider::from_item),
                );
            }
            Ok(providers)
        })
        .await?
    }

    /// Deletes an API-key credential provider and its key.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `ResourceNotFound` for an unknown provider.
    pub async fn delete_api_key_credential_provider(&self, name: &str) -> Result<(), Error> {
        let request = self
            .inner
            .control
            .delete_api_key_credential_provider()
            .name(name);
        call!("DeleteApiKeyCredentialProvider", async move {
            request
                .send()
                .await
                .map_err(|e| Error::from_sdk("DeleteApiKeyCredentialProvider", e))?;
            Ok(())
        })
        .await?
    }

    /// Creates a workload identity that may send users back to `allowed_return_urls` after
    /// OAuth2 consent.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `Conflict` when an identity of that name exists.
    pub async fn create_workload_identity(
        &self,
        name: &str,
        allowed_return_urls: &[String],
    ) -> Result<WorkloadIdentity, Error> {
        let request = self
            .inner
            .control
            .create_workload_identity()
            .name(name)
            .set_allowed_resource_oauth2_return_urls(Some(allowed_return_urls.to_vec()));
        call!("CreateWorkloadIdentity", async move {
            let output = request
                .send()
                .await
                .map_err(|e| Error::from_sdk("CreateWorkloadIdentity", e))?;
            Ok(WorkloadIdentity::from_create(&output))
        })
        .await?
    }

    /// Gets a workload identity.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `ResourceNotFound` for an unknown workload identity.
    pub async fn get_workload_identity(&self, name: &str) -> Result<WorkloadIdentity, Error> {
        let request = self.inner.control.get_workload_identity().name(name);
        call!("GetWorkloadIdentity", async move {
            let output = request
                .send()
                .await
                .map_err(|e| Error::from_sdk("GetWorkloadIdentity", e))?;
            Ok(WorkloadIdentity::from_get(&output))
        })
        .await?
    }

    /// Replaces the return URLs a workload identity may send users back to.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `ResourceNotFound` for an unknown workload identity.
    pub async fn update_workload_identity(
        &self,
        name: &str,
        allowed_return_urls: &[String],
    ) -> Result<WorkloadIdentity, Error> {
        let request = self
            .inner
            .control
            .update_workload_identity()
            .name(name)
            .set_allowed_resource_oauth2_return_urls(Some(allowed_return_urls.to_vec()));
        call!("UpdateWorkloadIdentity", async move {
            let output = request
                .send()
                .await
                .map_err(|e| Error::from_sdk("UpdateWorkloadIdentity", e))?;
            Ok(WorkloadIdentity::from_update(&output))
        })
        .await?
    }

    /// Deletes a workload identity.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `ResourceNotFound` for an unknown workload identity.
    pub async fn delete_workload_identity(&self, name: &str) -> Result<(), Error> {
        let request = self.inner.control.delete_workload_identity().name(name);
        call!("DeleteWorkloadIdentity", async move {
            request
                .send()
                .await
                .map_err(|e| Error::from_sdk("DeleteWorkloadIdentity", e))?;
            Ok(())
        })
        .await?
    }

    /// Finds the workload access token for a call made inside `context`.
    ///
    /// The sources, in order:
    /// 1. the token in the request context;
    /// 2. the named workload identity, for the configured user JWT, user id, or no user;
    /// 3. outside a container and when allowed, the workload identity and user of the
    ///    local-development file, created on first use.
    ///
    /// # Errors
    ///
    /// [`Error::MissingWorkloadAccessToken`] inside a container with no token in the context,
    /// without sending any request; service errors of each step as they are, never replaced by
    /// a fallback to another identity.
    pub async fn workload_access_token(
        &self,
        context: Option<&RequestContext>,
    ) -> Result<SecretString, Error> {
        if let Some(token) = context.and_then(RequestContext::workload_access_token) {
            tracing::debug!(target: TARGET, source = "request context", "using workload access token");
            return Ok(token.clone());
        }

        let settings = &self.inner.settings;
        if let Some(workload) = &settings.workload_identity {
            tracing::debug!(target: TARGET, workload, source = "named workload identity", "getting workload access token");
            return match (&settings.user_token, &settings.user_id) {
                (Some(user_token), _) => {
                    self.get_workload_access_token_for_jwt(workload, user_token)
                        .await
                }
                (None, Some(user_id)) => {
                    self.get_workload_access_token_for_user_id(workload, user_id)
                        .await
                }
                (None, None) => self.get_workload_access_token(workload).await,
            };
        }

        if settings.in_container {
            return Err(Error::MissingWorkloadAccessToken {
                hint: "inside a container the token comes from AgentCore Runtime in the `WorkloadAccessToken` header, which it sends only when the invocation carries the `X-Amzn-Bedrock-AgentCore-Runtime-User-Id` header or a user JWT; add that header to the invocation, or name a workload identity with `AGENTCORE_WORKLOAD_IDENTITY`",
            });
        }
        if !settings.local_development {
            return Err(Error::MissingWorkloadAccessToken {
                hint: "the request context has no token, no workload identity is named (`AGENTCORE_WORKLOAD_IDENTITY` or `IdentityClientBuilder::workload_identity`), and local-development setup is switched off",
            });
        }

        let local = self
            .inner
            .local_identity
            .get_or_try_init(|| crate::local_dev::load_or_create(self))
            .await?;
        self.get_workload_access_token_for_user_id(&local.workload_identity_name, &local.user_id)
            .await
    }

    /// Fetches the API key of `provider` for a call made in the current request context.
    ///
    /// # Errors
    ///
    /// The errors of [`IdentityClient::workload_access_token`] and
    /// [`IdentityClient::get_resource_api_key`].
    pub async fn api_key(&self, provider: &str) -> Result<SecretString, Error> {
        let context = RequestContext::try_current();
        let token = self.workload_access_token(context.as_ref()).await?;
        self.get_resource_api_key(&token, provider).await
    }
}

fn shared_cell() -> &'static OnceCell<IdentityClient> {
    static SHARED: OnceCell<IdentityClient> = OnceCell::const_new();
    &SHARED
}
