use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
unsafe extern "C" fn ask(api_key: SecretString, args: ...) -> Result<(), Error> {
    let _ = (api_key, args);
    Ok(())
}

fn main() {}
