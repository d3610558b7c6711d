//! GeoJSON files (RFC 7946 WGS84, or an old-style `crs` member) as features.

use super::Issue;
use super::features::SourceFeature;
use super::manifest::FileEntry;
use crate::crs::Crs;
use geo::MapCoords;
use serde_json::Value;

/// The feature collection and the CRS of its coordinates: its `crs` member
/// (old GeoJSON), else the one given for the file, else WGS84.
fn read_collection(
    entry: &FileEntry,
    issues: &mut Vec<Issue>,
) -> Option<(geojson::FeatureCollection, Crs)> {
    if let Err(issue) = super::sources::check_size(&entry.path) {
        issues.push(issue);
        return None;
    }
    // serde_json refuses nesting deeper than 128 levels, so hostile nesting
    // is an error, not a stack overflow.
    let text = match std::fs::read_to_string(&entry.path) {
        Ok(t) => t,
        Err(e) => {
            issues.push(Issue::file(&entry.path, format!("cannot read: {e}")));
            return None;
        }
    };
    let fc = match text.parse::<geojson::GeoJson>() {
        Ok(geojson::GeoJson::FeatureCollection(fc)) => fc,
        Ok(geojson::GeoJson::Feature(f)) => geojson::FeatureCollection::new([f]),
        Ok(geojson::GeoJson::Geometry(_)) => {
            issues.push(Issue::file(
                &entry.path,
                "a bare geometry; give a Feature or FeatureCollection",
            ));
            return None;
        }
        Err(e) => {
            issues.push(Issue::file(&entry.path, format!("not GeoJSON: {e}")));
            return None;
        }
    };
    let declared = fc
        .foreign_members
        .as_ref()
        .and_then(|m| m.get("crs"))
        .map(|crs| {
            crs.pointer("/properties/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        });
    let crs = match (&declared, &entry.crs) {
        (Some(member), Some(given)) => match (Crs::parse(member), Crs::parse(given)) {
            (Ok(a), Ok(b)) if a.code() != b.code() => Err(format!(
                "declares crs \"{member}\" but --crs {given} was given; remove one"
            )),
            (Ok(a), Ok(_)) => Ok(a),
            (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
        },
        (Some(name), None) | (None, Some(name)) => Crs::parse(name).map_err(|e| e.to_string()),
        (None, None) => Ok(Crs::epsg(4326).expect("WGS84 is supported")),
    };
    match crs {
        Ok(crs) => Some((fc, crs)),
        Err(message) => {
            issues.push(Issue::file(&entry.path, message));
            None
        }
    }
}

/// The first position with fewer than two coordinates: the geojson crate
/// would panic converting it (found by the geojson fuzz target).
fn short_position(g: &geojson::GeometryValue) -> Option<String> {
    use geojson::GeometryValue as G;
    let bad = |p: &geojson::Position| p.len() < 2;
    let found = match g {
        G::Point { coordinates } => bad(coordinates),
        G::MultiPoint { coordinates } | G::LineString { coordinates } => {
            coordinates.iter().any(bad)
        }
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => {
            coordinates.iter().flatten().any(bad)
        }
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().flatten().any(bad),
        G::GeometryCollection { geometries } => {
            return geometries.iter().find_map(|g| short_position(&g.value));
        }
    };
    found.then(|| "a position has fewer than two coordinates".to_string())
}

/// A feature's geometry in WGS84, with extra dimensions (z, m) dropped.
fn geometry(g: Option<geojson::Geometry>, crs: &Crs) -> Option<Result<geo::Geometry<f64>, String>> {
    let g = g?;
    if let Some(problem) = short_position(&g.value) {
        return Some(Err(problem));
    }
    Some(
        geo::Geometry::<f64>::try_from(g)
            .map_err(|e| e.to_string())
            .and_then(|g| {
                g.try_map_coords(|c| crs.to_wgs84(c))
                    .map_err(|e| e.to_string())
            }),
    )
}

/// The first ring that GeoJSON leaves open (its last position is not its
/// first): `geo` would close it silently, so it is found here.
fn unclosed_ring(g: &geojson::Geometry) -> Option<String> {
    let polygons: Vec<&Vec<Vec<geojson::Position>>> = match &g.value {
        geojson::GeometryValue::Polygon { coordinates } => vec![coordinates],
        geojson::GeometryValue::MultiPolygon { coordinates } => coordinates.iter().collect(),
        _ => return None,
    };
    polygons
        .iter()
        .flat_map(|p| p.iter().enumerate())
        .find_map(|(k, ring)| {
            let (first, last) = (ring.first()?, ring.last()?);
            // Short positions are reported by `short_position`.
            let comparable = first.len() >= 2 && last.len() >= 2;
            (comparable && (first[0] != last[0] || first[1] != last[1])).then(|| {
                format!(
                    "ring {} is not closed: it starts at {},{} and ends at {},{}",
                    k + 1,
                    first[0],
                    first[1],
                    last[0],
                    last[1]
                )
            })
        })
}

/// Reads a GeoJSON file into features with WGS84 geometries.
pub fn read(
    entry: &FileEntry,
    issues: &mut Vec<Issue>,
    notes: &mut Vec<String>,
) -> Option<Vec<SourceFeature>> {
    let (fc, crs) = read_collection(entry, issues)?;
    Some(
        fc.features
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let open = f.geometry.as_ref().and_then(unclosed_ring);
                let geometry = match open {
                    Some(problem) if !entry.repair => {
                        Some(Err(format!("{problem}; import with --repair to close it")))
                    }
                    Some(problem) => {
                        notes.push(format!(
                            "{}: feature {}: closed an open ring ({problem})",
                            entry.path.display(),
                            i + 1
                        ));
                        geometry(f.geometry, &crs)
                    }
                    None => geometry(f.geometry, &crs),
                };
                SourceFeature {
                    props: f.properties.unwrap_or_default(),
                    id: f.id.map(|id| match id {
                        geojson::feature::Id::String(s) => s,
                        geojson::feature::Id::Number(n) => n.to_string(),
                    }),
                    geometry,
                }
            })
            .collect(),
    )
}
