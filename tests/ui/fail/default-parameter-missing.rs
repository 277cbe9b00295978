use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
async fn ask(prompt: &str, key: SecretString) -> Result<(), Error> {
    let _ = (prompt, key);
    Ok(())
}

fn main() {}
