//! The command-line adapter: flags in, library calls, formatted text out.

pub mod args;
mod output;
mod sql;

use anyhow::{Context, Result, bail};
use args::{ByArg, Cli, Command, FilterArgs, Format, LangArg};
use output::{Out, emit, emit_entities};
use stadtatlas::districts::DistrictRef;
use stadtatlas::export;
use stadtatlas::import::{self, ImportOptions};
use stadtatlas::model::{Lang, LonLat, Meters};
use stadtatlas::query::{self, Atlas, Filter, MatrixBy, NearTarget, Reach};
use stadtatlas::store::{SqliteStore, Store};
use std::path::{Path, PathBuf};

/// What a run asks the process to exit with.
pub enum Outcome {
    Ok,
    /// A question found nothing where that matters (exit 1).
    Nothing,
}

impl FilterArgs {
    fn to_filter(&self) -> Filter {
        Filter {
            kinds: self.kinds.clone(),
            fields: self.fields.iter().map(|f| f.to_lowercase()).collect(),
            categories: self.categories.iter().map(|c| c.to_lowercase()).collect(),
            statuses: self.statuses.clone(),
            tags: self.tags.clone(),
            include_internal: false,
        }
    }
}

fn lang(l: LangArg) -> Lang {
    match l {
        LangArg::De => Lang::De,
        LangArg::En => Lang::En,
    }
}

fn by(b: ByArg) -> MatrixBy {
    match b {
        ByArg::Field => MatrixBy::Field,
        ByArg::Category => MatrixBy::Category,
        ByArg::Kind => MatrixBy::Kind,
        ByArg::Status => MatrixBy::Status,
    }
}

fn open(store: &Path) -> Result<(SqliteStore, Atlas)> {
    let store = SqliteStore::open_for_reading(store)?;
    let snapshot = store.snapshot().context("reading the store")?;
    Ok((store, Atlas::new(snapshot)))
}

fn load(store: &Path) -> Result<Atlas> {
    Ok(open(store)?.1)
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<Outcome> {
    let out = Out {
        format: cli.format,
        lang: lang(cli.lang),
        quiet: cli.quiet,
    };
    match cli.command {
        Command::Init => {
            SqliteStore::create(&cli.store)?;
            out.progress(&format!("created empty store {}", cli.store.display()));
            Ok(Outcome::Ok)
        }
        Command::Import {
            paths,
            role,
            level,
            crs,
            dry_run,
        } => {
            if let Some(crs) =
                crs.filter(|c| !matches!(c.to_uppercase().as_str(), "EPSG:4326" | "4326" | "WGS84"))
            {
                bail!("--crs {crs}: only EPSG:4326 (WGS84 lon/lat) is read so far");
            }
            import_paths(
                &cli.store,
                &paths,
                &ImportOptions { role, level },
                dry_run,
                &out,
            )?;
            Ok(Outcome::Ok)
        }
        Command::Baseline { data } => {
            let data = data.unwrap_or_else(default_data_dir);
            out.progress(&format!(
                "[1/2] importing {} into {}",
                data.display(),
                cli.store.display()
            ));
            import_paths(&cli.store, &[data], &ImportOptions::default(), false, &out)?;
            out.progress("[2/2] district summary");
            let atlas = load(&cli.store)?;
            let m = query::matrix(&atlas, None, MatrixBy::Kind, false, &Filter::default())?;
            emit(&out, &m, || {
                export::matrix_grid(&m, &atlas.vocabulary, out.lang)
            })?;
            out.progress(&format!(
                "done: {} holds {} entities, {} districts, {} relations. Next: \
                 `stadtatlas in Halle-Neustadt`, `stadtatlas gaps`, `stadtatlas matrix --by field`",
                cli.store.display(),
                atlas.entities.len(),
                atlas.districts.len(),
                atlas.relations.len()
            ));
            Ok(Outcome::Ok)
        }
        Command::List { filter } => {
            let atlas = load(&cli.store)?;
            let f = filter.to_filter();
            let mut rows: Vec<_> = (0..atlas.entities.len())
                .filter(|&i| f.matches(&atlas.entities[i]))
                .map(|i| atlas.row(i))
                .collect();
            rows.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)));
            emit_entities(&out, &atlas, &rows)?;
            Ok(Outcome::Ok)
        }
        Command::Show { id } => {
            let (store, atlas) = open(&cli.store)?;
            output::show(&out, &atlas, &id, store.history(&id)?.len())?;
            Ok(Outcome::Ok)
        }
        Command::History { id } => {
            let store = SqliteStore::open_for_reading(&cli.store)?;
            let revisions = store.history(&id)?;
            if revisions.is_empty() {
                bail!("no entity has the id \"{id}\"");
            }
            output::history(&out, &revisions)?;
            Ok(Outcome::Ok)
        }
        Command::Districts { level, filter } => {
            let atlas = load(&cli.store)?;
            let rows = query::district_table(&atlas, level.as_deref(), &filter.to_filter())?;
            emit(&out, &rows, || export::districts_grid(&rows, out.lang))?;
            Ok(Outcome::Ok)
        }
        Command::Where { target } => {
            let atlas = load(&cli.store)?;
            let rows = match target.parse::<LonLat>() {
                Ok(p) => query::where_point(&atlas, p),
                Err(_) if target.contains(',') => bail!(
                    "\"{target}\" is not LON,LAT: {}",
                    target.parse::<LonLat>().err().unwrap_or_default()
                ),
                Err(_) => query::where_entity(&atlas, &target)?,
            };
            emit(&out, &rows, || export::where_grid(&rows, out.lang))?;
            Ok(Outcome::Ok)
        }
        Command::In {
            districts,
            level,
            filter,
        } => {
            let atlas = load(&cli.store)?;
            let rows = query::inside(&atlas, &districts, level.as_deref(), &filter.to_filter())?;
            emit_entities(&out, &atlas, &rows)?;
            Ok(if rows.is_empty() {
                Outcome::Nothing
            } else {
                Outcome::Ok
            })
        }
        Command::Near {
            target,
            at,
            within,
            nearest,
            level,
            filter,
        } => {
            let atlas = load(&cli.store)?;
            let target = match (at, target) {
                (Some(p), _) => NearTarget::At(p),
                (None, Some(t)) if atlas.entity_index(&t).is_ok() => NearTarget::Entity(t),
                (None, Some(t)) => NearTarget::District { name: t, level },
                (None, None) => bail!("name a district or an entity, or give --at LON,LAT"),
            };
            let reach = match (within, nearest) {
                (Some(m), _) if m.is_finite() && m >= 0.0 => Reach::Within(Meters(m)),
                (Some(m), _) => bail!("--within {m}: give a distance in metres ≥ 0"),
                (None, Some(k)) => Reach::Nearest(k),
                (None, None) => bail!("give --within METRES or --nearest K"),
            };
            let rows = query::near(&atlas, &target, reach, &filter.to_filter())?;
            emit_entities(&out, &atlas, &rows)?;
            Ok(if rows.is_empty() {
                Outcome::Nothing
            } else {
                Outcome::Ok
            })
        }
        Command::Matrix {
            level,
            by: b,
            per_capita,
            filter,
        } => {
            let atlas = load(&cli.store)?;
            let m = query::matrix(
                &atlas,
                level.as_deref(),
                by(b),
                per_capita,
                &filter.to_filter(),
            )?;
            emit(&out, &m, || {
                export::matrix_grid(&m, &atlas.vocabulary, out.lang)
            })?;
            Ok(Outcome::Ok)
        }
        Command::Gaps {
            level,
            by: b,
            filter,
        } => {
            if b != ByArg::Field {
                bail!("gaps are computed per field of action (--by field)");
            }
            let atlas = load(&cli.store)?;
            let gaps = query::gaps(&atlas, level.as_deref(), &filter.to_filter())?;
            emit(&out, &gaps, || {
                export::gaps_grid(&gaps, &atlas.vocabulary, out.lang)
            })?;
            Ok(Outcome::Ok)
        }
        Command::Query {
            queries,
            timeout,
            action,
        } => {
            sql::run(&out, &cli.store, queries, timeout, action)?;
            Ok(Outcome::Ok)
        }
    }
}

/// `data/halle` under the working directory, else beside the crate's sources.
fn default_data_dir() -> PathBuf {
    let here = PathBuf::from("data/halle");
    if here.is_dir() {
        here
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/halle")
    }
}

fn import_paths(
    store_path: &Path,
    paths: &[PathBuf],
    options: &ImportOptions,
    dry_run: bool,
    out: &Out,
) -> Result<()> {
    let batch = import::read_paths(paths, options)?;
    let (snapshot, stored) = if store_path.exists() {
        let store = SqliteStore::open_for_reading(store_path)?;
        (store.snapshot()?, store.assignments()?)
    } else {
        Default::default()
    };
    let prepared = import::prepare(batch, &snapshot, &stored)?;
    let s = &prepared.summary;
    for w in &s.warnings {
        out.warn(w);
    }
    let verb = if dry_run { "would change" } else { "changes" };
    out.progress(&format!(
        "import {verb}: entities +{} ~{} ={}; districts +{} ~{} ={}; relations +{} ={}; contacts +{} ={}",
        s.entities_added, s.entities_changed, s.entities_unchanged,
        s.districts_added, s.districts_changed, s.districts_unchanged,
        s.relations_added, s.relations_unchanged, s.contacts_added, s.contacts_unchanged,
    ));
    if dry_run {
        if out.format == Format::Json {
            output::print(&serde_json::to_string_pretty(s)?)?;
        }
        return Ok(());
    }
    if prepared.changes.is_empty() {
        out.progress("nothing to change; the store is as it was");
        return Ok(());
    }
    let mut store = SqliteStore::open_or_create(store_path)?;
    let id = store
        .apply(&prepared.changes)
        .context("writing the import")?;
    out.progress(&format!("import #{id} written to {}", store_path.display()));
    Ok(())
}

/// Used by `show`: names of an entity's districts per level.
pub(crate) fn district_names(atlas: &Atlas, i: usize) -> Vec<(String, String)> {
    atlas
        .districts
        .hierarchy
        .levels()
        .iter()
        .zip(&atlas.assignments[i])
        .map(|(level, set)| {
            let names: Vec<String> = set
                .iter()
                .map(|r| match r {
                    DistrictRef::District(d) if atlas.districts[*d].provisional => {
                        format!("{} (provisional)", atlas.districts[*d].name)
                    }
                    other => atlas.ref_name(*other).to_string(),
                })
                .collect();
            (level.id.clone(), names.join("; "))
        })
        .collect()
}
