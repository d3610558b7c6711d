//! The command-line adapter: flags in, library calls, formatted text out.

pub mod args;
mod board;
pub mod german;
pub mod help_de;
mod locate;
mod manual;
mod output;
mod sql;
mod web;

use anyhow::Result;
use args::{ByArg, Cli, Command, ExportFormat, FilterArgs, Format, LangArg, ProfileArg};
use german::{Saying, said};
use output::{Out, emit, write_rows};
use stadtatlas::districts::DistrictRef;
use stadtatlas::export::{self, Profile, csv_out, gpkg_out, stream};
use stadtatlas::governance;
use stadtatlas::import::{self, ImportOptions};
use stadtatlas::model::{Lang, Text};
use stadtatlas::query::{self, Atlas, Filter, MatrixBy, NearTarget, Reach};
use stadtatlas::report::{self, ReportOptions};
use stadtatlas::store::{Location, SqliteStore, Store};
use stadtatlas::text;
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

fn lang(l: Option<LangArg>, default: Lang) -> Lang {
    match l {
        Some(LangArg::De) => Lang::De,
        Some(LangArg::En) => Lang::En,
        None => default,
    }
}

/// The language of messages and labels: `--lang`, else German when the
/// locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set) starts with
/// `de`, else English.
pub fn message_lang(asked: Option<LangArg>) -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    lang(
        asked,
        if locale.to_lowercase().starts_with("de") {
            Lang::De
        } else {
            Lang::En
        },
    )
}

/// Whether messages are German for a command line that did not parse:
/// its `--lang` if it says one, else the locale (as [`message_lang`]).
pub fn asked_german(args: impl IntoIterator<Item = std::ffi::OsString>) -> bool {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let said = args.iter().enumerate().find_map(|(i, a)| match a.as_str() {
        "--lang" => args.get(i + 1).map(String::as_str),
        _ => a.strip_prefix("--lang="),
    });
    match said {
        Some("de") => true,
        Some(_) => false,
        None => message_lang(None) == Lang::De,
    }
}

fn profile(p: ProfileArg) -> Profile {
    match p {
        ProfileArg::Public => Profile::Public,
        ProfileArg::Internal => Profile::Internal,
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

fn open(store: &Location) -> Result<(Box<dyn Store + Send>, Atlas)> {
    let store = store.open_for_reading()?;
    let snapshot = store
        .snapshot()
        .said(|| text!("reading the store", "beim Lesen des Speichers"))?;
    Ok((store, Atlas::new(snapshot)))
}

fn load(store: &Location) -> Result<Atlas> {
    Ok(open(store)?.1)
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<Outcome> {
    let out = Out {
        format: cli.format,
        lang: message_lang(cli.lang),
        quiet: cli.quiet,
    };
    let store_at = Location::parse(&cli.store, cli.pg_schema.as_deref())?;
    match cli.command {
        Command::Init => {
            store_at.create()?;
            out.say(
                format_args!("leerer Speicher {} angelegt", store_at),
                format_args!("created empty store {}", store_at),
            );
            Ok(Outcome::Ok)
        }
        Command::Copy { from, to } => {
            let parse = |at: &str| Location::parse(at, cli.pg_schema.as_deref());
            // One side may be --store (clap requires the other).
            let (from, to) = match (from, to) {
                (Some(from), Some(to)) => (parse(&from)?, parse(&to)?),
                (Some(from), None) => (parse(&from)?, store_at),
                (None, Some(to)) => (store_at, parse(&to)?),
                (None, None) => unreachable!("clap requires --from or --to"),
            };
            let c = stadtatlas::store::copy::copy(&from, &to)?;
            out.say(
                format_args!(
                    "{from} nach {to} kopiert: {} Einträge, {} Bezirke, {} Beziehungen, {} Kontakte, \
                     {} Importe, {} Revisionen, {} Einreichungen, {} Konten",
                    c.entities, c.districts, c.relations, c.contacts, c.imports, c.revisions,
                    c.submissions, c.accounts
                ),
                format_args!(
                    "copied {from} to {to}: {} entities, {} districts, {} relations, {} contacts, \
                     {} imports, {} revisions, {} submissions, {} accounts",
                    c.entities, c.districts, c.relations, c.contacts, c.imports, c.revisions,
                    c.submissions, c.accounts
                ),
            );
            Ok(Outcome::Ok)
        }
        Command::Backup { out: target } => {
            let Some(file) = store_at.file() else {
                return Err(said(text!(
                    "{store_at} is a PostgreSQL store: back it up with pg_dump, or copy it into a \
                     GeoPackage with `stadtatlas copy --from {store_at} --to FILE.gpkg`",
                    "{store_at} ist ein PostgreSQL-Speicher: sichern Sie ihn mit pg_dump oder \
                     kopieren Sie ihn mit `stadtatlas copy --from {store_at} --to DATEI.gpkg` in \
                     ein GeoPackage"
                )));
            };
            let store = SqliteStore::open_for_reading(file)?;
            store.backup_to(&target)?;
            let (from, to) = (store_at, target.display());
            out.say(
                format_args!("{from} nach {to} gesichert"),
                format_args!("backed up {from} to {to}"),
            );
            Ok(Outcome::Ok)
        }
        Command::Import {
            paths,
            role,
            level,
            crs,
            encoding,
            sheet,
            repair,
            dry_run,
            map,
            id_column,
            name_column,
            parent_column,
            population_column,
            below,
            above,
            replace,
        } => {
            let columns = column_mapping(
                map,
                [
                    ("id", id_column),
                    ("name", name_column),
                    ("parent", parent_column),
                    ("population", population_column),
                ],
            )?;
            import_paths(
                &store_at,
                &paths,
                &ImportOptions {
                    role,
                    level,
                    encoding,
                    sheet,
                    crs,
                    repair,
                    columns,
                    below,
                    above,
                    replace,
                },
                dry_run,
                &out,
            )?;
            Ok(Outcome::Ok)
        }
        Command::Locate(args) => locate::command(&store_at, args, &out),
        Command::Baseline { data, out: dir } => {
            let data = data.unwrap_or_else(default_data_dir);
            let (from, to) = (data.display(), &store_at);
            out.say(
                format_args!("[1/3] importiere {from} in {to}"),
                format_args!("[1/3] importing {from} into {to}"),
            );
            import_paths(&store_at, &[data], &ImportOptions::default(), false, &out)?;
            out.say(
                format_args!("[2/3] lade und indiziere den Speicher"),
                format_args!("[2/3] loading and indexing the store"),
            );
            let atlas = load(&store_at)?;
            let options = ReportOptions {
                lang: lang(cli.lang, Lang::De),
                level: None,
                profile: Profile::Public,
            };
            let step = output::tr(
                out.lang,
                "[3/3] schreibe das Paket",
                "[3/3] writing the bundle",
            );
            write_report(&atlas, &dir, &options, &out, step)?;
            let m = query::matrix(&atlas, None, MatrixBy::Kind, false, &Filter::default())?;
            emit(&out, &m, || {
                export::matrix_grid(&m, &atlas.vocabulary, out.lang)
            })?;
            let again = invocation(&store_at);
            let (store, page) = (store_at, dir.join("index.html"));
            let (e, d, r) = (
                atlas.entities.len(),
                atlas.districts.len(),
                atlas.relations.len(),
            );
            let page = page.display();
            out.say(
                format_args!(
                    "fertig: {store} enthält {e} Einträge, {d} Bezirke, {r} Beziehungen; öffnen Sie {page} im Browser. \
                     Weiter: `{again} in Halle-Neustadt`, `{again} gaps`, `{again} matrix --by field`"
                ),
                format_args!(
                    "done: {store} holds {e} entities, {d} districts, {r} relations; open {page} in a browser. \
                     Next: `{again} in Halle-Neustadt`, `{again} gaps`, `{again} matrix --by field`"
                ),
            );
            Ok(Outcome::Ok)
        }
        Command::Report {
            out: dir,
            level,
            profile: p,
        } => {
            let atlas = load(&store_at)?;
            let options = ReportOptions {
                lang: lang(cli.lang, Lang::De),
                level,
                profile: profile(p),
            };
            let step = output::tr(out.lang, "schreibe das Paket", "writing the bundle");
            write_report(&atlas, &dir, &options, &out, step)?;
            Ok(Outcome::Ok)
        }
        Command::Export {
            what,
            out: file,
            profile: p,
            excel,
            filter,
        } => {
            let p = profile(p);
            if excel && what != ExportFormat::Csv {
                return Err(said(text!(
                    "--excel is for `export csv`",
                    "--excel gilt nur für `export csv`"
                )));
            }
            // Every format is written as the store hands the records over.
            let held = store_at.open_for_reading()?;
            let n = match what {
                ExportFormat::Geojson => stream::entities_to_file(
                    &*held,
                    stream::EntityFile::Geojson,
                    p,
                    &filter.to_filter(),
                    &file,
                )?,
                ExportFormat::Csv => stream::entities_to_file(
                    &*held,
                    stream::EntityFile::Csv(if excel {
                        csv_out::CsvDialect::Excel
                    } else {
                        csv_out::CsvDialect::Plain
                    }),
                    p,
                    &filter.to_filter(),
                    &file,
                )?,
                // A GeoPackage is a store of its own.
                ExportFormat::Gpkg => gpkg_out::write(&*held, &filter.to_filter(), p, &file)?,
            };
            let (profile, file) = (p.as_str(), file.display());
            out.say(
                format_args!("{n} Einträge ({profile}-Profil) nach {file} geschrieben"),
                format_args!("wrote {n} entities ({profile} profile) to {file}"),
            );
            Ok(Outcome::Ok)
        }
        Command::List { filter } => {
            let held = store_at.open_for_reading()?;
            output::list(&out, &*held, &filter.to_filter())?;
            Ok(Outcome::Ok)
        }
        Command::Show { id } => {
            let held = store_at.open_for_reading()?;
            let store: &dyn Store = &*held;
            let found = query::entity_in_store(store, &id)?;
            output::show(&out, &found.atlas, &id, store.history(&id)?.len())?;
            Ok(Outcome::Ok)
        }
        Command::History { id } => {
            let held = store_at.open_for_reading()?;
            let store: &dyn Store = &*held;
            let revisions = store.history(&id)?;
            if revisions.is_empty() {
                return Err(said(text!(
                    "no entity has the id \"{id}\"",
                    "kein Eintrag hat die Kennung \"{id}\""
                )));
            }
            output::history(&out, &revisions)?;
            Ok(Outcome::Ok)
        }
        Command::Districts { level, filter } => {
            let held = store_at.open_for_reading()?;
            let store: &dyn Store = &*held;
            let rows =
                query::district_table_in_store(store, level.as_deref(), &filter.to_filter())?;
            emit(&out, &rows, || export::districts_grid(&rows, out.lang))?;
            Ok(Outcome::Ok)
        }
        Command::Where { target } => {
            let held = store_at.open_for_reading()?;
            let store: &dyn Store = &*held;
            let rows = match query::WhereTarget::asked(&target)? {
                query::WhereTarget::Point(p) => query::where_point_in_store(store, p)?,
                query::WhereTarget::Entity(id) => query::where_entity_in_store(store, &id)?,
            };
            emit(&out, &rows, || export::where_grid(&rows, out.lang))?;
            Ok(Outcome::Ok)
        }
        Command::In {
            districts,
            level,
            filter,
        } => {
            let held = store_at.open_for_reading()?;
            let store: &dyn Store = &*held;
            let found =
                query::inside_in_store(store, &districts, level.as_deref(), &filter.to_filter())?;
            write_rows(&out, &found)?;
            Ok(if found.is_empty() {
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
            let held = store_at.open_for_reading()?;
            let store: &dyn Store = &*held;
            let target = NearTarget::asked(at, target, level, |id| {
                Ok(!store.entities_by_id(&[id])?.is_empty())
            })?;
            let reach = Reach::asked(within, nearest)?;
            let found = query::near_in_store(store, &target, reach, &filter.to_filter())?;
            write_rows(&out, &found)?;
            Ok(if found.is_empty() {
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
            let held = store_at.open_for_reading()?;
            let store: &dyn Store = &*held;
            let query::Around { atlas, answer: m } = query::matrix_in_store(
                store,
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
        Command::Moderation { action } => web::moderation(&out, &store_at, action),
        Command::User { action } => web::user(&out, &store_at, action),
        Command::Serve {
            bind,
            base_url,
            title,
            read_only,
            posts_per_client,
            trusted_proxy,
        } => {
            let options = stadtatlas::serve::Options {
                bind,
                base_url,
                title,
                read_only,
                posts_per_client: posts_per_client as usize,
                trusted_proxies: trusted_proxy,
            };
            // The store as Location shows it: a password is masked.
            let shown = store_at.to_string();
            let lang = out.lang;
            stadtatlas::serve::run(store_at, options, |addr| {
                // The address on stderr even with --quiet: with port 0 it is
                // the only way to learn the port.
                match lang {
                    Lang::De => eprintln!("{shown} unter http://{addr}/ (Strg-C beendet)"),
                    Lang::En => eprintln!("serving {shown} on http://{addr}/ (Ctrl-C stops)"),
                }
            })?;
            Ok(Outcome::Ok)
        }
        Command::Check { stale_days } => {
            let held = store_at.open_for_reading()?;
            let query::Checked {
                findings,
                location_quality: counts,
            } = query::check_in_store(&*held, chrono::Utc::now().date_naive(), stale_days)?;
            // On the terminal, a screenful per check; csv and json list all.
            let listed = (out.format == Format::Table).then_some(output::FINDINGS_PER_CHECK);
            if out.format == Format::Csv {
                output::findings_csv(&findings, out.lang)?;
            } else {
                emit(&out, &findings, || {
                    let mut grid = output::findings_grid(&findings, listed, out.lang);
                    let counts = query::location_quality_line(&counts);
                    grid.notes.push(match out.lang {
                        Lang::De => format!("Einträge nach Qualität der Verortung: {counts}"),
                        Lang::En => format!("entities by location quality: {counts}"),
                    });
                    grid
                })?;
            }
            Ok(if findings.is_empty() {
                Outcome::Ok
            } else {
                Outcome::Nothing
            })
        }
        Command::Bodies => {
            let held = store_at.open_for_reading()?;
            let atlas = governance::atlas_in_store(&*held, &[])?;
            let rows = governance::bodies(&atlas);
            emit(&out, &rows, || output::bodies_grid(&rows, out.lang))?;
            Ok(Outcome::Ok)
        }
        Command::Board { action } => board::run(&out, &store_at, action, cli.lang),
        Command::Completions { shell } => {
            manual::completions(shell)?;
            Ok(Outcome::Ok)
        }
        Command::Man { out: dir } => {
            manual::man(dir.as_deref(), &out)?;
            Ok(Outcome::Ok)
        }
        Command::Network { id, depth } => {
            let held = store_at.open_for_reading()?;
            let focus: Vec<&str> = id.iter().map(String::as_str).collect();
            let atlas = governance::atlas_in_store(&*held, &focus)?;
            let net = governance::network(&atlas, id.as_deref(), depth)?;
            match out.format {
                Format::Dot => output::print(&net.to_dot())?,
                Format::Graphml => output::print(&net.to_graphml())?,
                Format::Geojson => output::print_json(&net.to_geojson(), false)?,
                _ => emit(&out, &net, || output::network_grid(&net, out.lang))?,
            }
            Ok(Outcome::Ok)
        }
        Command::Gaps {
            level,
            by: b,
            filter,
        } => {
            if b != ByArg::Field {
                return Err(said(text!(
                    "gaps are computed per field of action (--by field)",
                    "Lücken werden je Handlungsfeld berechnet (--by field)"
                )));
            }
            let held = store_at.open_for_reading()?;
            let store: &dyn Store = &*held;
            let query::Around {
                atlas,
                answer: gaps,
            } = query::gaps_in_store(store, level.as_deref(), &filter.to_filter())?;
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
            sql::run(&out, &store_at, queries, timeout, action)?;
            Ok(Outcome::Ok)
        }
    }
}

fn write_report(
    atlas: &Atlas,
    dir: &Path,
    options: &ReportOptions,
    out: &Out,
    step: &str,
) -> Result<()> {
    out.say(
        format_args!("{step} nach {}", dir.display()),
        format_args!("{step} into {}", dir.display()),
    );
    let bundle = report::write_bundle(atlas, dir, options, &mut |s| {
        out.progress(&format!("  - {s}"))
    })
    .said(|| {
        let dir = dir.display();
        text!(
            "writing the report into {dir}",
            "beim Schreiben des Berichts nach {dir}"
        )
    })?;
    let (files, entities, level, markers) = (
        bundle.files.len(),
        bundle.entities,
        &bundle.level,
        bundle.markers,
    );
    let outside = bundle.outside_frame;
    out.say(
        format_args!(
            "  {files} Dateien geschrieben ({entities} Einträge, Ebene {level}, {markers} Marker auf der Karte{})",
            if outside > 0 { format!(", {outside} außerhalb ihres Rahmens") } else { String::new() }
        ),
        format_args!(
            "  wrote {files} files ({entities} entities, level {level}, {markers} markers on the map{})",
            if outside > 0 { format!(", {outside} outside its frame") } else { String::new() }
        ),
    );
    Ok(())
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

/// How to run this program again from here on `store`, for hints: through
/// Cargo when Cargo ran it (`cargo run --release -- baseline`, as the README
/// says), by name when it is on the `PATH`, else by its path; with
/// `--store` unless the next command finds the store by itself.
fn invocation(store: &Location) -> String {
    let program = program();
    if store.file() == Some(Path::new(args::DEFAULT_STORE))
        || std::env::var_os(args::STORE_ENV).is_some()
    {
        program
    } else {
        format!("{program} --store {}", store.command_line())
    }
}

/// This program, as [`invocation`] names it.
fn program() -> String {
    if std::env::var_os("CARGO").is_some() {
        let profile = if cfg!(debug_assertions) {
            ""
        } else {
            " --release"
        };
        return format!("cargo run{profile} --");
    }
    let Ok(exe) = std::env::current_exe() else {
        return env!("CARGO_PKG_NAME").to_string();
    };
    let on_path = exe.parent().is_some_and(|dir| {
        std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|p| p == dir))
    });
    if on_path {
        return env!("CARGO_PKG_NAME").to_string();
    }
    let shown = std::env::current_dir()
        .ok()
        .and_then(|here| exe.strip_prefix(here).ok().map(Path::to_path_buf))
        .unwrap_or(exe);
    shown.display().to_string()
}

fn import_paths(
    store_path: &Location,
    paths: &[PathBuf],
    options: &ImportOptions,
    dry_run: bool,
    out: &Out,
) -> Result<()> {
    use import::run::Step;
    // A spinner on a terminal (indicatif draws nothing when stderr is piped).
    let spinner = if out.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let verb = match (out.lang, dry_run) {
        (Lang::De, true) => "würde ändern",
        (Lang::De, false) => "ändert",
        (Lang::En, true) => "would change",
        (Lang::En, false) => "changes",
    };
    let de = out.lang == Lang::De;
    let outcome = import::run::run(
        store_path,
        paths,
        options,
        dry_run,
        &mut |step| match step {
            Step::Reading(n) if de => spinner.set_message(format!("lese {n} Pfad(e)")),
            Step::Reading(n) => spinner.set_message(format!("reading {n} path(s)")),
            Step::Checking if de => spinner.set_message("prüfe gegen den Speicher"),
            Step::Checking => spinner.set_message("checking against the store"),
            Step::Planned(s) => {
                spinner.suspend(|| {
                let removed = if s.districts_removed > 0 { format!(" -{}", s.districts_removed) } else { String::new() };
                out.say(format_args!(
                    "Import {verb}: Einträge +{} ~{} ={}; Bezirke +{} ~{} ={}{}; Beziehungen +{} ={}; Kontakte +{} ={}",
                    s.entities_added, s.entities_changed, s.entities_unchanged,
                    s.districts_added, s.districts_changed, s.districts_unchanged, removed,
                    s.relations_added, s.relations_unchanged, s.contacts_added, s.contacts_unchanged,
                ), format_args!(
                    "import {verb}: entities +{} ~{} ={}; districts +{} ~{} ={}{}; relations +{} ={}; contacts +{} ={}",
                    s.entities_added, s.entities_changed, s.entities_unchanged,
                    s.districts_added, s.districts_changed, s.districts_unchanged, removed,
                    s.relations_added, s.relations_unchanged, s.contacts_added, s.contacts_unchanged,
                ))
            });
            }
            Step::Writing {
                entities,
                districts,
            } if de => spinner.set_message(format!(
                "schreibe {entities} Einträge und {districts} Bezirke in einer Transaktion"
            )),
            Step::Writing {
                entities,
                districts,
            } => spinner.set_message(format!(
                "writing {entities} entities and {districts} districts in one transaction"
            )),
        },
    );
    spinner.finish_and_clear();
    let outcome = outcome?;
    show_warnings(&outcome.summary.warnings, out);
    match outcome.import_id {
        Some(id) => out.say(
            format_args!("Import #{id} in {} geschrieben", store_path),
            format_args!("import #{id} written to {}", store_path),
        ),
        None if dry_run => {
            if out.format == Format::Json {
                output::print_json(&outcome.summary, true)?;
            }
        }
        None => out.say(
            format_args!("nichts zu ändern; der Speicher bleibt, wie er war"),
            format_args!("nothing to change; the store is as it was"),
        ),
    }
    Ok(())
}

/// The column mapping of `--map FIELD=COLUMN` and the `--X-column` flags;
/// `--map address=STRASSE,PLZ` joins several columns.
fn column_mapping<const N: usize>(
    map: Vec<(String, String)>,
    named: [(&str, Option<String>); N],
) -> Result<std::collections::BTreeMap<String, import::manifest::ColumnSource>> {
    use import::manifest::ColumnSource;
    let mut columns = std::collections::BTreeMap::new();
    let pairs = map.into_iter().chain(
        named
            .into_iter()
            .filter_map(|(f, c)| Some((f.to_string(), c?))),
    );
    for (field, column) in pairs {
        let parts: Vec<String> = column.split(',').map(|c| c.trim().to_string()).collect();
        let source = match parts.len() {
            1 => ColumnSource::One(column),
            _ => ColumnSource::Joined(parts),
        };
        if columns.insert(field.clone(), source).is_some() {
            return Err(said(text!(
                "the field '{field}' is mapped twice; map it once",
                "das Feld '{field}' ist zweimal zugeordnet; ordnen Sie es einmal zu"
            )));
        }
    }
    Ok(columns)
}

/// Prints an import's warnings; a big import can bring thousands, the first
/// ones show the pattern and `import --dry-run --format json` lists them all.
fn show_warnings(warnings: &[Text], out: &Out) {
    const SHOWN: usize = 25;
    for w in warnings.iter().take(SHOWN) {
        out.warn(w.in_lang(out.lang));
    }
    if warnings.len() > SHOWN {
        let more = warnings.len() - SHOWN;
        out.warn(&match out.lang {
            Lang::De => format!(
                "… und {more} weitere Warnungen; `import --dry-run --format json` listet alle"
            ),
            Lang::En => format!(
                "… and {more} more warnings; `import --dry-run --format json` lists them all"
            ),
        });
    }
}

/// Used by `show`: names of an entity's districts per level.
pub(crate) fn district_names(atlas: &Atlas, i: usize, lang: Lang) -> Vec<(String, String)> {
    let provisional = export::label("provisional", lang);
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
                        format!("{} ({provisional})", atlas.districts[*d].name)
                    }
                    other => atlas.ref_name(*other).to_string(),
                })
                .collect();
            (level.id.clone(), names.join("; "))
        })
        .collect()
}
