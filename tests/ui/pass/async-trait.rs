use agentcore_identity_runtime::{Error, SecretString, requires_api_key, requires_wat};
use async_trait::async_trait;

#[async_trait]
pub trait Assistant {
    async fn ask(&self, prompt: &str) -> Result<String, Error>;

    async fn count(&mut self, times: u32) -> Result<u32, Error>;

    #[requires_wat]
    async fn whoami(&self, identity_wat: SecretString) -> Result<(), Error> {
        let _ = identity_wat;
        Ok(())
    }
}

pub struct Model {
    calls: u32,
}

#[async_trait]
impl Assistant for Model {
    #[requires_api_key(provider = "openai")]
    async fn ask(&self, prompt: &str, api_key: SecretString) -> Result<String, Error> {
        let _ = api_key;
        Ok(prompt.to_owned())
    }

    #[requires_api_key(provider = "openai")]
    #[requires_wat]
    async fn count(
        &mut self,
        mut api_key: SecretString,
        times: u32,
        identity_wat: SecretString,
    ) -> Result<u32, Error> {
        let previous = std::mem::replace(&mut api_key, SecretString::from("replaced"));
        let _ = (previous, api_key, identity_wat);
        self.calls += times;
        Ok(self.calls)
    }
}

fn assert_send<T: Send>(_: &T) {}

#[allow(dead_code)]
async fn caller(mut model: Model) -> Result<String, Error> {
    assert_send(&model.ask("hello"));
    model.whoami().await?;
    model.count(2).await?;
    model.ask("hello").await
}

fn main() {}
