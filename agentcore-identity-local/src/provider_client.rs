//! Requests to the authorization servers of OAuth2 credential providers: discovery, the
//! authorization URL, and token requests for every grant the service uses.
//!
//! The client-credentials, authorization-code and refresh grants go through the `oauth2`
//! crate. The token-exchange (RFC 8693) and JWT-bearer (RFC 7523) grants, which it does not
//! offer, are plain form posts. No error produced here contains a secret or a response body.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, HttpClientError, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::clock::{Clock, unix_millis};
use crate::provider_config::{
    ActorTokenContent, OauthDiscovery, OnBehalfOfConfig, OnBehalfOfGrant, client_auth_method,
};
use crate::store::{Oauth2ProviderRecord, StoredToken};
use crate::vendors::{self, ClientAuthMethod};

/// Time allowed for one request to an authorization server.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a fetched discovery document is used before it is fetched again.
const DISCOVERY_TTL: Duration = Duration::from_hours(1);

const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const JWT_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";
const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

type OauthClient =
    BasicClient<EndpointMaybeSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// The `scope`, `resource` (RFC 8707) and `audience` parameters of a token request. Its JSON form, with each list sorted and without duplicates, identifies the
/// kept token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RequestedAccess {
    pub(crate) scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) resources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) audiences: Vec<String>,
}

impl RequestedAccess {
    pub(crate) fn new(scopes: Vec<String>, resources: Vec<String>, audiences: Vec<String>) -> Self {
        let canonical = |mut list: Vec<String>| {
            list.sort();
            list.dedup();
            list
        };
        Self {
            scopes: canonical(scopes),
            resources: canonical(resources),
            audiences: canonical(audiences),
        }
    }

    /// Returns the canonical JSON form.
    pub(crate) fn key(&self) -> String {
        serde_json::to_string(self).expect("requested access serializes to JSON")
    }

    /// Parses the form returned by [`RequestedAccess::key`].
    pub(crate) fn from_key(key: &str) -> Option<Self> {
        serde_json::from_str(key).ok()
    }

    fn extra_params(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let resources = self
            .resources
            .iter()
            .map(|value| ("resource", value.as_str()));
        let audiences = self
            .audiences
            .iter()
            .map(|value| ("audience", value.as_str()));
        resources.chain(audiences)
    }
}

/// Failure of a request to a provider's authorization server.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum ProviderError {
    /// The server returned an OAuth error response (RFC 6749, section 5.2).
    #[error("{}", oauth_message(code, description.as_deref()))]
    OAuth {
        code: String,
        description: Option<String>,
    },
    /// The server could not be reached or returned no token.
    #[error("{0}")]
    Unavailable(String),
    /// The provider's configuration lacks what the request needs.
    #[error("{0}")]
    Configuration(String),
}

fn oauth_message(code: &str, description: Option<&str>) -> String {
    match description {
        Some(description) => format!("{code}: {description}"),
        None => code.to_owned(),
    }
}

/// A provider with its endpoints resolved and its client secret opened.
pub(crate) struct ResolvedProvider {
    pub(crate) name: String,
    client_id: String,
    client_secret: Option<SecretString>,
    authorization_endpoint: Option<String>,
    token_endpoint: String,
    auth_method: ClientAuthMethod,
    on_behalf_of: Option<OnBehalfOfConfig>,
}

impl ResolvedProvider {
    /// Builds the URL of the provider's authorization endpoint for an authorization-code
    /// request with PKCE (S256).
    pub(crate) fn authorization_url(
        &self,
        redirect_url: &str,
        state: &str,
        pkce_verifier: &SecretString,
        access: &RequestedAccess,
        custom_parameters: &[(String, SecretString)],
    ) -> Result<url::Url, ProviderError> {
        let client = oauth_client(self, Some(redirect_url))?;
        let verifier = PkceCodeVerifier::new(pkce_verifier.expose_secret().to_owned());
        let mut request = client
            .authorize_url(|| CsrfToken::new(state.to_owned()))
            .map_err(|_| {
                ProviderError::Configuration(format!(
                    "provider {} has no authorization endpoint, which USER_FEDERATION needs",
                    self.name
                ))
            })?
            .add_scopes(access.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(PkceCodeChallenge::from_code_verifier_sha256(&verifier));
        for (name, value) in access.extra_params() {
            request = request.add_extra_param(name, value);
        }
        for (name, value) in custom_parameters {
            request = request.add_extra_param(name.clone(), value.expose_secret().to_owned());
        }
        Ok(request.url().0)
    }

    pub(crate) fn on_behalf_of(&self) -> Option<&OnBehalfOfConfig> {
        self.on_behalf_of.as_ref()
    }
}

/// The endpoints an authorization server publishes in its discovery document.
#[derive(Debug, Clone, Deserialize)]
struct DiscoveryDocument {
    #[serde(default)]
    authorization_endpoint: Option<String>,
    token_endpoint: String,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

/// Sends requests to authorization servers and caches their discovery documents.
pub(crate) struct ProviderClient {
    http: reqwest::Client,
    discovery: Mutex<HashMap<String, (DiscoveryDocument, SystemTime)>>,
    clock: Arc<dyn Clock>,
}

impl ProviderClient {
    pub(crate) fn new(clock: Arc<dyn Clock>) -> Self {
        // Redirects are not followed, so a token endpoint cannot send the client secret on to
        // another host.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("HTTP client for authorization servers builds");
        Self {
            http,
            discovery: Mutex::new(HashMap::new()),
            clock,
        }
    }

    /// Resolves the provider's endpoints, fetching its discovery document when needed.
    pub(crate) async fn resolve(
        &self,
        record: &Oauth2ProviderRecord,
        client_secret: Option<SecretString>,
    ) -> Result<ResolvedProvider, ProviderError> {
        let vendor = vendors::find(&record.vendor).ok_or_else(|| {
            ProviderError::Configuration(format!("unknown vendor {}", record.vendor))
        })?;
        let config = &record.config;
        let (authorization_endpoint, token_endpoint, server_methods) = match &config.oauth_discovery
        {
            OauthDiscovery::AuthorizationServerMetadata(metadata) => (
                Some(metadata.authorization_endpoint.clone()),
                metadata.token_endpoint.clone(),
                metadata.token_endpoint_auth_methods.clone(),
            ),
            OauthDiscovery::DiscoveryUrl(url) => {
                let document = self.discover(url).await?;
                (
                    document.authorization_endpoint,
                    document.token_endpoint,
                    document.token_endpoint_auth_methods_supported,
                )
            }
        };

        Ok(ResolvedProvider {
            name: record.name.clone(),
            client_id: config.client_id.clone(),
            client_secret,
            authorization_endpoint,
            token_endpoint,
            auth_method: client_auth_method(config, vendor, server_methods.as_deref()),
            on_behalf_of: config.on_behalf_of_token_exchange_config.clone(),
        })
    }

    async fn discover(&self, url: &str) -> Result<DiscoveryDocument, ProviderError> {
        let now = self.clock.now();
        if let Some((document, fetched_at)) = self.cached_discovery(url)
            && now.duration_since(fetched_at).unwrap_or_default() < DISCOVERY_TTL
        {
            return Ok(document);
        }

        let failed = |reason: String| {
            ProviderError::Unavailable(format!("discovery document {url} {reason}"))
        };
        let response = self
            .http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|error| failed(format!("could not be fetched: {}", error_chain(&error))))?;
        if !response.status().is_success() {
            return Err(failed(format!("returned HTTP {}", response.status())));
        }
        let document: DiscoveryDocument = response
            .json()
            .await
            .map_err(|_| failed("is not a JSON object with a `token_endpoint`".to_owned()))?;
        if !is_http_url(&document.token_endpoint) {
            return Err(failed(
                "names a token endpoint that is not an http or https URL".to_owned(),
            ));
        }

        tracing::debug!(url, "fetched discovery document");
        self.discovery
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(url.to_owned(), (document.clone(), now));
        Ok(document)
    }

    fn cached_discovery(&self, url: &str) -> Option<(DiscoveryDocument, SystemTime)> {
        let cache = self
            .discovery
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        cache.get(url).cloned()
    }

    /// Requests a token with the client-credentials grant.
    pub(crate) async fn client_credentials(
        &self,
        provider: &ResolvedProvider,
        access: &RequestedAccess,
    ) -> Result<StoredToken, ProviderError> {
        let client = oauth_client(provider, None)?;
        let mut request = client
            .exchange_client_credentials()
            .add_scopes(access.scopes.iter().cloned().map(Scope::new));
        for (name, value) in access.extra_params() {
            request = request.add_extra_param(name, value);
        }
        let response = request.request_async(&self.http).await;
        self.token_from(response)
    }

    /// Exchanges an authorization code, with its PKCE verifier, for a token.
    pub(crate) async fn exchange_code(
        &self,
        provider: &ResolvedProvider,
        redirect_url: &str,
        code: SecretString,
        pkce_verifier: &SecretString,
        access: &RequestedAccess,
    ) -> Result<StoredToken, ProviderError> {
        let client = oauth_client(provider, Some(redirect_url))?;
        let mut request = client
            .exchange_code(AuthorizationCode::new(code.expose_secret().to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(
                pkce_verifier.expose_secret().to_owned(),
            ));
        for (name, value) in access.extra_params() {
            request = request.add_extra_param(name, value);
        }
        let response = request.request_async(&self.http).await;
        self.token_from(response)
    }

    /// Refreshes a token. The new token keeps the old refresh token when the server sends
    /// no new one.
    pub(crate) async fn refresh(
        &self,
        provider: &ResolvedProvider,
        refresh_token: &SecretString,
        access: &RequestedAccess,
    ) -> Result<StoredToken, ProviderError> {
        let client = oauth_client(provider, None)?;
        let refresh = RefreshToken::new(refresh_token.expose_secret().to_owned());
        let mut request = client
            .exchange_refresh_token(&refresh)
            .add_scopes(access.scopes.iter().cloned().map(Scope::new));
        for (name, value) in access.extra_params() {
            request = request.add_extra_param(name, value);
        }
        let response = request.request_async(&self.http).await;
        let mut token = self.token_from(response)?;
        if token.refresh_token.is_none() {
            token.refresh_token = Some(refresh_token.clone());
        }
        Ok(token)
    }

    fn token_from(
        &self,
        response: Result<
            BasicTokenResponse,
            RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>,
        >,
    ) -> Result<StoredToken, ProviderError> {
        let response = response.map_err(|error| match error {
            RequestTokenError::ServerResponse(response) => ProviderError::OAuth {
                code: response.error().to_string(),
                description: response.error_description().cloned(),
            },
            RequestTokenError::Request(error) => {
                ProviderError::Unavailable(format!("token request failed: {}", error_chain(&error)))
            }
            // The body is left out: a response that failed to parse may still hold a token.
            RequestTokenError::Parse(error, _body) => ProviderError::Unavailable(format!(
                "token endpoint returned an unexpected response (at `{}`)",
                error.path()
            )),
            RequestTokenError::Other(message) => ProviderError::Unavailable(format!(
                "token endpoint returned an unexpected response: {message}"
            )),
        })?;
        Ok(StoredToken {
            access_token: response.access_token().secret().clone().into(),
            refresh_token: response
                .refresh_token()
                .map(|refresh| refresh.secret().clone().into()),
            expires_at_ms: self.expiry(response.expires_in()),
        })
    }

    fn expiry(&self, expires_in: Option<Duration>) -> Option<i64> {
        expires_in.map(|lifetime| unix_millis(self.clock.now() + lifetime))
    }

    /// Exchanges the user's JWT for a token with the grant the provider's
    /// `onBehalfOfTokenExchangeConfig` names.
    pub(crate) async fn exchange_user_token(
        &self,
        provider: &ResolvedProvider,
        config: &OnBehalfOfConfig,
        user_token: &SecretString,
        access: &RequestedAccess,
    ) -> Result<StoredToken, ProviderError> {
        let mut form: Vec<(&str, String)> = Vec::new();
        match config.grant_type {
            OnBehalfOfGrant::TokenExchange => {
                form.push(("grant_type", TOKEN_EXCHANGE_GRANT.to_owned()));
                form.push(("subject_token", user_token.expose_secret().to_owned()));
                form.push(("subject_token_type", JWT_TOKEN_TYPE.to_owned()));
                form.push(("requested_token_type", ACCESS_TOKEN_TYPE.to_owned()));
                if let Some(actor) = self.actor_token(provider, config).await? {
                    form.push(("actor_token", actor.expose_secret().to_owned()));
                    form.push(("actor_token_type", ACCESS_TOKEN_TYPE.to_owned()));
                }
            }
            OnBehalfOfGrant::JwtAuthorizationGrant => {
                form.push(("grant_type", JWT_BEARER_GRANT.to_owned()));
                form.push(("assertion", user_token.expose_secret().to_owned()));
            }
        }
        if !access.scopes.is_empty() {
            form.push(("scope", access.scopes.join(" ")));
        }
        form.extend(
            access
                .extra_params()
                .map(|(name, value)| (name, value.to_owned())),
        );

        let mut request = self
            .http
            .post(&provider.token_endpoint)
            .header(reqwest::header::ACCEPT, "application/json");
        let secret = provider
            .client_secret
            .as_ref()
            .filter(|_| !config.without_client_authentication());
        match (secret, provider.auth_method) {
            (Some(secret), ClientAuthMethod::Basic) => {
                // RFC 6749, section 2.3.1: both parts are form-encoded before Basic encoding.
                let encode = |text: &str| {
                    url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()
                };
                request = request.basic_auth(
                    encode(&provider.client_id),
                    Some(encode(secret.expose_secret())),
                );
            }
            (Some(secret), ClientAuthMethod::Post) => {
                form.push(("client_id", provider.client_id.clone()));
                form.push(("client_secret", secret.expose_secret().to_owned()));
            }
            // An unauthenticated client still names itself (RFC 6749, section 3.2.1).
            (None, _) => form.push(("client_id", provider.client_id.clone())),
        }

        let response = request.form(&form).send().await.map_err(|error| {
            ProviderError::Unavailable(format!("token request failed: {}", error_chain(&error)))
        })?;
        self.read_token_response(response).await
    }

    /// Returns the actor token of a token exchange: a client-credentials token of the
    /// provider's own client when the configuration requests one.
    async fn actor_token(
        &self,
        provider: &ResolvedProvider,
        config: &OnBehalfOfConfig,
    ) -> Result<Option<SecretString>, ProviderError> {
        let Some(exchange) = &config.token_exchange_grant_type_config else {
            return Ok(None);
        };
        if exchange.actor_token_content == ActorTokenContent::None {
            return Ok(None);
        }
        let scopes = exchange.actor_token_scopes.clone().unwrap_or_default();
        let access = RequestedAccess::new(scopes, Vec::new(), Vec::new());
        let token = self.client_credentials(provider, &access).await?;
        Ok(Some(token.access_token))
    }

    async fn read_token_response(
        &self,
        response: reqwest::Response,
    ) -> Result<StoredToken, ProviderError> {
        #[derive(Deserialize)]
        struct TokenBody {
            access_token: String,
            #[serde(default)]
            refresh_token: Option<String>,
            #[serde(default)]
            expires_in: Option<u64>,
        }
        #[derive(Deserialize)]
        struct ErrorBody {
            error: String,
            #[serde(default)]
            error_description: Option<String>,
        }

        let status = response.status();
        let body = response.bytes().await.map_err(|error| {
            ProviderError::Unavailable(format!(
                "token response could not be read: {}",
                error_chain(&error)
            ))
        })?;
        if status.is_success() {
            let token: TokenBody = serde_json::from_slice(&body).map_err(|_| {
                ProviderError::Unavailable(format!(
                    "token endpoint returned HTTP {status} without a JSON `access_token`"
                ))
            })?;
            return Ok(StoredToken {
                access_token: token.access_token.into(),
                refresh_token: token.refresh_token.map(SecretString::from),
                expires_at_ms: self.expiry(token.expires_in.map(Duration::from_secs)),
            });
        }
        match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(error) => Err(ProviderError::OAuth {
                code: error.error,
                description: error.error_description,
            }),
            Err(_) => Err(ProviderError::Unavailable(format!(
                "token endpoint returned HTTP {status} without an OAuth error"
            ))),
        }
    }
}

fn oauth_client(
    provider: &ResolvedProvider,
    redirect_url: Option<&str>,
) -> Result<OauthClient, ProviderError> {
    let invalid = |what: &str, url: &str| {
        ProviderError::Configuration(format!(
            "invalid {what} {url} of provider {}",
            provider.name
        ))
    };
    let token_url = TokenUrl::new(provider.token_endpoint.clone())
        .map_err(|_| invalid("token endpoint", &provider.token_endpoint))?;
    let auth_url = match &provider.authorization_endpoint {
        Some(url) => {
            Some(AuthUrl::new(url.clone()).map_err(|_| invalid("authorization endpoint", url))?)
        }
        None => None,
    };
    let auth_type = match provider.auth_method {
        ClientAuthMethod::Basic => AuthType::BasicAuth,
        ClientAuthMethod::Post => AuthType::RequestBody,
    };

    let mut client = BasicClient::new(ClientId::new(provider.client_id.clone()))
        .set_auth_uri_option(auth_url)
        .set_token_uri(token_url)
        .set_auth_type(auth_type);
    if let Some(secret) = &provider.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()));
    }
    if let Some(redirect_url) = redirect_url {
        let redirect = RedirectUrl::new(redirect_url.to_owned())
            .map_err(|_| invalid("callback URL", redirect_url))?;
        client = client.set_redirect_uri(redirect);
    }
    Ok(client)
}

fn is_http_url(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
}

/// Joins an error with its sources, which carry the useful detail of HTTP client errors.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_access_key_ignores_order_and_duplicates() {
        let first = RequestedAccess::new(
            vec!["b".into(), "a".into(), "a".into()],
            Vec::new(),
            Vec::new(),
        );
        let second = RequestedAccess::new(vec!["a".into(), "b".into()], Vec::new(), Vec::new());

        assert_eq!(first.key(), second.key());
        assert_eq!(first.key(), r#"{"scopes":["a","b"]}"#);
        assert_eq!(RequestedAccess::from_key(&first.key()), Some(first));
    }

    #[test]
    fn requested_access_key_separates_resources() {
        let plain = RequestedAccess::new(vec!["a".into()], Vec::new(), Vec::new());
        let with_resource = RequestedAccess::new(
            vec!["a".into()],
            vec!["https://api.test".into()],
            Vec::new(),
        );

        assert_ne!(plain.key(), with_resource.key());
    }
}
