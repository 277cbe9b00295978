//! Attribute macros that fetch a credential from Amazon Bedrock AgentCore Identity before a
//! function body runs.
//!
//! Use them through `agentcore-identity-runtime`, which re-exports them and provides
//! everything their expansion calls.

#![allow(
    // Product names such as AgentCore read better without backticks.
    clippy::doc_markdown,
    // A `match` on `Ok` and `Err` reads better than `if let` with `else` here.
    clippy::single_match_else
)]

mod args;
mod async_trait;
mod attr;
mod check;
mod errors;
mod expand;
mod function;
mod request;
mod suggest;
mod validation;
mod values;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

// The examples use the runtime crate, which is not a dependency of this one, so this crate's
// doctests leave the text out. The runtime crate includes the files in `docs/` under
// `cfg(doctest)` and runs the examples there.
#[cfg_attr(not(doctest), doc = include_str!("../docs/requires_api_key.md"))]
#[proc_macro_attribute]
pub fn requires_api_key(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&attr::REQUIRES_API_KEY, args.into(), item.into()).into()
}

#[cfg_attr(not(doctest), doc = include_str!("../docs/requires_wat.md"))]
#[proc_macro_attribute]
pub fn requires_wat(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&attr::REQUIRES_WAT, args.into(), item.into()).into()
}

#[cfg_attr(not(doctest), doc = include_str!("../docs/requires_access_token.md"))]
#[proc_macro_attribute]
pub fn requires_access_token(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&attr::REQUIRES_ACCESS_TOKEN, args.into(), item.into()).into()
}

#[cfg_attr(not(doctest), doc = include_str!("../docs/requires_iam_access_token.md"))]
#[proc_macro_attribute]
pub fn requires_iam_access_token(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(&attr::REQUIRES_IAM_ACCESS_TOKEN, args.into(), item.into()).into()
}
