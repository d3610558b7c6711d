//! The level hierarchy: which districts tile the city at each level.

use crate::model::{District, Level};
use std::collections::{HashMap, HashSet};

/// Levels (coarse to fine) and, per level, the districts that tile it.
///
/// A level's tiling holds its own districts plus every coarser district that
/// has no children down to that level: Halle's Stadtteil `Giebichenstein` is not
/// split into Viertel, so it tiles the `viertel` level itself.
#[derive(Debug, Clone)]
pub struct Hierarchy {
    levels: Vec<Level>,
    rank: HashMap<String, u32>,
    /// Per level (by position in `levels`): indices into the district list.
    tiling: Vec<Vec<usize>>,
    parent: Vec<Option<usize>>,
}

impl Hierarchy {
    /// Builds the hierarchy. Levels not in `levels` but used by a district are
    /// appended, finest last, in order of first use.
    pub fn new(levels: &[Level], districts: &[District]) -> Self {
        let mut levels: Vec<Level> = levels.to_vec();
        levels.sort_by_key(|l| l.rank);
        for d in districts {
            if !levels.iter().any(|l| l.id == d.level) {
                let rank = levels.last().map_or(0, |l| l.rank + 1);
                levels.push(Level {
                    id: d.level.clone(),
                    rank,
                });
            }
        }
        let rank: HashMap<String, u32> = levels.iter().map(|l| (l.id.clone(), l.rank)).collect();
        let by_id: HashMap<&str, usize> = districts
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let parent: Vec<Option<usize>> = districts
            .iter()
            .map(|d| d.parent.as_deref().and_then(|p| by_id.get(p).copied()))
            .collect();
        let tiling = levels
            .iter()
            .map(|level| {
                let has_child_within: HashSet<usize> = districts
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| rank[&d.level] <= level.rank)
                    .filter_map(|(i, _)| parent[i])
                    .collect();
                districts
                    .iter()
                    .enumerate()
                    .filter(|(i, d)| {
                        let r = rank[&d.level];
                        r == level.rank || (r < level.rank && !has_child_within.contains(i))
                    })
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        Self {
            levels,
            rank,
            tiling,
            parent,
        }
    }

    /// Levels, coarse to fine.
    pub fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// Level ids, coarse to fine.
    pub fn level_ids(&self) -> Vec<String> {
        self.levels.iter().map(|l| l.id.clone()).collect()
    }

    /// The level with this id.
    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.id == id)
    }

    /// Rank of a level id (0 = coarsest).
    pub fn rank(&self, level: &str) -> Option<u32> {
        self.rank.get(level).copied()
    }

    /// District indices that tile a level.
    pub fn tiling(&self, level: &str) -> &[usize] {
        self.levels
            .iter()
            .position(|l| l.id == level)
            .map_or(&[], |i| &self.tiling[i])
    }

    /// The parent district's index.
    pub fn parent(&self, district: usize) -> Option<usize> {
        self.parent[district]
    }

    /// The district itself and its ancestors, fine to coarse.
    pub fn lineage(&self, district: usize) -> impl Iterator<Item = usize> + '_ {
        let mut next = Some(district);
        let mut seen = 0usize;
        std::iter::from_fn(move || {
            let current = next?;
            seen += 1;
            // A parent cycle in bad data must not loop forever.
            next = self.parent[current].filter(|_| seen <= self.parent.len());
            Some(current)
        })
    }

    /// True when `ancestor` is `district` or one of its ancestors.
    pub fn is_within(&self, district: usize, ancestor: usize) -> bool {
        self.lineage(district).any(|d| d == ancestor)
    }
}
