//! Locating the unlocated: entities with an address but no point are matched
//! against an official address register (amtliche Hauskoordinaten, OSM
//! `addr:*` points) offline, and get the register's point with its match
//! quality.
//!
//! The matching itself ([`normalise`], [`Register`], [`EntityMatch`]) needs
//! only the model. Reading register files and writing the result are the
//! importer's: registers are read by its readers (`as = "addresses"`), and a
//! `locate` run is an import of the located entities ([`run`]), so it is one
//! transaction with a revision per changed entity, like any other.

mod entities;
mod matching;
pub mod normalise;
mod register;
mod run;

pub use entities::{
    EntityMatch, Outcome, Tally, address_of, located, match_entity, wants_locating,
};
pub use matching::{Candidate, Found, SIMILAR};
pub use register::{AddressRecord, RecordError, Register};
pub use run::{LocateError, LocateOptions, Located, RegisterInfo, run};

use crate::import::{Batch, ImportError, Issue};
use crate::model::{Lang, MatchQuality, Text};

/// One [`Register`] per register file, in the order the files were read.
///
/// # Errors
/// [`ImportError`] naming every record without a street or house number.
pub fn registers_of(addresses: Vec<AddressRecord>) -> Result<Vec<Register>, ImportError> {
    let mut by_file: Vec<(std::path::PathBuf, Vec<AddressRecord>)> = Vec::new();
    for a in addresses {
        match by_file.iter_mut().find(|(f, _)| *f == a.file) {
            Some((_, list)) => list.push(a),
            None => by_file.push((a.file.clone(), vec![a])),
        }
    }
    let mut registers = Vec::new();
    let mut issues = Vec::new();
    for (file, records) in by_file {
        let name = file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().to_string(),
        );
        match Register::build(name, records) {
            Ok(r) => registers.push(r),
            Err(errors) => issues.extend(errors.into_iter().map(|e| {
                let (file, at) = e.place();
                Issue {
                    file: file.clone(),
                    line: None,
                    place: Some(at.to_string()),
                    message: e.text(),
                }
            })),
        }
    }
    if issues.is_empty() {
        Ok(registers)
    } else {
        Err(ImportError { issues })
    }
}

/// Locates the entities of an import batch that have an address and no
/// point in the batch's own registers (files read `as = "addresses"`),
/// applying matches of at least `min` quality; the batch's notes say what
/// was matched and list the ambiguous ones. Returns every match tried.
///
/// # Errors
/// [`ImportError`] when a register record is bad.
pub fn locate_batch(batch: &mut Batch, min: MatchQuality) -> Result<Vec<EntityMatch>, ImportError> {
    use rayon::prelude::*;
    if batch.addresses.is_empty() {
        return Ok(Vec::new());
    }
    let registers = registers_of(std::mem::take(&mut batch.addresses))?;
    let matches: Vec<(usize, EntityMatch)> = batch
        .entities
        .par_iter()
        .enumerate()
        .filter(|(_, (e, _))| wants_locating(e))
        .map(|(i, (e, _))| (i, match_entity(e, &registers, min)))
        .collect();
    for (i, m) in &matches {
        if let Some(e) = located(&batch.entities[*i].0, m) {
            batch.entities[*i].0 = e;
        }
    }
    let matches: Vec<EntityMatch> = matches.into_iter().map(|(_, m)| m).collect();
    let names: Vec<&str> = registers.iter().map(|r| r.name.as_str()).collect();
    let summary = Tally::of(&matches).summary();
    let names = names.join(", ");
    batch.notes.push(Text::new(
        format!("{} against {names}", summary.en()),
        format!("{} (Adressregister: {names})", summary.in_lang(Lang::De)),
    ));
    batch.notes.extend(not_applied(&matches, min));
    Ok(matches)
}

/// A note for every match that is not applied although something was found.
pub fn not_applied(matches: &[EntityMatch], min: MatchQuality) -> Vec<Text> {
    matches
        .iter()
        .filter(|m| matches!(m.outcome, Outcome::Ambiguous | Outcome::BelowMinQuality))
        .filter_map(|m| {
            let places = |lang: Lang| {
                m.candidates
                    .iter()
                    .map(|c| format!("{} ({})", c.address.in_lang(lang), c.at))
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            let (name, id, address, quality) = (&m.name, &m.id, &m.address, m.quality);
            let (en, de) = (places(Lang::En), places(Lang::De));
            match m.outcome {
                Outcome::Ambiguous => Some(Text::new(
                    format!(
                        "'{name}' ({id}): \"{address}\" is ambiguous at quality {quality}, not located; candidates: {en}"
                    ),
                    format!(
                        "'{name}' ({id}): \"{address}\" ist bei Trefferqualität {quality} mehrdeutig, nicht verortet; Kandidaten: {de}"
                    ),
                )),
                Outcome::BelowMinQuality => Some(Text::new(
                    format!(
                        "'{name}' ({id}): \"{address}\" matched only at quality {quality} (least applied: {min}), not located: {en}"
                    ),
                    format!(
                        "'{name}' ({id}): \"{address}\" nur mit Trefferqualität {quality} gefunden (angewandt ab: {min}), nicht verortet: {de}"
                    ),
                )),
                Outcome::Applied | Outcome::NotFound => None,
            }
        })
        .collect()
}
