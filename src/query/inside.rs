//! `in`: entities inside the union of named districts.

use super::{Atlas, EntityRow, Filter, QueryError};
use crate::districts::DistrictRef;

/// Entities inside any of the named districts (the union, never the intersection).
///
/// An entity is inside district `d` when, at `d`'s level, one of its districts
/// is `d` or lies within `d`: a point in `d`'s polygon, an area intersecting it,
/// or a named district that is `d` or one of its parts. A project that only
/// names the coarser `Ost` is not inside the Stadtteil `Diemitz`.
///
/// # Errors
/// [`QueryError`] for an unknown or ambiguous district name.
pub fn inside(
    atlas: &Atlas,
    names: &[String],
    level: Option<&str>,
    filter: &Filter,
) -> Result<Vec<EntityRow>, QueryError> {
    let targets: Vec<usize> = names
        .iter()
        .map(|n| atlas.district(n, level))
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    for (i, e) in atlas.entities.iter().enumerate() {
        if !filter.matches(e) {
            continue;
        }
        let hit = targets.iter().any(|&d| {
            let l = atlas.level_position(&atlas.districts[d].level);
            atlas.assignments[i][l].iter().any(|r| match r {
                DistrictRef::District(x) => atlas.districts.hierarchy.is_within(*x, d),
                _ => false,
            })
        });
        if hit {
            rows.push(atlas.row(i));
        }
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    Ok(rows)
}
