//! Quickstart: two annotated functions receive API keys from a token vault.
//!
//! Runs end to end on this machine: it starts the local Identity service in-process on a free
//! loopback port, stores two demo API keys in its token vault, then calls an annotated
//! `async fn` and an annotated plain `fn`. Everything it creates lives in a temporary directory
//! that is removed on exit.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use agentcore_identity_local::LocalIdentityService;
use agentcore_identity_runtime::{
    Credentials, Error, ExposeSecret, IdentityClient, SecretString, requires_api_key,
};

/// Calls a weather API with the key of the `quickstart-weather-api` provider, as an agent tool.
#[requires_api_key(provider = "quickstart-weather-api")]
async fn forecast(city: &str, api_key: SecretString) -> Result<String, Error> {
    Ok(format!(
        "forecast for {city} requested with the key of `quickstart-weather-api`: {}",
        mask(api_key.expose_secret())
    ))
}

/// A plain function works too: it blocks while the key is fetched.
#[requires_api_key(provider = "quickstart-translate-api", into = "key")]
fn translate(text: &str, key: SecretString) -> Result<String, Error> {
    Ok(format!(
        "translation of {text:?} requested with the key of `quickstart-translate-api`: {}",
        mask(key.expose_secret())
    ))
}

/// Shows the first four characters of a key and its length, never the whole key.
fn mask(key: &str) -> String {
    let visible: String = key.chars().take(4).collect();
    format!("{visible}… ({} characters)", key.chars().count())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,aws_config=warn,aws_smithy_runtime=warn".into()),
        )
        .with_target(false)
        .init();

    // 1. A local Identity service, as `agentcore-identity-local serve` would run it.
    let data_dir = tempfile::tempdir()?;
    let service = LocalIdentityService::builder()
        .data_dir(data_dir.path())
        .start()
        .await?;

    // 2. A client aimed at it, acting as a named workload identity for one user, so no
    //    `.agentcore.json` is written. Any static credentials are accepted locally.
    let client = IdentityClient::builder()
        .region("us-east-1")
        .endpoint_url(service.endpoint())
        .credentials(Credentials::new(
            "AKIDQUICKSTART",
            "quickstart",
            None,
            None,
            "quickstart",
        ))
        .workload_identity("quickstart-agent")
        .user_id("quickstart-user")
        .local_development(false)
        .build()
        .await?;

    // 3. The setup an administrator does once: a workload identity and two API-key providers.
    client
        .create_workload_identity("quickstart-agent", &[])
        .await?;
    for (provider, key) in [
        ("quickstart-weather-api", "wx-demo-4f1e8a2b9c"),
        ("quickstart-translate-api", "tr-demo-77d0c3e5aa"),
    ] {
        client
            .create_api_key_credential_provider(provider, &SecretString::from(key.to_owned()))
            .await?;
    }

    // 4. The agent code: callers never pass the keys.
    let weather = client.scope(forecast("Lisbon")).await?;
    println!("async fn: {weather}");
    let translation = client.scope(async { translate("good morning") }).await?;
    println!("plain fn: {translation}");

    service.shutdown().await;
    data_dir.close()?;
    Ok(())
}
