//! What a query may do: TEMP convenience views, then an authorizer that lets
//! only reads through, and a deadline.
//!
//! The connection is already read-only; the authorizer adds clear refusals
//! (writes, ATTACH, `load_extension`, PRAGMA with a value) and keeps personal
//! data out of public answers: reading `contacts`, the registration form's
//! `submissions` (they hold contact persons) and the `accounts` and
//! `api_tokens` of `serve` is denied.

use rusqlite::Connection;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The tables whose reads are denied to public queries.
pub const PRIVATE_TABLES: [&str; 4] = ["contacts", "submissions", "accounts", "api_tokens"];

/// How many SQLite VM steps pass between deadline checks.
const PROGRESS_STEPS: i32 = 10_000;

/// Quotes an identifier for SQL.
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Quotes a string literal for SQL (only used for level names from the store).
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Creates `v_entities`, `v_relations` and `v_districts` as TEMP views.
///
/// # Errors
/// When the store lacks the expected tables.
pub fn create_views(conn: &Connection) -> rusqlite::Result<()> {
    let levels: Vec<String> = conn
        .prepare("SELECT level FROM district_levels ORDER BY rank")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let level_columns: String = levels
        .iter()
        .map(|l| {
            format!(
                ",\n (SELECT group_concat(district_id, ';') FROM (SELECT ed.district_id FROM \
                 entity_districts ed WHERE ed.entity_id = e.id AND ed.level = {} \
                 ORDER BY ed.district_id)) AS {}",
                literal(l),
                ident(l)
            )
        })
        .collect();
    conn.execute_batch(&format!(
        "CREATE TEMP VIEW v_entities AS SELECT e.id, e.name, e.kind, e.category, e.fields, \
         e.status, e.lon, e.lat, e.source, e.visibility, \
         e.verified_on{level_columns}\n FROM main.entities e;
         CREATE TEMP VIEW v_relations AS SELECT r.from_id, f.name AS from_name, r.role, \
         r.to_id, t.name AS to_name, r.field, r.source FROM main.relations r \
         LEFT JOIN main.entities f ON f.id = r.from_id LEFT JOIN main.entities t ON t.id = r.to_id;
         CREATE TEMP VIEW v_districts AS SELECT id, name, level, parent, population, \
         provisional FROM main.districts;"
    ))
}

/// The action the authorizer refused last, for the error message.
pub type Refusal = Arc<Mutex<Option<String>>>;

fn decide(ctx: &AuthContext<'_>) -> Result<(), String> {
    match ctx.action {
        AuthAction::Select | AuthAction::Recursive | AuthAction::Transaction { .. } => Ok(()),
        AuthAction::Read { table_name, .. }
            if PRIVATE_TABLES
                .iter()
                .any(|t| table_name.eq_ignore_ascii_case(t)) =>
        {
            Err(format!(
                "the {table_name} table is not readable by public queries"
            ))
        }
        AuthAction::Read { .. } => Ok(()),
        AuthAction::Function { function_name }
            if function_name.eq_ignore_ascii_case("load_extension") =>
        {
            Err("loading extensions is disabled".to_string())
        }
        AuthAction::Function { .. } => Ok(()),
        AuthAction::Pragma {
            pragma_value: None, ..
        } => Ok(()),
        AuthAction::Pragma { pragma_name, .. } => Err(format!(
            "PRAGMA {pragma_name} with a value changes settings"
        )),
        AuthAction::Attach { .. } => Err("ATTACH opens another database".to_string()),
        AuthAction::Detach { .. } => Err("DETACH changes the connection".to_string()),
        // CREATE, DROP and ALTER first ask to write the schema table.
        AuthAction::Insert { table_name }
        | AuthAction::Update { table_name, .. }
        | AuthAction::Delete { table_name }
            if table_name.starts_with("sqlite_") =>
        {
            Err("CREATE, DROP or ALTER changes the schema".to_string())
        }
        AuthAction::Insert { table_name } => Err(format!("INSERT into {table_name}")),
        AuthAction::Update { table_name, .. } => Err(format!("UPDATE of {table_name}")),
        AuthAction::Delete { table_name } => Err(format!("DELETE from {table_name}")),
        AuthAction::DropTable { table_name } => Err(format!("DROP TABLE {table_name}")),
        AuthAction::AlterTable { table_name, .. } => Err(format!("ALTER TABLE {table_name}")),
        ref other => Err(format!("{other:?}")),
    }
}

/// Installs the read-only authorizer (after the views exist) and the deadline.
pub fn install(conn: &Connection, timeout: Duration) -> Refusal {
    let refusal: Refusal = Arc::default();
    let seen = Arc::clone(&refusal);
    conn.authorizer(Some(move |ctx: AuthContext<'_>| match decide(&ctx) {
        Ok(()) => Authorization::Allow,
        Err(why) => {
            // Keep the first refusal: SQLite goes on to ask about the steps
            // of the refused action (DROP TABLE also deletes from sqlite_master).
            if let Ok(mut slot) = seen.lock() {
                slot.get_or_insert(why);
            }
            Authorization::Deny
        }
    }));
    let deadline = Instant::now() + timeout;
    // Returning true interrupts the running statement (SQLITE_INTERRUPT).
    conn.progress_handler(PROGRESS_STEPS, Some(move || Instant::now() >= deadline));
    refusal
}
