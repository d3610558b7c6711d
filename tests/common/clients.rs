//! The Python clients of the server's tests (tests/clients/*.py: OWSLib,
//! Selenium driving Chromium), run from the Python that
//! `STADTATLAS_TEST_PYTHON` names: tests/pg.sh makes a venv with
//! tests/clients/requirements.txt. Without it a test says it skipped, unless
//! `STADTATLAS_REQUIRE_CLIENTS` is set (as in .ci/run), where it fails.

use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// What a client needs besides the Python packages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Python,
    /// Debian's chromium-driver, which Selenium drives.
    Chromedriver,
}

/// Runs tests/clients/`script` with `args` and returns the JSON it prints;
/// `None` (after saying why) where the clients cannot run and need not.
pub fn run(script: &str, args: &[&OsStr], needs: Needs) -> Option<Value> {
    let missing = |what: &str| {
        assert!(
            std::env::var_os("STADTATLAS_REQUIRE_CLIENTS").is_none(),
            "{what}"
        );
        eprintln!("skipped: {what}");
    };
    let Some(python) = std::env::var_os("STADTATLAS_TEST_PYTHON") else {
        missing("STADTATLAS_TEST_PYTHON (a python with tests/clients/requirements.txt) is not set");
        return None;
    };
    if needs == Needs::Chromedriver && !Path::new("/usr/bin/chromedriver").exists() {
        missing("/usr/bin/chromedriver is missing (apt-get install chromium-driver)");
        return None;
    }
    let out = std::process::Command::new(python)
        .arg(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/clients")
                .join(script),
        )
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}
