//! A lookup raster for placing many points at one level: the districts'
//! bounding box cut into cells; a cell that no district edge comes near holds
//! its answer, so most points are placed by one array read, and only points in
//! cells along the edges go through the exact index.
//!
//! The answers are exactly those of [`DistrictMap::locate`]: a cell counts as
//! clear only when no edge can reach the points whose cell number it is (cell
//! numbers are monotone in x and y, and every edge marks the cells of its
//! bounding box and their neighbours), so containment is the same all over
//! it; it takes the answer at its centre, checked to lie in it.

use super::DistrictMap;
use geo::{BoundingRect, LinesIter, Point};
use rayon::prelude::*;

/// A cell that an edge may cross: ask the exact index.
const NEAR_EDGE: u32 = u32::MAX;
/// A clear cell outside every district of the level.
const NONE: u32 = u32::MAX - 1;

/// The lookup raster of one level.
pub struct LocateGrid {
    level: usize,
    origin: (f64, f64),
    cell: (f64, f64),
    size: (usize, usize),
    cells: Vec<u32>,
}

impl LocateGrid {
    /// A raster of about `cells` cells over the districts tiling `level`;
    /// `None` when the level has no district geometry.
    pub fn new(map: &DistrictMap, level: usize, cells: usize) -> Option<Self> {
        let tiling: Vec<usize> = (0..map.len()).filter(|&d| map.tiles(level, d)).collect();
        let rects: Vec<geo::Rect<f64>> = tiling
            .iter()
            .filter_map(|&d| map.index.shape(d)?.bounding_rect())
            .collect();
        let first = rects.first()?;
        let (mut min, mut max) = (first.min(), first.max());
        for r in &rects {
            min = geo::Coord {
                x: min.x.min(r.min().x),
                y: min.y.min(r.min().y),
            };
            max = geo::Coord {
                x: max.x.max(r.max().x),
                y: max.y.max(r.max().y),
            };
        }
        let side = (cells.max(1) as f64).sqrt().ceil() as usize;
        let (w, h) = (
            ((max.x - min.x) / side as f64).max(f64::MIN_POSITIVE),
            ((max.y - min.y) / side as f64).max(f64::MIN_POSITIVE),
        );
        let mut grid = Self {
            level,
            origin: (min.x, min.y),
            cell: (w, h),
            size: (side, side),
            cells: vec![0; side * side],
        };
        // Every edge marks the cells of its bounding box and their neighbours.
        let mut near_edge = vec![false; side * side];
        for &d in &tiling {
            let Some(shape) = map.index.shape(d) else {
                continue;
            };
            for line in shape.lines_iter() {
                let (i0, j0) =
                    grid.cell_of(line.start.x.min(line.end.x), line.start.y.min(line.end.y));
                let (i1, j1) =
                    grid.cell_of(line.start.x.max(line.end.x), line.start.y.max(line.end.y));
                for j in grid.clamp_y(j0 - 1)..=grid.clamp_y(j1 + 1) {
                    for i in grid.clamp_x(i0 - 1)..=grid.clamp_x(i1 + 1) {
                        near_edge[j * side + i] = true;
                    }
                }
            }
        }
        let (origin, cell) = (grid.origin, grid.cell);
        grid.cells = near_edge
            .par_iter()
            .enumerate()
            .map(|(k, &near)| {
                let (i, j) = (k % side, k / side);
                let centre = (
                    origin.0 + (i as f64 + 0.5) * cell.0,
                    origin.1 + (j as f64 + 0.5) * cell.1,
                );
                if near || grid_cell_of(origin, cell, centre) != (i as i64, j as i64) {
                    return NEAR_EDGE;
                }
                match map.locate(Point::new(centre.0, centre.1), level) {
                    Some(d) => d as u32,
                    None => NONE,
                }
            })
            .collect();
        Some(grid)
    }

    fn cell_of(&self, x: f64, y: f64) -> (i64, i64) {
        grid_cell_of(self.origin, self.cell, (x, y))
    }

    fn clamp_x(&self, i: i64) -> usize {
        i.clamp(0, self.size.0 as i64 - 1) as usize
    }

    fn clamp_y(&self, j: i64) -> usize {
        j.clamp(0, self.size.1 as i64 - 1) as usize
    }

    /// [`DistrictMap::locate`] at this grid's level.
    pub fn locate(&self, map: &DistrictMap, p: Point<f64>) -> Option<usize> {
        let (i, j) = self.cell_of(p.x(), p.y());
        let inside = p.x().is_finite()
            && p.y().is_finite()
            && (0..self.size.0 as i64).contains(&i)
            && (0..self.size.1 as i64).contains(&j);
        if inside {
            match self.cells[j as usize * self.size.0 + i as usize] {
                NEAR_EDGE => {}
                NONE => return None,
                d => return Some(d as usize),
            }
        }
        map.locate(p, self.level)
    }
}

fn grid_cell_of(origin: (f64, f64), cell: (f64, f64), (x, y): (f64, f64)) -> (i64, i64) {
    (
        ((x - origin.0) / cell.0).floor() as i64,
        ((y - origin.1) / cell.1).floor() as i64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{District, Level};
    use geo::{MultiPolygon, Polygon, coord};
    use rand::{Rng, SeedableRng};

    fn district(id: &str, rings: Vec<Vec<(f64, f64)>>) -> District {
        let polygons = rings
            .into_iter()
            .map(|r| Polygon::new(r.into(), vec![]))
            .collect();
        District::new(id, id, "l", Some(MultiPolygon(polygons)))
    }

    #[test]
    fn the_grid_answers_like_the_exact_index_everywhere() {
        // Two districts sharing a jagged edge, one with a far island, and a
        // gap between them: clear cells inside, outside and in the gap.
        let a = district(
            "a",
            vec![
                vec![
                    (0., 0.),
                    (5., 0.),
                    (4., 3.),
                    (6., 6.),
                    (5., 10.),
                    (0., 10.),
                    (0., 0.),
                ],
                vec![(20., 20.), (21., 20.), (21., 21.), (20., 20.)],
            ],
        );
        let b = district(
            "b",
            vec![vec![
                (5., 0.),
                (10., 0.),
                (10., 10.),
                (5., 10.),
                (6., 6.),
                (4., 3.),
                (5., 0.),
            ]],
        );
        let levels = [Level {
            id: "l".into(),
            rank: 0,
        }];
        let map = DistrictMap::new(&levels, vec![a, b]);
        let grid = LocateGrid::new(&map, 0, 400).unwrap();
        let mut rng = rand_pcg::Pcg64::seed_from_u64(3);
        let mut points: Vec<Point<f64>> = (0..20_000)
            .map(|_| Point::new(rng.random_range(-2.0..23.0), rng.random_range(-2.0..23.0)))
            .collect();
        // Vertices, points on edges and on the grid's own lines.
        for d in map.iter() {
            for line in d.geometry.as_ref().unwrap().lines_iter() {
                points.push(Point(line.start));
                points.push(Point(coord! { x: (line.start.x + line.end.x) / 2.0, y: (line.start.y + line.end.y) / 2.0 }));
            }
        }
        points.extend((0..=40).map(|k| Point::new(k as f64 * 21.0 / 20.0, 5.0)));
        let mut clear = 0;
        for p in points {
            assert_eq!(grid.locate(&map, p), map.locate(p, 0), "{p:?}");
            let (i, j) = grid.cell_of(p.x(), p.y());
            if (0..20).contains(&i)
                && (0..20).contains(&j)
                && grid.cells[j as usize * 20 + i as usize] != NEAR_EDGE
            {
                clear += 1;
            }
        }
        assert!(
            clear > 5_000,
            "the grid answered only {clear} points itself"
        );
    }
}
