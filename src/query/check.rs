//! `check`: what a planner should fix before the data goes into a bid.

use super::Atlas;
use crate::districts::DistrictRef;
use crate::model::MatchQuality;
use crate::quality::{DuplicateReason, SHOWN_PAIRS, likely_duplicates, strongest};
use serde::Serialize;

/// One finding about one record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// `outside`, `city-wide`, `located`, `stale`, `vocabulary`, `duplicate`.
    pub check: &'static str,
    pub id: String,
    pub name: String,
    pub detail: String,
}

/// All findings, grouped by check. `today` and `stale_days` decide when a
/// `verified_on` date is too old.
pub fn check(atlas: &Atlas, today: chrono::NaiveDate, stale_days: i64) -> Vec<Finding> {
    let mut out = Vec::new();
    let finding = |check: &'static str, i: usize, detail: String| Finding {
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
                ),
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
                format!("verified on {d}, {} days ago", (today - d).num_days()),
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
                format!("unknown field(s) of action: {}", unknown.join(", ")),
            ));
        }
        if let Some(c) = e
            .category
            .as_deref()
            .filter(|c| atlas.vocabulary.category(c).is_none())
        {
            out.push(finding("vocabulary", i, format!("unknown category: {c}")));
        }
    }
    let (pairs, left_out) = strongest(likely_duplicates(&atlas.entities, None), SHOWN_PAIRS);
    if left_out > 0 {
        out.push(Finding {
            check: "duplicate",
            id: String::new(),
            name: String::new(),
            detail: format!(
                "{} likely duplicate pairs; the {} most alike are listed, {left_out} more are not",
                pairs.len() + left_out,
                pairs.len()
            ),
        });
    }
    for d in pairs {
        let other = &atlas.entities[d.b];
        let detail = match &d.reason {
            DuplicateReason::NearAndSimilar {
                distance_m,
                similarity,
            } => format!(
                "like {} ({}): {distance_m:.0} m apart, names {:.0} % similar",
                other.name,
                other.id,
                similarity * 100.0
            ),
            DuplicateReason::SameWebsite { website } => {
                format!("like {} ({}): same website {website}", other.name, other.id)
            }
        };
        out.push(finding("duplicate", d.a, detail));
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
    out.sort_by(|a, b| {
        order(a.check)
            .cmp(&order(b.check))
            .then(a.name.cmp(&b.name))
    });
    out
}
