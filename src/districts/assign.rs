//! Assigning every entity to a district at every level.

use super::DistrictMap;
use crate::model::Entity;
use smallvec::SmallVec;

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

/// Where an entity falls at one level: a set of districts, in order.
///
/// Almost always one (a point lies in one district), so it is kept inline
/// rather than as a `BTreeSet` (a node of ~200 bytes per entity and level,
/// 250 MB for a 10⁶ import).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places(SmallVec<[DistrictRef; 1]>);

impl Places {
    /// Adds `r` unless it is there; the set stays in order.
    pub fn insert(&mut self, r: DistrictRef) {
        if let Err(at) = self.0.binary_search(&r) {
            self.0.insert(at, r);
        }
    }

    pub fn contains(&self, r: &DistrictRef) -> bool {
        self.0.binary_search(r).is_ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The districts in order.
    pub fn iter(&self) -> std::slice::Iter<'_, DistrictRef> {
        self.0.iter()
    }
}

impl Extend<DistrictRef> for Places {
    fn extend<I: IntoIterator<Item = DistrictRef>>(&mut self, refs: I) {
        for r in refs {
            self.insert(r);
        }
    }
}

impl FromIterator<DistrictRef> for Places {
    fn from_iter<I: IntoIterator<Item = DistrictRef>>(refs: I) -> Self {
        let mut places = Places::default();
        places.extend(refs);
        places
    }
}

impl<'a> IntoIterator for &'a Places {
    type Item = &'a DistrictRef;
    type IntoIter = std::slice::Iter<'a, DistrictRef>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// One entity's districts, per level (same order as [`super::Hierarchy::levels`]).
pub type Assignment = Vec<Places>;

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
        let mut out: Assignment = vec![Places::default(); levels.len()];
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_a_set_in_order() {
        let places: Places = [
            DistrictRef::Outside,
            DistrictRef::District(7),
            DistrictRef::District(2),
            DistrictRef::District(7),
            DistrictRef::CityWide,
        ]
        .into_iter()
        .collect();
        let want = [
            DistrictRef::District(2),
            DistrictRef::District(7),
            DistrictRef::CityWide,
            DistrictRef::Outside,
        ];
        assert!(places.iter().eq(want.iter()));
        assert!(places.contains(&DistrictRef::District(7)));
        assert!(!places.contains(&DistrictRef::District(3)));
        assert!(!places.is_empty() && Places::default().is_empty());
    }
}
