//! Storage of the inventory behind the [`Store`] interface.
//!
//! The store speaks records, not geometry algorithms: it keeps what the import
//! planned (a [`ChangeSet`]) in one transaction and gives back a [`Snapshot`].
//! SQL that only SQLite understands stays in [`sqlite`]; a PostGIS backend
//! would implement the same trait.

mod ahead;
pub mod copy;
mod entity_row;
pub mod location;
pub mod postgres;
pub mod sqlite;
pub mod tally;
pub mod web;

use crate::model::{Contact, District, Entity, Level, Relation, Vocabulary};
use serde::Serialize;
use std::path::PathBuf;

pub use location::Location;

/// A lon/lat box: its south-west and north-east corners, `(lon, lat)`.
pub type LonLatBox = ((f64, f64), (f64, f64));

/// Opens a second reader of a store's snapshot: see [`Store::beside`].
pub type OpenBeside = Box<dyn FnOnce() -> Result<Box<dyn Store>, StoreError> + Send>;

/// Hands `all` to `f` at most `size` at a time, in order.
///
/// # Errors
/// What `f` returns.
pub(crate) fn in_chunks(
    mut all: Vec<Entity>,
    size: usize,
    f: &mut (dyn FnMut(Vec<Entity>) -> Result<(), StoreError> + Send),
) -> Result<(), StoreError> {
    while !all.is_empty() {
        let rest = all.split_off(all.len().min(size.max(1)));
        f(std::mem::replace(&mut all, rest))?;
    }
    Ok(())
}

/// The order in which [`Store::for_each_entity_chunk`] hands entities over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityOrder {
    /// As they are stored: cheapest, for questions whose answers do not
    /// depend on it (a PostGIS store keeps neighbours together, not the
    /// order they were written in).
    Stored,
    /// As the imports wrote them (by row number, `fid`): what a copy keeps.
    Written,
    /// As listings show them: by kind ([`crate::model::EntityKind::ALL`]),
    /// then name, then id, comparing bytes.
    Listed,
    /// By id, comparing bytes: as exports write them.
    ById,
}

impl EntityOrder {
    /// The comparison of [`EntityOrder::Listed`].
    pub fn listed(a: &Entity, b: &Entity) -> std::cmp::Ordering {
        a.kind
            .cmp(&b.kind)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    }

    /// The SQL that sorts a table's rows by their kind as
    /// [`EntityOrder::Listed`] does (the kinds' ranks).
    pub(crate) fn kind_rank_sql() -> String {
        let mut s = String::from("CASE kind");
        for (rank, kind) in crate::model::EntityKind::ALL.iter().enumerate() {
            s.push_str(&format!(" WHEN '{}' THEN {rank}", kind.as_str()));
        }
        s.push_str(" END");
        s
    }
}
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Everything the store holds, as plain records.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub entities: Vec<Entity>,
    pub districts: Vec<District>,
    /// Levels, coarse to fine.
    pub levels: Vec<Level>,
    pub relations: Vec<Relation>,
    pub contacts: Vec<Contact>,
    /// The store's vocabulary; `None` when no import brought one.
    pub vocabulary: Option<Vocabulary>,
    /// The level listings use when none is asked for.
    pub default_level: Option<String>,
    /// True when `entities` holds only part of the store (those an import
    /// brings and their neighbours), not every entity.
    pub partial: bool,
}

/// One stored district assignment: `entity_id` lies in `district_id` at `level`.
/// `district_id` may be the bucket `city-wide` or `outside`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AssignmentRow {
    pub entity_id: String,
    pub level: String,
    pub district_id: String,
}

/// District assignments an import writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Assignments {
    /// Every assignment of the store (the old ones are replaced).
    All(Vec<AssignmentRow>),
    /// The assignments of these entities only (theirs are replaced; an
    /// entity without rows here has none afterwards).
    Of {
        entities: Vec<String>,
        rows: Vec<AssignmentRow>,
    },
}

/// What one import changes; the store applies it in one transaction.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    /// New or changed entities (each becomes a new revision).
    pub entities: Vec<Entity>,
    /// New or changed districts (each becomes a new revision).
    pub districts: Vec<District>,
    /// Ids of districts to remove (their revisions are kept).
    pub removed_districts: Vec<String>,
    /// The complete level list, when it changes.
    pub levels: Option<Vec<Level>>,
    /// Relations to add or whose `source` changed (identity: from, to, role, field).
    pub relations: Vec<Relation>,
    /// Contacts to add or update (identity: entity, name).
    pub contacts: Vec<Contact>,
    pub vocabulary: Option<Vocabulary>,
    pub default_level: Option<String>,
    /// District assignments that change, when any do.
    pub assignments: Option<Assignments>,
    /// The files this import read, for the import log.
    pub files: Vec<PathBuf>,
    /// The last import the plan saw ([`Store::last_import`] when it read the
    /// store). The store refuses the change set if a later import changed
    /// one of its records, or changed districts while it assigns any
    /// ([`StoreError::Conflict`]). `None`: not planned against a store.
    pub based_on: Option<i64>,
    /// For a new store only ([`copy::copy`]): the import log and revisions
    /// to keep instead of this write's own entry and first revisions.
    pub history: Option<copy::History>,
    /// The approval of a pending submission that this import writes: it is
    /// marked approved (with this import's id) in the same transaction, or
    /// the import is refused ([`StoreError::NotPending`]).
    pub decision: Option<web::Decision>,
}

/// Every revision after import `$1`, as (record kind, id, import) in the
/// order of imports, for [`conflict`]: those kept in `revisions` (superseded
/// ones, districts') and the entities' current ones, which are their rows.
/// The same SQL on both backends.
pub(crate) const CHANGED_SINCE: &str = "SELECT record_kind, record_id, import_id FROM revisions \
     WHERE import_id > $1 UNION ALL SELECT 'entity', id, import_id FROM entities \
     WHERE import_id > $1 ORDER BY 3, 1, 2";

/// The conflict, if any, between a change set planned on the store as of
/// its [`ChangeSet::based_on`] and the records written since: `changed`
/// gives (record kind, id, import) of every revision after that import.
pub fn conflict(
    changes: &ChangeSet,
    changed: impl IntoIterator<Item = (String, String, i64)>,
) -> Option<StoreError> {
    let ours: std::collections::HashSet<&str> =
        changes.entities.iter().map(|e| e.id.as_str()).collect();
    let districts: std::collections::HashSet<&str> = changes
        .districts
        .iter()
        .map(|d| d.id.as_str())
        .chain(changes.removed_districts.iter().map(String::as_str))
        .collect();
    // Assignments are worked out from the districts as they were read.
    let assigns = changes.assignments.is_some() || !districts.is_empty();
    changed.into_iter().find_map(|(kind, id, import)| {
        let clash = match kind.as_str() {
            "entity" => ours.contains(id.as_str()),
            "district" => assigns,
            _ => false,
        };
        clash.then(|| StoreError::Conflict {
            what: if kind == "entity" {
                "record"
            } else {
                "district"
            },
            id,
            import,
        })
    })
}

impl ChangeSet {
    /// The assignment rows it writes (empty when assignments do not change).
    pub fn assignment_rows(&self) -> &[AssignmentRow] {
        match &self.assignments {
            Some(Assignments::All(rows) | Assignments::Of { rows, .. }) => rows,
            None => &[],
        }
    }

    /// True when applying would not change the store.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
            && self.districts.is_empty()
            && self.removed_districts.is_empty()
            && self.levels.is_none()
            && self.relations.is_empty()
            && self.contacts.is_empty()
            && self.vocabulary.is_none()
            && self.default_level.is_none()
            && self.assignments.is_none()
            && self.decision.is_none()
    }
}

/// The error for a decision on submission `id` whose status is `status`
/// (`None`: there is no such submission).
pub fn not_pending(id: i64, status: Option<String>) -> StoreError {
    StoreError::NotPending {
        id,
        state: match status.as_deref() {
            None => "does not exist".to_string(),
            Some(s) => format!("is {s} already"),
        },
    }
}

/// A kept revision of a record.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    /// 1 for the first version.
    pub rev: u32,
    /// UTC, RFC 3339.
    pub recorded_at: String,
    /// The import that wrote it.
    pub import_id: i64,
    /// The files of that import.
    pub files: Vec<String>,
    /// The record as it was (its JSON form).
    pub record: serde_json::Value,
}

/// Errors of a storage backend.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("cannot open store {store}")]
    Open {
        store: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error(
        "{store} is not a stadtatlas store (no stadtatlas_meta table); run `stadtatlas init` for a new one"
    )]
    NotAStore { store: String },
    #[error(
        "store {store} has schema version {found}, this build reads version {expected} \
         (this build upgrades an older store when it can write to it)"
    )]
    SchemaVersion {
        store: String,
        found: u32,
        expected: u32,
    },
    #[error("{store} already exists; it is left as it is")]
    Exists { store: String },
    #[error("store {store} does not exist; run `stadtatlas init` or `stadtatlas import`")]
    Missing { store: String },
    #[error("SQL failed: {query}")]
    Sql {
        query: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error(
        "{what} '{id}' was changed by import #{import} after this import read the store; \
         nothing was written. Run the import again: it is then planned against the current store"
    )]
    Conflict {
        what: &'static str,
        id: String,
        import: i64,
    },
    #[error("submission #{id} {state}; nothing was written")]
    NotPending { id: i64, state: String },
    /// The consumer of [`Store::for_each_entity_chunk`] stopped the
    /// reading; its own error says why.
    #[error("the reading was stopped by its consumer")]
    Stopped,
    #[error("stored {what} '{id}' cannot be read")]
    Corrupt {
        what: &'static str,
        id: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// A place that keeps the inventory.
pub trait Store {
    /// Reads everything.
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails or a stored record cannot be read.
    fn snapshot(&self) -> Result<Snapshot, StoreError>;

    /// Applies an import's changes all-or-nothing; returns the import's id.
    ///
    /// # Errors
    /// [`StoreError`]; the store is then unchanged.
    fn apply(&mut self, changes: &ChangeSet) -> Result<i64, StoreError>;

    /// All kept revisions of an entity, oldest first (empty when unknown).
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails.
    fn history(&self, entity_id: &str) -> Result<Vec<Revision>, StoreError>;

    /// The stored district assignments.
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails.
    fn assignments(&self) -> Result<Vec<AssignmentRow>, StoreError>;

    /// The id of the last import written (0 for none): what a plan made
    /// from this store's answers is based on ([`ChangeSet::based_on`]).
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails.
    fn last_import(&self) -> Result<i64, StoreError>;

    /// The import log and every kept revision (see [`copy::History`]).
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails.
    fn log(&self) -> Result<copy::History, StoreError>;

    /// Adds a submission to the moderation queue; returns its number.
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails.
    fn submit(
        &mut self,
        received_at: &str,
        proposal: &str,
        contact: Option<&str>,
        consent: Option<&str>,
    ) -> Result<i64, StoreError>;

    /// The moderation queue, oldest first: every submission, or the one
    /// numbered `id` (none when there is no such).
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails.
    fn submissions(&self, id: Option<i64>) -> Result<Vec<web::SubmissionRow>, StoreError>;

    /// Writes a rejection (an approval travels with its import,
    /// [`ChangeSet::decision`]).
    ///
    /// # Errors
    /// [`StoreError::NotPending`] when the submission is decided already or
    /// does not exist; the backend's errors.
    fn decide(&mut self, decision: &web::Decision) -> Result<(), StoreError>;

    /// The accounts, by name.
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails.
    fn accounts(&self) -> Result<Vec<web::AccountRow>, StoreError>;

    /// Adds an account or replaces its role and password.
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails.
    fn put_account(&mut self, account: &web::AccountRow) -> Result<(), StoreError>;

    /// Removes an account and its tokens; false when there was none.
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails.
    fn remove_account(&mut self, name: &str) -> Result<bool, StoreError>;

    /// The API tokens (their hashes).
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails.
    fn tokens(&self) -> Result<Vec<web::TokenRow>, StoreError>;

    /// Adds an API token.
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails (also for an unknown account).
    fn put_token(&mut self, token: &web::TokenRow) -> Result<(), StoreError>;

    /// The kept entity counts per district of `level` and profile, or per
    /// profile alone for `None` (each entity once); `None` when the backend
    /// keeps no counts, and the caller counts the entities.
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails or a count cannot be read.
    fn tallies(&self, level: Option<&str>) -> Result<Option<Vec<tally::Tally>>, StoreError> {
        let _ = level;
        Ok(None)
    }

    /// Opens, on the thread that calls it, a second reader of the snapshot
    /// this store reads, so that a question can read two things at once
    /// (its districts, and the entities near its place); `None` where a
    /// second reader of the same snapshot costs more than it saves.
    ///
    /// # Errors
    /// [`StoreError`] when the backend fails.
    fn beside(&self) -> Result<Option<OpenBeside>, StoreError> {
        Ok(None)
    }

    // What follows lets a question about one place read only that place.
    // The defaults read everything; a backend with a spatial index does better.

    /// Everything but the entities, their relations and contacts.
    ///
    /// # Errors
    /// As [`Store::snapshot`].
    fn frame(&self) -> Result<Snapshot, StoreError> {
        Ok(Snapshot {
            entities: Vec::new(),
            relations: Vec::new(),
            contacts: Vec::new(),
            ..self.snapshot()?
        })
    }

    /// Every contact person (the internal profile's exports), by entity id.
    ///
    /// # Errors
    /// As [`Store::snapshot`].
    fn contacts(&self) -> Result<Vec<Contact>, StoreError> {
        Ok(self.snapshot()?.contacts)
    }

    /// The entities with these ids; unknown ids are skipped.
    ///
    /// # Errors
    /// As [`Store::snapshot`].
    fn entities_by_id(&self, ids: &[&str]) -> Result<Vec<Entity>, StoreError> {
        let mut all = self.snapshot()?.entities;
        all.retain(|e| ids.contains(&e.id.as_str()));
        Ok(all)
    }

    /// At least every entity whose point lies in the lon/lat box and passes
    /// `keep(lon, lat)`, and every entity with an area (more may come;
    /// callers measure). `keep` lets a caller drop points it can rule out from
    /// their coordinates alone before their records are read.
    ///
    /// # Errors
    /// As [`Store::snapshot`].
    fn entities_in_box(
        &self,
        min: (f64, f64),
        max: (f64, f64),
        keep: &dyn Fn(f64, f64) -> bool,
    ) -> Result<Vec<Entity>, StoreError> {
        let mut all = Vec::new();
        self.for_each_in_box(min, max, keep, usize::MAX, &mut |chunk| {
            all.extend(chunk);
            Ok(())
        })?;
        Ok(all)
    }

    /// What [`Store::entities_in_box`] returns, handed to `f` at most
    /// `size` at a time, so that a question whose box holds many entities
    /// needs memory for a chunk of them. `f` must not read this store (it
    /// may be in the middle of a read).
    ///
    /// # Errors
    /// As [`Store::snapshot`], or what `f` returns.
    fn for_each_in_box(
        &self,
        min: (f64, f64),
        max: (f64, f64),
        keep: &dyn Fn(f64, f64) -> bool,
        size: usize,
        f: &mut (dyn FnMut(Vec<Entity>) -> Result<(), StoreError> + Send),
    ) -> Result<(), StoreError> {
        let mut all = self.snapshot()?.entities;
        all.retain(|e| match e.location {
            Some(p) => {
                min.0 <= p.lon()
                    && p.lon() <= max.0
                    && min.1 <= p.lat()
                    && p.lat() <= max.1
                    && keep(p.lon(), p.lat())
            }
            None => e.area.is_some(),
        });
        in_chunks(all, size, f)
    }

    /// [`Store::entities_in_box`] for several boxes at once, each entity
    /// once (a small import's records spread over a city: the stores read
    /// each record once, in file order, however many boxes hold it).
    ///
    /// # Errors
    /// As [`Store::snapshot`].
    fn entities_in_boxes(
        &self,
        boxes: &[LonLatBox],
        keep: &dyn Fn(f64, f64) -> bool,
    ) -> Result<Vec<Entity>, StoreError> {
        let mut found: Vec<Entity> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for &(min, max) in boxes {
            for e in self.entities_in_box(min, max, keep)? {
                if seen.insert(e.id.clone()) {
                    found.push(e);
                }
            }
        }
        Ok(found)
    }

    /// Every relation, in stored order (as [`Store::snapshot`] has them).
    ///
    /// # Errors
    /// As [`Store::snapshot`].
    fn relations(&self) -> Result<Vec<Relation>, StoreError> {
        Ok(self.snapshot()?.relations)
    }

    /// Every entity of this kind, by id (in [`Store::snapshot`]'s order).
    ///
    /// # Errors
    /// As [`Store::snapshot`].
    fn entities_of_kind(&self, kind: crate::model::EntityKind) -> Result<Vec<Entity>, StoreError> {
        let mut all = self.snapshot()?.entities;
        all.retain(|e| e.kind == kind);
        Ok(all)
    }

    /// The relations from or to an entity.
    ///
    /// # Errors
    /// As [`Store::snapshot`].
    fn relations_of(&self, id: &str) -> Result<Vec<Relation>, StoreError> {
        let mut all = self.snapshot()?.relations;
        all.retain(|r| r.from == id || r.to == id);
        Ok(all)
    }

    /// The contacts of an entity (personal data: callers decide who sees them).
    ///
    /// # Errors
    /// As [`Store::snapshot`].
    fn contacts_of(&self, id: &str) -> Result<Vec<Contact>, StoreError> {
        let mut all = self.snapshot()?.contacts;
        all.retain(|c| c.entity == id);
        Ok(all)
    }

    /// The stored district assignments of these entities.
    ///
    /// # Errors
    /// As [`Store::assignments`].
    fn assignments_of(&self, ids: &[&str]) -> Result<Vec<AssignmentRow>, StoreError> {
        let wanted: std::collections::HashSet<&str> = ids.iter().copied().collect();
        let mut all = self.assignments()?;
        all.retain(|r| wanted.contains(r.entity_id.as_str()));
        Ok(all)
    }

    /// The entities whose website is one of these (compared as written,
    /// lower case; callers normalise further).
    ///
    /// # Errors
    /// As [`Store::snapshot`].
    fn entities_with_websites(&self, websites: &[String]) -> Result<Vec<Entity>, StoreError> {
        let mut all = self.snapshot()?.entities;
        all.retain(|e| {
            e.website
                .as_deref()
                .is_some_and(|w| websites.iter().any(|x| w.to_lowercase().contains(x)))
        });
        Ok(all)
    }

    /// Every entity without a point.
    ///
    /// # Errors
    /// As [`Store::snapshot`].
    fn entities_without_point(&self) -> Result<Vec<Entity>, StoreError> {
        let mut all = self.snapshot()?.entities;
        all.retain(|e| e.location.is_none());
        Ok(all)
    }

    /// Hands every entity to `f`, at most `size` at a time and in `order`,
    /// so that a question over all of them needs memory for one chunk only.
    ///
    /// # Errors
    /// As [`Store::snapshot`], or what `f` returns.
    fn for_each_entity_chunk(
        &self,
        size: usize,
        order: EntityOrder,
        f: &mut (dyn FnMut(Vec<Entity>) -> Result<(), StoreError> + Send),
    ) -> Result<(), StoreError> {
        let mut all = self.snapshot()?.entities;
        match order {
            EntityOrder::Stored | EntityOrder::Written => {}
            EntityOrder::Listed => all.sort_by(EntityOrder::listed),
            EntityOrder::ById => all.sort_by(|a, b| a.id.cmp(&b.id)),
        }
        for chunk in all.chunks(size.max(1)) {
            f(chunk.to_vec())?;
        }
        Ok(())
    }
}
