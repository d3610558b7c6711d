//! GeoJSON files (RFC 7946 WGS84, or an old-style `crs` member) as features.

use super::Issue;
use super::features::SourceFeature;
use super::manifest::FileEntry;
use super::placement::Placement;
use crate::crs::Crs;
use crate::model::{Lang, Text};
use serde_json::Value;

/// A JSON file's text parsed, after the size check.
///
/// serde_json refuses nesting deeper than 128 levels, so hostile nesting is
/// an error, not a stack overflow.
fn json_value(entry: &FileEntry, issues: &mut Vec<Issue>) -> Option<Value> {
    if let Err(issue) = super::sources::check_size(&entry.path) {
        issues.push(issue);
        return None;
    }
    let text = match std::fs::read_to_string(&entry.path) {
        Ok(t) => t,
        Err(e) => {
            issues.push(Issue::file(
                &entry.path,
                crate::text!("cannot read: {e}", "kann nicht gelesen werden: {e}"),
            ));
            return None;
        }
    };
    match serde_json::from_str(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            issues.push(Issue::file(
                &entry.path,
                crate::text!("not JSON: {e}", "kein JSON: {e}"),
            ));
            None
        }
    }
}

/// A JSON value shortened for a message.
fn shown(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// Drops the ordinates beyond x and y (z, m, or the `null` some exporters
/// write for a missing z) from every position of a GeoJSON geometry, in
/// place: the geojson crate refuses a `null` ordinate, and heights are not
/// imported.
///
/// # Errors
/// A position without two numbers for x and y, or with something else than
/// a number or `null` after them, quoted.
fn drop_extra_ordinates(geometry: &mut Value) -> Result<(), Text> {
    fn positions(v: &mut Value, depth: usize) -> Result<(), Text> {
        let Value::Array(items) = v else {
            return Err(crate::text!(
                "coordinates hold {} where an array is expected",
                "Koordinaten enthalten {}, wo ein Array erwartet wird",
                shown(v)
            ));
        };
        if depth > 0 {
            return items.iter_mut().try_for_each(|i| positions(i, depth - 1));
        }
        let numbers = items.iter().take_while(|i| i.is_number()).count();
        if items.len() < 2 {
            return Err(crate::text!(
                "a position has fewer than two coordinates: {}",
                "eine Position hat weniger als zwei Koordinaten: {}",
                shown(v)
            ));
        }
        if numbers < 2 {
            return Err(crate::text!(
                "position {} has no number for x or y",
                "Position {} hat keine Zahl für x oder y",
                shown(v)
            ));
        }
        if items[2..].iter().any(|o| !(o.is_number() || o.is_null())) {
            return Err(crate::text!(
                "position {} has an ordinate that is neither a number nor null",
                "Position {} hat eine Ordinate, die weder eine Zahl noch null ist",
                shown(v)
            ));
        }
        items.truncate(2);
        Ok(())
    }
    let Value::Object(g) = geometry else {
        // Anything else is the geojson crate's to name.
        return Ok(());
    };
    let depth = match g.get("type").and_then(Value::as_str) {
        Some("Point") => 0,
        Some("MultiPoint" | "LineString") => 1,
        Some("Polygon" | "MultiLineString") => 2,
        Some("MultiPolygon") => 3,
        Some("GeometryCollection") => {
            return match g.get_mut("geometries") {
                Some(Value::Array(parts)) => parts.iter_mut().try_for_each(drop_extra_ordinates),
                _ => Ok(()),
            };
        }
        _ => return Ok(()),
    };
    match g.get_mut("coordinates") {
        Some(c) => positions(c, depth),
        None => Ok(()),
    }
}

/// The feature collection and the CRS of its coordinates: its `crs` member
/// (old GeoJSON), else the one given for the file, else WGS84. `bad` gets,
/// per feature, why its positions cannot be read (that geometry is then
/// taken out, so the rest of the file still parses).
fn read_collection(
    entry: &FileEntry,
    mut value: Value,
    bad: &mut Vec<Option<Text>>,
    issues: &mut Vec<Issue>,
) -> Option<(geojson::FeatureCollection, Crs)> {
    let mut check = |feature: &mut Value| {
        let problem = feature
            .get_mut("geometry")
            .and_then(|g| drop_extra_ordinates(g).err());
        if problem.is_some()
            && let Some(g) = feature.get_mut("geometry")
        {
            *g = Value::Null;
        }
        bad.push(problem);
    };
    match value.get("type").and_then(Value::as_str) {
        Some("Feature") => check(&mut value),
        Some("FeatureCollection") => {
            if let Some(Value::Array(features)) = value.get_mut("features") {
                features.iter_mut().for_each(&mut check);
            }
        }
        _ => {}
    }
    let fc = match serde_json::from_value::<geojson::GeoJson>(value) {
        Ok(geojson::GeoJson::FeatureCollection(fc)) => fc,
        Ok(geojson::GeoJson::Feature(f)) => geojson::FeatureCollection::new([f]),
        Ok(geojson::GeoJson::Geometry(_)) => {
            issues.push(Issue::file(
                &entry.path,
                crate::text!(
                    "a bare geometry; give a Feature or FeatureCollection",
                    "eine bloße Geometrie; geben Sie ein Feature oder eine FeatureCollection an"
                ),
            ));
            return None;
        }
        Err(e) => {
            issues.push(Issue::file(
                &entry.path,
                crate::text!("not GeoJSON: {e}", "kein GeoJSON: {e}"),
            ));
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
            (Ok(a), Ok(b)) if a.code() != b.code() => Err(crate::text!(
                "declares crs \"{member}\" but --crs {given} was given; remove one",
                "deklariert crs \"{member}\", aber --crs {given} wurde angegeben; entfernen Sie eine Angabe"
            )),
            (Ok(a), Ok(_)) => Ok(a),
            (Err(e), _) | (_, Err(e)) => Err(e.text()),
        },
        (Some(name), None) | (None, Some(name)) => Crs::parse(name).map_err(|e| e.text()),
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

/// A feature's geometry in WGS84 (its positions already cut to x and y).
fn geometry(
    g: Option<geojson::Geometry>,
    placement: &mut Placement,
) -> Option<Result<geo::Geometry<f64>, Text>> {
    Some(
        geo::Geometry::<f64>::try_from(g?)
            // The geojson crate's own words.
            .map_err(|e| crate::text!("{e}", "{e}"))
            .and_then(|g| placement.transform(g)),
    )
}

/// The first ring that GeoJSON leaves open (its last position is not its
/// first): `geo` would close it silently, so it is found here.
fn unclosed_ring(g: &geojson::Geometry) -> Option<Text> {
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
            // Short positions were reported by `drop_extra_ordinates`.
            let comparable = first.len() >= 2 && last.len() >= 2;
            (comparable && (first[0] != last[0] || first[1] != last[1])).then(|| {
                crate::text!(
                    "ring {} is not closed: it starts at {},{} and ends at {},{}",
                    "Ring {} ist nicht geschlossen: er beginnt bei {},{} und endet bei {},{}",
                    k + 1,
                    first[0],
                    first[1],
                    last[0],
                    last[1]
                )
            })
        })
}

/// Reads a GeoJSON file (or an Esri JSON file, told by its content) into
/// features with WGS84 geometries.
pub fn read(
    entry: &FileEntry,
    issues: &mut Vec<Issue>,
    notes: &mut Vec<Text>,
) -> Option<Vec<SourceFeature>> {
    let value = json_value(entry, issues)?;
    if super::esri_json_read::is_esri_json(&value) {
        return super::esri_json_read::read(entry, value, issues, notes);
    }
    if super::esri_json_read::server_cut(&value) {
        notes.push(super::esri_json_read::cut_note(entry));
    }
    let mut bad = Vec::new();
    let (fc, crs) = read_collection(entry, value, &mut bad, issues)?;
    let mut placement = Placement::new(&crs);
    let features = fc
        .features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let open = f.geometry.as_ref().and_then(unclosed_ring);
            let geometry = match (bad.get(i).cloned().flatten(), open) {
                (Some(problem), _) => Some(Err(problem)),
                (None, Some(problem)) if !entry.repair => Some(Err(Text::new(
                    format!("{}; import with --repair to close it", problem.en()),
                    format!(
                        "{}; importieren Sie mit --repair, um ihn zu schließen",
                        problem.in_lang(Lang::De)
                    ),
                ))),
                (None, Some(problem)) => {
                    let (path, n) = (entry.path.display(), i + 1);
                    notes.push(Text::new(
                        format!(
                            "{path}: feature {n}: closed an open ring ({})",
                            problem.en()
                        ),
                        format!(
                            "{path}: Objekt {n}: offenen Ring geschlossen ({})",
                            problem.in_lang(Lang::De)
                        ),
                    ));
                    geometry(f.geometry, &mut placement)
                }
                (None, None) => geometry(f.geometry, &mut placement),
            };
            SourceFeature {
                props: f.properties.unwrap_or_default(),
                id: f.id.map(|id| match id {
                    geojson::feature::Id::String(s) => s,
                    geojson::feature::Id::Number(n) => n.to_string(),
                }),
                geometry,
                line: None,
            }
        })
        .collect();
    placement.check(&entry.path, issues).then_some(features)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(mut g: Value) -> Result<Value, String> {
        drop_extra_ordinates(&mut g)
            .map(|()| g)
            .map_err(|e| e.en().to_string())
    }

    #[test]
    fn null_and_extra_ordinates_are_dropped() {
        let g = cut(serde_json::json!({"type": "Point", "coordinates": [11.97, 51.48, null]}));
        assert_eq!(g.unwrap()["coordinates"], serde_json::json!([11.97, 51.48]));
        let g = cut(
            serde_json::json!({"type": "GeometryCollection", "geometries": [
                {"type": "MultiPolygon", "coordinates": [[[[1, 2, 3, 4], [1, 3, null, 7], [2, 3], [1, 2, 0]]]]}
            ]}),
        );
        assert_eq!(
            g.unwrap()["geometries"][0]["coordinates"],
            serde_json::json!([[[[1, 2], [1, 3], [2, 3], [1, 2]]]])
        );
    }

    #[test]
    fn positions_without_x_and_y_are_named() {
        let e = cut(
            serde_json::json!({"type": "LineString", "coordinates": [[1, 2], [null, 51.4, 3]]}),
        );
        assert_eq!(
            e.unwrap_err(),
            "position [null,51.4,3] has no number for x or y"
        );
        let mut g = serde_json::json!({"type": "Point", "coordinates": [null, 51.4]});
        let e = drop_extra_ordinates(&mut g).unwrap_err();
        assert_eq!(
            e.in_lang(Lang::De),
            "Position [null,51.4] hat keine Zahl für x oder y"
        );
        let e = cut(serde_json::json!({"type": "Point", "coordinates": [12.0]}));
        assert!(
            e.unwrap_err()
                .contains("fewer than two coordinates: [12.0]")
        );
        let e = cut(serde_json::json!({"type": "Point", "coordinates": [1, 2, "hoch"]}));
        assert!(e.unwrap_err().contains("neither a number nor null"));
        let e = cut(serde_json::json!({"type": "Polygon", "coordinates": [1, 2]}));
        assert!(e.unwrap_err().contains("where an array is expected"));
    }
}
