//! `check`: what a planner should fix before the data goes into a bid.

use super::around::{CHUNK, Frame};
use super::location_quality::{LocationQuality, QualityCounts};
use super::{Atlas, QueryError};
use crate::districts::DistrictRef;
use crate::model::MatchQuality;
use crate::quality::{
    Candidate, DuplicateReason, NameAndPlace, SHOWN_PAIRS, likely_duplicates, strongest,
};
use crate::store::{EntityOrder, Store};
use serde::Serialize;
use std::borrow::Cow;

/// One finding about one record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// `outside`, `city-wide`, `located`, `stale`, `vocabulary`, `duplicate`.
    pub check: &'static str,
    pub id: String,
    pub name: String,
    /// Most details are one of a few fixed sentences, shared, not copied.
    pub detail: Cow<'static, str>,
}

/// What [`check_in_store`] found, and the entities counted by how well
/// they are located.
#[derive(Debug)]
pub struct Checked {
    pub findings: Vec<Finding>,
    pub location_quality: Vec<(LocationQuality, usize)>,
}

/// All findings, grouped by check. `today` and `stale_days` decide when a
/// `verified_on` date is too old.
pub fn check(atlas: &Atlas, today: chrono::NaiveDate, stale_days: i64) -> Vec<Finding> {
    let mut out = Vec::new();
    record_findings(atlas, today, stale_days, &mut out);
    finish(out, &atlas.entities)
}

/// [`check`] over a store, one chunk of entities at a time: besides the
/// findings, the process keeps the name, point and website of each record
/// (for the duplicate advice, which compares across chunks), not the
/// records. Also counts the entities by location quality.
///
/// # Errors
/// When the store fails.
pub fn check_in_store(
    store: &dyn Store,
    today: chrono::NaiveDate,
    stale_days: i64,
) -> Result<Checked, QueryError> {
    check_in_store_by(store, CHUNK, today, stale_days)
}

/// [`check_in_store`], `chunk` entities at a time (tests cross chunk
/// boundaries with small ones).
///
/// # Errors
/// When the store fails.
pub fn check_in_store_by(
    store: &dyn Store,
    chunk: usize,
    today: chrono::NaiveDate,
    stale_days: i64,
) -> Result<Checked, QueryError> {
    let frame = Frame::read(store)?;
    let mut out = Vec::new();
    let mut candidates = Vec::new();
    let mut qualities = QualityCounts::default();
    store.for_each_entity_chunk(chunk, EntityOrder::Stored, &mut |entities| {
        let atlas = frame.atlas(entities);
        record_findings(&atlas, today, stale_days, &mut out);
        candidates.extend(atlas.entities.iter().map(NameAndPlace::of));
        qualities.add(&atlas.entities);
        Ok(())
    })?;
    // In id order, as in a snapshot: which record of a pair carries the
    // finding, and which pairs are the strongest among equals, do not
    // depend on the order the store hands the chunks over in.
    candidates.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let findings = finish(out, &candidates);
    Ok(Checked {
        findings,
        location_quality: qualities.ordered(),
    })
}

/// The findings about each record on its own.
fn record_findings(
    atlas: &Atlas,
    today: chrono::NaiveDate,
    stale_days: i64,
    out: &mut Vec<Finding>,
) {
    let finding = |check: &'static str, i: usize, detail: Cow<'static, str>| Finding {
        check,
        id: atlas.entities[i].id.clone(),
        name: atlas.entities[i].name.clone(),
        detail,
    };
    for (i, e) in atlas.entities.iter().enumerate() {
        let a = &atlas.assignments[i];
        if !a.is_empty() && a.iter().all(|set| set.contains(&DistrictRef::Outside)) {
            out.push(finding(
                "outside",
                i,
                "outside every district: outside the city, or the boundaries are incomplete".into(),
            ));
        }
        if e.is_city_wide() {
            out.push(finding(
                "city-wide",
                i,
                "no point, area or named district: counted city-wide".into(),
            ));
        }
        if let Some(c) = e
            .coord_source
            .as_ref()
            .filter(|c| c.quality < MatchQuality::Address && e.location.is_some())
        {
            out.push(finding(
                "located",
                i,
                format!(
                    "point from the address register {} at quality {}, not the exact address: check it",
                    c.register, c.quality
                )
                .into(),
            ));
        }
        match e.verified_on {
            None => out.push(finding(
                "stale",
                i,
                "never verified (no verified_on)".into(),
            )),
            Some(d) if (today - d).num_days() > stale_days => out.push(finding(
                "stale",
                i,
                format!("verified on {d}, {} days ago", (today - d).num_days()).into(),
            )),
            Some(_) => {}
        }
        let unknown: Vec<&str> = e
            .fields
            .iter()
            .filter(|f| atlas.vocabulary.field(f).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            out.push(finding(
                "vocabulary",
                i,
                format!("unknown field(s) of action: {}", unknown.join(", ")).into(),
            ));
        }
        if let Some(c) = e
            .category
            .as_deref()
            .filter(|c| atlas.vocabulary.category(c).is_none())
        {
            out.push(finding(
                "vocabulary",
                i,
                format!("unknown category: {c}").into(),
            ));
        }
    }
}

/// Adds the likely duplicates among `records` (all of the store's, in one
/// order) to the findings and sorts them.
fn finish<R>(mut out: Vec<Finding>, records: &[R]) -> Vec<Finding>
where
    R: Candidate + Record,
{
    let (pairs, left_out) = strongest(likely_duplicates(records, None), SHOWN_PAIRS);
    if left_out > 0 {
        out.push(Finding {
            check: "duplicate",
            id: String::new(),
            name: String::new(),
            detail: format!(
                "{} likely duplicate pairs; the {} most alike are listed, {left_out} more are not",
                pairs.len() + left_out,
                pairs.len()
            )
            .into(),
        });
    }
    for d in pairs {
        let other = &records[d.b];
        let detail = match &d.reason {
            DuplicateReason::NearAndSimilar {
                distance_m,
                similarity,
            } => format!(
                "like {} ({}): {distance_m:.0} m apart, names {:.0} % similar",
                other.name(),
                other.id(),
                similarity * 100.0
            ),
            DuplicateReason::SameWebsite { website } => {
                format!(
                    "like {} ({}): same website {website}",
                    other.name(),
                    other.id()
                )
            }
        };
        out.push(Finding {
            check: "duplicate",
            id: records[d.a].id().to_string(),
            name: records[d.a].name().to_string(),
            detail: detail.into(),
        });
    }
    let order = |c: &str| {
        [
            "duplicate",
            "outside",
            "vocabulary",
            "located",
            "city-wide",
            "stale",
        ]
        .iter()
        .position(|x| *x == c)
    };
    // By check, name and id; several findings of one check about one record
    // stay in the order they were found.
    out.sort_by(|a, b| {
        order(a.check)
            .cmp(&order(b.check))
            .then(a.name.cmp(&b.name))
            .then(a.id.cmp(&b.id))
    });
    out
}

/// The id of a record that the duplicate advice compared.
trait Record {
    fn id(&self) -> &str;
}

impl Record for crate::model::Entity {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for NameAndPlace {
    fn id(&self) -> &str {
        &self.id
    }
}
