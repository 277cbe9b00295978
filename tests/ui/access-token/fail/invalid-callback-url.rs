use agentcore_identity_runtime::{Error, SecretString, requires_access_token};

#[requires_access_token(
    provider = "github-provider",
    scopes = ["repo"],
    auth_flow = "USER_FEDERATION",
    callback_url = "agent.example.com/callback",
)]
async fn list_repos(access_token: SecretString) -> Result<(), Error> {
    let _ = access_token;
    Ok(())
}

fn main() {}
