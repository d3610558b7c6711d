//! `gaps`: (district, field) pairs with no entity.

use super::{Atlas, Filter, Matrix, MatrixBy, QueryError, matrix};
use serde::Serialize;

/// A district with no entity in a field of action (SPEC: `{district_id, district, field}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub district_id: String,
    pub district: String,
    pub field: String,
    pub provisional: bool,
}

/// Every (district, field) pair of a level's tiling with no matching entity.
/// Buckets (`city-wide`, `outside`, coarser named districts) are no places and
/// have no gaps; fields are the vocabulary's.
///
/// # Errors
/// [`QueryError`] for an unknown level.
pub fn gaps(atlas: &Atlas, level: Option<&str>, filter: &Filter) -> Result<Vec<Gap>, QueryError> {
    let m = matrix(atlas, level, MatrixBy::Field, false, filter)?;
    Ok(gaps_of(atlas, &m))
}

/// The gaps a matrix by field shows; `atlas` gives the districts and the
/// vocabulary it was counted with (its entities are not read).
pub fn gaps_of(atlas: &Atlas, m: &Matrix) -> Vec<Gap> {
    let tiles: Vec<&str> = atlas
        .districts
        .tiling(&m.level)
        .iter()
        .map(|&d| atlas.districts[d].id.as_str())
        .collect();
    let mut out = Vec::new();
    for row in &m.rows {
        if !tiles.contains(&row.district_id.as_str()) {
            continue;
        }
        for field in atlas.vocabulary.fields.iter().map(|t| &t.id) {
            if row.counts.get(field).copied().unwrap_or(0) == 0 {
                out.push(Gap {
                    district_id: row.district_id.clone(),
                    district: row.district.clone(),
                    field: field.clone(),
                    provisional: row.provisional,
                });
            }
        }
    }
    out
}
