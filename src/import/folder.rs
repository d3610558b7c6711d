//! A data folder without `atlas.toml`, and what a file holds, guessed from
//! its name.

use super::{Batch, FileRole, Issue, manifest};
use std::path::{Path, PathBuf};

/// File extensions an import reads.
const DATA_FILES: &[&str] = &[
    "csv", "tsv", "xlsx", "xls", "xlsm", "ods", "geojson", "json", "shp", "gpkg", "kml", "zip",
];

/// A folder without `atlas.toml`: its data files are read with roles guessed
/// from their names (districts first, relations and contacts last), and a
/// note shows the manifest that reproduces the import. When a file's role
/// cannot be guessed, nothing is read and the issue shows the draft.
pub(super) fn read_without_manifest(dir: &Path, batch: &mut Batch, issues: &mut Vec<Issue>) {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| DATA_FILES.contains(&e.to_lowercase().as_str()))
            })
            .collect(),
        Err(e) => {
            return issues.push(Issue::file(
                dir,
                crate::text!(
                    "cannot read the folder: {e}",
                    "der Ordner kann nicht gelesen werden: {e}"
                ),
            ));
        }
    };
    files.sort();
    if files.is_empty() {
        return issues.push(Issue::file(
            dir,
            crate::text!(
                "has no {} and no data files ({})",
                "enthält weder {} noch Datendateien ({})",
                manifest::MANIFEST,
                DATA_FILES.join(", ")
            ),
        ));
    }
    let order = |role: Option<FileRole>| match role {
        Some(FileRole::Districts) => 0,
        Some(FileRole::Relations | FileRole::Contacts) => 2,
        _ => 1,
    };
    let mut guessed: Vec<(PathBuf, Option<FileRole>)> = files
        .into_iter()
        .map(|p| (p.clone(), guess_role(&p)))
        .collect();
    guessed.sort_by_key(|(_, role)| order(*role));
    // The draft in each language: only its comments differ.
    let mut draft = String::new();
    let mut draft_de = String::new();
    for (path, role) in &guessed {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let role = role.map_or("?".to_string(), |r| format!("{r:?}").to_lowercase());
        let file = format!(
            "[[file]]\npath = {}\nas = {}\n",
            toml::Value::String(name),
            toml::Value::String(role.clone())
        );
        draft.push_str(&file);
        draft_de.push_str(&file);
        if role == "districts" {
            let level = toml::Value::String(level_of(path));
            draft.push_str(&format!(
                "level = {level}  # used where the features carry no level property\n"
            ));
            draft_de.push_str(&format!(
                "level = {level}  # gilt, wo die Objekte keine Eigenschaft level haben\n"
            ));
        }
        draft.push('\n');
        draft_de.push('\n');
    }
    let unknown: Vec<String> = guessed
        .iter()
        .filter(|(_, r)| r.is_none())
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !unknown.is_empty() {
        let (m, unknown) = (manifest::MANIFEST, unknown.join(", "));
        return issues.push(Issue::file(
            dir,
            crate::model::Text::new(
                format!(
                    "has no {m}, and what these files hold cannot be told from their names: {unknown}. \
                     Write {m} in the folder (`as` is one of partners, initiatives, projects, bodies, \
                     relations, contacts, districts); a draft with the guesses:\n\n{draft}"
                ),
                format!(
                    "enthält kein {m}, und was diese Dateien enthalten, ist an ihren Namen nicht zu erkennen: {unknown}. \
                     Legen Sie {m} im Ordner an (`as` ist eines von partners, initiatives, projects, bodies, \
                     relations, contacts, districts); ein Entwurf mit den Vermutungen:\n\n{draft_de}"
                ),
            ),
        ));
    }
    let (m, shown, count) = (manifest::MANIFEST, dir.display(), guessed.len());
    batch.notes.push(crate::model::Text::new(
        format!(
            "{shown} has no {m}: read {count} file(s) with roles guessed from their names; \
             this {m} reproduces the import (save it in the folder and adjust it):\n\n{draft}"
        ),
        format!(
            "{shown} enthält kein {m}: {count} Datei(en) gelesen, deren Rollen aus ihren Namen erraten wurden; \
             dieses {m} wiederholt den Import (speichern Sie es im Ordner und passen Sie es an):\n\n{draft_de}"
        ),
    ));
    for (path, role) in guessed {
        let role = role.expect("checked above");
        let entry = manifest::FileEntry {
            level: (role == FileRole::Districts).then(|| level_of(&path)),
            path,
            role,
            encoding: None,
            crs: None,
            sheet: None,
            repair: false,
            source: None,
            license: None,
            below: None,
            above: None,
            replace: false,
            columns: Default::default(),
            min_quality: None,
        };
        super::read_file(&entry, batch, issues);
    }
}

pub(super) fn guess_role(path: &Path) -> Option<FileRole> {
    let stem = path.file_stem()?.to_str()?.to_lowercase();
    [
        ("hauskoordinat", FileRole::Addresses),
        ("district", FileRole::Districts),
        ("bezirk", FileRole::Districts),
        ("stadtteil", FileRole::Districts),
        ("ortsteil", FileRole::Districts),
        ("viertel", FileRole::Districts),
        ("quartier", FileRole::Districts),
        ("planungsr", FileRole::Districts),
        ("relation", FileRole::Relations),
        ("contact", FileRole::Contacts),
        ("initiative", FileRole::Initiatives),
        ("project", FileRole::Projects),
        ("bod", FileRole::Bodies),
        ("partner", FileRole::Partners),
        ("actor", FileRole::Partners),
    ]
    .into_iter()
    .find(|(word, _)| stem.contains(word))
    .map(|(_, role)| role)
}

/// The level a district file without a manifest stands for: its name
/// (`Stadtteile.shp` → `stadtteile`), as the printed manifest shows.
fn level_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| crate::model::names::slug(&s.to_string_lossy()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "district".to_string())
}
