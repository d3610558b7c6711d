//! Entities from features: a point (or a MultiPoint of one) locates, a
//! polygon is the area.

use super::props::{Foreign, Known, NAME_KEYS, enumerated};
use super::{SourceFeature, after, area, geometry_problem, origin, type_name};
use crate::import::manifest::FileEntry;
use crate::import::values::{date, period_bound};
use crate::import::{Batch, Issue};
use crate::model::{Entity, EntityKind, Lang, LonLat, Text};
use serde_json::Value;

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
    let Some(features) = super::named(entry, features, issues) else {
        return;
    };
    let mut foreign = Foreign::new(entry);
    let known = Known::new(NAME_KEYS.iter().chain(ENTITY_KEYS));
    let mut read = Vec::new();
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
        let mut bad: Vec<Text> = Vec::new();
        let mut kept = Vec::new();
        let kind = enumerated::<EntityKind>(&props, "kind", &mut foreign, &mut kept, &mut bad)
            .unwrap_or_else(|| entry.role.default_kind().unwrap_or(EntityKind::Partner));
        let mut e = Entity::new(id, name, kind);
        match geometry {
            None => {}
            Some(Ok(geo::Geometry::Point(p))) => match LonLat::new(p.x(), p.y()) {
                Ok(ll) => e.location = Some(ll),
                Err(msg) => bad.push(after(crate::text!("point: ", "Punkt: "), &msg.text())),
            },
            // One point written as a MultiPoint (common in exports of point layers).
            Some(Ok(geo::Geometry::MultiPoint(mp))) if mp.0.len() == 1 => {
                match LonLat::new(mp.0[0].x(), mp.0[0].y()) {
                    Ok(ll) => e.location = Some(ll),
                    Err(msg) => bad.push(after(crate::text!("point: ", "Punkt: "), &msg.text())),
                }
            }
            Some(Ok(g @ (geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_)))) => {
                match area(g, entry.repair) {
                    Ok((mp, note)) => {
                        if let Some(note) = note {
                            let path = entry.path.display();
                            batch.notes.push(after(
                                crate::text!("{path}: feature {n}: ", "{path}: Objekt {n}: "),
                                &note,
                            ));
                        }
                        e.area = Some(mp);
                    }
                    Err(msg) => bad.push(geometry_problem(&msg)),
                }
            }
            Some(Ok(other)) => {
                let t = type_name(&other);
                bad.push(Text::new(
                    format!(
                        "geometry is a {}; an entity is located by one point or by an area (Polygon, MultiPolygon)",
                        t.en()
                    ),
                    format!(
                        "Geometrie ist vom Typ {}; ein Eintrag wird durch einen Punkt oder eine Fläche (Polygon, MultiPolygon) verortet",
                        t.in_lang(Lang::De)
                    ),
                ))
            }
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
                None => bad.push(crate::text!(
                    "verified_on \"{d}\" is not a date",
                    "verified_on \"{d}\" ist kein Datum"
                )),
            }
        }
        for (key, slot) in [("start", &mut e.start), ("end", &mut e.end)] {
            if let Some(v) = props.text(&[key]) {
                match period_bound(&v) {
                    Some(p) => *slot = Some(p),
                    None => bad.push(crate::text!(
                        "{key} \"{v}\" is not a year or a date",
                        "{key} \"{v}\" ist weder eine Jahreszahl noch ein Datum"
                    )),
                }
            }
        }
        if !bad.is_empty() {
            issues.extend(bad.into_iter().map(|m| place.issue(entry, m)));
            continue;
        }
        // Nothing lost: properties the model has no field for, verbatim.
        for (k, v) in props.rest(&known, &kept) {
            let text = match v {
                Value::String(s) if s.trim().is_empty() => continue,
                Value::String(s) => s.trim().to_string(),
                other => other.to_string(),
            };
            e.extra.insert(k.clone(), text);
        }
        e.canonicalize();
        read.push((e, origin(entry, place, derived)));
    }
    foreign.notes(batch);
    if let (Some(note), _) = crate::import::ids::make_unique(&mut read, &entry.path) {
        batch.notes.push(note);
    }
    batch.entities.extend(read);
}
