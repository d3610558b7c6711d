//! `where`: the containing district at every level.

use super::{Atlas, QueryError};
use crate::districts::DistrictRef;
use crate::model::LonLat;
use serde::Serialize;

/// One level of a `where` answer (SPEC: `{level, id, name}`, coarse to fine).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhereRow {
    pub level: String,
    pub id: String,
    pub name: String,
    pub provisional: bool,
}

/// What `where` asks about: a position or an entity.
#[derive(Debug, Clone, PartialEq)]
pub enum WhereTarget {
    Point(LonLat),
    Entity(String),
}

impl WhereTarget {
    /// `LON,LAT` is a position, anything without a comma an entity's id.
    ///
    /// # Errors
    /// [`QueryError::Asked`] for a comma-separated text that is no position.
    pub fn asked(target: &str) -> Result<Self, QueryError> {
        match target.parse::<LonLat>() {
            Ok(p) => Ok(WhereTarget::Point(p)),
            Err(e) if target.contains(',') => Err(QueryError::Asked(format!(
                "\"{target}\" is not LON,LAT: {e}"
            ))),
            Err(_) => Ok(WhereTarget::Entity(target.to_string())),
        }
    }
}

fn row(atlas: &Atlas, level: &str, r: DistrictRef) -> WhereRow {
    WhereRow {
        level: level.to_string(),
        id: atlas.ref_id(r).to_string(),
        name: atlas.ref_name(r).to_string(),
        provisional: matches!(r, DistrictRef::District(d) if atlas.districts[d].provisional),
    }
}

/// The districts holding a point, one per level (`outside` where none does).
pub fn where_point(atlas: &Atlas, p: LonLat) -> Vec<WhereRow> {
    atlas
        .districts
        .hierarchy
        .levels()
        .iter()
        .enumerate()
        .map(|(l, level)| {
            let found = atlas.districts.locate(p.point(), l);
            row(
                atlas,
                &level.id,
                found.map_or(DistrictRef::Outside, DistrictRef::District),
            )
        })
        .collect()
}

/// The districts of an entity at every level (several where it names several).
///
/// # Errors
/// [`QueryError::UnknownEntity`].
pub fn where_entity(atlas: &Atlas, id: &str) -> Result<Vec<WhereRow>, QueryError> {
    let i = atlas.entity_index(id)?;
    Ok(atlas
        .districts
        .hierarchy
        .levels()
        .iter()
        .zip(&atlas.assignments[i])
        .flat_map(|(level, set)| set.iter().map(|r| row(atlas, &level.id, *r)))
        .collect())
}
