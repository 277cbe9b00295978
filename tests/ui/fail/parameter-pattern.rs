use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
async fn ask((api_key, retries): (SecretString, u8)) -> Result<(), Error> {
    let _ = (api_key, retries);
    Ok(())
}

fn main() {}
