//! The guard of `stadtatlas query`: writes, attachments, extensions, contacts,
//! second statements, injected parameters and runaway queries fail clearly and
//! leave the store's bytes as they were.

mod common;

use common::cli::quiet as bin;

use serde_json::Value as Json;
use std::path::{Path, PathBuf};

fn halle_store(dir: &Path) -> PathBuf {
    let store = dir.join("atlas.gpkg");
    let halle = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/halle");
    bin(&store).arg("import").arg(halle).assert().success();
    store
}

/// Runs the binary and returns (success, stderr).
fn cli(store: &Path, args: &[&str]) -> (bool, String) {
    let out = bin(store).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn writes_attachments_extensions_contacts_and_second_statements_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let before = common::cli::state(&store);
    let refused = [
        (
            "INSERT INTO entities (id, name, kind, record) VALUES ('x', 'x', 'partner', '{}')",
            "INSERT",
        ),
        ("UPDATE entities SET name = 'x'", "UPDATE"),
        ("DELETE FROM entities", "DELETE"),
        ("DROP TABLE entities", "changes the schema"),
        ("CREATE TABLE x (a)", "changes the schema"),
        ("ALTER TABLE entities ADD COLUMN x", "ALTER TABLE entities"),
        ("ATTACH DATABASE 'other.db' AS other", "ATTACH"),
        ("SELECT load_extension('x')", "extensions"),
        ("SELECT * FROM contacts", "contacts"),
        ("SELECT count(*) FROM main.contacts", "contacts"),
        ("SELECT contact FROM submissions", "submissions"),
        ("SELECT password FROM accounts", "accounts"),
        ("SELECT hash FROM api_tokens", "api_tokens"),
        ("SELECT 1; DROP TABLE entities", "exactly one SQL statement"),
        ("PRAGMA journal_mode = DELETE", "PRAGMA"),
    ];
    for (statement, says) in refused {
        let (ok, err) = cli(&store, &["query", "sql", statement]);
        assert!(!ok, "{statement} must fail");
        assert!(err.contains(says), "{statement}: {err}");
    }
    assert_eq!(
        before,
        common::cli::state(&store),
        "the store must be unchanged"
    );
}

#[test]
fn parameters_are_bound_never_spliced() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let before = common::cli::state(&store);
    let count = || {
        common::cli::json_of(&store, &["list"])
            .as_array()
            .unwrap()
            .len()
    };
    let entities = count();
    let evil = "x'); DROP TABLE entities; --";
    // Ad hoc: the value comes back as the literal text.
    let out = bin(&store)
        .args(["query", "sql", "SELECT :district AS d", "--param"])
        .arg(format!("district={evil}"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["d"], evil);
    // Saved: the value is looked up as a district name and not found.
    let (ok, err) = cli(
        &store,
        &[
            "query",
            "run",
            "partners_near_district",
            "--param",
            &format!("district={evil}"),
        ],
    );
    assert!(!ok);
    assert!(err.contains("no district"), "{err}");
    let (ok, err) = cli(
        &store,
        &[
            "query",
            "run",
            "partners_near_district",
            "--param",
            "radius=far",
        ],
    );
    assert!(!ok && err.contains("\"radius\" is real"), "{err}");
    let (ok, err) = cli(
        &store,
        &[
            "query",
            "run",
            "partners_near_district",
            "--param",
            "colour=red",
        ],
    );
    assert!(!ok && err.contains("district, radius"), "{err}");
    assert_eq!(before, common::cli::state(&store));
    assert_eq!(count(), entities, "the entities table is intact");
}

#[test]
fn a_runaway_query_stops_at_the_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let (ok, err) = cli(
        &store,
        &[
            "query",
            "sql",
            "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) SELECT count(*) FROM r",
            "--timeout",
            "1",
        ],
    );
    assert!(!ok);
    assert!(err.contains("time limit of 1 s"), "{err}");
}
