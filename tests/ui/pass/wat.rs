use agentcore_identity_runtime::{Error, SecretString, requires_wat};

#[requires_wat]
pub async fn default_name(identity_wat: SecretString) -> Result<(), Error> {
    let _ = identity_wat;
    Ok(())
}

#[requires_wat(into = "workload_token")]
pub async fn named(user: &str, workload_token: SecretString) -> Result<String, Error> {
    let _ = workload_token;
    Ok(user.to_owned())
}

#[requires_wat()]
pub fn empty_parentheses(identity_wat: SecretString) -> Result<(), Error> {
    let _ = identity_wat;
    Ok(())
}

fn main() {}
