//! Errors in the service's wire shape.
//!
//! Every rejection carries the modelled HTTP status, the header `x-amzn-errortype: <Type>` and
//! the body `{"__type": "<Type>", "message": "..."}`; a `ValidationException` adds `reason` and
//! `fieldList`. The Rust SDK and botocore both read the type from the header first, and read
//! `message` in lowercase.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

/// Header naming the error type, read first by both the Rust SDK and botocore.
pub(crate) const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";

/// The error types this service sends, with their HTTP statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorType {
    Validation,
    Unauthorized,
    AccessDenied,
    ResourceNotFound,
    Conflict,
    InternalServer,
    DecryptionFailure,
    /// The request has no `Authorization` header. AWS lists this as the common error
    /// `MissingAuthenticationToken` (HTTP 403); JSON protocols send it with the `Exception`
    /// suffix.
    MissingAuthenticationToken,
    /// The `Authorization` header is not of the `AWS4-HMAC-SHA256` form. AWS lists this as the
    /// common error `IncompleteSignature` (HTTP 400).
    IncompleteSignature,
    /// The operation exists in AgentCore Identity but this service does not implement it.
    /// HTTP 501, which neither the AWS SDK for Rust nor botocore retries (both retry 500, 502,
    /// 503 and 504).
    UnsupportedOperation,
    /// No AgentCore Identity operation has this method and path.
    UnknownOperation,
}

impl ErrorType {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Validation => "ValidationException",
            Self::Unauthorized => "UnauthorizedException",
            Self::AccessDenied => "AccessDeniedException",
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::Conflict => "ConflictException",
            Self::InternalServer => "InternalServerException",
            Self::DecryptionFailure => "DecryptionFailure",
            Self::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            Self::IncompleteSignature => "IncompleteSignatureException",
            Self::UnsupportedOperation => "UnsupportedOperationException",
            Self::UnknownOperation => "UnknownOperationException",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::Validation | Self::DecryptionFailure | Self::IncompleteSignature => {
                StatusCode::BAD_REQUEST
            }
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::AccessDenied | Self::MissingAuthenticationToken => StatusCode::FORBIDDEN,
            Self::ResourceNotFound | Self::UnknownOperation => StatusCode::NOT_FOUND,
            Self::Conflict => StatusCode::CONFLICT,
            Self::InternalServer => StatusCode::INTERNAL_SERVER_ERROR,
            Self::UnsupportedOperation => StatusCode::NOT_IMPLEMENTED,
        }
    }
}

/// The `reason` member of a `ValidationException`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum ValidationReason {
    CannotParse,
    FieldValidationFailed,
}

/// One entry of a `ValidationException`'s `fieldList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FieldError {
    pub(crate) name: String,
    pub(crate) message: String,
}

/// A rejected request, rendered in the service's error shape.
#[derive(Debug)]
pub(crate) struct ServiceError {
    error_type: ErrorType,
    message: String,
    validation: Option<(ValidationReason, Vec<FieldError>)>,
}

/// Error type and message of a rejection, left on the response for the request log.
#[derive(Debug, Clone)]
pub(crate) struct Rejection {
    pub(crate) error_type: &'static str,
    pub(crate) message: String,
}

impl ServiceError {
    pub(crate) fn new(error_type: ErrorType, message: impl Into<String>) -> Self {
        Self {
            error_type,
            message: message.into(),
            validation: None,
        }
    }

    /// Creates a `ValidationException` with reason `CannotParse`.
    pub(crate) fn cannot_parse(message: impl Into<String>) -> Self {
        let mut error = Self::new(ErrorType::Validation, message);
        error.validation = Some((ValidationReason::CannotParse, Vec::new()));
        error
    }

    /// Creates a `ValidationException` with reason `FieldValidationFailed` listing `fields`.
    pub(crate) fn field_validation(fields: Vec<FieldError>) -> Self {
        let count = fields.len();
        let noun = if count == 1 { "error" } else { "errors" };
        let details = fields
            .iter()
            .map(|field| field.message.clone())
            .collect::<Vec<_>>()
            .join("; ");
        let mut error = Self::new(
            ErrorType::Validation,
            format!("{count} validation {noun} detected: {details}"),
        );
        error.validation = Some((ValidationReason::FieldValidationFailed, fields));
        error
    }

    /// Creates a `ValidationException` with reason `FieldValidationFailed` for one member,
    /// for a violation found after the request was parsed.
    pub(crate) fn invalid_field(name: &str, message: impl Into<String>) -> Self {
        Self::field_validation(vec![FieldError {
            name: name.to_owned(),
            message: message.into(),
        }])
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorType::ResourceNotFound, message)
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorType::Conflict, message)
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorType::Unauthorized, message)
    }

    pub(crate) fn access_denied(message: impl Into<String>) -> Self {
        Self::new(ErrorType::AccessDenied, message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorType::InternalServer, message)
    }

    pub(crate) fn error_type(&self) -> ErrorType {
        self.error_type
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// Maps a storage failure on the control plane, where the model has `DecryptionFailure`.
    pub(crate) fn from_control_store(error: StoreError) -> Self {
        match error {
            StoreError::Decrypt(_) => Self::new(ErrorType::DecryptionFailure, error.to_string()),
            other => Self::from(other),
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "vault storage failed");
        Self::internal(format!("the local vault failed: {error}"))
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(rename = "__type")]
    error_type: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<ValidationReason>,
    #[serde(rename = "fieldList", skip_serializing_if = "Option::is_none")]
    field_list: Option<&'a [FieldError]>,
}

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        let type_name = self.error_type.name();
        let (reason, field_list) = match &self.validation {
            Some((reason, fields)) if fields.is_empty() => (Some(*reason), None),
            Some((reason, fields)) => (Some(*reason), Some(fields.as_slice())),
            None => (None, None),
        };
        let body = ErrorBody {
            error_type: type_name,
            message: &self.message,
            reason,
            field_list,
        };
        let body = serde_json::to_vec(&body).expect("error body serializes to JSON");

        let mut response = (self.error_type.status(), body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(ERROR_TYPE_HEADER, HeaderValue::from_static(type_name));
        response.extensions_mut().insert(Rejection {
            error_type: type_name,
            message: self.message,
        });
        response
    }
}
