//! OAuth2 operations of the identity client: access tokens, session completion and providers.

use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

use aws_sdk_bedrockagentcore::types::{SessionStatus, UserIdentifier};
use aws_sdk_bedrockagentcorecontrol::types::{
    CredentialProviderVendorType, Oauth2CredentialProviderItem, Oauth2ProviderConfigInput,
};

use crate::client::TARGET;
use crate::oauth::{AccessTokenRequest, OAuth2TokenResponse, OnAuthUrl, PollOnce, TokenPoller};
use crate::types::Oauth2CredentialProvider;
use crate::{Error, IdentityClient, RequestContext, dispatch};

/// The user who completes a user-federation session, who must be the one who started it.
#[derive(Clone)]
pub enum SessionUser {
    /// The user id the workload access token was obtained for.
    UserId(String),
    /// The user JWT the workload access token was obtained for.
    UserToken(SecretString),
}

impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionUser::UserId(id) => f.debug_tuple("UserId").field(id).finish(),
            SessionUser::UserToken(_) => f.debug_tuple("UserToken").field(&"[REDACTED]").finish(),
        }
    }
}

/// Describes the provider in a Get or Update output; the two SDK types share these getters.
macro_rules! provider_from_output {
    ($output:expr) => {
        Oauth2CredentialProvider {
            name: $output.name().to_owned(),
            arn: $output.credential_provider_arn().to_owned(),
            vendor: $output.credential_provider_vendor().as_str().to_owned(),
            callback_url: $output.callback_url().map(str::to_owned),
            status: $output.status().map(|s| s.as_str().to_owned()),
            created_time: crate::types::system_time($output.created_time()),
        }
    };
}

impl IdentityClient {
    /// Sends one `GetResourceOauth2Token` request: every member of `request`, the return URL,
    /// `session_uri` when polling, and `forceAuthentication` only when `force` is set.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] as the service returns it.
    pub async fn get_resource_oauth2_token(
        &self,
        workload_access_token: &SecretString,
        request: &AccessTokenRequest,
        session_uri: Option<&str>,
        force: bool,
    ) -> Result<OAuth2TokenResponse, Error> {
        let mut call = self
            .data_plane()
            .get_resource_oauth2_token()
            .workload_identity_token(workload_access_token.expose_secret())
            .resource_credential_provider_name(&request.provider)
            .set_scopes(Some(request.scopes.clone()))
            .oauth2_flow(request.flow.to_sdk());
        if let Some(url) = &request.callback_url {
            call = call.resource_oauth2_return_url(url);
        }
        if let Some(session_uri) = session_uri {
            call = call.session_uri(session_uri);
        }
        if force {
            call = call.force_authentication(true);
        }
        if let Some(state) = &request.custom_state {
            call = call.custom_state(state);
        }
        if !request.custom_parameters.is_empty() {
            let parameters = request.custom_parameters.clone().into_iter().collect();
            call = call.set_custom_parameters(Some(parameters));
        }
        if !request.resources.is_empty() {
            call = call.set_resources(Some(request.resources.clone()));
        }
        if !request.audiences.is_empty() {
            call = call.set_audiences(Some(request.audiences.clone()));
        }

        let span = tracing::debug_span!(target: TARGET, "agentcore_identity_call", operation = "GetResourceOauth2Token", provider = %request.provider, flow = %request.flow);
        dispatch::run("GetResourceOauth2Token", async move {
            let output = call
                .send()
                .await
                .map_err(|e| Error::from_sdk("GetResourceOauth2Token", e))?;
            Ok(OAuth2TokenResponse {
                access_token: output
                    .access_token()
                    .map(|t| SecretString::from(t.to_owned())),
                authorization_url: output.authorization_url().map(str::to_owned),
                session_uri: output.session_uri().map(str::to_owned),
                session_failed: output.session_status() == Some(&SessionStatus::Failed),
            })
        })
        .instrument(span)
        .await?
    }

    /// Fetches an OAuth2 access token for a call made in the current request context.
    ///
    /// An access token in the first response is returned at once. An authorization URL goes to
    /// `on_auth_url`, then `poller` requests the token again, with the same members and the session URI, until
    /// the user consents.
    ///
    /// ```no_run
    /// use agentcore_identity_runtime::{AccessTokenRequest, IdentityClient, IntervalPoller, OAuth2Flow};
    ///
    /// # async fn demo(client: IdentityClient) -> Result<(), agentcore_identity_runtime::Error> {
    /// let request = AccessTokenRequest::new("github", OAuth2Flow::UserFederation).scopes(["repo"]);
    /// let show = |url: &str| println!("open {url}");
    /// let token = client.access_token(&request, &show, &IntervalPoller::new()).await?;
    /// # let _ = token;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The errors of [`IdentityClient::workload_access_token`]; [`Error::AuthorizationFailed`],
    /// [`Error::AuthorizationTimedOut`] and [`Error::NoTokenOrAuthorizationUrl`] from the flow;
    /// service errors as they are.
    pub async fn access_token<M>(
        &self,
        request: &AccessTokenRequest,
        on_auth_url: &impl OnAuthUrl<M>,
        poller: &impl TokenPoller,
    ) -> Result<SecretString, Error> {
        let context = RequestContext::try_current();
        let workload_access_token = self.workload_access_token(context.as_ref()).await?;

        let mut request = request.clone();
        if request.callback_url.is_none() {
            request.callback_url = context
                .as_ref()
                .and_then(RequestContext::oauth2_callback_url)
                .map(str::to_owned);
        }

        let first = self
            .get_resource_oauth2_token(
                &workload_access_token,
                &request,
                None,
                request.force_authentication,
            )
            .await?;
        if let Some(token) = first.access_token {
            return Ok(token);
        }
        if first.session_failed {
            return Err(Error::AuthorizationFailed {
                provider: request.provider.clone(),
                session_uri: first.session_uri,
            });
        }
        let Some(authorization_url) = first.authorization_url else {
            return Err(Error::NoTokenOrAuthorizationUrl {
                provider: request.provider.clone(),
            });
        };

        tracing::info!(target: TARGET, provider = %request.provider, session_uri = first.session_uri.as_deref(), "user consent required");
        on_auth_url.on_auth_url(&authorization_url).await;
        let poll = PollOnce {
            client: self.clone(),
            workload_access_token,
            request,
            session_uri: first.session_uri,
            authorization_url,
        };
        poller.poll_for_token(&poll).await
    }

    /// Confirms a user-federation session for the user who started it, after the user came
    /// back to the return URL.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] when the session is unknown, expired or belongs to another user.
    pub async fn complete_resource_token_auth(
        &self,
        session_uri: &str,
        user: &SessionUser,
    ) -> Result<(), Error> {
        let identifier = match user {
            SessionUser::UserId(id) => UserIdentifier::UserId(id.clone()),
            SessionUser::UserToken(token) => {
                UserIdentifier::UserToken(token.expose_secret().to_owned())
            }
        };
        let call = self
            .data_plane()
            .complete_resource_token_auth()
            .session_uri(session_uri)
            .user_identifier(identifier);
        let span = tracing::debug_span!(target: TARGET, "agentcore_identity_call", operation = "CompleteResourceTokenAuth");
        dispatch::run("CompleteResourceTokenAuth", async move {
            call.send()
                .await
                .map_err(|e| Error::from_sdk("CompleteResourceTokenAuth", e))?;
            Ok(())
        })
        .instrument(span)
        .await?
    }

    /// Creates an OAuth2 credential provider.
    ///
    /// ```no_run
    /// use agentcore_identity_runtime::IdentityClient;
    /// use agentcore_identity_runtime::control::{
    ///     CredentialProviderVendorType, GithubOauth2ProviderConfigInput, Oauth2ProviderConfigInput,
    /// };
    ///
    /// # async fn demo(client: IdentityClient) -> Result<(), Box<dyn std::error::Error>> {
    /// let config = GithubOauth2ProviderConfigInput::builder()
    ///     .client_id("Iv1.0123456789")
    ///     .client_secret("github-client-secret")
    ///     .build()?;
    /// let provider = client
    ///     .create_oauth2_credential_provider(
    ///         "github",
    ///         CredentialProviderVendorType::GithubOauth2,
    ///         Oauth2ProviderConfigInput::GithubOauth2ProviderConfig(config),
    ///     )
    ///     .await?;
    /// println!("register {:?} as the redirect URL of the GitHub app", provider.callback_url);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `Conflict` when a provider of that name exists, `Validation` for
    /// an invalid configuration.
    pub async fn create_oauth2_credential_provider(
        &self,
        name: &str,
        vendor: CredentialProviderVendorType,
        config: Oauth2ProviderConfigInput,
    ) -> Result<Oauth2CredentialProvider, Error> {
        let call = self
            .control_plane()
            .create_oauth2_credential_provider()
            .name(name)
            .credential_provider_vendor(vendor.clone())
            .oauth2_provider_config_input(config);
        let span = tracing::debug_span!(target: TARGET, "agentcore_identity_call", operation = "CreateOauth2CredentialProvider", provider = name);
        dispatch::run("CreateOauth2CredentialProvider", async move {
            let output = call
                .send()
                .await
                .map_err(|e| Error::from_sdk("CreateOauth2CredentialProvider", e))?;
            Ok(Oauth2CredentialProvider {
                name: output.name().to_owned(),
                arn: output.credential_provider_arn().to_owned(),
                vendor: vendor.as_str().to_owned(),
                callback_url: output.callback_url().map(str::to_owned),
                status: output.status().map(|s| s.as_str().to_owned()),
                created_time: None,
            })
        })
        .instrument(span)
        .await?
    }

    /// Gets an OAuth2 credential provider (never its client secret).
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `ResourceNotFound` for an unknown provider.
    pub async fn get_oauth2_credential_provider(
        &self,
        name: &str,
    ) -> Result<Oauth2CredentialProvider, Error> {
        let call = self
            .control_plane()
            .get_oauth2_credential_provider()
            .name(name);
        let span = tracing::debug_span!(target: TARGET, "agentcore_identity_call", operation = "GetOauth2CredentialProvider", provider = name);
        dispatch::run("GetOauth2CredentialProvider", async move {
            let output = call
                .send()
                .await
                .map_err(|e| Error::from_sdk("GetOauth2CredentialProvider", e))?;
            Ok(provider_from_output!(output))
        })
        .instrument(span)
        .await?
    }

    /// Replaces the vendor and whole configuration of an OAuth2 credential provider.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `ResourceNotFound` for an unknown provider.
    pub async fn update_oauth2_credential_provider(
        &self,
        name: &str,
        vendor: CredentialProviderVendorType,
        config: Oauth2ProviderConfigInput,
    ) -> Result<Oauth2CredentialProvider, Error> {
        let call = self
            .control_plane()
            .update_oauth2_credential_provider()
            .name(name)
            .credential_provider_vendor(vendor)
            .oauth2_provider_config_input(config);
        let span = tracing::debug_span!(target: TARGET, "agentcore_identity_call", operation = "UpdateOauth2CredentialProvider", provider = name);
        dispatch::run("UpdateOauth2CredentialProvider", async move {
            let output = call
                .send()
                .await
                .map_err(|e| Error::from_sdk("UpdateOauth2CredentialProvider", e))?;
            Ok(provider_from_output!(output))
        })
        .instrument(span)
        .await?
    }

    /// Lists every OAuth2 credential provider, following all pages.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] when a page request fails.
    pub async fn list_oauth2_credential_providers(
        &self,
    ) -> Result<Vec<Oauth2CredentialProvider>, Error> {
        let call = self.control_plane().list_oauth2_credential_providers();
        let span = tracing::debug_span!(target: TARGET, "agentcore_identity_call", operation = "ListOauth2CredentialProviders");
        dispatch::run("ListOauth2CredentialProviders", async move {
            let mut pages = call.into_paginator().send();
            let mut providers = Vec::new();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| Error::from_sdk("ListOauth2CredentialProviders", e))?;
                providers.extend(page.credential_providers().iter().map(provider_from_item));
            }
            Ok(providers)
        })
        .instrument(span)
        .await?
    }

    /// Deletes an OAuth2 credential provider and the tokens kept for it.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] with `ResourceNotFound` for an unknown provider.
    pub async fn delete_oauth2_credential_provider(&self, name: &str) -> Result<(), Error> {
        let call = self
            .control_plane()
            .delete_oauth2_credential_provider()
            .name(name);
        let span = tracing::debug_span!(target: TARGET, "agentcore_identity_call", operation = "DeleteOauth2CredentialProvider", provider = name);
        dispatch::run("DeleteOauth2CredentialProvider", async move {
            call.send()
                .await
                .map_err(|e| Error::from_sdk("DeleteOauth2CredentialProvider", e))?;
            Ok(())
        })
        .instrument(span)
        .await?
    }
}

fn provider_from_item(item: &Oauth2CredentialProviderItem) -> Oauth2CredentialProvider {
    Oauth2CredentialProvider {
        name: item.name().to_owned(),
        arn: item.credential_provider_arn().to_owned(),
        vendor: item.credential_provider_vendor().as_str().to_owned(),
        callback_url: None,
        status: None,
        created_time: crate::types::system_time(item.created_time()),
    }
}
