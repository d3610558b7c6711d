//! Real-world input: German Excel CSV in Windows-1252, XLSX and ODS sheets,
//! and a bad row deep in a large file.

mod common;

use common::cli::bin;

use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs an import that must be refused (exit 2); returns what it printed.
fn refused(store: &Path, file: &Path, args: &[&str]) -> String {
    let out = bin(store)
        .arg("import")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn entity(store: &Path, id: &str) -> Value {
    let out = bin(store)
        .args(["-q", "show", id, "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout).unwrap()["entity"].clone()
}

#[test]
fn german_excel_csv_in_windows_1252_is_detected_and_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let out = bin(&store)
        .arg("import")
        .arg(fixture("german_excel.csv"))
        .args(["--as", "partners"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("read as Windows-1252"));
    let e = entity(&store, "buergerverein-noerdliche-innenstadt-fixture");
    assert_eq!(e["name"], "Bürgerverein Nördliche Innenstadt (Fixture)");
    assert_eq!(e["address"], "Große Ulrichstraße 1");
    assert_eq!(e["location"], serde_json::json!([11.9614, 51.4892]));
    let e = entity(&store, "cafe-kulturraum-fixture");
    assert_eq!(e["fields"], serde_json::json!(["kultur", "wirtschaft"]));
    // Declared UTF-8, the same file is refused, naming file and line.
    let other = dir.path().join("t.gpkg");
    let err = refused(
        &other,
        &fixture("german_excel.csv"),
        &["--as", "partners", "--encoding", "utf-8"],
    );
    assert!(err.contains("german_excel.csv:1: not UTF-8"), "{err}");
    assert!(!other.exists());
}

#[test]
fn xlsx_takes_a_sheet_by_name_and_ods_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    // The first sheet holds notes only: a clear error, nothing written.
    let err = refused(&store, &fixture("partners.xlsx"), &["--as", "partners"]);
    assert!(
        err.contains("no name column") && err.contains("Hinweise"),
        "{err}"
    );
    bin(&store)
        .arg("import")
        .arg(fixture("partners.xlsx"))
        .args(["--as", "partners", "--sheet", "Akteure"])
        .assert()
        .success();
    let e = entity(&store, "testverein-gruenes-glaucha-fixture");
    assert_eq!(e["location"], serde_json::json!([11.9702, 51.4731]));
    assert_eq!(e["verified_on"], "2026-03-01");
    assert_eq!(e["start"], "2019");
    assert_eq!(e["fields"], serde_json::json!(["soziales", "umwelt"]));
    // The ODS holds the same rows on its first sheet: re-importing changes nothing.
    let out = bin(&store)
        .arg("import")
        .arg(fixture("partners.ods"))
        .args(["--as", "partners"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("entities +0 ~0 =2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let missing = bin(&store)
        .arg("import")
        .arg(fixture("partners.xlsx"))
        .args(["--as", "partners", "--sheet", "Gibtsnicht"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("has no sheet \"Gibtsnicht\"; its sheets are: Hinweise, Akteure")
    );
}

#[test]
fn a_bad_row_at_line_5000_refuses_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    bin(&store).arg("init").assert().success();
    let before = common::cli::state(&store);
    let mut csv = String::from("id;name;lat;lon\n");
    for i in 2..=5001 {
        let lat = if i == 5000 {
            "51,4O".to_string()
        } else {
            format!("51,{:04}", i)
        };
        csv.push_str(&format!("p{i};Partner {i};{lat};11,97\n"));
    }
    let file = dir.path().join("big.csv");
    std::fs::write(&file, csv).unwrap();
    let err = refused(&store, &file, &["--as", "partners"]);
    assert!(
        err.contains(&format!(
            "{}:5000: column 'lat': \"51,4O\" is not a number",
            file.display()
        )),
        "{err}"
    );
    assert!(err.contains("(1 problem)"), "{err}");
    assert_eq!(before, common::cli::state(&store));
}

#[test]
fn projected_coordinates_are_transformed_and_unprojected_ones_refused_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    // A district in UTM 32N (GeoJSON `crs` member), positions with z and m.
    bin(&store)
        .arg("import")
        .arg(fixture("utm32_districts.geojson"))
        .args(["--as", "districts"])
        .assert()
        .success();
    // A German CSV with Rechtswert/Hochwert in EPSG:25832; the reference
    // point (tests/fixtures/crs_reference.csv, pyproj) lies inside the district.
    let csv = dir.path().join("utm.csv");
    std::fs::write(
        &csv,
        "Bezeichnung;Rechtswert;Hochwert\nPunkt im Testgebiet;710180,482;5708210,708\n",
    )
    .unwrap();
    let out = bin(&store)
        .arg("import")
        .arg(&csv)
        .args(["--as", "partners"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("give the CRS, e.g. --crs EPSG:25832"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin(&store)
        .arg("import")
        .arg(&csv)
        .args(["--as", "partners", "--crs", "EPSG:25832"])
        .assert()
        .success();
    let e = entity(&store, "punkt-im-testgebiet");
    let (lon, lat) = (
        e["location"][0].as_f64().unwrap(),
        e["location"][1].as_f64().unwrap(),
    );
    assert!(
        (lon - 12.0273646).abs() < 2e-7 && (lat - 51.4859279).abs() < 2e-7,
        "{lon} {lat}"
    );
    let out = bin(&store)
        .args(["-q", "where", "punkt-im-testgebiet", "--format", "json"])
        .output()
        .unwrap();
    let w: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(w[0]["id"], "u1");
    // A GeoJSON whose crs member contradicts --crs is refused.
    let out = bin(&store)
        .arg("import")
        .arg(fixture("utm32_districts.geojson"))
        .args(["--as", "districts", "--crs", "EPSG:25833"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("but --crs EPSG:25833 was given"));
}

/// A level given for the file wins over the file's own level column (the
/// fixture's LEVEL says "teil"), and the disagreement is said; without
/// --level the column's level is used.
#[test]
fn a_given_level_wins_over_the_files_level_column_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let level_of_t1 = |store: &std::path::Path| {
        let out = bin(store)
            .args(["-q", "districts", "--format", "json"])
            .output()
            .unwrap();
        let d: Value = serde_json::from_slice(&out.stdout).unwrap();
        d.as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == "t1")
            .map(|t1| t1["level"].as_str().unwrap().to_string())
            .unwrap()
    };
    let given = dir.path().join("given.gpkg");
    let out = bin(&given)
        .arg("import")
        .arg(fixture("cp1252_districts.shp"))
        .args(["--as", "districts", "--level", "stadtteil"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("own level column says 'teil'") && said.contains("'stadtteil', is used"),
        "{said}"
    );
    assert_eq!(level_of_t1(&given), "stadtteil");
    let own = dir.path().join("own.gpkg");
    let out = bin(&own)
        .arg("import")
        .arg(fixture("cp1252_districts.shp"))
        .args(["--as", "districts"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("level column"));
    assert_eq!(level_of_t1(&own), "teil");
}

#[test]
fn shapefiles_with_prj_cpg_and_language_driver() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    // UTM 32N from the .prj, Windows-1252 from the .cpg.
    bin(&store)
        .arg("import")
        .arg(fixture("cp1252_districts.shp"))
        .args(["--as", "districts"])
        .assert()
        .success();
    let out = bin(&store)
        .args(["-q", "districts", "--format", "json"])
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t1 = d
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "t1")
        .unwrap();
    assert_eq!(t1["name"], "Nördlicher Testhain");
    assert_eq!(t1["population"], 1234);
    // 3 km × 3 km in UTM, a little more on the ground (scale 1.00013 here).
    let area = t1["area_km2"].as_f64().unwrap();
    assert!((area - 9.0).abs() < 0.01, "{area}");
    let t2 = d
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "t2")
        .unwrap();
    assert_eq!(t2["name"], "Südliche Testaue");
    assert!(t2["population"].is_null());
    // WGS84 points, encoding from the language driver byte (0x57 = ANSI 1252).
    bin(&store)
        .arg("import")
        .arg(fixture("ldid_partners.shp"))
        .args(["--as", "partners"])
        .assert()
        .success();
    let e = entity(&store, "buergerhaus-strassenbahndepot-fixture");
    assert_eq!(e["name"], "Bürgerhaus Straßenbahndepot (Fixture)");
    // KATEGORIE is the German column name of the category; other columns
    // would be kept verbatim in `extra`.
    assert_eq!(e["category"], "association_or_initiative");
    // A .prj with a non-standard false easting (zone number prefixed): the
    // same ground point as in crs_reference.csv (pyproj).
    bin(&store)
        .arg("import")
        .arg(fixture("zone_prefixed.shp"))
        .args(["--as", "partners"])
        .assert()
        .success();
    let e = entity(&store, "punkt-mit-zonenkennung-fixture");
    let (lon, lat) = (
        e["location"][0].as_f64().unwrap(),
        e["location"][1].as_f64().unwrap(),
    );
    assert!(
        (lon - 12.0273646).abs() < 2e-7 && (lat - 51.4859279).abs() < 2e-7,
        "{lon} {lat}"
    );
    let out = bin(&store)
        .args([
            "-q",
            "where",
            "punkt-mit-zonenkennung-fixture",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let w: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(w[0]["id"], "t1");
}

#[test]
fn invalid_polygons_are_located_and_repaired_only_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let err = refused(
        &store,
        &fixture("invalid_polygons.geojson"),
        &["--as", "districts"],
    );
    assert!(err.contains("feature 2: district 'bowtie': geometry invalid polygon: polygon at index 0 is invalid: exterior ring has a self-intersection at 12.020000,51.420000; import with --repair"), "{err}");
    assert!(err.contains("feature 3: district 'open': ring 1 is not closed: it starts at 11.9,51.5 and ends at 11.9,51.55"), "{err}");
    assert!(!store.exists(), "nothing written");
    let out = bin(&store)
        .arg("import")
        .arg(fixture("invalid_polygons.geojson"))
        .args(["--as", "districts", "--repair"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("repaired invalid polygon") && err.contains("closed an open ring"),
        "{err}"
    );
    let out = bin(&store)
        .args(["-q", "districts", "--format", "json"])
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d.as_array().unwrap().len(), 3);
    // The bowtie became its two triangles: half the bounding box.
    let bowtie = d
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "bowtie")
        .unwrap();
    let open = d
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "open")
        .unwrap();
    let ratio = bowtie["area_km2"].as_f64().unwrap() / open["area_km2"].as_f64().unwrap();
    assert!(
        (ratio
            - 0.5 * (0.04 * 0.04) / (0.05 * 0.05)
                * (51.42f64.to_radians().cos() / 51.525f64.to_radians().cos()))
        .abs()
            < 0.01,
        "{ratio}"
    );
}

#[test]
fn geopackages_from_gdal_and_from_our_export_are_read() {
    let dir = tempfile::tempdir().unwrap();
    // Our own export: districts and entities back into a fresh store.
    let halle = dir.path().join("halle.gpkg");
    bin(&halle)
        .arg("import")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/halle"))
        .assert()
        .success();
    let export = dir.path().join("export.gpkg");
    bin(&halle)
        .args(["export", "gpkg", "--out"])
        .arg(&export)
        .assert()
        .success();
    let fresh = dir.path().join("fresh.gpkg");
    bin(&fresh)
        .arg("import")
        .arg(&export)
        .args(["--as", "districts", "--layer", "districts"])
        .assert()
        .success();
    let out = bin(&fresh)
        .arg("import")
        .arg(&export)
        .args(["--as", "partners", "--layer", "entities"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = |s: &Path| {
        let out = bin(s)
            .args(["-q", "list", "--format", "json"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].clone(),
                    r["kind"].clone(),
                    r["lon"].clone(),
                    r["lat"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(list(&fresh), list(&halle));
    // A GeoPackage written by GDAL in EPSG:25832.
    if !Path::new("/usr/bin/ogr2ogr").exists() {
        eprintln!("SKIPPED: GDAL is not installed; .ci/run installs it");
        return;
    }
    let gdal = dir.path().join("gdal.gpkg");
    let ok = std::process::Command::new("/usr/bin/ogr2ogr")
        .args(["-f", "GPKG"])
        .arg(&gdal)
        .arg(fixture("utm32_districts.geojson"))
        .status()
        .unwrap();
    assert!(ok.success());
    let store = dir.path().join("s.gpkg");
    bin(&store)
        .arg("import")
        .arg(&gdal)
        .args(["--as", "districts"])
        .assert()
        .success();
    let out = bin(&store)
        .args(["-q", "districts", "--format", "json"])
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d[0]["name"], "UTM-Testgebiet (Fixture)");
    let area = d[0]["area_km2"].as_f64().unwrap();
    assert!((area - 9.0).abs() < 0.01, "{area}");
}

#[test]
fn swapped_coordinates_are_refused_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    bin(&store)
        .arg("import")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/halle"))
        .assert()
        .success();
    let before = common::cli::state(&store);
    let csv = dir.path().join("p.csv");
    // lat and lon exchanged: (51.48, 11.97) is a valid position in Ethiopia.
    std::fs::write(&csv, "name,lat,lon\nVertauschter Verein,11.9697,51.4828\n").unwrap();
    let err = refused(&store, &csv, &["--as", "partners"]);
    assert!(err.contains("p.csv:2: column 'lat': 51.4828,11.9697 (lon,lat) lies outside every district, but 11.9697,51.4828 would lie in Mitte: are lat and lon swapped?"), "{err}");
    assert_eq!(before, common::cli::state(&store));
}

#[test]
fn a_position_with_one_coordinate_is_refused_not_a_crash() {
    // Regression: found by the geojson fuzz target (the geojson crate panics
    // converting such a position).
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let file = dir.path().join("short.geojson");
    std::fs::write(
        &file,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Kurz","level":"teil"},
        "geometry":{"type":"Polygon","coordinates":[[[12.0],[12.1,51.4],[12.1,51.5],[12.0]]]}}]}"#,
    )
    .unwrap();
    let err = refused(&store, &file, &["--as", "districts"]);
    assert!(
        err.contains("feature 1") && err.contains("fewer than two coordinates"),
        "{err}"
    );
}

#[test]
fn a_shapefile_whose_records_run_out_is_refused_not_read_forever() {
    // Regression: found by the shapefile fuzz target, whose input format is
    // [.shp length: u16 LE][.shp][.dbf][0xFF 0xFF .prj]. The reader failed on
    // the same record forever and the issue list grew without bound.
    let seed = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/seeds/shapefile/regression-endless-records.bin"),
    )
    .unwrap();
    let n = (u16::from_le_bytes([seed[0], seed[1]]) as usize).min(seed.len() - 2);
    let (shp, rest) = seed[2..].split_at(n);
    let (dbf, prj) = match rest.windows(2).position(|w| w == [0xFF, 0xFF]) {
        Some(k) => (&rest[..k], Some(&rest[k + 2..])),
        None => (rest, None),
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.shp");
    std::fs::write(&file, shp).unwrap();
    std::fs::write(file.with_extension("dbf"), dbf).unwrap();
    if let Some(prj) = prj {
        std::fs::write(file.with_extension("prj"), prj).unwrap();
    }
    let err = refused(&dir.path().join("s.gpkg"), &file, &["--as", "partners"]);
    assert!(err.contains("cannot be read"), "{err}");
    assert!(
        err.lines().count() < 10,
        "one problem per broken record, not one per retry: {err}"
    );
}

/// A NUL character (binary junk, a UTF-16 file read as 8-bit) is refused
/// with its place, whatever the reader: PostgreSQL refuses it in any text
/// column and a GeoPackage would cut the name there in GIS tools.
#[test]
fn a_nul_character_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let csv = dir.path().join("nul.csv");
    std::fs::write(
        &csv,
        "id,name,address,lat,lon\na,Kita Sonnenschein,Markt 1,51.48,11.97\n\
         b,Kita Regenbogen,Markt\u{0}2,51.48,11.97\n",
    )
    .unwrap();
    let err = refused(&store, &csv, &["--as", "partners"]);
    assert!(
        err.contains(&format!(
            "{}:3: column 'address': holds a NUL character (U+0000)",
            csv.display()
        )),
        "{err}"
    );
    let geojson = dir.path().join("nul.geojson");
    std::fs::write(
        &geojson,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"a","name":"Kita \u0000Sonne"},
         "geometry":{"type":"Point","coordinates":[11.97,51.48]}}]}"#,
    )
    .unwrap();
    let err = refused(&store, &geojson, &["--as", "partners"]);
    assert!(err.contains("column 'name': holds a NUL"), "{err}");
    assert!(!store.exists(), "no store was made");
}
