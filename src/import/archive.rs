//! Zip archives as cities' geoportals deliver downloads: a Shapefile with its
//! `.dbf`/`.shx`/`.prj`/`.cpg`, or a CSV, GeoJSON, Esri JSON, KML or
//! GeoPackage, often beside a licence text. A KMZ is such an archive too:
//! its `doc.kml` beside the icons it shows.
//!
//! The one data file (or the one chosen with `--layer`) is extracted into a
//! temporary folder and read as if it had been given directly, with the
//! entry's role, level, CRS and columns; problems name it as
//! `Stadtteile.zip/inner/Stadtteile.shp`. Archives are hostile input:
//! member names that leave the folder are refused, and the number of
//! members and the bytes extracted are capped (zip bombs).

use super::manifest::FileEntry;
use super::{Batch, Issue};
use crate::model::{Lang, Text};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// How much an archive may hold; tests use small limits.
#[derive(Debug, Clone, Copy)]
struct Limits {
    members: usize,
    /// Bytes extracted from one archive.
    bytes: u64,
}

/// At most 10,000 members and, extracted, as much as one file read directly.
const LIMITS: Limits = Limits {
    members: 10_000,
    bytes: super::sources::MAX_FILE_BYTES,
};

/// Extensions of the data files an archive may hold. `.txt` is not among
/// them: in downloads it is the licence or a readme.
const DATA: &[&str] = &[
    "csv", "tsv", "xlsx", "xlsm", "xls", "ods", "geojson", "json", "esrijson", "shp", "gpkg", "kml",
];

/// The files read beside a `.shp`.
const SHAPEFILE_PARTS: &[&str] = &["shx", "dbf", "prj", "cpg"];

/// One member worth looking at.
#[derive(Debug)]
struct Member {
    index: usize,
    /// As written in the archive, for messages.
    name: String,
    /// Checked to stay inside the folder it is extracted to.
    path: PathBuf,
    size: u64,
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default()
}

/// Whether the member is noise of the system that packed it: macOS's
/// `__MACOSX/` resource forks, dotfiles (`.DS_Store`).
fn is_noise(path: &Path) -> bool {
    path.components().any(|c| match c {
        Component::Normal(part) => {
            let part = part.to_string_lossy();
            part == "__MACOSX" || part.starts_with('.')
        }
        _ => false,
    })
}

/// The members of the archive, or why it is refused.
fn members(
    archive: &mut zip::ZipArchive<std::fs::File>,
    limits: Limits,
) -> Result<Vec<Member>, Text> {
    if archive.len() > limits.members {
        return Err(crate::text!(
            "has {} members; archives of more than {} are not read",
            "enthält {} Einträge; Archive mit mehr als {} Einträgen werden nicht gelesen",
            archive.len(),
            limits.members
        ));
    }
    let mut out = Vec::new();
    for index in 0..archive.len() {
        let file = archive.by_index_raw(index).map_err(|e| {
            crate::text!(
                "member {} cannot be read: {e}",
                "Eintrag {} im Archiv kann nicht gelesen werden: {e}",
                index + 1
            )
        })?;
        let name = file.name().map_or_else(
            |_| String::from_utf8_lossy(file.name_raw()).into_owned(),
            |n| n.into_owned(),
        );
        let Some(path) = file.enclosed_name() else {
            return Err(crate::text!(
                "member \"{name}\" would be written outside the archive's folder (an absolute \
                 path or \"..\"); the archive is refused",
                "Eintrag \"{name}\" im Archiv würde außerhalb des Ordners des Archivs geschrieben \
                 (ein absoluter Pfad oder \"..\"); das Archiv wird abgelehnt"
            ));
        };
        if file.is_dir() || file.is_symlink() || is_noise(&path) {
            continue;
        }
        out.push(Member {
            index,
            name,
            path,
            size: file.size(),
        });
    }
    Ok(out)
}

/// The data file to read: the only one, or the one `wanted` names (its
/// name in the archive, its file name, or its stem).
fn choose<'m>(members: &'m [Member], wanted: Option<&str>) -> Result<&'m Member, Text> {
    let data: Vec<&Member> = members
        .iter()
        .filter(|m| DATA.contains(&extension(&m.path).as_str()))
        .collect();
    let names = |ms: &[&Member]| {
        ms.iter()
            .map(|m| m.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(wanted) = wanted {
        let matches = |m: &Member| {
            let w = wanted.trim();
            m.name.eq_ignore_ascii_case(w)
                || [m.path.file_name(), m.path.file_stem()]
                    .iter()
                    .flatten()
                    .any(|n| n.to_string_lossy().eq_ignore_ascii_case(w))
        };
        if let Some(m) = data.iter().copied().find(|m| matches(m)) {
            return Ok(m);
        }
        if data.len() > 1 {
            return Err(crate::text!(
                "holds no data file \"{wanted}\"; its data files are: {}",
                "enthält keine Datendatei \"{wanted}\"; seine Datendateien sind: {}",
                names(&data)
            ));
        }
    }
    match data.as_slice() {
        [one] => Ok(one),
        [] => Err(crate::text!(
            "holds no data file (Shapefile, CSV, spreadsheet, GeoJSON, Esri JSON, KML, \
             GeoPackage); its members: {}",
            "enthält keine Datendatei (Shapefile, CSV, Tabellenkalkulation, GeoJSON, Esri JSON, \
             KML, GeoPackage); seine Einträge: {}",
            members
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        several => Err(crate::text!(
            "holds {} data files: {}; choose one with --layer NAME (`sheet` in a manifest)",
            "enthält {} Datendateien: {}; wählen Sie eine mit --layer NAME (`sheet` im Manifest)",
            several.len(),
            names(several)
        )),
    }
}

/// Extracts `chosen` (and a Shapefile's parts beside it) under `dir`; a
/// Shapefile's parts under the `.shp`'s name with lower-case extensions, as
/// its reader looks for them.
/// Returns each extracted path with the member's name.
fn extract(
    archive: &mut zip::ZipArchive<std::fs::File>,
    members: &[Member],
    chosen: &Member,
    dir: &Path,
    limits: Limits,
) -> Result<Vec<(PathBuf, String)>, Text> {
    let is_shp = extension(&chosen.path) == "shp";
    let stem = |p: &Path| p.with_extension("").to_string_lossy().to_lowercase();
    let wanted: Vec<&Member> = members
        .iter()
        .filter(|m| {
            m.index == chosen.index
                || (is_shp
                    && SHAPEFILE_PARTS.contains(&extension(&m.path).as_str())
                    && stem(&m.path) == stem(&chosen.path))
        })
        .collect();
    let declared: u64 = wanted.iter().map(|m| m.size).sum();
    if declared > limits.bytes {
        return Err(crate::text!(
            "would extract {declared} bytes; more than {} MiB is not read",
            "würde {declared} Bytes entpacken; mehr als {} MiB werden nicht gelesen",
            limits.bytes >> 20
        ));
    }
    let mut budget = limits.bytes;
    let mut out = Vec::new();
    for m in wanted {
        let target = if is_shp {
            // The chosen .shp's name with the part's extension: the reader
            // finds `Stadtteile.dbf` beside `Stadtteile.shp`, whatever the
            // case of the names in the archive.
            dir.join(chosen.path.with_extension(extension(&m.path)))
        } else {
            dir.join(&m.path)
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                crate::text!("cannot extract: {e}", "kann nicht entpackt werden: {e}")
            })?;
        }
        let name = &m.name;
        let file = archive.by_index(m.index).map_err(|e| {
            crate::text!(
                "member \"{name}\" cannot be read: {e}",
                "Eintrag \"{name}\" im Archiv kann nicht gelesen werden: {e}"
            )
        })?;
        let mut sink = std::fs::File::create(&target).map_err(|e| {
            crate::text!(
                "cannot extract \"{name}\": {e}",
                "\"{name}\" kann nicht entpackt werden: {e}"
            )
        })?;
        // The sizes in the archive's directory may lie: count what comes out.
        let written = std::io::copy(&mut file.take(budget + 1), &mut sink).map_err(|e| {
            crate::text!(
                "member \"{name}\" cannot be extracted: {e}",
                "Eintrag \"{name}\" im Archiv kann nicht entpackt werden: {e}"
            )
        })?;
        if written > budget {
            return Err(crate::text!(
                "member \"{name}\" unpacks to more than its archive declares and than {} MiB; \
                 the archive is refused",
                "Eintrag \"{name}\" im Archiv wird größer, als das Archiv angibt, und größer als \
                 {} MiB; das Archiv wird abgelehnt",
                limits.bytes >> 20
            ));
        }
        budget -= written;
        out.push((target, m.name.clone()));
    }
    Ok(out)
}

/// Reads a zip archive's data file into `batch` as if given directly.
pub fn read(entry: &FileEntry, batch: &mut Batch, issues: &mut Vec<Issue>) {
    let path = &entry.path;
    if let Err(issue) = super::sources::check_size(path) {
        return issues.push(issue);
    }
    let opened = std::fs::File::open(path)
        .map_err(|e| crate::text!("cannot read: {e}", "kann nicht gelesen werden: {e}"))
        .and_then(|f| {
            zip::ZipArchive::new(f).map_err(|e| {
                crate::text!(
                    "is not a readable zip archive: {e}",
                    "ist kein lesbares zip-Archiv: {e}"
                )
            })
        });
    let mut archive = match opened {
        Ok(a) => a,
        Err(m) => return issues.push(Issue::file(path, m)),
    };
    let dir = match tempfile::Builder::new().prefix("stadtatlas-zip").tempdir() {
        Ok(d) => d,
        Err(e) => {
            return issues.push(Issue::file(
                path,
                crate::text!(
                    "cannot make a temporary folder to extract it: {e}",
                    "es kann kein temporärer Ordner zum Entpacken angelegt werden: {e}"
                ),
            ));
        }
    };
    let extracted = members(&mut archive, LIMITS).and_then(|ms| {
        let chosen = choose(&ms, entry.sheet.as_deref())?;
        let sheet_chose_it = entry.sheet.as_deref().is_some_and(|w| {
            let w = w.trim();
            chosen.name.eq_ignore_ascii_case(w)
                || [chosen.path.file_name(), chosen.path.file_stem()]
                    .iter()
                    .flatten()
                    .any(|n| n.to_string_lossy().eq_ignore_ascii_case(w))
        });
        extract(&mut archive, &ms, chosen, dir.path(), LIMITS).map(|files| (files, sheet_chose_it))
    });
    let (files, sheet_chose_it) = match extracted {
        Ok(x) => x,
        Err(m) => return issues.push(Issue::file(path, m)),
    };
    let Some((main, _)) = files.first() else {
        return;
    };
    let inner = FileEntry {
        path: main.clone(),
        // A `--layer` that chose the member is not also a layer inside it.
        sheet: if sheet_chose_it {
            None
        } else {
            entry.sheet.clone()
        },
        ..entry.clone()
    };
    let before = Counts::of(batch, issues);
    super::read_file(&inner, batch, issues);
    let shown: HashMap<PathBuf, PathBuf> = files
        .iter()
        .map(|(extracted, name)| (extracted.clone(), path.join(name)))
        .collect();
    let relocate = |p: &mut PathBuf| {
        if let Some(shown) = shown.get(p.as_path()) {
            p.clone_from(shown);
        } else if let Ok(rest) = p.strip_prefix(dir.path()) {
            *p = path.join(rest);
        }
    };
    before.relocate(batch, issues, relocate, |note| {
        let mut note = note.to_string();
        for (extracted, shown) in &shown {
            note = note.replace(
                &extracted.display().to_string(),
                &shown.display().to_string(),
            );
        }
        note.replace(
            &dir.path().display().to_string(),
            &path.display().to_string(),
        )
    });
}

/// How much of a batch and of the issues existed before an inner file was
/// read: what came after names the extracted file, to be renamed.
struct Counts {
    files: usize,
    notes: usize,
    entities: usize,
    districts: usize,
    relations: usize,
    contacts: usize,
    addresses: usize,
    issues: usize,
    projected: usize,
    replacing: usize,
    level_requests: usize,
}

impl Counts {
    fn of(batch: &Batch, issues: &[Issue]) -> Self {
        Self {
            files: batch.files.len(),
            notes: batch.notes.len(),
            entities: batch.entities.len(),
            districts: batch.districts.len(),
            relations: batch.relations.len(),
            contacts: batch.contacts.len(),
            addresses: batch.addresses.len(),
            issues: issues.len(),
            projected: batch.projected.len(),
            replacing: batch.replacing.len(),
            level_requests: batch.level_requests.len(),
        }
    }

    fn relocate(
        &self,
        batch: &mut Batch,
        issues: &mut [Issue],
        path: impl Fn(&mut PathBuf),
        note: impl Fn(&str) -> String,
    ) {
        batch.files[self.files..].iter_mut().for_each(&path);
        // The same paths in both wordings.
        let text = |t: &Text| Text::new(note(t.en()), note(t.in_lang(Lang::De)));
        for n in &mut batch.notes[self.notes..] {
            *n = text(n);
        }
        for (_, origin) in &mut batch.entities[self.entities..] {
            path(&mut origin.file);
        }
        for (_, origin) in &mut batch.districts[self.districts..] {
            path(&mut origin.file);
        }
        for r in &mut batch.relations[self.relations..] {
            path(&mut r.origin.file);
        }
        for c in &mut batch.contacts[self.contacts..] {
            path(&mut c.origin.file);
        }
        for a in &mut batch.addresses[self.addresses..] {
            path(&mut a.file);
        }
        for (file, _) in &mut batch.projected[self.projected..] {
            path(file);
        }
        batch.replacing[self.replacing..].iter_mut().for_each(&path);
        for r in &mut batch.level_requests[self.level_requests..] {
            path(&mut r.file);
        }
        for issue in &mut issues[self.issues..] {
            path(&mut issue.file);
            issue.message = text(&issue.message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(index: usize, name: &str) -> Member {
        Member {
            index,
            name: name.into(),
            path: PathBuf::from(name),
            size: 1,
        }
    }

    #[test]
    fn one_data_file_is_chosen_and_several_need_a_name() {
        let ms = [
            member(0, "Stadtteile/Stadtteile.shp"),
            member(1, "Stadtteile/Stadtteile.dbf"),
            member(2, "Lizenz.txt"),
        ];
        assert_eq!(choose(&ms, None).unwrap().index, 0);
        let ms = [
            member(0, "a/Stadtteile.shp"),
            member(1, "Akteure.csv"),
            member(2, "a/Stadtteile.dbf"),
        ];
        let e = choose(&ms, None).unwrap_err();
        assert!(
            e.en().contains(
                "holds 2 data files: a/Stadtteile.shp, Akteure.csv; choose one with --layer"
            ),
            "{e}"
        );
        assert!(
            e.in_lang(Lang::De).contains(
                "enthält 2 Datendateien: a/Stadtteile.shp, Akteure.csv; wählen Sie eine mit --layer"
            ),
            "{}",
            e.in_lang(Lang::De)
        );
        assert_eq!(choose(&ms, Some("akteure")).unwrap().index, 1);
        assert_eq!(choose(&ms, Some("a/Stadtteile.shp")).unwrap().index, 0);
        assert!(choose(&ms, Some("Bezirke")).is_err());
        assert!(
            choose(&[member(0, "Lizenz.txt")], None)
                .unwrap_err()
                .en()
                .contains("its members: Lizenz.txt")
        );
    }

    /// An archive of `(name, bytes)` members in a temporary folder.
    fn archive(members: &[(&str, &[u8])]) -> (tempfile::TempDir, zip::ZipArchive<std::fs::File>) {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.zip");
        let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        for (name, bytes) in members {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
        let a = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        (dir, a)
    }

    #[test]
    fn too_many_members_or_bytes_are_refused() {
        let small = Limits {
            members: 2,
            bytes: 100,
        };
        let (_dir, mut a) = archive(&[("a.csv", b"x"), ("b.txt", b"y"), ("c.txt", b"z")]);
        let e = members(&mut a, small).unwrap_err();
        assert_eq!(
            e.en(),
            "has 3 members; archives of more than 2 are not read"
        );
        assert_eq!(
            e.in_lang(Lang::De),
            "enthält 3 Einträge; Archive mit mehr als 2 Einträgen werden nicht gelesen"
        );
        // 101 bytes of a zeros compress to almost nothing: the size out counts.
        let zeros = [0u8; 101];
        let (dir, mut a) = archive(&[("a.csv", &zeros)]);
        let ms = members(&mut a, small).unwrap();
        let e = extract(&mut a, &ms, &ms[0], dir.path(), small).unwrap_err();
        assert!(e.en().starts_with("would extract 101 bytes"), "{e}");
        let fits = Limits {
            members: 2,
            bytes: 101,
        };
        let files = extract(&mut a, &ms, &ms[0], dir.path(), fits).unwrap();
        assert_eq!(std::fs::read(&files[0].0).unwrap(), zeros);
    }

    #[test]
    fn packing_noise_is_skipped() {
        assert!(is_noise(Path::new("__MACOSX/a/._Stadtteile.shp")));
        assert!(is_noise(Path::new("a/.DS_Store")));
        assert!(!is_noise(Path::new("a/Stadtteile.shp")));
    }
}
