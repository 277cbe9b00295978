use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[derive(Debug)]
pub enum AgentError {
    Identity(Error),
    Model(String),
}

impl From<Error> for AgentError {
    fn from(error: Error) -> Self {
        AgentError::Identity(error)
    }
}

#[requires_api_key(provider = "openai")]
pub async fn own_error(api_key: SecretString) -> Result<(), AgentError> {
    let _ = api_key;
    Err(AgentError::Model("unavailable".to_owned()))
}

#[requires_api_key(provider = "openai")]
pub async fn anyhow_error(api_key: SecretString) -> anyhow::Result<()> {
    let _ = api_key;
    Ok(())
}

#[requires_api_key(provider = "openai")]
pub fn boxed_error(api_key: SecretString) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let _ = api_key;
    Ok(())
}

type Alias<T> = Result<T, AgentError>;

#[requires_api_key(provider = "openai")]
pub async fn aliased(api_key: SecretString) -> Alias<u8> {
    let _ = api_key;
    Ok(1)
}

// `?` and `return` inside the body still leave the function.
#[requires_api_key(provider = "openai")]
pub async fn early_return(fail: bool, api_key: SecretString) -> Result<u8, AgentError> {
    let _ = api_key;
    if fail {
        return Err(AgentError::Model("early".to_owned()));
    }
    own_error().await?;
    Ok(1)
}

fn main() {}
