//! The HTTP server: request ids, the signature check, routing and the request log.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures::FutureExt;
use tracing::Instrument;

use crate::arn::Arns;
use crate::clock::Clock;
use crate::error::{ErrorType, Rejection, ServiceError};
use crate::operations;
use crate::provider_client::ProviderClient;
use crate::routes::{self, Route};
use crate::store::Store;
use crate::sts::{self, StsError, WebIdentityTokens};
use crate::user_jwt::UserTokenVerifier;
use crate::validation::Input;
use crate::workload_token::WorkloadTokens;

/// Header carrying the request id; the Rust SDK and botocore read it case-insensitively.
const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

/// Largest request body read. The largest member, a 131072-character token, fits with room.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Everything the operations share.
pub(crate) struct AppState {
    pub(crate) store: Store,
    pub(crate) tokens: WorkloadTokens,
    pub(crate) user_tokens: UserTokenVerifier,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) arns: Arns,
    pub(crate) vault_created_at_ms: i64,
    pub(crate) providers: ProviderClient,
    /// Base URL of the service as browsers reach it, for authorization and callback URLs.
    pub(crate) public_url: String,
    /// How long an authorization session of the user-federation flow stays open.
    pub(crate) session_lifetime: Duration,
    pub(crate) web_identity_tokens: WebIdentityTokens,
    /// Whether STS `GetWebIdentityToken` issues tokens, as when the account has enabled
    /// outbound web identity federation.
    pub(crate) outbound_web_identity_federation: bool,
}

/// Builds the router: every request, whatever its path, goes through [`handle`], so unknown
/// paths and methods also get an error in the service's shape.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

async fn handle(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let route = routes::resolve(request.method(), request.uri().path());
    let operation = route.operation_name();
    let span = tracing::debug_span!("request", %request_id, operation);

    async move {
        tracing::trace!(method = %request.method(), path = request.uri().path(), "received request");
        // A bug in an operation becomes an InternalServerException instead of a reset
        // connection, which the SDKs would report as a network error.
        let mut response = AssertUnwindSafe(respond(&state, route, request, &request_id))
            .catch_unwind()
            .await
            .unwrap_or_else(|_| {
                tracing::error!("operation panicked");
                let message = "the local identity service failed to handle the request";
                match route {
                    Route::StsQuery => StsError::internal(message).into_response(&request_id),
                    _ => ServiceError::internal(message).into_response(),
                }
            });

        match response.extensions().get::<Rejection>() {
            Some(rejection) => tracing::warn!(
                operation,
                error_type = rejection.error_type,
                status = response.status().as_u16(),
                %request_id,
                detail = %rejection.message,
                "rejected request"
            ),
            None => tracing::debug!(status = response.status().as_u16(), "completed request"),
        }

        let request_id = HeaderValue::from_str(&request_id).expect("a UUID is a valid header value");
        response.headers_mut().insert(REQUEST_ID_HEADER, request_id);
        response
    }
    .instrument(span)
    .await
}

async fn respond(state: &AppState, route: Route, request: Request, request_id: &str) -> Response {
    // Browsers open these pages without a signature, as they do on the real service, and
    // verifiers fetch the issuer's documents without one.
    if let Route::Browser(page) = route {
        let path = request.uri().path().to_owned();
        let query = request.uri().query().map(str::to_owned);
        return operations::serve_browser_page(state, page, &path, query.as_deref()).await;
    }
    if let Route::Discovery(document) = route {
        return sts::serve_discovery(&state.web_identity_tokens, document);
    }
    if route == Route::StsQuery {
        return respond_to_sts(state, request, request_id).await;
    }
    if let Err(error) = check_authorization(request.headers()) {
        return error.into_response();
    }

    let operation = match route {
        Route::Served(operation) => operation,
        Route::NotServed(name) => {
            return ServiceError::new(
                ErrorType::UnsupportedOperation,
                format!("{name} is not supported by the local AgentCore Identity service"),
            )
            .into_response();
        }
        Route::Browser(_) | Route::Discovery(_) | Route::StsQuery => {
            unreachable!("browser pages, discovery documents and STS are served above")
        }
        Route::Unknown => {
            return ServiceError::new(
                ErrorType::UnknownOperation,
                format!(
                    "no AgentCore Identity operation matches {} {}",
                    request.method(),
                    request.uri().path()
                ),
            )
            .into_response();
        }
    };

    let Ok(body) = to_bytes(request.into_body(), MAX_BODY_BYTES).await else {
        return ServiceError::cannot_parse(format!(
            "request body could not be read or is larger than {MAX_BODY_BYTES} bytes"
        ))
        .into_response();
    };
    let input = match Input::parse(&body) {
        Ok(input) => input,
        Err(error) => return error.into_response(),
    };

    match operations::dispatch(state, operation, input).await {
        Ok(reply) => reply.into_response(),
        Err(error) => error.into_response(),
    }
}

/// Responds to an STS request in the XML shape of the query protocol, errors included.
async fn respond_to_sts(state: &AppState, request: Request, request_id: &str) -> Response {
    if let Err(error) = check_authorization(request.headers()) {
        return StsError::from_signature(&error).into_response(request_id);
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY_BYTES).await else {
        return StsError::validation(&[format!(
            "request body could not be read or is larger than {MAX_BODY_BYTES} bytes"
        )])
        .into_response(request_id);
    };
    sts::serve(state, &parts.headers, &body, request_id)
}

/// Requires a SigV4 `Authorization` header without checking the signature: any credentials
/// work against the local service, but a request that no AWS SDK would send is rejected
/// with the errors AWS returns for it.
fn check_authorization(headers: &HeaderMap) -> Result<(), ServiceError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ServiceError::new(
            ErrorType::MissingAuthenticationToken,
            "Missing Authentication Token: sign the request with AWS Signature Version 4 (any credentials are accepted)",
        ));
    };

    let incomplete = |message: &str| ServiceError::new(ErrorType::IncompleteSignature, message);
    let value = value
        .to_str()
        .map_err(|_| incomplete("Authorization header is not valid ASCII"))?;
    let Some(parameters) = value.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return Err(incomplete(
            "Authorization header requires the AWS4-HMAC-SHA256 algorithm",
        ));
    };

    let missing: Vec<&str> = ["Credential", "SignedHeaders", "Signature"]
        .into_iter()
        .filter(|name| {
            !parameters
                .split(',')
                .any(|part| part.trim().starts_with(&format!("{name}=")))
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        let message = missing
            .iter()
            .map(|name| format!("Authorization header requires '{name}' parameter."))
            .collect::<Vec<_>>()
            .join(" ");
        Err(incomplete(&message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(authorization: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = authorization {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn authorization_accepts_any_sigv4_signature() {
        let value = "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/bedrock-agentcore/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

        assert!(check_authorization(&headers(Some(value))).is_ok());
    }

    #[test]
    fn authorization_missing_is_rejected() {
        let error = check_authorization(&headers(None)).unwrap_err();

        assert_eq!(error.error_type(), ErrorType::MissingAuthenticationToken);
    }

    #[test]
    fn authorization_other_scheme_is_rejected() {
        let error = check_authorization(&headers(Some("Bearer abc"))).unwrap_err();

        assert_eq!(error.error_type(), ErrorType::IncompleteSignature);
    }

    #[test]
    fn authorization_without_signature_is_rejected() {
        let value = "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/bedrock-agentcore/aws4_request, SignedHeaders=host";
        let error = check_authorization(&headers(Some(value))).unwrap_err();

        assert_eq!(error.error_type(), ErrorType::IncompleteSignature);
        assert!(error.message().contains("'Signature'"));
    }
}
