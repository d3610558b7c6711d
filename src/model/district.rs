//! Districts: named areas at data-defined levels (Stadtbezirk › Stadtteil › Viertel).

use geo::MultiPolygon;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One district at one level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct District {
    pub id: String,
    pub name: String,
    /// The level's id, e.g. `stadtteil`.
    pub level: String,
    /// The containing district's id, one level up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Everyday names that also resolve to this district (`Halle-Neustadt`, `HaNeu`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Inhabitants, where a source gives them; never estimated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// True when the boundary is not the official one.
    #[serde(default)]
    pub provisional: bool,
    /// How the boundary was made (said wherever a provisional boundary is used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// WGS84 boundary; `None` for a parent that is the union of its children.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::geometry_json::optional"
    )]
    pub geometry: Option<MultiPolygon<f64>>,
    /// Source properties the model has no field for, kept verbatim (JSON values).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// True when `parent` was not given but derived from the geometry (the
    /// coarser district it overlaps most); such a parent is derived anew
    /// whenever the districts change.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub parent_derived: bool,
}

/// A level of the district hierarchy; `rank` 0 is the coarsest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub id: String,
    pub rank: u32,
}

impl District {
    /// A district with only its identity, level and boundary; the rest empty.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        level: impl Into<String>,
        geometry: Option<MultiPolygon<f64>>,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            level: level.into(),
            parent: None,
            aliases: Vec::new(),
            population: None,
            provisional: false,
            method: None,
            source: None,
            license: None,
            geometry,
            extra: BTreeMap::new(),
            parent_derived: false,
        }
    }
}

impl Level {
    /// Levels from their ids, coarse to fine.
    pub fn ranked(ids: &[String]) -> Vec<Level> {
        ids.iter()
            .enumerate()
            .map(|(rank, id)| Level {
                id: id.clone(),
                rank: rank as u32,
            })
            .collect()
    }
}
