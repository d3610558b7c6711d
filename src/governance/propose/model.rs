//! The proposal as data before any solving: who can take a seat, what each
//! requirement line needs and who counts for it, and how good a given set of
//! seats is. No solver types here; `solve` turns this into an ILP.

use super::{ProposeError, ProposeOptions};
use crate::districts::DistrictRef;
use crate::governance::balance::{Rule, Selector};
use crate::governance::members;
use crate::model::{EntityKind, Lang};
use crate::query::{Atlas, QueryError};
use std::collections::HashSet;

/// Why a candidate sits on the board whatever the solver does, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fixed {
    /// Already a member of the body (kept).
    Member,
    /// Named with `--include`.
    Included,
}

/// One organisation that can hold a seat.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// Index into `atlas.entities`.
    pub entity: usize,
    pub fixed: Option<Fixed>,
    /// Barred by a hard `verified_within` rule (never for fixed seats).
    pub barred: bool,
}

/// What a line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// A field of action of the requirement.
    Field,
    /// A category minimum of the requirement.
    Category,
    /// An `at_least` balance rule.
    AtLeast,
    /// One district of an `every_district` balance rule.
    District,
}

/// A demand: at least `need` seats among `holders`.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub id: String,
    pub kind: LineKind,
    pub label: String,
    /// The balance rule a rule line belongs to.
    pub rule: Option<String>,
    /// Seats asked for.
    pub need: usize,
    /// Candidates (indices into `Universe::candidates`) that count for it.
    pub holders: Vec<usize>,
    /// Field and category lines are covered first; rule lines may be soft.
    pub hard: bool,
    pub weight: f64,
}

impl Line {
    /// Seats that can be asked for: no more than the inventory holds.
    pub fn reachable(&self) -> usize {
        self.need.min(self.holders.len())
    }

    /// A field or category of the requirement (what `--seats` maximises).
    pub fn is_coverage(&self) -> bool {
        matches!(self.kind, LineKind::Field | LineKind::Category)
    }
}

/// A limit: at most `max` seats among `members`.
#[derive(Debug, Clone)]
pub(crate) struct Cap {
    pub rule: String,
    /// The category limited.
    pub category: String,
    pub members: Vec<usize>,
    pub max: usize,
    pub hard: bool,
    pub weight: f64,
}

/// A `verified_within` rule: soft, `weight` per stale seat; hard, stale
/// candidates are barred (fixed seats stay).
#[derive(Debug, Clone)]
pub(crate) struct Freshness {
    pub rule: String,
    /// Candidates not verified within `days` (or never).
    pub stale: Vec<usize>,
    pub hard: bool,
    pub weight: f64,
}

/// Everything the solver and the explanation need.
#[derive(Debug, Clone)]
pub(crate) struct Universe {
    pub candidates: Vec<Candidate>,
    pub lines: Vec<Line>,
    pub caps: Vec<Cap>,
    pub freshness: Vec<Freshness>,
}

impl Universe {
    /// Builds the universe for a body (or none) and a requirement.
    ///
    /// # Errors
    /// Unknown body, `--include`/`--exclude` id or district level; a balance
    /// rule that cannot be used; an id both included and excluded.
    pub fn build(atlas: &Atlas, o: &ProposeOptions, lang: Lang) -> Result<Self, ProposeError> {
        let rules = o.requirement.rules()?;
        for id in o.include.iter().chain(o.exclude) {
            atlas.entity_index(id)?;
        }
        if let Some(id) = o.include.iter().find(|i| o.exclude.contains(i)) {
            return Err(ProposeError::IncludedAndExcluded(id.clone()));
        }
        let mut candidates: Vec<Candidate> = Vec::new();
        // Per candidate, the fields it counts for (a membership field narrows them).
        let mut counts_for: Vec<Vec<String>> = Vec::new();
        let mut seen: HashSet<usize> = HashSet::new();
        if let Some(body) = o.body {
            for m in members(atlas, body)? {
                if o.exclude.contains(&m.id) {
                    return Err(ProposeError::ExcludedMember(m.id));
                }
                let i = atlas.entity_index(&m.id)?;
                if seen.insert(i) {
                    candidates.push(Candidate::new(i, Some(Fixed::Member)));
                    counts_for.push(m.field.map_or(m.fields, |f| vec![f]));
                } else if let (Some(f), Some(k)) =
                    (m.field, candidates.iter().position(|c| c.entity == i))
                {
                    // Two memberships of one organisation (e.g. two fields): one seat.
                    counts_for[k].push(f);
                }
            }
        }
        let included: Vec<usize> = o
            .include
            .iter()
            .map(|id| atlas.entity_index(id))
            .collect::<Result<_, QueryError>>()?;
        let open = (0..atlas.entities.len()).filter(|&i| {
            let e = &atlas.entities[i];
            e.kind == EntityKind::Partner && e.is_public() && !o.exclude.contains(&e.id)
        });
        for (i, fixed) in included
            .iter()
            .map(|&i| (i, Some(Fixed::Included)))
            .chain(open.map(|i| (i, None)))
        {
            if seen.insert(i) {
                candidates.push(Candidate::new(i, fixed));
                counts_for.push(atlas.entities[i].fields.clone());
            }
        }
        let ent: Vec<usize> = candidates.iter().map(|c| c.entity).collect();
        let category = |k: usize| atlas.entities[ent[k]].category.as_deref();
        let all = 0..candidates.len();

        let mut lines = Vec::new();
        for f in &o.requirement.fields {
            lines.push(Line {
                id: f.clone(),
                kind: LineKind::Field,
                label: atlas.vocabulary.field_label(f, lang).to_string(),
                rule: None,
                need: 1,
                holders: all.clone().filter(|&c| counts_for[c].contains(f)).collect(),
                hard: true,
                weight: 1.0,
            });
        }
        for c in &o.requirement.categories {
            let own = match lang {
                Lang::De => c.de.clone(),
                Lang::En => c.en.clone(),
            };
            lines.push(Line {
                id: c.id.clone(),
                kind: LineKind::Category,
                label: own.unwrap_or_else(|| category_label(atlas, &c.id, lang)),
                rule: None,
                need: c.min,
                holders: all
                    .clone()
                    .filter(|&k| category(k) == Some(c.id.as_str()))
                    .collect(),
                hard: true,
                weight: 1.0,
            });
        }
        let mut caps = Vec::new();
        let mut freshness = Vec::new();
        for (id, rule, table) in rules {
            let own = match lang {
                Lang::De => table.de.clone(),
                Lang::En => table.en.clone(),
            };
            let (hard, weight) = (table.hard, table.weight);
            match rule {
                Rule::AtLeast { select, count } => {
                    let holders = all
                        .clone()
                        .filter(|&k| match &select {
                            Selector::Category(c) => category(k) == Some(c.as_str()),
                            Selector::Ids(ids) => ids.contains(&atlas.entities[ent[k]].id),
                        })
                        .collect();
                    let label = own.unwrap_or_else(|| match &select {
                        Selector::Category(c) => category_label(atlas, c, lang),
                        Selector::Ids(ids) => ids.join(", "),
                    });
                    lines.push(Line {
                        id: id.clone(),
                        kind: LineKind::AtLeast,
                        label,
                        rule: Some(id),
                        need: count,
                        holders,
                        hard,
                        weight,
                    });
                }
                Rule::AtMost {
                    category: only,
                    count,
                } => {
                    let mut cats: Vec<&str> = all.clone().filter_map(category).collect::<Vec<_>>();
                    cats.sort_unstable();
                    cats.dedup();
                    for c in cats
                        .into_iter()
                        .filter(|c| only.as_deref().is_none_or(|o| o == *c))
                    {
                        caps.push(Cap {
                            rule: id.clone(),
                            category: c.to_string(),
                            members: all.clone().filter(|&k| category(k) == Some(c)).collect(),
                            max: count,
                            hard,
                            weight,
                        });
                    }
                }
                Rule::EveryDistrict { level } => {
                    let level = atlas.level(Some(&level))?.to_string();
                    let at = atlas.level_position(&level);
                    for d in atlas.districts.tiling(&level) {
                        let holders = all
                            .clone()
                            .filter(|&k| {
                                atlas.assignments[ent[k]][at].contains(&DistrictRef::District(d))
                            })
                            .collect();
                        lines.push(Line {
                            id: format!("{id}:{}", atlas.districts[d].id),
                            kind: LineKind::District,
                            label: atlas.districts[d].name.clone(),
                            rule: Some(id.clone()),
                            need: 1,
                            holders,
                            hard,
                            weight,
                        });
                    }
                }
                Rule::VerifiedWithin { days } => {
                    let stale: Vec<usize> = all
                        .clone()
                        .filter(|&k| {
                            atlas.entities[ent[k]]
                                .verified_on
                                .is_none_or(|v| (o.today - v).num_days() > days)
                        })
                        .collect();
                    if hard {
                        for &k in &stale {
                            candidates[k].barred |= candidates[k].fixed.is_none();
                        }
                    }
                    freshness.push(Freshness {
                        rule: id,
                        stale,
                        hard,
                        weight,
                    });
                }
            }
        }
        // A barred candidate counts for nothing it could hold.
        for line in &mut lines {
            line.holders.retain(|&k| !candidates[k].barred);
        }
        Ok(Universe {
            candidates,
            lines,
            caps,
            freshness,
        })
    }

    /// Fixed seats (members, `--include`).
    pub fn fixed(&self) -> usize {
        self.candidates.iter().filter(|c| c.fixed.is_some()).count()
    }
}

impl Candidate {
    fn new(entity: usize, fixed: Option<Fixed>) -> Self {
        Candidate {
            entity,
            fixed,
            barred: false,
        }
    }
}

fn category_label(atlas: &Atlas, id: &str, lang: Lang) -> String {
    atlas
        .vocabulary
        .category(id)
        .map_or_else(|| id.to_string(), |t| t.label(lang).to_string())
}
