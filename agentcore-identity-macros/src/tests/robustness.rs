//! Property tests: whatever tokens an attribute gets, it returns code that parses again, or
//! `compile_error!` invocations, and never panics.

use proc_macro2::{Group, TokenStream, TokenTree};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config;

use super::{error_messages, expand};
use crate::attr::{
    REQUIRES_ACCESS_TOKEN, REQUIRES_API_KEY, REQUIRES_IAM_ACCESS_TOKEN, REQUIRES_WAT,
};

const ITEM_SEEDS: &[&str] = &[
    "pub async fn ask(prompt: &str, api_key: SecretString) -> Result<String, E> { body(prompt) }",
    "fn plain(mut identity_wat: SecretString) -> Result<(), E> { Ok(()) }",
    "async fn repos(user: &str, access_token: SecretString) -> Result<Vec<Repo>, E> { list(user) }",
    "#[inline] unsafe fn f<'a, T: Clone>(&'a self, x: impl Into<T>, api_key: SecretString) \
     -> Result<impl Iterator<Item = &'a T>, E> where T: Send { #![allow(unused)] body() }",
    "async fn m(self: Arc<Self>, #[cfg(x)] api_key: SecretString, identity_wat: SecretString) \
     -> anyhow::Result<()> { Ok(()) }",
    "fn run<'life0, 'async_trait>(&'life0 self, api_key: SecretString) \
     -> ::core::pin::Pin<Box<dyn ::core::future::Future<Output = Result<(), E>> \
     + ::core::marker::Send + 'async_trait>> where Self: 'async_trait \
     { Box::pin(async move { let __self = self; let mut api_key = api_key; \
     let __ret: Result<(), E> = { Ok(()) }; __ret }) }",
    "async fn declared(&self, api_key: SecretString) -> Result<(), E>;",
    r#"const extern "C" fn g(api_key: SecretString, ...) {}"#,
    "struct NotAFunction { api_key: SecretString }",
];

const ARG_SEEDS: &[&str] = &[
    r#"provider = "openai-apikey-provider""#,
    r#"provider = "a", into = "api_key", crate = runtime"#,
    r#"into = "identity_wat", crate = "::re::export""#,
    "",
    r#"provider_name = "x", provider = 5, into = ["a"]"#,
    concat!(
        r#"provider = "github", scopes = ["repo"], auth_flow = "USER_FEDERATION", "#,
        r#"on_auth_url = |url: &str| show(url), callback_url = "https://a.example.com/cb", "#,
        r#"force_authentication = true, custom_parameters = {"prompt": "consent"}, "#,
        r#"resources = ["r"], audiences = ["a"], into = "access_token""#,
    ),
    r#"provider = "m2m", scopes = [], auth_flow = "M2M", token_poller = Poller::new(1, 2)"#,
    concat!(
        r#"audience = ["https://api.partner.example", "b"], signing_algorithm = "RS256", "#,
        r#"duration_seconds = 900, tags = {"team": "payments"}, into = "access_token""#,
    ),
    r#"audience = [], signing_algorithm = ES384, duration_seconds = -60, tags = {"": 1}"#,
];

/// Tokens the mutations insert: keywords and punctuation that change a function's shape,
/// names the expansion looks for, and whole groups.
const VOCABULARY: &[&str] = &[
    "fn",
    "async",
    "unsafe",
    "const",
    "extern",
    r#""C""#,
    r#""Rust""#,
    "pub",
    "default",
    "self",
    "Self",
    "&",
    "mut",
    "ref",
    "api_key",
    "identity_wat",
    "SecretString",
    "Result",
    "<",
    ">",
    "->",
    ":",
    "::",
    ",",
    ";",
    "=",
    "...",
    "@",
    "_",
    "#",
    "!",
    "-",
    "impl",
    "dyn",
    "where",
    "'a",
    "struct",
    "provider",
    "into",
    "crate",
    "scopes",
    "auth_flow",
    "on_auth_url",
    "custom_parameters",
    r#""M2M""#,
    r#""USER_FEDERATION""#,
    r#"{"k": "v"}"#,
    "access_token",
    "audience",
    "signing_algorithm",
    "duration_seconds",
    "tags",
    r#""ES384""#,
    r#""RS256""#,
    "59",
    "3600",
    "1.5",
    "300u32",
    "4294967296",
    r#""openai""#,
    r#""""#,
    r#""api_key""#,
    r#""a b""#,
    "5",
    "true",
    "r#type",
    "()",
    "[]",
    "{}",
    "(api_key: SecretString)",
    "{ Ok(()) }",
    r#"["a"]"#,
    "#[cfg(x)]",
    "#![allow(x)]",
    "Box::pin(async move { let api_key = api_key; })",
    "Pin<Box<dyn Future<Output = Result<(), E>> + Send>>",
];

/// One edit of a token stream: `path` picks a token, descending into groups while it has
/// more entries, and `kind` picks what to do there.
#[derive(Clone, Debug)]
struct Mutation {
    kind: u8,
    path: Vec<usize>,
    word: usize,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (0u8..5, vec(any::<usize>(), 1..4), any::<usize>()).prop_map(|(kind, path, word)| Mutation {
        kind,
        path,
        word,
    })
}

fn word(index: usize) -> TokenStream {
    VOCABULARY[index % VOCABULARY.len()]
        .parse()
        .expect("vocabulary entries are tokens")
}

fn mutate(tokens: TokenStream, mutation: &Mutation) -> TokenStream {
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    apply(&mut trees, &mutation.path, mutation);
    trees.into_iter().collect()
}

fn apply(trees: &mut Vec<TokenTree>, path: &[usize], mutation: &Mutation) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if trees.is_empty() {
        trees.extend(word(mutation.word));
        return;
    }

    let index = first % trees.len();
    if let (TokenTree::Group(group), false) = (&trees[index], rest.is_empty()) {
        let mut inner: Vec<TokenTree> = group.stream().into_iter().collect();
        apply(&mut inner, rest, mutation);
        let mut replaced = Group::new(group.delimiter(), inner.into_iter().collect());
        replaced.set_span(group.span());
        trees[index] = TokenTree::Group(replaced);
        return;
    }

    match mutation.kind {
        0 => {
            trees.remove(index);
        }
        1 => {
            let copy = trees[index].clone();
            trees.insert(index, copy);
        }
        2 => {
            let other = mutation.word % trees.len();
            trees.swap(index, other);
        }
        3 => {
            trees.splice(index..=index, word(mutation.word));
        }
        _ => {
            trees.splice(index..index, word(mutation.word));
        }
    }
}

/// Returns whether `output` is an item again, in any of the positions an attribute accepts.
fn parses_as_item(output: &TokenStream) -> bool {
    syn::parse2::<syn::Item>(output.clone()).is_ok()
        || syn::parse2::<syn::ImplItem>(output.clone()).is_ok()
        || syn::parse2::<syn::TraitItem>(output.clone()).is_ok()
}

fn check_output(args: &TokenStream, item: &TokenStream) -> Result<(), TestCaseError> {
    for attribute in [
        &REQUIRES_API_KEY,
        &REQUIRES_WAT,
        &REQUIRES_ACCESS_TOKEN,
        &REQUIRES_IAM_ACCESS_TOKEN,
    ] {
        let output = crate::expand::expand(attribute, args.clone(), item.clone());
        let has_errors = !error_messages(&output).is_empty();
        prop_assert!(
            has_errors || parses_as_item(&output),
            "`#[{}({args})]` on `{item}` gave `{output}`",
            attribute.name,
        );
    }
    Ok(())
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn mutated_inputs_expand_or_fail_cleanly(
        item_seed in 0..ITEM_SEEDS.len(),
        arg_seed in 0..ARG_SEEDS.len(),
        item_mutations in vec(mutation(), 0..5),
        arg_mutations in vec(mutation(), 0..4),
    ) {
        let mut item: TokenStream = ITEM_SEEDS[item_seed].parse().expect("seed is tokens");
        for mutation in &item_mutations {
            item = mutate(item, mutation);
        }
        let mut args: TokenStream = ARG_SEEDS[arg_seed].parse().expect("seed is tokens");
        for mutation in &arg_mutations {
            args = mutate(args, mutation);
        }
        check_output(&args, &item)?;
    }
}

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn random_words_expand_or_fail_cleanly(
        args in vec(any::<usize>(), 0..8),
        item in vec(any::<usize>(), 0..24),
    ) {
        let args: TokenStream = args.into_iter().flat_map(word).collect();
        let item: TokenStream = item.into_iter().flat_map(word).collect();
        check_output(&args, &item)?;
    }
}

#[test]
fn expand_accepts_unbalanced_looking_input() {
    let output = expand(&REQUIRES_API_KEY, "provider = ", "fn");
    assert!(!error_messages(&output).is_empty());
}
