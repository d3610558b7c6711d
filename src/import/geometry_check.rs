//! Polygons as sources deliver them: found invalid, said where, and repaired
//! only when asked and only where a well-defined repair exists (geo's
//! `MakeValid`, Ledoux et al. 2014).

use geo::orient::{Direction, Orient};
use geo::{
    Coord, Intersects, Line, LineString, MakeValid, MultiPolygon, Relate, RemoveRepeatedPoints,
    Validation,
};
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::model::{Lang, Text};

/// geo's ring self-intersection rule (`validation::utils`), with candidate
/// edges found through an R-tree instead of comparing every edge with every
/// other: a detailed 3,000-vertex district takes milliseconds, not half a
/// second. Two edges conflict when they intersect and do not merely follow
/// each other (one's end is the other's start).
fn ring_crosses_itself(ring: &LineString<f64>) -> bool {
    let lines: Vec<Line<f64>> = ring.lines().collect();
    let tree: RTree<GeomWithData<rstar::primitives::Line<[f64; 2]>, usize>> = RTree::bulk_load(
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                GeomWithData::new(
                    rstar::primitives::Line::new([l.start.x, l.start.y], [l.end.x, l.end.y]),
                    i,
                )
            })
            .collect(),
    );
    lines.iter().enumerate().any(|(i, line)| {
        let envelope = rstar::AABB::from_corners(
            [line.start.x.min(line.end.x), line.start.y.min(line.end.y)],
            [line.start.x.max(line.end.x), line.start.y.max(line.end.y)],
        );
        tree.locate_in_envelope_intersecting(&envelope)
            .map(|candidate| (candidate.data, &lines[candidate.data]))
            .any(|(j, other)| {
                i != j
                    && line.intersects(other)
                    && line.start != other.end
                    && line.end != other.start
            })
    })
}

/// Exactly `mp.is_valid()`, fast for the usual district: rings are checked
/// through [`ring_crosses_itself`]; only polygons with holes and pairs of
/// polygons go through geo's own (costlier) relations.
fn is_valid(mp: &MultiPolygon<f64>) -> bool {
    let rings_ok = |p: &geo::Polygon<f64>| {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .filter(|ring| !ring.0.is_empty())
            .all(|ring| {
                ring.remove_repeated_points().0.len() >= 4
                    && ring.0.iter().all(|c| c.x.is_finite() && c.y.is_finite())
                    && !ring_crosses_itself(ring)
            })
    };
    mp.0.iter().enumerate().all(|(i, p)| {
        let polygon_ok = if p.interiors().iter().any(|r| !r.0.is_empty()) {
            p.is_valid()
        } else {
            p.exterior().0.is_empty() || rings_ok(p)
        };
        polygon_ok
            && mp.0.iter().skip(i + 1).all(|other| {
                let im = p.relate(other);
                im.get(
                    geo::coordinate_position::CoordPos::Inside,
                    geo::coordinate_position::CoordPos::Inside,
                ) != geo::dimensions::Dimensions::TwoDimensional
                    && im.get(
                        geo::coordinate_position::CoordPos::OnBoundary,
                        geo::coordinate_position::CoordPos::OnBoundary,
                    ) != geo::dimensions::Dimensions::OneDimensional
            })
    })
}

/// A ring's first self-crossing, for the error message (rings of up to 5,000
/// edges; longer ones are reported without a place).
fn self_crossing(ring: &LineString<f64>) -> Option<Coord<f64>> {
    let lines: Vec<Line<f64>> = ring.lines().collect();
    if lines.len() > 5_000 {
        return None;
    }
    for (i, a) in lines.iter().enumerate() {
        for (j, b) in lines.iter().enumerate().skip(i + 2) {
            // The last edge touches the first at the ring's closing point.
            if i == 0 && j == lines.len() - 1 {
                continue;
            }
            if let Some(x) = geo::line_intersection::line_intersection(*a, *b) {
                return Some(match x {
                    geo::LineIntersection::SinglePoint { intersection, .. } => intersection,
                    geo::LineIntersection::Collinear { intersection } => intersection.start,
                });
            }
        }
    }
    None
}

/// `at x,y`, to follow a problem.
fn place(c: Coord<f64>) -> Text {
    crate::text!("at {:.6},{:.6}", "bei {:.6},{:.6}", c.x, c.y)
}

/// Where a multipolygon is invalid, in words a planner can act on.
fn describe(mp: &MultiPolygon<f64>) -> Option<Text> {
    if is_valid(mp) {
        return None;
    }
    // geo's own wording of the problem (English only), in both languages.
    let problem = mp.validation_errors().into_iter().next()?;
    let text = crate::text!(
        "invalid polygon: {problem}",
        "ungültiges Polygon: {problem}"
    );
    let where_ = mp.0.iter().find_map(|p| {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .find_map(self_crossing)
            .or_else(|| {
                p.interiors()
                    .iter()
                    .find(|hole| {
                        !geo::Contains::contains(
                            &geo::Polygon::new(p.exterior().clone(), vec![]),
                            *hole,
                        )
                    })
                    .and_then(|hole| hole.0.first().copied())
            })
    });
    Some(match where_ {
        Some(c) => {
            let at = place(c);
            Text::new(
                format!("{} {}", text.en(), at.en()),
                format!("{} {}", text.in_lang(Lang::De), at.in_lang(Lang::De)),
            )
        }
        None => text,
    })
}

/// The area if valid (wound as RFC 7946 wants); with `repair`, the repaired
/// area and a note saying what was repaired.
///
/// # Errors
/// The problem and its place, with a hint to `--repair` where it would help.
pub fn checked_area(
    mp: MultiPolygon<f64>,
    repair: bool,
) -> Result<(MultiPolygon<f64>, Option<Text>), Text> {
    let Some(problem) = describe(&mp) else {
        return Ok((mp.orient(Direction::Default), None));
    };
    let (en, de) = (problem.en(), problem.in_lang(Lang::De));
    if !repair {
        return Err(crate::text!(
            "{en}; import with --repair to repair it",
            "{de}; importieren Sie mit --repair, um es zu reparieren"
        ));
    }
    match mp.make_valid() {
        Ok(fixed) if is_valid(&fixed) && !fixed.0.is_empty() => Ok((
            fixed.orient(Direction::Default),
            Some(crate::text!("repaired {en}", "repariert: {de}")),
        )),
        _ => Err(crate::text!(
            "{en}; no well-defined repair exists",
            "{de}; eine eindeutig definierte Reparatur gibt es nicht"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, wkt};

    #[test]
    fn bowtie_is_located_and_repaired_on_request() {
        let bowtie = MultiPolygon(vec![wkt!(POLYGON((0. 0., 0. 10., 10. 0., 10. 10., 0. 0.)))]);
        let err = checked_area(bowtie.clone(), false).unwrap_err();
        assert!(
            err.en().contains("self-intersection") && err.en().contains("at 5.000000,5.000000"),
            "{err}"
        );
        let de = err.in_lang(Lang::De);
        assert!(
            de.starts_with("ungültiges Polygon: ")
                && de.contains("bei 5.000000,5.000000; importieren Sie mit --repair"),
            "{de}"
        );
        let (fixed, note) = checked_area(bowtie, true).unwrap();
        assert_eq!(fixed.0.len(), 2);
        assert!((fixed.unsigned_area() - 50.0).abs() < 1e-9);
        let note = note.unwrap();
        assert!(note.en().starts_with("repaired"));
        assert!(note.in_lang(Lang::De).starts_with("repariert: "));
    }

    #[test]
    fn the_fast_check_agrees_with_geo() {
        let cases = [
            wkt!(MULTIPOLYGON(((0. 0., 0. 10., 10. 0., 10. 10., 0. 0.)))),
            wkt!(MULTIPOLYGON(((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.)))),
            wkt!(MULTIPOLYGON(((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.)),((10. 0., 20. 0., 20. 10., 10. 10., 10. 0.)))),
            wkt!(MULTIPOLYGON(((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.)),((5. 5., 20. 5., 20. 20., 5. 20., 5. 5.)))),
            wkt!(MULTIPOLYGON(((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.)),((10. 10., 20. 10., 20. 20., 10. 20., 10. 10.)))),
            wkt!(MULTIPOLYGON(((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),(2. 2., 4. 2., 4. 4., 2. 4., 2. 2.)))),
            wkt!(MULTIPOLYGON(((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),(2. 2., 14. 2., 14. 4., 2. 4., 2. 2.)))),
            wkt!(MULTIPOLYGON(((0. 0., 10. 0., 10. 0., 0. 0.)))),
            wkt!(MULTIPOLYGON(((0. 0., 10. 0., 5. 5., 10. 10., 0. 10., 5. 5., 0. 0.)))),
            wkt!(MULTIPOLYGON(((0. 0., 10. 0., 10. 10., 5. 0., 0. 10., 0. 0.)))),
        ];
        for case in cases {
            assert_eq!(is_valid(&case), case.is_valid(), "{case:?}");
        }
        // Random rings: scribbles (mostly crossing) and stars (simple), on a
        // coarse grid so that touching and collinear edges occur too.
        use rand::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
        let (mut valid, mut invalid) = (0, 0);
        for k in 0..400 {
            let n = rng.random_range(3..40);
            let mut ring: Vec<Coord<f64>> = (0..n)
                .map(|i| {
                    if k % 2 == 0 {
                        let a = i as f64 / n as f64 * std::f64::consts::TAU;
                        let r = rng.random_range(1..6) as f64;
                        Coord {
                            x: (r * a.cos()).round(),
                            y: (r * a.sin()).round(),
                        }
                    } else {
                        Coord {
                            x: rng.random_range(0..6) as f64,
                            y: rng.random_range(0..6) as f64,
                        }
                    }
                })
                .collect();
            ring.push(ring[0]);
            let mp = MultiPolygon(vec![geo::Polygon::new(LineString(ring), vec![])]);
            assert_eq!(is_valid(&mp), mp.is_valid(), "{mp:?}");
            if mp.is_valid() {
                valid += 1
            } else {
                invalid += 1
            }
        }
        assert!(
            valid > 20 && invalid > 20,
            "{valid} valid, {invalid} invalid"
        );
    }

    #[test]
    fn hole_outside_its_shell_is_located() {
        let p = MultiPolygon(vec![
            wkt!(POLYGON((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.), (20. 20., 21. 20., 21. 21., 20. 21., 20. 20.))),
        ]);
        let err = checked_area(p, false).unwrap_err();
        assert!(err.en().contains("at 20.000000,20.000000"), "{err}");
    }
}
