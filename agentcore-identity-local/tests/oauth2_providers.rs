//! OAuth2 credential providers on the control plane, through the AWS SDK and the raw
//! protocol. Nothing here contacts a vendor: built-in endpoints are only stored and echoed.

mod common;

use std::fs;

use aws_sdk_bedrockagentcorecontrol::types::{
    ClientAuthenticationMethodType, CredentialProviderVendorType, CustomOauth2ProviderConfigInput,
    GithubOauth2ProviderConfigInput, GoogleOauth2ProviderConfigInput,
    MicrosoftOauth2ProviderConfigInput, Oauth2AuthorizationServerMetadata, Oauth2Discovery,
    Oauth2ProviderConfigInput, OnBehalfOfTokenExchangeConfigType,
    OnBehalfOfTokenExchangeGrantTypeType, Status,
};
use common::{TestService, post_raw};
use serde_json::{Value, json};

fn google_config(secret: &str) -> Oauth2ProviderConfigInput {
    Oauth2ProviderConfigInput::GoogleOauth2ProviderConfig(
        GoogleOauth2ProviderConfigInput::builder()
            .client_id("google-client")
            .client_secret(secret)
            .build()
            .unwrap(),
    )
}

fn random_secret() -> String {
    format!("client-secret-{}", uuid::Uuid::new_v4().simple())
}

async fn read_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn field_names(body: &Value) -> Vec<String> {
    body["fieldList"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|field| field["name"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn google_provider_round_trips_without_secret() {
    let service = TestService::start().await;
    let control = service.control_plane();
    let secret = random_secret();

    let created = control
        .create_oauth2_credential_provider()
        .name("google")
        .credential_provider_vendor(CredentialProviderVendorType::GoogleOauth2)
        .oauth2_provider_config_input(google_config(&secret))
        .send()
        .await
        .unwrap();

    assert_eq!(created.name(), "google");
    assert_eq!(
        created.credential_provider_arn(),
        "arn:aws:acps:us-east-1:123456789012:token-vault/default/oauth2credentialprovider/google"
    );
    assert_eq!(created.status(), Some(&Status::Ready));
    let callback = created.callback_url().unwrap();
    let callback_prefix = format!("{}/identities/oauth2/callback/", service.service.endpoint());
    assert!(callback.starts_with(&callback_prefix), "{callback}");
    let secret_arn = created.client_secret_arn().unwrap().secret_arn();
    assert!(secret_arn.starts_with("arn:aws:secretsmanager:us-east-1:123456789012:secret:"));

    let google = created
        .oauth2_provider_config_output()
        .unwrap()
        .as_google_oauth2_provider_config()
        .unwrap();
    assert_eq!(google.client_id(), Some("google-client"));
    let metadata = google
        .oauth_discovery()
        .unwrap()
        .as_authorization_server_metadata()
        .unwrap();
    assert_eq!(metadata.issuer(), "https://accounts.google.com");
    assert_eq!(
        metadata.authorization_endpoint(),
        "https://accounts.google.com/o/oauth2/v2/auth"
    );
    assert_eq!(
        metadata.token_endpoint(),
        "https://oauth2.googleapis.com/token"
    );

    let fetched = control
        .get_oauth2_credential_provider()
        .name("google")
        .send()
        .await
        .unwrap();
    assert_eq!(
        fetched.credential_provider_vendor(),
        &CredentialProviderVendorType::GoogleOauth2
    );
    assert_eq!(fetched.callback_url(), Some(callback));
    assert!(fetched.created_time().secs() > 0);

    // The raw bodies of Create, Get and List never carry the secret.
    for (path, body) in [
        ("GetOauth2CredentialProvider", json!({"name": "google"})),
        ("ListOauth2CredentialProviders", json!({})),
    ] {
        let response = post_raw(
            &service.url(&format!("/identities/{path}")),
            &body.to_string(),
        )
        .await;
        let text = response.text().await.unwrap();
        assert!(!text.contains(&secret), "{path} echoes the client secret");
        assert!(
            !text.contains("clientSecret\""),
            "{path} has a clientSecret member"
        );
    }
}

#[tokio::test]
async fn provider_update_replaces_whole_config() {
    let service = TestService::start().await;
    let control = service.control_plane();
    control
        .create_oauth2_credential_provider()
        .name("vendor")
        .credential_provider_vendor(CredentialProviderVendorType::GoogleOauth2)
        .oauth2_provider_config_input(google_config(&random_secret()))
        .send()
        .await
        .unwrap();
    let before = control
        .get_oauth2_credential_provider()
        .name("vendor")
        .send()
        .await
        .unwrap();

    service.clock.advance(std::time::Duration::from_secs(5));
    let github = Oauth2ProviderConfigInput::GithubOauth2ProviderConfig(
        GithubOauth2ProviderConfigInput::builder()
            .client_id("github-client")
            .client_secret(random_secret())
            .build()
            .unwrap(),
    );
    let updated = control
        .update_oauth2_credential_provider()
        .name("vendor")
        .credential_provider_vendor(CredentialProviderVendorType::GithubOauth2)
        .oauth2_provider_config_input(github)
        .send()
        .await
        .unwrap();

    assert_eq!(
        updated.credential_provider_vendor(),
        &CredentialProviderVendorType::GithubOauth2
    );
    let output = updated.oauth2_provider_config_output().unwrap();
    let github = output.as_github_oauth2_provider_config().unwrap();
    assert_eq!(github.client_id(), Some("github-client"));
    let metadata = github
        .oauth_discovery()
        .unwrap()
        .as_authorization_server_metadata()
        .unwrap();
    assert_eq!(
        metadata.token_endpoint(),
        "https://github.com/login/oauth/access_token"
    );
    assert_eq!(updated.callback_url(), before.callback_url());
    assert!(updated.last_updated_time().secs() > before.last_updated_time().secs());
    assert_eq!(updated.created_time(), before.created_time());
}

#[tokio::test]
async fn provider_delete_then_get_is_not_found() {
    let service = TestService::start().await;
    let control = service.control_plane();
    control
        .create_oauth2_credential_provider()
        .name("google")
        .credential_provider_vendor(CredentialProviderVendorType::GoogleOauth2)
        .oauth2_provider_config_input(google_config(&random_secret()))
        .send()
        .await
        .unwrap();

    control
        .delete_oauth2_credential_provider()
        .name("google")
        .send()
        .await
        .unwrap();
    let error = control
        .get_oauth2_credential_provider()
        .name("google")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");

    let error = control
        .delete_oauth2_credential_provider()
        .name("google")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
}

#[tokio::test]
async fn provider_name_taken_is_conflict() {
    let service = TestService::start().await;
    let control = service.control_plane();
    let create = || {
        control
            .create_oauth2_credential_provider()
            .name("google")
            .credential_provider_vendor(CredentialProviderVendorType::GoogleOauth2)
            .oauth2_provider_config_input(google_config("secret"))
            .send()
    };

    create().await.unwrap();
    let error = create().await.unwrap_err().into_service_error();

    assert!(error.is_conflict_exception(), "{error:?}");
}

#[tokio::test]
async fn microsoft_provider_names_tenant_endpoints() {
    let service = TestService::start().await;
    let config = Oauth2ProviderConfigInput::MicrosoftOauth2ProviderConfig(
        MicrosoftOauth2ProviderConfigInput::builder()
            .client_id("entra-client")
            .client_secret("secret")
            .tenant_id("contoso.onmicrosoft.com")
            .build()
            .unwrap(),
    );

    let created = service
        .control_plane()
        .create_oauth2_credential_provider()
        .name("entra")
        .credential_provider_vendor(CredentialProviderVendorType::MicrosoftOauth2)
        .oauth2_provider_config_input(config)
        .send()
        .await
        .unwrap();

    let output = created.oauth2_provider_config_output().unwrap();
    let microsoft = output.as_microsoft_oauth2_provider_config().unwrap();
    let metadata = microsoft
        .oauth_discovery()
        .unwrap()
        .as_authorization_server_metadata()
        .unwrap();
    assert_eq!(
        metadata.authorization_endpoint(),
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize"
    );
    assert_eq!(
        metadata.token_endpoint(),
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    );
}

#[tokio::test]
async fn included_vendor_endpoints_can_be_overridden() {
    let service = TestService::start().await;
    let create = |name: &str, vendor: &str, config: Value| {
        let body = json!({
            "name": name,
            "credentialProviderVendor": vendor,
            "oauth2ProviderConfigInput": {"includedOauth2ProviderConfig": config},
        });
        let url = service.url("/identities/CreateOauth2CredentialProvider");
        async move { read_json(post_raw(&url, &body.to_string()).await).await }
    };

    // A tenant-specific vendor given only its issuer uses the issuer's discovery document.
    let (status, body) = create(
        "okta",
        "OktaOauth2",
        json!({"clientId": "c", "clientSecret": "s", "issuer": "https://dev-1.okta.test/oauth2/default"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["oauth2ProviderConfigOutput"]["includedOauth2ProviderConfig"]["oauthDiscovery"]["discoveryUrl"],
        "https://dev-1.okta.test/oauth2/default/.well-known/openid-configuration"
    );

    // A vendor with built-in endpoints takes an override of one of them.
    let (status, body) = create(
        "spotify",
        "SpotifyOauth2",
        json!({"clientId": "c", "clientSecret": "s", "tokenEndpoint": "https://proxy.test/token"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let metadata = &body["oauth2ProviderConfigOutput"]["includedOauth2ProviderConfig"]["oauthDiscovery"]
        ["authorizationServerMetadata"];
    assert_eq!(metadata["tokenEndpoint"], "https://proxy.test/token");
    assert_eq!(
        metadata["authorizationEndpoint"],
        "https://accounts.spotify.com/authorize"
    );

    // A tenant-specific vendor without an issuer has no endpoints at all.
    let (status, body) = create(
        "auth0",
        "Auth0Oauth2",
        json!({"clientId": "c", "clientSecret": "s"}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        field_names(&body),
        ["oauth2ProviderConfigInput.includedOauth2ProviderConfig.issuer"]
    );
}

#[tokio::test]
async fn custom_provider_by_discovery_url_round_trips() {
    let service = TestService::start().await;
    let control = service.control_plane();
    let config = CustomOauth2ProviderConfigInput::builder()
        .oauth_discovery(Oauth2Discovery::DiscoveryUrl(
            "http://127.0.0.1:9/.well-known/openid-configuration".to_owned(),
        ))
        .client_id("custom-client")
        .client_secret(random_secret())
        .client_authentication_method(ClientAuthenticationMethodType::ClientSecretPost)
        .build();

    control
        .create_oauth2_credential_provider()
        .name("custom-discovery")
        .credential_provider_vendor(CredentialProviderVendorType::CustomOauth2)
        .oauth2_provider_config_input(Oauth2ProviderConfigInput::CustomOauth2ProviderConfig(
            config,
        ))
        .send()
        .await
        .unwrap();
    let fetched = control
        .get_oauth2_credential_provider()
        .name("custom-discovery")
        .send()
        .await
        .unwrap();

    let output = fetched.oauth2_provider_config_output().unwrap();
    let custom = output.as_custom_oauth2_provider_config().unwrap();
    assert_eq!(custom.client_id(), Some("custom-client"));
    assert_eq!(
        custom.client_authentication_method(),
        Some(&ClientAuthenticationMethodType::ClientSecretPost)
    );
    assert_eq!(
        custom
            .oauth_discovery()
            .unwrap()
            .as_discovery_url()
            .unwrap(),
        "http://127.0.0.1:9/.well-known/openid-configuration"
    );
}

#[tokio::test]
async fn custom_provider_by_metadata_round_trips() {
    let service = TestService::start().await;
    let control = service.control_plane();
    let metadata = Oauth2AuthorizationServerMetadata::builder()
        .issuer("https://idp.test")
        .authorization_endpoint("https://idp.test/authorize")
        .token_endpoint("https://idp.test/token")
        .response_types("code")
        .token_endpoint_auth_methods("client_secret_basic")
        .build()
        .unwrap();
    let on_behalf_of = OnBehalfOfTokenExchangeConfigType::builder()
        .grant_type(OnBehalfOfTokenExchangeGrantTypeType::JwtAuthorizationGrant)
        .build()
        .unwrap();
    let config = CustomOauth2ProviderConfigInput::builder()
        .oauth_discovery(Oauth2Discovery::AuthorizationServerMetadata(metadata))
        .client_id("custom-client")
        .client_secret(random_secret())
        .on_behalf_of_token_exchange_config(on_behalf_of)
        .build();

    let created = control
        .create_oauth2_credential_provider()
        .name("custom-metadata")
        .credential_provider_vendor(CredentialProviderVendorType::CustomOauth2)
        .oauth2_provider_config_input(Oauth2ProviderConfigInput::CustomOauth2ProviderConfig(
            config,
        ))
        .send()
        .await
        .unwrap();

    let output = created.oauth2_provider_config_output().unwrap();
    let custom = output.as_custom_oauth2_provider_config().unwrap();
    let metadata = custom
        .oauth_discovery()
        .unwrap()
        .as_authorization_server_metadata()
        .unwrap();
    assert_eq!(metadata.issuer(), "https://idp.test");
    assert_eq!(metadata.token_endpoint(), "https://idp.test/token");
    assert_eq!(metadata.response_types(), ["code"]);
    assert_eq!(
        metadata.token_endpoint_auth_methods(),
        ["client_secret_basic"]
    );
    assert_eq!(
        custom
            .on_behalf_of_token_exchange_config()
            .unwrap()
            .grant_type(),
        &OnBehalfOfTokenExchangeGrantTypeType::JwtAuthorizationGrant
    );
}

#[tokio::test]
async fn list_pages_providers_by_name() {
    let service = TestService::start().await;
    let control = service.control_plane();
    for name in ["c-provider", "a-provider", "b-provider"] {
        control
            .create_oauth2_credential_provider()
            .name(name)
            .credential_provider_vendor(CredentialProviderVendorType::GoogleOauth2)
            .oauth2_provider_config_input(google_config("secret"))
            .send()
            .await
            .unwrap();
    }

    let first = control
        .list_oauth2_credential_providers()
        .max_results(2)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = first
        .credential_providers()
        .iter()
        .map(|p| p.name())
        .collect();
    assert_eq!(names, ["a-provider", "b-provider"]);
    assert_eq!(
        first.credential_providers()[0].credential_provider_vendor(),
        &CredentialProviderVendorType::GoogleOauth2
    );
    let token = first.next_token().unwrap();

    let second = control
        .list_oauth2_credential_providers()
        .max_results(2)
        .next_token(token)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = second
        .credential_providers()
        .iter()
        .map(|p| p.name())
        .collect();
    assert_eq!(names, ["c-provider"]);
    assert_eq!(second.next_token(), None);

    let error = control
        .list_oauth2_credential_providers()
        .max_results(21)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_validation_exception(), "{error:?}");
}

#[tokio::test]
async fn empty_create_names_missing_members() {
    let service = TestService::start().await;

    let response = post_raw(
        &service.url("/identities/CreateOauth2CredentialProvider"),
        "{}",
    )
    .await;
    let (status, body) = read_json(response).await;

    assert_eq!(status, 400);
    assert_eq!(body["__type"], "ValidationException");
    assert_eq!(body["reason"], "FieldValidationFailed");
    assert_eq!(
        field_names(&body),
        [
            "name",
            "credentialProviderVendor",
            "oauth2ProviderConfigInput"
        ]
    );
}

#[tokio::test]
async fn invalid_configs_are_rejected_with_member_paths() {
    let service = TestService::start().await;
    let custom = |config: Value| {
        json!({"name": "p", "credentialProviderVendor": "CustomOauth2",
               "oauth2ProviderConfigInput": {"customOauth2ProviderConfig": config}})
    };
    let discovery = json!({"discoveryUrl": "https://idp.test/.well-known/openid-configuration"});
    let cases = [
        (
            "union with two members",
            json!({"name": "p", "credentialProviderVendor": "GoogleOauth2",
                   "oauth2ProviderConfigInput": {
                       "googleOauth2ProviderConfig": {"clientId": "c", "clientSecret": "s"},
                       "githubOauth2ProviderConfig": {"clientId": "c", "clientSecret": "s"}}}),
            "oauth2ProviderConfigInput",
        ),
        (
            "member of another vendor",
            json!({"name": "p", "credentialProviderVendor": "GoogleOauth2",
                   "oauth2ProviderConfigInput": {"githubOauth2ProviderConfig": {"clientId": "c", "clientSecret": "s"}}}),
            "oauth2ProviderConfigInput",
        ),
        (
            "unknown vendor",
            json!({"name": "p", "credentialProviderVendor": "MyspaceOauth2",
                   "oauth2ProviderConfigInput": {"customOauth2ProviderConfig": {}}}),
            "credentialProviderVendor",
        ),
        (
            "vendor without secret",
            json!({"name": "p", "credentialProviderVendor": "GithubOauth2",
                   "oauth2ProviderConfigInput": {"githubOauth2ProviderConfig": {"clientId": "c"}}}),
            "oauth2ProviderConfigInput.githubOauth2ProviderConfig.clientSecret",
        ),
        (
            "secret kept outside the vault",
            json!({"name": "p", "credentialProviderVendor": "GithubOauth2",
                   "oauth2ProviderConfigInput": {"githubOauth2ProviderConfig": {
                       "clientId": "c", "clientSecret": "s", "clientSecretSource": "EXTERNAL"}}}),
            "oauth2ProviderConfigInput.githubOauth2ProviderConfig.clientSecretSource",
        ),
        (
            "discovery URL without well-known path",
            custom(
                json!({"oauthDiscovery": {"discoveryUrl": "https://idp.test/config"}, "clientId": "c"}),
            ),
            "oauth2ProviderConfigInput.customOauth2ProviderConfig.oauthDiscovery.discoveryUrl",
        ),
        (
            "metadata without token endpoint",
            custom(json!({"oauthDiscovery": {"authorizationServerMetadata": {
                "issuer": "https://idp.test", "authorizationEndpoint": "https://idp.test/a"}}, "clientId": "c"})),
            "oauth2ProviderConfigInput.customOauth2ProviderConfig.oauthDiscovery.authorizationServerMetadata.tokenEndpoint",
        ),
        (
            "private key JWT",
            custom(
                json!({"oauthDiscovery": discovery, "clientId": "c", "clientAuthenticationMethod": "PRIVATE_KEY_JWT"}),
            ),
            "oauth2ProviderConfigInput.customOauth2ProviderConfig.clientAuthenticationMethod",
        ),
        (
            "KMS key",
            custom(json!({"oauthDiscovery": discovery, "clientId": "c",
                          "privateKeyJwtConfig": {"privateKeySource": {"kmsKeySource": {"kmsKeyArn": "arn"}}}})),
            "oauth2ProviderConfigInput.customOauth2ProviderConfig.privateKeyJwtConfig",
        ),
        (
            "private endpoint",
            custom(json!({"oauthDiscovery": discovery, "clientId": "c",
                          "privateEndpoint": {"selfManagedLatticeResource": {"resourceConfigurationIdentifier": "r"}}})),
            "oauth2ProviderConfigInput.customOauth2ProviderConfig.privateEndpoint",
        ),
        (
            "IAM actor token",
            custom(json!({"oauthDiscovery": discovery, "clientId": "c",
                          "onBehalfOfTokenExchangeConfig": {"grantType": "TOKEN_EXCHANGE",
                              "tokenExchangeGrantTypeConfig": {"actorTokenContent": "AWS_IAM_ID_TOKEN_JWT"}}})),
            "oauth2ProviderConfigInput.customOauth2ProviderConfig.onBehalfOfTokenExchangeConfig.tokenExchangeGrantTypeConfig.actorTokenContent",
        ),
    ];

    for (case, body, field) in cases {
        let response = post_raw(
            &service.url("/identities/CreateOauth2CredentialProvider"),
            &body.to_string(),
        )
        .await;
        let (status, body) = read_json(response).await;
        assert_eq!(status, 400, "{case}: {body}");
        assert_eq!(body["__type"], "ValidationException", "{case}");
        assert_eq!(field_names(&body), [field], "{case}: {body}");
    }
}

#[tokio::test]
async fn vault_files_hold_no_plaintext_client_secret() {
    let service = TestService::start().await;
    let secret = random_secret();
    service
        .control_plane()
        .create_oauth2_credential_provider()
        .name("google")
        .credential_provider_vendor(CredentialProviderVendorType::GoogleOauth2)
        .oauth2_provider_config_input(google_config(&secret))
        .send()
        .await
        .unwrap();

    let dir = service.dir;
    service.service.shutdown().await;
    let mut read_any = false;
    for name in ["vault.db", "vault.db-wal"] {
        let Ok(bytes) = fs::read(dir.path().join(name)) else {
            continue;
        };
        read_any = true;
        let found = bytes
            .windows(secret.len())
            .any(|window| window == secret.as_bytes());
        assert!(!found, "{name} holds the client secret");
    }
    assert!(read_any, "no vault file was found");
}
