use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[requires_api_key(into = "key")]
async fn ask(key: SecretString) -> Result<(), Error> {
    let _ = key;
    Ok(())
}

fn main() {}
