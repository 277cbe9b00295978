//! Every function shape the credential attributes promise, called against the local Identity
//! service, with the credential each call received checked.
//!
//! `#[requires_api_key]` fetches a real key from the service, `#[requires_wat]` takes a real
//! workload access token from the request context, and `#[requires_iam_access_token]` gets a
//! JWT from the service's STS `GetWebIdentityToken`.

mod common;

use std::fmt::Display;
use std::io::Write;
use std::panic::Location;
use std::sync::{Arc, Mutex};

use agentcore_identity_runtime as identity;
use agentcore_identity_runtime::{
    Error, ExposeSecret, IdentityClient, RequestContext, RequestContextLayer, SecretString,
    ServiceErrorKind, requires_api_key, requires_iam_access_token, requires_wat,
};
use async_trait::async_trait;
use common::{Local, seed_api_key, start_local};
use serde_json::{Value, json};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

const WORKLOAD: &str = "shapes-agent";
const USER: &str = "shapes-user";
const KEY: &str = "sk-shapes-7f3a";

/// Starts a local service holding `KEY` in the `shapes-provider` API-key provider, and returns
/// a client that acts as `WORKLOAD` for `USER` and calls the service's STS.
async fn setup() -> (Local, IdentityClient) {
    let local = start_local().await;
    let admin = local.client().await;
    seed_api_key(&admin, WORKLOAD, "shapes-provider", KEY).await;
    let client = local
        .client_builder()
        .workload_identity(WORKLOAD)
        .user_id(USER)
        .sts_endpoint_url(local.endpoint())
        .build()
        .await
        .expect("client for the seeded workload identity");
    (local, client)
}

/// Returns a workload access token of `WORKLOAD` for `USER`, issued by the local service.
async fn workload_token(client: &IdentityClient) -> String {
    let token = client
        .get_workload_access_token_for_user_id(WORKLOAD, USER)
        .await
        .expect("workload access token for the seeded workload identity");
    token.expose_secret().to_owned()
}

fn context_with(token: &str) -> RequestContext {
    RequestContext::builder()
        .workload_access_token(token)
        .build()
}

fn key_of(secret: &SecretString) -> &str {
    secret.expose_secret()
}

// `async fn` and plain `fn`

#[requires_api_key(provider = "shapes-provider")]
async fn ask(prompt: &str, api_key: SecretString) -> Result<String, Error> {
    Ok(format!("{prompt}:{}", key_of(&api_key)))
}

#[requires_api_key(provider = "shapes-provider")]
fn ask_blocking(prompt: &str, api_key: SecretString) -> Result<String, Error> {
    Ok(format!("{prompt}:{}", key_of(&api_key)))
}

#[tokio::test]
async fn api_key_async_fn() {
    let (_local, client) = setup().await;

    let answer = client.scope(ask("hello")).await.unwrap();

    assert_eq!(answer, format!("hello:{KEY}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_plain_fn_multi_thread() {
    let (_local, client) = setup().await;

    let answer = client.scope(async { ask_blocking("hello") }).await.unwrap();

    assert_eq!(answer, format!("hello:{KEY}"));
}

#[tokio::test]
async fn api_key_plain_fn_spawn_blocking() {
    let (_local, client) = setup().await;

    let task = client
        .scope(async { agentcore_identity_runtime::spawn_blocking(|| ask_blocking("hello")).await })
        .await;
    let answer = task.unwrap().unwrap();

    assert_eq!(answer, format!("hello:{KEY}"));
}

#[tokio::test]
async fn api_key_plain_fn_current_thread_fails() {
    let (_local, client) = setup().await;

    let error = client
        .scope(async { ask_blocking("hello") })
        .await
        .unwrap_err();

    assert!(
        matches!(
            error,
            Error::BlockingInCurrentThreadRuntime {
                function: "ask_blocking"
            }
        ),
        "{error}"
    );
}

// Methods with every kind of receiver

struct Agent {
    name: String,
    calls: u32,
}

impl Agent {
    fn new(name: &str) -> Agent {
        Agent {
            name: name.to_owned(),
            calls: 0,
        }
    }

    #[requires_api_key(provider = "shapes-provider")]
    async fn by_ref(&self, api_key: SecretString) -> Result<String, Error> {
        Ok(format!("{}:{}", self.name, key_of(&api_key)))
    }

    #[requires_api_key(provider = "shapes-provider")]
    async fn by_mut(&mut self, api_key: SecretString) -> Result<u32, Error> {
        self.calls += 1;
        assert_eq!(key_of(&api_key), KEY);
        Ok(self.calls)
    }

    #[requires_api_key(provider = "shapes-provider")]
    async fn by_value(self, api_key: SecretString) -> Result<(String, String), Error> {
        Ok((self.name, key_of(&api_key).to_owned()))
    }

    #[requires_api_key(provider = "shapes-provider")]
    async fn by_arc(self: Arc<Self>, api_key: SecretString) -> Result<String, Error> {
        Ok(format!("{}:{}", self.name, key_of(&api_key)))
    }

    #[requires_api_key(provider = "shapes-provider")]
    fn by_ref_blocking(&self, api_key: SecretString) -> Result<String, Error> {
        Ok(format!("{}:{}", self.name, key_of(&api_key)))
    }

    #[requires_wat]
    async fn wat_by_ref(&self, identity_wat: SecretString) -> Result<String, Error> {
        Ok(format!("{}:{}", self.name, key_of(&identity_wat)))
    }

    #[requires_wat]
    fn wat_by_mut_blocking(&mut self, identity_wat: SecretString) -> Result<String, Error> {
        self.calls += 1;
        Ok(format!("{}:{}", self.calls, key_of(&identity_wat)))
    }
}

#[tokio::test]
async fn api_key_method_ref_self() {
    let (_local, client) = setup().await;
    let agent = Agent::new("planner");

    let answer = client.scope(agent.by_ref()).await.unwrap();

    assert_eq!(answer, format!("planner:{KEY}"));
}

#[tokio::test]
async fn api_key_method_mut_self() {
    let (_local, client) = setup().await;
    let mut agent = Agent::new("planner");

    let first = client.scope(agent.by_mut()).await.unwrap();
    let second = client.scope(agent.by_mut()).await.unwrap();

    assert_eq!(first, 1);
    assert_eq!(second, 2);
    assert_eq!(agent.calls, 2);
}

#[tokio::test]
async fn api_key_method_self_by_value() {
    let (_local, client) = setup().await;
    let agent = Agent::new("planner");

    let (name, key) = client.scope(agent.by_value()).await.unwrap();

    assert_eq!(name, "planner");
    assert_eq!(key, KEY);
}

#[tokio::test]
async fn api_key_method_arc_self() {
    let (_local, client) = setup().await;
    let agent = Arc::new(Agent::new("planner"));

    let answer = client.scope(Arc::clone(&agent).by_arc()).await.unwrap();

    assert_eq!(answer, format!("planner:{KEY}"));
    assert_eq!(Arc::strong_count(&agent), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_method_plain_fn() {
    let (_local, client) = setup().await;
    let agent = Agent::new("planner");

    let answer = client
        .scope(async { agent.by_ref_blocking() })
        .await
        .unwrap();

    assert_eq!(answer, format!("planner:{KEY}"));
}

// Generics, lifetimes, const parameters and where-clauses

#[requires_api_key(provider = "shapes-provider")]
async fn join<'a, T, const N: usize>(
    separator: &'a str,
    items: &[T; N],
    api_key: SecretString,
) -> Result<(&'a str, String), Error>
where
    T: Display,
{
    let mut parts: Vec<String> = items.iter().map(ToString::to_string).collect();
    parts.push(key_of(&api_key).to_owned());
    Ok((separator, parts.join(separator)))
}

#[requires_api_key(provider = "shapes-provider")]
fn first_longer<'a, T, const MIN: usize>(
    items: &'a [T],
    excluded: &str,
    api_key: SecretString,
) -> Result<Option<&'a T>, Error>
where
    T: AsRef<str>,
{
    let longer = items.iter().find(|item| {
        let item = item.as_ref();
        item != excluded && item.len() >= MIN && item.len() < key_of(&api_key).len()
    });
    Ok(longer)
}

#[tokio::test]
async fn api_key_generic_async_fn() {
    let (_local, client) = setup().await;
    let separator = String::from("/");

    let (borrowed, joined) = client.scope(join(&separator, &[1, 2, 3])).await.unwrap();

    assert!(std::ptr::eq(borrowed, separator.as_str()));
    assert_eq!(joined, format!("1/2/3/{KEY}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_generic_plain_fn() {
    let (_local, client) = setup().await;
    let items = ["ab", "abc", "abcd", "abcdef"];

    let found = client
        .scope(async { first_longer::<_, 3>(&items, "abc") })
        .await
        .unwrap();

    assert!(std::ptr::eq(found.unwrap(), &items[2]));
}

// `impl Trait` in arguments and return types

#[requires_api_key(provider = "shapes-provider")]
async fn letters(
    text: impl AsRef<str> + Send,
    api_key: SecretString,
) -> Result<impl Iterator<Item = char>, Error> {
    let joined = format!("{}{}", text.as_ref(), key_of(&api_key));
    Ok(joined.chars().collect::<Vec<_>>().into_iter())
}

#[requires_api_key(provider = "shapes-provider")]
fn describe(name: impl Display, api_key: SecretString) -> Result<impl Display, Error> {
    Ok(format!("{name} uses {}", key_of(&api_key)))
}

#[tokio::test]
async fn api_key_impl_trait_async_fn() {
    let (_local, client) = setup().await;

    let chars = client.scope(letters("ab")).await.unwrap();

    assert_eq!(chars.collect::<String>(), format!("ab{KEY}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_impl_trait_plain_fn() {
    let (_local, client) = setup().await;

    let described = client.scope(async { describe(7) }).await.unwrap();

    assert_eq!(described.to_string(), format!("7 uses {KEY}"));
}

// Trait impls, native `async fn` in traits and default methods

trait Lookup {
    fn lookup(&self, name: &str) -> Result<String, Error>;
}

impl Lookup for Agent {
    #[requires_api_key(provider = "shapes-provider")]
    fn lookup(&self, name: &str, api_key: SecretString) -> Result<String, Error> {
        Ok(format!("{}:{name}:{}", self.name, key_of(&api_key)))
    }
}

trait Assistant {
    async fn answer(&self, prompt: &str) -> Result<String, Error>;

    fn name(&self) -> String;

    #[requires_api_key(provider = "shapes-provider")]
    async fn signature(&self, api_key: SecretString) -> Result<String, Error> {
        Ok(format!("{}:{}", self.name(), key_of(&api_key)))
    }

    #[requires_wat]
    async fn wat_signature(&self, identity_wat: SecretString) -> Result<String, Error> {
        Ok(format!("{}:{}", self.name(), key_of(&identity_wat)))
    }
}

impl Assistant for Agent {
    #[requires_api_key(provider = "shapes-provider")]
    async fn answer(&self, prompt: &str, api_key: SecretString) -> Result<String, Error> {
        Ok(format!("{}:{prompt}:{}", self.name, key_of(&api_key)))
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

/// An assistant that overrides the annotated default `signature`, with the signature callers
/// see, which has no key parameter.
struct Echo;

impl Assistant for Echo {
    async fn answer(&self, prompt: &str) -> Result<String, Error> {
        Ok(prompt.to_owned())
    }

    fn name(&self) -> String {
        "echo".to_owned()
    }

    async fn signature(&self) -> Result<String, Error> {
        Ok("overridden".to_owned())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_trait_impl_plain_fn() {
    let (_local, client) = setup().await;
    let agent = Agent::new("planner");

    let found = client.scope(async { agent.lookup("docs") }).await.unwrap();

    assert_eq!(found, format!("planner:docs:{KEY}"));
}

#[tokio::test]
async fn api_key_async_fn_in_trait() {
    let (_local, client) = setup().await;
    let agent = Agent::new("planner");

    let answer = client.scope(agent.answer("hi")).await.unwrap();

    assert_eq!(answer, format!("planner:hi:{KEY}"));
}

#[tokio::test]
async fn api_key_trait_default_method() {
    let (_local, client) = setup().await;

    let default = client
        .scope(Agent::new("planner").signature())
        .await
        .unwrap();
    let overridden = client.scope(Echo.signature()).await.unwrap();

    assert_eq!(default, format!("planner:{KEY}"));
    assert_eq!(overridden, "overridden");
}

// Visibility, doc comments and other attributes

mod tools {
    use agentcore_identity_runtime::{Error, ExposeSecret, SecretString, requires_api_key};

    #[requires_api_key(provider = "shapes-provider")]
    pub(crate) async fn key_length(api_key: SecretString) -> Result<usize, Error> {
        Ok(api_key.expose_secret().len())
    }
}

#[tokio::test]
async fn api_key_pub_crate() {
    let (_local, client) = setup().await;

    let length = client.scope(tools::key_length()).await.unwrap();

    assert_eq!(length, KEY.len());
}

/// Returns the line it was called from and the key, which `#[track_caller]` makes observable.
#[must_use = "the caller's line is the result"]
#[allow(clippy::double_must_use)]
#[requires_api_key(provider = "shapes-provider")]
#[cfg_attr(all(), track_caller)]
#[allow(clippy::unnecessary_wraps)]
fn caller_line(api_key: SecretString) -> Result<(u32, String), Error> {
    Ok((Location::caller().line(), key_of(&api_key).to_owned()))
}

/// Denies `unused_mut`, so the build fails unless the expansion keeps the
/// `#[allow(unused_mut)]` of the function inside.
#[deny(unused_mut)]
mod allowed {
    use agentcore_identity_runtime::{Error, ExposeSecret, SecretString, requires_api_key};

    #[allow(unused_mut)]
    #[requires_api_key(provider = "shapes-provider")]
    pub(crate) async fn unused_mut(
        mut label: String,
        api_key: SecretString,
    ) -> Result<String, Error> {
        Ok(format!("{label}:{}", api_key.expose_secret()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_attributes_kept() {
    let (_local, client) = setup().await;

    let expected_line = line!() + 1;
    let result = client.scope(async { caller_line() }).await;
    let (line, key) = result.unwrap();
    let labelled = client
        .scope(allowed::unused_mut("tool".to_owned()))
        .await
        .unwrap();

    assert_eq!(line, expected_line);
    assert_eq!(key, KEY);
    assert_eq!(labelled, format!("tool:{KEY}"));
}

// Both attributes stacked in either order

#[requires_api_key(provider = "shapes-provider")]
#[requires_wat]
async fn key_then_wat(
    identity_wat: SecretString,
    prompt: &str,
    api_key: SecretString,
) -> Result<(String, String, String), Error> {
    let key = key_of(&api_key).to_owned();
    Ok((key, prompt.to_owned(), key_of(&identity_wat).to_owned()))
}

#[requires_wat]
#[requires_api_key(provider = "shapes-provider")]
fn wat_then_key(
    api_key: SecretString,
    identity_wat: SecretString,
) -> Result<(String, String), Error> {
    Ok((
        key_of(&api_key).to_owned(),
        key_of(&identity_wat).to_owned(),
    ))
}

#[tokio::test]
async fn stacked_key_above_wat() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;

    let call = context_with(&token).scope(key_then_wat("hi"));
    let (key, prompt, wat) = client.scope(call).await.unwrap();

    assert_eq!(key, KEY);
    assert_eq!(prompt, "hi");
    assert_eq!(wat, token);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stacked_wat_above_key() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;

    let call = context_with(&token).scope(async { wat_then_key() });
    let (key, wat) = client.scope(call).await.unwrap();

    assert_eq!(key, KEY);
    assert_eq!(wat, token);
}

// `#[tracing::instrument]` in either order

/// A writer that keeps what a `fmt` subscriber writes, for checks on spans.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Sets a subscriber for the current thread that writes every new span to the returned buffer.
fn capture_spans() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_span_events(FmtSpan::NEW)
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

// `#[tracing::instrument]` expands first, so its span records the key, redacted.
#[tracing::instrument(level = "info")]
#[requires_api_key(provider = "shapes-provider")]
async fn instrumented_outside(prompt: &str, api_key: SecretString) -> Result<String, Error> {
    Ok(format!("{prompt}:{}", key_of(&api_key)))
}

// `#[requires_api_key]` expands first, so the span has no `api_key` field.
#[requires_api_key(provider = "shapes-provider")]
#[tracing::instrument(level = "info")]
async fn instrumented_inside(prompt: &str, api_key: SecretString) -> Result<String, Error> {
    Ok(format!("{prompt}:{}", key_of(&api_key)))
}

#[tokio::test]
async fn api_key_instrument_outside() {
    let (_local, client) = setup().await;
    let (captured, _guard) = capture_spans();

    let answer = client.scope(instrumented_outside("hi")).await.unwrap();

    assert_eq!(answer, format!("hi:{KEY}"));
    let spans = captured.text();
    assert!(spans.contains("instrumented_outside"), "{spans}");
    assert!(spans.contains("prompt=\"hi\""), "{spans}");
    assert!(spans.contains("api_key="), "{spans}");
    assert!(!spans.contains(KEY), "{spans}");
}

#[tokio::test]
async fn api_key_instrument_inside() {
    let (_local, client) = setup().await;
    let (captured, _guard) = capture_spans();

    let answer = client.scope(instrumented_inside("hi")).await.unwrap();

    assert_eq!(answer, format!("hi:{KEY}"));
    let spans = captured.text();
    assert!(spans.contains("instrumented_inside"), "{spans}");
    assert!(spans.contains("prompt=\"hi\""), "{spans}");
    assert!(!spans.contains("api_key"), "{spans}");
}

// The credential parameter in any position, and patterns in the other parameters

#[requires_api_key(provider = "shapes-provider")]
async fn key_first(api_key: SecretString, a: u8, b: u8) -> Result<String, Error> {
    Ok(format!("{}|{a}|{b}", key_of(&api_key)))
}

#[requires_api_key(provider = "shapes-provider")]
async fn key_middle(a: u8, api_key: SecretString, b: u8) -> Result<String, Error> {
    Ok(format!("{a}|{}|{b}", key_of(&api_key)))
}

#[requires_api_key(provider = "shapes-provider", into = "secret")]
async fn key_last(a: u8, b: u8, secret: SecretString) -> Result<String, Error> {
    Ok(format!("{a}|{b}|{}", key_of(&secret)))
}

#[tokio::test]
async fn api_key_parameter_positions() {
    let (_local, client) = setup().await;

    let first = client.scope(key_first(1, 2)).await.unwrap();
    let middle = client.scope(key_middle(1, 2)).await.unwrap();
    let last = client.scope(key_last(1, 2)).await.unwrap();

    assert_eq!(first, format!("{KEY}|1|2"));
    assert_eq!(middle, format!("1|{KEY}|2"));
    assert_eq!(last, format!("1|2|{KEY}"));
}

struct Point {
    x: i32,
    y: i32,
}

#[requires_api_key(provider = "shapes-provider")]
async fn patterns(
    (a, b): (u8, u8),
    Point { x, y: height }: Point,
    mut count: u32,
    &[first, ..]: &[i32; 2],
    _: &str,
    mut api_key: SecretString,
) -> Result<String, Error> {
    count += 1;
    let key = key_of(&api_key).to_owned();
    api_key = SecretString::from("replaced");
    Ok(format!(
        "{a},{b},{x},{height},{count},{first},{key},{}",
        key_of(&api_key)
    ))
}

#[tokio::test]
async fn api_key_patterns_in_parameters() {
    let (_local, client) = setup().await;
    let point = Point { x: 3, y: 4 };

    let answer = client
        .scope(patterns((1, 2), point, 9, &[5, 6], "ignored"))
        .await
        .unwrap();

    assert_eq!(answer, format!("1,2,3,4,10,5,{KEY},replaced"));
}

// Error types that carry the identity error

#[derive(Debug)]
enum AgentError {
    Identity(Error),
    #[allow(dead_code)]
    Model(String),
}

impl From<Error> for AgentError {
    fn from(error: Error) -> Self {
        AgentError::Identity(error)
    }
}

type AgentResult<T> = std::result::Result<T, AgentError>;

#[requires_api_key(provider = "shapes-provider")]
async fn with_anyhow(api_key: SecretString) -> anyhow::Result<usize> {
    Ok(key_of(&api_key).len())
}

#[requires_api_key(provider = "shapes-provider")]
async fn with_boxed_error(
    api_key: SecretString,
) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    Ok(key_of(&api_key).len())
}

#[requires_api_key(provider = "shapes-provider")]
async fn with_user_enum(api_key: SecretString) -> Result<usize, AgentError> {
    Ok(key_of(&api_key).len())
}

#[requires_api_key(provider = "shapes-provider")]
fn with_alias(api_key: SecretString) -> AgentResult<usize> {
    Ok(key_of(&api_key).len())
}

/// Returns a client of the same service for a workload identity that does not exist, so that
/// every fetch fails with `ResourceNotFound`.
async fn unknown_workload_client(local: &Local) -> IdentityClient {
    local
        .client_builder()
        .workload_identity("no-such-agent")
        .user_id(USER)
        .build()
        .await
        .unwrap()
}

fn assert_not_found(error: &Error) {
    assert_eq!(
        error.service_error_kind(),
        Some(ServiceErrorKind::ResourceNotFound),
        "{error}"
    );
}

#[tokio::test]
async fn api_key_error_anyhow() {
    let (local, client) = setup().await;
    let unknown = unknown_workload_client(&local).await;

    let length = client.scope(with_anyhow()).await.unwrap();
    let error = unknown.scope(with_anyhow()).await.unwrap_err();

    assert_eq!(length, KEY.len());
    assert_not_found(error.downcast_ref::<Error>().expect("an identity error"));
}

#[tokio::test]
async fn api_key_error_boxed() {
    let (local, client) = setup().await;
    let unknown = unknown_workload_client(&local).await;

    let length = client.scope(with_boxed_error()).await.unwrap();
    let error = unknown.scope(with_boxed_error()).await.unwrap_err();

    assert_eq!(length, KEY.len());
    assert_not_found(error.downcast_ref::<Error>().expect("an identity error"));
}

#[tokio::test]
async fn api_key_error_user_enum() {
    let (local, client) = setup().await;
    let unknown = unknown_workload_client(&local).await;

    let length = client.scope(with_user_enum()).await.unwrap();
    let error = unknown.scope(with_user_enum()).await.unwrap_err();

    assert_eq!(length, KEY.len());
    let AgentError::Identity(error) = error else {
        panic!("expected an identity error, found {error:?}");
    };
    assert_not_found(&error);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_error_result_alias() {
    let (local, client) = setup().await;
    let unknown = unknown_workload_client(&local).await;

    let length = client.scope(async { with_alias() }).await.unwrap();
    let error = unknown.scope(async { with_alias() }).await.unwrap_err();

    assert_eq!(length, KEY.len());
    let AgentError::Identity(error) = error else {
        panic!("expected an identity error, found {error:?}");
    };
    assert_not_found(&error);
}

// Methods of an `#[async_trait]` impl

#[async_trait]
trait BoxedAssistant {
    async fn reply(&self, prompt: &str) -> Result<String, Error>;

    async fn whoami(&mut self) -> Result<String, Error>;
}

#[async_trait]
impl BoxedAssistant for Agent {
    #[requires_api_key(provider = "shapes-provider")]
    async fn reply(&self, prompt: &str, api_key: SecretString) -> Result<String, Error> {
        Ok(format!("{}:{prompt}:{}", self.name, key_of(&api_key)))
    }

    #[requires_wat]
    async fn whoami(&mut self, identity_wat: SecretString) -> Result<String, Error> {
        self.calls += 1;
        Ok(format!("{}:{}", self.calls, key_of(&identity_wat)))
    }
}

// A current-thread runtime rejects a blocking fetch, so the key arriving here shows that the
// boxed future awaited it.
#[tokio::test]
async fn api_key_async_trait_does_not_block() {
    let (_local, client) = setup().await;
    let agent: Box<dyn BoxedAssistant + Send + Sync> = Box::new(Agent::new("planner"));

    let answer = client.scope(agent.reply("hi")).await.unwrap();
    let blocking = client.scope(async { ask_blocking("hi") }).await;

    assert_eq!(answer, format!("planner:hi:{KEY}"));
    assert!(
        matches!(blocking, Err(Error::BlockingInCurrentThreadRuntime { .. })),
        "{blocking:?}"
    );
}

#[tokio::test]
async fn wat_async_trait() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;
    let mut agent = Agent::new("planner");

    let answer = context_with(&token).scope(agent.whoami()).await.unwrap();

    assert_eq!(answer, format!("1:{token}"));
}

// An annotated function called from an axum handler on loopback

async fn invoke(
    axum::extract::State(client): axum::extract::State<IdentityClient>,
    prompt: String,
) -> String {
    let answer = client.scope(ask(&prompt)).await;
    let wat = wat_echo("").await;
    match (answer, wat) {
        (Ok(answer), Ok(wat)) => format!("{answer}|{wat}"),
        (Err(error), _) | (_, Err(error)) => format!("error: {error}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_axum_handler() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;
    let app = axum::Router::new()
        .route("/invocations", axum::routing::post(invoke))
        .layer(RequestContextLayer::new())
        .with_state(client);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let response = reqwest::Client::new()
        .post(format!("http://{addr}/invocations"))
        .header("WorkloadAccessToken", &token)
        .body("hello")
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    server.abort();

    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(body, format!("hello:{KEY}|{token}"));
}

// A renamed dependency, through `crate = path`

#[identity::requires_api_key(provider = "shapes-provider", crate = identity)]
async fn renamed_key(api_key: identity::SecretString) -> Result<String, identity::Error> {
    Ok(key_of(&api_key).to_owned())
}

#[identity::requires_wat(crate = identity)]
fn renamed_wat(identity_wat: identity::SecretString) -> Result<String, identity::Error> {
    Ok(key_of(&identity_wat).to_owned())
}

#[tokio::test]
async fn api_key_renamed_crate() {
    let (_local, client) = setup().await;

    let key = client.scope(renamed_key()).await.unwrap();

    assert_eq!(key, KEY);
}

#[tokio::test]
async fn wat_renamed_crate() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;

    // The token is read from the context without blocking, so a current-thread runtime works.
    let wat = context_with(&token).sync_scope(renamed_wat).unwrap();

    assert_eq!(wat, token);
}

// The same shapes with `#[requires_wat]`

#[requires_wat]
async fn wat_echo(prefix: &str, identity_wat: SecretString) -> Result<String, Error> {
    Ok(format!("{prefix}{}", key_of(&identity_wat)))
}

#[requires_wat(into = "token")]
fn wat_echo_blocking(prefix: &str, token: SecretString) -> Result<String, Error> {
    Ok(format!("{prefix}{}", key_of(&token)))
}

#[requires_wat]
async fn wat_generic<'a, T, const N: usize>(
    label: &'a str,
    items: &[T; N],
    identity_wat: SecretString,
) -> Result<(&'a str, usize, String), Error>
where
    T: Copy + Into<u64>,
{
    let total = items.iter().map(|item| (*item).into()).sum::<u64>();
    let total = usize::try_from(total).unwrap_or(usize::MAX);
    Ok((label, total, key_of(&identity_wat).to_owned()))
}

#[requires_wat]
async fn wat_impl_trait(
    prefix: impl Display + Send,
    identity_wat: SecretString,
) -> Result<impl Display, Error> {
    Ok(format!("{prefix}{}", key_of(&identity_wat)))
}

#[requires_wat]
async fn wat_user_enum((a, b): (u8, u8), identity_wat: SecretString) -> AgentResult<String> {
    Ok(format!("{a}{b}{}", key_of(&identity_wat)))
}

#[requires_wat]
async fn wat_anyhow(identity_wat: SecretString) -> anyhow::Result<String> {
    Ok(key_of(&identity_wat).to_owned())
}

#[tokio::test]
async fn wat_async_fn() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;

    let wat = context_with(&token).scope(wat_echo("wat:")).await.unwrap();

    assert_eq!(wat, format!("wat:{token}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wat_plain_fn() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;

    let call = async { wat_echo_blocking("wat:") };
    let wat = context_with(&token).scope(call).await.unwrap();

    assert_eq!(wat, format!("wat:{token}"));
}

#[tokio::test]
async fn wat_plain_fn_spawn_blocking() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;

    let task = context_with(&token)
        .scope(async {
            agentcore_identity_runtime::spawn_blocking(|| wat_echo_blocking("wat:")).await
        })
        .await;
    let wat = task.unwrap().unwrap();

    assert_eq!(wat, format!("wat:{token}"));
}

#[tokio::test]
async fn wat_methods() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;
    let mut agent = Agent::new("planner");

    let by_ref = context_with(&token)
        .scope(agent.wat_by_ref())
        .await
        .unwrap();
    let by_mut = context_with(&token).sync_scope(|| agent.wat_by_mut_blocking());

    assert_eq!(by_ref, format!("planner:{token}"));
    assert_eq!(by_mut.unwrap(), format!("1:{token}"));
    assert_eq!(agent.calls, 1);
}

#[tokio::test]
async fn wat_generic_fn() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;
    let label = String::from("sum");

    let call = wat_generic(&label, &[1u8, 2, 3]);
    let (borrowed, total, wat) = context_with(&token).scope(call).await.unwrap();

    assert!(std::ptr::eq(borrowed, label.as_str()));
    assert_eq!(total, 6);
    assert_eq!(wat, token);
}

#[tokio::test]
async fn wat_impl_trait_fn() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;

    let rendered = context_with(&token)
        .scope(wat_impl_trait('>'))
        .await
        .unwrap();

    assert_eq!(rendered.to_string(), format!(">{token}"));
}

#[tokio::test]
async fn wat_trait_default_method() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;

    let signature = context_with(&token)
        .scope(Agent::new("planner").wat_signature())
        .await
        .unwrap();

    assert_eq!(signature, format!("planner:{token}"));
}

#[tokio::test]
async fn wat_error_types() {
    let (_local, client) = setup().await;
    let token = workload_token(&client).await;

    let found = context_with(&token)
        .scope(wat_user_enum((1, 2)))
        .await
        .unwrap();
    let missing = wat_user_enum((1, 2)).await.unwrap_err();
    let missing_anyhow = wat_anyhow().await.unwrap_err();

    assert_eq!(found, format!("12{token}"));
    assert!(
        matches!(missing, AgentError::Identity(Error::MissingRequestContext)),
        "{missing:?}"
    );
    assert!(
        matches!(
            missing_anyhow.downcast_ref::<Error>(),
            Some(Error::MissingRequestContext)
        ),
        "{missing_anyhow:?}"
    );
}

#[tokio::test]
async fn wat_context_without_token() {
    let (_local, _client) = setup().await;
    let empty = RequestContext::builder().session_id("s-1").build();

    let error = empty.scope(wat_echo("")).await.unwrap_err();

    assert!(
        matches!(error, Error::MissingWorkloadAccessToken { .. }),
        "{error}"
    );
}

// `#[requires_iam_access_token]`, on the shapes whose fetch differs: async, blocking, stacked

/// Claim under which STS puts its own claims, the request tags included.
const AWS_CLAIMS: &str = "https://sts.amazonaws.com/";

/// Returns the header algorithm and the claims of a JWT. The signature is not checked here,
/// because `tests/iam_tokens.rs` verifies the local STS tokens against the published keys.
fn decode_jwt(token: &str) -> (String, Value) {
    let data = jsonwebtoken::dangerous::insecure_decode::<Value>(token).expect("a JWT");
    (format!("{:?}", data.header.alg), data.claims)
}

fn lifetime_of(claims: &Value) -> u64 {
    let expires = claims["exp"].as_u64().expect("an `exp` claim");
    let issued = claims["iat"].as_u64().expect("an `iat` claim");
    expires - issued
}

#[requires_iam_access_token(audience = ["https://api.partner.example"])]
async fn partner_token(access_token: SecretString) -> Result<String, Error> {
    Ok(key_of(&access_token).to_owned())
}

#[requires_iam_access_token(
    audience = ["https://api.partner.example", "https://backup.partner.example"],
    signing_algorithm = "RS256",
    duration_seconds = 900,
    tags = {"team": "payments", "agent": "order-bot"},
    into = "jwt",
)]
fn partner_token_blocking(customer: &str, jwt: SecretString) -> Result<(String, String), Error> {
    Ok((customer.to_owned(), key_of(&jwt).to_owned()))
}

impl Agent {
    #[requires_iam_access_token(audience = ["https://api.partner.example"], into = "partner_jwt")]
    #[requires_api_key(provider = "shapes-provider")]
    async fn call_partner(
        &self,
        api_key: SecretString,
        partner_jwt: SecretString,
    ) -> Result<(String, String), Error> {
        Ok((key_of(&api_key).to_owned(), key_of(&partner_jwt).to_owned()))
    }
}

#[tokio::test]
async fn iam_async_fn_defaults() {
    let (_local, client) = setup().await;

    let token = client.scope(partner_token()).await.unwrap();

    let (algorithm, claims) = decode_jwt(&token);
    assert_eq!(algorithm, "ES384");
    assert_eq!(claims["aud"], "https://api.partner.example");
    assert_eq!(lifetime_of(&claims), 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_plain_fn_every_argument() {
    let (_local, client) = setup().await;

    let result = client.scope(async { partner_token_blocking("c-42") }).await;
    let (customer, token) = result.unwrap();

    assert_eq!(customer, "c-42");
    let (algorithm, claims) = decode_jwt(&token);
    assert_eq!(algorithm, "RS256");
    assert_eq!(
        claims["aud"],
        json!([
            "https://api.partner.example",
            "https://backup.partner.example"
        ])
    );
    assert_eq!(lifetime_of(&claims), 900);
    assert_eq!(
        claims[AWS_CLAIMS]["request_tags"],
        json!({"team": "payments", "agent": "order-bot"})
    );
}

#[tokio::test]
async fn iam_stacked_on_method() {
    let (_local, client) = setup().await;
    let agent = Agent::new("planner");

    let (key, token) = client.scope(agent.call_partner()).await.unwrap();

    assert_eq!(key, KEY);
    let (_, claims) = decode_jwt(&token);
    assert_eq!(claims["aud"], "https://api.partner.example");
}

#[tokio::test]
async fn iam_federation_disabled() {
    let data_dir = tempfile::tempdir().unwrap();
    let service = agentcore_identity_local::LocalIdentityService::builder()
        .data_dir(data_dir.path())
        .outbound_web_identity_federation(false)
        .start()
        .await
        .unwrap();
    let client = common::client_builder(&service.endpoint())
        .sts_endpoint_url(service.endpoint())
        .build()
        .await
        .unwrap();

    let error = client.scope(partner_token()).await.unwrap_err();

    assert!(
        matches!(error, Error::OutboundWebIdentityFederationDisabled { .. }),
        "{error}"
    );
}
