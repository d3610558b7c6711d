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
