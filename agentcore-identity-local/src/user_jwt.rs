//! Verification of the user JWTs given to `GetWorkloadAccessTokenForJWT`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, Header, Validation};
use serde_json::{Map, Value};
use tokio::sync::{Mutex, RwLock};

use crate::clock::{Clock, unix_seconds};
use crate::trusted_issuer::{self, IssuerKey, LoadedIssuer};

/// Clock difference tolerated between the identity provider and this service when checking
/// `exp` and `nbf`. The jsonwebtoken crate uses the same default.
const LEEWAY: Duration = Duration::from_mins(1);

/// Shortest time between two key-set refreshes of one issuer, so that tokens with made-up key
/// ids cannot make the service flood the identity provider.
const MIN_REFRESH_INTERVAL: Duration = Duration::from_mins(1);

/// The user a verified JWT names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JwtUser {
    pub(crate) issuer: String,
    pub(crate) subject: String,
}

/// Reason a user JWT was rejected, used as the `UnauthorizedException` message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum UserTokenRejection {
    #[error("the user token is not a well-formed JWT")]
    Malformed,
    #[error("the user token is signed with {0:?}; only asymmetric algorithms are accepted")]
    SymmetricAlgorithm(Algorithm),
    #[error("the user token has no `iss` claim")]
    MissingIssuer,
    #[error(
        "the user token's issuer {0} is not trusted by this service; trust it with `--trusted-issuer` or `trusted_issuer(..)`"
    )]
    UntrustedIssuer(String),
    #[error("the user token's signature does not match any key of a trusted issuer")]
    InvalidSignature,
    #[error("the user token has no `exp` claim")]
    MissingExpiry,
    #[error("the user token has expired")]
    Expired,
    #[error("the user token is not valid yet (`nbf` is in the future)")]
    NotYetValid,
    #[error("the user token has no `sub` claim")]
    MissingSubject,
}

/// The trusted issuers and their current keys.
pub(crate) struct UserTokenVerifier {
    issuers: Vec<IssuerEntry>,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
}

struct IssuerEntry {
    issuer: Option<String>,
    jwks_url: Option<String>,
    keys: RwLock<Arc<Vec<IssuerKey>>>,
    last_refresh: Mutex<Instant>,
}

impl UserTokenVerifier {
    pub(crate) fn new(
        loaded: Vec<LoadedIssuer>,
        http: reqwest::Client,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let issuers = loaded
            .into_iter()
            .map(|issuer| IssuerEntry {
                issuer: issuer.issuer,
                jwks_url: issuer.jwks_url,
                keys: RwLock::new(Arc::new(issuer.keys)),
                last_refresh: Mutex::new(Instant::now()),
            })
            .collect();
        Self {
            issuers,
            http,
            clock,
        }
    }

    /// Verifies `token` against the trusted issuers and returns the user it names.
    pub(crate) async fn verify(&self, token: &str) -> Result<JwtUser, UserTokenRejection> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| UserTokenRejection::Malformed)?;
        if matches!(
            header.alg,
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
        ) {
            return Err(UserTokenRejection::SymmetricAlgorithm(header.alg));
        }

        // The issuer picks the keys, so it is read before the signature is checked; nothing
        // else from the unverified claims is used.
        let unverified = jsonwebtoken::dangerous::insecure_decode::<Map<String, Value>>(token)
            .map_err(|_| UserTokenRejection::Malformed)?;
        let issuer = unverified
            .claims
            .get("iss")
            .and_then(Value::as_str)
            .filter(|issuer| !issuer.is_empty())
            .ok_or(UserTokenRejection::MissingIssuer)?
            .to_owned();

        let candidates: Vec<&IssuerEntry> = self
            .issuers
            .iter()
            .filter(|entry| {
                entry
                    .issuer
                    .as_deref()
                    .is_none_or(|trusted| trusted == issuer)
            })
            .collect();
        if candidates.is_empty() {
            return Err(UserTokenRejection::UntrustedIssuer(issuer));
        }

        let mut claims = None;
        for entry in candidates {
            if let Some(verified) = self.verify_with(entry, token, &header).await {
                claims = Some(verified);
                break;
            }
        }
        let claims = claims.ok_or(UserTokenRejection::InvalidSignature)?;
        self.check_claims(&claims)?;

        let subject = claims
            .get("sub")
            .and_then(Value::as_str)
            .filter(|subject| !subject.is_empty())
            .ok_or(UserTokenRejection::MissingSubject)?;
        Ok(JwtUser {
            issuer,
            subject: subject.to_owned(),
        })
    }

    /// Returns the verified claims when a key of `entry` signed `token`. The key set is fetched
    /// again when the token names a key id the issuer does not have.
    async fn verify_with(
        &self,
        entry: &IssuerEntry,
        token: &str,
        header: &Header,
    ) -> Option<Map<String, Value>> {
        let keys = Arc::clone(&*entry.keys.read().await);
        let known_kid = header
            .kid
            .as_deref()
            .is_none_or(|kid| keys.iter().any(|key| key.key_id.as_deref() == Some(kid)));
        let keys = if known_kid {
            keys
        } else {
            self.refresh(entry).await.unwrap_or(keys)
        };

        keys.iter()
            .filter(|key| header.kid.is_none() || key.key_id == header.kid)
            .filter(|key| key.algorithms.contains(&header.alg))
            .find_map(|key| {
                let mut validation = Validation::new(header.alg);
                // Time claims are checked against the injected clock in `check_claims`.
                validation.validate_exp = false;
                validation.validate_aud = false;
                validation.required_spec_claims.clear();
                jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &validation)
                    .ok()
                    .map(|data| data.claims)
            })
    }

    async fn refresh(&self, entry: &IssuerEntry) -> Option<Arc<Vec<IssuerKey>>> {
        let url = entry.jwks_url.as_deref()?;
        let mut last_refresh = entry.last_refresh.lock().await;
        if last_refresh.elapsed() < MIN_REFRESH_INTERVAL {
            return None;
        }
        *last_refresh = Instant::now();

        match trusted_issuer::fetch_keys(&self.http, url).await {
            Ok(keys) => {
                tracing::debug!(
                    jwks_url = url,
                    keys = keys.len(),
                    "refreshed trusted issuer keys"
                );
                let keys = Arc::new(keys);
                *entry.keys.write().await = Arc::clone(&keys);
                Some(keys)
            }
            Err(error) => {
                tracing::warn!(jwks_url = url, %error, "failed to refresh trusted issuer keys");
                None
            }
        }
    }

    fn check_claims(&self, claims: &Map<String, Value>) -> Result<(), UserTokenRejection> {
        let now = unix_seconds(self.clock.now());
        let leeway = LEEWAY.as_secs();

        let expiry = claims
            .get("exp")
            .and_then(numeric_date)
            .ok_or(UserTokenRejection::MissingExpiry)?;
        if now >= expiry.saturating_add(leeway) {
            return Err(UserTokenRejection::Expired);
        }
        let not_before = claims.get("nbf").and_then(numeric_date);
        if not_before.is_some_and(|not_before| now.saturating_add(leeway) < not_before) {
            return Err(UserTokenRejection::NotYetValid);
        }
        Ok(())
    }
}

/// Reads a JWT NumericDate (seconds since the epoch, possibly fractional), dropping fractions.
fn numeric_date(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
            .map(|seconds| {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let whole = seconds as u64;
                whole
            })
    })
}
