//! STS `GetWebIdentityToken` over the AWS query protocol (`POST /` with a form-encoded body),
//! and the OpenID discovery documents of its issuer.
//!
//! The AWS SDKs reach it through an STS endpoint override (`AWS_ENDPOINT_URL_STS`). Requests
//! need a SigV4 `Authorization` header of the right form, whose signature is not checked, as
//! on the service's other routes.

mod discovery;
mod query;
mod reply;
mod token;

use axum::http::{HeaderMap, header};
use axum::response::Response;
use secrecy::ExposeSecret;

pub(crate) use discovery::{issuer, serve as serve_discovery};
pub(crate) use reply::StsError;
pub(crate) use token::WebIdentityTokens;

use crate::server::AppState;
use query::QueryParameters;

/// The `Version` of the STS API that the SDKs send.
const API_VERSION: &str = "2011-06-15";

/// Actions of the real STS that this service does not serve.
const NOT_SERVED: &[&str] = &[
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "AssumeRoot",
    "DecodeAuthorizationMessage",
    "GetAccessKeyInfo",
    "GetCallerIdentity",
    "GetDelegatedAccessToken",
    "GetFederationToken",
    "GetSessionToken",
];

/// Responds in XML to an STS request whose signature header has been checked.
pub(crate) fn serve(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    request_id: &str,
) -> Response {
    respond(state, headers, body, request_id)
        .unwrap_or_else(|error| error.into_response(request_id))
}

fn respond(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    request_id: &str,
) -> Result<Response, StsError> {
    let parameters = QueryParameters::parse(body);
    let action = parameters
        .get("Action")
        .filter(|action| !action.is_empty())
        .ok_or_else(StsError::missing_action)?;
    let Some(version) = parameters
        .get("Version")
        .filter(|version| !version.is_empty())
    else {
        return Err(StsError::missing_version());
    };
    if version != API_VERSION {
        return Err(StsError::invalid_action(action, version));
    }
    tracing::debug!(action, "received STS query");

    match action {
        "GetWebIdentityToken" => get_web_identity_token(state, headers, &parameters, request_id),
        served_elsewhere if NOT_SERVED.contains(&served_elsewhere) => {
            Err(StsError::unsupported(served_elsewhere))
        }
        unknown => Err(StsError::invalid_action(unknown, version)),
    }
}

/// Signs a token for the caller. A disabled feature is reported before the members are
/// checked, because the account setting rejects every request alike.
fn get_web_identity_token(
    state: &AppState,
    headers: &HeaderMap,
    parameters: &QueryParameters,
    request_id: &str,
) -> Result<Response, StsError> {
    if !state.outbound_web_identity_federation {
        return Err(StsError::federation_disabled());
    }
    let request = query::read_token_request(parameters)?;
    let access_key_id = access_key_id(headers).ok_or_else(|| {
        StsError::incomplete_signature(
            "Authorization header requires a 'Credential' parameter that starts with an access key id",
        )
    })?;

    let issued = state.web_identity_tokens.issue(&request, access_key_id);
    let expiration = aws_smithy_types::DateTime::from(issued.expires_at)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .expect("a token expiry within 3600 s of the clock's time is a valid date");
    tracing::debug!(
        algorithm = request.algorithm.name(),
        audiences = request.audiences.len(),
        tags = request.tags.len(),
        lifetime_secs = request.lifetime.as_secs(),
        %access_key_id,
        "issued web identity token"
    );

    Ok(reply::result_response(
        "GetWebIdentityToken",
        &[
            ("WebIdentityToken", issued.token.expose_secret()),
            ("Expiration", &expiration),
        ],
        request_id,
    ))
}

/// Returns the access key id of the SigV4 header's `Credential=<key id>/<scope>` parameter.
fn access_key_id(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let parameters = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    parameters
        .split(',')
        .find_map(|part| part.trim().strip_prefix("Credential="))
        .and_then(|credential| credential.split('/').next())
        .filter(|key_id| !key_id.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(authorization).unwrap(),
        );
        headers
    }

    #[test]
    fn access_key_id_comes_from_credential_scope() {
        let value = "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20250101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00";

        assert_eq!(access_key_id(&headers(value)), Some("AKIDLOCAL"));
    }

    #[test]
    fn access_key_id_must_not_be_empty() {
        let value = "AWS4-HMAC-SHA256 Credential=/20250101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00";

        assert_eq!(access_key_id(&headers(value)), None);
    }
}
