//! `stadtatlas query`: saved questions and ad-hoc SQL, formatted like every listing.

use super::args::QueryCommand;
use super::output::Out;
use anyhow::Result;
use rusqlite::types::Value;
use stadtatlas::export::Grid;
use stadtatlas::model::Lang;
use stadtatlas::sql::{self, ResultTable, RunOptions};
use std::path::PathBuf;
use std::time::Duration;

/// `queries/` under the working directory, else beside the crate's sources.
fn default_queries_dir() -> PathBuf {
    let here = PathBuf::from("queries");
    if here.is_dir() {
        here
    } else {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/queries"))
    }
}

/// Runs one `query` action.
pub fn run(
    out: &Out,
    store: &stadtatlas::store::Location,
    queries: Option<PathBuf>,
    timeout: u64,
    action: QueryCommand,
) -> Result<()> {
    let dir = queries.unwrap_or_else(default_queries_dir);
    let options = RunOptions {
        timeout: Duration::from_secs(timeout),
    };
    match action {
        QueryCommand::List => {
            let saved = sql::load_dir(&dir)?;
            let table = ResultTable {
                columns: ["name", "title", "params"].map(String::from).to_vec(),
                rows: saved
                    .iter()
                    .map(|q| {
                        let params = q
                            .params
                            .iter()
                            .map(|p| match &p.default {
                                Some(d) => format!("{} {} = {d}", p.name, p.kind),
                                None => format!("{} {}", p.name, p.kind),
                            })
                            .collect::<Vec<_>>()
                            .join("; ");
                        vec![
                            q.name.clone().into(),
                            q.title(out.lang).into(),
                            params.into(),
                        ]
                    })
                    .collect(),
            };
            emit(out, &table)
        }
        QueryCommand::Run { name, params } => {
            let saved = sql::load_dir(&dir)?;
            let q = sql::find(&saved, &name)?;
            let values = q.bind_values(&params)?;
            out.progress(&format!("{}: {}", q.name, q.title(out.lang)));
            emit(out, &sql::run_sql_in(store, &q.sql, &values, options)?)
        }
        QueryCommand::Sql { sql: text, params } => {
            let values: Vec<(String, Value)> = params
                .into_iter()
                .map(|(n, v)| (n, Value::Text(v)))
                .collect();
            emit(out, &sql::run_sql_in(store, &text, &values, options)?)
        }
    }
}

fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn emit(out: &Out, table: &ResultTable) -> Result<()> {
    let grid = || Grid {
        headers: table.columns.clone(),
        rows: table
            .rows
            .iter()
            .map(|r| r.iter().map(cell).collect())
            .collect(),
        notes: vec![match out.lang {
            Lang::De if table.rows.len() == 1 => "1 Zeile".to_string(),
            Lang::De => format!("{} Zeilen", table.rows.len()),
            Lang::En if table.rows.len() == 1 => "1 row".to_string(),
            Lang::En => format!("{} rows", table.rows.len()),
        }],
    };
    super::output::emit(out, &table.to_objects(), grid)
}
