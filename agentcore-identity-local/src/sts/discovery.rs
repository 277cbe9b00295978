//! The issuer's OpenID discovery document and key set, which a service that receives a web
//! identity token fetches to verify it. Both are unsigned `GET` requests, and both stay served
//! while outbound web identity federation is disabled, so tokens issued earlier still verify.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::token::{AWS_CLAIMS_NAMESPACE, SigningAlgorithm, WebIdentityTokens};
use crate::routes::{DiscoveryDocument, JWKS_PATH, WEB_IDENTITY_ISSUER_PATH};

#[derive(Serialize)]
struct OpenIdConfiguration<'a> {
    issuer: &'a str,
    jwks_uri: String,
    response_types_supported: [&'static str; 1],
    subject_types_supported: [&'static str; 1],
    id_token_signing_alg_values_supported: Vec<&'static str>,
    claims_supported: [&'static str; 7],
}

/// Returns the issuer URL for the service's public base URL.
pub(crate) fn issuer(public_url: &str) -> String {
    format!("{public_url}{WEB_IDENTITY_ISSUER_PATH}")
}

/// Serves `document` as JSON.
pub(crate) fn serve(tokens: &WebIdentityTokens, document: DiscoveryDocument) -> Response {
    let body = match document {
        DiscoveryDocument::OpenIdConfiguration => {
            let issuer = tokens.issuer();
            // The issuer is `<public URL>/sts`, so the key set sits next to this document.
            let base = issuer
                .strip_suffix(WEB_IDENTITY_ISSUER_PATH)
                .unwrap_or(issuer);
            serde_json::to_vec(&OpenIdConfiguration {
                issuer,
                jwks_uri: format!("{base}{JWKS_PATH}"),
                response_types_supported: ["id_token"],
                subject_types_supported: ["public"],
                id_token_signing_alg_values_supported: SigningAlgorithm::ALL
                    .iter()
                    .map(|algorithm| algorithm.name())
                    .collect(),
                claims_supported: [
                    "iss",
                    "sub",
                    "aud",
                    "iat",
                    "exp",
                    "jti",
                    AWS_CLAIMS_NAMESPACE,
                ],
            })
        }
        DiscoveryDocument::Jwks => serde_json::to_vec(tokens.jwks()),
    };
    let body = body.expect("discovery documents serialize to JSON");

    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
