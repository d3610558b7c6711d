//! A data folder's manifest (`atlas.toml`): which files it holds, what they are,
//! and how their columns map onto the model.

use super::FileRole;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The manifest's file name inside a data folder.
pub const MANIFEST: &str = "atlas.toml";

/// A parsed `atlas.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// What the data set is.
    #[serde(default)]
    pub title: Option<String>,
    /// Vocabulary file, relative to the manifest.
    #[serde(default)]
    pub vocabulary: Option<PathBuf>,
    /// District levels, coarse to fine.
    #[serde(default)]
    pub levels: Vec<String>,
    /// Level used by listings and reports when none is asked for.
    #[serde(default)]
    pub default_level: Option<String>,
    /// Files, imported in this order.
    #[serde(rename = "file")]
    pub files: Vec<FileEntry>,
}

/// One file of a manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub path: PathBuf,
    #[serde(rename = "as")]
    pub role: FileRole,
    /// For district files without a `level` property.
    #[serde(default)]
    pub level: Option<String>,
    /// Source for records whose row names none.
    #[serde(default)]
    pub source: Option<String>,
    /// Licence for the file's records.
    #[serde(default)]
    pub license: Option<String>,
    /// CRS of the coordinates (`EPSG:25832`); WGS84 if absent (GeoJSON: its `crs` member).
    #[serde(default)]
    pub crs: Option<String>,
    /// Text encoding of a CSV file (`utf-8`, `windows-1252`); detected if absent.
    #[serde(default)]
    pub encoding: Option<String>,
    /// Repair invalid polygons where a well-defined repair exists.
    #[serde(default)]
    pub repair: bool,
    /// Sheet of a spreadsheet; the first if absent.
    #[serde(default)]
    pub sheet: Option<String>,
    /// For district files: place the file's level below this one.
    #[serde(default)]
    pub below: Option<String>,
    /// For district files: place the file's level above this one.
    #[serde(default)]
    pub above: Option<String>,
    /// For district files: the file replaces its level; stored districts of
    /// that level it no longer holds are removed.
    #[serde(default)]
    pub replace: bool,
    /// Model field → source column (or several, joined with ", ").
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnSource>,
    /// For address registers: the least match quality applied to the
    /// entities of the import (`address_fuzzy` if absent).
    #[serde(default)]
    pub min_quality: Option<crate::model::MatchQuality>,
}

/// One or several source columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ColumnSource {
    One(String),
    Joined(Vec<String>),
}

impl ColumnSource {
    /// The source column names.
    pub fn names(&self) -> Vec<&str> {
        match self {
            ColumnSource::One(c) => vec![c.as_str()],
            ColumnSource::Joined(cs) => cs.iter().map(String::as_str).collect(),
        }
    }
}

impl Manifest {
    /// Reads a manifest file.
    ///
    /// # Errors
    /// A message naming the file and the TOML problem.
    pub fn read(path: &Path) -> Result<Self, crate::model::Text> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| crate::text!("cannot read: {e}", "kann nicht gelesen werden: {e}"))?;
        toml::from_str(&text).map_err(|e| {
            crate::text!(
                "not a valid manifest: {e}",
                "ist kein gültiges Manifest: {e}"
            )
        })
    }
}
