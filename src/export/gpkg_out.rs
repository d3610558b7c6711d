//! A GeoPackage export for QGIS: the selected entities with their areas,
//! the districts, the relations among them and their district assignments.
//!
//! It is written through the store itself, so the export is also a valid
//! stadtatlas store (`--store export.gpkg` works on it).

use super::Profile;
use super::profile::INTERNAL_NOTICE;
use crate::query::{Atlas, EntityRow};
use crate::store::{AssignmentRow, ChangeSet, SqliteStore, Store, StoreError};
use std::collections::HashSet;
use std::path::Path;

/// Writes the GeoPackage, replacing an existing file at `path`.
///
/// # Errors
/// [`StoreError`] when the file cannot be replaced or written.
pub fn write(
    atlas: &Atlas,
    rows: &[EntityRow],
    profile: Profile,
    path: &Path,
) -> Result<(), StoreError> {
    for suffix in ["", "-wal", "-shm"] {
        let file = path.with_file_name(format!(
            "{}{suffix}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        if file.exists() {
            std::fs::remove_file(&file).map_err(|e| StoreError::Corrupt {
                what: "export file",
                id: file.display().to_string(),
                source: Box::new(e),
            })?;
        }
    }
    let ids: HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut assignments = Vec::new();
    for r in rows {
        for (level, district) in atlas.districts.assignment_ids(&atlas.assignments[r.index]) {
            assignments.push(AssignmentRow {
                entity_id: r.id.clone(),
                level: level.to_string(),
                district_id: district.to_string(),
            });
        }
    }
    let changes = ChangeSet {
        entities: rows
            .iter()
            .map(|r| atlas.entities[r.index].clone())
            .collect(),
        districts: atlas.districts.to_vec(),
        removed_districts: Vec::new(),
        levels: Some(atlas.districts.hierarchy.levels().to_vec()),
        relations: atlas
            .relations
            .iter()
            .filter(|r| ids.contains(r.from.as_str()) && ids.contains(r.to.as_str()))
            .cloned()
            .collect(),
        contacts: if profile.shows_contacts() {
            atlas
                .contacts
                .iter()
                .filter(|c| ids.contains(c.entity.as_str()))
                .cloned()
                .collect()
        } else {
            Vec::new()
        },
        vocabulary: Some(atlas.vocabulary.clone()),
        default_level: atlas.level(None).ok().map(str::to_string),
        assignments: Some(crate::store::Assignments::All(assignments)),
        files: vec![format!("export ({} profile)", profile.as_str()).into()],
        based_on: None,
        history: None,
        decision: None,
    };
    let mut store = SqliteStore::create(path)?;
    store.apply(&changes)?;
    let notice = match profile {
        Profile::Public => None,
        Profile::Internal => Some(INTERNAL_NOTICE),
    };
    store.mark_export(profile.as_str(), notice)
}
