use agentcore_identity_runtime::{Error, SecretString, requires_iam_access_token};

// A crate that re-exports the runtime under another path.
mod identity {
    pub use agentcore_identity_runtime::*;
}

#[requires_iam_access_token(
    audience = ["https://api.partner.example", "https://backup.partner.example"],
    signing_algorithm = "RS256",
    duration_seconds = 3600,
    tags = {"team": "payments", "agent": "order-bot"},
    into = "jwt",
    crate = identity,
)]
pub async fn every_argument(customer: &str, jwt: SecretString) -> Result<String, Error> {
    let _ = jwt;
    Ok(customer.to_owned())
}

#[requires_iam_access_token(
    audience = ["https://api.partner.example"],
    signing_algorithm = "ES384",
    duration_seconds = 60,
    tags = {},
)]
pub async fn shortest(access_token: SecretString) -> Result<(), Error> {
    let _ = access_token;
    Ok(())
}

// Any integer literal in the range works, with an integer suffix or in hexadecimal.
#[requires_iam_access_token(audience = ["https://api.partner.example"], duration_seconds = 900u32)]
pub async fn suffixed(access_token: SecretString) -> Result<(), Error> {
    let _ = access_token;
    Ok(())
}

#[requires_iam_access_token(audience = ["https://api.partner.example"], duration_seconds = 0x12C)]
pub async fn hexadecimal(access_token: SecretString) -> Result<(), Error> {
    let _ = access_token;
    Ok(())
}

fn assert_send<T: Send>(_: &T) {}

#[allow(dead_code)]
async fn caller() -> Result<String, Error> {
    assert_send(&every_argument("c-42"));
    shortest().await?;
    suffixed().await?;
    hexadecimal().await?;
    every_argument("c-42").await
}

fn main() {}
