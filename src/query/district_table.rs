//! `districts`: each district with its area, population and entity count.

use super::{Atlas, Filter, QueryError};
use crate::districts::DistrictRef;
use geo::GeodesicArea;
use geo::orient::{Direction, Orient};
use serde::Serialize;

/// One district in the `districts` listing.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictRow {
    pub id: String,
    pub name: String,
    pub level: String,
    pub parent: Option<String>,
    /// Geodesic area of the stored boundary, km².
    pub area_km2: Option<f64>,
    pub population: Option<u64>,
    /// Entities assigned to the district at its own level (filters applied).
    pub entities: usize,
    pub provisional: bool,
}

/// The districts, at one level or all.
///
/// # Errors
/// [`QueryError`] for an unknown level.
pub fn district_table(
    atlas: &Atlas,
    level: Option<&str>,
    filter: &Filter,
) -> Result<Vec<DistrictRow>, QueryError> {
    if let Some(l) = level {
        atlas.level(Some(l))?;
    }
    let mut counts = vec![0usize; atlas.districts.len()];
    for (i, per_level) in atlas.assignments.iter().enumerate() {
        if !filter.matches(&atlas.entities[i]) {
            continue;
        }
        for (l, set) in per_level.iter().enumerate() {
            let level_id = &atlas.districts.hierarchy.levels()[l].id;
            for r in set {
                if let DistrictRef::District(d) = r
                    && &atlas.districts[*d].level == level_id
                {
                    counts[*d] += 1;
                }
            }
        }
    }
    let mut rows: Vec<DistrictRow> = atlas
        .districts
        .iter()
        .enumerate()
        .filter(|(_, d)| level.is_none_or(|l| d.level == l))
        .map(|(i, d)| DistrictRow {
            id: d.id.clone(),
            name: d.name.clone(),
            level: d.level.clone(),
            parent: d.parent.clone(),
            area_km2: d
                .geometry
                .as_ref()
                .map(|g| g.orient(Direction::Default).geodesic_area_unsigned() / 1e6),
            population: d.population,
            entities: counts[i],
            provisional: d.provisional,
        })
        .collect();
    rows.sort_by_key(|r| atlas.districts.hierarchy.rank(&r.level));
    Ok(rows)
}
