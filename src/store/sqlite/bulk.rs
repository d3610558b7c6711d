//! A prepared statement for bulk loads that binds its values without copies.
//!
//! rusqlite binds every text and blob as `SQLITE_TRANSIENT`: SQLite
//! allocates and copies each value before the statement runs, frees it on
//! the next bind, and copies it once more into the row. At 17 values per
//! entity row that was 0.6 s of the writing thread in a 10^6 import (perf).
//! [`StaticStatement::execute`] binds borrowed values as `SQLITE_STATIC` for
//! one execution only: it binds, steps, resets the statement and clears the
//! bindings before it returns, so SQLite never holds a value past its borrow.

use super::sql_err;
use crate::store::StoreError;
use rusqlite::{Connection, Transaction, ffi};
use std::ffi::{CStr, c_int};
use std::marker::PhantomData;
use std::ptr::NonNull;

/// One value to bind, borrowed from the caller for one execution.
#[derive(Clone, Copy, Debug)]
pub(super) enum Value<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(text: &'a str) -> Self {
        Value::Text(text)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(text: &'a String) -> Self {
        Value::Text(text)
    }
}

impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(blob: &'a [u8]) -> Self {
        Value::Blob(blob)
    }
}

impl From<i64> for Value<'_> {
    fn from(number: i64) -> Self {
        Value::Integer(number)
    }
}

impl From<f64> for Value<'_> {
    fn from(number: f64) -> Self {
        Value::Real(number)
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

/// Rows per `INSERT` in [`insert_rows`].
const ROWS_PER_STATEMENT: usize = 32;

/// Inserts rows of `N` columns into one table, [`ROWS_PER_STATEMENT`] rows
/// per statement: SQLite spends more on running a statement than on the row
/// it inserts. Its two statements (that many rows, and one row for the
/// rest) are prepared once, when first needed, however many times
/// [`RowInserter::insert`] is called; values are bound without copies (see
/// [`super::bulk`]).
pub(super) struct RowInserter<'t, const N: usize> {
    conn: &'t Connection,
    /// `INSERT INTO table (columns)`.
    head: String,
    /// An `ON CONFLICT` clause or empty.
    conflict: &'t str,
    /// The statement of [`ROWS_PER_STATEMENT`] rows and that of one row,
    /// each with what an error names (the SQL of one row is long enough).
    many: Option<(StaticStatement<'t>, String)>,
    one: Option<(StaticStatement<'t>, String)>,
    /// [`ROWS_PER_STATEMENT`], or 1 (see [`RowInserter::one_row_each`]).
    rows_per_statement: usize,
}

impl<'t, const N: usize> RowInserter<'t, N> {
    pub(super) fn new(
        conn: &'t Connection,
        table: &str,
        columns: &[&str; N],
        conflict: &'t str,
    ) -> Self {
        Self {
            conn,
            head: format!(
                "INSERT {} INTO {table} ({})",
                or_fail(conflict),
                columns.join(", ")
            ),
            conflict,
            many: None,
            one: None,
            rows_per_statement: ROWS_PER_STATEMENT,
        }
    }

    /// One row per statement. Inside a transaction SQLite keeps a journal of
    /// the pages a statement of several rows changes, to undo that statement
    /// alone; a page is 64 KiB, so into a store that already holds rows this
    /// costs more than the statements saved (10^5 rows: 40 % of the import).
    pub(super) fn one_row_each(mut self) -> Self {
        self.rows_per_statement = 1;
        self
    }

    /// One row per item; `values(item)` gives its value for each column.
    pub(super) fn insert<'a, T>(
        &mut self,
        items: &'a [T],
        values: impl Fn(&'a T) -> [Value<'a>; N],
    ) -> Result<(), StoreError> {
        let per = self.rows_per_statement;
        let (many, rest) = items.split_at(items.len() / per * per);
        for (rows, items) in [(per, many), (1, rest)] {
            if items.is_empty() {
                continue;
            }
            let (stmt, label) = self.statement(rows)?;
            let mut bound = Vec::with_capacity(rows * N);
            for chunk in items.chunks_exact(rows) {
                bound.clear();
                bound.extend(chunk.iter().flat_map(&values));
                stmt.execute(&bound).map_err(sql_err(label))?;
            }
        }
        Ok(())
    }

    /// The statement of `rows` rows ([`ROWS_PER_STATEMENT`] or 1).
    fn statement(&mut self, rows: usize) -> Result<&mut (StaticStatement<'t>, String), StoreError> {
        let slot = if rows == 1 {
            &mut self.one
        } else {
            &mut self.many
        };
        if slot.is_none() {
            let row = format!("({})", vec!["?"; N].join(", "));
            let sql = format!(
                "{} VALUES {} {}",
                self.head,
                vec![row.as_str(); rows].join(", "),
                self.conflict
            );
            let label = format!("{} VALUES … ({rows} rows)", self.head);
            let stmt = StaticStatement::prepare(self.conn, &sql).map_err(sql_err(&label))?;
            *slot = Some((stmt, label));
        }
        Ok(slot.as_mut().expect("prepared above"))
    }
}

/// `OR FAIL` for plain inserts: a row that breaks a constraint ends the
/// statement, keeping the rows before it (the transaction is rolled back
/// anyway), so SQLite keeps no journal to undo the statement alone; with
/// the default `ABORT` a `NOT NULL` column alone made it copy each 64 KiB
/// page a statement of many rows touched (10^5 partners into a store with
/// districts: entity rows 160 → 100 ms, assignments 90 → 25 ms).
fn or_fail(conflict: &str) -> &'static str {
    if conflict.is_empty() { "OR FAIL" } else { "" }
}

/// [`RowInserter::insert`] once, for a table written in one go.
pub(super) fn insert_rows<'a, T, const N: usize>(
    tx: &Transaction<'_>,
    table: &str,
    columns: &[&str; N],
    items: &'a [T],
    values: impl Fn(&'a T) -> [Value<'a>; N],
) -> Result<(), StoreError> {
    RowInserter::new(tx, table, columns, "").insert(items, values)
}

/// A statement prepared on a connection, run with [`Self::execute`]; not
/// cached (prepare it once per bulk load). Neither `Send` nor `Sync`, like
/// the connection it borrows.
pub(super) struct StaticStatement<'conn> {
    db: *mut ffi::sqlite3,
    stmt: NonNull<ffi::sqlite3_stmt>,
    parameters: usize,
    _conn: PhantomData<&'conn Connection>,
}

/// What a zero-length text or blob points to: SQLite reads a null pointer
/// as SQL NULL, and an empty `&str` may dangle.
const EMPTY: &[u8; 1] = b"\0";

impl<'conn> StaticStatement<'conn> {
    /// Prepares `sql`, a single statement.
    pub(super) fn prepare(conn: &'conn Connection, sql: &str) -> rusqlite::Result<Self> {
        let length = c_int::try_from(sql.len()).map_err(|_| failure(ffi::SQLITE_TOOBIG, None))?;
        // SAFETY: the handle stays valid while `conn` is borrowed, which
        // `'conn` ensures for the statement's life; `sql` outlives the call.
        let db = unsafe { conn.handle() };
        let mut stmt = std::ptr::null_mut();
        let code = unsafe {
            ffi::sqlite3_prepare_v2(
                db,
                sql.as_ptr().cast(),
                length,
                &mut stmt,
                std::ptr::null_mut(),
            )
        };
        if code != ffi::SQLITE_OK {
            return Err(failure(code, Some(db)));
        }
        let stmt = NonNull::new(stmt).ok_or_else(|| failure(ffi::SQLITE_MISUSE, None))?;
        // SAFETY: `stmt` was just prepared and is not finalized.
        let parameters = unsafe { ffi::sqlite3_bind_parameter_count(stmt.as_ptr()) };
        Ok(Self {
            db,
            stmt,
            parameters: usize::try_from(parameters).unwrap_or(0),
            _conn: PhantomData,
        })
    }

    /// Runs the statement once with `values` for its parameters, in order.
    ///
    /// # Panics
    ///
    /// When `values` does not have one value per parameter.
    pub(super) fn execute(&mut self, values: &[Value<'_>]) -> rusqlite::Result<()> {
        assert_eq!(
            values.len(),
            self.parameters,
            "one value per parameter of the statement"
        );
        let result = self.bind_and_step(values);
        // SAFETY: the statement is valid; after this no binding refers to
        // `values` any more. Reset returns the step's error again, which
        // `result` holds already.
        unsafe {
            ffi::sqlite3_reset(self.stmt.as_ptr());
            ffi::sqlite3_clear_bindings(self.stmt.as_ptr());
        }
        result
    }

    fn bind_and_step(&mut self, values: &[Value<'_>]) -> rusqlite::Result<()> {
        let stmt = self.stmt.as_ptr();
        for (index, value) in (1..).zip(values) {
            // SAFETY: `stmt` is valid, `index` within its parameters, and
            // each text or blob outlives its binding: `execute` clears the
            // bindings before `values` may go.
            let code = unsafe {
                match *value {
                    Value::Null => ffi::sqlite3_bind_null(stmt, index),
                    Value::Integer(number) => ffi::sqlite3_bind_int64(stmt, index, number),
                    Value::Real(number) => ffi::sqlite3_bind_double(stmt, index, number),
                    Value::Text(text) => ffi::sqlite3_bind_text64(
                        stmt,
                        index,
                        non_null(text.as_bytes()).cast(),
                        text.len() as u64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as u8,
                    ),
                    Value::Blob(blob) => ffi::sqlite3_bind_blob64(
                        stmt,
                        index,
                        non_null(blob).cast(),
                        blob.len() as u64,
                        ffi::SQLITE_STATIC(),
                    ),
                }
            };
            if code != ffi::SQLITE_OK {
                return Err(failure(code, Some(self.db)));
            }
        }
        // SAFETY: `stmt` is valid and bound.
        match unsafe { ffi::sqlite3_step(stmt) } {
            ffi::SQLITE_DONE | ffi::SQLITE_ROW => Ok(()),
            code => Err(failure(code, Some(self.db))),
        }
    }
}

impl Drop for StaticStatement<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement is valid and finalized only here.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

/// The pointer to bind for `bytes`: never null, even when empty.
fn non_null(bytes: &[u8]) -> *const u8 {
    if bytes.is_empty() {
        EMPTY.as_ptr()
    } else {
        bytes.as_ptr()
    }
}

/// rusqlite's error for a result code, with the connection's message.
fn failure(code: c_int, db: Option<*mut ffi::sqlite3>) -> rusqlite::Error {
    let message = db.map(|db| {
        // SAFETY: `db` is a valid connection; its message is a C string
        // that is copied before any other call on the connection.
        unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
            .to_string_lossy()
            .into_owned()
    });
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a, b, c UNIQUE)")
            .unwrap();
        conn
    }

    #[test]
    fn values_are_stored_as_bound_and_freed_after() {
        let conn = table();
        let mut insert =
            StaticStatement::prepare(&conn, "INSERT INTO t (a, b, c) VALUES (?, ?, ?), (?, ?, ?)")
                .unwrap();
        for round in 0..3_i64 {
            // Owned values dropped after each execution: a binding that
            // outlived them would read freed memory in the next round.
            let text = format!("text {round}");
            let blob = vec![round as u8; 3];
            insert
                .execute(&[
                    Value::from(text.as_str()),
                    Value::from(blob.as_slice()),
                    Value::from(round * 2),
                    Value::from(""),
                    Value::from(&b""[..]),
                    Value::from(None::<f64>),
                ])
                .unwrap();
        }
        let rows: Vec<(String, String, String)> = conn
            .prepare("SELECT quote(a), quote(b), quote(c) FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[2], ("'text 1'".into(), "X'010101'".into(), "2".into()));
        // Empty text and blob stay empty, not NULL.
        assert_eq!(rows[3], ("''".into(), "X''".into(), "NULL".into()));
    }

    #[test]
    fn failures_carry_sqlites_message_and_leave_the_statement_usable() {
        let conn = table();
        let mut insert = StaticStatement::prepare(&conn, "INSERT INTO t (c) VALUES (?)").unwrap();
        insert.execute(&[Value::Real(1.5)]).unwrap();
        let error = insert.execute(&[Value::Real(1.5)]).unwrap_err();
        assert!(
            error.to_string().contains("UNIQUE constraint failed: t.c"),
            "{error}"
        );
        insert.execute(&[Value::Real(2.5)]).unwrap();
        let error = StaticStatement::prepare(&conn, "INSERT INTO nowhere VALUES (?)")
            .err()
            .unwrap();
        assert!(
            error.to_string().contains("no such table: nowhere"),
            "{error}"
        );
    }
}
