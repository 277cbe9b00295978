use agentcore_identity_runtime::{Error, SecretString, requires_wat};

#[requires_wat(inot = "token")]
async fn whoami(token: SecretString) -> Result<(), Error> {
    let _ = token;
    Ok(())
}

fn main() {}
