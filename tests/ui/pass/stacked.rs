use agentcore_identity_runtime::{Error, SecretString, requires_api_key, requires_wat};

#[requires_api_key(provider = "openai")]
#[requires_wat]
pub async fn key_first(
    identity_wat: SecretString,
    prompt: &str,
    api_key: SecretString,
) -> Result<String, Error> {
    let _ = (identity_wat, api_key);
    Ok(prompt.to_owned())
}

#[requires_wat]
#[requires_api_key(provider = "openai")]
pub fn token_first(api_key: SecretString, identity_wat: SecretString) -> Result<(), Error> {
    let _ = (identity_wat, api_key);
    Ok(())
}

// Two API keys from two providers, each into its own parameter.
#[requires_api_key(provider = "openai", into = "openai_key")]
#[requires_api_key(provider = "anthropic", into = "anthropic_key")]
pub async fn two_keys(
    openai_key: SecretString,
    anthropic_key: SecretString,
) -> Result<(), Error> {
    let _ = (openai_key, anthropic_key);
    Ok(())
}

#[allow(dead_code)]
async fn caller() -> Result<String, Error> {
    token_first()?;
    two_keys().await?;
    key_first("hello").await
}

fn main() {}
