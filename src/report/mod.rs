//! The appendix bundle for the bid: `index.html` (tables and an interactive
//! map, one self-contained file), `appendix.md`, one CSV per table,
//! `entities.geojson`, `districts.geojson` and `map.svg`.

mod html;
mod sections;
mod svg;
mod text;

pub use sections::visible_rows;

use crate::export::{Profile, csv_out, geojson_out};
use crate::model::Lang;
use crate::query::{Atlas, QueryError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// How the bundle is made.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub lang: Lang,
    /// District level of the tables and the map; the store's default if `None`.
    pub level: Option<String>,
    pub profile: Profile,
}

/// What the page served by `stadtatlas serve` at `/map` may do beyond the
/// bundle's page: ask the server its questions about a clicked district,
/// and (unless the server is read-only) offer the registration form there.
#[derive(Debug, Clone, Copy)]
pub struct Served {
    /// A click offers "propose an entry here" (`/register`).
    pub proposals: bool,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub files: Vec<PathBuf>,
    /// Entities in the bundle (after the profile's filter).
    pub entities: usize,
    /// Markers on the map.
    pub markers: usize,
    /// Located entities outside the map frame (listed under the map).
    pub outside_frame: usize,
    pub level: String,
}

/// Errors while writing a bundle.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Query(#[from] QueryError),
}

fn write(
    path: PathBuf,
    bytes: impl AsRef<[u8]>,
    files: &mut Vec<PathBuf>,
) -> Result<(), ReportError> {
    write_with(path, files, |w| w.write_all(bytes.as_ref()))
}

/// Writes the file at `path` through a buffer as `f` makes it.
fn write_with(
    path: PathBuf,
    files: &mut Vec<PathBuf>,
    f: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), ReportError> {
    let io = |source| ReportError::Io {
        path: path.clone(),
        source,
    };
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).map_err(io)?);
    f(&mut w).map_err(io)?;
    w.into_inner().map_err(|e| io(e.into_error()))?;
    files.push(path);
    Ok(())
}

/// Writes the bundle into `dir` (created if missing), calling `progress` once per step.
///
/// # Errors
/// [`ReportError`] when a file cannot be written or the level is unknown.
pub fn write_bundle(
    atlas: &Atlas,
    dir: &Path,
    options: &ReportOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<Bundle, ReportError> {
    let level = atlas.level(options.level.as_deref())?.to_string();
    let lang = options.lang;
    let tables = dir.join("tables");
    std::fs::create_dir_all(&tables).map_err(|source| ReportError::Io {
        path: tables.clone(),
        source,
    })?;
    let rows = visible_rows(atlas, options.profile);
    let mut files = Vec::new();

    progress("tables");
    let sections = sections::sections(atlas, &rows, &level, options.profile, lang)?;
    for s in &sections {
        write(
            tables.join(format!("{}.csv", s.key)),
            s.grid.to_csv(),
            &mut files,
        )?;
    }
    write_with(tables.join("entities.csv"), &mut files, |w| {
        let levels = atlas.districts.hierarchy.level_ids();
        let mut table =
            csv_out::EntityCsv::new(w, &levels, options.profile, csv_out::CsvDialect::PlainSafe)?;
        table.write(atlas, &rows)?;
        table.finish().map(drop)
    })?;

    progress("appendix.md");
    let mut md = format!("# {}\n\n", text::t("title", lang));
    if options.profile == Profile::Internal {
        md.push_str(&format!("> **{}**\n\n", text::t("internal", lang)));
    }
    if atlas.has_provisional_districts() {
        md.push_str(&format!("> {}\n\n", text::t("provisional", lang)));
    }
    for s in &sections {
        md.push_str(&format!("## {}\n\n", s.title));
        match (s.grid.rows.is_empty(), s.empty_text) {
            (true, Some(empty)) => md.push_str(&format!("{empty}\n\n")),
            _ => md.push_str(&format!("{}\n", s.grid.to_markdown())),
        }
    }
    write(dir.join("appendix.md"), md, &mut files)?;

    progress("entities.geojson, districts.geojson");
    // A feature at a time: the collection is never held as a JSON tree.
    write_with(dir.join("entities.geojson"), &mut files, |w| {
        let (head, tail) = geojson_out::collection_around(atlas, options.profile);
        w.write_all(head.as_bytes())?;
        geojson_out::write_features(w, atlas, &rows, options.profile, &mut 0)?;
        w.write_all(tail.as_bytes())
    })?;
    let districts = geojson_out::districts(atlas, &level);
    write(
        dir.join("districts.geojson"),
        serde_json::to_string(&districts).expect("JSON"),
        &mut files,
    )?;

    progress("map.svg");
    let drawing = svg::draw(atlas, &rows, &level, lang);
    write(dir.join("map.svg"), &drawing.svg, &mut files)?;

    progress("index.html");
    let page = page_of(atlas, &rows, &sections, &drawing, &level, options, None);
    write(dir.join("index.html"), page, &mut files)?;
    Ok(Bundle {
        files,
        entities: rows.len(),
        markers: drawing.markers,
        outside_frame: drawing.outside_frame.len(),
        level,
    })
}

fn page_of(
    atlas: &Atlas,
    rows: &[crate::query::EntityRow],
    sections: &[sections::Section],
    drawing: &svg::Drawing,
    level: &str,
    options: &ReportOptions,
    served: Option<Served>,
) -> String {
    let generated = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    html::render(&html::Page {
        atlas,
        rows,
        sections,
        drawing,
        level,
        lang: options.lang,
        profile: options.profile,
        generated: &generated,
        served,
    })
}

/// The bundle's page (`index.html`: tables and the interactive map) alone,
/// as `serve` shows it at `/map`, doing what `served` allows.
///
/// # Errors
/// [`ReportError`] when the level is unknown.
pub fn page(atlas: &Atlas, options: &ReportOptions, served: Served) -> Result<String, ReportError> {
    let level = atlas.level(options.level.as_deref())?.to_string();
    let rows = visible_rows(atlas, options.profile);
    let sections = sections::sections(atlas, &rows, &level, options.profile, options.lang)?;
    let drawing = svg::draw(atlas, &rows, &level, options.lang);
    Ok(page_of(
        atlas,
        &rows,
        &sections,
        &drawing,
        &level,
        options,
        Some(served),
    ))
}

pub use html::content_security_policy;
