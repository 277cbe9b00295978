//! Runs the `quickstart` example as a new user would, twice in a row from an empty directory.

mod common;

#[test]
fn quickstart_runs_twice_and_leaves_nothing() {
    let working_dir = tempfile::tempdir().unwrap();
    for run in 0..2 {
        let output = std::process::Command::new(common::example_binary("quickstart"))
            .current_dir(working_dir.path())
            .env("RUST_LOG", "warn")
            .output()
            .expect("the quickstart starts");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "run {run} failed:\n{stdout}\n{stderr}"
        );
        assert!(
            stdout.contains("async fn: forecast for Lisbon"),
            "run {run}: {stdout}"
        );
        assert!(
            stdout.contains("`quickstart-weather-api`: wx-d… (18 characters)"),
            "{stdout}"
        );
        assert!(
            stdout.contains("plain fn: translation of \"good morning\""),
            "{stdout}"
        );
        assert!(
            stdout.contains("`quickstart-translate-api`: tr-d… (18 characters)"),
            "{stdout}"
        );
        assert!(
            !stdout.contains("wx-demo-4f1e8a2b9c"),
            "the key is printed masked"
        );
    }
    let left: Vec<_> = std::fs::read_dir(working_dir.path()).unwrap().collect();
    assert!(
        left.is_empty(),
        "the quickstart left files behind: {left:?}"
    );
}
