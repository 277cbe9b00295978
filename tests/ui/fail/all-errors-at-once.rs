use agentcore_identity_runtime::requires_api_key;

#[requires_api_key(provider_name = "openai", into = 5, into = "key", crate = "1")]
const fn ask(prompt: &str) {
    let _ = prompt;
}

fn main() {}
