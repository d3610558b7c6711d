//! `locate`: flags into [`stadtatlas::locate::run`], its matches out.

use super::args::{Format, LocateArgs};
use super::output::{Out, emit};
use super::{Outcome, column_mapping, show_warnings};
use anyhow::Result;
use stadtatlas::export::Grid;
use stadtatlas::import::ImportOptions;
use stadtatlas::import::run::Step;
use stadtatlas::locate::{self, LocateOptions, Located};

/// Runs `locate` against the store at `store`.
pub fn command(
    store: &stadtatlas::store::Location,
    args: LocateArgs,
    out: &Out,
) -> Result<Outcome> {
    let columns = column_mapping(
        args.map,
        [
            ("street", args.street_column),
            ("housenumber", args.number_column),
            ("suffix", args.suffix_column),
            ("postcode", args.postcode_column),
            ("place", args.place_column),
        ],
    )?;
    let options = LocateOptions {
        read: ImportOptions {
            crs: args.crs,
            encoding: args.encoding,
            sheet: args.sheet,
            columns,
            ..ImportOptions::default()
        },
        min_quality: args.min_quality,
        dry_run: args.dry_run,
    };
    let verb = if args.dry_run {
        "would change"
    } else {
        "changes"
    };
    let located = locate::run(store, &args.registers, &options, &mut |step| {
        if let Step::Planned(s) = step {
            out.progress(&format!(
                "locate {verb}: entities ~{} ={}",
                s.entities_changed, s.entities_unchanged
            ));
        }
    })?;
    if let Some(import) = &located.import {
        show_warnings(&import.summary.warnings, out);
    }
    emit(out, &located, || grid(&located))?;
    if out.format != Format::Json {
        match located.import_id {
            Some(id) => out.progress(&format!("import #{id} written to {}", store)),
            None if args.dry_run => out.progress("dry run: the store is as it was"),
            None => out.progress("nothing located; the store is as it was"),
        }
    }
    Ok(Outcome::Ok)
}

/// Every match: where it landed, how well, and the candidates of the
/// ambiguous ones.
fn grid(located: &Located) -> Grid {
    let mut notes = vec![located.tally.summary()];
    notes.extend(located.registers.iter().map(|r| {
        format!(
            "register {}: {} addresses on {} streets",
            r.name, r.addresses, r.streets
        )
    }));
    notes.push(format!(
        "least quality applied: {}{}",
        located.min_quality,
        if located.dry_run { " (dry run)" } else { "" }
    ));
    Grid {
        headers: [
            "id",
            "name",
            "address",
            "quality",
            "outcome",
            "register",
            "lon",
            "lat",
            "candidates",
        ]
        .map(String::from)
        .to_vec(),
        rows: located
            .matches
            .iter()
            .map(|m| {
                let coord = |v: Option<f64>| v.map(|x| format!("{x:.6}")).unwrap_or_default();
                vec![
                    m.id.clone(),
                    m.name.clone(),
                    m.address.clone(),
                    m.quality.to_string(),
                    serde_json::to_value(m.outcome)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    m.register.clone().unwrap_or_default(),
                    coord(m.lon),
                    coord(m.lat),
                    m.candidates
                        .iter()
                        .map(|c| format!("{} ({})", c.address, c.at))
                        .collect::<Vec<_>>()
                        .join(" | "),
                ]
            })
            .collect(),
        notes,
    }
}
