//! Request parsing and member validation.
//!
//! The Rust SDK checks no top-level required member and no length or pattern before sending,
//! so the service checks them all. [`Input`] reads members one by one and collects every
//! violation; [`Input::finish`] then rejects the request with one `ValidationException` that
//! lists them all in `fieldList`, as the service does. Messages never contain member values,
//! because several members are secrets.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{FieldError, ServiceError};

/// Length and character constraints of a string member, from the service model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StringRule {
    pub(crate) min_len: usize,
    pub(crate) max_len: usize,
    pub(crate) pattern: Pattern,
}

/// The model patterns used by the served operations, matched against the whole value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pattern {
    Any,
    /// `[A-Za-z0-9_.-]+`, workload identity names.
    WorkloadName,
    /// `[a-zA-Z0-9\-_]+`, credential provider names and token vault ids.
    ProviderName,
    /// `[A-Za-z0-9-_=]+.[A-Za-z0-9-_=]+.[A-Za-z0-9-_=]+`, user JWTs. The model leaves the dots
    /// unescaped, but they are matched as literal dots because a JWT uses no other separator.
    UserToken,
    /// `\w+:(\/?\/?)[^\s]+`, OAuth2 return URLs.
    ReturnUrl,
    /// `[a-zA-Z0-9\s._:/=+@-]*`, tag keys and values.
    Tag,
    /// `urn:ietf:params:oauth:request_uri:[a-zA-Z0-9-._~]+`, authorization session URIs.
    SessionUri,
    /// `[a-zA-Z0-9\-_\.]+`, keys of `customParameters`.
    CustomParameterKey,
    /// `[^\s?#]+/\.well-known/(openid-configuration|oauth-authorization-server)(/[^\s?#]+)?`,
    /// discovery URLs of authorization servers.
    DiscoveryUrl,
}

impl Pattern {
    fn text(self) -> &'static str {
        match self {
            Self::Any => "",
            Self::WorkloadName => "[A-Za-z0-9_.-]+",
            Self::ProviderName => "[a-zA-Z0-9\\-_]+",
            Self::UserToken => "[A-Za-z0-9-_=]+.[A-Za-z0-9-_=]+.[A-Za-z0-9-_=]+",
            Self::ReturnUrl => "\\w+:(\\/?\\/?)[^\\s]+",
            Self::Tag => "[a-zA-Z0-9\\s._:/=+@-]*",
            Self::SessionUri => "urn:ietf:params:oauth:request_uri:[a-zA-Z0-9-._~]+",
            Self::CustomParameterKey => "[a-zA-Z0-9\\-_\\.]+",
            Self::DiscoveryUrl => {
                "[^\\s?#]+/\\.well-known/(openid-configuration|oauth-authorization-server)(/[^\\s?#]+)?"
            }
        }
    }

    fn matches(self, value: &str) -> bool {
        match self {
            Self::Any => true,
            Self::WorkloadName => {
                !value.is_empty()
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            }
            Self::ProviderName => {
                !value.is_empty()
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            }
            Self::UserToken => {
                let segments: Vec<&str> = value.split('.').collect();
                segments.len() == 3
                    && segments.iter().all(|segment| {
                        !segment.is_empty()
                            && segment
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '='))
                    })
            }
            Self::ReturnUrl => {
                let Some((scheme, rest)) = value.split_once(':') else {
                    return false;
                };
                !scheme.is_empty()
                    && scheme.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && !rest.is_empty()
                    && !rest.chars().any(char::is_whitespace)
            }
            Self::Tag => value.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || c.is_whitespace()
                    || matches!(c, '.' | '_' | ':' | '/' | '=' | '+' | '@' | '-')
            }),
            Self::SessionUri => value
                .strip_prefix(SESSION_URI_PREFIX)
                .is_some_and(is_session_id),
            Self::CustomParameterKey => {
                !value.is_empty()
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            }
            Self::DiscoveryUrl => is_discovery_url(value),
        }
    }
}

/// Prefix of every authorization session URI; the session id follows it.
pub(crate) const SESSION_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// Returns whether `id` has the characters the session URI pattern allows after its prefix.
pub(crate) fn is_session_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
}

/// Matches the discovery URL pattern: a path without whitespace, `?` or `#` that contains
/// `/.well-known/openid-configuration` or `/.well-known/oauth-authorization-server`, optionally
/// followed by more path segments (RFC 8414 inserts the issuer's path there).
fn is_discovery_url(value: &str) -> bool {
    const SUFFIXES: [&str; 2] = [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ];
    if value
        .chars()
        .any(|c| c.is_whitespace() || c == '?' || c == '#')
    {
        return false;
    }
    SUFFIXES.iter().any(|suffix| {
        value.match_indices(suffix).any(|(at, _)| {
            let rest = &value[at + suffix.len()..];
            at > 0 && (rest.is_empty() || (rest.starts_with('/') && rest.len() > 1))
        })
    })
}

/// A request body, or an object nested in one, being read member by member.
#[derive(Debug)]
pub(crate) struct Input {
    members: Map<String, Value>,
    errors: Vec<FieldError>,
    /// Path of this object inside the request, such as `oauth2ProviderConfigInput.`, so that
    /// errors name nested members in full.
    prefix: String,
}

impl Input {
    /// Parses a request body. An empty body counts as `{}`.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, ServiceError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::from_members(Map::new()));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(members)) => Ok(Self::from_members(members)),
            Ok(_) => Err(ServiceError::cannot_parse(
                "request body must be a JSON object",
            )),
            Err(error) => Err(ServiceError::cannot_parse(format!(
                "request body is not valid JSON: {error}"
            ))),
        }
    }

    fn from_members(members: Map<String, Value>) -> Self {
        Self {
            members,
            errors: Vec::new(),
            prefix: String::new(),
        }
    }

    /// Reads a required string member and records an error when it is missing or invalid.
    pub(crate) fn required_string(&mut self, name: &str, rule: StringRule) -> String {
        match self.take(name) {
            None => {
                self.fail(name, "Member must not be null", true);
                String::new()
            }
            Some(value) => self.check_string(name, value, rule).unwrap_or_default(),
        }
    }

    /// Reads an optional string member and records an error when it is invalid.
    pub(crate) fn optional_string(&mut self, name: &str, rule: StringRule) -> Option<String> {
        let value = self.take(name)?;
        self.check_string(name, value, rule)
    }

    /// Reads an optional list of strings, checking each item against `rule`.
    pub(crate) fn optional_string_list(
        &mut self,
        name: &str,
        rule: StringRule,
    ) -> Option<Vec<String>> {
        let Value::Array(items) = self.take(name)? else {
            self.fail(name, "Member must be a list of strings", false);
            return None;
        };
        let mut strings = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let item_name = format!("{name}.{}", index + 1);
            strings.push(self.check_string(&item_name, item, rule)?);
        }
        Some(strings)
    }

    /// Reads an optional integer member that must lie within `min..=max`.
    pub(crate) fn optional_integer(&mut self, name: &str, min: i64, max: i64) -> Option<i64> {
        let value = self.take(name)?;
        let Some(number) = value.as_i64() else {
            self.fail(name, "Member must be an integer", false);
            return None;
        };
        if number < min {
            self.fail(
                name,
                &format!("Member must have value greater than or equal to {min}"),
                false,
            );
            return None;
        }
        if number > max {
            self.fail(
                name,
                &format!("Member must have value less than or equal to {max}"),
                false,
            );
            return None;
        }
        Some(number)
    }

    /// Reads the optional `tags` map: at most 50 entries, keys of 1–128 and values of 0–256
    /// characters, both matching the tag pattern.
    pub(crate) fn optional_tags(&mut self) -> BTreeMap<String, String> {
        const KEY: StringRule = StringRule {
            min_len: 1,
            max_len: 128,
            pattern: Pattern::Tag,
        };
        const VALUE: StringRule = StringRule {
            min_len: 0,
            max_len: 256,
            pattern: Pattern::Tag,
        };
        const MAX_TAGS: usize = 50;

        let Some(value) = self.take("tags") else {
            return BTreeMap::new();
        };
        let Value::Object(entries) = value else {
            self.fail("tags", "Member must be a map of strings", false);
            return BTreeMap::new();
        };
        if entries.len() > MAX_TAGS {
            self.fail(
                "tags",
                &format!("Member must have length less than or equal to {MAX_TAGS}"),
                false,
            );
            return BTreeMap::new();
        }

        let mut tags = BTreeMap::new();
        for (key, value) in entries {
            let checked_key = self.check_string("tags.key", Value::String(key.clone()), KEY);
            let checked_value = self.check_string(&format!("tags.{key}"), value, VALUE);
            if let (Some(key), Some(value)) = (checked_key, checked_value) {
                tags.insert(key, value);
            }
        }
        tags
    }

    /// Reads a required list of strings, which may be empty.
    pub(crate) fn required_string_list(&mut self, name: &str, rule: StringRule) -> Vec<String> {
        if self.members.get(name).is_none_or(Value::is_null) {
            self.fail(name, "Member must not be null", true);
            return Vec::new();
        }
        self.optional_string_list(name, rule).unwrap_or_default()
    }

    /// Reads an optional boolean member.
    pub(crate) fn optional_bool(&mut self, name: &str) -> Option<bool> {
        let value = self.take(name)?;
        let flag = value.as_bool();
        if flag.is_none() {
            self.fail(name, "Member must be a boolean", false);
        }
        flag
    }

    /// Reads an optional enum member and returns the matching entry of `values`.
    pub(crate) fn optional_enum(
        &mut self,
        name: &str,
        values: &[&'static str],
    ) -> Option<&'static str> {
        let text = self.optional_string(name, rules::ENUM_VALUE)?;
        let found = values.iter().copied().find(|value| *value == text);
        if found.is_none() {
            let constraint = format!(
                "Member must satisfy enum value set: [{}]",
                values.join(", ")
            );
            self.fail(name, &constraint, false);
        }
        found
    }

    /// Reads a required enum member and returns the matching entry of `values`.
    pub(crate) fn required_enum(
        &mut self,
        name: &str,
        values: &[&'static str],
    ) -> Option<&'static str> {
        if self.members.get(name).is_none_or(Value::is_null) {
            self.fail(name, "Member must not be null", true);
            return None;
        }
        self.optional_enum(name, values)
    }

    /// Reads an optional map of strings with at most `max_entries` entries.
    pub(crate) fn optional_string_map(
        &mut self,
        name: &str,
        key_rule: StringRule,
        value_rule: StringRule,
        max_entries: usize,
    ) -> Option<BTreeMap<String, String>> {
        let value = self.take(name)?;
        let Value::Object(entries) = value else {
            self.fail(name, "Member must be a map of strings", false);
            return None;
        };
        if entries.len() > max_entries {
            let constraint = format!("Member must have length less than or equal to {max_entries}");
            self.fail(name, &constraint, false);
            return None;
        }

        let mut map = BTreeMap::new();
        let mut valid = true;
        for (key, value) in entries {
            let key_name = format!("{name}.key");
            let checked_key = self.check_string(&key_name, Value::String(key.clone()), key_rule);
            let checked_value = self.check_string(&format!("{name}.{key}"), value, value_rule);
            match (checked_key, checked_value) {
                (Some(key), Some(value)) => {
                    map.insert(key, value);
                }
                _ => valid = false,
            }
        }
        valid.then_some(map)
    }

    /// Reads an optional structure member as a nested [`Input`]. Errors found in it reach the
    /// request only through [`Input::merge`].
    pub(crate) fn optional_object(&mut self, name: &str) -> Option<Input> {
        let value = self.take(name)?;
        self.nested(name, value)
    }

    /// Reads a required structure member as a nested [`Input`].
    pub(crate) fn required_object(&mut self, name: &str) -> Option<Input> {
        if self.members.get(name).is_none_or(Value::is_null) {
            self.fail(name, "Member must not be null", true);
            return None;
        }
        self.optional_object(name)
    }

    /// Reads a required union member, which must be an object with exactly one member set,
    /// and returns that member's name and value.
    pub(crate) fn required_union(&mut self, name: &str) -> Option<(String, Value)> {
        let mut union = self.required_object(name)?;
        let mut set: Vec<(String, Value)> = std::mem::take(&mut union.members)
            .into_iter()
            .filter(|(_, value)| !value.is_null())
            .collect();
        if set.len() == 1 {
            return set.pop();
        }
        let found = if set.is_empty() {
            "none".to_owned()
        } else {
            set.iter()
                .map(|(key, _)| key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let constraint = format!("Union must have exactly one member set, found: {found}");
        self.fail(name, &constraint, false);
        None
    }

    /// Turns `value`, the member `name` of this object, into a nested [`Input`], or records an
    /// error when it is not an object.
    pub(crate) fn nested(&mut self, name: &str, value: Value) -> Option<Input> {
        let Value::Object(members) = value else {
            self.fail(name, "Member must be a structure", false);
            return None;
        };
        Some(Input {
            members,
            errors: Vec::new(),
            prefix: self.path(name) + ".",
        })
    }

    /// Adds the errors of a nested object read with [`Input::optional_object`],
    /// [`Input::required_object`] or [`Input::nested`].
    pub(crate) fn merge(&mut self, nested: Input) {
        self.errors.extend(nested.errors);
    }

    /// Reads a string member that must be an absolute `http` or `https` URL.
    pub(crate) fn optional_url(&mut self, name: &str) -> Option<String> {
        let text = self.optional_string(name, rules::ENDPOINT_URL)?;
        let valid = url::Url::parse(&text)
            .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.has_host());
        if valid {
            Some(text)
        } else {
            self.fail(name, "Member must be an absolute http or https URL", false);
            None
        }
    }

    /// Records that the member `name` violates `constraint`, in the service's wording.
    pub(crate) fn invalid(&mut self, name: &str, constraint: &str) {
        self.fail(name, constraint, false);
    }

    /// Returns whether the member `name` is present and not `null`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.members.get(name).is_some_and(|value| !value.is_null())
    }

    /// Reads an optional member that this service does not support in any form, and records
    /// `message` when it is present.
    pub(crate) fn unsupported(&mut self, name: &str, message: &str) {
        if self.take(name).is_some() {
            self.reject(name, message);
        }
    }

    /// Records a violation found by the operation itself.
    pub(crate) fn reject(&mut self, name: &str, message: &str) {
        self.errors.push(FieldError {
            name: self.path(name),
            message: message.to_owned(),
        });
    }

    /// Rejects the request when any member failed. Members not read are ignored, as the
    /// service ignores unknown members.
    pub(crate) fn finish(self) -> Result<(), ServiceError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::field_validation(self.errors))
        }
    }

    /// Removes a member. JSON `null` counts as absent, as both AWS clients read it.
    fn take(&mut self, name: &str) -> Option<Value> {
        match self.members.remove(name) {
            None | Some(Value::Null) => None,
            Some(value) => Some(value),
        }
    }

    fn check_string(&mut self, name: &str, value: Value, rule: StringRule) -> Option<String> {
        let Value::String(text) = value else {
            self.fail(name, "Member must be a string", false);
            return None;
        };

        let length = text.chars().count();
        if length < rule.min_len {
            let message = format!(
                "Member must have length greater than or equal to {}",
                rule.min_len
            );
            self.fail(name, &message, false);
            return None;
        }
        if length > rule.max_len {
            let message = format!(
                "Member must have length less than or equal to {}",
                rule.max_len
            );
            self.fail(name, &message, false);
            return None;
        }
        if !rule.pattern.matches(&text) {
            let message = format!(
                "Member must satisfy regular expression pattern: {}",
                rule.pattern.text()
            );
            self.fail(name, &message, false);
            return None;
        }
        Some(text)
    }

    fn fail(&mut self, name: &str, constraint: &str, missing: bool) {
        // The service's wording; the value itself is left out because it may be a secret.
        let value = if missing { "Value null" } else { "Value" };
        let path = self.path(name);
        self.errors.push(FieldError {
            message: format!("{value} at '{path}' failed to satisfy constraint: {constraint}"),
            name: path,
        });
    }

    fn path(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }
}

/// Constraints of the members used by the served operations.
pub(crate) mod rules {
    use super::{Pattern, StringRule};

    pub(crate) const WORKLOAD_NAME: StringRule = StringRule {
        min_len: 3,
        max_len: 255,
        pattern: Pattern::WorkloadName,
    };
    pub(crate) const PROVIDER_NAME: StringRule = StringRule {
        min_len: 1,
        max_len: 128,
        pattern: Pattern::ProviderName,
    };
    pub(crate) const TOKEN_VAULT_ID: StringRule = StringRule {
        min_len: 1,
        max_len: 64,
        pattern: Pattern::ProviderName,
    };
    pub(crate) const USER_ID: StringRule = StringRule {
        min_len: 1,
        max_len: 128,
        pattern: Pattern::Any,
    };
    pub(crate) const USER_TOKEN: StringRule = StringRule {
        min_len: 1,
        max_len: 131_072,
        pattern: Pattern::UserToken,
    };
    pub(crate) const WORKLOAD_TOKEN: StringRule = StringRule {
        min_len: 1,
        max_len: 131_072,
        pattern: Pattern::Any,
    };
    pub(crate) const RETURN_URL: StringRule = StringRule {
        min_len: 1,
        max_len: 2048,
        pattern: Pattern::ReturnUrl,
    };
    /// The model allows an empty key, but `GetResourceApiKey` must return at least one
    /// character, so an empty key is rejected here.
    pub(crate) const API_KEY: StringRule = StringRule {
        min_len: 1,
        max_len: 65_536,
        pattern: Pattern::Any,
    };
    /// The value of an enum member, which the operation checks against its value set.
    pub(crate) const ENUM_VALUE: StringRule = StringRule {
        min_len: 1,
        max_len: 64,
        pattern: Pattern::Any,
    };
    pub(crate) const NEXT_TOKEN: StringRule = StringRule {
        min_len: 1,
        max_len: 2048,
        pattern: Pattern::Any,
    };
    pub(crate) const CLIENT_ID: StringRule = StringRule {
        min_len: 1,
        max_len: 256,
        pattern: Pattern::Any,
    };
    /// The model allows an empty secret; an empty one is treated as absent.
    pub(crate) const CLIENT_SECRET: StringRule = StringRule {
        min_len: 0,
        max_len: 2048,
        pattern: Pattern::Any,
    };
    pub(crate) const TENANT_ID: StringRule = StringRule {
        min_len: 1,
        max_len: 2048,
        pattern: Pattern::Any,
    };
    /// Issuers and endpoints of authorization servers. The model gives no length limit for
    /// these plain strings; 2048 matches the other URL members.
    pub(crate) const ENDPOINT_URL: StringRule = StringRule {
        min_len: 1,
        max_len: 2048,
        pattern: Pattern::Any,
    };
    pub(crate) const DISCOVERY_URL: StringRule = StringRule {
        min_len: 1,
        max_len: 2048,
        pattern: Pattern::DiscoveryUrl,
    };
    pub(crate) const SCOPE: StringRule = StringRule {
        min_len: 1,
        max_len: 128,
        pattern: Pattern::Any,
    };
    pub(crate) const SESSION_URI: StringRule = StringRule {
        min_len: 1,
        max_len: 1024,
        pattern: Pattern::SessionUri,
    };
    pub(crate) const CUSTOM_PARAMETER_KEY: StringRule = StringRule {
        min_len: 1,
        max_len: 256,
        pattern: Pattern::CustomParameterKey,
    };
    pub(crate) const CUSTOM_PARAMETER_VALUE: StringRule = StringRule {
        min_len: 1,
        max_len: 2048,
        pattern: Pattern::Any,
    };
    pub(crate) const CUSTOM_STATE: StringRule = StringRule {
        min_len: 1,
        max_len: 4096,
        pattern: Pattern::Any,
    };
    /// Items of `resources` and `audiences`.
    pub(crate) const RESOURCE: StringRule = StringRule {
        min_len: 1,
        max_len: 2048,
        pattern: Pattern::Any,
    };
    /// Free-form strings of authorization server metadata, such as response types.
    pub(crate) const METADATA_VALUE: StringRule = StringRule {
        min_len: 1,
        max_len: 256,
        pattern: Pattern::Any,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_workload_name_allows_dots() {
        assert!(Pattern::WorkloadName.matches("my.agent-1_x"));
        assert!(!Pattern::WorkloadName.matches("my agent"));
    }

    #[test]
    fn pattern_provider_name_rejects_dots() {
        assert!(Pattern::ProviderName.matches("openai-key_1"));
        assert!(!Pattern::ProviderName.matches("openai.key"));
    }

    #[test]
    fn pattern_user_token_needs_three_segments() {
        assert!(Pattern::UserToken.matches("eyJh.eyJz.c2ln"));
        assert!(!Pattern::UserToken.matches("eyJh.eyJz"));
        assert!(!Pattern::UserToken.matches("eyJh..c2ln"));
        assert!(!Pattern::UserToken.matches("eyJh.eyJz.c2 n"));
    }

    #[test]
    fn pattern_return_url_needs_scheme_and_rest() {
        assert!(Pattern::ReturnUrl.matches("http://localhost:8080/callback"));
        assert!(Pattern::ReturnUrl.matches("myapp:done"));
        assert!(!Pattern::ReturnUrl.matches("localhost"));
        assert!(!Pattern::ReturnUrl.matches("http://a b"));
        assert!(!Pattern::ReturnUrl.matches("http:"));
    }

    #[test]
    fn pattern_session_uri_needs_urn_prefix() {
        assert!(Pattern::SessionUri.matches("urn:ietf:params:oauth:request_uri:abc-1.2_~"));
        assert!(!Pattern::SessionUri.matches("urn:ietf:params:oauth:request_uri:"));
        assert!(!Pattern::SessionUri.matches("urn:ietf:params:oauth:request_uri:a/b"));
        assert!(!Pattern::SessionUri.matches("abc"));
    }

    #[test]
    fn pattern_discovery_url_needs_well_known_suffix() {
        let valid = [
            "https://idp.test/.well-known/openid-configuration",
            "http://127.0.0.1:9/.well-known/oauth-authorization-server",
            "https://idp.test/.well-known/oauth-authorization-server/tenant",
        ];
        for url in valid {
            assert!(Pattern::DiscoveryUrl.matches(url), "{url}");
        }
        let invalid = [
            "https://idp.test/openid-configuration",
            "https://idp.test/.well-known/openid-configuration?x=1",
            "https://idp.test/.well-known/openid-configuration/",
            "/.well-known/openid-configuration",
        ];
        for url in invalid {
            assert!(!Pattern::DiscoveryUrl.matches(url), "{url}");
        }
    }

    #[test]
    fn nested_errors_name_full_path() {
        let body = br#"{"config": {"inner": {"clientId": ""}}}"#;
        let mut input = Input::parse(body).unwrap();
        let mut config = input.required_object("config").unwrap();
        let mut inner = config.optional_object("inner").unwrap();
        inner.required_string("clientId", rules::CLIENT_ID);
        config.merge(inner);
        input.merge(config);
        let error = input.finish().unwrap_err();

        assert!(
            error.message().contains("'config.inner.clientId'"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn union_needs_exactly_one_member() {
        let mut input = Input::parse(br#"{"u": {"a": "1", "b": "2"}}"#).unwrap();
        assert!(input.required_union("u").is_none());
        assert!(input.finish().is_err());

        let mut input = Input::parse(br#"{"u": {"a": "1", "b": null}}"#).unwrap();
        let (key, _) = input.required_union("u").unwrap();
        assert_eq!(key, "a");
        assert!(input.finish().is_ok());
    }

    #[test]
    fn input_lists_every_missing_member() {
        let mut input = Input::parse(b"{}").unwrap();
        input.required_string("workloadName", rules::WORKLOAD_NAME);
        input.required_string("userId", rules::USER_ID);
        let error = input.finish().unwrap_err();

        assert!(error.message().starts_with("2 validation errors detected"));
    }

    #[test]
    fn input_treats_empty_body_as_empty_object() {
        let mut input = Input::parse(b"").unwrap();

        assert_eq!(input.optional_string("name", rules::WORKLOAD_NAME), None);
        assert!(input.finish().is_ok());
    }

    #[test]
    fn input_rejects_non_object_body() {
        assert!(Input::parse(b"[1, 2]").is_err());
        assert!(Input::parse(b"{\"name\":").is_err());
    }

    #[test]
    fn input_checks_integer_range() {
        let mut input = Input::parse(br#"{"maxResults": 21}"#).unwrap();

        assert_eq!(input.optional_integer("maxResults", 1, 20), None);
        assert!(input.finish().is_err());
    }
}
