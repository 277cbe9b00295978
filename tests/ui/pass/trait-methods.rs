use agentcore_identity_runtime::{Error, SecretString, requires_api_key, requires_wat};

trait Assistant {
    async fn ask(&self, prompt: &str) -> Result<String, Error>;

    fn ask_blocking(&self, prompt: &str) -> Result<String, Error>;

    // A default body may take the attribute too.
    #[requires_wat]
    async fn whoami(&self, identity_wat: SecretString) -> Result<(), Error> {
        let _ = identity_wat;
        Ok(())
    }
}

pub struct Model;

impl Assistant for Model {
    #[requires_api_key(provider = "openai")]
    async fn ask(&self, prompt: &str, api_key: SecretString) -> Result<String, Error> {
        let _ = api_key;
        Ok(prompt.to_owned())
    }

    #[requires_api_key(provider = "openai")]
    fn ask_blocking(&self, prompt: &str, api_key: SecretString) -> Result<String, Error> {
        let _ = api_key;
        Ok(prompt.to_owned())
    }
}

#[allow(dead_code)]
async fn caller(model: &impl Assistant) -> Result<String, Error> {
    model.whoami().await?;
    model.ask_blocking("hello")?;
    model.ask("hello").await
}

fn main() {}
