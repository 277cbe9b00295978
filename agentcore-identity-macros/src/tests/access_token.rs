use quote::quote;

use super::{access_token, error_messages, single_error};

const ITEM: &str =
    "async fn list_repos(user: &str, access_token: SecretString) -> Result<(), E> {}";
const REQUIRED: &str = r#"provider = "github", scopes = ["repo"], auth_flow = "USER_FEDERATION""#;

fn access_token_error(args: &str) -> String {
    single_error(&access_token(args, ITEM))
}

#[test]
fn user_federation_expands_with_handler() {
    let output = access_token(
        &format!(
            "{REQUIRED}, on_auth_url = show_link, custom_parameters = {{\"prompt\": \"consent\"}}"
        ),
        ITEM,
    );

    let expected = quote! {
        async fn list_repos(user: &str) -> Result<(), E> {
            let access_token: SecretString = {
                static __AGENTCORE_SPEC: ::agentcore_identity_runtime::__private::AccessTokenSpec =
                    ::agentcore_identity_runtime::__private::AccessTokenSpec {
                        provider: "github",
                        flow: ::agentcore_identity_runtime::OAuth2Flow::UserFederation,
                        scopes: &["repo"],
                        callback_url: ::core::option::Option::None,
                        force_authentication: false,
                        custom_state: ::core::option::Option::None,
                        custom_parameters: &[("prompt", "consent")],
                        resources: &[],
                        audiences: &[],
                        function: "list_repos",
                    };
                #[allow(dead_code)]
                fn __agentcore_fetched() {}
                match ::agentcore_identity_runtime::__private::fetch_access_token(
                    &__AGENTCORE_SPEC,
                    show_link,
                    <::agentcore_identity_runtime::__private::DefaultPoller as ::core::default::Default>::default()
                ).await {
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
        provider = "github",
        scopes = ["repo", "read:user"],
        auth_flow = "USER_FEDERATION",
        into = "token",
        on_auth_url = |url: &str| println!("{url}"),
        callback_url = "https://agent.example.com/callback",
        force_authentication = true,
        token_poller = IntervalPoller::with_interval(Duration::from_secs(1), 3),
        custom_state = "state-1",
        custom_parameters = {"prompt": "consent", "login_hint": "a@example.com"},
        resources = ["https://api.example.com"],
        audiences = ["https://audience.example.com"],
        crate = identity,
    "#;
    let output = access_token(args, "fn f(token: SecretString) -> Result<(), E> {}");

    assert!(error_messages(&output).is_empty(), "{output}");
    let text = output.to_string();
    for expected in [
        "identity :: __private :: AccessTokenSpec {",
        "provider : \"github\"",
        "flow : identity :: OAuth2Flow :: UserFederation",
        "scopes : & [\"repo\" , \"read:user\"]",
        "callback_url : :: core :: option :: Option :: Some (\"https://agent.example.com/callback\")",
        "force_authentication : true",
        "custom_state : :: core :: option :: Option :: Some (\"state-1\")",
        "custom_parameters : & [(\"prompt\" , \"consent\") , (\"login_hint\" , \"a@example.com\")]",
        "resources : & [\"https://api.example.com\"]",
        "audiences : & [\"https://audience.example.com\"]",
        "identity :: __private :: fetch_access_token_blocking (& __AGENTCORE_SPEC , | url : & str | println ! (\"{url}\") , IntervalPoller :: with_interval (Duration :: from_secs (1) , 3))",
        "let token : SecretString",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in {text}");
    }
}

#[test]
fn flows_map_to_runtime_variants() {
    for (flow, variant) in [
        ("M2M", "M2M"),
        ("USER_FEDERATION", "UserFederation"),
        ("ON_BEHALF_OF_TOKEN_EXCHANGE", "OnBehalfOfTokenExchange"),
    ] {
        let args = format!(r#"provider = "p", scopes = [], auth_flow = "{flow}""#);
        let output = access_token(&args, ITEM);

        let expected = format!("flow : :: agentcore_identity_runtime :: OAuth2Flow :: {variant} ,");
        assert!(output.to_string().contains(&expected), "{flow}");
    }
}

#[test]
fn missing_arguments_are_listed_together() {
    let message = access_token_error(r#"provider = "github""#);
    assert_eq!(
        message,
        "missing arguments `scopes` and `auth_flow` in `#[requires_access_token]`, write \
         `#[requires_access_token(scopes = [\"repo\", \"read:user\"], auth_flow = \"USER_FEDERATION\")]`"
    );
}

#[test]
fn scopes_string_instead_of_list() {
    let message = access_token_error(r#"provider = "g", scopes = "repo", auth_flow = "M2M""#);
    assert_eq!(
        message,
        "`scopes` in `#[requires_access_token]` expects a list of strings such as \
         `scopes = [\"repo\", \"read:user\"]`, found a string"
    );
}

#[test]
fn scopes_list_with_number() {
    let message = access_token_error(r#"provider = "g", scopes = ["repo", 5], auth_flow = "M2M""#);
    assert!(message.ends_with("found a number in the list"), "{message}");
}

#[test]
fn scope_with_space_is_rejected() {
    let message =
        access_token_error(r#"provider = "g", scopes = ["repo user"], auth_flow = "M2M""#);
    assert!(
        message.starts_with("invalid scope \"repo user\""),
        "{message}"
    );
}

#[test]
fn unknown_flow_suggests_spelling() {
    for (flow, suggestion) in [("USER_FEDERATON", "USER_FEDERATION"), ("m2m", "M2M")] {
        let args = format!(r#"provider = "g", scopes = [], auth_flow = "{flow}""#);
        let message = access_token_error(&args);
        assert_eq!(
            message,
            format!(
                "unknown OAuth2 flow \"{flow}\" in `#[requires_access_token]`, did you mean \
                 `auth_flow = \"{suggestion}\"`? The flows are `M2M`, `USER_FEDERATION` and \
                 `ON_BEHALF_OF_TOKEN_EXCHANGE`"
            )
        );
    }
}

#[test]
fn user_federation_arguments_need_that_flow() {
    let args = r#"provider = "g", scopes = [], auth_flow = "M2M", on_auth_url = show,
        callback_url = "https://a.example.com", force_authentication = true,
        token_poller = poller(), custom_state = "s""#;
    let messages = error_messages(&access_token(args, ITEM));

    let keys = [
        "on_auth_url",
        "callback_url",
        "force_authentication",
        "token_poller",
        "custom_state",
    ];
    assert_eq!(messages.len(), keys.len(), "{messages:#?}");
    for (message, key) in messages.iter().zip(keys) {
        assert_eq!(
            *message,
            format!(
                "`{key}` in `#[requires_access_token]` applies only to \
                 `auth_flow = \"USER_FEDERATION\"`, but `auth_flow` is \"M2M\", so remove `{key}`"
            )
        );
    }
}

#[test]
fn callback_url_must_be_absolute_http() {
    for url in [
        "agent.example.com",
        "ftp://a",
        "https://",
        "https:///path",
        "http://a b",
    ] {
        let args = format!("{REQUIRED}, callback_url = \"{url}\"");
        let message = access_token_error(&args);
        assert!(
            message.starts_with("invalid callback URL"),
            "{url}: {message}"
        );
    }
}

#[test]
fn force_authentication_must_be_bool() {
    let message = access_token_error(&format!("{REQUIRED}, force_authentication = \"yes\""));
    assert_eq!(
        message,
        "`force_authentication` in `#[requires_access_token]` expects `true` or `false` such as \
         `force_authentication = true`, found a string"
    );
}

#[test]
fn custom_parameters_must_be_string_map() {
    for value in [r#"["prompt"]"#, r#"{"prompt" = "consent"}"#, r#"{"n": 1}"#] {
        let message = access_token_error(&format!("{REQUIRED}, custom_parameters = {value}"));
        assert!(
            message.starts_with("`custom_parameters` in `#[requires_access_token]` expects a map"),
            "{value}: {message}"
        );
    }
}

#[test]
fn custom_parameters_reject_duplicate_and_empty_names() {
    let duplicate = r#"{"prompt": "a", "prompt": "b"}"#;
    let message = access_token_error(&format!("{REQUIRED}, custom_parameters = {duplicate}"));
    assert!(
        message.starts_with("duplicate parameter \"prompt\""),
        "{message}"
    );

    let empty = r#"{"": "a"}"#;
    let message = access_token_error(&format!("{REQUIRED}, custom_parameters = {empty}"));
    assert!(message.starts_with("empty parameter name"), "{message}");
}

#[test]
fn resources_reject_empty_string() {
    let message = access_token_error(&format!(r#"{REQUIRED}, resources = ["a", ""]"#));
    assert_eq!(
        message,
        "empty string in `resources` in `#[requires_access_token]`"
    );
}

#[test]
fn handler_must_be_expression() {
    let message = access_token_error(&format!(r#"{REQUIRED}, on_auth_url = {{"a": 1}}"#));
    assert!(
        message.starts_with("`on_auth_url` in `#[requires_access_token]` expects an expression"),
        "{message}"
    );
}

#[test]
fn default_parameter_is_access_token() {
    let output = access_token(REQUIRED, "fn f(token: SecretString) -> Result<(), E> {}");
    let message = single_error(&output);
    assert_eq!(
        message,
        "`f` has no parameter `access_token` to receive the access token of \
         `#[requires_access_token]`, did you mean `into = \"token\"`?"
    );
}
