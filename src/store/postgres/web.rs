//! The moderation queue, accounts and API tokens in the PostGIS store
//! (tables of [`super::schema::WEB`]).

use super::sql_err;
use crate::store::StoreError;
use crate::store::web::{AccountRow, Decision, SubmissionRow, TokenRow, WebRows};
use postgres::{GenericClient, Row};

const SUBMISSION_COLUMNS: &str = "id, received_at, proposal, contact, consent, status, \
     decided_by, decided_at, reason, record_id, import_id";

fn submission(r: &Row) -> SubmissionRow {
    SubmissionRow {
        id: r.get(0),
        received_at: r.get(1),
        proposal: r.get(2),
        contact: r.get(3),
        consent: r.get(4),
        status: r.get(5),
        decided_by: r.get(6),
        decided_at: r.get(7),
        reason: r.get(8),
        record_id: r.get(9),
        import_id: r.get(10),
    }
}

pub(super) fn submit(
    client: &mut impl GenericClient,
    received_at: &str,
    proposal: &str,
    contact: Option<&str>,
    consent: Option<&str>,
) -> Result<i64, StoreError> {
    const Q: &str = "INSERT INTO submissions (received_at, proposal, contact, consent) \
                     VALUES ($1, $2, $3, $4) RETURNING id";
    client
        .query_one(Q, &[&received_at, &proposal, &contact, &consent])
        .map(|r| r.get(0))
        .map_err(sql_err(Q))
}

pub(super) fn submissions(
    client: &mut impl GenericClient,
    id: Option<i64>,
) -> Result<Vec<SubmissionRow>, StoreError> {
    let q = format!(
        "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE $1::bigint IS NULL OR id = $1 ORDER BY id"
    );
    Ok(client
        .query(&q, &[&id])
        .map_err(sql_err(&q))?
        .iter()
        .map(submission)
        .collect())
}

/// Marks a pending submission decided, inside the caller's transaction
/// (`import_id`: the import an approval wrote).
pub(super) fn record_decision(
    tx: &mut impl GenericClient,
    decision: &Decision,
    import_id: Option<i64>,
) -> Result<(), StoreError> {
    const Q: &str = "UPDATE submissions SET status = $2, decided_by = $3, decided_at = $4, \
                     reason = $5, record_id = $6, import_id = $7 \
                     WHERE id = $1 AND status = 'pending'";
    let n = tx
        .execute(
            Q,
            &[
                &decision.submission,
                &decision.status(),
                &decision.by,
                &decision.at,
                &decision.reason,
                &decision.record_id,
                &import_id,
            ],
        )
        .map_err(sql_err(Q))?;
    if n == 1 {
        return Ok(());
    }
    const STATUS: &str = "SELECT status FROM submissions WHERE id = $1";
    let status: Option<String> = tx
        .query_opt(STATUS, &[&decision.submission])
        .map_err(sql_err(STATUS))?
        .map(|r| r.get(0));
    Err(crate::store::not_pending(decision.submission, status))
}

pub(super) fn accounts(client: &mut impl GenericClient) -> Result<Vec<AccountRow>, StoreError> {
    const Q: &str =
        "SELECT name, role, password, created_at FROM accounts ORDER BY name COLLATE \"C\"";
    Ok(client
        .query(Q, &[])
        .map_err(sql_err(Q))?
        .iter()
        .map(|r| AccountRow {
            name: r.get(0),
            role: r.get(1),
            password: r.get(2),
            created_at: r.get(3),
        })
        .collect())
}

pub(super) fn put_account(
    client: &mut impl GenericClient,
    a: &AccountRow,
) -> Result<(), StoreError> {
    const Q: &str = "INSERT INTO accounts (name, role, password, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (name) DO UPDATE SET role = excluded.role, password = excluded.password";
    client
        .execute(Q, &[&a.name, &a.role, &a.password, &a.created_at])
        .map(drop)
        .map_err(sql_err(Q))
}

pub(super) fn remove_account(
    client: &mut impl GenericClient,
    name: &str,
) -> Result<bool, StoreError> {
    let mut tx = client.transaction().map_err(sql_err("BEGIN"))?;
    const TOKENS: &str = "DELETE FROM api_tokens WHERE account = $1";
    tx.execute(TOKENS, &[&name]).map_err(sql_err(TOKENS))?;
    const Q: &str = "DELETE FROM accounts WHERE name = $1";
    let n = tx.execute(Q, &[&name]).map_err(sql_err(Q))?;
    tx.commit().map_err(sql_err("COMMIT"))?;
    Ok(n > 0)
}

pub(super) fn tokens(client: &mut impl GenericClient) -> Result<Vec<TokenRow>, StoreError> {
    const Q: &str = "SELECT hash, account, label, created_at FROM api_tokens \
                     ORDER BY account COLLATE \"C\", created_at, hash";
    Ok(client
        .query(Q, &[])
        .map_err(sql_err(Q))?
        .iter()
        .map(|r| TokenRow {
            hash: r.get(0),
            account: r.get(1),
            label: r.get(2),
            created_at: r.get(3),
        })
        .collect())
}

pub(super) fn put_token(client: &mut impl GenericClient, t: &TokenRow) -> Result<(), StoreError> {
    const Q: &str =
        "INSERT INTO api_tokens (hash, account, label, created_at) VALUES ($1, $2, $3, $4)";
    client
        .execute(Q, &[&t.hash, &t.account, &t.label, &t.created_at])
        .map(drop)
        .map_err(sql_err(Q))
}

/// Everything of the web part; nothing for a role that may not read it
/// (the reader role: the queue holds contact persons), as a reader's store
/// has no contacts.
pub(super) fn web_rows(client: &mut impl GenericClient) -> Result<WebRows, StoreError> {
    const MAY: &str = "SELECT has_table_privilege(to_regclass('submissions'), 'SELECT') \
                       AND has_table_privilege(to_regclass('accounts'), 'SELECT') \
                       AND has_table_privilege(to_regclass('api_tokens'), 'SELECT')";
    let may: bool = client.query_one(MAY, &[]).map_err(sql_err(MAY))?.get(0);
    if !may {
        return Ok(WebRows::default());
    }
    Ok(WebRows {
        submissions: submissions(client, None)?,
        accounts: accounts(client)?,
        tokens: tokens(client)?,
    })
}

/// Writes a copied store's web rows (inside the copy's transaction).
pub(super) fn keep(tx: &mut impl GenericClient, web: &WebRows) -> Result<(), StoreError> {
    let q = format!(
        "INSERT INTO submissions ({SUBMISSION_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    );
    for s in &web.submissions {
        tx.execute(
            &q,
            &[
                &s.id,
                &s.received_at,
                &s.proposal,
                &s.contact,
                &s.consent,
                &s.status,
                &s.decided_by,
                &s.decided_at,
                &s.reason,
                &s.record_id,
                &s.import_id,
            ],
        )
        .map_err(sql_err(&q))?;
    }
    // The next submission is numbered after the copied ones.
    const NEXT: &str = "SELECT setval(pg_get_serial_sequence('submissions', 'id'), \
                        coalesce(max(id), 0) + 1, false) FROM submissions";
    tx.execute(NEXT, &[]).map_err(sql_err(NEXT))?;
    for a in &web.accounts {
        put_account(tx, a)?;
    }
    for t in &web.tokens {
        put_token(tx, t)?;
    }
    Ok(())
}
