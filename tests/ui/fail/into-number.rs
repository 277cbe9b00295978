use agentcore_identity_runtime::{Error, SecretString, requires_wat};

#[requires_wat(into = 1)]
async fn whoami(identity_wat: SecretString) -> Result<(), Error> {
    let _ = identity_wat;
    Ok(())
}

fn main() {}
