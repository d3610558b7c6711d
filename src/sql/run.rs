//! Running one statement on a read-only store and collecting its rows.

use super::{SqlError, functions, guard};
use crate::query::Atlas;
use crate::store::{SqliteStore, Store, StoreError};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{ErrorCode, Statement};
use serde_json::Value as Json;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Default time limit of one query.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A query's answer: column names and rows of JSON scalars.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ResultTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Json>>,
}

impl ResultTable {
    /// The rows as objects column → value, in column order.
    pub fn to_objects(&self) -> Vec<serde_json::Map<String, Json>> {
        self.rows
            .iter()
            .map(|row| {
                self.columns
                    .iter()
                    .cloned()
                    .zip(row.iter().cloned())
                    .collect()
            })
            .collect()
    }

    /// Index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    pub timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// Runs one SQL statement on the store at `path`, with named parameters bound
/// (names without the leading `:`).
///
/// # Errors
/// [`SqlError`] for a second statement, a refused action, the time limit,
/// parameters the statement does not declare, or any SQL error.
pub fn run_sql_in(
    store: &crate::store::Location,
    sql: &str,
    params: &[(String, Value)],
    options: RunOptions,
) -> Result<ResultTable, SqlError> {
    match store.file() {
        Some(path) => run_sql(path, sql, params, options),
        None => {
            // The saved questions are SQLite with the store's functions
            // (`district_of`, `in_district`, …): a database store is asked
            // through a GeoPackage copy of it, so that both answer alike.
            let dir = tempfile::tempdir().map_err(|e| {
                SqlError::Store(StoreError::Open {
                    store: store.to_string(),
                    source: Box::new(e),
                })
            })?;
            let copy = crate::store::Location::File(dir.path().join("store.gpkg"));
            crate::store::copy::copy(store, &copy)?;
            run_sql(
                dir.path().join("store.gpkg").as_path(),
                sql,
                params,
                options,
            )
        }
    }
}

/// [`run_sql_in`] on a GeoPackage store.
///
/// # Errors
/// As [`run_sql_in`].
pub fn run_sql(
    path: &Path,
    sql: &str,
    params: &[(String, Value)],
    options: RunOptions,
) -> Result<ResultTable, SqlError> {
    // A store of an older schema version is upgraded first where writable.
    drop(SqliteStore::open_for_reading(path));
    let result = run_read_only(path, sql, params, options);
    // A strictly read-only connection leaves the `-wal`/`-shm` side files of a
    // WAL store behind; closing a reading connection that may checkpoint
    // removes them (the data pages are untouched). Best effort: on read-only
    // media the side files stay, which is harmless.
    drop(SqliteStore::open_for_reading(path));
    result
}

fn run_read_only(
    path: &Path,
    sql: &str,
    params: &[(String, Value)],
    options: RunOptions,
) -> Result<ResultTable, SqlError> {
    let store = SqliteStore::open_read_only(path)?;
    let atlas = Arc::new(Atlas::new(store.snapshot()?));
    let conn = store.connection();
    let plain = |source| SqlError::Sql { source };
    functions::register(conn, &atlas).map_err(plain)?;
    guard::create_views(conn).map_err(plain)?;
    // Checked before the authorizer exists, so that a second statement is
    // reported as such even when the authorizer would refuse it.
    match conn.prepare(sql) {
        Err(rusqlite::Error::MultipleStatement) => return Err(SqlError::MultipleStatements),
        Err(source) => return Err(SqlError::Sql { source }),
        Ok(_) => {}
    }
    let refusal = guard::install(conn, options.timeout);
    // A refusal recorded by the authorizer explains the error, whatever code
    // SQLite reports (a denied function surfaces as a plain SQL error).
    let classify = |source: rusqlite::Error| {
        if let Some(detail) = refusal.lock().ok().and_then(|r| r.clone()) {
            return SqlError::Denied { detail, source };
        }
        match source.sqlite_error_code() {
            Some(ErrorCode::OperationInterrupted) => SqlError::Timeout {
                limit: options.timeout,
            },
            _ => SqlError::Sql { source },
        }
    };
    let mut stmt = conn.prepare(sql).map_err(classify)?;
    if !stmt.readonly() {
        return Err(SqlError::Denied {
            detail: "the statement would write".to_string(),
            source: rusqlite::Error::InvalidQuery,
        });
    }
    bind(&mut stmt, params)?;
    let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
    let mut rows = Vec::new();
    let mut cursor = stmt.raw_query();
    while let Some(row) = cursor.next().map_err(classify)? {
        let cells = (0..columns.len())
            .map(|i| row.get_ref(i).map(json))
            .collect::<Result<Vec<_>, _>>()
            .map_err(classify)?;
        rows.push(cells);
    }
    Ok(ResultTable { columns, rows })
}

/// Binds named values; every `:name` of the statement must have one.
fn bind(stmt: &mut Statement<'_>, params: &[(String, Value)]) -> Result<(), SqlError> {
    for i in 1..=stmt.parameter_count() {
        let Some(name) = stmt.parameter_name(i).map(str::to_string) else {
            return Err(SqlError::UnknownParam {
                name: format!("?{i}"),
                known: params.iter().map(|(n, _)| n.clone()).collect(),
            });
        };
        let bare = name.trim_start_matches([':', '@', '$']);
        let value = params
            .iter()
            .find(|(n, _)| n == bare)
            .map(|(_, v)| v)
            .ok_or_else(|| SqlError::MissingParam {
                name: bare.to_string(),
            })?;
        stmt.raw_bind_parameter(i, value)
            .map_err(|source| SqlError::Sql { source })?;
    }
    Ok(())
}

fn json(v: ValueRef<'_>) -> Json {
    match v {
        ValueRef::Null => Json::Null,
        ValueRef::Integer(i) => Json::from(i),
        ValueRef::Real(r) => serde_json::Number::from_f64(r).map_or(Json::Null, Json::Number),
        ValueRef::Text(t) => Json::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Json::String(format!("<blob, {} bytes>", b.len())),
    }
}
