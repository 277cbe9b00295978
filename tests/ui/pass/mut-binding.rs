use agentcore_identity_runtime::{Error, ExposeSecret, SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
pub async fn rotate(mut api_key: SecretString) -> Result<usize, Error> {
    let fetched_length = api_key.expose_secret().len();
    api_key = SecretString::from("rotated");
    Ok(fetched_length + api_key.expose_secret().len())
}

fn main() {}
