use agentcore_identity_runtime::{SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
async fn ask(prompt: &str, api_key: SecretString) -> String {
    let _ = api_key;
    prompt.to_owned()
}

fn main() {}
