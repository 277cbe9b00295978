//! The process-wide client used by annotated functions from several runtimes in turn and from
//! threads without one. Alone in its test binary because it sets the process-wide client.

mod common;

use agentcore_identity_runtime::{
    Error, ExposeSecret, IdentityClient, SecretString, requires_api_key,
};
use common::{seed_api_key, start_local};

#[requires_api_key(provider = "shared-provider")]
async fn key_async(api_key: SecretString) -> Result<String, Error> {
    Ok(api_key.expose_secret().to_owned())
}

#[requires_api_key(provider = "shared-provider")]
fn key_blocking(api_key: SecretString) -> Result<String, Error> {
    Ok(api_key.expose_secret().to_owned())
}

fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn multi_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn shared_client_works_across_runtimes() {
    // The local service lives on its own runtime for the whole test.
    let service_runtime = multi_thread_runtime();
    let local = service_runtime.block_on(start_local());
    let client = service_runtime
        .block_on(
            local
                .client_builder()
                .workload_identity("shared-agent")
                .user_id("shared-user")
                .build(),
        )
        .unwrap();
    service_runtime.block_on(seed_api_key(
        &client,
        "shared-agent",
        "shared-provider",
        "sk-shared-7",
    ));
    IdentityClient::set_shared(client).unwrap();

    // Each runtime is dropped before the next starts, taking any connection it owned with it.
    for round in 0..2 {
        let runtime = current_thread_runtime();
        assert_eq!(
            runtime.block_on(key_async()).unwrap(),
            "sk-shared-7",
            "round {round}"
        );
        drop(runtime);

        let runtime = multi_thread_runtime();
        assert_eq!(
            runtime.block_on(key_async()).unwrap(),
            "sk-shared-7",
            "round {round}"
        );
        let blocking = runtime.block_on(async { key_blocking() });
        assert_eq!(blocking.unwrap(), "sk-shared-7", "round {round}");
        drop(runtime);
    }

    // No runtime at all.
    assert_eq!(key_blocking().unwrap(), "sk-shared-7");

    // A current-thread runtime would stall: a clear error, unless the call moves to a blocking thread.
    let runtime = current_thread_runtime();
    let error = runtime.block_on(async { key_blocking() }).unwrap_err();
    assert!(
        matches!(
            error,
            Error::BlockingInCurrentThreadRuntime {
                function: "key_blocking"
            }
        ),
        "{error}"
    );
    let moved =
        runtime.block_on(async { agentcore_identity_runtime::spawn_blocking(key_blocking).await });
    assert_eq!(moved.unwrap().unwrap(), "sk-shared-7");
}
