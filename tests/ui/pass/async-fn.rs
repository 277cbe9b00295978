use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

/// Asks a model, with the API key of the `openai-apikey-provider` credential provider.
#[requires_api_key(provider = "openai-apikey-provider")]
pub async fn ask(prompt: &str, api_key: SecretString) -> Result<String, Error> {
    let _ = api_key;
    Ok(prompt.to_owned())
}

// Callers no longer pass the key.
#[allow(dead_code)]
async fn caller() -> Result<String, Error> {
    ask("hello").await
}

fn main() {}
