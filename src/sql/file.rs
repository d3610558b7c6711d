//! Query files: `-- key: value` header lines, then one SQL statement.
//!
//! Header keys: `title.de`, `title.en`, `description`, and
//! `param: NAME TYPE [= DEFAULT]` with TYPE one of text, integer, real.

use super::SqlError;
use crate::model::Lang;
use rusqlite::types::Value;
use std::path::{Path, PathBuf};

/// Type of a named parameter; values are checked against it before binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    Text,
    Integer,
    Real,
}

impl std::fmt::Display for ParamType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ParamType::Text => "text",
            ParamType::Integer => "integer",
            ParamType::Real => "real",
        })
    }
}

impl ParamType {
    /// Converts a value given as text; `None` when it is not of this type.
    pub fn parse(self, raw: &str) -> Option<Value> {
        match self {
            ParamType::Text => Some(Value::Text(raw.to_string())),
            ParamType::Integer => raw.trim().parse().ok().map(Value::Integer),
            ParamType::Real => raw
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Value::Real),
        }
    }
}

/// A declared parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub kind: ParamType,
    /// The default as written (quotes removed), if any.
    pub default: Option<String>,
}

/// A saved question.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedQuery {
    /// The file stem.
    pub name: String,
    pub title_de: Option<String>,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub params: Vec<Param>,
    /// The whole file (SQLite ignores the header comments).
    pub sql: String,
    pub path: PathBuf,
}

impl SavedQuery {
    /// Reads one query file.
    ///
    /// # Errors
    /// [`SqlError::Read`] or [`SqlError::Header`].
    pub fn load(path: &Path) -> Result<Self, SqlError> {
        let sql = std::fs::read_to_string(path).map_err(|source| SqlError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self::parse(name, path, sql)
    }

    /// Parses the header of a query text.
    ///
    /// # Errors
    /// [`SqlError::Header`] for a malformed `param:` line or a duplicate parameter.
    pub fn parse(name: String, path: &Path, sql: String) -> Result<Self, SqlError> {
        let mut q = SavedQuery {
            name,
            title_de: None,
            title_en: None,
            description: None,
            params: Vec::new(),
            sql: String::new(),
            path: path.to_path_buf(),
        };
        for (n, line) in sql.lines().enumerate() {
            let Some(comment) = line.trim().strip_prefix("--") else {
                // The header ends at the first line that is not a comment.
                if line.trim().is_empty() {
                    continue;
                }
                break;
            };
            let Some((key, value)) = comment.split_once(':') else {
                continue;
            };
            let value = value.trim().to_string();
            let header = |message: String| SqlError::Header {
                path: path.to_path_buf(),
                line: n + 1,
                message,
            };
            match key.trim() {
                "title.de" => q.title_de = Some(value),
                "title.en" => q.title_en = Some(value),
                "description" => q.description = Some(value),
                "param" => {
                    let p = parse_param(&value).map_err(header)?;
                    if q.params.iter().any(|o| o.name == p.name) {
                        return Err(header(format!(
                            "parameter \"{}\" is declared twice",
                            p.name
                        )));
                    }
                    q.params.push(p);
                }
                _ => {}
            }
        }
        q.sql = sql;
        Ok(q)
    }

    /// The title in a language, falling back to the other one and the name.
    pub fn title(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::De => (&self.title_de, &self.title_en),
            Lang::En => (&self.title_en, &self.title_de),
        };
        first.as_deref().or(second.as_deref()).unwrap_or(&self.name)
    }

    /// The values to bind: given ones checked against their declared type,
    /// defaults for the rest.
    ///
    /// # Errors
    /// [`SqlError::UnknownParam`], [`SqlError::ParamType`], [`SqlError::MissingParam`].
    pub fn bind_values(
        &self,
        given: &[(String, String)],
    ) -> Result<Vec<(String, Value)>, SqlError> {
        for (name, _) in given {
            if !self.params.iter().any(|p| &p.name == name) {
                return Err(SqlError::UnknownParam {
                    name: name.clone(),
                    known: self.params.iter().map(|p| p.name.clone()).collect(),
                });
            }
        }
        self.params
            .iter()
            .map(|p| {
                let raw = given
                    .iter()
                    .rev()
                    .find(|(n, _)| n == &p.name)
                    .map(|(_, v)| v.as_str())
                    .or(p.default.as_deref())
                    .ok_or_else(|| SqlError::MissingParam {
                        name: p.name.clone(),
                    })?;
                let value = p.kind.parse(raw).ok_or_else(|| SqlError::ParamType {
                    name: p.name.clone(),
                    expected: p.kind,
                    value: raw.to_string(),
                })?;
                Ok((p.name.clone(), value))
            })
            .collect()
    }
}

fn parse_param(text: &str) -> Result<Param, String> {
    let (decl, default) = match text.split_once('=') {
        Some((d, v)) => (d.trim(), Some(unquote(v.trim()))),
        None => (text.trim(), None),
    };
    let mut words = decl.split_whitespace();
    let (Some(name), Some(kind), None) = (words.next(), words.next(), words.next()) else {
        return Err(format!("write `param: NAME TYPE = DEFAULT`, not `{text}`"));
    };
    let name = name.trim_start_matches(':').to_string();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "parameter name \"{name}\" must be letters, digits or _"
        ));
    }
    let kind = match kind.to_lowercase().as_str() {
        "text" => ParamType::Text,
        "integer" => ParamType::Integer,
        "real" => ParamType::Real,
        other => {
            return Err(format!(
                "parameter type \"{other}\" is not text, integer or real"
            ));
        }
    };
    if let Some(d) = &default
        && kind.parse(d).is_none()
    {
        return Err(format!("default \"{d}\" of \"{name}\" is not {kind}"));
    }
    Ok(Param {
        name,
        kind,
        default,
    })
}

fn unquote(v: &str) -> String {
    v.strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .map_or_else(|| v.to_string(), |s| s.replace("''", "'"))
}

/// Every `*.sql` file of a folder, sorted by name.
///
/// # Errors
/// [`SqlError::Folder`] or the first file's error.
pub fn load_dir(dir: &Path) -> Result<Vec<SavedQuery>, SqlError> {
    let folder = |source| SqlError::Folder {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(folder)? {
        let path = entry.map_err(folder)?.path();
        if path.extension().is_some_and(|e| e == "sql") {
            paths.push(path);
        }
    }
    paths.sort();
    paths.iter().map(|p| SavedQuery::load(p)).collect()
}

/// The saved query with this name.
///
/// # Errors
/// [`SqlError::UnknownQuery`] listing the known names.
pub fn find<'a>(queries: &'a [SavedQuery], name: &str) -> Result<&'a SavedQuery, SqlError> {
    queries
        .iter()
        .find(|q| q.name == name)
        .ok_or_else(|| SqlError::UnknownQuery {
            name: name.to_string(),
            known: queries.iter().map(|q| q.name.clone()).collect(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_params_and_binding() {
        let q = SavedQuery::parse(
            "x".into(),
            Path::new("x.sql"),
            "-- title.en: X\n-- param: district text = 'Neu''stadt'\n-- param: radius real = 500\nSELECT :district, :radius".into(),
        )
        .unwrap();
        assert_eq!(q.params[0].default.as_deref(), Some("Neu'stadt"));
        let v = q.bind_values(&[("radius".into(), "12.5".into())]).unwrap();
        assert_eq!(v[1].1, Value::Real(12.5));
        assert!(matches!(
            q.bind_values(&[("radius".into(), "far".into())]),
            Err(SqlError::ParamType { .. })
        ));
        assert!(matches!(
            q.bind_values(&[("nope".into(), "1".into())]),
            Err(SqlError::UnknownParam { .. })
        ));
    }
}
