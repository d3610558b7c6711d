//! Questions about one place, answered from a [`Store`] without loading it
//! whole: the store hands over the districts and only the entities near the
//! place (through its spatial index), and the usual question runs on that
//! small [`Atlas`]. The answers are the same as on the whole inventory,
//! because every entity the question could return is among those read.

use super::listing::{Chunked, Finding, HOLD_LIMIT, Key, Listing};
use super::near::{envelope, widening_radii};
use super::{
    Atlas, EntityRow, Filter, Matrix, MatrixBy, MatrixCounter, NearTarget, QueryError, Reach,
    WhereRow, near_found, where_entity, where_point,
};
use crate::districts::{CITY_WIDE, DistrictMap, DistrictRef, OUTSIDE};
use crate::metric::within;
use crate::model::{Entity, LonLat, Meters};
use crate::store::tally::{Place, Tally};
use crate::store::{EntityOrder, Snapshot, Store, StoreError, in_chunks};
use geo::BoundingRect;
use std::sync::Arc;

/// How many entities a streamed question holds in memory at once.
pub(super) const CHUNK: usize = 50_000;

/// The chunk of [`Chunked::each`]: its rows are written out as they come,
/// so a small one keeps memory small (three are held at once: one read,
/// one parsed, one written) at little cost per chunk.
pub(super) const LIST_CHUNK: usize = 4_096;

/// What a store's reader hands its chunks to.
pub(super) type Chunks<'a> = dyn FnMut(Vec<Entity>) -> Result<(), StoreError> + Send + 'a;

/// What takes a question's chunks, with the frame.
pub(super) type Take<'a> = dyn FnMut(&Frame, Vec<Entity>) -> Result<(), QueryError> + Send + 'a;

/// An answer together with the small atlas it was found in (for output that
/// needs geometry or district names).
pub struct Around<T> {
    pub atlas: Atlas,
    pub answer: T,
}

/// The store's districts, indexed once per question, and everything else of
/// its frame (levels, vocabulary, default level) for the small atlases.
#[derive(Clone)]
pub(super) struct Frame {
    districts: Arc<DistrictMap>,
    rest: Snapshot,
}

impl Frame {
    pub(super) fn read(store: &dyn Store) -> Result<Self, QueryError> {
        Ok(Self::of(store.frame()?))
    }

    /// Indexes the districts of a store's frame.
    fn of(mut rest: Snapshot) -> Self {
        let districts = DistrictMap::new(&rest.levels, std::mem::take(&mut rest.districts));
        Self {
            districts: Arc::new(districts),
            rest,
        }
    }

    /// The frame (unless `given`), and the entities `read` hands over a
    /// chunk at a time, each given to `take` with the frame. `read` runs on
    /// a second reader of the store's snapshot on another thread where the
    /// store gives one ([`Store::beside`]); else the districts are indexed
    /// on another thread while `read` reads its first chunk.
    pub(super) fn read_chunks(
        store: &dyn Store,
        given: Option<Frame>,
        read: &(dyn Fn(&dyn Store, &mut Chunks<'_>) -> Result<(), StoreError> + Sync),
        take: &mut Take<'_>,
    ) -> Result<Frame, QueryError> {
        // A failure of `take` travels through the store's reader as a
        // StoreError; it is kept here and returned as it was.
        let mut failed = None;
        let mut taking = |frame: &Frame, chunk| {
            take(frame, chunk).map_err(|e| {
                failed = Some(e);
                StoreError::Stopped
            })
        };
        let (frame, read) = if let Some(frame) = given {
            let read = read(store, &mut |chunk| taking(&frame, chunk));
            (Ok(frame), read)
        } else if let Some(open) = store.beside()? {
            std::thread::scope(|scope| {
                // One chunk waits while the next is read.
                let (send, chunks) = std::sync::mpsc::sync_channel::<Vec<Entity>>(1);
                let reading = scope.spawn(move || -> Result<(), StoreError> {
                    read(&*open()?, &mut |chunk| {
                        send.send(chunk).map_err(|_| StoreError::Stopped)
                    })
                });
                let frame = Self::read(store);
                let taken = match &frame {
                    Ok(frame) => chunks.iter().try_for_each(|chunk| taking(frame, chunk)),
                    Err(_) => Ok(()),
                };
                // The reader stops at its next chunk once no one takes them.
                drop(chunks);
                (frame, taken.and(joined(reading)))
            })
        } else {
            let rest = store.frame()?;
            std::thread::scope(|scope| {
                let mut indexing = Some(scope.spawn(|| Self::of(rest)));
                let mut frame = None;
                let read = read(store, &mut |chunk| {
                    let frame = frame.get_or_insert_with(|| {
                        joined(indexing.take().expect("the frame is joined once"))
                    });
                    taking(frame, chunk)
                });
                let frame = frame.unwrap_or_else(|| joined(indexing.take().expect("not joined")));
                (Ok(frame), read)
            })
        };
        let frame = frame?;
        match failed {
            Some(e) => Err(e),
            None => Ok(read.map(|()| frame)?),
        }
    }

    /// The atlas of these districts and the given entities (each id once;
    /// the order does not matter, answers are sorted by their own keys).
    pub(super) fn atlas(&self, mut entities: Vec<Entity>) -> Atlas {
        let mut seen = std::collections::HashSet::with_capacity(entities.len());
        entities.retain(|e| seen.insert(e.id.clone()));
        Atlas::with_districts(
            Arc::clone(&self.districts),
            Snapshot {
                entities,
                ..self.rest.clone()
            },
        )
    }
}

/// What a scoped thread returned (its panic goes on in the caller).
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// [`super::near`], reading only the entities around the target, a chunk
/// at a time, holding at most [`HOLD_LIMIT`] of them.
///
/// # Errors
/// [`QueryError`] as [`super::near`], or when the store fails.
pub fn near_in_store(
    store: &dyn Store,
    target: &NearTarget,
    reach: Reach,
    filter: &Filter,
) -> Result<Listing, QueryError> {
    near_in_store_by(store, target, reach, filter, HOLD_LIMIT)
}

/// [`near_in_store`] holding at most `limit` entities of the box at once
/// (tests take the path of a dense box with small limits).
///
/// # Errors
/// As [`near_in_store`].
pub fn near_in_store_by(
    store: &dyn Store,
    target: &NearTarget,
    reach: Reach,
    filter: &Filter,
    limit: usize,
) -> Result<Listing, QueryError> {
    // What is measured from (a box, and a point when it is one), and which
    // entities the answer needs besides those near it: the target entity
    // itself in every atlas asked, and for a district the entities that
    // only name a district. Only a district needs the frame first.
    let point_rect = |p: LonLat| geo::Rect::new(p.point().0, p.point().0);
    let mut frame = None;
    let (rect, centre, with, unpointed) = match target {
        NearTarget::At(p) => (point_rect(*p), Some(*p), Vec::new(), false),
        NearTarget::Entity(id) => {
            let e = store
                .entities_by_id(&[id])?
                .pop()
                .ok_or_else(|| QueryError::UnknownEntity(id.clone()))?;
            let rect = match (e.location, &e.area) {
                (Some(p), _) => point_rect(p),
                (None, Some(area)) => area.bounding_rect().expect("non-empty area"),
                (None, None) => return Err(QueryError::NotLocated(id.clone())),
            };
            (rect, e.location, vec![e], false)
        }
        NearTarget::District { name, level } => {
            let read = Frame::read(store)?;
            let rect = read
                .atlas(Vec::new())
                .district_shape(name, level.as_deref())?
                .1
                .bounding_rect()
                .expect("indexed shapes are non-empty");
            frame = Some(read);
            (rect, None, Vec::new(), true)
        }
    };
    let mut radii: Box<dyn Iterator<Item = Meters>> = match reach {
        Reach::Within(m) => Box::new(std::iter::once(m)),
        Reach::Nearest(_) => Box::new(widening_radii()),
    };
    let mut radius = radii.next().expect("at least one radius is tried");
    loop {
        let b = envelope(rect, radius);
        let (min, max) = ((b.lower()[0], b.lower()[1]), (b.upper()[0], b.upper()[1]));
        // From a point, points farther than the radius need not be read at all.
        let keep = |lon: f64, lat: f64| match (centre, LonLat::new(lon, lat)) {
            (Some(c), Ok(q)) => within(c, q, radius),
            _ => true,
        };
        let read = |store: &dyn Store, f: &mut Chunks<'_>| {
            store.for_each_in_box(min, max, &keep, LIST_CHUNK.min(limit), f)?;
            if unpointed {
                in_chunks(store.entities_without_point()?, LIST_CHUNK.min(limit), f)?;
            }
            Ok(())
        };
        let asked = match reach {
            Reach::Within(_) => reach,
            Reach::Nearest(_) => Reach::Within(radius),
        };
        let find = |atlas: &Atlas| near_found(atlas, target, asked, filter);
        let mut finding = Finding::new(&find, Key::by_distance, &with, limit);
        let read = Frame::read_chunks(store, frame.take(), &read, &mut |frame, entities| {
            finding.take(frame, entities)
        })?;
        let mut answer = finding.finish(read.clone())?;
        match (reach, radii.next()) {
            (Reach::Nearest(k), Some(next)) if answer.len() < k => {
                frame = Some(read);
                radius = next;
            }
            (Reach::Nearest(k), _) => {
                answer.truncate(k);
                return Ok(answer);
            }
            (Reach::Within(_), _) => return Ok(answer),
        }
    }
}

/// [`where_point`], reading only the districts.
///
/// # Errors
/// [`QueryError`] when the store fails.
pub fn where_point_in_store(store: &dyn Store, p: LonLat) -> Result<Vec<WhereRow>, QueryError> {
    let atlas = Frame::read(store)?.atlas(Vec::new());
    Ok(where_point(&atlas, p))
}

/// [`where_entity`], reading only the districts and that entity.
///
/// # Errors
/// [`QueryError::UnknownEntity`], or when the store fails.
pub fn where_entity_in_store(store: &dyn Store, id: &str) -> Result<Vec<WhereRow>, QueryError> {
    let atlas = Frame::read(store)?.atlas(store.entities_by_id(&[id])?);
    where_entity(&atlas, id)
}

/// One entity with its relations (and the entities at their other ends,
/// for their names) and its contacts, read from the store by id: the small
/// atlas `show` needs, and the entity's index in it.
///
/// # Errors
/// [`QueryError`] for an unknown id, or when the store fails.
pub fn entity_in_store(store: &dyn Store, id: &str) -> Result<Around<usize>, QueryError> {
    let frame = Frame::read(store)?;
    let relations = store.relations_of(id)?;
    let contacts = store.contacts_of(id)?;
    let mut ids: Vec<&str> = vec![id];
    for r in &relations {
        ids.push(&r.from);
        ids.push(&r.to);
    }
    let mut atlas = frame.atlas(store.entities_by_id(&ids)?);
    atlas.relations = relations;
    atlas.contacts = contacts;
    let answer = atlas.entity_index(id)?;
    Ok(Around { atlas, answer })
}

/// [`super::matrix`], from the store's kept counts where it has them (a
/// few thousand rows, whatever the inventory's size), else reading the
/// entities in chunks, so that memory does not grow with the inventory.
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
    let districts = Frame::read(store)?.atlas(Vec::new());
    let mut counter = MatrixCounter::new(&districts, level, by, filter)?;
    let level = counter.level().to_string();
    let counted = Counted::read(store, &districts, filter, [None, Some(level.as_str())])?;
    match counted {
        Some(counted) => {
            for (tally, at) in counted.0 {
                counter.add_counted(&tally.profile.stand_in(), at, count(tally.n));
            }
        }
        None => store.for_each_entity_chunk(CHUNK, EntityOrder::Stored, &mut |chunk| {
            let assignments = districts.districts.assign_all(&chunk);
            for (e, a) in chunk.iter().zip(&assignments) {
                counter.add(e, a);
            }
            Ok(())
        })?,
    }
    let answer = counter.finish(&districts, per_capita);
    Ok(Around {
        atlas: districts,
        answer,
    })
}

/// [`super::district_table`], from the store's kept counts where it has
/// them, else reading the entities in chunks.
///
/// # Errors
/// [`QueryError`] for an unknown level, or when the store fails.
pub fn district_table_in_store(
    store: &dyn Store,
    level: Option<&str>,
    filter: &Filter,
) -> Result<Vec<super::DistrictRow>, QueryError> {
    let districts = Frame::read(store)?.atlas(Vec::new());
    let mut counter = super::DistrictCounter::new(&districts, level, filter)?;
    let levels: Vec<String> = districts
        .districts
        .hierarchy
        .levels()
        .iter()
        .map(|l| l.id.clone())
        .filter(|l| level.is_none_or(|x| x == l))
        .collect();
    let counted = Counted::read(
        store,
        &districts,
        filter,
        levels.iter().map(|l| Some(l.as_str())),
    )?;
    match counted {
        Some(counted) => {
            for (tally, at) in counted.0 {
                if let (Place::District { level, .. }, Some(at)) = (&tally.place, at) {
                    let e = tally.profile.stand_in();
                    counter.add_counted(&districts, &e, level, at, count(tally.n));
                }
            }
        }
        None => store.for_each_entity_chunk(CHUNK, EntityOrder::Stored, &mut |chunk| {
            let assignments = districts.districts.assign_all(&chunk);
            for (e, a) in chunk.iter().zip(&assignments) {
                counter.add(&districts, e, a);
            }
            Ok(())
        })?,
    }
    Ok(counter.finish(&districts))
}

/// A store's kept counts at some levels (`None`: the entity totals), each
/// with the district it names.
struct Counted(Vec<(Tally, Option<DistrictRef>)>);

impl Counted {
    /// `None` when the store keeps no counts, when the filter asks for
    /// tags (not part of a profile), or when a count names a district the
    /// store does not have (then the entities are counted instead).
    fn read<'a>(
        store: &dyn Store,
        atlas: &Atlas,
        filter: &Filter,
        levels: impl IntoIterator<Item = Option<&'a str>>,
    ) -> Result<Option<Self>, QueryError> {
        if !filter.tags.is_empty() {
            return Ok(None);
        }
        let map = &atlas.districts;
        let mut by_id: std::collections::HashMap<&str, DistrictRef> = (0..map.len())
            .map(|d| (map[d].id.as_str(), DistrictRef::District(d)))
            .collect();
        by_id.insert(CITY_WIDE, DistrictRef::CityWide);
        by_id.insert(OUTSIDE, DistrictRef::Outside);
        let mut counted = Vec::new();
        for level in levels {
            let Some(tallies) = store.tallies(level)? else {
                return Ok(None);
            };
            for t in tallies {
                let at = match &t.place {
                    Place::Entities => None,
                    Place::District { district_id, .. } => match by_id.get(district_id.as_str()) {
                        Some(r) => Some(*r),
                        None => return Ok(None),
                    },
                };
                counted.push((t, at));
            }
        }
        Ok(Some(Counted(counted)))
    }
}

/// A kept count as a number of entities.
fn count(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// [`super::gaps`], from [`matrix_in_store`].
///
/// # Errors
/// As [`matrix_in_store`].
pub fn gaps_in_store(
    store: &dyn Store,
    level: Option<&str>,
    filter: &Filter,
) -> Result<Around<Vec<super::Gap>>, QueryError> {
    let Around { atlas, answer } = matrix_in_store(store, level, MatrixBy::Field, false, filter)?;
    let gaps = super::gaps_of(&atlas, &answer);
    Ok(Around {
        atlas,
        answer: gaps,
    })
}

/// The entities that pass a filter as rows, in an order (`list`:
/// [`EntityOrder::Listed`]; exports: [`EntityOrder::ById`]), read from the
/// store a chunk at a time ([`Chunked::each`]) so that a caller can write them
/// out as they come and memory holds one chunk, whatever the store's size.
pub struct Rows<'s> {
    store: &'s dyn Store,
    frame: Frame,
    /// The districts alone: levels, vocabulary, notices.
    districts: Atlas,
    filter: Filter,
    order: EntityOrder,
    /// With the internal profile: contact persons by entity.
    people: Option<std::collections::HashMap<String, Vec<crate::model::Contact>>>,
}

impl<'s> Rows<'s> {
    /// Reads the districts (and with `contacts` every contact person) of
    /// `store`; the entities are read by [`Chunked::each`].
    ///
    /// # Errors
    /// When the store fails.
    pub fn read(
        store: &'s dyn Store,
        filter: &Filter,
        order: EntityOrder,
        contacts: bool,
    ) -> Result<Self, QueryError> {
        let frame = Frame::read(store)?;
        let people = if contacts {
            let mut by_entity = std::collections::HashMap::<_, Vec<_>>::new();
            for c in store.contacts()? {
                by_entity.entry(c.entity.clone()).or_default().push(c);
            }
            Some(by_entity)
        } else {
            None
        };
        Ok(Self {
            store,
            districts: frame.atlas(Vec::new()),
            frame,
            filter: filter.clone(),
            order,
            people,
        })
    }
}

impl Chunked for Rows<'_> {
    fn districts(&self) -> &Atlas {
        &self.districts
    }

    fn with_distance(&self) -> bool {
        false
    }

    /// Each chunk's atlas holds its contact persons when they were read.
    fn each<E: From<QueryError> + Send>(
        &self,
        mut f: impl FnMut(&Atlas, Vec<EntityRow>) -> Result<(), E> + Send,
    ) -> Result<(), E> {
        // A failure of `f` travels through the store's reader as a
        // StoreError; it is kept here and returned as it was.
        let mut failed = None;
        let (frame, people, filter) = (&self.frame, &self.people, &self.filter);
        let read = self
            .store
            .for_each_entity_chunk(LIST_CHUNK, self.order, &mut |chunk| {
                let mut atlas = frame.atlas(chunk);
                if let Some(people) = people {
                    atlas.contacts = atlas
                        .entities
                        .iter()
                        .filter_map(|e| people.get(&e.id))
                        .flatten()
                        .cloned()
                        .collect();
                }
                let rows: Vec<EntityRow> = (0..atlas.entities.len())
                    .filter(|&i| filter.matches(&atlas.entities[i]))
                    .map(|i| atlas.row(i))
                    .collect();
                if rows.is_empty() {
                    return Ok(());
                }
                f(&atlas, rows).map_err(|e| {
                    failed = Some(e);
                    crate::store::StoreError::Stopped
                })
            });
        if let Some(e) = failed {
            return Err(e);
        }
        read.map_err(|e| E::from(QueryError::from(e)))
    }
}

/// [`super::inside`], reading only the entities whose point lies in the
/// named districts' extent and those without a point (areas, records named
/// by a district, city-wide ones): every entity the answer could hold, a
/// chunk at a time, holding at most [`HOLD_LIMIT`] of them.
///
/// # Errors
/// [`QueryError`] for an unknown or ambiguous district, or when the store fails.
pub fn inside_in_store(
    store: &dyn Store,
    names: &[String],
    level: Option<&str>,
    filter: &Filter,
) -> Result<Listing, QueryError> {
    inside_in_store_by(store, names, level, filter, HOLD_LIMIT)
}

/// [`inside_in_store`] holding at most `limit` entities at once.
///
/// # Errors
/// As [`inside_in_store`].
pub fn inside_in_store_by(
    store: &dyn Store,
    names: &[String],
    level: Option<&str>,
    filter: &Filter,
    limit: usize,
) -> Result<Listing, QueryError> {
    let frame = Frame::read(store)?;
    let empty = frame.atlas(Vec::new());
    let map = &empty.districts;
    let mut extent: Option<geo::Rect<f64>> = None;
    for name in names {
        let d = empty.district(name, level)?;
        // A district without a boundary of its own is the union of its parts.
        for x in (0..map.len()).filter(|&x| map.hierarchy.is_within(x, d)) {
            if let Some(r) = map.index.shape(x).and_then(|s| s.bounding_rect()) {
                extent = Some(match extent {
                    None => r,
                    Some(e) => geo::Rect::new(
                        geo::coord! {x: e.min().x.min(r.min().x), y: e.min().y.min(r.min().y)},
                        geo::coord! {x: e.max().x.max(r.max().x), y: e.max().y.max(r.max().y)},
                    ),
                });
            }
        }
    }
    let read = |store: &dyn Store, f: &mut Chunks<'_>| {
        in_chunks(store.entities_without_point()?, LIST_CHUNK.min(limit), f)?;
        match extent {
            Some(r) => store.for_each_in_box(
                (r.min().x, r.min().y),
                (r.max().x, r.max().y),
                &|_, _| true,
                LIST_CHUNK.min(limit),
                f,
            ),
            None => Ok(()),
        }
    };
    let find = |atlas: &Atlas| super::inside_found(atlas, names, level, filter);
    let mut finding = Finding::new(&find, Key::by_name, &[], limit);
    let frame = Frame::read_chunks(store, Some(frame), &read, &mut |frame, entities| {
        finding.take(frame, entities)
    })?;
    finding.finish(frame)
}
