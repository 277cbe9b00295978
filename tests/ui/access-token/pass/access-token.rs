use std::sync::Arc;

use agentcore_identity_runtime::{
    Error, IntervalPoller, SecretString, requires_access_token, requires_api_key,
};

fn show_consent_link(url: &str) {
    println!("open {url}");
}

async fn post_link(url: String) {
    let _ = url;
}

#[requires_access_token(
    provider = "github-provider",
    scopes = ["repo", "read:user"],
    auth_flow = "USER_FEDERATION",
    on_auth_url = show_consent_link,
)]
pub async fn list_repos(user: &str, access_token: SecretString) -> Result<Vec<String>, Error> {
    let _ = access_token;
    Ok(vec![user.to_owned()])
}

#[requires_access_token(
    provider = "github-provider",
    scopes = [],
    auth_flow = "USER_FEDERATION",
    into = "token",
    on_auth_url = post_link,
    callback_url = "https://agent.example.com/oauth2/callback",
    force_authentication = true,
    token_poller = IntervalPoller::new(),
    custom_state = "session-42",
    custom_parameters = {"prompt": "consent", "access_type": "offline"},
    resources = ["https://api.example.com"],
    audiences = ["https://api.example.com"],
)]
pub fn every_argument(token: SecretString) -> Result<(), Error> {
    let _ = token;
    Ok(())
}

#[requires_access_token(provider = "billing-provider", scopes = ["invoices.read"], auth_flow = "M2M")]
pub async fn machine(access_token: SecretString) -> Result<(), Error> {
    let _ = access_token;
    Ok(())
}

#[requires_access_token(
    provider = "exchange-provider",
    scopes = ["read"],
    auth_flow = "ON_BEHALF_OF_TOKEN_EXCHANGE",
)]
pub async fn on_behalf(access_token: SecretString) -> Result<(), Error> {
    let _ = access_token;
    Ok(())
}

pub struct Agent {
    links: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Agent {
    // The handler may use the function's parameters, `self` included.
    #[requires_access_token(
        provider = "github-provider",
        scopes = ["repo"],
        auth_flow = "USER_FEDERATION",
        on_auth_url = {
            let links = Arc::clone(&self.links);
            move |url: &str| links.lock().unwrap().push(url.to_owned())
        },
    )]
    pub async fn repos(&self, access_token: SecretString) -> Result<(), Error> {
        let _ = access_token;
        Ok(())
    }
}

#[requires_api_key(provider = "openai-apikey-provider")]
#[requires_access_token(provider = "github-provider", scopes = ["repo"], auth_flow = "M2M")]
pub async fn stacked(api_key: SecretString, access_token: SecretString) -> Result<(), Error> {
    let _ = (api_key, access_token);
    Ok(())
}

fn assert_send<T: Send>(_: &T) {}

#[allow(dead_code)]
fn futures_are_send(agent: &Agent) {
    assert_send(&list_repos("octocat"));
    assert_send(&machine());
    assert_send(&on_behalf());
    assert_send(&agent.repos());
    assert_send(&stacked());
}

fn main() {}
