use agentcore_identity_runtime::{Error, SecretString, requires_iam_access_token};

#[requires_iam_access_token(audience = ["https://api.partner.example"], duration_seconds = 3601)]
async fn call_partner(access_token: SecretString) -> Result<(), Error> {
    let _ = access_token;
    Ok(())
}

fn main() {}
