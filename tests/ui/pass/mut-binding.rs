use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
pub async fn rotate(mut api_key: SecretString) -> Result<(), Error> {
    api_key = SecretString::from("rotated");
    let _ = api_key;
    Ok(())
}

fn main() {}
