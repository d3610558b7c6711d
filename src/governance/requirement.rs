//! What a body must cover, as data (TOML), e.g. `data/requirements/council_2020.toml`.
//!
//! `fields` and `categories` are what `board check` and `board propose` cover;
//! the optional `[[balance]]` tables (see [`super::balance`]) shape a proposal.

use super::balance::{BalanceError, BalanceRule, Rule};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The council's 2020 request for an advisory board, shipped with the tool.
pub const COUNCIL_2020: &str = include_str!("../../data/requirements/council_2020.toml");

/// A minimum number of members of one partner category.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryMinimum {
    pub id: String,
    pub min: usize,
    pub de: Option<String>,
    pub en: Option<String>,
}

/// Fields of action and member categories a body must cover.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub title: String,
    pub source: Option<String>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub categories: Vec<CategoryMinimum>,
    /// Balance rules for `board propose` (older files have none).
    #[serde(default)]
    pub balance: Vec<BalanceRule>,
}

/// A requirement file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequirementError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a requirement file")]
    Parse {
        path: PathBuf,
        #[source]
        source: toml::de::Error,
    },
    #[error("{path}: a balance rule cannot be used")]
    Balance {
        path: PathBuf,
        #[source]
        source: BalanceError,
    },
}

impl Requirement {
    /// The council's request of June 2020 (the default).
    pub fn council_2020() -> Self {
        toml::from_str(COUNCIL_2020).expect("the shipped requirement is valid TOML")
    }

    /// Reads a requirement file.
    ///
    /// # Errors
    /// [`RequirementError`] when the file cannot be read or parsed.
    pub fn read(path: &Path) -> Result<Self, RequirementError> {
        let text = std::fs::read_to_string(path).map_err(|source| RequirementError::Read {
            path: path.into(),
            source,
        })?;
        let requirement: Self =
            toml::from_str(&text).map_err(|source| RequirementError::Parse {
                path: path.into(),
                source,
            })?;
        requirement
            .rules()
            .map_err(|source| RequirementError::Balance {
                path: path.into(),
                source,
            })?;
        Ok(requirement)
    }

    /// The balance rules, checked, each with its id and its table.
    ///
    /// # Errors
    /// [`BalanceError`] for the first rule that cannot be used.
    pub fn rules(&self) -> Result<Vec<(String, Rule, &BalanceRule)>, BalanceError> {
        self.balance
            .iter()
            .enumerate()
            .map(|(i, b)| Ok((b.id_or(i + 1), b.rule(i + 1)?, b)))
            .collect()
    }
}
