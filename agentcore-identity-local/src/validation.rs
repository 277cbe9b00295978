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
        }
    }
}

/// A request body being read member by member.
#[derive(Debug)]
pub(crate) struct Input {
    members: Map<String, Value>,
    errors: Vec<FieldError>,
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
            name: name.to_owned(),
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
        self.errors.push(FieldError {
            name: name.to_owned(),
            message: format!("{value} at '{name}' failed to satisfy constraint: {constraint}"),
        });
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
