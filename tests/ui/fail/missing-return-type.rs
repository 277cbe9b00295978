use agentcore_identity_runtime::{SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
async fn ask(api_key: SecretString) {
    let _ = api_key;
}

fn main() {}
