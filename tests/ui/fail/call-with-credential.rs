use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
async fn ask(prompt: &str, api_key: SecretString) -> Result<(), Error> {
    let _ = (prompt, api_key);
    Ok(())
}

async fn caller() -> Result<(), Error> {
    ask("hello", SecretString::from("sk-...")).await
}

fn main() {}
