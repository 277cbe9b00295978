use agentcore_identity_runtime::{Error, requires_api_key};

#[requires_api_key(provider = "openai")]
async fn ask(api_key: String) -> Result<(), Error> {
    let _ = api_key;
    Ok(())
}

fn main() {}
