use agentcore_identity_runtime::{Error, SecretString, requires_access_token};

fn show_consent_link(url: &str) {
    println!("{url}");
}

#[requires_access_token(
    provider = "billing-provider",
    scopes = [],
    auth_flow = "M2M",
    on_auth_url = show_consent_link,
    force_authentication = true,
)]
async fn invoices(access_token: SecretString) -> Result<(), Error> {
    let _ = access_token;
    Ok(())
}

fn main() {}
