//! Assigning every entity to a district at every level.

use super::{DistrictIndex, Hierarchy, Resolver};
use crate::model::{District, Entity};
use std::collections::BTreeSet;

/// Where an entity falls at one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DistrictRef {
    /// A district (index into the district list). At a level finer than a
    /// named district this is the named, coarser district itself.
    District(usize),
    /// No location at all.
    CityWide,
    /// A point or area outside every district of the level.
    Outside,
}

/// One entity's districts, per level (same order as [`Hierarchy::levels`]).
pub type Assignment = Vec<BTreeSet<DistrictRef>>;

/// Assigns one entity at every level.
///
/// Point → the district holding it; area → every district it intersects;
/// named districts → those, the districts they lie in at coarser levels (see
/// [`containers`]), and themselves at finer levels; nothing → city-wide. Named districts that do not resolve
/// are skipped here (the importer refuses them before they are stored).
pub fn assign_entity(
    entity: &Entity,
    districts: &[District],
    hierarchy: &Hierarchy,
    index: &DistrictIndex,
    resolver: &Resolver,
    tiles: &[Vec<bool>],
    containers: &Containers,
) -> Assignment {
    let levels = hierarchy.levels();
    let mut out: Assignment = vec![BTreeSet::new(); levels.len()];
    if let Some(p) = entity.location {
        for (l, set) in out.iter_mut().enumerate() {
            let found = index.locate(p.point(), |i| tiles[l][i]);
            set.insert(found.map_or(DistrictRef::Outside, DistrictRef::District));
        }
    } else if let Some(area) = &entity.area {
        let hits = index.intersecting(area);
        for (l, set) in out.iter_mut().enumerate() {
            set.extend(
                hits.iter()
                    .filter(|&&i| tiles[l][i])
                    .map(|&i| DistrictRef::District(i)),
            );
            if set.is_empty() {
                set.insert(DistrictRef::Outside);
            }
        }
    } else if !entity.district_names.is_empty() {
        let named = entity
            .district_names
            .iter()
            .filter_map(|n| resolver.resolve(n, None, districts, hierarchy).ok());
        for d in named {
            let own_rank = hierarchy.rank(&districts[d].level).unwrap_or(0);
            for (l, level) in levels.iter().enumerate() {
                if level.rank >= own_rank {
                    out[l].insert(DistrictRef::District(d));
                } else {
                    out[l].extend(containers[d][l].iter().map(|&a| DistrictRef::District(a)));
                }
            }
        }
        for set in &mut out {
            if set.is_empty() {
                set.insert(DistrictRef::CityWide);
            }
        }
    } else {
        for set in &mut out {
            set.insert(DistrictRef::CityWide);
        }
    }
    out
}

/// Membership table: `tiles[level][district]` is true when the district tiles that level.
pub fn tiles(hierarchy: &Hierarchy, district_count: usize) -> Vec<Vec<bool>> {
    hierarchy
        .levels()
        .iter()
        .map(|level| {
            let mut row = vec![false; district_count];
            for &i in hierarchy.tiling(&level.id) {
                row[i] = true;
            }
            row
        })
        .collect()
}

/// `containers[district][level]`: the coarser districts a district lies in.
pub type Containers = Vec<Vec<Vec<usize>>>;

/// Share of a district's area that must overlap a coarser district for the
/// district to count as lying in it (drops slivers along shared edges).
const MIN_OVERLAP: f64 = 0.01;

/// For every district and every coarser level, the districts of that level it
/// lies in. Found spatially (overlap of at least 1 % of its area), since real
/// hierarchies do not always nest: Halle's Stadtteil `Halle` spans four
/// Stadtbezirke, so its Viertel `Dieselstraße` lies in `Ost`, not in the
/// `parent` chain's `Mitte`. Districts without geometry follow `parent`.
pub fn containers(
    districts: &[District],
    hierarchy: &Hierarchy,
    index: &DistrictIndex,
    tiles: &[Vec<bool>],
) -> Containers {
    use geo::{Area, BooleanOps};
    let levels = hierarchy.levels();
    districts
        .iter()
        .enumerate()
        .map(|(d, district)| {
            let own_rank = hierarchy.rank(&district.level).unwrap_or(0);
            levels
                .iter()
                .enumerate()
                .map(|(l, level)| {
                    if level.rank >= own_rank {
                        return Vec::new();
                    }
                    match index.shape(d) {
                        Some(shape) => {
                            let area = shape.unsigned_area();
                            index
                                .intersecting(shape)
                                .into_iter()
                                .filter(|&t| tiles[l][t] && t != d)
                                .filter(|&t| {
                                    let other = index.shape(t).expect("indexed");
                                    shape.intersection(other).unsigned_area() >= MIN_OVERLAP * area
                                })
                                .collect()
                        }
                        None => hierarchy
                            .lineage(d)
                            .find(|&a| hierarchy.rank(&districts[a].level) == Some(level.rank))
                            .into_iter()
                            .collect(),
                    }
                })
                .collect()
        })
        .collect()
}

/// Assigns every entity at every level.
pub fn assign_all(
    entities: &[Entity],
    districts: &[District],
    hierarchy: &Hierarchy,
    index: &DistrictIndex,
    resolver: &Resolver,
) -> Vec<Assignment> {
    let tiles = tiles(hierarchy, districts.len());
    let containers = containers(districts, hierarchy, index, &tiles);
    entities
        .iter()
        .map(|e| {
            assign_entity(
                e,
                districts,
                hierarchy,
                index,
                resolver,
                &tiles,
                &containers,
            )
        })
        .collect()
}
