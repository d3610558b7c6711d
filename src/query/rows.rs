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
