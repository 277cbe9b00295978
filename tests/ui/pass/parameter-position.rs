use agentcore_identity_runtime::{Error, SecretString, requires_api_key, requires_wat};

#[requires_api_key(provider = "openai", into = "key")]
pub async fn first(key: SecretString, a: u8, b: u16) -> Result<u32, Error> {
    let _ = key;
    Ok(u32::from(a) + u32::from(b))
}

#[requires_api_key(provider = "openai", into = "key")]
pub async fn middle(a: u8, key: SecretString, b: u16) -> Result<u32, Error> {
    let _ = key;
    Ok(u32::from(a) + u32::from(b))
}

#[requires_wat(into = "token")]
pub async fn last(a: u8, b: u16, token: SecretString) -> Result<u32, Error> {
    let _ = token;
    Ok(u32::from(a) + u32::from(b))
}

#[requires_api_key(provider = "openai")]
pub async fn trailing_comma(a: u8, api_key: SecretString,) -> Result<u8, Error> {
    let _ = api_key;
    Ok(a)
}

#[requires_api_key(provider = "openai", into = "r#type")]
pub fn raw_name(r#type: SecretString) -> Result<(), Error> {
    let _ = r#type;
    Ok(())
}

#[allow(dead_code)]
async fn caller() -> Result<u32, Error> {
    raw_name()?;
    trailing_comma(1).await?;
    Ok(first(1, 2).await? + middle(1, 2).await? + last(1, 2).await?)
}

fn main() {}
