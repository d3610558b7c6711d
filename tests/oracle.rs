//! District questions against brute-force oracles on seeded random data:
//! 12,000 entities, districts with a hole, an island and a MultiPolygon.

use geo::{Contains, Distance, Geodesic, Intersects, MultiPolygon, Point};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use stadtatlas::districts::{CITY_WIDE, OUTSIDE};
use stadtatlas::model::{District, Entity, EntityKind, LonLat, Meters};
use stadtatlas::query::{self, Atlas, Filter, MatrixBy, NearTarget, Reach};
use stadtatlas::store::Snapshot;
use std::collections::{BTreeMap, BTreeSet};

mod common;

use common::fixture;

/// Which districts tile each level, written out by hand.
fn tiles(level: &str) -> &'static [usize] {
    match level {
        "bezirk" => &[0, 1, 2],
        _ => &[0, 2, 3, 4],
    }
}

/// Brute force: every entity's district ids at a level.
fn brute_assign(s: &Snapshot, e: &Entity, level: &str) -> BTreeSet<String> {
    let tiles = tiles(level);
    let shape = |i: usize| s.districts[i].geometry.as_ref().unwrap();
    if let Some(p) = e.location {
        let hit = tiles.iter().find(|&&i| shape(i).contains(&p.point()));
        return [hit.map_or(OUTSIDE.to_string(), |&i| s.districts[i].id.clone())].into();
    }
    if let Some(area) = &e.area {
        let hits: BTreeSet<String> = tiles
            .iter()
            .filter(|&&i| shape(i).intersects(area))
            .map(|&i| s.districts[i].id.clone())
            .collect();
        return if hits.is_empty() {
            [OUTSIDE.to_string()].into()
        } else {
            hits
        };
    }
    if let Some(name) = e.district_names.first() {
        let id = match name.as_str() {
            "b1" => "b1",
            "District b2" => "b2",
            "alias-t1" => "t1",
            "district t2" => "t2",
            _ => "b3",
        };
        return [match (level, id) {
            ("bezirk", "t1" | "t2") => "b2",
            _ => id,
        }
        .to_string()]
        .into();
    }
    [CITY_WIDE.to_string()].into()
}

#[test]
fn assignment_matches_brute_force_at_every_level() {
    let s = fixture();
    let atlas = Atlas::new(s.clone());
    for (l, level) in ["bezirk", "teil"].iter().enumerate() {
        for (i, e) in s.entities.iter().enumerate() {
            let got: BTreeSet<String> = atlas.assignments[i][l]
                .iter()
                .map(|r| atlas.ref_id(*r).to_string())
                .collect();
            assert_eq!(got, brute_assign(&s, e, level), "{} at {level}", e.id);
        }
    }
}

#[test]
fn where_point_matches_brute_force() {
    let s = fixture();
    let atlas = Atlas::new(s.clone());
    for e in s
        .entities
        .iter()
        .filter(|e| e.location.is_some())
        .take(3000)
    {
        let rows = query::where_point(&atlas, e.location.unwrap());
        let got: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let want: Vec<String> = ["bezirk", "teil"]
            .iter()
            .map(|l| brute_assign(&s, e, l).into_iter().next().unwrap())
            .collect();
        assert_eq!(got, want, "{}", e.id);
    }
}

#[test]
fn in_is_the_union_and_matches_brute_force() {
    let s = fixture();
    let atlas = Atlas::new(s.clone());
    let descendants = |d: &str| -> BTreeSet<String> {
        s.districts
            .iter()
            .filter(|x| x.id == d || x.parent.as_deref() == Some(d))
            .map(|x| x.id.clone())
            .collect()
    };
    for targets in [
        vec!["b2"],
        vec!["t2", "b1"],
        vec!["alias-b3"],
        vec!["District t1"],
    ] {
        let names: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
        let got: BTreeSet<String> = query::inside(&atlas, &names, None, &Filter::default())
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        let ids: Vec<&District> = names
            .iter()
            .map(|n| &s.districts[atlas.district(n, None).unwrap()])
            .collect();
        let want: BTreeSet<String> = s
            .entities
            .iter()
            .filter(|e| {
                ids.iter().any(|d| {
                    let shape = d.geometry.as_ref().unwrap();
                    if let Some(p) = e.location {
                        shape.contains(&p.point())
                    } else if let Some(a) = &e.area {
                        shape.intersects(a)
                    } else if e.district_names.is_empty() {
                        false
                    } else {
                        // The named district at the target's level, by brute force.
                        brute_assign(&s, e, &d.level)
                            .iter()
                            .any(|x| descendants(&d.id).contains(x))
                    }
                })
            })
            .map(|e| e.id.clone())
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want, "{targets:?}");
    }
}

#[test]
fn near_a_point_matches_a_geodesic_scan() {
    let s = fixture();
    let atlas = Atlas::new(s.clone());
    let mut rng = Pcg64::seed_from_u64(7);
    for _ in 0..20 {
        let at = LonLat::new(rng.random_range(11.8..12.1), rng.random_range(51.35..51.6)).unwrap();
        let m = rng.random_range(50.0..3000.0);
        let rows = query::near(
            &atlas,
            &NearTarget::At(at),
            Reach::Within(Meters(m)),
            &Filter::default(),
        )
        .unwrap();
        let got: Vec<(String, f64)> = rows
            .iter()
            .filter(|r| r.lon.is_some())
            .map(|r| (r.id.clone(), r.distance_m.unwrap()))
            .collect();
        let mut want: Vec<(String, f64)> = s
            .entities
            .iter()
            .filter_map(|e| {
                e.location
                    .map(|p| (e.id.clone(), Geodesic.distance(at.point(), p.point())))
            })
            .filter(|(_, d)| *d <= m)
            .collect();
        want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.0, w.0);
            assert!((g.1 - w.1).abs() < 1e-6);
        }
        assert!(
            rows.windows(2).all(|w| w[0].distance_m <= w[1].distance_m),
            "ascending"
        );
        // --nearest K is the first K of the full ascending list.
        let k = 7;
        let nearest = query::near(
            &atlas,
            &NearTarget::At(at),
            Reach::Nearest(k),
            &Filter {
                kinds: vec![EntityKind::Partner],
                ..Filter::default()
            },
        )
        .unwrap();
        let mut all: Vec<f64> = s
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Partner)
            .filter_map(|e| e.location.map(|p| Geodesic.distance(at.point(), p.point())))
            .collect();
        all.sort_by(f64::total_cmp);
        let got_k: Vec<f64> = nearest
            .iter()
            .filter(|r| r.lon.is_some())
            .map(|r| r.distance_m.unwrap())
            .collect();
        assert!(got_k.len() <= k);
        for (g, w) in got_k.iter().zip(&all) {
            assert!(*g <= *w + 1e-6 || (g - w).abs() < 1e-6);
        }
    }
}

/// Geodesic distance from a point to a segment that is straight in lon/lat,
/// by golden-section search along the segment (unimodal for these lengths).
fn point_segment(p: Point<f64>, a: geo::Coord<f64>, b: geo::Coord<f64>) -> f64 {
    let at =
        |t: f64| Geodesic.distance(p, Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t));
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let g = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..80 {
        let (m1, m2) = (hi - g * (hi - lo), lo + g * (hi - lo));
        if at(m1) < at(m2) { hi = m2 } else { lo = m1 }
    }
    at((lo + hi) / 2.0).min(at(0.0)).min(at(1.0))
}

fn brute_distance_to(shape: &MultiPolygon<f64>, p: Point<f64>) -> f64 {
    if shape.contains(&p) {
        return 0.0;
    }
    use geo::LinesIter;
    shape
        .lines_iter()
        .map(|l| point_segment(p, l.start, l.end))
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn near_a_district_is_metres_to_its_edge_within_half_a_metre() {
    let s = fixture();
    let atlas = Atlas::new(s.clone());
    for (name, m) in [("t2", 800.0), ("b1", 1500.0), ("b3", 400.0)] {
        let d = &s.districts[atlas.district(name, None).unwrap()];
        let shape = d.geometry.as_ref().unwrap();
        let rows = query::near(
            &atlas,
            &NearTarget::District {
                name: name.into(),
                level: None,
            },
            Reach::Within(Meters(m)),
            &Filter::default(),
        )
        .unwrap();
        let got: BTreeMap<String, f64> = rows
            .iter()
            .filter(|r| r.lon.is_some())
            .map(|r| (r.id.clone(), r.distance_m.unwrap()))
            .collect();
        let mut checked = 0;
        for e in s.entities.iter().filter(|e| e.location.is_some()) {
            let want = brute_distance_to(shape, e.location.unwrap().point());
            match got.get(&e.id) {
                Some(g) => {
                    assert!((g - want).abs() < 0.5, "{}: {g} vs {want}", e.id);
                    checked += 1;
                }
                // Only points right at the radius may fall either side.
                None => assert!(want > m - 0.5, "{} missing at {want} m", e.id),
            }
        }
        assert!(checked > 100, "{checked}");
        assert!(rows.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
    }
}

#[test]
fn matrix_and_gaps_match_brute_force_counts() {
    let s = fixture();
    let atlas = Atlas::new(s.clone());
    for level in ["bezirk", "teil"] {
        let m = query::matrix(
            &atlas,
            Some(level),
            MatrixBy::Field,
            false,
            &Filter::default(),
        )
        .unwrap();
        let mut want: BTreeMap<String, (BTreeMap<String, usize>, usize)> = BTreeMap::new();
        for e in &s.entities {
            for id in brute_assign(&s, e, level) {
                let (counts, total) = want.entry(id).or_default();
                *total += 1;
                for f in &e.fields {
                    *counts.entry(f.clone()).or_default() += 1;
                }
                if e.fields.is_empty() {
                    *counts.entry("(none)".into()).or_default() += 1;
                }
            }
        }
        assert_eq!(m.rows.len(), want.len(), "{level}: rows");
        for row in &m.rows {
            let (counts, total) = &want[&row.district_id];
            assert_eq!(row.total, *total, "{level} {}", row.district_id);
            for (c, n) in &row.counts {
                assert_eq!(
                    counts.get(c).copied().unwrap_or(0),
                    *n,
                    "{level} {} {c}",
                    row.district_id
                );
            }
        }
        assert_eq!(m.total, s.entities.len());
        let gaps = query::gaps(
            &atlas,
            Some(level),
            &Filter {
                fields: vec!["sport".into()],
                ..Filter::default()
            },
        )
        .unwrap();
        for g in &gaps {
            let (counts, _) = want.get(&g.district_id).cloned().unwrap_or_default();
            assert!(g.field != "sport" || counts.get("sport").copied().unwrap_or(0) == 0);
        }
        let per_capita = query::matrix(
            &atlas,
            Some(level),
            MatrixBy::Kind,
            true,
            &Filter::default(),
        )
        .unwrap();
        for row in per_capita.rows.iter().filter(|r| r.population.is_some()) {
            let pc = row.per_10000.as_ref().unwrap();
            for (c, n) in &row.counts {
                assert!((pc[c].unwrap() - *n as f64 * 10.0).abs() < 1e-9);
            }
        }
    }
}
