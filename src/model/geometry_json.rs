//! Serde helpers that write `geo` multipolygons as GeoJSON geometry objects.

/// `Option<MultiPolygon>` as an optional GeoJSON geometry.
pub mod optional {
    use geo::MultiPolygon;
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

    pub fn serialize<S: Serializer>(
        value: &Option<MultiPolygon<f64>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value
            .as_ref()
            .map(|mp| geojson::Geometry::new(geojson::GeometryValue::from(mp)))
            .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<MultiPolygon<f64>>, D::Error> {
        let Some(geometry) = Option::<geojson::Geometry>::deserialize(deserializer)? else {
            return Ok(None);
        };
        let geometry = geo::Geometry::<f64>::try_from(geometry).map_err(D::Error::custom)?;
        match geometry {
            geo::Geometry::Polygon(p) => Ok(Some(MultiPolygon(vec![p]))),
            geo::Geometry::MultiPolygon(mp) => Ok(Some(mp)),
            _ => Err(D::Error::custom("area must be a Polygon or MultiPolygon")),
        }
    }
}
