//! Districts and entities from features (properties and a WGS84 geometry),
//! whichever file format they came from (GeoJSON, Shapefile).

use super::manifest::FileEntry;
use super::values::{date, list, period_bound};
use super::{Batch, Issue, Origin};
use crate::model::names::slug;
use crate::model::{District, Entity, EntityKind, LonLat};
use geo::MultiPolygon;
use serde_json::{Map, Value};

/// One feature as a reader delivers it: properties, its own id, and its
/// geometry already in WGS84 (or why it could not be read).
pub struct SourceFeature {
    pub props: Map<String, Value>,
    pub id: Option<String>,
    pub geometry: Option<Result<geo::Geometry<f64>, String>>,
}

/// A property by any of its names, ignoring case and umlaut spelling
/// (Shapefile columns are often upper case: `NAME`, `EINWOHNER`).
fn get<'a>(props: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    props.get(key).or_else(|| {
        let wanted = crate::model::names::fold(key);
        props
            .iter()
            .find(|(k, _)| crate::model::names::fold(k) == wanted)
            .map(|(_, v)| v)
    })
}

/// Reads a property as text: strings as they are, numbers as written.
fn text(props: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match get(props, k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn strings(props: &Map<String, Value>, key: &str) -> Vec<String> {
    match get(props, key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => list(s),
        _ => Vec::new(),
    }
}

/// A feature's geometry as an area: a Polygon or MultiPolygon, valid (or
/// repaired when `repair` is set; the note says what was repaired).
fn area(
    geometry: geo::Geometry<f64>,
    repair: bool,
) -> Result<(MultiPolygon<f64>, Option<String>), String> {
    let mp = match geometry {
        geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
        geo::Geometry::MultiPolygon(mp) => mp,
        other => {
            return Err(format!(
                "is a {}, not a Polygon or MultiPolygon",
                type_name(&other)
            ));
        }
    };
    super::geometry_check::checked_area(mp, repair)
}

fn type_name(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::Line(_) | geo::Geometry::LineString(_) => "LineString",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
        _ => "geometry",
    }
}

/// The feature's name and id: `id` property, else the Feature's own id, else
/// a slug of the name. A missing name is reported and gives `None`.
fn name_and_id(
    props: &Map<String, Value>,
    feature_id: Option<&str>,
    entry: &FileEntry,
    n: usize,
    issues: &mut Vec<Issue>,
) -> Option<(String, String)> {
    let Some(name) = text(props, &["name", "Name", "Bezeichnung"]) else {
        issues.push(Issue::feature(&entry.path, n, "property 'name' is missing"));
        return None;
    };
    let id = text(props, &["id"])
        .or_else(|| feature_id.map(str::to_string))
        .unwrap_or_else(|| slug(&name));
    Some((name, id))
}

fn origin(entry: &FileEntry, number: usize) -> Origin {
    Origin {
        file: entry.path.clone(),
        line: number as u64,
        column: format!("feature {number}"),
    }
}

/// Districts from features.
pub fn districts(
    entry: &FileEntry,
    features: Vec<SourceFeature>,
    batch: &mut Batch,
    issues: &mut Vec<Issue>,
) {
    const KNOWN: &[&str] = &[
        "id",
        "name",
        "level",
        "parent",
        "aliases",
        "population",
        "population_2020",
        "einwohner",
        "provisional",
        "method",
        "source",
        "license",
    ];
    for (i, feature) in features.into_iter().enumerate() {
        let n = i + 1;
        let props = feature.props;
        let Some((name, id)) = name_and_id(&props, feature.id.as_deref(), entry, n, issues) else {
            continue;
        };
        let Some(level) = text(&props, &["level", "ebene"]).or_else(|| entry.level.clone()) else {
            issues.push(Issue::feature(
                &entry.path,
                n,
                format!("district '{id}' has no 'level' property; give one with --level"),
            ));
            continue;
        };
        let geometry = match feature.geometry {
            None => None,
            Some(Ok(g)) => match area(g, entry.repair) {
                Ok((mp, note)) => {
                    if let Some(note) = note {
                        batch.notes.push(format!(
                            "{}: feature {n}: district '{id}': {note}",
                            entry.path.display()
                        ));
                    }
                    Some(mp)
                }
                Err(msg) => {
                    issues.push(Issue::feature(
                        &entry.path,
                        n,
                        format!("district '{id}': geometry {msg}"),
                    ));
                    continue;
                }
            },
            Some(Err(e)) => {
                issues.push(Issue::feature(
                    &entry.path,
                    n,
                    format!("district '{id}': {e}"),
                ));
                continue;
            }
        };
        let population = match get(&props, "population")
            .or_else(|| get(&props, "population_2020"))
            .or_else(|| get(&props, "einwohner"))
        {
            None | Some(Value::Null) => None,
            Some(Value::Number(p)) if p.as_u64().is_some() => p.as_u64(),
            Some(other) => {
                issues.push(Issue::feature(
                    &entry.path,
                    n,
                    format!("district '{id}': population {other} is not a whole number"),
                ));
                continue;
            }
        };
        let extra = props
            .iter()
            .filter(|(k, v)| !KNOWN.contains(&k.as_str()) && !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        batch.districts.push((
            District {
                id,
                name,
                level,
                parent: text(&props, &["parent"]),
                aliases: strings(&props, "aliases"),
                population,
                provisional: get(&props, "provisional")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                method: text(&props, &["method"]),
                source: text(&props, &["source"]).or_else(|| entry.source.clone()),
                license: text(&props, &["license"]).or_else(|| entry.license.clone()),
                geometry,
                extra,
            },
            origin(entry, n),
        ));
    }
}

/// Property names an entity feature's fields are read from.
const ENTITY_KEYS: &[&str] = &[
    "id",
    "name",
    "bezeichnung",
    "kind",
    "category",
    "kategorie",
    "fields",
    "address",
    "adresse",
    "website",
    "description",
    "success_story",
    "tags",
    "source",
    "license",
    "district",
    "district_names",
    "status",
    "visibility",
    "verified_on",
    "start",
    "end",
];

/// Entities from features: a point locates, a polygon is the area.
pub fn entities(
    entry: &FileEntry,
    features: Vec<SourceFeature>,
    batch: &mut Batch,
    issues: &mut Vec<Issue>,
) {
    for (i, feature) in features.into_iter().enumerate() {
        let n = i + 1;
        let props = feature.props;
        let Some((name, id)) = name_and_id(&props, feature.id.as_deref(), entry, n, issues) else {
            continue;
        };
        let kind = match text(&props, &["kind"]) {
            Some(k) => match k.parse::<EntityKind>() {
                Ok(kind) => kind,
                Err(msg) => {
                    issues.push(Issue::feature(
                        &entry.path,
                        n,
                        format!("property 'kind': {msg}"),
                    ));
                    continue;
                }
            },
            None => entry.role.default_kind().unwrap_or(EntityKind::Partner),
        };
        let mut e = Entity::new(id, name, kind);
        match feature.geometry {
            None => {}
            Some(Ok(geo::Geometry::Point(p))) => match LonLat::new(p.x(), p.y()) {
                Ok(ll) => e.location = Some(ll),
                Err(msg) => {
                    issues.push(Issue::feature(&entry.path, n, format!("point: {msg}")));
                    continue;
                }
            },
            Some(Ok(g)) => match area(g, entry.repair) {
                Ok((mp, note)) => {
                    if let Some(note) = note {
                        batch
                            .notes
                            .push(format!("{}: feature {n}: {note}", entry.path.display()));
                    }
                    e.area = Some(mp);
                }
                Err(msg) => {
                    issues.push(Issue::feature(&entry.path, n, format!("geometry {msg}")));
                    continue;
                }
            },
            Some(Err(err)) => {
                issues.push(Issue::feature(&entry.path, n, err.to_string()));
                continue;
            }
        }
        e.category = text(&props, &["category", "kategorie"]).map(|c| c.to_lowercase());
        e.fields = strings(&props, "fields")
            .into_iter()
            .map(|f| f.to_lowercase())
            .collect();
        e.address = text(&props, &["address", "adresse"]);
        e.website = text(&props, &["website"]);
        e.description = text(&props, &["description"]);
        e.success_story = text(&props, &["success_story"]);
        e.tags = strings(&props, "tags");
        e.source = text(&props, &["source"]).or_else(|| entry.source.clone());
        e.license = text(&props, &["license"]).or_else(|| entry.license.clone());
        e.district_names = strings(&props, "district");
        if e.district_names.is_empty() {
            // The column name of a stadtatlas GeoPackage export.
            e.district_names = strings(&props, "district_names");
        }
        let mut bad = Vec::new();
        if let Some(s) = text(&props, &["status"]) {
            match s.parse() {
                Ok(st) => e.status = Some(st),
                Err(m) => bad.push(m),
            }
        }
        if let Some(v) = text(&props, &["visibility"]) {
            match v.parse() {
                Ok(vis) => e.visibility = vis,
                Err(m) => bad.push(m),
            }
        }
        if let Some(d) = text(&props, &["verified_on"]) {
            match date(&d) {
                Some(d) => e.verified_on = Some(d),
                None => bad.push(format!("verified_on \"{d}\" is not a date")),
            }
        }
        for (key, slot) in [("start", &mut e.start), ("end", &mut e.end)] {
            if let Some(v) = text(&props, &[key]) {
                match period_bound(&v) {
                    Some(p) => *slot = Some(p),
                    None => bad.push(format!("{key} \"{v}\" is not a year or a date")),
                }
            }
        }
        if !bad.is_empty() {
            issues.extend(bad.into_iter().map(|m| Issue::feature(&entry.path, n, m)));
            continue;
        }
        // Nothing lost: properties the model has no field for, verbatim.
        for (k, v) in &props {
            let known = ENTITY_KEYS
                .iter()
                .any(|key| crate::model::names::fold(key) == crate::model::names::fold(k));
            let text = match v {
                Value::Null => continue,
                Value::String(s) if s.trim().is_empty() => continue,
                Value::String(s) => s.trim().to_string(),
                other => other.to_string(),
            };
            if !known {
                e.extra.insert(k.clone(), text);
            }
        }
        e.canonicalize();
        batch.entities.push((e, origin(entry, n)));
    }
}
