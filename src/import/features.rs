//! Districts and entities from features (properties and a WGS84 geometry),
//! whichever file format they came from (GeoJSON, Shapefile, GeoPackage).
//!
//! Properties are read through a [`Props`] view: a field the file's column
//! mapping (`[file.columns]`, `--map`, `--name-column`, …) names is read from
//! that column only; an unmapped field is looked up under its own name and
//! aliases, ignoring case and umlaut spelling.

use super::manifest::{ColumnSource, FileEntry};
use super::values::{date, list, period_bound};
use super::{Batch, Issue, Origin};
use crate::model::names::{fold, slug};
use crate::model::{District, Entity, EntityKind, LonLat};
use geo::MultiPolygon;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One feature as a reader delivers it: properties, its own id, and its
/// geometry already in WGS84 (or why it could not be read).
pub struct SourceFeature {
    pub props: Map<String, Value>,
    pub id: Option<String>,
    pub geometry: Option<Result<geo::Geometry<f64>, String>>,
}

/// A feature's properties as the model reads them.
struct Props {
    raw: Map<String, Value>,
    /// Model field → its value from the mapped source column(s).
    mapped: BTreeMap<String, Value>,
    /// Source columns the mapping consumed (not kept as extra properties).
    consumed: BTreeSet<String>,
}

impl Props {
    /// Applies the file's column mapping. Several source columns are joined with ", ".
    fn new(raw: Map<String, Value>, columns: &BTreeMap<String, ColumnSource>) -> Self {
        let mut mapped = BTreeMap::new();
        let mut consumed = BTreeSet::new();
        for (field, source) in columns {
            let mut parts = Vec::new();
            for name in source.names() {
                if let Some((key, v)) = find(&raw, name) {
                    consumed.insert(key.clone());
                    match v {
                        Value::Null => {}
                        Value::String(s) if s.trim().is_empty() => {}
                        other => parts.push(other.clone()),
                    }
                }
            }
            let value = match parts.len() {
                0 => Value::Null,
                1 => parts.pop().unwrap_or(Value::Null),
                _ => Value::String(
                    parts
                        .iter()
                        .map(|p| match p {
                            Value::String(s) => s.trim().to_string(),
                            other => other.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            };
            mapped.insert(field.clone(), value);
        }
        Self {
            raw,
            mapped,
            consumed,
        }
    }

    /// True when the mapping names this field.
    fn is_mapped(&self, field: &str) -> bool {
        self.mapped.contains_key(field)
    }

    /// A field's value: from its mapped column, else from the first property
    /// named like one of `keys` that the mapping did not consume.
    fn get(&self, keys: &[&str]) -> Option<&Value> {
        if let Some(v) = self.mapped.get(keys[0]) {
            return Some(v);
        }
        keys.iter().find_map(|k| {
            find(&self.raw, k)
                .filter(|(key, _)| !self.consumed.contains(*key))
                .map(|(_, v)| v)
        })
    }

    /// Reads a field as text: strings as they are, numbers as written.
    fn text(&self, keys: &[&str]) -> Option<String> {
        match self.get(keys)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn strings(&self, keys: &[&str]) -> Vec<String> {
        match self.get(keys) {
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

    /// Properties neither mapped nor read as one of `known` (folded names):
    /// kept verbatim, so nothing of the source is lost.
    fn rest(&self, known: &[&str]) -> impl Iterator<Item = (&String, &Value)> {
        self.raw.iter().filter(move |(k, v)| {
            !v.is_null()
                && !self.consumed.contains(*k)
                && !known
                    .iter()
                    .any(|key| !self.mapped.contains_key(*key) && fold(key) == fold(k))
        })
    }
}

/// A property by its name, ignoring case and umlaut spelling (Shapefile
/// columns are often upper case: `NAME`, `EINWOHNER`).
fn find<'a>(props: &'a Map<String, Value>, key: &str) -> Option<(&'a String, &'a Value)> {
    props.get_key_value(key).or_else(|| {
        let wanted = fold(key);
        props.iter().find(|(k, _)| fold(k) == wanted)
    })
}

/// Checks that every column the mapping names exists in the file. The
/// message lists the properties the file has.
fn check_mapping(entry: &FileEntry, features: &[SourceFeature], issues: &mut Vec<Issue>) -> bool {
    let have = property_names(features);
    let folded: BTreeSet<String> = have.iter().map(|k| fold(k)).collect();
    let mut ok = true;
    for (field, source) in &entry.columns {
        for name in source.names() {
            if !folded.contains(&fold(name)) {
                ok = false;
                issues.push(Issue::file(
                    &entry.path,
                    format!(
                        "the mapping reads '{field}' from property '{name}', which the file does not have; its properties are: {}",
                        list_or_none(&have)
                    ),
                ));
            }
        }
    }
    ok
}

/// Every property name of the file's features, in first-seen order.
fn property_names(features: &[SourceFeature]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut names = Vec::new();
    for f in features {
        for k in f.props.keys() {
            if seen.insert(k.clone()) {
                names.push(k.clone());
            }
        }
    }
    names
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_string()
    } else {
        names.join(", ")
    }
}

/// Property names a name is read from when the mapping names none.
const NAME_KEYS: &[&str] = &["name", "bezeichnung", "bezeichnun", "titel", "title"];

/// When no feature has a name under any accepted spelling: one issue for
/// the file, naming its properties and the flag that maps one.
fn check_names(entry: &FileEntry, features: &[SourceFeature], issues: &mut Vec<Issue>) -> bool {
    if entry.columns.contains_key("name") || features.is_empty() {
        return true;
    }
    let found = features
        .iter()
        .any(|f| NAME_KEYS.iter().any(|k| find(&f.props, k).is_some()));
    if !found {
        issues.push(Issue::file(
            &entry.path,
            format!(
                "no property holds the names (looked for {}); its properties are: {}; \
                 say which one with --name-column COLUMN (or name = \"COLUMN\" under the manifest's [file.columns])",
                NAME_KEYS.join(", "),
                list_or_none(&property_names(features))
            ),
        ));
    }
    found
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
                "is a {}; a district is a Polygon or MultiPolygon",
                type_name(&other)
            ));
        }
    };
    super::geometry_check::checked_area(mp, repair)
}

fn type_name(g: &geo::Geometry<f64>) -> String {
    match g {
        geo::Geometry::Point(_) => "Point".into(),
        geo::Geometry::Line(_) | geo::Geometry::LineString(_) => "LineString".into(),
        geo::Geometry::MultiPoint(mp) => format!("MultiPoint of {} points", mp.0.len()),
        geo::Geometry::MultiLineString(_) => "MultiLineString".into(),
        geo::Geometry::GeometryCollection(_) => "GeometryCollection".into(),
        geo::Geometry::Polygon(_) => "Polygon".into(),
        geo::Geometry::MultiPolygon(_) => "MultiPolygon".into(),
        geo::Geometry::Rect(_) => "Rect".into(),
        geo::Geometry::Triangle(_) => "Triangle".into(),
    }
}

/// The feature's name and id: the `id` field (mapped or by name), else the
/// Feature's own id, else a slug of the name (the `bool` says so).
fn name_and_id(
    props: &Props,
    feature_id: Option<&str>,
    entry: &FileEntry,
    n: usize,
    issues: &mut Vec<Issue>,
) -> Option<(String, String, bool)> {
    let Some(name) = props.text(NAME_KEYS) else {
        let column = entry
            .columns
            .get("name")
            .map_or("name".to_string(), |c| c.names().join(", "));
        issues.push(Issue::feature(
            &entry.path,
            n,
            format!("has no name (property {column} is empty)"),
        ));
        return None;
    };
    let given = props.text(&["id"]).or_else(|| {
        feature_id
            .filter(|_| !props.is_mapped("id"))
            .map(str::to_string)
    });
    let (id, derived) = match given {
        Some(id) => (id, false),
        None => (slug(&name), true),
    };
    if id.is_empty() {
        issues.push(Issue::feature(
            &entry.path,
            n,
            format!("\"{name}\" gives no usable id; map an id column with --id-column"),
        ));
        return None;
    }
    Some((name, id, derived))
}

fn origin(entry: &FileEntry, number: usize, id_derived: bool) -> Origin {
    Origin {
        file: entry.path.clone(),
        line: number as u64,
        column: format!("feature {number}"),
        id_derived,
    }
}

/// A value of one of our enumerated fields (`kind`, `status`, `visibility`)
/// that does not parse. Mapped explicitly, it is an error; found under our
/// name in a foreign file (OSM's `visibility=area`), it is kept as an extra
/// property and said once per file.
struct Foreign<'a> {
    entry: &'a FileEntry,
    seen: BTreeMap<(String, String), usize>,
}

impl<'a> Foreign<'a> {
    fn new(entry: &'a FileEntry) -> Self {
        Self {
            entry,
            seen: BTreeMap::new(),
        }
    }

    fn notes(self, batch: &mut Batch) {
        for ((field, value), count) in self.seen {
            batch.notes.push(format!(
                "{}: {count} feature(s) have property '{field}' = \"{value}\", which is not a stadtatlas {field}; \
                 kept as an extra property (map a column with --map {field}=COLUMN to read it as ours)",
                self.entry.path.display()
            ));
        }
    }
}

/// Parses one enumerated field; see [`Foreign`].
fn enumerated<T: std::str::FromStr<Err = String>>(
    props: &Props,
    field: &str,
    foreign: &mut Foreign<'_>,
    kept: &mut Vec<String>,
    bad: &mut Vec<String>,
) -> Option<T> {
    let value = props.text(&[field])?;
    match value.parse() {
        Ok(v) => Some(v),
        Err(msg) if props.is_mapped(field) => {
            bad.push(format!("{field}: {msg}"));
            None
        }
        Err(_) => {
            *foreign
                .seen
                .entry((field.to_string(), value.clone()))
                .or_default() += 1;
            kept.push(field.to_string());
            None
        }
    }
}

/// Property names a district's fields are read from.
/// (Besides [`NAME_KEYS`].)
const DISTRICT_KEYS: &[&str] = &[
    "id",
    "level",
    "ebene",
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

/// Districts from features. Features with the same id at one level (a
/// district published in several parts) become one district.
pub fn districts(
    entry: &FileEntry,
    features: Vec<SourceFeature>,
    batch: &mut Batch,
    issues: &mut Vec<Issue>,
) {
    if !check_mapping(entry, &features, issues) || !check_names(entry, &features, issues) {
        return;
    }
    let mut read: Vec<(District, Origin)> = Vec::new();
    for (i, feature) in features.into_iter().enumerate() {
        let n = i + 1;
        let props = Props::new(feature.props, &entry.columns);
        let Some((name, id, derived)) =
            name_and_id(&props, feature.id.as_deref(), entry, n, issues)
        else {
            continue;
        };
        let Some(level) = props
            .text(&["level", "ebene"])
            .or_else(|| entry.level.clone())
        else {
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
        let population = match props.get(&["population", "population_2020", "einwohner"]) {
            None | Some(Value::Null) => None,
            Some(v) => match whole_number(v) {
                Some(p) => Some(p),
                None => {
                    issues.push(Issue::feature(
                        &entry.path,
                        n,
                        format!("district '{id}': population {v} is not a whole number"),
                    ));
                    continue;
                }
            },
        };
        let known: Vec<&str> = NAME_KEYS.iter().chain(DISTRICT_KEYS).copied().collect();
        let extra = props
            .rest(&known)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        read.push((
            District {
                id,
                name,
                level,
                parent: props.text(&["parent"]),
                aliases: props.strings(&["aliases"]),
                population,
                provisional: props
                    .get(&["provisional"])
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                method: props.text(&["method"]),
                source: props.text(&["source"]).or_else(|| entry.source.clone()),
                license: props.text(&["license"]).or_else(|| entry.license.clone()),
                geometry,
                extra,
                parent_derived: false,
            },
            origin(entry, n, derived),
        ));
    }
    join_parts(entry, read, batch, issues);
}

/// A population as a whole number: 5952, 5952.0 or "5952".
fn whole_number(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 9e15)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Joins the features of one district (same id and level) into one
/// MultiPolygon: cities publish a district split by a river or an exclave
/// as several features.
fn join_parts(
    entry: &FileEntry,
    read: Vec<(District, Origin)>,
    batch: &mut Batch,
    issues: &mut Vec<Issue>,
) {
    use geo::BooleanOps;
    let mut first: std::collections::HashMap<(String, String), usize> = Default::default();
    let mut joined: Vec<(District, Origin, Vec<u64>)> = Vec::new();
    for (d, origin) in read {
        let key = (d.id.clone(), d.level.clone());
        match first.get(&key) {
            None => {
                first.insert(key, joined.len());
                joined.push((d, origin, Vec::new()));
            }
            Some(&k) => {
                if joined[k].0.name != d.name {
                    issues.push(Issue::feature(
                        &entry.path,
                        origin.line as usize,
                        format!(
                            "district id '{}' at level '{}' is also used by feature {} for \"{}\", not \"{}\"; ids must name one district",
                            d.id, d.level, joined[k].1.line, joined[k].0.name, d.name
                        ),
                    ));
                    continue;
                }
                let (into, _, parts) = &mut joined[k];
                into.geometry = match (into.geometry.take(), d.geometry) {
                    (Some(a), Some(b)) => Some(a.union(&b)),
                    (a, b) => a.or(b),
                };
                if into.population != d.population {
                    into.population = match (into.population, d.population) {
                        (Some(a), Some(b)) => Some(a + b),
                        (a, b) => a.or(b),
                    };
                }
                parts.push(origin.line);
            }
        }
    }
    for (d, origin, parts) in joined {
        if !parts.is_empty() {
            let features: Vec<String> = std::iter::once(origin.line)
                .chain(parts)
                .map(|l| l.to_string())
                .collect();
            batch.notes.push(format!(
                "{}: features {} are one district '{}' ({}) at level '{}': joined into one MultiPolygon",
                entry.path.display(),
                features.join(", "),
                d.name,
                d.id,
                d.level
            ));
        }
        batch.districts.push((d, origin));
    }
}

/// Property names an entity feature's fields are read from.
/// (Besides [`NAME_KEYS`].)
const ENTITY_KEYS: &[&str] = &[
    "id",
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
    if !check_mapping(entry, &features, issues) || !check_names(entry, &features, issues) {
        return;
    }
    let mut foreign = Foreign::new(entry);
    let mut read = Vec::new();
    for (i, feature) in features.into_iter().enumerate() {
        let n = i + 1;
        let props = Props::new(feature.props, &entry.columns);
        let Some((name, id, derived)) =
            name_and_id(&props, feature.id.as_deref(), entry, n, issues)
        else {
            continue;
        };
        let mut bad = Vec::new();
        let mut kept = Vec::new();
        let kind = enumerated::<EntityKind>(&props, "kind", &mut foreign, &mut kept, &mut bad)
            .unwrap_or_else(|| entry.role.default_kind().unwrap_or(EntityKind::Partner));
        let mut e = Entity::new(id, name, kind);
        match feature.geometry {
            None => {}
            Some(Ok(geo::Geometry::Point(p))) => match LonLat::new(p.x(), p.y()) {
                Ok(ll) => e.location = Some(ll),
                Err(msg) => bad.push(format!("point: {msg}")),
            },
            // One point written as a MultiPoint (common in exports of point layers).
            Some(Ok(geo::Geometry::MultiPoint(mp))) if mp.0.len() == 1 => {
                match LonLat::new(mp.0[0].x(), mp.0[0].y()) {
                    Ok(ll) => e.location = Some(ll),
                    Err(msg) => bad.push(format!("point: {msg}")),
                }
            }
            Some(Ok(g @ (geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_)))) => {
                match area(g, entry.repair) {
                    Ok((mp, note)) => {
                        if let Some(note) = note {
                            batch
                                .notes
                                .push(format!("{}: feature {n}: {note}", entry.path.display()));
                        }
                        e.area = Some(mp);
                    }
                    Err(msg) => bad.push(format!("geometry {msg}")),
                }
            }
            Some(Ok(other)) => bad.push(format!(
                "geometry is a {}; an entity is located by one point or by an area (Polygon, MultiPolygon)",
                type_name(&other)
            )),
            Some(Err(err)) => bad.push(err),
        }
        e.category = props
            .text(&["category", "kategorie"])
            .map(|c| c.to_lowercase());
        e.fields = props
            .strings(&["fields"])
            .into_iter()
            .map(|f| f.to_lowercase())
            .collect();
        e.address = props.text(&["address", "adresse"]);
        e.website = props.text(&["website"]);
        e.description = props.text(&["description"]);
        e.success_story = props.text(&["success_story"]);
        e.tags = props.strings(&["tags"]);
        e.source = props.text(&["source"]).or_else(|| entry.source.clone());
        e.license = props.text(&["license"]).or_else(|| entry.license.clone());
        e.district_names = props.strings(&["district"]);
        if e.district_names.is_empty() {
            // The column name of a stadtatlas GeoPackage export.
            e.district_names = props.strings(&["district_names"]);
        }
        if let Some(status) = enumerated(&props, "status", &mut foreign, &mut kept, &mut bad) {
            e.status = Some(status);
        }
        if let Some(vis) = enumerated(&props, "visibility", &mut foreign, &mut kept, &mut bad) {
            e.visibility = vis;
        }
        if let Some(d) = props.text(&["verified_on"]) {
            match date(&d) {
                Some(d) => e.verified_on = Some(d),
                None => bad.push(format!("verified_on \"{d}\" is not a date")),
            }
        }
        for (key, slot) in [("start", &mut e.start), ("end", &mut e.end)] {
            if let Some(v) = props.text(&[key]) {
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
        let known: Vec<&str> = NAME_KEYS
            .iter()
            .chain(ENTITY_KEYS)
            .copied()
            .filter(|k| !kept.iter().any(|f| f == k))
            .collect();
        for (k, v) in props.rest(&known) {
            let text = match v {
                Value::String(s) if s.trim().is_empty() => continue,
                Value::String(s) => s.trim().to_string(),
                other => other.to_string(),
            };
            e.extra.insert(k.clone(), text);
        }
        e.canonicalize();
        read.push((e, origin(entry, n, derived)));
    }
    foreign.notes(batch);
    if let (Some(note), _) = super::ids::make_unique(&mut read, &entry.path) {
        batch.notes.push(note);
    }
    batch.entities.extend(read);
}
