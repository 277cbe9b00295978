use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::ItemFn;

use super::{api_key, error_messages, wat};

const PROVIDER: &str = r#"provider = "openai-apikey-provider""#;

fn parse_fn(output: &TokenStream) -> ItemFn {
    assert!(
        error_messages(output).is_empty(),
        "unexpected errors in {output}"
    );
    syn::parse2(output.clone()).expect("expansion is a function")
}

/// Returns the statement the expansion puts in front of the body, as tokens.
fn api_key_binding(binding: &TokenStream, function: &str, fetch: &TokenStream) -> TokenStream {
    quote! {
        let #binding = {
            static __AGENTCORE_SPEC: ::agentcore_identity_runtime::__private::ApiKeySpec =
                ::agentcore_identity_runtime::__private::ApiKeySpec {
                    provider: "openai-apikey-provider",
                    function: #function
                };
            #[allow(dead_code)]
            fn __agentcore_fetched() {}
            match #fetch {
                ::core::result::Result::Ok(__agentcore_fetched) =>
                    ::agentcore_identity_runtime::__private::credential(__agentcore_fetched),
                ::core::result::Result::Err(__agentcore_fetched) =>
                    return ::agentcore_identity_runtime::__private::identity_error(__agentcore_fetched),
            }
        };
    }
}

#[test]
fn async_fn_fetches_before_body() {
    let output = api_key(
        PROVIDER,
        r#"
        #[doc = " Asks the model."]
        pub async fn ask(prompt: &str, api_key: SecretString) -> Result<String, MyError> {
            call(prompt, api_key).await
        }
        "#,
    );

    let expected = quote! {
        #[doc = " Asks the model."]
        pub async fn ask(prompt: &str) -> Result<String, MyError> {
            let api_key: SecretString = {
                static __AGENTCORE_SPEC: ::agentcore_identity_runtime::__private::ApiKeySpec =
                    ::agentcore_identity_runtime::__private::ApiKeySpec {
                        provider: "openai-apikey-provider",
                        function: "ask"
                    };
                #[allow(dead_code)]
                fn __agentcore_fetched() {}
                match ::agentcore_identity_runtime::__private::fetch_api_key(&__AGENTCORE_SPEC).await {
                    ::core::result::Result::Ok(__agentcore_fetched) =>
                        ::agentcore_identity_runtime::__private::credential(__agentcore_fetched),
                    ::core::result::Result::Err(__agentcore_fetched) =>
                        return ::agentcore_identity_runtime::__private::identity_error(__agentcore_fetched),
                }
            };
            call(prompt, api_key).await
        }
    };
    assert_eq!(output.to_string(), expected.to_string());
}

#[test]
fn plain_fn_uses_blocking_fetch() {
    let output = api_key(
        PROVIDER,
        "fn ask(api_key: SecretString) -> Result<(), E> { use_key(api_key) }",
    );

    let binding = api_key_binding(
        &quote!(api_key: SecretString),
        "ask",
        &quote!(::agentcore_identity_runtime::__private::fetch_api_key_blocking(&__AGENTCORE_SPEC)),
    );
    let expected = quote! {
        fn ask() -> Result<(), E> {
            #binding
            use_key(api_key)
        }
    };
    assert_eq!(output.to_string(), expected.to_string());
}

#[test]
fn wat_uses_workload_token_spec() {
    let output = wat(
        "",
        "async fn whoami(identity_wat: SecretString) -> Result<(), E> {}",
    );

    let expected = quote! {
        async fn whoami() -> Result<(), E> {
            let identity_wat: SecretString = {
                static __AGENTCORE_SPEC: ::agentcore_identity_runtime::__private::WorkloadTokenSpec =
                    ::agentcore_identity_runtime::__private::WorkloadTokenSpec { function: "whoami" };
                #[allow(dead_code)]
                fn __agentcore_fetched() {}
                match ::agentcore_identity_runtime::__private::fetch_workload_access_token(&__AGENTCORE_SPEC).await {
                    ::core::result::Result::Ok(__agentcore_fetched) =>
                        ::agentcore_identity_runtime::__private::credential(__agentcore_fetched),
                    ::core::result::Result::Err(__agentcore_fetched) =>
                        return ::agentcore_identity_runtime::__private::identity_error(__agentcore_fetched),
                }
            };
        }
    };
    assert_eq!(output.to_string(), expected.to_string());
}

#[test]
fn wat_plain_fn_uses_blocking_fetch() {
    let output = wat(
        r#"into = "token""#,
        "fn whoami(token: SecretString) -> Result<(), E> {}",
    );

    let text = output.to_string();
    assert!(text.contains("fetch_workload_access_token_blocking (& __AGENTCORE_SPEC)"));
    assert!(!text.contains("await"));
    assert!(text.contains("let token : SecretString"));
}

#[test]
fn into_removes_parameter_in_any_position() {
    let item = "async fn f(a: u8, key: SecretString, b: u16) -> Result<(), E> {}";
    for (into, item) in [
        (
            "a",
            "async fn f(a: SecretString, b: u8, c: u16) -> Result<(), E> {}",
        ),
        ("key", item),
        (
            "b",
            "async fn f(x: u8, y: u16, b: SecretString) -> Result<(), E> {}",
        ),
    ] {
        let args = format!("{PROVIDER}, into = \"{into}\"");
        let function = parse_fn(&api_key(&args, item));

        let names: Vec<String> = function
            .sig
            .inputs
            .iter()
            .map(|input| input.to_token_stream().to_string())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(
            names
                .iter()
                .all(|name| !name.starts_with(&format!("{into} :"))),
            "{names:?}"
        );
        assert!(
            function
                .block
                .to_token_stream()
                .to_string()
                .contains(&format!("let {into} :"))
        );
    }
}

#[test]
fn mut_parameter_keeps_mut_binding() {
    let output = api_key(
        PROVIDER,
        "async fn f(mut api_key: SecretString) -> Result<(), E> {}",
    );

    let function = parse_fn(&output);
    assert!(function.sig.inputs.is_empty());
    assert!(
        output
            .to_string()
            .contains("let mut api_key : SecretString")
    );
}

#[test]
fn crate_argument_replaces_runtime_path() {
    for args in [
        format!("{PROVIDER}, crate = identity"),
        format!("{PROVIDER}, crate = \"identity\""),
    ] {
        let output = api_key(
            &args,
            "async fn f(api_key: SecretString) -> Result<(), E> {}",
        );

        let text = output.to_string();
        assert!(
            text.contains("identity :: __private :: fetch_api_key"),
            "{text}"
        );
        assert!(!text.contains("agentcore_identity_runtime"), "{text}");
    }
}

#[test]
fn signature_parts_stay_as_written() {
    let output = api_key(
        PROVIDER,
        r"
        #[inline]
        #[must_use]
        pub(crate) unsafe fn f<'a, T: Clone>(&'a self, x: impl Into<T>, api_key: SecretString)
            -> Result<impl Iterator<Item = &'a T>, E>
        where
            T: Send,
        {
            #![allow(unused)]
            body()
        }
        ",
    );

    let function = parse_fn(&output);
    let expected_sig = quote! {
        unsafe fn f<'a, T: Clone>(&'a self, x: impl Into<T>)
            -> Result<impl Iterator<Item = &'a T>, E>
        where
            T: Send,
    };
    assert_eq!(
        function.sig.to_token_stream().to_string(),
        expected_sig.to_string()
    );
    assert_eq!(function.vis.to_token_stream().to_string(), "pub (crate)");

    let text = output.to_string();
    assert!(
        text.starts_with("# [inline] # [must_use] pub (crate)"),
        "{text}"
    );
    assert!(
        text.contains("{ # ! [allow (unused)] let api_key"),
        "{text}"
    );
}

#[test]
fn parameter_attributes_move_to_binding() {
    let output = api_key(
        PROVIDER,
        r#"async fn f(#[cfg(feature = "x")] api_key: SecretString) -> Result<(), E> {}"#,
    );

    let text = output.to_string();
    assert!(
        text.contains("# [cfg (feature = \"x\")] let api_key"),
        "{text}"
    );
    assert!(parse_fn(&output).sig.inputs.is_empty());
}

#[test]
fn raw_function_name_is_unraw_in_spec() {
    let output = api_key(
        PROVIDER,
        "async fn r#match(api_key: SecretString) -> Result<(), E> {}",
    );

    assert!(output.to_string().contains("function : \"match\""));
}

#[test]
fn trait_method_with_default_body_expands() {
    let output = api_key(
        PROVIDER,
        "async fn ask(&self, api_key: SecretString) -> Result<(), E> { Ok(()) }",
    );

    let function = parse_fn(&output);
    assert_eq!(function.sig.inputs.len(), 1);
}

// The shape `#[async_trait]` 0.1.92 gives
// `async fn run(&self, q: &str, mut api_key: SecretString) -> Result<String, E>`.
const ASYNC_TRAIT_METHOD: &str = r"
fn run<'life0, 'life1, 'async_trait>(&'life0 self, q: &'life1 str, api_key: SecretString)
    -> ::core::pin::Pin<Box<dyn ::core::future::Future<Output = Result<String, E>>
        + ::core::marker::Send + 'async_trait>>
where
    'life0: 'async_trait,
    'life1: 'async_trait,
    Self: 'async_trait,
{
    Box::pin(async move {
        if let ::core::option::Option::Some(__ret) = ::core::option::Option::None::<Result<String, E>> {
            #[allow(unreachable_code)]
            return __ret;
        }
        let __self = self;
        let mut api_key = api_key;
        let __ret: Result<String, E> = { Ok(q.to_owned()) };
        #[allow(unreachable_code)]
        __ret
    })
}
";

#[test]
fn async_trait_method_fetches_inside_async_block() {
    let output = api_key(PROVIDER, ASYNC_TRAIT_METHOD);

    let function = parse_fn(&output);
    let inputs = function.sig.inputs.to_token_stream().to_string();
    assert_eq!(inputs, "& 'life0 self , q : & 'life1 str");

    let binding = api_key_binding(
        &quote!(mut api_key: SecretString),
        "run",
        &quote!(::agentcore_identity_runtime::__private::fetch_api_key(&__AGENTCORE_SPEC).await),
    );
    let expected_block = quote! {
        {
            Box::pin(async move {
                if let ::core::option::Option::Some(__ret) = ::core::option::Option::None::<Result<String, E> > {
                    #[allow(unreachable_code)]
                    return __ret;
                }
                let __self = self;
                #binding
                let __ret: Result<String, E> = { Ok(q.to_owned()) };
                #[allow(unreachable_code)]
                __ret
            })
        }
    };
    assert_eq!(
        function.block.to_token_stream().to_string(),
        expected_block.to_string()
    );
}

#[test]
fn boxed_future_without_async_block_stays_blocking() {
    let output = api_key(
        PROVIDER,
        "fn f(api_key: SecretString) -> Pin<Box<dyn Future<Output = Result<(), E>>>> { make(api_key) }",
    );

    let text = output.to_string();
    assert!(text.contains("fetch_api_key_blocking"), "{text}");
}

#[test]
fn stacked_attributes_each_remove_their_parameter() {
    let item = r"
        #[requires_wat]
        async fn f(identity_wat: SecretString, x: u8, api_key: SecretString) -> Result<u8, E> {
            Ok(x)
        }
    ";
    let first = parse_fn(&api_key(PROVIDER, item));
    assert_eq!(first.attrs.len(), 1);

    let mut inner = first.clone();
    inner.attrs.clear();
    let second = parse_fn(&wat("", &inner.to_token_stream().to_string()));

    let inputs = second.sig.inputs.to_token_stream().to_string();
    assert_eq!(inputs, "x : u8");
    let block = second.block.to_token_stream().to_string();
    let wat_position = block.find("let identity_wat").expect("binds the token");
    let key_position = block.find("let api_key").expect("binds the key");
    assert!(wat_position < key_position);
}

#[test]
fn expansion_parses_as_item() {
    let items = [
        "async fn f(api_key: SecretString) -> Result<(), E> {}",
        "fn f(api_key: SecretString) -> Result<(), E> { Ok(()) }",
        "pub async unsafe fn f<T>(t: T, api_key: SecretString) -> Result<T, E> where T: Copy { Ok(t) }",
        "default async fn f(&self, api_key: SecretString) -> Result<(), E> {}",
        r#"extern "Rust" fn f(api_key: SecretString) -> Result<(), E> {}"#,
    ];
    for item in items {
        let output = api_key(PROVIDER, item);
        assert!(error_messages(&output).is_empty(), "{item}: {output}");
        let is_item = syn::parse2::<syn::Item>(output.clone()).is_ok()
            || syn::parse2::<syn::ImplItem>(output).is_ok();
        assert!(is_item, "{item}");
    }
}
