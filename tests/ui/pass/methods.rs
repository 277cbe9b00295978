use std::sync::Arc;

use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

pub struct Agent {
    calls: u32,
}

impl Agent {
    #[requires_api_key(provider = "openai")]
    pub async fn by_ref(&self, api_key: SecretString) -> Result<u32, Error> {
        let _ = api_key;
        Ok(self.calls)
    }

    #[requires_api_key(provider = "openai")]
    pub async fn by_mut(&mut self, api_key: SecretString) -> Result<(), Error> {
        let _ = api_key;
        self.calls += 1;
        Ok(())
    }

    #[requires_api_key(provider = "openai")]
    pub async fn by_value(self, api_key: SecretString) -> Result<u32, Error> {
        let _ = api_key;
        Ok(self.calls)
    }

    #[requires_api_key(provider = "openai")]
    pub async fn by_arc(self: Arc<Self>, api_key: SecretString) -> Result<u32, Error> {
        let _ = api_key;
        Ok(self.calls)
    }

    #[requires_api_key(provider = "openai")]
    pub fn blocking(&self, api_key: SecretString) -> Result<u32, Error> {
        let _ = api_key;
        Ok(self.calls)
    }

    #[requires_api_key(provider = "openai")]
    pub async fn associated(api_key: SecretString) -> Result<Self, Error> {
        let _ = api_key;
        Ok(Agent { calls: 0 })
    }
}

#[allow(dead_code)]
async fn caller() -> Result<u32, Error> {
    let mut agent = Agent::associated().await?;
    agent.by_mut().await?;
    agent.by_ref().await?;
    agent.blocking()?;
    Arc::new(Agent { calls: 0 }).by_arc().await?;
    agent.by_value().await
}

fn main() {}
