//! An offline stand-in for the Amazon Bedrock AgentCore Identity service, for development and
//! tests. It is not for production.
//!
//! ```no_run
//! use agentcore_identity_local::LocalIdentityService;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let service = LocalIdentityService::builder()
//!     .data_dir(".agentcore-local")
//!     .start()
//!     .await?;
//!
//! // Point the unmodified AWS SDK clients of both planes at the service.
//! let sdk_config = aws_config::load_from_env().await;
//! let data_plane = aws_sdk_bedrockagentcore::config::Builder::from(&sdk_config)
//!     .endpoint_url(service.endpoint())
//!     .build();
//! let client = aws_sdk_bedrockagentcore::Client::from_conf(data_plane);
//! # let _ = client;
//!
//! service.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! The service speaks the real service's HTTP+JSON protocol (AWS restJson1) on one listener
//! for both planes, so the AWS SDK for Rust, boto3 and the AWS CLI work against it through an
//! endpoint override (`endpoint_url`, `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE`,
//! `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL`, `--endpoint-url`). Requests must be signed
//! with SigV4, but any credentials are accepted.
//!
//! # Operations
//!
//! - Data plane: `GetWorkloadAccessToken`, `GetWorkloadAccessTokenForUserId`,
//!   `GetWorkloadAccessTokenForJWT`, `GetResourceApiKey`, `GetResourceOauth2Token` (flows
//!   `M2M`, `USER_FEDERATION` and `ON_BEHALF_OF_TOKEN_EXCHANGE`), `CompleteResourceTokenAuth`.
//! - Control plane: `CreateWorkloadIdentity`, `GetWorkloadIdentity`,
//!   `UpdateWorkloadIdentity`, `DeleteWorkloadIdentity`, `ListWorkloadIdentities`, the same
//!   five for API-key and for OAuth2 credential providers, and `GetTokenVault`.
//!
//! - STS: `GetWebIdentityToken`, in the AWS query protocol, described below.
//!
//! Other operations of the identity API (tags, resource policies, payment providers, consent
//! portals, token-vault keys) return HTTP 501 with `UnsupportedOperationException`. An unknown
//! path returns 404 with `UnknownOperationException`.
//!
//! # OAuth2
//!
//! Providers of the built-in vendors come with their vendor's endpoints, so creating one
//! sends no request. Tenant-specific vendors (Okta, Auth0, Cognito and the like) take their
//! tenant's `issuer`, whose OpenID discovery document is fetched when a token is first needed.
//! Custom providers take a `discoveryUrl` (fetched when needed and cached for an hour) or
//! explicit `authorizationServerMetadata`. Every provider's `callbackUrl` is
//! `<public URL>/identities/oauth2/callback/<random id>`.
//!
//! - `M2M` requests a token with the client-credentials grant and keeps it in the vault until
//!   a minute before it expires, per workload identity, provider, scopes, `resources` and
//!   `audiences`.
//! - `USER_FEDERATION` returns the token kept for the workload identity, user, provider and
//!   request, refreshed first when it has expired. Without one, or with
//!   `forceAuthentication`, it starts an authorization session and returns
//!   `authorizationUrl` (`<public URL>/identities/oauth2/authorize?request_uri=<session URI>`),
//!   `sessionUri` and `sessionStatus: IN_PROGRESS`. That page redirects the browser to the
//!   provider (authorization code with PKCE S256). The provider redirects to the callback,
//!   which exchanges the code and redirects to the return URL with the query parameters
//!   `session_id` (the session URI) and `custom_state` (the request's `customState`), plus
//!   `error` when the provider refused or the exchange failed. The real service's parameter
//!   names are not documented; these follow public examples of applications written against
//!   it. After `CompleteResourceTokenAuth` by the same user, polls with `sessionUri` return
//!   the token, which is then kept. A session whose exchange failed reports
//!   `sessionStatus: FAILED`. Sessions expire after
//!   [`LocalIdentityServiceBuilder::authorization_session_lifetime`].
//! - The return URL must be one of the workload identity's
//!   `allowedResourceOauth2ReturnUrls`. A request without one uses the only allowed URL when
//!   the list has exactly one entry.
//! - `ON_BEHALF_OF_TOKEN_EXCHANGE` exchanges the user JWT kept with a workload access token
//!   from `GetWorkloadAccessTokenForJWT`, with the RFC 8693 token-exchange grant or the
//!   RFC 7523 JWT-bearer grant, as the provider's `onBehalfOfTokenExchangeConfig` specifies.
//!   Exchanged tokens are not kept.
//!
//! # STS `GetWebIdentityToken`
//!
//! Some services accept a JWT that AWS signs for the caller's IAM principal. The service
//! answers STS `GetWebIdentityToken` on `POST /` (form-encoded `Action`, `Version=2011-06-15`,
//! `Audience.member.N`, `SigningAlgorithm`, `DurationSeconds`, `Tags.member.N.Key` and
//! `.Value`) with the XML the AWS SDKs parse, so `aws-sdk-sts` and boto3 reach it through
//! `AWS_ENDPOINT_URL_STS` or an STS `endpoint_url`.
//!
//! - The token is signed with ES384 (P-384) or RS256 (2048-bit RSA), as `SigningAlgorithm`
//!   asks. `SigningAlgorithm` and `Audience` are required, as in the STS service model. Both
//!   keys are created on first start and kept sealed in the vault, so the key set survives
//!   restarts. The header names the key's `kid`, its RFC 7638 thumbprint.
//! - `iss` is [`RunningService::web_identity_issuer`], `<public URL>/sts`. Its discovery
//!   document is `<issuer>/.well-known/openid-configuration`, and its key set, with both
//!   keys, is `<issuer>/.well-known/jwks.json`. Both are unsigned `GET` requests.
//! - `aud` holds the audiences (a string for one, an array for several), `iat` and `exp`
//!   follow the configured [`Clock`] and `DurationSeconds` (60 to 3600, default 300), and
//!   `jti` is random. `sub` is `arn:aws:iam::<account id>:user/<access key id>`, taken from the
//!   SigV4 `Authorization` header. This approximates the real service, which names the
//!   caller's actual principal, such as an assumed role.
//! - The claim `https://sts.amazonaws.com/` holds `aws_account`, `source_region`,
//!   `principal_id` (the same ARN as `sub`) and `request_tags`, an object of the request's
//!   tags. The real service nests its AWS-specific claims and request tags under that name,
//!   as the IAM User Guide's page on outbound token claims shows.
//! - [`LocalIdentityServiceBuilder::outbound_web_identity_federation`] (or the binary's
//!   `--disable-outbound-web-identity-federation`) turns the operation off, as an account
//!   without outbound web identity federation has it.
//!
//! Errors use the STS shape, `<ErrorResponse><Error><Type>Sender</Type><Code>...</Code>
//! <Message>...</Message></Error><RequestId>...</RequestId></ErrorResponse>`:
//!
//! | rejection | code |
//! | --- | --- |
//! | missing `Audience` or `SigningAlgorithm`, more than 10 audiences, an audience of 0 or more than 1000 characters, an algorithm other than `ES384` and `RS256`, `DurationSeconds` outside 60 to 3600, more than 50 tags, a tag without key or value, a tag key or value of wrong length or characters, duplicate tag keys | `ValidationError`, one message per violation (400) |
//! | feature turned off | `OutboundWebIdentityFederationDisabledException` (403) |
//! | no `Action` | `MissingAction` (400) |
//! | no `Version` | `MissingParameter` (400) |
//! | unknown `Action`, or a `Version` other than `2011-06-15` | `InvalidAction` (400) |
//! | another STS action, such as `GetCallerIdentity` | `UnsupportedOperation` (501) |
//! | no `Authorization` header | `MissingAuthenticationToken` (403) |
//! | `Authorization` header not of the `AWS4-HMAC-SHA256` form | `IncompleteSignature` (400) |
//!
//! # Errors
//!
//! Rejections of the identity operations use the service's error shape: the modelled status, the `x-amzn-errortype`
//! header, and `{"__type", "message"}`, plus `reason` and `fieldList` for a
//! `ValidationException`.
//!
//! | rejection | error type |
//! | --- | --- |
//! | malformed JSON body | `ValidationException`, reason `CannotParse` (400) |
//! | missing member, wrong length or pattern | `ValidationException`, reason `FieldValidationFailed`, one `fieldList` entry per member (400) |
//! | unsupported OAuth2 provider shape (private endpoints, private key JWT, KMS keys, secrets kept outside the vault, IAM actor tokens) | `ValidationException` naming the member (400) |
//! | unknown workload identity, provider or authorization session | `ResourceNotFoundException` (404) |
//! | duplicate name on create | `ConflictException` (409) |
//! | forged, modified, expired or malformed workload access token, or one whose workload identity was deleted | `UnauthorizedException` (401) |
//! | user JWT from an untrusted issuer or key, expired, or without `sub` | `UnauthorizedException` (401) |
//! | return URL not allowed, or missing when the workload identity allows none or several | `ValidationException` on `resourceOauth2ReturnUrl` (400) |
//! | `USER_FEDERATION` with a workload access token for no user; `ON_BEHALF_OF_TOKEN_EXCHANGE` with one not obtained for a user JWT | `ValidationException` on `workloadIdentityToken` (400) |
//! | poll or confirmation of an expired authorization session, or confirmation before the callback | `ValidationException` on `sessionUri` (400) |
//! | poll or confirmation of an authorization session by another user or workload identity | `AccessDeniedException` (403) |
//! | OAuth error response from a provider's token endpoint | `ValidationException` naming the provider and the OAuth error code (400) |
//! | provider's token endpoint or discovery document unreachable or unusable | `InternalServerException` naming the provider (500) |
//! | no `Authorization` header | `MissingAuthenticationTokenException` (403) |
//! | `Authorization` header not of the `AWS4-HMAC-SHA256` form | `IncompleteSignatureException` (400) |
//!
//! # Data
//!
//! The data directory contains `vault.db`, a SQLite database, and `vault.key`, the AES-256 key
//! that encrypts every secret in it (API keys, OAuth2 client secrets, access and refresh
//! tokens, PKCE verifiers, custom state and parameters, user JWTs, the workload-token signing
//! key, the web identity token signing keys) with AES-256-GCM. The key file is created with mode 0600 on first start unless a key is
//! given with [`LocalIdentityServiceBuilder::vault_key`]. A wrong key for an existing vault
//! stops the start with [`StartError::WrongVaultKey`].
//!
//! # Binary
//!
//! `agentcore-identity-local serve --port 8787 --data-dir .agentcore-local` runs the same
//! service until Ctrl-C. The binary listens on loopback unless `--host` sets another address,
//! takes `--trusted-issuer URL` (repeatable), `--workload-token-lifetime SECS`,
//! `--public-url URL`, `--authorization-session-lifetime SECS` and
//! `--disable-outbound-web-identity-federation`, and reads the vault key from
//! `AGENTCORE_LOCAL_VAULT_KEY` (base64 of 32 bytes) when that is set.
//!
//! # Workload access tokens
//!
//! Tokens are JWTs signed by the service with HS256 under a key kept in the vault. They
//! expire after [`LocalIdentityServiceBuilder::workload_token_lifetime`] as measured by the
//! configured [`Clock`], and name their workload identity and user: the user id, or the
//! issuer and `sub` of the user JWT. Clients should treat them as opaque.

#![warn(clippy::pedantic)]
#![allow(
    // Product and protocol names (AgentCore, SigV4, SQLite, OpenID) read better as plain words.
    clippy::doc_markdown,
    // A two-arm `match` on an `Option` or `Result` reads better than `if let ... else` here.
    clippy::single_match_else,
)]

mod arn;
mod cipher;
mod clock;
mod error;
mod operations;
mod provider_client;
mod provider_config;
mod routes;
mod server;
mod service;
mod start_error;
mod store;
mod sts;
mod trusted_issuer;
mod user_jwt;
mod validation;
mod vault_key;
mod vendors;
mod workload_token;

pub use clock::{Clock, ManualClock, SystemClock};
pub use service::{
    DEFAULT_ACCOUNT_ID, DEFAULT_AUTHORIZATION_SESSION_LIFETIME, DEFAULT_REGION,
    DEFAULT_WORKLOAD_TOKEN_LIFETIME, LocalIdentityService, LocalIdentityServiceBuilder,
    RunningService,
};
pub use start_error::{BoxError, StartError};
pub use trusted_issuer::TrustedIssuer;
