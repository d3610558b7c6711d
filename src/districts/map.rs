//! [`DistrictMap`]: the districts with everything needed to place things in
//! them, built once per snapshot and shared by the importer and the questions.

use super::{
    Assignment, CITY_WIDE, DistrictIndex, DistrictRef, Hierarchy, LocateGrid, OUTSIDE,
    ResolveError, Resolver,
};
use crate::model::{District, Level};
use geo::Point;

/// Share of a district's area that must overlap a coarser district for the
/// district to count as lying in it (drops slivers along shared edges).
const MIN_OVERLAP: f64 = 0.01;

/// Districts, their level hierarchy, spatial index and name resolver.
///
/// Dereferences to the district list, so `map[i]` is district `i`.
pub struct DistrictMap {
    list: Vec<District>,
    pub hierarchy: Hierarchy,
    pub index: DistrictIndex,
    resolver: Resolver,
    /// `tiles[level][district]`: the district tiles that level.
    tiles: Vec<Vec<bool>>,
    /// `containers[district][level]`: the coarser districts it lies in.
    containers: Vec<Vec<Vec<usize>>>,
}

impl std::ops::Deref for DistrictMap {
    type Target = [District];
    fn deref(&self) -> &[District] {
        &self.list
    }
}

impl std::fmt::Debug for DistrictMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DistrictMap")
            .field("districts", &self.list.len())
            .field("levels", &self.hierarchy.levels())
            .finish()
    }
}

/// `tiles[level][district]`. A coarser district tiles a finer level when it
/// has no children down to that level ([`Hierarchy::tiling`]) and no
/// district of that level lies in it (overlaps it by at least 1 % of its
/// own area): parents chosen by largest overlap leave a neighbour that a
/// straddling district reaches into without children, and that neighbour
/// must not be counted beside the straddling district.
fn tiles(hierarchy: &Hierarchy, index: &DistrictIndex, list: &[District]) -> Vec<Vec<bool>> {
    use geo::{Area, BooleanOps, BoundingRect, Intersects};
    let levels = hierarchy.levels();
    let mut tiles: Vec<Vec<bool>> = levels
        .iter()
        .map(|level| {
            let mut row = vec![false; list.len()];
            for &i in hierarchy.tiling(&level.id) {
                row[i] = true;
            }
            row
        })
        .collect();
    for (l, level) in levels.iter().enumerate().skip(1) {
        let own: Vec<usize> = (0..list.len())
            .filter(|&d| list[d].level == level.id && index.shape(d).is_some())
            .collect();
        for c in 0..list.len() {
            if !tiles[l][c] || list[c].level == level.id {
                continue;
            }
            let Some(coarse) = index.shape(c) else {
                continue;
            };
            let Some(around) = coarse.bounding_rect() else {
                continue;
            };
            let covered = own.iter().any(|&d| {
                let shape = index.shape(d).expect("filtered");
                shape.bounding_rect().is_some_and(|r| r.intersects(&around))
                    && shape.intersection(coarse).unsigned_area()
                        >= MIN_OVERLAP * shape.unsigned_area()
            });
            if covered {
                for row in &mut tiles[l..] {
                    row[c] = false;
                }
            }
        }
    }
    tiles
}

impl DistrictMap {
    /// Indexes districts under the given levels (coarse to fine; levels used
    /// by a district but not listed are appended, see [`Hierarchy::new`]).
    pub fn new(levels: &[Level], list: Vec<District>) -> Self {
        let hierarchy = Hierarchy::new(levels, &list);
        let index = DistrictIndex::new(&list);
        let resolver = Resolver::new(&list);
        let tiles = tiles(&hierarchy, &index, &list);
        let mut map = Self {
            list,
            hierarchy,
            index,
            resolver,
            tiles,
            containers: Vec::new(),
        };
        map.containers = map.find_containers();
        map
    }

    /// The districts that tile a level (its own, and coarser ones not split
    /// down to it), in list order; empty for an unknown level.
    pub fn tiling(&self, level: &str) -> Vec<usize> {
        self.hierarchy
            .levels()
            .iter()
            .position(|l| l.id == level)
            .map(|l| (0..self.list.len()).filter(|&d| self.tiles[l][d]).collect())
            .unwrap_or_default()
    }

    /// True when district `d` tiles the level at position `level`.
    pub fn tiles(&self, level: usize, d: usize) -> bool {
        self.tiles[level][d]
    }

    /// The district of the level at position `level` that holds a point.
    pub fn locate(&self, p: Point<f64>, level: usize) -> Option<usize> {
        self.index.locate(p, |i| self.tiles[level][i])
    }

    /// [`DistrictMap::locate`] for many points, on every core, through a
    /// [`LocateGrid`] when there are enough points to pay for one.
    pub fn locate_all(&self, points: &[Point<f64>], level: usize) -> Vec<Option<usize>> {
        use rayon::prelude::*;
        match self.grid_for(points.len(), level) {
            Some(grid) => points.par_iter().map(|&p| grid.locate(self, p)).collect(),
            None => points.par_iter().map(|&p| self.locate(p, level)).collect(),
        }
    }

    /// A lookup grid for placing `points` points at a level, when that many
    /// pay for building it (about one cell per four points).
    pub(super) fn grid_for(&self, points: usize, level: usize) -> Option<LocateGrid> {
        const WORTH_IT: usize = 10_000;
        (points >= WORTH_IT)
            .then(|| LocateGrid::new(self, level, (points / 4).clamp(1_024, 262_144)))
            .flatten()
    }

    /// The districts of the level at position `level` that district `d` lies
    /// in; empty for levels not coarser than its own.
    pub fn containers(&self, d: usize, level: usize) -> &[usize] {
        &self.containers[d][level]
    }

    /// The id of a district reference (`city-wide` and `outside` for the buckets).
    pub fn ref_id(&self, r: DistrictRef) -> &str {
        match r {
            DistrictRef::District(i) => &self.list[i].id,
            DistrictRef::CityWide => CITY_WIDE,
            DistrictRef::Outside => OUTSIDE,
        }
    }

    /// An assignment as `(level id, district id)` pairs, coarse to fine.
    pub fn assignment_ids<'a>(
        &'a self,
        assignment: &'a Assignment,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.hierarchy
            .levels()
            .iter()
            .zip(assignment)
            .flat_map(move |(level, set)| {
                set.iter()
                    .map(move |r| (level.id.as_str(), self.ref_id(*r)))
            })
    }

    /// Resolves a district name, id or alias, optionally at one level.
    ///
    /// # Errors
    /// [`ResolveError`] when the name matches none or several districts.
    pub fn resolve(&self, name: &str, level: Option<&str>) -> Result<usize, ResolveError> {
        self.resolver
            .resolve(name, level, &self.list, &self.hierarchy)
    }

    /// Found spatially (overlap of at least 1 % of the district's area), since
    /// real hierarchies do not always nest: Halle's Stadtteil `Halle` spans four
    /// Stadtbezirke, so its Viertel `Dieselstraße` lies in `Ost`, not in the
    /// `parent` chain's `Mitte`. Districts without geometry follow `parent`.
    fn find_containers(&self) -> Vec<Vec<Vec<usize>>> {
        use geo::{Area, BooleanOps};
        let levels = self.hierarchy.levels();
        (0..self.list.len())
            .map(|d| {
                let own_rank = self.hierarchy.rank(&self.list[d].level).unwrap_or(0);
                levels
                    .iter()
                    .enumerate()
                    .map(|(l, level)| {
                        if level.rank >= own_rank {
                            return Vec::new();
                        }
                        match self.index.shape(d) {
                            Some(shape) => {
                                let area = shape.unsigned_area();
                                self.index
                                    .intersecting(shape)
                                    .into_iter()
                                    .filter(|&t| self.tiles[l][t] && t != d)
                                    .filter(|&t| {
                                        let other = self.index.shape(t).expect("indexed");
                                        shape.intersection(other).unsigned_area()
                                            >= MIN_OVERLAP * area
                                    })
                                    .collect()
                            }
                            None => self
                                .hierarchy
                                .lineage(d)
                                .find(|&a| {
                                    self.hierarchy.rank(&self.list[a].level) == Some(level.rank)
                                })
                                .into_iter()
                                .collect(),
                        }
                    })
                    .collect()
            })
            .collect()
    }
}
