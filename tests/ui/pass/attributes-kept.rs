#![deny(warnings)]

use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

/// Outer attributes, docs, inner attributes, `unsafe` and parameter attributes stay.
#[requires_api_key(provider = "openai")]
#[must_use = "the answer is the point"]
#[inline]
#[cfg_attr(test, allow(unused))]
pub unsafe fn attributed(
    #[cfg(all())] api_key: SecretString,
    #[allow(unused_variables)] unused: u8,
) -> Result<u8, Error> {
    #![allow(clippy::needless_return)]
    let _ = api_key;
    return Ok(1);
}

// A parameter that `#[cfg]` removes takes its binding with it, so nothing is fetched.
#[requires_api_key(provider = "openai")]
pub fn configured_out(#[cfg(any())] api_key: SecretString) -> Result<(), Error> {
    Ok(())
}

#[requires_api_key(provider = "openai")]
pub(crate) async unsafe fn crate_visible(api_key: SecretString) -> Result<(), Error> {
    let _ = api_key;
    Ok(())
}

#[requires_api_key(provider = "openai")]
extern "Rust" fn rust_abi(api_key: SecretString) -> Result<(), Error> {
    let _ = api_key;
    Ok(())
}

#[allow(dead_code)]
async fn caller() -> Result<(), Error> {
    rust_abi()?;
    configured_out()?;
    // SAFETY: the functions have no safety requirement; `unsafe` only shows it is kept.
    unsafe {
        let _ = attributed(1)?;
        crate_visible().await
    }
}

fn main() {}
