//! Compile-fail and compile-pass suites of `#[requires_api_key]`, `#[requires_wat]`,
//! `#[requires_access_token]` and `#[requires_iam_access_token]`.
//!
//! The `.stderr` files match rustc 1.95.0. After a change to a message, regenerate them with
//! `TRYBUILD=overwrite cargo test --test ui` and read the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/access-token/fail/*.rs");
    cases.pass("tests/ui/access-token/pass/*.rs");
    cases.compile_fail("tests/ui/iam-access-token/fail/*.rs");
    cases.pass("tests/ui/iam-access-token/pass/*.rs");
}
