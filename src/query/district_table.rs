//! `districts`: each district with its area, population and entity count.

use super::{Atlas, Filter, QueryError};
use crate::districts::{Assignment, DistrictRef};
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

/// Counts entities per district at its own level, entity by entity, so that
/// the entities can come in chunks from a store.
pub struct DistrictCounter<'a> {
    level: Option<&'a str>,
    filter: &'a Filter,
    counts: Vec<usize>,
}

impl<'a> DistrictCounter<'a> {
    /// A counter for the districts of `atlas` (its entities are not read).
    ///
    /// # Errors
    /// [`QueryError`] for an unknown level.
    pub fn new(
        atlas: &Atlas,
        level: Option<&'a str>,
        filter: &'a Filter,
    ) -> Result<Self, QueryError> {
        if let Some(l) = level {
            atlas.level(Some(l))?;
        }
        Ok(Self {
            level,
            filter,
            counts: vec![0; atlas.districts.len()],
        })
    }

    /// Counts one entity with its assignment.
    pub fn add(&mut self, atlas: &Atlas, entity: &crate::model::Entity, per_level: &Assignment) {
        for (l, set) in per_level.iter().enumerate() {
            let level_id = &atlas.districts.hierarchy.levels()[l].id;
            for r in set {
                self.add_counted(atlas, entity, level_id, *r, 1);
            }
        }
    }

    /// Counts `n` entities like `entity` assigned to `at` at `level`: a
    /// store's kept counts come this way. Only a district's own level counts.
    pub fn add_counted(
        &mut self,
        atlas: &Atlas,
        entity: &crate::model::Entity,
        level: &str,
        at: DistrictRef,
        n: usize,
    ) {
        if let DistrictRef::District(d) = at
            && atlas.districts[d].level == level
            && self.filter.matches(entity)
        {
            self.counts[d] += n;
        }
    }

    /// The rows, coarse levels first.
    pub fn finish(self, atlas: &Atlas) -> Vec<DistrictRow> {
        let level = self.level;
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
                entities: self.counts[i],
                provisional: d.provisional,
            })
            .collect();
        rows.sort_by_key(|r| atlas.districts.hierarchy.rank(&r.level));
        rows
    }
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
    let mut counter = DistrictCounter::new(atlas, level, filter)?;
    for (e, a) in atlas.entities.iter().zip(&atlas.assignments) {
        counter.add(atlas, e, a);
    }
    Ok(counter.finish(atlas))
}
