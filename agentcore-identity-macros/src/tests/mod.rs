//! Tests of the expansion on `proc_macro2` token streams.

mod access_token;
mod diagnostics;
mod expansion;
mod iam_access_token;
mod robustness;

use proc_macro2::{TokenStream, TokenTree};

use crate::attr::{
    Attribute, REQUIRES_ACCESS_TOKEN, REQUIRES_API_KEY, REQUIRES_IAM_ACCESS_TOKEN, REQUIRES_WAT,
};

fn expand(attribute: &Attribute, args: &str, item: &str) -> TokenStream {
    let args: TokenStream = args.parse().expect("test arguments are tokens");
    let item: TokenStream = item.parse().expect("test item is tokens");
    crate::expand::expand(attribute, args, item)
}

fn api_key(args: &str, item: &str) -> TokenStream {
    expand(&REQUIRES_API_KEY, args, item)
}

fn wat(args: &str, item: &str) -> TokenStream {
    expand(&REQUIRES_WAT, args, item)
}

fn access_token(args: &str, item: &str) -> TokenStream {
    expand(&REQUIRES_ACCESS_TOKEN, args, item)
}

fn iam_access_token(args: &str, item: &str) -> TokenStream {
    expand(&REQUIRES_IAM_ACCESS_TOKEN, args, item)
}

/// Returns the messages of the `compile_error!` invocations in `output`.
fn error_messages(output: &TokenStream) -> Vec<String> {
    let tokens: Vec<TokenTree> = output.clone().into_iter().collect();
    let mut messages = Vec::new();
    for window in tokens.windows(3) {
        let [
            TokenTree::Ident(name),
            TokenTree::Punct(bang),
            TokenTree::Group(args),
        ] = window
        else {
            continue;
        };
        if name != "compile_error" || bang.as_char() != '!' {
            continue;
        }
        let message: syn::LitStr = syn::parse2(args.stream()).expect("message is a string");
        messages.push(message.value());
    }
    messages
}

/// Returns the only error message of `output`, failing when there is none or several.
fn single_error(output: &TokenStream) -> String {
    let messages = error_messages(output);
    assert_eq!(messages.len(), 1, "expected one error, found {messages:#?}");
    messages.into_iter().next().unwrap_or_default()
}
