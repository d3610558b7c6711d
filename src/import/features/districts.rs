//! Districts from features; a district published in several features is one.

use super::props::{Known, NAME_KEYS};
use super::{SourceFeature, area, origin};
use crate::import::manifest::FileEntry;
use crate::import::{Batch, Issue, Origin};
use crate::model::District;
use serde_json::Value;

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
    let level_given = entry.level.is_some()
        || features.iter().any(|f| {
            f.props
                .keys()
                .any(|k| matches!(crate::model::names::fold(k).as_str(), "level" | "ebene"))
        })
        || entry.columns.contains_key("level");
    if !level_given && !features.is_empty() {
        return issues.push(Issue::file(
            &entry.path,
            "no feature names its level (property level or ebene): give the level of the file's \
             districts with --level LEVEL (or level = \"…\" in the manifest)",
        ));
    }
    let known = Known::new(NAME_KEYS.iter().chain(DISTRICT_KEYS));
    let Some(features) = super::named(entry, features, issues) else {
        return;
    };
    let mut read: Vec<(District, Origin)> = Vec::new();
    // The first district whose own level the given one overrules.
    let mut overruled: Option<(String, String)> = None;
    for feature in features {
        let Ok(super::Named {
            place,
            props,
            name,
            id,
            derived,
            geometry,
        }) = feature.map_err(|issue| issues.push(issue))
        else {
            continue;
        };
        let n = place.number;
        // A level given for the file (--level, `level` in the manifest) is
        // the file's: it wins over a level column of the file, which is
        // said once below when it disagrees.
        let own = props.text(&["level", "ebene"]);
        if let (Some(given), Some(own)) = (&entry.level, &own)
            && given != own
        {
            overruled.get_or_insert_with(|| (id.clone(), own.clone()));
        }
        let Some(level) = entry.level.clone().or(own) else {
            issues.push(place.issue(
                entry,
                format!("district '{id}' has no 'level' property; give one with --level"),
            ));
            continue;
        };
        let geometry = match geometry {
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
                    issues.push(place.issue(entry, format!("district '{id}': geometry {msg}")));
                    continue;
                }
            },
            Some(Err(e)) => {
                issues.push(place.issue(entry, format!("district '{id}': {e}")));
                continue;
            }
        };
        let population = match props.get(&["population", "population_2020", "einwohner"]) {
            None | Some(Value::Null) => None,
            Some(v) => match whole_number(v) {
                Some(p) => Some(p),
                None => {
                    issues.push(place.issue(
                        entry,
                        format!("district '{id}': population {v} is not a whole number"),
                    ));
                    continue;
                }
            },
        };
        let extra = props
            .rest(&known, &[])
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
            origin(entry, place, derived),
        ));
    }
    if let (Some((id, own)), Some(given)) = (overruled, &entry.level) {
        batch.notes.push(format!(
            "{}: the file's own level column says '{own}' (district '{id}' and maybe others); \
             the level given for the file, '{given}', is used",
            entry.path.display()
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
    let mut joined: Vec<(District, Origin, Vec<String>)> = Vec::new();
    for (d, origin) in read {
        let key = (d.id.clone(), d.level.clone());
        match first.get(&key) {
            None => {
                first.insert(key, joined.len());
                joined.push((d, origin, Vec::new()));
            }
            Some(&k) => {
                if joined[k].0.name != d.name {
                    issues.push(Issue::line(
                        &entry.path,
                        origin.line,
                        format!(
                            "{}: district id '{}' at level '{}' is also used by {} for \"{}\", not \"{}\"; ids must name one district",
                            origin.column, d.id, d.level, joined[k].1.column, joined[k].0.name, d.name
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
                parts.push(origin.column);
            }
        }
    }
    for (d, origin, parts) in joined {
        if !parts.is_empty() {
            let places: Vec<String> = std::iter::once(origin.column.clone())
                .chain(parts)
                .collect();
            batch.notes.push(format!(
                "{}: {} are one district '{}' ({}) at level '{}': joined into one MultiPolygon",
                entry.path.display(),
                places.join(", "),
                d.name,
                d.id,
                d.level
            ));
        }
        batch.districts.push((d, origin));
    }
}
