use agentcore_identity_runtime::{Error, SecretString, requires_api_key, requires_wat};

// `instrument` expands first and records `api_key`, whose `Debug` output is redacted.
#[tracing::instrument(err)]
#[requires_api_key(provider = "openai")]
pub async fn instrument_first(prompt: &str, api_key: SecretString) -> Result<String, Error> {
    let _ = api_key;
    Ok(prompt.to_owned())
}

// `instrument` expands second, after the parameter is gone, so the span has no field for it.
#[requires_api_key(provider = "openai")]
#[tracing::instrument]
pub async fn instrument_second(prompt: &str, api_key: SecretString) -> Result<String, Error> {
    let _ = api_key;
    Ok(prompt.to_owned())
}

#[tracing::instrument(skip(identity_wat))]
#[requires_wat]
pub fn blocking(identity_wat: SecretString) -> Result<(), Error> {
    let _ = identity_wat;
    Ok(())
}

fn assert_send<T: Send>(_: &T) {}

#[allow(dead_code)]
fn futures_are_send() {
    assert_send(&instrument_first("hello"));
    assert_send(&instrument_second("hello"));
}

fn main() {}
