//! AWS-signed JWTs from STS `GetWebIdentityToken`, for services that trust the account's issuer.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;
use std::time::Duration;

use secrecy::SecretString;
use tracing::Instrument;

use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_sdk_sts::types::Tag;

use crate::client::TARGET;
use crate::{Error, IdentityClient, dispatch};

/// Error code STS returns when the account has not enabled outbound web identity federation.
pub const FEDERATION_DISABLED_CODE: &str = "OutboundWebIdentityFederationDisabledException";

/// Lifetimes STS accepts for a web identity token, in seconds.
pub const IAM_TOKEN_LIFETIME_SECONDS: RangeInclusive<u32> = 60..=3600;

/// Algorithm STS signs the web identity token with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SigningAlgorithm {
    /// ECDSA with P-384 and SHA-384, the default.
    #[default]
    Es384,
    /// RSASSA-PKCS1-v1_5 with SHA-256, for verifiers without ECDSA support.
    Rs256,
}

impl SigningAlgorithm {
    /// Returns the JOSE name of the algorithm, such as `ES384`.
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlgorithm::Es384 => "ES384",
            SigningAlgorithm::Rs256 => "RS256",
        }
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request for an IAM access token: audiences, algorithm, lifetime and tags of the token.
///
/// ```
/// use std::time::Duration;
/// use agentcore_identity_runtime::{IamTokenRequest, SigningAlgorithm};
///
/// let request = IamTokenRequest::new(["https://api.partner.example"])
///     .signing_algorithm(SigningAlgorithm::Rs256)
///     .lifetime(Duration::from_secs(900))
///     .tag("team", "payments");
/// assert!(request.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamTokenRequest {
    audiences: Vec<String>,
    algorithm: SigningAlgorithm,
    lifetime: Duration,
    tags: BTreeMap<String, String>,
}

impl IamTokenRequest {
    /// Starts a request for a token valid for `audiences`, signed with ES384, for 300 seconds.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(audiences: I) -> Self {
        IamTokenRequest {
            audiences: audiences.into_iter().map(Into::into).collect(),
            algorithm: SigningAlgorithm::default(),
            lifetime: Duration::from_secs(300),
            tags: BTreeMap::new(),
        }
    }

    /// Sets the signing algorithm. Default: ES384.
    pub fn signing_algorithm(mut self, algorithm: SigningAlgorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Sets the token's lifetime, 60 to 3600 seconds. Default: 300 seconds.
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Adds a tag, which STS turns into a claim of the token. Default: none.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Checks the request before anything is sent.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] for no audience or a lifetime outside 60 to 3600 seconds.
    pub fn validate(&self) -> Result<(), Error> {
        if self.audiences.is_empty() || self.audiences.iter().any(String::is_empty) {
            return Err(Error::InvalidConfig {
                message: "an IAM access token needs at least one non-empty audience".to_owned(),
            });
        }
        let seconds = self.lifetime.as_secs();
        let whole = self.lifetime.subsec_nanos() == 0;
        if !whole || !u32::try_from(seconds).is_ok_and(|s| IAM_TOKEN_LIFETIME_SECONDS.contains(&s))
        {
            return Err(Error::InvalidConfig {
                message: format!(
                    "invalid IAM access token lifetime {:?}: expected whole seconds from 60 to 3600",
                    self.lifetime
                ),
            });
        }
        Ok(())
    }
}

impl IdentityClient {
    /// Gets a JWT signed by AWS for the caller's IAM principal, through STS
    /// `GetWebIdentityToken`, with the region and credentials of this client.
    ///
    /// ```no_run
    /// use agentcore_identity_runtime::{IamTokenRequest, IdentityClient};
    ///
    /// # async fn demo(client: IdentityClient) -> Result<(), agentcore_identity_runtime::Error> {
    /// let token = client
    ///     .iam_access_token(&IamTokenRequest::new(["https://api.partner.example"]))
    ///     .await?;
    /// # let _ = token;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] for an invalid request,
    /// [`Error::OutboundWebIdentityFederationDisabled`] when the account has not enabled the
    /// feature, other STS errors as [`Error::Service`].
    pub async fn iam_access_token(&self, request: &IamTokenRequest) -> Result<SecretString, Error> {
        request.validate()?;
        let mut call = self
            .sts()
            .get_web_identity_token()
            .set_audience(Some(request.audiences.clone()))
            .signing_algorithm(request.algorithm.as_str())
            .duration_seconds(i32::try_from(request.lifetime.as_secs()).unwrap_or(i32::MAX));
        for (key, value) in &request.tags {
            let tag = Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(|error| Error::InvalidConfig {
                    message: format!("invalid IAM access token tag `{key}`: {error}"),
                })?;
            call = call.tags(tag);
        }
        let span = tracing::debug_span!(target: TARGET, "agentcore_identity_call", operation = "GetWebIdentityToken", algorithm = %request.algorithm);
        dispatch::run("GetWebIdentityToken", async move {
            let output = call.send().await.map_err(|error| {
                if error.code() == Some(FEDERATION_DISABLED_CODE) {
                    Error::OutboundWebIdentityFederationDisabled {
                        message: error.message().unwrap_or_default().to_owned(),
                    }
                } else {
                    Error::from_sdk("GetWebIdentityToken", error)
                }
            })?;
            let token = output
                .web_identity_token()
                .ok_or(Error::MissingResponseMember {
                    operation: "GetWebIdentityToken",
                    member: "WebIdentityToken",
                })?;
            Ok(SecretString::from(token.to_owned()))
        })
        .instrument(span)
        .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetime_limits_are_inclusive() {
        for seconds in [60, 300, 3600] {
            let request = IamTokenRequest::new(["a"]).lifetime(Duration::from_secs(seconds));
            assert!(request.validate().is_ok(), "{seconds} s should be accepted");
        }
        for seconds in [0, 59, 3601, u64::MAX] {
            let request = IamTokenRequest::new(["a"]).lifetime(Duration::from_secs(seconds));
            assert!(
                request.validate().is_err(),
                "{seconds} s should be rejected"
            );
        }
        let fractional = IamTokenRequest::new(["a"]).lifetime(Duration::from_millis(60_500));
        assert!(fractional.validate().is_err());
    }

    #[test]
    fn audiences_must_be_present() {
        assert!(
            IamTokenRequest::new(Vec::<String>::new())
                .validate()
                .is_err()
        );
        assert!(IamTokenRequest::new([""]).validate().is_err());
    }
}
