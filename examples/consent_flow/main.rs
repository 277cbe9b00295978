//! Three-legged consent on the local Identity service: prints the URL a person opens to let
//! the agent act for them, waits for the consent, then receives the access token.
//!
//! It needs an OAuth2 authorization server with a discovery document. Any will do; the one the
//! tests use runs offline:
//!
//! ```text
//! npm ci --prefix tests/node
//! tests/node/node_modules/.bin/node tests/node/oauth-server.mjs   # prints its issuer URL
//! CONSENT_DISCOVERY_URL=http://127.0.0.1:PORT/.well-known/openid-configuration \
//!     cargo run --example consent_flow
//! ```
//!
//! Settings (environment variables): `CONSENT_DISCOVERY_URL` (required), `CONSENT_CLIENT_ID`
//! and `CONSENT_CLIENT_SECRET` (defaults `consent-demo` and `consent-demo-secret`),
//! `CONSENT_SCOPES` (space-separated, default `openid profile`).

mod return_server;

use std::time::Duration;

use agentcore_identity_local::LocalIdentityService;
use agentcore_identity_runtime::control::{
    CredentialProviderVendorType, CustomOauth2ProviderConfigInput, Oauth2Discovery,
    Oauth2ProviderConfigInput,
};
use agentcore_identity_runtime::{
    Credentials, Error, ExposeSecret, IdentityClient, IntervalPoller, RequestContext, SecretString,
    SessionUser, requires_access_token,
};
use anyhow::Context as _;

const PROVIDER: &str = "consent-demo";
const WORKLOAD: &str = "consent-demo-agent";
const USER: &str = "consent-demo-user";

fn show_link(url: &str) {
    println!("Open this URL in a browser to let the agent act for {USER}:\n\n  {url}\n");
    println!("Waiting for the consent...");
}

/// The agent's tool: it runs only once the user has consented.
#[requires_access_token(
    provider = "consent-demo",
    scopes = ["openid", "profile"],
    auth_flow = "USER_FEDERATION",
    on_auth_url = show_link,
    token_poller = IntervalPoller::new().interval(Duration::from_secs(1)),
)]
async fn read_profile(access_token: SecretString) -> Result<String, Error> {
    let token = access_token.expose_secret();
    let visible: String = token.chars().take(8).collect();
    Ok(format!("{visible}… ({} characters)", token.len()))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let discovery_url = std::env::var("CONSENT_DISCOVERY_URL").context(
        "missing CONSENT_DISCOVERY_URL: set it to the OpenID discovery URL of an authorization server (see the comment at the top of examples/consent_flow/main.rs)",
    )?;
    let client_id = std::env::var("CONSENT_CLIENT_ID").unwrap_or_else(|_| "consent-demo".into());
    let client_secret =
        std::env::var("CONSENT_CLIENT_SECRET").unwrap_or_else(|_| "consent-demo-secret".into());

    let data_dir = tempfile::tempdir()?;
    let service = LocalIdentityService::builder()
        .data_dir(data_dir.path())
        .start()
        .await?;
    let client = IdentityClient::builder()
        .region("us-east-1")
        .endpoint_url(service.endpoint())
        .credentials(Credentials::new(
            "AKIDCONSENT",
            "consent",
            None,
            None,
            "consent",
        ))
        .workload_identity(WORKLOAD)
        .user_id(USER)
        .local_development(false)
        .build()
        .await?;

    // The application's return-URL server, allowed on the workload identity.
    let mut returns =
        return_server::start(client.clone(), SessionUser::UserId(USER.into())).await?;
    client
        .create_workload_identity(WORKLOAD, std::slice::from_ref(&returns.url))
        .await?;

    let config = CustomOauth2ProviderConfigInput::builder()
        .oauth_discovery(Oauth2Discovery::DiscoveryUrl(discovery_url))
        .client_id(client_id)
        .client_secret(client_secret)
        .build();
    client
        .create_oauth2_credential_provider(
            PROVIDER,
            CredentialProviderVendorType::CustomOauth2,
            Oauth2ProviderConfigInput::CustomOauth2ProviderConfig(config),
        )
        .await?;

    // The return URL reaches the function through the request context, as AgentCore Runtime
    // passes it in the `OAuth2CallbackUrl` header.
    let context = RequestContext::builder()
        .oauth2_callback_url(returns.url.clone())
        .build();
    let first = context.clone().scope(client.scope(read_profile())).await?;
    match returns.completions.try_recv() {
        Ok(completion) => println!("return URL: {completion:?}"),
        Err(_) => println!("return URL: not visited"),
    }
    println!("access token received after consent: {first}");

    // The token is now in the vault: a second call needs no consent.
    let second = context.scope(client.scope(read_profile())).await?;
    println!("access token received again without consent: {second}");

    service.shutdown().await;
    Ok(())
}
