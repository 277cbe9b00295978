//! A small tokio runtime owned by this crate, on which every call to the Identity service runs.
//!
//! The AWS SDK's HTTP client keeps pooled connections whose background tasks live on the runtime
//! that opened them. A client shared by the whole process would break once that runtime shut
//! down (a `#[tokio::test]` ends, a plain `fn` built a throwaway runtime). Running every SDK call
//! here keeps the pool on one runtime that lives as long as the process. So a client can be used
//! from any runtime, in turn or at once, and from threads with no runtime at all.

use std::cell::Cell;
use std::future::Future;
use std::sync::OnceLock;
use std::sync::mpsc;

use tokio::runtime::{Handle, Runtime, RuntimeFlavor};
use tokio::task::JoinHandle;

use crate::Error;

fn worker() -> &'static Runtime {
    static WORKER: OnceLock<Runtime> = OnceLock::new();
    WORKER.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("agentcore-identity")
            .enable_all()
            .build()
            .expect("failed to start the agentcore-identity worker runtime")
    })
}

thread_local! {
    /// Set on threads started by [`crate::spawn_blocking`], where blocking never stalls a runtime.
    static BLOCKING_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with the current thread marked as one that may block.
pub(crate) fn mark_blocking_thread<R>(f: impl FnOnce() -> R) -> R {
    let previous = BLOCKING_THREAD.with(|flag| flag.replace(true));
    let result = f();
    BLOCKING_THREAD.with(|flag| flag.set(previous));
    result
}

/// Aborts the spawned task when the caller stops waiting for it.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `future` on the worker runtime and waits for it from any runtime.
///
/// Dropping the returned future cancels the work.
pub(crate) async fn run<F>(operation: &'static str, future: F) -> Result<F::Output, Error>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut task = AbortOnDrop(worker().spawn(future));
    (&mut task.0)
        .await
        .map_err(|_| Error::WorkerStopped { operation })
}

/// Runs `future` on the worker runtime and blocks the calling thread until it finishes.
///
/// Blocking is allowed on a thread with no runtime, on a [`crate::spawn_blocking`] thread and
/// inside a multi-thread runtime (through `block_in_place`). A current-thread runtime would
/// stall, so that case is an error.
pub(crate) fn block_on<F>(function: &'static str, future: F) -> Result<F::Output, Error>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let flavor = Handle::try_current()
        .ok()
        .map(|handle| handle.runtime_flavor());
    let on_blocking_thread = BLOCKING_THREAD.with(Cell::get);
    if flavor == Some(RuntimeFlavor::CurrentThread) && !on_blocking_thread {
        return Err(Error::BlockingInCurrentThreadRuntime { function });
    }

    let (sender, receiver) = mpsc::sync_channel(1);
    let task = worker().spawn(async move {
        // The receiver only goes away if the caller panicked, so a failed send is harmless.
        let _ = sender.send(future.await);
    });
    let _abort = AbortOnDrop(task);
    let wait = move || receiver.recv();
    let received = match flavor {
        Some(RuntimeFlavor::MultiThread) if !on_blocking_thread => {
            tokio::task::block_in_place(wait)
        }
        _ => wait(),
    };
    received.map_err(|_| Error::WorkerStopped {
        operation: function,
    })
}
