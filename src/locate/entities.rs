//! Matching entities: the address an entity gives (its `address`, and house
//! number, postcode and place columns kept beside it), the best answer of
//! the registers, and whether it may be applied.

use super::matching::Candidate;
use super::normalise::parse;
use super::register::Register;
use crate::model::names::fold;
use crate::model::{CoordSource, Entity, LonLat, MatchQuality, Text};
use serde::Serialize;

/// Extra columns (folded names) read as a house number, postcode or place
/// beside an `address` that holds only the street (`Straße` + `Hausnummer` + `PLZ`).
const NUMBER_COLUMNS: &[&str] = &["hausnummer", "hsnr", "hnr", "housenumber"];
const POSTCODE_COLUMNS: &[&str] = &["plz", "postleitzahl", "postcode", "zip"];
const PLACE_COLUMNS: &[&str] = &["ort", "stadt", "city", "place", "gemeinde"];

/// What happened to one entity's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Matched well enough: the point is set.
    Applied,
    /// Several places fit equally well: not applied, the candidates are listed.
    Ambiguous,
    /// Matched below the chosen least quality: not applied.
    BelowMinQuality,
    /// No register knows the address.
    NotFound,
}

/// One entity's address and what the registers made of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityMatch {
    pub id: String,
    pub name: String,
    /// The address as matched (with number, postcode and place columns).
    pub address: String,
    pub quality: MatchQuality,
    pub outcome: Outcome,
    /// The register that gave the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register: Option<String>,
    /// The point applied (WGS84), when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Every place that fits (one for a match, several when ambiguous).
    pub candidates: Vec<Candidate>,
}

/// The address to match for an entity: `address`, completed by house
/// number, postcode and place columns when the source has them apart.
/// `None` when it has none.
pub fn address_of(e: &Entity) -> Option<String> {
    let column = |names: &[&str]| {
        e.extra
            .iter()
            .find(|(k, v)| names.contains(&fold(k).as_str()) && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
    };
    let mut text = e.address.clone().filter(|a| !a.trim().is_empty())?;
    if let Some(n) = column(NUMBER_COLUMNS) {
        text.push(' ');
        text.push_str(&n);
    }
    let postcode =
        column(POSTCODE_COLUMNS).map(|p| super::normalise::postcode_column(&p).unwrap_or(p));
    let place = column(PLACE_COLUMNS);
    if postcode.is_some() || place.is_some() {
        text.push(',');
        for part in [postcode, place].into_iter().flatten() {
            text.push(' ');
            text.push_str(&part);
        }
    }
    Some(text)
}

/// True for an entity `locate` looks at: an address, no point and no area.
pub fn wants_locating(e: &Entity) -> bool {
    e.location.is_none() && e.area.is_none() && address_of(e).is_some()
}

/// Matches one entity against every register; the best quality wins, an
/// earlier register before a later one of the same quality.
pub fn match_entity(e: &Entity, registers: &[Register], min: MatchQuality) -> EntityMatch {
    let address = address_of(e).unwrap_or_default();
    let parsed = parse(&address);
    let mut best: Option<(usize, super::matching::Found)> = None;
    for (k, r) in registers.iter().enumerate() {
        let found = r.find(&parsed);
        if best.as_ref().is_none_or(|(_, b)| found.quality > b.quality) {
            best = Some((k, found));
        }
    }
    let (register, quality, candidates) = match best {
        Some((k, f)) if f.quality > MatchQuality::None => {
            (Some(registers[k].name.clone()), f.quality, f.candidates)
        }
        _ => (None, MatchQuality::None, Vec::new()),
    };
    let outcome = if quality == MatchQuality::None {
        Outcome::NotFound
    } else if candidates.len() > 1 {
        Outcome::Ambiguous
    } else if quality < min {
        Outcome::BelowMinQuality
    } else {
        Outcome::Applied
    };
    let point = candidates
        .first()
        .filter(|_| outcome == Outcome::Applied)
        .map(|c| (c.lon, c.lat));
    EntityMatch {
        id: e.id.clone(),
        name: e.name.clone(),
        address,
        quality,
        outcome,
        register,
        lon: point.map(|p| p.0),
        lat: point.map(|p| p.1),
        candidates,
    }
}

/// The entity with the matched point and its source, when the match is
/// applied.
pub fn located(e: &Entity, m: &EntityMatch) -> Option<Entity> {
    let (lon, lat) = (m.lon?, m.lat?);
    let point = LonLat::new(lon, lat).ok()?;
    let mut e = e.clone();
    e.location = Some(point);
    e.coord_source = Some(CoordSource {
        register: m.register.clone()?,
        quality: m.quality,
    });
    Some(e)
}

/// Counts of matches by quality (applied or not) and how many were applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Entities with an address and no point.
    pub looked_at: usize,
    pub applied: usize,
    pub ambiguous: usize,
    pub below_min_quality: usize,
    pub not_found: usize,
    /// Quality id → how many entities matched at it (best answer, applied or not).
    pub by_quality: std::collections::BTreeMap<&'static str, usize>,
}

impl Tally {
    /// Counts `matches`.
    pub fn of(matches: &[EntityMatch]) -> Self {
        let mut t = Tally {
            looked_at: matches.len(),
            ..Tally::default()
        };
        for m in matches {
            *t.by_quality.entry(m.quality.as_str()).or_default() += 1;
            match m.outcome {
                Outcome::Applied => t.applied += 1,
                Outcome::Ambiguous => t.ambiguous += 1,
                Outcome::BelowMinQuality => t.below_min_quality += 1,
                Outcome::NotFound => t.not_found += 1,
            }
        }
        t
    }

    /// `located 15 of 19: address 12, address_fuzzy 3, street 1, none 3; 1 ambiguous, …`.
    pub fn summary(&self) -> Text {
        let qualities: Vec<String> = MatchQuality::ALL
            .iter()
            .filter_map(|q| self.by_quality.get(q.as_str()).map(|n| format!("{q} {n}")))
            .collect();
        let qualities = if qualities.is_empty() {
            "-".to_string()
        } else {
            qualities.join(", ")
        };
        crate::text!(
            "located {} of {} entities with an address and no point (by quality: {}); {} ambiguous, {} below the least quality, {} not found",
            "{} von {} Einträgen mit Adresse und ohne Punkt verortet (nach Trefferqualität: {}); {} mehrdeutig, {} unter der Mindestqualität, {} nicht gefunden",
            self.applied,
            self.looked_at,
            qualities,
            self.ambiguous,
            self.below_min_quality,
            self.not_found
        )
    }
}
