use agentcore_identity_runtime::{Error, SecretString, requires_access_token};

#[requires_access_token(provider = "github-provider", scopes = ["repo"], auth_flow = "M2M")]
async fn list_repos(token: SecretString) -> Result<(), Error> {
    let _ = token;
    Ok(())
}

fn main() {}
