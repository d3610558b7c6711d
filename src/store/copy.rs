//! `stadtatlas copy`: a store into a new one, between backends, losing
//! nothing: every record with its whole revision history, the import log,
//! relations, contacts, vocabulary, levels and assignments, in the order
//! the source keeps them.

use super::{Assignments, ChangeSet, Location, StoreError};

/// One entry of the import log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportEntry {
    pub id: i64,
    /// UTC, RFC 3339.
    pub at: String,
    /// The files, as a JSON list.
    pub files: String,
}

/// One kept revision of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionEntry {
    /// `entity` or `district`.
    pub kind: String,
    pub id: String,
    pub rev: u32,
    pub import_id: i64,
    /// The record's JSON; `None` where the backend keeps the current
    /// revision only in the record's row ([`copy`] fills it in).
    pub record: Option<String>,
}

/// A store's history: its import log and every revision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub imports: Vec<ImportEntry>,
    pub revisions: Vec<RevisionEntry>,
    /// The moderation queue, accounts and API tokens.
    pub web: super::web::WebRows,
}

impl History {
    /// The number and import of the current (highest) revision of each
    /// record of `kind` (`entity` or `district`).
    pub fn last_revisions(&self, kind: &str) -> std::collections::HashMap<&str, (u32, i64)> {
        let mut last = std::collections::HashMap::new();
        for r in self.revisions.iter().filter(|r| r.kind == kind) {
            let top = last.entry(r.id.as_str()).or_insert((r.rev, r.import_id));
            if r.rev > top.0 {
                *top = (r.rev, r.import_id);
            }
        }
        last
    }

    /// The revisions a store keeps in `revisions`: all but the entities'
    /// current ones, which are their rows (with their number and import).
    pub fn kept_revisions(&self) -> impl Iterator<Item = &RevisionEntry> {
        let current = self.last_revisions("entity");
        self.revisions.iter().filter(move |r| {
            r.kind != "entity"
                || current
                    .get(r.id.as_str())
                    .is_none_or(|&(rev, _)| rev != r.rev)
        })
    }
}

/// The revision each entity of a new store's write is at, kept in its row:
/// the first, of the write's own import, or a copy's current one.
pub enum FirstRevisions<'a> {
    Import(i64),
    Copied(std::collections::HashMap<&'a str, (u32, i64)>),
}

impl<'a> FirstRevisions<'a> {
    /// Those of `changes`, a new store's write logged as `import_id`.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a copied history has no revision of one
    /// of the entities.
    pub fn of(changes: &'a ChangeSet, import_id: i64) -> Result<Self, StoreError> {
        let Some(history) = &changes.history else {
            return Ok(FirstRevisions::Import(import_id));
        };
        let last = history.last_revisions("entity");
        if let Some(e) = changes
            .entities
            .iter()
            .find(|e| !last.contains_key(e.id.as_str()))
        {
            return Err(StoreError::Corrupt {
                what: "record",
                id: e.id.clone(),
                source: "the copied history has no revision of it".into(),
            });
        }
        Ok(FirstRevisions::Copied(last))
    }

    /// The revision number and import of entity `id`, one of the write's.
    pub fn get(&self, id: &str) -> (u32, i64) {
        match self {
            FirstRevisions::Import(import_id) => (1, *import_id),
            FirstRevisions::Copied(last) => last[id],
        }
    }
}

/// What a copy carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub entities: usize,
    pub districts: usize,
    pub relations: usize,
    pub contacts: usize,
    pub imports: usize,
    pub revisions: usize,
    pub submissions: usize,
    pub accounts: usize,
}

/// Copies the store at `from` into a new store at `to`, in one write.
///
/// # Errors
/// [`StoreError::Exists`] when `to` holds a store (a PostgreSQL store as
/// `init` left it counts as none); the backends' errors
/// (then there is no store at `to`).
pub fn copy(from: &Location, to: &Location) -> Result<Copied, StoreError> {
    if !to.counts_as_new()? {
        return Err(StoreError::Exists {
            store: to.to_string(),
        });
    }
    let source = from.open_for_reading()?;
    let frame = source.frame()?;
    // In the order the source wrote them, not by id.
    let mut entities = Vec::new();
    source.for_each_entity_chunk(50_000, super::EntityOrder::Written, &mut |chunk| {
        entities.extend(chunk);
        Ok(())
    })?;
    let snapshot_rest = source.snapshot()?;
    let mut history = source.log()?;
    // The current revisions a backend keeps only in the rows.
    {
        let entity_json: std::collections::HashMap<&str, &super::super::model::Entity> =
            entities.iter().map(|e| (e.id.as_str(), e)).collect();
        let district_json: std::collections::HashMap<&str, &super::super::model::District> =
            frame.districts.iter().map(|d| (d.id.as_str(), d)).collect();
        for r in &mut history.revisions {
            if r.record.is_some() {
                continue;
            }
            let json = match r.kind.as_str() {
                "entity" => entity_json
                    .get(r.id.as_str())
                    .map(|e| serde_json::to_string(e).expect("entities serialise")),
                _ => district_json
                    .get(r.id.as_str())
                    .map(|d| serde_json::to_string(d).expect("districts serialise")),
            };
            r.record = Some(json.ok_or_else(|| StoreError::Corrupt {
                what: "revision",
                id: format!("{} {} #{}", r.kind, r.id, r.rev),
                source: "the current revision has no record".into(),
            })?);
        }
    }
    let assignments = source.assignments()?;
    let copied = Copied {
        entities: entities.len(),
        districts: frame.districts.len(),
        relations: snapshot_rest.relations.len(),
        contacts: snapshot_rest.contacts.len(),
        imports: history.imports.len(),
        revisions: history.revisions.len(),
        submissions: history.web.submissions.len(),
        accounts: history.web.accounts.len(),
    };
    drop(source);
    let changes = ChangeSet {
        entities,
        districts: frame.districts,
        removed_districts: Vec::new(),
        levels: Some(frame.levels),
        relations: snapshot_rest.relations,
        contacts: snapshot_rest.contacts,
        vocabulary: frame.vocabulary,
        default_level: frame.default_level,
        assignments: Some(Assignments::All(assignments)),
        files: Vec::new(),
        based_on: None,
        history: Some(history),
        decision: None,
    };
    to.create_with(&changes)?;
    Ok(copied)
}
