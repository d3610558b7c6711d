//! Assigning every entity to a district at every level.

use super::DistrictMap;
use crate::model::Entity;
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

/// One entity's districts, per level (same order as [`super::Hierarchy::levels`]).
pub type Assignment = Vec<BTreeSet<DistrictRef>>;

impl DistrictMap {
    /// Assigns one entity at every level.
    ///
    /// Point → the district holding it; area → every district it intersects;
    /// named districts → those, the districts they lie in at coarser levels
    /// (see [`DistrictMap::containers`]), and themselves at finer levels;
    /// nothing → city-wide. Named districts that do not resolve are skipped
    /// here (the importer refuses them before they are stored).
    pub fn assign(&self, entity: &Entity) -> Assignment {
        self.assign_with(entity, &|p, l| self.locate(p, l))
    }

    /// [`DistrictMap::assign`], placing points with `locate(point, level)`.
    fn assign_with(
        &self,
        entity: &Entity,
        locate: &(dyn Fn(geo::Point<f64>, usize) -> Option<usize> + Sync),
    ) -> Assignment {
        let levels = self.hierarchy.levels();
        let mut out: Assignment = vec![BTreeSet::new(); levels.len()];
        if let Some(p) = entity.location {
            for (l, set) in out.iter_mut().enumerate() {
                let found = locate(p.point(), l);
                set.insert(found.map_or(DistrictRef::Outside, DistrictRef::District));
            }
        } else if let Some(area) = &entity.area {
            let hits = self.index.intersecting(area);
            for (l, set) in out.iter_mut().enumerate() {
                set.extend(
                    hits.iter()
                        .filter(|&&i| self.tiles(l, i))
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
                .filter_map(|n| self.resolve(n, None).ok());
            for d in named {
                let own_rank = self.hierarchy.rank(&self[d].level).unwrap_or(0);
                for (l, level) in levels.iter().enumerate() {
                    if level.rank >= own_rank {
                        out[l].insert(DistrictRef::District(d));
                    } else {
                        out[l].extend(
                            self.containers(d, l)
                                .iter()
                                .map(|&a| DistrictRef::District(a)),
                        );
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

    /// Assigns every entity at every level, on every core, placing points
    /// through a [`super::LocateGrid`] per level when there are many.
    pub fn assign_all<E>(&self, entities: &[E]) -> Vec<Assignment>
    where
        E: std::borrow::Borrow<Entity> + Sync,
    {
        use rayon::prelude::*;
        let grids: Vec<Option<super::LocateGrid>> = (0..self.hierarchy.levels().len())
            .map(|l| self.grid_for(entities.len(), l))
            .collect();
        let locate = |p: geo::Point<f64>, l: usize| match &grids[l] {
            Some(grid) => grid.locate(self, p),
            None => self.locate(p, l),
        };
        entities
            .par_iter()
            .map(|e| self.assign_with(e.borrow(), &locate))
            .collect()
    }
}
