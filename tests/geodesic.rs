//! Distances against reference values computed with GeographicLib through pyproj
//! (fixtures in tests/fixtures, with their tool versions in the header).

use stadtatlas::metric::{AreaDistance, LocalPlane, geodesic};
use stadtatlas::model::LonLat;

fn rows(path: &str) -> Vec<Vec<f64>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect()
}

#[test]
fn geodesic_matches_geographiclib_to_the_millimetre() {
    let data = rows("tests/fixtures/geodesic_reference.csv");
    assert_eq!(data.len(), 40);
    for r in data {
        let d = geodesic(
            LonLat::new(r[0], r[1]).unwrap(),
            LonLat::new(r[2], r[3]).unwrap(),
        )
        .get();
        assert!((d - r[4]).abs() < 0.001, "{r:?}: {d}");
    }
}

#[test]
fn local_plane_stays_within_half_a_metre_up_to_20_km() {
    // The planar metric used for point-to-area distances, checked on the same
    // pairs: a plane through the first point's meridian, as `near` builds it.
    let mut worst: f64 = 0.0;
    for r in rows("tests/fixtures/geodesic_reference.csv") {
        let plane = LocalPlane::around(r[0]);
        let a = plane.project(geo::coord! {x: r[0], y: r[1]});
        let b = plane.project(geo::coord! {x: r[2], y: r[3]});
        let planar = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
        worst = worst.max((planar - r[4]).abs());
    }
    assert!(worst < 0.5, "worst error {worst} m");
}

#[test]
fn area_distance_to_a_degenerate_square_matches_the_geodesic() {
    // A tiny square around the second point: the distance to it is the
    // geodesic to that point, within the square's half-size (≈ 0.6 cm).
    for r in rows("tests/fixtures/geodesic_reference.csv")
        .into_iter()
        .filter(|r| r[4] > 100.0)
    {
        let e = 1e-7;
        let square = geo::MultiPolygon(vec![
            geo::Rect::new(
                geo::coord! {x: r[2] - e, y: r[3] - e},
                geo::coord! {x: r[2] + e, y: r[3] + e},
            )
            .to_polygon(),
        ]);
        let d = AreaDistance::new(&square)
            .distance(LonLat::new(r[0], r[1]).unwrap())
            .get();
        assert!((d - r[4]).abs() < 0.5, "{r:?}: {d}");
    }
}

#[test]
fn utm32_reference_shows_why_the_store_does_not_measure_in_epsg_25832() {
    // EPSG:25832 distances in Halle are ~130 ppm too long (3° east of the zone's
    // meridian): check that the fixture's UTM coordinates say so, so the choice of
    // a local plane stays justified by data.
    let pts = rows("tests/fixtures/utm32_reference.csv");
    let (a, b) = (&pts[0], &pts[1]);
    let utm = ((a[2] - b[2]).powi(2) + (a[3] - b[3]).powi(2)).sqrt();
    let geo = geodesic(
        LonLat::new(a[0], a[1]).unwrap(),
        LonLat::new(b[0], b[1]).unwrap(),
    )
    .get();
    let ppm = (utm / geo - 1.0) * 1e6;
    assert!(ppm > 50.0, "{ppm} ppm");
}
