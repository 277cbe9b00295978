use agentcore_identity_runtime::{Error, requires_api_key};

struct Agent;

impl Agent {
    #[requires_api_key(provider = "openai", into = "self")]
    async fn ask(&self) -> Result<(), Error> {
        Ok(())
    }
}

fn main() {}
