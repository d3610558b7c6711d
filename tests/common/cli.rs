//! The real binary, run by the tests: `--store` given, and in English
//! whatever the machine's locale (messages are checked in English; a German
//! locale would change them).

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// `stadtatlas --store STORE`.
pub fn bin(store: &Path) -> Command {
    let mut c = Command::cargo_bin("stadtatlas").unwrap();
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    c.arg("--store").arg(store);
    c
}

/// `stadtatlas --store STORE -q`.
pub fn quiet(store: &Path) -> Command {
    let mut c = bin(store);
    c.arg("-q");
    c
}

/// The exit code and stderr of a run.
pub fn run(store: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = bin(store).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The JSON answer of a run that must succeed (`-q … --format json`).
pub fn json_of(store: &Path, args: &[&str]) -> Value {
    let out = bin(store)
        .arg("-q")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
