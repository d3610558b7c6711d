//! Districts from features; a district published in several features is one.

use super::props::{Known, NAME_KEYS};
use super::{Place, SourceFeature, after, area, geometry_problem, origin};
use crate::import::manifest::FileEntry;
use crate::import::{Batch, Issue, Origin};
use crate::model::{District, Lang, Text};
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
            Text::new(
                "no feature names its level (property level or ebene): give the level of the file's \
                 districts with --level LEVEL (or level = \"…\" in the manifest)",
                "kein Objekt nennt seine Ebene (Eigenschaft level oder ebene): geben Sie die Ebene der \
                 Bezirke der Datei mit --level LEVEL an (oder level = \"…\" im Manifest)",
            ),
        ));
    }
    let known = Known::new(NAME_KEYS.iter().chain(DISTRICT_KEYS));
    let Some(features) = super::named(entry, features, issues) else {
        return;
    };
    let mut read: Vec<(District, Origin, Place)> = Vec::new();
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
                crate::text!(
                    "district '{id}' has no 'level' property; give one with --level",
                    "Bezirk '{id}' hat keine Eigenschaft 'level'; geben Sie eine mit --level an"
                ),
            ));
            continue;
        };
        let geometry = match geometry {
            None => None,
            Some(Ok(g)) => match area(g, entry.repair) {
                Ok((mp, note)) => {
                    if let Some(note) = note {
                        let path = entry.path.display();
                        batch.notes.push(after(
                            crate::text!(
                                "{path}: feature {n}: district '{id}': ",
                                "{path}: Objekt {n}: Bezirk '{id}': "
                            ),
                            &note,
                        ));
                    }
                    Some(mp)
                }
                Err(msg) => {
                    let district = crate::text!("district '{id}': ", "Bezirk '{id}': ");
                    issues.push(place.issue(entry, after(district, &geometry_problem(&msg))));
                    continue;
                }
            },
            Some(Err(e)) => {
                let district = crate::text!("district '{id}': ", "Bezirk '{id}': ");
                issues.push(place.issue(entry, after(district, &e)));
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
                        crate::text!(
                            "district '{id}': population {v} is not a whole number",
                            "Bezirk '{id}': Einwohnerzahl {v} ist keine ganze Zahl"
                        ),
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
            place,
        ));
    }
    if let (Some((id, own)), Some(given)) = (overruled, &entry.level) {
        batch.notes.push(crate::text!(
            "{}: the file's own level column says '{own}' (district '{id}' and maybe others); \
             the level given for the file, '{given}', is used",
            "{}: die Ebenen-Spalte der Datei nennt '{own}' (Bezirk '{id}' und vielleicht weitere); \
             verwendet wird die für die Datei angegebene Ebene '{given}'",
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
    read: Vec<(District, Origin, Place)>,
    batch: &mut Batch,
    issues: &mut Vec<Issue>,
) {
    use geo::BooleanOps;
    let mut first: std::collections::HashMap<(String, String), usize> = Default::default();
    let mut joined: Vec<(District, Origin, Place, Vec<Place>)> = Vec::new();
    for (d, origin, place) in read {
        let key = (d.id.clone(), d.level.clone());
        match first.get(&key) {
            None => {
                first.insert(key, joined.len());
                joined.push((d, origin, place, Vec::new()));
            }
            Some(&k) => {
                if joined[k].0.name != d.name {
                    let (here, there) = (place.label_text(), joined[k].2.label_text());
                    let (other, name) = (&joined[k].0.name, &d.name);
                    issues.push(Issue::line(
                        &entry.path,
                        origin.line,
                        Text::new(
                            format!(
                                "{}: district id '{}' at level '{}' is also used by {} for \"{other}\", not \"{name}\"; ids must name one district",
                                here.en(), d.id, d.level, there.en()
                            ),
                            format!(
                                "{}: die Bezirkskennung '{}' auf der Ebene '{}' verwendet auch {} für \"{other}\", nicht \"{name}\"; eine Kennung muss genau einen Bezirk bezeichnen",
                                here.in_lang(Lang::De), d.id, d.level, there.in_lang(Lang::De)
                            ),
                        ),
                    ));
                    continue;
                }
                let (into, _, _, parts) = &mut joined[k];
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
                parts.push(place);
            }
        }
    }
    for (d, origin, place, parts) in joined {
        if !parts.is_empty() {
            let places: Vec<Text> = std::iter::once(place)
                .chain(parts)
                .map(Place::label_text)
                .collect();
            let places = Text::join(&places, &crate::text!(", ", ", "));
            let path = entry.path.display();
            batch.notes.push(Text::new(
                format!(
                    "{path}: {} are one district '{}' ({}) at level '{}': joined into one MultiPolygon",
                    places.en(),
                    d.name,
                    d.id,
                    d.level
                ),
                format!(
                    "{path}: {} sind ein Bezirk '{}' ({}) auf der Ebene '{}': zu einem MultiPolygon vereinigt",
                    places.in_lang(Lang::De),
                    d.name,
                    d.id,
                    d.level
                ),
            ));
        }
        batch.districts.push((d, origin));
    }
}
