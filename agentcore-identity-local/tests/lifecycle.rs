//! Starting, addressing and stopping the service from the library.

mod common;

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

use agentcore_identity_local::{LocalIdentityService, StartError};

#[tokio::test]
async fn endpoint_names_loopback_address() {
    let dir = tempfile::tempdir().unwrap();
    let service = LocalIdentityService::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();

    let addr = service.local_addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(service.endpoint(), format!("http://{addr}"));
    assert_eq!(service.data_dir(), dir.path());
    service.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_listener() {
    let dir = tempfile::tempdir().unwrap();
    let service = LocalIdentityService::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let addr = service.local_addr();

    service.shutdown().await;

    assert!(TcpStream::connect(addr).is_err());
}

#[tokio::test]
async fn dropped_handle_stops_server() {
    let dir = tempfile::tempdir().unwrap();
    let service = LocalIdentityService::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let addr = service.local_addr();

    drop(service);

    // The server task stops in the background; give it up to five seconds.
    let mut closed = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if TcpStream::connect(addr).is_err() {
            closed = true;
            break;
        }
    }
    assert!(
        closed,
        "server still accepts connections after the handle was dropped"
    );
}

#[tokio::test]
async fn listen_address_in_use_is_bind_error() {
    let taken = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let addr: SocketAddr = taken.local_addr().unwrap();
    let dir = tempfile::tempdir().unwrap();

    let error = LocalIdentityService::builder()
        .data_dir(dir.path())
        .listen(addr)
        .start()
        .await
        .unwrap_err();

    assert!(matches!(error, StartError::Bind { .. }), "{error:?}");
}

#[tokio::test]
async fn invalid_settings_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let builder = || LocalIdentityService::builder().data_dir(dir.path());

    let lifetime = builder()
        .workload_token_lifetime(Duration::from_millis(10))
        .start()
        .await
        .unwrap_err();
    let region = builder().region("moon-base").start().await.unwrap_err();
    let account = builder().account_id("12345").start().await.unwrap_err();

    assert!(
        matches!(lifetime, StartError::InvalidConfiguration(_)),
        "{lifetime:?}"
    );
    assert!(
        matches!(region, StartError::InvalidConfiguration(_)),
        "{region:?}"
    );
    assert!(
        matches!(account, StartError::InvalidConfiguration(_)),
        "{account:?}"
    );
}

#[tokio::test]
async fn configured_region_and_account_appear_in_arns() {
    let service = common::TestService::start_with(|builder| {
        builder.region("eu-west-1").account_id("210987654321")
    })
    .await;

    let created = service
        .control_plane()
        .create_api_key_credential_provider()
        .name("openai")
        .api_key("sk-1")
        .send()
        .await
        .unwrap();

    assert_eq!(
        created.credential_provider_arn(),
        "arn:aws:acps:eu-west-1:210987654321:token-vault/default/apikeycredentialprovider/openai"
    );
}
