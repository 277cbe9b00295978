//! The error type returned by every fallible operation of this crate.

use std::error::Error as StdError;
use std::fmt;
use std::path::PathBuf;

use aws_sdk_bedrockagentcore::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_bedrockagentcore::operation::RequestId;

/// A boxed error from a dependency, kept as the `source` of an [`Error`].
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// An error from fetching a credential, configuring a client or calling the Identity service.
///
/// Configuration mistakes (a malformed region, a missing header, local-development setup that is
/// switched off) are kept apart from failures reported by the service ([`Error::Service`]) and
/// from failures to reach it ([`Error::Transport`]).
///
/// ```
/// use agentcore_identity_runtime::{Error, ServiceErrorKind};
///
/// fn is_unknown_provider(error: &Error) -> bool {
///     matches!(error.service_error_kind(), Some(ServiceErrorKind::ResourceNotFound))
/// }
/// # let _ = is_unknown_provider;
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configured region is not a well-formed AWS region name such as `us-east-1`.
    #[error(
        "invalid AWS region `{region}`: expected a name such as `us-west-2`; set `AWS_REGION` or `IdentityClientBuilder::region`"
    )]
    InvalidRegion {
        /// The rejected value.
        region: String,
    },

    /// The configuration could not be loaded or is inconsistent.
    #[error("invalid identity client configuration: {message}")]
    InvalidConfig {
        /// The problem and how to fix it.
        message: String,
    },

    /// No workload access token could be found for this call.
    ///
    /// Inside AgentCore Runtime the token arrives with each request; elsewhere a workload
    /// identity must be named or local-development setup allowed.
    #[error("missing workload access token: {hint}")]
    MissingWorkloadAccessToken {
        /// The header or setting to provide.
        hint: &'static str,
    },

    /// Code asked for the request context outside of one.
    #[error(
        "no request context: run this code inside `RequestContext::scope`, the `RequestContextLayer` of an AgentCore Runtime server, or carry the context with `agentcore_identity_runtime::spawn`"
    )]
    MissingRequestContext,

    /// Local-development setup would talk to a local service on one plane and to AWS on the other.
    #[error(
        "refusing to create a local-development workload identity: the data-plane endpoint ({data_plane}) and the control-plane endpoint ({control_plane}) must both be local or both be AWS; set both `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE` and `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL`, or neither"
    )]
    MixedEndpoints {
        /// The data-plane endpoint, or `AWS` when none is configured.
        data_plane: String,
        /// The control-plane endpoint, or `AWS` when none is configured.
        control_plane: String,
    },

    /// The local-development file `.agentcore.json` could not be read or written.
    #[error("failed to {action} local-development file {}: {source}", path.display())]
    LocalConfig {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: BoxError,
    },

    /// A plain (non-`async`) annotated function was called on a current-thread tokio runtime.
    #[error(
        "`{function}` blocks while fetching a credential, which would stall this current-thread tokio runtime: make `{function}` an `async fn`, call it through `agentcore_identity_runtime::spawn_blocking`, or use a multi-thread runtime"
    )]
    BlockingInCurrentThreadRuntime {
        /// The annotated function.
        function: &'static str,
    },

    /// The user did not consent before the token poller gave up.
    #[error(
        "timed out after {waited:?} waiting for the user to authorize `{provider}`: the user may not have opened the authorization URL; raise the poller's timeout or ask again"
    )]
    AuthorizationTimedOut {
        /// The credential provider.
        provider: String,
        /// How long the poller waited.
        waited: std::time::Duration,
    },

    /// The service reported the user-federation session as failed.
    #[error("authorization session for `{provider}` failed{}: ask the user to authorize again", session_uri.as_deref().map(|uri| format!(" ({uri})")).unwrap_or_default())]
    AuthorizationFailed {
        /// The credential provider.
        provider: String,
        /// The failed session, when known.
        session_uri: Option<String>,
    },

    /// `GetResourceOauth2Token` returned neither a token nor an authorization URL.
    #[error(
        "GetResourceOauth2Token for `{provider}` returned neither an access token nor an authorization URL"
    )]
    NoTokenOrAuthorizationUrl {
        /// The credential provider.
        provider: String,
    },

    /// STS refused to issue a web identity token because the account has not enabled outbound
    /// web identity federation.
    #[error(
        "outbound web identity federation is not enabled for this AWS account ({message}): enable it once with `aws iam enable-outbound-web-identity-federation` (IAM `EnableOutboundWebIdentityFederation`)"
    )]
    OutboundWebIdentityFederationDisabled {
        /// The message STS gave.
        message: String,
    },

    /// The Identity service returned an error.
    #[error(transparent)]
    Service(#[from] ServiceError),

    /// The Identity service could not be reached, or its response could not be read.
    #[error("failed to call {operation}: {source}")]
    Transport {
        /// The service operation, such as `GetResourceApiKey`.
        operation: &'static str,
        /// The underlying SDK failure.
        #[source]
        source: BoxError,
    },

    /// The service returned a response without a member this crate needs.
    #[error("{operation} returned no `{member}`")]
    MissingResponseMember {
        /// The service operation.
        operation: &'static str,
        /// The missing JSON member.
        member: &'static str,
    },

    /// Work handed to the background runtime of this crate was lost before it finished.
    #[error("the identity worker runtime stopped before {operation} finished")]
    WorkerStopped {
        /// The work that was lost.
        operation: &'static str,
    },
}

impl Error {
    /// Returns the kind of service error, if the service returned one.
    ///
    /// ```
    /// # use agentcore_identity_runtime::Error;
    /// let error = Error::MissingRequestContext;
    /// assert!(error.service_error_kind().is_none());
    /// ```
    pub fn service_error_kind(&self) -> Option<ServiceErrorKind> {
        match self {
            Error::Service(service) => Some(service.kind()),
            _ => None,
        }
    }

    pub(crate) fn from_sdk<E, R>(operation: &'static str, error: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + RequestId + StdError + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        match error {
            SdkError::ServiceError(context) => {
                let inner = context.into_err();
                let request_id = inner.request_id().map(str::to_owned);
                Error::Service(ServiceError {
                    operation,
                    kind: ServiceErrorKind::from_code(inner.code()),
                    code: inner.code().unwrap_or("Unknown").to_owned(),
                    message: inner.message().unwrap_or_default().to_owned(),
                    request_id,
                    source: Box::new(inner),
                })
            }
            other => Error::Transport {
                operation,
                source: Box::new(other),
            },
        }
    }
}

/// An error returned by the AgentCore Identity service, with its error code and message.
#[derive(Debug)]
pub struct ServiceError {
    operation: &'static str,
    kind: ServiceErrorKind,
    code: String,
    message: String,
    request_id: Option<String>,
    source: BoxError,
}

impl ServiceError {
    /// Returns the operation that failed, such as `GetResourceApiKey`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Returns the kind of error, decoded from [`ServiceError::code`].
    pub fn kind(&self) -> ServiceErrorKind {
        self.kind
    }

    /// Returns the service's error code, such as `ResourceNotFoundException`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Returns the service's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns the request id the service gave, for support cases.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with {}", self.operation, self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (request id {request_id})")?;
        }
        Ok(())
    }
}

impl StdError for ServiceError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.source.as_ref())
    }
}

/// The error codes the Identity service is documented to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServiceErrorKind {
    /// `ValidationException`: a request member is missing or malformed.
    Validation,
    /// `UnauthorizedException`: the workload access token or signature was rejected.
    Unauthorized,
    /// `AccessDeniedException`: the caller may not perform this operation.
    AccessDenied,
    /// `ResourceNotFoundException`: the provider, workload identity or session does not exist.
    ResourceNotFound,
    /// `ConflictException`: the resource already exists or is being changed.
    Conflict,
    /// `ThrottlingException`: too many requests.
    Throttling,
    /// `InternalServerException`: the service failed.
    InternalServer,
    /// `ServiceQuotaExceededException`: an account quota was reached.
    ServiceQuotaExceeded,
    /// Any other code.
    Other,
}

impl ServiceErrorKind {
    fn from_code(code: Option<&str>) -> Self {
        match code {
            Some("ValidationException") => Self::Validation,
            Some("UnauthorizedException") => Self::Unauthorized,
            Some("AccessDeniedException") => Self::AccessDenied,
            Some("ResourceNotFoundException") => Self::ResourceNotFound,
            Some("ConflictException") => Self::Conflict,
            Some("ThrottlingException") => Self::Throttling,
            Some("InternalServerException") => Self::InternalServer,
            Some("ServiceQuotaExceededException") => Self::ServiceQuotaExceeded,
            _ => Self::Other,
        }
    }
}
