//! RFC 7946 GeoJSON: lon/lat, at most 7 decimals, no `crs`, counter-clockwise
//! exterior rings, `properties` always present, stable ids.

use crate::model::Entity;
use crate::query::EntityRow;
use geo::orient::{Direction, Orient};
use geo::{MapCoords, MultiPolygon};
use serde_json::{Map, Value, json};

/// Rounds to 7 decimals (≈ 1 cm), RFC 7946 §11.2.
fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

/// A multipolygon as RFC 7946 wants it: exterior rings counter-clockwise.
pub fn rfc7946_area(area: &MultiPolygon<f64>) -> geojson::Geometry {
    let oriented = area.orient(Direction::Default).map_coords(|c| geo::Coord {
        x: round7(c.x),
        y: round7(c.y),
    });
    geojson::Geometry::new(geojson::GeometryValue::from(&oriented))
}

/// The entity listing as a FeatureCollection; the point if there is one, else the area, else `null`.
pub fn entities(rows: &[EntityRow], entities: &[Entity], extra: Option<(&str, Value)>) -> Value {
    let features: Vec<Value> = rows
        .iter()
        .map(|r| {
            let e = &entities[r.index];
            let geometry = match (e.location, &e.area) {
                (Some(p), _) => {
                    json!({"type": "Point", "coordinates": [round7(p.lon()), round7(p.lat())]})
                }
                (None, Some(area)) => {
                    serde_json::to_value(rfc7946_area(area)).expect("geometry serialises")
                }
                (None, None) => Value::Null,
            };
            let mut props = match serde_json::to_value(r).expect("rows serialise") {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            props.remove("lon");
            props.remove("lat");
            json!({"type": "Feature", "id": r.id, "geometry": geometry, "properties": props})
        })
        .collect();
    let mut fc = json!({"type": "FeatureCollection", "features": features});
    if let Some((key, value)) = extra {
        fc[key] = value;
    }
    fc
}
