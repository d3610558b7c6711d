//! One import as one operation: read the files, plan the changes against
//! the store, write them in one transaction, and work out the advice (likely
//! duplicates, unknown vocabulary) while the write runs. The command line
//! calls it, and so will a server; they only show its steps and its outcome.

use super::{Batch, ImportError, ImportOptions, ImportSummary, prepare, read_paths};
use crate::metric::degree_margin;
use crate::model::MatchQuality;
use crate::quality::{NEAR, website_key};
use crate::store::{Location, Snapshot, Store, StoreError};
use std::path::PathBuf;

/// A step of [`run`], for a progress display.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// Reading this many paths.
    Reading(usize),
    /// Checking the batch against the store.
    Checking,
    /// The plan is made: what would change (before anything is written).
    Planned(&'a ImportSummary),
    /// Writing this many entities and districts in one transaction.
    Writing { entities: usize, districts: usize },
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What changes (or would change), with every warning.
    pub summary: ImportSummary,
    /// The import's id in the store's log; `None` for a dry run and for an
    /// import that changes nothing.
    pub import_id: Option<i64>,
    /// The batch's entities located in its address registers (files read
    /// `as = "addresses"`), every one that was tried.
    pub located: Vec<crate::locate::EntityMatch>,
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The input was refused; the store is unchanged.
    #[error(transparent)]
    Input(#[from] ImportError),
    #[error("reading the store {store}")]
    Read {
        store: String,
        #[source]
        source: StoreError,
    },
    #[error("writing the import into {store}")]
    Write {
        store: String,
        #[source]
        source: StoreError,
    },
}

/// Imports `paths` into the store at `store` (created when it
/// does not exist), all or nothing. With `dry_run`, only plans.
///
/// # Errors
/// [`RunError::Input`] with every problem of the files; the store errors.
pub fn run(
    store: &Location,
    paths: &[PathBuf],
    options: &ImportOptions,
    dry_run: bool,
    progress: &mut dyn FnMut(Step<'_>),
) -> Result<Outcome, RunError> {
    without_huge_pages();
    let read = |progress: &mut dyn FnMut(Step<'_>)| -> Result<_, RunError> {
        progress(Step::Reading(paths.len()));
        let mut batch = read_paths(paths, options)?;
        // A manifest that names an address register locates the entities it
        // brings with an address and no point, before they are planned.
        let min = batch.min_quality.unwrap_or(MatchQuality::AddressFuzzy);
        let located = crate::locate::locate_batch(&mut batch, min)?;
        Ok((batch, located))
    };
    let (batch, located) = read(progress)?;
    let (mut outcome, located) = match apply(store, batch, dry_run, progress) {
        // The store was made by another import between this one's look
        // and its write (two first imports at once): this one was planned
        // for an empty store, so it is read and planned again against the
        // store that is there now, and written after the other.
        Err(RunError::Write {
            source: StoreError::Exists { .. },
            ..
        }) => {
            let (batch, located) = read(progress)?;
            (apply(store, batch, dry_run, progress)?, located)
        }
        applied => (applied?, located),
    };
    outcome.located = located;
    Ok(outcome)
}

/// Plans a batch that is already read against the store at `store` (created
/// when it does not exist) and writes it in one transaction; with
/// `dry_run`, only plans. [`run`] after reading, and `locate`.
///
/// # Errors
/// [`RunError::Input`] when the batch does not fit the store; the store errors.
pub fn apply(
    store: &Location,
    batch: Batch,
    dry_run: bool,
    progress: &mut dyn FnMut(Step<'_>),
) -> Result<Outcome, RunError> {
    without_huge_pages();
    let read_err = |source| RunError::Read {
        store: store.to_string(),
        source,
    };
    progress(Step::Checking);
    let exists = store.exists().map_err(read_err)?;
    let (snapshot, stored, based_on) = if exists {
        let s = store.open_for_reading().map_err(read_err)?;
        // Read in the same snapshot as what the plan is made of.
        let based_on = s.last_import().map_err(read_err)?;
        let (snapshot, stored) = if is_small(&batch) {
            around(&*s, &batch).map_err(read_err)?
        } else {
            (
                s.snapshot().map_err(read_err)?,
                s.assignments().map_err(read_err)?,
            )
        };
        (snapshot, stored, based_on)
    } else {
        (Snapshot::default(), Vec::new(), 0)
    };
    let mut prepared = prepare(batch, &snapshot, &stored)?;
    prepared.changes.based_on = Some(based_on);
    progress(Step::Planned(&prepared.summary));
    if dry_run || prepared.changes.is_empty() {
        let advice = prepared.advice(&snapshot);
        prepared.summary.warnings.extend(advice);
        return Ok(Outcome {
            summary: prepared.summary,
            import_id: None,
            located: Vec::new(),
        });
    }
    progress(Step::Writing {
        entities: prepared.changes.entities.len(),
        districts: prepared.changes.districts.len(),
    });
    // The advice and the writing (SQLite) run at once. The advice gets a
    // pool of its own at nice 19, a thread per core: while the writer and
    // the encoding of entity rows want the cores they get them, and once
    // the write is done the advice has every core (10^6 register-like
    // names: the advice, on one thread, ended 3 s after the write; now 1 s).
    let (applied, advice) = std::thread::scope(|scope| {
        let advice = scope.spawn(|| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(std::thread::available_parallelism().map_or(1, |n| n.get()))
                .start_handler(|_| lower_this_threads_priority())
                .build();
            match pool {
                Ok(pool) => pool.install(|| prepared.advice(&snapshot)),
                Err(_) => prepared.advice(&snapshot),
            }
        });
        let applied = if exists {
            store.open().and_then(|mut s| s.apply(&prepared.changes))
        } else {
            store.create_with(&prepared.changes)
        };
        let advice = advice
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (applied, advice)
    });
    prepared.summary.warnings.extend(advice);
    let summary = std::mem::take(&mut prepared.summary);
    // A million records take 0.15 s to free one by one: on a thread of
    // their own, the caller does not wait for that.
    std::thread::spawn(move || drop((prepared, snapshot)));
    let import_id = applied.map_err(|source| RunError::Write {
        store: store.to_string(),
        source,
    })?;
    Ok(Outcome {
        summary,
        import_id: Some(import_id),
        located: Vec::new(),
    })
}

/// How many entities an import may bring and still be planned against the
/// part of the store around them rather than all of it.
const SMALL: usize = 5_000;

/// The side (degrees) of the tiles [`around`] asks the store about: about
/// 550 m × 350 m in Halle, so that each box holds a neighbourhood.
const TILE: f64 = 0.005;

/// True when the batch only brings entities and their own contacts (no
/// districts, levels, vocabulary, relations, or contacts of other entities,
/// which need the whole store), and few.
fn is_small(batch: &Batch) -> bool {
    let own = || {
        let ids: std::collections::HashSet<&str> =
            batch.entities.iter().map(|(e, _)| e.id.as_str()).collect();
        batch
            .contacts
            .iter()
            .all(|c| ids.contains(c.contact.entity.as_str()))
    };
    batch.entities.len() <= SMALL
        && batch.districts.is_empty()
        && batch.levels.is_empty()
        && batch.level_requests.is_empty()
        && batch.vocabulary.is_none()
        && batch.default_level.is_none()
        && batch.relations.is_empty()
        && (batch.contacts.is_empty() || own())
}

/// The part of the store a small import needs, as a partial snapshot: the
/// districts and levels, the stored versions of the entities it brings,
/// every stored entity within [`NEAR`] of one of its points and every one
/// with one of its websites (for the likely-duplicate advice); with their
/// stored assignments.
fn around(
    store: &dyn Store,
    batch: &Batch,
) -> Result<(Snapshot, Vec<crate::store::AssignmentRow>), StoreError> {
    let mut snapshot = store.frame()?;
    snapshot.partial = true;
    let ids: Vec<&str> = batch.entities.iter().map(|(e, _)| e.id.as_str()).collect();
    let mut found = store.entities_by_id(&ids)?;
    // The stored contacts of the entities whose contacts the batch brings.
    let mut with_contacts: Vec<&str> = batch
        .contacts
        .iter()
        .map(|c| c.contact.entity.as_str())
        .collect();
    with_contacts.sort_unstable();
    with_contacts.dedup();
    for id in with_contacts {
        snapshot.contacts.extend(store.contacts_of(id)?);
    }
    // One pass over the grid cells of the batch's extent, keeping the points
    // within a margin of one of the batch's points (and, as every box
    // question does, the entities with an area, once).
    let points: Vec<[f64; 2]> = batch
        .entities
        .iter()
        .filter_map(|(e, _)| e.location)
        .map(|p| [p.lon(), p.lat()])
        .collect();
    if !points.is_empty() {
        // One box per tile the batch's points fall in (with the margin), not
        // one over their whole extent: ten new records spread over the city
        // read every record of a 10^6 store that way (0.4 s).
        let mut tiles: std::collections::BTreeMap<(i64, i64), ([f64; 2], [f64; 2])> =
            std::collections::BTreeMap::new();
        let mut widest = (0.0f64, 0.0f64);
        for p in &points {
            let (dlon, dlat) = degree_margin(p[1], NEAR);
            widest = (widest.0.max(dlon), widest.1.max(dlat));
            let key = ((p[0] / TILE).floor() as i64, (p[1] / TILE).floor() as i64);
            let (min, max) = tiles.entry(key).or_insert(([f64::MAX; 2], [f64::MIN; 2]));
            *min = [min[0].min(p[0] - dlon), min[1].min(p[1] - dlat)];
            *max = [max[0].max(p[0] + dlon), max[1].max(p[1] + dlat)];
        }
        let tree = rstar::RTree::bulk_load(points);
        let keep = |lon: f64, lat: f64| {
            let corner = rstar::AABB::from_corners(
                [lon - widest.0, lat - widest.1],
                [lon + widest.0, lat + widest.1],
            );
            tree.locate_in_envelope(&corner).next().is_some()
        };
        let boxes: Vec<_> = tiles
            .values()
            .map(|(min, max)| ((min[0], min[1]), (max[0], max[1])))
            .collect();
        found.extend(store.entities_in_boxes(&boxes, &keep)?);
    }
    let websites: Vec<String> = batch
        .entities
        .iter()
        .filter_map(|(e, _)| e.website.as_deref())
        .map(website_key)
        .filter(|k| !k.is_empty())
        .collect();
    if !websites.is_empty() {
        found.extend(store.entities_with_websites(&websites)?);
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|e| seen.insert(e.id.clone()));
    // By id, as in a whole snapshot: the advice lists pairs that are alike
    // in the same order whichever boxes the store was asked about.
    found.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let ids: Vec<&str> = found.iter().map(|e| e.id.as_str()).collect();
    let stored = store.assignments_of(&ids)?;
    snapshot.entities = found;
    Ok((snapshot, stored))
}

/// Turns transparent huge pages off for this process. An import touches a
/// lot of fresh memory once (1.3 GB at 10^6 entities); with transparent
/// huge pages the kernel's compaction cost 2.6-3.4 s of system time per
/// 10^6 import (BENCHMARKS.md), and zeroing huge pages was 60 % of a
/// `locate` run's time and of a cold `near` on PostGIS (the allocator
/// asks for them; a 2 MiB page is zeroed whole for the first byte a short
/// command touches). The command line calls it first thing. If the kernel
/// refuses, nothing is lost but that time.
pub fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// Lowers this thread's priority to the lowest (nice 19): the scheduler
/// gives it a core only when no other thread of ours, or of anyone, wants it.
/// If the kernel refuses, the thread keeps its priority.
fn lower_this_threads_priority() {
    // On Linux the nice value belongs to a thread, named by its thread id.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19);
}
