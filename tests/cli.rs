//! The real binary, run in a temporary folder, on data/halle and on bad input.

mod common;

use common::cli::{bin_on_file, quiet as bin, state};

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn halle() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/halle")
}

fn json(store: &Path, args: &[&str]) -> Value {
    let out = bin(store)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The `id` of every object in a JSON array.
fn ids_of(rows: &Value) -> Vec<&str> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

fn halle_store(dir: &Path) -> PathBuf {
    let store = dir.join("atlas.gpkg");
    bin(&store).arg("import").arg(halle()).assert().success();
    store
}

#[test]
fn halle_imports_and_reimport_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let list = json(&store, &["list"]);
    assert_eq!(
        list.as_array().unwrap().len(),
        98,
        "71 partners + 25 projects and initiatives + 2 bodies"
    );
    let before = state(&store);
    let out = Command::cargo_bin("stadtatlas")
        .unwrap()
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .arg("--store")
        .arg(common::cli::store_arg(&store))
        .arg("import")
        .arg(halle())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("entities +0 ~0 =98"));
    assert_eq!(
        before,
        state(&store),
        "re-import must leave the file as it was"
    );
}

#[test]
fn halle_answers_checked_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    // The Marktplatz lies in Altstadt (Stadtteil Halle, Stadtbezirk Mitte).
    let w = json(&store, &["where", "11.969722,51.482806"]);
    let ids = ids_of(&w);
    assert_eq!(ids, ["1", "halle", "101"]);
    assert!(w[0]["provisional"].as_bool().unwrap());
    // Magdeburg is a partner city outside Halle.
    let w = json(&store, &["where", "landeshauptstadt-magdeburg"]);
    assert!(w.as_array().unwrap().iter().all(|r| r["id"] == "outside"));
    // Halle-Neustadt is an alias; the Smart HaNeu projects name it.
    let inside = json(&store, &["in", "Halle-Neustadt", "--kind", "project"]);
    let ids = ids_of(&inside);
    for id in [
        "dr-data-smart-haneu",
        "smart-haneu-bildungszentrum-passage-13",
        "quartiersplattform-halle-neustadt-smart-haneu",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    // Umlauts and case do not matter; ambiguous names are refused with candidates.
    let a = json(&store, &["in", "Nördliche Innenstadt"]);
    let b = json(&store, &["in", "noerdliche innenstadt"]);
    assert_eq!(a, b);
    assert!(!a.as_array().unwrap().is_empty());
    // The Stadtteil Trotha contains its Viertel Trotha: the coarser one is meant.
    bin(&store)
        .args(["in", "Trotha"])
        .assert()
        .code(predicates::ord::lt(2));
    // The LoRaWAN project names the Viertel Dieselstraße, which lies in Ost.
    let ost = json(&store, &["in", "Halle-Ost"]);
    assert!(
        ost.as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"].as_str().unwrap().starts_with("lorawan-netz-halle"))
    );
    // Nearest to the Marktplatz: the two city hall records at ~1.7 m, ascending.
    let near = json(
        &store,
        &["near", "--at", "11.9697,51.4828", "--nearest", "3"],
    );
    let d: Vec<f64> = near
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["distance_m"].as_f64().unwrap())
        .collect();
    assert_eq!(d.len(), 3);
    assert!(d.windows(2).all(|w| w[0] <= w[1]));
    assert!((d[0] - 1.67).abs() < 0.05, "{d:?}");
    // Matrix rows include city-wide and outside, and totals count each entity once.
    let m = json(&store, &["matrix", "--level", "stadtbezirk"]);
    let rows = m["rows"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["district_id"] == "city-wide"));
    assert_eq!(
        rows.iter().find(|r| r["district_id"] == "outside").unwrap()["total"],
        1
    );
    assert_eq!(m["total"], 98);
}

#[test]
fn bad_rows_refuse_the_whole_import_and_leave_the_store_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let bad = dir.path().join("partners.csv");
    std::fs::write(
        &bad,
        "name,category,fields,lat,lon\nGood One,company,wirtschaft,51.48,11.97\nBad Lat,company,wirtschaft,5l.48,11.97\nBad Range,company,wirtschaft,95,11.97\n,company,,,\nBad Lon,company,wirtschaft,51.48,197.5\n",
    )
    .unwrap();
    let before = state(&store);
    let out = bin(&store).arg("import").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let file = bad.display().to_string();
    assert!(
        err.contains(&format!(
            "{file}:3: column 'lat': \"5l.48\" is not a number"
        )),
        "{err}"
    );
    assert!(err.contains(&format!("{file}:4: column 'lat'")), "{err}");
    assert!(err.contains("swapped"), "{err}");
    assert!(
        err.contains(&format!("{file}:5: column 'name': is empty")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{file}:6: column 'lon': \"197.5\": longitude 197.5 is outside -180..180"
        )),
        "{err}"
    );
    assert!(err.contains("4 problems"), "{err}");
    assert_eq!(before, state(&store));
    // A reference to an unknown partner is refused the same way.
    let rel = dir.path().join("relations.csv");
    std::fs::write(
        &rel,
        "from,to,role\nnobody,martin-luther-universitaet-halle-wittenberg,member\n",
    )
    .unwrap();
    let out = bin(&store).arg("import").arg(&rel).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no entity has the id or name \"nobody\"")
    );
    assert_eq!(before, state(&store));
    // Writes `text` to the file `name` and imports it as partners: refused
    // (exit code 2), the store as it was. Its stderr and the file's path.
    let refused = |name: &str, text: &str| -> (String, String) {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = bin(&store)
            .args(["import", "--as", "partners"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(before, state(&store));
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        (err, path.display().to_string())
    };
    // So is an id given twice in one import (an id the store has is an update).
    let (err, file) = refused(
        "twice.csv",
        "id,name,category,lat,lon\nx,Verein X,company,51.48,11.97\nstadt-halle-saale-stadtverwaltung-ratshof,Ratshof,public_authority,51.48,11.97\nx,Verein X e.V.,company,51.49,11.97\n",
    );
    assert!(
        err.contains(&format!(
            "{file}:4: entity id 'x' is already used at {file}:2"
        )),
        "{err}"
    );
    assert!(err.contains("1 problem"), "{err}");
    // Lines are those an editor shows, also in Excel's CRLF files, with a
    // blank line, with quotes (read in order) or without (read in pieces),
    // and for a row of the wrong width.
    for (text, line, problem) in [
        (
            "name,category,lat,lon\r\nGood,company,51.48,11.97\r\n\r\nBad,company,5l.48,11.97\r\n",
            4,
            "column 'lat': \"5l.48\" is not a number",
        ),
        (
            "name,category,lat,lon\r\n\"Good, One\",company,51.48,11.97\r\n\r\nBad,company,5l.48,11.97\r\n",
            4,
            "column 'lat': \"5l.48\" is not a number",
        ),
        (
            "name,category,lat,lon\r\nGood,company,51.48,11.97\r\nShort,company,51.48\r\n",
            3,
            "the row has 3 cells, the header 4",
        ),
    ] {
        let (err, file) = refused("excel.csv", text);
        assert!(err.contains(&format!("{file}:{line}: {problem}")), "{err}");
    }
    // A failed import into a store that does not exist yet creates no file.
    let fresh = dir.path().join("fresh.gpkg");
    bin(&fresh).arg("import").arg(&bad).assert().code(2);
    assert!(!fresh.exists());
}

#[test]
fn changed_rows_become_revisions_and_dry_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let csv = dir.path().join("partners.csv");
    std::fs::write(&csv, "id,name,category,fields,lat,lon\nx,Verein X,association_or_initiative,soziales,51.48,11.97\n").unwrap();
    bin(&store).arg("import").arg(&csv).assert().success();
    std::fs::write(&csv, "id;name;category;fields;lat;lon\nx;Verein X e.V.;association_or_initiative;soziales|sport;51,49;11,97\n").unwrap();
    let before = state(&store);
    bin(&store)
        .arg("import")
        .arg(&csv)
        .arg("--dry-run")
        .assert()
        .success();
    assert_eq!(before, state(&store));
    bin(&store).arg("import").arg(&csv).assert().success();
    let history = json(&store, &["history", "x"]);
    let revs = history.as_array().unwrap();
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[0]["record"]["name"], "Verein X");
    assert_eq!(revs[1]["record"]["name"], "Verein X e.V.");
    assert_eq!(revs[1]["record"]["location"][1], 51.49);
}

#[test]
fn geojson_listing_follows_rfc7946() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let fc = json(&store, &["list"]);
    assert!(fc.is_array());
    let out = bin(&store)
        .args(["in", "Mitte", "--format", "geojson"])
        .output()
        .unwrap();
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    assert!(fc.get("crs").is_none());
    assert!(fc["provisional_districts"].is_string());
    for f in fc["features"].as_array().unwrap() {
        assert!(f["properties"].is_object());
        if let Some(c) = f["geometry"]["coordinates"].as_array() {
            for v in c {
                let s = v.as_f64().unwrap().to_string();
                assert!(s.split('.').nth(1).map_or(0, str::len) <= 7, "{s}");
            }
        }
    }
}

#[test]
fn store_is_a_valid_geopackage_for_gdal() {
    if common::pg::backend_is_postgres() {
        // A property of the GeoPackage file; the PostgreSQL pass has none.
        return;
    }
    let validator =
        Path::new("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py");
    if !validator.exists() || !Path::new("/usr/bin/ogrinfo").exists() {
        eprintln!("SKIPPED: GDAL (gdal-bin, python3-gdal) is not installed; .ci/run installs it");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let out = std::process::Command::new("/usr/bin/python3")
        .arg(validator)
        .arg(&store)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new("/usr/bin/ogrinfo")
        .args(["-ro", "-so", "-al"])
        .arg(&store)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&out.stdout);
    assert!(
        info.contains("Layer name: entities") && info.contains("Geometry: Point"),
        "{info}"
    );
    assert!(
        info.contains("Layer name: districts") && info.contains("Feature Count: 51"),
        "{info}"
    );
}

#[test]
fn geojson_entities_take_the_feature_id_and_areas_count_where_they_intersect() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let file = dir.path().join("projects.geojson");
    // A small square around the Neustadt centre (11.918, 51.484), no `id` property.
    std::fs::write(
        &file,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"quartier-1",
        "properties":{"name":"Quartiersprojekt","kind":"project","fields":["soziales"]},
        "geometry":{"type":"Polygon","coordinates":[[[11.915,51.482],[11.921,51.482],[11.921,51.486],[11.915,51.486],[11.915,51.482]]]}}]}"#,
    )
    .unwrap();
    bin(&store).arg("import").arg(&file).assert().success();
    let w = json(&store, &["where", "quartier-1"]);
    let ids = ids_of(&w);
    assert!(ids.contains(&"5") && ids.contains(&"neustadt"), "{ids:?}");
    let inside = json(&store, &["in", "Neustadt", "--kind", "project"]);
    let row = inside
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "quartier-1")
        .unwrap();
    assert_eq!(row["located"], "area");
}

#[test]
fn init_refuses_an_existing_file_and_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let before = state(&store);
    let out = bin(&store).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists; it is left as it is"));
    assert_eq!(before, state(&store));
}

#[test]
fn backup_copies_a_consistent_store_and_never_overwrites() {
    if common::pg::backend_is_postgres() {
        // `backup` is the GeoPackage's; PostgreSQL has pg_dump (tests/postgres.rs
        // checks that `backup` says so).
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let before = state(&store);
    let copy = dir.path().join("copy.gpkg");
    bin(&store)
        .args(["backup", "--out"])
        .arg(&copy)
        .assert()
        .success();
    assert_eq!(before, state(&store), "the source is not written");
    assert_eq!(json(&copy, &["list"]), json(&store, &["list"]));
    assert_eq!(
        json(&copy, &["history", "stadtwerke-halle-gmbh"]),
        json(&store, &["history", "stadtwerke-halle-gmbh"])
    );
    let again = bin(&store)
        .args(["backup", "--out"])
        .arg(&copy)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn likely_duplicates_are_reported_on_import_and_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let csv = dir.path().join("dup.csv");
    // 'Stadtmuseum Halle (Christian-Wolff-Haus)' is in data/halle; this one is
    // spelled differently (so it gets another id) and lies ~20 m away.
    std::fs::write(&csv, "name,category,lat,lon\nStadtmuseum Halle (Christian-Wolff-Haus) e.V.,cultural_institution,51.48030,11.97160\n").unwrap();
    let out = Command::cargo_bin("stadtatlas")
        .unwrap()
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .arg("--store")
        .arg(common::cli::store_arg(&store))
        .arg("import")
        .arg(&csv)
        .args(["--as", "partners"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("likely duplicate: 'Stadtmuseum Halle (Christian-Wolff-Haus)'"),
        "{err}"
    );
    let out = bin(&store)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "findings give exit code 1");
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = findings.as_array().unwrap();
    assert!(f.iter().any(|x| x["check"] == "duplicate" && x["detail"].as_str().unwrap().contains("m apart")));
    assert!(
        f.iter()
            .any(|x| x["check"] == "outside" && x["id"] == "landeshauptstadt-magdeburg")
    );
    // Every record without verified_on is reported as never verified.
    let stale = f.iter().filter(|x| x["check"] == "stale").count();
    assert_eq!(stale, json(&store, &["list"]).as_array().unwrap().len());
}

/// A long list without `verified_on` does not drown the terminal: the
/// table lists the first 50 findings of each check and counts all of them;
/// csv lists every one.
#[test]
fn the_check_table_lists_a_screenful_per_check_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let csv = dir.path().join("p.csv");
    let mut text = String::from("id,name,kind,lon,lat\n");
    for i in 0..120 {
        text += &format!(
            "p{i:03},Verein {i},initiative,{},51.48\n",
            11.90 + 0.001 * i as f64
        );
    }
    std::fs::write(&csv, text).unwrap();
    bin(&store)
        .arg("import")
        .arg(&csv)
        .args(["--as", "partners"])
        .assert()
        .success();
    let out = bin(&store).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8(out.stdout).unwrap();
    assert_eq!(table.matches("never verified").count(), 50, "{table}");
    assert!(
        table.contains("stale: 120 (the first 50 listed)"),
        "{table}"
    );
    assert!(
        table.contains("--format json` lists every finding"),
        "{table}"
    );
    let out = bin(&store)
        .args(["check", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(csv.matches("never verified").count(), 120);
}

#[test]
fn hostile_names_are_stored_and_shown_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let csv = dir.path().join("p.csv");
    let names = [
        "Robert'); DROP TABLE entities; --",
        "<script>alert('x')</script> & \"Söhne\"",
        "=cmd|' /C calc'!A0",
    ];
    let mut text = String::from("id,name\n");
    for (i, n) in names.iter().enumerate() {
        text.push_str(&format!("h{i},\"{}\"\n", n.replace('"', "\"\"")));
    }
    std::fs::write(&csv, text).unwrap();
    bin(&store)
        .arg("import")
        .arg(&csv)
        .args(["--as", "partners"])
        .assert()
        .success();
    let listed = json(&store, &["list"]);
    let mut got: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    got.sort();
    let mut want = names.to_vec();
    want.sort();
    assert_eq!(got, want);
    let table = bin(&store).arg("list").output().unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("Robert'); DROP TABLE entities; --"));
}

#[test]
fn readers_keep_working_and_a_second_writer_waits_for_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    // Another writer holds the write lock for a moment: SQLite's, or on
    // PostgreSQL the writers' advisory lock in an open transaction.
    let release: Box<dyn FnOnce()> = if common::pg::backend_is_postgres() {
        let mut client = common::pg::client(&common::pg::database_for(&store));
        client
            .batch_execute(
                "BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('stadtatlas:stadtatlas', 0)); \
                 UPDATE stadtatlas.stadtatlas_meta SET value = value WHERE key = 'schema_version';",
            )
            .unwrap();
        Box::new(move || client.batch_execute("COMMIT").unwrap())
    } else {
        let conn = rusqlite::Connection::open(&store).unwrap();
        conn.execute_batch(
            "BEGIN IMMEDIATE; UPDATE stadtatlas_meta SET value = value WHERE key = 'schema_version';",
        )
        .unwrap();
        Box::new(move || conn.execute_batch("COMMIT;").unwrap())
    };
    // Readers are not blocked by it (WAL; MVCC).
    assert_eq!(json(&store, &["list"]).as_array().unwrap().len(), 98);
    // A second writer waits (busy timeout) and goes through once the lock is gone.
    let csv = dir.path().join("p.csv");
    std::fs::write(&csv, "id,name\nwaiter,Wartender Verein\n").unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stadtatlas"))
        .arg("--store")
        .arg(common::cli::store_arg(&store))
        .args(["-q", "import"])
        .arg(&csv)
        .args(["--as", "partners"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the second writer waits instead of failing"
    );
    release();
    assert!(child.wait().unwrap().success());
    assert_eq!(json(&store, &["list"]).as_array().unwrap().len(), 99);
}

/// The README's first command: `baseline` imports the bundled data and writes
/// the bundle, and its closing hint names a command that runs as it stands.
#[test]
fn baseline_writes_the_bundle_and_hints_at_a_command_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = |cargo: bool| {
        let mut c = Command::cargo_bin("stadtatlas").unwrap();
        c.current_dir(dir.path())
            .env_remove("CARGO")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG");
        if cargo {
            c.env("CARGO", "cargo");
        }
        let (store, bundle) = if cargo {
            ("cargo.gpkg", "bundle-cargo")
        } else {
            ("atlas.gpkg", "bundle")
        };
        let out = c
            .args(["--store", store, "baseline", "--out", bundle])
            .output();
        let out = out.unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    };
    let said = baseline(false);
    assert!(
        said.contains("holds 98 entities, 51 districts, 58 relations"),
        "{said}"
    );
    let bundle = dir.path().join("bundle");
    for file in ["index.html", "appendix.md", "entities.geojson", "map.svg"] {
        assert!(
            bundle.join(file).is_file(),
            "{file} missing from the bundle"
        );
    }
    // `Next: `… in Halle-Neustadt``: run exactly that, from the same folder.
    let hint = said
        .split('`')
        .find(|part| part.ends_with(" in Halle-Neustadt"))
        .unwrap_or_else(|| panic!("no hint in {said}"));
    let words: Vec<&str> = hint.split_whitespace().collect();
    let listed = std::process::Command::new(words[0])
        .current_dir(dir.path())
        .env_remove("CARGO")
        .args(&words[1..])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(listed.status.success(), "{hint}: {listed:?}");
    let rows: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 7, "{rows}");
    // Run by `cargo run`, it says to go through Cargo again.
    let said = baseline(true);
    let profile = if cfg!(debug_assertions) {
        ""
    } else {
        " --release"
    };
    assert!(
        said.contains(&format!(
            "`cargo run{profile} -- --store cargo.gpkg in Halle-Neustadt`"
        )),
        "{said}"
    );
}

/// A membership's field of expertise (the `field` column of a relations
/// file, or `Fachgebiet` in German) is kept: `board check` counts it. A
/// header `field` was read as an entity's `fields` and dropped.
#[test]
fn a_relations_files_field_column_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let english = dir.path().join("members.csv");
    std::fs::write(
        &english,
        "from,to,role,field,source\n\
         stadtwerke-halle-gmbh,beirat-digitale-agenda,member,bildung,Beschluss A\n",
    )
    .unwrap();
    let german = dir.path().join("mitglieder.csv");
    std::fs::write(
        &german,
        "Von;An;Rolle;Fachgebiet\n\
         hallesche-verkehrs-ag-havag;beirat-digitale-agenda;member;verkehr\n",
    )
    .unwrap();
    for file in [&english, &german] {
        bin(&store)
            .arg("import")
            .arg(file)
            .args(["--as", "relations"])
            .assert()
            .success();
    }
    let shown = json(&store, &["show", "beirat-digitale-agenda"]);
    let fields: Vec<(String, Value)> = shown["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["from"].as_str().unwrap().to_string(), r["field"].clone()))
        .collect();
    for (from, field) in [
        ("stadtwerke-halle-gmbh", "bildung"),
        ("hallesche-verkehrs-ag-havag", "verkehr"),
    ] {
        assert!(
            fields.contains(&(from.to_string(), Value::from(field))),
            "{from}: {fields:?}"
        );
    }
}

/// `export geojson|csv|gpkg` is written beside its file and renamed into place:
/// an export replaces the file whole, and one that cannot be written
/// leaves neither a partial file nor a stray temporary one.
#[test]
fn an_export_replaces_its_file_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let out = dir.path().join("akteure.geojson");
    std::fs::write(
        &out,
        "old content that is longer than nothing".repeat(10_000),
    )
    .unwrap();
    bin(&store)
        .args(["export", "geojson", "--out"])
        .arg(&out)
        .assert()
        .success();
    let fc: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(fc["features"].as_array().unwrap().len() > 50);
    // A GeoPackage over a file that is not one, with a stray write-ahead
    // log beside it: the new store, whole, and the old log gone.
    let gpkg = dir.path().join("akteure.gpkg");
    std::fs::write(&gpkg, "not a GeoPackage".repeat(10_000)).unwrap();
    let mut wal = gpkg.clone().into_os_string();
    wal.push("-wal");
    std::fs::write(&wal, "stale log").unwrap();
    bin(&store)
        .args(["export", "gpkg", "--out"])
        .arg(&gpkg)
        .assert()
        .success();
    assert!(!Path::new(&wal).exists());
    let listed = bin_on_file(&gpkg)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(listed.status.success());
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        fc["features"].as_array().unwrap().len()
    );
    // A folder where the file should go: refused, named, nothing left behind.
    let folder = dir.path().join("exports");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("keep.txt"), "x").unwrap();
    for what in ["csv", "gpkg"] {
        let failed = bin(&store)
            .args(["export", what, "--out"])
            .arg(&folder)
            .output()
            .unwrap();
        assert_eq!(failed.status.code(), Some(2), "{what}");
        let err = String::from_utf8_lossy(&failed.stderr);
        assert!(err.contains(folder.to_str().unwrap()), "{what}: {err}");
    }
    let german = bin(&store)
        .args(["--lang", "de", "export", "csv", "--out"])
        .arg(&folder)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&german.stderr);
    assert!(
        err.starts_with(&format!(
            "Fehler: {} kann nicht geschrieben werden",
            folder.display()
        )),
        "{err}"
    );
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".stadtatlas"))
        .collect();
    left.sort();
    assert!(left.is_empty(), "{left:?}");
    assert!(folder.join("keep.txt").exists());
}

/// What a reader finds wrong with a file, and what it notes, is said in
/// German where the messages are German: the problem itself, not only the
/// frame and the place (each reader words it in both languages). The same
/// input in English is worded as before. A record's page (`show`,
/// `history`) and the tool's own refusals follow the language too.
#[test]
fn readers_problems_and_notes_are_german_where_messages_are() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    // stderr of a run that ends with `code`.
    let stderr = |lang: &str, args: &[&str], code: i32| {
        let out = bin(&store)
            .args(["--lang", lang])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let bad = dir.path().join("partner.csv");
    std::fs::write(&bad, "name,lat,lon\nA,5l.48,11.9\nB,51.5,11.9\n").unwrap();
    let bad = bad.to_str().unwrap();
    let e = stderr("de", &["import", bad, "--as", "partners"], 2);
    assert!(
        e.contains("partner.csv:2: Spalte 'lat': \"5l.48\" ist keine Zahl"),
        "{e}"
    );
    assert!(!e.contains("is not a number"), "{e}");
    let ragged = dir.path().join("ragged.csv");
    std::fs::write(&ragged, "name,lat,lon\nC,51.5,11.9,x\n").unwrap();
    let e = stderr(
        "de",
        &["import", ragged.to_str().unwrap(), "--as", "partners"],
        2,
    );
    assert!(
        e.contains("ragged.csv:2: die Zeile hat 4 Zellen, die Kopfzeile 3"),
        "{e}"
    );
    let e = stderr("en", &["import", bad, "--as", "partners"], 2);
    assert!(
        e.contains("partner.csv:2: column 'lat': \"5l.48\" is not a number"),
        "{e}"
    );
    // Geodata: a feature's geometry, in German after "Objekt N".
    let polygons = fixtures.join("invalid_polygons.geojson");
    let polygons = polygons.to_str().unwrap();
    let args = ["import", polygons, "--as", "districts", "--level", "x"];
    let e = stderr("de", &args, 2);
    assert!(
        e.contains("Objekt 3: Bezirk 'open': Ring 1 ist nicht geschlossen"),
        "{e}"
    );
    let e = stderr("en", &args, 2);
    assert!(
        e.contains("feature 3: district 'open': ring 1 is not closed"),
        "{e}"
    );
    // A note (the layer's own level column beside --level) is a German warning.
    let shp = fixtures.join("cp1252_districts.shp");
    let shp = shp.to_str().unwrap();
    let args = ["import", shp, "--as", "districts", "--level", "stadtbezirk"];
    let e = stderr("de", &args, 0);
    assert!(
        e.contains("Warnung: ") && e.contains("verwendet wird die für die Datei angegebene Ebene"),
        "{e}"
    );
    // A record's page and its history; a refusal of the tool itself.
    let halle = halle_store(dir.path());
    let page = |lang: &str, args: &[&str]| {
        let out = bin(&halle)
            .args(["--lang", lang])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let id = "martin-luther-universitaet-halle-wittenberg";
    let show = page("de", &["show", id]);
    for part in ["Handlungsfelder", "Bildung", "Art", "Partner", "Revisionen"] {
        assert!(show.contains(part), "{part}: {show}");
    }
    assert!(!show.contains("revisions"), "{show}");
    assert!(page("en", &["show", id]).contains("revisions"));
    let history = page("de", &["history", id]);
    assert!(
        history.contains("angelegt") && history.contains("erfasst am"),
        "{history}"
    );
    let out = bin(&halle)
        .args(["--lang", "de", "history", "no-such-record"])
        .output()
        .unwrap();
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(
        e.starts_with("Fehler: kein Eintrag hat die Kennung \"no-such-record\""),
        "{e}"
    );
    // `check`'s findings: German in the table and the CSV, English ids and
    // texts in JSON whatever the language (exit code 1: it found some).
    let check = |args: &[&str]| {
        let out = bin(&halle).arg("check").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let csv = check(&["--lang", "de", "--format", "csv"]);
    assert!(csv.starts_with("Prüfung,ID,Name,Befund\n"), "{csv}");
    assert!(
        csv.contains("stadtweit,1-1-versatel,1&1 Versatel,\"kein Punkt, keine Fläche, kein genanntes Gebiet: stadtweit gezählt\""),
        "{csv}"
    );
    assert!(!csv.contains("city-wide"), "{csv}");
    let json = check(&["--lang", "de", "--format", "json"]);
    assert!(
        json.contains("\"check\": \"city-wide\"")
            && json.contains("no point, area or named district: counted city-wide"),
        "{json}"
    );
    let table = check(&["--lang", "de"]);
    assert!(table.contains("außerhalb: 1"), "{table}");
    // Records without a district are counted "stadtweit" in German tables;
    // categories are named by the vocabulary, as fields are.
    let list = page("de", &["list", "--format", "csv"]);
    assert!(
        list.contains(
            "1-1-versatel,1&1 Versatel,Partner,Unternehmen,Digitale Infrastruktur,,,stadtweit,"
        ),
        "{list}"
    );
    let list = page("en", &["list", "--format", "csv"]);
    assert!(
        list.contains(
            "1-1-versatel,1&1 Versatel,partner,Company,Digital infrastructure,,,city-wide,"
        ),
        "{list}"
    );
    let matrix = page("de", &["matrix", "--by", "kind", "--format", "csv"]);
    assert!(
        matrix.contains("\ncity-wide,stadtweit,") && matrix.contains("\noutside,außerhalb,"),
        "{matrix}"
    );
}

/// A command line that does not parse is explained in German where the
/// messages are German (`--lang de`, or a German locale without `--lang`):
/// what is wrong, the likely meant command or flag, the allowed values,
/// the usage; in English otherwise, as clap words it. Exit code 2 either way.
#[test]
fn usage_errors_are_german_where_messages_are() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    // stdout and stderr of a run that must end with `code`.
    let run = |args: &[&str], lang: Option<&str>, code: i32| {
        let mut c = bin(&store);
        if let Some(l) = lang {
            c.env("LANG", l);
        }
        let out = c.args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let stderr = |args: &[&str], lang: Option<&str>| run(args, lang, 2).1;
    let e = stderr(&["--lang", "de", "lisst"], None);
    assert!(e.starts_with("Fehler: unbekannter Befehl 'lisst'"), "{e}");
    assert!(e.contains("meinten Sie 'list'?"), "{e}");
    assert!(e.contains("Aufruf: stadtatlas"), "{e}");
    let e = stderr(&["list", "--format", "xml"], Some("de_DE.UTF-8"));
    assert!(
        e.starts_with("Fehler: ungültiger Wert 'xml' für '--format"),
        "{e}"
    );
    assert!(e.contains("mögliche Werte: table, csv, json"), "{e}");
    let e = stderr(&["--lang=de", "list", "--kindd", "partner"], None);
    assert!(e.contains("unbekannte Angabe '--kindd'"), "{e}");
    assert!(e.contains("meinten Sie '--kind'?"), "{e}");
    let e = stderr(&["import"], Some("de_DE.UTF-8"));
    assert!(e.starts_with("Fehler: es fehlt: <PATHS>"), "{e}");
    // English where asked, whatever the locale.
    let e = stderr(&["--lang", "en", "lisst"], Some("de_DE.UTF-8"));
    assert!(
        e.starts_with("error: unrecognized subcommand 'lisst'"),
        "{e}"
    );
    let e = stderr(&["lisst"], None);
    assert!(e.starts_with("error: unrecognized subcommand"), "{e}");
    // A refused import's frame and places, and the store's errors.
    let bad = dir.path().join("bad_partners.csv");
    std::fs::write(&bad, "name,lat,lon\nA,91,12\n").unwrap();
    let e = stderr(&["--lang", "de", "import", bad.to_str().unwrap()], None);
    assert!(
        e.starts_with("Fehler: Import abgelehnt, der Speicher bleibt unverändert (1 Problem):"),
        "{e}"
    );
    assert!(
        e.contains("bad_partners.csv:2: Spalte 'lat': \"91\""),
        "{e}"
    );
    let e = stderr(&["list"], Some("de_DE.UTF-8"));
    assert!(e.contains("gibt es nicht; `stadtatlas init`"), "{e}");
    // And so is the help.
    let help = |args: &[&str], lang: Option<&str>| run(args, lang, 0).0;
    let h = help(&["--lang", "de", "import", "--help"], None);
    for part in [
        "Dateien importieren",
        "Aufruf: stadtatlas import",
        "Optionen:",
        "Zeigen, was sich ändern würde, nichts ändern",
    ] {
        assert!(h.contains(part), "{part}: {h}");
    }
    let h = help(&["near", "-h"], Some("de_DE.UTF-8"));
    assert!(
        h.contains("nächste zuerst") && h.contains("[Vorgabe: table]"),
        "{h}"
    );
    let h = help(&["--help"], None);
    assert!(
        h.contains("Usage: stadtatlas") && h.contains("List entities"),
        "{h}"
    );
}
