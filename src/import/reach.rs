//! Whether an import lands where the store's city is. A wrong CRS (another
//! UTM zone, a false easting of 2,500,000 read as 500,000) moves a whole file
//! hundreds of kilometres and still yields valid coordinates; the store's
//! districts tell where the data should be.

use super::{Batch, Issue};
use crate::model::District;
use geo::BoundingRect;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// How far from the store's districts a file's features may lie.
pub const REACH_KM: f64 = 50.0;

/// A file most of whose features (district centres, entity points) lie
/// more than [`REACH_KM`] from the store's districts: district files always,
/// entity files read in a projected CRS (a WGS84 list of far-away funders is
/// plausible, a projected one that lands far away is a wrong CRS).
pub fn check(batch: &Batch, stored: &[District], issues: &mut Vec<Issue>) {
    let Some(rect) = stored
        .iter()
        .filter_map(|d| d.geometry.as_ref()?.bounding_rect())
        .reduce(|a, b| {
            geo::Rect::new(
                geo::coord! {x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y)},
                geo::coord! {x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y)},
            )
        })
    else {
        return;
    };
    let mut by_file: BTreeMap<&PathBuf, Vec<(f64, f64)>> = BTreeMap::new();
    for (d, origin) in &batch.districts {
        if let Some(r) = d.geometry.as_ref().and_then(|g| g.bounding_rect()) {
            let c = r.center();
            by_file.entry(&origin.file).or_default().push((c.x, c.y));
        }
    }
    for (e, origin) in &batch.entities {
        if let Some(p) = e.location
            && batch.projected.iter().any(|(f, _)| *f == origin.file)
        {
            by_file
                .entry(&origin.file)
                .or_default()
                .push((p.lon(), p.lat()));
        }
    }
    for (file, points) in by_file {
        let far: Vec<(f64, f64, f64)> = points
            .iter()
            .map(|&(x, y)| (x, y, km_from(rect, x, y)))
            .filter(|p| p.2 > REACH_KM)
            .collect();
        if far.len() * 2 <= points.len() {
            continue;
        }
        let (x, y, km) = far[0];
        let read_as = batch
            .projected
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, crs)| crs);
        let read_as_en = read_as.map_or_else(String::new, |crs| format!(" (read as {crs})"));
        let read_as_de = read_as.map_or_else(String::new, |crs| format!(" (gelesen als {crs})"));
        issues.push(Issue::file(
            file,
            crate::text!(
                "{} of {} features lie more than {REACH_KM:.0} km from the store's districts{read_as_en}; \
                 the first at {x:.5},{y:.5} (lon,lat), {km:.0} km away. Most likely the CRS is wrong \
                 (another UTM zone, a false easting of 2,500,000 or a zone prefix in the easting, swapped x/y): \
                 check --crs and the .prj. If the data really lies elsewhere, it belongs in another store (--store)",
                "{} von {} Objekten liegen mehr als {REACH_KM:.0} km von den Bezirken des Speichers entfernt{read_as_de}; \
                 das erste bei {x:.5},{y:.5} (lon,lat), {km:.0} km entfernt. Wahrscheinlich ist das Koordinatenreferenzsystem falsch \
                 (eine andere UTM-Zone, ein False Easting von 2.500.000 oder eine Zonenkennung im Rechtswert, vertauschte x/y): \
                 prüfen Sie --crs und die .prj-Datei. Liegen die Daten wirklich anderswo, gehören sie in einen anderen Speicher (--store)",
                far.len(),
                points.len()
            ),
        ));
    }
}

/// Kilometres from a lon/lat point to a lon/lat box (0 inside), on the sphere.
fn km_from(rect: geo::Rect<f64>, x: f64, y: f64) -> f64 {
    use geo::{Distance, Haversine};
    let nearest = geo::Point::new(
        x.clamp(rect.min().x, rect.max().x),
        y.clamp(rect.min().y, rect.max().y),
    );
    Haversine.distance(geo::Point::new(x, y), nearest) / 1000.0
}
