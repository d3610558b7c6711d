//! A PostgreSQL server for the tests: the one `tests/pg.sh` (and `.ci/run`)
//! starts, named by `STADTATLAS_TEST_PG`. Each test gets a database of its
//! own. Without the variable the PostgreSQL tests say so and pass, unless
//! `STADTATLAS_REQUIRE_PG=1` (set by `tests/pg.sh`), where they fail.

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
