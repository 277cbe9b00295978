//! The configuration of an OAuth2 credential provider: read from the control plane's
//! `oauth2ProviderConfigInput` union, stored without its secret, and returned as the
//! `oauth2ProviderConfigOutput` union.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::validation::{Input, rules};
use crate::vendors::{self, ClientAuthMethod, Vendor};

/// The stored configuration of a provider. Its JSON form is also the output member of the
/// provider's vendor, because the output carries the same fields minus the secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProviderConfig {
    pub(crate) oauth_discovery: OauthDiscovery,
    pub(crate) client_id: String,
    /// Set only on custom providers that name a method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client_authentication_method: Option<ClientAuthMethod>,
    /// Set only on custom providers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) on_behalf_of_token_exchange_config: Option<OnBehalfOfConfig>,
}

/// The `Oauth2Discovery` union: where the authorization server's endpoints come from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum OauthDiscovery {
    /// An OpenID or RFC 8414 discovery document, fetched when a token is first needed.
    DiscoveryUrl(String),
    AuthorizationServerMetadata(ServerMetadata),
}

/// The `Oauth2AuthorizationServerMetadata` structure.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ServerMetadata {
    pub(crate) issuer: String,
    pub(crate) authorization_endpoint: String,
    pub(crate) token_endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) response_types: Option<Vec<String>>,
    /// `client_secret_basic` or `client_secret_post`, in OAuth's spelling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) token_endpoint_auth_methods: Option<Vec<String>>,
}

/// The `OnBehalfOfTokenExchangeConfigType` structure.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OnBehalfOfConfig {
    pub(crate) grant_type: OnBehalfOfGrant,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) token_exchange_grant_type_config: Option<TokenExchangeConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) on_behalf_of_authentication_config: Option<OnBehalfOfAuthentication>,
}

/// The grant that exchanges the user's JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum OnBehalfOfGrant {
    /// RFC 8693 token exchange.
    #[serde(rename = "TOKEN_EXCHANGE")]
    TokenExchange,
    /// RFC 7523 JWT bearer grant.
    #[serde(rename = "JWT_AUTHORIZATION_GRANT")]
    JwtAuthorizationGrant,
}

/// The `TokenExchangeGrantTypeConfigType` structure.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenExchangeConfig {
    pub(crate) actor_token_content: ActorTokenContent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) actor_token_scopes: Option<Vec<String>>,
}

/// Content of the token exchange's `actor_token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum ActorTokenContent {
    /// No actor token.
    #[serde(rename = "NONE")]
    None,
    /// A client-credentials token of the provider's own client.
    #[serde(rename = "M2M")]
    M2m,
}

/// The `OnBehalfOfAuthenticationConfig` structure.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OnBehalfOfAuthentication {
    /// `NO_CLIENT`, the model's only value: the exchange request carries no client secret.
    pub(crate) client_authentication_method: String,
}

/// A provider as read from a Create or Update request.
pub(crate) struct ProviderInput {
    pub(crate) vendor: &'static Vendor,
    pub(crate) config: ProviderConfig,
    /// `None` for a public client, which only custom providers may be.
    pub(crate) client_secret: Option<SecretString>,
}

const SECRET_SOURCE_MANAGED: &str = "MANAGED";
const SECRET_SOURCE_EXTERNAL: &str = "EXTERNAL";
const NO_CLIENT: &str = "NO_CLIENT";

/// Reads `credentialProviderVendor` and `oauth2ProviderConfigInput`; `None` when either is
/// invalid, with the errors recorded in `input`.
pub(crate) fn read_provider_input(input: &mut Input) -> Option<ProviderInput> {
    let vendor = input
        .required_enum("credentialProviderVendor", &vendors::names())
        .and_then(vendors::find);
    let (member, value) = input.required_union("oauth2ProviderConfigInput")?;
    let vendor = vendor?;

    if member != vendor.config_member {
        input.invalid(
            "oauth2ProviderConfigInput",
            &format!(
                "Member {member} does not match credentialProviderVendor {}; use {}",
                vendor.name, vendor.config_member
            ),
        );
        return None;
    }

    let mut union = input.nested(
        "oauth2ProviderConfigInput",
        serde_json::json!({ &member: value }),
    )?;
    let mut fields = union.required_object(&member)?;
    let read = if vendor.name == vendors::CUSTOM {
        read_custom(&mut fields, vendor)
    } else {
        read_vendor(&mut fields, vendor)
    };
    union.merge(fields);
    input.merge(union);
    read
}

fn read_vendor(fields: &mut Input, vendor: &'static Vendor) -> Option<ProviderInput> {
    let client_id = fields.required_string("clientId", rules::CLIENT_ID);
    let client_secret = read_client_secret(fields, true);
    let oauth_discovery = if vendor.name == vendors::MICROSOFT {
        let tenant_id = fields.optional_string("tenantId", rules::TENANT_ID);
        let [issuer, authorization, token] = vendors::microsoft_endpoints(tenant_id.as_deref());
        Some(metadata(issuer, authorization, token))
    } else if vendor.config_member == vendors::INCLUDED_MEMBER {
        read_included_endpoints(fields, vendor)
    } else {
        vendor.endpoints.map(|endpoints| {
            metadata(
                endpoints.issuer.to_owned(),
                endpoints.authorization.to_owned(),
                endpoints.token.to_owned(),
            )
        })
    };

    Some(ProviderInput {
        vendor,
        config: ProviderConfig {
            oauth_discovery: oauth_discovery?,
            client_id,
            client_authentication_method: None,
            on_behalf_of_token_exchange_config: None,
        },
        client_secret: client_secret.ok()?,
    })
}

fn metadata(issuer: String, authorization: String, token: String) -> OauthDiscovery {
    OauthDiscovery::AuthorizationServerMetadata(ServerMetadata {
        issuer,
        authorization_endpoint: authorization,
        token_endpoint: token,
        response_types: Some(vec!["code".to_owned()]),
        token_endpoint_auth_methods: None,
    })
}

/// Reads the optional `issuer`, `authorizationEndpoint` and `tokenEndpoint` of an included
/// vendor. Each one given replaces the vendor's own; a tenant-specific vendor given only an
/// issuer uses the issuer's OpenID discovery document.
fn read_included_endpoints(fields: &mut Input, vendor: &Vendor) -> Option<OauthDiscovery> {
    let issuer = fields.optional_url("issuer");
    let authorization = fields.optional_url("authorizationEndpoint");
    let token = fields.optional_url("tokenEndpoint");
    let defaults = vendor.endpoints;

    let issuer = issuer.or_else(|| defaults.map(|d| d.issuer.to_owned()));
    let authorization = authorization.or_else(|| defaults.map(|d| d.authorization.to_owned()));
    let token = token.or_else(|| defaults.map(|d| d.token.to_owned()));
    match (issuer, authorization, token) {
        (Some(issuer), Some(authorization), Some(token)) => {
            Some(metadata(issuer, authorization, token))
        }
        (Some(issuer), None, None) => Some(OauthDiscovery::DiscoveryUrl(format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        ))),
        _ => {
            fields.invalid(
                "issuer",
                &format!(
                    "{} has no built-in endpoints: give the tenant's issuer (its OpenID discovery document is used), or issuer, authorizationEndpoint and tokenEndpoint",
                    vendor.name
                ),
            );
            None
        }
    }
}

fn read_custom(fields: &mut Input, vendor: &'static Vendor) -> Option<ProviderInput> {
    let oauth_discovery = read_discovery(fields);
    let client_id = read_custom_client_id(fields);
    let client_secret = read_client_secret(fields, false);
    let client_authentication_method = read_client_authentication_method(fields);
    let on_behalf_of = match fields.optional_object("onBehalfOfTokenExchangeConfig") {
        Some(mut nested) => {
            let config = read_on_behalf_of(&mut nested);
            fields.merge(nested);
            Some(config?)
        }
        None => None,
    };
    for (member, what) in [
        (
            "privateKeyJwtConfig",
            "private key JWT client authentication with a KMS key",
        ),
        ("privateEndpoint", "private endpoints"),
        ("privateEndpointOverrides", "private endpoints"),
        ("certificateConfigurations", "custom certificates"),
    ] {
        fields.unsupported(
            member,
            &format!(
                "Value at '{member}' failed to satisfy constraint: {what} are not supported by the local service; remove {member}"
            ),
        );
    }

    Some(ProviderInput {
        vendor,
        config: ProviderConfig {
            oauth_discovery: oauth_discovery?,
            client_id: client_id?,
            client_authentication_method: client_authentication_method.ok()?,
            on_behalf_of_token_exchange_config: on_behalf_of,
        },
        client_secret: client_secret.ok()?,
    })
}

/// Reads the model's optional `clientId` of a custom provider, which every client
/// authentication method this service supports needs.
fn read_custom_client_id(fields: &mut Input) -> Option<String> {
    if fields.has("clientId") {
        let client_id = fields.required_string("clientId", rules::CLIENT_ID);
        return (!client_id.is_empty()).then_some(client_id);
    }
    fields.invalid(
        "clientId",
        "Member must not be null: the local service supports only client authentication methods that need a client id",
    );
    None
}

/// Marks a member that failed to read; the error is already recorded in the [`Input`].
struct Recorded;

/// Reads `clientSecret` and rejects the members that would point at a secret kept outside
/// the vault. Returns `Ok(None)` for a public client, allowed only when `required` is false.
fn read_client_secret(
    fields: &mut Input,
    required: bool,
) -> Result<Option<SecretString>, Recorded> {
    let mut valid = true;
    if let Some(source) = fields.optional_enum(
        "clientSecretSource",
        &[SECRET_SOURCE_MANAGED, SECRET_SOURCE_EXTERNAL],
    ) && source == SECRET_SOURCE_EXTERNAL
    {
        fields.invalid(
            "clientSecretSource",
            "EXTERNAL is not supported by the local service; pass the secret in clientSecret",
        );
        valid = false;
    }
    if fields.has("clientSecretConfig") {
        fields.unsupported(
            "clientSecretConfig",
            "Value at 'clientSecretConfig' failed to satisfy constraint: secrets managed outside the vault are not supported by the local service; pass the secret in clientSecret",
        );
        valid = false;
    }

    let secret = fields
        .optional_string("clientSecret", rules::CLIENT_SECRET)
        .filter(|secret| !secret.is_empty());
    if secret.is_none() && required {
        fields.invalid(
            "clientSecret",
            "Member must not be null: built-in vendors need the client secret of the app registered with them",
        );
        return Err(Recorded);
    }
    if valid {
        Ok(secret.map(SecretString::from))
    } else {
        Err(Recorded)
    }
}

fn read_discovery(fields: &mut Input) -> Option<OauthDiscovery> {
    let (member, value) = fields.required_union("oauthDiscovery")?;
    let mut union = fields.nested("oauthDiscovery", serde_json::json!({ &member: value }))?;
    let discovery = match member.as_str() {
        "discoveryUrl" => union
            .optional_string("discoveryUrl", rules::DISCOVERY_URL)
            .and_then(|url| check_url(&mut union, "discoveryUrl", url))
            .map(OauthDiscovery::DiscoveryUrl),
        "authorizationServerMetadata" => match union.required_object(&member) {
            Some(mut nested) => {
                let metadata = read_metadata(&mut nested);
                union.merge(nested);
                metadata.map(OauthDiscovery::AuthorizationServerMetadata)
            }
            None => None,
        },
        other => {
            union.invalid(
                other,
                "Member is not a member of Oauth2Discovery: use discoveryUrl or authorizationServerMetadata",
            );
            None
        }
    };
    fields.merge(union);
    discovery
}

fn check_url(input: &mut Input, name: &str, url: String) -> Option<String> {
    let valid = url::Url::parse(&url)
        .is_ok_and(|parsed| matches!(parsed.scheme(), "http" | "https") && parsed.has_host());
    if valid {
        Some(url)
    } else {
        input.invalid(name, "Member must be an absolute http or https URL");
        None
    }
}

fn read_metadata(fields: &mut Input) -> Option<ServerMetadata> {
    let issuer = fields.required_string("issuer", rules::ENDPOINT_URL);
    let authorization = read_required_url(fields, "authorizationEndpoint");
    let token = read_required_url(fields, "tokenEndpoint");
    let response_types = fields.optional_string_list("responseTypes", rules::METADATA_VALUE);
    let auth_methods =
        fields.optional_string_list("tokenEndpointAuthMethods", rules::METADATA_VALUE);

    if let Some(methods) = &auth_methods {
        if methods.is_empty() || methods.len() > 2 {
            fields.invalid(
                "tokenEndpointAuthMethods",
                "Member must have length between 1 and 2",
            );
        }
        if methods.iter().any(|method| {
            !matches!(
                method.as_str(),
                "client_secret_post" | "client_secret_basic"
            )
        }) {
            fields.invalid(
                "tokenEndpointAuthMethods",
                "Member must satisfy regular expression pattern: client_secret_post|client_secret_basic",
            );
        }
    }

    Some(ServerMetadata {
        issuer,
        authorization_endpoint: authorization?,
        token_endpoint: token?,
        response_types,
        token_endpoint_auth_methods: auth_methods,
    })
}

fn read_required_url(fields: &mut Input, name: &str) -> Option<String> {
    if fields.has(name) {
        fields.optional_url(name)
    } else {
        fields.required_string(name, rules::ENDPOINT_URL);
        None
    }
}

/// Reads `clientAuthenticationMethod`. Returns `Ok(None)` when it is absent.
fn read_client_authentication_method(
    fields: &mut Input,
) -> Result<Option<ClientAuthMethod>, Recorded> {
    if !fields.has("clientAuthenticationMethod") {
        return Ok(None);
    }
    let method = fields.optional_enum(
        "clientAuthenticationMethod",
        &[
            "CLIENT_SECRET_BASIC",
            "CLIENT_SECRET_POST",
            "AWS_IAM_ID_TOKEN_JWT",
            "PRIVATE_KEY_JWT",
        ],
    );
    match method {
        None => Err(Recorded),
        Some("CLIENT_SECRET_BASIC") => Ok(Some(ClientAuthMethod::Basic)),
        Some("CLIENT_SECRET_POST") => Ok(Some(ClientAuthMethod::Post)),
        Some(other) => {
            fields.invalid(
                "clientAuthenticationMethod",
                &format!(
                    "{other} is not supported by the local service; use CLIENT_SECRET_BASIC or CLIENT_SECRET_POST"
                ),
            );
            Err(Recorded)
        }
    }
}

fn read_on_behalf_of(fields: &mut Input) -> Option<OnBehalfOfConfig> {
    let grant_type =
        match fields.required_enum("grantType", &["TOKEN_EXCHANGE", "JWT_AUTHORIZATION_GRANT"]) {
            Some("TOKEN_EXCHANGE") => Some(OnBehalfOfGrant::TokenExchange),
            Some(_) => Some(OnBehalfOfGrant::JwtAuthorizationGrant),
            None => None,
        };

    let token_exchange = match fields.optional_object("tokenExchangeGrantTypeConfig") {
        Some(mut nested) => {
            let config = read_token_exchange(&mut nested);
            fields.merge(nested);
            Some(config?)
        }
        None => None,
    };

    let authentication = match fields.optional_object("onBehalfOfAuthenticationConfig") {
        Some(mut nested) => {
            let method = nested.required_enum("clientAuthenticationMethod", &[NO_CLIENT]);
            fields.merge(nested);
            Some(OnBehalfOfAuthentication {
                client_authentication_method: method?.to_owned(),
            })
        }
        None => None,
    };

    Some(OnBehalfOfConfig {
        grant_type: grant_type?,
        token_exchange_grant_type_config: token_exchange,
        on_behalf_of_authentication_config: authentication,
    })
}

fn read_token_exchange(fields: &mut Input) -> Option<TokenExchangeConfig> {
    let content = fields.required_enum(
        "actorTokenContent",
        &["NONE", "M2M", "AWS_IAM_ID_TOKEN_JWT"],
    );
    let scopes = fields.optional_string_list("actorTokenScopes", rules::SCOPE);
    let content = match content? {
        "NONE" => ActorTokenContent::None,
        "M2M" => ActorTokenContent::M2m,
        _ => {
            fields.invalid(
                "actorTokenContent",
                "AWS_IAM_ID_TOKEN_JWT is not supported by the local service; use NONE or M2M",
            );
            return None;
        }
    };
    Some(TokenExchangeConfig {
        actor_token_content: content,
        actor_token_scopes: scopes,
    })
}

impl OnBehalfOfConfig {
    /// Returns whether the exchange request goes without client authentication.
    pub(crate) fn without_client_authentication(&self) -> bool {
        self.on_behalf_of_authentication_config
            .as_ref()
            .is_some_and(|config| config.client_authentication_method == NO_CLIENT)
    }
}

/// Picks the client authentication method: the provider's explicit one, else the first
/// supported method the authorization server lists, else the vendor's.
pub(crate) fn client_auth_method(
    config: &ProviderConfig,
    vendor: &Vendor,
    server_methods: Option<&[String]>,
) -> ClientAuthMethod {
    if let Some(method) = config.client_authentication_method {
        return method;
    }
    let methods = server_methods.unwrap_or_default();
    if methods.iter().any(|method| method == "client_secret_basic") {
        ClientAuthMethod::Basic
    } else if methods.iter().any(|method| method == "client_secret_post") {
        ClientAuthMethod::Post
    } else {
        vendor.auth_method
    }
}
