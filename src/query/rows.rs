//! The listing row of an entity: what `list`, `in` and `near` show.

use super::Atlas;
use crate::model::EntityKind;
use serde::Serialize;
use std::collections::BTreeMap;

/// How an entity is located.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Located {
    Point,
    Area,
    District,
    CityWide,
}

/// One entity in a listing (SPEC: `id, name, kind, category, fields[], lon, lat, districts{level: name}`).
#[derive(Debug, Clone, Serialize)]
pub struct EntityRow {
    #[serde(skip)]
    pub index: usize,
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
    pub category: Option<String>,
    pub fields: Vec<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub located: Located,
    /// Level → district name(s), `; `-joined when several.
    pub districts: BTreeMap<String, String>,
    /// True when a district above comes from provisional boundaries.
    pub districts_provisional: bool,
    /// Distance to the target of `near`, metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
    pub source: Option<String>,
}

/// One entity of an answer: its place in the answer's atlas and, for
/// `near`, its distance. Its row is made when it is written
/// ([`Found::row`]): a long answer holds its records once, not a second
/// time as rows (at 77,710 answers the rows were ~65 MB more).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    /// The entity's index in the atlas.
    pub index: usize,
    /// Distance to the target of `near`, metres.
    pub distance_m: Option<f64>,
}

impl Found {
    /// The listing row of this entity.
    pub fn row(self, atlas: &Atlas) -> EntityRow {
        let mut row = EntityRow::new(atlas, self.index);
        row.distance_m = self.distance_m;
        row
    }
}

impl EntityRow {
    pub(super) fn new(atlas: &Atlas, i: usize) -> Self {
        let e = &atlas.entities[i];
        let mut districts = BTreeMap::new();
        let mut provisional = false;
        for (level, set) in atlas
            .districts
            .hierarchy
            .levels()
            .iter()
            .zip(&atlas.assignments[i])
        {
            let names: Vec<&str> = set.iter().map(|r| atlas.ref_name(*r)).collect();
            provisional |= set.iter().any(|r| match r {
                crate::districts::DistrictRef::District(d) => atlas.districts[*d].provisional,
                _ => false,
            });
            districts.insert(level.id.clone(), names.join("; "));
        }
        Self {
            index: i,
            id: e.id.clone(),
            name: e.name.clone(),
            kind: e.kind,
            category: e.category.clone(),
            fields: e.fields.clone(),
            lon: e.location.map(|p| p.lon()),
            lat: e.location.map(|p| p.lat()),
            located: if e.location.is_some() {
                Located::Point
            } else if e.area.is_some() {
                Located::Area
            } else if !e.district_names.is_empty() {
                Located::District
            } else {
                Located::CityWide
            },
            districts,
            districts_provisional: provisional,
            distance_m: None,
            source: e.source.clone(),
        }
    }
}
