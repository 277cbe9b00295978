//! The credential attributes and the arguments each one accepts.

/// An argument key, as written before the `=`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Key {
    Provider,
    Into,
    Crate,
}

impl Key {
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Key::Provider => "provider",
            Key::Into => "into",
            Key::Crate => "crate",
        }
    }

    /// Returns an argument as a user would write it, for error messages.
    pub(crate) const fn example(self) -> &'static str {
        match self {
            Key::Provider => "provider = \"openai-apikey-provider\"",
            Key::Into => "into = \"api_key\"",
            Key::Crate => "crate = my_runtime",
        }
    }
}

/// The credential an attribute fetches, which selects the runtime calls of the expansion.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Credential {
    ApiKey,
    WorkloadAccessToken,
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
}

pub(crate) const REQUIRES_API_KEY: Attribute = Attribute {
    name: "requires_api_key",
    credential: Credential::ApiKey,
    keys: &[Key::Provider, Key::Into, Key::Crate],
    required: &[Key::Provider],
    default_into: "api_key",
    noun: "API key",
};

pub(crate) const REQUIRES_WAT: Attribute = Attribute {
    name: "requires_wat",
    credential: Credential::WorkloadAccessToken,
    keys: &[Key::Into, Key::Crate],
    required: &[],
    default_into: "identity_wat",
    noun: "workload access token",
};
