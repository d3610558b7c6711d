//! The PostgreSQL side of [`crate::store::tally`]: the `entity_tallies`
//! table, written from the records for a new store, kept by deltas in SQL
//! for an import into an existing one (the touched entities' counts taken
//! away before it writes and added back after), rebuilt by one `GROUP BY`
//! after a large import.

use super::sql_err;
use super::write::word;
use crate::store::tally::{Place, Tally};
use crate::store::{Assignments, ChangeSet, StoreError};
use postgres::Transaction;
use postgres::types::Type;
use std::collections::BTreeSet;

/// Above this many touched entities an import counts everything again
/// (one `GROUP BY` over the store) instead of counting them twice.
const REBUILD_ABOVE: usize = 50_000;

const PROFILE: &str = "e.kind, e.category, e.status, e.fields, e.visibility";
const COLUMNS: &str = "level, district_id, kind, category, status, fields, visibility, n";
const ADD: &str = "ON CONFLICT (level, district_id, kind, category, status, fields, visibility) \
                   DO UPDATE SET n = entity_tallies.n + excluded.n";

/// The counts of a new store ([`crate::store::tally::count`] of the records its first import
/// writes).
pub(super) fn write_new(tx: &mut Transaction<'_>, tallies: &[Tally]) -> Result<(), StoreError> {
    let q = format!("COPY entity_tallies ({COLUMNS}) FROM STDIN (FORMAT binary)");
    let types = [
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT_ARRAY,
        Type::TEXT,
        Type::INT8,
    ];
    super::copy_in::copy_in(tx, &q, &types, tallies, |t, out| {
        let (level, district) = match &t.place {
            Place::Entities => ("", ""),
            Place::District { level, district_id } => (level.as_str(), district_id.as_str()),
        };
        let p = &t.profile;
        let n = t.n as i64;
        out.row(&[
            &level,
            &district,
            &word(&p.kind),
            &p.category,
            &p.status.as_ref().map(word),
            &p.fields,
            &word(&p.visibility),
            &n,
        ])
    })
    .map(drop)
}

/// What an import into an existing store does to the counts.
pub(super) enum Pending {
    Rebuild,
    /// The touched entities' counts were taken away (they sit in the temp
    /// table `tally_touched`); add them back once written.
    Delta,
}

impl Pending {
    /// Takes away the counts of every entity `changes` touches (its record
    /// or its assignments), before they are written.
    pub(super) fn before(
        tx: &mut Transaction<'_>,
        changes: &ChangeSet,
    ) -> Result<Self, StoreError> {
        let mut ids: BTreeSet<&str> = changes.entities.iter().map(|e| e.id.as_str()).collect();
        match &changes.assignments {
            Some(Assignments::All(_)) => return Ok(Pending::Rebuild),
            Some(Assignments::Of { entities, .. }) => {
                ids.extend(entities.iter().map(String::as_str))
            }
            None => {}
        }
        if ids.len() > REBUILD_ABOVE {
            return Ok(Pending::Rebuild);
        }
        const TEMP: &str = "CREATE TEMP TABLE tally_touched (id text PRIMARY KEY) ON COMMIT DROP";
        tx.batch_execute(TEMP).map_err(sql_err(TEMP))?;
        const IDS: &str = "INSERT INTO tally_touched SELECT unnest($1::text[])";
        let ids: Vec<&str> = ids.into_iter().collect();
        tx.execute(IDS, &[&ids]).map_err(sql_err(IDS))?;
        add_touched(tx, -1)?;
        Ok(Pending::Delta)
    }

    /// Brings the counts up to date after the import's writes.
    pub(super) fn after(self, tx: &mut Transaction<'_>) -> Result<(), StoreError> {
        match self {
            Pending::Rebuild => rebuild(tx),
            Pending::Delta => {
                add_touched(tx, 1)?;
                let steps = "DELETE FROM entity_tallies WHERE n = 0; DROP TABLE tally_touched";
                tx.batch_execute(steps).map_err(sql_err(steps))
            }
        }
    }
}

/// Adds `sign` × the counts of the entities in `tally_touched` as stored now.
fn add_touched(tx: &mut Transaction<'_>, sign: i64) -> Result<(), StoreError> {
    let totals = format!(
        "INSERT INTO entity_tallies ({COLUMNS}) SELECT '', '', {PROFILE}, $1 * count(*) \
         FROM entities e JOIN tally_touched t ON t.id = e.id GROUP BY {PROFILE} {ADD}"
    );
    tx.execute(&totals, &[&sign]).map_err(sql_err(&totals))?;
    let places = format!(
        "INSERT INTO entity_tallies ({COLUMNS}) SELECT d.level, d.district_id, {PROFILE}, \
         $1 * count(*) FROM entity_districts d JOIN tally_touched t ON t.id = d.entity_id \
         JOIN entities e ON e.id = d.entity_id GROUP BY d.level, d.district_id, {PROFILE} {ADD}"
    );
    tx.execute(&places, &[&sign]).map_err(sql_err(&places))?;
    Ok(())
}

/// Counts everything again from the stored entities and assignments.
pub(super) fn rebuild(tx: &mut Transaction<'_>) -> Result<(), StoreError> {
    let q = format!(
        "DELETE FROM entity_tallies; \
         INSERT INTO entity_tallies ({COLUMNS}) SELECT '', '', {PROFILE}, count(*) \
         FROM entities e GROUP BY {PROFILE}; \
         INSERT INTO entity_tallies ({COLUMNS}) SELECT d.level, d.district_id, {PROFILE}, count(*) \
         FROM entity_districts d JOIN entities e ON e.id = d.entity_id \
         GROUP BY d.level, d.district_id, {PROFILE}"
    );
    tx.batch_execute(&q).map_err(sql_err(&q))
}
