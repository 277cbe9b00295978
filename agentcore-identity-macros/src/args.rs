//! Parses the `key = value` arguments of a credential attribute.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Ident, LitBool, LitStr, Path, Token};

use crate::attr::{Attribute, AuthFlow, Key, SigningAlgorithm};
use crate::errors::Errors;
use crate::suggest;
use crate::validation;
use crate::values::{RawArg, list, path_to_string};

/// An argument value next to the key that introduced it, so that later errors can point at
/// either one.
pub(crate) struct Arg<T> {
    pub(crate) key: Ident,
    pub(crate) value: T,
}

/// The arguments of one attribute, each set at most once.
///
/// A field stays `None` when its key is missing or its value is invalid, and `seen` tells
/// the two apart.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) provider: Option<Arg<LitStr>>,
    pub(crate) scopes: Option<Arg<Vec<LitStr>>>,
    pub(crate) auth_flow: Option<Arg<AuthFlow>>,
    /// The parameter name, spanned on the string literal it came from.
    pub(crate) into: Option<Arg<Ident>>,
    pub(crate) on_auth_url: Option<Arg<Expr>>,
    pub(crate) callback_url: Option<Arg<LitStr>>,
    pub(crate) force_authentication: Option<Arg<LitBool>>,
    pub(crate) token_poller: Option<Arg<Expr>>,
    pub(crate) custom_state: Option<Arg<LitStr>>,
    pub(crate) custom_parameters: Option<Arg<Vec<(LitStr, LitStr)>>>,
    pub(crate) resources: Option<Arg<Vec<LitStr>>>,
    pub(crate) audiences: Option<Arg<Vec<LitStr>>>,
    pub(crate) audience: Option<Arg<Vec<LitStr>>>,
    pub(crate) signing_algorithm: Option<Arg<SigningAlgorithm>>,
    pub(crate) duration_seconds: Option<Arg<u32>>,
    pub(crate) tags: Option<Arg<Vec<(LitStr, LitStr)>>>,
    pub(crate) krate: Option<Arg<Path>>,
    seen: Vec<Key>,
    /// Whether a syntax error stopped the parse, leaving later arguments unread.
    pub(crate) incomplete: bool,
}

impl Args {
    /// Returns whether the attribute has `key`, with a valid value or not.
    pub(crate) fn has(&self, key: Key) -> bool {
        self.seen.contains(&key)
    }
}

/// Parses the arguments of `attribute`, pushing every misuse to `errors`.
///
/// A value with a wrong type or a duplicate key does not stop the parse, so all such
/// mistakes are reported together. Only a syntax error that leaves no way to find the next
/// argument stops it.
pub(crate) fn parse(attribute: &Attribute, tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| parse_arg(attribute, &mut args, &meta, errors));

    match parser.parse2(tokens) {
        Ok(()) => {
            check_required(attribute, &args, errors);
            check_flow_arguments(attribute, &args, errors);
        }
        Err(error) => {
            errors.push(syntax_error(attribute, &error));
            args.incomplete = true;
        }
    }
    args
}

fn parse_arg(
    attribute: &Attribute,
    args: &mut Args,
    meta: &ParseNestedMeta,
    errors: &mut Errors,
) -> syn::Result<()> {
    let name = path_to_string(&meta.path);
    let known = attribute.keys.iter().find(|key| key.name() == name);
    let (Some(&key), Some(key_ident)) = (known, meta.path.get_ident()) else {
        let (error, suggestion) = unknown_key(attribute, &meta.path, &name);
        errors.push(error);
        // A misspelled key reads as the key it suggests, so it is not reported missing too.
        args.seen.extend(suggestion);
        return skip_value(meta.input);
    };
    let key_ident = key_ident.clone();
    if !mark_seen(attribute, args, key, &key_ident, errors) {
        return skip_value(meta.input);
    }
    if !meta.input.peek(Token![=]) {
        errors.push(missing_value(attribute, key, &key_ident));
        return skip_value(meta.input);
    }

    meta.input.parse::<Token![=]>()?;
    let raw = RawArg {
        attribute,
        key,
        key_ident,
        value: take_value(meta.input)?,
    };
    if let Err(error) = store(args, &raw) {
        errors.push(error);
    }
    Ok(())
}

/// Checks the value of `raw` and stores it in the field of its key.
fn store(args: &mut Args, raw: &RawArg) -> syn::Result<()> {
    let key = raw.key_ident.clone();
    match raw.key {
        Key::Provider => args.provider = Some(arg(key, validation::provider(raw)?)),
        Key::Scopes => args.scopes = Some(arg(key, validation::scopes(raw)?)),
        Key::AuthFlow => args.auth_flow = Some(arg(key, validation::auth_flow(raw)?)),
        Key::Into => args.into = Some(arg(key, validation::into(raw)?)),
        Key::OnAuthUrl => args.on_auth_url = Some(arg(key, raw.expr()?)),
        Key::CallbackUrl => args.callback_url = Some(arg(key, validation::callback_url(raw)?)),
        Key::ForceAuthentication => args.force_authentication = Some(arg(key, raw.bool()?)),
        Key::TokenPoller => args.token_poller = Some(arg(key, raw.expr()?)),
        Key::CustomState => args.custom_state = Some(arg(key, raw.string()?)),
        Key::CustomParameters => {
            args.custom_parameters = Some(arg(key, validation::custom_parameters(raw)?));
        }
        Key::Resources => args.resources = Some(arg(key, validation::non_empty_strings(raw)?)),
        Key::Audiences => args.audiences = Some(arg(key, validation::non_empty_strings(raw)?)),
        Key::Audience => args.audience = Some(arg(key, validation::audience(raw)?)),
        Key::SigningAlgorithm => {
            args.signing_algorithm = Some(arg(key, validation::signing_algorithm(raw)?));
        }
        Key::DurationSeconds => {
            args.duration_seconds = Some(arg(key, validation::duration_seconds(raw)?));
        }
        Key::Tags => args.tags = Some(arg(key, validation::tags(raw)?)),
        Key::Crate => args.krate = Some(arg(key, raw.path()?)),
    }
    Ok(())
}

fn arg<T>(key: Ident, value: T) -> Arg<T> {
    Arg { key, value }
}

/// Builds the unknown-argument error, which lists the accepted keys and suggests the one
/// `name` most likely misspells.
fn unknown_key(attribute: &Attribute, path: &Path, name: &str) -> (syn::Error, Option<Key>) {
    let names = attribute.keys.iter().map(|key| key.name());
    let accepted = list(names.clone());
    let suggestion = suggest::closest(name, names)
        .and_then(|suggestion| attribute.keys.iter().find(|key| key.name() == suggestion));

    let message = match suggestion {
        Some(suggestion) => format!(
            "unknown argument `{name}` in `#[{}]`, did you mean `{}`? The accepted arguments are {accepted}",
            attribute.name,
            suggestion.name(),
        ),
        None => format!(
            "unknown argument `{name}` in `#[{}]`, the accepted arguments are {accepted}",
            attribute.name,
        ),
    };
    (syn::Error::new_spanned(path, message), suggestion.copied())
}

/// Records that the attribute has `key`, or reports the key when it is repeated.
///
/// Returns whether the value should be parsed and stored, which is only the first time.
fn mark_seen(
    attribute: &Attribute,
    args: &mut Args,
    key: Key,
    key_ident: &Ident,
    errors: &mut Errors,
) -> bool {
    if args.has(key) {
        let message = format!(
            "duplicate argument `{key_ident}` in `#[{}]`, remove one of the two",
            attribute.name,
        );
        errors.push(syn::Error::new(key_ident.span(), message));
        return false;
    }
    args.seen.push(key);
    true
}

fn check_required(attribute: &Attribute, args: &Args, errors: &mut Errors) {
    let missing: Vec<Key> = attribute
        .required
        .iter()
        .copied()
        .filter(|key| !args.has(*key))
        .collect();
    if missing.is_empty() {
        return;
    }

    let names = list(missing.iter().map(|key| key.name()));
    let examples: Vec<String> = missing.iter().map(|key| key.example(attribute)).collect();
    let message = format!(
        "missing {} {names} in `#[{}]`, write `#[{}({})]`",
        if missing.len() == 1 {
            "argument"
        } else {
            "arguments"
        },
        attribute.name,
        attribute.name,
        examples.join(", "),
    );
    errors.push(syn::Error::new(Span::call_site(), message));
}

/// Rejects the arguments that only the user-federation flow uses under another flow.
fn check_flow_arguments(attribute: &Attribute, args: &Args, errors: &mut Errors) {
    let Some(flow) = &args.auth_flow else {
        return;
    };
    if flow.value == AuthFlow::UserFederation {
        return;
    }

    let keys = [
        args.on_auth_url.as_ref().map(|arg| &arg.key),
        args.callback_url.as_ref().map(|arg| &arg.key),
        args.force_authentication.as_ref().map(|arg| &arg.key),
        args.token_poller.as_ref().map(|arg| &arg.key),
        args.custom_state.as_ref().map(|arg| &arg.key),
    ];
    for key in keys.into_iter().flatten() {
        let message = format!(
            "`{key}` in `#[{}]` applies only to `auth_flow = \"USER_FEDERATION\"`, but `auth_flow` is \"{}\", so remove `{key}`",
            attribute.name,
            flow.value.name(),
        );
        errors.push(syn::Error::new(key.span(), message));
    }
}

fn missing_value(attribute: &Attribute, key: Key, key_ident: &Ident) -> syn::Error {
    let message = format!(
        "missing value for `{}` in `#[{}]`, write `{}`",
        key.name(),
        attribute.name,
        key.example(attribute),
    );
    syn::Error::new(key_ident.span(), message)
}

/// Rewords a syntax error of the argument list so that it names the attribute.
fn syntax_error(attribute: &Attribute, error: &syn::Error) -> syn::Error {
    let example = attribute
        .required
        .first()
        .unwrap_or(&Key::Into)
        .example(attribute);
    let message = format!(
        "invalid `#[{}]` arguments, expected `key = value` pairs separated by commas, such as `{example}`",
        attribute.name,
    );
    syn::Error::new(error.span(), message)
}

/// Takes the tokens of one value, up to the next comma outside any brackets.
///
/// An expression is tried first so that commas inside generic arguments or closures stay
/// part of the value, and so that a missing comma after it is a syntax error. Values that are
/// no expression, such as a map of custom parameters, are taken token by token.
fn take_value(input: ParseStream) -> syn::Result<TokenStream> {
    if input.fork().parse::<Expr>().is_ok() {
        let value = input.parse::<Expr>()?;
        if !input.is_empty() && !input.peek(Token![,]) {
            return Err(input.error("expected `,`"));
        }
        return Ok(value.into_token_stream());
    }

    let mut tokens = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend([input.parse::<TokenTree>()?]);
    }
    Ok(tokens)
}

/// Skips an unknown argument's value so that the arguments after it are still checked.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
    }
    take_value(input).map(drop)
}
