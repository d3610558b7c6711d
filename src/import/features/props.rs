//! A feature's properties as the model reads them: the column mapping
//! first, then our names and their aliases; foreign values under our names.

use super::SourceFeature;
use crate::import::manifest::{ColumnSource, FileEntry};
use crate::import::values::list;
use crate::import::{Batch, Issue};
use crate::model::names::fold;
use crate::model::{Lang, ParseText, Text};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// A feature's properties as the model reads them.
pub(super) struct Props {
    raw: Map<String, Value>,
    /// The raw property names folded ([`fold`]), in the order of `raw`:
    /// folded once per feature, not once per lookup.
    folded: Vec<String>,
    /// Model field → its value from the mapped source column(s).
    mapped: BTreeMap<String, Value>,
    /// Source columns the mapping consumed (not kept as extra properties).
    consumed: BTreeSet<String>,
}

impl Props {
    /// Applies the file's column mapping. Several source columns are joined with ", ".
    pub(super) fn new(raw: Map<String, Value>, columns: &BTreeMap<String, ColumnSource>) -> Self {
        let folded: Vec<String> = raw.keys().map(|k| fold(k)).collect();
        let mut mapped = BTreeMap::new();
        let mut consumed = BTreeSet::new();
        for (field, source) in columns {
            let mut parts = Vec::new();
            for name in source.names() {
                if let Some((key, v)) = find_folded(&raw, &folded, name) {
                    consumed.insert(key.clone());
                    match v {
                        Value::Null => {}
                        Value::String(s) if s.trim().is_empty() => {}
                        other => parts.push(other.clone()),
                    }
                }
            }
            let value = match parts.len() {
                0 => Value::Null,
                1 => parts.pop().unwrap_or(Value::Null),
                _ => Value::String(
                    parts
                        .iter()
                        .map(|p| match p {
                            Value::String(s) => s.trim().to_string(),
                            other => other.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            };
            mapped.insert(field.clone(), value);
        }
        Self {
            raw,
            folded,
            mapped,
            consumed,
        }
    }

    /// True when the mapping names this field.
    pub(super) fn is_mapped(&self, field: &str) -> bool {
        self.mapped.contains_key(field)
    }

    /// A field's value: from its mapped column, else from the first property
    /// named like one of `keys` that the mapping did not consume.
    pub(super) fn get(&self, keys: &[&str]) -> Option<&Value> {
        if let Some(v) = self.mapped.get(keys[0]) {
            return Some(v);
        }
        keys.iter().find_map(|k| {
            find_folded(&self.raw, &self.folded, k)
                .filter(|(key, _)| !self.consumed.contains(*key))
                .map(|(_, v)| v)
        })
    }

    /// Reads a field as text: strings as they are, numbers as written.
    pub(super) fn text(&self, keys: &[&str]) -> Option<String> {
        match self.get(keys)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub(super) fn strings(&self, keys: &[&str]) -> Vec<String> {
        match self.get(keys) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            Some(Value::String(s)) => list(s),
            _ => Vec::new(),
        }
    }

    /// Properties neither mapped nor read as one of `known` (model field
    /// names with their folded forms, [`Known`]): kept verbatim, so nothing of
    /// the source is lost.
    /// Fields named in `except` count as unknown (their value was foreign).
    pub(super) fn rest<'a>(
        &'a self,
        known: &'a Known,
        except: &'a [String],
    ) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.raw
            .iter()
            .zip(&self.folded)
            .filter(move |((k, v), folded)| {
                !v.is_null()
                    && !self.consumed.contains(*k)
                    && !known.0.iter().any(|(key, f)| {
                        f == *folded
                            && !self.mapped.contains_key(*key)
                            && !except.iter().any(|x| x == key)
                    })
            })
            .map(|(kv, _)| kv)
    }
}

/// Model field names a reader knows, each with its folded form (folded once
/// per file, not once per feature).
pub(super) struct Known(Vec<(&'static str, String)>);

impl Known {
    pub(super) fn new<'k>(keys: impl IntoIterator<Item = &'k &'static str>) -> Self {
        Self(keys.into_iter().map(|k| (*k, fold(k))).collect())
    }
}

/// A property by its name, ignoring case and umlaut spelling (Shapefile
/// columns are often upper case: `NAME`, `EINWOHNER`); `folded` are the
/// folded names of `props`, in order.
fn find_folded<'a>(
    props: &'a Map<String, Value>,
    folded: &[String],
    key: &str,
) -> Option<(&'a String, &'a Value)> {
    props.get_key_value(key).or_else(|| {
        let wanted = fold(key);
        let at = folded.iter().position(|f| *f == wanted)?;
        props.iter().nth(at)
    })
}

/// [`find_folded`] for properties not folded yet.
fn find<'a>(props: &'a Map<String, Value>, key: &str) -> Option<(&'a String, &'a Value)> {
    props.get_key_value(key).or_else(|| {
        let wanted = fold(key);
        props.iter().find(|(k, _)| fold(k) == wanted)
    })
}

/// Checks that every column the mapping names exists in the file. The
/// message lists the properties the file has.
pub(super) fn check_mapping(
    entry: &FileEntry,
    features: &[SourceFeature],
    issues: &mut Vec<Issue>,
) -> bool {
    let have = property_names(features);
    let folded: BTreeSet<String> = have.iter().map(|k| fold(k)).collect();
    let mut ok = true;
    for (field, source) in &entry.columns {
        for name in source.names() {
            if !folded.contains(&fold(name)) {
                ok = false;
                let have = list_or_none(&have);
                issues.push(Issue::file(
                    &entry.path,
                    Text::new(
                        format!(
                            "the mapping reads '{field}' from property '{name}', which the file does not have; its properties are: {}",
                            have.en()
                        ),
                        format!(
                            "die Zuordnung liest '{field}' aus der Eigenschaft '{name}', die die Datei nicht hat; ihre Eigenschaften sind: {}",
                            have.in_lang(Lang::De)
                        ),
                    ),
                ));
            }
        }
    }
    ok
}

/// Every property name of the file's features, in first-seen order.
fn property_names(features: &[SourceFeature]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut names = Vec::new();
    for f in features {
        for k in f.props.keys() {
            if seen.insert(k.clone()) {
                names.push(k.clone());
            }
        }
    }
    names
}

fn list_or_none(names: &[String]) -> Text {
    if names.is_empty() {
        Text::new("(none)", "(keine)")
    } else {
        let list = names.join(", ");
        Text::new(list.clone(), list)
    }
}

/// Property names a name is read from when the mapping names none.
pub(super) const NAME_KEYS: &[&str] = &["name", "bezeichnung", "bezeichnun", "titel", "title"];

/// When no feature has a name under any accepted spelling: one issue for
/// the file, naming its properties and the flag that maps one.
pub(super) fn check_names(
    entry: &FileEntry,
    features: &[SourceFeature],
    issues: &mut Vec<Issue>,
) -> bool {
    if entry.columns.contains_key("name") || features.is_empty() {
        return true;
    }
    let found = features
        .iter()
        .any(|f| NAME_KEYS.iter().any(|k| find(&f.props, k).is_some()));
    if !found {
        let have = list_or_none(&property_names(features));
        let looked = NAME_KEYS.join(", ");
        issues.push(Issue::file(
            &entry.path,
            Text::new(
                format!(
                    "no property holds the names (looked for {looked}); its properties are: {}; \
                     say which one with --name-column COLUMN (or name = \"COLUMN\" under the manifest's [file.columns])",
                    have.en()
                ),
                format!(
                    "keine Eigenschaft enthält die Namen (gesucht: {looked}); ihre Eigenschaften sind: {}; \
                     geben Sie die richtige mit --name-column COLUMN an (oder name = \"COLUMN\" unter [file.columns] im Manifest)",
                    have.in_lang(Lang::De)
                ),
            ),
        ));
    }
    found
}

/// A value of one of our enumerated fields (`kind`, `status`, `visibility`)
/// that does not parse. Mapped explicitly, it is an error; found under our
/// name in a foreign file (OSM's `visibility=area`), it is kept as an extra
/// property and said once per file.
pub(super) struct Foreign<'a> {
    entry: &'a FileEntry,
    seen: BTreeMap<(String, String), usize>,
}

impl<'a> Foreign<'a> {
    pub(super) fn new(entry: &'a FileEntry) -> Self {
        Self {
            entry,
            seen: BTreeMap::new(),
        }
    }

    pub(super) fn notes(self, batch: &mut Batch) {
        for ((field, value), count) in self.seen {
            batch.notes.push(crate::text!(
                "{}: {count} feature(s) have property '{field}' = \"{value}\", which is not a stadtatlas {field}; \
                 kept as an extra property (map a column with --map {field}=COLUMN to read it as ours)",
                "{}: {count} Objekt(e) haben die Eigenschaft '{field}' = \"{value}\", das ist kein stadtatlas-Wert für {field}; \
                 als zusätzliche Eigenschaft behalten (ordnen Sie mit --map {field}=COLUMN eine Spalte zu, um sie als unsere zu lesen)",
                self.entry.path.display()
            ));
        }
    }
}

/// Parses one enumerated field; see [`Foreign`].
pub(super) fn enumerated<T: ParseText>(
    props: &Props,
    field: &str,
    foreign: &mut Foreign<'_>,
    kept: &mut Vec<String>,
    bad: &mut Vec<Text>,
) -> Option<T> {
    let value = props.text(&[field])?;
    match T::parse_text(&value) {
        Ok(v) => Some(v),
        Err(msg) if props.is_mapped(field) => {
            bad.push(msg.around(&format!("{field}: "), ""));
            None
        }
        Err(_) => {
            *foreign
                .seen
                .entry((field.to_string(), value.clone()))
                .or_default() += 1;
            kept.push(field.to_string());
            None
        }
    }
}
