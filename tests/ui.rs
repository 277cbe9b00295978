//! Compile-fail and compile-pass suites of `#[requires_api_key]` and `#[requires_wat]`.
//!
//! The `.stderr` files match rustc 1.95.0. After a change to a message, regenerate them with
//! `TRYBUILD=overwrite cargo test --test ui` and read the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
    // TODO(requires_access_token re-export): add `tests/ui/access-token/fail/*.rs` and
    // `tests/ui/access-token/pass/*.rs` here once agentcore-identity-runtime re-exports the
    // macro, which the cases import from it.
}
