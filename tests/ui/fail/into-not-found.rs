use agentcore_identity_runtime::{Error, requires_api_key};

#[requires_api_key(provider = "openai", into = "key")]
async fn ask(prompt: &str, count: u8) -> Result<(), Error> {
    let _ = (prompt, count);
    Ok(())
}

fn main() {}
