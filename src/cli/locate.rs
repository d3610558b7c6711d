//! `locate`: flags into [`stadtatlas::locate::run`], its matches out.

use super::args::{Format, LocateArgs};
use super::output::{Out, emit};
use super::{Outcome, column_mapping, show_warnings};
use anyhow::Result;
use stadtatlas::export::Grid;
use stadtatlas::import::ImportOptions;
use stadtatlas::import::run::Step;
use stadtatlas::locate::{self, LocateOptions, Located};
use stadtatlas::model::Lang;

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
    let (verb, verb_de) = if args.dry_run {
        ("would change", "würde ändern")
    } else {
        ("changes", "ändert")
    };
    let located = locate::run(store, &args.registers, &options, &mut |step| {
        if let Step::Planned(s) = step {
            let (changed, unchanged) = (s.entities_changed, s.entities_unchanged);
            out.say(
                format_args!("locate {verb_de}: Einträge ~{changed} ={unchanged}"),
                format_args!("locate {verb}: entities ~{changed} ={unchanged}"),
            );
        }
    })?;
    if let Some(import) = &located.import {
        show_warnings(&import.summary.warnings, out);
    }
    emit(out, &located, || grid(&located, out.lang))?;
    if out.format != Format::Json {
        match located.import_id {
            Some(id) => out.say(
                format_args!("Import #{id} in {store} geschrieben"),
                format_args!("import #{id} written to {store}"),
            ),
            None if args.dry_run => out.say(
                format_args!("Probelauf: der Speicher bleibt, wie er war"),
                format_args!("dry run: the store is as it was"),
            ),
            None => out.say(
                format_args!("nichts verortet; der Speicher bleibt, wie er war"),
                format_args!("nothing located; the store is as it was"),
            ),
        }
    }
    Ok(Outcome::Ok)
}

/// Every match: where it landed, how well, and the candidates of the
/// ambiguous ones.
fn grid(located: &Located, lang: Lang) -> Grid {
    let de = lang == Lang::De;
    let mut notes = vec![located.tally.summary().in_lang(lang).to_string()];
    notes.extend(located.registers.iter().map(|r| {
        let (name, addresses, streets) = (&r.name, r.addresses, r.streets);
        if de {
            format!("Register {name}: {addresses} Adressen in {streets} Straßen")
        } else {
            format!("register {name}: {addresses} addresses on {streets} streets")
        }
    }));
    let least = located.min_quality;
    notes.push(match (de, located.dry_run) {
        (true, dry) => format!(
            "angewandte Mindestqualität: {least}{}",
            if dry { " (Probelauf)" } else { "" }
        ),
        (false, dry) => format!(
            "least quality applied: {least}{}",
            if dry { " (dry run)" } else { "" }
        ),
    });
    Grid {
        headers: [
            ("id", "ID"),
            ("name", "Name"),
            ("address", "Adresse"),
            ("quality", "Qualität"),
            ("outcome", "Ergebnis"),
            ("register", "Register"),
            ("lon", "Länge"),
            ("lat", "Breite"),
            ("candidates", "Kandidaten"),
        ]
        .map(|(en, de_label)| if de { de_label } else { en }.to_string())
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
                        .map(|c| format!("{} ({})", c.address.in_lang(lang), c.at))
                        .collect::<Vec<_>>()
                        .join(" | "),
                ]
            })
            .collect(),
        notes,
    }
}
