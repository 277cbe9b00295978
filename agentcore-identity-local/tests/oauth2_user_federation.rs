//! The USER_FEDERATION flow end to end: the service, `oauth2-mock-server` as the provider, a
//! browser that follows each redirect by hand, and an application's return page on loopback.

mod common;

use std::time::Duration;

use agentcore_identity_local::TrustedIssuer;
use aws_sdk_bedrockagentcore::operation::get_resource_oauth2_token::{
    GetResourceOauth2TokenError, GetResourceOauth2TokenOutput,
};
use aws_sdk_bedrockagentcore::types::{Oauth2FlowType, SessionStatus, UserIdentifier};
use common::issuer::TestIssuer;
use common::oauth_server::OAuthServer;
use common::{
    ReturnPage, TestService, create_discovery_provider, create_workload_returning_to,
    follow_redirects, query_of, token_for_user,
};

const SCOPES: [&str; 2] = ["openid", "profile"];

/// A service with a workload identity `agent` that may return to the page, and a provider
/// `mock` backed by `oauth2-mock-server`.
struct Fixture {
    server: OAuthServer,
    page: ReturnPage,
    service: TestService,
}

impl Fixture {
    async fn start() -> Self {
        Self::start_with(|builder| builder).await
    }

    async fn start_with(
        configure: impl FnOnce(
            agentcore_identity_local::LocalIdentityServiceBuilder,
        ) -> agentcore_identity_local::LocalIdentityServiceBuilder,
    ) -> Self {
        let server = OAuthServer::start().await;
        let page = ReturnPage::start().await;
        let service = TestService::start_with(configure).await;
        create_workload_returning_to(&service, "agent", &[&page.url]).await;
        create_discovery_provider(&service, "mock", &server.discovery_url(), "secret").await;
        Self {
            server,
            page,
            service,
        }
    }

    fn request(
        &self,
        workload_token: &str,
    ) -> aws_sdk_bedrockagentcore::operation::get_resource_oauth2_token::builders::GetResourceOauth2TokenFluentBuilder
    {
        self.service
            .data_plane()
            .get_resource_oauth2_token()
            .workload_identity_token(workload_token)
            .resource_credential_provider_name("mock")
            .oauth2_flow(Oauth2FlowType::UserFederation)
            .set_scopes(Some(SCOPES.map(str::to_owned).to_vec()))
            .resource_oauth2_return_url(&self.page.url)
    }

    async fn token_request(
        &self,
        workload_token: &str,
    ) -> Result<GetResourceOauth2TokenOutput, GetResourceOauth2TokenError> {
        self.request(workload_token)
            .send()
            .await
            .map_err(aws_sdk_bedrockagentcore::error::SdkError::into_service_error)
    }

    async fn poll(
        &self,
        workload_token: &str,
        session_uri: &str,
    ) -> Result<GetResourceOauth2TokenOutput, GetResourceOauth2TokenError> {
        self.request(workload_token)
            .session_uri(session_uri)
            .send()
            .await
            .map_err(aws_sdk_bedrockagentcore::error::SdkError::into_service_error)
    }

    async fn complete(
        &self,
        session_uri: &str,
        user: UserIdentifier,
    ) -> Result<(), aws_sdk_bedrockagentcore::operation::complete_resource_token_auth::CompleteResourceTokenAuthError>
    {
        self.service
            .data_plane()
            .complete_resource_token_auth()
            .session_uri(session_uri)
            .user_identifier(user)
            .send()
            .await
            .map(|_| ())
            .map_err(aws_sdk_bedrockagentcore::error::SdkError::into_service_error)
    }

    async fn callback_url(&self) -> String {
        self.service
            .control_plane()
            .get_oauth2_credential_provider()
            .name("mock")
            .send()
            .await
            .unwrap()
            .callback_url()
            .unwrap()
            .to_owned()
    }
}

fn user_id(id: &str) -> UserIdentifier {
    UserIdentifier::UserId(id.to_owned())
}

/// Starts a session for `workload_token` and returns its session URI and authorization URL.
async fn start_session(fixture: &Fixture, workload_token: &str) -> (String, String) {
    let started = fixture.token_request(workload_token).await.unwrap();
    assert_eq!(started.access_token(), None);
    assert_eq!(started.session_status(), Some(&SessionStatus::InProgress));
    (
        started.session_uri().unwrap().to_owned(),
        started.authorization_url().unwrap().to_owned(),
    )
}

/// Authorizes like a user at the provider and returns the query the return page received.
async fn authorize_in_browser(
    fixture: &Fixture,
    authorization_url: &str,
) -> std::collections::HashMap<String, String> {
    let (visited, status) = follow_redirects(authorization_url).await;
    assert_eq!(status, 200, "{visited:?}");
    assert!(
        visited.last().unwrap().starts_with(&fixture.page.url),
        "{visited:?}"
    );
    fixture
        .page
        .queries()
        .pop()
        .expect("the return page was visited")
}

#[tokio::test]
async fn user_federation_completes_end_to_end() {
    let fixture = Fixture::start().await;
    let token = token_for_user(&fixture.service, "agent", "alice").await;

    let started = fixture
        .request(&token)
        .custom_state("app-state-1")
        .custom_parameters("prompt", "consent")
        .send()
        .await
        .unwrap();
    assert_eq!(started.access_token(), None);
    assert_eq!(started.session_status(), Some(&SessionStatus::InProgress));
    let session_uri = started.session_uri().unwrap().to_owned();
    assert!(session_uri.starts_with("urn:ietf:params:oauth:request_uri:"));
    let authorization_url = started.authorization_url().unwrap();
    let service_authorize = format!(
        "{}/identities/oauth2/authorize?",
        fixture.service.service.endpoint()
    );
    assert!(
        authorization_url.starts_with(&service_authorize),
        "{authorization_url}"
    );

    let pending = fixture.poll(&token, &session_uri).await.unwrap();
    assert_eq!(pending.access_token(), None);
    assert_eq!(pending.session_status(), Some(&SessionStatus::InProgress));

    let (visited, _) = follow_redirects(authorization_url).await;
    assert_eq!(
        visited.len(),
        4,
        "authorize, provider, callback, return page: {visited:?}"
    );
    let to_provider = query_of(&visited[1]);
    assert!(visited[1].starts_with(&fixture.server.authorization_endpoint()));
    assert_eq!(to_provider["response_type"], "code");
    assert_eq!(to_provider["client_id"], "local-test-client");
    assert_eq!(to_provider["redirect_uri"], fixture.callback_url().await);
    assert_eq!(to_provider["scope"], "openid profile");
    assert_eq!(to_provider["code_challenge_method"], "S256");
    assert!(!to_provider["code_challenge"].is_empty());
    assert!(!to_provider["state"].is_empty());
    assert_eq!(to_provider["prompt"], "consent");
    assert!(visited[2].starts_with(&fixture.callback_url().await));

    let returned = fixture.page.queries().pop().unwrap();
    assert_eq!(returned["session_id"], session_uri);
    assert_eq!(returned["custom_state"], "app-state-1");
    assert!(!returned.contains_key("error"));

    // The token stays in the session until the application confirms the user.
    let pending = fixture.poll(&token, &session_uri).await.unwrap();
    assert_eq!(pending.access_token(), None);
    assert_eq!(pending.session_status(), Some(&SessionStatus::InProgress));

    fixture
        .complete(&session_uri, user_id("alice"))
        .await
        .unwrap();
    let done = fixture.poll(&token, &session_uri).await.unwrap();
    let access_token = done.access_token().expect("an access token").to_owned();
    assert_eq!(done.authorization_url(), None);
    let claims = fixture.server.verify(&access_token).await;
    // The mock server names every user who authorizes `johndoe`.
    assert_eq!(claims["sub"], "johndoe");
    fixture.server.wait_for_token_requests(1).await;
    assert_eq!(fixture.server.token_grants(), ["authorization_code"]);

    // The token is now kept for alice: a new request needs no session.
    let again = fixture.token_request(&token).await.unwrap();
    assert_eq!(again.access_token(), Some(access_token.as_str()));
    assert_eq!(again.authorization_url(), None);
    assert_eq!(again.session_uri(), None);
}

#[tokio::test]
async fn force_authentication_starts_new_session() {
    let fixture = Fixture::start().await;
    let token = token_for_user(&fixture.service, "agent", "alice").await;
    let (first_session, authorization_url) = start_session(&fixture, &token).await;
    authorize_in_browser(&fixture, &authorization_url).await;
    fixture
        .complete(&first_session, user_id("alice"))
        .await
        .unwrap();
    let kept = fixture.poll(&token, &first_session).await.unwrap();
    assert!(kept.access_token().is_some());

    let forced = fixture
        .request(&token)
        .force_authentication(true)
        .send()
        .await
        .unwrap();

    assert_eq!(forced.access_token(), None);
    let second_session = forced.session_uri().unwrap().to_owned();
    assert_ne!(second_session, first_session);
    let pending = fixture.poll(&token, &second_session).await.unwrap();
    assert_eq!(
        pending.access_token(),
        None,
        "the forced flow returned the kept token"
    );

    authorize_in_browser(&fixture, forced.authorization_url().unwrap()).await;
    fixture
        .complete(&second_session, user_id("alice"))
        .await
        .unwrap();
    let fresh = fixture.poll(&token, &second_session).await.unwrap();
    fixture.server.verify(fresh.access_token().unwrap()).await;
    // The mock server's tokens issued within one second are identical, so the new exchange
    // shows in its log rather than in the token.
    fixture.server.wait_for_token_requests(2).await;
    assert_eq!(
        fixture.server.token_grants(),
        ["authorization_code", "authorization_code"]
    );
}

#[tokio::test]
async fn completion_by_other_user_is_denied() {
    let fixture = Fixture::start().await;
    let alice = token_for_user(&fixture.service, "agent", "alice").await;
    let mallory = token_for_user(&fixture.service, "agent", "mallory").await;
    let (session_uri, authorization_url) = start_session(&fixture, &alice).await;
    authorize_in_browser(&fixture, &authorization_url).await;

    let error = fixture
        .complete(&session_uri, user_id("mallory"))
        .await
        .unwrap_err();
    assert!(error.is_access_denied_exception(), "{error:?}");

    let pending = fixture.poll(&alice, &session_uri).await.unwrap();
    assert_eq!(pending.access_token(), None);
    assert_eq!(pending.session_status(), Some(&SessionStatus::InProgress));

    let error = fixture.poll(&mallory, &session_uri).await.unwrap_err();
    assert!(error.is_access_denied_exception(), "{error:?}");

    // Mallory gets no token of alice's either.
    let own = fixture.token_request(&mallory).await.unwrap();
    assert_eq!(own.access_token(), None);
}

#[tokio::test]
async fn completion_by_user_token_checks_issuer_and_subject() {
    let issuer = TestIssuer::start().await;
    let discovery = issuer.discovery_url.clone();
    let fixture = Fixture::start_with(|builder| {
        builder.trusted_issuer(TrustedIssuer::discovery_url(&discovery))
    })
    .await;
    let user_jwt = issuer.key.sign(&issuer.claims(Some("user-1"), 600));
    let other_jwt = issuer.key.sign(&issuer.claims(Some("user-2"), 600));
    let token = fixture
        .service
        .data_plane()
        .get_workload_access_token_for_jwt()
        .workload_name("agent")
        .user_token(&user_jwt)
        .send()
        .await
        .unwrap()
        .workload_access_token;
    let (session_uri, authorization_url) = start_session(&fixture, &token).await;
    authorize_in_browser(&fixture, &authorization_url).await;

    let error = fixture
        .complete(&session_uri, UserIdentifier::UserToken(other_jwt))
        .await
        .unwrap_err();
    assert!(error.is_access_denied_exception(), "{error:?}");
    let error = fixture
        .complete(&session_uri, user_id("user-1"))
        .await
        .unwrap_err();
    assert!(
        error.is_access_denied_exception(),
        "a user id passed for a JWT user: {error:?}"
    );

    fixture
        .complete(&session_uri, UserIdentifier::UserToken(user_jwt))
        .await
        .unwrap();
    let done = fixture.poll(&token, &session_uri).await.unwrap();
    assert!(done.access_token().is_some());
}

#[tokio::test]
async fn completion_before_callback_is_rejected() {
    let fixture = Fixture::start().await;
    let token = token_for_user(&fixture.service, "agent", "alice").await;
    let (session_uri, _) = start_session(&fixture, &token).await;

    let error = fixture
        .complete(&session_uri, user_id("alice"))
        .await
        .unwrap_err();

    assert!(error.is_validation_exception(), "{error:?}");
}

#[tokio::test]
async fn return_url_must_be_allowed() {
    let fixture = Fixture::start().await;
    let token = token_for_user(&fixture.service, "agent", "alice").await;

    let error = fixture
        .request(&token)
        .resource_oauth2_return_url("http://127.0.0.1:1/elsewhere")
        .send()
        .await
        .unwrap_err()
        .into_service_error();

    let GetResourceOauth2TokenError::ValidationException(error) = error else {
        panic!("expected a ValidationException, got {error:?}");
    };
    assert_eq!(error.field_list()[0].name(), "resourceOauth2ReturnUrl");
}

#[tokio::test]
async fn missing_return_url_uses_only_allowed_one() {
    let fixture = Fixture::start().await;
    let token = token_for_user(&fixture.service, "agent", "alice").await;

    let started = fixture
        .request(&token)
        .set_resource_oauth2_return_url(None)
        .send()
        .await
        .unwrap();
    let returned = authorize_in_browser(&fixture, started.authorization_url().unwrap()).await;
    assert_eq!(returned["session_id"], started.session_uri().unwrap());

    // With two allowed URLs the request must name one.
    fixture
        .service
        .control_plane()
        .update_workload_identity()
        .name("agent")
        .allowed_resource_oauth2_return_urls(&fixture.page.url)
        .allowed_resource_oauth2_return_urls("http://127.0.0.1:1/other")
        .send()
        .await
        .unwrap();
    let error = fixture
        .request(&token)
        .set_resource_oauth2_return_url(None)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_validation_exception(), "{error:?}");
}

#[tokio::test]
async fn expired_session_is_rejected() {
    let fixture = Fixture::start_with(|builder| {
        builder.authorization_session_lifetime(Duration::from_secs(120))
    })
    .await;
    let token = token_for_user(&fixture.service, "agent", "alice").await;
    let (session_uri, authorization_url) = start_session(&fixture, &token).await;

    fixture.service.clock.advance(Duration::from_secs(121));

    let error = fixture.poll(&token, &session_uri).await.unwrap_err();
    assert!(error.is_validation_exception(), "{error:?}");
    let error = fixture
        .complete(&session_uri, user_id("alice"))
        .await
        .unwrap_err();
    assert!(error.is_validation_exception(), "{error:?}");
    let (visited, status) = follow_redirects(&authorization_url).await;
    assert_eq!(status, 400, "{visited:?}");
    assert_eq!(
        visited.len(),
        1,
        "an expired session redirected: {visited:?}"
    );
}

#[tokio::test]
async fn unknown_session_is_not_found() {
    let fixture = Fixture::start().await;
    let token = token_for_user(&fixture.service, "agent", "alice").await;
    let unknown = "urn:ietf:params:oauth:request_uri:nosuchsession";

    let error = fixture.poll(&token, unknown).await.unwrap_err();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    let error = fixture
        .complete(unknown, user_id("alice"))
        .await
        .unwrap_err();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
}

#[tokio::test]
async fn provider_error_fails_session() {
    let fixture = Fixture::start().await;
    let token = token_for_user(&fixture.service, "agent", "alice").await;
    let (session_uri, authorization_url) = start_session(&fixture, &token).await;

    // The user declines: the provider sends an error instead of a code.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let to_provider = client.get(&authorization_url).send().await.unwrap();
    let location = to_provider.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    let state = query_of(&location)["state"].clone();
    let mut callback = url::Url::parse(&fixture.callback_url().await).unwrap();
    callback
        .query_pairs_mut()
        .append_pair("error", "access_denied")
        .append_pair("state", &state);
    let (visited, status) = follow_redirects(callback.as_str()).await;
    assert_eq!(status, 200, "{visited:?}");

    let returned = fixture.page.queries().pop().unwrap();
    assert_eq!(returned["session_id"], session_uri);
    assert_eq!(returned["error"], "access_denied");
    let failed = fixture.poll(&token, &session_uri).await.unwrap();
    assert_eq!(failed.access_token(), None);
    assert_eq!(failed.session_status(), Some(&SessionStatus::Failed));

    // The state cannot be used a second time.
    let (_, status) = follow_redirects(callback.as_str()).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn expired_token_is_refreshed() {
    // The workload access token must outlive the provider's token.
    let fixture = Fixture::start_with(|builder| {
        builder.workload_token_lifetime(Duration::from_secs(4 * 3600))
    })
    .await;
    let token = token_for_user(&fixture.service, "agent", "alice").await;
    let (session_uri, authorization_url) = start_session(&fixture, &token).await;
    authorize_in_browser(&fixture, &authorization_url).await;
    fixture
        .complete(&session_uri, user_id("alice"))
        .await
        .unwrap();
    let first = fixture.poll(&token, &session_uri).await.unwrap();
    assert!(first.access_token().is_some());

    fixture.service.clock.advance(Duration::from_secs(3601));
    let refreshed = fixture.token_request(&token).await.unwrap();

    let refreshed = refreshed
        .access_token()
        .expect("a refreshed token, not a session");
    fixture.server.verify(refreshed).await;
    fixture.server.wait_for_token_requests(2).await;
    assert_eq!(
        fixture.server.token_grants(),
        ["authorization_code", "refresh_token"]
    );
}

#[tokio::test]
async fn workload_token_without_user_is_rejected() {
    let fixture = Fixture::start().await;
    let token = fixture
        .service
        .data_plane()
        .get_workload_access_token()
        .workload_name("agent")
        .send()
        .await
        .unwrap()
        .workload_access_token;

    let error = fixture.token_request(&token).await.unwrap_err();

    let GetResourceOauth2TokenError::ValidationException(error) = error else {
        panic!("expected a ValidationException, got {error:?}");
    };
    assert_eq!(error.field_list()[0].name(), "workloadIdentityToken");
}
