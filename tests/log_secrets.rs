//! Captures every log line of the whole stack (this crate, the AWS SDK, hyper) at TRACE level
//! while secrets flow through it, and fails if one appears. Alone in its test binary because it
//! installs the global subscriber.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use agentcore_identity_runtime::{
    Error, ExposeSecret, RequestContext, SecretString, requires_api_key, requires_wat,
};
use common::{seed_api_key, start_local};
use tracing_subscriber::fmt::MakeWriter;

const API_KEY: &str = "sk-LEAKCHECK-api-key-8e1f0c";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[requires_api_key(provider = "leak-provider")]
async fn use_key(api_key: SecretString) -> Result<usize, Error> {
    Ok(api_key.expose_secret().len())
}

#[requires_wat]
async fn use_wat(identity_wat: SecretString) -> Result<usize, Error> {
    Ok(identity_wat.expose_secret().len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_trace_logs() {
    let capture = Capture::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .init();

    let local = start_local().await;
    let client = local.client().await;
    seed_api_key(&client, "leak-agent", "leak-provider", API_KEY).await;
    let token = client
        .get_workload_access_token_for_user_id("leak-agent", "leak-user")
        .await
        .unwrap();
    let context = RequestContext::builder()
        .workload_access_token(token.expose_secret())
        .build();

    let length = context
        .clone()
        .scope(client.scope(async { use_key().await }))
        .await
        .unwrap();
    assert_eq!(length, API_KEY.len());
    assert!(context.clone().scope(use_wat()).await.is_ok());
    // A failing call logs a warning with the error; it must not carry the token either.
    let missing = context
        .scope(client.scope(async { client.api_key("no-such-provider").await }))
        .await;
    assert!(missing.is_err());

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("agentcore_identity"),
        "the capture works: {} bytes",
        logs.len()
    );
    assert!(logs.contains("GetResourceApiKey"));
    assert!(
        logs.contains("aws_smithy_runtime"),
        "the SDK's own TRACE lines are captured"
    );
    assert!(
        logs.contains("hyper"),
        "the HTTP stack's TRACE lines are captured"
    );
    assert!(!logs.contains(API_KEY), "the API key appears in the logs");
    assert!(
        !logs.contains(token.expose_secret()),
        "the workload token appears in the logs"
    );
    // The token's signature part is the secret piece of a JWT; look for it alone too.
    let signature = token.expose_secret().rsplit('.').next().unwrap();
    assert!(
        !logs.contains(signature),
        "the workload token's signature appears in the logs"
    );
}
