use agentcore_identity_runtime::{SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
fn ask(api_key: SecretString) -> Option<u8> {
    let _ = api_key;
    None
}

fn main() {}
