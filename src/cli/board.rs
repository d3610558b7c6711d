//! `board check` and `board propose`: flags to library options, answers to text.

use super::args::{BoardAction, Format, LangArg};
use super::german::said;
use super::output::{self, Out, emit};
use super::{Outcome, lang, load, profile};
use anyhow::Result;
use stadtatlas::governance::{self, ProposeOptions, Requirement};
use stadtatlas::model::Lang;
use stadtatlas::text;
use std::path::PathBuf;
use std::time::Duration;

fn requirement(path: Option<PathBuf>) -> Result<Requirement> {
    Ok(match path {
        Some(path) => Requirement::read(&path)?,
        None => Requirement::council_2020(),
    })
}

/// Runs a `board` subcommand; exit 1 when a requirement stays uncovered.
pub fn run(
    out: &Out,
    store: &stadtatlas::store::Location,
    action: BoardAction,
    asked: Option<LangArg>,
) -> Result<Outcome> {
    let missing = match action {
        BoardAction::Check {
            body,
            require,
            with,
        } => {
            let requirement = requirement(require)?;
            // The body, its members and those `with` names: not the inventory.
            let held = store.open_for_reading()?;
            let also: Vec<&str> = std::iter::once(body.as_str())
                .chain(with.iter().map(String::as_str))
                .collect();
            let atlas = governance::atlas_in_store(&*held, &also)?;
            let coverage = governance::check_with(&atlas, &body, &requirement, out.lang, &with)?;
            emit(out, &coverage, || {
                output::coverage_grid(&coverage, out.lang)
            })?;
            coverage.missing
        }
        BoardAction::Propose {
            body,
            require,
            seats,
            exclude,
            include,
            time_limit,
            profile: p,
        } => {
            if !(time_limit.is_finite() && time_limit > 0.0) {
                return Err(said(text!(
                    "--time-limit {time_limit}: give a number of seconds > 0",
                    "--time-limit {time_limit}: geben Sie eine Zahl von Sekunden > 0 an"
                )));
            }
            let requirement = requirement(require)?;
            let atlas = load(store)?;
            // The Markdown is for the bid appendix: German unless asked otherwise.
            let labels = match out.format {
                Format::Md => lang(asked, Lang::De),
                _ => out.lang,
            };
            let proposal = governance::propose(
                &atlas,
                &ProposeOptions {
                    body: body.as_deref(),
                    requirement: &requirement,
                    seats,
                    exclude: &exclude,
                    include: &include,
                    time_limit: Duration::from_secs_f64(time_limit),
                    today: chrono::Utc::now().date_naive(),
                    profile: profile(p),
                    lang: labels,
                },
            )?;
            match out.format {
                Format::Json => output::print_json(&proposal, true)?,
                Format::Md => output::print(&proposal.to_markdown(labels))?,
                Format::Csv => output::print(&proposal.grid(labels, true).to_csv())?,
                Format::Table => output::print(
                    &proposal
                        .grid(labels, false)
                        .to_table_styled(output::table_style()),
                )?,
                other => {
                    return Err(said(text!(
                        "board propose has no {other:?} output; use table, csv, json or md",
                        "board propose hat keine Ausgabe {other:?}; wählen Sie table, csv, json oder md"
                    )));
                }
            }
            proposal.uncovered.len()
        }
    };
    Ok(if missing == 0 {
        Outcome::Ok
    } else {
        Outcome::Nothing
    })
}
