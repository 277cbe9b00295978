//! Requests of the STS query protocol: a form-encoded body with `Action`, `Version` and the
//! operation's members. A list member is spelled `<Name>.member.<n>`, counting from 1, and a
//! structure in a list adds `.<Field>`, as in `Tags.member.1.Key`. A bare `<Name>=` marks an
//! empty list.
//!
//! Violations are reported as STS reports them: `ValidationError` with one message per
//! violation, naming the member in camelCase. Messages show no audience or tag text, because
//! they are logged.

use std::collections::BTreeMap;
use std::time::Duration;

use super::reply::StsError;
use super::token::{SigningAlgorithm, TokenRequest};

/// Lifetime of a token whose request has no `DurationSeconds`, in seconds.
const DEFAULT_DURATION_SECONDS: u64 = 300;
const MIN_DURATION_SECONDS: i64 = 60;
const MAX_DURATION_SECONDS: i64 = 3600;

const MAX_AUDIENCES: usize = 10;
const MAX_AUDIENCE_LEN: usize = 1000;

/// Tag limits of STS session tags, which `GetWebIdentityToken` shares.
const MAX_TAGS: usize = 50;
const MAX_TAG_KEY_LEN: usize = 128;
const MAX_TAG_VALUE_LEN: usize = 256;
const TAG_PATTERN: &str = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]";

/// The parameters of a request body, by name. A repeated name keeps its last value.
#[derive(Debug, Default)]
pub(crate) struct QueryParameters(BTreeMap<String, String>);

/// Entries of a list member by index, each with its fields by name. An entry of a list of
/// strings has one field, whose name is empty.
type ListEntries<'a> = BTreeMap<u32, BTreeMap<&'a str, &'a str>>;

impl QueryParameters {
    pub(crate) fn parse(body: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(body).into_owned().collect())
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Returns the entries of the list `name`, or `None` when the request does not mention it.
    /// Keys whose index is not a number are ignored, like other unknown parameters.
    fn list(&self, name: &str) -> Option<ListEntries<'_>> {
        let prefix = format!("{name}.member.");
        let mut entries = ListEntries::new();
        for (key, value) in &self.0 {
            let Some(rest) = key.strip_prefix(&prefix) else {
                continue;
            };
            let (index, field) = rest.split_once('.').unwrap_or((rest, ""));
            if let Ok(index) = index.parse::<u32>() {
                entries.entry(index).or_default().insert(field, value);
            }
        }
        if entries.is_empty() && !self.0.contains_key(name) {
            return None;
        }
        Some(entries)
    }
}

/// Reads and checks the members of `GetWebIdentityToken`.
pub(crate) fn read_token_request(parameters: &QueryParameters) -> Result<TokenRequest, StsError> {
    let mut violations = Vec::new();
    let audiences = read_audiences(parameters, &mut violations);
    let algorithm = read_algorithm(parameters, &mut violations);
    let lifetime = read_lifetime(parameters, &mut violations);
    let tags = read_tags(parameters, &mut violations);

    match algorithm {
        Some(algorithm) if violations.is_empty() => Ok(TokenRequest {
            audiences,
            algorithm,
            lifetime,
            tags,
        }),
        _ => Err(StsError::validation(&violations)),
    }
}

fn read_audiences(parameters: &QueryParameters, violations: &mut Vec<String>) -> Vec<String> {
    let Some(entries) = parameters.list("Audience") else {
        violations.push(not_null("audience"));
        return Vec::new();
    };
    if entries.is_empty() {
        violations.push(constraint(
            "audience",
            "Member must have length greater than or equal to 1",
        ));
    }
    if entries.len() > MAX_AUDIENCES {
        violations.push(constraint(
            "audience",
            &format!("Member must have length less than or equal to {MAX_AUDIENCES}"),
        ));
    }

    let mut audiences = Vec::with_capacity(entries.len());
    for (index, fields) in entries {
        let audience = fields.get("").copied().unwrap_or_default();
        let member = format!("audience.{index}.member");
        check_length(&member, audience, 1, MAX_AUDIENCE_LEN, violations);
        audiences.push(audience.to_owned());
    }
    audiences
}

fn read_algorithm(
    parameters: &QueryParameters,
    violations: &mut Vec<String>,
) -> Option<SigningAlgorithm> {
    let Some(name) = parameters.get("SigningAlgorithm") else {
        violations.push(not_null("signingAlgorithm"));
        return None;
    };
    let algorithm = SigningAlgorithm::from_name(name);
    if algorithm.is_none() {
        let names: Vec<&str> = SigningAlgorithm::ALL
            .iter()
            .map(|algorithm| algorithm.name())
            .collect();
        violations.push(constraint(
            "signingAlgorithm",
            &format!("Member must satisfy enum value set: [{}]", names.join(", ")),
        ));
    }
    algorithm
}

fn read_lifetime(parameters: &QueryParameters, violations: &mut Vec<String>) -> Duration {
    let default = Duration::from_secs(DEFAULT_DURATION_SECONDS);
    let Some(text) = parameters.get("DurationSeconds") else {
        return default;
    };
    let Ok(seconds) = text.parse::<i64>() else {
        violations.push(constraint("durationSeconds", "Member must be an integer"));
        return default;
    };

    let bound = if seconds < MIN_DURATION_SECONDS {
        Some(format!("greater than or equal to {MIN_DURATION_SECONDS}"))
    } else if seconds > MAX_DURATION_SECONDS {
        Some(format!("less than or equal to {MAX_DURATION_SECONDS}"))
    } else {
        None
    };
    match bound {
        Some(bound) => {
            violations.push(format!(
                "Value '{seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value {bound}"
            ));
            default
        }
        None => Duration::from_secs(seconds.unsigned_abs()),
    }
}

fn read_tags(parameters: &QueryParameters, violations: &mut Vec<String>) -> Vec<(String, String)> {
    let Some(entries) = parameters.list("Tags") else {
        return Vec::new();
    };
    if entries.len() > MAX_TAGS {
        violations.push(constraint(
            "tags",
            &format!("Member must have length less than or equal to {MAX_TAGS}"),
        ));
    }

    let mut tags = Vec::with_capacity(entries.len());
    for (index, fields) in entries {
        let key_member = format!("tags.{index}.member.key");
        let value_member = format!("tags.{index}.member.value");
        let key = fields.get("Key").copied();
        let value = fields.get("Value").copied();
        match key {
            None => violations.push(not_null(&key_member)),
            Some(key) => {
                check_length(&key_member, key, 1, MAX_TAG_KEY_LEN, violations);
                check_tag_characters(&key_member, key, "+", violations);
            }
        }
        match value {
            None => violations.push(not_null(&value_member)),
            Some(value) => {
                check_length(&value_member, value, 0, MAX_TAG_VALUE_LEN, violations);
                check_tag_characters(&value_member, value, "*", violations);
            }
        }
        if let (Some(key), Some(value)) = (key, value) {
            tags.push((key.to_owned(), value.to_owned()));
        }
    }

    let mut keys: Vec<String> = tags.iter().map(|(key, _)| key.to_lowercase()).collect();
    keys.sort();
    if keys.windows(2).any(|pair| pair[0] == pair[1]) {
        violations.push(constraint(
            "tags",
            "Member must not contain duplicate keys, which are compared ignoring case",
        ));
    }
    tags
}

fn check_length(member: &str, text: &str, min: usize, max: usize, violations: &mut Vec<String>) {
    let len = text.chars().count();
    if len < min {
        violations.push(constraint(
            member,
            &format!("Member must have length greater than or equal to {min}"),
        ));
    } else if len > max {
        violations.push(constraint(
            member,
            &format!("Member must have length less than or equal to {max}"),
        ));
    }
}

/// Checks the tag pattern `[\p{L}\p{Z}\p{N}_.:/=+\-@]` followed by `quantifier`. Letters and
/// numbers are approximated by Rust's alphabetic and numeric character properties.
fn check_tag_characters(member: &str, text: &str, quantifier: &str, violations: &mut Vec<String>) {
    let allowed = |c: char| {
        c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
    };
    if !text.chars().all(allowed) {
        violations.push(constraint(
            member,
            &format!("Member must satisfy regular expression pattern: {TAG_PATTERN}{quantifier}"),
        ));
    }
}

fn not_null(member: &str) -> String {
    format!("Value null at '{member}' failed to satisfy constraint: Member must not be null")
}

fn constraint(member: &str, rule: &str) -> String {
    format!("Value at '{member}' failed to satisfy constraint: {rule}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Result<TokenRequest, StsError> {
        read_token_request(&QueryParameters::parse(body.as_bytes()))
    }

    fn violations(body: &str) -> String {
        read(body).unwrap_err().message().to_owned()
    }

    #[test]
    fn token_request_reads_every_member() {
        let request = read(
            "Audience.member.2=b&Audience.member.1=https%3A%2F%2Fa.example&SigningAlgorithm=RS256\
             &DurationSeconds=900&Tags.member.1.Key=team&Tags.member.1.Value=pay%20ments",
        )
        .unwrap();

        assert_eq!(request.audiences, ["https://a.example", "b"]);
        assert_eq!(request.algorithm, SigningAlgorithm::Rs256);
        assert_eq!(request.lifetime, Duration::from_mins(15));
        assert_eq!(request.tags, [("team".to_owned(), "pay ments".to_owned())]);
    }

    #[test]
    fn lifetime_defaults_to_300_seconds() {
        let request = read("Audience.member.1=a&SigningAlgorithm=ES384").unwrap();

        assert_eq!(request.lifetime, Duration::from_mins(5));
        assert!(request.tags.is_empty());
    }

    #[test]
    fn missing_audience_and_algorithm_rejected() {
        let message = violations("DurationSeconds=300");

        assert!(
            message.starts_with("2 validation errors detected"),
            "{message}"
        );
        assert!(message.contains("Value null at 'audience'"), "{message}");
        assert!(
            message.contains("Value null at 'signingAlgorithm'"),
            "{message}"
        );
    }

    #[test]
    fn empty_audience_list_rejected() {
        let message = violations("Audience=&SigningAlgorithm=ES384");

        assert!(
            message.contains("'audience' failed to satisfy constraint: Member must have length greater than or equal to 1"),
            "{message}"
        );
    }

    #[test]
    fn eleven_audiences_rejected() {
        let audiences: Vec<String> = (1..=11)
            .map(|n| format!("Audience.member.{n}=a{n}"))
            .collect();
        let message = violations(&format!("{}&SigningAlgorithm=ES384", audiences.join("&")));

        assert!(message.contains("less than or equal to 10"), "{message}");
    }

    #[test]
    fn unknown_algorithm_rejected() {
        let message = violations("Audience.member.1=a&SigningAlgorithm=HS256");

        assert!(
            message.contains("enum value set: [ES384, RS256]"),
            "{message}"
        );
    }

    #[test]
    fn lifetime_limits_are_inclusive() {
        for seconds in [60, 3600] {
            let body =
                format!("Audience.member.1=a&SigningAlgorithm=ES384&DurationSeconds={seconds}");
            assert!(read(&body).is_ok(), "{seconds} s should be accepted");
        }
        for seconds in ["59", "3601", "-1", "ten", "1.5"] {
            let body =
                format!("Audience.member.1=a&SigningAlgorithm=ES384&DurationSeconds={seconds}");
            let message = violations(&body);
            assert!(
                message.contains("'durationSeconds'"),
                "{seconds}: {message}"
            );
        }
    }

    #[test]
    fn tags_are_checked_per_member() {
        let message = violations(
            "Audience.member.1=a&SigningAlgorithm=ES384&Tags.member.1.Key=ok&Tags.member.2.Value=v\
             &Tags.member.3.Key=bad%21&Tags.member.3.Value=v",
        );

        assert!(message.contains("'tags.1.member.value'"), "{message}");
        assert!(message.contains("'tags.2.member.key'"), "{message}");
        assert!(message.contains("'tags.3.member.key'"), "{message}");
        assert!(message.contains("regular expression pattern"), "{message}");
    }

    #[test]
    fn duplicate_tag_keys_ignore_case() {
        let message = violations(
            "Audience.member.1=a&SigningAlgorithm=ES384&Tags.member.1.Key=Team&Tags.member.1.Value=a\
             &Tags.member.2.Key=team&Tags.member.2.Value=b",
        );

        assert!(message.contains("duplicate keys"), "{message}");
    }

    #[test]
    fn empty_tag_value_and_unicode_key_accepted() {
        let request = read(
            "Audience.member.1=a&SigningAlgorithm=ES384&Tags.member.1.Key=%C3%A9quipe&Tags.member.1.Value=",
        )
        .unwrap();

        assert_eq!(request.tags, [("équipe".to_owned(), String::new())]);
    }
}
