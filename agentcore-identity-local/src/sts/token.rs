//! Web identity tokens: JWTs that the service signs for the caller of `GetWebIdentityToken`.
//!
//! The service keeps one private key per algorithm (ES384 on P-384, RS256 on a 2048-bit RSA
//! key), created on first start and sealed in the vault, so the published key set stays the
//! same across restarts. Each key's `kid` is its RFC 7638 thumbprint.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use serde::Serialize;

use crate::arn::Arns;
use crate::clock::{Clock, unix_millis, unix_seconds};
use crate::store::{Store, StoreError};

/// Claim under which the real service nests the AWS-specific claims, request tags included, as
/// the IAM User Guide's "Understanding token claims" page shows.
pub(crate) const AWS_CLAIMS_NAMESPACE: &str = "https://sts.amazonaws.com/";

/// A `SigningAlgorithm` that `GetWebIdentityToken` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SigningAlgorithm {
    /// ECDSA on P-384 with SHA-384.
    Es384,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
}

impl SigningAlgorithm {
    pub(crate) const ALL: [Self; 2] = [Self::Es384, Self::Rs256];

    /// Returns the JOSE name, which is also the request's value.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Es384 => "ES384",
            Self::Rs256 => "RS256",
        }
    }

    /// Finds the algorithm by its exact JOSE name.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|algorithm| algorithm.name() == name)
    }

    fn jose(self) -> Algorithm {
        match self {
            Self::Es384 => Algorithm::ES384,
            Self::Rs256 => Algorithm::RS256,
        }
    }

    /// Returns the function that generates a new private key as a PKCS#8 document.
    fn generator(self) -> fn() -> SecretSlice<u8> {
        match self {
            Self::Es384 => generate_es384,
            Self::Rs256 => generate_rs256,
        }
    }

    /// Reads a PKCS#8 private key in the form jsonwebtoken signs with.
    fn encoding_key(self, pkcs8: &SecretSlice<u8>) -> Result<EncodingKey, StoreError> {
        match self {
            Self::Es384 => Ok(EncodingKey::from_ec_der(pkcs8.expose_secret())),
            // jsonwebtoken signs RSA with a PKCS#1 key, which it extracts from PKCS#8 only
            // when the document comes as PEM.
            Self::Rs256 => {
                let pem = SecretString::from(pkcs8_pem(pkcs8.expose_secret()));
                EncodingKey::from_rsa_pem(pem.expose_secret().as_bytes()).map_err(|error| {
                    StoreError::Corrupt(format!("stored RS256 web identity key: {error}"))
                })
            }
        }
    }
}

// aws-lc-rs fails to generate a key only when the system's random number generator fails.
fn generate_es384() -> SecretSlice<u8> {
    let key = EcdsaKeyPair::generate(&ECDSA_P384_SHA384_FIXED_SIGNING)
        .expect("P-384 key generation succeeds");
    let pkcs8 = key.to_pkcs8v1().expect("P-384 key encodes as PKCS#8");
    pkcs8.as_ref().to_vec().into()
}

fn generate_rs256() -> SecretSlice<u8> {
    let key = RsaKeyPair::generate(KeySize::Rsa2048).expect("RSA key generation succeeds");
    let pkcs8 = key.as_der().expect("RSA key encodes as PKCS#8");
    pkcs8.as_ref().to_vec().into()
}

fn pkcs8_pem(der: &[u8]) -> String {
    let base64 = STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for line in base64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    pem
}

struct SigningKey {
    algorithm: SigningAlgorithm,
    kid: String,
    encoding_key: EncodingKey,
}

/// Members of a validated `GetWebIdentityToken` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenRequest {
    pub(crate) audiences: Vec<String>,
    pub(crate) algorithm: SigningAlgorithm,
    pub(crate) lifetime: Duration,
    pub(crate) tags: Vec<(String, String)>,
}

/// A freshly signed token and the time it expires, in whole seconds.
pub(crate) struct IssuedToken {
    pub(crate) token: SecretString,
    pub(crate) expires_at: SystemTime,
}

/// `aud` is a string for one audience and an array for several, as RFC 7519 allows.
#[derive(Serialize)]
#[serde(untagged)]
enum Audience<'a> {
    One(&'a str),
    Many(&'a [String]),
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: Audience<'a>,
    iat: u64,
    exp: u64,
    jti: String,
    #[serde(rename = "https://sts.amazonaws.com/")]
    aws: AwsClaims<'a>,
}

#[derive(Serialize)]
struct AwsClaims<'a> {
    aws_account: &'a str,
    source_region: &'a str,
    principal_id: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    request_tags: BTreeMap<&'a str, &'a str>,
}

/// Signs web identity tokens and publishes the keys that verify them.
pub(crate) struct WebIdentityTokens {
    issuer: String,
    keys: Vec<SigningKey>,
    jwks: JwkSet,
    arns: Arns,
    clock: Arc<dyn Clock>,
}

impl WebIdentityTokens {
    /// Opens the signing keys kept in the vault, creating those that are missing.
    pub(crate) async fn load(
        store: &Store,
        issuer: String,
        arns: Arns,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        let mut keys = Vec::with_capacity(SigningAlgorithm::ALL.len());
        let mut jwks = Vec::with_capacity(SigningAlgorithm::ALL.len());
        for algorithm in SigningAlgorithm::ALL {
            let pkcs8 = store
                .web_identity_key(
                    algorithm.name(),
                    algorithm.generator(),
                    unix_millis(clock.now()),
                )
                .await?;
            let encoding_key = algorithm.encoding_key(&pkcs8)?;
            let mut jwk =
                Jwk::from_encoding_key(&encoding_key, algorithm.jose()).map_err(|error| {
                    StoreError::Corrupt(format!(
                        "stored {} web identity key: {error}",
                        algorithm.name()
                    ))
                })?;
            let kid = jwk.thumbprint(ThumbprintHash::SHA256);
            jwk.common.key_id = Some(kid.clone());
            jwk.common.public_key_use = Some(PublicKeyUse::Signature);
            jwks.push(jwk);
            keys.push(SigningKey {
                algorithm,
                kid,
                encoding_key,
            });
        }
        Ok(Self {
            issuer,
            keys,
            jwks: JwkSet { keys: jwks },
            arns,
            clock,
        })
    }

    /// Returns the `iss` of every token, under which the discovery document is served.
    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Returns the public keys of both algorithms, with their `kid`, `alg` and `use`.
    pub(crate) fn jwks(&self) -> &JwkSet {
        &self.jwks
    }

    /// Signs a token for the caller whose SigV4 credential names `access_key_id`.
    pub(crate) fn issue(&self, request: &TokenRequest, access_key_id: &str) -> IssuedToken {
        let key = self
            .keys
            .iter()
            .find(|key| key.algorithm == request.algorithm)
            .expect("a key is loaded for every algorithm");
        let now = unix_seconds(self.clock.now());
        let expires_at = now + request.lifetime.as_secs();

        // NOTE: the real service names the caller's actual principal, such as the role of an
        // assumed-role session. Without IAM, the local service approximates it as an IAM user
        // named after the access key id.
        let subject = self.arns.iam_user(access_key_id);
        let audience = match request.audiences.as_slice() {
            [one] => Audience::One(one),
            many => Audience::Many(many),
        };
        let claims = Claims {
            iss: &self.issuer,
            sub: &subject,
            aud: audience,
            iat: now,
            exp: expires_at,
            jti: uuid::Uuid::new_v4().to_string(),
            aws: AwsClaims {
                aws_account: self.arns.account_id(),
                source_region: self.arns.region(),
                principal_id: &subject,
                request_tags: request
                    .tags
                    .iter()
                    .map(|(key, value)| (key.as_str(), value.as_str()))
                    .collect(),
            },
        };

        let mut header = Header::new(key.algorithm.jose());
        header.kid = Some(key.kid.clone());
        // The key was parsed at load time, and signing with a valid key does not fail.
        let token = jsonwebtoken::encode(&header, &claims, &key.encoding_key)
            .expect("signing with a loaded key succeeds");
        IssuedToken {
            token: token.into(),
            expires_at: SystemTime::UNIX_EPOCH + Duration::from_secs(expires_at),
        }
    }
}
