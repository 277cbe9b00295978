use agentcore_identity_runtime::{SecretString, requires_api_key};

#[derive(Debug)]
struct AgentError;

#[requires_api_key(provider = "openai")]
async fn ask(api_key: SecretString) -> Result<(), AgentError> {
    let _ = api_key;
    Ok(())
}

fn main() {}
