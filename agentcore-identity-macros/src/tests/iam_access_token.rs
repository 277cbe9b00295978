use quote::quote;

use super::{error_messages, iam_access_token, single_error};

const ITEM: &str = "async fn call_partner(access_token: SecretString) -> Result<(), E> {}";
const AUDIENCE: &str = r#"audience = ["https://api.partner.example"]"#;

fn iam_error(args: &str) -> String {
    single_error(&iam_access_token(args, ITEM))
}

#[test]
fn defaults_reach_spec() {
    let output = iam_access_token(AUDIENCE, ITEM);

    let expected = quote! {
        async fn call_partner() -> Result<(), E> {
            let access_token: SecretString = {
                static __AGENTCORE_SPEC: ::agentcore_identity_runtime::__private::IamTokenSpec =
                    ::agentcore_identity_runtime::__private::IamTokenSpec {
                        audiences: &["https://api.partner.example"],
                        algorithm: ::agentcore_identity_runtime::SigningAlgorithm::Es384,
                        duration_seconds: 300,
                        tags: &[],
                        function: "call_partner",
                    };
                #[allow(dead_code)]
                fn __agentcore_fetched() {}
                match ::agentcore_identity_runtime::__private::fetch_iam_access_token(&__AGENTCORE_SPEC).await {
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
fn every_argument_reaches_spec() {
    let args = r#"
        audience = ["https://a.example", "https://b.example"],
        signing_algorithm = "RS256",
        duration_seconds = 900,
        tags = {"team": "payments", "stage": ""},
        into = "jwt",
        crate = identity,
    "#;
    let output = iam_access_token(args, "fn f(jwt: SecretString) -> Result<(), E> {}");

    assert!(error_messages(&output).is_empty(), "{output}");
    let text = output.to_string();
    for expected in [
        "identity :: __private :: IamTokenSpec {",
        "audiences : & [\"https://a.example\" , \"https://b.example\"]",
        "algorithm : identity :: SigningAlgorithm :: Rs256",
        "duration_seconds : 900 ,",
        "tags : & [(\"team\" , \"payments\") , (\"stage\" , \"\")]",
        "function : \"f\"",
        "identity :: __private :: fetch_iam_access_token_blocking (& __AGENTCORE_SPEC)",
        "let jwt : SecretString",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in {text}");
    }
}

#[test]
fn duration_limits_are_inclusive() {
    for (value, seconds) in [
        ("60", "60"),
        ("3600", "3600"),
        ("0x12C", "300"),
        ("900u32", "900"),
    ] {
        let output = iam_access_token(&format!("{AUDIENCE}, duration_seconds = {value}"), ITEM);

        assert!(error_messages(&output).is_empty(), "{value}: {output}");
        let expected = format!("duration_seconds : {seconds} ,");
        assert!(output.to_string().contains(&expected), "{value}: {output}");
    }
}

#[test]
fn duration_out_of_range_gives_range() {
    for value in [
        "59",
        "3601",
        "0",
        "-5",
        "-3600",
        "99999999999999999999999999",
    ] {
        let message = iam_error(&format!("{AUDIENCE}, duration_seconds = {value}"));
        assert_eq!(
            message,
            format!(
                "`duration_seconds` in `#[requires_iam_access_token]` is out of range, expected \
                 60 to 3600 seconds, found {value}"
            )
        );
    }
}

#[test]
fn duration_must_be_integer() {
    for (value, found) in [
        (r#""300""#, "a string"),
        ("true", "a boolean"),
        ("[300]", "a list"),
        ("MINUTE", "`MINUTE`"),
        ("60 * 5", "an expression"),
    ] {
        let message = iam_error(&format!("{AUDIENCE}, duration_seconds = {value}"));
        assert_eq!(
            message,
            format!(
                "`duration_seconds` in `#[requires_iam_access_token]` expects an integer such as \
                 `duration_seconds = 300`, found {found}"
            ),
            "{value}"
        );
    }
}

#[test]
fn duration_rejects_float_and_unit_suffix() {
    for value in ["300.0", "3e2", "-1.5", "300s"] {
        let message = iam_error(&format!("{AUDIENCE}, duration_seconds = {value}"));
        assert_eq!(
            message,
            format!(
                "`duration_seconds` in `#[requires_iam_access_token]` expects an integer such as \
                 `duration_seconds = 300`, found `{value}`"
            )
        );
    }
}

#[test]
fn missing_audience_shows_example() {
    let message = iam_error(r#"signing_algorithm = "RS256""#);
    assert_eq!(
        message,
        "missing argument `audience` in `#[requires_iam_access_token]`, write \
         `#[requires_iam_access_token(audience = [\"https://api.partner.example\"])]`"
    );
}

#[test]
fn audience_must_not_be_empty() {
    let message = iam_error("audience = []");
    assert_eq!(
        message,
        "empty list in `audience` in `#[requires_iam_access_token]`, write at least one \
         audience such as `audience = [\"https://api.partner.example\"]`"
    );

    let message = iam_error(r#"audience = ["https://a.example", ""]"#);
    assert_eq!(
        message,
        "empty string in `audience` in `#[requires_iam_access_token]`"
    );
}

#[test]
fn audience_must_be_list() {
    let message = iam_error(r#"audience = "https://a.example""#);
    assert_eq!(
        message,
        "`audience` in `#[requires_iam_access_token]` expects a list of strings such as \
         `audience = [\"https://api.partner.example\"]`, found a string"
    );
}

#[test]
fn unknown_algorithm_lists_both() {
    let message = iam_error(&format!(r#"{AUDIENCE}, signing_algorithm = "PS512""#));
    assert_eq!(
        message,
        "unknown signing algorithm \"PS512\" in `#[requires_iam_access_token]`, the algorithms \
         are `ES384` and `RS256`"
    );
}

#[test]
fn unknown_algorithm_suggests_spelling() {
    for (algorithm, suggestion) in [("es384", "ES384"), ("RS-256", "RS256")] {
        let message = iam_error(&format!(r#"{AUDIENCE}, signing_algorithm = "{algorithm}""#));
        assert_eq!(
            message,
            format!(
                "unknown signing algorithm \"{algorithm}\" in `#[requires_iam_access_token]`, \
                 did you mean `signing_algorithm = \"{suggestion}\"`? The algorithms are \
                 `ES384` and `RS256`"
            )
        );
    }
}

#[test]
fn algorithm_must_be_string() {
    let message = iam_error(&format!("{AUDIENCE}, signing_algorithm = ES384"));
    assert_eq!(
        message,
        "`signing_algorithm` in `#[requires_iam_access_token]` expects a string such as \
         `signing_algorithm = \"ES384\"`, found `ES384`"
    );
}

#[test]
fn tags_must_be_string_map() {
    for value in [r#"["team"]"#, r#"{"team" = "payments"}"#, r#"{"team": 1}"#] {
        let message = iam_error(&format!("{AUDIENCE}, tags = {value}"));
        assert!(
            message.starts_with("`tags` in `#[requires_iam_access_token]` expects a map"),
            "{value}: {message}"
        );
    }
}

#[test]
fn tags_reject_duplicate_and_empty_keys() {
    let duplicate = r#"{"team": "a", "stage": "b", "team": "c"}"#;
    let message = iam_error(&format!("{AUDIENCE}, tags = {duplicate}"));
    assert_eq!(
        message,
        "duplicate tag key \"team\" in `tags` in `#[requires_iam_access_token]`, remove one of \
         the two"
    );

    let message = iam_error(&format!(r#"{AUDIENCE}, tags = {{"": "a"}}"#));
    assert_eq!(
        message,
        "empty tag key in `tags` in `#[requires_iam_access_token]`"
    );
}

#[test]
fn unknown_argument_suggests_audience() {
    let message = iam_error(r#"audiences = ["https://a.example"]"#);
    assert_eq!(
        message,
        "unknown argument `audiences` in `#[requires_iam_access_token]`, did you mean \
         `audience`? The accepted arguments are `audience`, `signing_algorithm`, \
         `duration_seconds`, `tags`, `into` and `crate`"
    );
}

#[test]
fn access_token_arguments_are_unknown() {
    let message = iam_error(&format!(r#"{AUDIENCE}, provider = "github""#));
    assert!(
        message.starts_with("unknown argument `provider` in `#[requires_iam_access_token]`"),
        "{message}"
    );
}

#[test]
fn all_value_errors_are_reported_together() {
    let args = r#"audience = [], signing_algorithm = "HS256", duration_seconds = 0,
        tags = {"a": "1", "a": "2"}, duration_seconds = 60"#;
    let messages = error_messages(&iam_access_token(args, ITEM));

    assert_eq!(messages.len(), 5, "{messages:#?}");
    assert!(messages[0].starts_with("empty list in `audience`"));
    assert!(messages[1].starts_with("unknown signing algorithm \"HS256\""));
    assert!(messages[2].contains("is out of range"));
    assert!(messages[3].starts_with("duplicate tag key \"a\""));
    assert!(messages[4].starts_with("duplicate argument `duration_seconds`"));
}

#[test]
fn default_parameter_is_access_token() {
    let output = iam_access_token(AUDIENCE, "fn f(jwt: SecretString) -> Result<(), E> {}");
    let message = single_error(&output);
    assert_eq!(
        message,
        "`f` has no parameter `access_token` to receive the IAM access token of \
         `#[requires_iam_access_token]`, did you mean `into = \"jwt\"`?"
    );
}
