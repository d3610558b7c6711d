//! `check`: what a planner should fix before the data goes into a bid.

use super::around::{CHUNK, Frame};
use super::location_quality::{LocationQuality, QualityCounts};
use super::{Atlas, QueryError};
use crate::districts::DistrictRef;
use crate::model::{Lang, MatchQuality};
use crate::quality::{DuplicateReason, NameAndPlace, SHOWN_PAIRS, likely_duplicates, strongest};
use crate::store::{EntityOrder, Store};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// The checks, in the order their findings are listed.
const CHECKS: [&str; 6] = [
    "duplicate",
    "outside",
    "vocabulary",
    "located",
    "city-wide",
    "stale",
];

/// One finding about one record, as listed.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Finding<'a> {
    /// `outside`, `city-wide`, `located`, `stale`, `vocabulary`, `duplicate`.
    pub check: &'static str,
    pub id: &'a str,
    pub name: &'a str,
    /// What was found, in English or German (JSON: English).
    pub detail: Detail<'a>,
}

/// What a [`Finding`] says: [`Detail::in_lang`] words it; `Display` and
/// JSON give the English.
#[derive(Debug, Clone, Copy)]
pub struct Detail<'a> {
    said: &'a Said,
    records: &'a [NameAndPlace],
}

impl Detail<'_> {
    /// The finding in a language (most are one of a few fixed sentences).
    pub fn in_lang(&self, lang: Lang) -> Cow<'static, str> {
        let de = lang == Lang::De;
        let fixed =
            |en: &'static str, german: &'static str| Cow::Borrowed(if de { german } else { en });
        match self.said {
            Said::Outside => fixed(
                "outside every district: outside the city, or the boundaries are incomplete",
                "außerhalb jedes Gebiets: außerhalb der Stadt, oder die Grenzen sind unvollständig",
            ),
            Said::CityWide => fixed(
                "no point, area or named district: counted city-wide",
                "kein Punkt, keine Fläche, kein genanntes Gebiet: stadtweit gezählt",
            ),
            Said::NeverVerified => fixed(
                "never verified (no verified_on)",
                "nie geprüft (kein verified_on)",
            ),
            Said::Located { register, quality } => Cow::Owned(if de {
                format!(
                    "Punkt aus dem Adressregister {register} mit Güte {quality}, nicht die genaue Adresse: bitte prüfen"
                )
            } else {
                format!(
                    "point from the address register {register} at quality {quality}, not the exact address: check it"
                )
            }),
            Said::VerifiedAgo { on, days } => Cow::Owned(if de {
                format!("geprüft am {on}, vor {days} Tagen")
            } else {
                format!("verified on {on}, {days} days ago")
            }),
            Said::UnknownFields(fields) => Cow::Owned(if de {
                format!("unbekannte(s) Handlungsfeld(er): {fields}")
            } else {
                format!("unknown field(s) of action: {fields}")
            }),
            Said::UnknownCategory(category) => Cow::Owned(if de {
                format!("unbekannte Kategorie: {category}")
            } else {
                format!("unknown category: {category}")
            }),
            Said::PairsLeftOut { listed, left_out } => {
                let all = listed + left_out;
                Cow::Owned(if de {
                    format!(
                        "{all} Paare möglicher Doppeleinträge; die {listed} ähnlichsten sind aufgeführt, {left_out} weitere nicht"
                    )
                } else {
                    format!(
                        "{all} likely duplicate pairs; the {listed} most alike are listed, {left_out} more are not"
                    )
                })
            }
            Said::Like { other, reason } => {
                let NameAndPlace { id, name, .. } = &self.records[*other as usize];
                Cow::Owned(match (&**reason, de) {
                    (
                        DuplicateReason::NearAndSimilar {
                            distance_m,
                            similarity,
                        },
                        false,
                    ) => format!(
                        "like {name} ({id}): {distance_m:.0} m apart, names {:.0} % similar",
                        similarity * 100.0
                    ),
                    (
                        DuplicateReason::NearAndSimilar {
                            distance_m,
                            similarity,
                        },
                        true,
                    ) => format!(
                        "wie {name} ({id}): {distance_m:.0} m entfernt, Namen zu {:.0} % ähnlich",
                        similarity * 100.0
                    ),
                    (DuplicateReason::SameWebsite { website }, false) => {
                        format!("like {name} ({id}): same website {website}")
                    }
                    (DuplicateReason::SameWebsite { website }, true) => {
                        format!("wie {name} ({id}): gleiche Website {website}")
                    }
                })
            }
        }
    }
}

impl fmt::Display for Detail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_lang(Lang::En))
    }
}

impl Serialize for Detail<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.in_lang(Lang::En))
    }
}

/// What a finding found, kept as data: most are one of a few fixed
/// sentences, and a million of them cost a tag each, not a sentence.
#[derive(Debug)]
enum Said {
    Outside,
    CityWide,
    Located {
        register: Box<str>,
        quality: MatchQuality,
    },
    NeverVerified,
    VerifiedAgo {
        on: chrono::NaiveDate,
        days: i64,
    },
    /// The unknown fields, joined with ", ".
    UnknownFields(Box<str>),
    UnknownCategory(Box<str>),
    /// The summary line before the listed pairs of likely duplicates.
    PairsLeftOut {
        listed: usize,
        left_out: usize,
    },
    /// A likely duplicate of record `other` (a position in
    /// [`Findings::records`]).
    Like {
        other: u32,
        reason: Box<DuplicateReason>,
    },
}

/// Everything `check` found, listed by check (in [`CHECKS`] order), then by
/// the record's name and id; several findings of one check about one
/// record in the order they were found.
///
/// Each finding names its record by position among the records the
/// duplicate advice compared (whose id and name it keeps anyway), so a
/// million findings cost a number and a detail each, not copies of ids and
/// names (10^6 records, 1.46 million findings: see BENCHMARKS.md).
#[derive(Debug, Default)]
pub struct Findings {
    /// The records compared, in the order they were read.
    records: Vec<NameAndPlace>,
    /// Per check of [`CHECKS`], in listing order.
    found: [Vec<Found>; CHECKS.len()],
}

/// A finding of [`Findings`]: its record (none for a summary line) and
/// what it says.
#[derive(Debug)]
struct Found {
    record: Option<u32>,
    said: Said,
}

// A finding costs no more than a number and a shared sentence did (10^6
// records give 1.46 million findings): the rare long variants are boxed.
const _: () = assert!(std::mem::size_of::<Found>() <= 32);

impl Findings {
    /// How many findings there are.
    pub fn len(&self) -> usize {
        self.found.iter().map(Vec::len).sum()
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.found.iter().all(Vec::is_empty)
    }

    /// The findings in listing order.
    pub fn iter(&self) -> impl Iterator<Item = Finding<'_>> {
        CHECKS
            .iter()
            .zip(&self.found)
            .flat_map(move |(check, found)| {
                found.iter().map(move |f| {
                    let (id, name) = f.record.map_or(("", ""), |r| {
                        let r = &self.records[r as usize];
                        (r.id.as_str(), r.name.as_str())
                    });
                    Finding {
                        check,
                        id,
                        name,
                        detail: Detail {
                            said: &f.said,
                            records: &self.records,
                        },
                    }
                })
            })
    }
}

impl Serialize for Findings {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// What [`check_in_store`] found, and the entities counted by how well
/// they are located.
#[derive(Debug)]
pub struct Checked {
    pub findings: Findings,
    pub location_quality: Vec<(LocationQuality, usize)>,
}

/// Findings as they are made: per check, each naming its record by its
/// position among the records in the order they were read.
#[derive(Default)]
struct Collected {
    found: [Vec<Found>; CHECKS.len()],
}

impl Collected {
    fn push(&mut self, check: &str, record: usize, said: Said) {
        let at = CHECKS
            .iter()
            .position(|c| *c == check)
            .expect("a check of CHECKS");
        self.found[at].push(Found {
            record: Some(position(record)),
            said,
        });
    }
}

/// All findings, grouped by check. `today` and `stale_days` decide when a
/// `verified_on` date is too old.
pub fn check(atlas: &Atlas, today: chrono::NaiveDate, stale_days: i64) -> Findings {
    let mut found = Collected::default();
    record_findings(atlas, 0, today, stale_days, &mut found);
    finish(found, atlas.entities.iter().map(NameAndPlace::of).collect())
}

/// [`check`] over a store, one chunk of entities at a time: besides the
/// findings, the process keeps the name, point and website of each record
/// (for the duplicate advice, which compares across chunks), not the
/// records. Also counts the entities by location quality.
///
/// # Errors
/// When the store fails.
pub fn check_in_store(
    store: &dyn Store,
    today: chrono::NaiveDate,
    stale_days: i64,
) -> Result<Checked, QueryError> {
    check_in_store_by(store, CHUNK, today, stale_days)
}

/// [`check_in_store`], `chunk` entities at a time (tests cross chunk
/// boundaries with small ones).
///
/// # Errors
/// When the store fails.
pub fn check_in_store_by(
    store: &dyn Store,
    chunk: usize,
    today: chrono::NaiveDate,
    stale_days: i64,
) -> Result<Checked, QueryError> {
    let frame = Frame::read(store)?;
    let mut found = Collected::default();
    let mut candidates = Vec::new();
    let mut qualities = QualityCounts::default();
    store.for_each_entity_chunk(chunk, EntityOrder::Stored, &mut |entities| {
        let atlas = frame.atlas(entities);
        record_findings(&atlas, candidates.len(), today, stale_days, &mut found);
        candidates.extend(atlas.entities.iter().map(NameAndPlace::of));
        qualities.add(&atlas.entities);
        Ok(())
    })?;
    Ok(Checked {
        findings: finish(found, candidates),
        location_quality: qualities.ordered(),
    })
}

/// The findings about each record on its own; the first of `atlas`'s
/// records is record `first` of [`Collected`].
fn record_findings(
    atlas: &Atlas,
    first: usize,
    today: chrono::NaiveDate,
    stale_days: i64,
    found: &mut Collected,
) {
    for (i, e) in atlas.entities.iter().enumerate() {
        let a = &atlas.assignments[i];
        if !a.is_empty() && a.iter().all(|set| set.contains(&DistrictRef::Outside)) {
            found.push("outside", first + i, Said::Outside);
        }
        if e.is_city_wide() {
            found.push("city-wide", first + i, Said::CityWide);
        }
        if let Some(c) = e
            .coord_source
            .as_ref()
            .filter(|c| c.quality < MatchQuality::Address && e.location.is_some())
        {
            found.push(
                "located",
                first + i,
                Said::Located {
                    register: c.register.as_str().into(),
                    quality: c.quality,
                },
            );
        }
        match e.verified_on {
            None => found.push("stale", first + i, Said::NeverVerified),
            Some(on) if (today - on).num_days() > stale_days => found.push(
                "stale",
                first + i,
                Said::VerifiedAgo {
                    on,
                    days: (today - on).num_days(),
                },
            ),
            Some(_) => {}
        }
        let unknown: Vec<&str> = e
            .fields
            .iter()
            .filter(|f| atlas.vocabulary.field(f).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            found.push(
                "vocabulary",
                first + i,
                Said::UnknownFields(unknown.join(", ").into()),
            );
        }
        if let Some(c) = e
            .category
            .as_deref()
            .filter(|c| atlas.vocabulary.category(c).is_none())
        {
            found.push("vocabulary", first + i, Said::UnknownCategory(c.into()));
        }
    }
}

/// Adds the likely duplicates among `records` (all of the store's, in the
/// order their findings name them) and puts every finding in listing order.
fn finish(mut found: Collected, records: Vec<NameAndPlace>) -> Findings {
    // Compared in id order, as in a snapshot: which record of a pair
    // carries the finding, and which pairs are the strongest among equals,
    // do not depend on the order the store hands the chunks over in. The
    // records stay where they are; the advice reads them through a view.
    let by_id = sorted(&records, |a, b| a.id.cmp(&b.id));
    let in_id_order: Vec<&NameAndPlace> = by_id.iter().map(|&r| &records[r as usize]).collect();
    let (pairs, left_out) = strongest(likely_duplicates(&in_id_order, None), SHOWN_PAIRS);
    let duplicates = &mut found.found[0];
    if left_out > 0 {
        duplicates.push(Found {
            record: None,
            said: Said::PairsLeftOut {
                listed: pairs.len(),
                left_out,
            },
        });
    }
    for d in pairs {
        duplicates.push(Found {
            record: Some(by_id[d.a]),
            said: Said::Like {
                other: by_id[d.b],
                reason: Box::new(d.reason),
            },
        });
    }
    drop(in_id_order);
    // Each record's place in name order (ids are unique, so the order is
    // total); a summary line without a record comes first. Findings are
    // then sorted by a number: comparing a million names once, not once
    // per comparison of findings (10^6: 2.4 s of sorting before).
    let by_name = sorted(&records, |a, b| {
        a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id))
    });
    let mut rank = by_id;
    for (place, &r) in by_name.iter().enumerate() {
        rank[r as usize] = position(place);
    }
    for found in &mut found.found {
        // Stable: one record's findings of one check stay in found order.
        found.sort_by_key(|f| f.record.map(|r| rank[r as usize]));
    }
    Findings {
        records,
        found: found.found,
    }
}

/// The positions of `items` in the order `cmp` gives (a total order),
/// sorted on every core without moving the items.
fn sorted<T: Sync>(items: &[T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Sync) -> Vec<u32> {
    use rayon::prelude::*;
    let mut order: Vec<u32> = (0..items.len()).map(position).collect();
    order.par_sort_unstable_by(|&a, &b| cmp(&items[a as usize], &items[b as usize]));
    order
}

/// A record's position as findings keep it.
fn position(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 records")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, EntityKind};
    use crate::store::Snapshot;

    /// Listed by check, then name, then id, whatever order the records
    /// come in; one record's findings of one check in found order; a
    /// record's id and name as given.
    #[test]
    fn findings_are_listed_by_check_name_and_id() {
        let entity = |id: &str, name: &str, fields: &[&str], category: Option<&str>| {
            let mut e = Entity::new(id, name, EntityKind::Partner);
            e.fields = fields.iter().map(|f| f.to_string()).collect();
            e.category = category.map(str::to_string);
            e
        };
        let entities = vec![
            entity("a", "Zeta", &["nonsense"], Some("nonsense")),
            entity("c", "Alpha", &[], None),
            entity("b", "Alpha", &["bildung", "made-up"], None),
        ];
        let atlas = Atlas::new(Snapshot {
            entities,
            ..Snapshot::default()
        });
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let findings = check(&atlas, today, 365);
        let listed: Vec<(&str, &str, String)> = findings
            .iter()
            .map(|f| (f.check, f.id, f.detail.to_string()))
            .collect();
        let listed: Vec<(&str, &str, &str)> = listed
            .iter()
            .map(|(c, i, d)| (*c, *i, d.as_str()))
            .collect();
        assert_eq!(
            listed,
            [
                ("vocabulary", "b", "unknown field(s) of action: made-up"),
                ("vocabulary", "a", "unknown field(s) of action: nonsense"),
                ("vocabulary", "a", "unknown category: nonsense"),
                (
                    "city-wide",
                    "b",
                    "no point, area or named district: counted city-wide"
                ),
                (
                    "city-wide",
                    "c",
                    "no point, area or named district: counted city-wide"
                ),
                (
                    "city-wide",
                    "a",
                    "no point, area or named district: counted city-wide"
                ),
                ("stale", "b", "never verified (no verified_on)"),
                ("stale", "c", "never verified (no verified_on)"),
                ("stale", "a", "never verified (no verified_on)"),
            ]
        );
        assert_eq!(findings.len(), 9);
        let german: Vec<String> = findings
            .iter()
            .map(|f| f.detail.in_lang(Lang::De).into_owned())
            .step_by(3)
            .collect();
        assert_eq!(
            german,
            [
                "unbekannte(s) Handlungsfeld(er): made-up",
                "kein Punkt, keine Fläche, kein genanntes Gebiet: stadtweit gezählt",
                "nie geprüft (kein verified_on)",
            ]
        );
        let names: Vec<&str> = findings.iter().map(|f| f.name).take(3).collect();
        assert_eq!(names, ["Alpha", "Zeta", "Zeta"]);
    }
}
