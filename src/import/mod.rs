//! Reading input files into records, and planning what an import changes.
//!
//! Reading never touches the store. [`prepare`] turns files into a
//! [`ChangeSet`](crate::store::ChangeSet) against a snapshot, or refuses the
//! whole import with every problem found ([`ImportError`]).

mod archive;
mod columns;
mod csv_addresses;
mod csv_entities;
mod csv_links;
mod district_plan;
mod esri_json_read;
mod features;
mod folder;
mod geojson_read;
mod geometry_check;
mod gpkg_read;
mod ids;
mod issue;
mod keep_located;
mod kml_read;
pub mod levels;
pub mod manifest;
mod nul;
mod placement;
mod plan;
mod reach;
pub mod run;
mod shapefile_read;
mod sources;
mod values;
mod wkt_table;

pub use issue::{ImportError, Issue};
pub use plan::{ImportSummary, Prepared, prepare};

use crate::model::{Contact, District, Entity, EntityKind, Role, Vocabulary};
use serde::Deserialize;
use std::path::PathBuf;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileRole {
    Partners,
    Initiatives,
    Projects,
    Bodies,
    Relations,
    Contacts,
    Districts,
    /// An address register (Hauskoordinaten): matched against, not stored.
    Addresses,
}

impl std::str::FromStr for FileRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_lowercase().as_str() {
            "partners" | "partner" => FileRole::Partners,
            "initiatives" | "initiative" => FileRole::Initiatives,
            "projects" | "project" => FileRole::Projects,
            "bodies" | "body" => FileRole::Bodies,
            "relations" | "relation" => FileRole::Relations,
            "contacts" | "contact" => FileRole::Contacts,
            "districts" | "district" => FileRole::Districts,
            "addresses" | "address" | "register" => FileRole::Addresses,
            other => {
                return Err(format!(
                    "\"{other}\" is not a file role (partners, initiatives, projects, bodies, \
                     relations, contacts, districts, addresses)"
                ));
            }
        })
    }
}

impl FileRole {
    /// The entity kind a file of this role holds by default.
    pub fn default_kind(self) -> Option<EntityKind> {
        match self {
            FileRole::Partners => Some(EntityKind::Partner),
            FileRole::Initiatives => Some(EntityKind::Initiative),
            FileRole::Projects => Some(EntityKind::Project),
            FileRole::Bodies => Some(EntityKind::Body),
            _ => None,
        }
    }
}

/// How to read the files of one import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// What the files are, when not told by a manifest or guessed from the name.
    pub role: Option<FileRole>,
    /// Level for district files without a `level` property.
    pub level: Option<String>,
    /// Text encoding of CSV files (`utf-8`, `windows-1252`); detected if `None`.
    pub encoding: Option<String>,
    /// CRS of coordinates in the files (`EPSG:25832`); WGS84 if `None`.
    pub crs: Option<String>,
    /// Sheet of spreadsheets; the first if `None`.
    pub sheet: Option<String>,
    /// Repair invalid polygons where a well-defined repair exists.
    pub repair: bool,
    /// Model field → source column(s), for every format (`--map`, `--name-column`, …).
    pub columns: std::collections::BTreeMap<String, manifest::ColumnSource>,
    /// Place the files' district level below this level.
    pub below: Option<String>,
    /// Place the files' district level above this level.
    pub above: Option<String>,
    /// The files replace their district levels.
    pub replace: bool,
}

/// Where a parsed record came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub line: u64,
    /// The column or place the reference came from.
    pub column: String,
    /// True when the record's id was derived from its name (no id in the file).
    pub id_derived: bool,
}

/// A relation whose ends are still names or ids as the file wrote them.
#[derive(Debug, Clone)]
pub struct RelationRef {
    pub from: String,
    pub to: String,
    pub role: Role,
    pub field: Option<String>,
    pub source: Option<String>,
    pub origin: Origin,
}

/// A contact whose entity is still a name or id.
#[derive(Debug, Clone)]
pub struct ContactRef {
    pub contact: Contact,
    pub origin: Origin,
}

/// Everything read from the files of one import, not yet checked against the store.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub entities: Vec<(Entity, Origin)>,
    pub districts: Vec<(District, Origin)>,
    pub relations: Vec<RelationRef>,
    pub contacts: Vec<ContactRef>,
    pub vocabulary: Option<Vocabulary>,
    /// A manifest's levels, coarse to fine (empty: the store's, with new ones placed).
    pub levels: Vec<String>,
    /// Where files ask their level to stand (`--below`, `--above`).
    pub level_requests: Vec<levels::LevelRequest>,
    /// Files read in a projected CRS that the user named, with that CRS.
    pub projected: Vec<(PathBuf, String)>,
    /// District files whose levels replace the stored ones (`--replace`).
    pub replacing: Vec<PathBuf>,
    pub default_level: Option<String>,
    pub files: Vec<PathBuf>,
    /// Addresses of register files (`as = "addresses"`), for locating the
    /// entities that have an address but no point.
    pub addresses: Vec<crate::locate::AddressRecord>,
    /// The least match quality the registers' manifest entries ask for.
    pub min_quality: Option<crate::model::MatchQuality>,
    /// What the readers decided on their own (detected encoding, chosen sheet).
    pub notes: Vec<crate::model::Text>,
    /// The approval of a submission that this batch writes
    /// ([`crate::store::ChangeSet::decision`]).
    pub decision: Option<crate::store::web::Decision>,
}

/// Reads the given paths (files or data folders with a manifest).
///
/// # Errors
/// Every problem found, in file order.
pub fn read_paths(paths: &[PathBuf], options: &ImportOptions) -> Result<Batch, ImportError> {
    let mut batch = Batch::default();
    let mut issues = Vec::new();
    for path in paths {
        if path.is_dir() || path.extension().is_some_and(|e| e == "toml") {
            read_manifest(path, &mut batch, &mut issues);
        } else {
            let entry = manifest::FileEntry {
                path: path.clone(),
                role: match options.role.or_else(|| folder::guess_role(path)) {
                    Some(role) => role,
                    None => {
                        issues.push(Issue::file(
                            path,
                            crate::text!(
                                "cannot tell what this file holds; say it with --as \
                                 (partners, initiatives, projects, bodies, relations, contacts, districts)",
                                "es ist nicht erkennbar, was diese Datei enthält; geben Sie es mit --as an \
                                 (partners, initiatives, projects, bodies, relations, contacts, districts)"
                            ),
                        ));
                        continue;
                    }
                },
                level: options.level.clone(),
                encoding: options.encoding.clone(),
                crs: options.crs.clone(),
                sheet: options.sheet.clone(),
                repair: options.repair,
                source: None,
                license: None,
                below: options.below.clone(),
                above: options.above.clone(),
                replace: options.replace,
                columns: options.columns.clone(),
                min_quality: None,
            };
            read_file(&entry, &mut batch, &mut issues);
        }
    }
    if issues.is_empty() {
        Ok(batch)
    } else {
        Err(ImportError { issues })
    }
}

fn read_manifest(path: &std::path::Path, batch: &mut Batch, issues: &mut Vec<Issue>) {
    let (dir, file) = if path.is_dir() {
        (path.to_path_buf(), path.join(manifest::MANIFEST))
    } else {
        (
            path.parent().map(PathBuf::from).unwrap_or_default(),
            path.to_path_buf(),
        )
    };
    if path.is_dir() && !file.exists() {
        return folder::read_without_manifest(&dir, batch, issues);
    }
    let m = match manifest::Manifest::read(&file) {
        Ok(m) => m,
        Err(message) => return issues.push(Issue::file(&file, message)),
    };
    if let Some(vocabulary) = &m.vocabulary {
        let vpath = dir.join(vocabulary);
        match std::fs::read_to_string(&vpath) {
            Ok(text) => match Vocabulary::from_toml(&text) {
                Ok(v) => batch.vocabulary = Some(v),
                Err(e) => issues.push(Issue::file(
                    &vpath,
                    crate::text!("not a vocabulary: {e}", "ist kein Vokabular: {e}"),
                )),
            },
            Err(e) => issues.push(Issue::file(
                &vpath,
                crate::text!("cannot read: {e}", "kann nicht gelesen werden: {e}"),
            )),
        }
    }
    batch.levels.clone_from(&m.levels);
    batch.default_level.clone_from(&m.default_level);
    batch.files.push(file.clone());
    for entry in &m.files {
        let mut entry = entry.clone();
        entry.path = dir.join(&entry.path);
        read_file(&entry, batch, issues);
    }
}

/// A reader that turns one geodata file into features.
type FeatureReader = fn(
    &manifest::FileEntry,
    &mut Vec<Issue>,
    &mut Vec<crate::model::Text>,
) -> Option<Vec<features::SourceFeature>>;

/// Model fields a column mapping may name.
const MAPPABLE: &[&str] = &[
    "aliases",
    "population",
    "parent",
    "level",
    "provisional",
    "method",
    "from",
    "to",
    "role",
    "field",
    "entity",
    "email",
    "phone",
];

fn read_file(entry: &manifest::FileEntry, batch: &mut Batch, issues: &mut Vec<Issue>) {
    if let Some(q) = entry.min_quality {
        if entry.role != FileRole::Addresses {
            return issues.push(Issue::file(
                &entry.path,
                crate::text!(
                    "min_quality is for address registers (as = \"addresses\")",
                    "min_quality gilt nur für Adressregister (as = \"addresses\")"
                ),
            ));
        }
        match batch.min_quality {
            Some(other) if other != q => {
                return issues.push(Issue::file(
                    &entry.path,
                    crate::text!(
                        "min_quality = \"{q}\", but another register of this import asks for \"{other}\"; give one",
                        "min_quality = \"{q}\", aber ein anderes Adressregister dieses Imports verlangt \"{other}\"; geben Sie nur einen Wert an"
                    ),
                ));
            }
            _ => batch.min_quality = Some(q),
        }
    }
    if entry.role == FileRole::Addresses
        && let Some(field) = entry
            .columns
            .keys()
            .find(|f| !csv_addresses::FIELDS.contains(&f.as_str()))
    {
        return issues.push(Issue::file(
                &entry.path,
                crate::text!(
                    "'{field}' is not a field of an address register, so it cannot be mapped; the fields are: {}",
                    "'{field}' ist kein Feld eines Adressregisters und kann daher nicht zugeordnet werden; die Felder sind: {}",
                    csv_addresses::FIELDS.join(", ")
                ),
            ));
    }
    for field in entry
        .columns
        .keys()
        .filter(|_| entry.role != FileRole::Addresses)
    {
        if !csv_entities::FIELDS.contains(&field.as_str()) && !MAPPABLE.contains(&field.as_str()) {
            let mut all: Vec<&str> = csv_entities::FIELDS
                .iter()
                .chain(MAPPABLE)
                .copied()
                .collect();
            all.sort_unstable();
            return issues.push(Issue::file(
                &entry.path,
                crate::text!(
                    "'{field}' is not a field stadtatlas reads, so it cannot be mapped; the fields are: {}",
                    "'{field}' ist kein Feld, das stadtatlas liest, und kann daher nicht zugeordnet werden; die Felder sind: {}",
                    all.join(", ")
                ),
            ));
        }
    }
    let ext = entry
        .path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    batch.files.push(entry.path.clone());
    if ext == "zip" || ext == "kmz" {
        // Its one data file is read through this function, as if given directly.
        return archive::read(entry, batch, issues);
    }
    if let Some(crs) = &entry.crs
        && !crate::crs::Crs::parse(crs).is_ok_and(|c| c.is_wgs84())
    {
        batch.projected.push((entry.path.clone(), crs.clone()));
    }
    let tabular = ext == "csv"
        || ext == "tsv"
        || ext == "txt"
        || sources::SPREADSHEETS.contains(&ext.as_str());
    let wkt = tabular
        && !matches!(entry.role, FileRole::Relations | FileRole::Contacts)
        && (entry.role == FileRole::Districts || wkt_table::has_wkt_column(entry));
    if tabular && !wkt {
        return match entry.role {
            FileRole::Addresses => csv_addresses::read(entry, batch, issues),
            FileRole::Relations => csv_links::read_relations(entry, batch, issues),
            FileRole::Contacts => csv_links::read_contacts(entry, batch, issues),
            _ => csv_entities::read(entry, batch, issues),
        };
    }
    let reader: FeatureReader = match ext.as_str() {
        _ if wkt => wkt_table::read,
        // Esri JSON is told from GeoJSON by its content.
        "geojson" | "json" | "esrijson" => geojson_read::read,
        "shp" => shapefile_read::read,
        "gpkg" => gpkg_read::read,
        "kml" => kml_read::read,
        _ => {
            return issues.push(Issue::file(
                    &entry.path,
                    crate::text!(
                        "unsupported file type '.{ext}' (CSV, XLSX, XLS, ODS, GeoJSON, Esri JSON, Shapefile, GeoPackage, KML, KMZ and ZIP are read)",
                        "der Dateityp '.{ext}' wird nicht unterstützt (gelesen werden CSV, XLSX, XLS, ODS, GeoJSON, Esri JSON, Shapefile, GeoPackage, KML, KMZ und ZIP)"
                    ),
                ));
        }
    };
    if matches!(entry.role, FileRole::Relations | FileRole::Contacts) {
        return issues.push(Issue::file(
            &entry.path,
            crate::text!(
                "relations and contacts are read from CSV or spreadsheets",
                "Beziehungen und Kontakte werden aus CSV- oder Tabellenkalkulationsdateien gelesen"
            ),
        ));
    }
    let Some(found) = reader(entry, issues, &mut batch.notes) else {
        return;
    };
    if entry.role == FileRole::Addresses {
        return features::addresses(entry, found, batch, issues);
    }
    if entry.role == FileRole::Districts {
        let before = batch.districts.len();
        features::districts(entry, found, batch, issues);
        if entry.replace {
            batch.replacing.push(entry.path.clone());
        }
        let side = match (&entry.below, &entry.above) {
            (Some(_), Some(_)) => {
                return issues.push(Issue::file(
                    &entry.path,
                    crate::text!(
                        "give --below or --above, not both",
                        "geben Sie --below oder --above an, nicht beides"
                    ),
                ));
            }
            (Some(b), None) => Some(levels::Side::Below(b.clone())),
            (None, Some(a)) => Some(levels::Side::Above(a.clone())),
            (None, None) => None,
        };
        if let Some(side) = side {
            let mut seen: Vec<&str> = Vec::new();
            for (d, _) in &batch.districts[before..] {
                if !seen.contains(&d.level.as_str()) {
                    seen.push(&d.level);
                    batch.level_requests.push(levels::LevelRequest {
                        level: d.level.clone(),
                        side: side.clone(),
                        file: entry.path.clone(),
                    });
                }
            }
        }
    } else {
        features::entities(entry, found, batch, issues);
    }
}
