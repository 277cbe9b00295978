//! Parses the `key = value` arguments of a credential attribute.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Ident, Lit, LitStr, Path, Token};

use crate::attr::{Attribute, Key};
use crate::errors::Errors;
use crate::suggest;

/// Maximum length of a credential provider name, as AgentCore Identity accepts it.
const MAX_PROVIDER_LEN: usize = 128;

/// The arguments of one attribute, each set at most once.
///
/// A field stays `None` when its key is missing or its value is invalid, and `seen` tells
/// the two apart.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) provider: Option<LitStr>,
    /// The parameter name, spanned on the string literal it came from.
    pub(crate) into: Option<Ident>,
    pub(crate) krate: Option<Path>,
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
        Ok(()) => check_required(attribute, &args, errors),
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
    let value = take_value(meta.input)?;

    match key {
        Key::Provider => {
            args.provider = parse_provider(attribute, &key_ident, &value, errors);
        }
        Key::Into => {
            args.into = parse_into(attribute, &key_ident, &value, errors);
        }
        Key::Crate => {
            args.krate = parse_crate(attribute, &key_ident, &value, errors);
        }
    }
    Ok(())
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
    for key in attribute.required {
        if !args.has(*key) {
            let message = format!(
                "missing argument `{}` in `#[{}]`, write `#[{}({})]`",
                key.name(),
                attribute.name,
                attribute.name,
                key.example(),
            );
            errors.push(syn::Error::new(Span::call_site(), message));
        }
    }
}

fn parse_provider(
    attribute: &Attribute,
    key: &Ident,
    value: &TokenStream,
    errors: &mut Errors,
) -> Option<LitStr> {
    let lit = string(attribute, Key::Provider, key, value, errors)?;
    if let Err(error) = check_provider_name(attribute, &lit) {
        errors.push(error);
    }
    Some(lit)
}

/// Checks a provider name against the pattern `[a-zA-Z0-9\-_]+` and the maximum length
/// that AgentCore Identity applies to credential provider names.
fn check_provider_name(attribute: &Attribute, lit: &LitStr) -> syn::Result<()> {
    let name = lit.value();
    let attribute = attribute.name;
    if name.is_empty() {
        let message = format!(
            "empty provider name in `#[{attribute}]`, write the name of a credential provider such as `{}`",
            Key::Provider.example(),
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
    Ok(())
}

fn parse_into(
    attribute: &Attribute,
    key: &Ident,
    value: &TokenStream,
    errors: &mut Errors,
) -> Option<Ident> {
    let lit = string(attribute, Key::Into, key, value, errors)?;
    match lit.parse::<Ident>() {
        Ok(ident) => Some(ident),
        Err(_) => {
            let message = format!(
                "`into` in `#[{}]` names the parameter that receives the {}, so it must be an identifier such as `{}`, found {:?}",
                attribute.name,
                attribute.noun,
                Key::Into.example(),
                lit.value(),
            );
            errors.push(syn::Error::new(lit.span(), message));
            None
        }
    }
}

/// Parses `crate = path`, also accepting the path as a string as serde and tokio do.
fn parse_crate(
    attribute: &Attribute,
    key: &Ident,
    value: &TokenStream,
    errors: &mut Errors,
) -> Option<Path> {
    if let Some(Lit::Str(lit)) = single_literal(value) {
        return match lit.parse_with(Path::parse_mod_style) {
            Ok(path) => Some(path),
            Err(_) => {
                let message = format!(
                    "`crate` in `#[{}]` expects a path such as `{}`, found {:?}, which is not a path",
                    attribute.name,
                    Key::Crate.example(),
                    lit.value(),
                );
                errors.push(syn::Error::new(lit.span(), message));
                None
            }
        };
    }

    match Path::parse_mod_style.parse2(value.clone()) {
        Ok(path) => Some(path),
        Err(_) => {
            errors.push(wrong_type(attribute, Key::Crate, key, value, "a path"));
            None
        }
    }
}

/// Returns the value as a string literal, or pushes an error naming what was found.
fn string(
    attribute: &Attribute,
    key: Key,
    key_ident: &Ident,
    value: &TokenStream,
    errors: &mut Errors,
) -> Option<LitStr> {
    match single_literal(value) {
        Some(Lit::Str(lit)) => Some(lit),
        _ => {
            errors.push(wrong_type(attribute, key, key_ident, value, "a string"));
            None
        }
    }
}

fn wrong_type(
    attribute: &Attribute,
    key: Key,
    key_ident: &Ident,
    value: &TokenStream,
    expected: &str,
) -> syn::Error {
    let message = format!(
        "`{}` in `#[{}]` expects {expected} such as `{}`, found {}",
        key.name(),
        attribute.name,
        key.example(),
        describe(value),
    );
    if value.is_empty() {
        syn::Error::new(key_ident.span(), message)
    } else {
        syn::Error::new_spanned(value, message)
    }
}

fn missing_value(attribute: &Attribute, key: Key, key_ident: &Ident) -> syn::Error {
    let message = format!(
        "missing value for `{}` in `#[{}]`, write `{}`",
        key.name(),
        attribute.name,
        key.example(),
    );
    syn::Error::new(key_ident.span(), message)
}

/// Rewords a syntax error of the argument list so that it names the attribute.
fn syntax_error(attribute: &Attribute, error: &syn::Error) -> syn::Error {
    let message = format!(
        "invalid `#[{}]` arguments, expected `key = value` pairs separated by commas, such as `{}`",
        attribute.name,
        attribute.keys[0].example(),
    );
    syn::Error::new(error.span(), message)
}

/// Takes the tokens of one value, up to the next comma outside any brackets.
///
/// An expression is tried first so that commas inside generic arguments or closures stay
/// part of the value, and so that a missing comma after it is a syntax error.
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

fn single_literal(value: &TokenStream) -> Option<Lit> {
    let mut tokens = value.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(TokenTree::Literal(literal)), None) => Some(Lit::new(literal)),
        _ => None,
    }
}

/// Describes a value's kind for a wrong-type message, as in "found a number".
fn describe(value: &TokenStream) -> String {
    let tokens: Vec<TokenTree> = value.clone().into_iter().collect();
    match tokens.as_slice() {
        [] => "nothing".to_owned(),
        [TokenTree::Literal(literal)] => describe_literal(&Lit::new(literal.clone())).to_owned(),
        [TokenTree::Punct(minus), TokenTree::Literal(_)] if minus.as_char() == '-' => {
            "a number".to_owned()
        }
        [TokenTree::Ident(ident)] if ident == "true" || ident == "false" => "a boolean".to_owned(),
        [TokenTree::Group(group)] => match group.delimiter() {
            Delimiter::Bracket => "a list".to_owned(),
            Delimiter::Brace => "a block".to_owned(),
            Delimiter::Parenthesis | Delimiter::None => "a parenthesized expression".to_owned(),
        },
        _ => match syn::parse2::<Path>(value.clone()) {
            Ok(path) => format!("`{}`", path_to_string(&path)),
            Err(_) => "an expression".to_owned(),
        },
    }
}

fn describe_literal(lit: &Lit) -> &'static str {
    match lit {
        Lit::Str(_) => "a string",
        Lit::ByteStr(_) => "a byte string",
        Lit::CStr(_) => "a C string",
        Lit::Byte(_) => "a byte",
        Lit::Char(_) => "a character",
        Lit::Int(_) | Lit::Float(_) => "a number",
        Lit::Bool(_) => "a boolean",
        _ => "a literal",
    }
}

fn path_to_string(path: &Path) -> String {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    let joined = segments.join("::");
    match path.leading_colon {
        Some(_) => format!("::{joined}"),
        None => joined,
    }
}

/// Formats names as a list in backticks: "`a`, `b` and `c`".
pub(crate) fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.into_iter().map(|name| format!("`{name}`")).collect();
    match names.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
