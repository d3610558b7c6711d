//! District names as people write them: ids, official names, aliases and
//! everyday forms (`Halle-Neustadt`, `noerdliche innenstadt`).

use super::Hierarchy;
use crate::model::District;
use crate::model::names::name_keys;
use std::collections::HashMap;

/// Why a name does not pick exactly one district.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    #[error("no district is called \"{name}\"{}", level_hint(.level))]
    NotFound { name: String, level: Option<String> },
    #[error("\"{name}\" is ambiguous: {}; name one with --level or by id", .candidates.join(", "))]
    Ambiguous {
        name: String,
        /// `id name (level)` of each candidate.
        candidates: Vec<String>,
    },
    #[error("unknown level \"{level}\"; levels are: {}", .known.join(", "))]
    UnknownLevel { level: String, known: Vec<String> },
}

impl ResolveError {
    /// The message in English (as `Display`) and German.
    pub fn text(&self) -> crate::model::Text {
        let de = match self {
            Self::NotFound { name, level } => format!(
                "kein Bezirk heißt \"{name}\"{}",
                level
                    .as_ref()
                    .map(|l| format!(" auf der Ebene {l}"))
                    .unwrap_or_default()
            ),
            Self::Ambiguous { name, candidates } => format!(
                "\"{name}\" ist mehrdeutig: {}; wählen Sie mit --level oder über die Kennung",
                candidates.join(", ")
            ),
            Self::UnknownLevel { level, known } => format!(
                "unbekannte Ebene \"{level}\"; Ebenen sind: {}",
                known.join(", ")
            ),
        };
        crate::model::Text::new(self.to_string(), de)
    }
}

fn level_hint(level: &Option<String>) -> String {
    level
        .as_ref()
        .map(|l| format!(" at level {l}"))
        .unwrap_or_default()
}

/// Looks districts up by id, name or alias.
#[derive(Debug, Clone)]
pub struct Resolver {
    by_key: HashMap<String, Vec<usize>>,
    by_id: HashMap<String, usize>,
}

impl Resolver {
    /// Indexes ids, names and aliases of the districts.
    pub fn new(districts: &[District]) -> Self {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_id = HashMap::new();
        for (i, d) in districts.iter().enumerate() {
            by_id.insert(d.id.clone(), i);
            let names = std::iter::once(&d.name).chain(&d.aliases);
            for key in names.flat_map(|n| name_keys(n)) {
                let entry = by_key.entry(key).or_default();
                if !entry.contains(&i) {
                    entry.push(i);
                }
            }
        }
        Self { by_key, by_id }
    }

    /// Resolves one name, optionally at one level.
    ///
    /// An exact id wins. Several candidates on one line of descent (Stadtteil
    /// `Trotha` and its Viertel `Trotha`) resolve to the coarsest of them;
    /// candidates in different places are ambiguous.
    ///
    /// # Errors
    /// [`ResolveError`] when the name matches none or several districts.
    pub fn resolve(
        &self,
        name: &str,
        level: Option<&str>,
        districts: &[District],
        hierarchy: &Hierarchy,
    ) -> Result<usize, ResolveError> {
        if let Some(level) = level
            && hierarchy.level(level).is_none()
        {
            return Err(ResolveError::UnknownLevel {
                level: level.to_string(),
                known: hierarchy.level_ids(),
            });
        }
        let at_level = |i: &usize| level.is_none_or(|l| districts[*i].level == l);
        if let Some(&i) = self.by_id.get(name.trim())
            && at_level(&i)
        {
            return Ok(i);
        }
        let mut candidates: Vec<usize> = name_keys(name)
            .iter()
            .filter_map(|k| self.by_key.get(k))
            .flatten()
            .copied()
            .filter(at_level)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        match candidates.as_slice() {
            [] => Err(ResolveError::NotFound {
                name: name.to_string(),
                level: level.map(str::to_string),
            }),
            [one] => Ok(*one),
            many => {
                let coarsest = *many
                    .iter()
                    .min_by_key(|&&i| hierarchy.rank(&districts[i].level))
                    .expect("non-empty");
                if many.iter().all(|&i| hierarchy.is_within(i, coarsest)) {
                    Ok(coarsest)
                } else {
                    Err(ResolveError::Ambiguous {
                        name: name.to_string(),
                        candidates: many
                            .iter()
                            .map(|&i| {
                                let d = &districts[i];
                                format!("{} {} ({})", d.id, d.name, d.level)
                            })
                            .collect(),
                    })
                }
            }
        }
    }
}
