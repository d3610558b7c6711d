//! The vocabulary: fields of action and partner categories with German and English labels.
//!
//! It is data (`data/vocabulary.toml`), so a city can add a field without a release.

use serde::{Deserialize, Serialize};

/// The vocabulary shipped with the tool, used when a store has none of its own.
pub const DEFAULT_TOML: &str = include_str!("../../data/vocabulary.toml");

/// One term: a stable id and its labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub id: String,
    pub de: String,
    pub en: String,
    /// For categories: counts as civil society (associations, initiatives).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub civil_society: bool,
}

/// Fields of action and partner categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vocabulary {
    pub fields: Vec<Term>,
    pub categories: Vec<Term>,
}

/// Label language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    De,
    #[default]
    En,
}

impl Vocabulary {
    /// Parses a vocabulary TOML file's text.
    ///
    /// # Errors
    /// The TOML error, with its position, when the text is not a vocabulary.
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// The shipped default vocabulary.
    pub fn default_vocabulary() -> Self {
        Self::from_toml(DEFAULT_TOML).expect("the shipped vocabulary is valid TOML")
    }

    /// The field of action with this id.
    pub fn field(&self, id: &str) -> Option<&Term> {
        self.fields.iter().find(|t| t.id == id)
    }

    /// The category with this id.
    pub fn category(&self, id: &str) -> Option<&Term> {
        self.categories.iter().find(|t| t.id == id)
    }

    /// The label of a field id in a language; the id itself when unknown.
    pub fn field_label<'a>(&'a self, id: &'a str, lang: Lang) -> &'a str {
        self.field(id).map_or(id, |t| t.label(lang))
    }
}

impl Term {
    /// The label in a language.
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::De => &self.de,
            Lang::En => &self.en,
        }
    }
}
