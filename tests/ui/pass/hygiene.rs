#![deny(warnings)]
#![allow(dead_code, non_camel_case_types, non_upper_case_globals, non_snake_case, unused_imports)]

use ::agentcore_identity_runtime::{SecretString, requires_api_key, requires_wat};

// Items named like everything the expansion uses.
mod core {}
mod std {}
mod agentcore_identity_runtime {}
mod __private {}
struct Result;
struct Ok;
struct Err;
struct Option;
struct Some;
struct None;
struct Box;
struct Send;
struct ApiKeySpec;
struct WorkloadTokenSpec;
fn credential() {}
fn identity_error() {}
fn fetch_api_key() {}
fn fetch_api_key_blocking() {}
fn fetch_workload_access_token() {}
static secret: u8 = 0;
static __AGENTCORE_SPEC: u8 = 0;
const error: u8 = 0;
const __agentcore_fetched: u8 = 0;
struct __agentcore_result;

type Outcome = ::core::result::Result<u8, ::std::boxed::Box<dyn ::std::error::Error + ::core::marker::Send + ::core::marker::Sync>>;

#[requires_api_key(provider = "openai")]
async fn locals(
    __agentcore_secret: u8,
    __agentcore_error: u8,
    spec: u8,
    api_key: SecretString,
) -> Outcome {
    static __AGENTCORE_SPEC: u8 = 1;
    let __agentcore_fetched_twice = __AGENTCORE_SPEC;
    let _ = (api_key, secret, error, __agentcore_fetched);
    ::core::result::Result::Ok(__agentcore_secret + __agentcore_error + spec + __agentcore_fetched_twice)
}

#[requires_wat]
fn blocking(credential: u8, identity_error: u8, identity_wat: SecretString) -> Outcome {
    const __AGENTCORE_SPEC: u8 = 2;
    let _ = identity_wat;
    ::core::result::Result::Ok(credential + identity_error + __AGENTCORE_SPEC)
}

fn main() {}
