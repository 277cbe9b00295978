//! The operations of both planes and the method and path of each.
//!
//! Both planes share one HTTP server: their paths do not collide, and an endpoint override
//! sends the operation path unchanged to whatever host it names. STS requests of the query
//! protocol go to `POST /`, which no identity operation uses, because every identity path
//! starts with `/identities/`, `/tags/` or `/resourcepolicy/`.

use axum::http::Method;

/// An operation this service serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    // Data plane.
    GetWorkloadAccessToken,
    GetWorkloadAccessTokenForJwt,
    GetWorkloadAccessTokenForUserId,
    GetResourceApiKey,
    GetResourceOauth2Token,
    CompleteResourceTokenAuth,
    // Control plane.
    CreateWorkloadIdentity,
    GetWorkloadIdentity,
    UpdateWorkloadIdentity,
    DeleteWorkloadIdentity,
    ListWorkloadIdentities,
    CreateApiKeyCredentialProvider,
    GetApiKeyCredentialProvider,
    UpdateApiKeyCredentialProvider,
    DeleteApiKeyCredentialProvider,
    ListApiKeyCredentialProviders,
    CreateOauth2CredentialProvider,
    GetOauth2CredentialProvider,
    UpdateOauth2CredentialProvider,
    DeleteOauth2CredentialProvider,
    ListOauth2CredentialProviders,
    GetTokenVault,
}

/// A page of the user-federation flow that a browser opens: unsigned `GET` requests that return
/// redirects or plain-text error pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BrowserPage {
    /// The authorization URL handed to the user, which redirects to the provider.
    Authorize,
    /// The service's callback, to which the provider redirects the user.
    Callback,
}

/// Path of [`BrowserPage::Authorize`].
pub(crate) const AUTHORIZE_PATH: &str = "/identities/oauth2/authorize";

/// Path of [`BrowserPage::Callback`]; the provider's callback id follows it.
pub(crate) const CALLBACK_PATH_PREFIX: &str = "/identities/oauth2/callback/";

/// A document of the web identity token issuer, served by unsigned `GET` requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiscoveryDocument {
    /// The OpenID discovery document.
    OpenIdConfiguration,
    /// The JSON Web Key Set with the keys that verify web identity tokens.
    Jwks,
}

/// Path of the web identity token issuer under the public URL. The `iss` of every token is the
/// public URL followed by this path.
pub(crate) const WEB_IDENTITY_ISSUER_PATH: &str = "/sts";

/// Path of [`DiscoveryDocument::OpenIdConfiguration`], where OpenID Connect Discovery 1.0
/// expects it for the issuer.
pub(crate) const OPENID_CONFIGURATION_PATH: &str = "/sts/.well-known/openid-configuration";

/// Path of [`DiscoveryDocument::Jwks`], named like the real issuer's.
pub(crate) const JWKS_PATH: &str = "/sts/.well-known/jwks.json";

/// Path of STS requests in the query protocol.
pub(crate) const STS_QUERY_PATH: &str = "/";

/// Every served operation with its path; all are `POST`.
const SERVED: &[(&str, Operation)] = &[
    (
        "/identities/GetWorkloadAccessToken",
        Operation::GetWorkloadAccessToken,
    ),
    (
        "/identities/GetWorkloadAccessTokenForJWT",
        Operation::GetWorkloadAccessTokenForJwt,
    ),
    (
        "/identities/GetWorkloadAccessTokenForUserId",
        Operation::GetWorkloadAccessTokenForUserId,
    ),
    ("/identities/api-key", Operation::GetResourceApiKey),
    (
        "/identities/oauth2/token",
        Operation::GetResourceOauth2Token,
    ),
    (
        "/identities/CompleteResourceTokenAuth",
        Operation::CompleteResourceTokenAuth,
    ),
    (
        "/identities/CreateOauth2CredentialProvider",
        Operation::CreateOauth2CredentialProvider,
    ),
    (
        "/identities/GetOauth2CredentialProvider",
        Operation::GetOauth2CredentialProvider,
    ),
    (
        "/identities/UpdateOauth2CredentialProvider",
        Operation::UpdateOauth2CredentialProvider,
    ),
    (
        "/identities/DeleteOauth2CredentialProvider",
        Operation::DeleteOauth2CredentialProvider,
    ),
    (
        "/identities/ListOauth2CredentialProviders",
        Operation::ListOauth2CredentialProviders,
    ),
    (
        "/identities/CreateWorkloadIdentity",
        Operation::CreateWorkloadIdentity,
    ),
    (
        "/identities/GetWorkloadIdentity",
        Operation::GetWorkloadIdentity,
    ),
    (
        "/identities/UpdateWorkloadIdentity",
        Operation::UpdateWorkloadIdentity,
    ),
    (
        "/identities/DeleteWorkloadIdentity",
        Operation::DeleteWorkloadIdentity,
    ),
    (
        "/identities/ListWorkloadIdentities",
        Operation::ListWorkloadIdentities,
    ),
    (
        "/identities/CreateApiKeyCredentialProvider",
        Operation::CreateApiKeyCredentialProvider,
    ),
    (
        "/identities/GetApiKeyCredentialProvider",
        Operation::GetApiKeyCredentialProvider,
    ),
    (
        "/identities/UpdateApiKeyCredentialProvider",
        Operation::UpdateApiKeyCredentialProvider,
    ),
    (
        "/identities/DeleteApiKeyCredentialProvider",
        Operation::DeleteApiKeyCredentialProvider,
    ),
    (
        "/identities/ListApiKeyCredentialProviders",
        Operation::ListApiKeyCredentialProviders,
    ),
    ("/identities/get-token-vault", Operation::GetTokenVault),
];

/// Operations of the identity group that the real service has and this one does not serve,
/// by exact `POST` path.
const NOT_SERVED: &[(&str, &str)] = &[
    ("/identities/payment/token", "GetResourcePaymentToken"),
    ("/identities/set-token-vault-cmk", "SetTokenVaultCMK"),
    (
        "/identities/reset-token-vault-key-material",
        "ResetTokenVaultKeyMaterial",
    ),
    (
        "/identities/CreatePaymentCredentialProvider",
        "CreatePaymentCredentialProvider",
    ),
    (
        "/identities/GetPaymentCredentialProvider",
        "GetPaymentCredentialProvider",
    ),
    (
        "/identities/UpdatePaymentCredentialProvider",
        "UpdatePaymentCredentialProvider",
    ),
    (
        "/identities/DeletePaymentCredentialProvider",
        "DeletePaymentCredentialProvider",
    ),
    (
        "/identities/ListPaymentCredentialProviders",
        "ListPaymentCredentialProviders",
    ),
    ("/identities/CreateConsentPortal", "CreateConsentPortal"),
    ("/identities/GetConsentPortal", "GetConsentPortal"),
    ("/identities/UpdateConsentPortal", "UpdateConsentPortal"),
    ("/identities/DeleteConsentPortal", "DeleteConsentPortal"),
    ("/identities/ListConsentPortals", "ListConsentPortals"),
];

/// Destination of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Served(Operation),
    Browser(BrowserPage),
    /// An STS request in the query protocol, whose action is named in the body.
    StsQuery,
    Discovery(DiscoveryDocument),
    /// An operation of the real service that this one does not implement.
    NotServed(&'static str),
    Unknown,
}

impl Route {
    /// Name of the operation for logs and messages.
    pub(crate) fn operation_name(self) -> &'static str {
        match self {
            Self::Served(operation) => operation.name(),
            Self::Browser(BrowserPage::Authorize) => "OAuth2Authorize",
            Self::Browser(BrowserPage::Callback) => "OAuth2Callback",
            Self::StsQuery => "StsQuery",
            Self::Discovery(DiscoveryDocument::OpenIdConfiguration) => "OpenIdConfiguration",
            Self::Discovery(DiscoveryDocument::Jwks) => "WebIdentityJwks",
            Self::NotServed(name) => name,
            Self::Unknown => "unknown",
        }
    }
}

/// Finds the operation for a method and path.
pub(crate) fn resolve(method: &Method, path: &str) -> Route {
    if let Some(name) = resolve_resource_path(method, path) {
        return Route::NotServed(name);
    }
    if method == Method::GET {
        if path == OPENID_CONFIGURATION_PATH {
            return Route::Discovery(DiscoveryDocument::OpenIdConfiguration);
        }
        if path == JWKS_PATH {
            return Route::Discovery(DiscoveryDocument::Jwks);
        }
        if path == AUTHORIZE_PATH {
            return Route::Browser(BrowserPage::Authorize);
        }
        if path
            .strip_prefix(CALLBACK_PATH_PREFIX)
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
        {
            return Route::Browser(BrowserPage::Callback);
        }
    }
    if method != Method::POST {
        return Route::Unknown;
    }
    if path == STS_QUERY_PATH {
        return Route::StsQuery;
    }
    if let Some((_, operation)) = SERVED.iter().find(|(served, _)| *served == path) {
        return Route::Served(*operation);
    }
    if let Some((_, name)) = NOT_SERVED.iter().find(|(known, _)| *known == path) {
        return Route::NotServed(name);
    }
    Route::Unknown
}

/// Tag and resource-policy operations, whose paths end in a percent-encoded ARN.
fn resolve_resource_path(method: &Method, path: &str) -> Option<&'static str> {
    let (prefix, arn) = path.trim_start_matches('/').split_once('/')?;
    if arn.is_empty() {
        return None;
    }
    let name = match (prefix, method.as_str()) {
        ("tags", "POST") => "TagResource",
        ("tags", "DELETE") => "UntagResource",
        ("tags", "GET") => "ListTagsForResource",
        ("resourcepolicy", "PUT") => "PutResourcePolicy",
        ("resourcepolicy", "GET") => "GetResourcePolicy",
        ("resourcepolicy", "DELETE") => "DeleteResourcePolicy",
        _ => return None,
    };
    Some(name)
}

impl Operation {
    /// Returns the operation's name in the service model.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::GetWorkloadAccessToken => "GetWorkloadAccessToken",
            Self::GetWorkloadAccessTokenForJwt => "GetWorkloadAccessTokenForJWT",
            Self::GetWorkloadAccessTokenForUserId => "GetWorkloadAccessTokenForUserId",
            Self::GetResourceApiKey => "GetResourceApiKey",
            Self::GetResourceOauth2Token => "GetResourceOauth2Token",
            Self::CompleteResourceTokenAuth => "CompleteResourceTokenAuth",
            Self::CreateWorkloadIdentity => "CreateWorkloadIdentity",
            Self::GetWorkloadIdentity => "GetWorkloadIdentity",
            Self::UpdateWorkloadIdentity => "UpdateWorkloadIdentity",
            Self::DeleteWorkloadIdentity => "DeleteWorkloadIdentity",
            Self::ListWorkloadIdentities => "ListWorkloadIdentities",
            Self::CreateApiKeyCredentialProvider => "CreateApiKeyCredentialProvider",
            Self::GetApiKeyCredentialProvider => "GetApiKeyCredentialProvider",
            Self::UpdateApiKeyCredentialProvider => "UpdateApiKeyCredentialProvider",
            Self::DeleteApiKeyCredentialProvider => "DeleteApiKeyCredentialProvider",
            Self::ListApiKeyCredentialProviders => "ListApiKeyCredentialProviders",
            Self::CreateOauth2CredentialProvider => "CreateOauth2CredentialProvider",
            Self::GetOauth2CredentialProvider => "GetOauth2CredentialProvider",
            Self::UpdateOauth2CredentialProvider => "UpdateOauth2CredentialProvider",
            Self::DeleteOauth2CredentialProvider => "DeleteOauth2CredentialProvider",
            Self::ListOauth2CredentialProviders => "ListOauth2CredentialProviders",
            Self::GetTokenVault => "GetTokenVault",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_finds_served_operation() {
        let route = resolve(&Method::POST, "/identities/api-key");

        assert_eq!(route, Route::Served(Operation::GetResourceApiKey));
    }

    #[test]
    fn resolve_finds_oauth2_token() {
        let route = resolve(&Method::POST, "/identities/oauth2/token");

        assert_eq!(route, Route::Served(Operation::GetResourceOauth2Token));
    }

    #[test]
    fn resolve_marks_payment_token_not_served() {
        let route = resolve(&Method::POST, "/identities/payment/token");

        assert_eq!(route, Route::NotServed("GetResourcePaymentToken"));
    }

    #[test]
    fn resolve_finds_browser_pages() {
        let authorize = resolve(&Method::GET, "/identities/oauth2/authorize");
        let callback = resolve(&Method::GET, "/identities/oauth2/callback/0a1b");

        assert_eq!(authorize, Route::Browser(BrowserPage::Authorize));
        assert_eq!(callback, Route::Browser(BrowserPage::Callback));
        assert_eq!(
            resolve(&Method::GET, "/identities/oauth2/callback/"),
            Route::Unknown
        );
        assert_eq!(
            resolve(&Method::POST, "/identities/oauth2/authorize"),
            Route::Unknown
        );
    }

    #[test]
    fn resolve_finds_sts_and_discovery_routes() {
        assert_eq!(resolve(&Method::POST, "/"), Route::StsQuery);
        assert_eq!(
            resolve(&Method::GET, "/sts/.well-known/openid-configuration"),
            Route::Discovery(DiscoveryDocument::OpenIdConfiguration)
        );
        assert_eq!(
            resolve(&Method::GET, "/sts/.well-known/jwks.json"),
            Route::Discovery(DiscoveryDocument::Jwks)
        );
        assert_eq!(resolve(&Method::GET, "/"), Route::Unknown);
        assert_eq!(
            resolve(&Method::POST, "/sts/.well-known/jwks.json"),
            Route::Unknown
        );
    }

    #[test]
    fn resolve_marks_tag_operations_not_served() {
        let route = resolve(&Method::GET, "/tags/arn%3Aaws%3Aacps");

        assert_eq!(route, Route::NotServed("ListTagsForResource"));
    }

    #[test]
    fn resolve_rejects_wrong_method() {
        assert_eq!(resolve(&Method::GET, "/identities/api-key"), Route::Unknown);
    }

    #[test]
    fn resolve_rejects_unknown_path() {
        assert_eq!(resolve(&Method::POST, "/identities/Nope"), Route::Unknown);
    }
}
