//! Responses in the STS query protocol's XML shape, as the AWS SDKs parse them.
//!
//! A result is `<{Action}Response>` with `<{Action}Result>` and `<ResponseMetadata>`. An error
//! is `<ErrorResponse>` with `<Error>` (`Type`, `Code`, `Message`) and `<RequestId>`. The SDKs
//! read the error code from the body, not from a header.

use std::fmt::Write;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::{ErrorType, Rejection, ServiceError};

/// XML namespace of every STS response, named after the API version.
const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// Maximum number of characters of a request parameter repeated in a message.
const MAX_ECHOED_CHARS: usize = 128;

/// A rejected STS request.
#[derive(Debug)]
pub(crate) struct StsError {
    code: &'static str,
    status: StatusCode,
    message: String,
}

impl StsError {
    fn new(code: &'static str, status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            code,
            status,
            message: message.into(),
        }
    }

    /// `ValidationError` (400), the code STS sends for missing and out-of-range members, with
    /// one message per violation.
    pub(crate) fn validation(violations: &[String]) -> Self {
        let count = violations.len();
        let noun = if count == 1 { "error" } else { "errors" };
        Self::new(
            "ValidationError",
            StatusCode::BAD_REQUEST,
            format!(
                "{count} validation {noun} detected: {}",
                violations.join("; ")
            ),
        )
    }

    /// `MissingAction` (400): the request names no `Action`.
    pub(crate) fn missing_action() -> Self {
        Self::new(
            "MissingAction",
            StatusCode::BAD_REQUEST,
            "the request must contain the parameter Action",
        )
    }

    /// `MissingParameter` (400): the request names no API `Version`.
    pub(crate) fn missing_version() -> Self {
        Self::new(
            "MissingParameter",
            StatusCode::BAD_REQUEST,
            "the request must contain the parameter Version (2011-06-15 for STS)",
        )
    }

    /// `InvalidAction` (400): no operation has this `Action` in this `Version`. Both are cut
    /// to 128 characters, since the message is logged.
    pub(crate) fn invalid_action(action: &str, version: &str) -> Self {
        let action: String = action.chars().take(MAX_ECHOED_CHARS).collect();
        let version: String = version.chars().take(MAX_ECHOED_CHARS).collect();
        Self::new(
            "InvalidAction",
            StatusCode::BAD_REQUEST,
            format!("Could not find operation {action} for version {version}"),
        )
    }

    /// `UnsupportedOperation` (501): an STS operation that the local service does not serve.
    /// Neither the AWS SDK for Rust nor botocore retries a 501.
    pub(crate) fn unsupported(action: &str) -> Self {
        Self::new(
            "UnsupportedOperation",
            StatusCode::NOT_IMPLEMENTED,
            format!(
                "{action} is not supported by the local AgentCore Identity service, which serves only GetWebIdentityToken of STS"
            ),
        )
    }

    /// `OutboundWebIdentityFederationDisabledException` (403), whose code the SDKs map to
    /// their modelled error of that name.
    pub(crate) fn federation_disabled() -> Self {
        Self::new(
            "OutboundWebIdentityFederationDisabledException",
            StatusCode::FORBIDDEN,
            "outbound web identity federation is disabled on this local AgentCore Identity service; restart it without --disable-outbound-web-identity-federation (or without `outbound_web_identity_federation(false)` on the builder)",
        )
    }

    /// `InternalFailure` (500), the AWS common error for a failure inside the service.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(
            "InternalFailure",
            StatusCode::INTERNAL_SERVER_ERROR,
            message,
        )
    }

    /// Converts a rejected signature. The query protocol names the AWS common errors without
    /// the `Exception` suffix that JSON protocols add.
    pub(crate) fn from_signature(error: &ServiceError) -> Self {
        match error.error_type() {
            ErrorType::MissingAuthenticationToken => Self::new(
                "MissingAuthenticationToken",
                StatusCode::FORBIDDEN,
                error.message(),
            ),
            _ => Self::incomplete_signature(error.message()),
        }
    }

    /// `IncompleteSignature` (400): the `Authorization` header is not of the SigV4 form.
    pub(crate) fn incomplete_signature(message: impl Into<String>) -> Self {
        Self::new("IncompleteSignature", StatusCode::BAD_REQUEST, message)
    }

    #[cfg(test)]
    pub(crate) fn code(&self) -> &'static str {
        self.code
    }

    #[cfg(test)]
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// Renders the error with the request id that the `x-amzn-requestid` header also carries.
    pub(crate) fn into_response(self, request_id: &str) -> Response {
        let fault = if self.status.is_server_error() {
            "Receiver"
        } else {
            "Sender"
        };
        let body = format!(
            "<ErrorResponse xmlns=\"{NAMESPACE}\">\
             <Error><Type>{fault}</Type><Code>{}</Code><Message>{}</Message></Error>\
             <RequestId>{}</RequestId>\
             </ErrorResponse>\n",
            self.code,
            escape(&self.message),
            escape(request_id),
        );
        let mut response = xml_response(self.status, body);
        response.extensions_mut().insert(Rejection {
            error_type: self.code,
            message: self.message,
        });
        response
    }
}

/// Renders a successful result: `members` are the `(name, text)` elements of
/// `<{action}Result>`, escaped here.
pub(crate) fn result_response(
    action: &str,
    members: &[(&str, &str)],
    request_id: &str,
) -> Response {
    let mut result = String::new();
    for (name, text) in members {
        write!(result, "<{name}>{}</{name}>", escape(text)).expect("writing to a String succeeds");
    }
    let body = format!(
        "<{action}Response xmlns=\"{NAMESPACE}\">\
         <{action}Result>{result}</{action}Result>\
         <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata>\
         </{action}Response>\n",
        escape(request_id),
    );
    xml_response(StatusCode::OK, body)
}

fn xml_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    response
}

/// Escapes the five characters that XML text and attribute values may not contain as is.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_markup_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;"
        );
    }

    #[test]
    fn validation_message_counts_violations() {
        let single = StsError::validation(&["first".to_owned()]);
        let double = StsError::validation(&["first".to_owned(), "second".to_owned()]);

        assert_eq!(single.message(), "1 validation error detected: first");
        assert_eq!(
            double.message(),
            "2 validation errors detected: first; second"
        );
        assert_eq!(double.code(), "ValidationError");
    }
}
