//! The loaded inventory with its spatial indices.

use super::EntityRow;
use crate::districts::{Assignment, DistrictMap, DistrictRef, ResolveError};
use crate::model::{Contact, Entity, Relation, Vocabulary};
use crate::store::Snapshot;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use std::collections::HashMap;
use std::sync::Arc;

/// Errors of a question (bad names, unknown ids).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    #[error(transparent)]
    District(#[from] ResolveError),
    #[error("no entity has the id \"{0}\"")]
    UnknownEntity(String),
    #[error("entity \"{0}\" has no point or area to measure from")]
    NotLocated(String),
    #[error("district \"{0}\" has no geometry to measure from")]
    NoGeometry(String),
    #[error("the store has no districts; import some first")]
    NoDistricts,
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The question itself is not well put (a missing or bad value).
    #[error("{0}")]
    Asked(String),
}

/// A point of an entity in the R-tree: `[lon, lat]` with the entity's index.
pub type EntityPoint = GeomWithData<[f64; 2], usize>;

/// The inventory, indexed for questions.
pub struct Atlas {
    pub entities: Vec<Entity>,
    /// The districts with their hierarchy and indices; `districts[i]` is district `i`.
    /// Shared, so that several small atlases of one store index it once.
    pub districts: Arc<DistrictMap>,
    pub relations: Vec<Relation>,
    pub contacts: Vec<Contact>,
    pub vocabulary: Vocabulary,
    /// Entity points in lon/lat; used as an envelope prefilter only.
    pub points: RTree<EntityPoint>,
    /// Entities without a point (areas, named districts, city-wide).
    pub unpointed: Vec<usize>,
    /// Per entity, per level: its districts.
    pub assignments: Vec<Assignment>,
    default_level: Option<String>,
    by_id: HashMap<String, usize>,
}

impl Atlas {
    /// Indexes a snapshot.
    pub fn new(mut snapshot: Snapshot) -> Self {
        let districts = DistrictMap::new(&snapshot.levels, std::mem::take(&mut snapshot.districts));
        Self::with_districts(Arc::new(districts), snapshot)
    }

    /// Indexes a snapshot's entities on districts already indexed (the
    /// snapshot's own districts and levels are not looked at).
    pub fn with_districts(districts: Arc<DistrictMap>, snapshot: Snapshot) -> Self {
        let assignments = districts.assign_all(&snapshot.entities);
        let points = RTree::bulk_load(
            snapshot
                .entities
                .iter()
                .enumerate()
                .filter_map(|(i, e)| e.location.map(|p| GeomWithData::new([p.lon(), p.lat()], i)))
                .collect(),
        );
        let by_id = snapshot
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let unpointed = (0..snapshot.entities.len())
            .filter(|&i| snapshot.entities[i].location.is_none())
            .collect();
        Self {
            unpointed,
            vocabulary: snapshot
                .vocabulary
                .unwrap_or_else(Vocabulary::default_vocabulary),
            entities: snapshot.entities,
            districts,
            relations: snapshot.relations,
            contacts: snapshot.contacts,
            points,
            assignments,
            default_level: snapshot.default_level,
            by_id,
        }
    }

    /// The entity with this id.
    ///
    /// # Errors
    /// [`QueryError::UnknownEntity`].
    pub fn entity_index(&self, id: &str) -> Result<usize, QueryError> {
        self.by_id
            .get(id)
            .copied()
            .ok_or_else(|| QueryError::UnknownEntity(id.to_string()))
    }

    /// The level to use: the one asked for, the store's default, or the finest.
    ///
    /// # Errors
    /// [`QueryError::NoDistricts`] or an unknown level.
    pub fn level<'a>(&'a self, asked: Option<&'a str>) -> Result<&'a str, QueryError> {
        let levels = self.districts.hierarchy.levels();
        if levels.is_empty() {
            return Err(QueryError::NoDistricts);
        }
        let chosen = asked
            .or(self.default_level.as_deref())
            .unwrap_or_else(|| &levels[levels.len() - 1].id);
        if self.districts.hierarchy.level(chosen).is_none() {
            return Err(ResolveError::UnknownLevel {
                level: chosen.to_string(),
                known: self.districts.hierarchy.level_ids(),
            }
            .into());
        }
        Ok(chosen)
    }

    /// Position of a level in [`Hierarchy::levels`].
    pub fn level_position(&self, level: &str) -> usize {
        self.districts
            .hierarchy
            .levels()
            .iter()
            .position(|l| l.id == level)
            .expect("levels are checked by Atlas::level")
    }

    /// Resolves a district name (or id), optionally at a level.
    ///
    /// # Errors
    /// [`QueryError::District`] when the name is unknown or ambiguous.
    pub fn district(&self, name: &str, level: Option<&str>) -> Result<usize, QueryError> {
        Ok(self.districts.resolve(name, level)?)
    }

    /// A district by name with its boundary, for measuring from it.
    ///
    /// # Errors
    /// As [`Atlas::district`], and [`QueryError::NoGeometry`].
    pub fn district_shape(
        &self,
        name: &str,
        level: Option<&str>,
    ) -> Result<(usize, &geo::MultiPolygon<f64>), QueryError> {
        let d = self.district(name, level)?;
        let shape = self
            .districts
            .index
            .shape(d)
            .ok_or_else(|| QueryError::NoGeometry(self.districts[d].name.clone()))?;
        Ok((d, shape))
    }

    /// The display row of an entity.
    pub fn row(&self, entity: usize) -> EntityRow {
        EntityRow::new(self, entity)
    }

    /// Display name of a district reference.
    pub fn ref_name(&self, r: DistrictRef) -> &str {
        match r {
            DistrictRef::District(i) => &self.districts[i].name,
            DistrictRef::CityWide => crate::districts::CITY_WIDE,
            DistrictRef::Outside => crate::districts::OUTSIDE,
        }
    }

    /// Id of a district reference.
    pub fn ref_id(&self, r: DistrictRef) -> &str {
        self.districts.ref_id(r)
    }

    /// True when any district of the store is provisional.
    pub fn has_provisional_districts(&self) -> bool {
        self.districts.iter().any(|d| d.provisional)
    }

    /// The method text of the provisional districts (first one), for notices.
    pub fn provisional_notice(&self) -> Option<&str> {
        self.districts.iter().find(|d| d.provisional).map(|d| {
            d.method
                .as_deref()
                .unwrap_or("provisional district boundaries")
        })
    }
}
