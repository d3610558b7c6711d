//! Questions about one place, answered from a [`Store`] without loading it
//! whole: the store hands over the districts and only the entities near the
//! place (through its spatial index), and the usual question runs on that
//! small [`Atlas`]. The answers are the same as on the whole inventory,
//! because every entity the question could return is among those read.

use super::near::{envelope, widening_radii};
use super::{
    Atlas, EntityRow, Filter, Matrix, MatrixBy, MatrixCounter, NearTarget, QueryError, Reach,
    WhereRow, near, where_entity, where_point,
};
use crate::metric::geodesic;
use crate::model::{Entity, LonLat, Meters};
use crate::store::{Snapshot, Store};
use geo::BoundingRect;

/// How many entities a streamed question holds in memory at once.
const CHUNK: usize = 50_000;

/// An answer together with the small atlas it was found in (for output that
/// needs geometry or district names).
pub struct Around<T> {
    pub atlas: Atlas,
    pub answer: T,
}

/// The atlas of the store's districts and the given entities (each id once;
/// the order does not matter, answers are sorted by their own keys).
fn atlas_of(frame: &Snapshot, mut entities: Vec<Entity>) -> Atlas {
    let mut seen = std::collections::HashSet::with_capacity(entities.len());
    entities.retain(|e| seen.insert(e.id.clone()));
    Atlas::new(Snapshot {
        entities,
        ..frame.clone()
    })
}

/// [`near`], reading only the entities around the target.
///
/// # Errors
/// [`QueryError`] as [`near`], or when the store fails.
pub fn near_in_store(
    store: &dyn Store,
    target: &NearTarget,
    reach: Reach,
    filter: &Filter,
) -> Result<Around<Vec<EntityRow>>, QueryError> {
    let frame = store.frame()?;
    // What is measured from, and which entities the answer needs besides
    // those near it: the target entity itself, and for a district the
    // entities that only name a district.
    let (rect, always) = match target {
        NearTarget::At(p) => (geo::Rect::new(p.point().0, p.point().0), Vec::new()),
        NearTarget::Entity(id) => {
            let e = store
                .entities_by_id(&[id])?
                .pop()
                .ok_or_else(|| QueryError::UnknownEntity(id.clone()))?;
            let rect = match (e.location, &e.area) {
                (Some(p), _) => geo::Rect::new(p.point().0, p.point().0),
                (None, Some(area)) => area.bounding_rect().expect("non-empty area"),
                (None, None) => return Err(QueryError::NotLocated(id.clone())),
            };
            (rect, vec![e])
        }
        NearTarget::District { name, level } => {
            let districts = Atlas::new(frame.clone());
            let d = districts.district(name, level.as_deref())?;
            let shape = districts
                .districts
                .index
                .shape(d)
                .ok_or_else(|| QueryError::NoGeometry(districts.districts[d].name.clone()))?;
            let rect = shape.bounding_rect().expect("indexed shapes are non-empty");
            (rect, store.entities_without_point()?)
        }
    };
    // From a point, points farther than the radius need not be read at all.
    let centre = match target {
        NearTarget::At(p) => Some(*p),
        _ => always
            .first()
            .filter(|_| matches!(target, NearTarget::Entity(_)))
            .and_then(|e| e.location),
    };
    let load = |radius: Meters, always: &[Entity]| -> Result<Atlas, QueryError> {
        let b = envelope(rect, radius);
        let (min, max) = (b.lower(), b.upper());
        let keep = |lon: f64, lat: f64| match (centre, LonLat::new(lon, lat)) {
            (Some(c), Ok(q)) => geodesic(c, q).get() <= radius.get(),
            _ => true,
        };
        let mut entities = store.entities_in_box((min[0], min[1]), (max[0], max[1]), &keep)?;
        entities.extend(always.iter().cloned());
        Ok(atlas_of(&frame, entities))
    };
    match reach {
        Reach::Within(m) => {
            let atlas = load(m, &always)?;
            let answer = near(&atlas, target, reach, filter)?;
            Ok(Around { atlas, answer })
        }
        Reach::Nearest(k) => {
            let mut last = None;
            for radius in widening_radii() {
                let atlas = load(radius, &always)?;
                let mut answer = near(&atlas, target, Reach::Within(radius), filter)?;
                let enough = answer.len() >= k;
                answer.truncate(k);
                last = Some(Around { atlas, answer });
                if enough {
                    break;
                }
            }
            Ok(last.expect("at least one radius is tried"))
        }
    }
}

/// [`where_point`], reading only the districts.
///
/// # Errors
/// [`QueryError`] when the store fails.
pub fn where_point_in_store(store: &dyn Store, p: LonLat) -> Result<Vec<WhereRow>, QueryError> {
    let atlas = Atlas::new(store.frame()?);
    Ok(where_point(&atlas, p))
}

/// [`where_entity`], reading only the districts and that entity.
///
/// # Errors
/// [`QueryError::UnknownEntity`], or when the store fails.
pub fn where_entity_in_store(store: &dyn Store, id: &str) -> Result<Vec<WhereRow>, QueryError> {
    let frame = store.frame()?;
    let atlas = atlas_of(&frame, store.entities_by_id(&[id])?);
    where_entity(&atlas, id)
}

/// [`super::matrix`], reading the entities in chunks, so that memory does
/// not grow with the inventory.
///
/// # Errors
/// [`QueryError`] for an unknown level, or when the store fails.
pub fn matrix_in_store(
    store: &dyn Store,
    level: Option<&str>,
    by: MatrixBy,
    per_capita: bool,
    filter: &Filter,
) -> Result<Around<Matrix>, QueryError> {
    let districts = Atlas::new(store.frame()?);
    let mut counter = MatrixCounter::new(&districts, level, by, filter)?;
    store.for_each_entity_chunk(CHUNK, &mut |chunk| {
        let assignments = districts.districts.assign_all(&chunk);
        for (e, a) in chunk.iter().zip(&assignments) {
            counter.add(e, a);
        }
        Ok(())
    })?;
    let answer = counter.finish(&districts, per_capita);
    Ok(Around {
        atlas: districts,
        answer,
    })
}
