//! Rejections in the service's error shape: missing members, malformed JSON, bad names,
//! unsigned requests, and paths that are not served.

mod common;

use aws_sdk_bedrockagentcore::operation::get_resource_api_key::GetResourceApiKeyError;
use aws_sdk_bedrockagentcore::types::ValidationExceptionReason;
use aws_sdk_bedrockagentcorecontrol::operation::create_workload_identity::CreateWorkloadIdentityError;
use common::{TestService, post_raw};
use serde_json::Value;

/// Every served operation with a required member, and the members `{}` must name.
const REQUIRED_MEMBERS: &[(&str, &[&str])] = &[
    ("/identities/GetWorkloadAccessToken", &["workloadName"]),
    (
        "/identities/GetWorkloadAccessTokenForJWT",
        &["workloadName", "userToken"],
    ),
    (
        "/identities/GetWorkloadAccessTokenForUserId",
        &["workloadName", "userId"],
    ),
    (
        "/identities/api-key",
        &["workloadIdentityToken", "resourceCredentialProviderName"],
    ),
    ("/identities/CreateWorkloadIdentity", &["name"]),
    ("/identities/GetWorkloadIdentity", &["name"]),
    ("/identities/UpdateWorkloadIdentity", &["name"]),
    ("/identities/DeleteWorkloadIdentity", &["name"]),
    (
        "/identities/CreateApiKeyCredentialProvider",
        &["name", "apiKey"],
    ),
    ("/identities/GetApiKeyCredentialProvider", &["name"]),
    (
        "/identities/UpdateApiKeyCredentialProvider",
        &["name", "apiKey"],
    ),
    ("/identities/DeleteApiKeyCredentialProvider", &["name"]),
];

/// Served operations whose members are all optional.
const NO_REQUIRED_MEMBERS: &[&str] = &[
    "/identities/ListWorkloadIdentities",
    "/identities/ListApiKeyCredentialProviders",
    "/identities/get-token-vault",
];

/// Reads an error response and checks the parts every error shares.
async fn read_error(response: reqwest::Response, status: u16, error_type: &str) -> Value {
    assert_eq!(response.status().as_u16(), status);
    let headers = response.headers().clone();
    assert_eq!(headers["x-amzn-errortype"], error_type);
    assert_eq!(headers["content-type"], "application/json");
    assert!(headers.contains_key("x-amzn-requestid"));

    let body: Value = response.json().await.expect("JSON error body");
    assert_eq!(body["__type"], error_type);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    body
}

fn field_names(body: &Value) -> Vec<String> {
    body["fieldList"]
        .as_array()
        .expect("fieldList")
        .iter()
        .map(|field| field["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn empty_input_names_missing_members() {
    let service = TestService::start().await;

    for (path, members) in REQUIRED_MEMBERS {
        let response = post_raw(&service.url(path), "{}").await;
        let body = read_error(response, 400, "ValidationException").await;

        assert_eq!(body["reason"], "FieldValidationFailed", "{path}");
        assert_eq!(field_names(&body), *members, "{path}");
    }
}

#[tokio::test]
async fn empty_input_is_valid_for_optional_members() {
    let service = TestService::start().await;

    for path in NO_REQUIRED_MEMBERS {
        let response = post_raw(&service.url(path), "{}").await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
    }
}

#[tokio::test]
async fn malformed_json_cannot_parse() {
    let service = TestService::start().await;

    for body in ["{\"name\":", "not json", "[1,2]", "\"text\""] {
        let response = post_raw(&service.url("/identities/GetWorkloadIdentity"), body).await;
        let error = read_error(response, 400, "ValidationException").await;
        assert_eq!(error["reason"], "CannotParse", "{body}");
    }
}

#[tokio::test]
async fn unknown_members_are_ignored() {
    let service = TestService::start().await;

    let response = post_raw(
        &service.url("/identities/CreateWorkloadIdentity"),
        r#"{"name":"agent","futureMember":{"nested":true}}"#,
    )
    .await;

    assert_eq!(response.status().as_u16(), 201);
}

#[tokio::test]
async fn empty_input_through_sdk_is_typed_validation_error() {
    let service = TestService::start().await;

    let control_error = service
        .control_plane()
        .create_workload_identity()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let CreateWorkloadIdentityError::ValidationException(validation) = control_error else {
        panic!("expected ValidationException, got {control_error:?}");
    };
    assert_eq!(validation.field_list()[0].name(), "name");

    let data_error = service
        .data_plane()
        .get_resource_api_key()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let GetResourceApiKeyError::ValidationException(validation) = data_error else {
        panic!("expected ValidationException, got {data_error:?}");
    };
    assert_eq!(
        validation.reason(),
        &ValidationExceptionReason::FieldValidationFailed
    );
    let names: Vec<&str> = validation
        .field_list()
        .iter()
        .map(|field| field.name())
        .collect();
    assert_eq!(
        names,
        ["workloadIdentityToken", "resourceCredentialProviderName"]
    );
}

#[tokio::test]
async fn names_are_checked_against_model_patterns() {
    let service = TestService::start().await;
    let cases = [
        (
            "/identities/CreateWorkloadIdentity",
            r#"{"name":"ab"}"#,
            "name",
        ),
        (
            "/identities/CreateWorkloadIdentity",
            r#"{"name":"has space"}"#,
            "name",
        ),
        (
            "/identities/CreateWorkloadIdentity",
            &format!(r#"{{"name":"{}"}}"#, "a".repeat(256)),
            "name",
        ),
        (
            "/identities/CreateWorkloadIdentity",
            r#"{"name":"agent","allowedResourceOauth2ReturnUrls":["no-scheme"]}"#,
            "allowedResourceOauth2ReturnUrls.1",
        ),
        (
            "/identities/CreateApiKeyCredentialProvider",
            r#"{"name":"with.dot","apiKey":"k"}"#,
            "name",
        ),
        (
            "/identities/CreateApiKeyCredentialProvider",
            r#"{"name":"ok","apiKey":""}"#,
            "apiKey",
        ),
        (
            "/identities/CreateApiKeyCredentialProvider",
            r#"{"name":"ok","apiKey":"k","apiKeySecretSource":"EXTERNAL"}"#,
            "apiKeySecretSource",
        ),
        (
            "/identities/GetWorkloadAccessTokenForJWT",
            r#"{"workloadName":"agent","userToken":"not-a-jwt"}"#,
            "userToken",
        ),
        (
            "/identities/GetWorkloadAccessTokenForUserId",
            &format!(
                r#"{{"workloadName":"agent","userId":"{}"}}"#,
                "u".repeat(129)
            ),
            "userId",
        ),
        ("/identities/GetWorkloadIdentity", r#"{"name":42}"#, "name"),
        (
            "/identities/ListWorkloadIdentities",
            r#"{"maxResults":0}"#,
            "maxResults",
        ),
        (
            "/identities/get-token-vault",
            r#"{"tokenVaultId":"bad id"}"#,
            "tokenVaultId",
        ),
    ];

    for (path, body, field) in cases {
        let response = post_raw(&service.url(path), body).await;
        let error = read_error(response, 400, "ValidationException").await;
        assert_eq!(error["reason"], "FieldValidationFailed", "{path} {body}");
        assert_eq!(field_names(&error), [field], "{path} {body}");
    }
}

#[tokio::test]
async fn validation_message_omits_secret_values() {
    let service = TestService::start().await;
    let secret = "sk-secret-value-that-is-far-too-long".repeat(2000);

    let response = post_raw(
        &service.url("/identities/CreateApiKeyCredentialProvider"),
        &format!(r#"{{"name":"ok","apiKey":"{secret}"}}"#),
    )
    .await;
    let text = response.text().await.unwrap();

    assert!(text.contains("apiKey"));
    assert!(!text.contains("sk-secret-value"));
}

#[tokio::test]
async fn unsigned_request_is_rejected() {
    let service = TestService::start().await;

    let response = reqwest::Client::new()
        .post(service.url("/identities/GetWorkloadIdentity"))
        .body(r#"{"name":"agent"}"#)
        .send()
        .await
        .unwrap();
    read_error(response, 403, "MissingAuthenticationTokenException").await;

    let response = reqwest::Client::new()
        .post(service.url("/identities/GetWorkloadIdentity"))
        .header("authorization", "Bearer abc")
        .body(r#"{"name":"agent"}"#)
        .send()
        .await
        .unwrap();
    read_error(response, 400, "IncompleteSignatureException").await;
}

#[tokio::test]
async fn not_served_operations_are_unsupported() {
    let service = TestService::start().await;
    let paths = [
        (
            "/identities/CreatePaymentCredentialProvider",
            "CreatePaymentCredentialProvider",
        ),
        ("/identities/set-token-vault-cmk", "SetTokenVaultCMK"),
        ("/identities/payment/token", "GetResourcePaymentToken"),
    ];

    for (path, operation) in paths {
        let response = post_raw(&service.url(path), "{}").await;
        let body = read_error(response, 501, "UnsupportedOperationException").await;
        assert!(
            body["message"].as_str().unwrap().contains(operation),
            "{path}"
        );
    }
}

#[tokio::test]
async fn oauth2_token_with_bad_workload_token_is_unauthorized() {
    let service = TestService::start().await;

    let error = service
        .data_plane()
        .get_resource_oauth2_token()
        .workload_identity_token("token")
        .resource_credential_provider_name("github")
        .oauth2_flow(aws_sdk_bedrockagentcore::types::Oauth2FlowType::M2M)
        .set_scopes(Some(Vec::new()))
        .send()
        .await
        .unwrap_err();

    let error = error.into_service_error();
    assert!(error.is_unauthorized_exception(), "{error:?}");
}

#[tokio::test]
async fn unknown_path_is_unknown_operation() {
    let service = TestService::start().await;

    let response = post_raw(&service.url("/identities/NoSuchOperation"), "{}").await;
    read_error(response, 404, "UnknownOperationException").await;

    let response = reqwest::Client::new()
        .get(service.url("/"))
        .header("authorization", common::AUTHORIZATION)
        .send()
        .await
        .unwrap();
    read_error(response, 404, "UnknownOperationException").await;
}

#[tokio::test]
async fn successful_responses_carry_request_id_and_status() {
    let service = TestService::start().await;

    let created = post_raw(
        &service.url("/identities/CreateWorkloadIdentity"),
        r#"{"name":"agent"}"#,
    )
    .await;
    assert_eq!(created.status().as_u16(), 201);
    assert!(created.headers().contains_key("x-amzn-requestid"));
    assert_eq!(created.headers()["content-type"], "application/json");

    let deleted = post_raw(
        &service.url("/identities/DeleteWorkloadIdentity"),
        r#"{"name":"agent"}"#,
    )
    .await;
    assert_eq!(deleted.status().as_u16(), 204);
    assert!(deleted.headers().contains_key("x-amzn-requestid"));
    assert!(deleted.bytes().await.unwrap().is_empty());
}
