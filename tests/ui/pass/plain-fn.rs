use agentcore_identity_runtime::{Error, SecretString, requires_api_key, requires_wat};

#[requires_api_key(provider = "openai-apikey-provider")]
pub fn ask(prompt: &str, api_key: SecretString) -> Result<String, Error> {
    let _ = api_key;
    Ok(prompt.to_owned())
}

#[requires_wat]
pub fn whoami(identity_wat: SecretString) -> Result<(), Error> {
    let _ = identity_wat;
    Ok(())
}

#[allow(dead_code)]
fn caller() -> Result<String, Error> {
    whoami()?;
    ask("hello")
}

fn main() {}
