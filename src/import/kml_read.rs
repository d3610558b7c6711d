//! KML files (Google Earth, Google My Maps, uMap exports) as features:
//! every Placemark, in document order, wherever its Folder.
//!
//! KML is WGS84 lon/lat by definition. A Placemark's `name` and
//! `description` become the properties of those names, and its
//! `ExtendedData` (`Data`/`value` and `SchemaData`/`SimpleData`) the rest.
//! Points, LineStrings and Polygons are read, alone or in a MultiGeometry.
//!
//! Read with quick-xml as a flat event loop with a depth cap: the `kml`
//! crate (0.15), tried on such files, panics on a Point without
//! coordinates, loops forever on a file cut off inside a Placemark, and
//! overflows the stack on deep nesting (it recurses per element).

use super::Issue;
use super::features::SourceFeature;
use super::manifest::FileEntry;
use super::placement::Placement;
use crate::crs::Crs;
use crate::model::{Lang, Text};
use geo::{Coord, LineString, Polygon};
use quick_xml::events::Event;
use serde_json::{Map, Value};

/// Deepest element nesting read; real KML nests Folders a few levels.
const MAX_DEPTH: usize = 256;

/// Where text being collected goes.
#[derive(Debug, Clone, PartialEq)]
enum Sink {
    Name,
    Description,
    /// A `Data` element's `value`, or a `SimpleData`: the property's name.
    Property(String),
    Coordinates,
}

/// The geometry being read.
#[derive(Debug, Default)]
struct Shapes {
    parts: Vec<geo::Geometry<f64>>,
    /// The rings of the Polygon being read: outer first.
    rings: Vec<LineString<f64>>,
    /// The coordinates just read, for the element that holds them.
    coords: Vec<Coord<f64>>,
}

/// A Placemark being read.
#[derive(Debug, Default)]
struct Placemark {
    name: Option<String>,
    description: Option<String>,
    props: Map<String, Value>,
    shapes: Shapes,
    /// The first problem with its geometry.
    problem: Option<Text>,
}

/// `lon,lat[,alt]` tuples separated by white space.
fn coordinates(text: &str) -> Result<Vec<Coord<f64>>, Text> {
    text.split_whitespace()
        .map(|tuple| {
            let mut parts = tuple.split(',').map(|p| p.trim().parse::<f64>());
            match (parts.next(), parts.next()) {
                (Some(Ok(x)), Some(Ok(y))) if x.is_finite() && y.is_finite() => Ok(Coord { x, y }),
                _ => Err(crate::text!(
                    "coordinates \"{tuple}\" are not lon,lat",
                    "Koordinaten \"{tuple}\" sind nicht lon,lat"
                )),
            }
        })
        .collect()
}

/// A ring of a Polygon, closed as KML requires (or closed here with `repair`).
fn ring(
    coords: Vec<Coord<f64>>,
    repair: bool,
    notes: &mut Vec<Text>,
) -> Result<LineString<f64>, Text> {
    if coords.len() < 4 {
        return Err(crate::text!(
            "a LinearRing has {} positions; a ring needs at least 4",
            "ein LinearRing hat {} Positionen; ein Ring braucht mindestens 4",
            coords.len()
        ));
    }
    if coords.first() != coords.last() {
        let (a, b) = (coords[0], coords[coords.len() - 1]);
        let (en, de) = (
            format!(
                "a ring is not closed: it starts at {},{} and ends at {},{}",
                a.x, a.y, b.x, b.y
            ),
            format!(
                "ein Ring ist nicht geschlossen: er beginnt bei {},{} und endet bei {},{}",
                a.x, a.y, b.x, b.y
            ),
        );
        if !repair {
            return Err(crate::text!(
                "{en}; import with --repair to close it",
                "{de}; importieren Sie mit --repair, um ihn zu schließen"
            ));
        }
        notes.push(crate::text!(
            "closed an open ring ({en})",
            "offenen Ring geschlossen ({de})"
        ));
    }
    Ok(LineString::from(coords))
}

impl Placemark {
    /// The Placemark's geometry: one part as it is, several as a Multi*
    /// when they are alike, else a collection (refused by the importer).
    fn geometry(mut self) -> Option<Result<geo::Geometry<f64>, Text>> {
        if let Some(p) = self.problem {
            return Some(Err(p));
        }
        let parts = std::mem::take(&mut self.shapes.parts);
        if parts.len() <= 1 {
            return parts.into_iter().next().map(Ok);
        }
        let points: Option<Vec<geo::Point<f64>>> = parts
            .iter()
            .map(|g| geo::Point::try_from(g.clone()).ok())
            .collect();
        if let Some(points) = points {
            return Some(Ok(geo::Geometry::MultiPoint(points.into())));
        }
        let mut polygons = Vec::new();
        for g in &parts {
            match g {
                geo::Geometry::Polygon(p) => polygons.push(p.clone()),
                geo::Geometry::MultiPolygon(mp) => polygons.extend(mp.0.iter().cloned()),
                _ => return Some(Ok(geo::Geometry::GeometryCollection(parts.into()))),
            }
        }
        Some(Ok(geo::Geometry::MultiPolygon(polygons.into())))
    }
}

/// The attribute `name` of an element.
fn name_attribute(e: &quick_xml::events::BytesStart) -> Option<String> {
    e.try_get_attribute("name")
        .ok()
        .flatten()
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.trim().to_string())
}

/// Reads the whole document into placemarks; `notes` gets repairs.
fn placemarks(
    text: &str,
    repair: bool,
    notes: &mut Vec<(usize, Text)>,
) -> Result<Vec<Placemark>, Text> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut current: Option<Placemark> = None;
    // Text being collected, the sink it goes to and the depth it started at.
    let mut collecting: Option<(Sink, usize, String)> = None;
    // The name of the `Data` element whose `value` comes next.
    let mut data_name: Option<String> = None;
    loop {
        let event = reader.read_event().map_err(|e| {
            crate::text!(
                "is not well-formed XML (at byte {}): {e}",
                "ist kein wohlgeformtes XML (bei Byte {}): {e}",
                reader.error_position()
            )
        })?;
        match event {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_string();
                if stack.len() >= MAX_DEPTH {
                    return Err(crate::text!(
                        "nests elements deeper than {MAX_DEPTH} levels",
                        "verschachtelt Elemente tiefer als {MAX_DEPTH} Ebenen"
                    ));
                }
                let parent = stack.last().cloned();
                stack.push(local.clone());
                if collecting.is_some() {
                    // Markup inside a description (unescaped HTML): its text counts.
                    continue;
                }
                if local == "Placemark" {
                    if current.is_some() {
                        return Err(crate::text!(
                            "has a Placemark inside a Placemark",
                            "hat ein Placemark in einem Placemark"
                        ));
                    }
                    current = Some(Placemark::default());
                    continue;
                }
                let Some(pm) = current.as_mut() else {
                    continue;
                };
                let sink = match (local.as_str(), parent.as_deref()) {
                    ("name", Some("Placemark")) => Some(Sink::Name),
                    ("description", Some("Placemark")) => Some(Sink::Description),
                    ("Data", _) => {
                        data_name = name_attribute(&e);
                        None
                    }
                    ("value", Some("Data")) => data_name.clone().map(Sink::Property),
                    ("SimpleData", _) => name_attribute(&e).map(Sink::Property),
                    ("coordinates", _) => Some(Sink::Coordinates),
                    ("Point" | "LineString" | "LinearRing" | "Polygon" | "MultiGeometry", _) => {
                        if local == "Polygon" {
                            pm.shapes.rings.clear();
                        }
                        None
                    }
                    ("Model" | "Track" | "MultiTrack", _) if pm.problem.is_none() => {
                        pm.problem = Some(crate::text!(
                            "has a {local}, which is not read",
                            "hat ein Element {local}, das nicht gelesen wird"
                        ));
                        None
                    }
                    _ => None,
                };
                if let Some(sink) = sink {
                    collecting = Some((sink, stack.len(), String::new()));
                }
            }
            Event::End(_) => {
                let depth = stack.len();
                let Some(local) = stack.pop() else {
                    return Err(crate::text!(
                        "closes an element it never opened",
                        "schließt ein Element, das nie geöffnet wurde"
                    ));
                };
                if let Some((sink, at, text)) = collecting.take() {
                    if at != depth {
                        collecting = Some((sink, at, text));
                        continue;
                    }
                    let Some(pm) = current.as_mut() else {
                        continue;
                    };
                    let text = text.trim().to_string();
                    match sink {
                        Sink::Name => pm.name = Some(text),
                        Sink::Description => pm.description = Some(text),
                        Sink::Property(key) => {
                            pm.props.insert(key, Value::String(text));
                        }
                        Sink::Coordinates => match coordinates(&text) {
                            Ok(c) => pm.shapes.coords = c,
                            Err(m) => {
                                pm.problem.get_or_insert(m);
                            }
                        },
                    }
                    continue;
                }
                let Some(pm) = current.as_mut() else {
                    continue;
                };
                let coords = std::mem::take(&mut pm.shapes.coords);
                match local.as_str() {
                    "Placemark" => {
                        if let Some(pm) = current.take() {
                            out.push(pm);
                        }
                    }
                    "Point" => match coords.first() {
                        Some(c) => pm.shapes.parts.push(geo::Geometry::Point((*c).into())),
                        None => {
                            pm.problem.get_or_insert_with(|| {
                                crate::text!(
                                    "a Point has no coordinates",
                                    "ein Point hat keine Koordinaten"
                                )
                            });
                        }
                    },
                    "LineString" => pm
                        .shapes
                        .parts
                        .push(geo::Geometry::LineString(LineString::from(coords))),
                    "LinearRing" if stack.last().is_some_and(|p| p.ends_with("BoundaryIs")) => {
                        let mut repaired = Vec::new();
                        match ring(coords, repair, &mut repaired) {
                            Ok(r) => pm.shapes.rings.push(r),
                            Err(m) => {
                                pm.problem.get_or_insert(m);
                            }
                        }
                        notes.extend(repaired.into_iter().map(|n| (out.len() + 1, n)));
                    }
                    "LinearRing" => pm
                        .shapes
                        .parts
                        .push(geo::Geometry::LineString(LineString::from(coords))),
                    "outerBoundaryIs" if pm.shapes.rings.len() != 1 => {
                        pm.problem.get_or_insert_with(|| {
                            crate::text!(
                                "a Polygon's outerBoundaryIs needs exactly one LinearRing",
                                "das outerBoundaryIs eines Polygon braucht genau einen LinearRing"
                            )
                        });
                    }
                    "Polygon" => {
                        let mut rings = std::mem::take(&mut pm.shapes.rings).into_iter();
                        match rings.next() {
                            Some(outer) => pm
                                .shapes
                                .parts
                                .push(geo::Geometry::Polygon(Polygon::new(outer, rings.collect()))),
                            None => {
                                pm.problem.get_or_insert_with(|| {
                                    crate::text!(
                                        "a Polygon has no outer ring",
                                        "ein Polygon hat keinen äußeren Ring"
                                    )
                                });
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some((_, _, text)) = collecting.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some((_, _, text)) = collecting.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, _, text)) = collecting.as_mut() {
                    let name = r.clone().into_inner();
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => text.push(c),
                        _ => match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => text.push_str(s),
                            None => {
                                text.push('&');
                                text.push_str(&name);
                                text.push(';');
                            }
                        },
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(crate::text!(
            "ends inside <{open}>: the file is cut off",
            "endet innerhalb von <{open}>: die Datei ist abgeschnitten"
        ));
    }
    Ok(out)
}

/// Reads a KML file into features (WGS84, as KML always is).
pub fn read(
    entry: &FileEntry,
    issues: &mut Vec<Issue>,
    notes: &mut Vec<Text>,
) -> Option<Vec<SourceFeature>> {
    let path = &entry.path;
    let wgs84 = Crs::epsg(4326).expect("WGS84 is supported");
    if let Some(given) = &entry.crs
        && Crs::parse(given).map(|c| c.code()) != Ok(Some(4326))
    {
        issues.push(Issue::file(
            path,
            crate::text!(
                "KML is always WGS84 lon/lat, but --crs {given} was given; remove it",
                "KML ist immer WGS84 lon/lat, aber --crs {given} wurde angegeben; entfernen Sie es"
            ),
        ));
        return None;
    }
    if let Err(issue) = super::sources::check_size(path) {
        issues.push(issue);
        return None;
    }
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                issues.push(Issue::file(
                    path,
                    crate::text!(
                        "is not UTF-8 (byte {} is invalid); KML files are UTF-8",
                        "ist nicht UTF-8 (Byte {} ist ungültig); KML-Dateien sind UTF-8",
                        e.utf8_error().valid_up_to()
                    ),
                ));
                return None;
            }
        },
        Err(e) => {
            issues.push(Issue::file(
                path,
                crate::text!("cannot read: {e}", "kann nicht gelesen werden: {e}"),
            ));
            return None;
        }
    };
    let mut repaired = Vec::new();
    let found = match placemarks(
        text.trim_start_matches('\u{feff}'),
        entry.repair,
        &mut repaired,
    ) {
        Ok(p) => p,
        Err(m) => {
            issues.push(Issue::file(
                path,
                Text::new(
                    format!("not KML: {}", m.en()),
                    format!("kein KML: {}", m.in_lang(Lang::De)),
                ),
            ));
            return None;
        }
    };
    notes.extend(repaired.into_iter().map(|(n, note)| {
        Text::new(
            format!("{}: feature {n}: {}", path.display(), note.en()),
            format!("{}: Objekt {n}: {}", path.display(), note.in_lang(Lang::De)),
        )
    }));
    let mut placement = Placement::new(&wgs84);
    let features = found
        .into_iter()
        .map(|mut pm| {
            // The Placemark's own name and description win over ExtendedData's.
            if let Some(name) = pm.name.take() {
                pm.props.insert("name".into(), Value::String(name));
            }
            if let Some(d) = pm.description.take() {
                pm.props.insert("description".into(), Value::String(d));
            }
            let props = std::mem::take(&mut pm.props);
            let geometry = pm
                .geometry()
                .map(|g| g.and_then(|g| placement.transform(g)));
            SourceFeature {
                props,
                id: None,
                geometry,
                line: None,
            }
        })
        .collect();
    placement.check(path, issues).then_some(features)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(kml: &str) -> Result<Vec<Placemark>, String> {
        placemarks(kml, false, &mut Vec::new()).map_err(|e| e.en().to_string())
    }

    #[test]
    fn hostile_kml_is_an_error_not_a_panic_or_a_hang() {
        let cut = "<kml><Document><Placemark><name>A</name><Point><coordinates>11.9,51.4";
        assert!(read_str(cut).unwrap_err().contains("cut off"));
        let empty = "<kml><Placemark><Point><coordinates> </coordinates></Point></Placemark></kml>";
        let pm = read_str(empty).unwrap().pop().unwrap();
        let e = pm.geometry().unwrap().unwrap_err();
        assert_eq!(e.en(), "a Point has no coordinates");
        assert_eq!(e.in_lang(Lang::De), "ein Point hat keine Koordinaten");
        let deep = "<a>".repeat(100_000);
        assert!(read_str(&deep).unwrap_err().contains("deeper than"));
        let bad =
            "<kml><Placemark><Point><coordinates>11.9;51.4</coordinates></Point></Placemark></kml>";
        let pm = read_str(bad).unwrap().pop().unwrap();
        assert!(
            pm.geometry()
                .unwrap()
                .unwrap_err()
                .en()
                .contains("\"11.9;51.4\" are not lon,lat")
        );
        assert!(read_str("<kml></Placemark>").is_err());
    }

    #[test]
    fn an_open_ring_is_refused_or_closed_with_a_note() {
        let kml = "<kml><Placemark><Polygon><outerBoundaryIs><LinearRing>\
            <coordinates>0,0 1,0 1,1 0,1</coordinates>\
            </LinearRing></outerBoundaryIs></Polygon></Placemark></kml>";
        let pm = read_str(kml).unwrap().pop().unwrap();
        let e = pm.geometry().unwrap().unwrap_err();
        assert_eq!(
            e.en(),
            "a ring is not closed: it starts at 0,0 and ends at 0,1; import with --repair to close it"
        );
        assert_eq!(
            e.in_lang(Lang::De),
            "ein Ring ist nicht geschlossen: er beginnt bei 0,0 und endet bei 0,1; \
             importieren Sie mit --repair, um ihn zu schließen"
        );
        let mut notes = Vec::new();
        let pm = placemarks(kml, true, &mut notes).unwrap().pop().unwrap();
        assert!(pm.geometry().unwrap().is_ok());
        let [(1, note)] = notes.as_slice() else {
            panic!("{notes:?}");
        };
        assert_eq!(
            note.en(),
            "closed an open ring (a ring is not closed: it starts at 0,0 and ends at 0,1)"
        );
        assert_eq!(
            note.in_lang(Lang::De),
            "offenen Ring geschlossen (ein Ring ist nicht geschlossen: er beginnt bei 0,0 und endet bei 0,1)"
        );
    }

    #[test]
    fn entities_and_cdata_in_text() {
        let kml = r#"<kml><Placemark><name>Caf&#233; &amp; Kultur</name>
            <description><![CDATA[<b>offen</b>]]></description></Placemark></kml>"#;
        let pm = read_str(kml).unwrap().pop().unwrap();
        assert_eq!(pm.name.as_deref(), Some("Café & Kultur"));
        assert_eq!(pm.description.as_deref(), Some("<b>offen</b>"));
    }
}
