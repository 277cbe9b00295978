//! `agentcore-identity-local serve`: runs the local AgentCore Identity stand-in until Ctrl-C
//! or SIGTERM.

#![warn(clippy::pedantic)]
#![allow(clippy::doc_markdown)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use agentcore_identity_local::{LocalIdentityService, TrustedIssuer};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Environment variable that may carry the vault key, as the base64 encoding of 32 bytes.
/// The key is never accepted as an argument, where other users could read it in the process
/// list.
const VAULT_KEY_VARIABLE: &str = "AGENTCORE_LOCAL_VAULT_KEY";

/// A development stand-in for Amazon Bedrock AgentCore Identity. Not for production.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serves the data plane and the control plane on one HTTP port.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "\
The vault key is read from <DATA_DIR>/vault.key, created with mode 0600 on first start, unless \
AGENTCORE_LOCAL_VAULT_KEY holds the base64 encoding of 32 bytes.

Point the AWS SDKs and the AWS CLI at the service with
  AWS_ENDPOINT_URL_BEDROCK_AGENTCORE=http://127.0.0.1:8787
  AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL=http://127.0.0.1:8787
  AWS_ENDPOINT_URL_STS=http://127.0.0.1:8787   (for GetWebIdentityToken only)
and any credentials and region.

Log verbosity follows RUST_LOG (default: info).")]
struct ServeArgs {
    /// TCP port to listen on.
    #[arg(long, default_value_t = 8787)]
    port: u16,

    /// Address to listen on. Anything but a loopback address exposes the vault to other hosts.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,

    /// Directory holding the vault database and its key; created when missing.
    #[arg(long, default_value = ".agentcore-local")]
    data_dir: PathBuf,

    /// Issuer of user JWTs to accept, by OpenID discovery URL (ending in
    /// /.well-known/openid-configuration) or by JWKS URL. Repeatable.
    #[arg(long = "trusted-issuer", value_name = "URL")]
    trusted_issuers: Vec<String>,

    /// Lifetime of workload access tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    workload_token_lifetime: u64,

    /// AWS region named in ARNs.
    #[arg(long, default_value = agentcore_identity_local::DEFAULT_REGION)]
    region: String,

    /// Twelve-digit AWS account id named in ARNs.
    #[arg(long, default_value = agentcore_identity_local::DEFAULT_ACCOUNT_ID)]
    account_id: String,

    /// Base URL under which browsers reach the service, for OAuth2 authorization and
    /// callback URLs. Default: http://<host>:<port>.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,

    /// Time a user has to authorize at an OAuth2 provider and the application has to
    /// confirm the session, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    authorization_session_lifetime: u64,

    /// Reject STS GetWebIdentityToken with OutboundWebIdentityFederationDisabledException, as
    /// for an account that has not enabled outbound web identity federation.
    #[arg(long)]
    disable_outbound_web_identity_federation: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let Command::Serve(args) = Cli::parse().command;

    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    match serve(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let mut builder = LocalIdentityService::builder()
        .data_dir(&args.data_dir)
        .listen(SocketAddr::new(args.host, args.port))
        .workload_token_lifetime(Duration::from_secs(args.workload_token_lifetime))
        .region(args.region)
        .account_id(args.account_id)
        .authorization_session_lifetime(Duration::from_secs(args.authorization_session_lifetime))
        .outbound_web_identity_federation(!args.disable_outbound_web_identity_federation);
    if let Some(url) = args.public_url {
        builder = builder.public_url(url);
    }
    if let Some(key) = vault_key_from_environment()? {
        builder = builder.vault_key(key);
    }
    for url in args.trusted_issuers {
        builder = builder.trusted_issuer(TrustedIssuer::from_url(url));
    }

    let service = builder.start().await.map_err(|error| error.to_string())?;
    println!(
        "agentcore-identity-local: a development stand-in for Amazon Bedrock AgentCore Identity, not for production"
    );
    println!(
        "  endpoint (data and control plane): {}",
        service.endpoint()
    );
    println!(
        "  web identity token issuer (STS):   {}",
        service.web_identity_issuer()
    );
    println!(
        "  data directory:                    {}",
        service.data_dir().display()
    );
    println!("Press Ctrl-C to stop.");

    wait_for_stop_signal().await;
    service.shutdown().await;
    Ok(())
}

fn vault_key_from_environment() -> Result<Option<[u8; 32]>, String> {
    let Some(value) = std::env::var_os(VAULT_KEY_VARIABLE) else {
        return Ok(None);
    };
    let invalid =
        || format!("invalid {VAULT_KEY_VARIABLE}: expected the base64 encoding of 32 bytes");
    let text = value.into_string().map_err(|_| invalid())?;
    let bytes = STANDARD.decode(text.trim()).map_err(|_| invalid())?;
    let key = bytes.try_into().map_err(|_| invalid())?;
    Ok(Some(key))
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
