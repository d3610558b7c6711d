//! Esri JSON (an ArcGIS REST `query?f=json` answer) as features.
//!
//! Told from GeoJSON by its content, not its name: geoportals serve both as
//! `.json`. The CRS is the `spatialReference` (`latestWkid`, else `wkid`;
//! Esri's 102100 is Web Mercator). Polygons are rings only: outer rings run
//! clockwise, holes counter-clockwise, and each hole belongs to the outer
//! ring around it.

use super::Issue;
use super::features::SourceFeature;
use super::manifest::FileEntry;
use super::placement::Placement;
use crate::crs::Crs;
use crate::model::{Lang, Text};
use geo::{Area, BoundingRect, Contains, Coord, LineString, MultiPolygon, Polygon, Winding};
use rstar::primitives::{GeomWithData, Rectangle};
use serde_json::{Map, Value};

/// Whether a parsed JSON file is Esri JSON: a `geometryType` or
/// `spatialReference` at the top, or features that carry `attributes`
/// (GeoJSON's carry `properties`).
pub fn is_esri_json(value: &Value) -> bool {
    let Some(top) = value.as_object() else {
        return false;
    };
    top.contains_key("geometryType")
        || top.contains_key("spatialReference")
        || top
            .get("features")
            .and_then(Value::as_array)
            .is_some_and(|fs| fs.iter().any(|f| f.get("attributes").is_some()))
}

/// Whether the server said it cut its answer short: `exceededTransferLimit`
/// at the top (Esri JSON) or in the collection's `properties` (ArcGIS's
/// GeoJSON).
pub fn server_cut(value: &Value) -> bool {
    [
        "/exceededTransferLimit",
        "/properties/exceededTransferLimit",
    ]
    .iter()
    .any(|p| value.pointer(p).and_then(Value::as_bool) == Some(true))
}

/// The note for a cut answer.
pub fn cut_note(entry: &FileEntry) -> Text {
    crate::text!(
        "{}: the server cut this answer short (exceededTransferLimit): the file may not hold \
         every feature; query again in pages (resultOffset) or with a higher maxRecordCount",
        "{}: der Server hat diese Antwort gekürzt (exceededTransferLimit): die Datei enthält \
         möglicherweise nicht alle Objekte; fragen Sie seitenweise (resultOffset) oder mit einem \
         höheren maxRecordCount erneut ab",
        entry.path.display()
    )
}

/// The EPSG code of an Esri `spatialReference`: `latestWkid`, else `wkid`;
/// Esri's own codes for Web Mercator are 3857.
fn epsg_of(sr: &Value) -> Option<u32> {
    let wkid = sr
        .get("latestWkid")
        .and_then(Value::as_u64)
        .or_else(|| sr.get("wkid").and_then(Value::as_u64))?;
    Some(match wkid {
        102100 | 102113 | 900913 => 3857,
        other => u32::try_from(other).ok()?,
    })
}

/// The CRS: the file's `spatialReference` (top-level, else the first
/// geometry's), the one given for the file, or WGS84; a contradiction is an error.
fn crs_of(value: &Value, given: Option<&str>) -> Result<Crs, Text> {
    let sr = value.get("spatialReference").or_else(|| {
        value
            .get("features")?
            .as_array()?
            .iter()
            .find_map(|f| f.get("geometry")?.get("spatialReference"))
    });
    let declared = sr.map(
        |sr| match (epsg_of(sr), sr.get("wkt").and_then(Value::as_str)) {
            (Some(code), _) => Crs::epsg(code).map_err(|e| {
                let e = e.text();
                Text::new(
                    format!(
                        "its spatialReference {sr} cannot be used: {}; give the CRS with --crs",
                        e.en()
                    ),
                    format!(
                        "die spatialReference {sr} kann nicht verwendet werden: {}; \
                         geben Sie das Koordinatenreferenzsystem mit --crs an",
                        e.in_lang(Lang::De)
                    ),
                )
            }),
            (None, Some(wkt)) => Crs::from_wkt(wkt).map_err(|e| {
                let e = e.text();
                Text::new(
                    format!(
                        "its spatialReference's WKT cannot be used: {}; give the CRS with --crs",
                        e.en()
                    ),
                    format!(
                        "das WKT der spatialReference kann nicht verwendet werden: {}; \
                         geben Sie das Koordinatenreferenzsystem mit --crs an",
                        e.in_lang(Lang::De)
                    ),
                )
            }),
            (None, None) => Err(crate::text!(
                "its spatialReference {sr} names no wkid; give the CRS with --crs",
                "die spatialReference {sr} nennt keine wkid; geben Sie das Koordinatenreferenzsystem mit --crs an"
            )),
        },
    );
    let given = given.map(|g| Crs::parse(g).map_err(|e| e.text()));
    match (declared, given) {
        (Some(Err(e)), None) | (_, Some(Err(e))) => Err(e),
        (Some(Ok(d)), Some(Ok(g))) if d.code() != g.code() => Err(crate::text!(
            "declares spatialReference {} ({}) but --crs {} was given; remove one",
            "deklariert spatialReference {} ({}), aber --crs {} wurde angegeben; \
             entfernen Sie eine Angabe",
            sr.map(Value::to_string).unwrap_or_default(),
            d.label(),
            g.label()
        )),
        (Some(Ok(crs)), _) | (_, Some(Ok(crs))) => Ok(crs),
        (None, None) => Ok(Crs::epsg(4326).expect("WGS84 is supported")),
    }
}

/// One position `[x, y, (z), (m)]`; heights and measures are dropped.
fn position(v: &Value) -> Result<Coord<f64>, Text> {
    match v.as_array().map(Vec::as_slice) {
        Some([x, y, rest @ ..])
            if rest.iter().all(|o| o.is_number() || o.is_null())
                && let (Some(x), Some(y)) = (x.as_f64(), y.as_f64()) =>
        {
            Ok(Coord { x, y })
        }
        _ => Err(crate::text!(
            "position {v} is not [x, y]",
            "Position {v} ist nicht [x, y]"
        )),
    }
}

fn path(v: &Value) -> Result<Vec<Coord<f64>>, Text> {
    v.as_array()
        .ok_or_else(|| {
            crate::text!(
                "{v} is not a list of positions",
                "{v} ist keine Liste von Positionen"
            )
        })?
        .iter()
        .map(position)
        .collect()
}

fn paths(v: &Value) -> Result<Vec<Vec<Coord<f64>>>, Text> {
    v.as_array()
        .ok_or_else(|| {
            crate::text!(
                "{v} is not a list of rings or paths",
                "{v} ist keine Liste von Ringen oder Pfaden"
            )
        })?
        .iter()
        .map(path)
        .collect()
}

/// Polygons from Esri rings: each clockwise ring an outer ring, each
/// counter-clockwise ring a hole of the smallest outer ring around it.
fn polygons(rings: Vec<Vec<Coord<f64>>>, repair: bool) -> Result<Vec<Polygon<f64>>, Text> {
    let mut outer = Vec::new();
    let mut holes = Vec::new();
    for (k, ring) in rings.into_iter().enumerate() {
        if ring.len() < 4 {
            return Err(crate::text!(
                "ring {} has {} positions; a ring needs at least 4",
                "Ring {} hat {} Positionen; ein Ring braucht mindestens 4",
                k + 1,
                ring.len()
            ));
        }
        if ring.first() != ring.last() && !repair {
            return Err(crate::text!(
                "ring {} is not closed; import with --repair to close it",
                "Ring {} ist nicht geschlossen; importieren Sie mit --repair, um ihn zu schließen",
                k + 1
            ));
        }
        let ring = LineString::from(ring);
        if ring.is_cw() {
            outer.push((k, ring));
        } else {
            holes.push((k, ring));
        }
    }
    if outer.is_empty() {
        // Rings wound the GeoJSON way (outer counter-clockwise); read them
        // so rather than refuse a file whose only fault is its winding.
        std::mem::swap(&mut outer, &mut holes);
    }
    let mut polygons: Vec<Polygon<f64>> = outer
        .into_iter()
        .map(|(_, r)| Polygon::new(r, Vec::new()))
        .collect();
    // Outer rings by bounding box: a layer of islands and lakes has
    // thousands of rings, and each hole is tested only against the outer
    // rings whose box holds it.
    let boxes: rstar::RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = rstar::RTree::bulk_load(
        polygons
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let r = p.bounding_rect()?;
                let (min, max) = (r.min(), r.max());
                Some(GeomWithData::new(
                    Rectangle::from_corners([min.x, min.y], [max.x, max.y]),
                    i,
                ))
            })
            .collect(),
    );
    // Before any hole is added: the smallest outer ring holding a hole is
    // the innermost (an island in a lake in an island).
    let outer_area: Vec<f64> = polygons.iter().map(Area::unsigned_area).collect();
    for (k, hole) in holes {
        let Some(r) = hole.bounding_rect() else {
            continue;
        };
        let envelope = rstar::AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let around = boxes
            .locate_in_envelope_intersecting(&envelope)
            .map(|b| b.data)
            .filter(|&i| polygons[i].contains(&hole))
            .min_by(|&a, &b| outer_area[a].total_cmp(&outer_area[b]))
            .ok_or_else(|| {
                crate::text!(
                    "ring {} runs counter-clockwise (a hole) but lies in no clockwise (outer) ring",
                    "Ring {} verläuft gegen den Uhrzeigersinn (ein Loch), liegt aber in keinem \
                     Ring im Uhrzeigersinn (äußeren Ring)",
                    k + 1
                )
            })?;
        polygons[around].interiors_push(hole);
    }
    Ok(polygons)
}

/// An Esri geometry as a geo geometry, in the file's CRS; `None` for an
/// empty one.
fn geometry(g: &Map<String, Value>, repair: bool) -> Result<Option<geo::Geometry<f64>>, Text> {
    if let Some(kind) = ["curveRings", "curvePaths"]
        .iter()
        .find(|k| g.contains_key(**k))
    {
        return Err(crate::text!(
            "has true curves ({kind}); query with returnTrueCurves=false",
            "hat echte Kurven ({kind}); fragen Sie mit returnTrueCurves=false ab"
        ));
    }
    if let Some(rings) = g.get("rings") {
        let mut ps = polygons(paths(rings)?, repair)?;
        return Ok(match ps.len() {
            0 => None,
            1 => ps.pop().map(geo::Geometry::Polygon),
            _ => Some(geo::Geometry::MultiPolygon(MultiPolygon(ps))),
        });
    }
    if let Some(ps) = g.get("paths") {
        let mut ls: Vec<LineString<f64>> = paths(ps)?.into_iter().map(LineString::from).collect();
        return Ok(match ls.len() {
            0 => None,
            1 => ls.pop().map(geo::Geometry::LineString),
            _ => Some(geo::Geometry::MultiLineString(geo::MultiLineString(ls))),
        });
    }
    if let Some(points) = g.get("points") {
        let points = path(points)?;
        return Ok((!points.is_empty()).then(|| {
            geo::Geometry::MultiPoint(points.into_iter().map(geo::Point::from).collect())
        }));
    }
    if let (Some(x), Some(y)) = (g.get("x"), g.get("y")) {
        // An empty point is `{"x": null}` or `{"x": "NaN"}`.
        return match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => Ok(Some(geo::Geometry::Point(geo::point! {x: x, y: y}))),
            _ if x.is_null() || x.as_str() == Some("NaN") => Ok(None),
            _ => Err(crate::text!(
                "point x {x}, y {y} is not two numbers",
                "Punkt x {x}, y {y} besteht nicht aus zwei Zahlen"
            )),
        };
    }
    let bounds: Option<Vec<f64>> = ["xmin", "ymin", "xmax", "ymax"]
        .iter()
        .map(|k| g.get(*k).and_then(Value::as_f64))
        .collect();
    if let Some([xmin, ymin, xmax, ymax]) = bounds.as_deref() {
        let rect = geo::Rect::new(Coord { x: *xmin, y: *ymin }, Coord { x: *xmax, y: *ymax });
        return Ok(Some(geo::Geometry::Polygon(rect.to_polygon())));
    }
    if g.is_empty() {
        return Ok(None);
    }
    Err(crate::text!(
        "is no Esri geometry (rings, paths, points, x/y or an envelope): {}",
        "ist keine Esri-Geometrie (rings, paths, points, x/y oder ein Envelope): {}",
        Value::Object(g.clone())
            .to_string()
            .chars()
            .take(80)
            .collect::<String>()
    ))
}

/// Reads a parsed Esri JSON file into features with WGS84 geometries.
pub fn read(
    entry: &FileEntry,
    value: Value,
    issues: &mut Vec<Issue>,
    notes: &mut Vec<Text>,
) -> Option<Vec<SourceFeature>> {
    let path = &entry.path;
    let crs = match crs_of(&value, entry.crs.as_deref()) {
        Ok(c) => c,
        Err(m) => {
            issues.push(Issue::file(path, m));
            return None;
        }
    };
    if server_cut(&value) {
        notes.push(cut_note(entry));
    }
    let Some(Value::Array(features)) = value.get("features") else {
        issues.push(Issue::file(
            path,
            crate::text!(
                "is Esri JSON without a \"features\" list (an ArcGIS query answer has one)",
                "ist Esri JSON ohne \"features\"-Liste (eine ArcGIS-Abfrageantwort hat eine)"
            ),
        ));
        return None;
    };
    let mut placement = Placement::new(&crs);
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let props = match f.get("attributes") {
            Some(Value::Object(a)) => a.clone(),
            None | Some(Value::Null) => Map::new(),
            Some(other) => {
                issues.push(Issue::feature(
                    path,
                    i + 1,
                    crate::text!(
                        "attributes {} are not an object",
                        "attributes {} sind kein JSON-Objekt",
                        other.to_string().chars().take(80).collect::<String>()
                    ),
                ));
                continue;
            }
        };
        let geometry = match f.get("geometry") {
            None | Some(Value::Null) => None,
            Some(Value::Object(g)) => match geometry(g, entry.repair) {
                Ok(None) => None,
                Ok(Some(g)) => Some(placement.transform(g)),
                Err(e) => Some(Err(Text::new(
                    format!("geometry {}", e.en()),
                    format!("Geometrie {}", e.in_lang(Lang::De)),
                ))),
            },
            Some(other) => Some(Err(crate::text!(
                "geometry {} is not an object",
                "Geometrie {} ist kein JSON-Objekt",
                other.to_string().chars().take(80).collect::<String>()
            ))),
        };
        out.push(SourceFeature {
            props,
            id: None,
            geometry,
            line: None,
        });
    }
    placement.check(path, issues).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(c: &[(f64, f64)]) -> Vec<Coord<f64>> {
        c.iter().map(|&(x, y)| Coord { x, y }).collect()
    }

    /// A square, clockwise when `cw`.
    fn square(x: f64, y: f64, side: f64, cw: bool) -> Vec<Coord<f64>> {
        let mut r = ring(&[
            (x, y),
            (x, y + side),
            (x + side, y + side),
            (x + side, y),
            (x, y),
        ]);
        if !cw {
            r.reverse();
        }
        r
    }

    #[test]
    fn holes_go_to_the_outer_ring_around_them() {
        // Two outer rings; the hole listed first belongs to the second.
        let ps = polygons(
            vec![
                square(0.0, 0.0, 10.0, true),
                square(22.0, 2.0, 2.0, false),
                square(20.0, 0.0, 10.0, true),
                square(2.0, 2.0, 3.0, false),
            ],
            false,
        )
        .unwrap();
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].interiors().len(), 1);
        assert_eq!(ps[0].unsigned_area(), 100.0 - 9.0);
        assert_eq!(ps[1].unsigned_area(), 100.0 - 4.0);
        // A hole outside every outer ring is refused, naming it.
        let e = polygons(
            vec![square(0.0, 0.0, 10.0, true), square(50.0, 50.0, 1.0, false)],
            false,
        )
        .unwrap_err();
        assert!(e.en().starts_with("ring 2 runs counter-clockwise"), "{e}");
        assert!(
            e.in_lang(Lang::De)
                .starts_with("Ring 2 verläuft gegen den Uhrzeigersinn"),
            "{e:?}"
        );
    }

    #[test]
    fn an_island_in_a_lake_and_thousands_of_rings() {
        // Island B in lake H in island A: H is A's hole, B stands alone.
        let ps = polygons(
            vec![
                square(2.0, 2.0, 2.0, true),
                square(1.0, 1.0, 4.0, false),
                square(0.0, 0.0, 10.0, true),
            ],
            false,
        )
        .unwrap();
        assert_eq!(ps[0].interiors().len(), 0);
        assert_eq!(ps[1].unsigned_area(), 100.0 - 16.0);
        // 5,000 islands with a lake each, lakes listed first.
        let n = 5000;
        let mut rings: Vec<_> = (0..n)
            .map(|i| square(f64::from(i) * 10.0 + 1.0, 1.0, 2.0, false))
            .collect();
        rings.extend((0..n).map(|i| square(f64::from(i) * 10.0, 0.0, 5.0, true)));
        let ps = polygons(rings, false).unwrap();
        assert_eq!(ps.len(), 5000);
        assert!(
            ps.iter()
                .all(|p| p.interiors().len() == 1 && p.unsigned_area() == 21.0)
        );
    }

    #[test]
    fn spatial_references_and_contradictions() {
        let v = serde_json::json!({"spatialReference": {"wkid": 102100, "latestWkid": 3857}, "features": []});
        assert_eq!(crs_of(&v, None).unwrap().code(), Some(3857));
        let v = serde_json::json!({"spatialReference": {"wkid": 25832}, "features": []});
        assert_eq!(crs_of(&v, Some("EPSG:25832")).unwrap().code(), Some(25832));
        let e = crs_of(&v, Some("EPSG:25833")).unwrap_err();
        assert!(e.en().contains("but --crs EPSG:25833 was given"), "{e}");
        assert!(
            e.in_lang(Lang::De)
                .contains("aber --crs EPSG:25833 wurde angegeben"),
            "{e:?}"
        );
        let v = serde_json::json!({"spatialReference": {"wkid": 2056}, "features": []});
        let e = crs_of(&v, None).unwrap_err();
        assert!(e.en().contains("cannot be used"), "{e}");
        assert!(
            e.in_lang(Lang::De)
                .contains("\"EPSG:2056\" ist kein hier unterstütztes"),
            "{e:?}"
        );
    }

    fn esri(g: Value) -> Result<Option<geo::Geometry<f64>>, String> {
        geometry(g.as_object().unwrap(), false).map_err(|e| e.en().to_string())
    }

    #[test]
    fn every_esri_geometry_kind() {
        let path = esri(serde_json::json!({"paths": [[[1, 2, 30], [3, 4, 31]]]}));
        assert!(matches!(path, Ok(Some(geo::Geometry::LineString(_)))));
        let two = esri(serde_json::json!({"paths": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]}));
        assert!(matches!(two, Ok(Some(geo::Geometry::MultiLineString(_)))));
        let points = esri(serde_json::json!({"points": [[1, 2], [3, 4]]}));
        assert!(matches!(points, Ok(Some(geo::Geometry::MultiPoint(mp))) if mp.0.len() == 2));
        assert!(matches!(
            esri(serde_json::json!({"x": null, "y": null})),
            Ok(None)
        ));
        assert!(matches!(
            esri(serde_json::json!({"x": "NaN", "y": "NaN"})),
            Ok(None)
        ));
        assert!(matches!(esri(serde_json::json!({"rings": []})), Ok(None)));
        assert!(matches!(esri(serde_json::json!({})), Ok(None)));
        let envelope = esri(serde_json::json!({"xmin": 0, "ymin": 0, "xmax": 2, "ymax": 3}));
        assert!(
            matches!(envelope, Ok(Some(geo::Geometry::Polygon(p))) if p.unsigned_area() == 6.0)
        );
        let e = esri(serde_json::json!({"curveRings": []})).unwrap_err();
        assert!(e.contains("returnTrueCurves=false"), "{e}");
        let e = esri(serde_json::json!({"x": 1, "y": "zwei"})).unwrap_err();
        assert_eq!(e, "point x 1, y \"zwei\" is not two numbers");
        let e =
            esri(serde_json::json!({"rings": [[[1, 2], [null, 2], [1, 3], [1, 2]]]})).unwrap_err();
        assert_eq!(e, "position [null,2] is not [x, y]");
        let e = geometry(
            serde_json::json!({"x": 1, "y": "zwei"})
                .as_object()
                .unwrap(),
            false,
        )
        .unwrap_err();
        assert_eq!(
            e.in_lang(Lang::De),
            "Punkt x 1, y \"zwei\" besteht nicht aus zwei Zahlen"
        );
    }

    #[test]
    fn detected_by_content() {
        assert!(is_esri_json(
            &serde_json::json!({"features": [{"attributes": {}}]})
        ));
        assert!(!is_esri_json(
            &serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]})
        ));
        assert!(server_cut(
            &serde_json::json!({"properties": {"exceededTransferLimit": true}})
        ));
    }
}
