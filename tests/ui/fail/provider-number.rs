use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[requires_api_key(provider = 42)]
async fn ask(api_key: SecretString) -> Result<(), Error> {
    let _ = api_key;
    Ok(())
}

fn main() {}
