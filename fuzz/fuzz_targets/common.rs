// Shared by the fuzz targets: the importers read files, so each input is
// written to a per-process scratch folder and imported the way a user would.
use stadtatlas::import::{FileRole, ImportOptions, prepare, read_paths};
use stadtatlas::store::Snapshot;
use std::path::PathBuf;

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stadtatlas-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
}

/// Reads the file as `role` and, when it reads, plans the import against an
/// empty store: any panic on the way is a finding.
pub fn import(path: &PathBuf, role: FileRole) {
    let options = ImportOptions { role: Some(role), ..ImportOptions::default() };
    if let Ok(batch) = read_paths(std::slice::from_ref(path), &options) {
        let _ = prepare(batch, &Snapshot::default(), &[]);
    }
}
