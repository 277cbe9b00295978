//! Checks argument values beyond their type: names, flows, URLs, OAuth2 scopes and the
//! settings of IAM access tokens.

use std::ops::RangeInclusive;

use syn::{Ident, LitStr};

use crate::attr::{AuthFlow, Key, SigningAlgorithm};
use crate::suggest;
use crate::values::{RawArg, list};

/// Maximum length of a credential provider name, as AgentCore Identity accepts it.
const MAX_PROVIDER_LEN: usize = 128;

/// Lifetimes in seconds that STS `GetWebIdentityToken` accepts, the same range as the
/// runtime's `IAM_TOKEN_LIFETIME_SECONDS`.
const DURATION_SECONDS: RangeInclusive<u32> = 60..=3600;

/// Reads a credential provider name: 1 to 128 of `[a-zA-Z0-9\-_]`, the names AgentCore
/// Identity accepts.
pub(crate) fn provider(raw: &RawArg) -> syn::Result<LitStr> {
    let lit = raw.string()?;
    let name = lit.value();
    let attribute = raw.attribute.name;
    if name.is_empty() {
        let message = format!(
            "empty provider name in `#[{attribute}]`, write the name of a credential provider such as `{}`",
            raw.key.example(raw.attribute),
        );
        return Err(syn::Error::new(lit.span(), message));
    }

    let invalid = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'));
    if let Some(invalid) = invalid {
        let message = format!(
            "invalid character {invalid:?} in provider name {name:?} in `#[{attribute}]`, a provider name contains only ASCII letters, digits, `-` and `_`",
        );
        return Err(syn::Error::new(lit.span(), message));
    }

    if name.len() > MAX_PROVIDER_LEN {
        let message = format!(
            "provider name in `#[{attribute}]` is {} characters long, the maximum is {MAX_PROVIDER_LEN}",
            name.len(),
        );
        return Err(syn::Error::new(lit.span(), message));
    }
    Ok(lit)
}

/// Reads the name of the parameter that receives the credential, spanned on the string.
pub(crate) fn into(raw: &RawArg) -> syn::Result<Ident> {
    let lit = raw.string()?;
    lit.parse::<Ident>().map_err(|_| {
        let message = format!(
            "{} names the parameter that receives the {}, so it must be an identifier such as `{}`, found {:?}",
            raw.subject(),
            raw.attribute.noun,
            raw.key.example(raw.attribute),
            lit.value(),
        );
        syn::Error::new(lit.span(), message)
    })
}

pub(crate) fn auth_flow(raw: &RawArg) -> syn::Result<AuthFlow> {
    one_of(
        raw,
        &AuthFlow::ALL,
        AuthFlow::name,
        ("OAuth2 flow", "flows"),
    )
}

pub(crate) fn signing_algorithm(raw: &RawArg) -> syn::Result<SigningAlgorithm> {
    let nouns = ("signing algorithm", "algorithms");
    one_of(raw, &SigningAlgorithm::ALL, SigningAlgorithm::name, nouns)
}

/// Reads a string that must name one of `choices`. Otherwise the error suggests the nearest
/// name and lists them all, calling them by the singular and plural of `nouns`.
fn one_of<T: Copy>(
    raw: &RawArg,
    choices: &[T],
    name: fn(T) -> &'static str,
    (singular, plural): (&str, &str),
) -> syn::Result<T> {
    let lit = raw.string()?;
    let value = lit.value();
    if let Some(choice) = choices
        .iter()
        .copied()
        .find(|choice| name(*choice) == value)
    {
        return Ok(choice);
    }

    let names = choices.iter().map(|choice| name(*choice));
    let accepted = list(names.clone());
    let problem = format!(
        "unknown {singular} {value:?} in `#[{}]`",
        raw.attribute.name
    );
    let message = match suggest::closest(&value, names) {
        Some(suggestion) => format!(
            "{problem}, did you mean `{} = \"{suggestion}\"`? The {plural} are {accepted}",
            raw.key.name(),
        ),
        None => format!("{problem}, the {plural} are {accepted}"),
    };
    Err(syn::Error::new(lit.span(), message))
}

/// Reads OAuth2 scopes, each a non-empty scope token of RFC 6749 section 3.3: printable
/// ASCII without spaces, `"` or `\`.
pub(crate) fn scopes(raw: &RawArg) -> syn::Result<Vec<LitStr>> {
    let scopes = raw.string_list()?;
    for scope in &scopes {
        let value = scope.value();
        let valid = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\');
        if !valid {
            let message = format!(
                "invalid scope {value:?} in `#[{}]`, a scope is one or more printable ASCII characters other than space, `\"` and `\\`, so write several scopes as separate strings such as `{}`",
                raw.attribute.name,
                raw.key.example(raw.attribute),
            );
            return Err(syn::Error::new(scope.span(), message));
        }
    }
    Ok(scopes)
}

/// Reads the return URL of the user-federation flow, which must be an absolute `http` or
/// `https` URL.
pub(crate) fn callback_url(raw: &RawArg) -> syn::Result<LitStr> {
    let lit = raw.string()?;
    let value = lit.value();
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let has_host = rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    if has_host && !value.chars().any(char::is_whitespace) {
        return Ok(lit);
    }

    let message = format!(
        "invalid callback URL {value:?} in `#[{}]`, write an absolute `http` or `https` URL such as `{}`",
        raw.attribute.name,
        Key::CallbackUrl.example(raw.attribute),
    );
    Err(syn::Error::new(lit.span(), message))
}

/// Reads a list of non-empty strings, as `resources` and `audiences` take.
pub(crate) fn non_empty_strings(raw: &RawArg) -> syn::Result<Vec<LitStr>> {
    let strings = raw.string_list()?;
    match strings.iter().find(|string| string.value().is_empty()) {
        Some(empty) => {
            let message = format!("empty string in {}", raw.subject());
            Err(syn::Error::new(empty.span(), message))
        }
        None => Ok(strings),
    }
}

/// Reads custom parameters, whose names must be non-empty and distinct.
pub(crate) fn custom_parameters(raw: &RawArg) -> syn::Result<Vec<(LitStr, LitStr)>> {
    let parameters = raw.string_map()?;
    check_map_keys(raw, &parameters, "parameter name", "parameter")?;
    Ok(parameters)
}

/// Reads the tags of an IAM access token, whose keys must be non-empty and distinct.
pub(crate) fn tags(raw: &RawArg) -> syn::Result<Vec<(LitStr, LitStr)>> {
    let tags = raw.string_map()?;
    check_map_keys(raw, &tags, "tag key", "tag key")?;
    Ok(tags)
}

/// Rejects an empty or repeated key in a map. `empty` and `repeated` name the key in the two
/// messages, as in "empty tag key" and "duplicate tag key \"team\"".
fn check_map_keys(
    raw: &RawArg,
    entries: &[(LitStr, LitStr)],
    empty: &str,
    repeated: &str,
) -> syn::Result<()> {
    for (index, (key, _)) in entries.iter().enumerate() {
        let value = key.value();
        if value.is_empty() {
            let message = format!("empty {empty} in {}", raw.subject());
            return Err(syn::Error::new(key.span(), message));
        }
        if entries[..index]
            .iter()
            .any(|(earlier, _)| earlier.value() == value)
        {
            let message = format!(
                "duplicate {repeated} {value:?} in {}, remove one of the two",
                raw.subject(),
            );
            return Err(syn::Error::new(key.span(), message));
        }
    }
    Ok(())
}

/// Reads the audiences of an IAM access token: a list of at least one non-empty string.
pub(crate) fn audience(raw: &RawArg) -> syn::Result<Vec<LitStr>> {
    let audiences = non_empty_strings(raw)?;
    if audiences.is_empty() {
        let message = format!(
            "empty list in {}, write at least one audience such as `{}`",
            raw.subject(),
            raw.key.example(raw.attribute),
        );
        return Err(syn::Error::new_spanned(&raw.value, message));
    }
    Ok(audiences)
}

/// Reads the lifetime of an IAM access token, in the seconds STS accepts.
pub(crate) fn duration_seconds(raw: &RawArg) -> syn::Result<u32> {
    let digits = raw.integer()?;
    match digits.parse::<u32>() {
        Ok(seconds) if DURATION_SECONDS.contains(&seconds) => Ok(seconds),
        _ => {
            let message = format!(
                "{} is out of range, expected {} to {} seconds, found {digits}",
                raw.subject(),
                DURATION_SECONDS.start(),
                DURATION_SECONDS.end(),
            );
            Err(syn::Error::new_spanned(&raw.value, message))
        }
    }
}
