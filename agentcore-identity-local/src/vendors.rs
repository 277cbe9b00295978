//! The vendors of OAuth2 credential providers and the endpoints built into the service.
//!
//! Vendors with one global authorization server have their issuer, authorization endpoint and
//! token endpoint filled in here, so using them needs no discovery request. Vendors whose
//! authorization server belongs to a tenant (Okta, Auth0, Cognito and the like) have none:
//! their providers name the tenant's issuer, and its discovery document is fetched when a
//! token is first needed.

use serde::{Deserialize, Serialize};

/// Client authentication method at the token endpoint (RFC 6749, section 2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum ClientAuthMethod {
    /// HTTP Basic authentication with the form-encoded client id and secret.
    #[serde(rename = "CLIENT_SECRET_BASIC")]
    Basic,
    /// `client_id` and `client_secret` in the form body.
    #[serde(rename = "CLIENT_SECRET_POST")]
    Post,
}

/// A built-in vendor, or the custom vendor.
#[derive(Debug)]
pub(crate) struct Vendor {
    /// The `credentialProviderVendor` value.
    pub(crate) name: &'static str,
    /// Member of the `oauth2ProviderConfigInput` and `oauth2ProviderConfigOutput` unions.
    pub(crate) config_member: &'static str,
    /// Endpoints of the vendor's global authorization server; `None` for tenant-specific
    /// vendors and for custom providers.
    pub(crate) endpoints: Option<VendorEndpoints>,
    /// Client authentication the vendor documents for its token endpoint.
    pub(crate) auth_method: ClientAuthMethod,
}

/// Issuer, authorization endpoint and token endpoint of a vendor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VendorEndpoints {
    pub(crate) issuer: &'static str,
    pub(crate) authorization: &'static str,
    pub(crate) token: &'static str,
}

/// `credentialProviderVendor` of providers configured by discovery URL or metadata.
pub(crate) const CUSTOM: &str = "CustomOauth2";

/// `credentialProviderVendor` of Microsoft Entra ID, whose endpoints name a tenant.
pub(crate) const MICROSOFT: &str = "MicrosoftOauth2";

/// Union member shared by the built-in vendors without a member of their own.
pub(crate) const INCLUDED_MEMBER: &str = "includedOauth2ProviderConfig";

/// Entra ID tenant used when a Microsoft provider names none: any work, school or personal
/// Microsoft account.
const MICROSOFT_DEFAULT_TENANT: &str = "common";

const fn global(
    name: &'static str,
    config_member: &'static str,
    endpoints: [&'static str; 3],
    auth_method: ClientAuthMethod,
) -> Vendor {
    Vendor {
        name,
        config_member,
        endpoints: Some(VendorEndpoints {
            issuer: endpoints[0],
            authorization: endpoints[1],
            token: endpoints[2],
        }),
        auth_method,
    }
}

const fn tenant_specific(name: &'static str) -> Vendor {
    Vendor {
        name,
        config_member: INCLUDED_MEMBER,
        endpoints: None,
        auth_method: ClientAuthMethod::Basic,
    }
}

// NOTE: the endpoints are the vendors' published OAuth2 endpoints as of 2025; the service never
// contacts them in tests, so a vendor that moves its endpoints is noticed only in use.
// Microsoft's endpoints depend on the tenant and are built by `microsoft_endpoints`.
static VENDORS: &[Vendor] = &[
    global(
        "GoogleOauth2",
        "googleOauth2ProviderConfig",
        [
            "https://accounts.google.com",
            "https://accounts.google.com/o/oauth2/v2/auth",
            "https://oauth2.googleapis.com/token",
        ],
        ClientAuthMethod::Post,
    ),
    global(
        "GithubOauth2",
        "githubOauth2ProviderConfig",
        [
            "https://github.com",
            "https://github.com/login/oauth/authorize",
            "https://github.com/login/oauth/access_token",
        ],
        ClientAuthMethod::Post,
    ),
    global(
        "SlackOauth2",
        "slackOauth2ProviderConfig",
        [
            "https://slack.com",
            "https://slack.com/oauth/v2/authorize",
            "https://slack.com/api/oauth.v2.access",
        ],
        ClientAuthMethod::Post,
    ),
    global(
        "SalesforceOauth2",
        "salesforceOauth2ProviderConfig",
        [
            "https://login.salesforce.com",
            "https://login.salesforce.com/services/oauth2/authorize",
            "https://login.salesforce.com/services/oauth2/token",
        ],
        ClientAuthMethod::Post,
    ),
    Vendor {
        name: MICROSOFT,
        config_member: "microsoftOauth2ProviderConfig",
        endpoints: None,
        auth_method: ClientAuthMethod::Post,
    },
    global(
        "AtlassianOauth2",
        "atlassianOauth2ProviderConfig",
        [
            "https://auth.atlassian.com",
            "https://auth.atlassian.com/authorize",
            "https://auth.atlassian.com/oauth/token",
        ],
        ClientAuthMethod::Post,
    ),
    global(
        "LinkedinOauth2",
        "linkedinOauth2ProviderConfig",
        [
            "https://www.linkedin.com/oauth",
            "https://www.linkedin.com/oauth/v2/authorization",
            "https://www.linkedin.com/oauth/v2/accessToken",
        ],
        ClientAuthMethod::Post,
    ),
    global(
        "XOauth2",
        INCLUDED_MEMBER,
        [
            "https://x.com",
            "https://x.com/i/oauth2/authorize",
            "https://api.x.com/2/oauth2/token",
        ],
        ClientAuthMethod::Basic,
    ),
    global(
        "FacebookOauth2",
        INCLUDED_MEMBER,
        [
            "https://www.facebook.com",
            "https://www.facebook.com/v21.0/dialog/oauth",
            "https://graph.facebook.com/v21.0/oauth/access_token",
        ],
        ClientAuthMethod::Post,
    ),
    global(
        "YandexOauth2",
        INCLUDED_MEMBER,
        [
            "https://oauth.yandex.com",
            "https://oauth.yandex.com/authorize",
            "https://oauth.yandex.com/token",
        ],
        ClientAuthMethod::Basic,
    ),
    global(
        "RedditOauth2",
        INCLUDED_MEMBER,
        [
            "https://www.reddit.com",
            "https://www.reddit.com/api/v1/authorize",
            "https://www.reddit.com/api/v1/access_token",
        ],
        ClientAuthMethod::Basic,
    ),
    global(
        "ZoomOauth2",
        INCLUDED_MEMBER,
        [
            "https://zoom.us",
            "https://zoom.us/oauth/authorize",
            "https://zoom.us/oauth/token",
        ],
        ClientAuthMethod::Basic,
    ),
    global(
        "TwitchOauth2",
        INCLUDED_MEMBER,
        [
            "https://id.twitch.tv/oauth2",
            "https://id.twitch.tv/oauth2/authorize",
            "https://id.twitch.tv/oauth2/token",
        ],
        ClientAuthMethod::Post,
    ),
    global(
        "SpotifyOauth2",
        INCLUDED_MEMBER,
        [
            "https://accounts.spotify.com",
            "https://accounts.spotify.com/authorize",
            "https://accounts.spotify.com/api/token",
        ],
        ClientAuthMethod::Basic,
    ),
    global(
        "DropboxOauth2",
        INCLUDED_MEMBER,
        [
            "https://www.dropbox.com",
            "https://www.dropbox.com/oauth2/authorize",
            "https://api.dropboxapi.com/oauth2/token",
        ],
        ClientAuthMethod::Basic,
    ),
    global(
        "NotionOauth2",
        INCLUDED_MEMBER,
        [
            "https://api.notion.com",
            "https://api.notion.com/v1/oauth/authorize",
            "https://api.notion.com/v1/oauth/token",
        ],
        ClientAuthMethod::Basic,
    ),
    global(
        "HubspotOauth2",
        INCLUDED_MEMBER,
        [
            "https://app.hubspot.com",
            "https://app.hubspot.com/oauth/authorize",
            "https://api.hubapi.com/oauth/v1/token",
        ],
        ClientAuthMethod::Post,
    ),
    tenant_specific("OktaOauth2"),
    tenant_specific("OneLoginOauth2"),
    tenant_specific("PingOneOauth2"),
    tenant_specific("CyberArkOauth2"),
    tenant_specific("FusionAuthOauth2"),
    tenant_specific("Auth0Oauth2"),
    tenant_specific("CognitoOauth2"),
    Vendor {
        name: CUSTOM,
        config_member: "customOauth2ProviderConfig",
        endpoints: None,
        auth_method: ClientAuthMethod::Basic,
    },
];

/// Returns the vendor with this `credentialProviderVendor` value.
pub(crate) fn find(name: &str) -> Option<&'static Vendor> {
    VENDORS.iter().find(|vendor| vendor.name == name)
}

/// Returns every `credentialProviderVendor` value, for the enum check.
pub(crate) fn names() -> Vec<&'static str> {
    VENDORS.iter().map(|vendor| vendor.name).collect()
}

/// Returns the issuer, authorization endpoint and token endpoint of an Entra ID tenant (a
/// tenant id, a verified domain, or `common`, `organizations` or `consumers`).
pub(crate) fn microsoft_endpoints(tenant_id: Option<&str>) -> [String; 3] {
    let tenant = tenant_id.unwrap_or(MICROSOFT_DEFAULT_TENANT);
    let base = format!("https://login.microsoftonline.com/{tenant}");
    [
        format!("{base}/v2.0"),
        format!("{base}/oauth2/v2.0/authorize"),
        format!("{base}/oauth2/v2.0/token"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_vendor_is_known() {
        assert_eq!(names().len(), 25);
        for name in [
            "GithubOauth2",
            "LinkedinOauth2",
            "OneLoginOauth2",
            "CustomOauth2",
        ] {
            assert!(find(name).is_some(), "{name}");
        }
    }

    #[test]
    fn own_members_follow_vendor_names() {
        for vendor in VENDORS {
            if vendor.config_member != INCLUDED_MEMBER {
                let stem = vendor.name.trim_end_matches("Oauth2").to_lowercase();
                assert!(
                    vendor.config_member.to_lowercase().starts_with(&stem),
                    "{}",
                    vendor.name
                );
            }
        }
    }

    #[test]
    fn microsoft_endpoints_name_tenant() {
        let [issuer, authorization, token] = microsoft_endpoints(Some("contoso.onmicrosoft.com"));

        assert_eq!(
            issuer,
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0"
        );
        assert!(authorization.ends_with("/contoso.onmicrosoft.com/oauth2/v2.0/authorize"));
        assert!(token.ends_with("/contoso.onmicrosoft.com/oauth2/v2.0/token"));
    }
}
