use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[requires_api_key(provider = "openai", into = "openai_kye")]
async fn ask(prompt: &str, openai_key: SecretString) -> Result<(), Error> {
    let _ = (prompt, openai_key);
    Ok(())
}

fn main() {}
