//! `locate` as one operation over a store: read the registers, match every
//! stored entity that has an address and no point, and import the located
//! ones (one transaction, a revision each; a dry run only plans).

use super::{EntityMatch, Register, Tally, located, match_entity, registers_of, wants_locating};
use crate::import::run::{Outcome, RunError, Step};
use crate::import::{Batch, FileRole, ImportError, ImportOptions, Origin, read_paths};
use crate::model::MatchQuality;
use crate::store::{Location, StoreError};
use serde::Serialize;
use std::path::PathBuf;

/// How to read the registers and what to apply.
#[derive(Debug, Clone)]
pub struct LocateOptions {
    /// CRS, encoding, sheet and column mapping of the register files (the
    /// role is always `addresses`).
    pub read: ImportOptions,
    /// The least quality applied; worse matches are only reported.
    pub min_quality: MatchQuality,
    /// Only plan: match and report, write nothing.
    pub dry_run: bool,
}

/// A register as indexed.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterInfo {
    pub name: String,
    pub addresses: usize,
    pub streets: usize,
}

/// What a `locate` run found and did.
#[derive(Debug, Clone, Serialize)]
pub struct Located {
    pub registers: Vec<RegisterInfo>,
    pub min_quality: MatchQuality,
    pub dry_run: bool,
    pub tally: Tally,
    /// Every entity with an address and no point, with its match.
    pub matches: Vec<EntityMatch>,
    /// The id of the import that wrote the located entities; `None` for a
    /// dry run and when nothing changed.
    pub import_id: Option<i64>,
    /// The import of the located entities (`None` when none was located).
    #[serde(skip)]
    pub import: Option<Outcome>,
}

/// Why a `locate` run did not happen; the store is then unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocateError {
    #[error("store {store} does not exist; import the inventory first")]
    NoStore { store: String },
    #[error("no address register given; name one with --register FILE")]
    NoRegister,
    #[error(
        "{path} is a folder; an address register is a file (GeoJSON, CSV, Shapefile, a .zip, …)"
    )]
    Folder { path: PathBuf },
    #[error("{} holds no addresses", .files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "))]
    EmptyRegister { files: Vec<PathBuf> },
    /// A register file was refused.
    #[error("address register refused, nothing was located ({}):\n{}", .0.count(), .0.listing())]
    Register(ImportError),
    #[error("reading the store {store}")]
    Store {
        store: String,
        #[source]
        source: StoreError,
    },
    /// Writing the located entities failed.
    #[error(transparent)]
    Import(Box<RunError>),
}

// Not a `#[from]`: the refusal is the whole message, not the cause of one.
impl From<ImportError> for LocateError {
    fn from(e: ImportError) -> Self {
        LocateError::Register(e)
    }
}

impl From<RunError> for LocateError {
    fn from(e: RunError) -> Self {
        LocateError::Import(Box::new(e))
    }
}

/// Matches every entity of the store at `store` that has an address but no
/// point against the `registers` and imports those matched at
/// `min_quality` or better.
///
/// # Errors
/// [`LocateError`]; the store is then unchanged.
pub fn run(
    store: &Location,
    registers: &[PathBuf],
    options: &LocateOptions,
    progress: &mut dyn FnMut(Step<'_>),
) -> Result<Located, LocateError> {
    if registers.is_empty() {
        return Err(LocateError::NoRegister);
    }
    if let Some(path) = registers.iter().find(|p| p.is_dir()) {
        return Err(LocateError::Folder { path: path.clone() });
    }
    let store_err = |source| LocateError::Store {
        store: store.to_string(),
        source,
    };
    if !store.exists().map_err(store_err)? {
        return Err(LocateError::NoStore {
            store: store.to_string(),
        });
    }
    crate::import::run::without_huge_pages();
    progress(Step::Reading(registers.len()));
    let read = ImportOptions {
        role: Some(FileRole::Addresses),
        ..options.read.clone()
    };
    let mut batch = read_paths(registers, &read)?;
    if batch.addresses.is_empty() {
        return Err(LocateError::EmptyRegister {
            files: registers.to_vec(),
        });
    }
    let indexed = registers_of(std::mem::take(&mut batch.addresses))?;
    let unlocated = store
        .open_for_reading()
        .and_then(|s| s.entities_without_point())
        .map_err(store_err)?;
    let (matches, entities) = match_all(&unlocated, &indexed, options.min_quality);
    let batch = Batch {
        entities,
        files: batch.files,
        notes: batch.notes,
        ..Batch::default()
    };
    let import = if batch.entities.is_empty() {
        None
    } else {
        Some(crate::import::run::apply(
            store,
            batch,
            options.dry_run,
            progress,
        )?)
    };
    Ok(Located {
        registers: indexed
            .iter()
            .map(|r| RegisterInfo {
                name: r.name.clone(),
                addresses: r.len(),
                streets: r.street_count(),
            })
            .collect(),
        min_quality: options.min_quality,
        dry_run: options.dry_run,
        tally: Tally::of(&matches),
        matches,
        import_id: import.as_ref().and_then(|i| i.import_id),
        import,
    })
}

/// The matches of every entity that wants locating, and the located
/// entities to import (each with its register as origin).
fn match_all(
    entities: &[crate::model::Entity],
    registers: &[Register],
    min: MatchQuality,
) -> (Vec<EntityMatch>, Vec<(crate::model::Entity, Origin)>) {
    use rayon::prelude::*;
    let mut matches: Vec<(usize, EntityMatch)> = entities
        .par_iter()
        .enumerate()
        .filter(|(_, e)| wants_locating(e))
        .map(|(i, e)| (i, match_entity(e, registers, min)))
        .collect();
    matches.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    let located = matches
        .iter()
        .filter_map(|(i, m)| {
            let e = located(&entities[*i], m)?;
            let at = m
                .candidates
                .first()
                .map(|c| c.at.clone())
                .unwrap_or_default();
            Some((
                e,
                Origin {
                    file: PathBuf::from(m.register.clone().unwrap_or_default()),
                    line: 0,
                    column: at,
                    id_derived: false,
                },
            ))
        })
        .collect();
    (matches.into_iter().map(|(_, m)| m).collect(), located)
}
