use agentcore_identity_runtime::{
    Error, SecretString, requires_access_token, requires_api_key, requires_iam_access_token,
    requires_wat,
};

#[requires_iam_access_token(audience = ["https://api.partner.example"])]
#[requires_api_key(provider = "openai-apikey-provider")]
pub async fn with_api_key(
    api_key: SecretString,
    prompt: &str,
    access_token: SecretString,
) -> Result<String, Error> {
    let _ = (api_key, access_token);
    Ok(prompt.to_owned())
}

#[requires_wat]
#[requires_iam_access_token(audience = ["https://api.partner.example"])]
pub fn with_wat(access_token: SecretString, identity_wat: SecretString) -> Result<(), Error> {
    let _ = (access_token, identity_wat);
    Ok(())
}

// Both attributes default to `access_token`, so one of them names another parameter.
#[requires_access_token(provider = "github-provider", scopes = ["repo"], auth_flow = "M2M")]
#[requires_iam_access_token(audience = ["https://api.partner.example"], into = "partner_jwt")]
pub async fn with_oauth2(
    access_token: SecretString,
    partner_jwt: SecretString,
) -> Result<(), Error> {
    let _ = (access_token, partner_jwt);
    Ok(())
}

// Two IAM access tokens for two audiences.
#[requires_iam_access_token(audience = ["https://a.example"], into = "first")]
#[requires_iam_access_token(audience = ["https://b.example"], signing_algorithm = "RS256", into = "second")]
pub async fn two_audiences(first: SecretString, second: SecretString) -> Result<(), Error> {
    let _ = (first, second);
    Ok(())
}

fn assert_send<T: Send>(_: &T) {}

#[allow(dead_code)]
async fn caller() -> Result<String, Error> {
    assert_send(&with_api_key("hello"));
    assert_send(&with_oauth2());
    with_wat()?;
    with_oauth2().await?;
    two_audiences().await?;
    with_api_key("hello").await
}

fn main() {}
