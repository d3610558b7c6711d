//! A GeoPackage export for QGIS: the selected entities with their areas,
//! the districts, the relations among them and their district assignments.
//!
//! It is written through the store itself, so the export is also a valid
//! stadtatlas store (`--store export.gpkg` works on it): built as a new
//! store's first import (rows appended, keys built once) from the records
//! the source store hands over a chunk at a time, under a temporary name
//! beside the file, which it replaces only once complete.

use super::Profile;
use super::profile::INTERNAL_NOTICE;
use super::stream::ExportError;
use crate::model::{Contact, Entity};
use crate::query::{Chunked, Filter, QueryError, Rows};
use crate::store::{AssignmentRow, Assignments, ChangeSet, EntityOrder, SqliteStore, Store};
use std::path::Path;

/// Writes the entities of `store` that pass `filter` under `profile`
/// (internal records and contact persons only in the internal one) to the
/// GeoPackage `path`, replacing a file there once the new one is complete.
/// Returns how many entities were written.
///
/// # Errors
/// [`ExportError`] when the store cannot be read or the file not written.
pub fn write(
    store: &dyn Store,
    filter: &Filter,
    profile: Profile,
    path: &Path,
) -> Result<usize, ExportError> {
    let to = path.display().to_string();
    let io = ExportError::writing(&to);
    // A missing folder is said before the store is read.
    let dir = super::stream::folder_of(path).map_err(io)?;
    let changes = selected(store, &profile.apply(filter), profile)?;
    let written = changes.entities.len();
    let building = tempfile::Builder::new()
        .prefix(".stadtatlas-export-")
        .tempdir_in(dir)
        .map_err(io)?;
    let built = building.path().join("export.gpkg");
    let store_err = |e| ExportError::Query(QueryError::Store(e));
    let (new, _) = SqliteStore::create_with(&built, &changes).map_err(store_err)?;
    drop(changes);
    let notice = match profile {
        Profile::Public => None,
        Profile::Internal => Some(INTERNAL_NOTICE),
    };
    new.mark_export(profile.as_str(), notice)
        .map_err(store_err)?;
    // Closed, so that its write-ahead log is in the file.
    drop(new);
    // Side files of the file replaced would be read as the new one's.
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
            _ => {}
        }
    }
    std::fs::rename(&built, path).map_err(io)?;
    Ok(written)
}

/// What the export holds, as one import into a new store: the entities that
/// pass `filter` (by id) with the districts they lie in, the districts and
/// their levels, the vocabulary, the relations among the entities and, in
/// the internal profile, their contact persons.
fn selected(
    store: &dyn Store,
    filter: &Filter,
    profile: Profile,
) -> Result<ChangeSet, ExportError> {
    let rows = Rows::read(store, filter, EntityOrder::ById, profile.shows_contacts())?;
    let mut entities: Vec<Entity> = Vec::new();
    let mut assignments = Vec::new();
    let mut contacts: Vec<Contact> = Vec::new();
    rows.each(|atlas, rows| -> Result<(), ExportError> {
        for r in &rows {
            for (level, district) in atlas.districts.assignment_ids(&atlas.assignments[r.index]) {
                assignments.push(AssignmentRow {
                    entity_id: r.id.clone(),
                    level: level.to_string(),
                    district_id: district.to_string(),
                });
            }
            entities.push(atlas.entities[r.index].clone());
        }
        // (Read only in the internal profile.)
        contacts.extend(
            atlas
                .contacts
                .iter()
                .filter(|c| {
                    rows.binary_search_by(|r| r.id.as_str().cmp(&c.entity))
                        .is_ok()
                })
                .cloned(),
        );
        Ok(())
    })?;
    // By id, as the rows came.
    let held = |id: &str| entities.binary_search_by(|e| e.id.as_str().cmp(id)).is_ok();
    let relations = store
        .relations()
        .map_err(QueryError::from)?
        .into_iter()
        .filter(|r| held(&r.from) && held(&r.to))
        .collect();
    let frame = rows.districts();
    Ok(ChangeSet {
        districts: frame.districts.to_vec(),
        removed_districts: Vec::new(),
        levels: Some(frame.districts.hierarchy.levels().to_vec()),
        relations,
        contacts,
        vocabulary: Some(frame.vocabulary.clone()),
        default_level: frame.level(None).ok().map(str::to_string),
        assignments: Some(Assignments::All(assignments)),
        files: vec![format!("export ({} profile)", profile.as_str()).into()],
        based_on: None,
        history: None,
        decision: None,
        entities,
    })
}
