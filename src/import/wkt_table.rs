//! Tables whose geometry is a WKT column, as QGIS ("Save as CSV, geometry
//! AS_WKT"), GDAL and open-data portals export layers: `WKT`, `geometry`,
//! `the_geom`, optionally as EWKT (`SRID=25832;POLYGON(…)`).

use super::Issue;
use super::features::SourceFeature;
use super::manifest::FileEntry;
use super::placement::Placement;
use crate::crs::Crs;
use crate::model::names::fold;
use serde_json::{Map, Value};
use wkt::TryFromWkt;

/// Header spellings of a WKT geometry column (compared folded).
const WKT_COLUMNS: &[&str] = &[
    "wkt",
    "geometry",
    "geom",
    "the geom",
    "geometrie",
    "wkt geom",
    "shape",
];

/// The position of the WKT column among the headers.
pub fn wkt_column(headers: &[String]) -> Option<usize> {
    headers
        .iter()
        .position(|h| WKT_COLUMNS.contains(&fold(h).as_str()))
}

/// True when a CSV file's first line names a WKT column and no lon/lat
/// column (those are read as points by the entity reader).
pub fn has_wkt_column(entry: &FileEntry) -> bool {
    use std::io::{BufRead, Read};
    // The header line only: entity files run to a million rows.
    let mut first = Vec::new();
    let read = std::fs::File::open(&entry.path)
        .and_then(|f| std::io::BufReader::new(f.take(64 * 1024)).read_until(b'\n', &mut first));
    if read.is_err() {
        return false;
    }
    let first = String::from_utf8_lossy(&first);
    let headers: Vec<String> = first
        .trim_start_matches('\u{feff}')
        .split([',', ';', '\t'])
        .map(|h| h.trim().trim_matches('"').to_string())
        .collect();
    let mapped = |field: &str| entry.columns.contains_key(field);
    let coordinates = headers.iter().any(|h| {
        matches!(
            fold(h).as_str(),
            "lon" | "lng" | "longitude" | "laenge" | "x" | "rechtswert"
        )
    });
    wkt_column(&headers).is_some() && !coordinates && !mapped("lon")
}

/// An EWKT `SRID=n;` prefix split off: (EPSG code, the WKT).
fn srid(cell: &str) -> (Option<u32>, &str) {
    let t = cell.trim();
    match t.split_once(';') {
        Some((head, rest)) if head.to_uppercase().starts_with("SRID=") => {
            (head[5..].trim().parse().ok(), rest)
        }
        _ => (None, t),
    }
}

/// Reads the table's rows as features: every other column a property, the
/// WKT column the geometry in the file's CRS (`--crs`, else an EWKT SRID,
/// else WGS84).
pub fn read(
    entry: &FileEntry,
    issues: &mut Vec<Issue>,
    notes: &mut Vec<crate::model::Text>,
) -> Option<Vec<SourceFeature>> {
    let table = match super::sources::read(entry, notes) {
        Ok(t) => t,
        Err(issue) => {
            issues.push(issue);
            return None;
        }
    };
    let Some(col) = wkt_column(&table.headers) else {
        issues.push(Issue::file(
            &entry.path,
            crate::text!(
                "has no geometry column (one of {}, holding WKT); its columns are: {}. \
                 Districts need their boundaries: give a GeoJSON, Shapefile, GeoPackage or KML file, \
                 or a table with a WKT column",
                "hat keine Geometriespalte (eine von {}, mit WKT); ihre Spalten sind: {}. \
                 Bezirke brauchen ihre Grenzen: geben Sie eine GeoJSON-, Shapefile-, GeoPackage- oder \
                 KML-Datei an oder eine Tabelle mit einer WKT-Spalte",
                WKT_COLUMNS.join(", "),
                table.headers.join(", ")
            ),
        ));
        return None;
    };
    let declared = table
        .rows
        .iter()
        .find_map(|(_, row)| srid(row.get(col).unwrap_or_default()).0);
    let crs = match (&entry.crs, declared) {
        (Some(name), _) => Crs::parse(name),
        (None, Some(code)) => Crs::epsg(code),
        (None, None) => Crs::epsg(4326),
    };
    let crs = match crs {
        Ok(c) => c,
        Err(e) => {
            issues.push(Issue::file(&entry.path, e.text()));
            return None;
        }
    };
    let mut placement = Placement::new(&crs);
    let mut out = Vec::with_capacity(table.rows.len());
    for (line, row) in &table.rows {
        let mut props = Map::new();
        for (k, header) in table.headers.iter().enumerate() {
            if k == col || header.is_empty() {
                continue;
            }
            let cell = row.get(k).unwrap_or_default();
            let value = if cell.is_empty() {
                Value::Null
            } else {
                Value::String(cell.to_string())
            };
            props.insert(header.clone(), value);
        }
        let cell = row.get(col).unwrap_or_default();
        let geometry = (!cell.trim().is_empty()).then(|| {
            let (_, text) = srid(cell);
            geo::Geometry::<f64>::try_from_wkt_str(text)
                .map_err(|e| {
                    let shown: String = text.chars().take(60).collect();
                    crate::text!(
                        "column '{}': \"{shown}\" is not WKT: {e}",
                        "Spalte '{}': \"{shown}\" ist kein WKT: {e}",
                        table.headers[col]
                    )
                })
                .and_then(|g| placement.transform(g))
        });
        out.push(SourceFeature {
            props,
            id: None,
            geometry,
            line: Some(*line),
        });
    }
    placement.check(&entry.path, issues).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ewkt_prefixes_are_split_off() {
        assert_eq!(srid("SRID=25832;POINT(1 2)"), (Some(25832), "POINT(1 2)"));
        assert_eq!(srid(" POINT(1 2) "), (None, "POINT(1 2)"));
    }

    #[test]
    fn geometry_columns_are_found_by_their_usual_names() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(wkt_column(&h(&["STT_NAME", "WKT"])), Some(1));
        assert_eq!(wkt_column(&h(&["the_geom", "name"])), Some(0));
        assert_eq!(wkt_column(&h(&["name", "lon", "lat"])), None);
    }
}
