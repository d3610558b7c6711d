//! The answers of `in` and `near` as a store hands them over: the entities
//! a question could return come a chunk at a time; a long answer keeps only
//! its keys and its records as compact JSON, and makes each record again,
//! in the answer's order, when it is written ([`Chunked::each`]). So memory
//! holds a chunk of records and the answer's text, not every record read
//! and a row for each (the Marktplatz at 10^6, 500 m, 77,710 answers:
//! 164–180 MB before, BENCHMARKS.md "Eighteenth round").

use super::around::{Frame, LIST_CHUNK};
use super::{Atlas, EntityRow, Found, QueryError};
use crate::model::Entity;
use rayon::prelude::*;
use std::cmp::Ordering;

/// How many entities a question holds at most: an ordinary neighbourhood's
/// box (500 m at 10^6: 9,494 records) is held whole with its answer; a
/// denser one's chunks keep only their answer's keys and records.
pub const HOLD_LIMIT: usize = 16_384;

/// An answer of `in` or `near`, to be written a chunk of rows at a time.
pub struct Listing {
    frame: Frame,
    /// The districts alone: levels, vocabulary, notices.
    districts: Atlas,
    answer: Answer,
}

enum Answer {
    /// The answer with the atlas of its records (what it was found among
    /// fitted in one chunk).
    Held(Box<Atlas>, Vec<Found>),
    /// The answer's keys in its order, each naming its record's JSON in
    /// `records`.
    Keyed { keys: Vec<Key>, records: Records },
}

/// Records as compact JSON, one after another in blocks of a MiB or so
/// (one growing buffer would hold twice its size while it grows).
#[derive(Default)]
struct Records {
    blocks: Vec<Vec<u8>>,
    /// Where the next record is written from.
    scratch: Vec<u8>,
}

impl Records {
    const BLOCK: usize = 1 << 20;

    /// Keeps `e`; returns where it lies.
    fn keep(&mut self, e: &Entity) -> Place {
        self.scratch.clear();
        serde_json::to_writer(&mut self.scratch, e).expect("entities serialise");
        let len = self.scratch.len();
        match self.blocks.last() {
            Some(b) if b.capacity() - b.len() >= len => {}
            _ => self.blocks.push(Vec::with_capacity(Self::BLOCK.max(len))),
        }
        let block = self.blocks.len() - 1;
        let b = &mut self.blocks[block];
        let start = b.len();
        b.extend_from_slice(&self.scratch);
        Place { block, start, len }
    }

    /// The record kept at `at` (an entity's JSON reads back equal: the
    /// stores keep revisions so, `an_entity_with_every_field_comes_back_whole`).
    fn get(&self, at: &Place) -> Entity {
        let bytes = &self.blocks[at.block][at.start..at.start + at.len];
        serde_json::from_slice(bytes).expect("an entity reads back as it was written")
    }
}

/// Where [`Records`] keeps a record.
#[derive(Debug, Clone, Default)]
struct Place {
    block: usize,
    start: usize,
    len: usize,
}

/// One entity of a long answer: its id, what orders it (`near`: the
/// distance, then the id; `in`: the name, then the id), and where its
/// record's JSON lies.
#[derive(Debug, Clone)]
pub(super) struct Key {
    distance_m: Option<f64>,
    name: Option<String>,
    id: String,
    record: Place,
}

impl Key {
    /// The key of `near`'s answer.
    pub(super) fn by_distance(atlas: &Atlas, f: Found) -> Self {
        Self {
            distance_m: f.distance_m,
            name: None,
            id: atlas.entities[f.index].id.clone(),
            record: Place::default(),
        }
    }

    /// The key of `in`'s answer.
    pub(super) fn by_name(atlas: &Atlas, f: Found) -> Self {
        let e = &atlas.entities[f.index];
        Self {
            distance_m: None,
            name: Some(e.name.clone()),
            id: e.id.clone(),
            record: Place::default(),
        }
    }

    /// The order of [`super::near_found`] and [`super::inside_found`].
    fn order(&self, other: &Self) -> Ordering {
        let distance = match (self.distance_m, other.distance_m) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            _ => Ordering::Equal,
        };
        distance
            .then_with(|| self.name.cmp(&other.name))
            .then_with(|| self.id.cmp(&other.id))
    }
}

/// A question asked of the chunks a store hands over: it holds them while
/// they fit in one chunk, else keeps only the keys of what it finds.
pub(super) struct Finding<'q> {
    /// The question, asked of an atlas of some of the entities.
    pub(super) find: &'q (dyn Fn(&Atlas) -> Result<Vec<Found>, QueryError> + Sync),
    /// What orders the answer.
    pub(super) key: fn(&Atlas, Found) -> Key,
    /// Entities every atlas the question is asked of holds (`near`'s
    /// target entity).
    pub(super) with: &'q [Entity],
    /// How many entities are held at most.
    pub(super) limit: usize,
    held: Vec<Entity>,
    /// Once what was read no longer fits: the keys found, and their records.
    keys: Option<(Vec<Key>, Records)>,
}

impl<'q> Finding<'q> {
    pub(super) fn new(
        find: &'q (dyn Fn(&Atlas) -> Result<Vec<Found>, QueryError> + Sync),
        key: fn(&Atlas, Found) -> Key,
        with: &'q [Entity],
        limit: usize,
    ) -> Self {
        Self {
            find,
            key,
            with,
            limit,
            held: Vec::new(),
            keys: None,
        }
    }

    /// Takes the next chunk.
    ///
    /// # Errors
    /// What the question fails with.
    pub(super) fn take(&mut self, frame: &Frame, chunk: Vec<Entity>) -> Result<(), QueryError> {
        if self.keys.is_none() && self.held.len() + chunk.len() <= self.limit {
            self.held.extend(chunk);
            return Ok(());
        }
        if self.keys.is_none() {
            let held = std::mem::take(&mut self.held);
            self.keys = Some(Default::default());
            self.key(frame, held)?;
        }
        self.key(frame, chunk)
    }

    /// Asks the question of a chunk, keeping the keys and the records of
    /// what it finds.
    fn key(&mut self, frame: &Frame, mut chunk: Vec<Entity>) -> Result<(), QueryError> {
        chunk.extend(self.with.iter().cloned());
        let atlas = frame.atlas(chunk);
        let found = (self.find)(&atlas)?;
        let (keys, records) = self.keys.get_or_insert_with(Default::default);
        for f in found {
            keys.push(Key {
                record: records.keep(&atlas.entities[f.index]),
                ..(self.key)(&atlas, f)
            });
        }
        Ok(())
    }

    /// The answer: asked of everything held, or its keys in order (an
    /// entity handed over twice once).
    pub(super) fn finish(self, frame: Frame) -> Result<Listing, QueryError> {
        let answer = match self.keys {
            None => {
                let mut held = self.held;
                held.extend(self.with.iter().cloned());
                let atlas = frame.atlas(held);
                let found = (self.find)(&atlas)?;
                Answer::Held(Box::new(atlas), found)
            }
            Some((mut keys, records)) => {
                keys.sort_by(Key::order);
                keys.dedup_by(|a, b| a.id == b.id);
                Answer::Keyed { keys, records }
            }
        };
        Ok(Listing {
            districts: frame.atlas(Vec::new()),
            frame,
            answer,
        })
    }
}

impl Listing {
    /// How many rows the answer has.
    pub fn len(&self) -> usize {
        match &self.answer {
            Answer::Held(_, found) => found.len(),
            Answer::Keyed { keys, .. } => keys.len(),
        }
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps the first `k` rows.
    pub(super) fn truncate(&mut self, k: usize) {
        match &mut self.answer {
            Answer::Held(_, found) => found.truncate(k),
            Answer::Keyed { keys, .. } => keys.truncate(k),
        }
    }

    /// Every row of the answer.
    ///
    /// # Errors
    /// As [`Chunked::each`].
    pub fn rows(&self) -> Result<Vec<EntityRow>, QueryError> {
        let mut all = Vec::with_capacity(self.len());
        self.each(|_, rows| {
            all.extend(rows);
            Ok::<(), QueryError>(())
        })?;
        Ok(all)
    }
}

/// Rows handed over a chunk at a time, each chunk with its small atlas:
/// `list`'s ([`super::Rows`]) and the answers of `in` and `near`
/// ([`Listing`]), for writers that write them as they come.
pub trait Chunked {
    /// The atlas of the districts alone (levels, vocabulary, notices), for
    /// what a writer puts before and after the rows.
    fn districts(&self) -> &Atlas;

    /// True when the rows carry distances (`near`'s, unless it found nothing).
    fn with_distance(&self) -> bool;

    /// Hands the rows to `f` in order, a chunk at a time, with the small
    /// atlas of that chunk (its records, the districts, the vocabulary).
    ///
    /// # Errors
    /// When the store fails ([`QueryError`]), or what `f` returns.
    fn each<E: From<QueryError> + Send>(
        &self,
        f: impl FnMut(&Atlas, Vec<EntityRow>) -> Result<(), E> + Send,
    ) -> Result<(), E>;
}

impl Chunked for Listing {
    fn districts(&self) -> &Atlas {
        &self.districts
    }

    fn with_distance(&self) -> bool {
        match &self.answer {
            Answer::Held(_, found) => found.iter().any(|f| f.distance_m.is_some()),
            Answer::Keyed { keys, .. } => keys.iter().any(|k| k.distance_m.is_some()),
        }
    }

    /// A long answer's records become records again here, a chunk at a time.
    fn each<E: From<QueryError> + Send>(
        &self,
        mut f: impl FnMut(&Atlas, Vec<EntityRow>) -> Result<(), E> + Send,
    ) -> Result<(), E> {
        match &self.answer {
            Answer::Held(atlas, found) => {
                for part in found.chunks(LIST_CHUNK) {
                    f(atlas, part.iter().map(|x| x.row(atlas)).collect())?;
                }
            }
            Answer::Keyed { keys, records } => {
                for part in keys.chunks(LIST_CHUNK) {
                    let entities: Vec<Entity> =
                        part.par_iter().map(|k| records.get(&k.record)).collect();
                    // Each id once (the keys are), so entity `i` is key `i`.
                    let atlas = self.frame.atlas(entities);
                    let rows = part
                        .iter()
                        .enumerate()
                        .map(|(index, k)| {
                            let distance_m = k.distance_m;
                            Found { index, distance_m }.row(&atlas)
                        })
                        .collect();
                    f(&atlas, rows)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntityKind;

    /// Records longer than what is left of a block start a new one, and
    /// each comes back as it was kept.
    #[test]
    fn records_come_back_from_any_block() {
        let mut records = Records::default();
        let kept: Vec<Entity> = (0..5)
            .map(|i| {
                let mut e = Entity::new(format!("e{i}"), "Verein", EntityKind::Partner);
                e.description = Some("x".repeat(300_000 * (i % 3)));
                e
            })
            .collect();
        let places: Vec<Place> = kept.iter().map(|e| records.keep(e)).collect();
        assert!(records.blocks.len() >= 2, "{} blocks", records.blocks.len());
        for (e, at) in kept.iter().zip(&places).rev() {
            assert_eq!(&records.get(at), e);
        }
    }
}
