//! Distances on the ground, in metres.
//!
//! Point to point: the ellipsoidal geodesic on WGS84 (Karney's algorithm, via
//! `geo::Geodesic`), exact to the nanometre. Point to area: a local transverse
//! Mercator plane (GRS80, `k = 1`) whose central meridian passes through the
//! target, built with `proj4rs`. Within ±25 km of that meridian the plane's scale
//! error stays below 8 ppm, i.e. under 0.2 m at 20 km; EPSG:25832 itself would be
//! off by up to 130 ppm in Halle, which lies 3° east of its central meridian.
//! rstar is never asked for a distance: its distances are squared degrees.

use crate::model::{LonLat, Meters};
use geo::{
    Contains, Coord, Densify, Distance, Euclidean, Geodesic, MapCoords, MultiPolygon, Point,
};
use proj4rs::proj::Proj;

/// Longest edge step, in degrees (≈ 110 m of latitude), before projecting an area.
pub const DENSIFY_DEGREES: f64 = 0.001;

/// Geodesic distance between two positions.
pub fn geodesic(a: LonLat, b: LonLat) -> Meters {
    Meters(Geodesic.distance(a.point(), b.point()))
}

/// Whether two positions lie within `m` of each other, geodesically: the same
/// answer as `geodesic(a, b) <= m`, for a fraction of its cost away from the
/// edge. The distance on the sphere (Haversine, mean radius) is within 0.6 %
/// of the geodesic one anywhere on Earth, so outside a ±1 % band around `m`
/// it decides alone; inside the band the geodesic does.
pub fn within(a: LonLat, b: LonLat, m: Meters) -> bool {
    let sphere = geo::Haversine.distance(a.point(), b.point());
    if sphere < m.get() * 0.99 {
        true
    } else if sphere > m.get() * 1.01 {
        false
    } else {
        geodesic(a, b) <= m
    }
}

/// A local metric plane around one meridian.
pub struct LocalPlane {
    wgs84: Proj,
    plane: Proj,
}

impl LocalPlane {
    /// A transverse Mercator plane with its central meridian at `lon` degrees.
    pub fn around(lon: f64) -> Self {
        let wgs84 = Proj::from_proj_string("+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs")
            .expect("static proj string");
        let plane = Proj::from_proj_string(&format!(
            "+proj=tmerc +lat_0=0 +lon_0={lon} +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
        ))
        .expect("tmerc with a finite meridian");
        Self { wgs84, plane }
    }

    /// Projects a WGS84 coordinate (degrees) into the plane (metres).
    pub fn project(&self, c: Coord<f64>) -> Coord<f64> {
        let mut p = (c.x.to_radians(), c.y.to_radians(), 0.0);
        match proj4rs::transform::transform(&self.wgs84, &self.plane, &mut p) {
            Ok(()) => Coord { x: p.0, y: p.1 },
            Err(_) => Coord {
                x: f64::NAN,
                y: f64::NAN,
            },
        }
    }

    /// The WGS84 coordinate (degrees) of a point of the plane (metres).
    pub fn unproject(&self, p: Coord<f64>) -> Coord<f64> {
        let mut c = (p.x, p.y, 0.0);
        match proj4rs::transform::transform(&self.plane, &self.wgs84, &mut c) {
            Ok(()) => Coord {
                x: c.0.to_degrees(),
                y: c.1.to_degrees(),
            },
            Err(_) => Coord {
                x: f64::NAN,
                y: f64::NAN,
            },
        }
    }

    /// Projects an area into the plane. Edges are straight lines in lon/lat
    /// (as GeoJSON is drawn and as GDAL reads EPSG:4326), so they are first
    /// densified to steps of at most [`DENSIFY_DEGREES`]; the projected chords
    /// then stay within a millimetre of the lon/lat edges.
    pub fn project_area(&self, area: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        Euclidean
            .densify(area, DENSIFY_DEGREES)
            .map_coords(|c| self.project(c))
    }
}

/// An area prepared for distance queries: 0 inside, metres to the edge outside.
pub struct AreaDistance {
    plane: LocalPlane,
    projected: MultiPolygon<f64>,
}

impl AreaDistance {
    /// Prepares an area (WGS84) for distance queries.
    pub fn new(area: &MultiPolygon<f64>) -> Self {
        let lon =
            geo::BoundingRect::bounding_rect(area).map_or(0.0, |r| (r.min().x + r.max().x) / 2.0);
        let plane = LocalPlane::around(lon);
        let projected = plane.project_area(area);
        Self { plane, projected }
    }

    /// Distance from a position to the area: 0 inside or on the edge.
    pub fn distance(&self, p: LonLat) -> Meters {
        let q = Point::from(self.plane.project(p.point().into()));
        if self.projected.contains(&q) {
            Meters(0.0)
        } else {
            Meters(Euclidean.distance(&q, &self.projected))
        }
    }
}

impl AreaDistance {
    /// Distance from another area (WGS84): 0 when they intersect.
    pub fn distance_to_area(&self, other: &MultiPolygon<f64>) -> Meters {
        use geo::Intersects;
        let other = self.plane.project_area(other);
        if self.projected.intersects(&other) {
            Meters(0.0)
        } else {
            Meters(Euclidean.distance(&self.projected, &other))
        }
    }
}

/// Degrees of latitude and longitude that surely cover `m` metres around `lat`,
/// for an envelope prefilter before the exact distance.
pub fn degree_margin(lat: f64, m: Meters) -> (f64, f64) {
    // A degree of latitude is at least 110.5 km, a degree of longitude at least
    // 111.3 km × cos(lat); 1 % slack covers the ellipsoid.
    let dlat = m.get() / 110_500.0 * 1.01;
    let cos = lat.abs().min(89.0).to_radians().cos();
    let dlon = (m.get() / (111_300.0 * cos) * 1.01).min(360.0);
    (dlon, dlat)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the geodesic itself, around the edge and far from it, from the
    /// equator to the poles.
    #[test]
    fn within_agrees_with_the_geodesic() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(3);
        let mut near_edge = 0;
        for _ in 0..200_000 {
            let lat: f64 = rng.random_range(-89.0..89.0);
            let a = LonLat::new(rng.random_range(-180.0..180.0), lat).unwrap();
            let m = Meters(10f64.powf(rng.random_range(0.0..5.0)));
            // Points at 0.9–1.1 × m in every direction.
            let (dlon, dlat) = degree_margin(lat, m);
            let t: f64 = rng.random_range(0.0..std::f64::consts::TAU);
            let f: f64 = rng.random_range(0.9..1.1) / 1.01;
            let Ok(b) = LonLat::new(
                (a.lon() + f * dlon * t.cos()).clamp(-180.0, 180.0),
                (a.lat() + f * dlat * t.sin()).clamp(-90.0, 90.0),
            ) else {
                continue;
            };
            let exact = geodesic(a, b) <= m;
            assert_eq!(within(a, b, m), exact, "{a:?} {b:?} {m:?}");
            let sphere = geo::Haversine.distance(a.point(), b.point());
            near_edge += usize::from((sphere - m.get()).abs() < 0.01 * m.get());
        }
        assert!(
            near_edge > 10_000,
            "{near_edge}: the test must reach the band"
        );
    }

    #[test]
    fn geodesic_one_degree_of_latitude_at_the_equator() {
        let d = geodesic(
            LonLat::new(0.0, 0.0).unwrap(),
            LonLat::new(0.0, 1.0).unwrap(),
        );
        // GeographicLib: 110574.389 m.
        assert!((d.get() - 110_574.389).abs() < 0.01, "{d:?}");
    }

    #[test]
    fn area_distance_is_zero_inside() {
        let square = MultiPolygon(vec![
            geo::wkt!(POLYGON((11.9 51.4, 12.0 51.4, 12.0 51.5, 11.9 51.5, 11.9 51.4))),
        ]);
        let a = AreaDistance::new(&square);
        assert_eq!(a.distance(LonLat::new(11.95, 51.45).unwrap()).get(), 0.0);
        // Due north of the top edge, along a meridian: the geodesic is the answer.
        let north = LonLat::new(11.95, 51.51).unwrap();
        let exact = geodesic(LonLat::new(11.95, 51.5).unwrap(), north).get();
        assert!(
            (a.distance(north).get() - exact).abs() < 0.005,
            "{} vs {exact}",
            a.distance(north).get()
        );
    }
}
