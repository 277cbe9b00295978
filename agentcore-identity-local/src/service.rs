//! Configuring, starting and stopping the service.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::arn::{self, Arns};
use crate::cipher::VAULT_KEY_LEN;
use crate::clock::{Clock, SystemClock, unix_millis};
use crate::provider_client::ProviderClient;
use crate::server::{self, AppState};
use crate::start_error::StartError;
use crate::store::{DATABASE_FILE_NAME, Store};
use crate::sts::{self, WebIdentityTokens};
use crate::trusted_issuer::{self, TrustedIssuer};
use crate::user_jwt::UserTokenVerifier;
use crate::vault_key::{self, KeyOrigin};
use crate::workload_token::WorkloadTokens;

/// Default lifetime of workload access tokens.
pub const DEFAULT_WORKLOAD_TOKEN_LIFETIME: Duration = Duration::from_hours(1);

/// Default time a user has to authorize at the provider and the application has to confirm
/// the session with `CompleteResourceTokenAuth`.
pub const DEFAULT_AUTHORIZATION_SESSION_LIFETIME: Duration = Duration::from_mins(10);

/// Region named in ARNs unless configured.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Account named in ARNs unless configured.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";

/// Time that [`RunningService::shutdown`] gives open requests before it stops the server.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The local AgentCore Identity service; [`LocalIdentityService::builder`] configures and
/// starts it.
#[derive(Debug)]
pub struct LocalIdentityService {
    _private: (),
}

impl LocalIdentityService {
    /// Returns a builder with every setting at its default; only
    /// [`data_dir`](LocalIdentityServiceBuilder::data_dir) is required.
    #[must_use]
    pub fn builder() -> LocalIdentityServiceBuilder {
        LocalIdentityServiceBuilder::default()
    }
}

/// Configuration of a [`LocalIdentityService`], consumed by
/// [`start`](LocalIdentityServiceBuilder::start).
#[derive(Default)]
pub struct LocalIdentityServiceBuilder {
    data_dir: Option<PathBuf>,
    listen: Option<SocketAddr>,
    vault_key: Option<[u8; VAULT_KEY_LEN]>,
    workload_token_lifetime: Option<Duration>,
    trusted_issuers: Vec<TrustedIssuer>,
    clock: Option<Arc<dyn Clock>>,
    region: Option<String>,
    account_id: Option<String>,
    public_url: Option<String>,
    authorization_session_lifetime: Option<Duration>,
    outbound_web_identity_federation: Option<bool>,
}

impl LocalIdentityServiceBuilder {
    /// Sets the directory that contains the vault (`vault.db`) and, unless a key is given,
    /// its key (`vault.key`). The directory is created with mode 0700 when missing. Required.
    #[must_use]
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Sets the address to listen on. Default: `127.0.0.1:0`, a free loopback port.
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = Some(addr);
        self
    }

    /// Sets the 32-byte AES-256 key that encrypts the vault's secrets. Default: the key in
    /// `<data_dir>/vault.key`, created with mode 0600 on first start. A key given here is
    /// never written to disk.
    #[must_use]
    pub fn vault_key(mut self, key: [u8; 32]) -> Self {
        self.vault_key = Some(key);
        self
    }

    /// Sets how long a workload access token stays valid. Default: one hour. Must be at
    /// least one second.
    #[must_use]
    pub fn workload_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.workload_token_lifetime = Some(lifetime);
        self
    }

    /// Adds an issuer whose JWTs `GetWorkloadAccessTokenForJWT` accepts. Default: none, so
    /// every user JWT is rejected. Issuers given by URL are fetched during `start`.
    #[must_use]
    pub fn trusted_issuer(mut self, issuer: TrustedIssuer) -> Self {
        self.trusted_issuers.push(issuer);
        self
    }

    /// Sets the clock for token expiry and timestamps. Default: [`SystemClock`].
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Sets the region named in ARNs. Default: `us-east-1`.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets the twelve-digit account id named in ARNs. Default: `123456789012`.
    #[must_use]
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// Sets the base URL under which browsers reach the service, such as
    /// `https://identity.example.test`, for the authorization URLs and the providers' callback
    /// URLs. Default: `http://<listen address>`, with `127.0.0.1` in place of an unspecified
    /// address.
    #[must_use]
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// Sets how long a user-federation authorization session stays open: the time the user
    /// has to authorize at the provider and the application has to confirm the session with
    /// `CompleteResourceTokenAuth`, as measured by the configured [`Clock`]. Default: ten
    /// minutes. Must be at least one second.
    #[must_use]
    pub fn authorization_session_lifetime(mut self, lifetime: Duration) -> Self {
        self.authorization_session_lifetime = Some(lifetime);
        self
    }

    /// Turns STS `GetWebIdentityToken` on or off, as an account's outbound web identity
    /// federation setting does. When off, the operation returns
    /// `OutboundWebIdentityFederationDisabledException` (HTTP 403), while the issuer's
    /// discovery document and key set stay served. Default: on.
    #[must_use]
    pub fn outbound_web_identity_federation(mut self, enabled: bool) -> Self {
        self.outbound_web_identity_federation = Some(enabled);
        self
    }

    /// Opens or creates the vault, loads the trusted issuers, and starts serving both planes
    /// and STS `GetWebIdentityToken` on one HTTP listener. The web identity token signing keys
    /// are created in the vault on first start.
    ///
    /// # Errors
    ///
    /// Returns a [`StartError`] when a setting is invalid, the data directory or the key file
    /// cannot be used, the key does not open the existing vault, a trusted issuer cannot be
    /// loaded, or the address cannot be bound.
    ///
    /// ```no_run
    /// use agentcore_identity_local::LocalIdentityService;
    ///
    /// # async fn run() -> Result<(), agentcore_identity_local::StartError> {
    /// let service = LocalIdentityService::builder()
    ///     .data_dir(".agentcore-local")
    ///     .start()
    ///     .await?;
    /// println!("AgentCore Identity stand-in at {}", service.endpoint());
    /// service.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(self) -> Result<RunningService, StartError> {
        let data_dir = self.data_dir.clone().ok_or(StartError::MissingDataDir)?;
        let lifetime = self
            .workload_token_lifetime
            .unwrap_or(DEFAULT_WORKLOAD_TOKEN_LIFETIME);
        if lifetime < Duration::from_secs(1) {
            return Err(StartError::InvalidConfiguration(
                "workload token lifetime must be at least one second".to_owned(),
            ));
        }
        let session_lifetime = self
            .authorization_session_lifetime
            .unwrap_or(DEFAULT_AUTHORIZATION_SESSION_LIFETIME);
        if session_lifetime < Duration::from_secs(1) {
            return Err(StartError::InvalidConfiguration(
                "authorization session lifetime must be at least one second".to_owned(),
            ));
        }
        let configured_public_url = self
            .public_url
            .as_deref()
            .map(parse_public_url)
            .transpose()?;
        let arns = self.arns()?;
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));

        create_data_dir(&data_dir)?;
        let vault_path = data_dir.join(DATABASE_FILE_NAME);
        let (key, key_origin) = vault_key::resolve_key(&data_dir, &vault_path, self.vault_key)?;
        let vault = Store::open(&vault_path, &key, unix_millis(clock.now()))?;

        let http = trusted_issuer::http_client();
        let issuers = load_trusted_issuers(&self.trusted_issuers, &http).await?;

        let listen = self
            .listen
            .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        let (listener, local_addr) = bind(listen).await?;

        let public_url = configured_public_url.unwrap_or_else(|| default_public_url(local_addr));
        let web_identity_issuer = sts::issuer(&public_url);
        let outbound_web_identity_federation =
            self.outbound_web_identity_federation.unwrap_or(true);
        let web_identity_tokens = WebIdentityTokens::load(
            &vault.store,
            web_identity_issuer.clone(),
            arns.clone(),
            Arc::clone(&clock),
        )
        .await
        .map_err(|error| StartError::Database {
            path: vault_path.clone(),
            source: Box::new(error),
        })?;
        let state = AppState {
            providers: ProviderClient::new(Arc::clone(&clock)),
            public_url,
            session_lifetime,
            store: vault.store,
            tokens: WorkloadTokens::new(&vault.signing_key, lifetime, Arc::clone(&clock)),
            user_tokens: UserTokenVerifier::new(issuers, http, Arc::clone(&clock)),
            clock,
            arns,
            vault_created_at_ms: vault.created_at_ms,
            web_identity_tokens,
            outbound_web_identity_federation,
        };
        let (shutdown_sender, shutdown_receiver) = oneshot::channel::<()>();
        let server =
            axum::serve(listener, server::router(Arc::new(state))).with_graceful_shutdown(async {
                // A dropped sender also stops the server.
                let _ = shutdown_receiver.await;
            });
        let task = tokio::spawn(async move {
            if let Err(error) = server.await {
                tracing::error!(%error, "local identity service stopped with an error");
            }
        });

        log_start(
            local_addr,
            &data_dir,
            &vault_path,
            key_origin,
            vault.created_now,
        );
        tracing::info!(
            issuer = %web_identity_issuer,
            enabled = outbound_web_identity_federation,
            "serving STS GetWebIdentityToken"
        );
        Ok(RunningService {
            local_addr,
            web_identity_issuer,
            data_dir,
            shutdown: Some(shutdown_sender),
            task: Some(task),
        })
    }

    fn arns(&self) -> Result<Arns, StartError> {
        let region = self.region.as_deref().unwrap_or(DEFAULT_REGION);
        if !arn::is_region(region) {
            return Err(StartError::InvalidConfiguration(format!(
                "invalid region {region:?}: expected a region name such as `us-east-1`"
            )));
        }
        let account_id = self.account_id.as_deref().unwrap_or(DEFAULT_ACCOUNT_ID);
        if !arn::is_account_id(account_id) {
            return Err(StartError::InvalidConfiguration(format!(
                "invalid account id {account_id:?}: expected twelve digits"
            )));
        }
        Ok(Arns::new(region, account_id))
    }
}

impl fmt::Debug for LocalIdentityServiceBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalIdentityServiceBuilder")
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("vault_key", &self.vault_key.map(|_| "** redacted **"))
            .field("workload_token_lifetime", &self.workload_token_lifetime)
            .field("trusted_issuers", &self.trusted_issuers)
            .field("clock", &self.clock)
            .field("region", &self.region)
            .field("account_id", &self.account_id)
            .field("public_url", &self.public_url)
            .field(
                "authorization_session_lifetime",
                &self.authorization_session_lifetime,
            )
            .field(
                "outbound_web_identity_federation",
                &self.outbound_web_identity_federation,
            )
            .finish()
    }
}

async fn load_trusted_issuers(
    trusted_issuers: &[TrustedIssuer],
    http: &reqwest::Client,
) -> Result<Vec<trusted_issuer::LoadedIssuer>, StartError> {
    let mut issuers = Vec::with_capacity(trusted_issuers.len());
    for trusted in trusted_issuers {
        let loaded = trusted_issuer::load(trusted, http).await?;
        tracing::info!(
            source = trusted.location(),
            issuer = loaded.issuer.as_deref().unwrap_or("any `iss`"),
            keys = loaded.keys.len(),
            "trusting user JWT issuer"
        );
        issuers.push(loaded);
    }
    Ok(issuers)
}

async fn bind(listen: SocketAddr) -> Result<(TcpListener, SocketAddr), StartError> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: listen,
            source,
        })?;
    let local_addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: listen,
        source,
    })?;
    Ok((listener, local_addr))
}

/// Checks a configured public URL and returns it without a trailing slash.
fn parse_public_url(url: &str) -> Result<String, StartError> {
    let parsed = url::Url::parse(url).ok().filter(|parsed| {
        matches!(parsed.scheme(), "http" | "https")
            && parsed.has_host()
            && parsed.query().is_none()
            && parsed.fragment().is_none()
    });
    match parsed {
        Some(_) => Ok(url.trim_end_matches('/').to_owned()),
        None => Err(StartError::InvalidConfiguration(format!(
            "invalid public URL {url:?}: expected an http or https URL without query or fragment"
        ))),
    }
}

fn default_public_url(local_addr: SocketAddr) -> String {
    let mut addr = local_addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(Ipv4Addr::LOCALHOST.into());
    }
    format!("http://{addr}")
}

fn create_data_dir(path: &Path) -> Result<(), StartError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path).map_err(|source| StartError::DataDir {
        path: path.to_path_buf(),
        source,
    })
}

fn log_start(
    local_addr: SocketAddr,
    data_dir: &Path,
    vault_path: &Path,
    key_origin: KeyOrigin,
    created_vault: bool,
) {
    tracing::info!(
        "agentcore-identity-local is a development stand-in for Amazon Bedrock AgentCore Identity; do not use it in production"
    );
    tracing::info!(endpoint = %format!("http://{local_addr}"), "listening for data-plane and control-plane requests");
    let key = match key_origin {
        KeyOrigin::Configured => "configured by the caller",
        KeyOrigin::KeyFile => "read from vault.key",
        KeyOrigin::CreatedKeyFile => "created in vault.key",
    };
    tracing::info!(
        data_dir = %data_dir.display(),
        vault = %vault_path.display(),
        vault_key = key,
        new_vault = created_vault,
        "keeping data"
    );
    if !local_addr.ip().is_loopback() {
        tracing::warn!(%local_addr, "listening on a non-loopback address: other hosts can read the vault's secrets");
    }
}

/// A started service. Dropping it stops the server without waiting;
/// [`shutdown`](RunningService::shutdown) waits for it to finish.
#[derive(Debug)]
pub struct RunningService {
    local_addr: SocketAddr,
    web_identity_issuer: String,
    data_dir: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningService {
    /// Returns the base URL for both the data-plane and the control-plane clients, such as
    /// `http://127.0.0.1:8787`.
    #[must_use]
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// Returns the issuer of the web identity tokens that STS `GetWebIdentityToken` returns:
    /// the public URL followed by `/sts`, such as `http://127.0.0.1:8787/sts`. Its OpenID
    /// discovery document is at `<issuer>/.well-known/openid-configuration`.
    #[must_use]
    pub fn web_identity_issuer(&self) -> &str {
        &self.web_identity_issuer
    }

    /// Returns the address the service listens on.
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Returns the directory that contains the vault.
    #[must_use]
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Stops accepting connections, lets open requests finish for up to ten seconds, and
    /// closes the vault.
    pub async fn shutdown(mut self) {
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
        {
            tracing::warn!("open requests did not finish in time; stopping the server");
            task.abort();
            let _ = task.await;
        }
        tracing::info!(local_addr = %self.local_addr, "stopped local identity service");
    }
}

impl Drop for RunningService {
    fn drop(&mut self) {
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
    }
}
