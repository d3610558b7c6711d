//! Parents from geometry. Official layers come one file per level (Berlin's
//! Bezirke, Prognoseräume, Bezirksregionen, Planungsräume), none naming its
//! parent; a district whose file names none lies in the district of the
//! nearest coarser level that it overlaps most.

use crate::model::{District, Level};
use geo::{Area, BooleanOps, BoundingRect, Intersects};
use std::collections::HashMap;

/// A district that does not lie wholly in the parent found for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Straddle {
    /// The district (index into the list).
    pub district: usize,
    /// The level its parent was sought at.
    pub parent_level: String,
    /// Coarser districts it overlaps, with the share of its area in each,
    /// largest first; the first is its parent.
    pub shares: Vec<(usize, f64)>,
}

/// Share of a district's area that may lie outside its parent without a
/// warning: boundaries digitised separately differ along their edges.
const SLIVER: f64 = 0.01;

/// Sets `parent` of every district that has a geometry, lies below the
/// coarsest level and whose parent was not given (or was derived before):
/// the district of the nearest coarser level with districts that overlaps it
/// most. Returns the districts that straddle a boundary of that level by
/// more than 1 % of their area (their parent is still the largest overlap),
/// and those that overlap no district of it (no parent).
pub fn derive_parents(levels: &[Level], districts: &mut [District]) -> Vec<Straddle> {
    use rayon::prelude::*;
    let rank: HashMap<&str, u32> = levels.iter().map(|l| (l.id.as_str(), l.rank)).collect();
    let mut by_rank: Vec<(u32, &str)> = levels.iter().map(|l| (l.rank, l.id.as_str())).collect();
    by_rank.sort();
    let shaped: Vec<(usize, u32, geo::Rect<f64>)> = districts
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let rect = d.geometry.as_ref()?.bounding_rect()?;
            Some((i, *rank.get(d.level.as_str())?, rect))
        })
        .collect();
    let wanted: Vec<usize> = shaped
        .iter()
        .filter(|&&(i, r, _)| {
            r > by_rank.first().map_or(0, |l| l.0)
                && (districts[i].parent.is_none() || districts[i].parent_derived)
        })
        .map(|&(i, _, _)| i)
        .collect();
    let list: &[District] = districts;
    // Per district sought: its parent (if it overlaps any district of the
    // level) and, when it straddles, why.
    let found: Vec<(usize, Option<usize>, Option<Straddle>)> = wanted
        .par_iter()
        .map(|&child| {
            let own = rank[list[child].level.as_str()];
            let shape = list[child].geometry.as_ref().expect("shaped");
            let area = shape.unsigned_area();
            // The nearest coarser level that has districts with a geometry.
            let Some(&(level_rank, level_id)) = by_rank
                .iter()
                .rev()
                .filter(|(r, _)| *r < own)
                .find(|(r, _)| shaped.iter().any(|s| s.1 == *r))
            else {
                return (child, None, None);
            };
            let rect = shape.bounding_rect().expect("shaped");
            let mut shares: Vec<(usize, f64)> = shaped
                .iter()
                .filter(|s| s.1 == level_rank && s.2.intersects(&rect))
                .filter_map(|&(i, _, _)| {
                    let other = list[i].geometry.as_ref().expect("shaped");
                    let overlap = shape.intersection(other).unsigned_area();
                    (overlap > 0.0 && area > 0.0).then_some((i, overlap / area))
                })
                .collect();
            shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let parent = shares.first().map(|s| s.0);
            let straddles = shares.first().is_none_or(|s| s.1 < 1.0 - SLIVER);
            let straddle = straddles.then(|| Straddle {
                district: child,
                parent_level: level_id.to_string(),
                shares,
            });
            (child, parent, straddle)
        })
        .collect();
    let mut straddles = Vec::new();
    for (child, parent, straddle) in found {
        let parent = parent.map(|p| districts[p].id.clone());
        let d = &mut districts[child];
        d.parent_derived = parent.is_some();
        d.parent = parent;
        straddles.extend(straddle);
    }
    straddles
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiPolygon, Rect, coord};

    fn square(id: &str, level: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> District {
        let r = Rect::new(coord! {x: x0, y: y0}, coord! {x: x1, y: y1}).to_polygon();
        District::new(id, id, level, Some(MultiPolygon(vec![r])))
    }

    #[test]
    fn independent_layers_nest_by_largest_overlap() {
        let levels = Level::ranked(&["bezirk".into(), "region".into(), "raum".into()]);
        let mut list = vec![
            square("west", "bezirk", 0.0, 0.0, 1.0, 1.0),
            square("east", "bezirk", 1.0, 0.0, 2.0, 1.0),
            square("w1", "region", 0.0, 0.0, 1.0, 0.5),
            square("w2", "region", 0.0, 0.5, 1.0, 1.0),
            // 80 % in east, 20 % in west: straddles.
            square("e1", "region", 0.9, 0.0, 1.4, 1.0),
            square("e2", "region", 1.4, 0.0, 2.0, 1.0),
            square("r1", "raum", 0.0, 0.0, 0.5, 0.5),
            // Given by its file: kept.
            square("r2", "raum", 0.5, 0.0, 1.0, 0.5),
        ];
        list[7].parent = Some("w2".into());
        let straddles = derive_parents(&levels, &mut list);
        let parent = |i: usize| list[i].parent.as_deref();
        assert_eq!(parent(0), None);
        assert_eq!(parent(2), Some("west"));
        assert_eq!(parent(3), Some("west"));
        assert_eq!(parent(4), Some("east"));
        assert_eq!(parent(5), Some("east"));
        assert_eq!(parent(6), Some("w1"));
        assert_eq!(parent(7), Some("w2"));
        assert!(!list[7].parent_derived && list[6].parent_derived);
        assert_eq!(straddles.len(), 1);
        assert_eq!(straddles[0].district, 4);
        assert_eq!(straddles[0].shares[0].0, 1);
        assert!((straddles[0].shares[0].1 - 0.8).abs() < 1e-9);
        assert!((straddles[0].shares[1].1 - 0.2).abs() < 1e-9);
    }

    #[test]
    fn a_district_outside_every_coarser_one_has_no_parent_and_is_reported() {
        let levels = Level::ranked(&["bezirk".into(), "region".into()]);
        let mut list = vec![
            square("west", "bezirk", 0.0, 0.0, 1.0, 1.0),
            square("far", "region", 5.0, 5.0, 6.0, 6.0),
        ];
        let straddles = derive_parents(&levels, &mut list);
        assert_eq!(list[1].parent, None);
        assert_eq!(straddles.len(), 1);
        assert!(straddles[0].shares.is_empty());
    }
}
