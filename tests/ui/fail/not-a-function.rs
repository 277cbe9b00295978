use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
struct Agent {
    api_key: SecretString,
}

fn ask() -> Result<(), Error> {
    Ok(())
}

fn main() {}
