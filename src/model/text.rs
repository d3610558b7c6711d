//! Words for a person in the two languages the tool speaks.
//!
//! What a reader found wrong with a file, or decided on its own, is told to
//! a planner in English or German (`--lang`, the locale). The sentence is
//! made where the problem is found, in both languages at once, so that a
//! message cannot exist in one language only: [`Text`] has no conversion
//! from a plain string. JSON and other machine output carry the English.

use std::fmt;

use serde::{Serialize, Serializer};

use super::Lang;

/// One message, in English and in German.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    en: String,
    de: String,
}

impl Text {
    /// The message in English and in German.
    pub fn new(en: impl Into<String>, de: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            de: de.into(),
        }
    }

    /// The English wording.
    pub fn en(&self) -> &str {
        &self.en
    }

    /// The wording in a language.
    pub fn in_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::De => &self.de,
        }
    }

    /// `parts` joined by `separator`, each language by its own.
    pub fn join(parts: &[Text], separator: &Text) -> Self {
        let joined = |lang: Lang| {
            parts
                .iter()
                .map(|t| t.in_lang(lang))
                .collect::<Vec<_>>()
                .join(separator.in_lang(lang))
        };
        Self::new(joined(Lang::En), joined(Lang::De))
    }

    /// Both wordings with `before` and `after` around them (the same in
    /// both languages: a file name, a value).
    pub fn around(&self, before: &str, after: &str) -> Self {
        Self::new(
            format!("{before}{}{after}", self.en),
            format!("{before}{}{after}", self.de),
        )
    }
}

/// A [`Text`] from two format strings with the same arguments:
/// `text!("\"{v}\" is not a number", "\"{v}\" ist keine Zahl")`.
#[macro_export]
macro_rules! text {
    ($en:literal, $de:literal $(, $arg:expr)* $(,)?) => {
        $crate::model::Text::new(format!($en $(, $arg)*), format!($de $(, $arg)*))
    };
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_says_each_language_and_serialises_as_english() {
        let value = "5l.48";
        let t = crate::text!("\"{value}\" is not a number", "\"{value}\" ist keine Zahl");
        assert_eq!(t.in_lang(Lang::En), "\"5l.48\" is not a number");
        assert_eq!(t.in_lang(Lang::De), "\"5l.48\" ist keine Zahl");
        assert_eq!(t.to_string(), t.en());
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"\\\"5l.48\\\" is not a number\""
        );
        let n = 3;
        let t = crate::text!("{} rows", "{} Zeilen", n).around("a.csv: ", "");
        assert_eq!(t.in_lang(Lang::De), "a.csv: 3 Zeilen");
    }
}
