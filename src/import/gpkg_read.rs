//! GeoPackage feature tables (from GDAL, QGIS, or a stadtatlas export) as features.

use super::Issue;
use super::features::SourceFeature;
use super::manifest::FileEntry;
use super::placement::Placement;
use crate::crs::Crs;
use crate::model::{Lang, Text};
use crate::store::sqlite::{BlobError, decode_geometry};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Value};
use std::path::Path;

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// An error of an external library, in its own (English) words.
fn external(e: impl std::fmt::Display) -> Text {
    crate::text!("{e}", "{e}")
}

/// Why a geometry blob cannot be read (the store's [`BlobError`], worded
/// here in both languages).
fn blob_text(e: &BlobError) -> Text {
    match e {
        BlobError::Header => crate::text!(
            "{e}",
            "Geometrie-Blob ist zu kurz oder hat nicht die 'GP'-Kennung"
        ),
        BlobError::Envelope(b) => crate::text!(
            "{e}",
            "Geometrie-Blob hat eine unbekannte Envelope-Angabe {b}"
        ),
        BlobError::Wkb(_) => crate::text!("{e}", "Geometrie-WKB kann nicht gelesen werden"),
    }
}

fn crs_of(conn: &Connection, srs_id: i64) -> Result<Crs, Text> {
    let (org, code, definition): (String, i64, String) = conn
        .query_row(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(|e| {
            crate::text!(
                "srs_id {srs_id} is not in gpkg_spatial_ref_sys: {e}",
                "srs_id {srs_id} steht nicht in gpkg_spatial_ref_sys: {e}"
            )
        })?;
    if org.eq_ignore_ascii_case("EPSG")
        && let Ok(crs) = Crs::epsg(code as u32)
    {
        return Ok(crs);
    }
    Crs::from_wkt(&definition).map_err(|e| {
        let e = e.text();
        Text::new(
            format!(
                "{org}:{code} cannot be used: {}; give the CRS with --crs",
                e.en()
            ),
            format!(
                "{org}:{code} kann nicht verwendet werden: {}; geben Sie das Koordinatenreferenzsystem mit --crs an",
                e.in_lang(Lang::De)
            ),
        )
    })
}

/// `path` as an SQLite URI: `file:` and the absolute path, every byte but
/// the unreserved ones and `/` percent-encoded (a `?` or `#` in a folder
/// name would otherwise start the query).
fn file_uri(path: &Path) -> std::io::Result<String> {
    let absolute = std::path::absolute(path)?;
    let mut uri = String::from("file:");
    for &b in absolute.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(uri)
}

/// Opens the user's GeoPackage without writing beside it. SQLite creates
/// `-wal`/`-shm` files even for a read-only connection to a WAL database;
/// `immutable=1` tells it nothing else changes the file, so it opens no
/// journal at all. A `-wal` present means another program has it open
/// (its committed changes may sit there): then read-only as usual, so that
/// they are seen.
fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if Path::new(&wal).exists() {
        return Connection::open_with_flags(path, flags);
    }
    match file_uri(path) {
        Ok(uri) => Connection::open_with_flags(
            format!("{uri}?immutable=1"),
            flags | OpenFlags::SQLITE_OPEN_URI,
        ),
        Err(_) => Connection::open_with_flags(path, flags),
    }
}

/// Reads one feature table (`--layer NAME`, else the first) into features.
pub fn read(
    entry: &FileEntry,
    issues: &mut Vec<Issue>,
    notes: &mut Vec<Text>,
) -> Option<Vec<SourceFeature>> {
    let path = &entry.path;
    let result = (|| -> Result<(Vec<SourceFeature>, bool), Text> {
        let conn = open_read_only(path)
            .map_err(|e| crate::text!("cannot open: {e}", "kann nicht geöffnet werden: {e}"))?;
        let mut stmt = conn
            .prepare(
                "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c \
                 JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
                 WHERE c.data_type = 'features' ORDER BY c.table_name",
            )
            .map_err(|e| {
                crate::text!(
                    "is not a GeoPackage (no feature tables): {e}",
                    "ist kein GeoPackage (keine Objekttabellen): {e}"
                )
            })?;
        let layers: Vec<(String, String, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(Iterator::collect)
            .map_err(external)?;
        let names: Vec<&str> = layers.iter().map(|l| l.0.as_str()).collect();
        let (table, geom_col, srs_id) = match &entry.sheet {
            Some(wanted) => layers
                .iter()
                .find(|l| l.0.eq_ignore_ascii_case(wanted))
                .cloned()
                .ok_or_else(|| {
                    crate::text!(
                        "has no feature layer \"{wanted}\"; its layers are: {}",
                        "hat keinen Objekt-Layer \"{wanted}\"; vorhandene Layer: {}",
                        names.join(", ")
                    )
                })?,
            None => {
                let first = layers.first().cloned().ok_or_else(|| {
                    crate::text!("has no feature layers", "hat keine Objekt-Layer")
                })?;
                if layers.len() > 1 {
                    notes.push(crate::text!(
                        "{}: read layer \"{}\" of {} (choose one with --layer: {})",
                        "{}: Layer \"{}\" von {} gelesen (wählen Sie einen mit --layer: {})",
                        path.display(),
                        first.0,
                        layers.len(),
                        names.join(", ")
                    ));
                }
                first
            }
        };
        let crs = match &entry.crs {
            Some(name) => Crs::parse(name).map_err(|e| e.text())?,
            None => crs_of(&conn, srs_id)?,
        };
        let ours: bool = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'stadtatlas_meta'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .unwrap_or(false);
        let query = format!("SELECT * FROM {}", quoted(&table));
        let mut stmt = conn.prepare(&query).map_err(external)?;
        let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let mut rows = stmt.query([]).map_err(external)?;
        let mut placement = Placement::new(&crs);
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(external)? {
            let mut props = Map::new();
            let mut geometry = None;
            for (k, name) in columns.iter().enumerate() {
                let v = row.get_ref(k).map_err(external)?;
                if *name == geom_col {
                    if let ValueRef::Blob(blob) = v {
                        geometry = Some(
                            decode_geometry(blob)
                                .map_err(|e| blob_text(&e))
                                .and_then(|g| placement.transform(g)),
                        );
                    }
                    continue;
                }
                if name == "fid" || (ours && name == "record") {
                    continue;
                }
                let value = match v {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(i) => Value::from(i),
                    ValueRef::Real(f) => {
                        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
                    }
                    ValueRef::Text(t) => {
                        Value::String(String::from_utf8_lossy(t).trim().to_string())
                    }
                    ValueRef::Blob(_) => continue,
                };
                props.insert(name.clone(), value);
            }
            out.push(SourceFeature {
                props,
                id: None,
                geometry,
                line: None,
            });
        }
        Ok((out, placement.check(path, issues)))
    })();
    match result {
        Ok((features, true)) => Some(features),
        Ok((_, false)) => None,
        Err(message) => {
            issues.push(Issue::file(path, message));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_what_sqlite_would_read_as_query() {
        let uri = file_uri(Path::new("/tmp/a b?c#d%e/Stadtteile.gpkg")).unwrap();
        assert_eq!(uri, "file:/tmp/a%20b%3Fc%23d%25e/Stadtteile.gpkg");
    }
}
