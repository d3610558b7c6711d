//! `in`: entities inside the union of named districts.

use super::{Atlas, EntityRow, Filter, Found, QueryError};
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
    Ok(inside_found(atlas, names, level, filter)?
        .into_iter()
        .map(|f| f.row(atlas))
        .collect())
}

/// [`inside`]'s answer as places in `atlas`, by name.
///
/// # Errors
/// As [`inside`].
pub fn inside_found(
    atlas: &Atlas,
    names: &[String],
    level: Option<&str>,
    filter: &Filter,
) -> Result<Vec<Found>, QueryError> {
    let targets: Vec<usize> = names
        .iter()
        .map(|n| atlas.district(n, level))
        .collect::<Result<_, _>>()?;
    let mut found = Vec::new();
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
            found.push(i);
        }
    }
    let e = &atlas.entities;
    found.sort_by(|&a, &b| {
        e[a].name
            .cmp(&e[b].name)
            .then_with(|| e[a].id.cmp(&e[b].id))
    });
    Ok(found
        .into_iter()
        .map(|index| Found {
            index,
            distance_m: None,
        })
        .collect())
}
