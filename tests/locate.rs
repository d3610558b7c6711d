//! `locate`: entities with an address and no point matched against a
//! register of Hauskoordinaten built to the published schema (`strname`,
//! `hsnr`, `hsnrzus`, `plz`, `ort`; GeoJSON in WGS84 and `;`-CSV in
//! EPSG:25832). Each entity's address is a known register address spelled
//! another way, so its true point and the quality are known by construction.

mod common;

use common::cli::{bin, json_of, run};

use serde_json::{Value, json};
use std::path::Path;

/// The register's streets: (name, postcode, place, house numbers, suffixed numbers).
/// Two `Hauptstraße` and two `Dorfstraße` in different postcodes and places.
/// (name, postcode, place, numbers 1..=n, numbers with a suffix).
type Street = (
    &'static str,
    &'static str,
    &'static str,
    u32,
    &'static [(u32, &'static str)],
);

const STREETS: &[Street] = &[
    ("Dr.-Kurt-Fischer-Straße", "06128", "Halle (Saale)", 15, &[]),
    (
        "Große Märkerstraße",
        "06108",
        "Halle (Saale)",
        10,
        &[(5, "a"), (5, "b")],
    ),
    ("Leipziger Straße", "06108", "Halle (Saale)", 20, &[]),
    ("Am Steintor", "06112", "Halle (Saale)", 12, &[]),
    ("Hauptstraße", "06108", "Halle (Saale)", 5, &[]),
    ("Hauptstraße", "06132", "Halle (Saale)", 5, &[]),
    ("Dorfstraße", "06120", "Halle (Saale)", 3, &[]),
    ("Dorfstraße", "06188", "Landsberg", 3, &[]),
    (
        "Straße der Einheit",
        "06132",
        "Halle (Saale)",
        6,
        &[(2, "c"), (9, "a")],
    ),
    ("Mühlweg", "06114", "Halle (Saale)", 8, &[]),
    (
        "Kleine Ulrichstraße",
        "06108",
        "Halle (Saale)",
        9,
        &[(7, "a")],
    ),
    ("Straße des 17. Juni", "06112", "Halle (Saale)", 4, &[]),
];

/// One register address: (street index, number, suffix).
type Addr = (usize, u32, &'static str);

/// Every address of the register.
fn addresses() -> Vec<Addr> {
    let mut out = Vec::new();
    for (i, (_, _, _, n, suffixed)) in STREETS.iter().enumerate() {
        for k in 1..=*n {
            out.push((i, k, ""));
        }
        for (k, s) in suffixed.iter() {
            out.push((i, *k, *s));
        }
    }
    out
}

/// The address's point in EPSG:25832 (metres): distinct for every address.
fn utm((i, n, s): Addr) -> (f64, f64) {
    let x = 700_000.0 + 700.0 * i as f64 + 20.0 * n as f64 + if s.is_empty() { 0.0 } else { 7.0 };
    let y = 5_703_000.0 + 300.0 * i as f64 + 5.0 * n as f64;
    (x, y)
}

/// The same point in WGS84, converted as the importer does.
fn wgs84(a: Addr) -> (f64, f64) {
    let (x, y) = utm(a);
    let c = stadtatlas::crs::Crs::epsg(25832)
        .unwrap()
        .to_wgs84(geo::Coord { x, y })
        .unwrap();
    (c.x, c.y)
}

fn write_geojson_register(path: &Path) {
    let features: Vec<Value> = addresses()
        .into_iter()
        .map(|a| {
            let (street, plz, ort, _, _) = STREETS[a.0];
            let (lon, lat) = wgs84(a);
            // Some exports keep the postcode in a number column, which drops
            // Halle's leading zero.
            let plz = if a.0 % 2 == 1 {
                json!(plz.parse::<u32>().unwrap())
            } else {
                json!(plz)
            };
            json!({"type": "Feature",
                "properties": {"strname": street, "hsnr": a.1, "hsnrzus": a.2, "plz": plz, "ort": ort},
                "geometry": {"type": "Point", "coordinates": [lon, lat]}})
        })
        .collect();
    std::fs::write(
        path,
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();
}

fn write_csv_register(path: &Path) {
    let mut text = String::from("STRNAME;HSNR;HSNRZUS;PLZ;ORT;RECHTSWERT;HOCHWERT\n");
    for a in addresses() {
        let (street, plz, ort, _, _) = STREETS[a.0];
        let (x, y) = utm(a);
        // German decimal comma, as such exports write it.
        text.push_str(&format!(
            "{street};{};{};{plz};{ort};{};{}\n",
            a.1,
            a.2,
            format!("{x:.2}").replace('.', ","),
            format!("{y:.2}").replace('.', ",")
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// A partner whose address spells a register address another way.
struct Case {
    id: &'static str,
    address: &'static str,
    /// `Hausnummer` and `PLZ` columns beside the address.
    number: &'static str,
    plz: &'static str,
    quality: &'static str,
    outcome: &'static str,
    /// The true register address, when one is applied or expected.
    truth: Option<Addr>,
}

const fn case(
    id: &'static str,
    address: &'static str,
    quality: &'static str,
    outcome: &'static str,
    truth: Option<Addr>,
) -> Case {
    Case {
        id,
        address,
        number: "",
        plz: "",
        quality,
        outcome,
        truth,
    }
}

/// Every spelling rule, the tie-breakers, the fallbacks and the refusals.
const CASES: &[Case] = &[
    // Abbreviations, hyphens, dots and case.
    case(
        "abbrev",
        "Dr.-Kurt-Fischer-Str. 12",
        "address",
        "applied",
        Some((0, 12, "")),
    ),
    case(
        "spaces",
        "Dr. Kurt Fischer Strasse 3",
        "address",
        "applied",
        Some((0, 3, "")),
    ),
    case(
        "lower",
        "dr kurt-fischer-str 7",
        "address",
        "applied",
        Some((0, 7, "")),
    ),
    case(
        "upper",
        "DR.-KURT-FISCHER-STRASSE 8",
        "address",
        "applied",
        Some((0, 8, "")),
    ),
    // Umlauts and ß: written out, or as plain vowels.
    case(
        "umlaut",
        "Grosse Maerkerstrasse 4",
        "address",
        "applied",
        Some((1, 4, "")),
    ),
    case(
        "plain",
        "GROSSE MARKERSTR. 6",
        "address",
        "applied",
        Some((1, 6, "")),
    ),
    case(
        "muehl",
        "Muehlweg 2",
        "address",
        "applied",
        Some((9, 2, "")),
    ),
    case("muhl", "Muhlweg 3", "address", "applied", Some((9, 3, ""))),
    // House-number suffixes and ranges.
    case(
        "suffix",
        "Große Märkerstr. 5a",
        "address",
        "applied",
        Some((1, 5, "a")),
    ),
    case(
        "suffix-space",
        "Große Märkerstraße 5 B",
        "address",
        "applied",
        Some((1, 5, "b")),
    ),
    case(
        "range",
        "Leipziger Straße 12-14",
        "address",
        "applied",
        Some((2, 12, "")),
    ),
    case(
        "compound",
        "Leipzigerstraße 4",
        "address",
        "applied",
        Some((2, 4, "")),
    ),
    case(
        "no-space",
        "Leipziger Str.9",
        "address",
        "applied",
        Some((2, 9, "")),
    ),
    case(
        "full",
        "Leipziger Str. 11, 06108 Halle (Saale)",
        "address",
        "applied",
        Some((2, 11, "")),
    ),
    case(
        "strasse-first",
        "Str. der Einheit 2c",
        "address",
        "applied",
        Some((8, 2, "c")),
    ),
    case(
        "bare-beside-suffixed",
        "Straße der Einheit 2",
        "address",
        "applied",
        Some((8, 2, "")),
    ),
    case(
        "ordinal",
        "Str. des 17. Juni 3",
        "address",
        "applied",
        Some((11, 3, "")),
    ),
    // A name line before the street, as letterheads write it.
    case(
        "name-line",
        "Partner GmbH, Leipziger Straße 3, 06108 Halle",
        "address",
        "applied",
        Some((2, 3, "")),
    ),
    // A suffix the register lacks: the main building.
    case(
        "other-suffix",
        "Große Märkerstraße 5c",
        "address_fuzzy",
        "applied",
        Some((1, 5, "")),
    ),
    case(
        "missing-suffix",
        "Kleine Ulrichstr. 7 b",
        "address_fuzzy",
        "applied",
        Some((10, 7, "")),
    ),
    // No bare number, one suffixed building.
    case(
        "only-suffixed",
        "Straße der Einheit 9",
        "address_fuzzy",
        "applied",
        Some((8, 9, "a")),
    ),
    // Similar spelling (a typo), above the threshold.
    case(
        "typo",
        "Leipzieger Straße 8",
        "address_fuzzy",
        "applied",
        Some((2, 8, "")),
    ),
    // Too far from every street name: only the postcode.
    case(
        "far-typo",
        "Lpzgr Strase 8, 06108",
        "postcode",
        "below_min_quality",
        None,
    ),
    // Another postcode than the register's: applied, but not as exact.
    case(
        "wrong-plz",
        "Am Steintor 3, 06110 Halle",
        "address_fuzzy",
        "applied",
        Some((3, 3, "")),
    ),
    // Postcode and place tell equal streets apart.
    case(
        "by-plz",
        "Hauptstraße 2, 06132",
        "address",
        "applied",
        Some((5, 2, "")),
    ),
    case(
        "by-place",
        "Dorfstraße 2, Landsberg",
        "address",
        "applied",
        Some((7, 2, "")),
    ),
    // Ambiguous: never applied.
    case("ambiguous", "Hauptstraße 3", "address", "ambiguous", None),
    // Below the least quality: the street is known, the number is not.
    case(
        "street-only",
        "Leipziger Straße 99",
        "street",
        "below_min_quality",
        None,
    ),
    case(
        "postcode-only",
        "Unbekannter Weg 3, 06114 Halle",
        "postcode",
        "below_min_quality",
        None,
    ),
    case("nowhere", "Nirgendwo 1", "none", "not_found", None),
];

/// The columns-apart case: `address` holds the street, `Hausnummer` and `PLZ` the rest.
const APART: Case = Case {
    id: "apart",
    address: "Am Steintor",
    number: "9",
    plz: "06112",
    quality: "address",
    outcome: "applied",
    truth: Some((3, 9, "")),
};

fn write_partners(path: &Path) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(["id", "name", "address", "Hausnummer", "PLZ"])
        .unwrap();
    for c in CASES.iter().chain([&APART]) {
        w.write_record([
            c.id,
            &format!("Partner {}", c.id),
            c.address,
            c.number,
            c.plz,
        ])
        .unwrap();
    }
    w.flush().unwrap();
}

/// A store holding the partners, none with a point.
fn store_with_partners(dir: &Path) -> std::path::PathBuf {
    let store = dir.join("s.gpkg");
    let partners = dir.join("partners.csv");
    write_partners(&partners);
    let (code, err) = run(
        &store,
        &["import", partners.to_str().unwrap(), "--as", "partners"],
    );
    assert_eq!(code, Some(0), "{err}");
    store
}

/// Stored points by id.
fn points(store: &Path) -> std::collections::BTreeMap<String, (Value, Value)> {
    json_of(store, &["list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                (e["lon"].clone(), e["lat"].clone()),
            )
        })
        .collect()
}

/// Checks every case against what `locate` reported and what the store holds.
fn check_cases(
    report: &Value,
    stored: &std::collections::BTreeMap<String, (Value, Value)>,
    register: &str,
) {
    let matches = report["matches"].as_array().unwrap();
    assert_eq!(matches.len(), CASES.len() + 1, "{report:#}");
    for c in CASES.iter().chain([&APART]) {
        let m = matches
            .iter()
            .find(|m| m["id"] == c.id)
            .unwrap_or_else(|| panic!("no match for {}", c.id));
        assert_eq!(m["quality"], c.quality, "{}: {m:#}", c.id);
        assert_eq!(m["outcome"], c.outcome, "{}: {m:#}", c.id);
        let (lon, lat) = &stored[c.id];
        match c.truth {
            Some(truth) => {
                let (tlon, tlat) = wgs84(truth);
                // Distance 0: the register's own point, as read.
                let got = (lon.as_f64().unwrap(), lat.as_f64().unwrap());
                assert!(
                    (got.0 - tlon).abs() < 1e-9 && (got.1 - tlat).abs() < 1e-9,
                    "{}: stored {got:?}, true {:?}",
                    c.id,
                    (tlon, tlat)
                );
                assert_eq!(m["register"], register, "{}", c.id);
            }
            None => assert!(lon.is_null() && lat.is_null(), "{}: {lon} {lat}", c.id),
        }
    }
}

#[test]
fn every_spelling_lands_on_its_register_address_and_the_rest_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_partners(dir.path());
    let register = dir.path().join("hauskoordinaten.geojson");
    write_geojson_register(&register);
    let report = json_of(
        &store,
        &["locate", "--register", register.to_str().unwrap()],
    );
    check_cases(&report, &points(&store), "hauskoordinaten.geojson");
    let applied = CASES
        .iter()
        .chain([&APART])
        .filter(|c| c.outcome == "applied")
        .count();
    assert_eq!(report["tally"]["applied"], applied, "{report:#}");
    assert_eq!(report["tally"]["ambiguous"], 1);
    assert!(report["import_id"].is_i64(), "{report:#}");

    // The ambiguous one lists both Hauptstraße 3 as candidates.
    let amb = report["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "ambiguous")
        .unwrap();
    let cands: Vec<(f64, f64)> = amb["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["lon"].as_f64().unwrap(), c["lat"].as_f64().unwrap()))
        .collect();
    let truth: Vec<(f64, f64)> = [(4, 3, ""), (5, 3, "")].map(wgs84).to_vec();
    assert_eq!(cands.len(), 2, "{amb:#}");
    for t in &truth {
        assert!(
            cands
                .iter()
                .any(|c| (c.0 - t.0).abs() < 1e-9 && (c.1 - t.1).abs() < 1e-9),
            "{amb:#}"
        );
    }

    // A located entity is a new revision that names its register and quality.
    let history = json_of(&store, &["history", "typo"]);
    let revs = history.as_array().unwrap();
    assert_eq!(revs.len(), 2, "{history:#}");
    assert_eq!(
        revs[1]["record"]["coord_source"],
        json!({"register": "hauskoordinaten.geojson", "quality": "address_fuzzy"})
    );
    assert!(revs[0]["record"].get("coord_source").is_none());
    // The refused ones have one revision, untouched.
    assert_eq!(
        json_of(&store, &["history", "street-only"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Run again: the located ones have a point now; nothing changes.
    let again = json_of(
        &store,
        &["locate", "--register", register.to_str().unwrap()],
    );
    assert_eq!(again["tally"]["applied"], 0, "{again:#}");
    assert!(again["import_id"].is_null(), "{again:#}");
    // A folder is not a register.
    let (code, err) = run(
        &store,
        &["locate", "--register", dir.path().to_str().unwrap()],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is a folder"), "{err}");
    assert_eq!(
        json_of(&store, &["history", "typo"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // A lower least quality applies the street's centre (an address of it).
    let report = json_of(
        &store,
        &[
            "locate",
            "--register",
            register.to_str().unwrap(),
            "--min-quality",
            "street",
        ],
    );
    let m = report["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "street-only")
        .unwrap();
    assert_eq!(m["outcome"], "applied", "{m:#}");
    let on_street: Vec<(f64, f64)> = addresses()
        .into_iter()
        .filter(|a| a.0 == 2)
        .map(wgs84)
        .collect();
    let stored = &points(&store)["street-only"];
    let got = (stored.0.as_f64().unwrap(), stored.1.as_f64().unwrap());
    assert!(on_street.contains(&got), "{got:?}");
    // Still never the ambiguous one.
    assert!(points(&store)["ambiguous"].0.is_null());
}

#[test]
fn a_semicolon_csv_register_in_utm_locates_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_partners(dir.path());
    let register = dir.path().join("hk_25832.csv");
    write_csv_register(&register);
    // Without --crs the metres are no WGS84 coordinates: refused, naming the line and values.
    let (code, err) = run(
        &store,
        &["locate", "--register", register.to_str().unwrap()],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("hk_25832.csv:2: column 'RECHTSWERT'") && err.contains("700020,00"),
        "{err}"
    );
    let report = json_of(
        &store,
        &[
            "locate",
            "--register",
            register.to_str().unwrap(),
            "--crs",
            "EPSG:25832",
        ],
    );
    check_cases(&report, &points(&store), "hk_25832.csv");
}

#[test]
fn a_zipped_register_is_read_as_downloaded_and_errors_name_its_member() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_partners(dir.path());
    let csv = dir.path().join("hk_25832.csv");
    write_csv_register(&csv);
    let mut text = std::fs::read(&csv).unwrap();
    let zipped = dir.path().join("Hauskoordinaten_Halle.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zipped).unwrap());
    w.start_file("HK/hk_25832.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(&text).unwrap();
    w.finish().unwrap();
    let report = json_of(
        &store,
        &[
            "locate",
            "--register",
            zipped.to_str().unwrap(),
            "--crs",
            "EPSG:25832",
            "--dry-run",
        ],
    );
    assert_eq!(report["registers"][0]["name"], "hk_25832.csv", "{report:#}");
    let applied = CASES
        .iter()
        .chain([&APART])
        .filter(|c| c.outcome == "applied")
        .count();
    assert_eq!(report["tally"]["applied"], applied, "{report:#}");
    // A bad row inside the archive is named by the archive and member.
    text.extend_from_slice("Am Steintor;;;06112;Halle (Saale);700000,00;5703000,00\n".as_bytes());
    let bad = dir.path().join("bad.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&bad).unwrap());
    w.start_file("hk.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(&text).unwrap();
    w.finish().unwrap();
    let (code, err) = run(
        &store,
        &[
            "locate",
            "--register",
            bad.to_str().unwrap(),
            "--crs",
            "EPSG:25832",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    let last = addresses().len() + 2;
    assert!(
        err.contains(&format!("bad.zip/hk.csv:{last}: column 'HSNR': is empty")),
        "{err}"
    );
}

#[test]
fn osm_addr_points_and_buildings_serve_as_a_second_register() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_partners(dir.path());
    let official = dir.path().join("hk.geojson");
    write_geojson_register(&official);
    // OSM knows a street the official register lacks: a node and a
    // building way with addr:* tags, as an Overpass export gives them.
    let osm = dir.path().join("osm_addresses.geojson");
    std::fs::write(
        &osm,
        json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": "node/1",
             "properties": {"addr:street": "Unbekannter Weg", "addr:housenumber": "3", "addr:postcode": "06114", "addr:city": "Halle (Saale)"},
             "geometry": {"type": "Point", "coordinates": [11.95, 51.49]}},
            {"type": "Feature", "id": "way/2",
             "properties": {"addr:street": "Nirgendwo", "addr:housenumber": "1", "building": "yes"},
             "geometry": {"type": "Polygon", "coordinates": [[[11.96, 51.50], [11.9602, 51.50], [11.9602, 51.5002], [11.96, 51.5002], [11.96, 51.50]]]}},
            // Also in the official register, elsewhere: the official one wins.
            {"type": "Feature", "id": "node/3",
             "properties": {"addr:street": "Dr.-Kurt-Fischer-Straße", "addr:housenumber": "12"},
             "geometry": {"type": "Point", "coordinates": [11.99, 51.47]}}
        ]})
        .to_string(),
    )
    .unwrap();
    let report = json_of(
        &store,
        &[
            "locate",
            "--register",
            official.to_str().unwrap(),
            "--register",
            osm.to_str().unwrap(),
        ],
    );
    let m = |id: &str| {
        report["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .unwrap()
            .clone()
    };
    let weg = m("postcode-only");
    assert_eq!(weg["quality"], "address", "{weg:#}");
    assert_eq!(weg["register"], "osm_addresses.geojson");
    assert_eq!(
        (weg["lon"].as_f64(), weg["lat"].as_f64()),
        (Some(11.95), Some(51.49))
    );
    let building = m("nowhere");
    assert_eq!(
        building["register"], "osm_addresses.geojson",
        "{building:#}"
    );
    let (lon, lat) = (
        building["lon"].as_f64().unwrap(),
        building["lat"].as_f64().unwrap(),
    );
    assert!(
        (11.96..=11.9602).contains(&lon) && (51.50..=51.5002).contains(&lat),
        "{building:#}"
    );
    // Same quality in both: the earlier register wins.
    let abbrev = m("abbrev");
    assert_eq!(abbrev["register"], "hk.geojson", "{abbrev:#}");
    assert_eq!(
        (
            abbrev["lon"].as_f64().unwrap(),
            abbrev["lat"].as_f64().unwrap()
        ),
        wgs84((0, 12, ""))
    );
}

#[test]
fn a_dry_run_shows_every_match_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_partners(dir.path());
    let register = dir.path().join("hk.geojson");
    write_geojson_register(&register);
    let before = points(&store);
    let report = json_of(
        &store,
        &[
            "locate",
            "--register",
            register.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert_eq!(report["dry_run"], true);
    assert!(report["import_id"].is_null(), "{report:#}");
    assert_eq!(report["matches"].as_array().unwrap().len(), CASES.len() + 1);
    let applied = report["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["outcome"] == "applied")
        .count();
    assert!(applied > 10, "{report:#}");
    assert_eq!(points(&store), before);
    assert_eq!(
        json_of(&store, &["history", "abbrev"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The table shows the candidates of the ambiguous one.
    let out = bin(&store)
        .args([
            "locate",
            "--register",
            register.to_str().unwrap(),
            "--dry-run",
        ])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("ambiguous") && table.contains("06132"),
        "{table}"
    );
    let amb = report["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "ambiguous")
        .unwrap();
    let labels: Vec<&str> = amb["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Hauptstraße 3, 06108 Halle (Saale)",
            "Hauptstraße 3, 06132 Halle (Saale)"
        ]
    );
}

#[test]
fn a_bad_register_is_refused_naming_the_feature_and_the_store_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_partners(dir.path());
    let register = dir.path().join("hk.geojson");
    write_geojson_register(&register);
    let mut fc: Value = serde_json::from_str(&std::fs::read_to_string(&register).unwrap()).unwrap();
    fc["features"][4]["properties"]["hsnr"] = json!("x7");
    fc["features"][6]["geometry"] =
        json!({"type": "LineString", "coordinates": [[11.9, 51.4], [11.91, 51.41]]});
    std::fs::write(&register, fc.to_string()).unwrap();
    let before = common::cli::state(&store);
    let (code, err) = run(
        &store,
        &["locate", "--register", register.to_str().unwrap()],
    );
    assert_eq!(code, Some(2), "{err}");
    // Said once, as what it is: a refused register, not an import.
    assert!(
        err.starts_with("error: address register refused, nothing was located (2 problems):\n"),
        "{err}"
    );
    assert!(!err.contains("import refused"), "{err}");
    assert!(err.contains("feature 7: geometry is a LineString"), "{err}");
    assert!(
        err.contains("feature 5: house number \"x7\" does not start with a digit"),
        "{err}"
    );
    assert_eq!(common::cli::state(&store), before, "the store file changed");
    // A register without a street property says what it has and how to map it.
    let odd = dir.path().join("odd.geojson");
    std::fs::write(
        &odd,
        json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"LAGEBEZ": "Am Steintor", "HAUSNR_TXT": 1},
             "geometry": {"type": "Point", "coordinates": [11.97, 51.49]}}]})
        .to_string(),
    )
    .unwrap();
    let (code, err) = run(&store, &["locate", "--register", odd.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("its first feature has: LAGEBEZ, HAUSNR_TXT"),
        "{err}"
    );
    // Mapped, it reads (the partner "apart" is at Am Steintor 9, not 1: street only).
    let report = json_of(
        &store,
        &[
            "locate",
            "--register",
            odd.to_str().unwrap(),
            "--street-column",
            "LAGEBEZ",
            "--number-column",
            "HAUSNR_TXT",
            "--dry-run",
        ],
    );
    assert_eq!(report["registers"][0]["addresses"], 1, "{report:#}");
    assert_eq!(common::cli::state(&store), before, "the store file changed");
}

#[test]
fn a_manifest_register_locates_the_partners_of_the_same_import() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    write_partners(&data.join("partners.csv"));
    write_geojson_register(&data.join("hauskoordinaten.geojson"));
    std::fs::write(
        data.join("atlas.toml"),
        r#"
[[file]]
path = "partners.csv"
as = "partners"

[[file]]
path = "hauskoordinaten.geojson"
as = "addresses"
"#,
    )
    .unwrap();
    let store = dir.path().join("s.gpkg");
    let (code, err) = run(&store, &["import", data.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    let applied = CASES
        .iter()
        .chain([&APART])
        .filter(|c| c.outcome == "applied")
        .count();
    assert!(
        err.contains(&format!("located {applied} of {}", CASES.len() + 1)),
        "{err}"
    );
    assert!(
        err.contains("'Partner ambiguous' (ambiguous): \"Hauptstraße 3\" is ambiguous"),
        "{err}"
    );
    // The register's addresses are matched against, not stored.
    let stored = points(&store);
    assert_eq!(stored.len(), CASES.len() + 1);
    for c in CASES.iter().chain([&APART]) {
        let (lon, lat) = &stored[c.id];
        match (c.outcome, c.truth) {
            ("applied", Some(t)) => {
                let (tlon, tlat) = wgs84(t);
                assert!(
                    (lon.as_f64().unwrap() - tlon).abs() < 1e-9
                        && (lat.as_f64().unwrap() - tlat).abs() < 1e-9,
                    "{}",
                    c.id
                );
            }
            _ => assert!(lon.is_null(), "{}", c.id),
        }
    }
    // The map's GeoJSON says where the point came from.
    let out = bin(&store)
        .args(["-q", "list", "--format", "geojson"])
        .output()
        .unwrap();
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let apart = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "apart")
        .unwrap();
    assert_eq!(
        apart["properties"]["coord_source"]["quality"], "address",
        "{apart:#}"
    );
    // A manifest may lower the least quality for its registers.
    let manifest = std::fs::read_to_string(data.join("atlas.toml")).unwrap();
    std::fs::write(
        data.join("atlas.toml"),
        format!("{manifest}min_quality = \"street\"\n"),
    )
    .unwrap();
    let (code, err) = run(&store, &["import", data.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    let street_only = &points(&store)["street-only"];
    assert!(street_only.0.is_f64(), "{err}");
    // min_quality on a partner file is a mistake, said as one.
    std::fs::write(
        data.join("atlas.toml"),
        manifest.replace(
            "as = \"partners\"",
            "as = \"partners\"\nmin_quality = \"street\"",
        ),
    )
    .unwrap();
    let (code, err) = run(&store, &["import", data.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("partners.csv: min_quality is for address registers"),
        "{err}"
    );
    let show = json_of(&store, &["show", "apart"]);
    assert_eq!(
        show["entity"]["coord_source"],
        json!({"register": "hauskoordinaten.geojson", "quality": "address"}),
        "{show:#}"
    );
}

#[test]
fn a_reimport_keeps_register_points_unless_the_address_changed() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_partners(dir.path());
    let register = dir.path().join("hk.geojson");
    write_geojson_register(&register);
    json_of(
        &store,
        &["locate", "--register", register.to_str().unwrap()],
    );
    let located = points(&store);
    assert!(!located["abbrev"].0.is_null());
    // The same file again: nothing changes, the points stay.
    let partners = dir.path().join("partners.csv");
    let (code, err) = run(
        &store,
        &["import", partners.to_str().unwrap(), "--as", "partners"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(points(&store), located);
    assert_eq!(
        json_of(&store, &["history", "abbrev"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A partner that moved loses the old address's point.
    let text = std::fs::read_to_string(&partners)
        .unwrap()
        .replace("Dr.-Kurt-Fischer-Str. 12", "Dr.-Kurt-Fischer-Str. 13");
    std::fs::write(&partners, text).unwrap();
    let (code, err) = run(
        &store,
        &["import", partners.to_str().unwrap(), "--as", "partners"],
    );
    assert_eq!(code, Some(0), "{err}");
    let after = points(&store);
    assert!(after["abbrev"].0.is_null(), "{:?}", after["abbrev"]);
    assert_eq!(after["typo"], located["typo"]);
}

#[test]
fn check_counts_entities_by_location_quality() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_partners(dir.path());
    let register = dir.path().join("hk.geojson");
    write_geojson_register(&register);
    let report = json_of(
        &store,
        &["locate", "--register", register.to_str().unwrap()],
    );
    let fuzzy = report["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["outcome"] == "applied" && m["quality"] == "address_fuzzy")
        .count();
    let exact = report["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["outcome"] == "applied" && m["quality"] == "address")
        .count();
    // `check` exits 1 when it finds something.
    let out = bin(&store)
        .args(["-q", "check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    let located: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "located")
        .collect();
    // Every point below the exact address is worth a look, and only those.
    assert_eq!(located.len(), fuzzy, "{findings:#}");
    let out = bin(&store).arg("check").output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    let unlocated = CASES.len() + 1 - fuzzy - exact;
    assert!(
        table.contains(&format!(
            "entities by location quality: register:address {exact}, register:address_fuzzy {fuzzy}, none {unlocated}"
        )),
        "{table}"
    );
    // The report's data-quality table counts the same (a report needs districts).
    let districts = dir.path().join("stadtteile.geojson");
    std::fs::write(
        &districts,
        json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"id": "1", "name": "Ganz Halle"},
            "geometry": {"type": "Polygon", "coordinates":
                [[[11.5, 51.2], [12.5, 51.2], [12.5, 51.8], [11.5, 51.8], [11.5, 51.2]]]}}]})
        .to_string(),
    )
    .unwrap();
    let (code, err) = run(
        &store,
        &[
            "import",
            districts.to_str().unwrap(),
            "--as",
            "districts",
            "--level",
            "stadtteil",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let bundle = dir.path().join("bundle");
    let (code, err) = run(
        &store,
        &["report", "--out", bundle.to_str().unwrap(), "--lang", "en"],
    );
    assert_eq!(code, Some(0), "{err}");
    let appendix = std::fs::read_to_string(bundle.join("appendix.md")).unwrap();
    assert!(
        appendix.contains(&format!(
            "register:address {exact}, register:address_fuzzy {fuzzy}, none {unlocated}"
        )),
        "{appendix}"
    );
}
