//! Saved questions and ad-hoc SQL on the store, read-only and parameterised.
//!
//! A question is one SQL statement in `queries/NAME.sql` ([`file`]). It runs on
//! a read-only connection ([`run`]) that knows spatial functions backed by the
//! library's district index ([`functions`]), convenience TEMP views and an
//! authorizer that lets only reads through ([`guard`]).

pub mod file;
pub mod functions;
pub mod guard;
pub mod run;

pub use file::{Param, ParamType, SavedQuery, find, load_dir};
pub use run::{DEFAULT_TIMEOUT, ResultTable, RunOptions, run_sql, run_sql_in};

use std::path::PathBuf;
use std::time::Duration;

/// Errors of saved questions and ad-hoc SQL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SqlError {
    #[error("cannot read the queries folder {path}")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read query file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}, line {line}: {message}")]
    Header {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("no saved query is named \"{name}\"; known: {}", known.join(", "))]
    UnknownQuery { name: String, known: Vec<String> },
    #[error("unknown parameter \"{name}\"; known: {}", if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    UnknownParam { name: String, known: Vec<String> },
    #[error("parameter \"{name}\" is {expected}, got \"{value}\"")]
    ParamType {
        name: String,
        expected: ParamType,
        value: String,
    },
    #[error("parameter :{name} has no value (give --param {name}=VALUE) and no default")]
    MissingParam { name: String },
    #[error("give exactly one SQL statement; a second one follows")]
    MultipleStatements,
    #[error("the query was stopped after the time limit of {} s", limit.as_secs_f64())]
    Timeout { limit: Duration },
    #[error("not allowed: queries may only read ({detail})")]
    Denied {
        detail: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("SQL error")]
    Sql {
        #[source]
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Query(#[from] crate::query::QueryError),
}
