//! RFC 7946 GeoJSON: lon/lat, at most 7 decimals, no `crs`, counter-clockwise
//! exterior rings, `properties` always present, stable ids.

use super::Profile;
use super::profile::INTERNAL_NOTICE;
use crate::query::{Atlas, EntityRow};
use geo::orient::{Direction, Orient};
use geo::{MapCoords, MultiPolygon};
use serde_json::{Map, Value, json};

/// Rounds to 7 decimals (≈ 1 cm), RFC 7946 §11.2.
pub fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

/// A multipolygon as RFC 7946 wants it: exterior rings counter-clockwise,
/// holes clockwise, 7 decimals.
pub fn rfc7946_area(area: &MultiPolygon<f64>) -> Value {
    let oriented = area.orient(Direction::Default).map_coords(|c| geo::Coord {
        x: round7(c.x),
        y: round7(c.y),
    });
    serde_json::to_value(geojson::Geometry::new(geojson::GeometryValue::from(
        &oriented,
    )))
    .expect("geometry serialises")
}

/// One entity as a GeoJSON Feature, as [`entities`] writes it (the
/// server's `items` are these).
pub fn entity_feature(atlas: &Atlas, r: &EntityRow, profile: Profile) -> Value {
    let e = &atlas.entities[r.index];
    let geometry = match (e.location, &e.area) {
        (Some(p), _) => {
            json!({"type": "Point", "coordinates": [round7(p.lon()), round7(p.lat())]})
        }
        (None, Some(area)) => rfc7946_area(area),
        (None, None) => Value::Null,
    };
    let mut props = match serde_json::to_value(r).expect("rows serialise") {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    props.remove("lon");
    props.remove("lat");
    let record = serde_json::to_value(e).expect("entities serialise");
    for key in [
        "status",
        "address",
        // Where a point matched from an address register came from.
        "coord_source",
        "website",
        "description",
        "start",
        "end",
        "success_story",
        "tags",
        "license",
        "verified_on",
        "visibility",
    ] {
        if let Some(v) = record.get(key) {
            props.insert(key.to_string(), v.clone());
        }
    }
    if !e.extra.is_empty() {
        props.insert("attributes".into(), json!(e.extra));
    }
    if profile.shows_contacts() {
        let contacts: Vec<&crate::model::Contact> =
            atlas.contacts.iter().filter(|c| c.entity == e.id).collect();
        props.insert("contacts".into(), json!(contacts));
    }
    json!({"type": "Feature", "id": r.id, "geometry": geometry, "properties": props})
}

/// Where a relation's line ends at an entity: its point, else a point
/// inside its area; `None` for a record without a place.
pub fn anchor(e: &crate::model::Entity) -> Option<[f64; 2]> {
    use geo::InteriorPoint;
    match (e.location, &e.area) {
        (Some(p), _) => Some([p.lon(), p.lat()]),
        (None, Some(area)) => area.interior_point().map(|p| [p.x(), p.y()]),
        (None, None) => None,
    }
}

/// One relation (who takes part in what, in which role) as a GeoJSON
/// Feature with the id `id`: a LineString from the one record to the other
/// where both have a place ([`anchor`]), else without geometry. Its
/// properties name both ends, the role, the field of action and the source.
pub fn relation_feature(atlas: &Atlas, r: &crate::model::Relation, id: &str) -> Value {
    let end = |entity: &str| atlas.entity_index(entity).ok().map(|i| &atlas.entities[i]);
    let (from, to) = (end(&r.from), end(&r.to));
    let geometry = match (from.and_then(anchor), to.and_then(anchor)) {
        (Some(a), Some(b)) => json!({"type": "LineString", "coordinates": [
            [round7(a[0]), round7(a[1])], [round7(b[0]), round7(b[1])],
        ]}),
        _ => Value::Null,
    };
    json!({"type": "Feature", "id": id, "geometry": geometry, "properties": {
        "from": r.from, "from_name": from.map(|e| e.name.as_str()),
        "to": r.to, "to_name": to.map(|e| e.name.as_str()),
        "role": r.role.as_str(), "field": r.field, "source": r.source,
    }})
}

/// Entities as a FeatureCollection: the point if there is one, else the area,
/// else `null` (city-wide or located by district name only).
///
/// Properties are the listing row (districts per level, `provisional`) plus the
/// record's descriptive fields and its source. Contacts appear only with
/// [`Profile::Internal`], which also marks the collection as internal.
pub fn entities(atlas: &Atlas, rows: &[EntityRow], profile: Profile) -> Value {
    let features: Vec<Value> = rows
        .iter()
        .map(|r| entity_feature(atlas, r, profile))
        .collect();
    let mut fc =
        json!({"type": "FeatureCollection", "profile": profile.as_str(), "features": features});
    if let Some(method) = atlas.provisional_notice() {
        fc["provisional_districts"] = Value::String(method.to_string());
    }
    if profile == Profile::Internal {
        fc["notice"] = Value::String(INTERNAL_NOTICE.to_string());
    }
    fc
}

/// What [`entities`] writes around its features (compact JSON), for a
/// collection written a feature at a time: `head` ends with
/// `"features":[`, `tail` starts with `]`.
pub fn collection_around(atlas: &Atlas, profile: Profile) -> (String, String) {
    let empty = serde_json::to_string(&entities(atlas, &[], profile)).expect("JSON of values");
    let (head, tail) = empty
        .split_once("\"features\":[]")
        .expect("a FeatureCollection has features");
    (format!("{head}\"features\":["), format!("]{tail}"))
}

/// Writes `rows` as features of a collection begun with
/// [`collection_around`]'s head: a comma before each but the collection's
/// first (`written` counts the features written so far, over every call).
///
/// # Errors
/// What writing to `w` fails with.
pub fn write_features<W: std::io::Write>(
    w: &mut W,
    atlas: &Atlas,
    rows: &[EntityRow],
    profile: Profile,
    written: &mut usize,
) -> std::io::Result<()> {
    for r in rows {
        if *written > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut *w, &entity_feature(atlas, r, profile))?;
        *written += 1;
    }
    Ok(())
}

/// Districts of one level as a FeatureCollection (for maps), with population
/// and the provisional flag and method.
pub fn districts(atlas: &Atlas, level: &str) -> Value {
    let features: Vec<Value> = atlas
        .districts
        .iter()
        .filter(|d| d.level == level)
        .map(district_feature)
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// One district as a GeoJSON Feature, as [`districts`] writes it.
pub fn district_feature(d: &crate::model::District) -> Value {
    json!({
        "type": "Feature",
        "id": d.id,
        "geometry": d.geometry.as_ref().map_or(Value::Null, rfc7946_area),
        "properties": {
            "id": d.id, "name": d.name, "level": d.level, "parent": d.parent,
            "population": d.population, "provisional": d.provisional,
            "method": d.method, "source": d.source, "license": d.license,
        },
    })
}
