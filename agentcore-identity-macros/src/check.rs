//! Checks that a function can take a credential attribute and finds the credential parameter.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{Attribute, FnArg, Ident, Pat, ReturnType, Signature, Token, Type};

use crate::args::Args;
use crate::attr::{self, Key};
use crate::errors::Errors;
use crate::function::{Body, Function};
use crate::suggest;
use crate::values::list;

/// The parameter that receives the credential, removed from the signature by the expansion.
pub(crate) struct Target {
    /// Position in the signature's inputs, counting a receiver.
    pub(crate) index: usize,
    /// Attributes of the parameter, such as `#[cfg]`, which move to the generated binding.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) mutability: Option<Token![mut]>,
    pub(crate) ident: Ident,
    pub(crate) ty: Box<Type>,
}

/// Checks the function's shape and returns its credential parameter, pushing every misuse
/// to `errors`.
///
/// `output` is the type the body evaluates to. It is the declared return type, or, when
/// `boxed` is true, the `Output` of the boxed future of a method that `#[async_trait]` already
/// rewrote.
pub(crate) fn check(
    attribute: &attr::Attribute,
    args: &Args,
    function: &Function,
    output: Option<&Type>,
    boxed: bool,
    errors: &mut Errors,
) -> Option<Target> {
    let sig = &function.sig;
    for error in [
        check_constness(attribute, sig),
        check_abi(attribute, sig),
        check_variadic(attribute, sig),
        check_body(attribute, &function.body),
        check_output(attribute, sig, output, boxed),
    ] {
        if let Err(error) = error {
            errors.push(error);
        }
    }

    // An invalid or unread `into` is already reported, and guessing the parameter without it
    // would add noise.
    if args.incomplete || (args.has(Key::Into) && args.into.is_none()) {
        return None;
    }
    find_target(attribute, args, sig)
        .map_err(|error| errors.push(error))
        .ok()
}

fn check_constness(attribute: &attr::Attribute, sig: &Signature) -> syn::Result<()> {
    let Some(constness) = &sig.constness else {
        return Ok(());
    };
    let message = format!(
        "`#[{}]` cannot be used on a `const fn` because the {} is fetched at run time, remove `const`",
        attribute.name, attribute.noun,
    );
    Err(syn::Error::new(constness.span, message))
}

/// Accepts no ABI or `extern "Rust"`, the ABI of a plain `fn`.
fn check_abi(attribute: &attr::Attribute, sig: &Signature) -> syn::Result<()> {
    let Some(abi) = &sig.abi else {
        return Ok(());
    };
    if abi.name.as_ref().is_some_and(|name| name.value() == "Rust") {
        return Ok(());
    }
    let message = format!(
        "`#[{}]` cannot be used on an `extern` function, put it on a Rust function and call that one from `{}`",
        attribute.name, sig.ident,
    );
    Err(syn::Error::new_spanned(abi, message))
}

fn check_variadic(attribute: &attr::Attribute, sig: &Signature) -> syn::Result<()> {
    let Some(variadic) = &sig.variadic else {
        return Ok(());
    };
    let message = format!(
        "`#[{}]` cannot be used on a variadic function, remove `...`",
        attribute.name,
    );
    Err(syn::Error::new_spanned(variadic.dots, message))
}

fn check_body(attribute: &attr::Attribute, body: &Body) -> syn::Result<()> {
    let Body::Missing(semi) = body else {
        return Ok(());
    };
    let message = format!(
        "`#[{}]` needs a function body to fetch the {} in, put it on the method in the `impl` block or give the trait method a default body",
        attribute.name, attribute.noun,
    );
    Err(syn::Error::new(semi.span, message))
}

/// Rejects a function that returns `()`, which has no way to report a failed fetch.
///
/// Other return types are checked by the compiler through the runtime's `IdentityResult`
/// trait, whose message then points at the return type.
fn check_output(
    attribute: &attr::Attribute,
    sig: &Signature,
    output: Option<&Type>,
    boxed: bool,
) -> syn::Result<()> {
    let span = match output {
        // `#[async_trait]` writes `()` for a method without a return type.
        Some(Type::Tuple(unit)) if unit.elems.is_empty() && !boxed => unit.paren_token.span.join(),
        Some(Type::Tuple(unit)) if unit.elems.is_empty() => sig.paren_token.span.close(),
        None => sig.paren_token.span.close(),
        Some(_) => return Ok(()),
    };
    let message = format!(
        "`{}` must return a `Result` to report a failure to fetch the {} of `#[{}]`, add a return type such as `-> Result<(), agentcore_identity_runtime::Error>`",
        sig.ident, attribute.noun, attribute.name,
    );
    Err(syn::Error::new(span, message))
}

/// Returns the type the function's body evaluates to, if it declares one.
pub(crate) fn declared_output(sig: &Signature) -> Option<&Type> {
    match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => Some(ty),
    }
}

fn find_target(attribute: &attr::Attribute, args: &Args, sig: &Signature) -> syn::Result<Target> {
    let name = match &args.into {
        Some(into) => into.value.unraw(),
        None => Ident::new(attribute.default_into, Span::call_site()),
    };

    for (index, input) in sig.inputs.iter().enumerate() {
        let FnArg::Typed(param) = input else {
            continue;
        };
        match &*param.pat {
            Pat::Ident(pat) if pat.ident.unraw() == name => {
                if pat.by_ref.is_some() || pat.subpat.is_some() {
                    return Err(pattern_error(attribute, &name, &param.pat));
                }
                return Ok(Target {
                    index,
                    attrs: param.attrs.clone(),
                    mutability: pat.mutability,
                    ident: pat.ident.clone(),
                    ty: param.ty.clone(),
                });
            }
            pat if mentions(pat.to_token_stream(), &name) => {
                return Err(pattern_error(attribute, &name, pat));
            }
            _ => {}
        }
    }
    Err(not_found(attribute, args, sig, &name))
}

fn mentions(tokens: TokenStream, name: &Ident) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident.unraw() == *name,
        TokenTree::Group(group) => mentions(group.stream(), name),
        TokenTree::Punct(_) | TokenTree::Literal(_) => false,
    })
}

fn pattern_error(attribute: &attr::Attribute, name: &Ident, pat: &Pat) -> syn::Error {
    let message = format!(
        "`#[{}]` moves the {} into `{name}`, so that parameter must be a plain name, write `{name}: SecretString` or `mut {name}: SecretString`",
        attribute.name, attribute.noun,
    );
    syn::Error::new_spanned(pat, message)
}

fn not_found(
    attribute: &attr::Attribute,
    args: &Args,
    sig: &Signature,
    name: &Ident,
) -> syn::Error {
    let params = plain_params(sig);
    let function = &sig.ident;
    let problem = format!(
        "`{function}` has no parameter `{name}` to receive the {} of `#[{}]`",
        attribute.noun, attribute.name,
    );

    let names = params.iter().map(|(ident, _)| ident.as_str());
    let suggestion =
        suggest::closest(&name.to_string(), names.clone()).or_else(|| only_secret_param(&params));
    let message = match (suggestion, params.is_empty()) {
        (Some(suggestion), _) => format!("{problem}, did you mean `into = \"{suggestion}\"`?"),
        (None, true) => format!("{problem}, add `{name}: SecretString` to its parameters"),
        (None, false) => format!(
            "{problem}, add `{name}: SecretString` or name one of {} in `into`",
            list(names),
        ),
    };

    match &args.into {
        Some(into) => syn::Error::new(into.value.span(), message),
        None => syn::Error::new(Span::call_site(), message),
    }
}

/// Lists the parameters bound to a plain name, with the last segment of their type.
fn plain_params(sig: &Signature) -> Vec<(String, String)> {
    sig.inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(param) => match (&*param.pat, &*param.ty) {
                (Pat::Ident(pat), Type::Path(ty)) => Some((
                    pat.ident.unraw().to_string(),
                    ty.path
                        .segments
                        .last()
                        .map(|segment| segment.ident.to_string())
                        .unwrap_or_default(),
                )),
                (Pat::Ident(pat), _) => Some((pat.ident.unraw().to_string(), String::new())),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect()
}

/// Returns the one parameter declared as a `SecretString`, which is the likely target.
fn only_secret_param(params: &[(String, String)]) -> Option<&str> {
    let mut secrets = params.iter().filter(|(_, ty)| ty == "SecretString");
    match (secrets.next(), secrets.next()) {
        (Some((name, _)), None) => Some(name),
        _ => None,
    }
}
