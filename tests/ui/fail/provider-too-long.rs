use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

// The name is 129 characters long.
#[requires_api_key(
    provider = "openai-apikey-provider-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
)]
async fn ask(api_key: SecretString) -> Result<(), Error> {
    let _ = api_key;
    Ok(())
}

fn main() {}
