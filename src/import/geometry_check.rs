//! Polygons as sources deliver them: found invalid, said where, and repaired
//! only when asked and only where a well-defined repair exists (geo's
//! `MakeValid`, Ledoux et al. 2014).

use geo::orient::{Direction, Orient};
use geo::{Coord, Line, LineString, MakeValid, MultiPolygon, Validation};

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

fn place(c: Coord<f64>) -> String {
    format!("at {:.6},{:.6}", c.x, c.y)
}

/// Where a multipolygon is invalid, in words a planner can act on.
fn describe(mp: &MultiPolygon<f64>) -> Option<String> {
    let problem = mp.validation_errors().into_iter().next()?;
    let mut text = format!("invalid polygon: {problem}");
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
    if let Some(c) = where_ {
        text.push(' ');
        text.push_str(&place(c));
    }
    Some(text)
}

/// The area if valid (wound as RFC 7946 wants); with `repair`, the repaired
/// area and a note saying what was repaired.
///
/// # Errors
/// The problem and its place, with a hint to `--repair` where it would help.
pub fn checked_area(
    mp: MultiPolygon<f64>,
    repair: bool,
) -> Result<(MultiPolygon<f64>, Option<String>), String> {
    let Some(problem) = describe(&mp) else {
        return Ok((mp.orient(Direction::Default), None));
    };
    if !repair {
        return Err(format!("{problem}; import with --repair to repair it"));
    }
    match mp.make_valid() {
        Ok(fixed) if fixed.is_valid() && !fixed.0.is_empty() => Ok((
            fixed.orient(Direction::Default),
            Some(format!("repaired {problem}")),
        )),
        _ => Err(format!("{problem}; no well-defined repair exists")),
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
            err.contains("self-intersection") && err.contains("at 5.000000,5.000000"),
            "{err}"
        );
        let (fixed, note) = checked_area(bowtie, true).unwrap();
        assert_eq!(fixed.0.len(), 2);
        assert!((fixed.unsigned_area() - 50.0).abs() < 1e-9);
        assert!(note.unwrap().starts_with("repaired"));
    }

    #[test]
    fn hole_outside_its_shell_is_located() {
        let p = MultiPolygon(vec![
            wkt!(POLYGON((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.), (20. 20., 21. 20., 21. 21., 20. 21., 20. 20.))),
        ]);
        let err = checked_area(p, false).unwrap_err();
        assert!(err.contains("at 20.000000,20.000000"), "{err}");
    }
}
