//! Builds the expansion: removes the credential parameter and fetches the credential at the
//! start of the body.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Pat, Signature, Stmt};

use crate::args::{self, Args};
use crate::async_trait;
use crate::attr::Attribute;
use crate::check::{self, Target};
use crate::errors::Errors;
use crate::function::{self, Body, Function};
use crate::request::{self, Runtime};

/// Expands `attribute` with its argument tokens on `item`.
///
/// Any misuse yields `compile_error!` invocations next to the unchanged item.
pub(crate) fn expand(attribute: &Attribute, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = args::parse(attribute, args, &mut errors);
    let mut function = match function::parse(attribute, item.clone()) {
        Ok(function) => function,
        Err(error) => {
            errors.push(error);
            return errors.into_output(item);
        }
    };

    let boxed_output = async_trait::boxed_output(&function.sig, &function.body).cloned();
    let output = boxed_output
        .as_ref()
        .or_else(|| check::declared_output(&function.sig));
    let output_range = output.map_or_else(|| SpanRange::of(&function.sig.ident), SpanRange::of);
    let boxed = boxed_output.is_some();
    let target = check::check(attribute, &args, &function, output, boxed, &mut errors);

    match target {
        Some(target) if errors.is_empty() => {
            let shape = Shape {
                boxed,
                output_range,
            };
            rewrite(attribute, &args, &mut function, &target, &shape);
            function.into_token_stream()
        }
        _ => errors.into_output(item),
    }
}

/// What the binding depends on besides the arguments and the parameter.
struct Shape {
    /// Whether `#[async_trait]` already moved the body into a boxed async block.
    boxed: bool,
    /// The type the body evaluates to, where a wrong return type is reported.
    output_range: SpanRange,
}

// An `async fn` or a plain `fn`
//
//     async fn ask(prompt: &str, api_key: SecretString) -> R { body }
//
// loses the credential parameter and binds it first thing in its body:
//
//     async fn ask(prompt: &str) -> R { let api_key: SecretString = <fetch>; body }
//
// A method rewritten by `#[async_trait]` gets the binding inside its async block, in place of
// the `let api_key = api_key;` that `#[async_trait]` wrote there.
fn rewrite(
    attribute: &Attribute,
    args: &Args,
    function: &mut Function,
    target: &Target,
    shape: &Shape,
) {
    remove_input(&mut function.sig, target.index);
    let Body::Block { stmts, .. } = &mut function.body else {
        return;
    };

    if shape.boxed {
        if let Some(stmts) = async_trait::async_block_stmts(stmts) {
            let (position, mutability) = take_rebinding(stmts, &target.ident);
            let target = Target {
                mutability: mutability.or(target.mutability),
                ..clone_target(target)
            };
            let binding = binding(attribute, args, &function.sig, &target, shape, true);
            stmts.insert(position, binding);
        }
    } else {
        let is_async = function.sig.asyncness.is_some();
        let binding = binding(attribute, args, &function.sig, target, shape, is_async);
        stmts.insert(0, binding);
    }
}

fn remove_input(sig: &mut Signature, index: usize) {
    let had_trailing_comma = sig.inputs.trailing_punct();
    let mut inputs: Punctuated<_, _> = std::mem::take(&mut sig.inputs)
        .into_pairs()
        .enumerate()
        .filter(|(position, _)| *position != index)
        .map(|(_, pair)| pair)
        .collect();

    // Removing the last parameter leaves the comma that preceded it.
    if !had_trailing_comma && let Some(last) = inputs.pop() {
        inputs.push_value(last.into_value());
    }
    sig.inputs = inputs;
}

/// Removes `let [mut] ident = ident;` and returns where it was, with its `mut`.
fn take_rebinding(stmts: &mut Vec<Stmt>, ident: &Ident) -> (usize, Option<syn::token::Mut>) {
    let found = stmts.iter().position(|stmt| {
        let Stmt::Local(local) = stmt else {
            return false;
        };
        let (Pat::Ident(pat), Some(init)) = (&local.pat, &local.init) else {
            return false;
        };
        let Expr::Path(value) = &*init.expr else {
            return false;
        };
        pat.ident == *ident && value.path.is_ident(ident) && init.diverge.is_none()
    });

    match found {
        Some(position) => match stmts.remove(position) {
            Stmt::Local(syn::Local {
                pat: Pat::Ident(pat),
                ..
            }) => (position, pat.mutability),
            _ => (position, None),
        },
        None => (0, None),
    }
}

fn clone_target(target: &Target) -> Target {
    Target {
        index: target.index,
        attrs: target.attrs.clone(),
        mutability: target.mutability,
        ident: target.ident.clone(),
        ty: target.ty.clone(),
    }
}

// The binding, for `#[requires_api_key(provider = "openai")]` on `async fn ask`:
//
//     let api_key: SecretString = {
//         static __AGENTCORE_SPEC: ApiKeySpec = ApiKeySpec { provider: "openai", function: "ask" };
//         fn __agentcore_fetched() {}
//         match fetch_api_key(&__AGENTCORE_SPEC).await {
//             Ok(__agentcore_fetched) => credential(__agentcore_fetched),
//             Err(__agentcore_fetched) => return identity_error(__agentcore_fetched),
//         }
//     };
//
// with every runtime item reached through `::agentcore_identity_runtime::__private`.
// `credential` is spanned on the parameter's type and `identity_error` on the return type,
// so that the runtime traits' messages for a wrong type point at the user's code.
//
// The block keeps the static out of the body's scope. The local names are mixed-site, so no
// user variable can clash with them, but a pattern takes a constant or unit struct in scope
// for a constant pattern whatever the span. The empty `fn` hides any such item of the same
// name inside the block, and a binding may shadow a function.
fn binding(
    attribute: &Attribute,
    args: &Args,
    sig: &Signature,
    target: &Target,
    shape: &Shape,
    is_async: bool,
) -> Stmt {
    let runtime = Runtime::new(args);
    let spec_name = Ident::new("__AGENTCORE_SPEC", Span::mixed_site());
    let fetched = Ident::new("__agentcore_fetched", Span::mixed_site());

    let (spec_type, spec_value) = request::spec(attribute, args, &sig.ident, &runtime);
    let fetch = request::fetch(attribute, args, &runtime, &spec_name, is_async);
    let private = runtime.private();
    let credential = spanned_call(&private, "credential", &fetched, SpanRange::of(&target.ty));
    let identity_error = spanned_call(&private, "identity_error", &fetched, shape.output_range);

    let Target {
        attrs,
        mutability,
        ident,
        ty,
        ..
    } = target;
    let tokens = quote! {
        #(#attrs)*
        let #mutability #ident: #ty = {
            static #spec_name: #spec_type = #spec_value;
            #[allow(dead_code)]
            fn #fetched() {}
            match #fetch {
                ::core::result::Result::Ok(#fetched) => #credential,
                ::core::result::Result::Err(#fetched) => return #identity_error,
            }
        };
    };
    Stmt::Expr(Expr::Verbatim(tokens), None)
}

/// The spans of the first and last token of some user code.
#[derive(Clone, Copy)]
struct SpanRange {
    first: Span,
    last: Span,
}

impl SpanRange {
    fn of(tokens: &impl ToTokens) -> SpanRange {
        let mut tokens = tokens.to_token_stream().into_iter();
        let first = tokens
            .next()
            .map_or_else(Span::call_site, |token| token.span());
        let last = tokens.last().map_or(first, |token| token.span());
        SpanRange { first, last }
    }
}

/// Builds `runtime::function(argument)` so that it spans `range`.
///
/// The compiler reports an unsatisfied bound of `function` on the whole call, and a call whose
/// path starts at `range.first` and whose parentheses end at `range.last` covers exactly the
/// user's tokens. This is how a wrong parameter or return type gets its error underlined.
fn spanned_call(
    runtime: &TokenStream,
    function: &str,
    argument: &Ident,
    range: SpanRange,
) -> TokenStream {
    let function = Ident::new(function, range.first);
    let path = respan(quote!(#runtime::#function), range.first);
    let mut parentheses = Group::new(Delimiter::Parenthesis, argument.to_token_stream());
    parentheses.set_span(range.last);
    quote!(#path #parentheses)
}

/// Gives every token the same span.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut respanned = Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                token = TokenTree::Group(respanned);
            }
            token.set_span(span);
            token
        })
        .collect()
}
