use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

struct Agent;

#[requires_api_key(provider = "openai")]
impl Agent {
    async fn ask(&self, api_key: SecretString) -> Result<(), Error> {
        let _ = api_key;
        Ok(())
    }
}

fn main() {}
