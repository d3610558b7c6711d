//! ESRI Shapefiles (`.shp` + `.dbf`, with `.prj` and `.cpg`) as features.
//!
//! The CRS comes from `--crs`, else from the `.prj`, whose projection
//! parameters are read as written (a non-standard false easting included).
//! The `.dbf` text encoding comes from `--encoding`, else the `.cpg`, else the
//! header's language-driver byte, else Windows-1252 (as GDAL assumes).

use super::Issue;
use super::features::SourceFeature;
use super::manifest::FileEntry;
use super::placement::Placement;
use crate::crs::Crs;
use crate::model::{Lang, Text};
use serde_json::{Map, Value};
use shapefile::dbase::{self, FieldValue};

fn value(v: FieldValue) -> Value {
    match v {
        FieldValue::Character(s) => s
            .map(|s| Value::String(s.trim().to_string()))
            .unwrap_or(Value::Null),
        FieldValue::Memo(s) => Value::String(s.trim().to_string()),
        FieldValue::Numeric(n) => n.map_or(Value::Null, number),
        FieldValue::Float(f) => f.map_or(Value::Null, |f| number(f64::from(f))),
        FieldValue::Double(f) | FieldValue::Currency(f) => number(f),
        FieldValue::Integer(i) => Value::from(i),
        FieldValue::Logical(b) => b.map_or(Value::Null, Value::Bool),
        FieldValue::Date(d) => d.map_or(Value::Null, |d| {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }),
        FieldValue::DateTime(dt) => Value::String(format!("{dt:?}")),
    }
}

/// Whole numbers as integers (a population of 5952, not 5952.0).
fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9e15 {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

fn dbf_encoding(
    entry: &FileEntry,
    notes: &mut Vec<Text>,
) -> Result<Option<&'static encoding_rs::Encoding>, Text> {
    if let Some(name) = &entry.encoding {
        return super::sources::encoding(name).map(Some);
    }
    let cpg = entry.path.with_extension("cpg");
    if let Ok(text) = std::fs::read_to_string(&cpg) {
        let label = text.trim();
        let label = match label {
            "1252" | "ANSI 1252" => "windows-1252",
            l if l.chars().all(|c| c.is_ascii_digit()) => {
                return Err(crate::text!(
                    "{}: code page {l} is not supported",
                    "{}: Codepage {l} wird nicht unterstützt",
                    cpg.display()
                ));
            }
            l => l,
        };
        return encoding_rs::Encoding::for_label(label.as_bytes())
            .map(Some)
            .ok_or_else(|| {
                crate::text!(
                    "{}: unknown encoding \"{label}\"",
                    "{}: unbekannte Kodierung \"{label}\"",
                    cpg.display()
                )
            });
    }
    // No .cpg: the language driver byte (offset 29 of the .dbf header).
    let ldid = std::fs::read(entry.path.with_extension("dbf"))
        .ok()
        .and_then(|b| b.get(29).copied())
        .unwrap_or(0);
    match ldid {
        0 => {
            notes.push(crate::text!(
                "{}: no .cpg and no language driver in the .dbf; text read as Windows-1252 (say --encoding utf-8 if it is UTF-8)",
                "{}: keine .cpg und kein Language-Driver in der .dbf; Text als Windows-1252 gelesen (geben Sie --encoding utf-8 an, wenn er UTF-8 ist)",
                entry.path.display()
            ));
            Ok(Some(encoding_rs::WINDOWS_1252))
        }
        // Windows ANSI in its several language-driver ids (ESRI's table).
        0x03 | 0x57 | 0x58 | 0x59 => Ok(Some(encoding_rs::WINDOWS_1252)),
        0xC8 => Ok(Some(encoding_rs::WINDOWS_1250)),
        0xC9 => Ok(Some(encoding_rs::WINDOWS_1251)),
        // Others: as the dbase crate reads the byte.
        _ => Ok(None),
    }
}

/// Reads a Shapefile into features with WGS84 geometries.
pub fn read(
    entry: &FileEntry,
    issues: &mut Vec<Issue>,
    notes: &mut Vec<Text>,
) -> Option<Vec<SourceFeature>> {
    let path = &entry.path;
    let fail = |issues: &mut Vec<Issue>, m: Text| {
        issues.push(Issue::file(path, m));
        None
    };
    let crs = match (
        &entry.crs,
        std::fs::read_to_string(path.with_extension("prj")),
    ) {
        (Some(name), _) => Crs::parse(name),
        (None, Ok(wkt)) => {
            if let Some(vertical) = Crs::vertical_part_of_wkt(&wkt) {
                notes.push(crate::text!(
                    "{}: the .prj's height system \"{vertical}\" is ignored (heights are not imported)",
                    "{}: das Höhensystem \"{vertical}\" der .prj wird ignoriert (Höhen werden nicht importiert)",
                    path.display()
                ));
            }
            Crs::from_wkt(&wkt)
        }
        (None, Err(_)) => Crs::epsg(4326),
    };
    let crs = match crs {
        Ok(c) => c,
        Err(e) => {
            let e = e.text();
            return fail(
                issues,
                Text::new(
                    format!(
                        "its .prj cannot be used: {}; give the CRS with --crs",
                        e.en()
                    ),
                    format!(
                        "die .prj kann nicht verwendet werden: {}; geben Sie das Koordinatenreferenzsystem mit --crs an",
                        e.in_lang(Lang::De)
                    ),
                ),
            );
        }
    };
    let encoding = match dbf_encoding(entry, notes) {
        Ok(e) => e,
        Err(m) => return fail(issues, m),
    };
    let shapes = match shapefile::ShapeReader::from_path(path) {
        Ok(r) => r,
        Err(e) => {
            return fail(
                issues,
                crate::text!(
                    "cannot read the .shp: {e}",
                    "die .shp kann nicht gelesen werden: {e}"
                ),
            );
        }
    };
    let builder = match encoding {
        Some(enc) => {
            dbase::ReaderBuilder::new().with_encoding(dbase::encoding::EncodingRs::from(enc))
        }
        None => dbase::ReaderBuilder::new(),
    };
    let records = match builder.open(path.with_extension("dbf")) {
        Ok(r) => r,
        Err(e) => {
            return fail(
                issues,
                crate::text!(
                    "cannot read the .dbf: {e}",
                    "die .dbf kann nicht gelesen werden: {e}"
                ),
            );
        }
    };
    // The .dbf's own column order: a record is a hash map, whose order
    // would change from run to run (in messages, in the extra columns).
    let columns: Vec<String> = records
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let mut reader = shapefile::Reader::new(shapes, records);
    let mut placement = Placement::new(&crs);
    let mut out = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, mut record) = match item {
            Ok(x) => x,
            // A broken record may leave the reader where it was, so the
            // iterator would fail forever (found by the shapefile fuzz target):
            // report the first failure and stop.
            Err(e) => {
                issues.push(Issue::feature(
                    path,
                    i + 1,
                    crate::text!("cannot be read: {e}", "kann nicht gelesen werden: {e}"),
                ));
                break;
            }
        };
        let mut props: Map<String, Value> = columns
            .iter()
            .filter_map(|c| Some((c.clone(), value(record.remove(c)?))))
            .collect();
        props.extend(record.into_iter().map(|(k, v)| (k, value(v))));
        let geometry = match shape {
            shapefile::Shape::NullShape => None,
            shape => Some(
                geo::Geometry::<f64>::try_from(shape)
                    .map_err(|e| crate::text!("{e:?}", "{e:?}"))
                    .and_then(|g| placement.transform(g)),
            ),
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
