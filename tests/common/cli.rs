//! The real binary, run by the tests: `--store` given, and in English
//! whatever the machine's locale (messages are checked in English; a German
//! locale would change them).

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// `stadtatlas --store STORE`; in the PostgreSQL pass of the suites a
/// `.gpkg` store is a database standing for it ([`super::pg::database_for`]).
pub fn bin(store: &Path) -> Command {
    let mut c = Command::cargo_bin("stadtatlas").unwrap();
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .env_remove("STADTATLAS_STORE");
    c.arg("--store").arg(store_arg(store));
    c
}

/// `stadtatlas --store FILE` on a GeoPackage file in both passes (one the
/// test did not make as its store, e.g. an exported GeoPackage).
pub fn bin_on_file(file: &Path) -> Command {
    let mut c = Command::cargo_bin("stadtatlas").unwrap();
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .env_remove("STADTATLAS_STORE");
    c.arg("--store").arg(file);
    c
}

/// What `--store` is given for a store path: the path, or in the
/// PostgreSQL pass the database standing for a `.gpkg` path.
pub fn store_arg(store: &Path) -> std::ffi::OsString {
    if super::pg::backend_is_postgres() && store.extension().is_some_and(|e| e == "gpkg") {
        super::pg::database_for(store).into()
    } else {
        store.as_os_str().to_owned()
    }
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
    answer_of(store, args, true)
}

/// The JSON answer of a run, whatever its exit code (1: found nothing, or
/// a requirement uncovered).
pub fn json_any(store: &Path, args: &[&str]) -> Value {
    answer_of(store, args, false)
}

fn answer_of(store: &Path, args: &[&str], must_succeed: bool) -> Value {
    let out = bin(store)
        .arg("-q")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!must_succeed || out.status.success(), "{said}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {said}"))
}

/// Everything a store holds, to compare before and after: the file's bytes,
/// or in the PostgreSQL pass every row of every table of the schema, in
/// order (empty when there is no schema).
pub fn state(store: &Path) -> Vec<u8> {
    if !(super::pg::backend_is_postgres() && store.extension().is_some_and(|e| e == "gpkg")) {
        return std::fs::read(store).unwrap();
    }
    let mut client = super::pg::client(&super::pg::database_for(store));
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'stadtatlas' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = Vec::new();
    for t in tables {
        out.extend_from_slice(format!("== {t}\n").as_bytes());
        let q = format!("SELECT t::text FROM stadtatlas.{t} t ORDER BY 1");
        for row in client.query(&q, &[]).unwrap() {
            out.extend_from_slice(row.get::<_, String>(0).as_bytes());
            out.push(b'\n');
        }
    }
    out
}
