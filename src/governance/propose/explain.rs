//! Why each seat: what it covers, the next-best candidates for each of those
//! requirements and what swapping one in would cost, what stays uncovered,
//! and how the balance rules came out.

use super::ProposeOptions;
use super::model::{Fixed, LineKind, Universe};
use super::swap::Swaps;
use crate::governance::balance::Rule;
use crate::model::{Contact, Lang};
use crate::query::Atlas;
use serde::Serialize;
use std::cmp::Ordering;

/// Why an organisation holds its seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// A member of the body (kept).
    Member,
    /// Named with `--include`.
    Included,
    /// Chosen by the solver.
    Proposed,
}

/// One seat of the proposal.
#[derive(Debug, Clone, Serialize)]
pub struct Seat {
    pub id: String,
    pub name: String,
    pub category: Option<String>,
    pub basis: Basis,
    /// Ids of the requirement lines this seat counts for.
    pub covers: Vec<String>,
    /// Per covered line, the next-best candidates not chosen (proposed seats only).
    pub alternatives: Vec<Alternative>,
    /// Responsible people (internal profile only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<Contact>>,
}

/// A candidate that could have taken a seat's place for one requirement.
#[derive(Debug, Clone, Serialize)]
pub struct Alternative {
    pub requirement: String,
    pub id: String,
    pub name: String,
    pub why: WhyNot,
}

/// What seating the alternative instead of the seat would change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum WhyNot {
    /// These requirement lines would no longer be met.
    Loses { requirements: Vec<String> },
    /// A hard `at_most` rule would be broken.
    BreaksLimit { rule: String },
    /// Same coverage, but the soft penalty would rise by `by`.
    WorseBalance { by: f64 },
    /// Just as good; the solver had to take one.
    Tie,
    /// Better: only possible when the answer is not proven optimal.
    Better { by: f64 },
}

/// One requirement line and how the proposal meets it.
#[derive(Debug, Clone, Serialize)]
pub struct LineOutcome {
    pub id: String,
    /// `field`, `category`, `at_least` or `district`.
    pub kind: &'static str,
    pub label: String,
    pub rule: Option<String>,
    pub hard: bool,
    /// Seats asked for.
    pub need: usize,
    /// Candidates in the inventory that count for it.
    pub available: usize,
    /// Seats that count for it.
    pub seated: usize,
    pub met: bool,
    /// Why not met: `not_in_inventory`, `too_few_in_inventory`, `seat_limit`, `soft`.
    pub reason: Option<&'static str>,
}

/// One balance rule and whether it holds.
#[derive(Debug, Clone, Serialize)]
pub struct BalanceOutcome {
    pub id: String,
    pub rule: &'static str,
    pub label: String,
    pub hard: bool,
    pub weight: f64,
    pub met: bool,
    /// Units it misses by (seats short, seats over, districts without a seat, stale seats).
    pub missed: usize,
    /// What misses: districts, categories over the limit, stale seats.
    pub detail: Vec<String>,
}

const SHOWN: usize = 2;

pub(crate) fn explain(
    atlas: &Atlas,
    u: &Universe,
    chosen: &[bool],
    o: &ProposeOptions,
) -> (Vec<Seat>, Vec<LineOutcome>, Vec<BalanceOutcome>) {
    let swaps = Swaps::new(u, chosen);
    let name = |k: usize| atlas.entities[u.candidates[k].entity].name.as_str();
    let id = |k: usize| atlas.entities[u.candidates[k].entity].id.clone();
    let mut seats: Vec<Seat> = Vec::new();
    for k in (0..chosen.len()).filter(|&k| chosen[k]) {
        let c = &u.candidates[k];
        let e = &atlas.entities[c.entity];
        let basis = match c.fixed {
            Some(Fixed::Member) => Basis::Member,
            Some(Fixed::Included) => Basis::Included,
            None => Basis::Proposed,
        };
        let covered: Vec<usize> = (0..u.lines.len())
            .filter(|&i| u.lines[i].reachable() > 0 && u.lines[i].holders.contains(&k))
            .collect();
        let mut alternatives = Vec::new();
        for &i in covered.iter().filter(|_| basis == Basis::Proposed) {
            let mut options: Vec<(usize, WhyNot, (usize, f64))> = u.lines[i]
                .holders
                .iter()
                .filter(|&&j| !chosen[j])
                .map(|&j| {
                    let effect = swaps.swap(k, j);
                    let why = if !effect.lost.is_empty() {
                        WhyNot::Loses {
                            requirements: effect
                                .lost
                                .iter()
                                .map(|&x| u.lines[x].id.clone())
                                .collect(),
                        }
                    } else if let Some(c) = effect.broken {
                        WhyNot::BreaksLimit {
                            rule: u.caps[c].rule.clone(),
                        }
                    } else if effect.delta > 1e-9 {
                        WhyNot::WorseBalance { by: effect.delta }
                    } else if effect.delta < -1e-9 {
                        WhyNot::Better { by: -effect.delta }
                    } else {
                        WhyNot::Tie
                    };
                    let broken = usize::from(effect.broken.is_some());
                    (j, why, (effect.lost.len() + broken, effect.delta))
                })
                .collect();
            options.sort_by(|a, b| {
                (a.2.0.cmp(&b.2.0))
                    .then(a.2.1.partial_cmp(&b.2.1).unwrap_or(Ordering::Equal))
                    .then(swaps.lines_held(b.0).cmp(&swaps.lines_held(a.0)))
                    .then(name(a.0).cmp(name(b.0)))
            });
            alternatives.extend(
                options
                    .into_iter()
                    .take(SHOWN)
                    .map(|(j, why, _)| Alternative {
                        requirement: u.lines[i].id.clone(),
                        id: id(j),
                        name: name(j).to_string(),
                        why,
                    }),
            );
        }
        seats.push(Seat {
            id: e.id.clone(),
            name: e.name.clone(),
            category: e.category.clone(),
            basis,
            covers: covered.iter().map(|&i| u.lines[i].id.clone()).collect(),
            alternatives,
            contacts: o.profile.shows_contacts().then(|| {
                atlas
                    .contacts
                    .iter()
                    .filter(|p| p.entity == e.id)
                    .cloned()
                    .collect()
            }),
        });
    }
    seats.sort_by(|a, b| {
        let rank = |s: &Seat| s.basis as u8;
        rank(a).cmp(&rank(b)).then(a.name.cmp(&b.name))
    });

    let lines: Vec<LineOutcome> = u
        .lines
        .iter()
        .map(|l| {
            let seated = l.holders.iter().filter(|&&k| chosen[k]).count();
            let met = seated >= l.need;
            let reason = if met {
                None
            } else if l.holders.is_empty() {
                Some("not_in_inventory")
            } else if l.holders.len() < l.need {
                Some("too_few_in_inventory")
            } else if !l.hard && !l.is_coverage() {
                Some("soft")
            } else {
                Some("seat_limit")
            };
            LineOutcome {
                id: l.id.clone(),
                kind: match l.kind {
                    LineKind::Field => "field",
                    LineKind::Category => "category",
                    LineKind::AtLeast => "at_least",
                    LineKind::District => "district",
                },
                label: l.label.clone(),
                rule: l.rule.clone(),
                hard: l.hard || l.is_coverage(),
                need: l.need,
                available: l.holders.len(),
                seated,
                met,
                reason,
            }
        })
        .collect();
    let balance = balance(atlas, u, chosen, o, &lines);
    (seats, lines, balance)
}

fn balance(
    atlas: &Atlas,
    u: &Universe,
    chosen: &[bool],
    o: &ProposeOptions,
    lines: &[LineOutcome],
) -> Vec<BalanceOutcome> {
    let Ok(rules) = o.requirement.rules() else {
        return Vec::new();
    };
    let de = o.lang == Lang::De;
    rules
        .into_iter()
        .map(|(id, rule, table)| {
            let own = if de {
                table.de.clone()
            } else {
                table.en.clone()
            };
            let mine = || lines.iter().filter(|l| l.rule.as_deref() == Some(&id));
            let (kind, label, missed, detail) = match &rule {
                Rule::AtLeast { count, .. } => {
                    let l = mine().next();
                    let seated = l.map_or(0, |l| l.seated);
                    let text = l.map_or_else(String::new, |l| l.label.clone());
                    let label = if de {
                        format!("mindestens {count}: {text}")
                    } else {
                        format!("at least {count}: {text}")
                    };
                    let detail = l
                        .filter(|l| l.available < *count)
                        .map(|l| {
                            if de {
                                format!("Inventar hat nur {}", l.available)
                            } else {
                                format!("the inventory has only {}", l.available)
                            }
                        })
                        .into_iter()
                        .collect();
                    ("at_least", label, count.saturating_sub(seated), detail)
                }
                Rule::AtMost { count, category } => {
                    let over: Vec<(String, usize)> = u
                        .caps
                        .iter()
                        .filter(|c| c.rule == id)
                        .map(|c| {
                            let n = c.members.iter().filter(|&&k| chosen[k]).count();
                            (c.category.clone(), n)
                        })
                        .filter(|(_, n)| n > count)
                        .collect();
                    let scope = category.clone().unwrap_or_else(|| {
                        if de { "je Kategorie" } else { "per category" }.to_string()
                    });
                    let label = if de {
                        format!("höchstens {count} ({scope})")
                    } else {
                        format!("at most {count} ({scope})")
                    };
                    (
                        "at_most",
                        label,
                        over.iter().map(|(_, n)| n - count).sum(),
                        over.iter().map(|(c, n)| format!("{c}: {n}")).collect(),
                    )
                }
                Rule::EveryDistrict { level } => {
                    let open: Vec<&LineOutcome> = mine().filter(|l| !l.met).collect();
                    let label = if de {
                        format!("jeder Bezirk ({level})")
                    } else {
                        format!("every district ({level})")
                    };
                    let none = if de { "kein Kandidat" } else { "no candidate" };
                    (
                        "every_district",
                        label,
                        open.iter().filter(|l| l.available > 0).count(),
                        open.iter()
                            .map(|l| match l.available {
                                0 => format!("{} ({none})", l.label),
                                _ => l.label.clone(),
                            })
                            .collect(),
                    )
                }
                Rule::VerifiedWithin { days } => {
                    let stale: Vec<String> = u
                        .freshness
                        .iter()
                        .filter(|f| f.rule == id)
                        .flat_map(|f| f.stale.iter())
                        .filter(|&&k| chosen[k])
                        .map(|&k| atlas.entities[u.candidates[k].entity].id.clone())
                        .collect();
                    let label = if de {
                        format!("geprüft in den letzten {days} Tagen")
                    } else {
                        format!("verified within {days} days")
                    };
                    ("verified_within", label, stale.len(), stale)
                }
            };
            BalanceOutcome {
                id,
                rule: kind,
                label: own.unwrap_or(label),
                hard: table.hard,
                weight: table.weight,
                met: missed == 0 && detail.is_empty(),
                missed,
                detail,
            }
        })
        .collect()
}
