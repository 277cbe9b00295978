//! Workload access tokens: JWTs that this service issues and later accepts.
//!
//! A token is signed with HS256 under a random key kept sealed in the vault, names its
//! workload identity (by name and by the identity's random id) and its user, and expires after
//! the configured lifetime. Clients treat it as opaque.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use serde::{Deserialize, Serialize};

use crate::clock::{Clock, unix_seconds};

/// `iss` of every workload access token.
const ISSUER: &str = "agentcore-identity-local";

/// `token_use` of every workload access token, so that no other JWT signed with the same key
/// could pass for one.
const TOKEN_USE: &str = "workload_access";

/// The user a workload access token acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenUser {
    /// `GetWorkloadAccessToken`: the workload acts on its own.
    None,
    /// `GetWorkloadAccessTokenForUserId`.
    UserId(String),
    /// `GetWorkloadAccessTokenForJWT`: the user JWT's issuer and `sub`.
    Jwt { issuer: String, subject: String },
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    /// The workload identity's name.
    sub: String,
    iat: u64,
    exp: u64,
    jti: String,
    token_use: String,
    workload_identity_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_sub: Option<String>,
}

/// A freshly issued token.
pub(crate) struct IssuedToken {
    pub(crate) token: SecretString,
    pub(crate) token_id: String,
    pub(crate) expires_at: SystemTime,
}

/// Claims of a valid token.
#[derive(Debug, Clone)]
pub(crate) struct VerifiedToken {
    pub(crate) workload_name: String,
    pub(crate) workload_identity_id: String,
    pub(crate) user: TokenUser,
    pub(crate) token_id: String,
}

/// Reason a token was rejected, used as the `UnauthorizedException` message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TokenRejection {
    #[error("the workload access token is malformed")]
    Malformed,
    #[error("the workload access token was not issued by this service or was modified")]
    InvalidSignature,
    #[error("the workload access token has expired; request a new one")]
    Expired,
}

/// Issues and verifies workload access tokens.
pub(crate) struct WorkloadTokens {
    encoding_key: EncodingKey,
    decoding_key: DecodingKey,
    lifetime: Duration,
    clock: Arc<dyn Clock>,
}

impl WorkloadTokens {
    pub(crate) fn new(
        signing_key: &SecretSlice<u8>,
        lifetime: Duration,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            encoding_key: EncodingKey::from_secret(signing_key.expose_secret()),
            decoding_key: DecodingKey::from_secret(signing_key.expose_secret()),
            lifetime,
            clock,
        }
    }

    pub(crate) fn issue(
        &self,
        workload_name: &str,
        workload_identity_id: &str,
        user: &TokenUser,
    ) -> IssuedToken {
        let now = self.clock.now();
        let expires_at = now + self.lifetime;
        let token_id = uuid::Uuid::new_v4().to_string();
        let (user_id, user_iss, user_sub) = match user {
            TokenUser::None => (None, None, None),
            TokenUser::UserId(id) => (Some(id.clone()), None, None),
            TokenUser::Jwt { issuer, subject } => {
                (None, Some(issuer.clone()), Some(subject.clone()))
            }
        };
        let claims = Claims {
            iss: ISSUER.to_owned(),
            sub: workload_name.to_owned(),
            iat: unix_seconds(now),
            exp: unix_seconds(expires_at),
            jti: token_id.clone(),
            token_use: TOKEN_USE.to_owned(),
            workload_identity_id: workload_identity_id.to_owned(),
            user_id,
            user_iss,
            user_sub,
        };

        // HS256 signing of serializable claims has no failure mode.
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding_key)
                .expect("HS256 signing of workload token claims succeeds");
        IssuedToken {
            token: token.into(),
            token_id,
            expires_at: UNIX_EPOCH + Duration::from_secs(claims.exp),
        }
    }

    /// Checks the signature, the issuer and the expiry against the service clock.
    pub(crate) fn verify(&self, token: &str) -> Result<VerifiedToken, TokenRejection> {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked below against the injected clock, not the system time.
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();

        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding_key, &validation)
            .map_err(|error| match error.kind() {
                ErrorKind::InvalidSignature => TokenRejection::InvalidSignature,
                _ => TokenRejection::Malformed,
            })?
            .claims;

        if claims.iss != ISSUER || claims.token_use != TOKEN_USE {
            return Err(TokenRejection::InvalidSignature);
        }
        if unix_seconds(self.clock.now()) >= claims.exp {
            return Err(TokenRejection::Expired);
        }

        let user = match (claims.user_id, claims.user_iss, claims.user_sub) {
            (Some(id), None, None) => TokenUser::UserId(id),
            (None, Some(issuer), Some(subject)) => TokenUser::Jwt { issuer, subject },
            (None, None, None) => TokenUser::None,
            _ => return Err(TokenRejection::Malformed),
        };
        Ok(VerifiedToken {
            workload_name: claims.sub,
            workload_identity_id: claims.workload_identity_id,
            user,
            token_id: claims.jti,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn tokens(clock: Arc<ManualClock>) -> WorkloadTokens {
        let key: SecretSlice<u8> = vec![5u8; 32].into();
        WorkloadTokens::new(&key, Duration::from_mins(10), clock)
    }

    #[test]
    fn issued_token_verifies_with_its_user() {
        let tokens = tokens(Arc::new(ManualClock::starting_now()));
        let user = TokenUser::UserId("alice".to_owned());
        let issued = tokens.issue("agent", "id-1", &user);

        let verified = tokens.verify(issued.token.expose_secret()).unwrap();

        assert_eq!(verified.workload_name, "agent");
        assert_eq!(verified.workload_identity_id, "id-1");
        assert_eq!(verified.user, user);
        assert_eq!(verified.token_id, issued.token_id);
    }

    #[test]
    fn token_expires_after_lifetime() {
        let clock = Arc::new(ManualClock::starting_now());
        let tokens = tokens(clock.clone());
        let issued = tokens.issue("agent", "id-1", &TokenUser::None);

        clock.advance(Duration::from_secs(599));
        assert!(tokens.verify(issued.token.expose_secret()).is_ok());

        clock.advance(Duration::from_secs(1));
        let rejection = tokens.verify(issued.token.expose_secret()).unwrap_err();
        assert_eq!(rejection, TokenRejection::Expired);
    }

    #[test]
    fn token_from_other_key_is_rejected() {
        let clock = Arc::new(ManualClock::starting_now());
        let other_key: SecretSlice<u8> = vec![6u8; 32].into();
        let other = WorkloadTokens::new(&other_key, Duration::from_mins(10), clock.clone());
        let issued = other.issue("agent", "id-1", &TokenUser::None);

        let rejection = tokens(clock)
            .verify(issued.token.expose_secret())
            .unwrap_err();

        assert_eq!(rejection, TokenRejection::InvalidSignature);
    }

    #[test]
    fn garbage_token_is_malformed() {
        let tokens = tokens(Arc::new(ManualClock::starting_now()));

        assert_eq!(
            tokens.verify("not-a-jwt").unwrap_err(),
            TokenRejection::Malformed
        );
    }
}
