//! A PostgreSQL server for the tests: the one `tests/pg.sh` (and `.ci/run`)
//! starts, named by `STADTATLAS_TEST_PG`. Each test gets a database of its
//! own. Without the variable the PostgreSQL tests say so and pass, unless
//! `STADTATLAS_REQUIRE_PG=1` (set by `tests/pg.sh`), where they fail.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The server's URL (its `postgres` database), if there is one.
pub fn server() -> Option<String> {
    match std::env::var("STADTATLAS_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("STADTATLAS_REQUIRE_PG").as_deref() != Ok("1"),
                "STADTATLAS_REQUIRE_PG=1 but STADTATLAS_TEST_PG names no server"
            );
            eprintln!("no PostgreSQL server (STADTATLAS_TEST_PG unset): run tests/pg.sh");
            None
        }
    }
}

/// A new, empty database on the server; its URL.
pub fn database(hint: &str) -> Option<String> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let url = server()?;
    let name = format!(
        "t_{hint}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    Some(format!("{base}/{name}"))
}

/// A client of a database.
pub fn client(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

/// Whether the CLI suites run on PostgreSQL (`STADTATLAS_TEST_BACKEND=postgres`,
/// as `tests/pg.sh` does in its second pass): then every `.gpkg` store a test
/// names is a database of the test server instead.
pub fn backend_is_postgres() -> bool {
    std::env::var("STADTATLAS_TEST_BACKEND").as_deref() == Ok("postgres")
}

/// The database that stands for a GeoPackage path in the PostgreSQL pass:
/// the same path gives the same database within a test run, made empty on
/// first use from a template with PostGIS installed.
pub fn database_for(path: &Path) -> String {
    static MADE: Mutex<Option<HashMap<PathBuf, String>>> = Mutex::new(None);
    let mut made = MADE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let made = made.get_or_insert_with(HashMap::new);
    if let Some(url) = made.get(path) {
        return url.clone();
    }
    let server = server().expect("STADTATLAS_TEST_BACKEND=postgres needs tests/pg.sh");
    let mut client = postgres::Client::connect(&server, postgres::NoTls).unwrap();
    const TEMPLATE: &str = "t_template_postgis";
    let has_template = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&TEMPLATE])
        .unwrap()
        .is_some();
    let (base, _) = server.rsplit_once('/').unwrap();
    if !has_template {
        client
            .batch_execute(&format!("CREATE DATABASE {TEMPLATE}"))
            .unwrap();
        let mut template =
            postgres::Client::connect(&format!("{base}/{TEMPLATE}"), postgres::NoTls).unwrap();
        template.batch_execute("CREATE EXTENSION postgis").unwrap();
    }
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "t_cli_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    client
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
        .unwrap();
    let url = format!("{base}/{name}");
    made.insert(path.to_path_buf(), url.clone());
    url
}

/// Makes a login role `name` (dropped first if a run before left it) that
/// is a member of `group`; returns `url` as that role. Roles are the
/// cluster's: their DDL from two tests at once can fail with "tuple
/// concurrently updated", so it runs under a cluster-wide advisory lock.
#[allow(dead_code)]
pub fn login_role(url: &str, name: &str, group: &str) -> String {
    let mut admin = client(url);
    admin
        .batch_execute(&format!(
            "SELECT pg_advisory_lock(7311); \
             DROP ROLE IF EXISTS {name}; CREATE ROLE {name} LOGIN; GRANT {group} TO {name}; \
             SELECT pg_advisory_unlock(7311)"
        ))
        .unwrap();
    url.replacen("postgres://postgres@", &format!("postgres://{name}@"), 1)
}
