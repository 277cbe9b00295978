use agentcore_identity_runtime::{Error, SecretString, requires_api_key, requires_wat};

#[requires_api_key(provider = "openai")]
pub async fn ask(prompt: String, api_key: SecretString) -> Result<String, Error> {
    let _ = api_key;
    async {}.await;
    Ok(prompt)
}

#[requires_wat]
pub async fn whoami(identity_wat: SecretString) -> Result<(), Error> {
    let _ = identity_wat;
    Ok(())
}

fn assert_send<T: Send + 'static>(_: T) {}

// Spawning on a multi-threaded runtime needs `Send + 'static` futures.
#[allow(dead_code)]
fn futures_are_send() {
    assert_send(ask(String::new()));
    assert_send(whoami());
}

fn main() {}
