//! CSV tables as spreadsheets deliver them: BOM or not, `,` or `;`, headers in
//! German or English, columns renamed by a manifest.

use super::Issue;
use super::manifest::{ColumnSource, FileEntry};
use super::sources::{self, RawTable};
use crate::model::Text;
use crate::model::names::fold;
use csv::StringRecord;
use std::collections::BTreeMap;
use std::path::Path;

/// Model field → accepted header spellings (compared after [`fold`]).
const ALIASES: &[(&str, &[&str])] = &[
    ("id", &["id", "kennung", "slug"]),
    ("name", &["name", "bezeichnung", "titel", "title"]),
    ("kind", &["kind", "art", "typ", "type"]),
    ("category", &["category", "kategorie", "organisationstyp"]),
    (
        "fields",
        &[
            "fields",
            "field",
            "handlungsfelder",
            "handlungsfeld",
            "themen",
        ],
    ),
    (
        "lon",
        &[
            "lon",
            "lng",
            "long",
            "longitude",
            "laenge",
            "x",
            "rechtswert",
            "ostwert",
            "easting",
        ],
    ),
    (
        "lat",
        &[
            "lat", "latitude", "breite", "y", "hochwert", "nordwert", "northing",
        ],
    ),
    ("address", &["address", "adresse", "anschrift", "strasse"]),
    ("website", &["website", "url", "webseite", "homepage"]),
    ("description", &["description", "beschreibung"]),
    ("status", &["status", "stand"]),
    ("start", &["start", "beginn", "start year", "start_year"]),
    ("end", &["end", "ende", "end year", "end_year"]),
    (
        "success_story",
        &["success story", "success_story", "erfolgsgeschichte"],
    ),
    ("tags", &["tags", "schlagworte", "stichworte"]),
    ("source", &["source", "quelle", "quellen"]),
    (
        "verified_on",
        &["verified on", "verified_on", "geprueft am", "stand vom"],
    ),
    ("license", &["license", "licence", "lizenz"]),
    ("visibility", &["visibility", "sichtbarkeit"]),
    (
        "district",
        &[
            "district",
            "districts",
            "stadtteil",
            "stadtbezirk",
            "bezirk",
            "quartier",
        ],
    ),
    (
        "lead_org",
        &["lead org", "lead_org", "lead", "federfuehrung", "traeger"],
    ),
    (
        "partner_orgs",
        &["partner orgs", "partner_orgs", "partners", "partner"],
    ),
    ("from", &["from", "von"]),
    ("to", &["to", "an", "zu"]),
    ("role", &["role", "rolle", "funktion"]),
    ("field", &["field", "expertise", "fachgebiet"]),
    (
        "entity",
        &[
            "entity",
            "entity id",
            "entity_id",
            "organisation",
            "organization",
        ],
    ),
    ("email", &["email", "e mail", "mail"]),
    // Address registers (Hauskoordinaten, OSM addr:*).
    (
        "street",
        &[
            "street",
            "strname",
            "strasse",
            "strassenname",
            "str name",
            "addr street",
        ],
    ),
    (
        "housenumber",
        &[
            "housenumber",
            "hsnr",
            "hausnummer",
            "hnr",
            "hausnr",
            "addr housenumber",
        ],
    ),
    (
        "suffix",
        &[
            "suffix",
            "hsnrzus",
            "hausnummerzusatz",
            "hnrzus",
            "zusatz",
            "adz",
        ],
    ),
    (
        "postcode",
        &["postcode", "plz", "postleitzahl", "addr postcode"],
    ),
    (
        "place",
        &["place", "ort", "ortsname", "gemeinde", "addr city", "city"],
    ),
    ("phone", &["phone", "telefon", "tel"]),
];

/// The accepted spellings of a field's column or property (folded), its
/// own name first; empty for a field without aliases.
pub(super) fn aliases(field: &str) -> &'static [&'static str] {
    ALIASES
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(&[], |(_, a)| a)
}

/// Model field → the source columns it is read from. Looked up for every
/// cell of a million rows: hashed, with a fast hash.
type Mapped = std::collections::HashMap<String, Vec<usize>, foldhash::fast::RandomState>;

/// A table read whole, with its header mapped onto model fields.
pub struct Table {
    mapped: Mapped,
    /// Source columns no model field claims: (header, index).
    pub extra: Vec<(String, usize)>,
    pub headers: Vec<String>,
    /// The sheet read, for spreadsheets.
    pub sheet: Option<String>,
    /// (line number, trimmed cells).
    pub rows: Vec<(u64, StringRecord)>,
}

impl Table {
    /// Reads a CSV or spreadsheet file and maps its header.
    ///
    /// # Errors
    /// An [`Issue`] when the file cannot be read or its header not mapped.
    pub fn read(entry: &FileEntry, fields: &[&str], notes: &mut Vec<Text>) -> Result<Self, Issue> {
        let path = &entry.path;
        let RawTable {
            headers,
            rows,
            sheet,
        } = sources::read(entry, notes)?;
        let mapped = map_headers(&headers, &entry.columns, fields, path)?;
        let claimed: Vec<usize> = mapped.values().flatten().copied().collect();
        let extra = headers
            .iter()
            .enumerate()
            .filter(|(i, h)| !claimed.contains(i) && !h.is_empty())
            .map(|(i, h)| (h.clone(), i))
            .collect();
        Ok(Self {
            mapped,
            extra,
            headers,
            sheet,
            rows,
        })
    }

    /// The cell of a model field in a row, `None` when absent or empty.
    /// Several source columns are joined with ", ".
    pub fn get<'a>(&self, row: &'a StringRecord, field: &str) -> Option<std::borrow::Cow<'a, str>> {
        let cols = self.mapped.get(field)?;
        let mut parts = cols
            .iter()
            .filter_map(|&i| row.get(i))
            .filter(|c| !c.is_empty());
        let first = parts.next()?;
        match parts.next() {
            None => Some(std::borrow::Cow::Borrowed(first)),
            Some(second) => {
                let mut joined = format!("{first}, {second}");
                for part in parts {
                    joined.push_str(", ");
                    joined.push_str(part);
                }
                Some(std::borrow::Cow::Owned(joined))
            }
        }
    }

    /// The header a field was read from (for messages).
    pub fn header_of(&self, field: &str) -> String {
        self.mapped
            .get(field)
            .and_then(|c| c.first())
            .map_or_else(|| field.to_string(), |&i| self.headers[i].clone())
    }

    /// ` in sheet "X" (choose another with --sheet)` for spreadsheets, else empty.
    pub fn sheet_hint(&self) -> Text {
        self.sheet.as_ref().map_or_else(
            || Text::new("", ""),
            |s| {
                crate::text!(
                    " in sheet \"{s}\" (choose another with --sheet)",
                    " im Tabellenblatt \"{s}\" (wählen Sie ein anderes mit --sheet)"
                )
            },
        )
    }

    /// True when the file has a column for the field.
    pub fn has(&self, field: &str) -> bool {
        self.mapped.contains_key(field)
    }
}

fn map_headers(
    headers: &[String],
    columns: &BTreeMap<String, ColumnSource>,
    fields: &[&str],
    path: &Path,
) -> Result<Mapped, Issue> {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    let position = |name: &str| {
        let key = fold(name);
        folded.iter().position(|h| *h == key)
    };
    let mut mapped = Mapped::default();
    for (field, source) in columns {
        let mut idx = Vec::new();
        for name in source.names() {
            match position(name) {
                Some(i) => idx.push(i),
                None => {
                    return Err(Issue::file(
                        path,
                        crate::text!(
                            "the mapping reads '{field}' from column '{name}', which the file does not have; its columns are: {}",
                            "die Zuordnung liest '{field}' aus der Spalte '{name}', die die Datei nicht hat; ihre Spalten sind: {}",
                            headers.join(", ")
                        ),
                    ));
                }
            }
        }
        mapped.insert(field.clone(), idx);
    }
    let taken: Vec<usize> = mapped.values().flatten().copied().collect();
    for &(field, aliases) in ALIASES {
        if !fields.contains(&field) || mapped.contains_key(field) {
            continue;
        }
        let found = aliases
            .iter()
            .filter_map(|a| position(a))
            .find(|i| !taken.contains(i));
        if let Some(i) = found {
            mapped.insert(field.to_string(), vec![i]);
        }
    }
    Ok(mapped)
}
