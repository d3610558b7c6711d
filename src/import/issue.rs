//! Import problems, reported as `FILE:LINE: column 'lat': "5l.48" is not a number`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::Text;

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: PathBuf,
    /// 1-based line (CSV) or feature number (GeoJSON, prefixed in `place`).
    pub line: Option<u64>,
    /// Where in the line: `column 'lat'`, `feature 3`.
    pub place: Option<String>,
    /// What is wrong, in English and German.
    pub message: Text,
}

impl Issue {
    /// A problem at a line and column of a file.
    pub fn at(file: &Path, line: u64, column: &str, message: Text) -> Self {
        Self {
            file: file.to_path_buf(),
            line: Some(line),
            place: Some(format!("column '{column}'")),
            message,
        }
    }

    /// A problem at a line of a file.
    pub fn line(file: &Path, line: u64, message: Text) -> Self {
        Self {
            file: file.to_path_buf(),
            line: Some(line),
            place: None,
            message,
        }
    }

    /// A problem with a whole file.
    pub fn file(file: &Path, message: Text) -> Self {
        Self {
            file: file.to_path_buf(),
            line: None,
            place: None,
            message,
        }
    }

    /// A problem with one feature of a GeoJSON file (1-based).
    pub fn feature(file: &Path, number: usize, message: Text) -> Self {
        Self {
            file: file.to_path_buf(),
            line: None,
            place: Some(format!("feature {number}")),
            message,
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(place) = &self.place {
            write!(f, "{place}: ")?;
        }
        f.write_str(self.message.en())
    }
}

/// An import refused as a whole; the store was not touched.
#[derive(Debug, Clone, thiserror::Error)]
#[error("import refused, the store is unchanged ({}):\n{}", self.count(), self.listing())]
pub struct ImportError {
    pub issues: Vec<Issue>,
}

impl ImportError {
    /// "1 problem", "3 problems".
    pub fn count(&self) -> String {
        match self.issues.len() {
            1 => "1 problem".to_string(),
            n => format!("{n} problems"),
        }
    }

    /// One indented line per problem.
    pub fn listing(&self) -> String {
        self.issues
            .iter()
            .map(|i| format!("  {i}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}
