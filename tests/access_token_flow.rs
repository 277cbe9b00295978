//! The access-token flow of the runtime against a scripted Identity data plane (wiremock), to
//! check exactly what each request carries and how each kind of response ends the flow.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentcore_identity_runtime::{
    AccessTokenRequest, Error, ExposeSecret, IntervalPoller, LogAuthUrl, OAuth2Flow, PollOnce,
    RequestContext, SecretString, TokenPoller,
};
use common::scripted_plane::{AUTHORIZATION_URL, SESSION, pending, scripted, sent_bodies};
use serde_json::json;

fn context() -> RequestContext {
    RequestContext::builder()
        .workload_access_token("wat-from-runtime")
        .oauth2_callback_url("http://127.0.0.1:9/from-context")
        .build()
}

fn fast_poller() -> IntervalPoller {
    IntervalPoller::new()
        .interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(10))
}

#[tokio::test]
async fn direct_token_sends_only_given_members() {
    let (server, client) = scripted(json!({ "accessToken": "m2m-token" }), vec![json!({})]).await;
    let request = AccessTokenRequest::new("m2m-provider", OAuth2Flow::M2M);
    let context = RequestContext::builder()
        .workload_access_token("wat-1")
        .build();

    let token = context
        .scope(client.access_token(&request, &LogAuthUrl, &fast_poller()))
        .await
        .unwrap();
    assert_eq!(token.expose_secret(), "m2m-token");

    let bodies = sent_bodies(&server).await;
    assert_eq!(bodies.len(), 1);
    assert_eq!(
        bodies[0],
        json!({
            "workloadIdentityToken": "wat-1",
            "resourceCredentialProviderName": "m2m-provider",
            "scopes": [],
            "oauth2Flow": "M2M"
        })
    );
}

#[tokio::test]
async fn polls_repeat_every_member_and_force_only_first() {
    let token = json!({ "accessToken": "user-token" });
    let (server, client) = scripted(pending(), vec![pending(), pending(), token]).await;
    let request = AccessTokenRequest::new("github", OAuth2Flow::UserFederation)
        .scopes(["repo", "read:user"])
        .force_authentication(true)
        .custom_state("state-123")
        .custom_parameter("prompt", "consent")
        .custom_parameter("login_hint", "a b+c/é")
        .resources(["https://api.example/"])
        .audiences(["api://example"]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = {
        let seen = seen.clone();
        move |url: &str| seen.lock().unwrap().push(url.to_owned())
    };

    let result = context()
        .scope(client.access_token(&request, &recorder, &fast_poller()))
        .await
        .unwrap();
    assert_eq!(result.expose_secret(), "user-token");
    assert_eq!(*seen.lock().unwrap(), [AUTHORIZATION_URL]);

    let bodies = sent_bodies(&server).await;
    assert_eq!(bodies.len(), 4, "one request and three polls");
    let expected_common = json!({
        "workloadIdentityToken": "wat-from-runtime",
        "resourceCredentialProviderName": "github",
        "scopes": ["repo", "read:user"],
        "oauth2Flow": "USER_FEDERATION",
        "resourceOauth2ReturnUrl": "http://127.0.0.1:9/from-context",
        "customState": "state-123",
        "customParameters": { "prompt": "consent", "login_hint": "a b+c/é" },
        "resources": ["https://api.example/"],
        "audiences": ["api://example"]
    });

    let mut first = expected_common.clone();
    first["forceAuthentication"] = json!(true);
    assert_eq!(bodies[0], first);
    for (index, poll) in bodies[1..].iter().enumerate() {
        let mut expected = expected_common.clone();
        expected["sessionUri"] = json!(SESSION);
        assert_eq!(*poll, expected, "poll {index}");
    }
}

#[tokio::test]
async fn explicit_callback_url_wins_over_context() {
    let (server, client) = scripted(json!({ "accessToken": "t" }), vec![json!({})]).await;
    let request = AccessTokenRequest::new("p", OAuth2Flow::UserFederation)
        .callback_url("http://127.0.0.1:9/explicit");
    context()
        .scope(client.access_token(&request, &LogAuthUrl, &fast_poller()))
        .await
        .unwrap();
    let bodies = sent_bodies(&server).await;
    assert_eq!(
        bodies[0]["resourceOauth2ReturnUrl"],
        "http://127.0.0.1:9/explicit"
    );
}

#[tokio::test]
async fn async_handler_receives_url() {
    let (_server, client) = scripted(pending(), vec![json!({ "accessToken": "t" })]).await;
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let handler = move |url: String| {
        let sender = sender.clone();
        async move {
            sender.send(url).unwrap();
        }
    };
    let request = AccessTokenRequest::new("p", OAuth2Flow::UserFederation);
    context()
        .scope(client.access_token(&request, &handler, &fast_poller()))
        .await
        .unwrap();
    assert_eq!(receiver.recv().await.unwrap(), AUTHORIZATION_URL);
}

#[tokio::test]
async fn failed_session_ends_polling() {
    let failed = json!({ "sessionUri": SESSION, "sessionStatus": "FAILED" });
    let (server, client) = scripted(pending(), vec![pending(), failed]).await;
    let request = AccessTokenRequest::new("p", OAuth2Flow::UserFederation);
    let error = context()
        .scope(client.access_token(&request, &LogAuthUrl, &fast_poller()))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::AuthorizationFailed { provider, session_uri: Some(uri) } if provider == "p" && uri == SESSION),
        "{error}"
    );
    assert_eq!(sent_bodies(&server).await.len(), 3);
}

#[tokio::test]
async fn answer_without_token_or_url_is_an_error() {
    let (_server, client) = scripted(json!({}), vec![json!({})]).await;
    let request = AccessTokenRequest::new("p", OAuth2Flow::M2M);
    let error = context()
        .scope(client.access_token(&request, &LogAuthUrl, &fast_poller()))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::NoTokenOrAuthorizationUrl { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn empty_poll_response_fails() {
    let (_server, client) = scripted(pending(), vec![json!({})]).await;
    let request = AccessTokenRequest::new("p", OAuth2Flow::UserFederation);
    let error = context()
        .scope(client.access_token(&request, &LogAuthUrl, &fast_poller()))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::NoTokenOrAuthorizationUrl { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn poller_gives_up_after_timeout() {
    let (server, client) = scripted(pending(), vec![pending()]).await;
    let request = AccessTokenRequest::new("slow", OAuth2Flow::UserFederation);
    let poller = IntervalPoller::new()
        .interval(Duration::from_millis(20))
        .timeout(Duration::from_millis(100));
    let error = context()
        .scope(client.access_token(&request, &LogAuthUrl, &poller))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::AuthorizationTimedOut { provider, waited } if provider == "slow" && *waited == Duration::from_millis(100)),
        "{error}"
    );
    let polls = sent_bodies(&server).await.len() - 1;
    assert!(
        (3..=6).contains(&polls),
        "about five polls in 100 ms at 20 ms, got {polls}"
    );
}

#[tokio::test]
async fn dropping_the_flow_stops_polling() {
    let (server, client) = scripted(pending(), vec![pending()]).await;
    let request = AccessTokenRequest::new("p", OAuth2Flow::UserFederation);
    let flow = context().scope(async move {
        client
            .access_token(&request, &LogAuthUrl, &fast_poller())
            .await
    });
    let outcome = tokio::time::timeout(Duration::from_millis(100), flow).await;
    assert!(outcome.is_err(), "the flow is still pending when dropped");

    let after_drop = sent_bodies(&server).await.len();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        sent_bodies(&server).await.len(),
        after_drop,
        "no poll after the drop"
    );
}

/// A custom poller receives a ready operation and cannot change what it sends.
struct CountingPoller {
    polls: AtomicUsize,
}

impl TokenPoller for CountingPoller {
    async fn poll_for_token(&self, poll: &PollOnce) -> Result<SecretString, Error> {
        assert_eq!(poll.session_uri(), Some(SESSION));
        assert_eq!(poll.provider(), "custom");
        loop {
            self.polls.fetch_add(1, Ordering::SeqCst);
            if let Some(token) = poll.poll().await? {
                return Ok(token);
            }
        }
    }
}

#[tokio::test]
async fn custom_poller_replaces_default() {
    let token = json!({ "accessToken": "custom-token" });
    let (server, client) = scripted(pending(), vec![pending(), token]).await;
    let request = AccessTokenRequest::new("custom", OAuth2Flow::UserFederation).scopes(["s"]);
    let poller = CountingPoller {
        polls: AtomicUsize::new(0),
    };
    let result = context()
        .scope(client.access_token(&request, &LogAuthUrl, &poller))
        .await
        .unwrap();
    assert_eq!(result.expose_secret(), "custom-token");
    assert_eq!(poller.polls.load(Ordering::SeqCst), 2);
    let bodies = sent_bodies(&server).await;
    assert!(
        bodies[1..]
            .iter()
            .all(|body| body["sessionUri"] == SESSION && body["scopes"] == json!(["s"]))
    );
}
