use agentcore_identity_runtime::{SecretString, requires_api_key};
use async_trait::async_trait;

#[async_trait]
trait Assistant {
    async fn ask(&self) -> String;
}

struct Model;

#[async_trait]
impl Assistant for Model {
    #[requires_api_key(provider = "openai")]
    async fn ask(&self, api_key: SecretString) -> String {
        let _ = api_key;
        String::new()
    }
}

fn main() {}
