//! How well each entity is located: by its source's own point, by an
//! address register at some match quality, by an area, by a named district,
//! or not at all (city-wide). `check` and the report count by it.

use crate::model::{Entity, MatchQuality};
use serde::Serialize;

/// Where an entity's place comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationQuality {
    /// A point the source gave.
    Source,
    /// A point matched in an address register, at this quality.
    Register(MatchQuality),
    /// An area and no point.
    Area,
    /// Only a named district.
    District,
    /// Nothing: counted city-wide.
    None,
}

impl LocationQuality {
    /// The entity's location quality.
    pub fn of(e: &Entity) -> Self {
        match (&e.location, &e.coord_source) {
            (Some(_), Some(c)) => LocationQuality::Register(c.quality),
            (Some(_), None) => LocationQuality::Source,
            (None, _) if e.area.is_some() => LocationQuality::Area,
            (None, _) if !e.district_names.is_empty() => LocationQuality::District,
            (None, _) => LocationQuality::None,
        }
    }

    /// `source`, `register:address`, `register:street`, `area`, `district`, `none`.
    pub fn label(self) -> String {
        match self {
            LocationQuality::Source => "source".into(),
            LocationQuality::Register(q) => format!("register:{q}"),
            LocationQuality::Area => "area".into(),
            LocationQuality::District => "district".into(),
            LocationQuality::None => "none".into(),
        }
    }
}

/// How many entities stand at each location quality, best first; only
/// qualities that occur.
pub fn location_quality<'a>(
    entities: impl IntoIterator<Item = &'a Entity>,
) -> Vec<(LocationQuality, usize)> {
    let mut counts = QualityCounts::default();
    counts.add(entities);
    counts.ordered()
}

/// Counts by location quality, added up chunk by chunk.
#[derive(Debug, Default)]
pub(super) struct QualityCounts(std::collections::BTreeMap<(u8, LocationQuality), usize>);

impl QualityCounts {
    pub(super) fn add<'a>(&mut self, entities: impl IntoIterator<Item = &'a Entity>) {
        for e in entities {
            let q = LocationQuality::of(e);
            let rank = match q {
                LocationQuality::Source => 0,
                LocationQuality::Register(m) => {
                    1 + MatchQuality::ALL.iter().position(|x| *x == m).unwrap_or(0) as u8
                }
                LocationQuality::Area => 10,
                LocationQuality::District => 11,
                LocationQuality::None => 12,
            };
            *self.0.entry((rank, q)).or_default() += 1;
        }
    }

    /// Best first.
    pub(super) fn ordered(self) -> Vec<(LocationQuality, usize)> {
        self.0.into_iter().map(|((_, q), n)| (q, n)).collect()
    }
}

/// `source 31, register:address 15, district 2, none 23`.
pub fn location_quality_line(counts: &[(LocationQuality, usize)]) -> String {
    counts
        .iter()
        .map(|(q, n)| format!("{} {n}", q.label()))
        .collect::<Vec<_>>()
        .join(", ")
}
