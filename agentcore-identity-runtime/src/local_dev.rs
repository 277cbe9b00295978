//! Local-development setup: a workload identity and user id kept in `.agentcore.json`, in the
//! same format as the Python SDK's file, so both SDKs share one identity in a project.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::client::TARGET;
use crate::{Error, IdentityClient};

/// Contents of `.agentcore.json`. Unknown keys written by other tools are kept.
#[derive(Debug, Default, Serialize, Deserialize)]
struct LocalConfigFile {
    #[serde(skip_serializing_if = "Option::is_none")]
    workload_identity_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(flatten)]
    other: serde_json::Map<String, serde_json::Value>,
}

/// The workload identity and user that local development acts as.
#[derive(Debug, Clone)]
pub(crate) struct LocalIdentity {
    pub(crate) workload_identity_name: String,
    pub(crate) user_id: String,
}

/// Reads `.agentcore.json`, creating the workload identity and user id it lacks, and writes it
/// back. Callers run this once per client, so concurrent first calls create one identity.
pub(crate) async fn load_or_create(client: &IdentityClient) -> Result<LocalIdentity, Error> {
    let settings = client.settings();
    let path = settings.local_config_path.as_path();
    let mut file = read(path)?;

    let workload_identity_name = match file.workload_identity_name.clone() {
        Some(name) => name,
        None => {
            check_endpoints_agree(
                settings.data_plane_endpoint.as_deref(),
                settings.control_plane_endpoint.as_deref(),
            )?;
            let name = format!("workload-{}", short_id());
            client.create_workload_identity(&name, &[]).await?.name
        }
    };
    let user_id = file.user_id.clone().unwrap_or_else(short_id);

    let changed = file.workload_identity_name.as_deref() != Some(workload_identity_name.as_str())
        || file.user_id.as_deref() != Some(user_id.as_str());
    if changed {
        file.workload_identity_name = Some(workload_identity_name.clone());
        file.user_id = Some(user_id.clone());
        write(path, &file)?;
    }
    tracing::info!(
        target: TARGET,
        workload_identity = %workload_identity_name,
        user_id = %user_id,
        file = %path.display(),
        created = changed,
        "using local-development workload identity"
    );
    Ok(LocalIdentity {
        workload_identity_name,
        user_id,
    })
}

fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_owned()
}

fn read(path: &Path) -> Result<LocalConfigFile, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(LocalConfigFile::default());
        }
        Err(error) => return Err(local_config_error("read", path, error)),
    };
    if text.trim().is_empty() {
        return Ok(LocalConfigFile::default());
    }
    serde_json::from_str(&text).map_err(|error| local_config_error("read", path, error))
}

fn write(path: &Path, file: &LocalConfigFile) -> Result<(), Error> {
    let mut text =
        serde_json::to_string_pretty(file).map_err(|e| local_config_error("write", path, e))?;
    text.push('\n');
    std::fs::write(path, text).map_err(|error| local_config_error("write", path, error))
}

fn local_config_error(
    action: &'static str,
    path: &Path,
    source: impl std::error::Error + Send + Sync + 'static,
) -> Error {
    Error::LocalConfig {
        action,
        path: path.to_owned(),
        source: Box::new(source),
    }
}

/// Rejects a local service on one plane and AWS on the other, which would create an identity
/// in one place and ask for its tokens in another.
pub(crate) fn check_endpoints_agree(
    data_plane: Option<&str>,
    control_plane: Option<&str>,
) -> Result<(), Error> {
    if is_local(data_plane) == is_local(control_plane) {
        return Ok(());
    }
    Err(Error::MixedEndpoints {
        data_plane: data_plane.unwrap_or("AWS").to_owned(),
        control_plane: control_plane.unwrap_or("AWS").to_owned(),
    })
}

/// Tells whether an endpoint URL points at this machine.
fn is_local(endpoint: Option<&str>) -> bool {
    let Some(url) = endpoint else { return false };
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_endpoints_are_local() {
        for url in [
            "http://127.0.0.1:8787",
            "http://localhost:1",
            "http://[::1]:9/",
            "http://127.3.4.5",
        ] {
            assert!(is_local(Some(url)), "{url} should be local");
        }
    }

    #[test]
    fn remote_endpoints_are_not_local() {
        let remote = [
            "https://bedrock-agentcore.us-east-1.amazonaws.com",
            "http://10.0.0.1:80",
            "http://localhost.example.com",
        ];
        for url in remote {
            assert!(!is_local(Some(url)), "{url} should not be local");
        }
        assert!(!is_local(None));
    }

    #[test]
    fn mixed_endpoints_are_rejected_both_ways() {
        let local = Some("http://127.0.0.1:1");
        assert!(matches!(
            check_endpoints_agree(local, None),
            Err(Error::MixedEndpoints { .. })
        ));
        assert!(matches!(
            check_endpoints_agree(None, local),
            Err(Error::MixedEndpoints { .. })
        ));
        assert!(check_endpoints_agree(local, local).is_ok());
        assert!(check_endpoints_agree(None, None).is_ok());
    }

    #[test]
    fn config_file_keeps_unknown_keys() {
        let file: LocalConfigFile =
            serde_json::from_str(r#"{"workload_identity_name":"w","user_id":"u","extra":1}"#)
                .unwrap();
        let written = serde_json::to_value(&file).unwrap();
        assert_eq!(written["extra"], 1);
        assert_eq!(written["workload_identity_name"], "w");
    }
}
