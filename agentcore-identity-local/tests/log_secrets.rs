//! No secret (API key, workload access token, user JWT) reaches the log, even at TRACE.
//!
//! This file holds a single test because it installs a process-wide subscriber: the service
//! runs queries on the blocking thread pool, which a thread-local subscriber would miss.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use agentcore_identity_local::TrustedIssuer;
use common::issuer::TestIssuer;
use common::{TestService, create_workload, post_raw, random_api_key, token_for_user};
use tracing_subscriber::fmt::MakeWriter;

/// A log sink that keeps everything written to it.
#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl CapturedLog {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLog {
    type Writer = CapturedLog;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Returns the JWT's signature, which no log line may contain even if the rest were cut.
fn signature_of(jwt: &str) -> &str {
    jwt.rsplit('.').next().unwrap()
}

#[tokio::test]
async fn log_at_trace_holds_no_secret() {
    let log = CapturedLog::default();
    // Everything at TRACE, including the HTTP server's and the AWS SDK's own logs.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(log.clone())
        .with_ansi(false)
        .init();

    let issuer = TestIssuer::start().await;
    let service = TestService::start_with(|builder| {
        builder.trusted_issuer(TrustedIssuer::discovery_url(&issuer.discovery_url))
    })
    .await;
    let control = service.control_plane();
    let data = service.data_plane();

    let first_key = random_api_key();
    let second_key = random_api_key();
    create_workload(&service, "agent").await;
    control
        .create_api_key_credential_provider()
        .name("openai")
        .api_key(&first_key)
        .send()
        .await
        .unwrap();
    control
        .update_api_key_credential_provider()
        .name("openai")
        .api_key(&second_key)
        .send()
        .await
        .unwrap();

    let user_id_token = token_for_user(&service, "agent", "alice").await;
    let user_jwt = issuer.key.sign(&issuer.claims(Some("user-123"), 600));
    let jwt_token = data
        .get_workload_access_token_for_jwt()
        .workload_name("agent")
        .user_token(&user_jwt)
        .send()
        .await
        .unwrap()
        .workload_access_token;
    for token in [&user_id_token, &jwt_token] {
        let fetched = data
            .get_resource_api_key()
            .workload_identity_token(token)
            .resource_credential_provider_name("openai")
            .send()
            .await
            .unwrap();
        assert_eq!(fetched.api_key(), second_key);
    }

    // Rejected requests that carry secrets.
    let tampered = format!("{user_id_token}x");
    let rejected = data
        .get_resource_api_key()
        .workload_identity_token(&tampered)
        .resource_credential_provider_name("openai")
        .send()
        .await;
    assert!(rejected.is_err());
    let expired_jwt = issuer.key.sign(&issuer.claims(Some("user-123"), -3600));
    let rejected = data
        .get_workload_access_token_for_jwt()
        .workload_name("agent")
        .user_token(&expired_jwt)
        .send()
        .await;
    assert!(rejected.is_err());
    let oversized_key = format!("{first_key}{}", "x".repeat(70_000));
    let response = post_raw(
        &service.url("/identities/CreateApiKeyCredentialProvider"),
        &format!(r#"{{"name":"big","apiKey":"{oversized_key}"}}"#),
    )
    .await;
    assert_eq!(response.status().as_u16(), 400);

    let text = log.text();
    assert!(
        text.contains("development stand-in"),
        "start-up line is captured"
    );
    assert!(text.contains("TRACE"), "TRACE lines are captured");
    assert!(
        text.contains("rejected request")
            && text.contains("GetResourceApiKey")
            && text.contains("UnauthorizedException"),
        "rejections are logged with operation and error type"
    );

    let secrets = [
        ("first API key", first_key.as_str()),
        ("second API key", second_key.as_str()),
        ("workload token for user id", user_id_token.as_str()),
        ("workload token signature", signature_of(&user_id_token)),
        ("workload token for JWT", jwt_token.as_str()),
        ("workload token for JWT signature", signature_of(&jwt_token)),
        ("user JWT", user_jwt.as_str()),
        ("user JWT signature", signature_of(&user_jwt)),
        ("expired user JWT signature", signature_of(&expired_jwt)),
    ];
    for (what, secret) in secrets {
        assert!(!text.contains(secret), "the log contains the {what}");
    }
}
