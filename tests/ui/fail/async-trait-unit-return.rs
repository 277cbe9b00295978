use agentcore_identity_runtime::{SecretString, requires_api_key};
use async_trait::async_trait;

#[async_trait]
trait Assistant {
    async fn ask(&self);
}

struct Model;

#[async_trait]
impl Assistant for Model {
    #[requires_api_key(provider = "openai")]
    async fn ask(&self, api_key: SecretString) {
        let _ = api_key;
    }
}

fn main() {}
