//! Issuers of user JWTs that `GetWorkloadAccessTokenForJWT` accepts, and their signing keys.

use std::time::Duration;

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;
use serde_json::Value;

use crate::start_error::{BoxError, StartError};

/// Time allowed for each discovery or JWKS request.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// An identity provider whose JWTs the service accepts as user tokens.
///
/// The service checks a user JWT's signature with the issuer's keys, and checks its `exp` and
/// `nbf` claims. The user it names is the pair of the JWT's `iss` and `sub`.
///
/// ```
/// use agentcore_identity_local::TrustedIssuer;
///
/// let cognito = TrustedIssuer::discovery_url(
///     "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example/.well-known/openid-configuration",
/// );
/// let keys_only = TrustedIssuer::jwks_url("http://127.0.0.1:9000/jwks.json");
/// let in_memory = TrustedIssuer::jwks(
///     "https://issuer.test",
///     serde_json::json!({ "keys": [] }),
/// );
/// # let _ = (cognito, keys_only, in_memory);
/// ```
#[derive(Debug, Clone)]
pub struct TrustedIssuer {
    source: IssuerSource,
}

#[derive(Debug, Clone)]
enum IssuerSource {
    Discovery { url: String },
    JwksUrl { url: String },
    Jwks { issuer: String, jwks: Value },
}

impl TrustedIssuer {
    /// Trusts the issuer described by an OpenID Connect discovery document, such as
    /// `https://idp.example.com/.well-known/openid-configuration`.
    ///
    /// The service fetches the document and the key set it points to (`jwks_uri`) at start-up;
    /// tokens must carry the document's `issuer` as `iss`.
    pub fn discovery_url(url: impl Into<String>) -> Self {
        Self {
            source: IssuerSource::Discovery { url: url.into() },
        }
    }

    /// Trusts every token signed by a key of the JSON Web Key Set at `url`.
    ///
    /// The set names no issuer, so any `iss` is accepted from tokens signed by these keys, and
    /// tokens without `iss` are rejected.
    pub fn jwks_url(url: impl Into<String>) -> Self {
        Self {
            source: IssuerSource::JwksUrl { url: url.into() },
        }
    }

    /// Trusts tokens with `iss` equal to `issuer` that are signed by a key of `jwks`, a JSON
    /// Web Key Set given in memory (`{"keys": [...]}`), as tests do.
    pub fn jwks(issuer: impl Into<String>, jwks: Value) -> Self {
        Self {
            source: IssuerSource::Jwks {
                issuer: issuer.into(),
                jwks,
            },
        }
    }

    /// Reads a command-line value: a URL whose path ends in
    /// `/.well-known/openid-configuration` or `/.well-known/oauth-authorization-server` is a
    /// discovery URL, any other URL a JWKS URL.
    pub fn from_url(url: impl Into<String>) -> Self {
        let url = url.into();
        let path = url.split(['?', '#']).next().unwrap_or_default();
        if path.ends_with("/.well-known/openid-configuration")
            || path.ends_with("/.well-known/oauth-authorization-server")
        {
            Self::discovery_url(url)
        } else {
            Self::jwks_url(url)
        }
    }

    /// Returns the URL or issuer that identifies this entry in messages.
    pub(crate) fn location(&self) -> &str {
        match &self.source {
            IssuerSource::Discovery { url } | IssuerSource::JwksUrl { url } => url,
            IssuerSource::Jwks { issuer, .. } => issuer,
        }
    }
}

/// A public key of a trusted issuer, with the algorithms it may verify.
pub(crate) struct IssuerKey {
    pub(crate) key_id: Option<String>,
    pub(crate) algorithms: Vec<Algorithm>,
    pub(crate) key: DecodingKey,
}

/// A trusted issuer after loading.
pub(crate) struct LoadedIssuer {
    /// `None` for a bare JWKS URL, which accepts any `iss`.
    pub(crate) issuer: Option<String>,
    /// URL of the key set, fetched again when a token names an unknown key id.
    pub(crate) jwks_url: Option<String>,
    pub(crate) keys: Vec<IssuerKey>,
}

#[derive(Deserialize)]
struct DiscoveryDocument {
    issuer: String,
    jwks_uri: String,
}

/// Builds the HTTP client used for discovery and key sets.
pub(crate) fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .build()
        .expect("HTTP client configuration is valid")
}

/// Loads the issuer's keys, fetching its discovery document and key set when configured by
/// URL.
pub(crate) async fn load(
    trusted: &TrustedIssuer,
    http: &reqwest::Client,
) -> Result<LoadedIssuer, StartError> {
    let fail = |source: BoxError| StartError::TrustedIssuer {
        location: trusted.location().to_owned(),
        source,
    };

    match &trusted.source {
        IssuerSource::Discovery { url } => {
            let document: DiscoveryDocument = fetch_json(http, url).await.map_err(fail)?;
            let keys = fetch_keys(http, &document.jwks_uri).await.map_err(fail)?;
            Ok(LoadedIssuer {
                issuer: Some(document.issuer),
                jwks_url: Some(document.jwks_uri),
                keys,
            })
        }
        IssuerSource::JwksUrl { url } => Ok(LoadedIssuer {
            issuer: None,
            jwks_url: Some(url.clone()),
            keys: fetch_keys(http, url).await.map_err(fail)?,
        }),
        IssuerSource::Jwks { issuer, jwks } => Ok(LoadedIssuer {
            issuer: Some(issuer.clone()),
            jwks_url: None,
            keys: parse_key_set(jwks).map_err(fail)?,
        }),
    }
}

/// Fetches and parses the key set at `url`.
pub(crate) async fn fetch_keys(
    http: &reqwest::Client,
    url: &str,
) -> Result<Vec<IssuerKey>, BoxError> {
    let jwks: Value = fetch_json(http, url).await?;
    parse_key_set(&jwks)
}

async fn fetch_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
) -> Result<T, BoxError> {
    let response = http.get(url).send().await?.error_for_status()?;
    Ok(response.json().await?)
}

/// Parses a JSON Web Key Set, keeping the signing keys this service can use and skipping the
/// rest (encryption keys, symmetric keys, unsupported curves).
fn parse_key_set(jwks: &Value) -> Result<Vec<IssuerKey>, BoxError> {
    let entries = jwks
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("key set has no `keys` array")?;

    let mut keys = Vec::new();
    for entry in entries {
        match parse_key(entry) {
            Some(key) => keys.push(key),
            None => tracing::debug!(
                kid = entry.get("kid").and_then(serde_json::Value::as_str),
                "skipped a key that cannot verify JWT signatures"
            ),
        }
    }
    Ok(keys)
}

fn parse_key(entry: &Value) -> Option<IssuerKey> {
    let jwk: Jwk = serde_json::from_value(entry.clone()).ok()?;
    let usage = jwk.common.public_key_use.as_ref();
    if usage.is_some_and(|usage| *usage != PublicKeyUse::Signature) {
        return None;
    }

    let family_algorithms = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => vec![
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
            Algorithm::PS512,
        ],
        AlgorithmParameters::EllipticCurve(params) => match params.curve {
            EllipticCurve::P256 => vec![Algorithm::ES256],
            EllipticCurve::P384 => vec![Algorithm::ES384],
            _ => return None,
        },
        AlgorithmParameters::OctetKeyPair(_) => vec![Algorithm::EdDSA],
        // A symmetric key would let anyone who can read the key set forge tokens.
        AlgorithmParameters::OctetKey(_) => return None,
    };

    // A key that names its algorithm verifies only that one.
    let algorithms = match jwk.common.key_algorithm {
        Some(named) => {
            let named: Algorithm = named.to_string().parse().ok()?;
            if !family_algorithms.contains(&named) {
                return None;
            }
            vec![named]
        }
        None => family_algorithms,
    };

    Some(IssuerKey {
        key_id: jwk.common.key_id.clone(),
        algorithms,
        key: DecodingKey::from_jwk(&jwk).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_url_detects_discovery_document() {
        let issuer = TrustedIssuer::from_url("http://127.0.0.1:1/.well-known/openid-configuration");

        assert!(matches!(issuer.source, IssuerSource::Discovery { .. }));
    }

    #[test]
    fn from_url_treats_other_urls_as_key_sets() {
        let issuer = TrustedIssuer::from_url("http://127.0.0.1:1/keys");

        assert!(matches!(issuer.source, IssuerSource::JwksUrl { .. }));
    }

    #[test]
    fn key_set_skips_symmetric_and_encryption_keys() {
        let jwks = serde_json::json!({ "keys": [
            { "kty": "oct", "k": "c2VjcmV0", "kid": "hmac" },
            { "kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB", "kid": "enc" },
            { "kty": "weird", "kid": "unknown" },
        ]});

        assert!(parse_key_set(&jwks).unwrap().is_empty());
    }

    #[test]
    fn key_set_without_keys_array_is_rejected() {
        assert!(parse_key_set(&serde_json::json!({ "issuer": "x" })).is_err());
    }
}
