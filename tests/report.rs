//! Outputs for maps and appendices: exports, privacy profiles, the report
//! bundle, and the bundle's page in a real (headless) browser.

mod common;

use common::chromium;
use common::cli::quiet as bin;

use serde_json::Value;
use std::path::{Path, PathBuf};

const CONTACT_EMAIL: &str = "fixture.contact@example.invalid";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// data/halle, a contact, a clockwise area with a hole and a hostile name.
fn store(dir: &Path) -> PathBuf {
    let store = dir.join("atlas.gpkg");
    bin(&store)
        .arg("import")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/halle"))
        .assert()
        .success();
    bin(&store)
        .arg("import")
        .arg(fixture("contacts.csv"))
        .assert()
        .success();
    bin(&store)
        .args(["import", "--as", "projects"])
        .arg(fixture("hostile_and_area.geojson"))
        .assert()
        .success();
    store
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p))
        } else {
            out.push(p)
        }
    }
    out
}

fn contains(path: &Path, needle: &str) -> bool {
    let bytes = std::fs::read(path).unwrap();
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Twice the signed area of a ring (shoelace): positive = counter-clockwise.
fn signed_area(ring: &[Value]) -> f64 {
    ring.windows(2)
        .map(|w| {
            let (a, b) = (w[0].as_array().unwrap(), w[1].as_array().unwrap());
            a[0].as_f64().unwrap() * b[1].as_f64().unwrap()
                - b[0].as_f64().unwrap() * a[1].as_f64().unwrap()
        })
        .sum()
}

fn check_rfc7946(fc: &Value) {
    assert_eq!(fc["type"], "FeatureCollection");
    assert!(fc.get("crs").is_none(), "no crs member");
    for f in fc["features"].as_array().unwrap() {
        assert!(f["properties"].is_object(), "properties always present");
        assert!(f["id"].is_string());
        let g = &f["geometry"];
        let decimals = |v: &Value| {
            v.as_f64()
                .unwrap()
                .to_string()
                .split('.')
                .nth(1)
                .map_or(0, str::len)
        };
        match g["type"].as_str() {
            Some("Point") => {
                let c = g["coordinates"].as_array().unwrap();
                assert!(c.iter().all(|v| decimals(v) <= 7), "{c:?}");
                assert!(
                    (-180.0..=180.0).contains(&c[0].as_f64().unwrap())
                        && (-90.0..=90.0).contains(&c[1].as_f64().unwrap())
                );
            }
            Some("MultiPolygon") => {
                for polygon in g["coordinates"].as_array().unwrap() {
                    for (k, ring) in polygon.as_array().unwrap().iter().enumerate() {
                        let ring = ring.as_array().unwrap();
                        assert_eq!(ring.first(), ring.last(), "closed ring");
                        assert!(
                            ring.iter()
                                .flat_map(|c| c.as_array().unwrap())
                                .all(|v| decimals(v) <= 7)
                        );
                        let a = signed_area(ring);
                        if k == 0 {
                            assert!(a > 0.0, "exterior counter-clockwise")
                        } else {
                            assert!(a < 0.0, "hole clockwise")
                        }
                    }
                }
            }
            None => assert!(g.is_null()),
            other => panic!("unexpected geometry {other:?}"),
        }
    }
}

#[test]
fn public_outputs_never_hold_contacts_and_internal_ones_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let public = dir.path().join("public");
    std::fs::create_dir(&public).unwrap();
    bin(&store)
        .args(["report", "--out"])
        .arg(public.join("report"))
        .assert()
        .success();
    for (what, file, extra) in [
        ("geojson", "e.geojson", None),
        ("gpkg", "e.gpkg", None),
        ("csv", "e.csv", None),
        ("csv", "x.csv", Some("--excel")),
    ] {
        let mut c = bin(&store);
        c.args(["export", what, "--out"]).arg(public.join(file));
        if let Some(flag) = extra {
            c.arg(flag);
        }
        c.assert().success();
    }
    let files = files_under(&public);
    assert!(files.len() >= 16, "{files:?}");
    for f in &files {
        assert!(
            !contains(f, CONTACT_EMAIL),
            "contact in public output {}",
            f.display()
        );
        assert!(
            !contains(f, "Test Fixture Person"),
            "contact name in public output {}",
            f.display()
        );
    }
    // The listing formats are public too.
    let out = bin(&store)
        .args(["list", "--format", "geojson"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(CONTACT_EMAIL));

    let internal = dir.path().join("internal");
    std::fs::create_dir(&internal).unwrap();
    bin(&store)
        .args(["export", "geojson", "--profile", "internal", "--out"])
        .arg(internal.join("e.geojson"))
        .assert()
        .success();
    bin(&store)
        .args(["export", "gpkg", "--profile", "internal", "--out"])
        .arg(internal.join("e.gpkg"))
        .assert()
        .success();
    bin(&store)
        .args(["report", "--profile", "internal", "--out"])
        .arg(internal.join("r"))
        .assert()
        .success();
    let fc: Value =
        serde_json::from_slice(&std::fs::read(internal.join("e.geojson")).unwrap()).unwrap();
    assert_eq!(fc["profile"], "internal");
    assert!(fc["notice"].as_str().unwrap().starts_with("INTERNAL"));
    assert!(contains(&internal.join("e.geojson"), CONTACT_EMAIL));
    assert!(contains(&internal.join("e.gpkg"), CONTACT_EMAIL));
    assert!(contains(
        &internal.join("e.gpkg"),
        "INTERNAL: contains personal data"
    ));
    assert!(contains(
        &internal.join("r/index.html"),
        "INTERN: enthält personenbezogene Daten"
    ));
}

#[test]
fn geojson_outputs_follow_rfc7946_and_fix_ring_orientation() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    bin(&store)
        .args(["export", "geojson", "--out"])
        .arg(dir.path().join("e.geojson"))
        .assert()
        .success();
    bin(&store)
        .args(["report", "--out"])
        .arg(dir.path().join("r"))
        .assert()
        .success();
    for file in [
        dir.path().join("e.geojson"),
        dir.path().join("r/entities.geojson"),
        dir.path().join("r/districts.geojson"),
    ] {
        let fc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        check_rfc7946(&fc);
    }
    let fc: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("e.geojson")).unwrap()).unwrap();
    let area = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "cw-area")
        .unwrap();
    assert_eq!(area["geometry"]["type"], "MultiPolygon");
    assert_eq!(area["properties"]["districts"]["stadtteil"], "Neustadt");
    let formula = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "formula")
        .unwrap();
    assert_eq!(formula["geometry"]["coordinates"][0], 11.9701235);
}

#[test]
fn excel_csv_has_bom_semicolons_decimal_commas_and_no_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let file = dir.path().join("x.csv");
    bin(&store)
        .args(["export", "csv", "--excel", "--out"])
        .arg(&file)
        .assert()
        .success();
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.lines().next().unwrap().starts_with("id;name;kind"));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let lat = headers.iter().position(|h| h == "lat").unwrap();
    let name = headers.iter().position(|h| h == "name").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let formula = rows.iter().find(|r| &r[0] == "formula").unwrap();
    assert!(formula[name].starts_with("'="), "{}", &formula[name]);
    assert_eq!(&formula[lat], "51,4801235");
    for r in &rows {
        assert!(
            !r.iter()
                .any(|c| c.starts_with('=') || c.starts_with('@') || c.starts_with('+')),
            "{r:?}"
        );
    }
}

fn gdal() -> Option<(PathBuf, PathBuf)> {
    let validator =
        PathBuf::from("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py");
    let ogrinfo = PathBuf::from("/usr/bin/ogrinfo");
    (validator.exists() && ogrinfo.exists()).then_some((validator, ogrinfo))
}

#[test]
fn gdal_reads_every_geojson_and_geopackage_we_write() {
    let Some((validator, ogrinfo)) = gdal() else {
        eprintln!("SKIPPED: GDAL is not installed; .ci/run installs gdal-bin and python3-gdal");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    bin(&store)
        .args(["export", "gpkg", "--kind", "partner", "--out"])
        .arg(dir.path().join("p.gpkg"))
        .assert()
        .success();
    bin(&store)
        .args(["export", "geojson", "--out"])
        .arg(dir.path().join("e.geojson"))
        .assert()
        .success();
    bin(&store)
        .args(["report", "--out"])
        .arg(dir.path().join("r"))
        .assert()
        .success();
    let out = std::process::Command::new("/usr/bin/python3")
        .arg(&validator)
        .arg(dir.path().join("p.gpkg"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = bin(&store)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    let public: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let count = format!("Feature Count: {}", public.as_array().unwrap().len());
    for (file, expect) in [
        ("p.gpkg", "entities"),
        ("e.geojson", count.as_str()),
        ("r/entities.geojson", count.as_str()),
        ("r/districts.geojson", "Feature Count: 22"),
    ] {
        let out = std::process::Command::new(&ogrinfo)
            .args(["-ro", "-so", "-al"])
            .arg(dir.path().join(file))
            .output()
            .unwrap();
        let info = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && info.contains(expect),
            "{file}: {info}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The partner-only GeoPackage holds only partners, and it is a stadtatlas store.
    let listed = common::cli::bin_on_file(&dir.path().join("p.gpkg"))
        .args(["-q", "list", "--format", "json"])
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["kind"] == "partner")
    );
    assert_eq!(rows.as_array().unwrap().len(), 72);
}

#[test]
fn report_page_works_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let report = dir.path().join("r");
    bin(&store)
        .args(["report", "--out"])
        .arg(&report)
        .assert()
        .success();
    let page = format!("file://{}", report.join("index.html").display());
    let Some(seen) = chromium::open(&page, &["--dump-dom".to_string()]) else {
        return;
    };
    let (dom, body) = (&seen.dom, &seen.body);
    assert!(
        body.contains("data-ready=\"1\""),
        "script did not finish: {body}"
    );
    assert!(!body.contains("data-errors"), "page errors: {body}");
    assert!(seen.console.is_empty(), "{:?}", seen.console);
    // One marker per located public entity (point or area), except those
    // outside the map frame, which the page lists under the map.
    let listed = bin(&store)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let located = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["located"] == "point" || r["located"] == "area")
        .count();
    let markers = seen.number("data-markers").expect("a marker count");
    let outside = seen.number("id=\"outside-frame\" data-count").unwrap_or(0);
    assert_eq!(
        markers + outside,
        located,
        "markers {markers} + outside {outside}"
    );
    assert_eq!(outside, 1, "Magdeburg lies outside the Halle frame");
    // Names are text, never markup.
    assert!(
        dom.contains("=HYPERLINK(\"http://example.invalid\",\"&lt;b&gt;click&lt;/b&gt;\")")
            || dom.contains("&lt;b&gt;click")
    );
    let shot = dir.path().join("page.png");
    chromium::open(
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1300,1100".to_string(),
        ],
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"));
    if let Ok(keep) = std::env::var("STADTATLAS_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

/// The bundle is opened by people: in Excel (tables/*.csv) and in Markdown
/// viewers (appendix.md). A hostile record stays text in both.
#[test]
fn the_bundles_tables_and_appendix_keep_hostile_names_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let hostile = dir.path().join("partners.csv");
    std::fs::write(
        &hostile,
        "id,name,category,fields,lon,lat\n\
         script,<script>alert(1)</script>,@SUM(1+1),bildung,11.9697,51.4828\n\
         plus,+49 345 0000,company,bildung,11.9698,51.4829\n",
    )
    .unwrap();
    bin(&store).arg("import").arg(&hostile).assert().success();
    let out = dir.path().join("bundle");
    bin(&store)
        .arg("report")
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let mut tables = 0;
    for file in files_under(&out.join("tables")) {
        tables += 1;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&file)
            .unwrap();
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let numeric = cell.trim().parse::<f64>().is_ok();
                assert!(
                    numeric || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{}: {cell:?}",
                    file.display()
                );
            }
        }
    }
    assert!(tables > 3);
    let entities = std::fs::read_to_string(out.join("tables/entities.csv")).unwrap();
    assert!(entities.contains("'<script>") || entities.contains("<script>alert(1)</script>"));
    assert!(
        entities.contains("'@sum(1+1)") && entities.contains("'+49 345 0000"),
        "{entities}"
    );
    let appendix = std::fs::read_to_string(out.join("appendix.md")).unwrap();
    assert!(
        !appendix.contains("<script") && !appendix.contains("<b>"),
        "{appendix}"
    );
    assert!(!contains(&out.join("index.html"), "<script>alert(1)"));
}
