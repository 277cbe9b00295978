//! The credential attributes and the arguments each one accepts.

/// An argument key, as written before the `=`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Key {
    Provider,
    Scopes,
    AuthFlow,
    Into,
    OnAuthUrl,
    CallbackUrl,
    ForceAuthentication,
    TokenPoller,
    CustomState,
    CustomParameters,
    Resources,
    Audiences,
    Audience,
    SigningAlgorithm,
    DurationSeconds,
    Tags,
    Crate,
}

impl Key {
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Key::Provider => "provider",
            Key::Scopes => "scopes",
            Key::AuthFlow => "auth_flow",
            Key::Into => "into",
            Key::OnAuthUrl => "on_auth_url",
            Key::CallbackUrl => "callback_url",
            Key::ForceAuthentication => "force_authentication",
            Key::TokenPoller => "token_poller",
            Key::CustomState => "custom_state",
            Key::CustomParameters => "custom_parameters",
            Key::Resources => "resources",
            Key::Audiences => "audiences",
            Key::Audience => "audience",
            Key::SigningAlgorithm => "signing_algorithm",
            Key::DurationSeconds => "duration_seconds",
            Key::Tags => "tags",
            Key::Crate => "crate",
        }
    }

    /// Returns the argument as a user would write it, for error messages.
    pub(crate) fn example(self, attribute: &Attribute) -> String {
        let value = match self {
            Key::Provider => attribute.provider_example,
            Key::Scopes => r#"["repo", "read:user"]"#,
            Key::AuthFlow => r#""USER_FEDERATION""#,
            Key::Into => return format!("into = \"{}\"", attribute.default_into),
            Key::OnAuthUrl => "show_consent_link",
            Key::CallbackUrl => r#""https://agent.example.com/oauth2/callback""#,
            Key::ForceAuthentication => "true",
            Key::TokenPoller => "IntervalPoller::new()",
            Key::CustomState => r#""session-42""#,
            Key::CustomParameters => r#"{"prompt": "consent"}"#,
            Key::Resources | Key::Audiences => r#"["https://api.example.com"]"#,
            Key::Audience => r#"["https://api.partner.example"]"#,
            Key::SigningAlgorithm => r#""ES384""#,
            Key::DurationSeconds => "300",
            Key::Tags => r#"{"team": "payments"}"#,
            Key::Crate => "my_runtime",
        };
        format!("{} = {value}", self.name())
    }
}

/// The credential an attribute fetches, which selects the runtime calls of the expansion.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Credential {
    ApiKey,
    WorkloadAccessToken,
    AccessToken,
    IamAccessToken,
}

/// A credential attribute: its name, accepted arguments and defaults.
#[derive(Debug)]
pub(crate) struct Attribute {
    /// The name users write after `#[`.
    pub(crate) name: &'static str,
    pub(crate) credential: Credential,
    /// Accepted keys, in the order error messages list them.
    pub(crate) keys: &'static [Key],
    pub(crate) required: &'static [Key],
    /// Parameter that receives the credential when `into` is not given.
    pub(crate) default_into: &'static str,
    /// Name of the credential in error messages.
    pub(crate) noun: &'static str,
    /// A provider name of the right kind, for error messages.
    pub(crate) provider_example: &'static str,
}

pub(crate) const REQUIRES_API_KEY: Attribute = Attribute {
    name: "requires_api_key",
    credential: Credential::ApiKey,
    keys: &[Key::Provider, Key::Into, Key::Crate],
    required: &[Key::Provider],
    default_into: "api_key",
    noun: "API key",
    provider_example: r#""openai-apikey-provider""#,
};

pub(crate) const REQUIRES_WAT: Attribute = Attribute {
    name: "requires_wat",
    credential: Credential::WorkloadAccessToken,
    keys: &[Key::Into, Key::Crate],
    required: &[],
    default_into: "identity_wat",
    noun: "workload access token",
    provider_example: "",
};

pub(crate) const REQUIRES_ACCESS_TOKEN: Attribute = Attribute {
    name: "requires_access_token",
    credential: Credential::AccessToken,
    keys: &[
        Key::Provider,
        Key::Scopes,
        Key::AuthFlow,
        Key::Into,
        Key::OnAuthUrl,
        Key::CallbackUrl,
        Key::ForceAuthentication,
        Key::TokenPoller,
        Key::CustomState,
        Key::CustomParameters,
        Key::Resources,
        Key::Audiences,
        Key::Crate,
    ],
    required: &[Key::Provider, Key::Scopes, Key::AuthFlow],
    default_into: "access_token",
    noun: "access token",
    provider_example: r#""github-provider""#,
};

pub(crate) const REQUIRES_IAM_ACCESS_TOKEN: Attribute = Attribute {
    name: "requires_iam_access_token",
    credential: Credential::IamAccessToken,
    keys: &[
        Key::Audience,
        Key::SigningAlgorithm,
        Key::DurationSeconds,
        Key::Tags,
        Key::Into,
        Key::Crate,
    ],
    required: &[Key::Audience],
    default_into: "access_token",
    noun: "IAM access token",
    provider_example: "",
};

/// Lifetime of an IAM access token when `duration_seconds` is not given, the default of the
/// runtime's `IamTokenRequest`.
pub(crate) const DEFAULT_DURATION_SECONDS: u32 = 300;

/// An OAuth2 flow, as `auth_flow` names it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum AuthFlow {
    M2M,
    UserFederation,
    OnBehalfOfTokenExchange,
}

impl AuthFlow {
    pub(crate) const ALL: [AuthFlow; 3] = [
        AuthFlow::M2M,
        AuthFlow::UserFederation,
        AuthFlow::OnBehalfOfTokenExchange,
    ];

    /// Returns the name AgentCore Identity and the Python SDK use for the flow.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            AuthFlow::M2M => "M2M",
            AuthFlow::UserFederation => "USER_FEDERATION",
            AuthFlow::OnBehalfOfTokenExchange => "ON_BEHALF_OF_TOKEN_EXCHANGE",
        }
    }

    /// Returns the variant of the runtime's `OAuth2Flow` enum.
    pub(crate) const fn variant(self) -> &'static str {
        match self {
            AuthFlow::M2M => "M2M",
            AuthFlow::UserFederation => "UserFederation",
            AuthFlow::OnBehalfOfTokenExchange => "OnBehalfOfTokenExchange",
        }
    }
}

/// An algorithm STS signs an IAM access token with, as `signing_algorithm` names it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) enum SigningAlgorithm {
    #[default]
    Es384,
    Rs256,
}

impl SigningAlgorithm {
    pub(crate) const ALL: [SigningAlgorithm; 2] =
        [SigningAlgorithm::Es384, SigningAlgorithm::Rs256];

    /// Returns the JOSE name of the algorithm, which STS and the runtime use.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            SigningAlgorithm::Es384 => "ES384",
            SigningAlgorithm::Rs256 => "RS256",
        }
    }

    /// Returns the variant of the runtime's `SigningAlgorithm` enum.
    pub(crate) const fn variant(self) -> &'static str {
        match self {
            SigningAlgorithm::Es384 => "Es384",
            SigningAlgorithm::Rs256 => "Rs256",
        }
    }
}
