//! Balance rules of a requirement file: how a proposed board should be
//! composed beyond covering fields and categories (`[[balance]]` tables).
//!
//! They are read by `board propose` only; `board check` reports fields and
//! categories as before, so older requirement files keep their meaning.
//! Each rule is hard (must hold) or soft (a penalty of `weight` per unit it
//! misses by; a soft rule never costs a seat, see `propose`).

use serde::Deserialize;

/// One `[[balance]]` table as written in the file; checked by [`BalanceRule::rule`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceRule {
    /// `at_least`, `at_most`, `every_district` or `verified_within`.
    pub rule: String,
    /// A stable name for outputs (default: `balance-N`, N counting from 1).
    pub id: Option<String>,
    /// Seats: the minimum (`at_least`) or maximum (`at_most`).
    pub count: Option<usize>,
    /// `at_least`/`at_most`: seats of this category. `at_most` without one
    /// limits every category separately.
    pub category: Option<String>,
    /// `at_least`: seats among these entity ids (e.g. a group of companies).
    #[serde(default)]
    pub ids: Vec<String>,
    /// `every_district`: the district level (e.g. `stadtbezirk`).
    pub level: Option<String>,
    /// `verified_within`: days since `verified_on`.
    pub days: Option<i64>,
    /// Must hold (default) or is preferred only.
    #[serde(default = "yes")]
    pub hard: bool,
    /// Penalty per missed unit of a soft rule (default 1).
    #[serde(default = "one")]
    pub weight: f64,
    pub de: Option<String>,
    pub en: Option<String>,
}

fn yes() -> bool {
    true
}

fn one() -> f64 {
    1.0
}

/// Which seats a rule counts.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    Category(String),
    Ids(Vec<String>),
}

/// What a balance rule asks, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// At least `count` seats from the selection.
    AtLeast { select: Selector, count: usize },
    /// At most `count` seats of the category, or of each category.
    AtMost {
        category: Option<String>,
        count: usize,
    },
    /// A seat located in every district of the level that has a candidate.
    EveryDistrict { level: String },
    /// Seats whose record was verified within `days` days.
    VerifiedWithin { days: i64 },
}

/// Why a balance rule cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BalanceError {
    #[error(
        "balance rule {index}: unknown rule \"{rule}\" (at_least, at_most, every_district, verified_within)"
    )]
    UnknownRule { index: usize, rule: String },
    #[error("balance rule {index} ({rule}): needs `{key}`")]
    Missing {
        index: usize,
        rule: String,
        key: &'static str,
    },
    #[error("balance rule {index} ({rule}): `{key}` is not used by this rule")]
    Unused {
        index: usize,
        rule: String,
        key: &'static str,
    },
    #[error("balance rule {index}: weight {weight} must be a number ≥ 0")]
    Weight { index: usize, weight: String },
}

impl BalanceRule {
    /// The rule's id: its own, else `balance-N` for the `index`-th (from 1).
    pub fn id_or(&self, index: usize) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("balance-{index}"))
    }

    /// Checks the table and returns what it asks; `index` counts from 1.
    ///
    /// # Errors
    /// [`BalanceError`] for an unknown rule, a missing or a stray key, or a bad weight.
    pub fn rule(&self, index: usize) -> Result<Rule, BalanceError> {
        let missing = |key| BalanceError::Missing {
            index,
            rule: self.rule.clone(),
            key,
        };
        let unused = |key| BalanceError::Unused {
            index,
            rule: self.rule.clone(),
            key,
        };
        if !self.weight.is_finite() || self.weight < 0.0 {
            return Err(BalanceError::Weight {
                index,
                weight: self.weight.to_string(),
            });
        }
        let stray = |keys: &[&'static str]| -> Result<(), BalanceError> {
            let set = [
                ("count", self.count.is_some()),
                ("category", self.category.is_some()),
                ("ids", !self.ids.is_empty()),
                ("level", self.level.is_some()),
                ("days", self.days.is_some()),
            ];
            match set.iter().find(|(k, given)| *given && !keys.contains(k)) {
                Some((k, _)) => Err(unused(k)),
                None => Ok(()),
            }
        };
        match self.rule.as_str() {
            "at_least" => {
                stray(&["count", "category", "ids"])?;
                let select = match (&self.category, self.ids.is_empty()) {
                    (Some(c), true) => Selector::Category(c.clone()),
                    (None, false) => Selector::Ids(self.ids.clone()),
                    (Some(_), false) => return Err(unused("ids")),
                    (None, true) => return Err(missing("category")),
                };
                Ok(Rule::AtLeast {
                    select,
                    count: self.count.unwrap_or(1),
                })
            }
            "at_most" => {
                stray(&["count", "category"])?;
                Ok(Rule::AtMost {
                    category: self.category.clone(),
                    count: self.count.ok_or_else(|| missing("count"))?,
                })
            }
            "every_district" => {
                stray(&["level"])?;
                Ok(Rule::EveryDistrict {
                    level: self.level.clone().ok_or_else(|| missing("level"))?,
                })
            }
            "verified_within" => {
                stray(&["days"])?;
                Ok(Rule::VerifiedWithin {
                    days: self.days.ok_or_else(|| missing("days"))?,
                })
            }
            other => Err(BalanceError::UnknownRule {
                index,
                rule: other.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> BalanceRule {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn rules_are_checked_with_their_keys() {
        let r = parse("rule = \"at_least\"\ncategory = \"association_or_initiative\"\ncount = 2");
        assert_eq!(
            r.rule(1).unwrap(),
            Rule::AtLeast {
                select: Selector::Category("association_or_initiative".into()),
                count: 2
            }
        );
        assert!(r.hard && r.weight == 1.0);
        let r = parse("rule = \"at_most\"\ncount = 2\nhard = false\nweight = 0.5");
        assert_eq!(
            r.rule(1).unwrap(),
            Rule::AtMost {
                category: None,
                count: 2
            }
        );
        assert!(matches!(
            parse("rule = \"every_district\"").rule(3),
            Err(BalanceError::Missing {
                index: 3,
                key: "level",
                ..
            })
        ));
        assert!(matches!(
            parse("rule = \"verified_within\"\ndays = 365\nlevel = \"x\"").rule(1),
            Err(BalanceError::Unused { key: "level", .. })
        ));
        assert!(matches!(
            parse("rule = \"most\"").rule(1),
            Err(BalanceError::UnknownRule { .. })
        ));
        assert!(matches!(
            parse("rule = \"at_most\"\ncount = 1\nweight = -1").rule(1),
            Err(BalanceError::Weight { .. })
        ));
    }
}
