use agentcore_identity_runtime::{Error, SecretString};

// A crate that re-exports the runtime under another path.
mod identity {
    pub use agentcore_identity_runtime::*;
}

#[identity::requires_api_key(provider = "openai", crate = identity)]
pub async fn relative(api_key: SecretString) -> Result<(), Error> {
    let _ = api_key;
    Ok(())
}

#[identity::requires_wat(crate = crate::identity)]
pub async fn absolute(identity_wat: SecretString) -> Result<(), Error> {
    let _ = identity_wat;
    Ok(())
}

#[identity::requires_api_key(provider = "openai", crate = "crate::identity")]
pub fn string(api_key: SecretString) -> Result<(), Error> {
    let _ = api_key;
    Ok(())
}

fn main() {}
