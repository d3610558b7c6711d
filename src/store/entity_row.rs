//! An entity's row in `entities`, in both stores: the flat columns that GIS
//! tools and SQL read, and in `record` the JSON of the parts without an
//! exact column of their own (since schema version 4 of either store;
//! before, `record` held the whole entity).
//!
//! The library reads an entity back from both, so the row is the record:
//! nothing is stored twice, and a million rows write a fifth of the JSON.
//! Each backend reads a row's [`COLUMNS`] into a [`StoredEntity`] with its
//! own driver.

use crate::model::{CoordSource, Entity, LonLat};
use crate::store::StoreError;
use geo::MultiPolygon;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The columns [`StoredEntity::from_row`] reads, in its order.
pub(super) const COLUMNS: &str = "id, name, kind, category, status, address, website, source, \
                                  verified_on, visibility, lon, lat, record";

/// What goes into `record`. The lists `fields` and `district_names` are
/// here although they have columns: those join the elements with `;`, which
/// an element may contain. The area is here as well as in `entity_areas`,
/// where it is a GeoPackage geometry for GIS tools.
#[derive(Serialize)]
struct RestRef<'a> {
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    fields: &'a [String],
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::model::geometry_json::optional::serialize"
    )]
    area: &'a Option<MultiPolygon<f64>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    district_names: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    description: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    success_story: &'a Option<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    license: &'a Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extra: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coord_source: &'a Option<CoordSource>,
}

/// [`RestRef`] as read back.
#[derive(Deserialize)]
struct Rest {
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default, with = "crate::model::geometry_json::optional")]
    area: Option<MultiPolygon<f64>>,
    #[serde(default)]
    district_names: Vec<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
    #[serde(default)]
    success_story: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    extra: BTreeMap<String, String>,
    #[serde(default)]
    coord_source: Option<CoordSource>,
}

/// The `record` column of an entity's row.
pub(super) fn record(e: &Entity) -> String {
    // Every field by name (no `..`): a field added to `Entity` fails to
    // compile here until it has a place in the row.
    let Entity {
        id: _,
        name: _,
        kind: _,
        category: _,
        fields,
        location: _,
        coord_source,
        area,
        district_names,
        address: _,
        website: _,
        description,
        status: _,
        start,
        end,
        success_story,
        tags,
        source: _,
        verified_on: _,
        license,
        visibility: _,
        extra,
    } = e;
    serde_json::to_string(&RestRef {
        fields,
        area,
        district_names,
        description,
        start,
        end,
        success_story,
        tags,
        license,
        extra,
        coord_source,
    })
    .expect("records serialise")
}

/// An entity from a row of schema version 3 or older (either store), whose
/// `record` held the whole entity: what each store's upgrade to version 4
/// writes again.
pub(super) fn from_whole_record(id: String, json: &str) -> Result<Entity, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        what: "entity",
        id,
        source: Box::new(e),
    })
}

/// An entity's row as read (each backend's driver fills it from the
/// [`COLUMNS`] in their order), before its values are parsed (which may run
/// on any thread).
pub(super) struct StoredEntity {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) category: Option<String>,
    pub(super) status: Option<String>,
    pub(super) address: Option<String>,
    pub(super) website: Option<String>,
    pub(super) source: Option<String>,
    pub(super) verified_on: Option<String>,
    pub(super) visibility: String,
    pub(super) lon: Option<f64>,
    pub(super) lat: Option<f64>,
    pub(super) record: String,
}

impl StoredEntity {
    /// The entity, or which value of the row is not one.
    pub(super) fn into_entity(self) -> Result<Entity, StoreError> {
        let id = self.id;
        let corrupt = |source: Box<dyn std::error::Error + Send + Sync>| StoreError::Corrupt {
            what: "entity",
            id: id.clone(),
            source,
        };
        let column = |name: &str, e: String| corrupt(format!("column {name}: {e}").into());
        let rest: Rest = serde_json::from_str(&self.record).map_err(|e| corrupt(Box::new(e)))?;
        let location = match (self.lon, self.lat) {
            (Some(lon), Some(lat)) => {
                Some(LonLat::new(lon, lat).map_err(|e| column("lon/lat", e.to_string()))?)
            }
            (None, None) => None,
            _ => return Err(column("lon/lat", "only one of the two is set".into())),
        };
        let verified_on = self
            .verified_on
            .map(|d| d.parse().map_err(|e: chrono::ParseError| e.to_string()))
            .transpose()
            .map_err(|e| column("verified_on", e))?;
        Ok(Entity {
            kind: self.kind.parse().map_err(|e| column("kind", e))?,
            status: self
                .status
                .map(|s| s.parse())
                .transpose()
                .map_err(|e| column("status", e))?,
            visibility: self
                .visibility
                .parse()
                .map_err(|e| column("visibility", e))?,
            verified_on,
            location,
            name: self.name,
            category: self.category,
            address: self.address,
            website: self.website,
            source: self.source,
            fields: rest.fields,
            area: rest.area,
            district_names: rest.district_names,
            description: rest.description,
            start: rest.start,
            end: rest.end,
            success_story: rest.success_story,
            tags: rest.tags,
            license: rest.license,
            extra: rest.extra,
            coord_source: rest.coord_source,
            id,
        })
    }
}
