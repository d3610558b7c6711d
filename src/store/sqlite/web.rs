//! The moderation queue, accounts and API tokens in the GeoPackage store
//! (tables of [`super::schema::WEB`]).

use super::read::rows;
use super::sql_err;
use crate::store::StoreError;
use crate::store::web::{AccountRow, Decision, SubmissionRow, TokenRow, WebRows};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

const SUBMISSION_COLUMNS: &str = "id, received_at, proposal, contact, consent, status, \
     decided_by, decided_at, reason, record_id, import_id";

fn submission(r: &rusqlite::Row<'_>) -> rusqlite::Result<SubmissionRow> {
    Ok(SubmissionRow {
        id: r.get(0)?,
        received_at: r.get(1)?,
        proposal: r.get(2)?,
        contact: r.get(3)?,
        consent: r.get(4)?,
        status: r.get(5)?,
        decided_by: r.get(6)?,
        decided_at: r.get(7)?,
        reason: r.get(8)?,
        record_id: r.get(9)?,
        import_id: r.get(10)?,
    })
}

pub(super) fn submit(
    conn: &mut Connection,
    received_at: &str,
    proposal: &str,
    contact: Option<&str>,
    consent: Option<&str>,
) -> Result<i64, StoreError> {
    const Q: &str = "INSERT INTO submissions (received_at, proposal, contact, consent) \
                     VALUES (?1, ?2, ?3, ?4)";
    conn.execute(Q, params![received_at, proposal, contact, consent])
        .map_err(sql_err(Q))?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn submissions(
    conn: &Connection,
    id: Option<i64>,
) -> Result<Vec<SubmissionRow>, StoreError> {
    match id {
        None => rows(
            conn,
            &format!("SELECT {SUBMISSION_COLUMNS} FROM submissions ORDER BY id"),
            submission,
        ),
        Some(id) => {
            let q = format!("SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = ?1");
            let one = conn
                .query_row(&q, [id], submission)
                .optional()
                .map_err(sql_err(&q))?;
            Ok(one.into_iter().collect())
        }
    }
}

/// Marks a pending submission decided, inside the caller's transaction
/// (`import_id`: the import an approval wrote).
pub(super) fn record_decision(
    tx: &rusqlite::Transaction<'_>,
    decision: &Decision,
    import_id: Option<i64>,
) -> Result<(), StoreError> {
    const Q: &str = "UPDATE submissions SET status = ?2, decided_by = ?3, decided_at = ?4, \
                     reason = ?5, record_id = ?6, import_id = ?7 \
                     WHERE id = ?1 AND status = 'pending'";
    let n = tx
        .execute(
            Q,
            params![
                decision.submission,
                decision.status(),
                decision.by,
                decision.at,
                decision.reason,
                decision.record_id,
                import_id
            ],
        )
        .map_err(sql_err(Q))?;
    if n == 1 {
        return Ok(());
    }
    const STATUS: &str = "SELECT status FROM submissions WHERE id = ?1";
    let status: Option<String> = tx
        .query_row(STATUS, [decision.submission], |r| r.get(0))
        .optional()
        .map_err(sql_err(STATUS))?;
    Err(crate::store::not_pending(decision.submission, status))
}

pub(super) fn decide(conn: &mut Connection, decision: &Decision) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_err("BEGIN IMMEDIATE"))?;
    record_decision(&tx, decision, None)?;
    tx.commit().map_err(sql_err("COMMIT"))
}

pub(super) fn accounts(conn: &Connection) -> Result<Vec<AccountRow>, StoreError> {
    rows(
        conn,
        "SELECT name, role, password, created_at FROM accounts ORDER BY name",
        |r| {
            Ok(AccountRow {
                name: r.get(0)?,
                role: r.get(1)?,
                password: r.get(2)?,
                created_at: r.get(3)?,
            })
        },
    )
}

pub(super) fn put_account(conn: &mut Connection, a: &AccountRow) -> Result<(), StoreError> {
    const Q: &str = "INSERT INTO accounts (name, role, password, created_at) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (name) DO UPDATE SET role = excluded.role, password = excluded.password";
    conn.execute(Q, params![a.name, a.role, a.password, a.created_at])
        .map(drop)
        .map_err(sql_err(Q))
}

pub(super) fn remove_account(conn: &mut Connection, name: &str) -> Result<bool, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_err("BEGIN IMMEDIATE"))?;
    const TOKENS: &str = "DELETE FROM api_tokens WHERE account = ?1";
    tx.execute(TOKENS, [name]).map_err(sql_err(TOKENS))?;
    const Q: &str = "DELETE FROM accounts WHERE name = ?1";
    let n = tx.execute(Q, [name]).map_err(sql_err(Q))?;
    tx.commit().map_err(sql_err("COMMIT"))?;
    Ok(n > 0)
}

pub(super) fn tokens(conn: &Connection) -> Result<Vec<TokenRow>, StoreError> {
    rows(
        conn,
        "SELECT hash, account, label, created_at FROM api_tokens ORDER BY account, created_at, hash",
        |r| {
            Ok(TokenRow {
                hash: r.get(0)?,
                account: r.get(1)?,
                label: r.get(2)?,
                created_at: r.get(3)?,
            })
        },
    )
}

pub(super) fn put_token(conn: &mut Connection, t: &TokenRow) -> Result<(), StoreError> {
    const Q: &str =
        "INSERT INTO api_tokens (hash, account, label, created_at) VALUES (?1, ?2, ?3, ?4)";
    conn.execute(Q, params![t.hash, t.account, t.label, t.created_at])
        .map(drop)
        .map_err(sql_err(Q))
}

pub(super) fn web_rows(conn: &Connection) -> Result<WebRows, StoreError> {
    Ok(WebRows {
        submissions: submissions(conn, None)?,
        accounts: accounts(conn)?,
        tokens: tokens(conn)?,
    })
}

/// Writes a copied store's web rows (inside the copy's transaction).
pub(super) fn keep(tx: &rusqlite::Transaction<'_>, web: &WebRows) -> Result<(), StoreError> {
    let q = format!(
        "INSERT INTO submissions ({SUBMISSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    );
    for s in &web.submissions {
        tx.execute(
            &q,
            params![
                s.id,
                s.received_at,
                s.proposal,
                s.contact,
                s.consent,
                s.status,
                s.decided_by,
                s.decided_at,
                s.reason,
                s.record_id,
                s.import_id
            ],
        )
        .map_err(sql_err(&q))?;
    }
    const ACCOUNT: &str =
        "INSERT INTO accounts (name, role, password, created_at) VALUES (?1, ?2, ?3, ?4)";
    for a in &web.accounts {
        tx.execute(ACCOUNT, params![a.name, a.role, a.password, a.created_at])
            .map_err(sql_err(ACCOUNT))?;
    }
    const TOKEN: &str =
        "INSERT INTO api_tokens (hash, account, label, created_at) VALUES (?1, ?2, ?3, ?4)";
    for t in &web.tokens {
        tx.execute(TOKEN, params![t.hash, t.account, t.label, t.created_at])
            .map_err(sql_err(TOKEN))?;
    }
    Ok(())
}
