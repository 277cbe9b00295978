use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
const fn ask(api_key: SecretString) -> Result<(), Error> {
    core::mem::forget(api_key);
    Ok(())
}

fn main() {}
