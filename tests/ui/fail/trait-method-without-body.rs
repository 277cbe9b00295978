use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

trait Assistant {
    #[requires_api_key(provider = "openai")]
    async fn ask(&self, api_key: SecretString) -> Result<(), Error>;
}

fn main() {}
