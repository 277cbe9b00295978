use super::{api_key, error_messages, single_error, wat};

const ITEM: &str = "async fn ask(prompt: &str, api_key: SecretString) -> Result<String, E> {}";
const WAT_ITEM: &str = "async fn ask(identity_wat: SecretString) -> Result<String, E> {}";

fn api_key_error(args: &str) -> String {
    single_error(&api_key(args, ITEM))
}

#[test]
fn unknown_argument_suggests_provider() {
    let message = api_key_error(r#"provider_name = "openai""#);
    assert_eq!(
        message,
        "unknown argument `provider_name` in `#[requires_api_key]`, did you mean `provider`? \
         The accepted arguments are `provider`, `into` and `crate`"
    );
}

#[test]
fn unknown_argument_without_suggestion_lists_keys() {
    let message = single_error(&wat(r#"scopes = ["a"]"#, WAT_ITEM));
    assert_eq!(
        message,
        "unknown argument `scopes` in `#[requires_wat]`, the accepted arguments are `into` and `crate`"
    );
}

#[test]
fn wat_rejects_provider() {
    let message = single_error(&wat(r#"provider = "openai""#, WAT_ITEM));
    assert!(message.starts_with("unknown argument `provider` in `#[requires_wat]`"));
}

#[test]
fn unknown_path_argument_is_reported() {
    let message = api_key_error(r#"provider = "a", a::b = 1"#);
    assert!(message.starts_with("unknown argument `a::b`"), "{message}");
}

#[test]
fn misspelled_provider_is_not_also_missing() {
    let messages = error_messages(&api_key(r#"provider_nam = "a""#, ITEM));
    assert_eq!(messages.len(), 1, "{messages:#?}");
}

#[test]
fn unknown_argument_does_not_hide_missing_provider() {
    let messages = error_messages(&api_key("scopes = 1", ITEM));
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(messages[1].starts_with("missing argument `provider`"));
}

#[test]
fn missing_provider_shows_example() {
    let message = api_key_error("");
    assert_eq!(
        message,
        "missing argument `provider` in `#[requires_api_key]`, write \
         `#[requires_api_key(provider = \"openai-apikey-provider\")]`"
    );
}

#[test]
fn duplicate_argument_is_reported_once() {
    let message = api_key_error(r#"provider = "a", provider = "b""#);
    assert_eq!(
        message,
        "duplicate argument `provider` in `#[requires_api_key]`, remove one of the two"
    );
}

#[test]
fn wrong_value_types_name_what_was_found() {
    for (value, found) in [
        ("5", "a number"),
        ("-5", "a number"),
        ("1.5", "a number"),
        ("true", "a boolean"),
        ("'c'", "a character"),
        (r#"b"x""#, "a byte string"),
        (r#"["a"]"#, "a list"),
        ("{ 1 }", "a block"),
        ("openai", "`openai`"),
        ("my::provider", "`my::provider`"),
        ("1 + 2", "an expression"),
    ] {
        let message = api_key_error(&format!("provider = {value}"));
        assert_eq!(
            message,
            format!(
                "`provider` in `#[requires_api_key]` expects a string such as \
                 `provider = \"openai-apikey-provider\"`, found {found}"
            ),
            "value {value}"
        );
    }
}

#[test]
fn missing_value_shows_example() {
    for args in ["provider", r#"provider("a")"#] {
        let message = api_key_error(args);
        assert_eq!(
            message,
            "missing value for `provider` in `#[requires_api_key]`, write \
             `provider = \"openai-apikey-provider\"`",
            "arguments {args}"
        );
    }
}

#[test]
fn empty_value_is_reported() {
    let message = api_key_error("provider = ");
    assert!(message.ends_with("found nothing"), "{message}");
}

#[test]
fn empty_provider_is_reported() {
    let message = api_key_error(r#"provider = """#);
    assert!(message.starts_with("empty provider name in `#[requires_api_key]`"));
}

#[test]
fn provider_with_invalid_character_is_reported() {
    let message = api_key_error(r#"provider = "open ai""#);
    assert_eq!(
        message,
        "invalid character ' ' in provider name \"open ai\" in `#[requires_api_key]`, \
         a provider name contains only ASCII letters, digits, `-` and `_`"
    );
}

#[test]
fn provider_length_limit_is_128() {
    let at_limit = format!("provider = \"{}\"", "a".repeat(128));
    assert!(error_messages(&api_key(&at_limit, ITEM)).is_empty());

    let over_limit = format!("provider = \"{}\"", "a".repeat(129));
    assert_eq!(
        api_key_error(&over_limit),
        "provider name in `#[requires_api_key]` is 129 characters long, the maximum is 128"
    );
}

#[test]
fn provider_accepts_letters_digits_dash_underscore() {
    let output = api_key(r#"provider = "Open-AI_key-2""#, ITEM);
    assert!(error_messages(&output).is_empty());
}

#[test]
fn into_must_be_identifier() {
    for value in ["1x", "self", "a b", "", "_"] {
        let message = api_key_error(&format!("provider = \"a\", into = \"{value}\""));
        assert!(
            message.starts_with("`into` in `#[requires_api_key]` names the parameter"),
            "{value}: {message}"
        );
    }
}

#[test]
fn into_naming_no_parameter_suggests_close_name() {
    let message = api_key_error(r#"provider = "a", into = "api_kye""#);
    assert_eq!(
        message,
        "`ask` has no parameter `api_kye` to receive the API key of `#[requires_api_key]`, \
         did you mean `into = \"api_key\"`?"
    );
}

#[test]
fn default_into_missing_suggests_secret_parameter() {
    let item = "async fn ask(prompt: &str, token: SecretString) -> Result<(), E> {}";
    let message = single_error(&api_key(r#"provider = "a""#, item));
    assert_eq!(
        message,
        "`ask` has no parameter `api_key` to receive the API key of `#[requires_api_key]`, \
         did you mean `into = \"token\"`?"
    );
}

#[test]
fn default_into_missing_lists_parameters() {
    let item = "async fn ask(prompt: &str, n: u8) -> Result<(), E> {}";
    let message = single_error(&api_key(r#"provider = "a""#, item));
    assert_eq!(
        message,
        "`ask` has no parameter `api_key` to receive the API key of `#[requires_api_key]`, \
         add `api_key: SecretString` or name one of `prompt` and `n` in `into`"
    );
}

#[test]
fn default_into_missing_without_parameters() {
    let message = single_error(&wat("", "fn whoami() -> Result<(), E> {}"));
    assert_eq!(
        message,
        "`whoami` has no parameter `identity_wat` to receive the workload access token of \
         `#[requires_wat]`, add `identity_wat: SecretString` to its parameters"
    );
}

#[test]
fn pattern_parameter_is_rejected() {
    for item in [
        "fn f(ref api_key: SecretString) -> Result<(), E> {}",
        "fn f(api_key @ _: SecretString) -> Result<(), E> {}",
        "fn f((api_key, n): (SecretString, u8)) -> Result<(), E> {}",
        "fn f(Wrapper { api_key }: Wrapper) -> Result<(), E> {}",
    ] {
        let message = single_error(&api_key(r#"provider = "a""#, item));
        assert_eq!(
            message,
            "`#[requires_api_key]` moves the API key into `api_key`, so that parameter must be \
             a plain name, write `api_key: SecretString` or `mut api_key: SecretString`",
            "{item}"
        );
    }
}

#[test]
fn missing_return_type_is_rejected() {
    for item in [
        "async fn ask(api_key: SecretString) {}",
        "async fn ask(api_key: SecretString) -> () {}",
    ] {
        let message = single_error(&api_key(r#"provider = "a""#, item));
        assert_eq!(
            message,
            "`ask` must return a `Result` to report a failure to fetch the API key of \
             `#[requires_api_key]`, add a return type such as \
             `-> Result<(), agentcore_identity_runtime::Error>`",
            "{item}"
        );
    }
}

#[test]
fn non_function_items_are_rejected() {
    for (item, found) in [
        ("struct S;", "a struct"),
        ("pub enum E { A }", "an enum"),
        ("impl S {}", "an impl block"),
        ("unsafe impl Send for S {}", "an impl block"),
        ("trait T {}", "a trait"),
        ("mod m {}", "a module"),
        ("const C: u8 = 1;", "a constant"),
        ("static S: u8 = 1;", "a static"),
        ("type T = u8;", "a type alias"),
        ("use a::b;", "a `use` declaration"),
        ("extern crate a;", "an `extern crate` declaration"),
        (r#"extern "C" { fn f(); }"#, "an `extern` block"),
        ("m!();", "a macro invocation"),
    ] {
        let message = single_error(&api_key(r#"provider = "a""#, item));
        assert_eq!(
            message,
            format!(
                "`#[requires_api_key]` applies only to functions and methods, found {found}. \
                 Put it on the function that needs the API key"
            ),
            "{item}"
        );
    }
}

#[test]
fn unsupported_function_forms_are_rejected() {
    for (item, start) in [
        (
            "fn ask(&self, api_key: SecretString) -> Result<(), E>;",
            "`#[requires_api_key]` needs a function body",
        ),
        (
            "const fn ask(api_key: SecretString) -> Result<(), E> {}",
            "`#[requires_api_key]` cannot be used on a `const fn`",
        ),
        (
            r#"extern "C" fn ask(api_key: SecretString) -> Result<(), E> {}"#,
            "`#[requires_api_key]` cannot be used on an `extern` function",
        ),
        (
            "extern fn ask(api_key: SecretString) -> Result<(), E> {}",
            "`#[requires_api_key]` cannot be used on an `extern` function",
        ),
        (
            r#"unsafe extern "C" fn ask(api_key: SecretString, args: ...) -> Result<(), E> {}"#,
            "`#[requires_api_key]` cannot be used on an `extern` function",
        ),
    ] {
        let messages = error_messages(&api_key(r#"provider = "a""#, item));
        assert!(
            messages
                .first()
                .is_some_and(|message| message.starts_with(start)),
            "{item}: {messages:#?}"
        );
    }
}

#[test]
fn variadic_is_rejected() {
    let item = r#"unsafe extern "C" fn ask(api_key: SecretString, args: ...) -> Result<(), E> {}"#;
    let messages = error_messages(&api_key(r#"provider = "a""#, item));
    assert_eq!(
        messages.last().map(String::as_str),
        Some("`#[requires_api_key]` cannot be used on a variadic function, remove `...`")
    );
}

#[test]
fn syntax_error_names_attribute() {
    for args in [
        r#""openai""#,
        r#"provider = "a" "b""#,
        "= 1",
        "provider = \"a\",,",
    ] {
        let message = api_key_error(args);
        assert_eq!(
            message,
            "invalid `#[requires_api_key]` arguments, expected `key = value` pairs separated \
             by commas, such as `provider = \"openai-apikey-provider\"`",
            "arguments {args}"
        );
    }
}

#[test]
fn syntax_error_skips_parameter_lookup() {
    let item = "async fn ask(key: SecretString) -> Result<(), E> {}";
    let messages = error_messages(&api_key(r#"provider = "a" into = "key""#, item));
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(messages[0].starts_with("invalid `#[requires_api_key]` arguments"));
}

#[test]
fn crate_string_must_hold_path() {
    let message = api_key_error(r#"provider = "a", crate = "1""#);
    assert_eq!(
        message,
        "`crate` in `#[requires_api_key]` expects a path such as `crate = my_runtime`, \
         found \"1\", which is not a path"
    );
}

#[test]
fn all_errors_are_reported_together() {
    let output = api_key(
        r#"provider_name = "a", into = 5, crate = 1, into = "x""#,
        "const fn ask(prompt: &str) {}",
    );

    let messages = error_messages(&output);
    assert_eq!(messages.len(), 6, "{messages:#?}");
    assert!(messages[0].starts_with("unknown argument `provider_name`"));
    assert!(messages[1].starts_with("`into` in `#[requires_api_key]` expects a string"));
    assert!(messages[2].starts_with("`crate` in `#[requires_api_key]` expects a path"));
    assert!(messages[3].starts_with("duplicate argument `into`"));
    assert!(messages[4].contains("`const fn`"));
    assert!(messages[5].starts_with("`ask` must return a `Result`"));
}

#[test]
fn failed_expansion_keeps_item_unchanged() {
    let output = api_key("", ITEM);

    let text = output.to_string();
    let expected: proc_macro2::TokenStream = ITEM.parse().expect("item is tokens");
    assert!(text.ends_with(&expected.to_string()), "{text}");
}
