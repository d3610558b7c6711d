//! `export geojson` and `export csv` as the store hands the records over:
//! memory for one chunk of the store, whatever its size, and the file
//! whole or not at all.

use super::csv_out::{CsvDialect, EntityCsv};
use super::{Profile, geojson_out};
use crate::query::{Atlas, Chunked, EntityRow, Filter, QueryError, Rows};
use crate::store::{EntityOrder, Store};
use std::io::{BufWriter, Write};
use std::path::Path;

/// The folder `path` is in (`.` for a bare name), which must exist: a
/// missing folder is named as such, not by the new file's name.
///
/// # Errors
/// Why the folder cannot be read.
pub(super) fn folder_of(path: &Path) -> std::io::Result<&Path> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::metadata(dir)?;
    Ok(dir)
}

/// The formats of [`entities_to_file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityFile {
    /// An RFC 7946 FeatureCollection, as [`geojson_out::entities`] writes it.
    Geojson,
    /// The entity table, as [`super::csv_out::EntityCsv`] writes it.
    Csv(CsvDialect),
}

/// Why an export was not written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error("writing {path}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl ExportError {
    /// The error of writing to `to`, for `map_err`.
    pub(super) fn writing(to: &str) -> impl Fn(std::io::Error) -> ExportError + Copy + '_ {
        move |source| ExportError::Write {
            path: to.to_string(),
            source,
        }
    }
}

/// Writes the entities that pass `filter` under `profile` (contact persons
/// only in the internal one) to `path`, by id, a chunk at a time: into a
/// new file beside it that replaces `path` once complete, so that a failed
/// export leaves what was there. Returns how many were written.
///
/// # Errors
/// [`ExportError`] when the store cannot be read or the file not written.
pub fn entities_to_file(
    store: &dyn Store,
    format: EntityFile,
    profile: Profile,
    filter: &Filter,
    path: &Path,
) -> Result<usize, ExportError> {
    let to = path.display().to_string();
    let io = ExportError::writing(&to);
    let dir = folder_of(path).map_err(io)?;
    // Made with the permissions a new file gets (0666 less the umask), not
    // a temporary file's 0600: exports are read by others.
    let mut builder = tempfile::Builder::new();
    builder.prefix(".stadtatlas-export-");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let file = builder.tempfile_in(dir).map_err(io)?;
    let filter = profile.apply(filter);
    let mut w = BufWriter::new(file);
    let written = match format {
        EntityFile::Geojson => {
            write_geojson(store, &filter, EntityOrder::ById, profile, &mut w, &to)?
        }
        EntityFile::Csv(dialect) => write_csv(
            store,
            &filter,
            EntityOrder::ById,
            profile,
            dialect,
            &mut w,
            &to,
        )?,
    };
    let file = w.into_inner().map_err(|e| io(e.into_error()))?;
    file.as_file().sync_all().map_err(io)?;
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(written)
}

/// The entities that pass `filter` (as given: [`Profile::apply`] is the
/// caller's) in `order`, as one FeatureCollection written to `w` (`to`
/// names it in errors) as [`geojson_out::entities`] writes it, a chunk at a
/// time. Returns how many were written.
///
/// # Errors
/// [`ExportError`] when the store cannot be read or `w` not written.
pub fn write_geojson<W: Write + Send>(
    store: &dyn Store,
    filter: &Filter,
    order: EntityOrder,
    profile: Profile,
    w: &mut W,
    to: &str,
) -> Result<usize, ExportError> {
    let rows = Rows::read(store, filter, order, profile.shows_contacts())?;
    write_geojson_of(&rows, profile, w, to)
}

/// Rows handed over a chunk at a time (`list`'s, or the answer of `in`
/// or `near`) as one FeatureCollection, as [`geojson_out::entities`]
/// writes it, to `w` (`to` names it in errors). Returns how many were
/// written.
///
/// # Errors
/// [`ExportError`] when the store cannot be read or `w` not written.
pub fn write_geojson_of<W: Write + Send>(
    rows: &impl Chunked,
    profile: Profile,
    w: &mut W,
    to: &str,
) -> Result<usize, ExportError> {
    let io = ExportError::writing(to);
    let (head, tail) = geojson_out::collection_around(rows.districts(), profile);
    w.write_all(head.as_bytes()).map_err(io)?;
    let mut written = 0;
    rows.each(|atlas: &Atlas, rows: Vec<EntityRow>| {
        geojson_out::write_features(w, atlas, &rows, profile, &mut written).map_err(io)
    })?;
    w.write_all(tail.as_bytes()).map_err(io)?;
    Ok(written)
}

/// The entities that pass `filter` (as given) in `order` as the entity
/// table [`super::csv_out::EntityCsv`] writes, to `w` (`to` names it in
/// errors), a chunk at a time. Returns how many were written.
///
/// # Errors
/// [`ExportError`] when the store cannot be read or `w` not written.
pub fn write_csv<W: Write + Send>(
    store: &dyn Store,
    filter: &Filter,
    order: EntityOrder,
    profile: Profile,
    dialect: CsvDialect,
    w: &mut W,
    to: &str,
) -> Result<usize, ExportError> {
    let io = ExportError::writing(to);
    let rows = Rows::read(store, filter, order, profile.shows_contacts())?;
    let levels = rows.districts().districts.hierarchy.level_ids();
    let mut table = EntityCsv::new(w, &levels, profile, dialect).map_err(io)?;
    let mut written = 0;
    rows.each(|atlas: &Atlas, rows: Vec<EntityRow>| {
        written += rows.len();
        table.write(atlas, &rows).map_err(io)
    })?;
    table.finish().map_err(io)?;
    Ok(written)
}
